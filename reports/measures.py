"""The measures one report reads, each asked of the database once per report: several
sections share an answer (the team comparison feeds the headline recovery rate and the
team table). None is answered from summary tables built under other settings than the
report's (queries/stale_models.py)."""

import threading
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import polars as pl

from queries import dimensions
from queries.filters import Filters, options_key, stack_months
from queries.stale_models import refuse_stale_models
from recovery.settings import Settings


def same_month_last_year(period: str) -> str:
    year, month = period.split("-")
    return f"{int(year) - 1:04d}-{month}"


class ReportMeasures:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.db: Path = settings.db
        self.window_days = settings.attribution_window_days
        self.watch_months = settings.limitation_watch_months
        self.commissions = dict(settings.agency_commission)
        self._answers: dict[Hashable, Any] = {}
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}

    def get(self, fn: Callable[..., Any], filters: Filters | None = None, **options: Any) -> Any:
        """The measure's answer; sections built in parallel threads share one computation
        of a measure they both need."""
        refuse_stale_models(self.db, self.settings)
        key = (fn.__module__, fn.__qualname__, filters, options_key(options))
        with self._lock:
            key_lock = self._computing.setdefault(key, threading.Lock())
        with key_lock:
            if key not in self._answers:
                args = (self.db,) if filters is None else (self.db, filters)
                self._answers[key] = fn(*args, **options)
            return self._answers[key]

    def periods_with_data(self) -> list[str]:
        """Months with a loans snapshot: a comparison with any other month shows "—"."""
        return self.get(dimensions.periods)

    def monthly(
        self, fn: Callable[..., pl.DataFrame], filters: Filters, **options: Any
    ) -> pl.DataFrame:
        """A one-row measure for each month of the 12 ending with the period that has
        data, stacked with a `period` column in front."""
        answer = lambda month: self.get(fn, month, **options)  # noqa: E731
        return stack_months(answer, filters, self.periods_with_data())
