"""Data page: load history, rejected rows (masked) and data freshness per file kind."""

from datetime import datetime
from decimal import Decimal

import dash
import polars as pl
from dash import dcc, html

from dashboard.i18n import language, t
from queries.data_status import count_rejected_rows, freshness, load_history, rejected_rows
from recovery.database import DatabaseMissing
from recovery.settings import get_settings

dash.register_page(__name__, path="/", name="Data")

TRANSLATED_VALUES = {"kind": "kind", "status": "status"}


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
    """Reasons in the page's language, filled with the (already masked) value."""
    reasons = [
        t(f"reject.{row['reason_code']}", lang, value=row["value"] or "",
          detail=row["reason_detail"] or "", column=row["column_name"] or "")
        for row in frame.iter_rows(named=True)
    ]  # fmt: skip
    return frame.with_columns(pl.Series("reason", reasons, dtype=pl.String)).drop(
        "reason_code", "reason_detail"
    )


def layout(lang: str | None = None, **_query: str) -> html.Div:
    lang = language(lang)
    other = "en" if lang == "zh" else "zh"
    top = html.Div(
        [
            html.H1(t("app.title", lang)),
            dcc.Link(t("lang.switch", lang), href=f"/?lang={other}", id="lang-switch"),
        ],
        className="top",
    )
    db = get_settings().db
    try:
        body = [
            html.H2(t("data.freshness", lang)),
            frame_table(freshness(db), lang, "data-freshness"),
            html.H2(t("data.history", lang)),
            frame_table(load_history(db), lang, "data-history"),
            html.H2(t("data.rejects", lang)),
            html.P(t("data.rejects_total", lang, count=f"{count_rejected_rows(db):,}")),
            frame_table(
                translated_rejects(rejected_rows(db, limit=200), lang), lang, "data-rejects"
            ),
        ]
    except DatabaseMissing:
        body = [html.P(t("data.empty", lang), className="empty", id="data-empty")]
    return html.Div([top, html.H1(t("data.title", lang)), *body], lang=lang)
