"""Day numbers (days since 1970-01-01) for the window's months, working days and the
hours of the day actions are made at.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np

SECONDS_PER_DAY = 86_400


class Calendar:
    """Month arithmetic on day numbers (days since 1970-01-01) for the window's months."""

    def __init__(self, end_month: str, months: int) -> None:
        self.months = months
        self.first_month = np.datetime64(end_month, "M") - (months - 1)
        idx = np.arange(months)
        self.month_start = self.day_of(idx, 1)
        self.month_end = (self.first_month + idx + 1).astype("datetime64[D]").astype(np.int64) - 1
        self.label = [self.label_of(k) for k in idx]
        last = np.datetime64(int(self.month_end[-1]), "D").astype(datetime)
        self.created = datetime(last.year, last.month, last.day, 18, 0, 0)

    def end_of(self, month: int) -> int:
        """Day number of the last day of `month` (months after the window's first; -1 is the
        month before the window)."""
        return int(self.day_of(month + 1, 1)) - 1

    def label_of(self, month: int) -> str:
        return str(self.first_month + month)

    def day_of(self, month: np.ndarray | int, day: np.ndarray | int) -> np.ndarray:
        """Day number of `day` in `month` (months after the window's first; may be negative)."""
        first = (self.first_month + np.asarray(month)).astype("datetime64[D]").astype(np.int64)
        return first + np.asarray(day) - 1


def days_to_weekdays(rng: np.random.Generator, day: np.ndarray, keep_weekend: float) -> np.ndarray:
    """Move most weekend days to the nearest Friday or Monday."""
    dow = (day + 3) % 7  # 1970-01-01 was a Thursday; 0 is Monday
    move = (dow >= 5) & (rng.random(len(day)) >= keep_weekend)
    return np.where(move & (dow == 5), day - 1, np.where(move & (dow == 6), day + 1, day))


def seconds_of_day(
    rng: np.random.Generator, n: int, spans: list[tuple[str, str, float]]
) -> np.ndarray:
    def secs(hhmm: str) -> int:
        hours, minutes = hhmm.split(":")
        return int(hours) * 3600 + int(minutes) * 60

    low = np.array([secs(a) for a, _, _ in spans])
    high = np.array([secs(b) for _, b, _ in spans])
    weights = np.array([w for _, _, w in spans])
    span = rng.choice(len(spans), n, p=weights / weights.sum())
    return low[span] + (rng.random(n) * (high[span] - low[span])).astype(np.int64)


CALL_HOURS = [
    ("08:00", "09:00", 0.02), ("09:00", "11:45", 0.38), ("11:45", "14:00", 0.12),
    ("14:00", "17:30", 0.38), ("17:30", "20:30", 0.1),
]  # fmt: skip
SMS_HOURS = [("09:00", "09:10", 0.75), ("14:30", "14:40", 0.25)]
VISIT_HOURS = [("09:00", "11:45", 0.45), ("11:45", "14:00", 0.05), ("14:00", "17:45", 0.5)]
OFFICE_HOURS = [("09:00", "11:45", 0.5), ("14:00", "17:30", 0.5)]


DAYS = 1 << 16  # more than any day number of the simulation
