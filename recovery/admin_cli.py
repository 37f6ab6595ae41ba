"""`recovery users ...` and `recovery audit`: the dashboard's users and the audit log.

Every change to the users is itself written to the audit log, as done by the account that
ran the command, from the command line.
"""

import getpass
import json
import os
import sys
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from recovery.audit import ACTIONS, AuditError, AuditLog
from recovery.settings import Settings, get_settings
from recovery.users import ROLES, UnknownUser, User, UsersError, UserStore

users_app = typer.Typer(
    help="Dashboard users: add, remove, change a password, list. Passwords are read at a "
    "hidden prompt, or as one line on standard input when it is not a terminal.",
    no_args_is_help=True,
)
console = Console(width=None if sys.stdout.isatty() else 200)
errors = Console(stderr=True, width=None if sys.stderr.isatty() else 200)
COMMAND_LINE = "command line"


class PasswordNotGiven(UsersError):
    pass


def read_password(*, confirm: bool) -> str:
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise PasswordNotGiven(
                "no password given: type it at the prompt, or write it as one line on "
                "standard input"
            )
        return line.rstrip("\r\n")
    password = getpass.getpass("Password / 密码: ")
    if confirm and getpass.getpass("Again / 再输一次: ") != password:
        raise PasswordNotGiven("the two passwords differ: nothing changed")
    return password


def _store(settings: Settings) -> UserStore:
    return UserStore(settings.users_file)


def _audit(settings: Settings) -> AuditLog:
    return AuditLog(settings.audit_log, ZoneInfo(settings.timezone))


def _operator() -> str:
    """The account running the command (a container may have no name for it)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


def _fail(error: Exception) -> None:
    errors.print(f"[red]error:[/red] {error}", highlight=False)
    raise typer.Exit(1)


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="login name")],
    role: Annotated[str, typer.Option(help="executive, manager or analyst")],
    team: Annotated[
        list[str] | None,
        typer.Option(help="a team the user may see (repeat for several; none: every team)"),
    ] = None,
    unmasked: Annotated[
        bool, typer.Option("--unmasked", help="may see customer names unmasked")
    ] = False,
    new_team: Annotated[
        bool,
        typer.Option("--new-team", help="accept a team the loaded book does not have (yet)"),
    ] = False,
) -> None:
    """Add a dashboard user; the password is asked for (hidden) or read from stdin."""
    settings = get_settings()
    user = User(name, role, tuple(team or ()), unmasked)  # type: ignore[arg-type]
    try:
        if role not in ROLES:
            raise typer.BadParameter(f"use one of {', '.join(ROLES)}", param_hint="--role")
        if not new_team:
            _check_teams(settings, user.teams)
        store = _store(settings)
        store.add(user, read_password(confirm=True))
        _audit(settings).record(
            "user_added",
            user=_operator(),
            client=COMMAND_LINE,
            target=name,
            role=role,
            teams=list(user.teams),
            may_see_unmasked=unmasked,
        )
    except (UsersError, AuditError) as error:
        _fail(error)
    console.print(f"Added {name} ({role}) to {settings.users_file}", highlight=False)


def _check_teams(settings: Settings, wanted: tuple[str, ...]) -> None:
    """A team the loaded book does not have is most often a typing slip: the user would
    see nothing. Without a book there is nothing to check against."""
    if not wanted or not settings.db.exists():
        return
    from queries.dimensions import teams

    known = teams(settings.db)
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise UsersError(
            f"team {', '.join(unknown)} is not in the loaded book (its teams: "
            f"{', '.join(known) or 'none'}); give --new-team to add it all the same\n"
            f"已加载的数据中没有小组 {', '.join(unknown)}（现有小组：{', '.join(known) or '无'}）；"
            "确需添加请加 --new-team"
        )


@users_app.command("remove")
def users_remove(name: Annotated[str, typer.Argument(help="login name")]) -> None:
    """Remove a dashboard user."""
    settings = get_settings()
    try:
        store = _store(settings)
        store.remove(name)
        _audit(settings).record("user_removed", user=_operator(), client=COMMAND_LINE, target=name)
        left = store.users()
    except (UsersError, AuditError) as error:
        _fail(error)
    console.print(f"Removed {name}", highlight=False)
    if not left:
        errors.print(
            f"[yellow]warning:[/yellow] {settings.users_file} has no users left: a dashboard "
            "serving an address other machines can reach now refuses every request (503) until "
            "a user is added (recovery users add NAME --role executive); one on 127.0.0.1 is "
            "open to whoever uses this machine.\n"
            f"警告：{settings.users_file} 中已没有用户：在其他机器可访问的地址上提供服务的仪表盘"
            "从现在起拒绝所有请求（503），直到添加用户为止；在 127.0.0.1 上的仪表盘对使用本机的"
            "任何人开放。",
            highlight=False,
        )


@users_app.command("passwd")
def users_passwd(name: Annotated[str, typer.Argument(help="login name")]) -> None:
    """Set a user's password; asked for (hidden) or read from stdin."""
    settings = get_settings()
    try:
        store = _store(settings)
        if store.get(name) is None:
            raise UnknownUser(name)  # before a password is asked for
        store.set_password(name, read_password(confirm=True))
        _audit(settings).record(
            "password_changed", user=_operator(), client=COMMAND_LINE, target=name
        )
    except (UsersError, AuditError) as error:
        _fail(error)
    console.print(f"Password of {name} changed", highlight=False)


@users_app.command("list")
def users_list(
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """List the dashboard users: role, teams, unmasked or not, password last set."""
    settings = get_settings()
    store = _store(settings)
    try:
        listing = store.users()
    except UsersError as error:
        _fail(error)
    zone = ZoneInfo(settings.timezone)
    rows = [
        {
            "name": entry.user.name,
            "role": entry.user.role,
            "teams": list(entry.user.teams),
            "may_see_unmasked": entry.user.may_see_unmasked,
            "password_changed_at": _local(entry.password_changed_at, zone),
        }
        for entry in listing
    ]
    if not store.is_private():
        errors.print(
            f"[yellow]warning:[/yellow] {settings.users_file} can be read by other accounts: "
            f"chmod 600 {settings.users_file}",
            highlight=False,
        )
    if as_json:
        print(json.dumps({"users_file": str(settings.users_file), "users": rows},
                         ensure_ascii=False, indent=2))  # fmt: skip
        return
    table = Table("name", "role", "teams", "unmasked", "password set")
    for row in rows:
        table.add_row(
            Text(row["name"]),
            row["role"],
            Text(", ".join(row["teams"]) or "(all)"),
            "yes" if row["may_see_unmasked"] else "no",
            row["password_changed_at"],
        )
    console.print(table)
    console.print(f"{len(rows)} users in {settings.users_file}", highlight=False)


def _local(moment: str, zone: ZoneInfo) -> str:
    try:
        return datetime.fromisoformat(moment).astimezone(zone).isoformat(timespec="seconds")
    except ValueError:
        return moment


def audit(
    since: Annotated[
        str | None, typer.Option(help="from this date or time on (2026-11-01, 2026-11-01T08:00)")
    ] = None,
    user: Annotated[str | None, typer.Option(help="only this user's events")] = None,
    action: Annotated[str | None, typer.Option(help=f"only one of: {', '.join(ACTIONS)}")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="print the events as JSON lines, as in the log")
    ] = False,
) -> None:
    """Print the audit log: logins, logouts, downloads, reports, exports, user changes."""
    settings = get_settings()
    log = _audit(settings)
    try:
        if action is not None and action not in ACTIONS:
            raise typer.BadParameter(f"use one of {', '.join(ACTIONS)}", param_hint="--action")
        reading = log.read(
            since=log.parse_since(since) if since else None, user=user, action=action
        )
    except AuditError as error:
        _fail(error)
    if reading.unreadable_lines:
        shown = ", ".join(map(str, reading.unreadable_lines[:10]))
        errors.print(
            f"[yellow]warning:[/yellow] {len(reading.unreadable_lines)} lines of "
            f"{settings.audit_log} are not audit events (lines {shown}…)",
            highlight=False,
        )
    if as_json:
        for event in reading.events:
            print(json.dumps(event, ensure_ascii=False, separators=(",", ":")))
        return
    table = Table("at", "user", "action", "client", "details")
    for event in reading.events:
        details = {k: v for k, v in event.items() if k not in ("at", "user", "action", "client")}
        # Text, not markup: names typed at a login page are shown as typed.
        table.add_row(
            Text(str(event["at"])),
            Text(str(event.get("user"))),
            Text(str(event.get("action"))),
            Text(str(event.get("client") or "")),
            Text(json.dumps(details, ensure_ascii=False) if details else ""),
        )
    console.print(table)
    console.print(f"{len(reading.events)} events in {settings.audit_log}", highlight=False)
