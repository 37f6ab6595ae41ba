"""The filter bar's options, the loans behind a bar or cell, the league-table extras, the
call outcome mix and masked customer names, on a tiny book worked out by hand below
(attribution window 30 days, promise grace 3 days)."""

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from queries import dimensions
from queries.call_outcomes import call_outcomes
from queries.drilldown import (
    cases_worked,
    loans_in_bucket,
    loans_in_tier,
    loans_rolled,
    promises_with_verdict,
)
from queries.filters import Filters
from queries.league import contacts_by, promises_by
from queries.people import with_customer_names
from recovery.settings import Settings
from tests.helpers import load, write_csv

LOANS = [  # as of, loan, customer, name, branch, team, collector, outstanding, overdue, dpd
    ["2026-09-30", "L1", "C1", "张三丰", "WH", "T1", "c1", "1000.00", "100.00", "10"],
    ["2026-09-30", "L2", "C2", "李四", "WH", "T2", "c2", "2000.00", "400.00", "40"],
    ["2026-09-30", "L3", "C3", "王五", "SZ", "T1", "c1", "500.00", "500.00", "100"],
    ["2026-10-31", "L1", "C1", "张三丰", "WH", "T1", "c1", "600.00", "200.00", "40"],
    ["2026-10-31", "L2", "C2", "李四", "WH", "T2", "c2", "1500.00", "0", "0"],
    ["2026-10-31", "L3", "C3", "王五", "SZ", "T1", "c3", "500.00", "500.00", "130"],
]
ACTIONS = [  # id, loan, at, method, team, collector, relation, outcome, promised, date
    ["A1", "L1", "2026-10-02 10:00", "phone", "T1", "c1", "self", "connected", "300", "2026-10-05"],
    ["A2", "L1", "2026-10-10 10:00", "sms", "T1", "c1", "", "delivered", "", ""],
    ["A3", "L2", "2026-10-05 10:00", "phone", "T2", "c2", "colleague", "connected", "", ""],
    ["A4", "L2", "2026-10-06 10:00", "phone", "T2", "c2", "", "no_answer", "", ""],
    ["A5", "L3", "2026-10-03 10:00", "phone", "T1", "c1", "spouse", "connected", "200",
     "2026-10-04"],
    ["A6", "L3", "2026-10-20 10:00", "phone", "T1", "c3", "self", "connected", "100", "2026-10-21"],
]  # fmt: skip
PAYMENTS = [
    ["P1", "L1", "2026-10-07", "300.00"],  # → A1 (phone, T1, c1); keeps A1's promise of 300
    ["P2", "L3", "2026-10-04", "50.00"],  # → A5 (phone, T1, c1); A5's 200 is partly kept
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("drilldown")
    settings = Settings(db=folder / "recovery.duckdb")
    loans = [[*row[:7], "5000", *row[7:]] for row in LOANS]
    outcomes = load(
        settings,
        write_csv(folder / "loans.csv", ["as_of_date", "loan_id", "customer_id", "customer_name",
                  "branch", "team", "collector", "principal", "outstanding_balance",
                  "overdue_amount", "days_past_due"], loans),
        write_csv(folder / "actions.csv", ["action_id", "loan_id", "action_at", "method", "team",
                  "collector", "contact_relation", "outcome", "promised_amount",
                  "promised_date"], ACTIONS),
        write_csv(folder / "payments.csv", ["payment_id", "loan_id", "paid_at", "amount"],
                  PAYMENTS),
        write_csv(folder / "teams.csv", ["team", "team_type"], [["T0", "legal"]]),
    )  # fmt: skip
    assert all(o.rows_rejected == 0 for o in outcomes)
    return settings.db


OCTOBER = Filters("2026-10")


def test_filter_bar_options(db: Path) -> None:
    assert dimensions.periods(db) == ["2026-10", "2026-09"]
    assert dimensions.branches(db) == ["SZ", "WH"]
    assert dimensions.teams(db) == ["T0", "T1", "T2"]
    assert dimensions.collectors(db) == ["c1", "c2", "c3"]
    assert dimensions.collectors(db, team="T1") == ["c1", "c3"]
    assert dimensions.methods(db) == ["phone", "sms"]


def test_loans_in_bucket_and_tier(db: Path) -> None:
    # October's book: L1 40 days (M2), L2 current, L3 130 days (M5).
    rows = loans_in_bucket(db, OCTOBER, bucket="M2")
    assert rows.select("loan_id", "customer_name", "days_past_due", "count_total").rows() == [
        ("L1", "张**", 40, 1)
    ]
    assert loans_in_bucket(db, OCTOBER, bucket="M3").is_empty()
    # L3 at 130 days is substandard (91–270), L1 special mention.
    assert loans_in_tier(db, OCTOBER, tier="substandard")["loan_id"].to_list() == ["L3"]


def test_loans_rolled(db: Path) -> None:
    # From September: L1 M1 → M2, L2 M2 → Current, L3 M4 → M5.
    rows = loans_rolled(db, OCTOBER, from_bucket="M1", to_state="M2")
    assert rows.select(
        "loan_id", "days_past_due_before", "days_past_due_after", "outstanding_after"
    ).rows() == [("L1", 10, 40, D("600.00"))]
    assert loans_rolled(db, OCTOBER, from_bucket="M2", to_state="Current")["loan_id"].to_list() == [
        "L2"
    ]
    assert loans_rolled(db, OCTOBER, from_bucket="M1", to_state="settled").is_empty()


def test_cases_worked_add_up_to_the_method_figures(db: Path) -> None:
    # No assignments file: each loan's case is held by its first action of October, placed
    # at the overdue amount of the snapshot before it (September's): L1 100 (M1, A1), L2 400
    # (M2, A3), L3 500 (M4, A5). phone worked all three; P1 300 (L1, 10-07) is A1's (A2, the
    # sms of 10-10, comes after it), capped at L1's 100; P2 50 (L3, 10-04) is A5's.
    rows = cases_worked(db, OCTOBER, dimension="method", value="phone", window_days=30)
    expected = pl.DataFrame(
        {
            "loan_id": ["L1", "L3", "L2"],
            "customer_name": ["张**", "王*", "李*"],
            "team": ["T1", "T1", "T2"],
            "bucket": ["M1", "M4", "M2"],
            "placed": [D("100.00"), D("500.00"), D("400.00")],
            "paid": [D("300.00"), D("50.00"), D("0.00")],
            "recovered": [D("100.00"), D("50.00"), D("0.00")],
            "is_cured": [True, False, False],
            "count_actions": [1, 2, 2],
            "count_total": [3, 3, 3],
        }
    )
    money = pl.col("placed", "paid", "recovered").cast(pl.Decimal(38, 2))
    assert_frame_equal(rows.select(expected.columns).with_columns(money),
                       expected.with_columns(money))  # fmt: skip
    by_bucket = cases_worked(
        db, OCTOBER, dimension="method", value="phone", window_days=30, bucket="M4"
    )
    assert by_bucket["loan_id"].to_list() == ["L3"]
    with pytest.raises(ValueError, match="drill by one of"):
        cases_worked(db, OCTOBER, dimension="branch", value="WH", window_days=30)


def test_cases_held_by_a_collector_are_its_teams(db: Path) -> None:
    # c1 of T1 holds L1 (first action A1) and L3 (A5; A6 by c3 came later): 100 of 100 and
    # 50 of 500 recovered while held.
    rows = cases_worked(
        db, OCTOBER, dimension="collector", value="c1", value_team="T1", window_days=30
    )
    assert rows.select("loan_id", "placed", "recovered", "is_cured").rows() == [
        ("L1", D("100.00"), D("100.00"), True),
        ("L3", D("500.00"), D("50.00"), False),
    ]
    assert cases_worked(
        db, OCTOBER, dimension="collector", value="c1", value_team="T2", window_days=30
    ).is_empty()


def test_promises_with_verdict(db: Path) -> None:
    # A1: 300 by 10-08, paid 300 → kept. A5: 200 by 10-07, paid 50 → partly kept.
    # A6: 100 by 10-24, nothing paid from 10-20 → broken.
    kept = promises_with_verdict(db, OCTOBER, verdict="kept")
    assert kept.select("action_id", "customer_name", "paid_amount").rows() == [
        ("A1", "张**", D("300.00"))
    ]
    broken = promises_with_verdict(db, OCTOBER, verdict="broken")
    assert broken.select("action_id", "collector", "due_on").rows() == [
        ("A6", "c3", date(2026, 10, 24))
    ]


def test_league_extras(db: Path) -> None:
    # T1: A1 (effective), A5 (spouse: effective), A6 (effective) = 3/3. T2: A3 (colleague:
    # not effective), A4 no answer = 0/2.
    assert contacts_by(db, OCTOBER, dimension="team").rows() == [
        ("T1", 3, 3, 1.0),
        ("T2", 2, 0, 0.0),
    ]
    # Due in October: A1 kept (c1), A5 partly kept (c1), A6 broken (c3).
    assert promises_by(db, OCTOBER, dimension="collector").rows() == [
        ("c1", 2, 1, 0.5),
        ("c3", 1, 0, 0.0),
    ]
    with pytest.raises(ValueError, match="rank by one of"):
        contacts_by(db, OCTOBER, dimension="method")


def test_call_outcomes(db: Path) -> None:
    assert call_outcomes(db, OCTOBER).rows() == [("connected", 4, 0.8), ("no_answer", 1, 0.2)]
    assert call_outcomes(db, Filters("2026-10", team="T2")).rows() == [
        ("connected", 1, 0.5),
        ("no_answer", 1, 0.5),
    ]


def test_customer_names_are_masked(db: Path) -> None:
    frame = pl.DataFrame({"loan_id": ["L3", "L1", "LX"], "customer_id": ["C3", "C1", "CX"]})
    assert with_customer_names(db, OCTOBER, frame).rows() == [
        ("L3", "C3", "王*"),
        ("L1", "C1", "张**"),
        ("LX", "CX", None),
    ]


def test_a_name_is_the_one_on_the_customers_latest_snapshot(tmp_path: Path) -> None:
    """C1 renamed on the latest snapshot; C9 gone from it (its name is on an earlier one);
    in September only the September snapshot counts."""
    settings = Settings(db=tmp_path / "recovery.duckdb")
    rows = [
        ["2026-08-31", "L9", "C9", "赵六", "0"],
        ["2026-09-30", "L1", "C1", "张三", "0"],
        ["2026-10-31", "L1", "C1", "张三丰", "0"],
    ]
    load(
        settings,
        write_csv(
            tmp_path / "loans.csv",
            [
                "as_of_date",
                "loan_id",
                "customer_id",
                "customer_name",
                "principal",
                "outstanding_balance",
                "days_past_due",
            ],
            [[*row[:4], "1000", "1000", row[4]] for row in rows],
        ),
    )
    frame = pl.DataFrame({"customer_id": ["C1", "C9", "CX"]})
    assert with_customer_names(settings.db, OCTOBER, frame, masked=False).rows() == [
        ("C1", "张三丰"),
        ("C9", "赵六"),
        ("CX", None),
    ]
    september = with_customer_names(settings.db, Filters("2026-09"), frame, masked=False)
    assert september.rows() == [("C1", "张三"), ("C9", "赵六"), ("CX", None)]
