"""Store layout trial: the evidence behind docs/store-layout.md.

    python bench/layout_trial.py --db DATABASE [--work DIR] [--demo FOLDER] [--repeat N]
        [--rounds N] [--layouts native,parquet,...] [--out bench/output/layout_trial.json]

Exports a loaded database (opened read-only) into each candidate layout, then measures:

1. read latency of real dashboard queries (their SQL is captured from `queries/` by running
   the measures once on the database), cold (a new DuckDB instance for each run) and warm
   (the same connection, after one run), median and p95, each layout's answers checked
   against the database's;
2. the cost of writing one month (the latest) again: the month's partitions of the facts and
   of the month-grained summary tables, the tables that have no month rewritten whole, and
   the catalog swap: seconds and bytes, against today's whole-file copy;
3. atomic swaps: one writer swapping versions while two readers check that every table they
   see carries the same version; and a writer killed at random moments, after which the store
   must show the last version it swapped in, whole;
4. which partition filters prune files (DuckDB's EXPLAIN ANALYZE).

Layouts: native (the DuckDB file, today), parquet (hive-partitioned Parquet, one folder per
table and month=YYYY-MM-01 subfolders, one file per table-month, DuckDB's default row groups,
under a small catalog file of views swapped with os.replace), parquet_rg16k (the same with
16,384-row groups), parquet_single (one Parquet file per table), parquet_zstd (the parquet
layout compressed with zstd instead of DuckDB's default snappy), parquet_mdcache (the parquet
store read with DuckDB's Parquet metadata cache on), attach (one DuckDB file per month ATTACHed
read-only under UNION ALL views, named by a JSON catalog), delta (Delta tables written with
`deltalake`, read by DuckDB through the current files of each table's pinned version, which
the catalog names), iceberg (Iceberg tables written with `pyiceberg` under a SQLite catalog,
read the same way through each table's planned data files). A layout whose library is
missing is skipped.

The machine's other work makes absolute times noisy: every figure is measured in each of
`--rounds` rounds, layouts taking turns, and the load average is recorded with each.
"""

import argparse
import json
import os
import platform
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

try:
    import deltalake
except ImportError:  # the layout is skipped
    deltalake = None
try:
    import pyiceberg
    from pyiceberg.catalog.sql import SqlCatalog
    from pyiceberg.expressions import EqualTo
except ImportError:  # the layout is skipped
    pyiceberg = None

from etl.model_specs import read_models  # noqa: E402

# Month-grained tables and the column whose month places a row: the facts first.
FACTS = {"loan_snapshots": "as_of_date", "actions": "action_at", "payments": "paid_at"}
# The summary tables kept in the store with a month, as their headers declare it.
MONTH_MARTS = {
    name: model.partition
    for name, model in read_models().items()
    if model.is_table and model.partition
}
MONTH_OF = {**FACTS, **MONTH_MARTS}
# Tables no monthly load changes unless their own file comes (contacts, teams) — the others
# with no month column are rebuilt by every load.
CONTACT_TABLES = {"contacts", "contact_numbers", "phone_checks", "shared_customer_invalid_reasons"}

PARQUET_VARIANTS = {
    "parquet": {"partitioned": True, "row_group_size": None},
    "parquet_rg16k": {"partitioned": True, "row_group_size": 16384},
    "parquet_single": {"partitioned": False, "row_group_size": None},
    "parquet_zstd": {"partitioned": True, "row_group_size": None, "compression": "zstd"},
}
ALL_LAYOUTS = [
    "native",
    "parquet",
    "parquet_rg16k",
    "parquet_single",
    "parquet_zstd",
    "parquet_mdcache",
    "attach",
    "delta",
    "iceberg",
]

# The dashboard measures whose SQL is replayed (name: how the catalogue or a drill-down is
# called), chosen to cover the summary tables the pages read most.
MEASURE_NAMES = [
    "recovery_by_team",  # case_months, case_method_months, payment_cases
    "aging",  # month_book, snapshot_dates, aging_buckets
    "aging_trend",  # month_book over 12 months
    "roll_rates",  # month_rolls
    "promise_summary",  # promise_months, phone_action_months
    "contact_trend",  # phone_action_months
    "best_time_to_call",  # phone_action_hours
]
DRILL_NAMES = ["drill: cases held by a team", "drill: aging bucket", "drill: promises broken"]


# ---------------------------------------------------------------------------------------
# small helpers


def now_load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def io_written() -> int:
    with open("/proc/self/io") as f:
        for line in f:
            if line.startswith("write_bytes:"):
                return int(line.split()[1])
    return 0


def tree_state(path: Path) -> dict[str, tuple[int, int, int]]:
    state = {}
    for root, _, files in os.walk(path):
        for name in files:
            p = os.path.join(root, name)
            try:
                s = os.stat(p)
            except FileNotFoundError:
                continue
            state[p] = (s.st_ino, s.st_size, s.st_mtime_ns)
    return state


def bytes_new(before: dict, after: dict) -> int:
    """Bytes of the files made or rewritten between two states of a folder."""
    return sum(v[1] for p, v in after.items() if before.get(p) != v)


def tree_bytes(path: Path) -> int:
    return sum(v[1] for v in tree_state(path).values())


def unlink_database(path: str | Path) -> None:
    """A DuckDB file and its write-ahead log, if a killed writer left them."""
    for p in (Path(path), Path(str(path) + ".wal")):
        p.unlink(missing_ok=True)


def fsync_path(path: str | Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_new(before: dict, after: dict) -> None:
    dirs = set()
    for p, v in after.items():
        if before.get(p) != v:
            fsync_path(p)
            dirs.add(os.path.dirname(p))
    for d in dirs:
        fsync_path(d)


def sql_list(paths: list[str]) -> str:
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


def month_key(column: str) -> str:
    return f"cast(date_trunc('month', {column}) as date)"


class Phases:
    """Seconds and bytes written of the named phases of one write."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.result: dict[str, dict[str, float]] = {}

    @contextmanager
    def phase(self, name: str):
        before = tree_state(self.folder)
        io0 = io_written()
        started = time.perf_counter()
        yield
        after = tree_state(self.folder)
        fsync_new(before, after)
        self.result[name] = {
            "seconds": round(time.perf_counter() - started, 3),
            "bytes_new_files": bytes_new(before, after),
            "proc_write_bytes": io_written() - io0,
        }

    def total(self) -> dict[str, float]:
        keys = ("seconds", "bytes_new_files", "proc_write_bytes")
        return {k: round(sum(p[k] for p in self.result.values()), 3) for k in keys}


# ---------------------------------------------------------------------------------------
# the source database


class Source:
    """The loaded database, attached read-only to an in-memory connection that writes every
    layout."""

    def __init__(self, db: Path):
        self.db = db
        self.con = duckdb.connect()
        self.con.execute(f"attach '{db}' as src (read_only)")
        self.tables = [
            r[0]
            for r in self.con.execute(
                "select table_name from duckdb_tables() where database_name = 'src' "
                "order by table_name"
            ).fetchall()
        ]
        self.columns = {
            t: self.con.execute(
                "select column_name, data_type from duckdb_columns() "
                "where database_name = 'src' and table_name = ? order by column_index",
                [t],
            ).fetchall()
            for t in self.tables
        }
        self.rows = {
            t: self.con.execute(f"select count(*) from src.{t}").fetchall()[0][0]
            for t in self.tables
        }

    def month_tables(self) -> list[str]:
        return [t for t in MONTH_OF if t in self.tables]

    def whole_tables(self) -> list[str]:
        return [t for t in self.tables if t not in MONTH_OF]

    def partition_select(self, table: str) -> str:
        """The table's rows with a `month` date column to partition by (its own month column
        when it has one)."""
        column = MONTH_OF[table]
        if column == "month":
            if dict(self.columns[table])["month"] == "DATE":
                return f"select * from src.{table}"
            return f"select * replace (cast(month as date) as month) from src.{table}"
        return f"select *, {month_key(column)} as month from src.{table}"

    def month_filter(self, table: str, month: date) -> str:
        return f"{month_key(MONTH_OF[table])} = date '{month}'"

    def months(self) -> list[date]:
        found: set[date] = set()
        for t in self.month_tables():
            found |= {
                r[0]
                for r in self.con.execute(
                    f"select distinct {month_key(MONTH_OF[t])} from src.{t}"
                ).fetchall()
                if r[0] is not None
            }
        return sorted(found)

    def close(self) -> None:
        self.con.close()


def view_sql(
    table: str,
    columns: list[tuple[str, str]],
    files: list[str],
    hive: bool,
    month_as_date: bool | None = None,
) -> str:
    """A view giving the table's columns in their own order and types from its files (whose
    `month`, when they are partitioned by it, is a date)."""
    listed = []
    if month_as_date is None:
        month_as_date = hive
    for name, kind in columns:
        if month_as_date and name == "month" and kind != "DATE":
            listed.append(f"cast(month as {kind}) as month")
        else:
            listed.append(f'"{name}"')
    options = ", hive_partitioning = true, hive_types = {'month': 'date'}" if hive else ""
    return (
        f"create or replace view {table} as select {', '.join(listed)} "
        f"from read_parquet({sql_list(files)}{options})"
    )


def write_catalog(folder: Path, entries: dict[str, dict], version: int) -> None:
    """The catalog: a small DuckDB file of one view per table over the files of `version`,
    and the list of those files; written aside and swapped in with one rename."""
    temporary = folder / "catalog.duckdb.tmp"
    for p in (temporary, Path(str(temporary) + ".wal")):
        p.unlink(missing_ok=True)
    con = duckdb.connect(str(temporary))
    con.execute(
        "create table store_files (table_name varchar, month date, path varchar, hive boolean)"
    )
    con.execute("create table store_version (version integer, written_at timestamp)")
    con.execute("insert into store_version values (?, current_timestamp)", [version])
    rows = []
    for table, entry in entries.items():
        for month, paths in entry["files"].items():
            rows += [(table, month, p, entry["hive"]) for p in paths]
    con.executemany("insert into store_files values (?, ?, ?, ?)", rows)
    for table, entry in entries.items():
        files = [p for paths in entry["files"].values() for p in paths]
        con.execute(
            view_sql(table, entry["columns"], files, entry["hive"], entry.get("month_as_date"))
        )
    con.execute("checkpoint")
    con.close()
    fsync_path(temporary)
    os.replace(temporary, folder / "catalog.duckdb")
    fsync_path(folder)


def month_folder_files(folder: Path, version: int) -> dict[date, list[str]]:
    found: dict[date, list[str]] = {}
    for part in sorted(folder.glob("month=*")):
        files = sorted(str(p) for p in part.glob(f"v{version:06d}_*.parquet"))
        if files:
            found[date.fromisoformat(part.name.split("=", 1)[1])] = files
    return found


# ---------------------------------------------------------------------------------------
# the layouts


class Native:
    name = "native"

    def __init__(self, source: Source, work: Path):
        self.db = source.db
        self.work = work / "native"

    def export(self, source: Source) -> dict:
        return {"seconds": 0.0, "bytes": self.db.stat().st_size, "files": 1}

    def open(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.db), read_only=True)

    def write_month(self, source: Source, month: date, version: int) -> dict:
        """Today's load: the whole file is copied before anything is loaded into the copy."""
        self.work.mkdir(parents=True, exist_ok=True)
        phases = Phases(self.work)
        with phases.phase("copy_whole_file"):
            shutil.copyfile(self.db, self.work / "store.duckdb.loading")
        result = {"phases": phases.result, "total": phases.total()}
        shutil.rmtree(self.work)
        return result


class ParquetLake:
    """Hive-partitioned Parquet (or one file per table) under a catalog of views."""

    def __init__(
        self,
        name: str,
        source: Source,
        work: Path,
        partitioned: bool,
        rg: int | None,
        compression: str | None = None,
    ):
        self.name = name
        self.folder = work / name
        self.partitioned = partitioned
        self.row_group_size = rg
        self.compression = compression
        self.entries: dict[str, dict] = {}
        self.config: dict[str, Any] = {}

    def _options(self, partition: bool, version: int) -> str:
        options = ["format parquet"]
        if self.row_group_size:
            options.append(f"row_group_size {self.row_group_size}")
        if self.compression:
            options.append(f"compression {self.compression}")
        if partition:
            options += [
                "partition_by (month)",
                f"filename_pattern 'v{version:06d}_{{i}}'",
                "overwrite_or_ignore",
            ]
        return ", ".join(options)

    def _write_month_table(
        self, source: Source, table: str, version: int, month: date | None
    ) -> None:
        folder = self.folder / "data" / table
        folder.mkdir(parents=True, exist_ok=True)
        where = f" where {source.month_filter(table, month)}" if month else ""
        select = source.partition_select(table) + where
        source.con.execute(f"copy ({select}) to '{folder}' ({self._options(True, version)})")
        written = month_folder_files(folder, version)
        entry = self.entries.setdefault(
            table, {"columns": source.columns[table], "hive": True, "files": {}}
        )
        if month is not None:
            entry["files"].pop(month, None)
        entry["files"].update(written)
        if not entry["files"]:  # no rows at all: an empty file keeps the view's columns
            self._write_whole_table(source, table, version)

    def _write_whole_table(self, source: Source, table: str, version: int) -> None:
        folder = self.folder / "data" / table
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"v{version:06d}.parquet"
        source.con.execute(
            f"copy (select * from src.{table}) to '{path}' ({self._options(False, version)})"
        )
        self.entries[table] = {
            "columns": source.columns[table],
            "hive": False,
            "files": {None: [str(path)]},
        }

    def export(self, source: Source) -> dict:
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        started = time.perf_counter()
        for table in source.tables:
            if self.partitioned and table in MONTH_OF:
                self._write_month_table(source, table, 1, None)
            else:
                self._write_whole_table(source, table, 1)
        write_catalog(self.folder, self.entries, 1)
        files = tree_state(self.folder)
        return {
            "seconds": round(time.perf_counter() - started, 2),
            "bytes": sum(v[1] for v in files.values()),
            "files": len(files),
        }

    def open(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(
            str(self.folder / "catalog.duckdb"), read_only=True, config=self.config
        )

    def write_month(self, source: Source, month: date, version: int) -> dict:
        phases = Phases(self.folder)
        month_tables = source.month_tables()
        for label, group in (("facts_month", FACTS), ("marts_month", MONTH_MARTS)):
            with phases.phase(label):
                for table in (t for t in month_tables if t in group):
                    if self.partitioned:
                        self._write_month_table(source, table, version, month)
                    else:
                        self._write_whole_table(source, table, version)
        whole = source.whole_tables()
        with phases.phase("whole_tables_each_load"):
            for table in (t for t in whole if t not in CONTACT_TABLES):
                self._write_whole_table(source, table, version)
        with phases.phase("whole_tables_contacts"):
            for table in (t for t in whole if t in CONTACT_TABLES):
                self._write_whole_table(source, table, version)
        with phases.phase("catalog_swap"):
            write_catalog(self.folder, self.entries, version)
        return {"phases": phases.result, "total": phases.total()}


class ParquetCached(ParquetLake):
    """The parquet store, read with DuckDB's Parquet metadata cache on."""

    def __init__(self, lake: ParquetLake):
        self.__dict__.update(lake.__dict__)
        self.name = "parquet_mdcache"

    def open(self) -> duckdb.DuckDBPyConnection:
        con = super().open()
        con.execute("load parquet; set parquet_metadata_cache = true")
        return con


class AttachedMonths:
    """One DuckDB file per month (every month-grained table's rows of that month) and one for
    the tables without a month, ATTACHed read-only under UNION ALL views; a JSON catalog names
    the current files and is swapped with os.replace."""

    name = "attach"

    def __init__(self, source: Source, work: Path):
        self.folder = work / "attach"
        self.catalog: dict[str, Any] = {}

    def _month_file(self, source: Source, month: date, version: int) -> str:
        path = self.folder / "months" / f"{month}.v{version:06d}.duckdb"
        path.parent.mkdir(parents=True, exist_ok=True)
        unlink_database(path)
        source.con.execute(f"attach '{path}' as part")
        for table in source.month_tables():
            source.con.execute(
                f"create table part.{table} as select * from src.{table} "
                f"where {source.month_filter(table, month)}"
            )
        source.con.execute("detach part")
        return str(path)

    def _base_file(self, source: Source, version: int, tables: list[str], kind: str) -> str:
        path = self.folder / f"{kind}.v{version:06d}.duckdb"
        unlink_database(path)
        source.con.execute(f"attach '{path}' as part")
        for table in tables:
            source.con.execute(f"create table part.{table} as select * from src.{table}")
        source.con.execute("detach part")
        return str(path)

    def _swap(self, version: int) -> None:
        self.catalog["version"] = version
        temporary = self.folder / "catalog.json.tmp"
        temporary.write_text(json.dumps(self.catalog, default=str))
        fsync_path(temporary)
        os.replace(temporary, self.folder / "catalog.json")
        fsync_path(self.folder)

    @staticmethod
    def _whole(source: Source, contacts: bool) -> list[str]:
        return [t for t in source.whole_tables() if (t in CONTACT_TABLES) == contacts]

    def export(self, source: Source) -> dict:
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        started = time.perf_counter()
        self.catalog = {
            "month_tables": source.month_tables(),
            "whole_tables": source.whole_tables(),
            "months": {str(m): self._month_file(source, m, 1) for m in source.months()},
            "bases": {
                "base": self._base_file(source, 1, self._whole(source, False), "base"),
                "contacts": self._base_file(source, 1, self._whole(source, True), "contacts"),
            },
            "base_tables": {
                "base": self._whole(source, False),
                "contacts": self._whole(source, True),
            },
        }
        self._swap(1)
        files = tree_state(self.folder)
        return {
            "seconds": round(time.perf_counter() - started, 2),
            "bytes": sum(v[1] for v in files.values()),
            "files": len(files),
        }

    def open(self) -> duckdb.DuckDBPyConnection:
        catalog = json.loads((self.folder / "catalog.json").read_text())
        return open_attached(catalog)

    def write_month(self, source: Source, month: date, version: int) -> dict:
        phases = Phases(self.folder)
        with phases.phase("facts_and_marts_month"):
            self.catalog["months"][str(month)] = self._month_file(source, month, version)
        bases = self.catalog["bases"]
        with phases.phase("whole_tables_each_load"):
            bases["base"] = self._base_file(source, version, self._whole(source, False), "base")
        with phases.phase("whole_tables_contacts"):
            bases["contacts"] = self._base_file(
                source, version, self._whole(source, True), "contacts"
            )
        with phases.phase("catalog_swap"):
            self._swap(version)
        return {"phases": phases.result, "total": phases.total()}


def open_attached(catalog: dict) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for base, path in catalog["bases"].items():
        con.execute(f"attach '{path}' as {base} (read_only)")
    names = []
    for month, path in sorted(catalog["months"].items()):
        name = "m_" + month.replace("-", "_")
        con.execute(f"attach '{path}' as {name} (read_only)")
        names.append(name)
    for base, tables in catalog["base_tables"].items():
        for table in tables:
            con.execute(f"create temp view {table} as select * from {base}.{table}")
    for table in catalog["month_tables"]:
        union = " union all ".join(f"select * from {n}.{table}" for n in names)
        con.execute(f"create temp view {table} as {union}")
    return con


class CatalogedTableFormat:
    """What Delta and Iceberg share here: each table written by its library, then the
    catalog naming every table's current files, swapped in once per load. A subclass
    prepares an empty folder (`_start`), writes a table (`_write`) and resolves the
    tables' current files into `entries` (`_resolve`)."""

    folder: Path
    entries: dict[str, dict]

    def export(self, source: Source) -> dict:
        shutil.rmtree(self.folder, ignore_errors=True)
        started = time.perf_counter()
        self._start()
        for table in source.tables:
            self._write(source, table, None, first=True)
        self._resolve(source)
        write_catalog(self.folder, self.entries, 1)
        files = tree_state(self.folder)
        return {
            "seconds": round(time.perf_counter() - started, 2),
            "bytes": sum(v[1] for v in files.values()),
            "files": len(files),
        }

    def open(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.folder / "catalog.duckdb"), read_only=True)

    def write_month(self, source: Source, month: date, version: int) -> dict:
        phases = Phases(self.folder)
        month_tables = source.month_tables()
        for label, group in (("facts_month", FACTS), ("marts_month", MONTH_MARTS)):
            with phases.phase(label):
                for table in (t for t in month_tables if t in group):
                    self._write(source, table, month, first=False)
        whole = source.whole_tables()
        with phases.phase("whole_tables_each_load"):
            for table in (t for t in whole if t not in CONTACT_TABLES):
                self._write(source, table, None, first=False)
        with phases.phase("whole_tables_contacts"):
            for table in (t for t in whole if t in CONTACT_TABLES):
                self._write(source, table, None, first=False)
        with phases.phase("catalog_swap"):
            self._resolve(source)
            write_catalog(self.folder, self.entries, version)
        return {"phases": phases.result, "total": phases.total()}


class DeltaLake(CatalogedTableFormat):
    """Delta tables (`deltalake`), month-grained ones partitioned by month; the catalog names
    each table's version and its current Parquet files, which DuckDB reads directly."""

    name = "delta"

    def __init__(self, source: Source, work: Path):
        self.folder = work / "delta"
        self.entries: dict[str, dict] = {}
        self.versions: dict[str, int] = {}

    def _reader(self, source: Source, select: str):
        return source.con.sql(select).arrow()

    def _write(self, source: Source, table: str, month: date | None, first: bool) -> None:
        path = str(self.folder / "tables" / table)
        if table in MONTH_OF:
            select = source.partition_select(table)
            if month is not None:
                select += f" where {source.month_filter(table, month)}"
            options: dict[str, Any] = {"partition_by": ["month"]}
            if not first:
                options.update(mode="overwrite", predicate=f"month = '{month}'")
        else:
            select = f"select * from src.{table}"
            options = {} if first else {"mode": "overwrite"}
        deltalake.write_deltalake(path, self._reader(source, select), **options)

    def _resolve(self, source: Source) -> None:
        for table in source.tables:
            dt = deltalake.DeltaTable(str(self.folder / "tables" / table))
            self.versions[table] = dt.version()
            files = [u.removeprefix("file://") for u in dt.file_uris()]
            hive = table in MONTH_OF
            self.entries[table] = {
                "columns": source.columns[table],
                "hive": hive,
                "files": {None: files},
            }

    def resolve_seconds(self, tables: list[str]) -> float:
        """What a reader resolving every table's current files itself would pay."""
        started = time.perf_counter()
        for table in tables:
            deltalake.DeltaTable(str(self.folder / "tables" / table)).file_uris()
        return time.perf_counter() - started

    def _start(self) -> None:
        (self.folder / "tables").mkdir(parents=True)


class IcebergLake(CatalogedTableFormat):
    """Iceberg tables written with `pyiceberg` (a SQLite catalog), month-grained ones
    partitioned by month (identity); the catalog names each table's snapshot and its current
    data files, which DuckDB reads directly (the files hold the month column themselves)."""

    name = "iceberg"

    def __init__(self, source: Source, work: Path):
        self.folder = work / "iceberg"
        self.entries: dict[str, dict] = {}
        self.snapshots: dict[str, int | None] = {}
        self.catalog = None

    def _catalog(self):
        if self.catalog is None:
            self.catalog = SqlCatalog(
                "store",
                uri=f"sqlite:///{self.folder}/iceberg.db",
                warehouse=f"file://{self.folder}/warehouse",
            )
        return self.catalog

    def _data(self, source: Source, table: str, month: date | None):
        select = (
            source.partition_select(table) if table in MONTH_OF else f"select * from src.{table}"
        )
        if month is not None:
            select += f" where {source.month_filter(table, month)}"
        return source.con.sql(select).arrow().read_all()

    def _write(self, source: Source, table: str, month: date | None, first: bool) -> None:
        catalog = self._catalog()
        data = self._data(source, table, month)
        if first:
            created = catalog.create_table(f"store.{table}", schema=data.schema)
            if table in MONTH_OF:
                with created.update_spec() as spec:
                    spec.add_identity("month")
            created.append(data)
            return
        loaded = catalog.load_table(f"store.{table}")
        if table in MONTH_OF:
            loaded.overwrite(data, overwrite_filter=EqualTo("month", month.isoformat()))
        else:
            loaded.overwrite(data)

    def _resolve(self, source: Source) -> None:
        catalog = self._catalog()
        for table in source.tables:
            loaded = catalog.load_table(f"store.{table}")
            snapshot = loaded.current_snapshot()
            self.snapshots[table] = snapshot.snapshot_id if snapshot else None
            files = [t.file.file_path.removeprefix("file://") for t in loaded.scan().plan_files()]
            if not files:  # an empty table: an empty file keeps the view's columns
                path = self.folder / "empty" / f"{table}.parquet"
                path.parent.mkdir(parents=True, exist_ok=True)
                source.con.execute(
                    f"copy (select * from src.{table} limit 0) to '{path}' (format parquet)"
                )
                files = [str(path)]
            self.entries[table] = {
                "columns": source.columns[table],
                "hive": False,
                "month_as_date": table in MONTH_OF,
                "files": {None: files},
            }

    def resolve_seconds(self, tables: list[str]) -> float:
        started = time.perf_counter()
        catalog = self._catalog()
        for table in tables:
            list(catalog.load_table(f"store.{table}").scan().plan_files())
        return time.perf_counter() - started

    def _start(self) -> None:
        self.folder.mkdir(parents=True)
        self.catalog = None
        self._catalog().create_namespace("store")


def make_layouts(names: list[str], source: Source, work: Path) -> dict[str, Any]:
    layouts: dict[str, Any] = {}
    for name in names:
        if name == "native":
            layouts[name] = Native(source, work)
        elif name in PARQUET_VARIANTS:
            v = PARQUET_VARIANTS[name]
            layouts[name] = ParquetLake(
                name, source, work, v["partitioned"], v["row_group_size"], v.get("compression")
            )
        elif name == "attach":
            layouts[name] = AttachedMonths(source, work)
        elif name == "iceberg":
            if pyiceberg is None:
                print("pyiceberg is not installed: the iceberg layout is skipped", file=sys.stderr)
                continue
            layouts[name] = IcebergLake(source, work)
        elif name == "delta":
            if deltalake is None:
                print("deltalake is not installed: the delta layout is skipped", file=sys.stderr)
                continue
            layouts[name] = DeltaLake(source, work)
    return layouts


# ---------------------------------------------------------------------------------------
# the queries: captured from the dashboard's own measures


class _Recorder:
    """Stands in for recovery.database's readers: runs each query on the database and keeps
    its SQL and parameters."""

    def __init__(self, db: Path):
        self.con = duckdb.connect(str(db), read_only=True)
        self.log: list[tuple[str, dict]] = []

    @contextmanager
    def cursor(self, path: Path):
        cursor = self.con.cursor()
        recorder = self

        class Proxy:
            def sql(self, sql, params=None, **kw):
                recorder.log.append((sql, dict(params or {})))
                return cursor.sql(sql, params=params, **kw)

            def execute(self, sql, params=None):
                recorder.log.append((sql, dict(params or {})))
                return cursor.execute(sql, params or {})

            def __getattr__(self, name):
                return getattr(cursor, name)

        try:
            yield Proxy()
        finally:
            cursor.close()

    def close_all(self) -> None:
        self.con.close()


def capture_queries(db: Path, period: str | None) -> tuple[str, dict[str, list[tuple[str, dict]]]]:
    import recovery.database as database
    from queries import drilldown
    from queries.catalogue import MEASURES
    from queries.dimensions import teams
    from queries.filters import Filters
    from recovery.settings import Settings

    recorder = _Recorder(db)
    saved = database._READERS
    database._READERS = recorder
    try:
        if period is None:
            latest = recorder.con.execute("select max(as_of_date) from snapshot_dates").fetchall()[
                0
            ][0]
            period = f"{latest:%Y-%m}"
        settings = Settings(db=db)
        filters = Filters(period)
        team = teams(db)[0]
        bucket = settings.aging_buckets[1].name
        calls = {
            name: (lambda n: lambda: MEASURES[n](db, filters, settings))(name)
            for name in MEASURE_NAMES
        }
        calls["drill: cases held by a team"] = lambda: drilldown.cases_worked(
            db, filters, dimension="team", value=team, window_days=settings.attribution_window_days
        )
        calls["drill: aging bucket"] = lambda: drilldown.loans_in_bucket(db, filters, bucket=bucket)
        calls["drill: promises broken"] = lambda: drilldown.promises_with_verdict(
            db, filters, verdict="broken", grace_days=settings.promise_grace_days
        )
        captured = {}
        for name, call in calls.items():
            recorder.log.clear()
            call()
            captured[name] = list(recorder.log)
    finally:
        database._READERS = saved
        recorder.close_all()
    return period, captured


def tables_named(statements: list[tuple[str, dict]], tables: list[str]) -> list[str]:
    text = " ".join(s for s, _ in statements)
    return [t for t in tables if re.search(rf"\b{t}\b", text)]


def run_statements(con: duckdb.DuckDBPyConnection, statements: list[tuple[str, dict]]) -> list:
    from recovery.database import bound

    return [con.sql(sql, params=bound(sql, params)).pl() for sql, params in statements]


def same_answers(reference: list, answers: list) -> str:
    from polars.testing import assert_frame_equal

    try:
        for ref, got in zip(reference, answers, strict=True):
            assert_frame_equal(ref, got, check_row_order=False, check_dtypes=False, rel_tol=1e-9)
    except Exception as error:  # noqa: BLE001 - reported, not raised
        return f"differs: {str(error).splitlines()[0][:200]}"
    return "same"


def read_trial(layouts: dict, captured: dict, repeat: int, rounds: int) -> dict:
    """Each layout's cold and warm times per measure; layouts take turns each round."""
    samples: dict[str, dict[str, dict[str, list[float]]]] = {}
    opens: dict[str, list[float]] = {}
    checks: dict[str, dict[str, str]] = {}
    loads: list[dict] = []
    reference = {}
    con = layouts["native"].open() if "native" in layouts else None
    if con is not None:
        reference = {n: run_statements(con, s) for n, s in captured.items()}
        con.close()
    for round_number in range(rounds):
        loads.append({"round": round_number + 1, "load_average_before": now_load()})
        for name, layout in layouts.items():
            per = samples.setdefault(name, {})
            # cold: a new DuckDB instance for each run (the OS's page cache stays warm)
            for measure, statements in captured.items():
                for _ in range(repeat):
                    started = time.perf_counter()
                    con = layout.open()
                    opened = time.perf_counter()
                    run_statements(con, statements)
                    done = time.perf_counter()
                    con.close()
                    opens.setdefault(name, []).append(opened - started)
                    per.setdefault(measure, {"cold": [], "cold_with_open": [], "warm": []})
                    per[measure]["cold"].append(done - opened)
                    per[measure]["cold_with_open"].append(done - started)
            # warm: one connection, one run first
            con = layout.open()
            for measure, statements in captured.items():
                answers = run_statements(con, statements)
                if round_number == 0 and reference:
                    checks.setdefault(name, {})[measure] = same_answers(reference[measure], answers)
                for _ in range(repeat):
                    started = time.perf_counter()
                    run_statements(con, statements)
                    per[measure]["warm"].append(time.perf_counter() - started)
            con.close()
            print(f"read round {round_number + 1}: {name} done", file=sys.stderr)
        loads[-1]["load_average_after"] = now_load()
    summary: dict[str, Any] = {}
    for name, per in samples.items():
        summary[name] = {
            "open_ms": {"median": ms(statistics.median(opens[name])), "p95": ms(p95(opens[name]))},
            "measures": {
                measure: {
                    kind: {"median": ms(statistics.median(v)), "p95": ms(p95(v)), "n": len(v)}
                    for kind, v in kinds.items()
                }
                for measure, kinds in per.items()
            },
            # per round: the sum over measures of each one's median, to see the rounds agree
            "sum_of_medians_by_round": {
                kind: [
                    ms(
                        sum(
                            statistics.median(k[kind][r * repeat : (r + 1) * repeat])
                            for k in per.values()
                        )
                    )
                    for r in range(rounds)
                ]
                for kind in ("cold", "cold_with_open", "warm")
            },
        }
    return {"layouts": summary, "answers_vs_native": checks, "rounds": loads}


# ---------------------------------------------------------------------------------------
# pruning


def pruning_trial(layouts: dict, period_start: date, period_end: date) -> dict:
    probes = {
        "case_months where month = period (the hive column)": (
            f"select count(*), sum(placed) from case_months where month = date '{period_start}'"
        ),
        "month_book where as_of_date = period end (a month derived from as_of_date)": (
            f"select count(*) from month_book where as_of_date = date '{period_end}'"
        ),
        "actions where action_at in the period (derived month)": (
            f"select count(*) from actions where action_at >= date '{period_start}' "
            f"and action_at < date '{period_end}' + 1"
        ),
    }
    found: dict[str, dict] = {}
    for name, layout in layouts.items():
        if name not in ("parquet", "parquet_rg16k", "parquet_single", "delta", "iceberg"):
            continue
        con = layout.open()
        for probe, sql in probes.items():
            plan = con.sql("explain analyze " + sql).fetchall()[0][1]
            scanning = re.findall(r"Scanning Files:\s*(\d+)\s*/\s*(\d+)", plan)
            read = re.findall(r"Total Files Read:\s*(\d+)", plan)
            groups = re.findall(r"Row Groups Scanned:\s*([\d,]+)\s*/\s*([\d,]+)", plan)
            found.setdefault(probe, {})[name] = {
                "files_scanned": "/".join(scanning[0]) if scanning else None,
                "files_read": int(read[0]) if read else None,
                "row_groups_scanned": "/".join(groups[0]) if groups else None,
            }
        con.close()
    return found


# ---------------------------------------------------------------------------------------
# atomic swaps: a writer swapping versions, readers checking they never see a mix

SWAP_TABLES = ["case_months", "month_book", "promise_months", "cases"]
SWAP_ROWS = 2000


def swap_write_version(kind: str, folder: Path, version: int, keep: int) -> None:
    """Writes every trial table anew with `version` in its rows and swaps the catalog in."""
    con = duckdb.connect()
    if kind in ("catalog", "no_catalog"):
        entries = {}
        for table in SWAP_TABLES:
            path = folder / table / f"v{version:06d}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            con.execute(
                f"copy (select {version} as version, range as n from range({SWAP_ROWS})) "
                f"to '{path}' (format parquet)"
            )
            fsync_path(path)
            entries[table] = {
                "columns": [("version", "INTEGER"), ("n", "BIGINT")],
                "hive": False,
                "files": {None: [str(path)]},
            }
        if kind == "catalog":
            write_catalog(folder, entries, version)
        old = version - keep
        if old >= 1:
            for table in SWAP_TABLES:
                (folder / table / f"v{old:06d}.parquet").unlink(missing_ok=True)
    elif kind == "attach":
        parts = {}
        for table in SWAP_TABLES:
            path = folder / f"{table}.v{version:06d}.duckdb"
            unlink_database(path)
            con.execute(f"attach '{path}' as part")
            con.execute(
                f"create table part.{table} as "
                f"select {version} as version, range as n from range({SWAP_ROWS})"
            )
            con.execute("detach part")
            fsync_path(path)
            parts[table] = str(path)
        temporary = folder / "catalog.json.tmp"
        temporary.write_text(json.dumps({"version": version, "parts": parts}))
        fsync_path(temporary)
        os.replace(temporary, folder / "catalog.json")
        fsync_path(folder)
        old = version - keep
        if old >= 1:
            for table in SWAP_TABLES:
                (folder / f"{table}.v{old:06d}.duckdb").unlink(missing_ok=True)
    elif kind in ("delta", "delta_latest"):
        import pyarrow as pa

        entries = {}
        for table in SWAP_TABLES:
            path = str(folder / table)
            data = pa.table({"version": [version] * SWAP_ROWS, "n": list(range(SWAP_ROWS))})
            deltalake.write_deltalake(path, data, mode="overwrite")
            dt = deltalake.DeltaTable(path)
            entries[table] = {
                "columns": [("version", "BIGINT"), ("n", "BIGINT")],
                "hive": False,
                "files": {None: [u.removeprefix("file://") for u in dt.file_uris()]},
            }
        if kind == "delta":
            write_catalog(folder, entries, version)
    con.close()


def swap_read_batch(kind: str, folder: Path) -> bool:
    """One batch of a reader: opens the current version once and reads every table; true
    when every row of every table has the same version."""
    check = ", ".join(
        f"(select min(version) from {t}), (select max(version) from {t})" for t in SWAP_TABLES
    )
    if kind in ("catalog", "delta"):
        con = duckdb.connect(str(folder / "catalog.duckdb"), read_only=True)
    elif kind == "attach":
        catalog = json.loads((folder / "catalog.json").read_text())
        con = duckdb.connect()
        for table, path in catalog["parts"].items():
            con.execute(f"attach '{path}' as {table}_part (read_only)")
            con.execute(f"create temp view {table} as select * from {table}_part.{table}")
    elif kind == "no_catalog":  # each table's newest file, looked up table by table
        con = duckdb.connect()
        for table in SWAP_TABLES:
            newest = sorted((folder / table).glob("v*.parquet"))[-1]
            con.execute(f"create temp view {table} as select * from read_parquet('{newest}')")
            time.sleep(0.002)  # the time a reader takes between tables, made visible
    elif kind == "delta_latest":  # each table's latest Delta version, table by table
        con = duckdb.connect()
        for table in SWAP_TABLES:
            files = [
                u.removeprefix("file://")
                for u in deltalake.DeltaTable(str(folder / table)).file_uris()
            ]
            con.execute(
                f"create temp view {table} as select * from read_parquet({sql_list(files)})"
            )
    values = con.execute(f"select {check}").fetchall()[0]
    con.close()
    return len(set(values)) == 1


def role_writer(args) -> None:
    folder = Path(args.folder)
    start = args.start
    for version in range(start, start + args.versions):
        swap_write_version(args.kind, folder, version, args.keep)
        print(f"swapped {version}", flush=True)
        if args.pause:
            time.sleep(args.pause)


def role_reader(args) -> None:
    folder = Path(args.folder)
    batches = mixes = errors = 0
    kinds: dict[str, int] = {}
    deadline = time.monotonic() + args.seconds
    stop = folder / "stop"
    while time.monotonic() < deadline and not stop.exists():
        batches += 1
        try:
            if not swap_read_batch(args.kind, folder):
                mixes += 1
        except Exception as error:  # noqa: BLE001 - counted
            errors += 1
            message = re.sub(r"\d+", "N", str(error).splitlines()[0][:120])
            key = type(error).__name__ + ": " + message
            kinds[key] = kinds.get(key, 0) + 1
    print(json.dumps({"batches": batches, "mixes": mixes, "errors": errors, "error_kinds": kinds}))


def _self(*arguments: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), *arguments]


def swap_trial(work: Path, kind: str, versions: int, keep: int, readers: int = 2) -> dict:
    folder = work / "swap" / f"{kind}-keep{keep}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    swap_write_version(kind, folder, 1, keep)
    started = time.perf_counter()
    reading = [
        subprocess.Popen(
            _self("--role", "reader", "--kind", kind, "--folder", str(folder), "--seconds", "120"),
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(readers)
    ]
    time.sleep(1.0)  # the readers have started
    writer = subprocess.run(
        _self(
            "--role",
            "writer",
            "--kind",
            kind,
            "--folder",
            str(folder),
            "--start",
            "2",
            "--versions",
            str(versions),
            "--keep",
            str(keep),
        ),
        capture_output=True,
        text=True,
    )
    (folder / "stop").touch()
    results = [json.loads(r.communicate(timeout=120)[0]) for r in reading]
    elapsed = time.perf_counter() - started
    shutil.rmtree(folder, ignore_errors=True)
    return {
        "kind": kind,
        "versions_swapped": writer.stdout.count("swapped"),
        "writer_error": writer.stderr.strip().splitlines()[-1] if writer.returncode else None,
        "keep_versions": keep,
        "seconds": round(elapsed, 1),
        "reader_batches": sum(r["batches"] for r in results),
        "mixed_batches": sum(r["mixes"] for r in results),
        "errors": sum(r["errors"] for r in results),
        "error_kinds": {k: v for r in results for k, v in r["error_kinds"].items()},
    }


def kill_trial(work: Path, kind: str, kills: int, seed: int = 7) -> dict:
    """A writer killed (SIGKILL) at random moments: afterwards the store must show the last
    version the writer reported swapped in (or a later one it had just swapped), whole."""
    folder = work / "kill" / kind
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    swap_write_version(kind, folder, 1, 1000)
    rng = random.Random(seed)
    reported = 1
    lost = inconsistent = failed_reads = 0
    for _ in range(kills):
        writer = subprocess.Popen(
            _self(
                "--role",
                "writer",
                "--kind",
                kind,
                "--folder",
                str(folder),
                "--start",
                str(reported + 1),
                "--versions",
                "100000",
                "--keep",
                "1000",
            ),
            stdout=subprocess.PIPE,
            text=True,
        )
        first = writer.stdout.readline()  # the writer is past its start, into the writes
        time.sleep(rng.uniform(0.0, 0.4))
        os.kill(writer.pid, signal.SIGKILL)
        out, _ = writer.communicate()
        lines = [ln for ln in (first + out).splitlines() if ln.startswith("swapped")]
        if lines:
            reported = int(lines[-1].split()[1])
        try:
            if not swap_read_batch(kind, folder):
                inconsistent += 1
            if kind == "catalog":
                con = duckdb.connect(str(folder / "catalog.duckdb"), read_only=True)
                seen = con.execute("select max(version) from store_version").fetchall()[0][0]
                con.close()
            else:
                seen = json.loads((folder / "catalog.json").read_text())["version"]
            if seen < reported:
                lost += 1
            reported = max(reported, seen)
        except Exception:  # noqa: BLE001 - counted
            failed_reads += 1
    strays = sorted(p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".wal")))
    shutil.rmtree(folder, ignore_errors=True)
    return {
        "kind": kind,
        "kills": kills,
        "last_version": reported,
        "lost_versions": lost,
        "inconsistent_after_kill": inconsistent,
        "unreadable_after_kill": failed_reads,
        "stray_temporary_files_left": strays,
    }


# ---------------------------------------------------------------------------------------
# the report


def month_input_bytes(demo: Path | None, month: date) -> dict | None:
    if demo is None or not demo.is_dir():
        return None
    tag = f"{month:%Y-%m}"
    files = {p.name: p.stat().st_size for p in sorted(demo.iterdir()) if tag in p.name}
    return {"files": files, "bytes": sum(files.values())}


def markdown(result: dict) -> str:
    out = []
    reads = result["reads"]["layouts"]
    names = list(reads)
    measures = list(next(iter(reads.values()))["measures"])
    for kind in ("cold", "warm"):
        out.append(f"\n### Read latency, {kind} (ms, median / p95)\n")
        out.append("| measure | " + " | ".join(names) + " |")
        out.append("|---" * (len(names) + 1) + "|")
        for m in measures:
            figures = [reads[n]["measures"][m][kind] for n in names]
            cells = [f"{f['median']} / {f['p95']}" for f in figures]
            out.append(f"| {m} | " + " | ".join(cells) + " |")
        sums = [sum(reads[n]["measures"][m][kind]["median"] for m in measures) for n in names]
        out.append("| **sum of medians** | " + " | ".join(f"{s:.1f}" for s in sums) + " |")
        if "native" in reads:
            base = sums[names.index("native")]
            out.append("| ratio to native | " + " | ".join(f"{s / base:.2f}" for s in sums) + " |")
        by_round = [
            "/".join(str(x) for x in reads[n]["sum_of_medians_by_round"][kind]) for n in names
        ]
        out.append("| sum by round | " + " | ".join(by_round) + " |")
    with_open = [
        "/".join(str(x) for x in reads[n]["sum_of_medians_by_round"]["cold_with_open"])
        for n in names
    ]
    out.append("| cold with the open, sum by round | " + " | ".join(with_open) + " |")
    out.append(
        "| open a connection (median ms) | "
        + " | ".join(str(reads[n]["open_ms"]["median"]) for n in names)
        + " |"
    )
    out.append("\n### One monthly write (the latest month again)\n")
    out.append(
        "| layout | seconds (runs) | bytes written | month partitions | whole tables "
        "every load | contact tables | catalog | store size |"
    )
    out.append("|---|---|---|---|---|---|---|---|")
    for name, w in result["writes"].items():
        runs = w["runs"]
        secs = "/".join(str(r["total"]["seconds"]) for r in runs)
        total = runs[-1]["total"]["bytes_new_files"]
        phases = runs[-1]["phases"]
        month_bytes = sum(v["bytes_new_files"] for k, v in phases.items() if "month" in k)
        whole = sum(
            v["bytes_new_files"]
            for k, v in phases.items()
            if k in ("whole_tables_each_load", "copy_whole_file")
        )
        contacts = phases.get("whole_tables_contacts", {}).get("bytes_new_files", 0)
        catalog = phases.get("catalog_swap", {}).get("bytes_new_files", 0)
        out.append(
            f"| {name} | {secs} | {total / 1e6:.1f} MB | {month_bytes / 1e6:.1f} MB | "
            f"{whole / 1e6:.1f} MB | {contacts / 1e6:.1f} MB | {catalog / 1e6:.2f} MB | "
            f"{w['store_bytes'] / 1e6:.1f} MB |"
        )
    out.append("\n### Swaps and kills\n")
    out.append("| trial | versions | reader batches | mixed | errors |")
    out.append("|---|---|---|---|---|")
    for s in result["swaps"]:
        out.append(
            f"| {s['kind']} keep {s['keep_versions']} | {s['versions_swapped']} | "
            f"{s['reader_batches']} | {s['mixed_batches']} | {s['errors']} |"
        )
    for k in result["kills"]:
        out.append(
            f"| kill {k['kind']} ×{k['kills']} | last {k['last_version']} | lost "
            f"{k['lost_versions']} | inconsistent {k['inconsistent_after_kill']} | "
            f"unreadable {k['unreadable_after_kill']} |"
        )
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="a loaded database (opened read-only)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/layout-trial"))
    parser.add_argument("--demo", type=Path, help="the demo files (for the month's input size)")
    parser.add_argument("--period", help="YYYY-MM (default: the latest snapshot's month)")
    parser.add_argument("--layouts", default=",".join(ALL_LAYOUTS))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--write-runs", type=int, default=2)
    parser.add_argument("--swap-versions", type=int, default=150)
    parser.add_argument("--kills", type=int, default=15)
    parser.add_argument("--skip", default="", help="comma-separated: reads,writes,swaps,kills")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "output" / "layout_trial.json")
    # the trial's own child processes
    parser.add_argument("--role", choices=["writer", "reader"], help=argparse.SUPPRESS)
    parser.add_argument("--kind", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, default=60, help=argparse.SUPPRESS)
    parser.add_argument("--start", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--versions", type=int, default=100, help=argparse.SUPPRESS)
    parser.add_argument("--keep", type=int, default=10, help=argparse.SUPPRESS)
    parser.add_argument("--pause", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role == "writer":
        return role_writer(args)
    if args.role == "reader":
        return role_reader(args)
    if args.db is None:
        parser.error("--db is required")
    skip = set(filter(None, args.skip.split(",")))
    names = [n.strip() for n in args.layouts.split(",") if n.strip()]
    args.work.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {
        "database": str(args.db),
        "database_bytes": args.db.stat().st_size,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "machine": {
            "cores": os.cpu_count(),
            "duckdb": duckdb.__version__,
            "deltalake": getattr(deltalake, "__version__", None),
            "pyiceberg": getattr(pyiceberg, "__version__", None),
            "python": platform.python_version(),
            "load_average_start": now_load(),
        },
        "duckdb_extensions": {
            r[0]: {"installed": r[1], "loaded": r[2]}
            for r in duckdb.connect()
            .execute(
                "select extension_name, installed, loaded from duckdb_extensions() "
                "where extension_name in ('parquet', 'delta', 'iceberg', 'ducklake', 'json', 'icu')"
            )
            .fetchall()
        },
    }
    measured = {"reads", "writes"} - skip
    if skip and args.out.exists():  # a section skipped keeps its figures from the last run
        kept = json.loads(args.out.read_text())
        result = {**kept, **{k: v for k, v in result.items() if k not in ("machine",)}}
        result["machine"] = {**kept.get("machine", {}), "load_average_start": now_load()}
        result.setdefault(
            "sections_measured_at",
            {k: kept["measured_at"] for k in ("reads", "writes", "swaps", "kills") if k in kept},
        )
    if measured:
        measure_layouts(args, names, skip, result)
    if "swaps" not in skip:
        result["swaps"] = []
        kinds = ["catalog", "attach", "no_catalog"]
        if deltalake is not None:
            kinds += ["delta", "delta_latest"]
        for kind in kinds:
            result["swaps"].append(swap_trial(args.work, kind, args.swap_versions, keep=10))
            print(f"swap {result['swaps'][-1]}", file=sys.stderr)
        result["swaps"].append(swap_trial(args.work, "catalog", args.swap_versions, keep=1))
        print(f"swap {result['swaps'][-1]}", file=sys.stderr)
    if "kills" not in skip:
        result["kills"] = []
        for kind in ("catalog", "attach"):
            result["kills"].append(kill_trial(args.work, kind, args.kills))
            print(f"kill {result['kills'][-1]}", file=sys.stderr)
    result["machine"]["load_average_end"] = now_load()
    result.setdefault("sections_measured_at", {}).update(
        {k: result["measured_at"] for k in ("reads", "writes", "swaps", "kills") if k not in skip}
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, default=str) + "\n")
    if all(k in result for k in ("reads", "writes", "swaps", "kills")):
        print(markdown(result))
    print(f"\nResults: {args.out}")


def measure_layouts(args, names: list[str], skip: set[str], result: dict) -> None:
    """Exports the database to each layout, then the read and write trials."""
    period, captured = capture_queries(args.db, args.period)
    result["period"] = period
    source = Source(args.db)
    result["tables"] = {
        "month_grained": {t: MONTH_OF[t] for t in source.month_tables()},
        "whole": source.whole_tables(),
        "rows": source.rows,
    }
    result["queries"] = {n: tables_named(s, source.tables) for n, s in captured.items()}
    layouts = make_layouts([n for n in names if n != "parquet_mdcache"], source, args.work)
    result["exports"] = {}
    for name, layout in layouts.items():
        result["exports"][name] = layout.export(source)
        print(f"export {name}: {result['exports'][name]}", file=sys.stderr)
    if "parquet_mdcache" in names and "parquet" in layouts:
        layouts["parquet_mdcache"] = ParquetCached(layouts["parquet"])
    for name in ("delta", "iceberg"):
        if name in layouts:  # what a reader resolving every table's files itself would pay
            result[f"{name}_reader_resolve_ms"] = [
                ms(layouts[name].resolve_seconds(source.tables)) for _ in range(args.rounds)
            ]
    source.close()  # the readers open the database on their own
    if "reads" not in skip:
        result["reads"] = read_trial(layouts, captured, args.repeat, args.rounds)
        start = date.fromisoformat(period + "-01")
        end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        result["pruning"] = pruning_trial(layouts, start, date.fromordinal(end.toordinal() - 1))
    if "writes" not in skip:
        source = Source(args.db)
        month = date.fromisoformat(period + "-01")
        result["month_input"] = month_input_bytes(args.demo, month)
        result["month_rows"] = {
            t: source.con.execute(
                f"select count(*) from src.{t} where {source.month_filter(t, month)}"
            ).fetchall()[0][0]
            for t in source.month_tables()
        }
        writes: dict[str, dict] = {}
        for run in range(args.write_runs):
            for name, layout in layouts.items():
                if name == "parquet_mdcache":
                    continue
                entry = writes.setdefault(name, {"runs": []})
                before = now_load()
                outcome = layout.write_month(source, month, version=run + 2)
                outcome["load_average_before"] = before
                entry["runs"].append(outcome)
                print(f"write {name} run {run + 1}: {outcome['total']}", file=sys.stderr)
        for name, entry in writes.items():
            layout = layouts[name]
            folder = getattr(layout, "folder", None)
            entry["store_bytes"] = result["exports"][name]["bytes"]
            if folder is not None:
                entry["folder_bytes_after_writes"] = tree_bytes(folder)
        result["writes"] = writes
        source.close()


if __name__ == "__main__":
    main()
