"""`recovery build --engine spark`: the summary tables built by Spark over the store's
Parquet files, from the same model files as DuckDB's builds (etl/models/, transpiled by
recovery/portable_sql.py), and published as a new version of the store in which each
summary table is the files Spark wrote (recovery/store.py). The loaded tables stay as the
last load published them; the dashboard, the reports and `recovery kpis` read the new
version as they read any.

Spark's session time zone is the config's `timezone` and its timestamps carry no zone (as
DuckDB's), so a month is the same month on both engines. A temporary model is written to a
scratch folder beside the store and read back by the models after it (not recomputed by
each); a table model is written by the month of its partition column, one folder of files
per month as the store lays them out (docs/store-layout.md).
"""

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from etl.model_builds import LEDGER_SQL, build_record, write_settings_tables
from etl.model_specs import SETTINGS_TABLES, Model, build_order, read_models
from etl.publish import RETENTION
from recovery.database import exclusive_lock, private_files
from recovery.portable_sql import to_spark
from recovery.settings import Settings
from recovery.store import (
    Published,
    StoreFile,
    current_files,
    next_version,
    parts_folder,
    replace_tables,
)

_NO_MONTH = "__HIVE_DEFAULT_PARTITION__"  # Spark's folder for a null partition value
_MONTH_COLUMN = "store_month"


@dataclass(frozen=True)
class SparkBuilt:
    models: tuple[str, ...]  # the tables and views built, in build order
    published: Published
    seconds: float


def scratch_folder(catalog: Path) -> Path:
    return catalog.with_name(catalog.name + ".spark")


@contextmanager
def spark_session(settings: Settings, master: str) -> Iterator:
    """A Spark session for one build: the config's time zone, timestamps without zone,
    no web UI."""
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(master)
        .appName("recovery build")
        .config("spark.sql.session.timeZone", settings.timezone)
        .config("spark.sql.timestampType", "TIMESTAMP_NTZ")
        .config("spark.sql.parquet.inferTimestampNTZ.enabled", "true")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(settings.spark.shuffle_partitions))
        .config("spark.driver.memory", settings.spark.driver_memory)
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        yield spark
    finally:
        spark.stop()


def build_on_spark(settings: Settings, *, master: str | None = None) -> SparkBuilt:
    """Builds every summary table on Spark from the loaded tables of the store at
    `settings.db`, and publishes them: under the writer's lock (a load waits for it, and
    it for a load), its files readable by their owner only."""
    catalog = settings.db.resolve()
    with exclusive_lock(catalog), private_files():
        return _build(settings, catalog, master or settings.spark.master)


def _build(settings: Settings, catalog: Path, master: str) -> SparkBuilt:
    started = time.perf_counter()
    models = read_models()
    scratch = scratch_folder(catalog)
    shutil.rmtree(scratch, ignore_errors=True)
    version = next_version(catalog)
    written: dict[str, list[StoreFile]] = {}
    built = []
    try:
        with spark_session(settings, master) as spark:
            for table, files in current_files(catalog).items():
                if table not in models and table not in SETTINGS_TABLES:
                    paths = [str(catalog.parent / f.path) for f in files]
                    spark.read.parquet(*paths).createOrReplaceTempView(table)
            settings_files = _settings_tables(settings, scratch)
            for table, path in settings_files.items():
                spark.read.parquet(str(path)).createOrReplaceTempView(table)
            for name in build_order(models):
                model = models[name]
                spark.sparkContext.setJobDescription(f"model {name}")  # in Spark's event log
                frame = spark.sql(to_spark(model.sql, keep_order=False))
                if model.is_view:
                    frame.createOrReplaceTempView(name)
                elif model.is_temporary:
                    frame.write.parquet(str(scratch / name))
                    spark.read.parquet(str(scratch / name)).createOrReplaceTempView(name)
                else:
                    written[name] = _write_model(frame, model, catalog, scratch, version)
                    paths = [str(catalog.parent / f.path) for f in written[name]]
                    spark.read.parquet(*paths).createOrReplaceTempView(name)
                if not model.is_temporary:
                    built.append(name)
        written["model_builds"] = [_write_ledger(catalog, models, settings, version)]
        for table in ("aging_buckets", "method_costs"):  # the settings the tables were built with
            written[table] = [_place(settings_files[table], catalog, table, version)]
        views = {n: models[n].sql for n in build_order(models) if models[n].materialized == "view"}
        published = replace_tables(catalog, written, views=views, retention=RETENTION)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return SparkBuilt(tuple(built), published, time.perf_counter() - started)


def _settings_tables(settings: Settings, scratch: Path) -> dict[str, Path]:
    """The settings tables (etl/model_specs.py's SETTINGS_TABLES) as DuckDB's builds write
    them, in Parquet files for Spark to read."""
    scratch.mkdir(parents=True, exist_ok=True)
    paths = {}
    with duckdb.connect() as con:
        con.execute(
            "create table aging_buckets (bucket varchar, min_days integer, max_days integer, "
            "sort_order integer)"
        )
        con.execute("create table method_costs (method varchar, cost_per_action decimal(18, 2))")
        write_settings_tables(con, settings)
        for table in SETTINGS_TABLES:
            paths[table] = scratch / f"{table}.parquet"
            con.execute(f"copy (select * from {table}) to '{paths[table]}' (format parquet)")
    return paths


def _place(path: Path, catalog: Path, table: str, version: int) -> StoreFile:
    """The file at `path` moved into the store as the whole of `table` at `version`."""
    target = _whole_table_file(catalog, table, version)
    shutil.move(path, catalog.parent / target)
    return StoreFile(table, None, str(target))


def _whole_table_file(catalog: Path, table: str, version: int) -> Path:
    """Where the store keeps the whole of `table` at `version` (relative to the catalog's
    folder), its folder made."""
    path = parts_folder(catalog).relative_to(catalog.parent) / table / f"v{version:06d}.parquet"
    (catalog.parent / path).parent.mkdir(parents=True, exist_ok=True)
    return path


def _write_model(
    frame, model: Model, catalog: Path, scratch: Path, version: int
) -> list[StoreFile]:
    """The rows of one table model, written by Spark as the store lays them out: one folder
    per month of its partition column (a table with none: one folder)."""
    from pyspark.sql import functions as F

    out = scratch / "tables" / model.name
    if model.partition is None:
        frame.coalesce(1).write.parquet(str(out))
        months = {None: out}
    else:
        month = F.date_trunc("month", F.col(model.partition)).cast("date")
        (
            frame.withColumn(_MONTH_COLUMN, month)
            .repartition(_MONTH_COLUMN)
            .write.partitionBy(_MONTH_COLUMN)
            .parquet(str(out))
        )
        months = {_month_of(folder.name): folder for folder in out.glob(f"{_MONTH_COLUMN}=*")}
        if not months:  # no rows: one empty file gives readers its columns
            frame.limit(0).coalesce(1).write.parquet(str(out / "empty"))
            months = {None: out / "empty"}
    files = []
    relative = parts_folder(catalog).relative_to(catalog.parent) / model.name
    for month, folder in sorted(months.items(), key=lambda item: item[0] or date.min):
        target = relative if month is None else relative / month.strftime("%Y-%m")
        (catalog.parent / target).mkdir(parents=True, exist_ok=True)
        for number, part in enumerate(sorted(folder.glob("part-*.parquet"))):
            path = target / f"v{version:06d}-{number:03d}.parquet"
            shutil.move(part, catalog.parent / path)
            files.append(StoreFile(model.name, month, str(path)))
    return files


def _month_of(folder_name: str) -> date | None:
    value = folder_name.split("=", 1)[1]
    return None if value == _NO_MONTH else date.fromisoformat(value)


def _write_ledger(
    catalog: Path, models: dict[str, Model], settings: Settings, version: int
) -> StoreFile:
    """The record of this build (etl/model_builds.py's `model_builds`): every table and
    view built, with the fingerprints of its settings and definition."""
    rows = [build_record(m, settings) for m in models.values() if not m.is_temporary]
    path = _whole_table_file(catalog, "model_builds", version)
    with duckdb.connect() as con:
        con.execute(LEDGER_SQL)
        con.executemany("insert into model_builds values (?, ?, ?, ?)", rows)
        con.execute(f"copy model_builds to '{catalog.parent / path}' (format parquet)")
    return StoreFile("model_builds", None, str(path))
