"""Drill-downs of the contacts, teams and aging pages called as Dash calls them, on a small
demo book: a click on a point of the figure the page draws (or on a league row) opens the
list behind it, which adds up to the figure, with names and numbers masked."""

import re
import sys
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import polars as pl
import pytest

from dashboard import data, drill
from dashboard.app import create_app
from dashboard.components.charts import figure_for
from dashboard.components.drill_panel import open_drill
from dashboard.components.tables import table_for
from dashboard.figures.portfolio import vintage_curves as vintage_figure
from dashboard.i18n import value_label
from dashboard.view import View
from queries.contacts import best_time_to_call, invalid_numbers_by_reason, reachability
from queries.filters import Filters
from queries.portfolio import cure_rate, vintage_curves
from queries.recovery import recovery_by, recovery_by_stage
from tests.dashboard_demo import DEMO_PERIOD, build_demo_db, settings_for

MASKED_NAME = re.compile(r".\*+")
MASKED_NUMBER = re.compile(r"\d{3}\*{4}\d{4}|0\d{2,3}\*{4}\d{2}|\*{4}\d{0,2}|\*{6}")
OCTOBER = Filters(DEMO_PERIOD)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    db = build_demo_db(tmp_path_factory.mktemp("dashboard-drills"))
    with settings_for(db):
        create_app()
        yield db


def page(name: str) -> ModuleType:
    return sys.modules[f"pages.{name}"]


def view(lang: str = "en") -> View:
    return View(OCTOBER, lang, 30)


def bar_click(figure, index: int, trace: int = 0) -> dict:
    """What the browser reports for a click on a bar or point: its customdata."""
    return {"points": [{"customdata": list(figure.data[trace].customdata[index])}]}


def opened(chart: str, click: dict, lang: str = "en") -> tuple[str, str, list[dict], list[str]]:
    spec = drill.spec_from_click(chart, click)
    assert spec is not None, click
    hidden, title, note, rows, columns = open_drill(spec, view(lang).as_data())
    assert hidden is False
    return title, note, rows, [c["field"] for c in columns]


def test_a_reachability_bar_lists_its_customers(demo: Path) -> None:
    contacts = page("contacts")
    figure = figure_for(
        contacts.figure_of(reachability, contacts.figures.reachability), view().as_data()
    )
    statuses = reachability(demo, OCTOBER)
    position = statuses["status"].to_list().index("reached")
    title, note, rows, columns = opened("contacts-reachability", bar_click(figure, position), "zh")
    assert title == "明细：客户可联情况：联系到本人或家人"
    customers = statuses["count_customers"][position]
    assert len(rows) == min(customers, 5000) and customers > 0
    assert note.startswith(f"共 {customers:,}")
    assert columns == ["customer_id", "customer_name", "loan_ids", "count_phone_actions",
                       "last_called_at", "reachability"]  # fmt: skip
    assert {r["reachability"] for r in rows} == {"联系到本人或家人"}
    assert all(MASKED_NAME.fullmatch(r["customer_name"]) for r in rows if r["customer_name"])


def test_an_invalid_reason_lists_its_numbers_masked(demo: Path) -> None:
    contacts = page("contacts")
    figure = figure_for(
        contacts.figure_of(invalid_numbers_by_reason, contacts.figures.invalid_reasons),
        view().as_data(),
    )
    by_reason = invalid_numbers_by_reason(demo, OCTOBER)
    title, _, rows, columns = opened("contacts-invalid", bar_click(figure, 0))
    reason, numbers = by_reason.row(0)
    assert len(rows) == numbers
    assert title.startswith("Behind it: Invalid numbers: ")
    assert columns == ["customer_id", "customer_name", "phone", "relation", "number_type",
                       "invalid_reason"]  # fmt: skip
    assert all(MASKED_NUMBER.fullmatch(r["phone"]) for r in rows), rows[:3]
    assert all(MASKED_NAME.fullmatch(r["customer_name"]) for r in rows if r["customer_name"])


def test_a_best_time_cell_lists_its_calls(demo: Path) -> None:
    contacts = page("contacts")
    figure = figure_for(
        contacts.figure_of(best_time_to_call, contacts.figures.best_time), view().as_data()
    )
    cells = best_time_to_call(demo, OCTOBER).sort("count_phone_actions")
    weekday, hour, calls = cells.select("weekday", "hour", "count_phone_actions").row(0)
    assert hour in list(figure.data[0].x) and weekday in list(figure.data[0].y)
    title, _, rows, _ = opened("contacts-best-time", {"points": [{"y": weekday, "x": hour}]})
    assert len(rows) == calls
    assert title.endswith(f"at {hour:02d}:00")
    assert all(r["contact_phone"] is None or MASKED_NUMBER.fullmatch(r["contact_phone"])
               for r in rows)  # fmt: skip


def total(rows: list[dict], column: str) -> Decimal:
    """A money column of a drill-down's rows (the grid holds floats) to the cent."""
    return Decimal(str(round(sum(r[column] for r in rows), 2)))


def adds_up(rows: list[dict], figure: dict) -> None:
    """The cases listed are the cases behind the figure clicked, to the cent."""
    assert len(rows) == figure["cases"] > 0
    assert total(rows, "placed") == figure["placed"]
    assert total(rows, "recovered") == figure["recovered"]
    if "cases_cured" in figure:
        assert sum(r["is_cured"] in ("Yes", "是") for r in rows) == figure["cases_cured"]


def test_a_team_row_lists_the_cases_it_held_adding_up_to_its_row(demo: Path) -> None:
    rows, _, _ = table_for(page("teams").teams_table, view().as_data())
    teams = recovery_by(demo, OCTOBER, dimension="team", window_days=30)
    team = rows[1]["team"]
    spec = drill.spec_from_row("teams-league", {"rowIndex": 1, "colId": "recovered"}, rows)
    assert spec == {"kind": "worked", "dimension": "team", "value": team}
    _, title, _, cases, columns = open_drill(spec, view().as_data())
    assert title == f"Behind it: Cases of {team}"
    adds_up(cases, teams.filter(pl.col("team") == team).row(0, named=True))
    assert {r["team"] for r in cases} == {team}
    fields = [c["field"] for c in columns]
    assert fields[:9] == ["loan_id", "customer_name", "team", "collector", "bucket", "placed",
                          "paid", "recovered", "is_cured"]  # fmt: skip
    assert drill.spec_from_row("teams-league", {"rowIndex": len(rows)}, rows) is None
    assert drill.spec_from_row("teams-league", None, rows) is None


def test_a_team_index_bar_lists_its_cases(demo: Path) -> None:
    figure = figure_for(page("teams").index_figure, view().as_data())
    team = figure.data[0].customdata[0][0]
    _, _, cases, _ = opened("teams-index", bar_click(figure, 0))
    teams = recovery_by(demo, OCTOBER, dimension="team", window_days=30)
    adds_up(cases, teams.filter(pl.col("team") == team).row(0, named=True))


def test_a_collector_row_lists_the_cases_held_in_its_team(demo: Path) -> None:
    rows, _, _ = table_for(page("teams").collectors_table, view().as_data())
    collectors = recovery_by(demo, OCTOBER, dimension="collector", window_days=30)
    position = next(i for i, r in enumerate(rows) if r["cases"] > 1)
    collector, team = rows[position]["collector"], rows[position]["team"]
    spec = drill.spec_from_row("teams-collectors", {"rowIndex": position}, rows)
    assert spec == {"kind": "worked", "dimension": "collector", "value": collector,
                    "value_team": team}  # fmt: skip
    _, title, _, cases, _ = open_drill(spec, view().as_data())
    assert title == f"Behind it: Cases of {collector} · {team}"
    row = collectors.filter((pl.col("collector") == collector) & (pl.col("team") == team))
    adds_up(cases, row.row(0, named=True))
    assert {(r["team"], r["collector"]) for r in cases} == {(team, collector)}


def test_a_collectors_visits_list_the_cases_they_held(demo: Path) -> None:
    figure = figure_for(page("teams").visits, view().as_data())
    collectors = recovery_by(demo, OCTOBER, dimension="collector", window_days=30)
    held = {(r["collector"], r["team"]) for r in collectors.iter_rows(named=True)}
    position = next(i for i, c in enumerate(figure.data[0].customdata) if tuple(c[:2]) in held)
    collector, team = figure.data[0].customdata[position][:2]
    _, _, cases, _ = opened("teams-visits", bar_click(figure, position))
    row = collectors.filter((pl.col("collector") == collector) & (pl.col("team") == team))
    adds_up(cases, row.row(0, named=True))


def test_a_method_bar_and_a_matrix_cell_list_their_cases(demo: Path) -> None:
    figure = figure_for(page("methods").index_figure, view().as_data())
    method = figure.data[0].customdata[0][0]
    title, _, cases, columns = opened("methods-index", bar_click(figure, 0), "zh")
    methods = recovery_by(demo, OCTOBER, dimension="method", window_days=30)
    adds_up(cases, methods.filter(pl.col("method") == method).row(0, named=True))
    assert "method" in columns
    stages = recovery_by_stage(demo, OCTOBER, window_days=30).filter(pl.col("cases") > 1)
    cell = stages.row(0, named=True)
    title, _, cases, _ = opened(
        "methods-stage", {"points": [{"y": cell["method"], "x": cell["bucket"]}]}, "zh"
    )
    assert title.endswith(f"委案时账龄 {cell['bucket']}")
    adds_up(cases, cell)
    assert {r["bucket"] for r in cases} == {value_label("bucket", cell["bucket"], "zh")}


def test_a_cure_trend_point_lists_the_loans_cured_that_month(demo: Path) -> None:
    figure = figure_for(page("aging").cure_figure, view().as_data())
    period = figure.data[0].customdata[-1][0]
    assert period == DEMO_PERIOD
    title, _, loans, _ = opened("aging-cure-trend", bar_click(figure, -1), "zh")
    assert title == "明细：2026年10月 治愈的贷款"
    assert len(loans) == cure_rate(demo, OCTOBER)["count_cured"].item() > 0
    assert all(r["outstanding_after"] is not None for r in loans)


@pytest.mark.parametrize(
    ("chart", "share", "days"),
    [("aging-vintage-30", "share_30_plus", 30), ("aging-vintage-90", "share_90_plus", 90)],
)
def test_a_vintage_point_lists_its_loans_past_due(
    demo: Path, chart: str, share: str, days: int
) -> None:
    curves = vintage_curves(demo, OCTOBER)
    figure = vintage_figure(curves, "en", share=share)
    # The highest point of any vintage: it has loans past due behind it.
    _, point = max(
        ((y, data) for trace in figure.data
         for y, data in zip(trace.y, trace.customdata, strict=True) if y is not None),
        key=lambda shown: shown[0],
    )  # fmt: skip
    vintage, months_on_book = point[0], point[1]
    title, _, loans, _ = opened(chart, {"points": [{"customdata": list(point)}]})
    assert loans, "the highest point of the vintage curves has loans past due behind it"
    assert title.endswith(f"month {months_on_book} on book · {days}+ days past due")
    expected = curves.filter(
        (pl.col("vintage") == date.fromisoformat(f"{vintage}-01"))
        & (pl.col("months_on_book") == months_on_book)
    )[f"principal_{days}_plus"].item()
    assert Decimal(str(round(sum(r["principal"] for r in loans), 2))) == expected


def test_every_drill_column_has_a_label_in_both_languages(demo: Path) -> None:
    clicks = {
        "contacts-reachability": {"points": [{"customdata": ["no_answer"]}]},
        "contacts-invalid": {"points": [{"customdata": ["wrong_length"]}]},
        "contacts-best-time": {"points": [{"y": 2, "x": 10}]},
        "aging-cure-trend": {"points": [{"customdata": [DEMO_PERIOD]}]},
        "aging-vintage-90": {"points": [{"customdata": ["2026-01", 6]}]},
    }
    for chart, click in clicks.items():
        spec = drill.spec_from_click(chart, click)
        _, _, _, _, english = open_drill(spec, view("en").as_data())
        _, _, _, _, chinese = open_drill(spec, view("zh").as_data())
        assert all(c["headerName"] for c in english + chinese), chart
        assert drill.file_name(spec, "csv").startswith(f"drill-{spec['kind']}-"), chart


def test_the_answers_come_from_the_cache_the_second_time(demo: Path) -> None:
    spec = drill.spec_from_click("contacts-best-time", {"points": [{"y": 2, "x": 10}]})
    open_drill(spec, view().as_data())
    before = data.answers().stats.misses
    open_drill(spec, view("zh").as_data())
    assert data.answers().stats.misses == before
