"""Every filter on every measure, with values carrying quotes, SQL fragments, script tags
and path fragments: each answers exactly as for a value that matches nothing (the empty
answer of that measure), with no error. Filter values are bound parameters, never SQL."""

from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from queries.catalogue import MEASURES
from queries.filters import BadPeriod, Filters
from recovery.settings import Settings
from tests.dashboard_demo import DEMO_PERIOD, build_demo_db

HOSTILE_VALUES = [
    "' or '1'='1",
    "x'); drop table actions; --",
    "%' union select * from teams --",
    "<script>alert(1)</script>",
    "../../etc/passwd $team",
]
DIMENSIONS = ("branch", "product", "team", "collector", "method")
NOTHING = "no such value"


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Settings]:
    db = build_demo_db(tmp_path_factory.mktemp("hostile"), loans=300)
    return db, Settings(db=db)


def answers_for(book: tuple[Path, Settings], dimension: str, value: str) -> dict:
    db, settings = book
    filters = replace(Filters(DEMO_PERIOD), **{dimension: value})
    return {name: measure(db, filters, settings) for name, measure in MEASURES.items()}


@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_hostile_values_answer_as_a_value_matching_nothing(
    book: tuple[Path, Settings], dimension: str
) -> None:
    expected = answers_for(book, dimension, NOTHING)
    for value in HOSTILE_VALUES:
        got = answers_for(book, dimension, value)
        for name in MEASURES:
            assert_frame_equal(got[name], expected[name], check_dtypes=False)


def test_the_book_is_untouched_and_filters_still_narrow(book: tuple[Path, Settings]) -> None:
    """The answers above are empty because nothing matched, not because something broke:
    the unfiltered book still has loans, and a real team's answer is its own."""
    db, settings = book
    whole = MEASURES["portfolio_summary"](db, Filters(DEMO_PERIOD), settings)
    assert whole["count_active_loans"].item() > 0
    teams = MEASURES["recovery_by_team"](db, Filters(DEMO_PERIOD), settings)
    team = teams["team"][0]
    one = MEASURES["recovery_by_team"](db, Filters(DEMO_PERIOD, team=team), settings)
    assert one["team"].to_list() == [team]
    assert_frame_equal(one, teams.filter(pl.col("team") == team))


@pytest.mark.parametrize("period", ["2026-10' or 1=1 --", "2026-13", "../2026-10", "", "2026-1"])
def test_a_period_that_is_not_a_month_is_refused_before_any_query(period: str) -> None:
    with pytest.raises(BadPeriod, match="is not a month written YYYY-MM"):
        Filters(period)
