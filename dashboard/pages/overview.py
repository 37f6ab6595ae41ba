"""Overview: the period's KPI cards with their change and 12-month sparkline, and what
was recovered by month (on loans in collection) beside all that was repaid."""

import dash
import plotly.graph_objects as go

from dashboard import data
from dashboard.components.cards import kpi_callback, kpi_row
from dashboard.components.charts import chart_panel, figure_callback
from dashboard.components.frame import render
from dashboard.figures.portfolio import recovered_trend
from dashboard.kpis import KPIS
from dashboard.view import View
from queries import dimensions
from queries.recovery import recovered

PATH = "/"
dash.register_page(__name__, path=PATH, name="Overview", order=0, nav_key="nav.overview")


def layout(**query: str) -> dash.html.Div:
    return render(PATH, "page.overview", query, body)


def body(view: View) -> list:
    return [
        kpi_row("overview", tuple(kpi.name for kpi in KPIS), view.lang),
        chart_panel("overview-recovered-trend", "chart.recovered_trend", view.lang),
    ]


def recovered_figure(view: View) -> go.Figure:
    monthly = data.monthly(
        recovered, view.filters, data.measure(dimensions.periods), window_days=view.window_days
    )
    return recovered_trend(monthly, view.lang)


KPI_CALLBACKS = {kpi.name: kpi_callback("overview", kpi.name) for kpi in KPIS}
figure_callback("overview-recovered-trend", recovered_figure)
