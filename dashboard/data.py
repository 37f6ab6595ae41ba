"""The dashboard's one way to the measures: `queries` functions called with the page's
filters, their answers kept in a bounded in-memory cache.

An answer is keyed by the database file's identity (a load swaps a new file in with
os.replace, so the inode and modification time change), the measure and its arguments:
the filters hold the teams the user may see, so one user's answer is never another's.
Nothing is read from the database again while the same answer is cached, and an answer
computed for one request is shared with the requests waiting for it.

A measure refuses (StaleModel) while the summary tables were built under other settings
than the dashboard's; what the loads recorded (`load_records`) is read all the same.
"""

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from dashboard import access
from queries.filters import Filters, options_key, stack_months
from queries.people import first_rows_named
from queries.stale_models import StaleModel, refuse_stale_models
from recovery.database import DatabaseMissing
from recovery.settings import Settings, get_settings

CACHE_ENTRIES = 2048


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0


class AnswerCache:
    """Least recently used answers, at most `max_entries` of them."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self.stats = CacheStats()
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                self.stats.hits += 1
                return self._entries[key]
            key_lock = self._computing.setdefault(key, threading.Lock())
        with key_lock:  # one computation per key; others wait for it and share it
            with self._lock:
                if key in self._entries:
                    self.stats.hits += 1
                    return self._entries[key]
                self.stats.misses += 1
            value = compute()
            with self._lock:
                self._entries[key] = value
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
                self._computing.pop(key, None)
            return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.stats = CacheStats()


@cache
def answers() -> AnswerCache:
    return AnswerCache(CACHE_ENTRIES)


def settings() -> Settings:
    return get_settings()


def commissions() -> dict[str, object]:
    """The agencies' commission rates (config: agency_commission), for the comparisons."""
    return dict(settings().agency_commission)


def database_identity(db: Path) -> tuple[str, int, int, int]:
    try:
        status = os.stat(db)
    except FileNotFoundError:
        raise DatabaseMissing(db) from None
    return (str(db), status.st_ino, status.st_mtime_ns, status.st_size)


def database_modified_at(db: Path) -> float:
    return os.stat(db).st_mtime


def _name(fn: Callable) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def measure(fn: Callable[..., Any], filters: Filters | None = None, **options: Hashable) -> Any:
    """`fn(db, filters, **options)` (or `fn(db, **options)` without filters), cached;
    StaleModel while the summary tables are stale."""
    db = settings().db
    key = (database_identity(db), _name(fn), filters, options_key(options))
    refuse_stale_models(db, settings())
    return _answer(key, fn, db, filters, options)


def load_records(fn: Callable[..., Any], **options: Hashable) -> Any:
    """`fn(db, **options)`, cached, for a function that reads only what the loads
    recorded (the loaded files and rows, not the summary tables): answered even while the
    summary tables are stale."""
    db = settings().db
    key = (database_identity(db), _name(fn), None, options_key(options))
    return _answer(key, fn, db, None, options)


def stale_models() -> StaleModel | None:
    """Why the measures refuse to answer, if they do."""
    try:
        refuse_stale_models(settings().db, settings())
    except StaleModel as stale:
        return stale
    return None


def _answer(
    key: Hashable, fn: Callable[..., Any], db: Path, filters: Filters | None, options: dict
) -> Any:
    if filters is None:
        return answers().get(key, lambda: fn(db, **options))
    return answers().get(key, lambda: fn(db, filters, **options))


# A list of customers on a page shows its first rows (in the list's order: the worst
# first); the note above it gives the whole list's length.
LIST_ROW_LIMIT = 1000


def with_names(
    fn: Callable[..., pl.DataFrame], filters: Filters, **options: Hashable
) -> pl.DataFrame:
    """The first LIST_ROW_LIMIT rows of `fn`'s list of customers with their names beside
    the ids (masked unless the user may see them) and `count_total`, the whole list's
    length (as a drill-down's rows carry it), cached whole."""
    db, masked = settings().db, not access.viewer().sees_names
    key = (database_identity(db), "named", _name(fn), filters, options_key(options), masked)

    return answers().get(
        key,
        lambda: first_rows_named(
            db, filters, measure(fn, filters, **options), limit=LIST_ROW_LIMIT, masked=masked
        ),
    )


def monthly(
    fn: Callable[..., pl.DataFrame], filters: Filters, available: list[str], **options: Hashable
) -> pl.DataFrame:
    """A one-row measure for each month of the trend window that has data (`available`),
    stacked with a `period` column in front; each month is cached on its own."""
    return stack_months(lambda month: measure(fn, month, **options), filters, available)
