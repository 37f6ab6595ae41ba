"""Dashboard benchmark: server time per callback as a browser asks for it, over real HTTP.

    python bench/dashboard_bench.py --db FILE.duckdb [--out DIR] [--rounds N]

Starts `recovery serve` on the database (RECOVERY_DB) on a free local port, reads the
app's callbacks from `/_dash-dependencies`, and for a sequence of filter changes (the
latest month, then a branch, a branch and a product, a team, a collector of it, a method,
the previous month) POSTs to `/_dash-update-component` what the browser posts after the
URL changed: the page router (the layout for the new URL) and every callback that reads
the page's view. Each request is timed from send to the last byte of the answer, one at a
time (a browser sends a page's callbacks together; alone, each gets the machine to itself).

A filter change is "cold": those filters were never asked before, so the measures run.
Each change is then asked again ("warm"): the answer comes from the dashboard's cache.
The report gives, per page and callback, the median and the largest cold and warm times,
and is written as JSON and Markdown into --out (default bench/output).
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
OUTPUT_DIR = BENCH_DIR / "output"
TARGET_MS = 300
VIEW_INPUT = {"id": "view", "property": "data"}
PAGES = {
    "overview": "/",
    "aging": "/aging",
    "methods": "/methods",
    "teams": "/teams",
    "contacts": "/contacts",
    "promises": "/promises",
    "attention": "/attention",
    "data": "/data",
}


class BenchmarkError(RuntimeError):
    """The benchmark could not measure: no database, or the app did not start."""


@contextmanager
def served(db: Path) -> Iterator[str]:
    from dashboard.process import ServerDidNotStart, dashboard_process

    if not db.exists():
        raise BenchmarkError(f"no database at {db}: load one first with `recovery load`")
    try:
        with dashboard_process(db) as (url, _):
            yield url
    except ServerDidNotStart as error:
        raise BenchmarkError(f"recovery serve did not start: {error}") from None


def get_json(url: str) -> object:
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.loads(response.read())


def post(url: str, payload: dict, timeout: float) -> tuple[int, float]:
    """Status and wall milliseconds of one callback request."""
    body = json.dumps(payload).encode()
    request = urllib.request.Request(
        url + "/_dash-update-component",
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        error.read()
        status = error.code
    return status, (time.perf_counter() - started) * 1000


def _split_output(output: str) -> list[dict]:
    """The outputs of a callback from its output string: `id.prop` or `..a.p...b.q..`;
    a dict id is written as JSON."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    outputs = []
    for part in parts:
        component, prop = part.rsplit(".", 1)
        outputs.append(
            {"id": json.loads(component) if component.startswith("{") else component,
             "property": prop}
        )  # fmt: skip
    return outputs


def view_callbacks(dependencies: list[dict]) -> list[dict]:
    """The callbacks that answer a view change, each with its page and a payload maker."""
    found = []
    for dependency in dependencies:
        if dependency["inputs"] != [VIEW_INPUT] or dependency.get("clientside_function"):
            continue
        outputs = _split_output(dependency["output"])
        first = outputs[0]["id"]
        name = first["chart"] if isinstance(first, dict) else first
        found.append(
            {"page": name.split("-")[0], "name": name, "output": dependency["output"],
             "outputs": outputs}
        )  # fmt: skip
    return found


def callback_payload(callback: dict, view: dict) -> dict:
    outputs = callback["outputs"]
    return {
        "output": callback["output"],
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": [{**VIEW_INPUT, "value": view}],
        "changedPropIds": ["view.data"],
        "state": [],
    }


def router_payload(path: str, search: str) -> dict:
    outputs = [
        {"id": "_pages_content", "property": "children"},
        {"id": "_pages_store", "property": "data"},
    ]
    return {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": outputs,
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        "changedPropIds": ["_pages_location.search"],
        "state": [],
    }


def filter_changes(db: Path) -> list[dict]:
    """A user's walk through the filter bar, as the views the pages receive."""
    from dashboard.view import View
    from queries import dimensions
    from queries.filters import Filters

    periods = dimensions.periods(db)
    if not periods:
        raise BenchmarkError(f"{db} holds no loans snapshot")
    latest = periods[0]
    branch = dimensions.branches(db)[:1] or [None]
    product = dimensions.products(db)[:1] or [None]
    team = dimensions.teams(db)[:1] or [None]
    collector = dimensions.collectors(db, team=team[0])[:1] or [None]
    method = "phone" if "phone" in dimensions.methods(db) else None
    steps = [
        Filters(latest),
        Filters(latest, branch=branch[0]),
        Filters(latest, branch=branch[0], product=product[0]),
        Filters(latest, team=team[0]),
        Filters(latest, team=team[0], collector=collector[0]),
        Filters(latest, method=method),
    ]
    if len(periods) > 1:
        steps.append(Filters(periods[1]))
    return [View(f, "zh", 30).as_data() for f in steps]


def _search(view: dict) -> str:
    from urllib.parse import urlencode

    return "?" + urlencode({k: v for k, v in view.items() if v is not None})


def measure(url: str, views: list[dict], timeout: float) -> list[dict]:
    """One row per (view, page, callback, cold or warm): status and milliseconds."""
    callbacks = view_callbacks(get_json(url + "/_dash-dependencies"))
    rows = []
    for round_name in ("cold", "warm"):
        for step, view in enumerate(views):
            for page, path in PAGES.items():
                status, ms = post(url, router_payload(path, _search(view)), timeout)
                rows.append({"round": round_name, "step": step, "page": page,
                             "callback": "layout", "status": status, "ms": ms})  # fmt: skip
                for callback in (c for c in callbacks if c["page"] == page):
                    status, ms = post(url, callback_payload(callback, view), timeout)
                    rows.append({"round": round_name, "step": step, "page": page,
                                 "callback": callback["name"], "status": status,
                                 "ms": ms})  # fmt: skip
    return rows


def summarise(rows: list[dict]) -> list[dict]:
    keys = sorted({(r["page"], r["callback"]) for r in rows}, key=lambda k: (
        list(PAGES).index(k[0]) if k[0] in PAGES else 99, k[1] != "layout", k[1]))  # fmt: skip
    summary = []
    for page, callback in keys:
        entry = {"page": page, "callback": callback}
        for round_name in ("cold", "warm"):
            times = [r["ms"] for r in rows if (r["page"], r["callback"], r["round"]) ==
                     (page, callback, round_name)]  # fmt: skip
            entry[f"{round_name}_median_ms"] = round(statistics.median(times), 1)
            entry[f"{round_name}_max_ms"] = round(max(times), 1)
        summary.append(entry)
    return summary


def markdown(report: dict) -> str:
    lines = [
        f"Dashboard callbacks on `{report['database']}` ({report['measured_at']}, "
        f"{report['machine']}); {report['filter_changes']} filter changes, milliseconds "
        "from request to answer:",
        "",
        "| page | callback | cold median | cold max | warm median | warm max |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for row in report["callbacks"]:
        lines.append(
            f"| {row['page']} | {row['callback']} | {row['cold_median_ms']:,.0f} | "
            f"{row['cold_max_ms']:,.0f} | {row['warm_median_ms']:,.0f} | "
            f"{row['warm_max_ms']:,.0f} |"
        )
    lines += [
        "",
        f"Callbacks under {TARGET_MS} ms at their slowest cold answer: "
        f"{report['cold_under_target']} of {len(report['callbacks'])}; warm: "
        f"{report['warm_under_target']} of {len(report['callbacks'])}.",
    ]
    return "\n".join(lines) + "\n"


def run(db: Path, out_dir: Path, *, steps: int | None = None, timeout: float = 600) -> dict:
    views = filter_changes(db)[:steps]
    with served(db) as url:
        rows = measure(url, views, timeout)
    failed = [r for r in rows if r["status"] not in (200, 204)]
    if failed:
        raise BenchmarkError(f"callbacks failed: {failed[:5]}")
    summary = summarise(rows)
    report = {
        "database": str(db),
        "measured_at": datetime.now().isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "filter_changes": len(views),
        "target_ms": TARGET_MS,
        "callbacks": summary,
        "cold_under_target": sum(r["cold_max_ms"] < TARGET_MS for r in summary),
        "warm_under_target": sum(r["warm_max_ms"] < TARGET_MS for r in summary),
        "requests": rows,
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "dashboard_bench.json").write_text(json.dumps(report, indent=2), "utf-8")
    (out_dir / "dashboard_bench.md").write_text(markdown(report), "utf-8")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="a loaded database file")
    parser.add_argument("--out", type=Path, default=OUTPUT_DIR, help="folder for the report")
    parser.add_argument("--steps", type=int, default=None, help="filter changes to time")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per request")
    args = parser.parse_args()
    try:
        report = run(args.db, args.out, steps=args.steps, timeout=args.timeout)
    except BenchmarkError as error:
        sys.exit(f"dashboard bench: {error}")
    print(markdown(report), end="")


if __name__ == "__main__":
    main()
