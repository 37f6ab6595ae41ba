"""The schedule's run log: one JSON file under the report folder with, per job, when the
scheduler first knew it and its latest runs (scheduled, started and ended times, state
working / success / error, the error text, the files written). The scheduler reads its
state from here after a restart: what it missed, what it should try again."""

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from reports.files import exclusive

RUN_LOG_NAME = "schedule-runs.json"
RUNS_KEPT_PER_JOB = 200

RunStatus = Literal["working", "success", "error"]


class RunLogUnreadable(Exception):
    def __init__(self, path: Path, error: Exception):
        super().__init__(
            f"the run log {path} cannot be read ({error}); move it aside to start a new one "
            "(jobs missed while the scheduler was down are then not caught up)"
        )


def _fixed_offset(moment: datetime | None) -> datetime | None:
    return moment and moment.astimezone(timezone(moment.utcoffset()))


@dataclass
class Run:
    job: str
    scheduled_at: datetime
    attempt: int  # 1 for the first try, 2 for the first retry, ...
    started_at: datetime
    ended_at: datetime | None = None
    status: RunStatus = "working"
    error: str | None = None
    outputs: list[str] = field(default_factory=list)
    count_missed: int = 0  # earlier fire times folded into this one after downtime

    def __setattr__(self, key: str, value: object) -> None:
        # Times are kept with fixed offsets, as the file holds them: Python never finds a
        # zone-aware time in the hour the clocks go back equal to a time of another zone.
        if key in ("scheduled_at", "started_at", "ended_at"):
            value = _fixed_offset(value)
        super().__setattr__(key, value)

    def to_json(self) -> dict:
        data = asdict(self)
        for key in ("scheduled_at", "started_at", "ended_at"):
            data[key] = data[key] and data[key].isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Run":
        times = {
            key: data[key] and datetime.fromisoformat(data[key])
            for key in ("scheduled_at", "started_at", "ended_at")
        }
        return cls(**{**data, **times})

    @property
    def key(self) -> tuple[str, datetime, int]:
        return (self.job, self.scheduled_at, self.attempt)


@dataclass
class JobHistory:
    known_since: datetime
    runs: list[Run] = field(default_factory=list)

    @property
    def latest(self) -> Run | None:
        return max(self.runs, key=lambda r: (r.scheduled_at, r.attempt), default=None)


class RunLog:
    def __init__(self, folder: Path):
        self.path = folder / RUN_LOG_NAME

    def read(self) -> dict[str, JobHistory]:
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return {
                job: JobHistory(
                    datetime.fromisoformat(entry["known_since"]),
                    [Run.from_json(run) for run in entry["runs"]],
                )
                for job, entry in data["jobs"].items()
            }
        except (ValueError, KeyError, TypeError) as error:
            raise RunLogUnreadable(self.path, error) from error

    def history(self, job: str) -> JobHistory | None:
        return self.read().get(job)

    def know(self, job: str, since: datetime) -> JobHistory:
        """The job's history, starting one from `since` if the log has none."""
        known = self.history(job)
        if known is not None:
            return known

        def add(histories: dict[str, JobHistory]) -> None:
            histories.setdefault(job, JobHistory(since))

        return self._update(add)[job]

    def record(self, run: Run) -> None:
        """Adds the run, or replaces the entry of the same job, scheduled time and attempt."""

        def put(histories: dict[str, JobHistory]) -> None:
            history = histories.setdefault(run.job, JobHistory(run.started_at))
            kept = [r for r in history.runs if r.key != run.key]
            history.runs = sorted([*kept, run], key=lambda r: (r.scheduled_at, r.attempt))[
                -RUNS_KEPT_PER_JOB:
            ]

        self._update(put)

    def _update(self, change: Callable[[dict[str, JobHistory]], None]) -> dict[str, JobHistory]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with exclusive(self.path):
            histories = self.read()
            change(histories)
            self._write(histories)
        return histories

    def _write(self, histories: dict[str, JobHistory]) -> None:
        data = {
            "jobs": {
                job: {
                    "known_since": history.known_since.isoformat(),
                    "runs": [run.to_json() for run in history.runs],
                }
                for job, history in histories.items()
            }
        }
        descriptor, name = tempfile.mkstemp(prefix=".runs.", dir=self.path.parent)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(data, file, ensure_ascii=False, indent=2)
        os.replace(name, self.path)
