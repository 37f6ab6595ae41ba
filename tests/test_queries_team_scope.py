"""The teams a user may see (`Filters.allowed_teams`), enforced in the SQL of every measure,
drill-down and choice list: a manager of one team gets exactly what the team filter gives
for that team, a team filter naming another team gets nothing, and every `$team` filter in
`queries/` has its allowed-teams companion on the same column."""

import re
from collections import Counter
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from queries import dimensions, drilldown, drilldown_aging, drilldown_contacts
from queries.call_outcomes import call_outcomes
from queries.catalogue import MEASURES
from queries.filters import Filters
from queries.report_scope import team_names
from recovery.settings import Settings
from tests.dashboard_demo import DEMO_PERIOD, build_demo_db

QUERIES = Path(__file__).resolve().parent.parent / "queries"
TEAM_FILTER = re.compile(r"\$team is null or ([\w.{}]+) = \$team")
ALLOWED_FILTER = re.compile(
    r"\$allowed_teams is null or ([\w.{}]+) in \(select unnest\(\$allowed_teams\)\)"
)
NOTHING = "no such team"


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Settings]:
    db = build_demo_db(tmp_path_factory.mktemp("team-scope"), loans=300)
    return db, Settings(db=db)


@pytest.fixture(scope="module")
def two_teams(book: tuple[Path, Settings]) -> tuple[str, str]:
    """Two teams that both worked loans in the period."""
    db, settings = book
    worked = MEASURES["recovery_by_team"](db, Filters(DEMO_PERIOD), settings)
    first, second = worked.filter(pl.col("team").is_not_null())["team"].to_list()[:2]
    return first, second


@pytest.mark.parametrize("module", sorted(p.name for p in QUERIES.glob("*.py")))
def test_every_team_filter_has_its_allowed_teams_companion(module: str) -> None:
    text = (QUERIES / module).read_text("utf-8")
    missing = Counter(TEAM_FILTER.findall(text)) - Counter(ALLOWED_FILTER.findall(text))
    assert not missing


def cells(book: tuple[Path, Settings], team: str) -> dict[str, object]:
    """A cell of each drillable figure that has loans of `team`."""
    db, settings = book
    filters = Filters(DEMO_PERIOD, team=team)

    def first(measure: str, column: str, count: str = "count_loans", default: object = None):
        """The first value with a count, or `default` when the team has none (a team of
        field visits makes no calls)."""
        frame = MEASURES[measure](db, filters, settings).filter(pl.col(count) > 0)
        return frame[column][0] if frame.height else default

    rolls = MEASURES["roll_rates"](db, filters, settings).filter(pl.col("count_loans") > 0)
    vintage = first("vintage_curves", "vintage", "principal_30_plus")
    return {
        "bucket": first("aging", "bucket"),
        "tier": first("classification", "tier"),
        "roll_from": rolls["from_bucket"][0],
        "roll_to": rolls["to_state"][0],
        "method": first("recovery_by_method", "method", "cases"),
        "status": first("reachability", "status", "count_customers", "reached"),
        "reason": first("invalid_numbers_by_reason", "reason", "count_numbers", "duplicate"),
        "weekday": first("best_time_to_call", "weekday", "count_phone_actions", 1),
        "hour": first("best_time_to_call", "hour", "count_phone_actions", 10),
        "vintage": vintage.strftime("%Y-%m") if vintage else DEMO_PERIOD,
        "months_on_book": first("vintage_curves", "months_on_book", "principal_30_plus", 0),
    }


def drilldowns(book: tuple[Path, Settings], cell: dict[str, object]) -> dict:
    """Every drill-down, opened on `cell`; the call outcomes and the report teams."""
    db, settings = book
    window = settings.attribution_window_days
    return {
        "loans_in_bucket": lambda f: drilldown.loans_in_bucket(db, f, bucket=cell["bucket"]),
        "loans_in_tier": lambda f: drilldown.loans_in_tier(db, f, tier=cell["tier"]),
        "loans_rolled": lambda f: drilldown.loans_rolled(
            db, f, from_bucket=cell["roll_from"], to_state=cell["roll_to"]
        ),
        "cases_worked": lambda f: drilldown.cases_worked(
            db, f, dimension="method", value=cell["method"], window_days=window
        ),
        "promises_broken": lambda f: drilldown.promises_with_verdict(db, f, verdict="broken"),
        "loans_cured": lambda f: drilldown_aging.loans_cured(db, f),
        "vintage_loans_past_due": lambda f: drilldown_aging.vintage_loans_past_due(
            db, f, vintage=cell["vintage"], months_on_book=cell["months_on_book"], min_days=30
        ),
        "customers_by_reachability": lambda f: drilldown_contacts.customers_by_reachability(
            db, f, status=cell["status"]
        ),
        "numbers_with_reason": lambda f: drilldown_contacts.numbers_with_reason(
            db, f, reason=cell["reason"]
        ),
        "calls_at_hour": lambda f: drilldown_contacts.calls_at_hour(
            db, f, weekday=cell["weekday"], hour=cell["hour"]
        ),
        "call_outcomes": lambda f: call_outcomes(db, f),
        "team_names": lambda f: pl.DataFrame({"team": team_names(db, f)}, {"team": pl.String}),
    }


def every_answer(
    book: tuple[Path, Settings], filters: Filters, cell: dict[str, object]
) -> dict[str, pl.DataFrame]:
    db, settings = book
    answers = {name: measure(db, filters, settings) for name, measure in MEASURES.items()}
    return answers | {name: open_(filters) for name, open_ in drilldowns(book, cell).items()}


def test_a_manager_of_one_team_sees_what_the_team_filter_gives(book, two_teams) -> None:
    team, _ = two_teams
    cell = cells(book, team)
    filtered = every_answer(book, Filters(DEMO_PERIOD, team=team), cell)
    scoped = every_answer(book, Filters(DEMO_PERIOD, allowed_teams=(team,)), cell)
    for name, expected in filtered.items():
        if name == "team_names":  # a report per team: the teams file's teams are listed too
            assert scoped[name]["team"].to_list() == [team]
            continue
        assert_frame_equal(scoped[name], expected, check_dtypes=False), name
    assert scoped["portfolio_summary"]["count_active_loans"].item() > 0
    for name in ("loans_in_bucket", "loans_in_tier", "loans_rolled", "cases_worked",
                 "vintage_loans_past_due", "customers_by_reachability", "numbers_with_reason",
                 "calls_at_hour"):  # fmt: skip
        assert scoped[name].height > 0, name


def test_a_team_filter_naming_another_team_answers_nothing(book, two_teams) -> None:
    team, other = two_teams
    cell = cells(book, other)
    nothing = every_answer(book, Filters(DEMO_PERIOD, team=NOTHING), cell)
    crossed = every_answer(book, Filters(DEMO_PERIOD, team=other, allowed_teams=(team,)), cell)
    for name, expected in nothing.items():
        if name == "team_names":  # the teams a report can be split by: the filter aside
            assert crossed[name]["team"].to_list() == [team]
            continue
        assert_frame_equal(crossed[name], expected, check_dtypes=False), name


def test_several_teams_give_those_teams_only(book, two_teams) -> None:
    db, settings = book
    scoped = Filters(DEMO_PERIOD, allowed_teams=two_teams)
    by_team = MEASURES["recovery_by_team"](db, scoped, settings)
    assert sorted(by_team["team"].to_list()) == sorted(two_teams)
    whole = MEASURES["recovery_by_team"](db, Filters(DEMO_PERIOD), settings)
    assert_frame_equal(by_team, whole.filter(pl.col("team").is_in(two_teams)))
    collectors = MEASURES["recovery_by_collector"](db, scoped, settings)
    assert collectors.height > 0
    assert MEASURES["recovery_by_team"](
        db, Filters(DEMO_PERIOD, allowed_teams=()), settings
    ).is_empty()


def test_the_choice_lists_hold_the_users_teams_and_their_collectors(book, two_teams) -> None:
    db, _ = book
    team, other = two_teams
    assert dimensions.teams(db, allowed_teams=(team,)) == [team]
    assert dimensions.collectors(db, allowed_teams=(team,)) == dimensions.collectors(db, team=team)
    assert dimensions.collectors(db, team=other, allowed_teams=(team,)) == []
    assert set(dimensions.teams(db)) > {team, other}
