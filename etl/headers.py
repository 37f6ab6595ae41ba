"""Mapping a file's headers to the contract's canonical column names.

A header matches a column when, normalised (case, spaces, full-width brackets), it equals
the column's canonical name, one of its contract aliases, or one the user added under
`header_aliases` in the config. A unit in brackets, `贷款余额(万元)`, is taken off the name
and turns into a scale factor for the amount.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from etl.contract import ColumnType, FileKind
from etl.errors import AmbiguousHeader, MissingColumn

UNIT_SCALES = {"万元": 10000, "元": 1, "万": 10000}
_UNIT = re.compile(r"[(\[]\s*(万元|元|万)\s*[)\]]\s*$")


@dataclass(frozen=True)
class MappedColumn:
    column: str  # canonical name
    header: str  # the header as written in the file
    scale: int = 1  # multiply amounts by this (10000 for 万元)


def normalise(header: str) -> str:
    text = unicodedata.normalize("NFKC", header).replace("\ufeff", "")
    return re.sub(r"\s+", "", text).lower()


def split_unit(header: str) -> tuple[str, int]:
    text = normalise(header)
    match = _UNIT.search(text)
    if match is None:
        return text, 1
    return text[: match.start()], UNIT_SCALES[match.group(1)]


def accepted_headers(kind: FileKind, extra: dict[str, list[str]]) -> dict[str, str]:
    """Normalised header → canonical column, for one file kind."""
    accepted: dict[str, str] = {}
    for column in kind.columns:
        for name in (column.name, *column.aliases, *extra.get(column.name, [])):
            accepted[normalise(name)] = column.name
    return accepted


def names_required_columns(
    kind: FileKind, extra: dict[str, list[str]]
) -> Callable[[list[str]], bool]:
    """A test of a row of cells: does it name every required column of `kind` (the
    header), through the contract's aliases or the config's?"""
    accepted = accepted_headers(kind, extra)
    required = {column.name for column in kind.columns if column.required}

    def is_header(cells: list[str]) -> bool:
        named = {accepted.get(split_unit(cell)[0]) for cell in cells if cell}
        return required <= named

    return is_header


def map_headers(
    file_name: str,
    kind: FileKind,
    headers: list[str],
    extra: dict[str, list[str]],
    searched: str = "",
) -> list[MappedColumn]:
    """The file's headers mapped to the contract's columns; `searched` says where the
    header was looked for, for the message when a required column is missing."""
    accepted = accepted_headers(kind, extra)
    mapped: dict[str, MappedColumn] = {}
    for header in headers:
        name, scale = split_unit(header)
        column = accepted.get(name)
        if column is None:
            continue
        if column in mapped:
            raise AmbiguousHeader(
                file_name,
                f"headers {mapped[column].header!r} and {header!r} both mean column "
                f"'{column}'; keep one or rename the other in header_aliases",
                column,
            )
        if scale != 1 and kind.column(column).type is not ColumnType.MONEY:
            scale = 1
        mapped[column] = MappedColumn(column, header, scale)
    for column in kind.columns:
        if column.required and column.name not in mapped:
            expected = ", ".join((column.name, *column.aliases, *extra.get(column.name, [])))
            raise MissingColumn(
                file_name,
                f"required column '{column.name}' is missing (expected a header named one "
                f"of: {expected}; found: {', '.join(headers) or 'no headers'}){searched}",
                column.name,
            )
    return list(mapped.values())
