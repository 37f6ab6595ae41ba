"""Engine benchmark: every summary table of one store built by DuckDB and by Spark, in one
run on this machine.

    python bench/spark_build.py --db STORE [--master local[2]] [--out FILE.json]

STORE is a loaded store (its catalog: `recovery load` made it). Each engine builds on a
copy of it taken before either starts, through the real entry point:

- DuckDB: `recovery rebuild --all --json` (every summary table, in the writer's database,
  then published);
- Spark: `recovery rebuild --engine spark --master M --json` (every summary table from the
  store's Parquet files, then published).

Wall time is measured around each process (Spark's includes starting its JVM), peak
memory as `/usr/bin/time` reports it. Results go to --out as JSON; a Markdown table for
the README is printed. (tests/test_spark_build.py checks that both give the same rows.)
"""

import argparse
import json
import os
import shutil
import sys
from datetime import datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from load_bench import (  # noqa: E402
    GB,
    RECOVERY,
    code_version,
    machine_facts,
    run_measured,
    write_results,
)

from recovery.store import copy_store  # noqa: E402


def build(catalog: Path, arguments: list[str], rss_file: Path) -> dict:
    env = {**os.environ, "RECOVERY_DB": str(catalog)}
    measured = run_measured([str(RECOVERY), "rebuild", *arguments, "--json"], env, rss_file)
    if measured["returncode"] != 0:
        raise SystemExit(f"recovery rebuild {' '.join(arguments)} failed: {measured['stderr']}")
    return {
        "wall_seconds": round(measured["wall_seconds"], 1),
        "peak_memory_bytes": measured["peak_memory_bytes"],
    }


def benchmark(store: Path, master: str, work: Path) -> dict:
    copies = {engine: copy_store(store, work / engine) for engine in ("duckdb", "spark")}
    duckdb_run = build(copies["duckdb"], ["--all"], work / "duckdb.rss")
    spark_run = build(
        copies["spark"], ["--engine", "spark", "--master", master], work / "spark.rss"
    )
    return {
        "measured_at": datetime.now().isoformat(timespec="seconds"),
        "machine": machine_facts(),
        "load_average": os.getloadavg(),
        "code": code_version(),
        "store": str(store),
        "master": master,
        "duckdb": duckdb_run,
        "spark": spark_run,
    }


def markdown_table(result: dict) -> str:
    rows = [
        "| engine | seconds | peak GB |",
        "|---|---|---|",
        *(
            f"| {name} | {result[engine]['wall_seconds']:.1f} | "
            f"{result[engine]['peak_memory_bytes'] / GB:.2f} |"
            for name, engine in (("DuckDB", "duckdb"), (f"Spark {result['master']}", "spark"))
        ),
    ]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a loaded store's catalog")
    parser.add_argument("--master", default="local[2]", help="Spark master URL")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "output" / "spark_build.json")
    arguments = parser.parse_args(argv)
    work = arguments.db.resolve().parent.with_name(arguments.db.resolve().parent.name + "-engines")
    shutil.rmtree(work, ignore_errors=True)
    try:
        result = benchmark(arguments.db.resolve(), arguments.master, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    write_results(arguments.out, result, markdown_table(result))
    print(json.dumps({"duckdb": result["duckdb"], "spark": result["spark"]}))


if __name__ == "__main__":
    main()
