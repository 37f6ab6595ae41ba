"""Load benchmark: `recovery load` against a bare DuckDB load of the same files.

    python bench/load_bench.py [--data DIR] [--loans N] [--months M] [--out FILE.json]

Both loads run on this machine, on the same files, each in its own process writing a fresh
database file in a temp folder beside the data (same disk):

- ours: `recovery load DIR --json`, the real entry point, with RECOVERY_DB set (the rest of
  the environment and any recovery.toml apply as usual);
- bare: per file `create table ... as select * from read_csv(path, ignore_errors = true)`
  (types auto-detected, unparseable rows skipped), XLSX through fastexcel (inside the
  timer). DuckDB reads no GBK here, so GBK/GB18030 files get a UTF-8 copy made *before*
  the bare timer starts: the bare figure leaves out the transcoding our load pays for.

Wall time is measured around each process; peak memory is the process's maximum resident
set as `/usr/bin/time` reports it (not `wait4` from this process: a child started by
vfork inherits the parent's high-water mark). Every file is read once before either run,
so both start with the files in the page cache.

Without --data the demo is generated into bench/output/demo_N unless that folder exists.
Results go to --out as JSON; a Markdown table for the README is printed.
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
OUTPUT_DIR = BENCH_DIR / "output"
RECOVERY = Path(sys.executable).parent / "recovery"
TIME = Path("/usr/bin/time")
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
CHUNK = 1 << 20
TARGET_RATIO = 2.0
TARGET_PEAK_GB = 4.0
GB = 1e9  # decimal gigabytes, as DuckDB's memory_limit counts them


class BenchmarkError(RuntimeError):
    """The benchmark could not measure: a missing tool, missing data, or a failed load."""


# ---------------------------------------------------------------------------------------------
# Measuring one process


def run_measured(command: list[str], env: dict[str, str], rss_file: Path) -> dict:
    """Run `command` under /usr/bin/time: its wall seconds, peak memory and output."""
    if not TIME.exists():
        raise BenchmarkError(f"{TIME} is missing: install it (apt-get install time)")
    started = time.perf_counter()
    result = subprocess.run(
        [str(TIME), "-f", "%M", "-o", str(rss_file), *command],
        capture_output=True,
        text=True,
        env=env,
    )
    wall_seconds = time.perf_counter() - started
    peak_kib = int(rss_file.read_text().strip().splitlines()[-1])
    return {
        "returncode": result.returncode,
        "stdout": result.stdout,
        "stderr": result.stderr,
        "wall_seconds": wall_seconds,
        "peak_memory_bytes": peak_kib * 1024,
    }


# ---------------------------------------------------------------------------------------------
# Our load


def run_our_load(data: Path, workdir: Path) -> dict:
    env = {**os.environ, "RECOVERY_DB": str(workdir / "ours" / "recovery.duckdb")}
    run = run_measured([str(RECOVERY), "load", str(data), "--json"], env, workdir / "ours.rss")
    if run["returncode"] not in (0, 1):  # 1: some file refused, still reported in the JSON
        raise BenchmarkError(f"recovery load failed ({run['returncode']}): {run['stderr']}")
    answer = json.loads(run["stdout"])
    files = answer["files"]
    return {
        "wall_seconds": run["wall_seconds"],
        "summary_tables_seconds": answer["summary_tables_seconds"],
        "peak_memory_bytes": run["peak_memory_bytes"],
        "rows_loaded": sum_by_kind(files, "rows_loaded"),
        "rows_rejected": sum_by_kind(files, "rows_rejected"),
        "files_refused": [f["file"] for f in files if f["status"] == "refused"],
        "files": files,
    }


def sum_by_kind(files: list[dict], field: str) -> dict[str, int]:
    totals: Counter[str] = Counter()
    for file in files:
        totals[file["kind"]] += file[field]
    return dict(totals)


# ---------------------------------------------------------------------------------------------
# The bare load


def utf8_inputs(files: list[Path], folder: Path) -> tuple[list[Path], list[str]]:
    """The files DuckDB can read as they are, GBK ones replaced by a UTF-8 copy."""
    from etl.readers import TEXT_SUFFIXES, detect_encoding

    folder.mkdir(parents=True, exist_ok=True)
    inputs, transcoded = [], []
    for path in files:
        if path.suffix.lower() in TEXT_SUFFIXES and detect_encoding(path) == "gb18030":
            copy = folder / path.name
            with (
                path.open(encoding="gb18030", newline="") as source,
                copy.open("w", encoding="utf-8", newline="") as sink,
            ):
                shutil.copyfileobj(source, sink, CHUNK)
            inputs.append(copy)
            transcoded.append(path.name)
        else:
            inputs.append(path)
    return inputs, transcoded


def run_bare_load(inputs: list[Path], workdir: Path) -> dict:
    db = workdir / "bare" / "bare.duckdb"
    db.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, str(Path(__file__).resolve()), "--bare-worker", str(db)]
    run = run_measured([*command, *map(str, inputs)], dict(os.environ), workdir / "bare.rss")
    if run["returncode"] != 0:
        raise BenchmarkError(f"bare load failed ({run['returncode']}): {run['stderr']}")
    return {
        "wall_seconds": run["wall_seconds"],
        "peak_memory_bytes": run["peak_memory_bytes"],
        "row_counts": json.loads(run["stdout"]),
    }


def bare_worker(db: Path, files: list[Path]) -> list[int]:
    """Runs in the measured process: each file into its own table; rows per table."""
    import duckdb
    import fastexcel

    con = duckdb.connect(str(db))
    counts = []
    for number, path in enumerate(files):
        table = f"file_{number}"
        if path.suffix.lower() in XLSX_SUFFIXES:
            sheet = fastexcel.read_excel(path).load_sheet(0).to_arrow()
            con.register("sheet", sheet)
            con.execute(f"create table {table} as select * from sheet")
            con.unregister("sheet")
        elif path.suffix.lower() == ".parquet":
            con.execute(
                f"create table {table} as select * from read_parquet($path)", {"path": str(path)}
            )
        else:
            con.execute(
                f"create table {table} as select * from read_csv($path, ignore_errors = true)",
                {"path": str(path)},
            )
        counts.append(con.execute(f"select count(*) from {table}").fetchall()[0][0])
    con.close()
    return counts


# ---------------------------------------------------------------------------------------------
# The benchmark


def demo_folder(loans: int, months: int) -> Path:
    folder = OUTPUT_DIR / f"demo_{loans}"
    if not folder.exists():
        command = [str(RECOVERY), "generate", "--loans", str(loans), "--months", str(months)]
        subprocess.run([*command, "--out", str(folder)], check=True)
    return folder


def warm_page_cache(files: list[Path]) -> None:
    for path in files:
        with path.open("rb") as stream:
            while stream.read(CHUNK * 16):
                pass


def kind_or_unknown(path: Path) -> str:
    from etl.errors import LoadError
    from etl.load import kind_of

    try:
        return kind_of(path)
    except LoadError:
        return "unknown"


def machine_facts() -> dict:
    import duckdb

    return {
        "cores": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / GB, 1),
        "duckdb_version": duckdb.__version__,
        "python_version": platform.python_version(),
        "platform": platform.platform(),
    }


def code_version() -> dict:
    """The commit measured, and the files changed since: the tree may move between runs."""

    def git(*arguments: str) -> str:
        command = ["git", "-C", str(BENCH_DIR.parent), *arguments]
        return subprocess.run(command, capture_output=True, text=True).stdout.strip()

    if shutil.which("git") is None:
        return {"commit": None, "modified_files": []}
    modified = git("status", "--porcelain", "--untracked-files=no").splitlines()
    return {"commit": git("rev-parse", "HEAD") or None, "modified_files": modified}


def benchmark(data: Path) -> dict:
    from etl.load import expand

    files = expand([data])
    if not files:
        raise BenchmarkError(f"no data files in {data}: give --data a folder of demo files")
    code = code_version()
    load_average_before = os.getloadavg()
    warm_page_cache(files)
    with tempfile.TemporaryDirectory(prefix="load-bench-", dir=data.parent) as folder:
        workdir = Path(folder)
        started = time.perf_counter()
        inputs, transcoded = utf8_inputs(files, workdir / "utf8")
        transcode_seconds = time.perf_counter() - started
        ours = run_our_load(data, workdir)
        bare = run_bare_load(inputs, workdir)
    bare_files = [
        {"file": path.name, "kind": kind_or_unknown(path), "rows": rows}
        for path, rows in zip(files, bare.pop("row_counts"), strict=True)
    ]
    bare.update(
        rows_loaded=sum_by_kind(bare_files, "rows"),
        transcoded_before_timer=transcoded,
        transcode_seconds=transcode_seconds,
        files=bare_files,
    )
    for run in (ours, bare):
        run["peak_memory_gb"] = run["peak_memory_bytes"] / GB
    ratio = ours["wall_seconds"] / bare["wall_seconds"]
    return {
        "data": str(data),
        "measured_at": datetime.now().isoformat(timespec="seconds"),
        "code": code,
        "machine": {
            **machine_facts(),
            "load_average_before": [round(x, 2) for x in load_average_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        },
        "files": {
            "count": len(files),
            "by_kind": dict(Counter(kind_or_unknown(p) for p in files)),
            "bytes": sum(p.stat().st_size for p in files),
        },
        "ours": ours,
        "bare": bare,
        "ratio": ratio,
        "targets": {
            "ratio_max": TARGET_RATIO,
            "peak_memory_gb_max": TARGET_PEAK_GB,
            "ratio_met": ratio <= TARGET_RATIO,
            "peak_memory_met": ours["peak_memory_gb"] < TARGET_PEAK_GB,
        },
    }


# ---------------------------------------------------------------------------------------------
# Report


def by_kind_text(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    parts = ", ".join(f"{kind} {n:,}" for kind, n in sorted(counts.items()))
    return f"{total:,} ({parts})"


def markdown_table(result: dict) -> str:
    ours, bare, machine, files = result["ours"], result["bare"], result["machine"], result["files"]
    transcoded = ", ".join(bare["transcoded_before_timer"]) or "none"
    file_kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(files["by_kind"].items()))
    rows = [
        ("files", f"{files['count']} ({files['bytes'] / GB:.2f} GB): {file_kinds}"),
        ("rows loaded", by_kind_text(ours["rows_loaded"])),
        ("rows rejected", by_kind_text(ours["rows_rejected"])),
        ("our wall time (`recovery load`)", f"{ours['wall_seconds']:.1f} s"),
        ("bare wall time (DuckDB `read_csv`)", f"{bare['wall_seconds']:.1f} s"),
        ("ratio ours / bare", f"{result['ratio']:.2f} (target ≤ {TARGET_RATIO})"),
        (
            "of our time: summary tables for the dashboard",
            f"{ours['summary_tables_seconds']:.1f} s; without them the ratio is "
            f"{(ours['wall_seconds'] - ours['summary_tables_seconds']) / bare['wall_seconds']:.2f}",
        ),
        ("our peak memory", f"{ours['peak_memory_gb']:.2f} GB (target < {TARGET_PEAK_GB:g} GB)"),
        ("bare peak memory", f"{bare['peak_memory_gb']:.2f} GB"),
    ]
    lines = ["| measure | value |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows)]
    before = " / ".join(f"{x:.2f}" for x in machine["load_average_before"])
    after = " / ".join(f"{x:.2f}" for x in machine["load_average_after"])
    code = result["code"]
    changed = " with local changes" if code["modified_files"] else ""
    commit = f"{(code['commit'] or 'unknown')[:10]}{changed}"
    lines += [
        "",
        f"Code {commit}; {machine['cores']} cores, {machine['memory_gb']} GB memory, DuckDB "
        f"{machine['duckdb_version']}, Python {machine['python_version']}; load average "
        f"(1/5/15 min) {before} before, {after} after. GB = 10^9 bytes; peak memory is the "
        "process's maximum resident set. GBK files transcoded to UTF-8 before the bare timer "
        f"started ({bare['transcode_seconds']:.1f} s, not counted): {transcoded}.",
    ]
    return "\n".join(lines)


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="folder of files to load (else the demo)")
    parser.add_argument("--loans", type=int, default=1_000_000, help="demo loans")
    parser.add_argument("--months", type=int, default=13, help="demo months")
    parser.add_argument(
        "--out", type=Path, default=OUTPUT_DIR / "load_bench.json", help="results JSON"
    )
    parser.add_argument("--bare-worker", nargs="+", metavar="PATH", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def write_results(out: Path, result: dict, table: str) -> None:
    """The results as JSON to `out`, and their Markdown table for the README printed."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(table)
    print(f"\nResults: {out}")


def main(argv: list[str] | None = None) -> None:
    arguments = parse_arguments(argv)
    if arguments.bare_worker:
        db, *files = map(Path, arguments.bare_worker)
        print(json.dumps(bare_worker(db, files)))
        return
    data = arguments.data or demo_folder(arguments.loans, arguments.months)
    if not data.is_dir():
        raise BenchmarkError(f"no folder {data}: give --data a folder of files to load")
    result = benchmark(data.resolve())
    write_results(arguments.out, result, markdown_table(result))


if __name__ == "__main__":
    main()
