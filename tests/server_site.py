"""A place for tests of the dashboard's server as it runs: its own users file and audit
log, users managed with the real `recovery users` command, `recovery serve` as a child
process, and a client that logs in through the login page as a browser does."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from bench.dashboard_bench import callback_payload, view_callbacks
from dashboard.process import dashboard_process
from tests.dashboard_demo import DEMO_PERIOD

RECOVERY = Path(sys.executable).parent / "recovery"
PASSWORD = "correct horse battery"
COOKIE = "recovery_session"


@dataclass
class Place:
    folder: Path
    db: Path

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RECOVERY_")}
        return env | {
            "RECOVERY_USERS_FILE": str(self.folder / "users.json"),
            "RECOVERY_AUDIT_LOG": str(self.folder / "audit.log"),
            "RECOVERY_DB": str(self.db),
            "RECOVERY_CONFIG": str(self.folder / "absent.toml"),
            "COLUMNS": "200",
        }

    def users(self, *args: str, password: str = PASSWORD) -> subprocess.CompletedProcess:
        """`recovery users ARGS`, the password (when asked) on standard input."""
        return subprocess.run([str(RECOVERY), "users", *args], input=password + "\n",
                              capture_output=True, text=True, env=self.env, cwd=self.folder,
                              timeout=120, check=False)  # fmt: skip

    def add(self, name: str, *args: str, password: str = PASSWORD) -> None:
        added = self.users("add", name, *args, password=password)
        assert added.returncode == 0, added.stderr

    def audit_events(self, action: str | None = None) -> list[dict]:
        path = self.folder / "audit.log"
        lines = path.read_text("utf-8").splitlines() if path.exists() else []
        events = [json.loads(line) for line in lines]
        return [e for e in events if action is None or e["action"] == action]

    @contextmanager
    def served(self, host: str = "127.0.0.1", **settings: str) -> Iterator[str]:
        """`recovery serve` on `host`, with RECOVERY_ settings added; its URL."""
        env = self.env | {f"RECOVERY_{k.upper()}": v for k, v in settings.items()}
        log = self.folder / "serve.log"
        with dashboard_process(self.db, env=env, log_path=log, host=host) as (url, _):
            yield url

    @property
    def server_log(self) -> str:
        return (self.folder / "serve.log").read_text("utf-8", errors="replace")


def browser(url: str) -> requests.Session:
    """A client of the dashboard at `url` that keeps its cookies (requests here are sent
    with redirects not followed)."""
    return requests.Session()


def log_in(url: str, name: str, password: str = PASSWORD,
           client: requests.Session | None = None) -> requests.Session:  # fmt: skip
    """Logs in through the login page; the client holding the session's cookie."""
    client = client or browser(url)
    response = client.post(f"{url}/login", data={"name": name, "password": password},
                           allow_redirects=False, timeout=60)  # fmt: skip
    assert response.status_code == 302, (response.status_code, response.text[:300])
    return client


def get(client: requests.Session, url: str) -> requests.Response:
    return client.get(url, allow_redirects=False, timeout=60)


def post(client: requests.Session, url: str, payload: object) -> requests.Response:
    return client.post(url, json=payload, allow_redirects=False, timeout=60)


def view_data(team: str | None = None, lang: str = "en") -> dict:
    """What a page's `view` store holds for the demo's month, no filter but `team`."""
    dimensions = dict.fromkeys(("branch", "product", "team", "collector", "method"))
    return {"period": DEMO_PERIOD, **dimensions, "team": team, "lang": lang, "window": 30}


def first_callback(client: requests.Session, url: str) -> dict:
    """The payload of the Overview's first callback on the view (a KPI card)."""
    dependencies = get(client, f"{url}/_dash-dependencies").json()
    overview = [c for c in view_callbacks(dependencies) if c["page"] == "overview"]
    return callback_payload(overview[0], view_data())


def login_flood(url: str, senders: int, per_second: float, seconds: float, stop, answers) -> None:
    """Logins with random names from `senders` threads, each `per_second` a second, for
    `seconds` at most or until `stop` is set; puts (status, Retry-After) of each answer on
    `answers`. Run in a process of its own, so the flood's clients do not slow the
    measuring test's own requests."""
    import secrets
    import threading
    import time

    def send() -> None:
        client = requests.Session()
        started = time.monotonic()
        sent = 0
        while not stop.is_set() and time.monotonic() - started < seconds:
            form = {"name": secrets.token_hex(6), "password": "x" * 12}
            response = client.post(f"{url}/login", data=form, timeout=60, allow_redirects=False)
            answers.put((response.status_code, response.headers.get("Retry-After")))
            sent += 1
            stop.wait(max(0.0, started + sent / per_second - time.monotonic()))  # the pace

    threads = [threading.Thread(target=send) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
