"""Teams: teams ranked by recovery index (mix-adjusted, with its 95 % interval and the
cases behind it), visits against quota, the teams' table, the collectors grouped by team
and ranked within it, and the outside agencies (委外) with their commission. A click on a
team's bar, a collector's visits or a row lists the cases that team or collector held."""

import dash
import plotly.graph_objects as go

from dashboard import data, drill
from dashboard.components.charts import chart_panel, drill_id, figure_callback
from dashboard.components.drill_panel import row_drill
from dashboard.components.frame import render
from dashboard.components.source_note import source_note
from dashboard.components.tables import table_callback, table_panel
from dashboard.figures import recovery as figures
from dashboard.league import agencies_table, collectors_table, comparison, teams_table
from dashboard.view import View
from queries.field import visits_against_quota

PATH = "/teams"
dash.register_page(__name__, path=PATH, name="Teams", order=3, nav_key="nav.teams")

INDEX = drill_id("teams-index")
VISITS = drill_id("teams-visits")


def layout(**query: str) -> dash.html.Div:
    return render(PATH, "page.teams", query, body)


def body(view: View) -> list:
    lang = view.lang
    drillable = {"hint_key": "hint.drill_worked"}
    return [
        *source_note("teams", view),
        dash.html.Div(
            [
                chart_panel(INDEX, "chart.team_index", lang, **drillable),
                chart_panel(VISITS, "chart.visits", lang, **drillable),
            ],
            className="grid-2",
        ),
        table_panel("teams-league", "table.teams", lang, height=420, **drillable),
        table_panel(
            "teams-collectors",
            "table.collectors_of" if view.filters.team else "table.collectors",
            lang,
            height=420,
            title_values={"team": view.filters.team},
            **drillable,
        ),
        table_panel("teams-agencies", "table.agencies", lang, height=200, **drillable),
    ]


def index_figure(view: View) -> go.Figure:
    return figures.recovery_index(comparison(view, "team"), view.lang, dimension="team")


def visits(view: View) -> go.Figure:
    return figures.visits_against_quota(data.measure(visits_against_quota, view.filters), view.lang)


figure_callback(INDEX, index_figure)
figure_callback(VISITS, visits)
table_callback("teams-league", teams_table)
table_callback("teams-collectors", collectors_table)
table_callback("teams-agencies", agencies_table)
drill.register("teams-index", "worked", ("value",), dimension="team")
drill.register("teams-visits", "worked", ("value", "value_team"), dimension="collector")
drill.register("teams-league", "worked", ("value",), fields=("team",), dimension="team")
drill.register(
    "teams-collectors",
    "worked",
    ("value", "value_team"),
    fields=("collector", "team"),
    dimension="collector",
)
drill.register("teams-agencies", "worked", ("value",), fields=("team",), dimension="team")
row_drill("teams-league")
row_drill("teams-collectors")
row_drill("teams-agencies")
