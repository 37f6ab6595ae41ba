"""`recovery schedule`: runs the configured report jobs at their cron times.

Each look at the clock handles, per job, at most one run: the latest fire time passed
since the job was last handled (earlier ones missed while the scheduler was down are
folded into it, so a missed run is caught up once), or else a retry of a failed run once
its back-off has passed. Jobs run one after another; a job that fails is logged and
retried and never stops the others. The clock is injected, so tests can move it."""

import fcntl
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from recovery.settings import ReportJob, Settings
from reports.cron_times import CronSchedule
from reports.jobs import run_job
from reports.runlog import JobHistory, Run, RunLog, RunStatus

log = logging.getLogger(__name__)

STOPPED = "stopped before the end: the scheduler was stopped during the run"

Clock = Callable[[], datetime]
Execute = Callable[[ReportJob, datetime, Settings], list[Path]]


class SchedulerAlreadyRunning(Exception):
    def __init__(self, lock: Path):
        super().__init__(
            f"another `recovery schedule` is already running for {lock.parent} "
            f"(it holds {lock}); stop it first, or give this one another report_dir"
        )


class UnknownJob(Exception):
    def __init__(self, name: str, known: list[str]):
        listed = ", ".join(known) or "none are configured"
        super().__init__(f"no scheduled job is named {name!r}: the jobs are {listed}")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class DueRun:
    job: ReportJob
    scheduled_at: datetime
    attempt: int
    count_missed: int = 0


class Scheduler:
    def __init__(self, settings: Settings, *, clock: Clock = utc_now, execute: Execute = run_job):
        self.settings = settings
        self.clock = clock
        self.execute = execute
        self.run_log = RunLog(settings.report_dir)

    @property
    def jobs(self) -> list[ReportJob]:
        return self.settings.schedule.jobs

    def job(self, name: str) -> ReportJob:
        for job in self.jobs:
            if job.name == name:
                return job
        raise UnknownJob(name, [job.name for job in self.jobs])

    def _handled_until(self, history: JobHistory) -> datetime:
        """Fire times after this are still to run. One at the very moment the scheduler
        first knew the job counts."""
        start = history.known_since - timedelta(microseconds=1)
        latest = history.latest
        return max(start, latest.scheduled_at) if latest else start

    def _retry_at(self, history: JobHistory) -> datetime | None:
        """When the latest run, if it failed (or was cut off) and has tries left, is retried."""
        latest = history.latest
        if latest is None or latest.status == "success":
            return None
        if latest.attempt > self.settings.schedule.retries:
            return None
        delay = self.settings.schedule.retry_delay_seconds * 2 ** (latest.attempt - 1)
        return (latest.ended_at or latest.started_at) + timedelta(seconds=delay)

    def due(self, job: ReportJob, now: datetime) -> DueRun | None:
        history = self.run_log.know(job.name, now)
        fires = CronSchedule(job.cron, job.timezone).due_between(self._handled_until(history), now)
        if fires:
            return DueRun(job, fires[-1], attempt=1, count_missed=len(fires) - 1)
        retry_at = self._retry_at(history)
        if retry_at is not None and retry_at <= now:
            latest = history.latest
            return DueRun(job, latest.scheduled_at, attempt=latest.attempt + 1)
        return None

    def run(self, due: DueRun) -> Run:
        run = Run(
            due.job.name,
            due.scheduled_at,
            due.attempt,
            self.clock(),
            count_missed=due.count_missed,
        )
        self.run_log.record(run)
        log.info(
            "job %s: run for %s (try %d%s)",
            due.job.name,
            due.scheduled_at.isoformat(),
            due.attempt,
            f", {due.count_missed} missed runs folded in" if due.count_missed else "",
        )
        try:
            run.outputs = [
                str(path) for path in self.execute(due.job, due.scheduled_at, self.settings)
            ]
        except Exception as error:  # logged and retried; the other jobs still run
            self._end(run, "error", str(error) or type(error).__name__)
            log.error("job %s: failed: %s", due.job.name, run.error)
            return run
        except BaseException:  # stopped (Ctrl-C, SIGTERM): tried again after a restart
            self._end(run, "error", STOPPED)
            raise
        self._end(run, "success")
        return run

    def _end(self, run: Run, status: RunStatus, error: str | None = None) -> None:
        run.status, run.error, run.ended_at = status, error, self.clock()
        self.run_log.record(run)

    def tick(self) -> list[Run]:
        """Runs what is due now: at most one run per job."""
        runs = []
        for job in self.jobs:
            due = self.due(job, self.clock())
            if due is not None:
                runs.append(self.run(due))
        return runs

    def next_wake(self, now: datetime) -> datetime | None:
        """The earliest future fire time or retry over all jobs."""
        moments = []
        for job in self.jobs:
            history = self.run_log.know(job.name, now)
            schedule = CronSchedule(job.cron, job.timezone)
            moments.append(schedule.next_after(max(self._handled_until(history), now)))
            retry_at = self._retry_at(history)
            if retry_at is not None:
                moments.append(retry_at)
        return min(moments, default=None)

    def run_now(self, name: str) -> Run:
        """Runs one job at once, for the current time, trying again as configured."""
        job = self.job(name)
        scheduled_at = self.clock().replace(second=0, microsecond=0)
        run = self.run(DueRun(job, scheduled_at, attempt=1))
        while run.status != "success" and run.attempt <= self.settings.schedule.retries:
            delay = self.settings.schedule.retry_delay_seconds * 2 ** (run.attempt - 1)
            time.sleep(delay)
            run = self.run(DueRun(job, scheduled_at, attempt=run.attempt + 1))
        return run

    def run_forever(self, stop: threading.Event) -> None:
        with self._only_instance():
            log.info("scheduler started with %d jobs", len(self.jobs))
            while not stop.is_set():
                self.tick()
                now = self.clock()
                wake = self.next_wake(now)
                wait = self.settings.schedule.poll_seconds
                if wake is not None:
                    wait = min(wait, max((wake - now).total_seconds(), 0.0))
                stop.wait(wait)

    @contextmanager
    def _only_instance(self) -> Iterator[None]:
        self.settings.report_dir.mkdir(parents=True, exist_ok=True)
        lock = self.settings.report_dir / ".schedule.lock"
        with lock.open("a") as lock_file:
            try:
                fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as error:
                raise SchedulerAlreadyRunning(lock) from error
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)
