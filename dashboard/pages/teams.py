"""Teams: league tables of teams and collectors (recovered, placed, recovery rate, actions,
effective contact rate, kept rate), sortable; visits against quota; a click on a team's
bar opens that team (the team filter); a click on a league row or a collector's visits
lists the loans that team or collector worked."""

import dash
import plotly.graph_objects as go
import polars as pl
from dash import Input, Output, State, callback, no_update

from dashboard import data, drill
from dashboard.components.charts import chart_panel, drill_id, figure_callback
from dashboard.components.drill_panel import row_drill
from dashboard.components.filter_bar import LOCATION
from dashboard.components.frame import render
from dashboard.components.tables import table_callback, table_panel
from dashboard.figures import recovery as figures
from dashboard.league import league_table
from dashboard.view import View
from queries.field import visits_against_quota
from queries.recovery import recovery_by

PATH = "/teams"
dash.register_page(__name__, path=PATH, name="Teams", order=3, nav_key="nav.teams")

VISITS = drill_id("teams-visits")


def layout(**query: str) -> dash.html.Div:
    return render(PATH, "page.teams", query, body)


def body(view: View) -> list:
    lang = view.lang
    drillable = {"hint_key": "hint.drill_worked"}
    return [
        dash.html.Div(
            [
                chart_panel("teams-rates", "chart.team_rates", lang),
                chart_panel(VISITS, "chart.visits", lang, **drillable),
            ],
            className="grid-2",
        ),
        table_panel("teams-league", "table.teams", lang, height=360, **drillable),
        table_panel(
            "teams-collectors",
            "table.collectors_of" if view.filters.team else "table.collectors",
            lang,
            height=420,
            title_values={"team": view.filters.team},
            **drillable,
        ),
    ]


def team_rates(view: View) -> go.Figure:
    frame = data.measure(recovery_by, view.filters, dimension="team", window_days=view.window_days)
    return figures.recovery_rates(frame, view.lang, dimension="team")


def visits(view: View) -> go.Figure:
    return figures.visits_against_quota(data.measure(visits_against_quota, view.filters), view.lang)


def teams_league(view: View) -> pl.DataFrame:
    return league_table(view, "team")


def collectors_league(view: View) -> pl.DataFrame:
    return league_table(view, "collector")


@callback(
    Output(LOCATION, "search", allow_duplicate=True),
    Input("teams-rates", "clickData"),
    State("view", "data"),
    prevent_initial_call=True,
)
def open_team(click: dict | None, view_data: dict) -> str:
    """A click on a team's bar narrows every figure to that team."""
    points = (click or {}).get("points") or []
    if not points or not points[0].get("customdata"):
        return no_update
    return View.from_data(view_data).search(team=points[0]["customdata"][0], collector=None)


figure_callback("teams-rates", team_rates)
figure_callback(VISITS, visits)
table_callback("teams-league", teams_league)
table_callback("teams-collectors", collectors_league)
drill.register("teams-visits", "worked", ("value",), dimension="collector")
drill.register("teams-league", "worked", ("value",), fields=("team",), dimension="team")
drill.register(
    "teams-collectors", "worked", ("value",), fields=("collector",), dimension="collector"
)
row_drill("teams-league")
row_drill("teams-collectors")
