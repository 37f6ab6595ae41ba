"""Measure benchmark: every measure of `queries/`, grouped by the dashboard page that shows
it, timed on a loaded database.

    python bench/query_bench.py --db DATABASE [--period YYYY-MM] [--repeat N] [--out FILE.json]

Each measure runs `--repeat` times (default 3) for the period with no filter, and again
with a team filter and with a branch filter; the median of each is kept. A page's time is
the sum of its measures' medians: what a page costs when nothing is cached. Every kind of
drill-down (the list behind a clicked bar or cell, at most 5,000 rows) is timed the same
way, each on a cell that has loans behind it. Results go to --out as JSON; Markdown tables
for the README are printed.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from queries import drilldown, drilldown_aging, drilldown_contacts  # noqa: E402
from queries.catalogue import MEASURES, PAGES, Measure  # noqa: E402
from queries.dimensions import branches, teams  # noqa: E402
from queries.filters import Filters  # noqa: E402
from recovery.settings import Settings  # noqa: E402

TARGET_MS = 300


def median_ms(
    measure: Measure, db: Path, filters: Filters, settings: Settings, repeat: int
) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        measure(db, filters, settings)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def drill_downs(db: Path, period: str) -> dict[str, Measure]:
    """Every kind of drill-down, each called the way the dashboard calls it, on a cell with
    loans behind it in the demo (the second aging bucket, the largest team, phone calls)."""
    team = teams(db)[0]
    bucket, next_bucket = (b.name for b in Settings(db=db).aging_buckets[1:3])
    vintage = f"{int(period[:4]) - 1}{period[4:]}"
    return {
        "aging bucket": lambda d, f, s: drilldown.loans_in_bucket(d, f, bucket=bucket),
        "classification tier": lambda d, f, s: drilldown.loans_in_tier(d, f, tier="substandard"),
        "roll-rate cell": lambda d, f, s: drilldown.loans_rolled(
            d, f, from_bucket=bucket, to_state=next_bucket
        ),
        "cases held by a team": lambda d, f, s: drilldown.cases_worked(
            d, f, dimension="team", value=team, window_days=s.attribution_window_days
        ),
        "cases worked by a method": lambda d, f, s: drilldown.cases_worked(
            d, f, dimension="method", value="phone", window_days=s.attribution_window_days
        ),
        "promises broken": lambda d, f, s: drilldown.promises_with_verdict(d, f, verdict="broken"),
        "customers reached": lambda d, f, s: drilldown_contacts.customers_by_reachability(
            d, f, status="reached"
        ),
        "numbers of wrong length": lambda d, f, s: drilldown_contacts.numbers_with_reason(
            d, f, reason="wrong_length"
        ),
        "calls at Tuesday 10:00": lambda d, f, s: drilldown_contacts.calls_at_hour(
            d, f, weekday=2, hour=10
        ),
        "loans cured": lambda d, f, s: drilldown_aging.loans_cured(d, f),
        "vintage past due": lambda d, f, s: drilldown_aging.vintage_loans_past_due(
            d, f, vintage=vintage, months_on_book=6, min_days=30
        ),
    }


def timed(
    measures: dict[str, Measure],
    db: Path,
    variants: dict[str, Filters],
    settings: Settings,
    repeat: int,
    group: str,
) -> dict[str, dict[str, float]]:
    rows = {}
    for name, measure in measures.items():
        rows[name] = {
            label: round(median_ms(measure, db, filters, settings, repeat), 1)
            for label, filters in variants.items()
        }
        print(f"{group:10} {name:26} {rows[name]}", file=sys.stderr)
    return rows


def run(db: Path, period: str, repeat: int) -> dict:
    settings = Settings(db=db)
    unfiltered = Filters(period)
    variants = {
        "none": unfiltered,
        "team": replace(unfiltered, team=teams(db)[0]),
        "branch": replace(unfiltered, branch=branches(db)[0]),
    }
    results: dict[str, dict] = {}
    for page, names in PAGES.items():
        measures = {name: MEASURES[name] for name in names}
        rows = timed(measures, db, variants, settings, repeat, page)
        totals = {label: round(sum(r[label] for r in rows.values()), 1) for label in variants}
        results[page] = {"measures": rows, "total_ms": totals}
    return {
        "database": str(db),
        "period": period,
        "repeat": repeat,
        "filters": {k: vars(v) for k, v in variants.items()},
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "load_average": os.getloadavg(),
        },
        "pages": results,
        "drill_downs": timed(drill_downs(db, period), db, variants, settings, repeat, "drill"),
    }


def markdown(result: dict) -> str:
    lines = [
        "| page | measures | no filter | team filter | branch filter |",
        "|---|---|---|---|---|",
    ]
    for page, data in result["pages"].items():
        total = data["total_ms"]
        lines.append(
            f"| {page} | {len(data['measures'])} | {total['none']:.0f} ms | "
            f"{total['team']:.0f} ms | {total['branch']:.0f} ms |"
        )
    timings = [
        (page, name, max(times.values()))
        for page, data in result["pages"].items()
        for name, times in data["measures"].items()
    ]
    slowest = max(timings, key=lambda item: item[2])
    lines.append("")
    lines.append(
        f"Slowest measure: {slowest[1]} ({slowest[0]} page), {slowest[2]:.0f} ms. "
        f"Target: each page under {TARGET_MS} ms. Load average before: "
        f"{' / '.join(f'{x:.2f}' for x in result['machine']['load_average'])}."
    )
    lines += ["", "| drill-down | no filter | team filter | branch filter |", "|---|---|---|---|"]
    for name, times in result["drill_downs"].items():
        lines.append(
            f"| {name} | {times['none']:.0f} ms | {times['team']:.0f} ms | "
            f"{times['branch']:.0f} ms |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a loaded database")
    parser.add_argument("--period", help="month YYYY-MM (default: the latest loaded)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, help="write the results here as JSON")
    args = parser.parse_args(argv)
    from queries.dimensions import periods

    period = args.period or periods(args.db)[0]
    result = run(args.db, period, args.repeat)
    if args.out:
        args.out.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    print(markdown(result))


if __name__ == "__main__":
    main()
