"""The one place that opens the database file.

DuckDB lets one process write a file at a time and no other process open it meanwhile.
So a load never writes the served file: it copies it, loads into the copy, and swaps the
copy in with one atomic rename. Readers open short read-only connections and see either
the old file or the new one, never a half-done load; a killed load leaves only a stray
copy behind, which the next load clears away.
"""

import fcntl
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl


class DatabaseMissing(Exception):
    def __init__(self, path: Path):
        super().__init__(f"no database at {path}: load files first with `recovery load PATH`")


@contextmanager
def read_only(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    if not path.exists():
        raise DatabaseMissing(path)
    con = duckdb.connect(str(path), read_only=True)
    try:
        yield con
    finally:
        con.close()


_PARAMETER = re.compile(r"\$([A-Za-z_]\w*)")


def query(path: Path, sql: str, params: dict[str, Any] | None = None) -> pl.DataFrame:
    """Runs one query on a short read-only connection. Of `params`, only those the SQL
    names are bound (DuckDB refuses extra ones), so callers can pass a shared set."""
    named = set(_PARAMETER.findall(sql))
    bound = {k: v for k, v in (params or {}).items() if k in named}
    with read_only(path) as con:
        return con.sql(sql, params=bound).pl()


@dataclass
class Rebuild:
    con: duckdb.DuckDBPyConnection
    keep: bool = False  # set when the copy holds changes worth swapping in


def _sync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _remove(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


@contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """Loads wait for each other: one rebuild of a database file at a time."""
    lock_path = path.with_name(path.name + ".lock")
    with lock_path.open("a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


@contextmanager
def rebuilding(path: Path, *, memory_limit: str, threads: int = 0) -> Iterator[Rebuild]:
    """A writable copy of the database; swapped in on leaving if `keep` was set."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(path):
        copy = path.with_name(path.name + ".loading")
        copy_wal = copy.with_name(copy.name + ".wal")
        _remove(copy, copy_wal)
        if path.exists():
            shutil.copyfile(path, copy)
        config: dict[str, Any] = {"memory_limit": memory_limit}
        if threads:
            config["threads"] = threads
        con = duckdb.connect(str(copy), config=config)
        con.execute("set enable_progress_bar = false")  # the command line shows its own
        rebuild = Rebuild(con)
        try:
            yield rebuild
            con.execute("checkpoint")
        except BaseException:
            con.close()
            _remove(copy, copy_wal)
            raise
        con.close()
        if not rebuild.keep:
            _remove(copy, copy_wal)
            return
        _sync(copy)
        os.replace(copy, path)
        _sync(path.parent)


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None) -> Any:
    """The single value a query returns (the whole result is fetched, as DuckDB 2 wants)."""
    rows = con.execute(sql, params or {}).fetchall()
    return rows[0][0] if rows else None
