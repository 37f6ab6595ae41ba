"""Cases, holder and method recovery, cases cured, the recovery index and costs, on tiny
books worked out by hand below (attribution window 30 days; docs/metrics.md, Recovery).

Book A has an assignments file (placements exact). October 2026:
- L1, overdue 1,000 (10 days) on the September snapshot: case S1 with team T1 / c1 from
  10-01 (amount from that snapshot: 1,000, stage M1), reassigned on 10-15 to S2, T2 / c2,
  placed at 1,200 with 40 days (M2). Payments P1 300 on 10-10 (S1's), P3 200 on 10-15 and
  P2 500 on 10-20 (S2's): S1 recovered 300, S2 700.
- L2, current on the September snapshot, enters collection mid-month: case S3, T1 / c1 from
  10-12, placed at its assigned 800 (1 day, M1); P4 pays 1,000 on 10-20: capped at 800,
  the case is cured.
- L3, current: a reminder SMS (A4, T1) on 10-03 and the instalment P5 of 450 on 10-05: no
  case, so P5 is "paid after contact, not placed", and not recovered (not in collection).
- L4, overdue 5,000 (200 days): case S4 with the agency AG / c3 since 08-01, placed at
  its assigned 20,000 with 140 days (M5); P6 2,000 on 10-25. AG's commission is 25 %.
Actions: A1 phone L1 10-02 (S1), A2 visit L1 10-16 (S2), A3 phone L2 10-13 (S3), A6 sms
L2 10-14 (S3), A4 sms L3 10-03 (no case), A5 agency L4 10-20 (S4, cost 500.00).
Attribution (last action within 30 days): P1 → A1 and P3 → A1 (phone on S1: the action
of 10-02 worked S1, though P3 is S2's for its holder), P2 → A2 (visit, S2), P4 → A6 (sms,
S3), P5 → A4 (sms, no case), P6 → A5 (agency, S4).
"""

from decimal import Decimal as D
from math import sqrt
from pathlib import Path

import pytest

from queries.drilldown import cases_worked
from queries.filters import Filters
from queries.recovery import (
    agency_recovery,
    recovered,
    recovery_by,
    recovery_by_age,
    recovery_by_stage,
    recovery_rate_trend,
    recovery_source,
)
from recovery.settings import Settings
from tests.helpers import load, write_csv

OCTOBER = Filters("2026-10")
COMMISSIONS = {"AG": D("0.25")}
LOAN_HEADER = ["as_of_date", "loan_id", "customer_id", "principal", "outstanding_balance",
               "overdue_amount", "days_past_due"]  # fmt: skip
ACTION_HEADER = ["action_id", "loan_id", "action_at", "method", "team", "collector", "outcome",
                 "cost"]  # fmt: skip
PAYMENT_HEADER = ["payment_id", "loan_id", "paid_at", "amount"]
ASSIGNMENT_HEADER = ["assignment_id", "loan_id", "team", "collector", "assigned_on", "ended_on",
                     "assigned_amount", "days_past_due"]  # fmt: skip

LOANS_A = [
    ["2026-09-30", "L1", "C1", "5000", "3000", "1000.00", "10"],
    ["2026-09-30", "L2", "C2", "5000", "3000", "0.00", "0"],
    ["2026-09-30", "L3", "C3", "5000", "3000", "0.00", "0"],
    ["2026-09-30", "L4", "C4", "30000", "20000", "5000.00", "200"],
    ["2026-10-31", "L1", "C1", "5000", "2500", "500.00", "41"],
    ["2026-10-31", "L2", "C2", "5000", "2000", "0.00", "0"],
    ["2026-10-31", "L3", "C3", "5000", "2550", "0.00", "0"],
    ["2026-10-31", "L4", "C4", "30000", "18000", "3000.00", "231"],
]
ASSIGNMENTS_A = [
    ["S1", "L1", "T1", "c1", "2026-10-01", "2026-10-15", "", ""],
    ["S2", "L1", "T2", "c2", "2026-10-15", "", "1200.00", "40"],
    ["S3", "L2", "T1", "c1", "2026-10-12", "", "800.00", "1"],
    ["S4", "L4", "AG", "c3", "2026-08-01", "", "20000.00", "140"],
]
ACTIONS_A = [  # costs from the config: phone 2.00, sms 0.10, visit 120.00
    ["A1", "L1", "2026-10-02 10:00:00", "phone", "T1", "c1", "connected", ""],
    ["A2", "L1", "2026-10-16 10:00:00", "visit", "T2", "c2", "met", ""],
    ["A3", "L2", "2026-10-13 10:00:00", "phone", "T1", "c1", "connected", ""],
    ["A6", "L2", "2026-10-14 10:00:00", "sms", "T1", "c1", "", ""],
    ["A4", "L3", "2026-10-03 09:00:00", "sms", "T1", "c1", "", ""],
    ["A5", "L4", "2026-10-20 10:00:00", "agency", "AG", "c3", "", "500.00"],
]
PAYMENTS_A = [
    ["P1", "L1", "2026-10-10", "300.00"],
    ["P3", "L1", "2026-10-15", "200.00"],
    ["P2", "L1", "2026-10-20", "500.00"],
    ["P4", "L2", "2026-10-20", "1000.00"],
    ["P5", "L3", "2026-10-05", "450.00"],
    ["P6", "L4", "2026-10-25", "2000.00"],
]


def write_book(folder: Path, loans, actions, payments, assignments=None) -> Path:
    settings = Settings(db=folder / "recovery.duckdb")
    files = [
        write_csv(folder / "loans.csv", LOAN_HEADER, loans),
        write_csv(folder / "actions.csv", ACTION_HEADER, actions),
        write_csv(folder / "payments.csv", PAYMENT_HEADER, payments),
    ]
    if assignments:
        files.append(write_csv(folder / "assignments.csv", ASSIGNMENT_HEADER, assignments))
    files.append(write_csv(folder / "teams.csv", ["team", "team_type"], [["AG", "agency"]]))
    outcomes = load(settings, *files)
    assert all(o.rows_rejected == 0 and o.status == "loaded" for o in outcomes), outcomes
    return settings.db


@pytest.fixture(scope="module")
def book_a(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("book_a")
    return write_book(folder, LOANS_A, ACTIONS_A, PAYMENTS_A, ASSIGNMENTS_A)


def interval(denominators: list[float], numerators: list[float]) -> tuple[float, float]:
    """A ratio of sums and its linearised 95 % interval over cases, written out."""
    ratio = sum(numerators) / sum(denominators)
    squares = sum((n - ratio * d) ** 2 for d, n in zip(denominators, numerators, strict=True))
    cases = len(denominators)
    margin = 1.96 * sqrt(squares * cases / (cases - 1)) / sum(denominators)
    return ratio - margin, ratio + margin


def by(frame, *columns: str) -> dict:
    return {tuple(row[c] for c in columns): row for row in frame.rows(named=True)}


def test_the_source_of_placements(book_a: Path, tmp_path: Path) -> None:
    assert recovery_source(book_a) == "assignments"
    plain = write_book(tmp_path, LOANS_A, ACTIONS_A, PAYMENTS_A)
    assert recovery_source(plain) == "first_action"


def test_repaid_recovered_and_paid_not_placed(book_a: Path) -> None:
    row = recovered(book_a, OCTOBER, window_days=30).row(0, named=True)
    assert row == {
        "repaid": D("4450.00"),  # every payment
        "recovered": D("4000.00"),  # all but L3's instalment: L3 is not in collection
        "paid_not_placed": D("450.00"),  # P5, after the reminder SMS that worked no case
        "count_payments": 6,
        "count_reversals": 0,
    }
    # A team filter keeps the payments made while its cases held the loan.
    t1 = recovered(book_a, Filters("2026-10", team="T1"), window_days=30).row(0, named=True)
    assert (t1["repaid"], t1["recovered"], t1["paid_not_placed"]) == (
        D("1300.00"),  # P1 (S1) + P4 (S3)
        D("1300.00"),
        D("450.00"),  # P5 followed T1's own SMS
    )


def test_holders_reassignment_mid_month_entry_and_cap(book_a: Path) -> None:
    teams = by(
        recovery_by(book_a, OCTOBER, dimension="team", window_days=30, commissions=COMMISSIONS),
        "team",
    )
    t1 = teams[("T1",)]
    # S1 placed 1,000 recovered 300 (P1; P3 on the 15th is S2's); S3 placed at its assigned
    # 800, paid 1,000, recovered 800 (capped) and cured.
    assert (t1["cases"], t1["placed"], t1["recovered"], t1["cases_cured"]) == (
        2, D("1800.00"), D("1100.00"), 1,
    )  # fmt: skip
    assert t1["recovery_rate"] == pytest.approx(1100 / 1800)
    assert t1["case_cure_rate"] == pytest.approx(0.5)
    low, high = interval([1000, 800], [300, 800])
    assert t1["rate_low"] == pytest.approx(max(0, low))
    assert t1["rate_high"] == pytest.approx(min(1, high))
    # Its actions on its cases: A1 and A3 phone 2.00 each, A6 sms 0.10 (A4 worked no case).
    assert t1["count_actions"] == 3 and t1["cost"] == D("4.10")
    assert t1["cost_per_100_recovered"] == pytest.approx(4.10 / 1100 * 100)
    t2 = teams[("T2",)]
    assert (t2["cases"], t2["placed"], t2["recovered"], t2["cases_cured"]) == (
        1, D("1200.00"), D("700.00"), 0,
    )  # fmt: skip
    assert t2["rate_low"] is None and t2["rate_high"] is None  # one case: no interval
    agency = teams[("AG",)]
    # The agency's cost is its commission, 25 % of 2,000, instead of its action's 500.00.
    assert (agency["placed"], agency["recovered"], agency["cost"]) == (
        D("20000.00"), D("2000.00"), D("500.00"),
    )  # fmt: skip


def test_a_holder_that_alone_works_a_stage_has_index_1(book_a: Path) -> None:
    teams = recovery_by(book_a, OCTOBER, dimension="team", window_days=30)
    # Stage rates over all cases: M1 (S1, S3) 1,100 / 1,800; M2 (S2) 700 / 1,200; M5 (S4)
    # 2,000 / 20,000. Each team alone works its stages, so each recovers as expected.
    for row in teams.rows(named=True):
        assert row["expected_recovered"] == row["recovered"]
        assert row["recovery_index"] == pytest.approx(1.0)


def test_methods_capped_per_case_with_an_index(book_a: Path) -> None:
    methods = by(recovery_by(book_a, OCTOBER, dimension="method", window_days=30), "method")
    assert set(methods) == {("phone",), ("sms",), ("visit",), ("agency",)}
    phone, sms = methods[("phone",)], methods[("sms",)]
    # phone worked S1 (placed 1,000; P1 + P3 = 500 attributed) and S3 (800; nothing: P4
    # followed the SMS of the next day). sms worked S3: P4's 1,000 capped at 800, cured.
    assert (phone["cases"], phone["placed"], phone["recovered"], phone["cases_cured"]) == (
        2, D("1800.00"), D("500.00"), 0,
    )  # fmt: skip
    assert (sms["cases"], sms["placed"], sms["recovered"], sms["cases_cured"]) == (
        1, D("800.00"), D("800.00"), 1,
    )  # fmt: skip
    assert sms["recovery_rate"] == 1.0
    # Stage M1's rate over the method rows (phone S1, phone S3, sms S3): 1,300 / 2,600 = 0.5.
    # phone: expected 1,800 × 0.5 = 900, index 500 / 900; sms: 400, index 2.
    assert phone["expected_recovered"] == D("900.00")
    assert phone["recovery_index"] == pytest.approx(500 / 900)
    low, high = interval([500, 400], [500, 0])
    assert phone["index_low"] == pytest.approx(max(0, low))
    assert phone["index_high"] == pytest.approx(high)
    assert sms["expected_recovered"] == D("400.00") and sms["recovery_index"] == pytest.approx(2)
    visit = methods[("visit",)]
    assert (visit["placed"], visit["recovered"], visit["cost"]) == (
        D("1200.00"), D("500.00"), D("120.00"),
    )  # fmt: skip
    assert methods[("agency",)]["recovery_index"] == pytest.approx(1.0)


def test_a_team_is_the_sum_of_its_collectors(book_a: Path) -> None:
    collectors = recovery_by(book_a, OCTOBER, dimension="collector", window_days=30)
    assert collectors.select("team", "collector", "cases", "placed", "recovered").rows() == [
        ("AG", "c3", 1, D("20000.00"), D("2000.00")),
        ("T1", "c1", 2, D("1800.00"), D("1100.00")),
        ("T2", "c2", 1, D("1200.00"), D("700.00")),
    ]


def test_filters_narrow_the_cases(book_a: Path) -> None:
    # A method filter keeps the cases that method worked, with their holder's figures.
    phone = recovery_by(book_a, Filters("2026-10", method="phone"), dimension="team",
                        window_days=30)  # fmt: skip
    assert phone.select("team", "cases", "placed", "recovered", "count_actions").rows() == [
        ("T1", 2, D("1800.00"), D("1100.00"), 2),
    ]
    # A team filter narrows a method comparison to the team's cases; the index is still
    # against the book's stage rates for the compared rows (T2's visit alone at M2).
    visits = recovery_by(book_a, Filters("2026-10", team="T2"), dimension="method",
                         window_days=30)  # fmt: skip
    assert visits.select("method", "cases", "placed", "recovered").rows() == [
        ("visit", 1, D("1200.00"), D("500.00")),
    ]
    august = recovery_by(book_a, Filters("2026-08"), dimension="team", window_days=30)
    assert august.select("team", "cases", "placed", "recovered").rows() == [
        ("AG", 1, D("20000.00"), D("0.00")),  # only S4 was held in August
    ]


def test_the_stage_matrix_and_recovery_by_age(book_a: Path) -> None:
    assert recovery_by_stage(book_a, OCTOBER, window_days=30).rows() == [
        ("agency", "M5", 1, D("20000.00"), D("2000.00"), 0.1),
        ("phone", "M1", 2, D("1800.00"), D("500.00"), pytest.approx(500 / 1800)),
        ("sms", "M1", 1, D("800.00"), D("800.00"), 1.0),
        ("visit", "M2", 1, D("1200.00"), D("500.00"), pytest.approx(500 / 1200)),
    ]
    assert recovery_by_age(book_a, OCTOBER, window_days=30).rows() == [
        ("M1", 2, D("1800.00"), D("1100.00"), pytest.approx(1100 / 1800), 1, 0.5),
        ("M2", 1, D("1200.00"), D("700.00"), pytest.approx(700 / 1200), 0, 0.0),
        ("M5", 1, D("20000.00"), D("2000.00"), 0.1, 0, 0.0),
    ]


def test_the_trend_is_the_holders_total(book_a: Path) -> None:
    trend = recovery_rate_trend(book_a, OCTOBER, window_days=30)
    # August and September: S4 alone, nothing paid; October: every case.
    assert trend.rows() == [
        ("2026-08", 1, D("20000.00"), D("0.00"), 0.0),
        ("2026-09", 1, D("20000.00"), D("0.00"), 0.0),
        ("2026-10", 4, D("23000.00"), D("3800.00"), pytest.approx(3800 / 23000)),
    ]


def test_agencies_with_their_commission(book_a: Path) -> None:
    rows = agency_recovery(book_a, OCTOBER, window_days=30, commissions=COMMISSIONS).rows()
    assert rows == [
        ("AG", 1, D("20000.00"), D("2000.00"), 0.1, D("0.250000"), D("500.00"), D("500.00"),
         25.0),
    ]  # fmt: skip
    # Without a rate in the config its cost is its actions' (A5: 500.00) and no commission.
    plain = agency_recovery(book_a, OCTOBER, window_days=30, commissions={}).row(0, named=True)
    assert (plain["commission"], plain["cost"]) == (None, D("500.00"))


@pytest.mark.parametrize(
    ("dimension", "value", "team", "expected"),
    [
        ("team", "T1", None, [("S3", "L2", D("800.00"), D("1000.00"), D("800.00"), True),
                              ("S1", "L1", D("1000.00"), D("300.00"), D("300.00"), False)]),
        ("collector", "c2", "T2", [("S2", "L1", D("1200.00"), D("700.00"), D("700.00"), False)]),
        ("method", "phone", None, [("S1", "L1", D("1000.00"), D("500.00"), D("500.00"), False),
                                   ("S3", "L2", D("800.00"), D("0.00"), D("0.00"), False)]),
    ],
)  # fmt: skip
def test_the_cases_behind_a_figure_add_up_to_it(book_a, dimension, value, team, expected):
    rows = cases_worked(book_a, OCTOBER, dimension=dimension, value=value, value_team=team,
                        window_days=30)  # fmt: skip
    assert rows.select("case_id", "loan_id", "placed", "paid", "recovered", "is_cured").rows() == (
        expected
    )
    assert rows["count_total"].to_list() == [len(expected)] * len(expected)


def test_a_book_with_only_its_month_end_snapshot(tmp_path: Path) -> None:
    """L5 is 45 days past due with 600 overdue on 10-31 only; phone on 10-10, 400 paid on
    10-20: placed at 600 + 400 = 1,000 at 45 - 21 = 24 days (M1), recovered 400. L6 is
    current on 10-31; an SMS on 10-03 and 300 paid on 10-05: 0 days past due less 28 is no
    day overdue, so no case, and the 300 is paid after contact, not placed."""
    db = write_book(
        tmp_path,
        [["2026-10-31", "L5", "C5", "5000", "3000", "600.00", "45"],
         ["2026-10-31", "L6", "C6", "5000", "3000", "0.00", "0"]],
        [["A7", "L5", "2026-10-10 10:00:00", "phone", "T1", "c1", "connected", ""],
         ["A8", "L6", "2026-10-03 09:00:00", "sms", "T1", "c1", "", ""]],
        [["P7", "L5", "2026-10-20", "400.00"], ["P8", "L6", "2026-10-05", "300.00"]],
    )  # fmt: skip
    teams = recovery_by(db, OCTOBER, dimension="team", window_days=30)
    assert teams.select("team", "cases", "placed", "recovered", "recovery_rate").rows() == [
        ("T1", 1, D("1000.00"), D("400.00"), 0.4),
    ]
    assert recovery_by_age(db, OCTOBER, window_days=30)["bucket"].to_list() == ["M1"]
    row = recovered(db, OCTOBER, window_days=30).row(0, named=True)
    assert (row["repaid"], row["recovered"], row["paid_not_placed"]) == (
        D("700.00"), D("400.00"), D("300.00"),
    )  # fmt: skip


def test_first_actions_make_one_case_per_loan_and_month(tmp_path: Path) -> None:
    """Without assignments, Book A's loans are placed at their first action of October:
    L1 by T1 (A1, 10-02) at the September snapshot's 1,000 (M1); L2 and L3 were current on
    that snapshot (no case); L4 by AG (A5) at 5,000 (200 days: M7+). L1 is T1's for the whole
    month: P1, P3 and P2 (1,000 in all) are its, within the 1,000 placed: cured."""
    db = write_book(tmp_path, LOANS_A, ACTIONS_A, PAYMENTS_A)
    teams = recovery_by(db, OCTOBER, dimension="team", window_days=30)
    assert teams.select("team", "cases", "placed", "recovered", "cases_cured").rows() == [
        ("AG", 1, D("5000.00"), D("2000.00"), 0),
        ("T1", 1, D("1000.00"), D("1000.00"), 1),
    ]
    row = recovered(db, OCTOBER, window_days=30).row(0, named=True)
    # P4 (after A6, L2 with no case) and P5 (after A4) are paid after contact, not placed;
    # L2 is not in collection either: recovered is L1's and L4's.
    assert (row["recovered"], row["paid_not_placed"]) == (D("3000.00"), D("1450.00"))


def test_unknown_dimension_is_refused(book_a: Path) -> None:
    with pytest.raises(ValueError, match="compare by one of"):
        recovery_by(book_a, OCTOBER, dimension="1; drop table actions", window_days=30)
