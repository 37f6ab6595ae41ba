"""Every measure of `queries/` by name, each called the same way, grouped by the dashboard
page that shows it. Used to run all of them at once: the measure benchmark and the tests
that try every filter on every measure. Each refuses to answer from summary tables built
under other settings than those it is given (queries/stale_models.py)."""

from collections.abc import Callable
from pathlib import Path

import polars as pl

from queries import attention, contacts, field, portfolio, promises, recovery
from queries.filters import Filters
from queries.league import contacts_by, promises_by
from queries.stale_models import refuse_stale_models
from recovery.settings import Settings

Measure = Callable[[Path, Filters, Settings], pl.DataFrame]


def _recovery_by(dimension: str) -> Measure:
    def measure(db: Path, filters: Filters, settings: Settings) -> pl.DataFrame:
        return recovery.recovery_by(
            db,
            filters,
            dimension=dimension,
            window_days=settings.attribution_window_days,
            commissions=settings.agency_commission,
        )

    return measure


def _windowed(function: Callable[..., pl.DataFrame]) -> Measure:
    return lambda db, f, s: function(db, f, window_days=s.attribution_window_days)


def _plain(function: Callable[[Path, Filters], pl.DataFrame]) -> Measure:
    return lambda db, f, s: function(db, f)


_MEASURES: dict[str, Measure] = {
    "portfolio_summary": _plain(portfolio.portfolio_summary),
    "portfolio_trend": _plain(portfolio.portfolio_trend),
    "aging": _plain(portfolio.aging),
    "aging_trend": _plain(portfolio.aging_trend),
    "classification": _plain(portfolio.classification),
    "roll_rates": _plain(portfolio.roll_rates),
    "cure_rate": _plain(portfolio.cure_rate),
    "vintage_curves": _plain(portfolio.vintage_curves),
    "recovered": _windowed(recovery.recovered),
    "recovered_by_method": _windowed(recovery.recovered_by_method),
    "recovery_by_method": _recovery_by("method"),
    "recovery_by_team": _recovery_by("team"),
    "recovery_by_collector": _recovery_by("collector"),
    "recovery_by_stage": _windowed(recovery.recovery_by_stage),
    "recovery_by_age": _windowed(recovery.recovery_by_age),
    "recovery_rate_trend": _windowed(recovery.recovery_rate_trend),
    "agency_recovery": lambda db, f, s: recovery.agency_recovery(
        db, f, window_days=s.attribution_window_days, commissions=s.agency_commission
    ),
    "contact_summary": _plain(contacts.contact_summary),
    "contact_trend": _plain(contacts.contact_trend),
    "reachability": _plain(contacts.reachability),
    "best_time_to_call": _plain(contacts.best_time_to_call),
    "invalid_numbers_summary": _plain(contacts.invalid_numbers_summary),
    "invalid_numbers_by_reason": _plain(contacts.invalid_numbers_by_reason),
    "contacts_by_team": lambda db, f, s: contacts_by(db, f, dimension="team"),
    "contacts_by_collector": lambda db, f, s: contacts_by(db, f, dimension="collector"),
    "promise_summary": _plain(promises.promise_summary),
    "promise_trend": _plain(promises.promise_trend),
    "repeat_promise_breakers": _plain(promises.repeat_promise_breakers),
    "promises_by_team": lambda db, f, s: promises_by(db, f, dimension="team"),
    "promises_by_collector": lambda db, f, s: promises_by(db, f, dimension="collector"),
    "stale_cases": _plain(attention.stale_cases),
    "never_worked": _plain(attention.never_worked),
    "limitation_watch": lambda db, f, s: attention.limitation_watch(
        db, f, watch_months=s.limitation_watch_months
    ),
    "visits_against_quota": _plain(field.visits_against_quota),
}


def _fresh(measure: Measure) -> Measure:
    def answer(db: Path, filters: Filters, settings: Settings) -> pl.DataFrame:
        refuse_stale_models(db, settings)
        return measure(db, filters, settings)

    return answer


MEASURES: dict[str, Measure] = {name: _fresh(measure) for name, measure in _MEASURES.items()}

# The measures each dashboard page shows (its full set of queries when nothing is cached).
PAGES: dict[str, tuple[str, ...]] = {
    "overview": (
        "portfolio_summary",
        "portfolio_trend",
        "recovered",
        "recovery_rate_trend",
        "contact_summary",
        "contact_trend",
        "promise_summary",
        "promise_trend",
    ),
    "aging": (
        "aging",
        "aging_trend",
        "classification",
        "roll_rates",
        "cure_rate",
        "vintage_curves",
    ),
    "methods": ("recovery_by_method", "recovery_by_stage", "recovery_by_age"),
    "teams": (
        "recovery_by_team",
        "recovery_by_collector",
        "contacts_by_team",
        "contacts_by_collector",
        "promises_by_team",
        "promises_by_collector",
        "visits_against_quota",
        "agency_recovery",
    ),
    "contacts": (
        "reachability",
        "contact_summary",
        "best_time_to_call",
        "invalid_numbers_summary",
        "invalid_numbers_by_reason",
    ),
    "promises": ("promise_summary", "repeat_promise_breakers"),
    "attention": ("stale_cases", "never_worked", "limitation_watch"),
}
