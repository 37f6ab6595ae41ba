"""Logging in: the password checked, repeated failures slowed down, every attempt audited.

A login page calls `Gatekeeper.log_in(name, password, client)` and gets the user back or
the reason for refusing (and, when throttled, how long to wait). Failed logins are
counted per user name and client address until `login.window_minutes` pass without one;
from the `login.max_failures`-th on, each refuses further logins of that name from that
address for `login.first_delay_seconds`, doubling with each further failure up to
`login.longest_delay_seconds`. While refused, the password is not even checked. A
successful login clears the count. The counts live in the server's memory. Admitting an
attempt counts it at once, under the throttle's lock, so attempts sent side by side get no
more full checks than attempts sent one after the other.

Password checks are costly on purpose (Argon2id, 64 MiB): they run in a small pool of
their own (`PasswordChecks`) at a lower priority than the dashboard, with a bounded queue,
so a flood of logins is answered "busy" at once instead of taking the dashboard down.
"""

import math
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal, TypeVar
from zoneinfo import ZoneInfo

from recovery.audit import AuditLog
from recovery.settings import LoginSettings, Settings
from recovery.users import Account, User, UserStore

KEY_LENGTH = 200  # characters of a typed name kept as a throttle key
PRUNE_ABOVE = 1024  # forgotten records are swept when there are more than this many


@dataclass
class _Failures:
    count: int
    last_at: float
    refused_until: float = 0.0
    checking: int = 0  # attempts admitted whose password is being checked


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

    def admit(self, name: str, client: str) -> float:
        """Checks and counts in one step: 0 when `name` may try now from `client` (the
        attempt is then being checked, and must end in `failed`, `succeeded` or
        `released`), else the seconds to wait. While refusals have not begun, as many
        attempts are admitted at once as failures are left before them; after, one."""
        now = self.clock()
        with self._lock:
            record = self._record(_key(name, client), now)
            if record.refused_until > now:
                return record.refused_until - now
            if record.checking >= max(1, self.settings.max_failures - record.count):
                return self._delay(record.count + record.checking)
            record.checking += 1
            return 0.0

    def released(self, name: str, client: str) -> None:
        """An admitted attempt that was not checked after all (the server was busy)."""
        with self._lock:
            record = self._records.get(_key(name, client))
            if record is not None and record.checking:
                record.checking -= 1

    def failed(self, name: str, client: str) -> None:
        now = self.clock()
        with self._lock:
            record = self._record(_key(name, client), now)
            record.checking = max(0, record.checking - 1)
            record.count += 1
            record.last_at = now
            if record.count >= self.settings.max_failures:
                record.refused_until = now + self._delay(record.count)
            if len(self._records) > PRUNE_ABOVE:
                self._prune(now)

    def succeeded(self, name: str, client: str) -> None:
        with self._lock:
            self._records.pop(_key(name, client), None)

    def _record(self, key: tuple[str, str], now: float) -> _Failures:
        record = self._records.get(key)
        if record is None or (self._forgotten(record, now) and not record.checking):
            record = self._records[key] = _Failures(0, now)
        return record

    def _delay(self, failures: int) -> float:
        """The refusal after `failures` failures (at least `max_failures` of them)."""
        beyond = max(0, failures - self.settings.max_failures)
        delay = self.settings.first_delay_seconds * 2 ** min(beyond, 32)
        return min(delay, self.settings.longest_delay_seconds)

    def _forgotten(self, record: _Failures, now: float) -> bool:
        quiet = now - record.last_at >= self.settings.window_minutes * 60
        return quiet and now >= record.refused_until

    def _prune(self, now: float) -> None:
        forgotten = [k for k, r in self._records.items()
                     if self._forgotten(r, now) and not r.checking]  # fmt: skip
        for key in forgotten:
            del self._records[key]


def _key(name: str, client: str) -> tuple[str, str]:
    return name[:KEY_LENGTH], client


Checked = TypeVar("Checked")
# Password checks waiting for a place in the pool, beyond those running; past that a login
# is answered "busy" at once (each waiting check holds one of the server's threads).
WAITING_CHECKS = 4
LOWER_PRIORITY = 10  # added to the checking threads' nice value


class ChecksBusy(Exception):
    """Every place of the password-check pool is taken: the login is refused for now."""

    def __init__(self, retry_after_seconds: float):
        super().__init__(f"password checks busy: try again in {retry_after_seconds:.0f} s")
        self.retry_after_seconds = retry_after_seconds


def _lower_priority() -> None:
    """Password checks yield to the dashboard's own work (Linux: nice is per thread, and
    the threads Argon2 starts for its lanes inherit it)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), LOWER_PRIORITY)
    except (AttributeError, OSError):
        pass  # no per-thread priority here: the pool's bound still holds


class PasswordChecks:
    """At most `workers` password checks at once (default: one per two cores), at most
    `waiting` more queued; `run` raises ChecksBusy at once when every place is taken."""

    def __init__(self, workers: int | None = None, waiting: int = WAITING_CHECKS):
        self.workers = workers or max(1, (os.cpu_count() or 2) // 2)
        self._pool = ThreadPoolExecutor(
            self.workers, thread_name_prefix="password-check", initializer=_lower_priority
        )
        self._places = threading.BoundedSemaphore(self.workers + waiting)
        self._capacity = self.workers + waiting
        self.seconds_per_check = 0.5  # updated from the checks made

    def run(self, check: Callable[[], Checked]) -> Checked:
        if not self._places.acquire(blocking=False):
            rounds = self._capacity / self.workers
            raise ChecksBusy(max(1, math.ceil(rounds * self.seconds_per_check)))
        try:
            return self._pool.submit(self._timed, check).result()
        finally:
            self._places.release()

    def _timed(self, check: Callable[[], Checked]) -> Checked:
        started = time.monotonic()
        try:
            return check()
        finally:
            self.seconds_per_check = time.monotonic() - started


LoginStatus = Literal["ok", "failed", "throttled", "busy"]


@dataclass(frozen=True)
class LoginAttempt:
    status: LoginStatus
    user: User | None = None
    retry_after_seconds: float = 0.0
    account: Account | None = None


class Gatekeeper:
    """What a login layer needs: log in, log out, each audited; the user for a name.

    Raises `AuditLogUnwritable` when an attempt cannot be recorded and `UsersFileDamaged`
    when the users file cannot be trusted: the login page then refuses the login and says
    why."""

    def __init__(
        self,
        store: UserStore,
        throttle: LoginThrottle,
        audit: AuditLog,
        checks: PasswordChecks | None = None,
    ):
        self.store = store
        self.throttle = throttle
        self.audit = audit
        self.checks = checks or PasswordChecks()

    @classmethod
    def from_settings(cls, settings: Settings) -> "Gatekeeper":
        return cls(
            UserStore(settings.users_file),
            LoginThrottle(settings.login),
            AuditLog(settings.audit_log, ZoneInfo(settings.timezone)),
        )

    def log_in(self, name: str, password: str, client: str) -> LoginAttempt:
        wait = self.throttle.admit(name, client)
        if wait > 0:
            self.audit.record(
                "login_throttled", user=name, client=client, retry_after_seconds=round(wait)
            )
            return LoginAttempt("throttled", retry_after_seconds=wait)
        try:
            account = self.checks.run(lambda: self.store.authenticate(name, password))
        except ChecksBusy as busy:
            self.throttle.released(name, client)
            wait = busy.retry_after_seconds
            self.audit.record("login_throttled", user=name, client=client,
                              retry_after_seconds=round(wait), reason="busy")  # fmt: skip
            return LoginAttempt("busy", retry_after_seconds=wait)
        except BaseException:
            self.throttle.released(name, client)
            raise
        if account is None:
            self.throttle.failed(name, client)
            wait = self.throttle.retry_after(name, client)
            self.audit.record(
                "login_failed", user=name, client=client, retry_after_seconds=round(wait)
            )
            return LoginAttempt("failed", retry_after_seconds=wait)
        try:
            self.audit.record("login_ok", user=name, client=client, role=account.user.role)
        except BaseException:  # not recorded: not let in
            self.throttle.released(name, client)
            raise
        self.throttle.succeeded(name, client)
        return LoginAttempt("ok", account.user, account=account)

    def log_out(self, user: User, client: str) -> None:
        self.audit.record("logout", user=user.name, client=client)

    def current_user(self, name: str) -> User | None:
        """The user as the users file has them now: a session checks it on each request,
        so a removed user or a changed role takes effect at once."""
        return self.store.get(name)

    def current_account(self, name: str) -> Account | None:
        return self.store.account(name)
