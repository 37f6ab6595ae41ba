"""The login attacks of tests/test_dashboard_server_login.py, longer and harder: the speed
of known and unknown names over many pairs, a long login flood from many senders while a
signed-in user works, and many wrong passwords sent side by side. Each against the real
`recovery serve` on 127.0.0.1; figures printed and written to bench/output/attacks.json.

    .venv/bin/python bench/attacks.py [--pairs 100] [--flood-seconds 120] [--parallel 160]
"""

import argparse
import json
import multiprocessing
import platform
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.dashboard_demo import build_demo_db  # noqa: E402
from tests.server_site import (  # noqa: E402
    Place,
    browser,
    first_callback,
    log_in,
    login_flood,
    post,
)

CALLBACK = "/_dash-update-component"
OUTPUT = Path(__file__).parent / "output" / "attacks.json"


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1]


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def name_timing(place: Place, pairs: int) -> dict:
    place.add("boss", "--role", "executive")
    with place.served(login__max_failures="100000") as url:

        def wrong(name: str) -> None:
            form = {"name": name, "password": "wrong guess!", "lang": "en"}
            response = browser(url).post(f"{url}/login", data=form, timeout=60)
            assert response.status_code == 200

        known, unknown = [], []
        for turn in range(pairs):
            pair = [(known, "boss"), (unknown, f"nobody-{secrets.token_hex(4)}")]
            for times, name in pair[:: 1 if turn % 2 else -1]:
                times.append(timed(lambda name=name: wrong(name)))
    return {
        "pairs": pairs,
        "known_median_ms": round(statistics.median(known) * 1000, 1),
        "unknown_median_ms": round(statistics.median(unknown) * 1000, 1),
        "ratio": round(statistics.median(unknown) / statistics.median(known), 3),
    }


def flood(place: Place, senders: int, per_second: float, seconds: float) -> dict:
    place.add("chief", "--role", "executive")
    with place.served() as url:
        chief = log_in(url, "chief")
        payload = first_callback(chief, url)

        def callback() -> None:
            assert post(chief, f"{url}{CALLBACK}", payload).status_code == 200

        callback()
        before = p95([timed(callback) for _ in range(100)])
        spawn = multiprocessing.get_context("spawn")
        stop, answers = spawn.Event(), spawn.Queue()
        sender = spawn.Process(
            target=login_flood, args=(url, senders, per_second, seconds, stop, answers)
        )
        sender.start()
        got = [answers.get(timeout=60) for _ in range(senders * 2)]
        during: list[float] = []
        while sender.is_alive() and len(during) < 2000:
            during.append(timed(callback))
            while not answers.empty():
                got.append(answers.get())
        stop.set()
        sender.join(timeout=120)
        while not answers.empty():
            got.append(answers.get(timeout=10))
        after = p95([timed(callback) for _ in range(100)])
    statuses = [status for status, _ in got]
    return {
        "senders": senders,
        "logins_a_second": senders * per_second,
        "seconds": seconds,
        "logins": len(got),
        "checked_200": statuses.count(200),
        "refused_429": statuses.count(429),
        "other": len(statuses) - statuses.count(200) - statuses.count(429),
        "callback_p95_ms_idle": round(max(before, after) * 1000, 1),
        "callback_p95_ms_during": round(p95(during) * 1000, 1),
        "callbacks_during": len(during),
    }


def parallel_wrong_passwords(place: Place, attempts: int) -> dict:
    place.add("ops", "--role", "analyst")
    with place.served() as url:
        start = threading.Barrier(attempts)
        statuses: list[int] = []

        def attempt() -> None:
            client = browser(url)
            start.wait(timeout=120)
            response = client.post(f"{url}/login", timeout=300,
                                   data={"name": "ops", "password": "wrong password"})  # fmt: skip
            statuses.append(response.status_code)

        threads = [threading.Thread(target=attempt) for _ in range(attempts)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
    return {
        "attempts": attempts,
        "checked": statuses.count(200),
        "refused_429": statuses.count(429),
        "allowed": 5,
        "audited_failures": len(place.audit_events("login_failed")),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=100)
    parser.add_argument("--flood-seconds", type=float, default=120)
    parser.add_argument("--senders", type=int, default=16)
    parser.add_argument("--parallel", type=int, default=160)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        book = build_demo_db(root / "book", loans=2000)

        def place(name: str) -> Place:
            (root / name).mkdir()
            return Place(root / name, book)

        figures = {
            "machine": f"{platform.machine()}, {multiprocessing.cpu_count()} cores",
            "name_timing": name_timing(place("timing"), args.pairs),
            "login_flood": flood(place("flood"), args.senders, 2.0, args.flood_seconds),
            "parallel_wrong_passwords": parallel_wrong_passwords(place("race"), args.parallel),
        }
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
