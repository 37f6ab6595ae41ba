"""The audit log: who did what and when, one JSON object a line, appended, never rewritten.

Each event is one `write` of one whole line to a file opened with O_APPEND, under an
exclusive lock, so lines from several processes (the dashboard, the command line, the
scheduler) never mix. An event that cannot be written raises: what it records must not
happen unrecorded.
"""

import fcntl
import getpass
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from recovery.settings import Settings

ACTIONS = (
    "login_ok",
    "login_failed",
    "login_throttled",
    "logout",
    "download",
    "report",
    "export",
    "user_added",
    "user_removed",
    "password_changed",
)
LONGEST_TEXT = 500  # characters kept of any one value: a typed name, a filter
LOG_MODE = 0o600


class AuditError(Exception):
    pass


class UnknownAuditAction(AuditError):
    def __init__(self, action: str):
        super().__init__(f"audit action {action!r} is not one of {', '.join(ACTIONS)}")


class AuditLogUnwritable(AuditError):
    def __init__(self, path: Path, reason: str):
        super().__init__(
            f"cannot write the audit log {path} ({reason}): free the disk or fix the folder's "
            "permissions (setting audit_log); nothing audited can be done until then"
        )


class BadSince(AuditError):
    def __init__(self, text: str):
        super().__init__(f"--since {text!r}: give a date (2026-11-01) or a time (2026-11-01T08:00)")


@dataclass
class AuditReading:
    events: list[dict[str, Any]] = field(default_factory=list)
    unreadable_lines: list[int] = field(default_factory=list)


def _trimmed(value: Any) -> Any:
    """JSON-ready, with long texts cut: a value typed by anyone cannot bloat the log."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dict):
        return {str(k)[:LONGEST_TEXT]: _trimmed(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_trimmed(v) for v in value]
    text = str(value)
    return text if len(text) <= LONGEST_TEXT else text[:LONGEST_TEXT] + "…"


def operator() -> str:
    """The account running a command (a container may have no name for it)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


def filters_detail(filters: object) -> dict[str, Any]:
    """The filters of a download, report or export as the log keeps them: the ones set
    (the period, the dimensions chosen, the teams the user may see)."""
    return {name: value for name, value in vars(filters).items() if value is not None}


class AuditLog:
    def __init__(
        self,
        path: Path,
        zone: ZoneInfo,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        self.path = path
        self.zone = zone
        self.clock = clock

    @classmethod
    def from_settings(cls, settings: "Settings") -> "AuditLog":
        return cls(settings.audit_log, ZoneInfo(settings.timezone))

    def record(
        self, action: str, *, user: str, client: str | None = None, **details: Any
    ) -> dict[str, Any]:
        """Appends one event: `user` did `action` (from `client`), with its `details`
        (the filters, the file, the page)."""
        if action not in ACTIONS:
            raise UnknownAuditAction(action)
        event = {
            "at": self.clock().astimezone(self.zone).isoformat(timespec="milliseconds"),
            "user": _trimmed(user),
            "action": action,
            "client": _trimmed(client),
            **{key: _trimmed(value) for key, value in details.items()},
        }
        line = json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n"
        self._append(line.encode("utf-8"))
        return event

    def _append(self, line: bytes) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, LOG_MODE)
        except OSError as error:
            raise AuditLogUnwritable(self.path, error.strerror or str(error)) from error
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            view = memoryview(line)
            while view:
                view = view[os.write(descriptor, view) :]
        except OSError as error:
            raise AuditLogUnwritable(self.path, error.strerror or str(error)) from error
        finally:
            os.close(descriptor)  # closing lets go of the lock

    def read(
        self,
        *,
        since: datetime | None = None,
        user: str | None = None,
        action: str | None = None,
    ) -> AuditReading:
        """Events in the order written, at or after `since`, of `user`, of `action`."""
        reading = AuditReading()
        for number, event in self._lines():
            if event is None:
                reading.unreadable_lines.append(number)
            elif (
                (user is None or event.get("user") == user)
                and (action is None or event.get("action") == action)
                and (since is None or _at(event) >= since)
            ):
                reading.events.append(event)
        return reading

    def _lines(self) -> Iterator[tuple[int, dict[str, Any] | None]]:
        try:
            stream = self.path.open("rb")
        except FileNotFoundError:
            return
        with stream:
            for number, raw in enumerate(stream, 1):
                try:
                    event = json.loads(raw)
                    _at(event)
                except (ValueError, TypeError, KeyError):
                    event = None
                yield number, event if isinstance(event, dict) else None

    def parse_since(self, text: str) -> datetime:
        """A date (its start) or a time; read in the log's zone unless it gives its own."""
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise BadSince(text) from None
        if len(text) <= len("2026-11-01"):
            moment = datetime.combine(date.fromisoformat(text), time())
        return moment if moment.tzinfo else moment.replace(tzinfo=self.zone)


def _at(event: dict[str, Any]) -> datetime:
    moment = datetime.fromisoformat(event["at"])
    if moment.tzinfo is None:
        raise ValueError("time without zone")
    return moment
