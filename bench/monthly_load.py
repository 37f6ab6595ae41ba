"""Monthly load benchmark: the newest month loaded into the months before it, against the
same month loaded into an empty store.

    python bench/monthly_load.py [--data DIR] [--loans N] [--months M] [--runs R] [--out FILE.json]

From a demo book (or --data: a folder of files named by month, `*_YYYY-MM.*`), the files
of every month but the newest are loaded into one store (the history). Then, R times each,
taking turns:

- into the history: a copy of the history's store, and `recovery load` of the newest
  month's files;
- into an empty store: `recovery load` of the newest month's files and the snapshot before
  them (a roll rate needs it), into a new store.

Each run is timed around the process, with its summary tables' seconds, its peak memory
and the bytes it wrote to disk (VmHWM and write_bytes, read from /proc while it runs, every
50 ms: the last moments' writes can be missed), the store's size after the load, the size
of the newest month's files in the store (every table's Parquet files of that month), and
how many summary tables were built from the new month only. The targets: loading into the
history costs at most 1.3× loading into an empty store, and writes at most 1.5× the
newest month's data in the store. Results go to --out as JSON; a Markdown table for the
README is printed.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from load_bench import (  # noqa: E402
    RECOVERY,
    code_version,
    demo_folder,
    machine_facts,
    write_results,
)

from recovery.store import copy_store, open_catalog, parts_folder, work_path  # noqa: E402

TARGET_RATIO = 1.3
TARGET_WRITTEN = 1.5  # bytes written, against the newest month's files in the store
_MONTH = re.compile(r"_(\d{4}-\d{2})\.")


def month_of(path: Path) -> str | None:
    found = _MONTH.search(path.name)
    return found.group(1) if found else None


def split_by_month(data: Path) -> tuple[list[Path], list[Path], list[Path]]:
    """The history's files (every month but the newest, and the files of no month), the
    newest month's files, and the snapshot before the newest month."""
    files = sorted(p for p in data.iterdir() if p.is_file())
    months = sorted({m for m in map(month_of, files) if m})
    if len(months) < 2:
        raise SystemExit(f"{data}: files of at least two months are needed")
    newest, before = months[-1], months[-2]
    history = [p for p in files if month_of(p) != newest]
    month = [p for p in files if month_of(p) == newest]
    snapshot_before = [p for p in files if month_of(p) == before and p.name.startswith("loans")]
    return history, month, snapshot_before


def load(db: Path, files: list[Path]) -> dict:
    """`recovery load --json` of `files` into `db`: wall seconds, summary tables' seconds,
    peak memory and bytes written (of the load process), and what it built."""
    env = {**os.environ, "RECOVERY_DB": str(db)}
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(RECOVERY), "load", "--json", *map(str, files)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    written = peak = 0
    io_file, status_file = Path(f"/proc/{process.pid}/io"), Path(f"/proc/{process.pid}/status")
    while process.poll() is None:
        try:
            written = int(re.search(r"write_bytes: (\d+)", io_file.read_text()).group(1))
            found = re.search(r"VmHWM:\s+(\d+) kB", status_file.read_text())
            peak = max(peak, int(found.group(1)) * 1024) if found else peak
        except (OSError, AttributeError):
            pass
        time.sleep(0.05)
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode not in (0, 1):
        raise SystemExit(f"recovery load failed ({process.returncode}): {stderr}")
    answer = json.loads(stdout)
    built = answer["summary_tables"] or {}
    return {
        "wall_seconds": round(seconds, 2),
        "summary_tables_seconds": answer["summary_tables_seconds"],
        "peak_memory_bytes": peak,
        "bytes_written": written,
        "store_bytes": store_bytes(db),
        "models_built": len(built.get("models", [])),
        "built_from": built.get("built_from", {}),
    }


def store_bytes(catalog: Path) -> int:
    """The store's size on disk: the catalog, its Parquet files, the writer's database."""
    files = [catalog, work_path(catalog), *parts_folder(catalog).rglob("*.parquet")]
    return sum(p.stat().st_size for p in files if p.exists())


def month_bytes_in_store(catalog: Path, month: str) -> int:
    """The size of every table's Parquet files of `month` (YYYY-MM) the catalog names."""
    with open_catalog(catalog) as con:
        paths = con.execute(
            "select path from store_files where strftime(month, '%Y-%m') = $month",
            {"month": month},
        ).fetchall()
    return sum((catalog.parent / path).stat().st_size for (path,) in paths)


def benchmark(data: Path, runs: int, work: Path) -> dict:
    history_files, month_files, snapshot_before = split_by_month(data)
    history = work / "history" / "recovery.duckdb"
    print(f"loading the history: {len(history_files)} files", flush=True)
    history_load = load(history, history_files)
    into_history, into_empty = [], []
    for run in range(1, runs + 1):
        copy = copy_store(history, work / f"history-{run}")
        into_history.append(load(copy, month_files))
        month_in_store = month_bytes_in_store(copy, month_of(month_files[0]))
        into_history[-1]["month_store_bytes"] = month_in_store
        shutil.rmtree(copy.parent)
        empty = work / f"empty-{run}" / "recovery.duckdb"
        into_empty.append(load(empty, snapshot_before + month_files))
        shutil.rmtree(empty.parent)
        print(
            f"run {run}: into the history {into_history[-1]['wall_seconds']} s, "
            f"into an empty store {into_empty[-1]['wall_seconds']} s",
            flush=True,
        )
    month_bytes = sum(p.stat().st_size for p in month_files)
    ratio = statistics.median(h["wall_seconds"] for h in into_history) / statistics.median(
        e["wall_seconds"] for e in into_empty
    )
    written = statistics.median(h["bytes_written"] / h["month_store_bytes"] for h in into_history)
    return {
        "measured_at": datetime.now().isoformat(timespec="seconds"),
        "machine": machine_facts(),
        "load_average": os.getloadavg(),
        "code": code_version(),
        "data": str(data),
        "month_files": [p.name for p in month_files],
        "month_file_bytes": month_bytes,
        "history_load": history_load,
        "into_history": into_history,
        "into_empty": into_empty,
        "ratio": round(ratio, 2),
        "target_ratio": TARGET_RATIO,
        "written_to_month_in_store": round(written, 2),
        "target_written": TARGET_WRITTEN,
    }


def markdown_table(result: dict) -> str:
    def row(name: str, runs: list[dict]) -> str:
        seconds = " / ".join(f"{r['wall_seconds']:.1f}" for r in runs)
        tables = " / ".join(f"{r['summary_tables_seconds']:.1f}" for r in runs)
        written = " / ".join(f"{r['bytes_written'] / 1e6:,.0f}" for r in runs)
        partial = runs[0]["built_from"]
        return (
            f"| {name} | {seconds} | {tables} | {runs[0]['models_built']} "
            f"({len(partial)} by month) | {written} | {runs[0]['store_bytes'] / 1e6:,.0f} |"
        )

    return "\n".join(
        [
            "| the newest month loaded | seconds | summary tables (s) | tables built "
            "| MB written | store MB |",
            "|---|---|---|---|---|---|",
            row("into the months before it", result["into_history"]),
            row("into an empty store (with the snapshot before it)", result["into_empty"]),
            "",
            f"Ratio of the medians: {result['ratio']} (target at most {TARGET_RATIO}); "
            f"the month's files: {result['month_file_bytes'] / 1e6:,.0f} MB, the month in "
            f"the store: {result['into_history'][0]['month_store_bytes'] / 1e6:,.0f} MB; "
            f"written by a load into the history: {result['written_to_month_in_store']}× the "
            f"month in the store (target at most {TARGET_WRITTEN}).",
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="folder of files by month (else the demo)")
    parser.add_argument("--loans", type=int, default=100_000, help="demo loans")
    parser.add_argument("--months", type=int, default=13, help="demo months")
    parser.add_argument("--runs", type=int, default=2, help="runs of each load")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "output" / "monthly_load.json")
    arguments = parser.parse_args(argv)
    data = arguments.data or demo_folder(arguments.loans, arguments.months)
    with tempfile.TemporaryDirectory(dir=data.parent) as work:
        result = benchmark(data.resolve(), arguments.runs, Path(work))
    write_results(arguments.out, result, markdown_table(result))


if __name__ == "__main__":
    main()
