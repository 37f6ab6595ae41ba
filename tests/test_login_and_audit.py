"""Logging in with throttling, and the audit log, on an injected clock."""

import json
import multiprocessing
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from argon2 import PasswordHasher, profiles

from recovery.audit import (
    AuditLog,
    AuditLogUnwritable,
    BadSince,
    UnknownAuditAction,
)
from recovery.login import Gatekeeper, LoginAttempt, LoginThrottle
from recovery.settings import LoginSettings, Settings
from recovery.users import User, UserStore

SHANGHAI = ZoneInfo("Asia/Shanghai")
PASSWORD = "correct horse battery"
WRONG = "wrong password!"
START = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)


class Clock:
    """Seconds since START; tests move it on by hand."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def monotonic(self) -> float:
        return self.seconds

    def now(self) -> datetime:
        return START + timedelta(seconds=self.seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def throttle_of(clock: Clock, **limits: float) -> LoginThrottle:
    return LoginThrottle(LoginSettings(**limits), clock=clock.monotonic)


# --- throttle -----------------------------------------------------------------------------


def test_the_fifth_failure_refuses_for_a_delay_that_doubles(clock: Clock) -> None:
    throttle = throttle_of(clock)
    waits = []
    for _ in range(8):
        throttle.failed("mgr", "10.0.0.7")
        waits.append(throttle.retry_after("mgr", "10.0.0.7"))
        clock.seconds += waits[-1]  # wait out each refusal, then fail again
    assert waits == [0, 0, 0, 0, 30, 60, 120, 240]


def test_a_refusal_ends_after_its_delay(clock: Clock) -> None:
    throttle = throttle_of(clock)
    for _ in range(5):
        throttle.failed("mgr", "10.0.0.7")
    clock.seconds += 29
    assert throttle.retry_after("mgr", "10.0.0.7") == pytest.approx(1)
    clock.seconds += 1
    assert throttle.retry_after("mgr", "10.0.0.7") == 0


def test_failures_count_per_name_and_client(clock: Clock) -> None:
    throttle = throttle_of(clock)
    for _ in range(5):
        throttle.failed("mgr", "10.0.0.7")
    assert throttle.retry_after("mgr", "10.0.0.7") == 30
    assert throttle.retry_after("mgr", "10.0.0.8") == 0
    assert throttle.retry_after("boss", "10.0.0.7") == 0


def test_failures_are_forgotten_after_a_quiet_window_and_after_a_success(clock: Clock) -> None:
    throttle = throttle_of(clock)
    for _ in range(4):
        throttle.failed("mgr", "c")
    clock.seconds += 15 * 60
    throttle.failed("mgr", "c")
    assert throttle.retry_after("mgr", "c") == 0, "the first four were 15 minutes ago"
    for _ in range(3):
        throttle.failed("mgr", "c")
    throttle.succeeded("mgr", "c")
    throttle.failed("mgr", "c")
    assert throttle.retry_after("mgr", "c") == 0


def test_the_delay_grows_no_longer_than_the_longest(clock: Clock) -> None:
    throttle = throttle_of(clock, max_failures=2, first_delay_seconds=10, longest_delay_seconds=50)
    waits = []
    for _ in range(200):
        throttle.failed("mgr", "c")
        waits.append(throttle.retry_after("mgr", "c"))
        clock.seconds += waits[-1]
    assert waits[:6] == [0, 10, 20, 40, 50, 50]
    assert max(waits) == 50


def test_attempts_admitted_at_once_are_no_more_than_the_failures_left(clock: Clock) -> None:
    throttle = throttle_of(clock)
    throttle.failed("mgr", "c")
    admitted = [throttle.admit("mgr", "c") == 0 for _ in range(10)]
    assert admitted == [True] * 4 + [False] * 6, "four failures left before the refusals"
    assert throttle.admit("mgr", "c") == 30, "the wait if all four fail"
    throttle.released("mgr", "c")  # one was not checked after all: its place is free again
    assert throttle.admit("mgr", "c") == 0
    for _ in range(4):
        throttle.failed("mgr", "c")
    assert throttle.admit("mgr", "c") == 30
    clock.seconds += 30
    assert [throttle.admit("mgr", "c") == 0 for _ in range(3)] == [True, False, False]
    throttle.succeeded("mgr", "c")
    assert throttle.admit("mgr", "c") == 0


def test_many_names_tried_once_are_swept_away(clock: Clock) -> None:
    throttle = throttle_of(clock)
    for i in range(1500):
        throttle.failed(f"guess{i}", "c")
    clock.seconds += 15 * 60
    throttle.failed("last", "c")
    assert len(throttle._records) <= 1500
    for i in range(1100):
        throttle.failed(f"again{i}", "c")
    assert len(throttle._records) <= 1101


# --- gatekeeper ---------------------------------------------------------------------------


@pytest.fixture
def gatekeeper(tmp_path: Path, clock: Clock) -> Gatekeeper:
    store = UserStore(tmp_path / "users.json", PasswordHasher.from_parameters(profiles.CHEAPEST))
    store.add(User("mgr", "manager", ("T1",)), PASSWORD)
    audit = AuditLog(tmp_path / "audit.log", SHANGHAI, clock=clock.now)
    return Gatekeeper(store, throttle_of(clock), audit)


def test_logins_audited_ok_failed_throttled_and_logout(gatekeeper: Gatekeeper) -> None:
    user = User("mgr", "manager", ("T1",))
    account = gatekeeper.store.account("mgr")
    assert gatekeeper.log_in("mgr", PASSWORD, "10.0.0.7") == LoginAttempt("ok", user, 0, account)
    attempts = [gatekeeper.log_in("mgr", WRONG, "10.0.0.7") for _ in range(5)]
    assert [a.status for a in attempts] == ["failed"] * 5
    assert attempts[-1].retry_after_seconds == 30
    throttled = gatekeeper.log_in("mgr", PASSWORD, "10.0.0.7")
    assert throttled == LoginAttempt("throttled", None, 30)
    assert gatekeeper.log_in("mgr", PASSWORD, "10.0.0.9").status == "ok"
    gatekeeper.log_out(user, "10.0.0.9")

    events = gatekeeper.audit.read().events
    assert [(e["action"], e["user"], e["client"]) for e in events] == [
        ("login_ok", "mgr", "10.0.0.7"),
        *[("login_failed", "mgr", "10.0.0.7")] * 5,
        ("login_throttled", "mgr", "10.0.0.7"),
        ("login_ok", "mgr", "10.0.0.9"),
        ("logout", "mgr", "10.0.0.9"),
    ]
    assert events[5]["retry_after_seconds"] == 30
    assert events[0] == {
        "at": "2026-11-23T09:30:00.000+08:00",
        "user": "mgr",
        "action": "login_ok",
        "client": "10.0.0.7",
        "role": "manager",
    }
    assert PASSWORD not in gatekeeper.audit.path.read_text("utf-8")
    assert WRONG not in gatekeeper.audit.path.read_text("utf-8")


def test_a_throttled_login_does_not_check_the_password(gatekeeper: Gatekeeper, clock) -> None:
    for _ in range(5):
        gatekeeper.log_in("mgr", WRONG, "c")
    checked: list[str] = []
    verify = gatekeeper.store.authenticate
    gatekeeper.store.authenticate = lambda name, password: (checked.append(name)
                                                            or verify(name, password))  # fmt: skip
    assert gatekeeper.log_in("mgr", PASSWORD, "c").status == "throttled"
    assert checked == []
    clock.seconds += 30
    assert gatekeeper.log_in("mgr", PASSWORD, "c").status == "ok"
    assert checked == ["mgr"]


def test_current_user_follows_the_file(gatekeeper: Gatekeeper) -> None:
    assert gatekeeper.current_user("mgr") == User("mgr", "manager", ("T1",))
    gatekeeper.store.remove("mgr")
    assert gatekeeper.current_user("mgr") is None


def test_a_login_that_cannot_be_audited_is_not_let_through(tmp_path: Path, clock) -> None:
    store = UserStore(tmp_path / "users.json", PasswordHasher.from_parameters(profiles.CHEAPEST))
    store.add(User("mgr", "analyst"), PASSWORD)
    (tmp_path / "not-a-folder").write_text("", "utf-8")
    audit = AuditLog(tmp_path / "not-a-folder" / "audit.log", SHANGHAI, clock=clock.now)
    with pytest.raises(AuditLogUnwritable, match="setting audit_log"):
        Gatekeeper(store, throttle_of(clock), audit).log_in("mgr", PASSWORD, "c")


def test_the_gatekeeper_from_settings(tmp_path: Path) -> None:
    settings = Settings(
        users_file=tmp_path / "u.json",
        audit_log=tmp_path / "a.log",
        login=LoginSettings(max_failures=3),
    )
    gatekeeper = Gatekeeper.from_settings(settings)
    assert gatekeeper.store.path == tmp_path / "u.json"
    assert gatekeeper.audit.path == tmp_path / "a.log"
    assert gatekeeper.audit.zone == SHANGHAI
    assert gatekeeper.throttle.settings.max_failures == 3


# --- audit log ----------------------------------------------------------------------------


@pytest.fixture
def audit(tmp_path: Path, clock: Clock) -> AuditLog:
    return AuditLog(tmp_path / "logs" / "audit.log", SHANGHAI, clock=clock.now)


def test_one_line_per_event_with_its_zone_and_details(audit: AuditLog, clock: Clock) -> None:
    filters = {"period": "2026-10", "team": "总部电催一组", "branch": None}
    audit.record("download", user="mgr", client="10.0.0.7", page="/aging", format="xlsx",
                 filters=filters, rows=120)  # fmt: skip
    clock.seconds += 3600
    audit.record("report", user="boss\nlogin_ok", client=None, template="executive")
    lines = audit.path.read_text("utf-8").splitlines()
    assert len(lines) == 2
    assert json.loads(lines[0]) == {
        "at": "2026-11-23T09:30:00.000+08:00",
        "user": "mgr",
        "action": "download",
        "client": "10.0.0.7",
        "page": "/aging",
        "format": "xlsx",
        "filters": filters,
        "rows": 120,
    }
    assert json.loads(lines[1])["user"] == "boss\nlogin_ok"
    assert json.loads(lines[1])["at"] == "2026-11-23T10:30:00.000+08:00"
    assert stat.S_IMODE(audit.path.stat().st_mode) == 0o600


def test_reading_by_time_user_and_action(audit: AuditLog, clock: Clock) -> None:
    for hours, user, action in [(0, "a", "login_ok"), (20, "b", "export"), (30, "a", "logout")]:
        clock.seconds = hours * 3600
        audit.record(action, user=user)
    since = audit.parse_since("2026-11-24")  # midnight in Shanghai: 2026-11-23 16:00 UTC
    assert [e["user"] for e in audit.read(since=since).events] == ["b", "a"]
    assert [e["action"] for e in audit.read(user="a").events] == ["login_ok", "logout"]
    assert [e["user"] for e in audit.read(action="export").events] == ["b"]
    assert audit.read(since=audit.parse_since("2026-11-24T23:30+08:00")).events == []
    assert audit.parse_since("2026-11-24T08:00") == datetime(2026, 11, 24, 8, tzinfo=SHANGHAI)


def test_long_values_are_cut_and_broken_lines_reported(audit: AuditLog) -> None:
    event = audit.record("login_failed", user="x" * 10_000, client="c", filters={"team": "y" * 900})
    assert len(event["user"]) == 501 and event["user"].endswith("…")
    assert len(event["filters"]["team"]) == 501
    with audit.path.open("a", encoding="utf-8") as stream:
        stream.write('{"at": "not a time"}\n{"half a line\n')
    audit.record("logout", user="z")
    reading = audit.read()
    assert [e["action"] for e in reading.events] == ["login_failed", "logout"]
    assert reading.unreadable_lines == [2, 3]


def test_bad_input_is_named(audit: AuditLog) -> None:
    with pytest.raises(UnknownAuditAction, match="'delete_everything' is not one of"):
        audit.record("delete_everything", user="x")
    with pytest.raises(BadSince, match="2026-11-01"):
        audit.parse_since("last tuesday")
    assert audit.read().events == []


def _write_events(path: str, writer: int, count: int) -> None:
    log = AuditLog(Path(path), SHANGHAI)
    for i in range(count):
        log.record("download", user=f"writer{writer}", client="c", n=i, padding="p" * 3000)


def test_writers_in_several_processes_never_mix_lines(audit: AuditLog) -> None:
    writers, count = 4, 150
    context = multiprocessing.get_context("fork")
    processes = [
        context.Process(target=_write_events, args=(str(audit.path), w, count))
        for w in range(writers)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    reading = audit.read()
    assert reading.unreadable_lines == []
    for w in range(writers):
        assert [e["n"] for e in reading.events if e["user"] == f"writer{w}"] == list(range(count))
