"""Cases needing attention on a tiny book worked out by hand below (snapshot 2026-10-31)."""

from datetime import date, datetime
from decimal import Decimal as D
from pathlib import Path

import pytest

from queries.attention import limitation_watch, never_worked, stale_cases
from queries.filters import Filters
from recovery.settings import Settings
from tests.helpers import load, write_csv

LOANS = [  # loan, days past due
    ("S1", 100), ("S2", 120), ("S3", 200), ("S4", 60), ("S5", 90), ("S6", 1000), ("S7", 950),
    ("S8", 1100), ("S9", 1000),
]  # fmt: skip
ACTIONS = [  # loan, at, method, relation, outcome
    ("S1", "2026-10-20 10:00:00", "phone", "", "no_answer"),  # 11 days before: recent
    ("S2", "2026-09-15 10:00:00", "phone", "", "no_answer"),  # 46 days before: stale
    ("S5", "2026-11-05 10:00:00", "phone", "", "no_answer"),  # after the snapshot
    ("S6", "2024-01-10 10:00:00", "legal", "", ""),  # a demand, 33+ months old
    ("S7", "2025-06-01 10:00:00", "phone", "self", "connected"),  # a recent demand
    ("S9", "2026-01-01 10:00:00", "sms", "", "undeliverable"),  # not a demand
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("attention")
    settings = Settings(db=folder / "recovery.duckdb")
    loans = [["2026-10-31", loan, "C" + loan, "T1", "1000", "800", str(dpd)] for loan, dpd in LOANS]
    actions = [[f"A{i}", *row[:3], "T1", *row[3:]] for i, row in enumerate(ACTIONS)]
    outcomes = load(
        settings,
        write_csv(folder / "loans.csv", ["as_of_date", "loan_id", "customer_id", "team",
                  "principal", "outstanding_balance", "days_past_due"], loans),
        write_csv(folder / "actions.csv", ["action_id", "loan_id", "action_at", "method", "team",
                  "contact_relation", "outcome"], actions),
    )  # fmt: skip
    assert all(o.rows_rejected == 0 for o in outcomes)
    return settings.db


def test_stale_cases(db: Path) -> None:
    # 90+ with no action in the 30 days before 10-31: S2 (09-15), S3, S5 (only a later
    # action), S6 (2024), S7 (2025), S8, S9 (2026-01). Not S1 (10-20) nor S4 (60 days).
    rows = stale_cases(db, Filters("2026-10")).select("loan_id", "last_action_at").rows()
    assert rows == [
        ("S8", None),
        ("S6", datetime(2024, 1, 10, 10)),
        ("S9", datetime(2026, 1, 1, 10)),
        ("S7", datetime(2025, 6, 1, 10)),
        ("S3", None),
        ("S2", datetime(2026, 9, 15, 10)),
        ("S5", None),
    ]


def test_never_worked(db: Path) -> None:
    rows = never_worked(db, Filters("2026-10")).select("loan_id", "days_past_due").rows()
    assert rows == [("S8", 1100), ("S3", 200)]


def test_limitation_watch(db: Path) -> None:
    # 30 months before 10-31 is 2024-04-30. S6: legal action 2024-01-10. S8: no demand,
    # overdue since 2023-10-27. S9: the SMS was not delivered, overdue since 2024-02-04.
    # S7's effective contact (2025-06-01) keeps it off the list.
    rows = limitation_watch(db, Filters("2026-10"), watch_months=30).select(
        "loan_id", "last_demand_on", "reference_on", "limitation_on", "outstanding_balance"
    )
    assert rows.rows() == [
        ("S8", None, date(2023, 10, 27), date(2026, 10, 27), D("800.00")),
        ("S6", date(2024, 1, 10), date(2024, 1, 10), date(2027, 1, 10), D("800.00")),
        ("S9", None, date(2024, 2, 4), date(2027, 2, 4), D("800.00")),
    ]
    assert limitation_watch(db, Filters("2026-10"), watch_months=40).is_empty()
