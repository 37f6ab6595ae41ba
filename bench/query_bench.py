"""Measure benchmark: every measure of `queries/`, grouped by the dashboard page that shows
it, timed on a loaded database.

    python bench/query_bench.py --db DATABASE [--period YYYY-MM] [--repeat N] [--out FILE.json]

Each measure runs `--repeat` times (default 3) for the period with no filter, and again
with a team filter and with a branch filter; the median of each is kept. A page's time is
the sum of its measures' medians: what a page costs when nothing is cached. Results go to
--out as JSON; a Markdown table for the README is printed.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from queries import attention, contacts, field, portfolio, promises, recovery  # noqa: E402
from queries.dimensions import branches, teams  # noqa: E402
from queries.filters import Filters  # noqa: E402
from queries.league import contacts_by, promises_by  # noqa: E402
from recovery.settings import Settings  # noqa: E402

TARGET_MS = 300
Measure = Callable[[Path, Filters], pl.DataFrame]


def pages(settings: Settings) -> dict[str, dict[str, Measure]]:
    window = settings.attribution_window_days
    grace = settings.promise_grace_days
    watch = settings.limitation_watch_months
    return {
        "overview": {
            "portfolio_summary": portfolio.portfolio_summary,
            "portfolio_trend": portfolio.portfolio_trend,
            "recovered": lambda db, f: recovery.recovered(db, f, window_days=window),
            "recovery_by_method": lambda db, f: recovery.recovery_by(
                db, f, dimension="method", window_days=window
            ),
            "contact_summary": contacts.contact_summary,
            "promise_summary": lambda db, f: promises.promise_summary(db, f, grace_days=grace),
        },
        "aging": {
            "aging": portfolio.aging,
            "aging_trend": portfolio.aging_trend,
            "classification": portfolio.classification,
            "roll_rates": portfolio.roll_rates,
            "cure_rate": portfolio.cure_rate,
            "vintage_curves": portfolio.vintage_curves,
        },
        "methods": {
            "recovery_by_method": lambda db, f: recovery.recovery_by(
                db, f, dimension="method", window_days=window
            ),
            "recovery_by_stage": lambda db, f: recovery.recovery_by_stage(
                db, f, window_days=window
            ),
            "recovery_by_age": lambda db, f: recovery.recovery_by_age(db, f, window_days=window),
        },
        "teams": {
            "recovery_by_team": lambda db, f: recovery.recovery_by(
                db, f, dimension="team", window_days=window
            ),
            "recovery_by_collector": lambda db, f: recovery.recovery_by(
                db, f, dimension="collector", window_days=window
            ),
            "contacts_by_team": lambda db, f: contacts_by(db, f, dimension="team"),
            "contacts_by_collector": lambda db, f: contacts_by(db, f, dimension="collector"),
            "promises_by_team": lambda db, f: promises_by(
                db, f, dimension="team", grace_days=grace
            ),
            "promises_by_collector": lambda db, f: promises_by(
                db, f, dimension="collector", grace_days=grace
            ),
            "visits_against_quota": field.visits_against_quota,
        },
        "contacts": {
            "reachability": contacts.reachability,
            "contact_summary": contacts.contact_summary,
            "best_time_to_call": contacts.best_time_to_call,
            "invalid_numbers_summary": contacts.invalid_numbers_summary,
            "invalid_numbers_by_reason": contacts.invalid_numbers_by_reason,
        },
        "promises": {
            "promise_summary": lambda db, f: promises.promise_summary(db, f, grace_days=grace),
            "repeat_promise_breakers": lambda db, f: promises.repeat_promise_breakers(
                db, f, grace_days=grace
            ),
        },
        "attention": {
            "stale_cases": attention.stale_cases,
            "never_worked": attention.never_worked,
            "limitation_watch": lambda db, f: attention.limitation_watch(
                db, f, watch_months=watch
            ),
        },
    }


def median_ms(measure: Measure, db: Path, filters: Filters, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        measure(db, filters)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run(db: Path, period: str, repeat: int) -> dict:
    settings = Settings(db=db)
    unfiltered = Filters(period)
    variants = {
        "none": unfiltered,
        "team": replace(unfiltered, team=teams(db)[0]),
        "branch": replace(unfiltered, branch=branches(db)[0]),
    }
    results: dict[str, dict] = {}
    for page, measures in pages(settings).items():
        rows = {}
        for name, measure in measures.items():
            rows[name] = {
                label: round(median_ms(measure, db, filters, repeat), 1)
                for label, filters in variants.items()
            }
            print(f"{page:10} {name:26} {rows[name]}", file=sys.stderr)
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
    slowest = max(
        ((p, m, max(v.values())) for p, d in result["pages"].items() for m, v in d["measures"].items()),
        key=lambda item: item[2],
    )
    lines.append("")
    lines.append(
        f"Slowest measure: {slowest[1]} ({slowest[0]} page), {slowest[2]:.0f} ms. "
        f"Target: each page under {TARGET_MS} ms. Load average before: "
        f"{' / '.join(f'{x:.2f}' for x in result['machine']['load_average'])}."
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
