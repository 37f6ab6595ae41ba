"""Field visits (外访): each field collector makes about the team's monthly quota, a few well
short, some padded in the month's last days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from demo.book import Book
from demo.calendar import days_to_weekdays
from demo.codes import VISIT
from demo.records import Actions, take_actions
from demo.teams import (
    COLLECTOR_START,
    FIELD_FROM_DPD,
    FIELD_KIND,
    FIRST_FIELD_TEAM,
    LATE_FROM_DPD,
    TEAM_KIND,
    TEAM_SIZES,
    TEAMS,
    VISIT_QUOTAS,
    case_collector,
    stage_level,
    team_at_level,
)


@dataclass
class _Visits:
    case: np.ndarray
    day: np.ndarray
    padded: np.ndarray  # made in the month's last days to meet the quota
    team: np.ndarray


# Visits a month a worked case could take, for collectors to choose from: at least this
# many, more when a collector has few cases for the quota, never over the most.
_VISITS_OFFERED, _MOST_VISITS_OFFERED = 3.0, 6.0
_SHORT_OF_QUOTA = 0.15  # collectors who fall well short in a month
_VISITS_TO_SPARE = 1.5


def field_visits(
    rng: np.random.Generator,
    book: Book,
    case_loan: np.ndarray,
    intensity: np.ndarray,
    window_start: np.ndarray,
    oldest_due: np.ndarray,
    floor_level: np.ndarray,
    targets: np.ndarray,
    end: int,
) -> _Visits:
    """Visits by field collectors to cases their team holds on the day: as many as each
    collector means to make (`targets`), with some to spare for the visits a payment makes
    needless (within_visit_targets cuts the rest), and none more than its cases allow: a
    collector with few cases visits each more often, up to a point."""
    n = len(case_loan)
    case = np.repeat(
        np.arange(n),
        rng.poisson(
            _visits_offered(
                book, case_loan, intensity, window_start, oldest_due, floor_level, targets, end
            )
        ),
    )
    lo = window_start[case]
    day = lo + (rng.random(len(case)) * (end - lo + 1)).astype(np.int64)
    day = np.clip(days_to_weekdays(rng, day, 0.3), lo, end)
    level = np.maximum(stage_level(day - oldest_due[case]), floor_level[case])
    team = team_at_level(book, case_loan[case], level)
    field = TEAM_KIND[team] == FIELD_KIND
    case, day, team, lo = case[field], day[field], team[field], lo[field]
    collector = case_collector(book, case_loan[case], team)
    order = np.lexsort((rng.random(len(case)), collector))
    by_collector = collector[order]
    rank = np.arange(len(order)) - np.searchsorted(by_collector, by_collector)
    made = np.sort(order[rank < _VISITS_TO_SPARE * targets[by_collector]])
    padded = rng.random(len(made)) < 0.2
    last_days = np.maximum(lo[made], end - rng.integers(0, 4, len(made)))
    return _Visits(case[made], np.where(padded, last_days, day[made]), padded, team[made])


def _visits_offered(
    book: Book,
    case_loan: np.ndarray,
    intensity: np.ndarray,
    window_start: np.ndarray,
    oldest_due: np.ndarray,
    floor_level: np.ndarray,
    targets: np.ndarray,
    end: int,
) -> np.ndarray:
    """Visits each case could take this month: the visits its field collector means to make,
    with some to spare, shared over the worked cases that reach the field team in the month."""
    reaches_field = (
        (intensity > 0)
        & (end - oldest_due >= FIELD_FROM_DPD)
        & (window_start - oldest_due < LATE_FROM_DPD)
        & (floor_level <= 1)
    )
    field_team = FIRST_FIELD_TEAM + book.branch[case_loan]
    collector = case_collector(book, case_loan, field_team)
    load = np.bincount(collector[reaches_field], minlength=len(targets))
    share = 2 * _VISITS_TO_SPARE * targets[collector] / np.maximum(load[collector], 1)
    return np.clip(share, _VISITS_OFFERED, _MOST_VISITS_OFFERED) * reaches_field


def within_visit_targets(
    rng: np.random.Generator, actions: Actions, targets: np.ndarray
) -> Actions:
    """Each field collector's visits of the month cut to the number they meant to make."""
    is_field_visit = (actions.method == VISIT) & (TEAM_KIND[actions.team] == FIELD_KIND)
    visit = np.flatnonzero(is_field_visit)
    order = np.lexsort((rng.random(len(visit)), actions.collector[visit]))
    by_collector = actions.collector[visit][order]
    rank = np.arange(len(order)) - np.searchsorted(by_collector, by_collector)
    kept = ~is_field_visit
    kept[visit[order[rank < targets[by_collector]]]] = True
    return take_actions(actions, kept)


def monthly_visit_targets(rng: np.random.Generator, book: Book) -> np.ndarray:
    """Visits each collector means to make this month, about the team's quota, a few well
    short (0 outside field teams and for collectors not at work)."""
    team = np.repeat(np.arange(len(TEAMS)), TEAM_SIZES)
    at_work = np.arange(len(team)) - np.repeat(COLLECTOR_START, TEAM_SIZES) < book.team_sizes[team]
    quota = np.array([q or 0 for q in VISIT_QUOTAS])[team] * at_work
    short = rng.random(len(team)) < _SHORT_OF_QUOTA
    share = np.where(short, rng.uniform(0.4, 0.75, len(team)), rng.uniform(0.9, 1.1, len(team)))
    return np.round(quota * share).astype(np.int64)
