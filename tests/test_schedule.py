"""The scheduler against a controlled clock: which jobs fire at which local times, a run
missed while it was down caught up once, a failing job retried without stopping others."""

import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from recovery.settings import ReportJob, ScheduleSettings, Settings
from reports.crontab import crontab_lines
from reports.files import write_atomically
from reports.jobs import requests_for
from reports.periods import report_period
from reports.runlog import Run, RunLog
from reports.schedule import STOPPED, Scheduler, UnknownJob


class Clock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def make_settings(tmp_path: Path, *jobs: ReportJob, retries: int = 2) -> Settings:
    return Settings(
        db=tmp_path / "recovery.duckdb",
        report_dir=tmp_path / "reports",
        schedule=ScheduleSettings(jobs=list(jobs), retries=retries, retry_delay_seconds=60),
    )


class Recorder:
    """Stands in for the report writer: notes which files a run would write, when."""

    def __init__(self, clock: Clock, failing: dict[str, int] | None = None):
        self.clock = clock
        self.failing = dict(failing or {})
        self.calls: list[tuple[str, str, str, list[str]]] = []

    def __call__(self, job: ReportJob, scheduled_at: datetime, settings: Settings) -> list[Path]:
        requests = requests_for(job, scheduled_at, settings, lambda db, f: ["A", "B"])
        names = [r.out.name for r in requests]
        self.calls.append((job.name, self.clock().isoformat(), scheduled_at.isoformat(), names))
        if self.failing.get(job.name, 0) > 0:
            self.failing[job.name] -= 1
            raise RuntimeError("database is being replaced")
        return [r.out for r in requests]


def step_through(scheduler: Scheduler, clock: Clock, start: str, end: str, minutes: int = 15):
    clock.now = at(start)
    while clock.now <= at(end):
        scheduler.tick()
        clock.now += timedelta(minutes=minutes)


EXECUTIVE_MONTHLY = ReportJob(
    name="executive-monthly", template="executive", cron="0 7 1 * *", timezone="Asia/Shanghai"
)
MANAGER_WEEKLY = ReportJob(
    name="manager-weekly",
    template="manager",
    team="*",
    period="month_to_date",
    lang="en",
    cron="0 8 * * 1",
)


def test_jobs_fire_at_local_times_across_a_month_boundary(tmp_path):
    clock = Clock(at("2026-11-28T00:00:00+00:00"))
    recorder = Recorder(clock)
    settings = make_settings(tmp_path, EXECUTIVE_MONTHLY, MANAGER_WEEKLY)
    scheduler = Scheduler(settings, clock=clock, execute=recorder)

    step_through(scheduler, clock, "2026-11-28T00:00:00+00:00", "2026-12-08T00:00:00+00:00")

    # 07:00 on 1 December in Shanghai is still 30 November in UTC: the period is told from
    # the local date, so it is November.
    assert recorder.calls == [
        (
            "manager-weekly",
            "2026-11-30T00:00:00+00:00",
            "2026-11-30T08:00:00+08:00",
            ["manager_team-A_2026-11_en.pdf", "manager_team-B_2026-11_en.pdf"],
        ),
        (
            "executive-monthly",
            "2026-11-30T23:00:00+00:00",
            "2026-12-01T07:00:00+08:00",
            ["executive_all_2026-11_zh.pdf"],
        ),
        (
            "manager-weekly",
            "2026-12-07T00:00:00+00:00",
            "2026-12-07T08:00:00+08:00",
            ["manager_team-A_2026-12_en.pdf", "manager_team-B_2026-12_en.pdf"],
        ),
    ]


def test_local_times_hold_across_daylight_saving_changes(tmp_path):
    nightly = ReportJob(
        name="nightly", template="executive", cron="30 1 * * *", timezone="America/New_York"
    )
    early = ReportJob(
        name="early", template="executive", cron="30 2 * * *", timezone="America/New_York"
    )
    clock = Clock(at("2026-03-06T12:00:00+00:00"))
    recorder = Recorder(clock)
    scheduler = Scheduler(make_settings(tmp_path, nightly, early), clock=clock, execute=recorder)

    # Clocks go forward at 02:00 on 8 March 2026: 02:30 does not exist that day.
    step_through(scheduler, clock, "2026-03-06T12:00:00+00:00", "2026-03-09T12:00:00+00:00")
    spring = [(job, ran, scheduled) for job, ran, scheduled, _ in recorder.calls]
    assert spring == [
        ("nightly", "2026-03-07T06:30:00+00:00", "2026-03-07T01:30:00-05:00"),
        ("early", "2026-03-07T07:30:00+00:00", "2026-03-07T02:30:00-05:00"),
        ("nightly", "2026-03-08T06:30:00+00:00", "2026-03-08T01:30:00-05:00"),
        ("early", "2026-03-08T07:00:00+00:00", "2026-03-08T03:00:00-04:00"),
        ("nightly", "2026-03-09T05:30:00+00:00", "2026-03-09T01:30:00-04:00"),
        ("early", "2026-03-09T06:30:00+00:00", "2026-03-09T02:30:00-04:00"),
    ]

    # Clocks go back at 02:00 on 1 November 2026: 01:30 happens twice and fires once.
    recorder.calls.clear()
    clock.now = at("2026-10-31T00:00:00+00:00")
    scheduler = Scheduler(
        make_settings(tmp_path / "autumn", nightly, early), clock=clock, execute=recorder
    )
    step_through(scheduler, clock, "2026-10-31T00:00:00+00:00", "2026-11-02T12:00:00+00:00")
    autumn = [(job, ran, scheduled) for job, ran, scheduled, _ in recorder.calls]
    assert autumn == [
        ("nightly", "2026-10-31T05:30:00+00:00", "2026-10-31T01:30:00-04:00"),
        ("early", "2026-10-31T06:30:00+00:00", "2026-10-31T02:30:00-04:00"),
        ("nightly", "2026-11-01T05:30:00+00:00", "2026-11-01T01:30:00-04:00"),
        ("early", "2026-11-01T07:30:00+00:00", "2026-11-01T02:30:00-05:00"),
        ("nightly", "2026-11-02T06:30:00+00:00", "2026-11-02T01:30:00-05:00"),
        ("early", "2026-11-02T07:30:00+00:00", "2026-11-02T02:30:00-05:00"),
    ]


def test_runs_missed_while_down_are_caught_up_once(tmp_path):
    clock = Clock(at("2026-10-30T12:00:00+00:00"))
    recorder = Recorder(clock)
    settings = make_settings(tmp_path, EXECUTIVE_MONTHLY, MANAGER_WEEKLY)
    assert Scheduler(settings, clock=clock, execute=recorder).tick() == []

    # Down from 30 October to 20 November: the 1 November executive run and the Monday
    # runs of 2, 9 and 16 November were missed.
    clock.now = at("2026-11-20T03:00:00+00:00")
    restarted = Scheduler(settings, clock=clock, execute=recorder)
    runs = restarted.tick()
    assert [(r.job, r.scheduled_at.isoformat(), r.count_missed, r.status) for r in runs] == [
        ("executive-monthly", "2026-11-01T07:00:00+08:00", 0, "success"),
        ("manager-weekly", "2026-11-16T08:00:00+08:00", 2, "success"),
    ]
    assert restarted.tick() == []
    clock.now += timedelta(hours=1)
    assert Scheduler(settings, clock=clock, execute=recorder).tick() == []
    assert [call[3] for call in recorder.calls] == [
        ["executive_all_2026-10_zh.pdf"],
        ["manager_team-A_2026-11_en.pdf", "manager_team-B_2026-11_en.pdf"],
    ]


def test_a_failing_job_is_retried_and_does_not_stop_the_next(tmp_path):
    broken = ReportJob(name="broken", template="executive", cron="0 8 * * *")
    fine = ReportJob(name="fine", template="manager", cron="0 8 * * *")
    clock = Clock(at("2026-11-01T00:00:00+00:00"))
    recorder = Recorder(clock, failing={"broken": 3})
    scheduler = Scheduler(make_settings(tmp_path, broken, fine), clock=clock, execute=recorder)
    step_through(scheduler, clock, "2026-11-01T00:00:00+00:00", "2026-11-02T12:00:00+00:00", 1)

    history = RunLog(tmp_path / "reports").read()
    broken_runs = [
        (r.scheduled_at.isoformat(), r.attempt, r.started_at.isoformat(), r.status, r.error)
        for r in history["broken"].runs
    ]
    error = "database is being replaced"
    assert broken_runs == [
        # the first try and two retries, 60 s then 120 s apart; then no more that day
        ("2026-11-01T08:00:00+08:00", 1, "2026-11-01T00:00:00+00:00", "error", error),
        ("2026-11-01T08:00:00+08:00", 2, "2026-11-01T00:01:00+00:00", "error", error),
        ("2026-11-01T08:00:00+08:00", 3, "2026-11-01T00:03:00+00:00", "error", error),
        # the next day's run succeeds
        ("2026-11-02T08:00:00+08:00", 1, "2026-11-02T00:00:00+00:00", "success", None),
    ]
    fine_runs = [(r.scheduled_at.isoformat(), r.status) for r in history["fine"].runs]
    assert fine_runs == [
        ("2026-11-01T08:00:00+08:00", "success"),
        ("2026-11-02T08:00:00+08:00", "success"),
    ]
    assert history["fine"].runs[0].outputs == [
        str(tmp_path / "reports" / "manager_all_2026-10_zh.pdf")
    ]


def test_a_run_cut_off_by_a_crash_is_tried_again_after_restart(tmp_path):
    job = ReportJob(name="daily", template="executive", cron="0 8 * * *")
    clock = Clock(at("2026-11-01T00:05:00+00:00"))
    settings = make_settings(tmp_path, job)
    # The process was killed during the 08:00 run: the log still says "working".
    log = RunLog(settings.report_dir)
    log.know("daily", at("2026-10-31T00:00:00+00:00"))
    log.record(Run("daily", at("2026-11-01T08:00:00+08:00"), 1, at("2026-11-01T00:00:00+00:00")))

    runs = Scheduler(settings, clock=clock, execute=Recorder(clock)).tick()
    assert [(r.scheduled_at.isoformat(), r.attempt, r.status) for r in runs] == [
        ("2026-11-01T08:00:00+08:00", 2, "success")
    ]


def test_a_stopped_run_is_logged_and_tried_again_after_restart(tmp_path):
    job = ReportJob(name="daily", template="executive", cron="0 8 * * *")
    clock = Clock(at("2026-11-01T00:00:00+00:00"))
    settings = make_settings(tmp_path, job)

    def stopped(job, scheduled_at, settings):
        raise KeyboardInterrupt  # Ctrl-C or SIGTERM during the run

    with pytest.raises(KeyboardInterrupt):
        Scheduler(settings, clock=clock, execute=stopped).tick()
    [run] = RunLog(settings.report_dir).read()["daily"].runs
    assert (run.status, run.error) == ("error", STOPPED)

    clock.now += timedelta(minutes=5)
    runs = Scheduler(settings, clock=clock, execute=Recorder(clock)).tick()
    assert [(r.attempt, r.status) for r in runs] == [(2, "success")]


def test_next_wake_is_the_earliest_fire_time_or_retry(tmp_path):
    clock = Clock(at("2026-11-20T03:00:00+00:00"))
    scheduler = Scheduler(
        make_settings(tmp_path, EXECUTIVE_MONTHLY, MANAGER_WEEKLY),
        clock=clock,
        execute=Recorder(clock),
    )
    assert scheduler.next_wake(clock.now) == at("2026-11-23T08:00:00+08:00")


def test_run_now_runs_one_named_job(tmp_path):
    clock = Clock(at("2026-11-20T03:00:30+00:00"))
    recorder = Recorder(clock)
    scheduler = Scheduler(make_settings(tmp_path, EXECUTIVE_MONTHLY), clock=clock, execute=recorder)
    run = scheduler.run_now("executive-monthly")
    assert (run.scheduled_at.isoformat(), run.status) == ("2026-11-20T03:00:00+00:00", "success")
    assert recorder.calls[0][3] == ["executive_all_2026-10_zh.pdf"]
    with pytest.raises(UnknownJob, match="no scheduled job is named 'weekly'"):
        scheduler.run_now("weekly")


def test_two_writers_of_one_file_take_turns(tmp_path):
    target = tmp_path / "out" / "executive_all_2026-10_zh.pdf"
    active, most_active = [0], [0]
    guard = threading.Lock()

    def slow_write(text: str):
        def write(path: Path) -> None:
            with guard:
                active[0] += 1
                most_active[0] = max(most_active[0], active[0])
            path.write_text(text[:5])
            time.sleep(0.2)
            path.write_text(text)
            with guard:
                active[0] -= 1

        return write

    writers = [
        threading.Thread(target=write_atomically, args=(target, slow_write(text)))
        for text in ("first report", "second report")
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    assert most_active[0] == 1
    assert target.read_text() in {"first report", "second report"}
    assert [p.name for p in target.parent.iterdir() if not p.name.startswith(".")] == [target.name]


def test_a_failed_write_leaves_the_old_file(tmp_path):
    target = tmp_path / "report.pdf"
    target.write_text("old")

    def fail(path: Path) -> None:
        path.write_text("half")
        raise RuntimeError("chart failed")

    with pytest.raises(RuntimeError):
        write_atomically(target, fail)
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf"]  # no lock file left


@pytest.mark.parametrize(
    ("spec", "run_on", "period"),
    [
        ("last_month", date(2026, 12, 1), "2026-11"),
        ("last_month", date(2026, 1, 15), "2025-12"),
        ("month_to_date", date(2026, 12, 1), "2026-11"),
        ("month_to_date", date(2026, 12, 7), "2026-12"),
        ("2026-06", date(2026, 12, 7), "2026-06"),
    ],
)
def test_report_period(spec, run_on, period):
    assert report_period(spec, run_on) == period


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cron", "0 8 * *", "not a crontab expression of 5 fields"),
        ("cron", "61 8 * * *", "not a crontab expression of 5 fields"),
        ("timezone", "Asia/Beijing", "unknown time zone 'Asia/Beijing'"),
        ("period", "last_week", "use last_month, month_to_date or YYYY-MM"),
        ("template", "board", "'executive' or 'manager'"),
    ],
)
def test_job_settings_are_checked(field, value, message):
    job = {"name": "j", "template": "executive", "cron": "0 8 1 * *", field: value}
    with pytest.raises(ValidationError, match=message):
        ReportJob(**job)


def test_job_names_are_unique():
    job = ReportJob(name="monthly", template="executive", cron="0 8 1 * *")
    with pytest.raises(ValidationError, match="monthly appear twice"):
        ScheduleSettings(jobs=[job, job])


def test_crontab_lines():
    lines = crontab_lines(
        [
            EXECUTIVE_MONTHLY,
            MANAGER_WEEKLY,
            ReportJob(
                name="ny 100%", template="executive", cron="0 8 1 * *", timezone="America/New_York"
            ),
        ],
        executable="/srv/recovery/.venv/bin/recovery",
        workdir=Path("/srv/recovery"),
        config_file=Path("/etc/recovery.toml"),
        log_file=Path("/srv/recovery/data/reports/cron.log"),
    )
    run = (
        "cd /srv/recovery && mkdir -p /srv/recovery/data/reports && "
        "RECOVERY_CONFIG=/etc/recovery.toml "
        "/srv/recovery/.venv/bin/recovery schedule --run-job"
    )
    log = ">> /srv/recovery/data/reports/cron.log 2>&1"
    assert lines[3:] == [
        "CRON_TZ=Asia/Shanghai",
        f"0 7 1 * * {run} executive-monthly {log}",
        f"0 8 * * 1 {run} manager-weekly {log}",
        "CRON_TZ=America/New_York",
        f"0 8 1 * * {run} 'ny 100\\%' {log}",
    ]
    assert all(line.startswith("#") for line in lines[:3])
