"""The login gate in front of the whole dashboard, on Dash's Flask server.

While the users file has no users, a dashboard listening on a loopback address is open, as
on a single analyst's machine; one listening on an address other machines can reach answers
every request 503 and says why (the rule `recovery serve` applies at start-up, held on every
request, since the last user can be removed while it runs). Once it has users, every request
needs a session: a page asked for without one is sent to the login page, anything else
(Dash's layout, dependencies and callbacks, downloads, scripts) gets 401. Each request reads
the user again from the users file, so removing a user or changing a role takes effect at
the next click; a session also ends when its account's password changes or the name is
removed and added again, and a login ends the session of the cookie it came with. A users
file that cannot be trusted closes the dashboard (503).
"""

import logging
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Flask, Response, g, jsonify, make_response, redirect, request

from dashboard import data
from dashboard.access import Viewer
from dashboard.i18n import language, t
from dashboard.login_page import login_page, notice_page
from recovery.audit import AuditError, AuditLog
from recovery.login import Gatekeeper, LoginThrottle, PasswordChecks
from recovery.network import is_loopback
from recovery.sessions import Session, SessionBook
from recovery.settings import Settings
from recovery.users import User, UsersError, UserStore, unknown_user_hash

log = logging.getLogger(__name__)

LOGIN_PATH = "/login"
LOGOUT_PATH = "/logout"
COOKIE = "recovery_session"
# Paths a browser asks for as a page (anything else under these prefixes is data or code).
NOT_PAGES = ("/_", "/assets/")


class Guard:
    """The server's memory of logins: failed attempts (the throttle), the password-check
    pool and open sessions; and whether it listens on this machine only."""

    def __init__(self, settings: Settings, listen_host: str = "127.0.0.1"):
        self.throttle = LoginThrottle(settings.login)
        self.checks = PasswordChecks()
        self.sessions = SessionBook(settings.login.session_hours)
        self.loopback_only = is_loopback(listen_host)
        unknown_user_hash(UserStore(settings.users_file).hasher)  # made now, not at a login

    def gatekeeper(self, settings: Settings) -> Gatekeeper:
        """With the settings of the moment: the users file and the audit log are looked
        up again on every request."""
        return Gatekeeper(UserStore(settings.users_file), self.throttle,
                          AuditLog.from_settings(settings), self.checks)  # fmt: skip


def install(server: Flask, listen_host: str = "127.0.0.1") -> Guard:
    guard = Guard(data.settings(), listen_host)
    server.extensions["recovery_guard"] = guard
    server.before_request(lambda: _gate(guard))
    server.add_url_rule(LOGIN_PATH, "login", lambda: _login(guard), methods=["GET", "POST"])
    server.add_url_rule(LOGOUT_PATH, "logout", lambda: _logout(guard), methods=["GET", "POST"])
    return guard


def _client() -> str:
    return request.remote_addr or "unknown"


def login_required(settings: Settings) -> bool:
    """True once the users file has a user (raises UsersFileDamaged when it is damaged)."""
    return bool(UserStore(settings.users_file).users())


def _signed_in(guard: Guard, settings: Settings) -> tuple[Session, User] | None:
    session = guard.sessions.get(request.cookies.get(COOKIE))
    if session is None:
        return None
    account = guard.gatekeeper(settings).current_account(session.user_name)
    if not session.holds_for(account):  # removed, added anew or a new password since
        guard.sessions.end(request.cookies.get(COOKIE))
        return None
    return session, account.user  # type: ignore[union-attr]


def _gate(guard: Guard) -> Response | None:
    settings = data.settings()
    try:
        required = login_required(settings)
        signed_in = _signed_in(guard, settings) if required else None
    except UsersError as error:
        log.error("dashboard closed: %s", error)
        return _closed()
    if not required:
        if not guard.loopback_only:  # the last user removed while serving the network
            return _no_users()
        g.viewer = Viewer(None, _client())
        return None
    if request.path in (LOGIN_PATH, LOGOUT_PATH):
        return None
    if signed_in is not None:
        g.viewer = Viewer(signed_in[1], _client())
        return None
    if request.method in ("GET", "HEAD") and not request.path.startswith(NOT_PAGES):
        query = {"lang": language(request.args.get("lang")), "next": _here()}
        if request.cookies.get(COOKIE):  # a session that has ended: say so
            query["expired"] = "1"
        return redirect(f"{LOGIN_PATH}?{urlencode(query)}")
    return make_response(jsonify(error="login required"), 401)


def _closed() -> Response:
    lang = language(request.args.get("lang"))
    if request.path.startswith(NOT_PAGES) and request.path != LOGIN_PATH:
        return make_response(jsonify(error="unavailable"), 503)
    page = login_page(lang, next_path="/", message=t("login.unavailable", lang))
    return make_response(page, 503)


def _no_users() -> Response:
    if request.method in ("GET", "HEAD") and not request.path.startswith(NOT_PAGES):
        return make_response(notice_page("server.no_users"), 503)
    messages = {lang: t("server.no_users", lang) for lang in ("zh", "en")}
    return make_response(jsonify(error="no users", message=messages), 503)


def _here() -> str:
    query = request.query_string.decode("utf-8", "replace")
    return request.path + (f"?{query}" if query else "")


def safe_next(target: str | None, lang: str) -> str:
    """Where to go after logging in: a path of this site only (never another host), with
    the language chosen on the login page unless it names one."""
    parts = urlsplit(target or "/")
    path = parts.path
    if parts.scheme or parts.netloc or not path.startswith("/") or path.startswith("//"):
        path, parts = "/", urlsplit("/")
    if "\\" in path or path in (LOGIN_PATH, LOGOUT_PATH):
        path = "/"
    query = parse_qsl(parts.query, keep_blank_values=True)
    if not any(key == "lang" for key, _ in query):
        query.append(("lang", lang))
    return urlunsplit(("", "", path, urlencode(query), ""))


def _page(lang: str, status: int, **values: object) -> Response:
    return make_response(login_page(lang, **values), status)  # type: ignore[arg-type]


def _login(guard: Guard) -> Response:
    settings = data.settings()
    form = request.form if request.method == "POST" else request.args
    lang = language(form.get("lang"))
    next_path = form.get("next") or "/"
    try:
        if not login_required(settings):  # no users: nobody needs to log in
            return redirect(safe_next(next_path, lang))
        if request.method == "GET" and _signed_in(guard, settings) is not None:
            return redirect(safe_next(next_path, lang))
    except UsersError as error:
        log.error("dashboard closed: %s", error)
        return _closed()
    if request.method == "GET":
        return _page(lang, 200, next_path=next_path, message=_note(lang), is_error=False)
    if not _same_origin():
        return _page(lang, 403, next_path=next_path, message=t("login.refused_origin", lang))
    name, password = form.get("name", ""), form.get("password", "")
    try:
        attempt = guard.gatekeeper(settings).log_in(name, password, _client())
    except (UsersError, AuditError) as error:
        log.error("login refused: %s", error)
        return _page(lang, 503, next_path=next_path, name=name,
                     message=t("login.unavailable", lang))  # fmt: skip
    if attempt.status == "ok" and attempt.account is not None:
        guard.sessions.end(request.cookies.get(COOKIE))  # the session this browser held
        response = redirect(safe_next(next_path, lang))
        _set_cookie(response, guard.sessions.start(attempt.account), settings)
        return response
    wait = round(attempt.retry_after_seconds)
    if attempt.status == "busy":
        message = t("login.busy", lang, seconds=wait)
    elif wait > 0:
        message = t("login.throttled", lang, seconds=wait)
    else:
        message = t("login.failed", lang)
    # A wrong password is an answer like any other (a form shown again, 200); a refused
    # attempt says when to try again (429 with Retry-After).
    response = _page(lang, 429 if attempt.status in ("throttled", "busy") else 200,
                     next_path=next_path, name=name, message=message)  # fmt: skip
    if wait > 0:
        response.headers["Retry-After"] = str(wait)
    return response


def _note(lang: str) -> str:
    if request.args.get("ended"):
        return t("login.ended", lang)
    if request.args.get("expired"):
        return t("login.expired", lang)
    return ""


def _same_origin() -> bool:
    """A login posted from another site's page is refused: browsers name the posting
    page's origin (a client that names none is not a browser on another site)."""
    origin = request.headers.get("Origin")
    return origin is None or urlsplit(origin).netloc == request.host


def _set_cookie(response: Response, token: str, settings: Settings) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(settings.login.session_hours * 3600),
        path="/",
        httponly=True,
        samesite="Lax",
        secure=request.is_secure or settings.login.secure_cookie,
    )


def _logout(guard: Guard) -> Response:
    settings = data.settings()
    lang = language(request.values.get("lang"))
    target = f"{LOGIN_PATH}?{urlencode({'lang': lang, 'ended': 1})}"
    if request.method != "POST":  # only the page's own form ends a session
        return redirect(target)
    session = guard.sessions.end(request.cookies.get(COOKIE))
    if session is not None:
        try:
            guard.gatekeeper(settings).audit.record(
                "logout", user=session.user_name, client=_client()
            )
        except AuditError as error:  # the session is over all the same
            log.error("logout of %s not recorded: %s", session.user_name, error)
    response = redirect(target)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="Lax")
    return response
