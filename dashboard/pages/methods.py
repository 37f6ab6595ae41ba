"""Methods: recovery rate (with the loans behind it and its 95 % interval) and cost per 100
recovered by method, the method × aging-bucket heatmap, recovery by days past due at
placement; the attribution window is a control on the page."""

import dash
import plotly.graph_objects as go
import polars as pl

from dashboard import data, drill
from dashboard.components.charts import chart_panel, drill_id, figure_callback
from dashboard.components.frame import render
from dashboard.components.tables import table_callback, table_panel
from dashboard.components.window_control import window_control
from dashboard.figures import recovery as figures
from dashboard.formatting import rate
from dashboard.view import View
from queries.portfolio import aging
from queries.recovery import recovery_by, recovery_by_age, recovery_by_stage

PATH = "/methods"
dash.register_page(__name__, path=PATH, name="Methods", order=2, nav_key="nav.methods")

RATES = drill_id("methods-rates")
STAGES = drill_id("methods-stage")


def layout(**query: str) -> dash.html.Div:
    return render(PATH, "page.methods", query, body)


def body(view: View) -> list:
    lang = view.lang
    drillable = {"hint_key": "hint.drill"}
    return [
        window_control(view),
        dash.html.Div(
            [
                chart_panel(RATES, "chart.method_rates", lang, **drillable),
                chart_panel("methods-costs", "chart.method_costs", lang),
                chart_panel(STAGES, "chart.stage_heatmap", lang, **drillable),
                chart_panel("methods-by-age", "chart.recovery_by_age", lang),
            ],
            className="grid-2",
        ),
        table_panel("methods-table", "table.methods", lang, height=380),
    ]


def by_method(view: View) -> pl.DataFrame:
    return data.measure(recovery_by, view.filters, dimension="method", window_days=view.window_days)


def methods_table(view: View) -> pl.DataFrame:
    frame = by_method(view)
    interval = [
        "—" if low is None else f"{rate(low)} – {rate(high)}"
        for low, high in zip(frame["rate_low"], frame["rate_high"], strict=True)
    ]
    return frame.with_columns(interval=pl.Series(interval, dtype=pl.String)).select(
        "method", "count_loans", "count_actions", "placed", "recovered", "recovery_rate",
        "interval", "cost", "cost_per_100_recovered",
    )  # fmt: skip


def stage_figure(view: View) -> go.Figure:
    frame = data.measure(recovery_by_stage, view.filters, window_days=view.window_days)
    buckets = data.measure(aging, view.filters)["bucket"].to_list()
    return figures.stage_heatmap(frame, view.lang, bucket_order=buckets)


def age_figure(view: View) -> go.Figure:
    frame = data.measure(recovery_by_age, view.filters, window_days=view.window_days)
    return figures.recovery_by_age(frame, view.lang)


figure_callback(RATES, lambda v: figures.recovery_rates(by_method(v), v.lang, dimension="method"))
figure_callback(
    "methods-costs", lambda v: figures.cost_per_100(by_method(v), v.lang, dimension="method")
)
figure_callback(STAGES, stage_figure)
figure_callback("methods-by-age", age_figure)
table_callback("methods-table", methods_table)
drill.register("methods-rates", "worked", ("value",), dimension="method")
drill.register(
    "methods-stage", "worked", ("value", "bucket"), fields=("y", "x"), dimension="method"
)
