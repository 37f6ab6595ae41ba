"""The loans behind the cure-rate trend and the vintage curves, on a tiny book worked out by
hand below: each list names the loans its figure counts, under the filters."""

from dataclasses import replace
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import polars as pl
import pytest

from queries.drilldown_aging import loans_cured, vintage_loans_past_due
from queries.filters import Filters
from queries.portfolio import cure_rate, vintage_curves
from recovery.settings import Settings
from tests.helpers import load, write_csv

LOANS = [  # as of, loan, customer, name, team, disbursed, principal, dpd, status
    ["2026-09-30", "L1", "C1", "张三丰", "T1", "2026-07-10", "1000", "40", "active"],
    ["2026-09-30", "L2", "C2", "李四", "T2", "2026-07-20", "2000", "95", "active"],
    ["2026-09-30", "L3", "C3", "王五", "T1", "2026-08-05", "3000", "10", "active"],
    ["2026-09-30", "L4", "C4", "赵六", "T1", "2026-07-25", "500", "35", "active"],
    ["2026-09-30", "L5", "C5", "钱七", "T2", "2026-07-01", "800", "0", "active"],
    ["2026-10-31", "L1", "C1", "张三丰", "T1", "2026-07-10", "1000", "0", "active"],
    ["2026-10-31", "L2", "C2", "李四", "T2", "2026-07-20", "2000", "125", "active"],
    ["2026-10-31", "L3", "C3", "王五", "T1", "2026-08-05", "3000", "0", "active"],
    ["2026-10-31", "L4", "C4", "赵六", "T1", "2026-07-25", "500", "65", "written_off"],
    ["2026-10-31", "L5", "C5", "钱七", "T2", "2026-07-01", "800", "0", "active"],
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("drilldown-aging")
    settings = Settings(db=folder / "recovery.duckdb")
    loans = [[*row[:7], "500", "100" if row[7] != "0" else "0", *row[7:]] for row in LOANS]
    outcomes = load(
        settings,
        write_csv(folder / "loans.csv", ["as_of_date", "loan_id", "customer_id", "customer_name",
                  "team", "disbursed_on", "principal", "outstanding_balance", "overdue_amount",
                  "days_past_due", "status"], loans),
    )  # fmt: skip
    assert all(o.rows_rejected == 0 for o in outcomes), outcomes
    return settings.db


OCTOBER = Filters("2026-10")


def test_loans_cured_in_a_month(db: Path) -> None:
    # Overdue at 09-30: L1, L2, L3, L4. Active and current at 10-31: L1 and L3 (L4 was
    # written off, L2 rolled on, L5 was never overdue).
    rows = loans_cured(db, OCTOBER)
    assert rows.select("loan_id", "customer_name", "team", "days_past_due_before",
                       "overdue_before", "outstanding_after", "count_total").rows() == [
        ("L1", "张**", "T1", 40, D("100.00"), D("500.00"), 2),
        ("L3", "王*", "T1", 10, D("100.00"), D("500.00"), 2),
    ]  # fmt: skip
    assert rows.height == cure_rate(db, OCTOBER)["count_cured"].item()


@pytest.mark.parametrize(
    ("filters", "cured"),
    [
        (Filters("2026-10", team="T2"), []),
        (Filters("2026-10", allowed_teams=("T1",)), ["L1", "L3"]),
        (Filters("2026-10", team="T1", allowed_teams=("T2",)), []),
        (Filters("2026-09"), []),  # no snapshot before September's
    ],
)
def test_loans_cured_under_filters(db: Path, filters: Filters, cured: list[str]) -> None:
    assert loans_cured(db, filters)["loan_id"].to_list() == cured


@pytest.mark.parametrize(
    ("months_on_book", "min_days", "loans"),
    [
        (2, 30, ["L2", "L1", "L4"]),  # 09-30: 95, 40 and 35 days past due
        (2, 90, ["L2"]),
        (3, 30, ["L2", "L4"]),  # 10-31: L2 125 days, L4 written off; L1 cured
        (3, 90, ["L2", "L4"]),  # written off counts as 90+
        (0, 30, []),  # no July snapshot
    ],
)
def test_loans_of_a_vintage_past_due(
    db: Path, months_on_book: int, min_days: int, loans: list[str]
) -> None:
    rows = vintage_loans_past_due(
        db, OCTOBER, vintage="2026-07", months_on_book=months_on_book, min_days=min_days
    )
    assert rows["loan_id"].to_list() == loans
    curves = vintage_curves(db, OCTOBER).filter(
        (pl.col("vintage") == date(2026, 7, 1)) & (pl.col("months_on_book") == months_on_book)
    )
    expected = curves[f"principal_{min_days}_plus"].sum() if curves.height else 0
    assert rows["principal"].sum() == expected


def test_a_vintage_loan_shows_what_it_was_at_that_point(db: Path) -> None:
    rows = vintage_loans_past_due(db, OCTOBER, vintage="2026-07", months_on_book=3, min_days=30)
    assert rows.select("loan_id", "customer_name", "disbursed_on", "principal", "loan_status",
                       "days_past_due", "count_total").rows() == [
        ("L2", "李*", date(2026, 7, 20), D("2000.00"), "active", 125, 2),
        ("L4", "赵*", date(2026, 7, 25), D("500.00"), "written_off", 65, 2),
    ]  # fmt: skip


def test_a_vintage_under_filters(db: Path) -> None:
    team = Filters("2026-10", team="T1")
    scoped = Filters("2026-10", allowed_teams=("T1",))
    for filters in (team, scoped):
        rows = vintage_loans_past_due(db, filters, vintage="2026-07", months_on_book=2, min_days=30)
        assert rows["loan_id"].to_list() == ["L1", "L4"]
    # The point's month comes after the period: the curve stops at the period.
    assert vintage_loans_past_due(
        db, Filters("2026-09"), vintage="2026-07", months_on_book=3, min_days=30
    ).is_empty()


@pytest.mark.parametrize(
    ("vintage", "months_on_book", "min_days", "message"),
    [
        ("2026-07", 2, 60, "drawn for"),
        ("2026-07", -1, 30, "count from 0"),
        ("2026-07' or 1=1 --", 2, 30, "not a month"),
    ],
)
def test_a_point_off_the_curves_is_refused(
    db: Path, vintage: str, months_on_book: int, min_days: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        vintage_loans_past_due(
            db, OCTOBER, vintage=vintage, months_on_book=months_on_book, min_days=min_days
        )


@pytest.mark.parametrize("value", ["' or '1'='1", "x'); drop table loan_snapshots; --"])
@pytest.mark.parametrize("dimension", ["branch", "product", "team", "collector"])
def test_hostile_filters_match_nothing(db: Path, dimension: str, value: str) -> None:
    filters = replace(OCTOBER, **{dimension: value})
    assert loans_cured(db, filters).is_empty()
    assert vintage_loans_past_due(
        db, filters, vintage="2026-07", months_on_book=2, min_days=30
    ).is_empty()
