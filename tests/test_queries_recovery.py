"""Repaid, recovered, paid after contact and attribution on a tiny book worked out by hand
below. The book has only its month-end snapshot (2026-10-31, all three loans overdue, so
in collection in October and November); without assignments each loan's first action of
October places it (docs/metrics.md):
- L1 (10 days on 10-31): its first action A1 on 10-01 is 30 days earlier, before it fell
  overdue: no case, and the payments after its actions are paid after contact, not placed;
- L2 (40 days, 400 overdue): A4 on 10-20 (T2, c2), 11 days earlier: placed at 400 plus P4
  (200, paid that day) = 600, held by T2 from 10-20;
- L3 (100 days, 900 overdue): A5 on 10-05 (legal, T3): placed at 900."""

from decimal import Decimal as D
from pathlib import Path

import pytest

from queries.filters import Filters
from queries.recovery import recovered, recovered_by_method
from recovery.settings import Settings
from tests.helpers import load, write_csv

LOANS = [
    ["2026-10-31", "L1", "C1", "武汉分行", "车贷", "1000", "900", "300.00", "10"],
    ["2026-10-31", "L2", "C2", "深圳分行", "经营贷", "1000", "900", "400.00", "40"],
    ["2026-10-31", "L3", "C3", "武汉分行", "车贷", "1000", "900", "900.00", "100"],
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


def book_files(folder: Path) -> list[Path]:
    """The book above as files to load."""
    return [
        write_csv(folder / "loans.csv", ["as_of_date", "loan_id", "customer_id", "branch",
                  "product", "principal", "outstanding_balance", "overdue_amount", "days_past_due"],
                  LOANS),
        write_csv(folder / "actions.csv", ["action_id", "loan_id", "action_at", "method",
                  "team", "collector", "outcome"], ACTIONS),
        write_csv(folder / "payments.csv", ["payment_id", "loan_id", "paid_at", "amount"],
                  PAYMENTS),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("recovery")
    settings = Settings(db=folder / "recovery.duckdb")
    outcomes = load(settings, *book_files(folder))
    assert all(o.rows_rejected == 0 for o in outcomes)
    return settings.db


def test_repaid_recovered_and_paid_after_contact(db: Path) -> None:
    # 500 - 100 + 300 + 200 + 50 = 950, all on loans in collection; P1, P2 (after A2) and P6
    # (after A1) followed actions on L1, which has no case: 450 paid after contact.
    result = recovered(db, Filters("2026-10"), window_days=30)
    assert result.row(0, named=True) == {
        "repaid": D("950.00"),
        "recovered": D("950.00"),
        "paid_not_placed": D("450.00"),
        "count_payments": 5,
        "count_reversals": 1,
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
        (Filters("2026-10", team="T2"), D("200.00")),  # P4, while T2's case held L2
        (Filters("2026-10", collector="c1"), D("0.00")),  # c1 held no case
        (Filters("2026-10", method="sms"), D("400.00")),
        (Filters("2026-11"), D("1000.00")),  # L3 still overdue on its last snapshot
        (Filters("2026-09"), D("0.00")),
        (Filters("2026-10", method="' or 1=1 --"), D("0.00")),
    ],
)
def test_recovered_under_filters(db: Path, filters: Filters, expected: D) -> None:
    assert recovered(db, filters, window_days=30)["recovered"].item() == expected


def test_a_longer_window_finds_more_paid_after_contact(db: Path) -> None:
    # Window 0: only P4 (A4, same day: L2's case) and P6 (A1, same day: no case) attributed.
    by_window = {
        window: recovered(db, Filters("2026-10"), window_days=window)["paid_not_placed"].item()
        for window in (0, 30)
    }
    assert by_window == {0: D("50.00"), 30: D("450.00")}


def test_a_window_longer_than_the_attribution_table_holds_is_refused(db: Path) -> None:
    with pytest.raises(ValueError, match="attribution window 121 days: use 0 to 120"):
        recovered(db, Filters("2026-10"), window_days=121)
