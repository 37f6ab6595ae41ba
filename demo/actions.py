"""Collection actions on the month's cases: how many of each method a case gets at its
stage, on which days and hours, dialling which number, with what outcome; and the SMS
reminders sent before a due date.
"""

from __future__ import annotations

import numpy as np

from demo.book import Book
from demo.calendar import (
    CALL_HOURS,
    DAYS,
    OFFICE_HOURS,
    SECONDS_PER_DAY,
    SMS_HOURS,
    VISIT_HOURS,
    Calendar,
    days_to_weekdays,
    seconds_of_day,
)
from demo.codes import (
    AGENCY,
    BUSY,
    CONNECTED,
    COST_RANGE,
    COST_SHARE,
    DELIVERED,
    EMAIL,
    FAMILY,
    INVALID,
    LAWYER_LETTER,
    LEGAL_ACTION,
    LETTER,
    MET,
    METHOD_EN,
    NO_ANSWER,
    NOT_FOUND,
    NOTE,
    PHONE,
    POWERED_OFF,
    REJECTED,
    REPO,
    SELF,
    SMS,
    SUSPENDED,
    UNDELIVERABLE,
    VISIT,
    WRONG,
)
from demo.delinquency import CURE_T, DISPOSAL_T, LUMP_T
from demo.people import Contacts, Customers
from demo.records import Actions, Holders, take_actions
from demo.reference import PRODUCTS
from demo.teams import (
    AGENCY_KIND,
    FIELD_KIND,
    TEAM_KIND,
    can_act,
    case_collector,
    collectors,
    stage_level,
    team_at_level,
)
from demo.visits import field_visits

AGENCY_VISIT_SHARE = 0.1

# Expected actions per case and month, by stage (rows) and method (columns, as METHOD_EN).
_ACTIONS_PER_MONTH = np.array([
    [2.7, 6.3, 0.0, 0.0, 0.02, 0.0, 0.0, 0.0, 0.0, 0.01],
    [5.2, 27.0, 0.2, 0.0, 0.05, 0.05, 0.0, 0.0, 0.0, 0.03],
    [4.2, 23.0, 0.4, 0.35, 0.05, 0.6, 0.0, 0.0, 0.0, 0.03],
    [2.7, 18.0, 0.3, 0.4, 0.03, 0.9, 0.1, 0.1, 0.15, 0.03],
    [2.1, 14.0, 0.3, 0.3, 0.02, 0.8, 0.2, 0.15, 0.12, 0.03],
    [1.7, 12.5, 0.3, 0.2, 0.02, 0.7, 0.2, 0.2, 0.1, 0.03],
    [1.7, 11.5, 0.3, 0.2, 0.02, 0.6, 0.25, 0.2, 0.1, 0.03],
    [0.9, 7.0, 0.2, 0.1, 0.01, 0.3, 0.2, 0.3, 0.05, 0.02],
])  # fmt: skip
_REMINDER_SHARE = 0.45  # current loans sent an SMS before the due date
_SELF_CALL_SHARE = np.array([0.8, 0.7, 0.65, 0.6, 0.6, 0.6, 0.6, 0.6])
_CONNECT_GOOD_NUMBER = np.array([0.66, 0.64, 0.6, 0.57, 0.54, 0.52, 0.5, 0.44])
_VISIT_MET = np.array([0.5, 0.45, 0.42, 0.36, 0.3, 0.3, 0.28, 0.2])


def _call_factor(seconds: np.ndarray) -> np.ndarray:
    """How much likelier a call is to be answered at this time of day than on average."""
    hour = seconds / 3600
    return np.select(
        [(hour >= 11.75) & (hour < 14), (hour >= 15) & (hour < 16.5), hour >= 17.5, hour < 9],
        [0.55, 1.2, 1.15, 0.9],
        1.0,
    )


def case_actions(
    rng: np.random.Generator,
    book: Book,
    customers: Customers,
    contacts: Contacts,
    case_loan: np.ndarray,
    stage: np.ndarray,
    window_start: np.ndarray,
    oldest_due: np.ndarray,
    floor_level: np.ndarray,
    visit_targets: np.ndarray,
    end: int,
) -> tuple[Actions, np.ndarray]:
    """Actions on the month's cases, and each case's first effective contact (day, or a big
    number when none). Each is made by the team the case is with on its day (as long as
    nothing is paid in the month): methods that team does not work with are not used."""
    n_cases = len(case_loan)
    intensity = rng.gamma(2.0, 0.5, n_cases) * ~book.is_neglected[case_loan]
    product = book.product[case_loan]
    is_secured = np.array([p.is_secured for p in PRODUCTS])[product]
    is_big = book.is_big[case_loan]
    scale = np.ones((n_cases, len(METHOD_EN)))
    scale[:, REPO] = is_secured
    scale[:, LEGAL_ACTION] = np.where(is_big, 2.0, 0.3)
    scale[:, AGENCY] = np.where(is_big, 0.3, 2.0)
    lam = _ACTIONS_PER_MONTH[stage] * scale * intensity[:, None]
    counts = rng.poisson(lam).ravel()  # case after case, method after method
    n_methods = len(METHOD_EN)
    case = np.repeat(np.repeat(np.arange(n_cases), n_methods), counts)
    method = np.repeat(np.tile(np.arange(n_methods), n_cases), counts)
    m = len(case)
    lo, hi = window_start[case], end
    day = lo + (rng.random(m) * (hi - lo + 1)).astype(np.int64)
    is_desk = method != SMS
    day = np.where(is_desk, days_to_weekdays(rng, day, 0.3), day)
    day = np.clip(day, lo, hi)
    # Field collectors pad their visit counts in the month's last days (DOMAIN.md).
    is_visit = method == VISIT
    padded = is_visit & (rng.random(m) < 0.2)
    day = np.where(padded, np.maximum(lo, end - rng.integers(0, 4, m)), day)
    level = np.maximum(stage_level(day - oldest_due[case]), floor_level[case])
    team = team_at_level(book, case_loan[case], level)
    # Field teams' visits follow their collectors' quotas rather than the cases' needs.
    kept = can_act(team, method) & ~((method == VISIT) & (TEAM_KIND[team] == FIELD_KIND))
    # An agency's few collectors hold thousands of cases: they visit one case in ten they
    # would, so each makes about as many visits as a field collector.
    agency_visit = (method == VISIT) & (TEAM_KIND[team] == AGENCY_KIND)
    kept &= ~agency_visit | (rng.random(m) < AGENCY_VISIT_SHARE)
    visits = field_visits(rng, book, case_loan, intensity, window_start, oldest_due, floor_level,
                           visit_targets, end)  # fmt: skip
    case = np.concatenate([case[kept], visits.case])
    method = np.concatenate([method[kept], np.full(len(visits.case), VISIT)])
    day = np.concatenate([day[kept], visits.day])
    padded = np.concatenate([padded[kept], visits.padded])
    team = np.concatenate([team[kept], visits.team])
    m = len(case)
    loan = case_loan[case]
    case_stage = stage[case]
    is_visit = method == VISIT

    seconds = np.select(
        [method == PHONE, method == SMS, is_visit],
        [
            seconds_of_day(rng, m, CALL_HOURS),
            seconds_of_day(rng, m, SMS_HOURS),
            seconds_of_day(rng, m, VISIT_HOURS),
        ],
        seconds_of_day(rng, m, OFFICE_HOURS),
    )
    contact = np.full(m, -1, np.int64)
    relation = np.full(m, -1, np.int64)
    outcome = np.full(m, -1, np.int64)

    cust = book.customer[loan]
    first = customers.contact_start[cust]
    count = customers.contact_count[cust]
    calls_self = rng.random(m) < _SELF_CALL_SHARE[case_stage]
    other = 1 + (rng.random(m) * np.maximum(count - 1, 1)).astype(np.int64)
    slot = np.where(calls_self | (count == 1), 0, np.minimum(other, count - 1))
    slot = np.where(contacts.state[first + slot] == 4, 0, slot)  # nobody dials "无"
    is_phone = method == PHONE
    is_sms = method == SMS
    contact[is_phone] = (first + slot)[is_phone]
    contact[is_sms] = first[is_sms]
    relation[is_phone | is_sms] = contacts.relation[contact[is_phone | is_sms]]

    phone_rows = np.flatnonzero(is_phone)
    outcome[phone_rows] = _call_outcomes(
        rng, contacts.state[contact[phone_rows]], case_stage[phone_rows], seconds[phone_rows]
    )
    sms_rows = np.flatnonzero(is_sms)
    outcome[sms_rows] = np.where(contacts.state[contact[sms_rows]] != 0, UNDELIVERABLE, DELIVERED)
    letter_rows = np.flatnonzero((method == LETTER) | (method == LAWYER_LETTER))
    outcome[letter_rows] = np.where(rng.random(len(letter_rows)) < 0.82, DELIVERED, UNDELIVERABLE)
    relation[letter_rows] = SELF
    visit_rows = np.flatnonzero(is_visit)
    met_share = np.where(padded[visit_rows], 0.05, _VISIT_MET[case_stage[visit_rows]])
    outcome[visit_rows] = np.where(rng.random(len(visit_rows)) < met_share, MET, NOT_FOUND)
    relation[visit_rows] = np.where(outcome[visit_rows] == MET, SELF, -1)
    email_rows = np.flatnonzero(method == EMAIL)
    outcome[email_rows] = DELIVERED

    is_effective = (is_phone & (outcome == CONNECTED) & (relation <= FAMILY)) | (outcome == MET)
    first_effective = np.full(n_cases, np.iinfo(np.int64).max // 4, np.int64)
    np.minimum.at(first_effective, case[is_effective], day[is_effective])

    cost = np.full(m, -1, np.int64)
    for code, (low, high) in COST_RANGE.items():
        rows = np.flatnonzero((method == code) & (rng.random(m) < COST_SHARE))
        cost[rows] = rng.integers(low, high + 1, len(rows)) * 100 + 50 * (
            rng.random(len(rows)) < 0.2
        )
    actions = Actions(
        loan=loan,
        method=method.astype(np.int64),
        at=day * SECONDS_PER_DAY + seconds,
        team=team,
        collector=case_collector(book, loan, team),
        contact=contact,
        relation=relation,
        outcome=outcome,
        promised=np.full(m, -1, np.int64),
        promised_on=np.zeros(m, np.int64),
        cost=cost,
        note_group=np.full(m, -1, np.int64),
    )
    return actions, first_effective


def _call_outcomes(
    rng: np.random.Generator, number_state: np.ndarray, stage: np.ndarray, seconds: np.ndarray
) -> np.ndarray:
    n = len(stage)
    u, v = rng.random(n), rng.random(n)
    connect = _CONNECT_GOOD_NUMBER[stage] * _call_factor(seconds)
    missed = np.select([v < 0.45, v < 0.57, v < 0.75], [NO_ANSWER, BUSY, REJECTED], POWERED_OFF)
    reachable = np.where(u < connect, np.where(v < 0.04, WRONG, CONNECTED), missed)
    dead = np.where(v < 0.65, INVALID, WRONG)
    suspended = np.where(v < 0.7, SUSPENDED, POWERED_OFF)
    return np.select([number_state == 0, number_state == 2], [reachable, suspended], dead)


def drop_after_settling(
    actions: Actions, case_loan: np.ndarray, outcome: np.ndarray, pay_day: np.ndarray
) -> Actions:
    """Collectors stop once a case is paid up."""
    stops = np.isin(outcome, [CURE_T, LUMP_T, DISPOSAL_T])
    last_day = np.full(len(case_loan), np.iinfo(np.int64).max // 4, np.int64)
    last_day[stops] = pay_day[stops]
    order = np.argsort(case_loan)
    position = order[np.searchsorted(case_loan[order], actions.loan)]
    keep = actions.at // SECONDS_PER_DAY <= last_day[position]
    return take_actions(actions, keep)


def reminder_sms(
    rng: np.random.Generator,
    book: Book,
    customers: Customers,
    contacts: Contacts,
    on_time: np.ndarray,
    k: int,
    cal: Calendar,
) -> Actions:
    """SMS reminders a few days before the due date to some loans that then pay on time."""
    loan = np.flatnonzero(on_time & (rng.random(len(on_time)) < _REMINDER_SHARE))
    n = len(loan)
    day = np.maximum(cal.day_of(k, book.due_day[loan]) - rng.integers(1, 4, n), cal.month_start[k])
    contact = customers.contact_start[book.customer[loan]]
    team = book.key[loan] % 3
    return Actions(
        loan=loan,
        method=np.full(n, SMS, np.int64),
        at=day * SECONDS_PER_DAY + seconds_of_day(rng, n, SMS_HOURS),
        team=team,
        collector=collectors(rng, book, loan, team),
        contact=contact,
        relation=np.full(n, SELF, np.int64),
        outcome=np.where(contacts.state[contact] != 0, UNDELIVERABLE, DELIVERED),
        promised=np.full(n, -1, np.int64),
        promised_on=np.zeros(n, np.int64),
        cost=np.full(n, -1, np.int64),
        note_group=np.where(rng.random(n) < 0.5, NOTE["sms"], -1),
    )


def actions_of_holders(book: Book, actions: Actions, holders: Holders) -> Actions:
    """Each case action made by the team and collector holding its loan's case on its day;
    actions on days no case holds the loan, or with a method the holder does not work
    with, are not made."""
    key = holders.loan * DAYS + holders.start
    order = np.argsort(key)
    day = actions.at // SECONDS_PER_DAY
    found = np.searchsorted(key[order], actions.loan * DAYS + day, side="right") - 1
    stretch = order[np.maximum(found, 0)]
    team = holders.team[stretch]
    made = (
        (found >= 0)
        & (holders.loan[stretch] == actions.loan)
        & (day < holders.stop[stretch])
        & can_act(team, actions.method)
    )
    actions.team = team
    actions.collector = case_collector(book, actions.loan, team)
    return take_actions(actions, made)
