"""Aging: the bucket distribution over time (loans and balance), the five-tier
classification, the roll-rate matrix, the cure-rate trend and vintage curves."""

import dash
import plotly.graph_objects as go

from dashboard import data, drill
from dashboard.components.charts import chart_panel, drill_id, figure_callback
from dashboard.components.frame import render
from dashboard.figures import portfolio as figures
from dashboard.view import View
from queries import dimensions
from queries.portfolio import aging_trend, classification, cure_rate, roll_rates, vintage_curves

PATH = "/aging"
dash.register_page(__name__, path=PATH, name="Aging", order=1, nav_key="nav.aging")

AGING_LOANS = drill_id("aging-loans")
AGING_BALANCE = drill_id("aging-balance")
CLASSIFICATION = drill_id("aging-classification")
ROLL_MATRIX = drill_id("aging-roll-matrix")
VINTAGE_30 = drill_id("aging-vintage-30")
VINTAGE_90 = drill_id("aging-vintage-90")
CURE_TREND = drill_id("aging-cure-trend")


def layout(**query: str) -> dash.html.Div:
    return render(PATH, "page.aging", query, body)


def body(view: View) -> list:
    lang = view.lang
    drillable = {"hint_key": "hint.drill"}
    points = {"hint_key": "hint.drill_point"}
    return [
        dash.html.Div(
            [
                chart_panel(AGING_LOANS, "chart.aging_loans", lang, **drillable),
                chart_panel(AGING_BALANCE, "chart.aging_balance", lang, **drillable),
                chart_panel(CLASSIFICATION, "chart.classification", lang, **drillable),
                chart_panel(ROLL_MATRIX, "chart.roll_matrix", lang, **drillable),
                chart_panel(VINTAGE_30, "chart.vintage_30", lang, **points),
                chart_panel(VINTAGE_90, "chart.vintage_90", lang, **points),
                chart_panel(CURE_TREND, "chart.cure_trend", lang, wide=True, **points),
            ],
            className="grid-2",
        )
    ]


def cure_figure(view: View) -> go.Figure:
    monthly = data.monthly(cure_rate, view.filters, data.measure(dimensions.periods))
    return figures.cure_trend(monthly, view.lang)


figure_callback(
    AGING_LOANS,
    lambda v: figures.aging_trend(
        data.measure(aging_trend, v.filters), v.lang, value="count_loans"
    ),
)
figure_callback(
    AGING_BALANCE,
    lambda v: figures.aging_trend(
        data.measure(aging_trend, v.filters), v.lang, value="outstanding"
    ),
)
figure_callback(
    CLASSIFICATION,
    lambda v: figures.classification(data.measure(classification, v.filters), v.lang),
)
figure_callback(
    ROLL_MATRIX, lambda v: figures.roll_matrix(data.measure(roll_rates, v.filters), v.lang)
)
figure_callback(CURE_TREND, cure_figure)
figure_callback(
    VINTAGE_30,
    lambda v: figures.vintage_curves(
        data.measure(vintage_curves, v.filters), v.lang, share="share_30_plus"
    ),
)
figure_callback(
    VINTAGE_90,
    lambda v: figures.vintage_curves(
        data.measure(vintage_curves, v.filters), v.lang, share="share_90_plus"
    ),
)
drill.register("aging-loans", "aging_bucket", ("period", "bucket"))
drill.register("aging-balance", "aging_bucket", ("period", "bucket"))
drill.register("aging-classification", "tier", ("tier",))
drill.register("aging-roll-matrix", "roll", ("source", "target"), fields=("y", "x"))
drill.register("aging-cure-trend", "cured", ("period",))
drill.register("aging-vintage-30", "vintage", ("vintage", "months_on_book"), min_days="30")
drill.register("aging-vintage-90", "vintage", ("vintage", "months_on_book"), min_days="90")
