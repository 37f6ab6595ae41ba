"""Promises: made, kept, partly kept and broken month by month, the period's promise
figures, and the customers who broke promises again and again."""

import dash
import plotly.graph_objects as go
import polars as pl

from dashboard import data, drill
from dashboard.components.charts import chart_panel, drill_id, figure_callback
from dashboard.components.frame import render
from dashboard.components.stats import stat_row, stats_callback
from dashboard.components.tables import table_callback, table_panel
from dashboard.figures.promises import promise_outcomes
from dashboard.formatting import rate
from dashboard.view import View
from queries import dimensions
from queries.promises import promise_summary, promise_trend, repeat_promise_breakers

PATH = "/promises"
dash.register_page(__name__, path=PATH, name="Promises", order=5, nav_key="nav.promises")

OUTCOMES = drill_id("promises-outcomes")
STATS = ("ptp_rate", "kept_rate")


def layout(**query: str) -> dash.html.Div:
    return render(PATH, "page.promises", query, body)


def body(view: View) -> list:
    lang = view.lang
    return [
        stat_row("promises", STATS, lang),
        chart_panel(OUTCOMES, "chart.promise_outcomes", lang, hint_key="hint.drill"),
        table_panel("promises-breakers", "table.repeat_breakers", lang, height=380),
    ]


def stats(view: View) -> dict[str, str]:
    summary = data.measure(promise_summary, view.filters).row(0, named=True)
    return {"ptp_rate": rate(summary["ptp_rate"]), "kept_rate": rate(summary["kept_rate"])}


def outcomes_figure(view: View) -> go.Figure:
    trend = data.measure(promise_trend, view.filters)
    available = data.measure(dimensions.periods)
    return promise_outcomes(trend.filter(pl.col("period").is_in(available)), view.lang)


def breakers(view: View) -> pl.DataFrame:
    return data.with_names(repeat_promise_breakers, view.filters)


stats_callback("promises", STATS, stats)
figure_callback(OUTCOMES, outcomes_figure)
table_callback("promises-breakers", breakers)
drill.register("promises-outcomes", "promises", ("period", "verdict"))
