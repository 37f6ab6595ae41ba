"""Invalid numbers on file and field visits against quota, worked out by hand below."""

from pathlib import Path

import pytest

from queries.contacts import invalid_numbers_by_reason, invalid_numbers_summary
from queries.field import visits_against_quota
from queries.filters import Filters
from recovery.settings import Settings
from tests.helpers import load, write_csv

LOANS = [
    ["2026-10-31", "K1", "C1", "T1", "active"],
    ["2026-10-31", "K2", "C2", "T1", "active"],
    ["2026-10-31", "K3", "C3", "T2", "active"],
    ["2026-10-31", "K4", "C4", "T1", "settled"],
]
CONTACTS = [
    ["C1", "13812345678", ""],  # valid
    ["C1", "1381234567", ""],  # a mobile missing a digit: wrong length
    ["C2", "027-8765432", "武汉"],  # Wuhan needs 8 digits: wrong length
    ["C2", "无", ""],  # not a number
    ["C3", "13812345679", ""],  # valid
    ["C3", "138-1234-5679", ""],  # the same number again: duplicate
    ["C4", "12345", ""],  # C4's loan is settled: not in the book
]
ACTIONS = [
    ["V1", "K1", "2026-10-05 10:00:00", "visit", "T1", "c1", "met"],
    ["V2", "K1", "2026-10-06 10:00:00", "visit", "T1", "c1", "not_found"],
    ["V3", "K2", "2026-10-07 10:00:00", "visit", "T1", "c2", "met"],
    ["V4", "K3", "2026-10-08 10:00:00", "visit", "T2", "c3", "met"],
    ["V5", "K1", "2026-10-09 10:00:00", "phone", "T1", "c1", "no_answer"],
    ["V6", "K1", "2026-09-09 10:00:00", "visit", "T1", "c1", "met"],
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("numbers")
    settings = Settings(db=folder / "recovery.duckdb")
    loans = [[*row[:4], "1000", "500", "0", row[4]] for row in LOANS]
    outcomes = load(
        settings,
        write_csv(folder / "loans.csv", ["as_of_date", "loan_id", "customer_id", "team",
                  "principal", "outstanding_balance", "days_past_due", "status"], loans),
        write_csv(folder / "contacts.csv", ["customer_id", "phone", "city"], CONTACTS),
        write_csv(folder / "teams.csv", ["team", "team_type", "monthly_visit_quota"],
                  [["T1", "field", "25"], ["T2", "field", ""]]),
        write_csv(folder / "actions.csv", ["action_id", "loan_id", "action_at", "method", "team",
                  "collector", "outcome"], ACTIONS),
    )  # fmt: skip
    assert all(o.rows_rejected == 0 for o in outcomes), outcomes
    return settings.db


def test_invalid_numbers_on_file(db: Path) -> None:
    assert invalid_numbers_summary(db, Filters("2026-10")).row(0) == (6, 4, 3, 1)
    assert invalid_numbers_by_reason(db, Filters("2026-10")).rows() == [
        ("wrong_length", 2),
        ("duplicate", 1),
        ("not_a_number", 1),
    ]


def test_invalid_numbers_of_one_team(db: Path) -> None:
    assert invalid_numbers_summary(db, Filters("2026-10", team="T2")).row(0) == (2, 1, 1, 0)


def test_visits_against_quota(db: Path) -> None:
    assert visits_against_quota(db, Filters("2026-10")).rows() == [
        ("T1", "c1", 2, 1, 25, 2 / 25),
        ("T1", "c2", 1, 1, 25, 1 / 25),
        ("T2", "c3", 1, 1, None, None),
    ]
