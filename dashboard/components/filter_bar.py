"""The one filter bar of every page: period, branch, product, team, collector, method.

It shows the view the URL holds and, when a value changes, writes the new view into the
URL; the page then draws itself again from the URL, so every view can be bookmarked."""

import duckdb
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboard import data
from dashboard.formatting import period_label
from dashboard.i18n import t, value_label
from dashboard.view import DIMENSIONS, View
from queries import dimensions
from queries.filters import Filters
from recovery.database import DatabaseMissing

FILTERS = ("period", *DIMENSIONS)
LOCATION = "_pages_location"  # the URL bar of Dash's pages mechanism


def filter_id(name: str) -> str:
    return f"filter-{name}"


def options(view: View) -> dict[str, list[dict[str, str]]]:
    """Options of each dropdown from the database: months with a loans snapshot, and the
    values of each dimension (collectors of the chosen team only; teams and collectors of
    the teams the user may see only)."""
    lang = view.lang
    allowed = view.filters.allowed_teams
    return {
        "period": [
            {"label": period_label(p, lang), "value": p}
            for p in data.load_records(dimensions.periods)
        ],
        "branch": _plain(data.load_records(dimensions.branches)),
        "product": _plain(data.load_records(dimensions.products)),
        "team": _plain(data.load_records(dimensions.teams, allowed_teams=allowed)),
        "collector": _plain(
            data.load_records(dimensions.collectors, team=view.filters.team, allowed_teams=allowed)
        ),
        "method": [
            {"label": value_label("method", m, lang), "value": m}
            for m in data.load_records(dimensions.methods)
        ],
    }


def warm_up() -> None:
    """Reads the dropdowns' lists, as a user who sees every team gets them, before the
    first request, so the first person to open a page does not wait for them (nothing
    when there is no database yet, or one the pages will report on themselves)."""
    try:
        periods = data.load_records(dimensions.periods)
        if periods:
            options(View(Filters(periods[-1]), "zh", data.settings().attribution_window_days))
    except (DatabaseMissing, duckdb.Error):
        return


def _plain(values: list[str]) -> list[dict[str, str]]:
    return [{"label": v, "value": v} for v in values]


def dropdown_labels(lang: str) -> dict[str, str]:
    keys = ("search", "clear_search", "clear_selection", "no_options_found", "select_all",
            "deselect_all", "selected_count")  # fmt: skip
    return {key: t(f"dropdown.{key}", lang) for key in keys}


def filter_bar(view: View) -> html.Div:
    choices = options(view)
    fields = [
        html.Label(
            [
                html.Span(t(f"filter.{name}", view.lang), className="filter-label"),
                dcc.Dropdown(
                    id=filter_id(name),
                    options=choices[name],
                    value=getattr(view.filters, name),
                    clearable=name != "period",
                    maxHeight=320,
                    placeholder=t("filter.all", view.lang),
                    labels=dropdown_labels(view.lang),
                    className="filter-dropdown",
                ),
            ],
            className="filter",
        )
        for name in FILTERS
    ]
    reset = dcc.Link(
        t("filter.reset", view.lang),
        href=view.search(**dict.fromkeys(DIMENSIONS)),
        id="filter-reset",
        className="filter-reset",
    )
    return html.Div([*fields, reset], className="filter-bar", id="filter-bar")


def search_for(view: View, values: dict[str, str | None]) -> str:
    """The URL query string after the user picked `values` in the filter bar. A collector
    who does not work in a newly chosen team is dropped."""
    changed = view.with_filters(**{k: v or None for k, v in values.items() if k != "period"})
    if values.get("period"):
        changed = changed.with_filters(period=values["period"])
    collector, team = changed.filters.collector, changed.filters.team
    if collector and team and team != view.filters.team:
        allowed = view.filters.allowed_teams
        if collector not in data.load_records(
            dimensions.collectors, team=team, allowed_teams=allowed
        ):
            changed = changed.with_filters(collector=None)
    return changed.search()


@callback(
    Output(LOCATION, "search", allow_duplicate=True),
    *(Input(filter_id(name), "value") for name in FILTERS),
    State("view", "data"),
    prevent_initial_call=True,
)
def on_filter_change(*args: object) -> str:
    *values, view_data = args
    view = View.from_data(view_data)
    search = search_for(view, dict(zip(FILTERS, values, strict=True)))
    return no_update if search == view.search() else search
