"""Soak and crash test: the dashboard keeps answering while files load, and a load killed
at any moment loses nothing.

    python bench/soak.py [--minutes 3] [--kills 10] [--loans 5000] [--months 13]
                         [--clients 3] [--workdir DIR] [--out DIR]

1. Writes a demo book (`recovery generate`), loads it (`recovery load`) and starts
   `recovery serve` on it, on a free port of 127.0.0.1.
2. Soak, for --minutes: a second process sends requests from --clients threads, each
   picking a page of `dash.page_registry` and a view of the filter bar: the page's HTML
   (GET), its layout and every callback of it (POST /_dash-update-component), as a browser
   does. Meanwhile this process runs `recovery load` again and again on new and changed
   files by turns: new payments, a corrected snapshot of the latest month, a file loaded
   before (unchanged), new actions. After each load the tables' row counts must equal the
   state that load committed (and the corrected snapshot's total its file's total), and
   the dashboard's /data page must list the file loaded.
3. Crash, --kills times: a load of new actions is killed (SIGKILL) at a random moment; the
   database must then open and hold exactly what it held before (row count and checksum of
   every table), or, when the kill came after the new version was published, the whole
   load and nothing else. The same load run again must complete: add its rows, or find
   them committed (the kill came while building or publishing) and publish them.

Everything it starts stops by itself: each load has a time limit, the client its deadline.
Prints the figures and writes them to --out/soak.json (default bench/output).
"""

import argparse
import importlib.resources
import json
import multiprocessing
import os
import platform
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal
from multiprocessing.synchronize import Event as EventType
from pathlib import Path
from urllib.parse import urlencode

import polars as pl

BENCH_DIR = Path(__file__).resolve().parent
if not __package__:  # run as a file (python bench/soak.py): its siblings as `bench.*`
    sys.path.insert(0, str(BENCH_DIR.parent))
OUTPUT_DIR = BENCH_DIR / "output"
RECOVERY = Path(sys.executable).parent / "recovery"
LOAD_TIMEOUT_S = 600
REQUEST_TIMEOUT_S = 120
STARTUP_TIMEOUT_S = 120
NEW_ROWS = 200  # rows of each new payments or actions file in the soak
CRASH_ROWS = 40_000  # actions in each file of the crash phase: a load of a few seconds
COUNTED_TABLES = ("loan_snapshots", "actions", "payments", "contacts", "teams", "load_ledger")
CHANGES = ("new payments", "corrected snapshot", "unchanged file", "new actions")


class SoakError(RuntimeError):
    """The soak could not run: a command failed to start, or the app did not answer."""


# --- the commands -------------------------------------------------------------------------


def command_env(db: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("RECOVERY_")}
    env["RECOVERY_DB"] = str(db)
    return env


def recovery(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(RECOVERY), *args],
        env=command_env(db),
        cwd=db.parent,
        capture_output=True,
        text=True,
        timeout=LOAD_TIMEOUT_S,
    )


def load(db: Path, path: Path) -> dict:
    """The one file's outcome of `recovery load --json`; raises when the command failed."""
    result = recovery(db, "load", str(path), "--json")
    if result.returncode != 0:
        raise SoakError(f"recovery load {path.name} exited {result.returncode}: {result.stderr}")
    [outcome] = json.loads(result.stdout)["files"]
    return outcome


@contextmanager
def serving(db: Path, log_path: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    from dashboard.process import ServerDidNotStart, dashboard_process

    try:
        with dashboard_process(
            db, env=command_env(db), log_path=log_path, cwd=db.parent,
            startup_seconds=STARTUP_TIMEOUT_S,
        ) as served:  # fmt: skip
            yield served
    except ServerDidNotStart as error:
        raise SoakError(f"recovery serve did not start: {error}") from None


# --- reading the database -----------------------------------------------------------------


def schema_tables() -> list[str]:
    schema = importlib.resources.files("etl").joinpath("schema.sql").read_text(encoding="utf-8")
    return re.findall(r"create table if not exists (\w+)", schema)


def counts(db: Path) -> dict[str, int]:
    from recovery.database import read_only

    with read_only(db) as con:
        return {t: con.sql(f"select count(*) from {t}").fetchall()[0][0] for t in COUNTED_TABLES}


def fingerprint(db: Path) -> dict[str, list[int]]:
    """Row count and an order-free checksum of every table the loader writes."""
    from recovery.database import read_only

    with read_only(db) as con:
        return {
            table: [
                int(v)
                for v in con.sql(
                    f"select count(*), coalesce(sum(hash({table})), 0) from {table}"
                ).fetchall()[0]
            ]
            for table in schema_tables()
        }


def snapshot_total(db: Path, as_of: str) -> str:
    from recovery.database import read_only

    with read_only(db) as con:
        total = con.sql(
            "select sum(outstanding_balance) from loan_snapshots where as_of_date = $d",
            params={"d": as_of},
        ).fetchall()[0][0]
    return str(total)


# --- the files loaded during the soak -----------------------------------------------------


class Changes:
    """New and changed files, one per call, in turns; each knows what it must do to the
    tables' row counts."""

    def __init__(self, db: Path, folder: Path, seed: int):
        from recovery.database import read_only

        self.db = db
        self.folder = folder
        self.random = random.Random(seed)
        self.turns = 0  # changes handed out
        self.files = 0  # files written: each has its own number, name and ids
        self.loaded: list[Path] = []
        with read_only(db) as con:
            self.latest = con.sql("select max(as_of_date) from loan_snapshots").fetchall()[0][0]
            self.loans = con.sql(
                "select loan_id, team from loan_snapshots where as_of_date = $d order by loan_id",
                params={"d": self.latest},
            ).fetchall()
            self.snapshot = con.sql(
                """
                select * exclude (load_id, source_line) from loan_snapshots
                where as_of_date = $d order by loan_id
                """,
                params={"d": self.latest},
            ).pl()

    def next(self) -> tuple[str, Path]:
        change = CHANGES[self.turns % len(CHANGES)]
        self.turns += 1
        if change == "unchanged file" and not self.loaded:
            change = "new payments"
        path = {
            "new payments": self.payments,
            "corrected snapshot": self.corrected_snapshot,
            "unchanged file": lambda: self.random.choice(self.loaded),
            "new actions": lambda: self.actions(NEW_ROWS),
        }[change]()
        return change, path

    def _numbered(self) -> int:
        self.files += 1
        return self.files

    def payments(self) -> Path:
        number = self._numbered()
        rows = [
            {
                "payment_id": f"SOAK-{number}-{i}",
                "loan_id": self.random.choice(self.loans)[0],
                "paid_at": (self.latest - timedelta(days=self.random.randint(0, 27))).isoformat(),
                "amount": f"{self.random.randint(100, 500_000) / 100:.2f}",
                "channel": "soak",
            }
            for i in range(NEW_ROWS)
        ]
        path = self.folder / f"payments_soak_{number:05d}.csv"
        pl.DataFrame(rows).write_csv(path)
        self.loaded.append(path)
        return path

    def corrected_snapshot(self) -> Path:
        """The latest month again, a few balances lowered by a cent: it replaces the rows
        loaded for that date, so the row count stays and the total follows the file."""
        cent = pl.lit(Decimal("0.01"))  # a Decimal, so the money stays exact
        chosen = pl.Series([self.random.random() < 0.1 for _ in range(self.snapshot.height)])
        balance = pl.col("outstanding_balance")
        self.snapshot = self.snapshot.with_columns(
            outstanding_balance=pl.when(chosen & (balance >= cent))
            .then(balance - cent)
            .otherwise(balance)
            .cast(pl.Decimal(18, 2))
        )
        path = self.folder / f"loans_{self.latest:%Y-%m}_corrected_{self._numbered():05d}.csv"
        self.snapshot.write_csv(path)
        return path

    def actions(self, rows: int) -> Path:
        number = self._numbered()
        start = datetime.combine(self.latest, datetime.min.time()) - timedelta(days=27)
        frame = pl.DataFrame(
            {
                "action_id": [f"SOAK-{number}-{i}" for i in range(rows)],
                "loan_id": [self.loans[i % len(self.loans)][0] for i in range(rows)],
                "action_at": [
                    (start + timedelta(seconds=self.random.randint(0, 27 * 86400))).isoformat(
                        sep=" "
                    )
                    for _ in range(rows)
                ],
                "method": ["sms" if i % 3 else "letter" for i in range(rows)],
                "team": [self.loans[i % len(self.loans)][1] or "soak" for i in range(rows)],
            }
        )
        path = self.folder / f"actions_soak_{number:05d}.csv"
        frame.write_csv(path)
        return path


def expected_after(before: dict[str, int], change: str, outcome: dict) -> dict[str, int]:
    after = dict(before)
    if outcome["status"] == "unchanged":
        return after
    after["load_ledger"] += 1
    table = {"new payments": "payments", "new actions": "actions"}.get(change)
    if table:
        after[table] += outcome["rows_loaded"]
    return after


# --- the HTTP client, in its own process --------------------------------------------------


def page_paths() -> dict[str, str]:
    """Path of every registered page, by the page's module name (the callbacks' prefix)."""
    import dash

    from dashboard.app import create_app

    create_app()
    return {page["module"].rsplit(".", 1)[-1]: page["path"] for page in dash.page_registry.values()}


def client(
    url: str, plan: dict, seconds: float, threads: int, seed: int, stop: EventType, out: str
) -> None:
    """Sends requests from `threads` threads until `stop` is set or `seconds` have passed;
    writes one record per request (wall-clock start, kind, status, milliseconds, error)
    to `out`."""
    deadline = time.monotonic() + seconds
    records: list[list] = []
    lock = threading.Lock()

    def send(kind: str, path: str, payload: dict | None) -> None:
        if payload is None:
            request = urllib.request.Request(url + path)
        else:
            request = urllib.request.Request(
                url + "/_dash-update-component",
                data=json.dumps(payload).encode(),
                headers={"Content-Type": "application/json"},
                method="POST",
            )
        sent, sent_at = time.monotonic(), time.time()
        status, error = 0, None
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_S) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as failure:
            status = failure.code
            error = failure.read()[:300].decode(errors="replace")
        except OSError as failure:
            error = repr(failure)[:300]
        with lock:
            records.append([sent_at, kind, status, (time.monotonic() - sent) * 1000, error])

    def user(number: int) -> None:
        from bench.dashboard_bench import callback_payload, router_payload

        chooser = random.Random(seed + number)
        while not stop.is_set() and time.monotonic() < deadline:
            page, path = chooser.choice(sorted(plan["pages"].items()))
            view = chooser.choice(plan["views"])
            search = "?" + urlencode({k: v for k, v in view.items() if v is not None})
            send("page", path + search, None)
            send("layout", path, router_payload(path, search))
            for callback in plan["callbacks"]:
                if callback["page"] == page and time.monotonic() < deadline:
                    send("callback", path, callback_payload(callback, view))

    users = [threading.Thread(target=user, args=(n,)) for n in range(threads)]
    for thread in users:
        thread.start()
    for thread in users:
        thread.join()
    Path(out).write_text(json.dumps(records), encoding="utf-8")


def request_plan(url: str, db: Path) -> dict:
    from bench.dashboard_bench import filter_changes, get_json, view_callbacks
    from recovery.database import close_readers

    plan = {
        "pages": page_paths(),
        "views": filter_changes(db),
        "callbacks": view_callbacks(get_json(url + "/_dash-dependencies")),
    }
    # A connection left open would keep this process reading the file as it is now.
    close_readers()
    return plan


def http_figures(records: list[list], since: float, until: float) -> dict:
    chosen = [r for r in records if since <= r[0] < until]
    failed = [r for r in chosen if r[2] not in (200, 204)]
    times = sorted(r[3] for r in chosen) or [0.0]
    return {
        "requests": len(chosen),
        "failed": len(failed),
        "by_kind": {k: sum(r[1] == k for r in chosen) for k in ("page", "layout", "callback")},
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
        "max_ms": round(times[-1], 1),
        "failures_sample": [{"kind": r[1], "status": r[2], "error": r[4]} for r in failed[:5]],
    }


# --- the two phases -----------------------------------------------------------------------


def served_history(url: str) -> str:
    """The /data page as the server renders it now: its load history names the files."""
    from bench.dashboard_bench import router_payload

    request = urllib.request.Request(
        url + "/_dash-update-component",
        data=json.dumps(router_payload("/data", "")).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_S) as response:
        return response.read().decode(errors="replace")


def soak_loads(db: Path, url: str, changes: Changes, seconds: float, min_loads: int = 0) -> dict:
    state = counts(db)
    durations: list[float] = []
    by_change = dict.fromkeys(CHANGES, 0)
    failures: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline or changes.turns < min_loads:
        change, path = changes.next()
        started = time.monotonic()
        try:
            outcome = load(db, path)
        except SoakError as error:
            failures.append(str(error)[:500])
            state = counts(db)
            continue
        durations.append(time.monotonic() - started)
        by_change[change] += 1
        expected = expected_after(state, change, outcome)
        state = counts(db)
        if state != expected:
            failures.append(f"after {path.name}: counts {state}, expected {expected}")
        if change == "unchanged file" and outcome["status"] != "unchanged":
            failures.append(f"{path.name} loaded again: {outcome}")
        if change == "corrected snapshot":
            file_total = f"{changes.snapshot['outstanding_balance'].sum():.2f}"
            if snapshot_total(db, changes.latest.isoformat()) != file_total:
                failures.append(f"after {path.name}: total is not the file's {file_total}")
        if outcome["status"] == "loaded" and path.name not in served_history(url):
            failures.append(f"after {path.name}: the dashboard's /data page does not show it")
    return {
        "loads": len(durations),
        "loads_by_change": by_change,
        "load_seconds_median": round(statistics.median(durations), 2) if durations else None,
        "load_seconds_max": round(max(durations), 2) if durations else None,
        "state_checks_failed": failures,
    }


def state_after_kill(db: Path, before: dict, file_name: str, rows: int) -> str:
    """What readers see: "as before", "committed" (the kill came after the new version was
    published: the whole load is in), or what is wrong."""
    from recovery.database import read_only

    try:
        after = fingerprint(db)
        with read_only(db) as con:
            ledger = con.sql(
                "select status, rows_loaded from load_ledger where file_name = $f",
                params={"f": file_name},
            ).fetchall()
    except Exception as error:  # a database that no longer opens is the finding itself
        return f"the database does not open: {error!r}"[:500]
    if after == before and not ledger:
        return "as before"
    others_same = all(after[t] == before[t] for t in after if t not in ("actions", "load_ledger"))
    whole = (
        others_same
        and after["actions"][0] == before["actions"][0] + rows
        and after["load_ledger"][0] == before["load_ledger"][0] + 1
        and ledger == [("loaded", rows)]
    )
    return "committed" if whole else f"neither as before nor whole: ledger {ledger}"


def crash_loads(db: Path, changes: Changes, kills: int, rows: int, seed: int) -> dict:
    from recovery.store import stray_files

    chooser = random.Random(seed)
    typical = 0.0
    results = {"kills": 0, "killed_mid_load": 0, "finished_before_kill": 0,
               "database_as_before": 0, "committed_before_the_kill": 0,
               "published_by_the_next_load": 0, "reloads_completed": 0,
               "failures": []}  # fmt: skip
    for _ in range(kills + 1):
        before = fingerprint(db)
        path = changes.actions(rows)
        if typical == 0.0:  # the first load runs whole: it tells how long one takes
            started = time.monotonic()
            load(db, path)
            typical = time.monotonic() - started
            continue
        delay = chooser.uniform(0.0, typical * 1.1)
        process = subprocess.Popen(
            [str(RECOVERY), "load", str(path), "--json"],
            env=command_env(db),
            cwd=db.parent,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        running = process.poll() is None
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=LOAD_TIMEOUT_S)
        results["kills"] += 1
        results["killed_mid_load" if running else "finished_before_kill"] += 1
        state = state_after_kill(db, before, path.name, rows)
        if state == "as before" and running:
            results["database_as_before"] += 1
        elif state == "committed":
            results["committed_before_the_kill"] += running
        else:
            results["failures"].append(f"after a kill at {delay:.2f} s: {state}")
            continue
        try:
            outcome = load(db, path)
        except SoakError as error:
            results["failures"].append(str(error)[:500])
            continue
        # Killed before the file's rows committed, the next load loads them; after (while
        # building or publishing), it finds them loaded and publishes them.
        expected = [("unchanged", 0)] + ([("loaded", rows)] if state == "as before" else [])
        answer = (outcome["status"], outcome["rows_loaded"])
        whole = state_after_kill(db, before, path.name, rows) == "committed"
        if answer in expected and whole and not stray_files(db):
            results["reloads_completed"] += 1
            results["published_by_the_next_load"] += (
                state == "as before" and answer[0] == "unchanged"
            )
        else:
            results["failures"].append(f"reload of {path.name}: {outcome}, whole: {whole}")
    results["load_seconds_typical"] = round(typical, 2)
    return results


def prepare_book(workdir: Path, loans: int, months: int) -> tuple[Path, float]:
    db = workdir / "recovery.duckdb"
    files = workdir / "demo"
    generated = recovery(db, "generate", "--loans", str(loans), "--months", str(months),
                         "--out", str(files))  # fmt: skip
    if generated.returncode != 0:
        raise SoakError(f"recovery generate failed: {generated.stderr}")
    started = time.monotonic()
    loaded = recovery(db, "load", str(files), "--json")
    if loaded.returncode != 0:
        raise SoakError(f"recovery load of the demo failed: {loaded.stderr}")
    return db, time.monotonic() - started


def run(
    workdir: Path,
    *,
    minutes: float = 3,
    min_loads: int = 0,
    kills: int = 10,
    crash_rows: int = CRASH_ROWS,
    loans: int = 5000,
    months: int = 13,
    clients: int = 3,
    seed: int = 7,
    out_dir: Path | None = OUTPUT_DIR,
) -> dict:
    workdir.mkdir(parents=True, exist_ok=True)
    db, first_load_seconds = prepare_book(workdir, loans, months)
    (workdir / "changes").mkdir(exist_ok=True)
    changes = Changes(db, workdir / "changes", seed)
    rows_at_start = counts(db)
    context = multiprocessing.get_context("spawn")
    with serving(db, workdir / "server.log") as (url, server):
        plan = request_plan(url, db)
        records_path = workdir / "requests.json"
        stop = context.Event()
        # Stopped when the crash phase ends, or by itself after the longest it may take.
        budget = minutes * 60 + (min_loads + 2 * kills + 1) * LOAD_TIMEOUT_S
        requester = context.Process(
            target=client, args=(url, plan, budget, clients, seed, stop, str(records_path))
        )
        requester.start()
        try:
            soak_began = time.time()
            soak = soak_loads(db, url, changes, minutes * 60, min_loads)
            crash_began = time.time()
            soak["seconds"] = round(crash_began - soak_began, 1)
            crash = crash_loads(db, changes, kills, crash_rows, seed)
            crash["seconds"] = round(time.time() - crash_began, 1)
        finally:
            stop.set()
            requester.join(timeout=REQUEST_TIMEOUT_S + 30)
            if requester.is_alive():
                requester.terminate()
                requester.join(timeout=30)
        server_alive = server.poll() is None
    records = json.loads(records_path.read_text("utf-8")) if records_path.exists() else []
    server_log = (workdir / "server.log").read_text(errors="replace")
    report = {
        "measured_at": datetime.now().isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "book": {
            "loans": loans,
            "months": months,
            "rows": rows_at_start,
            "first_load_seconds": round(first_load_seconds, 1),
        },  # fmt: skip
        "pages": sorted(plan["pages"].values()),
        "callbacks": len(plan["callbacks"]),
        "clients": clients,
        "soak": {**soak, "http": http_figures(records, 0, crash_began)},
        "crash": {**crash, "http": http_figures(records, crash_began, float("inf"))},
        "server_alive_at_end": server_alive,
        "server_tracebacks": server_log.count("Traceback (most recent call last)"),
    }
    report["ok"] = (
        not soak["state_checks_failed"]
        and soak["loads"] > 0
        and report["soak"]["http"]["requests"] > 0
        and report["soak"]["http"]["failed"] == 0
        and report["crash"]["http"]["failed"] == 0
        and not crash["failures"]
        and crash["database_as_before"] + crash["committed_before_the_kill"]
        == crash["killed_mid_load"]
        and crash["reloads_completed"] == crash["kills"]
        and server_alive
        and report["server_tracebacks"] == 0
    )
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "soak.json").write_text(json.dumps(report, indent=2, default=str), "utf-8")
    return report


def summary(report: dict) -> str:
    soak, crash = report["soak"], report["crash"]
    book = report["book"]
    return "\n".join(
        [
            f"Soak on {book['loans']:,} loans × {book['months']} months "
            f"({book['rows']['loan_snapshots']:,} snapshot rows, {book['rows']['actions']:,} "
            f"actions), {report['machine']}, {report['measured_at']}",
            f"  soak {soak['seconds']} s: {soak['loads']} loads {soak['loads_by_change']}, "
            f"median {soak['load_seconds_median']} s, max {soak['load_seconds_max']} s; "
            f"state checks failed: {len(soak['state_checks_failed'])}",
            f"  HTTP during the soak: {_http(soak['http'])}",
            f"  crash {crash['seconds']} s: {crash['kills']} kills, {crash['killed_mid_load']} "
            f"while the load ran ({crash['finished_before_kill']} after it ended); then the "
            f"database was as before {crash['database_as_before']} times, held the whole "
            f"load {crash['committed_before_the_kill']} times (killed after publishing); the "
            f"next load completed {crash['reloads_completed']}/{crash['kills']} (of them "
            f"{crash['published_by_the_next_load']} published rows the killed load had "
            f"committed); failures: "
            f"{len(crash['failures'])}",
            f"  HTTP during the crash phase: {_http(crash['http'])}",
            f"  server alive at the end: {report['server_alive_at_end']}, tracebacks in its "
            f"log: {report['server_tracebacks']}; all checks passed: {report['ok']}",
        ]
    )


def _http(figures: dict) -> str:
    return (
        f"{figures['requests']:,} requests ({figures['by_kind']}), {figures['failed']} failed; "
        f"median {figures['median_ms']:,.0f} ms, p95 {figures['p95_ms']:,.0f} ms, "
        f"max {figures['max_ms']:,.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=3, help="length of the soak phase")
    parser.add_argument("--kills", type=int, default=10, help="loads killed in the crash phase")
    parser.add_argument("--loans", type=int, default=5000, help="loans in the demo book")
    parser.add_argument("--months", type=int, default=13, help="monthly snapshots")
    parser.add_argument("--clients", type=int, default=3, help="concurrent HTTP clients")
    parser.add_argument("--seed", type=int, default=7, help="random seed of files and kills")
    parser.add_argument("--workdir", type=Path, default=None, help="folder for the book")
    parser.add_argument("--out", type=Path, default=OUTPUT_DIR, help="folder for soak.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="recovery-soak-") as temporary:
        try:
            report = run(
                args.workdir or Path(temporary),
                minutes=args.minutes,
                kills=args.kills,
                loans=args.loans,
                months=args.months,
                clients=args.clients,
                seed=args.seed,
                out_dir=args.out,
            )
        except SoakError as error:
            sys.exit(f"soak: {error}")
    print(summary(report))
    if not report["ok"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
