"""Who is asking, in the request being answered, and what they may see.

The login gate (`dashboard/auth.py`) puts the viewer of each request in Flask's `g`: the
user as the users file has them now, or nobody when no users are configured (the
dashboard then serves whoever reaches it, on 127.0.0.1). Views read the teams a viewer may
see from here, never from the URL or from a store the browser can edit; downloads and
reports are recorded in the audit log as theirs.
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import g, has_request_context, request

from recovery.audit import AuditLog
from recovery.settings import Settings
from recovery.users import User

# Who the audit log names when no users are configured and nobody logged in.
NOBODY = "anonymous"


@dataclass(frozen=True)
class Viewer:
    user: User | None  # None: no users configured, the dashboard is open to its host
    client: str | None = None

    @property
    def name(self) -> str:
        return self.user.name if self.user else NOBODY

    @property
    def allowed_teams(self) -> tuple[str, ...] | None:
        """The teams the viewer may see; None: every team. An executive sees the whole
        book; a manager (and an analyst given teams) their teams."""
        if self.user is None or self.user.role == "executive" or not self.user.teams:
            return None
        return self.user.teams

    @property
    def sees_names(self) -> bool:
        """Customer names unmasked: only for a user the users file allows it
        (`recovery users add --unmasked`); masked for everyone else and with no users."""
        return self.user is not None and self.user.may_see_unmasked


OPEN = Viewer(None)


def viewer() -> Viewer:
    """The viewer of the request being answered (outside a request: nobody, open)."""
    if not has_request_context():
        return OPEN
    return g.get("viewer") or Viewer(None, request.remote_addr)


def allowed_teams() -> tuple[str, ...] | None:
    return viewer().allowed_teams


def page() -> str | None:
    """The dashboard page a callback was sent from (the path of the browser's referrer)."""
    if not has_request_context() or not request.referrer:
        return None
    return urlsplit(request.referrer).path


def record(settings: Settings, action: str, **details: Any) -> None:
    """Writes `action` of the viewer, on the page it came from, to the audit log; raises
    AuditLogUnwritable when it cannot, and the action must then be refused."""
    current = viewer()
    AuditLog.from_settings(settings).record(
        action, user=current.name, client=current.client, page=page(), **details
    )
