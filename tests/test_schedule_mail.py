"""Reports mailed through a real SMTP server started on 127.0.0.1 for the test."""

import email
import email.policy
import socket
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from queries.filters import Filters
from recovery.settings import ReportJob, Settings, SmtpSettings
from reports.blocks import Column, Report, Section, Table
from reports.html import report_html
from reports.i18n import t
from reports.jobs import JobFailed, run_job
from reports.mail import MailNotConfigured
from reports.pdf import write_pdf
from reports.titles import report_title, scope_text


class Inbox:
    def __init__(self):
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def write_small_pdf(template: str, filters: Filters, lang: str, out: Path, settings) -> None:
    """A real PDF through the report's HTML and WeasyPrint, with no database or charts."""
    table = Table(None, (Column(t("report.col.measure", lang)),), ((filters.period,),))
    report = Report(
        lang=lang,
        title=report_title(template, lang),
        period_label=filters.period,
        scope=scope_text(filters, lang),
        generated_at="2026-11-02 08:00 Asia/Shanghai (UTC+08:00)",
        sections=(Section(report_title(template, lang), (table,)),),
    )
    write_pdf(report_html(report, lambda chart: ""), out)


def pdf_text(content: bytes, folder: Path) -> str:
    path = folder / "attachment.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_a_report_arrives_attached_with_its_subject(tmp_path, smtp_server):
    controller, inbox = smtp_server
    settings = Settings(
        db=tmp_path / "recovery.duckdb",
        report_dir=tmp_path / "reports",
        smtp=SmtpSettings(host="127.0.0.1", port=controller.port, sender="reports@bank.test"),
    )
    job = ReportJob(
        name="team-weekly",
        template="manager",
        team="电催一组",
        period="last_month",
        cron="0 8 * * 1",
        email_to=["head@bank.test", "team@bank.test"],
    )
    written = run_job(job, datetime.fromisoformat("2026-11-02T08:00:00+08:00"), settings,
                      write=write_small_pdf)  # fmt: skip

    assert written == [tmp_path / "reports" / "manager_team-电催一组_2026-10_zh.pdf"]
    [(sender, recipients, content)] = inbox.messages
    assert (sender, recipients) == ("reports@bank.test", ["head@bank.test", "team@bank.test"])
    message = email.message_from_bytes(content, policy=email.policy.default)
    assert message["Subject"] == "催收回收分析 · 团队管理报告 · 2026-10 · 团队：电催一组"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "manager_team-电催一组_2026-10_zh.pdf"
    assert attachment.get_content() == written[0].read_bytes()
    assert "团队管理报告" in pdf_text(attachment.get_content(), tmp_path)
    assert "2026-10" in message.get_body(preferencelist=("plain",)).get_content()


def test_english_subject(tmp_path, smtp_server):
    controller, inbox = smtp_server
    settings = Settings(
        db=tmp_path / "recovery.duckdb",
        report_dir=tmp_path / "reports",
        smtp=SmtpSettings(host="127.0.0.1", port=controller.port),
    )
    job = ReportJob(name="monthly", template="executive", lang="en", cron="0 8 1 * *",
                    email_to=["board@bank.test"])  # fmt: skip
    run_job(
        job, datetime.fromisoformat("2026-11-01T08:00:00+08:00"), settings, write=write_small_pdf
    )
    message = email.message_from_bytes(inbox.messages[0][2], policy=email.policy.default)
    assert message["Subject"] == "Collection recovery analytics · Executive report · 2026-10 · All"


def test_mail_without_a_server_is_refused_before_rendering(tmp_path):
    job = ReportJob(name="monthly", template="executive", cron="0 8 1 * *",
                    email_to=["board@bank.test"])  # fmt: skip
    with pytest.raises(MailNotConfigured, match=r"add \[smtp\] host"):
        run_job(job, datetime.fromisoformat("2026-11-01T08:00:00+08:00"),
                Settings(report_dir=tmp_path), write=write_small_pdf)  # fmt: skip


def test_an_unreachable_server_fails_the_job_with_the_reason(tmp_path):
    settings = Settings(
        report_dir=tmp_path,
        smtp=SmtpSettings(host="127.0.0.1", port=free_port(), timeout_seconds=2),
    )
    job = ReportJob(name="monthly", template="executive", cron="0 8 1 * *",
                    email_to=["board@bank.test"])  # fmt: skip
    with pytest.raises(JobFailed, match="could not send the report through 127.0.0.1"):
        run_job(job, datetime.fromisoformat("2026-11-01T08:00:00+08:00"), settings,
                write=write_small_pdf)  # fmt: skip
    assert (tmp_path / "executive_all_2026-10_zh.pdf").read_bytes().startswith(b"%PDF")
