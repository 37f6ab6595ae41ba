"""The command line's part in access control: `recovery serve` refuses an address other
machines can reach while no users are configured, and reports (by hand or scheduled) and
the JSON export of the KPIs are recorded in the audit log with who, what and the filters."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from argon2 import PasswordHasher, profiles
from typer.testing import CliRunner

import reports.render
from recovery.audit import AuditLog, operator
from recovery.cli import app, is_loopback
from recovery.settings import ReportJob, Settings, get_settings
from recovery.users import User, UserStore
from reports.jobs import JobFailed, run_job
from tests.dashboard_demo import DEMO_PERIOD, build_demo_db

RECOVERY = Path(sys.executable).parent / "recovery"


def serve(folder: Path, host: str) -> subprocess.CompletedProcess:
    env = {name: value for name, value in os.environ.items() if not name.startswith("RECOVERY_")}
    env |= {
        "RECOVERY_USERS_FILE": str(folder / "users.json"),
        "RECOVERY_AUDIT_LOG": str(folder / "audit.log"),
        "RECOVERY_DB": str(folder / "recovery.duckdb"),
        "RECOVERY_CONFIG": str(folder / "absent.toml"),
    }
    return subprocess.run([str(RECOVERY), "serve", "--host", host, "--port", "1"],
                          capture_output=True, text=True, env=env, cwd=folder,
                          timeout=60)  # fmt: skip


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.0.0.7", "dashboard.bank.example"])
def test_serve_refuses_other_addresses_while_no_users_are_configured(tmp_path, host) -> None:
    result = serve(tmp_path, host)
    assert result.returncode == 1
    assert f"refusing to serve on {host}: no dashboard users are configured" in result.stderr
    assert f"拒绝在 {host} 上提供服务" in result.stderr
    assert "Dashboard on" not in result.stdout


def test_serve_refuses_a_damaged_users_file(tmp_path) -> None:
    (tmp_path / "users.json").write_text('{"version": 1, "users": [{"name": "x"}]}', "utf-8")
    result = serve(tmp_path, "0.0.0.0")
    assert result.returncode == 2
    assert "cannot be read as a users file" in result.stderr


@pytest.mark.parametrize(
    ("host", "local"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True),
     ("127.0.0.2", True), ("0.0.0.0", False), ("::", False), ("192.168.1.5", False),
     ("localhost.example", False)],
)  # fmt: skip
def test_which_addresses_are_this_machine_only(host: str, local: bool) -> None:
    assert is_loopback(host) is local


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_db(tmp_path_factory.mktemp("access-cli"), loans=300)


@pytest.fixture
def configured(book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AuditLog]:
    """The command line's settings for the book, with an audit log of this test's own."""
    monkeypatch.setenv("RECOVERY_DB", str(book))
    monkeypatch.setenv("RECOVERY_AUDIT_LOG", str(tmp_path / "audit.log"))
    monkeypatch.setenv("RECOVERY_CONFIG", str(tmp_path / "absent.toml"))
    get_settings.cache_clear()
    yield AuditLog(tmp_path / "audit.log", ZoneInfo(get_settings().timezone))
    get_settings.cache_clear()


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    calls: list[tuple] = []

    def fake_write_report(template, filters, lang, out, settings, **_):
        calls.append((template, filters, lang))
        out.write_bytes(b"%PDF-1.7 report")
        return out

    monkeypatch.setattr(reports.render, "write_report", fake_write_report)
    return calls


def test_a_report_is_audited(configured: AuditLog, written, tmp_path: Path) -> None:
    out = tmp_path / "team.pdf"
    args = ["report", "--template", "manager", "--period", DEMO_PERIOD, "--lang", "en",
            "--team", "总部电催一组", "--out", str(out)]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == b"%PDF-1.7 report"
    [event] = configured.read(action="report").events
    assert {k: v for k, v in event.items() if k != "at"} == {
        "user": operator(),
        "action": "report",
        "client": "command line",
        "template": "manager",
        "lang": "en",
        "file": str(out),
        "filters": {"period": DEMO_PERIOD, "team": "总部电催一组"},
    }


def test_a_report_that_cannot_be_audited_is_not_left(configured, written, tmp_path) -> None:
    (tmp_path / "audit.log").mkdir()  # a folder where the log should be: it cannot be written
    out = tmp_path / "report.pdf"
    args = ["report", "--template", "executive", "--period", DEMO_PERIOD, "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code != 0
    assert not out.exists()


def test_the_kpis_export_is_audited(configured: AuditLog) -> None:
    args = ["kpis", "--period", DEMO_PERIOD, "--branch", "武汉分行", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["period"] == DEMO_PERIOD
    [event] = configured.read(action="export").events
    assert (event["user"], event["client"], event["what"], event["format"], event["filters"]) == (
        operator(), "command line", "kpis", "json", {"period": DEMO_PERIOD, "branch": "武汉分行"}
    )  # fmt: skip
    assert CliRunner().invoke(app, ["kpis", "--period", DEMO_PERIOD]).exit_code == 0
    assert len(configured.read(action="export").events) == 1, "a table on screen is no export"


def test_scheduled_reports_are_audited(configured: AuditLog, tmp_path: Path) -> None:
    settings = Settings(report_dir=tmp_path / "reports")
    job = ReportJob(name="managers", template="manager", team="*", period="2026-10",
                    cron="0 8 * * 1")  # fmt: skip

    def write(template, filters, lang, path, settings):
        path.write_bytes(b"%PDF")

    written = run_job(job, datetime.fromisoformat("2026-11-02T08:00:00+08:00"), settings,
                      write=write, team_names=lambda db, f: ["A", "B"])  # fmt: skip
    events = configured.read(action="report").events
    assert [(e["client"], e["job"], e["template"], e["filters"], e["file"]) for e in events] == [
        ("schedule", "managers", "manager", {"period": "2026-10", "team": team}, str(path))
        for team, path in zip(["A", "B"], written, strict=True)
    ]
    assert all(e["user"] == operator() for e in events)


def test_a_scheduled_report_that_cannot_be_audited_fails(configured, tmp_path: Path) -> None:
    (tmp_path / "audit.log").mkdir()
    settings = Settings(report_dir=tmp_path / "reports")
    job = ReportJob(name="boss", template="executive", period="2026-10", cron="0 8 * * 1")
    with pytest.raises(JobFailed, match="audit log"):
        run_job(job, datetime.fromisoformat("2026-11-02T08:00:00+08:00"), settings,
                write=lambda *args: args[3].write_bytes(b"%PDF"))  # fmt: skip
    assert list((tmp_path / "reports").glob("*.pdf")) == []


def test_the_gate_of_the_dashboard_reads_the_users_file_of_the_settings(tmp_path) -> None:
    from dashboard.auth import login_required

    settings = Settings(users_file=tmp_path / "users.json")
    assert not login_required(settings)
    store = UserStore(settings.users_file, PasswordHasher.from_parameters(profiles.CHEAPEST))
    store.add(User("boss", "executive"), "correct horse battery")
    assert login_required(settings)
