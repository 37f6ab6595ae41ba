"""A chart panel: a title, a loading indicator and the graph a callback fills."""

from collections.abc import Callable

import plotly.graph_objects as go
from dash import Input, Output, callback, dcc, html

from dashboard.components.unavailable import UNAVAILABLE, unavailable_text
from dashboard.figures.common import empty_figure
from dashboard.i18n import t
from dashboard.view import View

# No mode bar and no drag-to-zoom: plotly writes their tooltips and notices in English
# only, and a click on a bar or cell is kept for the drill-down.
GRAPH_CONFIG = {"displayModeBar": False, "displaylogo": False, "scrollZoom": False}


def drill_id(chart: str) -> dict[str, str]:
    """The id of a graph whose bars or cells open the loans behind them."""
    return {"type": "drill-source", "chart": chart}


def chart_panel(
    graph_id: str | dict,
    title_key: str,
    lang: str,
    *,
    hint_key: str | None = None,
    wide: bool = False,
) -> html.Section:
    """`wide`: across both columns of a two-column grid."""
    hint = [html.Span(t(hint_key, lang), className="hint")] if hint_key else []
    return html.Section(
        [
            html.Header([html.H2(t(title_key, lang)), *hint], className="panel-head"),
            dcc.Loading(
                dcc.Graph(id=graph_id, config=GRAPH_CONFIG, className="graph"),
                type="dot",
                delay_show=150,
            ),
        ],
        className="panel wide" if wide else "panel",
    )


def figure_callback(graph_id: str | dict, build: Callable[[View], go.Figure]) -> Callable:
    """Fills a graph from the page's view whenever the view changes."""

    @callback(Output(graph_id, "figure"), Input("view", "data"))
    def update(data: dict) -> go.Figure:
        return figure_for(build, data)

    return update


def figure_for(build: Callable[[View], go.Figure], data: dict) -> go.Figure:
    view = View.from_data(data)
    try:
        return build(view)
    except UNAVAILABLE as error:
        return empty_figure(view.lang, text=unavailable_text(error, view.lang))
