"""The schedule as crontab lines, for those who run the jobs from the system's cron."""

import shlex
from pathlib import Path

from recovery.settings import ReportJob

HEADER = [
    "# recovery report jobs: the same schedule as `recovery schedule`.",
    "# CRON_TZ sets the zone of the lines below it where cron reads it (cronie,",
    "# systemd-cron); a cron that does not reads them in the machine's own zone.",
]


def _cron_safe(command: str) -> str:
    """cron turns an unescaped % into a newline."""
    return command.replace("%", r"\%")


def crontab_lines(
    jobs: list[ReportJob],
    *,
    executable: str,
    workdir: Path,
    config_file: Path | None,
    log_file: Path,
) -> list[str]:
    environment = f"RECOVERY_CONFIG={shlex.quote(str(config_file))} " if config_file else ""
    lines = list(HEADER)
    zone = None
    for job in jobs:
        if job.timezone != zone:
            zone = job.timezone
            lines.append(f"CRON_TZ={zone}")
        # The log's folder is made first: on a fresh setup it does not exist yet.
        command = (
            f"cd {shlex.quote(str(workdir))} && mkdir -p {shlex.quote(str(log_file.parent))} && "
            f"{environment}{shlex.quote(executable)} schedule --run-job {shlex.quote(job.name)} "
            f">> {shlex.quote(str(log_file))} 2>&1"
        )
        lines.append(f"{job.cron} {_cron_safe(command)}")
    return lines
