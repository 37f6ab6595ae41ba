"""`recovery report` and `recovery schedule` through the real entry point."""

import os
import subprocess
import sys
from pathlib import Path

RECOVERY = Path(sys.executable).parent / "recovery"

CONFIG = """
db = "{db}"
report_dir = "{folder}/reports"

[[schedule.jobs]]
name = "executive-monthly"
template = "executive"
cron = "0 8 1 * *"

[[schedule.jobs]]
name = "managers-weekly"
template = "manager"
team = "*"
period = "month_to_date"
cron = "0 8 * * 1"
timezone = "Europe/Berlin"
"""


def run(*args: str, config: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "RECOVERY_CONFIG": str(config), "COLUMNS": "200"}
    env.pop("RECOVERY_DB", None)
    return subprocess.run(
        [str(RECOVERY), *args], capture_output=True, text=True, env=env, cwd=config.parent,
        timeout=120,
    )  # fmt: skip


def write_config(folder: Path, text: str = CONFIG) -> Path:
    config = folder / "recovery.toml"
    config.write_text(text.format(db=folder / "recovery.duckdb", folder=folder))
    return config


def test_print_crontab(tmp_path):
    config = write_config(tmp_path)
    result = run("schedule", "--print-crontab", config=config)
    assert result.returncode == 0, result.stderr
    command = (
        f"cd {tmp_path} && mkdir -p {tmp_path}/reports && RECOVERY_CONFIG={config} {RECOVERY} "
        "schedule --run-job"
    )
    log = f">> {tmp_path}/reports/cron.log 2>&1"
    lines = result.stdout.splitlines()[3:]
    assert lines == [
        "CRON_TZ=Asia/Shanghai",
        f"0 8 1 * * {command} executive-monthly {log}",
        "CRON_TZ=Europe/Berlin",
        f"0 8 * * 1 {command} managers-weekly {log}",
    ]
    # As cron runs it on a fresh setup, where the reports folder does not exist yet: the
    # job (here with no database) writes why it failed to the log instead of failing unseen.
    assert not (tmp_path / "reports").exists()
    retries = {**os.environ, "RECOVERY_SCHEDULE__RETRIES": "0"}
    shell = subprocess.run(["sh", "-c", lines[1].split(" ", 5)[5]], capture_output=True,
                           text=True, timeout=120, env=retries)  # fmt: skip
    assert shell.returncode != 0 and shell.stderr == ""
    assert "no database at" in (tmp_path / "reports" / "cron.log").read_text()


def test_errors_a_user_can_act_on(tmp_path):
    config = write_config(tmp_path)
    unknown = run("report", "--template", "board", "--period", "2026-10", "--out", "x.pdf",
                  config=config)  # fmt: skip
    assert unknown.returncode == 2
    assert "use one of executive, manager" in unknown.stderr
    no_data = run("report", "--template", "executive", "--period", "2026-10", "--out", "x.pdf",
                  config=config)  # fmt: skip
    assert no_data.returncode == 2
    assert "no database at" in no_data.stderr and "recovery load" in no_data.stderr
    assert not (tmp_path / "x.pdf").exists()
    no_job = run("schedule", "--run-job", "daily", config=config)
    assert no_job.returncode == 2
    assert "no scheduled job is named 'daily'" in no_job.stderr


def test_a_schedule_without_jobs_says_how_to_add_them(tmp_path):
    config = write_config(tmp_path, 'db = "{db}"\n')
    result = run("schedule", config=config)
    assert result.returncode == 1
    assert "add [[schedule.jobs]] to the config" in result.stderr
