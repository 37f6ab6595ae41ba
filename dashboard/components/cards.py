"""KPI cards: the figure, its change against the previous month, a 12-month sparkline,
and the KPI's definition on hover."""

from collections.abc import Callable

from dash import Input, Output, callback, dcc, html

from dashboard.components.charts import GRAPH_CONFIG
from dashboard.components.unavailable import UNAVAILABLE
from dashboard.figures.common import empty_figure
from dashboard.figures.portfolio import sparkline
from dashboard.formatting import NO_VALUE
from dashboard.i18n import t
from dashboard.kpis import KPI_BY_NAME, kpi_figures
from dashboard.view import View

SPARKLINE_CONFIG = GRAPH_CONFIG
# Until the callback answers: no axes, nothing drawn.
SPARKLINE_PLACEHOLDER = {
    "data": [],
    "layout": {"height": 48, "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
               "xaxis": {"visible": False}, "yaxis": {"visible": False}},
}  # fmt: skip


def card_id(page: str, name: str, part: str) -> str:
    return f"{page}-kpi-{name}-{part}"


def kpi_card(page: str, name: str, lang: str) -> html.Div:
    definition = t(f"def.{name}", lang)
    return html.Div(
        [
            html.Div(
                [t(f"kpi.{name}", lang), html.Span("ⓘ", className="info")],
                className="kpi-label",
            ),
            dcc.Loading(
                html.Div(NO_VALUE, id=card_id(page, name, "value"), className="kpi-value"),
                type="dot",
                delay_show=150,
            ),
            html.Div(id=card_id(page, name, "change"), className="kpi-change"),
            dcc.Graph(
                id=card_id(page, name, "sparkline"),
                config=SPARKLINE_CONFIG,
                className="sparkline",
                figure=SPARKLINE_PLACEHOLDER,
            ),
        ],
        className="kpi-card",
        id=card_id(page, name, "card"),
        title=definition,
    )


def kpi_row(page: str, names: tuple[str, ...], lang: str) -> html.Div:
    return html.Div([kpi_card(page, n, lang) for n in names], className="kpi-row")


def kpi_callback(page: str, name: str) -> Callable:
    kpi = KPI_BY_NAME[name]

    @callback(
        Output(card_id(page, name, "value"), "children"),
        Output(card_id(page, name, "change"), "children"),
        Output(card_id(page, name, "change"), "className"),
        Output(card_id(page, name, "sparkline"), "figure"),
        Output(card_id(page, name, "card"), "title"),
        Input("view", "data"),
    )
    def update(data: dict) -> tuple:
        view = View.from_data(data)
        try:
            figures = kpi_figures(kpi, view)
        except UNAVAILABLE:
            return (NO_VALUE, "", "kpi-change", empty_figure(view.lang, height=48),
                    t(f"def.{name}", view.lang))  # fmt: skip
        return (
            figures.value,
            figures.change,
            f"kpi-change {figures.direction}",
            sparkline(figures.series, view.lang, is_money=kpi.is_money),
            figures.hover,
        )

    return update
