"""Logging in: the password checked, repeated failures slowed down, every attempt audited.

A login page calls `Gatekeeper.log_in(name, password, client)` and gets the user back or
the reason for refusing (and, when throttled, how long to wait). Failed logins are
counted per user name and client address until `login.window_minutes` pass without one;
from the `login.max_failures`-th on, each refuses further logins of that name from that
address for `login.first_delay_seconds`, doubling with each further failure up to
`login.longest_delay_seconds`. While refused, the password is not even checked. A
successful login clears the count. The counts live in the server's memory.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

from recovery.audit import AuditLog
from recovery.settings import LoginSettings, Settings
from recovery.users import User, UserStore

KEY_LENGTH = 200  # characters of a typed name kept as a throttle key
PRUNE_ABOVE = 1024  # forgotten records are swept when there are more than this many


@dataclass
class _Failures:
    count: int
    last_at: float
    refused_until: float = 0.0


class LoginThrottle:
    def __init__(self, settings: LoginSettings, clock: Callable[[], float] = time.monotonic):
        self.settings = settings
        self.clock = clock
        self._records: dict[tuple[str, str], _Failures] = {}
        self._lock = threading.Lock()

    def retry_after(self, name: str, client: str) -> float:
        """Seconds until `name` may try again from `client`; 0 when it may now."""
        with self._lock:
            record = self._records.get(_key(name, client))
            return max(0.0, record.refused_until - self.clock()) if record else 0.0

    def failed(self, name: str, client: str) -> None:
        now = self.clock()
        with self._lock:
            key = _key(name, client)
            record = self._records.get(key)
            if record is None or self._forgotten(record, now):
                record = self._records[key] = _Failures(0, now)
            record.count += 1
            record.last_at = now
            beyond = record.count - self.settings.max_failures
            if beyond >= 0:
                delay = self.settings.first_delay_seconds * 2 ** min(beyond, 32)
                record.refused_until = now + min(delay, self.settings.longest_delay_seconds)
            if len(self._records) > PRUNE_ABOVE:
                self._prune(now)

    def succeeded(self, name: str, client: str) -> None:
        with self._lock:
            self._records.pop(_key(name, client), None)

    def _forgotten(self, record: _Failures, now: float) -> bool:
        quiet = now - record.last_at >= self.settings.window_minutes * 60
        return quiet and now >= record.refused_until

    def _prune(self, now: float) -> None:
        for key in [k for k, r in self._records.items() if self._forgotten(r, now)]:
            del self._records[key]


def _key(name: str, client: str) -> tuple[str, str]:
    return name[:KEY_LENGTH], client


LoginStatus = Literal["ok", "failed", "throttled"]


@dataclass(frozen=True)
class LoginAttempt:
    status: LoginStatus
    user: User | None = None
    retry_after_seconds: float = 0.0


class Gatekeeper:
    """What a login layer needs: log in, log out, each audited; the user for a name.

    Raises `AuditLogUnwritable` when an attempt cannot be recorded and `UsersFileDamaged`
    when the users file cannot be trusted: the login page then refuses the login and says
    why."""

    def __init__(self, store: UserStore, throttle: LoginThrottle, audit: AuditLog):
        self.store = store
        self.throttle = throttle
        self.audit = audit

    @classmethod
    def from_settings(cls, settings: Settings) -> "Gatekeeper":
        return cls(
            UserStore(settings.users_file),
            LoginThrottle(settings.login),
            AuditLog(settings.audit_log, ZoneInfo(settings.timezone)),
        )

    def log_in(self, name: str, password: str, client: str) -> LoginAttempt:
        wait = self.throttle.retry_after(name, client)
        if wait > 0:
            self.audit.record(
                "login_throttled", user=name, client=client, retry_after_seconds=round(wait)
            )
            return LoginAttempt("throttled", retry_after_seconds=wait)
        user = self.store.verify(name, password)
        if user is None:
            self.throttle.failed(name, client)
            wait = self.throttle.retry_after(name, client)
            self.audit.record(
                "login_failed", user=name, client=client, retry_after_seconds=round(wait)
            )
            return LoginAttempt("failed", retry_after_seconds=wait)
        self.audit.record("login_ok", user=name, client=client, role=user.role)
        self.throttle.succeeded(name, client)
        return LoginAttempt("ok", user)

    def log_out(self, user: User, client: str) -> None:
        self.audit.record("logout", user=user.name, client=client)

    def current_user(self, name: str) -> User | None:
        """The user as the users file has them now: a session checks it on each request,
        so a removed user or a changed role takes effect at once."""
        return self.store.get(name)
