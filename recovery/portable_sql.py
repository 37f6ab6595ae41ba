"""The summary tables' and the measures' SQL is written once, in DuckDB's dialect kept to a
subset that means the same on Spark, and transpiled for Spark by sqlglot at run time.

The subset (docs/scale.md): days between two dates as `date_diff('day', a, b)`, never
`b - a` (an interval on Spark); a month as `cast(date_trunc('month', x) as date)` where it
is compared or stored as a date; list parameters typed (`cast($teams as varchar[])`).
What sqlglot gets wrong is patched here: `isodow(x)` (Monday 1 to Sunday 7) becomes
`((dayofweek(x) + 5) % 7) + 1` on Spark, whose `dayofweek` runs from Sunday 1 to Saturday 7
(sqlglot writes `(dayofweek(x) % 7) + 1`, two days off); `date_trunc` gives a timestamp
without zone, as DuckDB's (Spark's is an instant of the session time zone: written to
Parquet, 1 June in Shanghai reads as 31 May 16:00). A `b - a` of two dates cast as dates is
refused, so that the day counts cannot silently become intervals.
"""

from functools import cache

import sqlglot
from sqlglot import ErrorLevel, exp


class NotPortable(ValueError):
    """SQL outside the subset that means the same on both engines."""


def _iso_weekday(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.DayOfWeekIso):
        day = exp.func("dayofweek", node.this)
        return exp.paren(
            exp.Mod(
                this=exp.paren(exp.Add(this=day, expression=exp.Literal.number(5))),
                expression=exp.Literal.number(7),
            ),
            copy=False,
        ) + exp.Literal.number(1)
    return node


def _truncated_without_zone(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.TimestampTrunc | exp.DateTrunc):
        return exp.cast(node, exp.DataType.build("timestamp_ntz"))
    return node


def _is_date(node: exp.Expression) -> bool:
    return isinstance(node, exp.Cast) and node.to.is_type(exp.DataType.Type.DATE)


def _refuse_date_subtraction(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Sub) and _is_date(node.this) and _is_date(node.expression):
        raise NotPortable(
            f"{node.sql('duckdb')}: write date_diff('day', a, b), not b - a (an interval on Spark)"
        )
    return node


@cache
def to_spark(sql: str, *, keep_order: bool = True) -> str:
    """`sql` (one statement in the portable subset of DuckDB's dialect) for Spark SQL;
    without its final `order by` (`keep_order=False`: a table written needs none)."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    for rewrite in (_refuse_date_subtraction, _iso_weekday, _truncated_without_zone):
        tree = tree.transform(rewrite)
    if not keep_order:
        tree.set("order", None)
    return tree.sql(dialect="spark", unsupported_level=ErrorLevel.RAISE)
