"""The attribution window as a control: how many days before a payment its last action
may be to earn it. Kept in the URL like the filters (`window=30`)."""

from dash import Input, Output, State, callback, dcc, html, no_update

from dashboard.components.filter_bar import LOCATION, dropdown_labels
from dashboard.i18n import t
from dashboard.view import WINDOW_CHOICES, View


def window_control(view: View) -> html.Div:
    choices = sorted({*WINDOW_CHOICES, view.window_days})
    return html.Div(
        html.Label(
            [
                html.Span(t("filter.window", view.lang), className="filter-label"),
                dcc.Dropdown(
                    id="window-days",
                    options=[
                        {"label": t("filter.window_days", view.lang, days=d), "value": d}
                        for d in choices
                    ],
                    value=view.window_days,
                    clearable=False,
                    searchable=False,
                    labels=dropdown_labels(view.lang),
                ),
            ],
            className="filter",
            title=t("filter.window_help", view.lang),
        ),
        className="controls",
    )


@callback(
    Output(LOCATION, "search", allow_duplicate=True),
    Input("window-days", "value"),
    State("view", "data"),
    prevent_initial_call=True,
)
def on_window_change(days: int | None, view_data: dict) -> str:
    view = View.from_data(view_data)
    if not days or days == view.window_days:
        return no_update
    return view.search(window=days)
