"""Properties every measure keeps on generated books (with and without an assignments
file): shares sum to 1, roll-matrix rows sum to 1, every recovery rate and case cure rate
lies in [0, 1], a team is the sum of its collectors, the teams add up to the book, the
holders' recovered never exceeds the period's payments, the index of the whole book is 1,
the recovery-rate trend is the team comparison's total under any filter, and no figure
depends on the order rows were loaded in."""

import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from queries.contacts import reachability
from queries.filters import Filters
from queries.portfolio import aging, classification, roll_rates
from queries.recovery import (
    recovered,
    recovery_by,
    recovery_by_age,
    recovery_by_stage,
    recovery_rate_trend,
)
from recovery.settings import Settings
from tests.helpers import load, write_csv

LOAN_HEADER = ["as_of_date", "loan_id", "customer_id", "principal", "outstanding_balance",
               "overdue_amount", "days_past_due", "status"]  # fmt: skip
ACTION_HEADER = ["loan_id", "action_at", "method", "team", "contact_relation", "outcome"]
PAYMENT_HEADER = ["loan_id", "paid_at", "amount"]

loan_state = st.tuples(
    st.integers(0, 400),  # days past due
    st.sampled_from(["active", "active", "active", "settled", "written_off"]),
    st.integers(1, 10_000_00),  # outstanding in cents
)
book = st.fixed_dictionaries(
    {
        "loans": st.lists(st.tuples(loan_state, loan_state), min_size=1, max_size=12),
        "calls": st.lists(
            st.tuples(
                st.integers(0, 11),
                st.integers(1, 31),
                st.integers(8, 20),
                st.sampled_from(
                    [
                        "connected",
                        "no_answer",
                        "busy",
                        "powered_off",
                        "invalid_number",
                        "wrong_number",
                    ]
                ),
                st.sampled_from(["", "self", "guarantor", "colleague"]),
                st.sampled_from(["phone", "sms", "visit"]),
            ),
            max_size=25,
        ),  # fmt: skip
        "payments": st.lists(
            st.tuples(st.integers(0, 11), st.integers(1, 31), st.integers(-5_000, 50_000)),
            max_size=15,
        ),
        "cases": st.lists(
            st.tuples(
                st.integers(0, 11),  # loan
                st.integers(0, 2),  # team
                st.integers(0, 1),  # collector
                st.integers(1, 50),  # start: days from 2026-09-01
                st.one_of(st.none(), st.integers(0, 40)),  # length in days; None: still held
                st.one_of(st.none(), st.integers(0, 5_000_00)),  # assigned amount in cents
            ),
            max_size=10,
        ),
        "seed": st.integers(0, 1000),
    }
)
ASSIGNMENT_HEADER = ["loan_id", "team", "collector", "assigned_on", "ended_on", "assigned_amount"]


def assignment_rows(data: dict) -> list[list[str]]:
    """The generated cases with no two of a loan overlapping: a loan's next case starts no
    earlier than its previous one ends, and a case after one still held is dropped."""
    rows, free_from = [], {}
    for loan, team, collector, start, length, cents in data["cases"]:
        loan_id = f"L{loan % len(data['loans'])}"
        if free_from.get(loan_id, 0) is None:
            continue
        start = max(start, free_from.get(loan_id, 0))
        end = None if length is None else start + length
        free_from[loan_id] = end
        day = date(2026, 9, 1) + timedelta(days=start)
        ended = "" if end is None else str(date(2026, 9, 1) + timedelta(days=end))
        amount = "" if cents is None else f"{cents / 100:.2f}"
        rows.append([loan_id, f"T{team}", f"c{collector}", str(day), ended, amount])
    return rows


def payment_rows(data: dict) -> list[list[str]]:
    return [
        [f"L{loan % len(data['loans'])}", f"2026-10-{min(day, 31):02d}", f"{cents / 100:.2f}"]
        for loan, day, cents in data["payments"]
        if cents != 0
    ]


def files(folder: Path, data: dict, shuffle_seed: int | None) -> list[Path]:
    loans, actions = [], []
    for i, ((dpd_sep, status_sep, cents_sep), (dpd_oct, status_oct, cents_oct)) in enumerate(
        data["loans"]
    ):
        for as_of, dpd, status, cents in (
            ("2026-09-30", dpd_sep, status_sep, cents_sep),
            ("2026-10-31", dpd_oct, status_oct, cents_oct),
        ):
            loans.append([as_of, f"L{i}", f"C{i % 5}", "100000.00", f"{cents / 100:.2f}",
                          f"{cents / 200:.2f}", str(dpd), status])  # fmt: skip
    for loan, day, hour, outcome, relation, method in data["calls"]:
        loan_id = f"L{loan % len(data['loans'])}"
        day = min(day, 31)
        outcome = outcome if method == "phone" else ("met" if method == "visit" else "")
        actions.append([loan_id, f"2026-10-{day:02d} {hour:02d}:00:00", method, f"T{loan % 3}",
                        relation if method == "phone" else "", outcome])  # fmt: skip
    payments = payment_rows(data)
    assignments = assignment_rows(data)
    if shuffle_seed is not None:
        for rows in (loans, actions, payments, assignments):
            random.Random(shuffle_seed).shuffle(rows)
    written = [
        write_csv(folder / "loans.csv", LOAN_HEADER, loans),
        write_csv(folder / "actions.csv", ACTION_HEADER, actions),
        write_csv(folder / "payments.csv", PAYMENT_HEADER, payments),
    ]
    if assignments:
        written.append(write_csv(folder / "assignments.csv", ASSIGNMENT_HEADER, assignments))
    return written


def loaded(folder: Path, data: dict, shuffle_seed: int | None) -> Path:
    folder.mkdir(parents=True)
    db_settings = Settings(db=folder / "recovery.duckdb")
    load(db_settings, *files(folder, data, shuffle_seed))
    return db_settings.db


MEASURES = {
    "aging": lambda db, f: aging(db, f),
    "classification": lambda db, f: classification(db, f),
    "roll_rates": lambda db, f: roll_rates(db, f),
    "reachability": lambda db, f: reachability(db, f),
    "recovered": lambda db, f: recovered(db, f, window_days=30),
    "by_method": lambda db, f: recovery_by(db, f, dimension="method", window_days=30),
    "by_team": lambda db, f: recovery_by(db, f, dimension="team", window_days=30),
    "by_collector": lambda db, f: recovery_by(db, f, dimension="collector", window_days=30),
    "by_stage": lambda db, f: recovery_by_stage(db, f, window_days=30),
    "by_age": lambda db, f: recovery_by_age(db, f, window_days=30),
    "rate_trend": lambda db, f: recovery_rate_trend(db, f, window_days=30),
}
RATES = ("recovery_rate", "rate_low", "rate_high", "case_cure_rate")


def assert_rates_within_0_and_1(db: Path, filters: Filters) -> None:
    for name in ("by_method", "by_team", "by_collector", "by_stage", "by_age", "rate_trend"):
        frame = MEASURES[name](db, filters)
        for column in (c for c in RATES if c in frame.columns):
            values = frame[column].drop_nulls()
            assert ((values >= 0) & (values <= 1)).all(), (name, column, values.to_list())


def assert_holders_add_up(db: Path, filters: Filters) -> None:
    """Collectors add up to their team, teams to the book (the trend's month and the
    stages), and the whole book's index is 1 (expected rounded to the cent per group)."""
    sums = ("cases", "placed", "recovered", "cases_cured")
    teams = recovery_by(db, filters, dimension="team", window_days=30)
    collectors = recovery_by(db, filters, dimension="collector", window_days=30)
    by_collectors = collectors.group_by("team").agg(pl.col(sums).sum()).sort("team")
    assert_frame_equal(teams.select("team", *sums).sort("team"), by_collectors,
                       check_dtypes=False)  # fmt: skip
    ages = recovery_by_age(db, filters, window_days=30)
    for column in ("cases", "placed", "recovered"):
        assert teams[column].sum() == ages[column].sum()
    for frame in (teams, recovery_by(db, filters, dimension="method", window_days=30)):
        if len(frame) and frame["recovered"].sum() > 0:
            gap = abs(frame["expected_recovered"].sum() - frame["recovered"].sum())
            assert gap <= Decimal("0.01") * len(frame)


def assert_trend_is_the_team_total(db: Path, filters: Filters) -> None:
    teams = recovery_by(db, filters, dimension="team", window_days=30)
    trend = recovery_rate_trend(db, filters, window_days=30)
    month = trend.filter(pl.col("period") == filters.period)
    placed = sum(teams["placed"], Decimal(0))
    if month.is_empty():
        assert placed == 0
        return
    assert month["placed"].item() == placed
    assert month["recovered"].item() == sum(teams["recovered"], Decimal(0))


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=book)
def test_invariants_and_order_independence(tmp_path_factory, data: dict) -> None:
    folder = tmp_path_factory.mktemp("property")
    db = loaded(folder / "in-order", data, None)
    shuffled = loaded(folder / "shuffled", data, data["seed"])
    october = Filters("2026-10")

    shares = aging(db, october)
    if shares["count_loans"].sum() > 0:
        assert abs(shares["loans_share"].sum() - 1) < 1e-9
        assert abs(shares["outstanding_share"].sum() - 1) < 1e-9
    matrix = roll_rates(db, october)
    for _, rows in matrix.group_by("from_bucket"):
        if rows["count_loans"].sum() > 0:
            assert abs(rows["roll_rate"].sum() - 1) < 1e-9
    reach = reachability(db, october)
    if reach["count_customers"].sum() > 0:
        assert abs(reach["share"].sum() - 1) < 1e-9
    # Every payment of the generated book is in October.
    paid = sum((Decimal(a) for _, _, a in payment_rows(data) if Decimal(a) > 0), Decimal(0))
    for window in (0, 7, 30):
        row = recovered(db, october, window_days=window).row(0, named=True)
        assert row["recovered"] <= paid and row["paid_not_placed"] <= paid
    teams = recovery_by(db, october, dimension="team", window_days=30)
    assert sum(teams["recovered"], Decimal(0)) <= paid
    assert_holders_add_up(db, october)

    for filters in (
        october,
        replace(october, team="T1"),
        replace(october, method="phone"),
        replace(october, team="T2", method="sms"),
        replace(october, allowed_teams=("T0", "T2")),
    ):
        assert_trend_is_the_team_total(db, filters)
        assert_rates_within_0_and_1(db, filters)

    for measure in MEASURES.values():
        assert_frame_equal(measure(db, october), measure(shuffled, october))
