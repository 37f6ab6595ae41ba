"""Placed, recovery rate, cost and its interval by method, team and collector, on a tiny
book worked out by hand below (attribution window 30 days)."""

from decimal import Decimal as D
from math import sqrt
from pathlib import Path

import pytest

from queries.filters import Filters
from queries.recovery import recovery_by, recovery_by_age, recovery_by_stage, recovery_rate_trend
from recovery.settings import Settings
from tests.helpers import load, write_csv

LOANS = [  # the September snapshot is the last one before every October action
    ["2026-09-30", "L1", "C1", "1000.00", "10"],
    ["2026-09-30", "L2", "C2", "2000.00", "40"],
    ["2026-09-30", "L3", "C3", "500.00", "100"],
    ["2026-10-31", "L1", "C1", "600.00", "20"],
    ["2026-10-31", "L2", "C2", "1500.00", "50"],
    ["2026-10-31", "L3", "C3", "500.00", "130"],
    ["2026-11-15", "L1", "C1", "700.00", "35"],  # mid-month: between A7 and A6
]
ACTIONS = [  # costs: phone 2.00, sms 0.10, visit 120.00 from the config unless given
    ["A1", "L1", "2026-10-02 10:00:00", "phone", "T1", "c1", "no_answer", ""],
    ["A2", "L1", "2026-10-10 10:00:00", "sms", "T1", "c1", "", ""],
    ["A3", "L2", "2026-10-05 10:00:00", "phone", "T2", "c2", "connected", "3.00"],
    ["A4", "L2", "2026-10-20 10:00:00", "visit", "T2", "c2", "met", ""],
    ["A5", "L3", "2026-10-03 10:00:00", "phone", "T1", "c1", "connected", ""],
    ["A6", "L1", "2026-11-20 10:00:00", "phone", "T1", "c1", "no_answer", ""],
    ["A7", "L1", "2026-11-05 10:00:00", "sms", "T1", "c1", "", ""],
]
PAYMENTS = [
    ["P1", "L1", "2026-10-12", "500.00"],  # → A2 (sms, T1, c1)
    ["P2", "L2", "2026-10-08", "800.00"],  # → A3 (phone, T2, c2)
    ["P3", "L2", "2026-10-25", "200.00"],  # → A4 (visit, T2, c2)
    ["P4", "L3", "2026-10-04", "100.00"],  # → A5 (phone, T1, c1)
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("rates")
    settings = Settings(db=folder / "recovery.duckdb")
    loans = [[*row[:3], "5000", "3000", row[3], row[4]] for row in LOANS]
    outcomes = load(
        settings,
        write_csv(folder / "loans.csv", ["as_of_date", "loan_id", "customer_id", "principal",
                  "outstanding_balance", "overdue_amount", "days_past_due"], loans),
        write_csv(folder / "actions.csv", ["action_id", "loan_id", "action_at", "method", "team",
                  "collector", "outcome", "cost"], ACTIONS),
        write_csv(folder / "payments.csv", ["payment_id", "loan_id", "paid_at", "amount"],
                  PAYMENTS),
    )  # fmt: skip
    assert all(o.rows_rejected == 0 for o in outcomes)
    return settings.db


def interval(placed: list[float], recovered: list[float]) -> tuple[float, float]:
    rate = sum(recovered) / sum(placed)
    squares = sum((r - rate * p) ** 2 for p, r in zip(placed, recovered, strict=True))
    n = len(placed)
    margin = 1.96 * sqrt(squares * n / (n - 1)) / sum(placed)
    return max(0.0, rate - margin), rate + margin


def test_recovery_by_method(db: Path) -> None:
    rows = recovery_by(db, Filters("2026-10"), dimension="method", window_days=30).rows(named=True)
    # phone worked L1 (placed 1000), L2 (2000), L3 (500) and recovered P2 800 + P4 100.
    low, high = interval([1000, 2000, 500], [0, 800, 100])
    assert rows[0] == {
        "method": "phone", "count_loans": 3, "count_actions": 3, "placed": D("3500.00"),
        "recovered": D("900.00"), "recovery_rate": pytest.approx(900 / 3500),
        "rate_low": pytest.approx(low), "rate_high": pytest.approx(high), "cost": D("7.00"),
        "cost_per_100_recovered": pytest.approx(7 / 900 * 100),
    }  # fmt: skip
    assert rows[1] == {
        "method": "sms", "count_loans": 1, "count_actions": 1, "placed": D("1000.00"),
        "recovered": D("500.00"), "recovery_rate": 0.5, "rate_low": None, "rate_high": None,
        "cost": D("0.10"), "cost_per_100_recovered": pytest.approx(0.02),
    }  # fmt: skip
    assert rows[2] == {
        "method": "visit", "count_loans": 1, "count_actions": 1, "placed": D("2000.00"),
        "recovered": D("200.00"), "recovery_rate": 0.1, "rate_low": None, "rate_high": None,
        "cost": D("120.00"), "cost_per_100_recovered": pytest.approx(60.0),
    }  # fmt: skip


@pytest.mark.parametrize("dimension", ["team", "collector"])
def test_recovery_by_team_and_collector(db: Path, dimension: str) -> None:
    result = recovery_by(db, Filters("2026-10"), dimension=dimension, window_days=30)
    table = result.select(dimension, "count_loans", "count_actions", "placed", "recovered",
                          "recovery_rate", "cost")  # fmt: skip
    assert table.rows() == [
        ("T1" if dimension == "team" else "c1", 2, 3, D("1500.00"), D("600.00"), 0.4, D("4.10")),
        ("T2" if dimension == "team" else "c2", 1, 2, D("2000.00"), D("1000.00"), 0.5, D("123.00")),
    ]
    low, high = interval([1000, 500], [500, 100])
    assert result.row(0, named=True)["rate_low"] == pytest.approx(low)
    assert result.row(0, named=True)["rate_high"] == pytest.approx(high)


def test_one_team_only(db: Path) -> None:
    result = recovery_by(db, Filters("2026-10", team="T2"), dimension="method", window_days=30)
    assert result.select("method", "placed", "recovered").rows() == [
        ("phone", D("2000.00"), D("800.00")),
        ("visit", D("2000.00"), D("200.00")),
    ]


def test_nothing_placed_no_rate(db: Path) -> None:
    assert recovery_by(db, Filters("2026-08"), dimension="team", window_days=30).is_empty()


def test_only_known_dimensions(db: Path) -> None:
    with pytest.raises(ValueError, match="compare by one of method, team, collector"):
        recovery_by(db, Filters("2026-10"), dimension="1; drop table actions", window_days=30)


def test_method_by_stage_matrix(db: Path) -> None:
    # At placement (the September snapshot) L1 is 10 days past due (M1), L2 40 (M2), L3 100
    # (M4).
    assert recovery_by_stage(db, Filters("2026-10"), window_days=30).rows() == [
        ("phone", "M1", 1, D("1000.00"), D("0.00"), 0.0),
        ("phone", "M2", 1, D("2000.00"), D("800.00"), 0.4),
        ("phone", "M4", 1, D("500.00"), D("100.00"), 0.2),
        ("sms", "M1", 1, D("1000.00"), D("500.00"), 0.5),
        ("visit", "M2", 1, D("2000.00"), D("200.00"), 0.1),
    ]


def test_recovery_by_age_at_placement(db: Path) -> None:
    # M1: L1 placed by phone and by sms (1000 each), 500 recovered by sms; M2: L2 placed by
    # phone and visit (2000 each), 800 + 200 recovered; M4: L3, 500 placed, 100 recovered.
    assert recovery_by_age(db, Filters("2026-10"), window_days=30).rows() == [
        ("M1", 1, D("2000.00"), D("500.00"), 0.25),
        ("M2", 1, D("4000.00"), D("1000.00"), 0.25),
        ("M4", 1, D("500.00"), D("100.00"), 0.2),
    ]


def test_placement_at_the_groups_first_action(db: Path) -> None:
    # November: T1 worked L1 by sms on 11-05 (last snapshot 10-31: 600 overdue) and by
    # phone on 11-20 (last snapshot 11-15: 700). T1 is placed at its first action (600);
    # each method at its own (sms 600, phone 700).
    november = Filters("2026-11")
    teams = recovery_by(db, november, dimension="team", window_days=30)
    assert teams.select("team", "count_loans", "count_actions", "placed").rows() == [
        ("T1", 1, 2, D("600.00"))
    ]
    methods = recovery_by(db, november, dimension="method", window_days=30)
    assert methods.select("method", "placed").rows() == [
        ("phone", D("700.00")),
        ("sms", D("600.00")),
    ]


def test_recovery_rate_trend_is_the_team_total(db: Path) -> None:
    # October: T1 placed 1000 + 500 and recovered 600, T2 placed 2000 and recovered 1000:
    # 1600 / 3500. November: T1 placed 600, nothing paid: 0. No work before October.
    trend = recovery_rate_trend(db, Filters("2026-11"), window_days=30)
    assert trend.rows() == [
        ("2026-10", D("3500.00"), D("1600.00"), pytest.approx(1600 / 3500)),
        ("2026-11", D("600.00"), D("0.00"), 0.0),
    ]
    by_team = recovery_rate_trend(db, Filters("2026-11", team="T2"), window_days=30)
    assert by_team.rows() == [("2026-10", D("2000.00"), D("1000.00"), 0.5)]
    assert recovery_rate_trend(db, Filters("2026-09"), window_days=30).is_empty()
