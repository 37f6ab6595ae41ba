"""Customer names for lists: the name on the customer's latest loans snapshot on or before
the period's end, on a tiny book whose names change, worked out by hand below."""

from pathlib import Path

import pytest

from queries.filters import Filters
from queries.people import customer_names
from recovery.settings import Settings
from tests.helpers import load, write_csv

LOANS = [  # as of, loan, customer, name
    ["2026-09-30", "L1", "C1", "张三"],
    ["2026-09-30", "L2", "C2", "李四"],  # C2's only snapshot: settled after it
    ["2026-09-30", "L3", "C3", "王五"],
    ["2026-10-31", "L1", "C1", "张叁"],  # renamed ...
    ["2026-10-31", "L3", "C3", "王伍"],
    ["2026-11-30", "L1", "C1", "张三"],  # ... and back again
    ["2026-11-30", "L3", "C3", "王伍"],
]
CUSTOMERS = ["C1", "C2", "C3", "CX"]  # CX is on no snapshot


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("people")
    settings = Settings(db=folder / "recovery.duckdb")
    loans = [[*row, "5000", "3000", "0", "0"] for row in LOANS]
    outcomes = load(
        settings,
        write_csv(folder / "loans.csv", ["as_of_date", "loan_id", "customer_id", "customer_name",
                  "principal", "outstanding_balance", "overdue_amount", "days_past_due"], loans),
    )  # fmt: skip
    assert all(o.rows_rejected == 0 for o in outcomes)
    return settings.db


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("2026-08", []),  # before any snapshot
        ("2026-09", [("C1", "张三"), ("C2", "李四"), ("C3", "王五")]),
        # C2 keeps the name of its last snapshot (09-30)
        ("2026-10", [("C1", "张叁"), ("C2", "李四"), ("C3", "王伍")]),
        # C1's latest snapshot (11-30) names it 张三 again
        ("2026-11", [("C1", "张三"), ("C2", "李四"), ("C3", "王伍")]),
    ],
)
def test_names_as_on_the_latest_snapshot_by_the_period_end(
    db: Path, period: str, expected: list[tuple[str, str]]
) -> None:
    assert customer_names(db, Filters(period), CUSTOMERS).rows() == expected
