"""The demo book written as a lender exports it (DATA_CONTRACT.md), into one folder:

- `teams.xlsx`: XLSX, Chinese headers, team types 电催 / 外访 / 法务 / 委外.
- `contacts.csv`: GBK with CRLF line ends, Chinese headers; about 3 numbers a customer,
  about a fifth of them malformed.
- `loans_YYYY-MM.csv`, one a month, and one more for the month before the window: the
  opening book, so the first month's actions have a snapshot to be placed at. The latest
  month: GBK with CRLF, Chinese headers and values, dates `2026/10/31`, some amounts
  `1,234.56`. Other months: UTF-8, English headers
  and values, ISO dates (disbursed_on written `2021年03月15日` two months back); the
  classification column by turns blank (the loader derives it), English or Chinese.
- `actions_YYYY-MM.csv`, one a month: UTF-8 with BOM, Chinese headers and values (with
  variants such as 电催, 外访, 非本人) in the latest month and every second month before
  it; UTF-8 without BOM, English headers and canonical values in the others. Notes are
  Chinese free text, some holding a name or a mobile number.
- `assignments_YYYY-MM.csv` (分案记录), one a month, and one for the opening book's open cases:
  the cases placed in the month, each with its end when it ended in the month (blank while
  still held), and the earlier cases that ended in the month, listed again with the same id
  and their end (the loader's later row replaces the earlier). UTF-8 with BOM, Chinese
  headers and `2026/10/05` dates,
  some amounts `1,234.56`, in the months whose actions are Chinese; UTF-8, English headers
  and ISO dates in the others.
- `payments_YYYY-MM.xlsx` in the latest month and every second month before it, when it
  has under 200,000 rows: Excel dates, numeric amounts, Chinese or English headers by
  turns. Else `payments_YYYY-MM.csv`: GBK with Chinese headers and `2026年10月05日`, or
  UTF-8 with English headers and ISO dates; amounts `1234.56`, `1,234.56` or `1234.56元`.

All money is computed in integer cents and written with exactly two decimals (in XLSX, as
numeric cells formatted `#,##0.00`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

import numpy as np
import polars as pl

from demo.book import Book
from demo.calendar import Calendar
from demo.codes import (
    ALL_CHANNELS,
    CLASS_EN,
    CLASS_ZH,
    METHOD_EN,
    METHOD_ZH,
    OUTCOME_EN,
    OUTCOME_ZH,
    RELATION_EN,
    RELATION_ZH,
    SETTLED_ST,
    STATUS_EN,
    STATUS_ZH,
)
from demo.notes import NotePools, notes
from demo.people import Contacts, Customers, person_names
from demo.records import CaseRows, Counters, Month, Snapshot, take_actions
from demo.reference import BRANCHES, CITIES, PRODUCTS
from demo.spoiled import (
    spoil_actions,
    spoil_assignments,
    spoil_contacts,
    spoil_loans,
    spoil_payments,
)
from demo.teams import TEAM_SIZES, TEAM_TYPES, TEAMS, VISIT_QUOTAS, case_collector
from demo.text import (
    CSV_CHUNK_ROWS,
    as_dates,
    join,
    labels,
    money,
    nullable,
    write_csv_chunks,
    xlsx_workbook,
)

Progress = Callable[[str, int, int], None]


XLSX_MAX_ROWS = 200_000


_LOAN_COLUMNS = {
    "as_of_date": "数据日期", "loan_id": "借据号", "customer_id": "客户号",
    "customer_name": "客户姓名", "id_number": "身份证号", "product": "产品名称", "branch": "机构",
    "team": "催收团队", "collector": "催收员", "disbursed_on": "放款日期", "principal": "放款金额",
    "outstanding_balance": "贷款余额", "overdue_amount": "逾期金额", "days_past_due": "逾期天数",
    "classification": "五级分类", "status": "状态",
}  # fmt: skip
_ACTION_COLUMNS = {
    "action_id": "记录编号", "loan_id": "借据号", "action_at": "催收时间", "method": "催收方式",
    "team": "催收团队", "collector": "催收员", "contact_phone": "联系电话",
    "contact_relation": "联系对象", "outcome": "联系结果", "promised_amount": "承诺金额",
    "promised_date": "承诺还款日", "cost": "成本", "note": "备注",
}  # fmt: skip
_PAYMENT_COLUMNS = {
    "payment_id": "流水号", "loan_id": "借据号", "paid_at": "还款日期", "amount": "还款金额",
    "channel": "还款渠道",
}  # fmt: skip
_ASSIGNMENT_COLUMNS = {
    "assignment_id": "分案编号", "loan_id": "借据号", "team": "催收团队", "collector": "催收员",
    "assigned_on": "分案日期", "ended_on": "结案日期", "assigned_amount": "委案金额",
    "days_past_due": "分案时逾期天数",
}  # fmt: skip
_CONTACT_HEADERS = ["客户号", "电话号码", "关系", "城市"]
_TEAM_HEADERS = ["催收团队", "团队类型", "负责人", "外访指标"]


@dataclass(frozen=True)
class Layout:
    """Which spelling each month's files use; `back` 0 is the latest month."""

    back: int

    @classmethod
    def of(cls, k: int, months: int) -> Layout:
        return cls(months - 1 - k)

    @property
    def loans_in_chinese(self) -> bool:  # GBK, Chinese headers and values, slashed dates
        return self.back == 0

    @property
    def classification(self) -> str:  # "zh", "en" or "" (blank: the loader derives it)
        return "zh" if self.back == 0 else ["", "en", "zh"][self.back % 3]

    @property
    def disbursed_in_chinese_dates(self) -> bool:
        return self.back == 2

    @property
    def actions_in_chinese(self) -> bool:  # else English headers and values, no BOM
        return self.back % 2 == 0

    @property
    def assignments_in_chinese(self) -> bool:  # UTF-8 with BOM, slashed dates; else ISO
        return self.back % 2 == 0

    @property
    def payments_in_chinese(self) -> bool:
        return self.back % 4 in (1, 2)

    @property
    def payments_as_csv(self) -> bool:
        return self.back % 2 == 1


def write_teams(path: Path, seed: int, created: datetime) -> Path:
    rng = np.random.default_rng([seed, 5])
    managers = person_names(rng, rng.random(len(TEAMS)) < 0.6).to_list()
    workbook = xlsx_workbook(path, created)
    sheet = workbook.add_worksheet("团队")
    sheet.write_row(0, 0, _TEAM_HEADERS)
    for row, (team, kind, manager, quota) in enumerate(
        zip(TEAMS, TEAM_TYPES, managers, VISIT_QUOTAS, strict=True), start=1
    ):
        sheet.write_row(row, 0, [team, kind, manager])
        if quota is not None:
            sheet.write_number(row, 3, quota)
    workbook.close()
    return path


def write_contacts(
    path: Path, customers: Customers, contacts: Contacts, seed: int, report: Progress
) -> Path:
    frame = pl.DataFrame(
        {
            "客户号": customers.customer_id.gather(contacts.customer),
            "电话号码": contacts.phone,
            "关系": pl.Series(RELATION_ZH).gather(contacts.relation),
            "城市": pl.Series([c[0] for c in CITIES]).gather(
                customers.home_city[contacts.customer]
            ),
        }
    )
    frame = spoil_contacts(frame, np.random.default_rng([seed, 6]))
    with path.open("wb") as out:
        for offset in range(0, max(frame.height, 1), CSV_CHUNK_ROWS):
            chunk = frame.slice(offset, CSV_CHUNK_ROWS)
            text = chunk.write_csv(include_header=offset == 0, line_terminator="\r\n")
            out.write(text.encode("gbk"))
            report("contacts", min(offset + CSV_CHUNK_ROWS, frame.height), frame.height)
    return path


def _classification(days_past_due: np.ndarray) -> np.ndarray:
    return np.select(
        [days_past_due == 0, days_past_due <= 90, days_past_due <= 270, days_past_due <= 360],
        [0, 1, 2, 3],
        4,
    )


def write_loans(
    out_dir: Path,
    book: Book,
    customers: Customers,
    month: Snapshot,
    layout: Layout,
    cal: Calendar,
    rng: np.random.Generator,
) -> Path:
    loans, paid, status = month.snapshot_loans, month.paid, month.status
    n = len(loans)
    k, end = month.k, cal.end_of(month.k)
    term = book.term[loans]
    due = np.clip(k - book.disbursed_month[loans], 0, term)
    missed = np.where(status == SETTLED_ST, 0, due - paid)
    first_missed = cal.day_of(book.disbursed_month[loans] + paid + 1, book.due_day[loans])
    dpd = np.where(missed > 0, end - first_missed, 0)
    outstanding = np.where(
        status == SETTLED_ST, 0, book.principal[loans] - paid * book.repaid_per_instalment[loans]
    )
    overdue = missed * book.instalment[loans]
    team = month.team
    collector = np.where(team >= 0, case_collector(book, loans, np.maximum(team, 0)), -1)
    grade = _classification(dpd)
    # Restructured or watched loans: a bank may grade a current loan 关注.
    grade = np.where((grade == 0) & (rng.random(n) < 0.004), 1, grade)

    chinese = layout.loans_in_chinese
    date_format = "%Y/%m/%d" if chinese else "%Y-%m-%d"
    disbursed_format = "%Y年%m月%d日" if layout.disbursed_in_chinese_dates else date_format
    grouped = pl.lit(pl.Series(rng.random(n) < 0.4)) if chinese else False
    cust = book.customer[loans]
    if layout.classification:
        classification = labels(grade, CLASS_EN, CLASS_ZH, layout.classification == "zh", rng)
    else:
        classification = pl.Series([None] * n, dtype=pl.String)
    frame = pl.DataFrame(
        {
            "as_of_date": as_dates(np.full(n, end)).dt.strftime(date_format),
            "loan_id": book.loan_id.gather(loans),
            "customer_id": customers.customer_id.gather(cust),
            "customer_name": customers.name.gather(cust),
            "id_number": customers.id_number.gather(cust),
            "product": pl.Series([p.name for p in PRODUCTS]).gather(book.product[loans]),
            "branch": pl.Series([b for b, _ in BRANCHES]).gather(book.branch[loans]),
            "team": pl.Series([*TEAMS, None]).gather(np.where(team < 0, len(TEAMS), team)),
            "collector": _collector_names(collector),
            "disbursed_on": as_dates(book.disbursed_on[loans]).dt.strftime(disbursed_format),
            "principal": book.principal[loans],
            "outstanding_balance": outstanding,
            "overdue_amount": overdue,
            "days_past_due": pl.Series(dpd).cast(pl.String),
            "classification": classification,
            "status": labels(status, STATUS_EN, STATUS_ZH, chinese, rng),
        }
    ).with_columns(
        money(pl.col(c), grouped).alias(c)
        for c in ("principal", "outstanding_balance", "overdue_amount")
    )
    frame = spoil_loans(frame, rng, date_format, end)
    if chinese:
        frame = frame.rename(_LOAN_COLUMNS)
    path = out_dir / f"loans_{cal.label_of(k)}.csv"
    write_csv_chunks(path, frame, "gbk" if chinese else "utf-8")
    return path


@cache
def _collector_roster() -> pl.Series:
    """Every collector's name, team after team, then a blank: the same for every seed, like
    an org chart."""
    rng = np.random.default_rng(20_260_101)
    names = person_names(rng, rng.random(sum(TEAM_SIZES)) < 0.5)
    return pl.Series([*names.to_list(), None], dtype=pl.String)


def _collector_names(collector: np.ndarray) -> pl.Series:
    """Names of collectors by number, -1 blank."""
    roster = _collector_roster()
    return roster.gather(np.where(collector < 0, len(roster) - 1, collector))


def write_actions(
    out_dir: Path,
    book: Book,
    contacts: Contacts,
    month: Month,
    layout: Layout,
    cal: Calendar,
    pools: NotePools,
    counters: Counters,
    rng: np.random.Generator,
) -> Path:
    actions = month.actions
    order = np.lexsort((actions.loan, actions.at))
    actions = take_actions(actions, order)
    n = len(actions.loan)
    chinese = layout.actions_in_chinese
    ids = np.arange(counters.action + 1, counters.action + 1 + n)
    counters.action += n
    promised = np.where(actions.promised >= 0, actions.promised, 0)
    has_promise = actions.promised >= 0
    promised_format = "%Y/%m/%d" if chinese else "%Y-%m-%d"
    money_suffix = pl.lit(pl.Series(rng.random(n) < 0.3)) if chinese else False
    frame = pl.DataFrame(
        {
            "action_id": pl.Series(ids).cast(pl.String).str.zfill(10),
            "loan_id": book.loan_id.gather(actions.loan),
            "action_at": pl.from_epoch(pl.Series(actions.at), time_unit="s").dt.strftime(
                "%Y-%m-%d %H:%M:%S"
            ),
            "method": labels(actions.method, METHOD_EN, METHOD_ZH, chinese, rng),
            "team": pl.Series(TEAMS).gather(actions.team),
            "collector": _collector_names(actions.collector),
            "contact_phone": contacts.phone.gather(np.maximum(actions.contact, 0)),
            "contact_relation": labels(actions.relation, RELATION_EN, RELATION_ZH, chinese, rng),
            "outcome": labels(actions.outcome, OUTCOME_EN, OUTCOME_ZH, chinese, rng),
            "promised_amount": nullable(promised, has_promise),
            "promised_date": as_dates(actions.promised_on).dt.strftime(promised_format),
            "cost": nullable(actions.cost, actions.cost >= 0),
            "note": notes(rng, actions.note_group, actions.team, pools),
        }
    )
    has_contact = actions.contact >= 0
    frame = frame.with_columns(
        action_id=pl.concat_str(
            [pl.lit("CJ" + cal.label[month.k].replace("-", "")), pl.col("action_id")]
        ),
        contact_phone=pl.when(pl.lit(pl.Series(has_contact))).then(pl.col("contact_phone")),
        promised_amount=money(pl.col("promised_amount"), False, money_suffix),
        promised_date=pl.when(pl.lit(pl.Series(has_promise))).then(pl.col("promised_date")),
        cost=money(pl.col("cost"), False, money_suffix),
    )
    frame = spoil_actions(frame, rng, chinese, cal.label[month.k])
    if chinese:
        frame = frame.rename(_ACTION_COLUMNS)
    path = out_dir / f"actions_{cal.label[month.k]}.csv"
    write_csv_chunks(path, frame, "utf-8-sig" if chinese else "utf-8")
    return path


def write_payments(
    out_dir: Path,
    book: Book,
    month: Month,
    layout: Layout,
    cal: Calendar,
    counters: Counters,
    rng: np.random.Generator,
) -> Path:
    payments = month.payments
    n = len(payments.loan)
    ids = np.arange(counters.payment + 1, counters.payment + 1 + n)
    counters.payment += n
    day_text = as_dates(payments.day).dt.strftime("%Y%m%d")
    frame = pl.DataFrame(
        {
            "payment_id": join("LS", day_text, pl.Series(ids).cast(pl.String).str.zfill(9)),
            "loan_id": book.loan_id.gather(payments.loan),
            "day": payments.day,
            "amount": payments.amount,
            "channel": pl.Series(ALL_CHANNELS).gather(payments.channel),
            "bad_day": pl.Series([None] * n, dtype=pl.String),
        }
    )
    frame = spoil_payments(frame, rng, cal.label[month.k])
    chinese = layout.payments_in_chinese
    headers = list(_PAYMENT_COLUMNS.values() if chinese else _PAYMENT_COLUMNS)
    stem = f"payments_{cal.label[month.k]}"
    if n < XLSX_MAX_ROWS and not layout.payments_as_csv:
        path = out_dir / f"{stem}.xlsx"
        _write_payments_xlsx(path, frame, headers, cal.created)
        return path
    style = rng.random(n)
    date_format = "%Y年%m月%d日" if chinese else "%Y-%m-%d"
    text = frame.select(
        pl.col("payment_id"),
        pl.col("loan_id"),
        pl.coalesce(pl.col("bad_day"), as_dates(payments.day).dt.strftime(date_format)).alias(
            "paid_at"
        ),
        money(
            pl.col("amount"),
            pl.lit(pl.Series(style < 0.25)),
            pl.lit(pl.Series(style > (0.6 if chinese else 0.85))),
        ).alias("amount"),
        pl.col("channel"),
    )
    text.columns = headers
    path = out_dir / f"{stem}.csv"
    write_csv_chunks(path, text, "gbk" if chinese else "utf-8")
    return path


def write_assignments(
    out_dir: Path,
    book: Book,
    cases: CaseRows,
    k: int,
    layout: Layout,
    cal: Calendar,
    counters: Counters,
    rng: np.random.Generator,
) -> Path:
    n = len(cases.loan)
    chinese = layout.assignments_in_chinese
    date_format = "%Y/%m/%d" if chinese else "%Y-%m-%d"
    is_held = cases.ended_on < 0
    frame = pl.DataFrame(
        {
            "assignment_id": join("FA", pl.Series(cases.case_id).cast(pl.String).str.zfill(10)),
            "loan_id": book.loan_id.gather(cases.loan),
            "team": pl.Series(TEAMS).gather(cases.team),
            "collector": _collector_names(case_collector(book, cases.loan, cases.team)),
            "assigned_on": as_dates(cases.assigned_on).dt.strftime(date_format),
            "ended_on": as_dates(np.where(is_held, 0, cases.ended_on)).dt.strftime(date_format),
            "assigned_amount": cases.amount,
            "days_past_due": pl.Series(cases.days_past_due).cast(pl.String),
        }
    )
    grouped = pl.lit(pl.Series(rng.random(n) < 0.4)) if chinese else False
    frame = frame.with_columns(
        ended_on=pl.when(pl.lit(pl.Series(~is_held))).then(pl.col("ended_on")),
        assigned_amount=money(pl.col("assigned_amount"), grouped),
    )
    frame = spoil_assignments(frame, cases, rng, date_format, counters)
    if chinese:
        frame = frame.rename(_ASSIGNMENT_COLUMNS)
    path = out_dir / f"assignments_{cal.label_of(k)}.csv"
    write_csv_chunks(path, frame, "utf-8-sig" if chinese else "utf-8")
    return path


_EXCEL_EPOCH_DAY = -25_569  # 1899-12-30 as a day number: Excel's day 0


def _write_payments_xlsx(
    path: Path, frame: pl.DataFrame, headers: list[str], created: datetime
) -> None:
    workbook = xlsx_workbook(path, created)
    date_cell = workbook.add_format({"num_format": "yyyy-mm-dd"})
    money_cell = workbook.add_format({"num_format": "#,##0.00"})
    sheet = workbook.add_worksheet("还款记录")
    sheet.write_row(0, 0, headers)
    ids = frame["payment_id"].to_list()
    loans = frame["loan_id"].to_list()
    serials = (frame["day"].to_numpy() - _EXCEL_EPOCH_DAY).tolist()
    amounts = (frame["amount"].to_numpy() / 100).tolist()
    channels = frame["channel"].to_list()
    bad_days = frame["bad_day"].to_list()
    write_string, write_number = sheet.write_string, sheet.write_number
    for row in range(frame.height):
        r = row + 1
        write_string(r, 0, ids[row])
        if loans[row] is not None:
            write_string(r, 1, loans[row])
        if bad_days[row] is None:
            write_number(r, 2, serials[row], date_cell)
        else:
            write_string(r, 2, bad_days[row])
        write_number(r, 3, amounts[row], money_cell)
        write_string(r, 4, channels[row])
    workbook.close()
