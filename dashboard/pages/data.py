"""Data page: load history, rejected rows (masked) and data freshness per file kind.

The loads' counts (files, rows loaded and rejected, each file's history) are the whole
book's, from every team's files: only a viewer who sees every team gets them, as in the
executive PDF. Others see how fresh each kind of file is, and a note saying why."""

from datetime import datetime
from decimal import Decimal

import dash
import polars as pl
from dash import html

from dashboard import data
from dashboard.components.frame import no_database, page_frame, view_from_query
from dashboard.components.unavailable import unavailable_text
from dashboard.i18n import language, t
from dashboard.view import View
from etl.staging import DETAIL_SEPARATOR
from queries.data_status import count_rejected_rows, freshness, load_history, rejected_rows

PATH = "/data"
dash.register_page(__name__, path=PATH, name="Data", order=7, nav_key="nav.data")

TRANSLATED_VALUES = {"kind": "kind", "status": "status"}
# What a viewer limited to some teams sees of the freshness: dates, no counts.
FRESHNESS_DATES = ("kind", "latest_data_on", "last_loaded_at")


def frame_table(frame: pl.DataFrame, lang: str, table_id: str) -> html.Table:
    if frame.is_empty():
        return html.P(t("data.none", lang), className="empty", id=table_id)
    header = html.Tr([html.Th(t(f"col.{c}", lang)) for c in frame.columns])
    rows = [
        html.Tr([html.Td(_cell(column, value, lang)) for column, value in row.items()])
        for row in frame.iter_rows(named=True)
    ]
    return html.Table([html.Thead(header), html.Tbody(rows)], id=table_id, className="table")


def _cell(column: str, value: object, lang: str) -> str:
    if value is None:
        return "—"
    if column in TRANSLATED_VALUES:
        return t(f"{TRANSLATED_VALUES[column]}.{value}", lang)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, int | Decimal) and column != "load_id":
        return f"{value:,}"
    return str(value)


def translated_rejects(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Reasons in the page's language, filled with the (already masked) value and the
    detail (in two parts for an overlapping case: its id, and where it is)."""
    reasons = []
    for row in frame.iter_rows(named=True):
        detail, _, where = (row["reason_detail"] or "").partition(DETAIL_SEPARATOR)
        reasons.append(
            t(
                f"reject.{row['reason_code']}",
                lang,
                value=row["value"] or "",
                detail=detail,
                where=where,
                column=row["column_name"] or "",
            )
        )
    return frame.with_columns(pl.Series("reason", reasons, dtype=pl.String)).drop(
        "reason_code", "reason_detail"
    )


def layout(**query: str) -> html.Div:
    view = view_from_query(query)
    if view is None:
        return no_database(language(str(query.get("lang"))))
    return page_frame(PATH, view, "data.title", body(view), with_filters=False)


def body(view: View) -> list:
    lang = view.lang
    history = data.load_records(load_history)
    if history.is_empty():
        return [html.P(t("data.empty", lang), className="empty", id="data-empty")]
    stale = data.stale_models()
    note = [html.P(unavailable_text(stale, lang), className="empty", id="stale-models")]
    if view.filters.allowed_teams is not None:
        shown = limited_status(lang)
    else:
        shown = [*status(lang, history), rejected(view)]
    return (note if stale else []) + shown


def limited_status(lang: str) -> list:
    """For a viewer who does not see every team: the freshness dates only."""
    dates = data.load_records(freshness).select(FRESHNESS_DATES)
    return [
        html.Section(
            [
                html.H2(t("data.freshness", lang)),
                frame_table(dates, lang, "data-freshness"),
                html.P(t("data.book_hidden", lang), className="empty", id="data-book-hidden"),
            ],
            className="panel",
        ),
        html.Section(
            [
                html.H2(t("data.rejects", lang)),
                html.P(t("data.rejects_hidden", lang), className="empty", id="data-rejects"),
            ],
            className="panel",
        ),
    ]


def status(lang: str, history: pl.DataFrame) -> list:
    return [
        html.Section(
            [
                html.H2(t("data.freshness", lang)),
                frame_table(data.load_records(freshness), lang, "data-freshness"),
            ],
            className="panel",
        ),
        html.Section(
            [html.H2(t("data.history", lang)), frame_table(history, lang, "data-history")],
            className="panel",
        ),
    ]


def rejected(view: View) -> html.Section:
    """Rejected rows come from every team's files (shown only to those who see them all)."""
    lang = view.lang
    rejects = data.load_records(rejected_rows, limit=200)
    total = data.load_records(count_rejected_rows)
    return html.Section(
        [
            html.H2(t("data.rejects", lang)),
            html.P(t("data.rejects_total", lang, count=f"{total:,}")),
            frame_table(translated_rejects(rejects, lang), lang, "data-rejects"),
        ],
        className="panel",
    )
