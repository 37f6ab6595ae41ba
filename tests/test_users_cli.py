"""`recovery users` and `recovery audit` through the real entry point, as an administrator
scripts them (the password on standard input)."""

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from recovery.audit import ACTIONS
from recovery.settings import LoginSettings, Settings
from recovery.users import User, UserStore

RECOVERY = Path(sys.executable).parent / "recovery"
PASSWORD = "correct horse battery"


def run(folder: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {name: value for name, value in os.environ.items() if not name.startswith("RECOVERY_")}
    env |= {
        "RECOVERY_USERS_FILE": str(folder / "config" / "users.json"),
        "RECOVERY_AUDIT_LOG": str(folder / "data" / "audit.log"),
        "RECOVERY_DB": str(folder / "data" / "recovery.duckdb"),
        "COLUMNS": "200",
    }
    return subprocess.run(
        [str(RECOVERY), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=folder,
        timeout=60,
    )


def test_add_list_change_password_remove_and_the_audit_trail(tmp_path: Path) -> None:
    added = run(tmp_path, "users", "add", "张经理", "--role", "manager", "--team", "总部电催一组",
                "--team", "外访二组", stdin=PASSWORD + "\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "Added 张经理 (manager)" in added.stdout
    boss = run(tmp_path, "users", "add", "boss", "--role", "executive", "--unmasked",
               stdin=PASSWORD + "\n")  # fmt: skip
    assert boss.returncode == 0, boss.stderr

    listing = json.loads(run(tmp_path, "users", "list", "--json").stdout)
    assert [
        (u["name"], u["role"], u["teams"], u["may_see_unmasked"]) for u in listing["users"]
    ] == [
        ("boss", "executive", [], True),
        ("张经理", "manager", ["总部电催一组", "外访二组"], False),
    ]
    assert all(u["password_changed_at"].endswith("+08:00") for u in listing["users"])
    table = run(tmp_path, "users", "list").stdout
    assert "张经理" in table and "总部电催一组, 外访二组" in table and "(all)" in table

    store = UserStore(tmp_path / "config" / "users.json")
    assert store.verify("张经理", PASSWORD) is not None
    changed = run(tmp_path, "users", "passwd", "张经理", stdin="a new long password\n")
    assert changed.returncode == 0, changed.stderr
    assert store.verify("张经理", PASSWORD) is None
    assert store.verify("张经理", "a new long password") is not None
    assert run(tmp_path, "users", "remove", "boss").returncode == 0
    assert [entry.user.name for entry in store.users()] == ["张经理"]

    trail = run(tmp_path, "audit", "--json").stdout.splitlines()
    events = [json.loads(line) for line in trail]
    assert [(e["action"], e.get("target")) for e in events] == [
        ("user_added", "张经理"),
        ("user_added", "boss"),
        ("password_changed", "张经理"),
        ("user_removed", "boss"),
    ]
    assert all(e["client"] == "command line" and e["user"] for e in events)
    only_removals = run(tmp_path, "audit", "--json", "--action", "user_removed").stdout
    assert len(only_removals.splitlines()) == 1
    none_later = run(tmp_path, "audit", "--json", "--since", "2999-01-01")
    assert none_later.returncode == 0 and none_later.stdout == ""
    assert PASSWORD not in (tmp_path / "data" / "audit.log").read_text("utf-8")


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("users", "add", "x", "--role", "analyst"), "short\n", "at least 10 characters"),
        (("users", "add", "x", "--role", "analyst"), "", "no password given"),
        (("users", "add", "x", "--role", "manager"), PASSWORD + "\n", "--team"),
        (("users", "add", "old", "--role", "analyst"), PASSWORD + "\n", "exists already"),
        (("users", "passwd", "nobody"), PASSWORD + "\n", "no user named 'nobody'"),
        (("users", "remove", "nobody"), "", "no user named 'nobody'"),
        (("audit", "--since", "yesterday"), "", "give a date (2026-11-01)"),
    ],
)
def test_refusals_exit_1_with_a_message_and_change_nothing(
    tmp_path: Path, args: tuple[str, ...], stdin: str, message: str
) -> None:
    store = UserStore(tmp_path / "config" / "users.json")
    store.add(User("old", "analyst"), PASSWORD)
    users_before = store.path.read_bytes()
    result = run(tmp_path, *args, stdin=stdin)
    assert result.returncode == 1, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert store.path.read_bytes() == users_before
    assert not (tmp_path / "data" / "audit.log").exists()


def test_a_wrong_role_is_a_usage_error(tmp_path: Path) -> None:
    result = run(tmp_path, "users", "add", "x", "--role", "admin", stdin=PASSWORD + "\n")
    assert result.returncode == 2
    assert "executive, manager, analyst" in result.stderr
    assert not (tmp_path / "config" / "users.json").exists()


def test_help(tmp_path: Path) -> None:
    for command in (("users", "add"), ("audit",)):
        result = run(tmp_path, *command, "--help")
        assert result.returncode == 0 and "Usage: recovery" in result.stdout


def test_the_commands_actions_and_settings_are_documented(monkeypatch) -> None:
    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text("utf-8")
    for command in ("recovery users add", "recovery users remove", "passwd NAME",
                    "list [--json]", "recovery audit"):  # fmt: skip
        assert command in readme, command
    assert all(f"`{action}`" in readme for action in ACTIONS)
    monkeypatch.setenv("RECOVERY_CONFIG", str(root / "recovery.example.toml"))
    monkeypatch.delenv("RECOVERY_USERS_FILE", raising=False)
    monkeypatch.delenv("RECOVERY_AUDIT_LOG", raising=False)
    example = Settings()
    assert example.users_file == Path("config/users.json")
    assert example.audit_log == Path("data/audit.log")
    assert example.login == LoginSettings()


def read_until(master: int, text: str, timeout: float = 60) -> str:
    """What the terminal showed, up to and including `text`."""
    seen = b""
    deadline = time.monotonic() + timeout
    while text.encode() not in seen:
        ready, _, _ = select.select([master], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            raise AssertionError(f"no {text!r} on the terminal; it showed {seen!r}")
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the command ended and closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    return seen.decode(errors="replace")


@pytest.mark.parametrize(("again", "added"), [(PASSWORD, True), ("a different one!", False)])
def test_at_a_terminal_the_password_is_asked_twice_and_not_shown(
    tmp_path: Path, again: str, added: bool
) -> None:
    env = {name: value for name, value in os.environ.items() if not name.startswith("RECOVERY_")}
    env["RECOVERY_USERS_FILE"] = str(tmp_path / "users.json")
    env["RECOVERY_AUDIT_LOG"] = str(tmp_path / "audit.log")
    pid, master = pty.fork()  # the child's controlling terminal is a new pseudo-terminal
    if pid == 0:
        try:
            os.execve(RECOVERY, [str(RECOVERY), "users", "add", "tty", "--role", "analyst"], env)
        finally:
            os._exit(127)  # never back into the test runner
    try:
        shown = read_until(master, "Password / 密码: ")
        os.write(master, PASSWORD.encode() + b"\n")
        shown += read_until(master, "Again / 再输一次: ")
        os.write(master, again.encode() + b"\n")
        shown += read_until(master, "tty" if added else "differ")
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(master)
    assert PASSWORD not in shown and again not in shown, "the password was echoed"
    assert os.waitstatus_to_exitcode(status) == (0 if added else 1), shown
    store = UserStore(tmp_path / "users.json")
    assert (store.verify("tty", PASSWORD) is not None) == added


def test_a_team_the_loaded_book_lacks_is_refused_unless_new(tmp_path: Path) -> None:
    (tmp_path / "teams.csv").write_text(
        "team,team_type\n总部电催一组,phone\n外访一组,field\n", encoding="utf-8"
    )
    assert run(tmp_path, "load", str(tmp_path / "teams.csv")).returncode == 0
    typo = run(tmp_path, "users", "add", "李组长", "--role", "manager", "--team", "外访二组",
               stdin=PASSWORD + "\n")  # fmt: skip
    assert typo.returncode == 1
    assert (
        "team 外访二组 is not in the loaded book (its teams: 外访一组, 总部电催一组)" in typo.stderr
    )
    assert "已加载的数据中没有小组 外访二组" in typo.stderr
    assert not (tmp_path / "config" / "users.json").exists()
    known = run(tmp_path, "users", "add", "李组长", "--role", "manager", "--team", "外访一组",
                stdin=PASSWORD + "\n")  # fmt: skip
    assert known.returncode == 0, known.stderr
    ahead = run(tmp_path, "users", "add", "王组长", "--role", "manager", "--team", "外访二组",
                "--new-team", stdin=PASSWORD + "\n")  # fmt: skip
    assert ahead.returncode == 0, ahead.stderr
    teams = {
        u["name"]: u["teams"]
        for u in json.loads(run(tmp_path, "users", "list", "--json").stdout)["users"]
    }
    assert teams == {"李组长": ["外访一组"], "王组长": ["外访二组"]}
