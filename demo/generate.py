"""The entry point: simulate a book month by month and write its files."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from demo.book import build_book
from demo.calendar import Calendar
from demo.cases import place_opening_cases
from demo.files import (
    Layout,
    Progress,
    write_actions,
    write_assignments,
    write_contacts,
    write_loans,
    write_payments,
    write_teams,
)
from demo.month import opening_snapshot, simulate_month
from demo.notes import NotePools
from demo.people import build_customers
from demo.records import Counters, State


class InvalidDemoRequest(ValueError):
    """The arguments of `generate_demo` cannot make a portfolio."""


def generate_demo(
    out_dir: Path,
    *,
    loans: int,
    months: int,
    seed: int = 42,
    end_month: str = "2026-10",
    progress: Progress | None = None,
) -> list[Path]:
    """Write a synthetic portfolio of `loans` loans over `months` months of collection work.

    `loans` counts distinct loans: the book at the start of the window plus those disbursed
    during it. Snapshots are the month ends of the `months` months ending with `end_month`
    (`YYYY-MM`), and of the month before them (the opening book). The same arguments always
    give byte-identical files. `progress(stage, done, total)` is called with stage "teams",
    "contacts" (rows written) and "months".
    """
    if loans < 1 or months < 1:
        raise InvalidDemoRequest(
            f"loans and months must be at least 1, got loans={loans}, months={months}"
        )
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", end_month):
        raise InvalidDemoRequest(f"end_month must look like 2026-10, got {end_month!r}")
    report = progress or (lambda stage, done, total: None)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    calendar = Calendar(end_month, months)

    written = [write_teams(out_dir / "teams.xlsx", seed, calendar.created)]
    report("teams", 1, 1)
    book = build_book(np.random.default_rng([seed, 0]), loans, months, calendar)
    customers, contacts = build_customers(np.random.default_rng([seed, 1]), book, calendar)
    written.append(write_contacts(out_dir / "contacts.csv", customers, contacts, seed, report))
    pools = NotePools.build(np.random.default_rng([seed, 2]))
    state = State.start(book)
    counters = Counters()
    opening_cases = place_opening_cases(book, state, calendar, counters)
    opening = opening_snapshot(state)
    opening_layout = Layout.of(-1, months)
    written.append(
        write_loans(
            out_dir,
            book,
            customers,
            opening,
            opening_layout,
            calendar,
            np.random.default_rng([seed, 5]),
        )
    )
    written.append(
        write_assignments(
            out_dir,
            book,
            opening_cases,
            -1,
            opening_layout,
            calendar,
            counters,
            np.random.default_rng([seed, 8]),
        )
    )
    for k in range(months):
        rng = np.random.default_rng([seed, 3, k])
        month = simulate_month(book, customers, contacts, state, k, calendar, counters, rng)
        layout = Layout.of(k, months)
        bad_rng = np.random.default_rng([seed, 4, k])
        written.append(write_loans(out_dir, book, customers, month, layout, calendar, bad_rng))
        written.append(
            write_actions(
                out_dir, book, contacts, month, layout, calendar, pools, counters, bad_rng
            )
        )
        written.append(write_payments(out_dir, book, month, layout, calendar, counters, bad_rng))
        written.append(
            write_assignments(
                out_dir,
                book,
                month.cases,
                k,
                layout,
                calendar,
                counters,
                np.random.default_rng([seed, 7, k]),
            )
        )
        report("months", k + 1, months)
    return written
