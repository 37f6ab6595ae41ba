"""Dashboard users: who they are, what they may see, and their password hashes.

Users live in one small JSON file (setting `users_file`), readable by its owner only
(mode 0600). Every change rewrites it whole into a temporary file that is renamed over
the old one, under a lock, so two commands never lose each other's change and a reader
never sees half a file. Passwords are kept only as Argon2id hashes with a random salt each.
"""

import dataclasses
import fcntl
import json
import os
import secrets
import stat
import tempfile
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, get_args

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

Role = Literal["executive", "manager", "analyst"]
ROLES: tuple[str, ...] = get_args(Role)
FILE_VERSION = 1
FILE_MODE = 0o600
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
MAX_NAME_LENGTH = 64


class UsersError(Exception):
    """A change to the users file that cannot be made; the message says what to do."""


class UnknownUser(UsersError):
    def __init__(self, name: str):
        super().__init__(f"no user named {name!r}: see `recovery users list`")


class UserExists(UsersError):
    def __init__(self, name: str):
        super().__init__(
            f"user {name!r} exists already: change the password with "
            f"`recovery users passwd {name}`, or remove the user first"
        )


class InvalidUser(UsersError):
    pass


class WeakPassword(UsersError):
    pass


class UsersFileDamaged(UsersError):
    def __init__(self, path: Path, reason: str):
        super().__init__(
            f"{path} cannot be read as a users file ({reason}): restore it from a backup, "
            "or move it away and add the users again"
        )


@dataclass(frozen=True)
class User:
    """What a logged-in person may see. `teams` empty: every team."""

    name: str
    role: Role
    teams: tuple[str, ...] = ()
    may_see_unmasked: bool = False

    def sees_team(self, team: str | None) -> bool:
        return not self.teams or team in self.teams


@dataclass(frozen=True)
class Account:
    """A user as a session is tied to them: `account_id` is made anew by every `users add`
    (a name removed and added again is another account), `password_generation` grows with
    every password change. A session started under other values has lost its grounds."""

    user: User
    account_id: str
    password_generation: int


def new_account_id() -> str:
    return secrets.token_hex(16)


@dataclass
class _Record:
    user: User
    password_hash: str
    password_changed_at: str
    account_id: str = ""  # "" in a file written before accounts had ids
    password_generation: int = 1

    @property
    def account(self) -> Account:
        return Account(self.user, self.account_id, self.password_generation)

    def as_json(self) -> dict:
        return {
            "name": self.user.name,
            "role": self.user.role,
            "teams": list(self.user.teams),
            "may_see_unmasked": self.user.may_see_unmasked,
            "password_hash": self.password_hash,
            "password_changed_at": self.password_changed_at,
            "account_id": self.account_id,
            "password_generation": self.password_generation,
        }

    @classmethod
    def from_json(cls, entry: dict) -> "_Record":
        """A record as written; a hand-edited one that would widen what a user sees (a
        manager with no teams sees every team) is refused, not guessed at."""
        teams, unmasked = entry.get("teams", []), entry.get("may_see_unmasked", False)
        if not isinstance(teams, list) or not all(isinstance(t, str) for t in teams):
            raise TypeError("teams is not a list of names")
        if not isinstance(unmasked, bool):
            raise TypeError("may_see_unmasked is not true or false")
        if not isinstance(entry["password_hash"], str):
            raise TypeError("password_hash is not text")
        account_id, generation = entry.get("account_id", ""), entry.get("password_generation", 1)
        if not isinstance(account_id, str):
            raise TypeError("account_id is not text")
        if not isinstance(generation, int) or isinstance(generation, bool):
            raise TypeError("password_generation is not a whole number")
        user = User(entry["name"], entry["role"], tuple(teams), unmasked)
        try:
            check_user(user)
        except InvalidUser as error:
            raise ValueError(str(error)) from None
        changed_at = entry.get("password_changed_at", "")
        return cls(user, entry["password_hash"], changed_at, account_id, generation)


@dataclass(frozen=True)
class Listing:
    """A user as `recovery users list` shows them: no hash."""

    user: User
    password_changed_at: str


def check_user(user: User) -> None:
    name = user.name
    if not name or name != name.strip():
        raise InvalidUser(f"user name {name!r}: give a name without spaces around it")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidUser(f"user name {name[:20]!r}…: at most {MAX_NAME_LENGTH} characters")
    if any(unicodedata.category(c)[0] in "CZ" for c in name):
        raise InvalidUser(
            f"user name {name!r}: letters, digits and punctuation only, no spaces or control "
            "characters"
        )
    if user.role not in ROLES:
        raise InvalidUser(f"role {user.role!r}: use one of {', '.join(ROLES)}")
    if user.role == "manager" and not user.teams:
        raise InvalidUser(f"manager {name!r}: give the teams they manage with --team")
    if any(not team.strip() for team in user.teams):
        raise InvalidUser(f"user {name!r}: a team name is empty")


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(
            f"the password is too short: use at least {MIN_PASSWORD_LENGTH} characters"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPassword(f"the password is too long: at most {MAX_PASSWORD_LENGTH} characters")
    if password != password.strip():
        raise WeakPassword("the password starts or ends with a space: leave those out")


# The hasher of every users file opened without one of its own (argon2-cffi's defaults).
HASHER = PasswordHasher()
_unknown_user_hashes: dict[tuple, str] = {}
_unknown_user_lock = threading.Lock()


def unknown_user_hash(hasher: PasswordHasher) -> str:
    """A hash checked when the name is unknown, so an unknown name costs the same time as
    a wrong password and the answer's speed tells nobody which names exist. Made once per
    set of hash parameters (in practice one: argon2-cffi's defaults), never per request."""
    key = dataclasses.astuple(hasher._parameters)
    with _unknown_user_lock:
        if key not in _unknown_user_hashes:
            _unknown_user_hashes[key] = hasher.hash(os.urandom(16).hex())
        return _unknown_user_hashes[key]


class UserStore:
    def __init__(self, path: Path, hasher: PasswordHasher | None = None):
        self.path = path
        self.hasher = hasher or HASHER

    # --- reading ---------------------------------------------------------------------------

    def _read(self) -> dict[str, _Record]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        try:
            content = json.loads(text)
            if content.get("version") != FILE_VERSION:
                raise UsersFileDamaged(self.path, f"version {content.get('version')!r}")
            records = [_Record.from_json(entry) for entry in content["users"]]
        except (KeyError, AttributeError) as error:
            raise UsersFileDamaged(self.path, f"{type(error).__name__} {error}") from None
        except (ValueError, TypeError) as error:
            raise UsersFileDamaged(self.path, str(error)) from None
        return {record.user.name: record for record in records}

    def users(self) -> list[Listing]:
        return [
            Listing(record.user, record.password_changed_at)
            for record in sorted(self._read().values(), key=lambda r: r.user.name)
        ]

    def get(self, name: str) -> User | None:
        found = self.account(name)
        return found.user if found else None

    def account(self, name: str) -> Account | None:
        record = self._read().get(name)
        return record.account if record else None

    def verify(self, name: str, password: str) -> User | None:
        """The user, when the name is known and the password is theirs; else None."""
        found = self.authenticate(name, password)
        return found.user if found else None

    def authenticate(self, name: str, password: str) -> Account | None:
        """The account, when the name is known and the password is theirs; else None."""
        record = self._read().get(name)
        stored = record.password_hash if record else unknown_user_hash(self.hasher)
        try:
            self.hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        return record.account if record else None

    def is_private(self) -> bool:
        """True when no one but the file's owner may read or write it (or it is absent)."""
        try:
            mode = self.path.stat().st_mode
        except FileNotFoundError:
            return True
        return stat.S_IMODE(mode) & 0o077 == 0

    # --- changing --------------------------------------------------------------------------

    def add(self, user: User, password: str) -> None:
        check_user(user)
        check_password(password)
        record = _Record(user, self.hasher.hash(password), _now(), new_account_id())
        with self._changing() as records:
            if user.name in records:
                raise UserExists(user.name)
            records[user.name] = record

    def remove(self, name: str) -> User:
        with self._changing() as records:
            if name not in records:
                raise UnknownUser(name)
            return records.pop(name).user

    def set_password(self, name: str, password: str) -> None:
        check_password(password)
        password_hash = self.hasher.hash(password)
        with self._changing() as records:
            if name not in records:
                raise UnknownUser(name)
            old = records[name]
            records[name] = _Record(old.user, password_hash, _now(), old.account_id,
                                    old.password_generation + 1)  # fmt: skip

    @contextmanager
    def _changing(self) -> Iterator[dict[str, _Record]]:
        """The records, to change in place; written back when the block ends without error."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        descriptor = os.open(lock_path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            records = self._read()
            yield records
            self._write(records)
        finally:
            os.close(descriptor)  # closing lets go of the lock

    def _write(self, records: dict[str, _Record]) -> None:
        content = {
            "version": FILE_VERSION,
            "users": [records[name].as_json() for name in sorted(records)],
        }
        data = json.dumps(content, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
        descriptor, temporary = tempfile.mkstemp(
            prefix=self.path.name + ".", suffix=".tmp", dir=self.path.parent
        )  # mkstemp creates the file with mode 0600
        try:
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
