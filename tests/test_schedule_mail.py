"""Reports mailed through a real SMTP server started on 127.0.0.1 for the test."""

import email
import email.policy
import socket
from datetime import datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from queries.filters import Filters
from recovery.settings import ReportJob, Settings, SmtpSettings
from reports.jobs import JobFailed, run_job
from reports.mail import MailNotConfigured

PDF_BYTES = b"%PDF-1.7\n% a report\n%%EOF\n"


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


def write_stub_pdf(template: str, filters: Filters, lang: str, out: Path, settings) -> None:
    out.write_bytes(PDF_BYTES)


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
                      write=write_stub_pdf)  # fmt: skip

    assert written == [tmp_path / "reports" / "manager_team-电催一组_2026-10_zh.pdf"]
    [(sender, recipients, content)] = inbox.messages
    assert (sender, recipients) == ("reports@bank.test", ["head@bank.test", "team@bank.test"])
    message = email.message_from_bytes(content, policy=email.policy.default)
    assert message["Subject"] == "催收回收分析 · 团队管理报告 · 2026-10 · 团队：电催一组"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "manager_team-电催一组_2026-10_zh.pdf"
    assert attachment.get_content() == PDF_BYTES
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
        job, datetime.fromisoformat("2026-11-01T08:00:00+08:00"), settings, write=write_stub_pdf
    )
    message = email.message_from_bytes(inbox.messages[0][2], policy=email.policy.default)
    assert message["Subject"] == "Collection recovery analytics · Executive report · 2026-10 · All"


def test_mail_without_a_server_is_refused_before_rendering(tmp_path):
    job = ReportJob(name="monthly", template="executive", cron="0 8 1 * *",
                    email_to=["board@bank.test"])  # fmt: skip
    with pytest.raises(MailNotConfigured, match=r"add \[smtp\] host"):
        run_job(job, datetime.fromisoformat("2026-11-01T08:00:00+08:00"),
                Settings(report_dir=tmp_path), write=write_stub_pdf)  # fmt: skip


def test_an_unreachable_server_fails_the_job_with_the_reason(tmp_path):
    settings = Settings(
        report_dir=tmp_path,
        smtp=SmtpSettings(host="127.0.0.1", port=free_port(), timeout_seconds=2),
    )
    job = ReportJob(name="monthly", template="executive", cron="0 8 1 * *",
                    email_to=["board@bank.test"])  # fmt: skip
    with pytest.raises(JobFailed, match="could not send the report through 127.0.0.1"):
        run_job(job, datetime.fromisoformat("2026-11-01T08:00:00+08:00"), settings,
                write=write_stub_pdf)  # fmt: skip
    assert (tmp_path / "executive_all_2026-10_zh.pdf").read_bytes() == PDF_BYTES
