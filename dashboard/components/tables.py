"""Tables a person reads: AG Grid, sortable, with values in the reader's language and
numbers formatted as the page formats them."""

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

import dash_ag_grid as dag
import polars as pl
from dash import Input, Output, callback, html

from dashboard.components.unavailable import UNAVAILABLE, unavailable_text
from dashboard.formatting import count
from dashboard.i18n import t, value_label
from dashboard.view import View
from queries.common import shown_and_total

MONEY = {
    "outstanding_balance", "overdue_amount", "outstanding_before", "outstanding_after",
    "placed", "recovered", "cost", "promised_amount", "paid_amount", "overdue_before",
    "principal", "paid", "expected_recovered", "commission",
}  # fmt: skip
RATES = {"recovery_rate", "effective_contact_rate", "kept_rate", "quota_share",
         "case_cure_rate", "commission_rate"}  # fmt: skip
DECIMALS = {"cost_per_100_recovered", "recovery_index"}
# Columns whose values the catalogue translates, and under which group.
TRANSLATED = {
    "classification": "tier",
    "method": "method",
    "to_state": "bucket",
    "bucket_at_placement": "bucket",
    "bucket": "bucket",
    "verdict": "verdict",
    "reachability": "reach",
    "outcome": "outcome",
    "invalid_reason": "reason",
    "relation": "relation",
    "contact_relation": "relation",
    "number_type": "number_type",
    "loan_status": "loan_status",
}

# Longer lists are cut here, and the table says how many rows there are in all.
TABLE_ROW_LIMIT = 5000

# Columns read whole (18-digit loan numbers, times, team names), in pixels.
WIDE = {"loan_id": 200, "action_id": 200, "customer_id": 140, "team": 140,
        "last_action_at": 170, "loan_ids": 220, "last_called_at": 170, "action_at": 170,
        "method": 140}  # fmt: skip

MONEY_WIDTH = 165
DATE_WIDTH = 120

NULL_OR = "params.value == null ? '—' : "
FORMATTERS = {
    "money": NULL_OR + "d3.format(',.2f')(params.value)",
    "rate": NULL_OR + "d3.format('.1%')(params.value)",
    "decimal": NULL_OR + "d3.format(',.2f')(params.value)",
    "count": NULL_OR + "d3.format(',')(params.value)",
}

# A rate or an index shown with its 95 % interval beside it, 12.4% (0–29%) or
# 2.21 (1.50–2.91), when the row carries the interval's ends (columns kept hidden); the
# column still sorts by the value.
INTERVALS = {
    # column: (low, high, the value's format, the ends' format (of {x}), after the ends)
    "recovery_rate": ("rate_low", "rate_high", "d3.format('.1%')", "d3.format('.0f')({x} * 100)",
                      "%"),
    "recovery_index": ("index_low", "index_high", "d3.format('.2f')", "d3.format('.2f')({x})", ""),
}  # fmt: skip
INTERVAL_WIDTH = {"recovery_rate": 165, "recovery_index": 150}  # 100.0% (100–100%)
COUNT_WIDTH = 72


def _with_interval(column: str) -> str:
    low, high, value, end, unit = INTERVALS[column]
    low, high = f"params.data.{low}", f"params.data.{high}"
    ends = f"{end.format(x=low)} + '–' + {end.format(x=high)}"
    bounds = f"{low} == null || {high} == null ? '' : ' (' + {ends} + '{unit})'"
    return NULL_OR + f"{value}(params.value) + ({bounds})"


def _kind(column: str, dtype: pl.DataType) -> str | None:
    if column in MONEY:
        return "money"
    if column in RATES:
        return "rate"
    if column in DECIMALS:
        return "decimal"
    if column.startswith("count_") or (dtype.is_integer() and not column.endswith("_id")):
        return "count"
    return None


def column_defs(frame: pl.DataFrame, lang: str) -> list[dict]:
    defs = []
    shown_with = {
        c for c, (low, high, *_) in INTERVALS.items() if {low, high} <= set(frame.columns)
    }
    hidden = {end for c in shown_with for end in INTERVALS[c][:2]}
    for column, dtype in frame.schema.items():
        kind = _kind(column, dtype)
        definition: dict = {"field": column, "headerName": t(f"col.{column}", lang)}
        if column in hidden:
            definition["hide"] = True
        if column in shown_with:
            definition["headerName"] = t(f"col.{column}_interval", lang)
            definition["minWidth"] = INTERVAL_WIDTH[column]
            definition["type"] = "numericColumn"
            definition["valueFormatter"] = {"function": _with_interval(column)}
            defs.append(definition)
            continue
        if column in WIDE:
            definition["minWidth"] = WIDE[column]
        elif kind == "money":  # a billion to the cent, 2,380,460,012.35, read whole
            definition["minWidth"] = MONEY_WIDTH
        elif dtype == pl.Date:  # 2026-10-31
            definition["minWidth"] = DATE_WIDTH
        elif kind == "count":
            definition["minWidth"] = COUNT_WIDTH
        if kind:
            definition["type"] = "numericColumn"
            definition["valueFormatter"] = {"function": FORMATTERS[kind]}
        defs.append(definition)
    return defs


def _cell(column: str, value: object, lang: str) -> object:
    if value is None:
        return None
    if column in TRANSLATED:
        return value_label(TRANSLATED[column], value, lang)
    if isinstance(value, bool):
        return t("value.yes" if value else "value.no", lang)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


def grid_rows(frame: pl.DataFrame, lang: str) -> list[dict]:
    return [
        {column: _cell(column, value, lang) for column, value in row.items()}
        for row in frame.iter_rows(named=True)
    ]


def grid(grid_id: str, lang: str, *, height: int = 420, fit: bool = True) -> dag.AgGrid:
    """A sortable grid; `fit` spreads the columns over the width, else each column is as
    wide as its content (for wide tables, which then scroll sideways)."""
    return dag.AgGrid(
        id=grid_id,
        rowData=[],
        columnDefs=[],
        defaultColDef={
            "sortable": True,
            "resizable": True,
            "minWidth": 100,
            "wrapHeaderText": True,
            "autoHeaderHeight": True,
            "valueFormatter": {"function": NULL_OR + "params.value"},
        },
        columnSize="responsiveSizeToFit" if fit else "autoSize",
        dashGridOptions={
            "localeText": {"noRowsToShow": t("empty.table", lang)},
            "animateRows": False,
            "suppressColumnVirtualisation": True,
            "rowHeight": 30,
            "headerHeight": 34,
        },
        className="ag-theme-quartz grid",
        style={"height": f"{height}px", "width": "100%"},
    )


def table_panel(
    grid_id: str,
    title_key: str,
    lang: str,
    *,
    height: int = 420,
    title_values: dict[str, object] | None = None,
    hint_key: str | None = None,
) -> html.Section:
    hint = [html.Span(t(hint_key, lang), className="hint")] if hint_key else []
    return html.Section(
        [
            html.Header(
                [
                    html.H2(t(title_key, lang, **(title_values or {}))),
                    html.Span(id=f"{grid_id}-count", className="hint"),
                    *hint,
                ],
                className="panel-head",
            ),
            grid(grid_id, lang, height=height),
        ],
        className="panel",
    )


def rows_note(shown: int, total: int, lang: str) -> str:
    if total > shown:
        return t("table.rows_capped", lang, total=count(total), count=count(shown))
    if shown == 1:
        return t("table.one_row", lang)
    return t("table.rows", lang, count=count(shown))


def table_callback(grid_id: str, build: Callable[[View], pl.DataFrame]) -> Callable:
    """Fills a table panel's grid from the page's view whenever the view changes."""

    @callback(
        Output(grid_id, "rowData"),
        Output(grid_id, "columnDefs"),
        Output(f"{grid_id}-count", "children"),
        Input("view", "data"),
    )
    def update(data: dict) -> tuple[list[dict], list[dict], str]:
        return table_for(build, data)

    return update


def table_for(build: Callable[[View], pl.DataFrame], data: dict) -> tuple:
    view = View.from_data(data)
    try:
        frame = build(view)
    except UNAVAILABLE as error:
        return [], [], unavailable_text(error, view.lang)
    shown, total = shown_and_total(frame)
    return (
        grid_rows(shown, view.lang),
        column_defs(shown, view.lang),
        rows_note(len(shown), total, view.lang),
    )
