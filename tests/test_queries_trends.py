"""The 12-month trends answer, month by month, exactly what the one-month measures answer
for that month, under every kind of filter (on a small generated book)."""

from dataclasses import replace
from pathlib import Path

import pytest

from queries.contacts import contact_summary, contact_trend
from queries.dimensions import branches, collectors, products, teams
from queries.filters import Filters
from queries.promises import promise_summary, promise_trend
from tests.dashboard_demo import DEMO_PERIOD, build_demo_db


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_db(tmp_path_factory.mktemp("trends"), loans=400)


def filter_sets(db: Path) -> list[Filters]:
    team = teams(db)[0]
    return [
        Filters(DEMO_PERIOD),
        Filters(DEMO_PERIOD, branch=branches(db)[0]),
        Filters(DEMO_PERIOD, product=products(db)[0]),
        Filters(DEMO_PERIOD, team=team),
        Filters(DEMO_PERIOD, team=team, collector=collectors(db, team=team)[0]),
        Filters("2026-03", branch=branches(db)[-1], product=products(db)[-1]),
    ]


def test_contact_trend_is_contact_summary_month_by_month(db: Path) -> None:
    for filters in filter_sets(db):
        trend = contact_trend(db, filters)
        assert trend.height == 12
        for row in trend.iter_rows(named=True):
            month = contact_summary(db, replace(filters, period=row.pop("period")))
            assert row == month.row(0, named=True), filters


def test_promise_trend_is_promise_summary_month_by_month(db: Path) -> None:
    for filters in filter_sets(db):
        trend = promise_trend(db, filters)
        assert trend.height == 12
        # On this small book one collector, or a late-stage team, may have no promise due.
        assert trend["count_due"].sum() > 0 or filters.collector or filters.team, filters
        for row in trend.iter_rows(named=True):
            month = promise_summary(db, replace(filters, period=row.pop("period")))
            assert row == month.row(0, named=True), filters


def test_the_trend_window_is_the_twelve_months_ending_with_the_period(db: Path) -> None:
    periods = contact_trend(db, Filters("2026-03"))["period"].to_list()
    assert periods[0] == "2025-04" and periods[-1] == "2026-03" and len(set(periods)) == 12
