"""The one place that opens the database files.

Readers open the published catalog (recovery/store.py): short read-only connections that
see one version of every table, the old one or the new one, never a half-done load. DuckDB
lets one process write a file at a time, and no other process open it meanwhile: so a
load works in the writer's own file beside the catalog (`<catalog>.work`), opened in place
under a lock, and publishes what it changed when it is done. A load killed at any moment
leaves the catalog as it was.
"""

import fcntl
import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from recovery.store import is_catalog, open_catalog, sync_to_disk, work_path


class DatabaseMissing(Exception):
    def __init__(self, path: Path):
        super().__init__(f"no database at {path}: load files first with `recovery load PATH`")


@contextmanager
def read_only(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor on the process's shared read-only connection to `path` (see _Readers:
    DuckDB shares one instance per path in a process, so every read goes through it)."""
    with _READERS.cursor(path) as cursor:
        yield cursor


def file_version(path: Path) -> tuple[int, int, int]:
    """What tells one version of a catalog from another (a load renames a new one over
    it): its inode, size and modification time. FileNotFoundError when there is none."""
    status = path.resolve().stat()
    return (status.st_ino, status.st_size, status.st_mtime_ns)


_PARAMETER = re.compile(r"\$([A-Za-z_]\w*)")


def query(path: Path, sql: str, params: dict[str, Any] | None = None) -> pl.DataFrame:
    """Runs one query on the process's shared read-only connection to `path`. Of `params`,
    only those the SQL names are bound (DuckDB refuses extra ones), so callers can pass a
    shared set."""
    with _READERS.cursor(path) as cursor:
        return cursor.sql(sql, params=bound(sql, params)).pl()


def bound(sql: str, params: dict[str, Any] | None) -> dict[str, Any]:
    """The parameters of `params` that `sql` names."""
    named = set(_PARAMETER.findall(sql))
    return {k: v for k, v in (params or {}).items() if k in named}


class _Reader:
    """One read-only connection to one version of a database file (told apart by inode,
    size and modification time: a load renames a new catalog over it), and its queries
    running."""

    def __init__(self, path: Path, identity: tuple[int, int, int]):
        self.identity = identity
        self.con = open_catalog(path)
        self.active = 0


class _Readers:
    """Opening a database costs tens of milliseconds, so each process keeps one read-only
    connection per file and runs each query on a cursor of it. When a load has renamed in
    a new file, the old connection is closed once its running queries end (DuckDB shares
    one instance per path, so the new file can only be opened after that) and the next
    query opens the new file. Files not used lately are closed beyond `keep` of them."""

    def __init__(self, keep: int = 4):
        self.keep = keep
        self.open: dict[Path, _Reader] = {}
        self.changed = threading.Condition()

    @contextmanager
    def cursor(self, path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
        reader = self._acquire(path.resolve())
        try:
            cursor = reader.con.cursor()
            try:
                yield cursor
            finally:
                cursor.close()
        finally:
            with self.changed:
                reader.active -= 1
                self.changed.notify_all()

    def _acquire(self, path: Path) -> _Reader:
        with self.changed:
            try:
                stat = path.stat()
            except FileNotFoundError:
                raise DatabaseMissing(path) from None
            identity = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
            reader = self.open.get(path)
            if reader is not None and reader.identity != identity:
                self.changed.wait_for(lambda: reader.active == 0)
                reader.con.close()
                del self.open[path]
                reader = None
            if reader is None:
                self._close_idle(beyond=self.keep - 1)
                reader = _Reader(path, identity)
            self.open.pop(path, None)
            self.open[path] = reader  # most recently used last
            reader.active += 1
            return reader

    def _close_idle(self, beyond: int) -> None:
        for path, reader in list(self.open.items()):
            if len(self.open) <= beyond:
                return
            if reader.active == 0:
                reader.con.close()
                del self.open[path]

    def close_all(self) -> None:
        with self.changed:
            self.changed.wait_for(lambda: all(r.active == 0 for r in self.open.values()))
            for reader in self.open.values():
                reader.con.close()
            self.open.clear()


_READERS = _Readers()


def close_readers() -> None:
    """Closes this process's read-only connections (before it writes a file in place)."""
    _READERS.close_all()


PRIVATE_MODE = 0o600  # the database holds ID card and phone numbers: the owner's only


@contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """Loads wait for each other: one rebuild of a database file at a time."""
    lock_path = path.with_name(path.name + ".lock")
    descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, PRIVATE_MODE)
    try:
        os.fchmod(descriptor, PRIVATE_MODE)
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


@contextmanager
def private_files() -> Iterator[None]:
    """Every file made meanwhile (the copy, DuckDB's write-ahead log and spill files) is
    readable by its owner only. The mask is the process's: loads run in a process of
    their own (`recovery load`)."""
    mask = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(mask)


@contextmanager
def writing(
    path: Path, *, memory_limit: str, threads: int = 0
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The writer's database of the catalog at `path`, opened in place under the lock (one
    writer at a time); the caller publishes. A database from before the published layout
    (its tables in the file at `path`, no writer's file yet) is copied to become it.

    The path is resolved first: through a symbolic link, the lock and the files are the
    target's, so loads through the link and through the target wait for each other."""
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(path), private_files():
        work = work_path(path)
        if not work.exists() and path.exists() and not is_catalog(path):
            aside = work.with_name(work.name + ".tmp")
            shutil.copyfile(path, aside)
            sync_to_disk(aside)
            os.replace(aside, work)
        # Checkpointed once, when the work is done: DuckDB's automatic checkpoints (after
        # each commit past 16 MB of log) would rewrite the file again and again.
        config: dict[str, Any] = {"memory_limit": memory_limit, "checkpoint_threshold": "1TB"}
        if threads:
            config["threads"] = threads
        con = duckdb.connect(str(work), config=config)
        con.execute("set enable_progress_bar = false")  # the command line shows its own
        try:
            yield con
            con.execute("checkpoint")
        finally:
            con.close()
        for written in (work, path):  # a file made by an earlier version may be readable by all
            if written.exists():
                os.chmod(written, PRIVATE_MODE)


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None) -> Any:
    """The single value a query returns (the whole result is fetched, as DuckDB 2 wants)."""
    rows = con.execute(sql, params or {}).fetchall()
    return rows[0][0] if rows else None
