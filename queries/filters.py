"""The filters every measure takes: a period (a month) and the dimensions a user picks."""

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

import polars as pl

_PERIOD = re.compile(r"(\d{4})-(\d{2})")


class BadPeriod(ValueError):
    def __init__(self, period: str):
        super().__init__(f"period {period!r} is not a month written YYYY-MM, e.g. 2026-10")


@dataclass(frozen=True)
class Filters:
    period: str  # YYYY-MM
    branch: str | None = None
    product: str | None = None
    team: str | None = None
    collector: str | None = None
    method: str | None = None
    # The teams the person asking may see (a manager's own), wherever the team filter
    # applies; None: every team. Set by the server from who is signed in, never from a
    # request; the team filter then narrows within these teams.
    allowed_teams: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        match = _PERIOD.fullmatch(self.period)
        if match is None or not 1 <= int(match.group(2)) <= 12:
            raise BadPeriod(self.period)
        if self.allowed_teams is not None:  # a tuple, so filters stay usable as a cache key
            object.__setattr__(self, "allowed_teams", tuple(self.allowed_teams))

    def in_period(self, period: str) -> "Filters":
        """The same filters for another month."""
        return replace(self, period=period)

    @property
    def period_start(self) -> date:
        year, month = (int(part) for part in self.period.split("-"))
        return date(year, month, 1)

    @property
    def period_end(self) -> date:
        start = self.period_start
        return start.replace(day=calendar.monthrange(start.year, start.month)[1])

    @property
    def period_after(self) -> date:
        """The first day after the period: timestamps of the period are >= period_start
        and < period_after (a range a scan can skip row groups with)."""
        return self.period_end + timedelta(days=1)

    @property
    def previous_start(self) -> date:
        return Filters(previous_period(self.period)).period_start

    @property
    def trend_start(self) -> date:
        """First day of the 12-month window that ends with the period."""
        start = self.period_start
        months = start.year * 12 + start.month - 1 - 11
        return date(months // 12, months % 12 + 1, 1)

    def params(self) -> dict[str, object]:
        """Bound parameters: the period's first and last day and the day after it, the
        previous month's first day, the 12-month trend's first day, one per dimension
        (null: all) and the list of teams the asker may see (null: all)."""
        return {
            "period_start": self.period_start,
            "period_end": self.period_end,
            "period_after": self.period_after,
            "previous_start": self.previous_start,
            "trend_start": self.trend_start,
            "branch": self.branch,
            "product": self.product,
            "team": self.team,
            "collector": self.collector,
            "method": self.method,
            "allowed_teams": None if self.allowed_teams is None else list(self.allowed_teams),
        }


def previous_period(period: str) -> str:
    start = Filters(period).period_start
    year, month = (start.year, start.month - 1) if start.month > 1 else (start.year - 1, 12)
    return f"{year:04d}-{month:02d}"


TREND_MONTHS = 12


def trend_periods(period: str, months: int = TREND_MONTHS) -> list[str]:
    """The `months` months ending with `period`, oldest first."""
    found = [period]
    while len(found) < months:
        found.insert(0, previous_period(found[0]))
    return found


def month_as_period(frame: pl.DataFrame) -> pl.DataFrame:
    """A monthly answer (a `month` date column) with `period` (YYYY-MM) in its place, in
    front: the shape every trend has."""
    return frame.select(pl.col("month").dt.strftime("%Y-%m").alias("period"), pl.exclude("month"))


def stack_months(
    answer: Callable[[Filters], pl.DataFrame], filters: Filters, available: Iterable[str]
) -> pl.DataFrame:
    """A one-row answer for each month of the trend window that has data (`available`),
    stacked with a `period` column in front."""
    available = set(available)
    frames = [
        answer(filters.in_period(period)).with_columns(pl.lit(period).alias("period"))
        for period in trend_periods(filters.period)
        if period in available
    ]
    if not frames:
        return pl.DataFrame({"period": []}, schema={"period": pl.String})
    stacked = pl.concat(frames, how="diagonal_relaxed")
    return stacked.select("period", pl.exclude("period"))


def options_key(options: dict[str, object]) -> tuple:
    """A measure's keyword arguments as a cache key: sorted, a mapping (the agencies'
    commission rates) as its sorted items."""
    return tuple(
        (name, tuple(sorted(value.items())) if isinstance(value, dict) else value)
        for name, value in sorted(options.items())
    )
