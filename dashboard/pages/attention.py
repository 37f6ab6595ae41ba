"""Cases needing attention: 90+ days past due without a recent action, 180+ never worked,
and the limitation watch list (claims nearing the three-year limitation period)."""

import dash
import polars as pl

from dashboard import data
from dashboard.components.frame import render
from dashboard.components.tables import table_callback, table_panel
from dashboard.view import View
from queries.attention import limitation_watch, never_worked, stale_cases

PATH = "/attention"
dash.register_page(__name__, path=PATH, name="Attention", order=6, nav_key="nav.attention")


def layout(**query: str) -> dash.html.Div:
    return render(PATH, "page.attention", query, body)


def body(view: View) -> list:
    lang = view.lang
    return [
        table_panel("attention-stale", "table.stale", lang, height=360),
        table_panel("attention-never", "table.never_worked", lang, height=360),
        table_panel("attention-limitation", "table.limitation", lang, height=360),
    ]


def stale(view: View) -> pl.DataFrame:
    return data.with_names(stale_cases, view.filters)


def never(view: View) -> pl.DataFrame:
    return data.with_names(never_worked, view.filters)


def limitation(view: View) -> pl.DataFrame:
    watch_months = data.settings().limitation_watch_months
    return data.with_names(limitation_watch, view.filters, watch_months=watch_months)


table_callback("attention-stale", stale)
table_callback("attention-never", never)
table_callback("attention-limitation", limitation)
