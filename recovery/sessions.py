"""Dashboard sessions: who logged in, and until when.

A session is a random token (256 bits) the server hands out at login and keeps in its
memory with the account it was opened for (the user's name, the account's id and its
password generation: see `recovery.users.Account`) and the moment the session ends
(`login.session_hours` after the login). A session holds only while the users file still
has that account with that password generation: a password change, or a name removed and
added again, ends it. The browser holds the token in an HttpOnly cookie; the server honours it only
while the token is in its book and not past its end. Nothing in the cookie is trusted but
the token itself, so there is nothing to sign and no key to keep. Logging out takes the
token out of the book, so a copy of the cookie is worth nothing afterwards; restarting the
server ends every session.
"""

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from recovery.users import Account

PRUNE_ABOVE = 1024  # ended sessions are swept when the book holds more than this many


@dataclass(frozen=True)
class Session:
    user_name: str
    account_id: str
    password_generation: int
    started_at: float
    ends_at: float

    def holds_for(self, account: Account | None) -> bool:
        """True while the users file has the account this session was opened for, with the
        password it was opened with."""
        return (
            account is not None
            and account.user.name == self.user_name
            and account.account_id == self.account_id
            and account.password_generation == self.password_generation
        )


class SessionBook:
    def __init__(self, hours: float, clock: Callable[[], float] = time.monotonic):
        self.seconds = hours * 3600
        self.clock = clock
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def start(self, account: Account) -> str:
        """A new session of `account`; its token."""
        token = secrets.token_urlsafe(32)
        now = self.clock()
        session = Session(account.user.name, account.account_id, account.password_generation,
                          now, now + self.seconds)  # fmt: skip
        with self._lock:
            if len(self._sessions) > PRUNE_ABOVE:
                self._prune(now)
            self._sessions[token] = session
        return token

    def get(self, token: object) -> Session | None:
        """The session of `token` while it lasts; None when unknown, ended or expired."""
        if not isinstance(token, str):
            return None
        with self._lock:
            session = self._sessions.get(token)
            if session is None:
                return None
            if self.clock() >= session.ends_at:
                del self._sessions[token]
                return None
            return session

    def end(self, token: object) -> Session | None:
        """Ends the session of `token`; the session it was, if it still lasted."""
        session = self.get(token)
        if session is not None:
            with self._lock:
                self._sessions.pop(token, None)
        return session

    def _prune(self, now: float) -> None:
        for token in [t for t, s in self._sessions.items() if now >= s.ends_at]:
            del self._sessions[token]
