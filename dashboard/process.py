"""`recovery serve` as a child process on a free port of 127.0.0.1: how the browser tests,
the dashboard benchmark and the soak run meet the dashboard, over real HTTP."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

RECOVERY = Path(sys.executable).parent / "recovery"


class ServerDidNotStart(RuntimeError):
    """`recovery serve` exited or did not answer in time; the message ends its log."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def dashboard_process(
    db: Path,
    *,
    env: dict[str, str] | None = None,
    log_path: Path | None = None,
    cwd: Path | None = None,
    startup_seconds: float = 90,
    host: str = "127.0.0.1",
) -> Iterator[tuple[str, subprocess.Popen]]:
    """`recovery serve` on the database `db` with the environment `env` (default: this
    process's), its log (what it writes to stderr: errors with their tracebacks) kept in
    `log_path` (default: a temporary file; a pipe nobody reads would fill and stall it).
    It listens on `host` (default 127.0.0.1; "0.0.0.0" needs users) and is reached on
    127.0.0.1. Yields the URL once the app answers, and the process; stops the process at
    the end."""
    port = free_port()
    environment = {**(os.environ if env is None else env), "RECOVERY_DB": str(db)}
    with open(log_path, "w+b") if log_path else tempfile.TemporaryFile() as log:
        server = subprocess.Popen(
            [str(RECOVERY), "serve", "--host", host, "--port", str(port)],
            env=environment,
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + startup_seconds
            while True:
                try:
                    urllib.request.urlopen(url, timeout=10).read()
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        tail = log.read().decode(errors="replace")[-3000:]
                        raise ServerDidNotStart(tail) from None
                    time.sleep(0.3)
            yield url, server
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=20)
