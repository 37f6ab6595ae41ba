"""Properties every measure keeps on generated books: shares sum to 1, roll-matrix rows
sum to 1, attributed + unattributed recovered = all payments, the recovery-rate trend is
the team comparison's total under any filter, and no figure depends on the order rows
were loaded in."""

import random
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from queries.contacts import reachability
from queries.filters import Filters
from queries.portfolio import aging, classification, roll_rates
from queries.recovery import recovered, recovery_by, recovery_rate_trend
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
        "seed": st.integers(0, 1000),
    }
)


def files(folder: Path, data: dict, shuffle_seed: int | None) -> list[Path]:
    loans, actions, payments = [], [], []
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
    for loan, day, cents in data["payments"]:
        if cents == 0:
            continue
        payments.append([f"L{loan % len(data['loans'])}", f"2026-10-{min(day, 31):02d}",
                         f"{cents / 100:.2f}"])  # fmt: skip
    if shuffle_seed is not None:
        for rows in (loans, actions, payments):
            random.Random(shuffle_seed).shuffle(rows)
    return [
        write_csv(folder / "loans.csv", LOAN_HEADER, loans),
        write_csv(folder / "actions.csv", ACTION_HEADER, actions),
        write_csv(folder / "payments.csv", PAYMENT_HEADER, payments),
    ]


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
    "rate_trend": lambda db, f: recovery_rate_trend(db, f, window_days=30),
}


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
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
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
    for window in (0, 7, 30):
        row = recovered(db, october, window_days=window).row(0, named=True)
        assert row["attributed_recovered"] + row["unattributed_recovered"] == row["recovered"]

    for filters in (
        october,
        replace(october, team="T1"),
        replace(october, method="phone"),
        replace(october, team="T2", method="sms"),
        replace(october, allowed_teams=("T0", "T2")),
    ):
        assert_trend_is_the_team_total(db, filters)

    for measure in MEASURES.values():
        assert_frame_equal(measure(db, october), measure(shuffled, october))
