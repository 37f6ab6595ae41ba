"""The rows behind the contact figures (customers of a reachability status, invalid numbers
of a reason, calls of an hour × weekday), on a tiny campaign worked out by hand below:
names and numbers masked, and every list adding up to its figure."""

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from queries.contacts import best_time_to_call, invalid_numbers_by_reason, reachability
from queries.drilldown_contacts import calls_at_hour, customers_by_reachability, numbers_with_reason
from queries.filters import Filters
from recovery.settings import Settings
from tests.helpers import load, write_csv

LOANS = [  # as of, loan, customer, name, team; C1 holds two loans, C4's is settled
    ["2026-10-31", "L1", "C1", "张三丰", "T1", "active"],
    ["2026-10-31", "L2", "C2", "李四", "T2", "active"],
    ["2026-10-31", "L3", "C3", "王五", "T1", "active"],
    ["2026-10-31", "L4", "C1", "张三丰", "T1", "active"],
    ["2026-10-31", "L5", "C4", "赵六", "T1", "settled"],
]
CALLS = [  # id, loan, at, method, team, collector, number, relation, outcome
    # 2026-10-05 is a Monday, 2026-10-07 a Wednesday.
    ["A1", "L1", "2026-10-05 15:30:00", "phone", "T1", "c1", "13812345678", "self", "connected"],
    ["A2", "L1", "2026-10-05 16:10:00", "phone", "T1", "c1", "13812345678", "", "no_answer"],
    ["A3", "L4", "2026-10-06 12:30:00", "phone", "T1", "c1", "", "", "powered_off"],
    ["A4", "L2", "2026-10-06 12:45:00", "phone", "T2", "c2", "", "guarantor", "connected"],
    ["A5", "L2", "2026-10-07 09:00:00", "phone", "T2", "c2", "13987654321", "", "busy"],
    ["A6", "L3", "2026-10-07 09:10:00", "phone", "T1", "c3", "027-87654321", "", "wrong_number"],
    ["A7", "L3", "2026-10-07 09:40:00", "phone", "T1", "c3", "", "", "rejected"],
    ["A8", "L2", "2026-10-07 09:50:00", "sms", "T2", "c2", "", "", "delivered"],  # not a call
    ["A9", "L1", "2026-09-30 09:00:00", "phone", "T1", "c1", "", "self", "connected"],  # Sept.
]  # fmt: skip
CONTACTS = [  # customer, number, relation, city
    ["C1", "13812345678", "self", ""],  # valid
    ["C1", "1381234567", "self", ""],  # a mobile missing a digit: wrong length
    ["C2", "无", "spouse", ""],  # not a number
    ["C3", "027-8765432", "family", "武汉"],  # Wuhan needs 8 digits: wrong length
    ["C4", "12345", "self", ""],  # C4's loan is settled: not in the book
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("drilldown-contacts")
    settings = Settings(db=folder / "recovery.duckdb")
    loans = [[*row[:5], "1000", "900", "10", row[5]] for row in LOANS]
    outcomes = load(
        settings,
        write_csv(folder / "loans.csv", ["as_of_date", "loan_id", "customer_id", "customer_name",
                  "team", "principal", "outstanding_balance", "days_past_due", "status"], loans),
        write_csv(folder / "actions.csv", ["action_id", "loan_id", "action_at", "method", "team",
                  "collector", "contact_phone", "contact_relation", "outcome"], CALLS),
        write_csv(folder / "contacts.csv", ["customer_id", "phone", "relation", "city"],
                  CONTACTS),
    )  # fmt: skip
    assert all(o.rows_rejected == 0 for o in outcomes), outcomes
    return settings.db


OCTOBER = Filters("2026-10")
COLUMNS = ("customer_id", "customer_name", "loan_ids", "count_phone_actions", "last_called_at",
           "reachability", "count_total")  # fmt: skip


def test_customers_of_a_reachability_status(db: Path) -> None:
    # C1: A1 reached beats no answer (A2) and switched off (A3). C2: A4 with a guarantor is
    # third party only. C3: A7 rejected (no answer) beats A6's wrong number (unreachable).
    reached = customers_by_reachability(db, OCTOBER, status="reached")
    assert reached.select(COLUMNS).rows() == [
        ("C1", "张**", "L1, L4", 3, datetime(2026, 10, 6, 12, 30), "reached", 1)
    ]
    no_answer = customers_by_reachability(db, OCTOBER, status="no_answer")
    assert no_answer.select(COLUMNS).rows() == [
        ("C3", "王*", "L3", 2, datetime(2026, 10, 7, 9, 40), "no_answer", 1)
    ]
    assert customers_by_reachability(db, OCTOBER, status="unreachable").is_empty()


@pytest.mark.parametrize(
    "filters", [Filters("2026-10", team="T2"), Filters("2026-10", allowed_teams=("T2",))]
)
def test_customers_of_one_team(db: Path, filters: Filters) -> None:
    assert customers_by_reachability(db, filters, status="reached").is_empty()
    third_party = customers_by_reachability(db, filters, status="third_party")
    assert third_party["customer_id"].to_list() == ["C2"]


def test_each_status_lists_the_customers_it_counts(db: Path) -> None:
    for status, customers in reachability(db, OCTOBER).select("status", "count_customers").rows():
        assert customers_by_reachability(db, OCTOBER, status=status).height == customers, status


def test_numbers_of_an_invalid_reason(db: Path) -> None:
    rows = numbers_with_reason(db, OCTOBER, reason="wrong_length")
    assert rows.select("customer_id", "customer_name", "phone", "relation", "invalid_reason",
                       "count_total").rows() == [
        ("C1", "张**", "****67", "self", "wrong_length", 2),
        ("C3", "王*", "027****32", "family", "wrong_length", 2),
    ]  # fmt: skip
    assert numbers_with_reason(db, OCTOBER, reason="not_a_number").select(
        "customer_id", "phone", "relation"
    ).rows() == [("C2", "******", "spouse")]
    # Only the book's customers: C4's loan is settled.
    assert numbers_with_reason(db, Filters("2026-10", team="T2"), reason="wrong_length").is_empty()
    for reason, numbers in invalid_numbers_by_reason(db, OCTOBER).rows():
        assert numbers_with_reason(db, OCTOBER, reason=reason).height == numbers, reason


def test_calls_of_an_hour_of_a_weekday(db: Path) -> None:
    rows = calls_at_hour(db, OCTOBER, weekday=3, hour=9)
    assert rows.select("action_id", "customer_name", "collector", "contact_phone", "outcome",
                       "reachability").rows() == [
        ("A5", "李*", "c2", "139****4321", "busy", "no_answer"),
        ("A6", "王*", "c3", "027****21", "wrong_number", "unreachable"),
        ("A7", "王*", "c3", None, "rejected", "no_answer"),
    ]  # fmt: skip
    assert calls_at_hour(db, Filters("2026-10", allowed_teams=("T1",)), weekday=3, hour=9)[
        "action_id"
    ].to_list() == ["A6", "A7"]
    assert calls_at_hour(db, OCTOBER, weekday=3, hour=10).is_empty()
    for weekday, hour, calls, *_ in best_time_to_call(db, OCTOBER).rows():
        assert calls_at_hour(db, OCTOBER, weekday=weekday, hour=hour).height == calls


@pytest.mark.parametrize(("weekday", "hour"), [(0, 9), (8, 9), (3, 24), (3, -1)])
def test_a_cell_off_the_week_is_refused(db: Path, weekday: int, hour: int) -> None:
    with pytest.raises(ValueError, match="no weekday"):
        calls_at_hour(db, OCTOBER, weekday=weekday, hour=hour)


def test_names_are_shown_only_when_asked_and_numbers_never(db: Path) -> None:
    rows = calls_at_hour(db, OCTOBER, weekday=1, hour=15, masked=False)
    assert rows.select("customer_name", "contact_phone").rows() == [("张三丰", "138****5678")]
    numbers = numbers_with_reason(db, OCTOBER, reason="wrong_length", masked=False)
    assert numbers["phone"].to_list() == ["****67", "027****32"]


HOSTILE = ["' or '1'='1", "x'); drop table actions; --", "<script>alert(1)</script>"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_keys_and_filters_match_nothing(db: Path, value: str) -> None:
    assert customers_by_reachability(db, OCTOBER, status=value).is_empty()
    assert numbers_with_reason(db, OCTOBER, reason=value).is_empty()
    for dimension in ("branch", "product", "team", "collector"):
        filters = replace(OCTOBER, **{dimension: value})
        assert calls_at_hour(db, filters, weekday=3, hour=9).is_empty(), dimension
        assert customers_by_reachability(db, filters, status="reached").is_empty(), dimension
        assert numbers_with_reason(db, filters, reason="wrong_length").is_empty(), dimension
