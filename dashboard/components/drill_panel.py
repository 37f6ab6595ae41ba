"""The drill-down panel: a click on a bar, a cell or a table row opens the table of loans
behind it, with CSV and XLSX downloads of exactly the rows and columns shown, each recorded in the
audit log."""

import logging
from collections.abc import Callable

from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from dashboard import access, data, downloads
from dashboard.components.tables import column_defs, grid, grid_rows, rows_note
from dashboard.drill import drill_frame, drill_title, file_name, spec_from_click, spec_from_row
from dashboard.i18n import t
from dashboard.view import View
from queries.common import shown_and_total
from recovery.audit import AuditError, filters_detail

log = logging.getLogger(__name__)

SOURCE = {"type": "drill-source", "chart": ALL}


def drill_panel(lang: str) -> html.Div:
    return html.Div(
        [
            html.Div(
                [
                    html.H2(id="drill-title"),
                    html.Span(id="drill-count", className="hint"),
                    html.Button(t("drill.csv", lang), id="drill-csv", className="button"),
                    html.Button(t("drill.xlsx", lang), id="drill-xlsx", className="button"),
                    html.Button(t("drill.close", lang), id="drill-close", className="button"),
                ],
                className="drill-head",
            ),
            dcc.Loading(
                grid("drill-grid", lang, height=360, fit=False), type="dot", delay_show=150
            ),
            dcc.Download(id="drill-download"),
            dcc.Store(id="drill-spec"),
        ],
        id="drill-panel",
        className="drill-panel",
        hidden=True,
    )


@callback(
    Output("drill-spec", "data"),
    Input(SOURCE, "clickData"),
    prevent_initial_call=True,
)
def on_click(clicks: list) -> dict:
    triggered = ctx.triggered_id
    if not isinstance(triggered, dict):
        return no_update
    click = next((c["value"] for c in ctx.inputs_list[0] if c["id"] == triggered), None)
    spec = spec_from_click(triggered["chart"], click)
    return spec if spec is not None else no_update


def row_drill(grid_id: str) -> Callable:
    """A click on a row of the grid `grid_id` opens the list registered for it
    (`drill.register` with the row's columns as `fields`)."""

    @callback(
        Output("drill-spec", "data", allow_duplicate=True),
        Input(grid_id, "cellClicked"),
        State(grid_id, "virtualRowData"),
        prevent_initial_call=True,
    )
    def on_row_click(cell: dict | None, rows: list | None) -> dict:
        spec = spec_from_row(grid_id, cell, rows)
        return spec if spec is not None else no_update

    return on_row_click


@callback(
    Output("drill-panel", "hidden"),
    Output("drill-title", "children"),
    Output("drill-count", "children"),
    Output("drill-grid", "rowData"),
    Output("drill-grid", "columnDefs"),
    Input("drill-spec", "data"),
    State("view", "data"),
    prevent_initial_call=True,
)
def open_drill(spec: dict | None, view_data: dict) -> tuple:
    if not spec:
        return True, "", "", [], []
    view = View.from_data(view_data)
    frame = drill_frame(spec, view)
    shown, total = shown_and_total(frame)
    return (
        False,
        drill_title(spec, view.lang),
        rows_note(len(shown), total, view.lang),
        grid_rows(shown, view.lang),
        column_defs(shown, view.lang),
    )


@callback(
    Output("drill-panel", "hidden", allow_duplicate=True),
    Input("drill-close", "n_clicks"),
    prevent_initial_call=True,
)
def close_drill(_clicks: int) -> bool:
    return True


@callback(
    Output("drill-download", "data"),
    Output("drill-count", "children", allow_duplicate=True),
    Input("drill-csv", "n_clicks"),
    Input("drill-xlsx", "n_clicks"),
    State("drill-grid", "virtualRowData"),
    State("drill-grid", "columnDefs"),
    State("drill-spec", "data"),
    State("view", "data"),
    prevent_initial_call=True,
)
def download(
    _csv: int, _xlsx: int, rows: list | None, defs: list, spec: dict, view_data: dict
) -> tuple:
    """The rows as the grid shows them (its sort order), in its columns, with its labels;
    recorded in the audit log first (no record, no file)."""
    if not spec or not defs:
        return no_update, no_update
    view = View.from_data(view_data)
    extension = "xlsx" if ctx.triggered_id == "drill-xlsx" else "csv"
    name, rows = file_name(spec, extension), rows or []
    try:
        access.record(data.settings(), "download", format=extension, file=name, drill=spec,
                      filters=filters_detail(view.filters), rows=len(rows))  # fmt: skip
    except AuditError:
        log.exception("download of %s refused", name)
        return no_update, t("download.unaudited", view.lang)
    columns = [(d["field"], d["headerName"]) for d in defs]
    if extension == "xlsx":
        content = downloads.xlsx_bytes(rows, columns, sheet=spec["kind"])
    else:
        content = downloads.csv_bytes(rows, columns)
    return dcc.send_bytes(content, name), no_update
