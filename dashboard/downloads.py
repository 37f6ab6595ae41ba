"""CSV and XLSX files of exactly the table a person sees, safe to open in a spreadsheet.

A spreadsheet runs a cell that starts with = + - @ as a formula, also after leading white
space (a line feed, a space, a tab), and may take a cell that starts with a tab or carriage
return as one, so such text cells are written with a leading single quote."""

import csv
import io
from collections.abc import Sequence

import xlsxwriter

FORMULA_STARTS = ("=", "+", "-", "@")
CONTROL_STARTS = ("\t", "\r")


def neutralised(value: object) -> object:
    """Text that a spreadsheet would run as a formula, made inert; anything else as is."""
    if isinstance(value, str) and (
        value.lstrip().startswith(FORMULA_STARTS) or value.startswith(CONTROL_STARTS)
    ):
        return "'" + value
    return value


def table_rows(rows: Sequence[dict], columns: Sequence[tuple[str, str]]) -> list[list[object]]:
    """The header (column labels) and the rows in the columns' order, neutralised."""
    header = [neutralised(label) for _, label in columns]
    body = [[neutralised(row.get(field)) for field, _ in columns] for row in rows]
    return [header, *body]


def csv_bytes(rows: Sequence[dict], columns: Sequence[tuple[str, str]]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheets read Chinese text right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in table_rows(rows, columns):
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(rows: Sequence[dict], columns: Sequence[tuple[str, str]], sheet: str) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    worksheet = workbook.add_worksheet(sheet[:31])
    bold = workbook.add_format({"bold": True})
    for r, row in enumerate(table_rows(rows, columns)):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                worksheet.write_string(r, c, str(value), bold if r == 0 else None)
            else:
                worksheet.write_number(r, c, value)
    worksheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()
