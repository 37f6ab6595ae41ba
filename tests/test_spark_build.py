"""The same models on both engines: a store loaded (and built) by DuckDB, and a copy of it
whose summary tables `recovery rebuild --engine spark` built again on a local Spark, from
the same model files. Every summary table is compared row by row, and every measure of the
catalogue under several filters: equal, decimals exactly and floats to 1e-12. On a
generated book and on the hand-made book of the recovery measures' tests."""

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from demo import generate_demo
from etl.model_specs import read_models
from queries.catalogue import MEASURES
from queries.filters import Filters
from recovery.settings import Settings
from recovery.store import copy_store, open_catalog
from tests import test_queries_recovery as recovery_book
from tests.helpers import load
from tests.test_settings_tracked import THIRTY_DAY_BUCKETS

RECOVERY = Path(sys.executable).parent / "recovery"
TABLES = sorted(name for name, model in read_models().items() if not model.is_temporary)


def rebuilt_on_spark(catalog: Path, folder: Path, config: Path | None = None) -> Path:
    """A copy of the store at `catalog` in `folder`, its summary tables built by Spark
    (under the config file `config`, if given)."""
    copy = copy_store(catalog, folder)
    env = {**os.environ, "RECOVERY_DB": str(copy)}
    if config is not None:
        env["RECOVERY_CONFIG"] = str(config)
    result = subprocess.run(
        [str(RECOVERY), "rebuild", "--engine", "spark", "--master", "local[2]", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    printed = json.loads(result.stdout)
    assert printed["engine"] == "spark" and set(printed["models"]) == set(TABLES)
    return copy


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A generated four-month book loaded by DuckDB, and its copy built by Spark."""
    folder = tmp_path_factory.mktemp("engines")
    files = generate_demo(folder / "files", loans=300, months=4, end_month="2026-10")
    catalog = folder / "duckdb" / "recovery.duckdb"
    env = {**os.environ, "RECOVERY_DB": str(catalog)}
    subprocess.run(
        [str(RECOVERY), "load", *map(str, files)], check=True, capture_output=True, env=env
    )
    return catalog, rebuilt_on_spark(catalog, folder / "spark")


@pytest.fixture(scope="module")
def hand_made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The recovery measures' hand-made book (tests/test_queries_recovery.py)."""
    folder = tmp_path_factory.mktemp("engines-hand-made")
    settings = Settings(db=folder / "duckdb" / "recovery.duckdb")
    load(settings, *recovery_book.book_files(folder))
    return settings.db, rebuilt_on_spark(settings.db, folder / "spark")


def table_rows(catalog: Path, table: str) -> pl.DataFrame:
    with open_catalog(catalog) as con:
        return con.sql(f"select * from {table}").pl()


def rows_on_one_side(duckdb_rows: pl.DataFrame, spark_rows: pl.DataFrame) -> int:
    """Rows of one frame not matched in the other (as many times as they appear), floats
    rounded to 12 significant digits; decimals compared as they are."""
    con = duckdb.connect()
    floats = [name for name, kind in duckdb_rows.schema.items() if kind.is_float()]
    for name, frame in (("built_by_duckdb", duckdb_rows), ("built_by_spark", spark_rows)):
        rounded = frame.with_columns(
            pl.col(c).map_elements(lambda x: float(f"{x:.12g}"), return_dtype=pl.Float64)
            for c in floats
        )
        con.register(name, rounded)
    return con.sql(
        """
        select (select count(*) from (from built_by_duckdb except all from built_by_spark))
             + (select count(*) from (from built_by_spark except all from built_by_duckdb))
        """
    ).fetchall()[0][0]


@pytest.mark.parametrize("table", TABLES)
def test_every_summary_table_is_the_same_on_both_engines(
    generated: tuple[Path, Path], hand_made: tuple[Path, Path], table: str
) -> None:
    for built_by_duckdb, built_by_spark in (generated, hand_made):
        duckdb_rows = table_rows(built_by_duckdb, table)
        spark_rows = table_rows(built_by_spark, table)
        assert duckdb_rows.columns == spark_rows.columns
        assert spark_rows.height == duckdb_rows.height
        assert rows_on_one_side(duckdb_rows, spark_rows) == 0


def filter_sets(catalog: Path) -> list[Filters]:
    """No filter, one team, one branch and one product, for the book's last month."""
    with open_catalog(catalog) as con:
        month = con.sql("select max(month) from case_months").fetchall()[0][0]
        team = con.sql("select min(team) from case_months").fetchall()[0][0]
        branch = con.sql("select min(branch) from month_book").fetchall()[0][0]
        product = con.sql("select max(product) from month_book").fetchall()[0][0]
    period = month.strftime("%Y-%m")
    return [
        Filters(period=period),
        Filters(period=period, team=team),
        Filters(period=period, branch=branch),
        Filters(period=period, product=product),
    ]


@pytest.mark.parametrize("measure", sorted(MEASURES))
def test_every_measure_answers_the_same_from_either_engines_tables(
    generated: tuple[Path, Path], hand_made: tuple[Path, Path], measure: str
) -> None:
    for built_by_duckdb, built_by_spark in (generated, hand_made):
        for filters in filter_sets(built_by_duckdb):
            expected = MEASURES[measure](built_by_duckdb, filters, Settings(db=built_by_duckdb))
            answered = MEASURES[measure](built_by_spark, filters, Settings(db=built_by_spark))
            assert_frame_equal(answered, expected, check_dtypes=False, rel_tol=1e-12, abs_tol=1e-12)


def test_a_spark_build_under_other_buckets_publishes_them_with_its_tables(
    hand_made: tuple[Path, Path], tmp_path: Path
) -> None:
    """The config's buckets changed since the last load: the Spark build stages the cases
    by the new ones, and the store's bucket table and build records say so, so that the
    measures answer (not refusing stale tables) with the new buckets."""
    config = tmp_path / "recovery.toml"
    config.write_text(THIRTY_DAY_BUCKETS, encoding="utf-8")
    built_by_spark = rebuilt_on_spark(hand_made[0], tmp_path / "spark", config)
    env = {**os.environ, "RECOVERY_DB": str(built_by_spark), "RECOVERY_CONFIG": str(config)}
    result = subprocess.run(
        [str(RECOVERY), "kpis", "--period", "2026-10", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    # L1 10 days past due, L2 40, L3 100 (tests/test_queries_recovery.py)
    aging = {row["bucket"]: row["loans"] for row in json.loads(result.stdout)["aging"]}
    assert aging == {"Current": 0, "1-30": 1, "31+": 2}
    assert table_rows(built_by_spark, "aging_buckets")["bucket"].to_list() == [
        "Current",
        "1-30",
        "31+",
    ]
    stages = set(table_rows(built_by_spark, "cases")["placed_bucket"])
    assert "31+" in stages and stages <= {"Current", "1-30", "31+", "not_placed"}
