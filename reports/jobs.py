"""One scheduled job, run once for one fire time: its reports written, recorded in the
audit log, then mailed."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from queries.filters import Filters
from recovery.audit import AuditError, AuditLog, filters_detail, operator
from recovery.settings import ReportJob, Settings
from reports.files import write_atomically
from reports.i18n import t
from reports.mail import MailNotConfigured, report_message, send
from reports.naming import report_filename
from reports.periods import report_period
from reports.titles import mail_subject, report_title, scope_text

log = logging.getLogger(__name__)

EACH_TEAM = "*"

WriteReport = Callable[[str, Filters, str, Path, Settings], object]
TeamNames = Callable[[Path, Filters], list[str]]


class JobFailed(Exception):
    def __init__(self, job: str, failures: list[str]):
        super().__init__(f"job {job!r}: " + "; ".join(failures))


@dataclass(frozen=True)
class ReportRequest:
    template: str
    filters: Filters
    lang: str
    out: Path


def _default_writer() -> WriteReport:
    from reports.render import write_report

    return write_report


def _default_team_names() -> TeamNames:
    from queries.report_scope import team_names

    return team_names


def requests_for(
    job: ReportJob, scheduled_at: datetime, settings: Settings, team_names: TeamNames
) -> list[ReportRequest]:
    """The reports a job makes for one fire time; the period is told from the fire time's
    date in the job's own zone."""
    run_on = scheduled_at.astimezone(ZoneInfo(job.timezone)).date()
    base = Filters(report_period(job.period, run_on), branch=job.branch, product=job.product)
    teams = team_names(settings.db, base) if job.team == EACH_TEAM else [job.team]
    return [
        ReportRequest(
            job.template,
            filters,
            job.lang,
            settings.report_dir / report_filename(job.template, filters, job.lang),
        )
        for filters in (Filters(**{**vars(base), "team": team}) for team in teams)
    ]


def run_job(
    job: ReportJob,
    scheduled_at: datetime,
    settings: Settings,
    *,
    write: WriteReport | None = None,
    team_names: TeamNames | None = None,
) -> list[Path]:
    """Writes every report of the job and mails each to `email_to`. One report failing
    does not stop the others; the job fails at the end, naming what failed."""
    if job.email_to and not settings.smtp.host:
        raise MailNotConfigured(job.name)
    write = write or _default_writer()
    requests = requests_for(job, scheduled_at, settings, team_names or _default_team_names())
    written, failures = [], []
    for request in requests:
        try:
            write_atomically(
                request.out,
                lambda path, r=request: write(r.template, r.filters, r.lang, path, settings),
            )
            _audit(job, request, settings)
            written.append(request.out)
            if job.email_to:
                _mail(job, request, settings)
        except Exception as error:  # one report's failure must not stop the next
            log.exception("job %s: %s failed", job.name, request.out.name)
            failures.append(f"{request.out.name}: {error}")
    if failures:
        raise JobFailed(job.name, failures)
    return written


def _audit(job: ReportJob, request: ReportRequest, settings: Settings) -> None:
    """Records the report as produced by the account running the scheduler; a report that
    cannot be recorded is removed and counts as failed."""
    try:
        AuditLog.from_settings(settings).record(
            "report",
            user=operator(),
            client="schedule",
            job=job.name,
            template=request.template,
            lang=request.lang,
            file=str(request.out),
            filters=filters_detail(request.filters),
        )
    except AuditError:
        request.out.unlink(missing_ok=True)
        raise


def _mail(job: ReportJob, request: ReportRequest, settings: Settings) -> None:
    generated_at = datetime.now(ZoneInfo(settings.timezone))
    body = t(
        "report.mail_body",
        request.lang,
        period=request.filters.period,
        report=report_title(request.template, request.lang),
        scope=scope_text(request.filters, request.lang),
        generated_at=f"{generated_at:%Y-%m-%d %H:%M %Z}",
    )
    subject = mail_subject(request.template, request.filters, request.lang)
    send(settings.smtp, report_message(settings.smtp, job.email_to, subject, body, request.out))
    log.info("job %s: mailed %s to %s", job.name, request.out.name, ", ".join(job.email_to))
