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
memory as `/usr/bin/time` reports it. Spark writes its event log (`spark.eventLog.*`,
through PYSPARK_SUBMIT_ARGS), from which the shuffle bytes written and the seconds of each
model's jobs are added up (the runner names each model's jobs). Results go to --out as
JSON; a Markdown table for the README is printed. (tests/test_spark_build.py checks that
both engines give the same rows.)
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


def build(
    catalog: Path, arguments: list[str], rss_file: Path, extra_env: dict | None = None
) -> dict:
    env = {**os.environ, "RECOVERY_DB": str(catalog), **(extra_env or {})}
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
    events = work / "spark-events"
    events.mkdir()
    submit = (
        f"--conf spark.eventLog.enabled=true --conf spark.eventLog.dir=file://{events} "
        "--conf spark.eventLog.rolling.enabled=false --conf spark.eventLog.compress=false "
        "pyspark-shell"
    )
    spark_run = build(
        copies["spark"],
        ["--engine", "spark", "--master", master],
        work / "spark.rss",
        {"PYSPARK_SUBMIT_ARGS": submit},
    )
    spark_run["models"] = shuffle_by_model(next(events.iterdir()))
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


def shuffle_by_model(event_log: Path) -> dict[str, dict]:
    """Each model's shuffle bytes written and task seconds, from a Spark event log."""
    job_model: dict[int, str] = {}
    stage_model: dict[int, str] = {}
    models: dict[str, dict] = {}
    with event_log.open(encoding="utf-8") as lines:
        for line in lines:
            event = json.loads(line)
            kind = event["Event"]
            if kind == "SparkListenerJobStart":
                description = (event.get("Properties") or {}).get("spark.job.description", "")
                if description.startswith("model "):
                    job_model[event["Job ID"]] = description.removeprefix("model ")
                    for stage in event["Stage IDs"]:
                        stage_model[stage] = job_model[event["Job ID"]]
            elif kind == "SparkListenerTaskEnd" and event["Stage ID"] in stage_model:
                metrics = event.get("Task Metrics") or {}
                shuffle = metrics.get("Shuffle Write Metrics", {}).get("Shuffle Bytes Written", 0)
                entry = models.setdefault(
                    stage_model[event["Stage ID"]], {"shuffle_bytes": 0, "task_seconds": 0.0}
                )
                entry["shuffle_bytes"] += shuffle
                entry["task_seconds"] += metrics.get("Executor Run Time", 0) / 1000
    return models


def markdown_table(result: dict) -> str:
    rows = [
        "| engine | seconds | peak GB of the process started |",
        "|---|---|---|",
        *(
            f"| {name} | {result[engine]['wall_seconds']:.1f} | "
            f"{result[engine]['peak_memory_bytes'] / GB:.2f} |"
            for name, engine in (("DuckDB", "duckdb"), (f"Spark {result['master']}", "spark"))
        ),
        "",
        "(Spark's peak is its Python driver's: the JVM it starts is not counted; its heap is",
        "the config's `spark.driver_memory`.)",
        "",
        "| model | shuffle MB | task seconds |",
        "|---|---:|---:|",
        *(
            f"| {name} | {m['shuffle_bytes'] / 1e6:,.1f} | {m['task_seconds']:,.1f} |"
            for name, m in sorted(
                result["spark"]["models"].items(), key=lambda item: -item[1]["shuffle_bytes"]
            )
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
