"""Contacts: customer reachability, the outcome mix of calls, invalid numbers on file by
reason, customers with no valid number, and the best time to call (hour × weekday). A
click on a status, a reason or an hour lists the customers, numbers or calls behind it."""

from collections.abc import Callable

import dash
import plotly.graph_objects as go

from dashboard import data, drill
from dashboard.components.charts import chart_panel, drill_id, figure_callback
from dashboard.components.frame import render
from dashboard.components.stats import stat_row, stats_callback
from dashboard.figures import contacts as figures
from dashboard.formatting import count, rate
from dashboard.view import View
from queries.call_outcomes import call_outcomes
from queries.contacts import (
    best_time_to_call,
    contact_summary,
    invalid_numbers_by_reason,
    invalid_numbers_summary,
    reachability,
)

PATH = "/contacts"
dash.register_page(__name__, path=PATH, name="Contacts", order=4, nav_key="nav.contacts")

REACHABILITY = drill_id("contacts-reachability")
INVALID = drill_id("contacts-invalid")
BEST_TIME = drill_id("contacts-best-time")
STATS = ("contact_rate", "effective_contact_rate", "invalid_numbers",
         "customers_without_valid_number")  # fmt: skip


def layout(**query: str) -> dash.html.Div:
    return render(PATH, "page.contacts", query, body)


def body(view: View) -> list:
    lang = view.lang
    drillable = {"hint_key": "hint.drill_contacts"}
    return [
        stat_row("contacts", STATS, lang),
        dash.html.Div(
            [
                chart_panel(REACHABILITY, "chart.reachability", lang, **drillable),
                chart_panel("contacts-outcomes", "chart.call_outcomes", lang),
                chart_panel(INVALID, "chart.invalid_reasons", lang, **drillable),
                chart_panel(BEST_TIME, "chart.best_time", lang, **drillable),
            ],
            className="grid-2",
        ),
    ]


def stats(view: View) -> dict[str, str]:
    calls = data.measure(contact_summary, view.filters).row(0, named=True)
    numbers = data.measure(invalid_numbers_summary, view.filters).row(0, named=True)
    return {
        "contact_rate": rate(calls["contact_rate"]),
        "effective_contact_rate": rate(calls["effective_contact_rate"]),
        "invalid_numbers": f"{count(numbers['count_invalid'])} / "
        f"{count(numbers['count_numbers_checked'])}",
        "customers_without_valid_number": count(numbers["count_customers_without_valid_number"]),
    }


def figure_of(measure: Callable, build: Callable) -> Callable[[View], go.Figure]:
    def figure(view: View) -> go.Figure:
        return build(data.measure(measure, view.filters), view.lang)

    return figure


stats_callback("contacts", STATS, stats)
figure_callback(REACHABILITY, figure_of(reachability, figures.reachability))
figure_callback("contacts-outcomes", figure_of(call_outcomes, figures.call_outcomes))
figure_callback(INVALID, figure_of(invalid_numbers_by_reason, figures.invalid_reasons))
figure_callback(BEST_TIME, figure_of(best_time_to_call, figures.best_time))
drill.register("contacts-reachability", "reachability", ("status",))
drill.register("contacts-invalid", "invalid_reason", ("reason",))
drill.register("contacts-best-time", "call_hour", ("weekday", "hour"), fields=("y", "x"))
