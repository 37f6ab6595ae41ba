"""The published store: the tables readers see, as Parquet files by month under one catalog
(docs/store-layout.md says why).

    <catalog>                                  what readers open: a view per table over its files
    <catalog>.parts/<table>/<YYYY-MM>/v000124.parquet   a table's rows of one month
    <catalog>.parts/<table>/v000124.parquet             a table with no month, whole

A writer works in a database of its own and then publishes what it changed. Files are
never rewritten: a version writes new files for the months it changed, and the catalog
names, per table, the files of its version (the months it did not change keep theirs).
The catalog is written aside, synced and renamed over the old one: that one rename commits
every table at once, so a reader sees one version of all of them, and a writer killed at
any moment leaves the old version whole (its new files are orphans, removed by the next
publish). A file the new catalog no longer names is deleted once `retention` has passed
(a reader may still be reading it through the old catalog).
"""

import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb


def sync_to_disk(path: Path) -> None:
    """Waits until the file or folder at `path` is on disk (a rename is durable once its
    folder is)."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


EVERY_MONTH = None  # of `publish`'s changes: every month of the table written again
CATALOG_TABLES = """
create table store_version (version integer not null, published_at timestamp not null);
create table store_files (table_name varchar not null, month date, path varchar not null);
create table dropped_files (path varchar not null, dropped_at timestamp not null);
"""


@dataclass(frozen=True)
class StoreFile:
    table: str
    month: date | None  # None: the table's rows with no month, or the whole table
    path: str  # relative to the catalog's folder: a store copied elsewhere reads its own


@dataclass(frozen=True)
class Published:
    version: int
    files_written: int
    bytes_written: int
    files_deleted: int


def parts_folder(catalog: Path) -> Path:
    return catalog.with_name(catalog.name + ".parts")


def work_path(catalog: Path) -> Path:
    """The writer's own database beside the catalog (recovery.database.writing)."""
    return catalog.with_name(catalog.name + ".work")


def copy_store(catalog: Path, folder: Path) -> Path:
    """A copy in `folder` of the store of `catalog` (the catalog, its Parquet files and the
    writer's database), taken while no load runs; returns the copy's catalog."""
    copy = folder / catalog.name
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(catalog, copy)
    shutil.copyfile(work_path(catalog), work_path(copy))
    shutil.copytree(parts_folder(catalog), parts_folder(copy))
    return copy


def stray_files(catalog: Path) -> list[str]:
    """What a load left beside the store when it did not end: the writer's log, a catalog
    written aside (none, once a load has ended)."""
    return sorted(p.name for p in catalog.parent.iterdir() if p.name.endswith((".wal", ".tmp")))


def open_catalog(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the catalog at `path`, its files found beside it."""
    con = duckdb.connect(str(path), read_only=True)
    con.execute("set global file_search_path = $folder", {"folder": str(path.resolve().parent)})
    return con


def is_catalog(path: Path) -> bool:
    """Whether `path` is a catalog of this layout (not a database holding its tables)."""
    if not path.exists():
        return False
    with duckdb.connect(str(path), read_only=True) as con:
        found = con.execute(
            "select count(*) from information_schema.tables where table_name = 'store_version'"
        ).fetchone()
    return found[0] > 0


def publish(
    work: duckdb.DuckDBPyConnection,
    catalog: Path,
    tables: Mapping[str, str | None],
    changes: Mapping[str, date | None],
    *,
    views: Mapping[str, str] | None = None,
    retention: timedelta,
    now: datetime | None = None,
) -> Published:
    """Publishes a new version of `tables` (each name and the column whose month places a
    row, None for a table kept whole) from `work`, and `views` (each name and its select,
    in an order where a view comes after the views it reads). Each table in `changes` is
    written again from the first day of the month given (EVERY_MONTH: all of it); the
    others keep their files. A table the catalog does not hold yet is written whole. (A
    catalog may also be a database from before this layout, holding its tables itself:
    its first publish writes every table.)"""
    now = now or datetime.now()
    catalog = catalog.resolve()
    parts = parts_folder(catalog).relative_to(catalog.parent)
    version, files, dropped = _current(catalog)
    version += 1
    kept: list[StoreFile] = []
    written: list[StoreFile] = []
    held = {f.table for f in files}
    for table, partition in tables.items():
        old = [f for f in files if f.table == table]
        since = changes.get(table, EVERY_MONTH) if table in held else EVERY_MONTH
        if table in held and table not in changes:
            kept += old
            continue
        if partition is None or since is EVERY_MONTH:
            kept_months: list[StoreFile] = []
        else:
            kept_months = [f for f in old if f.month is not None and f.month < since]
        kept += kept_months
        dropped += [(f.path, now) for f in old if f not in kept_months]
        new = _write_table(work, catalog.parent, parts / table, table, partition, since, version)
        if not kept_months and not new:  # no rows: one empty file gives readers its columns
            path = parts / table / f"v{version:06d}.parquet"
            empty = f"select * from {table} where false"
            new = [_copy(work, empty, catalog.parent, path, table, None)]
        written += new
    return _commit(catalog, version, kept, written, dropped, views or {}, retention, now)


def current_files(catalog: Path) -> dict[str, list[StoreFile]]:
    """Each table of the store at `catalog` and its files in the version published."""
    tables: dict[str, list[StoreFile]] = {}
    for found in _current(catalog.resolve())[1]:
        tables.setdefault(found.table, []).append(found)
    return tables


def next_version(catalog: Path) -> int:
    """The version the next publish of the store at `catalog` makes (its files' names)."""
    return _current(catalog.resolve())[0] + 1


def replace_tables(
    catalog: Path,
    written: Mapping[str, list[StoreFile]],
    *,
    views: Mapping[str, str],
    retention: timedelta,
    now: datetime | None = None,
) -> Published:
    """Publishes version `next_version(catalog)` of the store, in which each table of
    `written` is the files given (written under the store's parts folder by another
    engine, named by that version) and the other tables keep theirs."""
    now = now or datetime.now()
    catalog = catalog.resolve()
    version, files, dropped = _current(catalog)
    kept = [f for f in files if f.table not in written]
    dropped += [(f.path, now) for f in files if f.table in written]
    new = [f for table_files in written.values() for f in table_files]
    return _commit(catalog, version + 1, kept, new, dropped, views, retention, now)


def _commit(
    catalog: Path,
    version: int,
    kept: list[StoreFile],
    written: list[StoreFile],
    dropped: list[tuple[str, datetime]],
    views: Mapping[str, str],
    retention: timedelta,
    now: datetime,
) -> Published:
    """Renames in the catalog of `version` naming the files kept and written, then deletes
    the files dropped longer than `retention` ago and those no catalog names."""
    parts = parts_folder(catalog).relative_to(catalog.parent)
    named = {f.path for f in kept + written}
    due = [path for path, at in dropped if at <= now - retention and path not in named]
    waiting = [(path, at) for path, at in dropped if path not in due and path not in named]
    _write_catalog(catalog, version, kept + written, waiting, views, now)
    for path in due:
        (catalog.parent / path).unlink(missing_ok=True)
    _remove_orphans(catalog.parent, parts, named | {path for path, _ in waiting})
    return Published(
        version=version,
        files_written=len(written),
        bytes_written=sum((catalog.parent / f.path).stat().st_size for f in written),
        files_deleted=len(due),
    )


def _current(catalog: Path) -> tuple[int, list[StoreFile], list[tuple[str, datetime]]]:
    """The catalog's version, its files and the files it dropped, not yet deleted."""
    if not is_catalog(catalog):
        return 0, [], []
    with duckdb.connect(str(catalog), read_only=True) as con:
        version = con.execute("select max(version) from store_version").fetchone()[0]
        files = [
            StoreFile(table, month, path)
            for table, month, path in con.execute(
                "select table_name, month, path from store_files"
            ).fetchall()
        ]
        dropped = con.execute("select path, dropped_at from dropped_files").fetchall()
    return version or 0, files, [(path, at) for path, at in dropped]


def _write_table(
    work: duckdb.DuckDBPyConnection,
    root: Path,
    folder: Path,
    table: str,
    partition: str | None,
    since: date | None,
    version: int,
) -> list[StoreFile]:
    """The files of `table` from `since` on (all of it: None), one per month, and one of
    its rows with no month."""
    name = f"v{version:06d}.parquet"
    if partition is None:
        return [_copy(work, f"select * from {table}", root, folder / name, table, None)]
    first = "" if since is None else f" and {partition} >= date '{since.isoformat()}'"
    months = [
        month
        for (month,) in work.execute(
            f"select distinct cast(date_trunc('month', {partition}) as date) from {table} "
            f"where {partition} is not null{first} order by 1"
        ).fetchall()
    ]
    files = [
        _copy(
            work,
            f"select * from {table} where {partition} >= date '{month.isoformat()}' "
            f"and {partition} < date '{month.isoformat()}' + interval 1 month",
            root,
            folder / month.strftime("%Y-%m") / name,
            table,
            month,
        )
        for month in months
    ]
    no_month = work.execute(f"select count(*) from {table} where {partition} is null").fetchone()
    if no_month[0]:
        files.append(
            _copy(
                work,
                f"select * from {table} where {partition} is null",
                root,
                folder / name,
                table,
                None,
            )
        )
    return files


def _copy(
    work: duckdb.DuckDBPyConnection,
    select: str,
    root: Path,
    path: Path,
    table: str,
    month: date | None,
) -> StoreFile:
    """Writes the rows of `select` to `path` (relative to `root`, the catalog's folder)."""
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    work.execute(f"copy ({select}) to '{target}' (format parquet)")
    sync_to_disk(target)
    return StoreFile(table, month, str(path))


def _write_catalog(
    catalog: Path,
    version: int,
    files: list[StoreFile],
    dropped: list[tuple[str, datetime]],
    views: Mapping[str, str],
    now: datetime,
) -> None:
    """The new catalog, written aside and renamed over the old one."""
    aside = catalog.with_name(catalog.name + ".tmp")
    for stray in (aside, aside.with_name(aside.name + ".wal")):
        stray.unlink(missing_ok=True)
    with duckdb.connect(str(aside)) as con:
        con.execute("set file_search_path = $folder", {"folder": str(catalog.parent)})
        con.execute(CATALOG_TABLES)
        con.execute(
            "insert into store_version values ($version, $now)", {"version": version, "now": now}
        )
        if files:
            con.executemany(
                "insert into store_files values (?, ?, ?)",
                [(f.table, f.month, f.path) for f in files],
            )
        if dropped:
            con.executemany("insert into dropped_files values (?, ?)", dropped)
        for table in sorted({f.table for f in files}):
            paths = ", ".join(f"'{f.path}'" for f in files if f.table == table)
            con.execute(f"create view {table} as select * from read_parquet([{paths}])")
        for view, select in views.items():
            con.execute(f"create view {view} as\n{select}")
        con.execute("checkpoint")
    sync_to_disk(aside)
    os.replace(aside, catalog)
    sync_to_disk(catalog.parent)


def _remove_orphans(root: Path, parts: Path, named: Iterable[str]) -> None:
    """Files no catalog names: written by a publish killed before its rename."""
    named = set(named)
    if not (root / parts).exists():
        return
    for path in (root / parts).rglob("*.parquet"):
        if str(path.relative_to(root)) not in named:
            path.unlink()
