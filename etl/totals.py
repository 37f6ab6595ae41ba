"""Totals and subtotal rows (合计, 总计, 小计, Total …) that exports add to their tables.
They are not records: they are taken out of `raw` before staging and counted apart, never
rejected."""

import dataclasses

import duckdb

from etl.contract import ColumnType, FileKind
from etl.headers import MappedColumn
from etl.readers import ReadResult, quote_identifier
from recovery.database import scalar

TOTALS_WORDS = ("合计", "总计", "小计", "共计", "total", "totals", "subtotal", "grandtotal")


def _bare(cell: str) -> str:
    """The cell's text without spaces (also full-width ones) and colons, in lower case."""
    return f"lower(regexp_replace(coalesce({cell}, ''), '[\\s\u3000:：]', '', 'g'))"


def drop_totals_rows(
    con: duckdb.DuckDBPyConnection, kind: FileKind, read: ReadResult, mapped: list[MappedColumn]
) -> tuple[ReadResult, int]:
    """Rows of `raw` with a totals word in a cell and no id of their own (each required
    text column blank or a totals word) are removed; the read (its rows now number their
    lines themselves) and how many were removed."""
    words = ", ".join(f"'{word}'" for word in TOTALS_WORDS)
    cells = [quote_identifier(h) for h in read.headers]
    ids = [
        quote_identifier(m.header)
        for m in mapped
        if kind.column(m.column).required and kind.column(m.column).type is ColumnType.TEXT
    ]
    if not cells or not ids:
        return read, 0
    is_totals = (
        "(" + " or ".join(f"{_bare(c)} in ({words})" for c in cells) + ") and "
        + " and ".join(f"({_bare(c)} = '' or {_bare(c)} in ({words}))" for c in ids)
    )  # fmt: skip
    if not scalar(con, f"select count(*) from raw where {is_totals}"):
        return read, 0
    if read.line_sql != "raw.source_line":  # number the lines before rows are removed
        con.execute(
            f"create or replace temp table raw as select *, {read.line_sql} as source_line from raw"
        )
        read = dataclasses.replace(read, line_sql="raw.source_line")
    removed = scalar(con, f"delete from raw where {is_totals}")
    return read, removed
