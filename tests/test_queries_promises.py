"""Promises to pay on a tiny book worked out by hand below (grace: 3 days)."""

from datetime import date
from pathlib import Path

import pytest

from queries.catalogue import MEASURES
from queries.filters import Filters
from queries.promises import promise_summary, repeat_promise_breakers
from queries.stale_models import StaleModel
from recovery.settings import Settings
from tests.helpers import load, write_csv

LOANS = [
    ["2026-09-30", "L3", "C3", "1000", "900", "40"],
    ["2026-10-31", "L1", "C1", "1000", "900", "10"],
    ["2026-10-31", "L2", "C2", "1000", "900", "40"],
    ["2026-10-31", "L3", "C3", "1000", "900", "70"],
]
ACTIONS = [  # id, loan, at, method, team, relation, outcome, promised amount, promised date
    # due 10-13; L1 pays 300 on 10-12 and 200 on 10-13: kept (the 999 on 10-01 is earlier)
    ["A1", "L1", "2026-10-02 10:00:00", "phone", "T1", "self", "connected", "500", "2026-10-10"],
    # due 10-08; L2 pays 100 on 10-07: partly kept
    ["A2", "L2", "2026-10-03 10:00:00", "phone", "T1", "self", "connected", "400", "2026-10-05"],
    # due 10-09; L3 pays nothing: broken
    ["A3", "L3", "2026-10-04 10:00:00", "phone", "T1", "spouse", "connected", "300", "2026-10-06"],
    # September, due 09-18; nothing paid: broken, C3's second
    ["A4", "L3", "2026-09-10 10:00:00", "phone", "T1", "self", "connected", "200", "2026-09-15"],
    # made in October, due 11-02: not judged in October
    ["A5", "L1", "2026-10-25 10:00:00", "phone", "T1", "self", "connected", "1000", "2026-10-30"],
    ["A6", "L2", "2026-10-05 10:00:00", "phone", "T1", "", "no_answer", "", ""],
    # a visit's promise, due 10-11; the 100 paid on 10-07 covers it: kept
    ["A7", "L2", "2026-10-06 10:00:00", "visit", "T2", "", "met", "100", "2026-10-08"],
    # an effective contact with no promise
    ["A8", "L1", "2026-10-20 10:00:00", "phone", "T1", "family", "connected", "", ""],
]
PAYMENTS = [
    ["P1", "L1", "2026-10-12", "300.00"],
    ["P2", "L1", "2026-10-13", "200.00"],
    ["P3", "L2", "2026-10-07", "100.00"],
    ["P4", "L1", "2026-10-01", "999.00"],
]


def load_book(folder: Path, grace_days: int) -> Path:
    settings = Settings(db=folder / "recovery.duckdb", promise_grace_days=grace_days)
    outcomes = load(
        settings,
        write_csv(folder / "loans.csv", ["as_of_date", "loan_id", "customer_id", "principal",
                  "outstanding_balance", "days_past_due"], LOANS),
        write_csv(folder / "actions.csv", ["action_id", "loan_id", "action_at", "method", "team",
                  "contact_relation", "outcome", "promised_amount", "promised_date"], ACTIONS),
        write_csv(folder / "payments.csv", ["payment_id", "loan_id", "paid_at", "amount"],
                  PAYMENTS),
    )  # fmt: skip
    assert all(o.rows_rejected == 0 for o in outcomes)
    return settings.db


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return load_book(tmp_path_factory.mktemp("promises"), grace_days=3)


def summary(db: Path, filters: Filters) -> dict:
    return promise_summary(db, filters).row(0, named=True)


def test_october(db: Path) -> None:
    # Made: A1, A2, A3, A5, A7. Phone promises A1, A2, A3, A5 over effective contacts A1, A2,
    # A3, A5, A8 = 4 / 5. Due in October: A1 kept, A2 partly, A3 broken, A7 kept.
    assert summary(db, Filters("2026-10")) == {
        "count_made": 5,
        "ptp_rate": 0.8,
        "count_due": 4,
        "count_kept": 2,
        "count_partly_kept": 1,
        "count_broken": 1,
        "kept_rate": 0.5,
    }


def test_september(db: Path) -> None:
    assert summary(db, Filters("2026-09")) == {
        "count_made": 1,
        "ptp_rate": 1.0,
        "count_due": 1,
        "count_kept": 0,
        "count_partly_kept": 0,
        "count_broken": 1,
        "kept_rate": 0.0,
    }


def test_one_team(db: Path) -> None:
    # T2 took only A7 (a visit): no phone promise and no effective contact: no PTP rate.
    assert summary(db, Filters("2026-10", team="T2")) == {
        "count_made": 1,
        "ptp_rate": None,
        "count_due": 1,
        "count_kept": 1,
        "count_partly_kept": 0,
        "count_broken": 0,
        "kept_rate": 1.0,
    }


def test_nothing_due_no_kept_rate(db: Path) -> None:
    assert summary(db, Filters("2026-08"))["kept_rate"] is None


def test_a_longer_grace_lets_a_later_payment_count(tmp_path: Path) -> None:
    # With 10 days' grace A3 is due 10-16 and still unpaid; A5 is due 11-09: not in October.
    db = load_book(tmp_path, grace_days=10)
    result = promise_summary(db, Filters("2026-10")).row(0, named=True)
    assert (result["count_due"], result["count_kept"], result["count_broken"]) == (4, 2, 1)


def test_a_grace_other_than_the_one_loaded_is_refused(db: Path) -> None:
    other_grace = Settings(db=db, promise_grace_days=10)
    with pytest.raises(StaleModel) as refused:
        MEASURES["promise_summary"](db, Filters("2026-10"), other_grace)
    assert (refused.value.models, refused.value.settings) == (
        ("promise_months", "promise_outcomes"),
        ("promise_grace_days",),
    )
    assert "run `recovery load` or `recovery rebuild`" in str(refused.value)


def test_repeat_breakers(db: Path) -> None:
    assert repeat_promise_breakers(db, Filters("2026-10")).rows() == [("C3", 2, date(2026, 10, 6))]
    assert repeat_promise_breakers(db, Filters("2026-09")).is_empty()
