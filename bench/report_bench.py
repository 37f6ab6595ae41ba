"""Report benchmark: the executive PDF report on a loaded database.

    python bench/report_bench.py --db FILE [--period YYYY-MM] [--lang zh] [--runs 2]
                                 [--out FILE.json]

Each run is `recovery report --template executive ...` in a fresh process, as a user or a
scheduled job runs it: wall time from start to the PDF on disk, including Python's start
and Chromium's (the charts). One more run inside this process splits the time into the
measures, the charts with the HTML, and WeasyPrint's layout and PDF.

Without --period the latest month with a loans snapshot is used. Results go to --out as
JSON; a Markdown table for the README is printed.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

BENCH_DIR = Path(__file__).resolve().parent
RECOVERY = Path(sys.executable).parent / "recovery"
TARGET_SECONDS = 15.0


class BenchmarkError(RuntimeError):
    """The benchmark could not measure: no database, or a report that failed."""


def latest_period(db: Path) -> str:
    from queries.dimensions import periods

    found = periods(db)
    if not found:
        raise BenchmarkError(f"{db} has no loans snapshot: load the demo first")
    return found[0]


def timed_cli_run(db: Path, period: str, lang: str, out: Path) -> float:
    env = {**os.environ, "RECOVERY_DB": str(db)}
    command = [str(RECOVERY), "report", "--template", "executive", "--period", period,
               "--lang", lang, "--out", str(out)]  # fmt: skip
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise BenchmarkError(f"recovery report failed: {result.stderr.strip()}")
    return seconds


def timed_stages(db: Path, period: str, lang: str, out: Path) -> dict[str, float]:
    """One in-process run, split by stage (Chromium already started for the charts)."""
    from queries.filters import Filters
    from recovery.settings import Settings
    from reports.blocks import CHART_WIDTH_PX
    from reports.charts import chart_renderer
    from reports.html import report_html
    from reports.pdf import write_pdf
    from reports.render import build_report

    settings = Settings(db=db)
    renderer = chart_renderer()
    renderer.start()
    started = time.perf_counter()
    report = build_report(
        "executive", Filters(period), lang, settings, generated_at=datetime.now(ZoneInfo("UTC"))
    )
    measured = time.perf_counter()
    html = report_html(
        report, lambda c: renderer.svg(c.figure, width=CHART_WIDTH_PX, height=c.height_px)
    )
    drawn = time.perf_counter()
    write_pdf(html, out)
    written = time.perf_counter()
    return {
        "measures_seconds": round(measured - started, 2),
        "charts_seconds": round(drawn - measured, 2),
        "pdf_seconds": round(written - drawn, 2),
        "charts": len(report.charts),
    }


def page_count(pdfinfo: str) -> int | None:
    for line in pdfinfo.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[-1])
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a loaded database file")
    parser.add_argument("--period", help="YYYY-MM (default: the latest with a snapshot)")
    parser.add_argument("--lang", default="zh", choices=["zh", "en"])
    parser.add_argument("--runs", type=int, default=2, help="end-to-end runs")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "output" / "report_bench.json")
    args = parser.parse_args()
    if not args.db.exists():
        raise BenchmarkError(f"no database at {args.db}: run `recovery load` first")
    period = args.period or latest_period(args.db)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="report-bench-") as folder:
        pdf = Path(folder) / "executive.pdf"
        runs = [round(timed_cli_run(args.db, period, args.lang, pdf), 2) for _ in range(args.runs)]
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        stages = timed_stages(args.db, period, args.lang, Path(folder) / "stages.pdf")
    result = {
        "database": str(args.db),
        "database_gb": round(args.db.stat().st_size / 1e9, 2),
        "period": period,
        "lang": args.lang,
        "end_to_end_seconds": runs,
        "target_seconds": TARGET_SECONDS,
        "pages": page_count(info),
        **stages,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        # Other work on the machine slows every stage: the 1-minute load average.
        "load_average_before_after": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "measured_at": datetime.now().isoformat(timespec="seconds"),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print("| run | executive report, end to end |")
    print("|---|---|")
    for number, seconds in enumerate(runs, start=1):
        print(f"| {number} | {seconds:.1f} s |")
    print(
        f"\nIn-process split: measures {stages['measures_seconds']} s, "
        f"{stages['charts']} charts {stages['charts_seconds']} s, "
        f"PDF {stages['pdf_seconds']} s; {result['pages']} pages. Load average "
        f"{result['load_average_before_after'][0]} before, "
        f"{result['load_average_before_after'][1]} after."
    )


if __name__ == "__main__":
    try:
        main()
    except BenchmarkError as error:
        sys.exit(f"error: {error}")
