"""Recovered money and attribution on a tiny book worked out by hand below."""

from decimal import Decimal as D
from pathlib import Path

import pytest

from queries.filters import Filters
from queries.recovery import recovered, recovered_by_method
from recovery.settings import Settings
from tests.helpers import load, write_csv

LOANS = [
    ["2026-10-31", "L1", "C1", "武汉分行", "车贷", "1000", "900", "10"],
    ["2026-10-31", "L2", "C2", "深圳分行", "经营贷", "1000", "900", "40"],
    ["2026-10-31", "L3", "C3", "武汉分行", "车贷", "1000", "900", "100"],
]
ACTIONS = [
    ["A1", "L1", "2026-10-01 10:00:00", "phone", "T1", "c1", "connected"],
    ["A2", "L1", "2026-10-10 09:00:00", "sms", "T1", "c1", ""],
    ["A3", "L2", "2026-09-01 10:00:00", "visit", "T2", "c2", "met"],
    ["A4", "L2", "2026-10-20 14:00:00", "phone", "T2", "c2", "connected"],
    ["A5", "L3", "2026-10-05 10:00:00", "legal", "T3", "c3", ""],
]
PAYMENTS = [
    ["P1", "L1", "2026-10-12", "500.00"],  # last action before: A2 (sms, 2 days earlier)
    ["P2", "L1", "2026-10-12", "-100.00"],  # reversal, attributed like P1
    ["P3", "L2", "2026-10-15", "300.00"],  # A3 is 44 days earlier: no action in 30 days
    ["P4", "L2", "2026-10-20", "200.00"],  # A4 the same day (dates, not times)
    ["P5", "L3", "2026-11-02", "1000.00"],  # November: outside the period
    ["P6", "L1", "2026-10-01", "50.00"],  # A1 the same day
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("recovery")
    settings = Settings(db=folder / "recovery.duckdb")
    outcomes = load(
        settings,
        write_csv(folder / "loans.csv", ["as_of_date", "loan_id", "customer_id", "branch",
                  "product", "principal", "outstanding_balance", "days_past_due"], LOANS),
        write_csv(folder / "actions.csv", ["action_id", "loan_id", "action_at", "method",
                  "team", "collector", "outcome"], ACTIONS),
        write_csv(folder / "payments.csv", ["payment_id", "loan_id", "paid_at", "amount"],
                  PAYMENTS),
    )  # fmt: skip
    assert all(o.rows_rejected == 0 for o in outcomes)
    return settings.db


def test_recovered_nets_reversals_and_splits_by_attribution(db: Path) -> None:
    # 500 - 100 + 300 + 200 + 50 = 950; attributed P1 + P2 + P4 + P6 = 650; P3 alone 300.
    result = recovered(db, Filters("2026-10"), window_days=30)
    assert result.row(0, named=True) == {
        "recovered": D("950.00"),
        "count_payments": 5,
        "count_reversals": 1,
        "attributed_recovered": D("650.00"),
        "unattributed_recovered": D("300.00"),
    }


def test_recovered_by_method(db: Path) -> None:
    rows = recovered_by_method(db, Filters("2026-10"), window_days=30).rows()
    assert rows == [
        ("no_action", D("300.00"), 1, 1),
        ("phone", D("250.00"), 2, 2),
        ("sms", D("400.00"), 2, 1),
    ]


def test_a_longer_window_reaches_older_actions(db: Path) -> None:
    rows = recovered_by_method(db, Filters("2026-10"), window_days=60).rows()
    assert rows == [("phone", D("250.00"), 2, 2), ("sms", D("400.00"), 2, 1),
                    ("visit", D("300.00"), 1, 1)]  # fmt: skip


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters("2026-10", branch="武汉分行"), D("450.00")),
        (Filters("2026-10", team="T2"), D("200.00")),
        (Filters("2026-10", collector="c1"), D("450.00")),
        (Filters("2026-10", method="sms"), D("400.00")),
        (Filters("2026-11"), D("1000.00")),
        (Filters("2026-09"), D("0.00")),
        (Filters("2026-10", method="' or 1=1 --"), D("0.00")),
    ],
)
def test_recovered_under_filters(db: Path, filters: Filters, expected: D) -> None:
    assert recovered(db, filters, window_days=30)["recovered"].item() == expected


def test_attributed_and_unattributed_add_up_to_all_payments(db: Path) -> None:
    for window in (0, 1, 10, 30, 60, 120):
        row = recovered(db, Filters("2026-10"), window_days=window).row(0, named=True)
        assert row["attributed_recovered"] + row["unattributed_recovered"] == row["recovered"]


def test_a_window_longer_than_the_attribution_table_holds_is_refused(db: Path) -> None:
    with pytest.raises(ValueError, match="attribution window 121 days: use 0 to 120"):
        recovered(db, Filters("2026-10"), window_days=121)
