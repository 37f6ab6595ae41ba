"""Plain figure cards: a label with its definition on hover and the period's value."""

from collections.abc import Callable

from dash import Input, Output, callback, dcc, html

from dashboard.components.unavailable import UNAVAILABLE
from dashboard.formatting import NO_VALUE
from dashboard.i18n import t
from dashboard.view import View


def stat_id(page: str, name: str) -> str:
    return f"{page}-stat-{name}"


def stat_row(page: str, names: tuple[str, ...], lang: str) -> html.Div:
    cards = [
        html.Div(
            [
                html.Div(
                    [t(f"kpi.{name}", lang), html.Span("ⓘ", className="info")],
                    className="kpi-label",
                ),
                dcc.Loading(
                    html.Div(NO_VALUE, id=stat_id(page, name), className="kpi-value"),
                    type="dot",
                    delay_show=150,
                ),
            ],
            className="kpi-card stat-card",
            title=t(f"def.{name}", lang),
        )
        for name in names
    ]
    return html.Div(cards, className="kpi-row")


def stats_callback(
    page: str, names: tuple[str, ...], values: Callable[[View], dict[str, str]]
) -> Callable:
    """Fills a row of stat cards from `values(view)`: the shown text per name."""

    @callback(
        *(Output(stat_id(page, name), "children") for name in names),
        Input("view", "data"),
    )
    def update(data: dict) -> tuple[str, ...]:
        view = View.from_data(data)
        try:
            shown = values(view)
        except UNAVAILABLE:
            return tuple(NO_VALUE for _ in names)
        return tuple(shown[name] for name in names)

    return update
