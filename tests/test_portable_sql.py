"""The SQL written once for both engines: what the Spark transpilation patches and what it
refuses, and every model file and every measure's statements within the subset
(tests/test_spark_build.py runs the models on Spark)."""

import sys
from pathlib import Path

import pytest

import recovery.database
from etl.model_specs import read_models
from queries.catalogue import MEASURES
from queries.filters import Filters
from recovery.portable_sql import NotPortable, to_spark
from recovery.settings import Settings


def test_the_iso_weekday_runs_from_monday_one_on_spark() -> None:
    # Spark's dayofweek: Sunday 1 ... Saturday 7; (d + 5) % 7 + 1 gives Monday 1 ... Sunday 7
    assert to_spark("select isodow(action_at) as weekday from actions") == (
        "SELECT ((DAYOFWEEK(action_at) + 5) % 7) + 1 AS weekday FROM actions"
    )
    assert [((d + 5) % 7) + 1 for d in range(1, 8)] == [7, 1, 2, 3, 4, 5, 6]


def test_a_truncated_month_is_a_timestamp_without_zone_on_spark() -> None:
    assert to_spark("select date_trunc('month', paid_at) as month from payments") == (
        "SELECT CAST(DATE_TRUNC('MONTH', paid_at) AS TIMESTAMP_NTZ) AS month FROM payments"
    )


def test_days_between_dates_by_subtraction_are_refused() -> None:
    with pytest.raises(NotPortable, match="date_diff"):
        to_spark("select cast(paid_at as date) - cast(action_at as date) from payments")
    assert "DATEDIFF" in to_spark(
        "select date_diff('day', cast(action_at as date), cast(paid_at as date)) from payments"
    )


def test_a_table_written_keeps_no_final_order() -> None:
    sql = "select month, count(*) as n from t group by month order by month"
    assert "ORDER BY" in to_spark(sql)
    assert "ORDER BY" not in to_spark(sql, keep_order=False)


@pytest.mark.parametrize("name", sorted(read_models()))
def test_every_model_transpiles_for_spark(name: str) -> None:
    assert to_spark(read_models()[name].sql, keep_order=False).startswith(("SELECT", "WITH"))


def test_every_measures_statements_transpile_for_spark(
    demo_book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every statement the catalogue's measures run (through recovery.database.query),
    with no filter and with a manager's team scope."""
    statements: set[str] = set()
    answer = recovery.database.query

    def recorded(path, sql, params=None):
        statements.add(sql)
        return answer(path, sql, params)

    for name, module in list(sys.modules.items()):
        if name.startswith("queries") and getattr(module, "query", None) is answer:
            monkeypatch.setattr(module, "query", recorded)
    settings = Settings(db=demo_book)
    for measure in MEASURES.values():
        measure(demo_book, Filters("2026-10"), settings)
        measure(demo_book, Filters("2026-10", allowed_teams=("总部电催一组",)), settings)
    assert len(statements) >= len(MEASURES)
    for sql in statements:
        assert to_spark(sql)
