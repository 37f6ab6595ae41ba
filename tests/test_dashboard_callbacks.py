"""The dashboard's callbacks called as Dash calls them, on a small demo book: every page
lays out in both languages, figures and tables show what the measures compute, the
filter bar writes the URL, drill-downs list the loans behind a figure."""

import re
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import dash
import polars as pl
import pytest
from dash.development.base_component import Component

from dashboard import data, drill
from dashboard.app import create_app
from dashboard.components.charts import figure_for
from dashboard.components.drill_panel import open_drill
from dashboard.components.filter_bar import on_filter_change
from dashboard.components.tables import table_for
from dashboard.components.window_control import on_window_change
from dashboard.formatting import amount, rate
from dashboard.i18n import CATALOGUE
from dashboard.kpis import KPI_BY_NAME, kpi_figures
from dashboard.view import View
from queries import dimensions, drilldown
from queries.attention import stale_cases
from queries.contacts import reachability
from queries.data_status import rejected_rows
from queries.filters import Filters
from queries.portfolio import aging_trend, portfolio_summary, portfolio_trend
from queries.recovery import recovered, recovery_by, recovery_rate_trend
from tests.dashboard_demo import DEMO_PERIOD, build_demo_db, settings_for

CJK = re.compile(r"[\u3400-\u9fff]")
PAGES = ("overview", "aging", "methods", "teams", "contacts", "promises", "attention", "data")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    db = build_demo_db(tmp_path_factory.mktemp("dashboard-callbacks"))
    with settings_for(db):
        create_app()
        yield db


def page(name: str) -> ModuleType:
    return sys.modules[f"pages.{name}"]


def view(lang: str = "en", **filters: str) -> View:
    return View(Filters(DEMO_PERIOD, **filters), lang, 30)


def texts(component: object) -> list[str]:
    """Every text of a layout a person can read: children, labels, placeholders, titles."""
    if isinstance(component, str):
        return [component]
    if isinstance(component, list | tuple):
        return [text for child in component for text in texts(child)]
    if not isinstance(component, Component):
        return []
    found = texts(getattr(component, "children", None))
    for prop in ("placeholder", "title"):
        if isinstance(getattr(component, prop, None), str):
            found.append(getattr(component, prop))
    for option in getattr(component, "options", None) or []:
        found.append(str(option["label"]))
    return found


def data_values(db: Path) -> set[str]:
    """Values from the data that stand on a page as written (teams, branches, the headers
    and values of rejected rows, ...)."""
    rejects = rejected_rows(db, limit=200)
    return {
        *data.measure(dimensions.branches),
        *data.measure(dimensions.products),
        *data.measure(dimensions.teams),
        *data.measure(dimensions.collectors),
        *rejects["header"].drop_nulls(),
        *rejects["value"].drop_nulls(),
    }


def test_every_page_is_registered(demo: Path) -> None:
    paths = sorted(p["path"] for p in dash.page_registry.values())
    assert paths == ["/", "/aging", "/attention", "/contacts", "/data", "/methods", "/promises",
                     "/teams"]  # fmt: skip


@pytest.mark.parametrize("name", PAGES)
def test_pages_speak_one_language(demo: Path, name: str) -> None:
    english = texts(page(name).layout(lang="en"))
    chinese = texts(page(name).layout(lang="zh"))
    allowed = data_values(demo) | {CATALOGUE["lang.switch"]["en"]}
    stray = [text for text in english if CJK.search(text) and text not in allowed]
    assert stray == []
    english_only = {v["en"] for v in CATALOGUE.values() if v["en"] != v["zh"]}
    assert [text for text in chinese if text in english_only] == []


def test_the_filter_bar_offers_the_months_with_a_snapshot(demo: Path) -> None:
    layout = page("overview").layout(lang="zh")
    period = next(c for c in _walk(layout) if getattr(c, "id", None) == "filter-period")
    assert period.value == DEMO_PERIOD
    assert [o["value"] for o in period.options] == data.measure(dimensions.periods)
    assert period.options[0]["label"] == "2026年10月"


def _walk(component: object) -> Iterator[Component]:
    if isinstance(component, list | tuple):
        for child in component:
            yield from _walk(child)
    elif isinstance(component, Component):
        yield component
        yield from _walk(getattr(component, "children", None))


def test_a_kpi_card_shows_what_the_measure_computes(demo: Path) -> None:
    branch = data.measure(dimensions.branches)[0]
    for filters in ({}, {"branch": branch}):
        figures = kpi_figures(KPI_BY_NAME["outstanding"], view("zh", **filters))
        summary = portfolio_summary(demo, Filters(DEMO_PERIOD, **filters))
        assert figures.value == amount(summary["outstanding"].item(), "zh")
        assert len(figures.series) == 12
    flows = recovered(demo, Filters(DEMO_PERIOD), window_days=30)
    card = kpi_figures(KPI_BY_NAME["recovered"], view())
    assert card.value == amount(flows["recovered"].item(), "en")
    assert flows["repaid"].item() >= flows["recovered"].item()
    assert card.hover.endswith(f"(loans not in collection too): {flows['repaid'].item():,.2f}")


def test_the_recovery_rate_card_is_the_holders_total(demo: Path) -> None:
    teams = recovery_by(demo, Filters(DEMO_PERIOD), dimension="team", window_days=30)
    total = float(teams["recovered"].sum()) / float(teams["placed"].sum())
    trend = recovery_rate_trend(demo, Filters(DEMO_PERIOD), window_days=30)
    assert trend["recovery_rate"][-1] == pytest.approx(total)  # the teams add up to the book
    assert 0 < total <= 1
    assert kpi_figures(KPI_BY_NAME["recovery_rate"], view()).value == rate(total)


def test_a_kpi_callback_fills_its_card(demo: Path) -> None:
    update = page("overview").KPI_CALLBACKS["npl_ratio"]
    value, change, change_class, sparkline, hover = update(view("zh").as_data())
    assert hover == CATALOGUE["def.npl_ratio"]["zh"]
    trend = portfolio_trend(demo, Filters(DEMO_PERIOD))
    assert value == rate(trend["npl_ratio"][-1])
    points = trend["npl_ratio"][-1] - trend["npl_ratio"][-2]
    assert change == f"较上月 {points * 100:+.1f} 个百分点"
    assert change_class == f"kpi-change {'up' if points > 0 else 'down'}"
    assert list(sparkline.data[0].y) == trend["npl_ratio"].to_list()


def test_aging_figure_draws_the_measure(demo: Path) -> None:
    figure = figure_for(
        lambda v: page("aging").figures.aging_trend(
            data.measure(aging_trend, v.filters), v.lang, value="count_loans"
        ),
        view().as_data(),
    )
    drawn = sum(sum(trace.y) for trace in figure.data)
    assert drawn == aging_trend(demo, Filters(DEMO_PERIOD))["count_loans"].sum()


def test_figures_for_filters_with_no_data_are_empty_states(demo: Path) -> None:
    nobody = view("zh", branch="no-such-branch")
    figure = figure_for(page("aging").cure_figure, nobody.as_data())
    assert [a.text for a in figure.layout.annotations] == ["当前筛选条件下没有数据"]


def test_tables_list_rows_and_say_how_many(demo: Path) -> None:
    rows, columns, note = table_for(page("teams").teams_table, view().as_data())
    assert [c["field"] for c in columns] == ["team", "cases", "placed", "recovered",
        "recovery_rate", "rate_low", "rate_high", "cases_cured", "recovery_index", "index_low",
        "index_high", "cost_per_100_recovered"]  # fmt: skip
    shown = [c["headerName"] for c in columns if not c.get("hide")]
    assert shown == ["Team", "Cases", "Placed", "Recovered", "Recovery rate (95 % interval)",
        "Cases cured", "Recovery index (95 % interval)", "Cost per 100 recovered"]  # fmt: skip
    assert note == f"{len(rows)} rows"
    teams = recovery_by(demo, Filters(DEMO_PERIOD), dimension="team", window_days=30)
    by_team = {r["team"]: r["recovered"] for r in rows}
    assert by_team == {r["team"]: float(r["recovered"]) for r in teams.iter_rows(named=True)}
    indexes = [r["recovery_index"] for r in rows if r["recovery_index"] is not None]
    assert indexes == sorted(indexes, reverse=True)  # ranked by what is compared
    assert rows[-1]["recovery_index"] is None or None not in [r["recovery_index"] for r in rows]


def test_collectors_are_listed_by_team_and_ranked_within_it(demo: Path) -> None:
    rows, columns, _ = table_for(page("teams").collectors_table, view().as_data())
    assert [c["field"] for c in columns][:3] == ["team", "rank_in_team", "collector"]
    team_rows, _, _ = table_for(page("teams").teams_table, view().as_data())
    teams_in_order = list(dict.fromkeys(r["team"] for r in rows))
    assert teams_in_order == [r["team"] for r in team_rows]  # the teams' ranking, each once
    for team in teams_in_order:
        mine = [r for r in rows if r["team"] == team]
        assert [r["rank_in_team"] for r in mine] == list(range(1, len(mine) + 1))
        indexes = [r["recovery_index"] for r in mine if r["recovery_index"] is not None]
        assert indexes == sorted(indexes, reverse=True)
    # a team is the sum of its collectors
    for team_row in team_rows:
        mine = [r for r in rows if r["team"] == team_row["team"]]
        assert sum(r["cases"] for r in mine) == team_row["cases"]
        assert sum(r["recovered"] for r in mine) == pytest.approx(team_row["recovered"])


def test_agencies_show_their_commission_and_cost(demo: Path) -> None:
    rows, columns, _ = table_for(page("teams").agencies_table, view().as_data())
    assert [c["field"] for c in columns] == ["team", "cases", "placed", "recovered",
        "recovery_rate", "commission_rate", "commission", "cost",
        "cost_per_100_recovered"]  # fmt: skip
    assert {r["team"] for r in rows} == {"委外-华信资产管理", "委外-中诚资产管理"}


def test_lists_of_customers_are_masked(demo: Path) -> None:
    rows, _, _ = table_for(page("attention").stale, view().as_data())
    assert rows, "the demo book has stale 90+ cases"
    assert all(re.fullmatch(r".\*+", r["customer_name"]) for r in rows if r["customer_name"])


def test_a_long_list_shows_its_first_rows_and_says_how_long_it_is(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = stale_cases(demo, Filters(DEMO_PERIOD))
    assert len(whole) > 3, "the demo book has stale 90+ cases"
    monkeypatch.setattr(data, "LIST_ROW_LIMIT", 3)
    data.answers().clear()
    rows, columns, note = table_for(page("attention").stale, view().as_data())
    assert [r["loan_id"] for r in rows] == whole["loan_id"].head(3).to_list()
    assert "count_total" not in [c["field"] for c in columns]
    assert note == f"{len(whole):,} rows, the first 3 shown"
    data.answers().clear()


def test_the_filter_bar_writes_the_url(demo: Path) -> None:
    team = "总部电催一组"
    collector = data.measure(dimensions.collectors, team=team)[0]
    start = view(collector=collector)
    search = on_filter_change("2026-09", None, None, team, collector, "phone", start.as_data())
    assert search.startswith("?period=2026-09&team=")
    assert "collector=" in search and "method=phone" in search and "lang=en" in search
    other_team = next(t for t in data.measure(dimensions.teams)
                      if collector not in data.measure(dimensions.collectors, team=t))  # fmt: skip
    moved = on_filter_change(DEMO_PERIOD, None, None, other_team, collector, None, start.as_data())
    assert "collector=" not in moved  # the collector does not work in the new team
    unchanged = on_filter_change(DEMO_PERIOD, None, None, None, collector, None, start.as_data())
    assert unchanged is dash.no_update
    assert on_window_change(60, start.as_data()).endswith("window=60")


def test_a_drill_down_lists_the_loans_behind_the_bar(demo: Path) -> None:
    spec = drill.spec_from_click(
        "aging-loans", {"points": [{"customdata": ["2026-09", "M2", "3"]}]}
    )
    hidden, title, note, rows, columns = open_drill(spec, view("zh").as_data())
    expected = drilldown.loans_in_bucket(demo, Filters("2026-09"), bucket="M2")
    assert hidden is False and title == "明细：2026年9月 · 账龄 M2"
    assert [r["loan_id"] for r in rows] == expected["loan_id"].to_list()
    assert note == f"共 {len(expected)} 行"
    assert "count_total" not in [c["field"] for c in columns]
    assert all(isinstance(r["outstanding_balance"], float) for r in rows)
    assert sum(r["outstanding_balance"] for r in rows) == pytest.approx(
        float(expected["outstanding_balance"].sum())
    )


def test_a_method_drill_adds_up_to_the_method(demo: Path) -> None:
    spec = drill.spec_from_click("methods-index", {"points": [{"customdata": ["phone"]}]})
    _, _, _, rows, _ = open_drill(spec, view().as_data())
    phone = recovery_by(demo, Filters(DEMO_PERIOD), dimension="method", window_days=30).filter(
        pl.col("method") == "phone"
    )
    assert len(rows) == phone["cases"].item()
    assert Decimal(str(round(sum(r["placed"] for r in rows), 2))) == phone["placed"].item()
    assert Decimal(str(round(sum(r["recovered"] for r in rows), 2))) == phone["recovered"].item()


def test_the_recovery_pages_say_when_cases_are_estimated(
    demo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    notes = {lang: CATALOGUE["note.source_first_action"][lang] for lang in ("zh", "en")}
    for name in ("methods", "teams"):  # the demo's cases come from its assignments files
        assert all(notes[lang] not in texts(page(name).layout(lang=lang)) for lang in notes)
    folder = tmp_path_factory.mktemp("without-assignments")
    estimated = build_demo_db(folder, loans=300, assignments=False)
    with settings_for(estimated):
        for name in ("methods", "teams"):
            for lang, note in notes.items():
                assert note in texts(page(name).layout(lang=lang)), (name, lang)
        assert notes["en"] not in texts(page("aging").layout(lang="en"))


def test_answers_are_cached_per_filters(demo: Path) -> None:
    contacts = page("contacts")
    reach = contacts.figure_of(reachability, contacts.figures.reachability)
    data.answers().clear()
    figure_for(reach, view("zh").as_data())
    assert (data.answers().stats.hits, data.answers().stats.misses) == (0, 1)
    figure_for(reach, view("en").as_data())  # same filters, other language: no query
    assert (data.answers().stats.hits, data.answers().stats.misses) == (1, 1)
    figure_for(reach, view("en", team="总部电催一组").as_data())
    assert data.answers().stats.misses == 2


def test_pages_without_a_database_say_so(tmp_path: Path) -> None:
    with settings_for(tmp_path / "missing.duckdb"):
        layout = page("aging").layout(lang="en")
        assert "No data loaded yet" in " ".join(texts(layout))
