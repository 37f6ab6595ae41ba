"""The collection organisation (DOMAIN.md): phone, field, legal and agency teams, the team a
case reaches at its age (the escalation ladder), the methods each kind of team works with,
and the collector of a case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from demo.book import Book
from demo.reference import BRANCHES

# Teams: indices 0-2 phone, 3-8 the branches' field teams (3 + branch), 9 legal, 10-11 agencies.
_PHONE_TEAMS = ["总部电催一组", "总部电催二组", "总部电催三组"]
_FIELD_TEAMS = [branch[:2] + "分行外访组" for branch, _ in BRANCHES]
_LEGAL_TEAM_NAME = "总部法务组"
AGENCIES = ["华信资产管理", "中诚资产管理"]
TEAMS = _PHONE_TEAMS + _FIELD_TEAMS + [_LEGAL_TEAM_NAME] + ["委外-" + a for a in AGENCIES]
TEAM_TYPES = ["电催"] * 3 + ["外访"] * 6 + ["法务"] + ["委外"] * 2
TEAM_SIZES = [10, 10, 8, 5, 5, 4, 4, 3, 3, 4, 6, 5]
VISIT_QUOTAS = [None] * 3 + [25, 25, 20, 30, 25, 20] + [None] * 3
FIRST_FIELD_TEAM, LEGAL_TEAM, FIRST_AGENCY = 3, 9, 10
PHONE_KIND, FIELD_KIND, LEGAL_KIND, AGENCY_KIND = range(4)
TEAM_KIND = np.array([PHONE_KIND] * 3 + [FIELD_KIND] * 6 + [LEGAL_KIND] + [AGENCY_KIND] * 2)
TEAM_LEVEL = np.minimum(TEAM_KIND, 2)  # as stage_level: legal and agencies come last
# Where a case goes as it ages (days past due): phone team, field team, legal or agency.
FIELD_FROM_DPD, LATE_FROM_DPD = 31, 181
FIELD_FROM_MISSED, LATE_FROM_MISSED = 2, 7  # the same stages in instalments overdue
# Visits a month each field case can take on average: a field team is staffed for its cases.
_VISITS_PER_CASE = 1.0


# The methods each kind of team works with (rows as PHONE_KIND...; columns as METHOD_EN):
# a phone team does not visit, sue or place with an agency; an agency does not sue.
_METHODS_OF_TEAM_KIND = np.array([
    [1, 1, 1, 0, 1, 0, 0, 0, 0, 1],
    [1, 1, 1, 1, 1, 1, 0, 0, 1, 1],
    [1, 1, 1, 1, 1, 0, 1, 0, 1, 1],
    [1, 1, 1, 0, 1, 1, 0, 1, 1, 1],
], bool)  # fmt: skip


def late_team(book: Book, loan: np.ndarray) -> np.ndarray:
    return np.where(book.is_big[loan], LEGAL_TEAM, FIRST_AGENCY + (book.key[loan] // 3) % 2)


def stage_level(days_past_due: np.ndarray) -> np.ndarray:
    """0 for M1 (a phone team), 1 from M2 (the field team), 2 from M7 (legal or an agency):
    DOMAIN.md's ladder."""
    return (days_past_due >= FIELD_FROM_DPD).astype(np.int64) + (days_past_due >= LATE_FROM_DPD)


def team_at_level(book: Book, loan: np.ndarray, level: np.ndarray) -> np.ndarray:
    return np.select(
        [level == 0, level == 1],
        [book.key[loan] % 3, FIRST_FIELD_TEAM + book.branch[loan]],
        late_team(book, loan),
    )


def holding_team(book: Book, loan: np.ndarray, days_past_due: np.ndarray) -> np.ndarray:
    """The team a loan's case reaches at this many days past due (-1: current, no case)."""
    return np.where(days_past_due <= 0, -1, team_at_level(book, loan, stage_level(days_past_due)))


def can_act(team: np.ndarray, method: np.ndarray) -> np.ndarray:
    """Whether a team of this team's type works cases with this method."""
    return _METHODS_OF_TEAM_KIND[TEAM_KIND[team], method]


COLLECTOR_START = np.cumsum([0] + TEAM_SIZES[:-1])


def staffed_team_sizes(field_cases: np.ndarray) -> np.ndarray:
    """Collectors at work in each team: a branch's field team as many as its cases keep at
    about their visit quota (`field_cases` per branch; at most TEAM_SIZES, at least one),
    every other team its whole roster."""
    sizes = np.array(TEAM_SIZES)
    field = slice(FIRST_FIELD_TEAM, FIRST_FIELD_TEAM + len(field_cases))
    quota = np.array(VISIT_QUOTAS[field], np.float64)
    sizes[field] = np.clip(np.round(field_cases * _VISITS_PER_CASE / quota), 1, sizes[field])
    return sizes


def case_collector(book: Book, loan: np.ndarray, team: np.ndarray) -> np.ndarray:
    """The collector of the team a loan's case goes to: the same each time it comes back."""
    return COLLECTOR_START[team] + (book.key[loan] // 11) % book.team_sizes[team]


def collectors(
    rng: np.random.Generator, book: Book, loan: np.ndarray, team: np.ndarray
) -> np.ndarray:
    """The collector a loan goes to in the team; now and then a colleague instead."""
    pick = case_collector(book, loan, team)
    colleague = rng.random(len(loan)) < 0.12
    other = COLLECTOR_START[team] + rng.integers(0, 1 << 20, len(loan)) % book.team_sizes[team]
    return np.where(colleague, other, pick)


def stage_start(team: np.ndarray) -> np.ndarray:
    """Days past due on the day a case reaches a team of this team's kind."""
    kind = TEAM_KIND[team]
    return np.select([kind == PHONE_KIND, kind == FIELD_KIND], [1, FIELD_FROM_DPD], LATE_FROM_DPD)
