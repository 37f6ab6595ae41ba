"""Methods: the recovery index by method (mix-adjusted, with its 95 % interval and the
cases behind it) beside the method × stage matrix, cost per 100 recovered, recovery by
stage at placement and the methods in detail; the attribution window is a control on the
page. A click on a bar or a cell lists its cases."""

import dash
import plotly.graph_objects as go

from dashboard import data, drill
from dashboard.components.charts import chart_panel, drill_id, figure_callback
from dashboard.components.frame import render
from dashboard.components.source_note import source_note
from dashboard.components.tables import table_callback, table_panel
from dashboard.components.window_control import window_control
from dashboard.figures import recovery as figures
from dashboard.league import comparison, methods_table
from dashboard.view import View
from queries.portfolio import aging
from queries.recovery import recovery_by_age, recovery_by_stage

PATH = "/methods"
dash.register_page(__name__, path=PATH, name="Methods", order=2, nav_key="nav.methods")

INDEX = drill_id("methods-index")
STAGES = drill_id("methods-stage")


def layout(**query: str) -> dash.html.Div:
    return render(PATH, "page.methods", query, body)


def body(view: View) -> list:
    lang = view.lang
    drillable = {"hint_key": "hint.drill_cases"}
    return [
        window_control(view),
        *source_note("methods", view),
        dash.html.Div(
            [
                chart_panel(INDEX, "chart.method_index", lang, **drillable),
                chart_panel(STAGES, "chart.stage_heatmap", lang, **drillable),
                chart_panel("methods-costs", "chart.method_costs", lang),
                chart_panel("methods-by-age", "chart.recovery_by_age", lang),
            ],
            className="grid-2",
        ),
        table_panel("methods-table", "table.methods", lang, height=380),
    ]


def index_figure(view: View) -> go.Figure:
    return figures.recovery_index(comparison(view, "method"), view.lang, dimension="method")


def cost_figure(view: View) -> go.Figure:
    return figures.cost_per_100(comparison(view, "method"), view.lang, dimension="method")


def stage_figure(view: View) -> go.Figure:
    frame = data.measure(recovery_by_stage, view.filters, window_days=view.window_days)
    buckets = data.measure(aging, view.filters)["bucket"].to_list()
    ranked = comparison(view, "method")["method"].to_list()
    return figures.stage_heatmap(frame, view.lang, bucket_order=buckets, method_order=ranked)


def age_figure(view: View) -> go.Figure:
    frame = data.measure(recovery_by_age, view.filters, window_days=view.window_days)
    return figures.recovery_by_age(frame, view.lang)


figure_callback(INDEX, index_figure)
figure_callback("methods-costs", cost_figure)
figure_callback(STAGES, stage_figure)
figure_callback("methods-by-age", age_figure)
table_callback("methods-table", methods_table)
drill.register("methods-index", "worked", ("value",), dimension="method")
drill.register(
    "methods-stage", "worked", ("value", "bucket"), fields=("y", "x"), dimension="method"
)
