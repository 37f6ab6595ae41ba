"""Contact measures on a tiny campaign worked out by hand below."""

from pathlib import Path

import pytest

from queries.contacts import best_time_to_call, contact_summary, reachability
from queries.filters import Filters
from recovery.settings import Settings
from tests.helpers import load, write_csv

LOANS = [  # C1 holds two loans
    ["2026-10-31", "L1", "C1", "武汉分行", "1000", "900", "10"],
    ["2026-10-31", "L2", "C2", "深圳分行", "1000", "900", "40"],
    ["2026-10-31", "L3", "C3", "武汉分行", "1000", "900", "100"],
    ["2026-10-31", "L4", "C1", "武汉分行", "1000", "900", "10"],
]
CALLS = [  # 2026-10-05 is a Monday
    ["A1", "L1", "2026-10-05 15:30:00", "phone", "T1", "self", "connected"],  # reached
    ["A2", "L1", "2026-10-05 16:10:00", "phone", "T1", "", "no_answer"],
    ["A3", "L4", "2026-10-06 12:30:00", "phone", "T1", "", "powered_off"],
    ["A4", "L2", "2026-10-06 12:45:00", "phone", "T2", "guarantor", "connected"],  # 3rd party
    ["A5", "L2", "2026-10-07 09:00:00", "phone", "T2", "", "busy"],
    ["A6", "L3", "2026-10-07 09:10:00", "phone", "T3", "", "wrong_number"],
    ["A7", "L3", "2026-10-07 09:20:00", "phone", "T3", "", "connected"],  # reached
    ["A8", "L2", "2026-10-08 10:00:00", "sms", "T2", "", ""],  # not a call
    ["A9", "L1", "2026-09-30 10:00:00", "phone", "T1", "self", "connected"],  # September
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("contacts")
    settings = Settings(db=folder / "recovery.duckdb")
    outcomes = load(
        settings,
        write_csv(folder / "loans.csv", ["as_of_date", "loan_id", "customer_id", "branch",
                  "principal", "outstanding_balance", "days_past_due"], LOANS),
        write_csv(folder / "actions.csv", ["action_id", "loan_id", "action_at", "method",
                  "team", "contact_relation", "outcome"], CALLS),
    )  # fmt: skip
    assert all(o.rows_rejected == 0 for o in outcomes)
    return settings.db


def test_contact_rates(db: Path) -> None:
    # Calls A1..A7; connected A1, A4, A7; effective A1 (self) and A7 (no relation given).
    assert contact_summary(db, Filters("2026-10")).row(0) == (7, 3, 2, 3 / 7, 2 / 7)


@pytest.mark.parametrize(
    "filters", [Filters("2026-10", team="T2"), Filters("2026-10", branch="深圳分行")]
)
def test_contact_rates_of_one_team_or_branch(db: Path, filters: Filters) -> None:
    assert contact_summary(db, filters).row(0) == (2, 1, 0, 0.5, 0.0)


def test_no_calls_no_rate(db: Path) -> None:
    assert contact_summary(db, Filters("2026-08")).row(0) == (0, 0, 0, None, None)


def test_reachability_takes_each_customers_best_call(db: Path) -> None:
    # C1: reached (A1) beats no answer and switched off; C2: third party beats no answer;
    # C3: reached (A7) beats unreachable.
    assert reachability(db, Filters("2026-10")).rows() == [
        ("reached", 2, 2 / 3),
        ("third_party", 1, 1 / 3),
        ("no_answer", 0, 0.0),
        ("switched_off", 0, 0.0),
        ("unreachable", 0, 0.0),
    ]
    only_t1 = reachability(db, Filters("2026-10", team="T1", collector="nobody"))
    assert only_t1["count_customers"].sum() == 0 and only_t1["share"].null_count() == 5


def test_best_time_to_call(db: Path) -> None:
    assert best_time_to_call(db, Filters("2026-10")).rows() == [
        (1, 15, 1, 1, 1.0),
        (1, 16, 1, 0, 0.0),
        (2, 12, 2, 0, 0.0),
        (3, 9, 3, 1, 1 / 3),
    ]
