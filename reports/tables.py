"""Tables of a report from a measure's DataFrame: which columns, under which label, in
which format. Long lists are cut at a limit, with a note saying how many rows there were."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import polars as pl

from dashboard import formatting
from dashboard.i18n import value_label
from queries.common import shown_and_total
from reports.blocks import Column, Table
from reports.i18n import t

Format = Callable[[object, str], str]


def text(value: object, lang: str) -> str:
    return formatting.NO_VALUE if value is None else str(value)


def exact_money(value: object, lang: str) -> str:
    return formatting.exact_amount(value)


def money(value: object, lang: str) -> str:
    return formatting.amount(value, lang)


def whole(value: object, lang: str) -> str:
    return formatting.count(None if value is None else int(value))


def share(value: object, lang: str) -> str:
    return formatting.rate(value)


def share_2(value: object, lang: str) -> str:
    return formatting.rate(value, 2)


def day(value: object, lang: str) -> str:
    return formatting.day(value)


def moment(value: object, lang: str) -> str:
    return formatting.moment(value)


def index(value: object, lang: str) -> str:
    return formatting.index(value)


def per_100(value: object, lang: str) -> str:
    return formatting.NO_VALUE if value is None else f"{value:,.2f}"


def label_of(group: str) -> Format:
    """A value the catalogue translates (a method, a bucket, a tier, a reason)."""
    return lambda value, lang: value_label(group, value, lang)


@dataclass(frozen=True)
class Field:
    column: str
    label_key: str
    format: Format = text
    is_numeric: bool = False


def money_field(column: str, label_key: str) -> Field:
    return Field(column, label_key, exact_money, True)


def count_field(column: str, label_key: str) -> Field:
    return Field(column, label_key, whole, True)


def rate_field(column: str, label_key: str) -> Field:
    return Field(column, label_key, share, True)


def frame_table(
    frame: pl.DataFrame,
    fields: Sequence[Field],
    lang: str,
    *,
    title: str | None = None,
    limit: int | None = None,
) -> Table:
    """`frame`'s first `limit` rows (all without one) as a table, with a note of the whole
    list's length when it shows fewer (`count_total` when `frame` holds only the first
    rows of a list: queries.common.shown_and_total)."""
    rows_of_list, whole = shown_and_total(frame)
    shown = rows_of_list if limit is None else rows_of_list.head(limit)
    rows = tuple(
        tuple(f.format(row[f.column], lang) for f in fields) for row in shown.iter_rows(named=True)
    )
    note = None
    if whole > len(shown):
        note = t("table.rows_capped", lang, total=formatting.count(whole), count=len(shown))
    return Table(
        title,
        tuple(Column(t(f.label_key, lang), f.is_numeric) for f in fields),
        rows,
        note,
        t("empty.table", lang),
    )
