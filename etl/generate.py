"""A seeded synthetic portfolio written in the lenders' own export formats (DATA_CONTRACT.md).

`generate_demo` simulates a loan book month by month and writes, into one folder:

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

The simulation: loans disbursed over the years before the window pay down; each month some
miss their due date (most pay within days), overdue loans roll forward (days past due grows
by the days of the month), cure, pay part, settle or are written off after long delinquency;
new loans arrive every month. A loan's case is handed to a headquarters phone team on the day
it falls overdue, placed at the overdue amount; when not cured it moves to its branch's field
team on reaching 31 days past due (M2) and to legal (large and business loans) or an outside
agency (consumer loans) at 181 (M7), placed there at the whole outstanding balance; the old
case ends the day the new one starts, and a case never moves back while the loan stays
overdue. A case ends the day after the loan is cured, settled (its last payment of the
month) or written off (the month end). Each case has one collector of its team, and every
action on a loan held by a case is made by that team and collector on a method that kind of
team works with (phone teams neither visit nor sue); pre-due SMS reminders to current loans
come from a phone team. Actions escalate with age (SMS and
calls, then letters, lawyer's letters and visits, then litigation, agency and repossession);
calls reach the debtor or close family about 29 % of the time, less over lunch; effective
contacts bring promises and payments; promises are kept, partly kept or broken. About 6 % of
loans are never worked at all, so some cases reach 180+ days with no action. All money is
computed in integer cents and written with exactly two decimals (in XLSX, as numeric cells
formatted `#,##0.00`).

Deliberately bad rows, for the loader's rejects table: about one row in 20,000, and at least
two in every file of more than 5,000 rows (none in smaller files), each of one of these kinds:

- loans: negative outstanding_balance; missing loan_id; unparseable as_of_date (day 32);
  a second row for a loan_id already in the snapshot (an export's join fan-out), its
  balance replaced by the principal.
- actions: unknown method `飞鸽传书`; missing loan_id; unparseable action_at (day 32,
  25:61:00); a phone action without outcome; a promised_amount without promised_date.
- payments: amount 0; missing loan_id; unparseable paid_at (day 32; text in an XLSX).
- contacts: missing customer_id; missing phone number.
- assignments: an extra row after a case: the loan placed again, with an agency, the day
  after the case started (the same day for a one-day case) while it still holds the loan
  (an overlapping case); or a copy of the case with a new id ending before it starts.

Malformed phone numbers (7-digit Wuhan landlines, 10-digit mobiles, missing area codes, `无`,
duplicates) are not bad rows: the loader keeps them and the phone check counts them.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

import numpy as np
import polars as pl
import xlsxwriter

Progress = Callable[[str, int, int], None]


class InvalidDemoRequest(ValueError):
    """The arguments of `generate_demo` cannot make a portfolio."""


BAD_ROW_EVERY = 20_000
BAD_ROW_MIN_FILE_ROWS = 5_000
XLSX_MAX_ROWS = 200_000
_CSV_CHUNK_ROWS = 200_000
_SECONDS_PER_DAY = 86_400

# ---------------------------------------------------------------------------------------------
# Reference data

# name, area code, resident ID region codes
_CITIES = [
    ("武汉", "027", ("420102", "420103", "420106", "420111")),
    ("深圳", "0755", ("440303", "440304", "440305", "440306")),
    ("成都", "028", ("510104", "510105", "510107")),
    ("杭州", "0571", ("330102", "330105", "330106")),
    ("西安", "029", ("610102", "610103", "610113")),
    ("长沙", "0731", ("430102", "430103", "430104")),
    ("北京", "010", ("110101", "110105", "110108")),
    ("上海", "021", ("310101", "310104", "310115")),
    ("广州", "020", ("440103", "440104", "440106")),
    ("南京", "025", ("320102", "320104", "320106")),
    ("东莞", "0769", ("441900",)),
    ("佛山", "0757", ("440604", "440605")),
    ("苏州", "0512", ("320505", "320506")),
    ("郑州", "0371", ("410102", "410105")),
]
_WUHAN = 0
# Where people born elsewhere come from: 黄冈, 襄阳, 岳阳, 南阳, 六安, 万州.
_HOMETOWN_REGIONS = ("421102", "420602", "430602", "411302", "341502", "500101")

# name, loan-number prefix; the branch's city is _CITIES[index]
_BRANCHES = [
    ("武汉分行", "WH"),
    ("深圳分行", "SZ"),
    ("成都分行", "CD"),
    ("杭州分行", "HZ"),
    ("西安分行", "XA"),
    ("长沙分行", "CS"),
]
_BRANCH_WEIGHTS = [0.24, 0.22, 0.16, 0.15, 0.12, 0.11]


@dataclass(frozen=True)
class _Product:
    name: str
    weight: float
    terms: tuple[int, ...]  # months
    median_yuan: float
    sigma: float
    min_yuan: int
    max_yuan: int
    round_yuan: int
    rate_bp: tuple[int, int]  # yearly, basis points
    hazard: float  # monthly chance that a current loan misses its due date
    is_secured: bool  # a vehicle or machine that can be repossessed
    is_consumer: bool  # written off sooner, worked by agencies rather than lawyers


# Consumer loans of thousands to tens of thousands of yuan, cars tens of thousands, business
# and equipment loans hundreds of thousands (DOMAIN.md): no mortgages.
_PRODUCTS = [
    _Product("个人消费贷", 0.52, (6, 12, 24), 12_000, 0.7, 1_000, 100_000, 100, (720, 1800),
             0.036, False, True),
    _Product("车贷", 0.18, (24, 36, 60), 80_000, 0.4, 20_000, 300_000, 1_000, (450, 900),
             0.024, True, True),
    _Product("经营贷", 0.12, (12, 24, 36), 200_000, 0.6, 30_000, 2_000_000, 10_000, (380, 650),
             0.026, False, False),
    _Product("小微企业信用贷", 0.12, (12, 24), 100_000, 0.5, 20_000, 500_000, 5_000,
             (420, 800), 0.032, False, False),
    _Product("设备融资租赁", 0.06, (24, 36, 48), 400_000, 0.6, 80_000, 3_000_000, 10_000,
             (600, 1000), 0.03, True, False),
]  # fmt: skip

# Teams: indices 0-2 phone, 3-8 the branches' field teams (3 + branch), 9 legal, 10-11 agencies.
_PHONE_TEAMS = ["总部电催一组", "总部电催二组", "总部电催三组"]
_FIELD_TEAMS = [branch[:2] + "分行外访组" for branch, _ in _BRANCHES]
_LEGAL_TEAM = "总部法务组"
_AGENCIES = ["华信资产管理", "中诚资产管理"]
_TEAMS = _PHONE_TEAMS + _FIELD_TEAMS + [_LEGAL_TEAM] + ["委外-" + a for a in _AGENCIES]
_TEAM_TYPES = ["电催"] * 3 + ["外访"] * 6 + ["法务"] + ["委外"] * 2
_TEAM_SIZES = [10, 10, 8, 5, 5, 4, 4, 3, 3, 4, 6, 5]
_VISIT_QUOTAS = [None] * 3 + [25, 25, 20, 30, 25, 20] + [None] * 3
_FIRST_FIELD_TEAM, _LEGAL, _FIRST_AGENCY = 3, 9, 10
_PHONE_KIND, _FIELD_KIND, _LEGAL_KIND, _AGENCY_KIND = range(4)
_TEAM_KIND = np.array([_PHONE_KIND] * 3 + [_FIELD_KIND] * 6 + [_LEGAL_KIND] + [_AGENCY_KIND] * 2)
_TEAM_LEVEL = np.minimum(_TEAM_KIND, 2)  # as _stage_level: legal and agencies come last
# Where a case goes as it ages (days past due): phone team, field team, legal or agency.
_FIELD_FROM_DPD, _LATE_FROM_DPD = 31, 181

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺"
    "顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_MALE_GIVEN = "伟强磊军洋勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林欢阳建国峰亮成志海东文"
_FEMALE_GIVEN = "芳娜敏静丽艳娟霞燕玲婷雪慧琳颖倩洁琴云莉兰萍红梅玉英华秀晶佳欣怡婧雯"

_MOBILE_PREFIXES = [
    130,
    131,
    132,
    133,
    134,
    135,
    136,
    137,
    138,
    139,
    150,
    151,
    152,
    153,
    155,
    156,
    157,
    158,
] + [159, 166, 173, 175, 176, 177, 178, 180, 181, 182, 183, 185, 186, 187, 188, 189, 191, 199]
_GARBAGE_PHONES = ["无", "暂无", "-", "/", "0", "不详", "123"]

# Methods, outcomes and relations: codes are list positions; the Chinese lists hold the
# spellings seen in exports (the first is the usual one).
_SMS, _PHONE, _LETTER, _LAWYER_LETTER, _EMAIL, _VISIT, _LEGAL_ACTION, _AGENCY, _REPO, _OTHER = (
    range(10)
)
_METHOD_EN = [
    "sms", "phone", "letter", "lawyer_letter", "email", "visit", "legal", "agency",
    "repossession", "other",
]  # fmt: skip
_METHOD_ZH = [
    ["短信"], ["电话", "电催"], ["信函"], ["律师函"], ["邮件"], ["上门", "外访"], ["诉讼", "司法"],
    ["委外"], ["拖车"], ["其他"],
]  # fmt: skip
# The methods each kind of team works with (rows as _PHONE_KIND...; columns as _METHOD_EN):
# a phone team does not visit, sue or place with an agency; an agency does not sue.
_METHODS_OF_TEAM_KIND = np.array([
    [1, 1, 1, 0, 1, 0, 0, 0, 0, 1],
    [1, 1, 1, 1, 1, 1, 0, 0, 1, 1],
    [1, 1, 1, 1, 1, 0, 1, 0, 1, 1],
    [1, 1, 1, 0, 1, 1, 0, 1, 1, 1],
], bool)  # fmt: skip
(_CONNECTED, _NO_ANSWER, _BUSY, _REJECTED, _POWERED_OFF, _SUSPENDED, _INVALID, _WRONG,
 _DELIVERED, _UNDELIVERABLE, _MET, _NOT_FOUND) = range(12)  # fmt: skip
_OUTCOME_EN = [
    "connected", "no_answer", "busy", "rejected", "powered_off", "suspended", "invalid_number",
    "wrong_number", "delivered", "undeliverable", "met", "not_found",
]  # fmt: skip
_OUTCOME_ZH = [
    ["接通"], ["无人接听"], ["占线"], ["拒接"], ["关机"], ["停机"], ["空号"], ["错号", "非本人"],
    ["已送达"], ["退回"], ["见面"], ["未找到"],
]  # fmt: skip
_SELF, _SPOUSE, _FAMILY, _GUARANTOR, _COLLEAGUE, _OTHER_REL = range(6)
_RELATION_EN = ["self", "spouse", "family", "guarantor", "colleague", "other"]
_RELATION_ZH = ["本人", "配偶", "亲属", "担保人", "同事", "其他"]

_CLASS_EN = ["normal", "special_mention", "substandard", "doubtful", "loss"]
_CLASS_ZH = ["正常", "关注", "次级", "可疑", "损失"]
_ACTIVE_ST, _SETTLED_ST, _WRITTEN_OFF_ST = range(3)
_STATUS_EN = ["active", "settled", "written_off"]
_STATUS_ZH = ["正常", "结清", "核销"]

_CHANNELS = ["银行卡代扣", "手机银行转账", "柜面还款", "微信还款", "支付宝还款", "网银转账"]
_CHANNEL_WEIGHTS = [0.36, 0.24, 0.1, 0.12, 0.1, 0.08]
_GUARANTOR_CHANNEL, _DISPOSAL_CHANNEL = "担保人代偿", "资产处置款"
_ALL_CHANNELS = _CHANNELS + [_GUARANTOR_CHANNEL, _DISPOSAL_CHANNEL]

# Stages of a case within a month: 0 missed this month's due date, 1-6 that many instalments
# overdue at the start of the month (M1-M6), 7 more (M7+).
_STAGES = 8
# Expected actions per case and month, by stage (rows) and method (columns, as _METHOD_EN).
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
_CONNECT_GOOD_NUMBER = np.array([0.72, 0.7, 0.64, 0.6, 0.56, 0.54, 0.52, 0.45])
_VISIT_MET = np.array([0.5, 0.45, 0.42, 0.36, 0.3, 0.3, 0.28, 0.2])
_PROMISE_SHARE = np.array([0.35, 0.45, 0.4, 0.35, 0.3, 0.3, 0.25, 0.2])
# Chances, per month, by stage: cure (pay everything due), pay one instalment, pay a token
# amount, settle at a discount. Stage 0 "cure" is paying within the month.
_CURE = np.array([0.6, 0.33, 0.18, 0.1, 0.06, 0.05, 0.04, 0.015])
_PARTIAL = np.array([0.0, 0.1, 0.1, 0.08, 0.06, 0.05, 0.05, 0.03])
_TOKEN = np.array([0.0, 0.04, 0.05, 0.05, 0.05, 0.05, 0.05, 0.04])
_LUMP = np.array([0.0, 0.0, 0.0, 0.005, 0.01, 0.01, 0.01, 0.008])
_PREPAY = 0.004
_MAX_AGE_MONTHS = 96  # oldest loans on the book at the start
_ROLL, _CURE_T, _PARTIAL_T, _TOKEN_T, _LUMP_T, _DISPOSAL_T, _WRITE_OFF_T = range(7)

# Note templates by situation: (text before, filler, text after); filler 1 a person's name,
# 2 a mobile number, 3 the agency's name. The share is how many such actions carry a note.
_NOTES: dict[str, tuple[float, list[tuple[str, int, str]]]] = {
    "sms": (0.05, [("逾期提醒短信已发送", 0, ""), ("还款提醒", 0, "")]),
    "reached self": (0.7, [
        ("本人接听，称近期资金紧张，月底前筹款", 0, ""),
        ("本人接听，称已失业，暂无还款能力", 0, ""),
        ("本人接听，对产品有异议，拒绝还款", 0, ""), ("本人接听，态度强硬，挂断电话", 0, ""),
        ("本人接听，称生意周转困难，下月回款后处理", 0, ""),
        ("本人接听，已告知逾期后果及征信影响", 0, ""), ("本人称已还款，核实未入账", 0, ""),
        ("本人接听，提供新联系电话", 2, ""),
    ]),
    "reached family": (0.7, [
        ("家属接听，表示会转告本人", 0, ""), ("家属接听，称借款人在外地务工", 0, ""),
        ("家属接听，称借款人住院，暂无法还款", 0, ""), ("家属接听，提供借款人新号码", 2, ""),
    ]),
    "promise self": (1.0, [
        ("客户承诺按期还款", 0, ""), ("本人承诺发工资后还款", 0, ""),
        ("客户承诺先还部分，余款下月结清", 0, ""), ("客户承诺还款，要求不要联系其家人", 0, ""),
    ]),
    "promise family": (1.0, [("家属代为承诺还款", 0, ""), ("家属表示会督促本人按时还款", 0, "")]),
    "third party": (0.8, [
        ("联系人", 1, "接听，表示会转告借款人"), ("第三方接听，称不认识借款人", 0, ""),
        ("联系人", 1, "称与借款人已无来往"),
    ]),
    "no answer": (0.3, [
        ("无人接听", 0, ""), ("多次拨打无人接听", 0, ""), ("晚间再拨仍无人接听", 0, ""),
    ]),
    "busy": (0.3, [("占线", 0, ""), ("持续占线", 0, "")]),
    "rejected": (0.3, [("响铃后被挂断", 0, ""), ("拒接", 0, "")]),
    "powered off": (0.3, [("关机", 0, ""), ("连续三天关机", 0, "")]),
    "suspended": (0.3, [("提示停机", 0, ""), ("号码已停机", 0, "")]),
    "invalid": (0.6, [
        ("空号", 0, ""), ("提示号码不存在", 0, ""), ("空号，经亲属获取新号码", 2, ""),
    ]),
    "wrong": (0.6, [("号码错误，非本人", 0, ""), ("接听人称不认识", 1, "")]),
    "met": (0.9, [
        ("上门见到本人，告知逾期后果", 0, ""), ("在经营场所见到本人，称下月还款", 0, ""),
        ("上门见到本人，签署还款承诺书", 0, ""),
    ]),
    "not found": (0.9, [
        ("上门未见到本人，邻居称已搬走", 0, ""), ("地址无人居住", 0, ""), ("单位称", 1, "已离职"),
        ("大门紧锁，已张贴催收通知", 0, ""), ("户籍地址查无此人", 0, ""),
    ]),
    "letter": (0.4, [("催收函已寄出", 0, ""), ("催收函被退回，地址不详", 0, "")]),
    "lawyer letter": (0.6, [("律师函已寄送至户籍地址", 0, ""), ("律师函已寄送至单位地址", 0, "")]),
    "legal": (1.0, [
        ("已向法院提起诉讼", 0, ""), ("已申请财产保全", 0, ""), ("已立案，等待开庭", 0, ""),
        ("已取得判决，申请强制执行", 0, ""), ("法院公告送达中", 0, ""),
    ]),
    "agency": (1.0, [
        ("委外至", 3, ""), ("委外机构反馈：客户失联", 0, ""),
        ("委外机构反馈：与", 1, "协商分期还款"),
    ]),
    "repossession": (1.0, [
        ("车辆已收回，入库待处置", 0, ""), ("未找到车辆", 0, ""), ("设备已收回，待评估", 0, ""),
        ("GPS定位失效，未找到抵押物", 0, ""),
    ]),
    "other": (0.5, [("邮件提醒已发送", 0, ""), ("客户来访，已告知欠款情况", 0, "")]),
}  # fmt: skip
_NOTE = {name: code for code, name in enumerate(_NOTES)}
# Cost, in yuan, when a row carries one: (low, high) by method; most rows leave it blank.
_COST_RANGE = {
    _LAWYER_LETTER: (100, 300), _VISIT: (60, 220), _LEGAL_ACTION: (1500, 8000),
    _AGENCY: (200, 600), _REPO: (1500, 4000),
}  # fmt: skip
_COST_SHARE = 0.12

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

# ---------------------------------------------------------------------------------------------
# Entry point


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
    calendar = _Calendar(end_month, months)

    written = [_write_teams(out_dir / "teams.xlsx", seed, calendar.created)]
    report("teams", 1, 1)
    book = _build_book(np.random.default_rng([seed, 0]), loans, months, calendar)
    customers, contacts = _build_customers(np.random.default_rng([seed, 1]), book, calendar)
    written.append(_write_contacts(out_dir / "contacts.csv", customers, contacts, seed, report))
    pools = _NotePools.build(np.random.default_rng([seed, 2]))
    state = _State.start(book)
    counters = _Counters()
    opening_cases = _opening_cases(book, state, calendar, counters)
    opening = _opening_snapshot(state)
    opening_layout = _Layout.of(-1, months)
    written.append(
        _write_loans(
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
        _write_assignments(
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
        month = _simulate_month(book, customers, contacts, state, k, calendar, counters, rng)
        layout = _Layout.of(k, months)
        bad_rng = np.random.default_rng([seed, 4, k])
        written.append(_write_loans(out_dir, book, customers, month, layout, calendar, bad_rng))
        written.append(
            _write_actions(
                out_dir, book, contacts, month, layout, calendar, pools, counters, bad_rng
            )
        )
        written.append(_write_payments(out_dir, book, month, layout, calendar, counters, bad_rng))
        written.append(
            _write_assignments(
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


# ---------------------------------------------------------------------------------------------
# Calendar and the loan book


class _Calendar:
    """Month arithmetic on day numbers (days since 1970-01-01) for the window's months."""

    def __init__(self, end_month: str, months: int) -> None:
        self.months = months
        self.first_month = np.datetime64(end_month, "M") - (months - 1)
        idx = np.arange(months)
        self.month_start = self.day_of(idx, 1)
        self.month_end = (self.first_month + idx + 1).astype("datetime64[D]").astype(np.int64) - 1
        self.label = [self.label_of(k) for k in idx]
        last = np.datetime64(int(self.month_end[-1]), "D").astype(datetime)
        self.created = datetime(last.year, last.month, last.day, 18, 0, 0)

    def end_of(self, month: int) -> int:
        """Day number of the last day of `month` (months after the window's first; -1 is the
        month before the window)."""
        return int(self.day_of(month + 1, 1)) - 1

    def label_of(self, month: int) -> str:
        return str(self.first_month + month)

    def day_of(self, month: np.ndarray | int, day: np.ndarray | int) -> np.ndarray:
        """Day number of `day` in `month` (months after the window's first; may be negative)."""
        first = (self.first_month + np.asarray(month)).astype("datetime64[D]").astype(np.int64)
        return first + np.asarray(day) - 1


@dataclass
class _Book:
    """What never changes about each loan: one array element per loan."""

    loan_id: pl.Series
    customer: np.ndarray
    product: np.ndarray
    branch: np.ndarray
    term: np.ndarray
    principal: np.ndarray  # cents
    repaid_per_instalment: np.ndarray  # principal part of an instalment, cents
    instalment: np.ndarray  # principal and interest, cents
    interest: np.ndarray  # interest part of an instalment, cents
    due_day: np.ndarray
    disbursed_month: np.ndarray  # relative to the window's first month
    disbursed_on: np.ndarray  # day number
    hazard: np.ndarray
    initial_paid: np.ndarray
    is_neglected: np.ndarray  # nobody ever works the case
    is_serial_promiser: np.ndarray
    is_big: np.ndarray  # goes to the legal team, not to an agency, when it ages
    key: np.ndarray  # spreads loans over teams and collectors


def _build_book(rng: np.random.Generator, n: int, months: int, cal: _Calendar) -> _Book:
    products = _PRODUCTS
    # The book holds loans in proportion to product weight; the monthly flow of new loans
    # leans to short terms, since a book holds each loan for its whole term. With as many
    # loans arriving each month as fall due for the last time, the book keeps its size.
    pair_product = np.array([code for code, p in enumerate(products) for _ in p.terms])
    pair_term = np.array([t for p in products for t in p.terms])
    in_book = np.array([p.weight / len(p.terms) for p in products for _ in p.terms])
    in_book /= in_book.sum()
    flow = in_book / np.minimum(pair_term, _MAX_AGE_MONTHS)
    arrivals_per_month = flow.sum()
    new_share = arrivals_per_month * months / (1 + arrivals_per_month * months)
    is_new = rng.random(n) < new_share
    pair = np.where(
        is_new,
        rng.choice(len(pair_term), n, p=flow / flow.sum()),
        rng.choice(len(pair_term), n, p=in_book),
    )
    product, term = pair_product[pair], pair_term[pair].astype(np.int32)
    principal_yuan = np.zeros(n, np.int64)
    rate_bp = np.zeros(n, np.int64)
    for code, spec in enumerate(products):
        mask = product == code
        size = int(mask.sum())
        raw = spec.median_yuan * np.exp(spec.sigma * rng.standard_normal(size))
        rounded = np.round(np.clip(raw, spec.min_yuan, spec.max_yuan) / spec.round_yuan)
        principal_yuan[mask] = rounded.astype(np.int64) * spec.round_yuan
        rate_bp[mask] = rng.integers(spec.rate_bp[0], spec.rate_bp[1] + 1, size)
    principal = principal_yuan * 100
    repaid = principal // term
    interest = principal * rate_bp // 120_000
    branch = rng.choice(len(_BRANCHES), n, p=_BRANCH_WEIGHTS)
    n_customers = max(1, int(n * 0.9))
    customer = np.arange(n, dtype=np.int64)
    repeat = np.arange(n) >= n_customers
    customer[repeat] = rng.integers(0, n_customers, int(repeat.sum()))
    same_branch = repeat & (rng.random(n) < 0.9)
    branch[same_branch] = branch[customer[same_branch]]

    due_day = rng.integers(1, 28, n)  # never after the 27th: every month end is past it
    # Instalments due by the end of the month before the window.
    age = (rng.random(n) * np.minimum(term, _MAX_AGE_MONTHS)).astype(np.int64)
    disbursed_month = np.where(is_new, rng.integers(0, months, n), -1 - age)
    sigma = 0.8
    risk = np.exp(sigma * rng.standard_normal(n) - sigma**2 / 2)
    base_hazard = np.array([p.hazard for p in products])[product]
    hazard = np.clip(base_hazard * risk, 0.0, 0.6)
    missed = _initial_missed(rng, n)
    is_overdue = ~is_new & (rng.random(n) < np.clip(2.3 * hazard, 0.0, 0.6))
    missed = np.where(is_overdue, np.minimum(missed, age), 0)
    initial_paid = np.where(is_new, 0, age - missed)

    key = rng.integers(0, 2**31, n)
    is_big = (principal_yuan >= 300_000) | ~np.array([p.is_consumer for p in products])[product]
    disbursed_on = cal.day_of(disbursed_month, due_day)
    loan_id = _loan_ids(branch, disbursed_on)
    return _Book(
        loan_id=loan_id,
        customer=customer,
        product=product,
        branch=branch,
        term=term,
        principal=principal,
        repaid_per_instalment=repaid,
        instalment=repaid + interest,
        interest=interest,
        due_day=due_day,
        disbursed_month=disbursed_month,
        disbursed_on=disbursed_on,
        hazard=hazard,
        initial_paid=initial_paid.astype(np.int32),
        is_neglected=rng.random(n) < 0.06,
        is_serial_promiser=rng.random(n) < 0.15,
        is_big=is_big,
        key=key,
    )


def _initial_missed(rng: np.random.Generator, n: int) -> np.ndarray:
    """Instalments overdue at the start, for loans that are: a steady state's long tail."""
    values = np.arange(1, 25)
    head = [0.22, 0.12, 0.085, 0.06, 0.05, 0.045]
    weights = np.concatenate([head, 0.36 * 0.85 ** np.arange(18)])
    return rng.choice(values, n, p=weights / weights.sum())


def _loan_ids(branch: np.ndarray, disbursed_on: np.ndarray) -> pl.Series:
    codes = pl.Series([code for _, code in _BRANCHES]).gather(branch)
    dates = _dates(disbursed_on).dt.strftime("%Y%m%d")
    serial = pl.Series(np.arange(1, len(branch) + 1)).cast(pl.String).str.zfill(8)
    return _join(codes, dates, serial)


def _join(*parts: pl.Series | str) -> pl.Series:
    """Row-wise concatenation of string Series and constant strings."""
    columns = {f"p{i}": part for i, part in enumerate(parts) if isinstance(part, pl.Series)}
    pieces = [
        pl.lit(part) if isinstance(part, str) else pl.col(f"p{i}") for i, part in enumerate(parts)
    ]
    return pl.DataFrame(columns).select(pl.concat_str(pieces).alias("joined")).to_series()


@dataclass
class _Customers:
    customer_id: pl.Series
    name: pl.Series
    id_number: pl.Series
    home_city: np.ndarray
    contact_start: np.ndarray
    contact_count: np.ndarray


@dataclass
class _Contacts:
    """The numbers on file, one element per contacts.csv row, grouped by customer."""

    customer: np.ndarray
    phone: pl.Series  # as written in the file, malformed or not
    relation: np.ndarray
    state: np.ndarray  # 0 reachable, 1 dead, 2 suspended, 3 malformed, 4 not a number


def _build_customers(
    rng: np.random.Generator, book: _Book, cal: _Calendar
) -> tuple[_Customers, _Contacts]:
    n = int(book.customer.max()) + 1
    home_city = book.branch[:n].copy()  # branch i is in _CITIES[i]
    elsewhere = rng.random(n) < 0.15
    home_city[elsewhere] = rng.integers(0, len(_CITIES), int(elsewhere.sum()))
    is_male = rng.random(n) < 0.62
    name = _person_names(rng, is_male)
    id_number = _id_numbers(rng, home_city, is_male, int(cal.month_end[-1]))
    customer_id = pl.Series(np.arange(n) + 3_100_000_000).cast(pl.String)
    customer_id = _join("C", customer_id)
    contacts, start, count = _build_contacts(rng, home_city)
    customers = _Customers(customer_id, name, id_number, home_city, start, count)
    return customers, contacts


def _person_names(rng: np.random.Generator, is_male: np.ndarray) -> pl.Series:
    n = len(is_male)
    weights = 1.0 / (np.arange(len(_SURNAMES)) + 4.0)
    surname = pl.Series(list(_SURNAMES)).gather(
        rng.choice(len(_SURNAMES), n, p=weights / weights.sum())
    )
    male, female = pl.Series(list(_MALE_GIVEN)), pl.Series(list(_FEMALE_GIVEN))

    def given() -> pl.Series:
        m = male.gather(rng.integers(0, len(male), n))
        f = female.gather(rng.integers(0, len(female), n))
        return pl.select(pl.when(pl.lit(pl.Series(is_male))).then(m).otherwise(f)).to_series()

    first, second = given(), given()
    two_chars = pl.Series(rng.random(n) < 0.7)
    second = pl.select(pl.when(two_chars).then(second).otherwise(pl.lit(""))).to_series()
    return pl.select(pl.concat_str([surname, first, second])).to_series().alias("name")


def _id_numbers(
    rng: np.random.Generator, city: np.ndarray, is_male: np.ndarray, today: int
) -> pl.Series:
    """18-digit resident ID numbers with a valid check digit (GB 11643)."""
    n = len(city)
    region = np.zeros(n, np.int64)
    for code, (_, _, regions) in enumerate(_CITIES):
        mask = city == code
        region[mask] = np.array(regions, np.int64)[rng.integers(0, len(regions), int(mask.sum()))]
    born_elsewhere = rng.random(n) < 0.3
    region[born_elsewhere] = np.array(_HOMETOWN_REGIONS, np.int64)[
        rng.integers(0, len(_HOMETOWN_REGIONS), int(born_elsewhere.sum()))
    ]
    birth_day = today - rng.integers(22 * 365, 62 * 365, n)
    birth = _dates(birth_day)
    birth_num = (
        birth.dt.year().cast(pl.Int64) * 10_000
        + birth.dt.month().cast(pl.Int64) * 100
        + birth.dt.day().cast(pl.Int64)
    ).to_numpy()
    sequence = rng.integers(0, 500, n) * 2 + is_male  # odd for men, even for women
    body = region * 10**11 + birth_num * 1000 + sequence
    weights = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], np.int64)
    digits = (body[:, None] // 10 ** np.arange(16, -1, -1)) % 10
    check = pl.Series(list("10X98765432")).gather((digits @ weights) % 11)
    return pl.select(pl.concat_str([pl.Series(body).cast(pl.String), check])).to_series()


def _mobiles(rng: np.random.Generator, n: int) -> np.ndarray:
    prefix = np.array(_MOBILE_PREFIXES, np.int64)[rng.integers(0, len(_MOBILE_PREFIXES), n)]
    return prefix * 10**8 + rng.integers(0, 10**8, n)


def _build_contacts(
    rng: np.random.Generator, home_city: np.ndarray
) -> tuple[_Contacts, np.ndarray, np.ndarray]:
    n_customers = len(home_city)
    count = rng.choice([1, 2, 3, 4], n_customers, p=[0.05, 0.25, 0.45, 0.25])
    total = int(count.sum())
    customer = np.repeat(np.arange(n_customers), count)
    starts = np.cumsum(count) - count
    slot = np.arange(total) - np.repeat(starts, count)
    relation = np.where(
        slot == 0,
        _SELF,
        rng.choice(
            [_SPOUSE, _FAMILY, _GUARANTOR, _COLLEAGUE, _OTHER_REL], total,
            p=[0.3, 0.33, 0.17, 0.12, 0.08],
        ),
    )  # fmt: skip
    is_landline = (slot > 0) & (rng.random(total) < 0.25)
    relation = np.where(is_landline & (rng.random(total) < 0.3), _SELF, relation)
    city = home_city[customer]
    mobile = _mobiles(rng, total)
    local = rng.integers(20_000_000, 90_000_000, total)

    # How each number is written: 0 fine; malformed: 1 ten-digit mobile, 2 Wuhan landline with
    # seven digits, 3 landline without area code, 4 garbage, 5 bad mobile prefix, 6 12 digits.
    u = rng.random(total)
    fault = np.zeros(total, np.int8)
    fault[~is_landline & (u < 0.05)] = 1
    fault[~is_landline & (u >= 0.05) & (u < 0.06)] = 5
    fault[~is_landline & (u >= 0.06) & (u < 0.07)] = 6
    fault[is_landline & (city == _WUHAN) & (u < 0.45)] = 2
    fault[is_landline & (fault == 0) & (rng.random(total) < 0.3)] = 3
    fault[(slot > 0) & (rng.random(total) < 0.025)] = 4
    # Well-formed but dead or suspended: numbers change hands, debtors drop them.
    v = rng.random(total)
    state = np.where(fault > 0, 3, np.where(v < 0.13, 1, np.where(v < 0.2, 2, 0)))
    state = np.where(fault == 4, 4, state).astype(np.int8)
    style = rng.random(total)
    area = pl.Series([c[1] for c in _CITIES]).gather(city)
    frame = pl.DataFrame(
        {
            "mobile": pl.Series(mobile).cast(pl.String),
            "local": pl.Series(local).cast(pl.String),
            "area": area,
            "fault": fault,
            "is_landline": is_landline,
            "style": style,
            "garbage": pl.Series(_GARBAGE_PHONES).gather(
                rng.integers(0, len(_GARBAGE_PHONES), total)
            ),
            "digit": pl.Series(rng.integers(0, 10, total)).cast(pl.String),
        }
    )
    mob, loc, ar, st = pl.col("mobile"), pl.col("local"), pl.col("area"), pl.col("style")
    landline = (
        pl.when(st < 0.1)
        .then(pl.concat_str([ar, loc]))
        .when(st < 0.13)
        .then(pl.concat_str([pl.lit("("), ar, pl.lit(")"), loc]))
        .otherwise(pl.concat_str([ar, pl.lit("-"), loc]))
    )
    mobile_text = (
        pl.when(st < 0.03)
        .then(pl.concat_str([mob.str.slice(0, 3), mob.str.slice(3, 4), mob.str.slice(7, 4)],
                            separator=" "))
        .when(st < 0.05)
        .then(pl.concat_str([pl.lit("+86 "), mob]))
        .otherwise(mob)
    )  # fmt: skip
    fault_col = pl.col("fault")
    phone = (
        pl.when(fault_col == 1)
        .then(mob.str.slice(0, 10))
        .when(fault_col == 2)
        .then(pl.concat_str([ar, pl.lit("-"), loc.str.slice(0, 7)]))
        .when(fault_col == 3)
        .then(loc)
        .when(fault_col == 4)
        .then(pl.col("garbage"))
        .when(fault_col == 5)
        .then(pl.concat_str([pl.lit("12"), mob.str.slice(2, 9)]))
        .when(fault_col == 6)
        .then(pl.concat_str([mob, pl.col("digit")]))
        .when(pl.col("is_landline"))
        .then(landline)
        .otherwise(mobile_text)
    )
    phones = frame.select(phone.alias("phone")).to_series()
    del frame

    # Duplicates: the same number entered twice, from two systems or two loans.
    dup = rng.random(total) < 0.03
    order = np.repeat(np.arange(total), 1 + dup)
    customer, relation, state = customer[order], relation[order], state[order]
    phones = phones.gather(order)
    count = np.bincount(customer, minlength=n_customers)
    starts = np.cumsum(count) - count
    contacts = _Contacts(customer, phones, relation.astype(np.int8), state)
    return contacts, starts, count


# ---------------------------------------------------------------------------------------------
# The monthly simulation


@dataclass
class _OpenCases:
    """Each loan's case held at the last month end, one element per loan (team -1: none)."""

    case_id: np.ndarray
    team: np.ndarray
    assigned_on: np.ndarray
    amount: np.ndarray  # cents
    days_past_due: np.ndarray  # at placement

    @classmethod
    def none(cls, n: int) -> _OpenCases:
        return cls(*(np.full(n, -1, np.int64) for _ in range(5)))

    def set(self, loan: np.ndarray, rows: _CaseRows, held: np.ndarray) -> None:
        """Forget the cases of `loan`; keep those of `rows` still held (`held`)."""
        self.team[loan] = -1
        kept = rows.loan[held]
        self.case_id[kept] = rows.case_id[held]
        self.team[kept] = rows.team[held]
        self.assigned_on[kept] = rows.assigned_on[held]
        self.amount[kept] = rows.amount[held]
        self.days_past_due[kept] = rows.days_past_due[held]


@dataclass
class _State:
    paid: np.ndarray  # instalments paid
    status: np.ndarray  # 0 not yet disbursed, 1 on the book, 2 gone
    cases: _OpenCases
    broken_promises: np.ndarray  # promises made and not kept so far

    @classmethod
    def start(cls, book: _Book) -> _State:
        n = len(book.term)
        status = np.where(book.disbursed_month < 0, 1, 0).astype(np.int8)
        return cls(book.initial_paid.copy(), status, _OpenCases.none(n), np.zeros(n, np.int64))


@dataclass
class _CaseRows:
    """Cases (分案) as a month's assignments file lists them: every case that held its loan
    on some day of the month, with its end as known at the month end (-1: still held)."""

    case_id: np.ndarray
    loan: np.ndarray
    team: np.ndarray
    assigned_on: np.ndarray  # day number
    ended_on: np.ndarray  # the first day no longer held, -1 still held
    amount: np.ndarray  # cents
    days_past_due: np.ndarray  # at placement
    is_listed: np.ndarray  # in the month's file: placed or ended in the month


@dataclass
class _Holders:
    """Who holds each case loan on which days of a month: one row per stretch of days."""

    loan: np.ndarray
    start: np.ndarray  # day number
    stop: np.ndarray  # the first day after
    team: np.ndarray


@dataclass
class _Actions:
    loan: np.ndarray
    method: np.ndarray
    at: np.ndarray  # seconds since 1970-01-01, local time
    team: np.ndarray
    collector: np.ndarray
    contact: np.ndarray  # row of the contacts table, -1 none
    relation: np.ndarray  # -1 none
    outcome: np.ndarray  # -1 none
    promised: np.ndarray  # cents, -1 none
    promised_on: np.ndarray  # day number
    cost: np.ndarray  # cents, -1 none
    note_group: np.ndarray  # situation for the note, -1 none


@dataclass
class _Payments:
    loan: np.ndarray
    day: np.ndarray
    amount: np.ndarray  # cents, negative for a reversal
    channel: np.ndarray


@dataclass
class _Snapshot:
    k: int  # month of the window, -1 for the month before it
    snapshot_loans: np.ndarray
    paid: np.ndarray
    status: np.ndarray  # _ACTIVE_ST, _SETTLED_ST or _WRITTEN_OFF_ST
    team: np.ndarray  # holding the loan's case on the snapshot date, -1 none


@dataclass
class _Month(_Snapshot):
    actions: _Actions
    payments: _Payments
    cases: _CaseRows


def _opening_snapshot(state: _State) -> _Snapshot:
    """The book at the end of the month before the window: the loans on it, as they start."""
    loans = np.flatnonzero(state.status == 1)
    active = np.full(len(loans), _ACTIVE_ST, np.int8)
    return _Snapshot(-1, loans, state.paid[loans], active, state.cases.team[loans])


def _simulate_month(
    book: _Book,
    customers: _Customers,
    contacts: _Contacts,
    state: _State,
    k: int,
    cal: _Calendar,
    counters: _Counters,
    rng: np.random.Generator,
) -> _Month:
    n = len(book.term)
    start, end = int(cal.month_start[k]), int(cal.month_end[k])
    d, term = book.disbursed_month, book.term
    on_book = state.status == 1
    due_before = np.clip(k - 1 - d, 0, term)
    due_now = np.clip(k - d, 0, term)
    missed_before = due_before - state.paid
    falls_due = due_now > due_before
    current = on_book & (missed_before == 0)
    u = rng.random(n)
    late = current & falls_due & (u < book.hazard)
    on_time = current & falls_due & ~late
    prepaid = current & ~late & (rng.random(n) < _PREPAY) & (due_now < term)
    overdue = on_book & (missed_before > 0)

    case_loan = np.concatenate([np.flatnonzero(late), np.flatnonzero(overdue)])
    stage = np.minimum(missed_before[case_loan], _STAGES - 1)
    oldest_due = _oldest_unpaid_due(book, case_loan, state.paid[case_loan], cal)
    window_start = np.maximum(oldest_due + 1, start)  # late this month: from the day after
    held_by = state.cases.team[case_loan]
    floor_level = np.where(held_by >= 0, _TEAM_LEVEL[np.maximum(held_by, 0)], 0)
    visit_targets = _visit_targets(rng)
    actions, first_effective = _case_actions(
        rng, book, customers, contacts, case_loan, stage, window_start, oldest_due,
        floor_level, visit_targets, end,
    )  # fmt: skip

    outcome = _transitions(rng, book, case_loan, stage, missed_before, first_effective, actions)
    pay_day = _pay_days(rng, outcome, stage, window_start, end, first_effective)
    # A loan late this month that would pay after the month end is still late at month end.
    outcome[(stage == 0) & (outcome == _CURE_T) & (pay_day > end)] = _ROLL
    pay_day = np.minimum(pay_day, end)
    actions = _drop_after_settling(actions, case_loan, outcome, pay_day)

    amount = _payment_amounts(rng, book, case_loan, outcome, due_now, state.paid)
    _add_promises(rng, book, actions, case_loan, stage, outcome, pay_day, amount, due_now, state)
    reminders = _reminders(rng, book, customers, contacts, on_time, k, cal)
    payments = _payment_rows(rng, case_loan, stage, outcome, window_start, pay_day, amount, end)

    # New state at the month end.
    paid = state.paid.copy()
    paid[on_time] += 1
    cured = case_loan[outcome == _CURE_T]
    paid[cured] = due_now[cured]
    paid[case_loan[outcome == _PARTIAL_T]] += 1
    closed = case_loan[(outcome == _LUMP_T) | (outcome == _DISPOSAL_T)]
    paid[closed] = term[closed]
    paid[prepaid] = term[prepaid]
    month_status = np.full(n, _ACTIVE_ST, np.int8)
    month_status[case_loan[outcome == _WRITE_OFF_T]] = _WRITTEN_OFF_ST
    month_status[(paid >= term) & on_book] = _SETTLED_ST
    arriving = (state.status == 0) & (d == k)
    snapshot = np.flatnonzero(on_book | arriving)
    paths = _LatePaths.of(book, state, k, cal, case_loan, outcome, pay_day, payments, paid)
    holders, cases = _month_cases(book, state, paths, cal, counters)
    actions = _within_visit_targets(rng, _actions_of_holders(book, actions, holders), visit_targets)
    actions = _concat_actions([actions, reminders])
    state.paid = paid
    state.status[arriving] = 1
    state.status[month_status != _ACTIVE_ST] = 2
    status = month_status[snapshot]
    team = np.where(
        status == _WRITTEN_OFF_ST, _late_team(book, snapshot), state.cases.team[snapshot]
    )
    return _Month(k, snapshot, paid[snapshot], status, team, actions, payments, cases)


def _days_to_weekdays(rng: np.random.Generator, day: np.ndarray, keep_weekend: float) -> np.ndarray:
    """Move most weekend days to the nearest Friday or Monday."""
    dow = (day + 3) % 7  # 1970-01-01 was a Thursday; 0 is Monday
    move = (dow >= 5) & (rng.random(len(day)) >= keep_weekend)
    return np.where(move & (dow == 5), day - 1, np.where(move & (dow == 6), day + 1, day))


def _seconds_of_day(
    rng: np.random.Generator, n: int, spans: list[tuple[str, str, float]]
) -> np.ndarray:
    def secs(hhmm: str) -> int:
        hours, minutes = hhmm.split(":")
        return int(hours) * 3600 + int(minutes) * 60

    low = np.array([secs(a) for a, _, _ in spans])
    high = np.array([secs(b) for _, b, _ in spans])
    weights = np.array([w for _, _, w in spans])
    span = rng.choice(len(spans), n, p=weights / weights.sum())
    return low[span] + (rng.random(n) * (high[span] - low[span])).astype(np.int64)


_CALL_HOURS = [
    ("08:00", "09:00", 0.02), ("09:00", "11:45", 0.38), ("11:45", "14:00", 0.12),
    ("14:00", "17:30", 0.38), ("17:30", "20:30", 0.1),
]  # fmt: skip
_SMS_HOURS = [("09:00", "09:10", 0.75), ("14:30", "14:40", 0.25)]
_VISIT_HOURS = [("09:00", "11:45", 0.45), ("11:45", "14:00", 0.05), ("14:00", "17:45", 0.5)]
_OFFICE_HOURS = [("09:00", "11:45", 0.5), ("14:00", "17:30", 0.5)]


def _call_factor(seconds: np.ndarray) -> np.ndarray:
    """How much likelier a call is to be answered at this time of day than on average."""
    hour = seconds / 3600
    return np.select(
        [(hour >= 11.75) & (hour < 14), (hour >= 15) & (hour < 16.5), hour >= 17.5, hour < 9],
        [0.55, 1.2, 1.15, 0.9],
        1.0,
    )


def _case_actions(
    rng: np.random.Generator,
    book: _Book,
    customers: _Customers,
    contacts: _Contacts,
    case_loan: np.ndarray,
    stage: np.ndarray,
    window_start: np.ndarray,
    oldest_due: np.ndarray,
    floor_level: np.ndarray,
    visit_targets: np.ndarray,
    end: int,
) -> tuple[_Actions, np.ndarray]:
    """Actions on the month's cases, and each case's first effective contact (day, or a big
    number when none). Each is made by the team the case is with on its day (as long as
    nothing is paid in the month): methods that team does not work with are not used."""
    n_cases = len(case_loan)
    intensity = rng.gamma(2.0, 0.5, n_cases) * ~book.is_neglected[case_loan]
    product = book.product[case_loan]
    is_secured = np.array([p.is_secured for p in _PRODUCTS])[product]
    is_big = book.is_big[case_loan]
    scale = np.ones((n_cases, len(_METHOD_EN)))
    scale[:, _REPO] = is_secured
    scale[:, _LEGAL_ACTION] = np.where(is_big, 2.0, 0.3)
    scale[:, _AGENCY] = np.where(is_big, 0.3, 2.0)
    lam = _ACTIONS_PER_MONTH[stage] * scale * intensity[:, None]
    counts = rng.poisson(lam).ravel()  # case after case, method after method
    n_methods = len(_METHOD_EN)
    case = np.repeat(np.repeat(np.arange(n_cases), n_methods), counts)
    method = np.repeat(np.tile(np.arange(n_methods), n_cases), counts)
    m = len(case)
    lo, hi = window_start[case], end
    day = lo + (rng.random(m) * (hi - lo + 1)).astype(np.int64)
    is_desk = method != _SMS
    day = np.where(is_desk, _days_to_weekdays(rng, day, 0.3), day)
    day = np.clip(day, lo, hi)
    # Field collectors pad their visit counts in the month's last days (DOMAIN.md).
    is_visit = method == _VISIT
    padded = is_visit & (rng.random(m) < 0.2)
    day = np.where(padded, np.maximum(lo, end - rng.integers(0, 4, m)), day)
    level = np.maximum(_stage_level(day - oldest_due[case]), floor_level[case])
    team = _team_at_level(book, case_loan[case], level)
    # Field teams' visits follow their collectors' quotas rather than the cases' needs.
    kept = _can_act(team, method) & ~((method == _VISIT) & (_TEAM_KIND[team] == _FIELD_KIND))
    visits = _field_visits(rng, book, case_loan, intensity, window_start, oldest_due, floor_level,
                           visit_targets, end)  # fmt: skip
    case = np.concatenate([case[kept], visits.case])
    method = np.concatenate([method[kept], np.full(len(visits.case), _VISIT)])
    day = np.concatenate([day[kept], visits.day])
    padded = np.concatenate([padded[kept], visits.padded])
    team = np.concatenate([team[kept], visits.team])
    m = len(case)
    loan = case_loan[case]
    case_stage = stage[case]
    is_visit = method == _VISIT

    seconds = np.select(
        [method == _PHONE, method == _SMS, is_visit],
        [
            _seconds_of_day(rng, m, _CALL_HOURS),
            _seconds_of_day(rng, m, _SMS_HOURS),
            _seconds_of_day(rng, m, _VISIT_HOURS),
        ],
        _seconds_of_day(rng, m, _OFFICE_HOURS),
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
    is_phone = method == _PHONE
    is_sms = method == _SMS
    contact[is_phone] = (first + slot)[is_phone]
    contact[is_sms] = first[is_sms]
    relation[is_phone | is_sms] = contacts.relation[contact[is_phone | is_sms]]

    phone_rows = np.flatnonzero(is_phone)
    outcome[phone_rows] = _call_outcomes(
        rng, contacts.state[contact[phone_rows]], case_stage[phone_rows], seconds[phone_rows]
    )
    sms_rows = np.flatnonzero(is_sms)
    outcome[sms_rows] = np.where(contacts.state[contact[sms_rows]] != 0, _UNDELIVERABLE, _DELIVERED)
    letter_rows = np.flatnonzero((method == _LETTER) | (method == _LAWYER_LETTER))
    outcome[letter_rows] = np.where(rng.random(len(letter_rows)) < 0.82, _DELIVERED, _UNDELIVERABLE)
    relation[letter_rows] = _SELF
    visit_rows = np.flatnonzero(is_visit)
    met_share = np.where(padded[visit_rows], 0.05, _VISIT_MET[case_stage[visit_rows]])
    outcome[visit_rows] = np.where(rng.random(len(visit_rows)) < met_share, _MET, _NOT_FOUND)
    relation[visit_rows] = np.where(outcome[visit_rows] == _MET, _SELF, -1)
    email_rows = np.flatnonzero(method == _EMAIL)
    outcome[email_rows] = _DELIVERED

    is_effective = (is_phone & (outcome == _CONNECTED) & (relation <= _FAMILY)) | (outcome == _MET)
    first_effective = np.full(n_cases, np.iinfo(np.int64).max // 4, np.int64)
    np.minimum.at(first_effective, case[is_effective], day[is_effective])

    cost = np.full(m, -1, np.int64)
    for code, (low, high) in _COST_RANGE.items():
        rows = np.flatnonzero((method == code) & (rng.random(m) < _COST_SHARE))
        cost[rows] = rng.integers(low, high + 1, len(rows)) * 100 + 50 * (
            rng.random(len(rows)) < 0.2
        )
    actions = _Actions(
        loan=loan,
        method=method.astype(np.int64),
        at=day * _SECONDS_PER_DAY + seconds,
        team=team,
        collector=_case_collector(book, loan, team),
        contact=contact,
        relation=relation,
        outcome=outcome,
        promised=np.full(m, -1, np.int64),
        promised_on=np.zeros(m, np.int64),
        cost=cost,
        note_group=np.full(m, -1, np.int64),
    )
    return actions, first_effective


@dataclass
class _Visits:
    case: np.ndarray
    day: np.ndarray
    padded: np.ndarray  # made in the month's last days to meet the quota
    team: np.ndarray


_VISITS_OFFERED = 3.0  # visits a month a worked case could take, for collectors to choose from
_SHORT_OF_QUOTA = 0.15  # collectors who fall well short in a month
_VISITS_TO_SPARE = 1.5


def _field_visits(
    rng: np.random.Generator,
    book: _Book,
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
    needless (_within_visit_targets cuts the rest), and none more than its cases allow (a
    small book's collectors fall short)."""
    n = len(case_loan)
    case = np.repeat(np.arange(n), rng.poisson(_VISITS_OFFERED * (intensity > 0)))
    lo = window_start[case]
    day = lo + (rng.random(len(case)) * (end - lo + 1)).astype(np.int64)
    day = np.clip(_days_to_weekdays(rng, day, 0.3), lo, end)
    level = np.maximum(_stage_level(day - oldest_due[case]), floor_level[case])
    team = _team_at_level(book, case_loan[case], level)
    field = _TEAM_KIND[team] == _FIELD_KIND
    case, day, team, lo = case[field], day[field], team[field], lo[field]
    collector = _case_collector(book, case_loan[case], team)
    order = np.lexsort((rng.random(len(case)), collector))
    by_collector = collector[order]
    rank = np.arange(len(order)) - np.searchsorted(by_collector, by_collector)
    made = np.sort(order[rank < _VISITS_TO_SPARE * targets[by_collector]])
    padded = rng.random(len(made)) < 0.2
    last_days = np.maximum(lo[made], end - rng.integers(0, 4, len(made)))
    return _Visits(case[made], np.where(padded, last_days, day[made]), padded, team[made])


def _within_visit_targets(
    rng: np.random.Generator, actions: _Actions, targets: np.ndarray
) -> _Actions:
    """Each field collector's visits of the month cut to the number they meant to make."""
    is_field_visit = (actions.method == _VISIT) & (_TEAM_KIND[actions.team] == _FIELD_KIND)
    visit = np.flatnonzero(is_field_visit)
    order = np.lexsort((rng.random(len(visit)), actions.collector[visit]))
    by_collector = actions.collector[visit][order]
    rank = np.arange(len(order)) - np.searchsorted(by_collector, by_collector)
    kept = ~is_field_visit
    kept[visit[order[rank < targets[by_collector]]]] = True
    return _take_actions(actions, kept)


def _visit_targets(rng: np.random.Generator) -> np.ndarray:
    """Visits each collector means to make this month, about the team's quota, a few well
    short (0 outside field teams)."""
    team = np.repeat(np.arange(len(_TEAMS)), _TEAM_SIZES)
    quota = np.array([q or 0 for q in _VISIT_QUOTAS])[team]
    short = rng.random(len(team)) < _SHORT_OF_QUOTA
    share = np.where(short, rng.uniform(0.4, 0.75, len(team)), rng.uniform(0.9, 1.1, len(team)))
    return np.round(quota * share).astype(np.int64)


def _call_outcomes(
    rng: np.random.Generator, number_state: np.ndarray, stage: np.ndarray, seconds: np.ndarray
) -> np.ndarray:
    n = len(stage)
    u, v = rng.random(n), rng.random(n)
    connect = _CONNECT_GOOD_NUMBER[stage] * _call_factor(seconds)
    missed = np.select([v < 0.45, v < 0.57, v < 0.75], [_NO_ANSWER, _BUSY, _REJECTED], _POWERED_OFF)
    reachable = np.where(u < connect, np.where(v < 0.04, _WRONG, _CONNECTED), missed)
    dead = np.where(v < 0.65, _INVALID, _WRONG)
    suspended = np.where(v < 0.7, _SUSPENDED, _POWERED_OFF)
    return np.select([number_state == 0, number_state == 2], [reachable, suspended], dead)


def _late_team(book: _Book, loan: np.ndarray) -> np.ndarray:
    return np.where(book.is_big[loan], _LEGAL, _FIRST_AGENCY + (book.key[loan] // 3) % 2)


def _stage_level(days_past_due: np.ndarray) -> np.ndarray:
    """0 for M1 (a phone team), 1 from M2 (the field team), 2 from M7 (legal or an agency):
    DOMAIN.md's ladder."""
    return (days_past_due >= _FIELD_FROM_DPD).astype(np.int64) + (days_past_due >= _LATE_FROM_DPD)


def _team_at_level(book: _Book, loan: np.ndarray, level: np.ndarray) -> np.ndarray:
    return np.select(
        [level == 0, level == 1],
        [book.key[loan] % 3, _FIRST_FIELD_TEAM + book.branch[loan]],
        _late_team(book, loan),
    )


def _holding_team(book: _Book, loan: np.ndarray, days_past_due: np.ndarray) -> np.ndarray:
    """The team a loan's case reaches at this many days past due (-1: current, no case)."""
    return np.where(days_past_due <= 0, -1, _team_at_level(book, loan, _stage_level(days_past_due)))


def _can_act(team: np.ndarray, method: np.ndarray) -> np.ndarray:
    """Whether a team of this team's type works cases with this method."""
    return _METHODS_OF_TEAM_KIND[_TEAM_KIND[team], method]


_COLLECTOR_START = np.cumsum([0] + _TEAM_SIZES[:-1])
_COLLECTOR_COUNT = np.array(_TEAM_SIZES)


def _case_collector(book: _Book, loan: np.ndarray, team: np.ndarray) -> np.ndarray:
    """The collector of the team a loan's case goes to: the same each time it comes back."""
    return _COLLECTOR_START[team] + (book.key[loan] // 11) % _COLLECTOR_COUNT[team]


def _collectors(
    rng: np.random.Generator, book: _Book, loan: np.ndarray, team: np.ndarray
) -> np.ndarray:
    """The collector a loan goes to in the team; now and then a colleague instead."""
    pick = _case_collector(book, loan, team)
    colleague = rng.random(len(loan)) < 0.12
    other = _COLLECTOR_START[team] + rng.integers(0, 1 << 20, len(loan)) % _COLLECTOR_COUNT[team]
    return np.where(colleague, other, pick)


def _transitions(
    rng: np.random.Generator,
    book: _Book,
    case_loan: np.ndarray,
    stage: np.ndarray,
    missed_before: np.ndarray,
    first_effective: np.ndarray,
    actions: _Actions,
) -> np.ndarray:
    n = len(case_loan)
    reached = first_effective < np.iinfo(np.int64).max // 4
    promiser = book.is_serial_promiser[case_loan]
    boost = np.where(reached & ~promiser, 1.6, np.where(reached, 1.0, 0.75))
    boost = boost * np.where(book.is_neglected[case_loan], 0.8, 1.0)
    cure = np.clip(_CURE[stage] * boost, 0, 0.95)
    partial = _PARTIAL[stage] * boost
    token = _TOKEN[stage] * np.where(promiser, 1.8, 1.0)
    lump = _LUMP[stage]
    u = rng.random(n)
    outcome = np.select(
        [
            u < cure,
            u < cure + partial,
            u < cure + partial + token,
            u < cure + partial + token + lump,
        ],
        [_CURE_T, _PARTIAL_T, _TOKEN_T, _LUMP_T],
        _ROLL,
    )
    # Repossessed vehicles and machines are sold and the loan closed.
    repossessed = np.zeros(n, bool)
    repo_loans = np.unique(actions.loan[actions.method == _REPO])
    repossessed[np.isin(case_loan, repo_loans)] = True
    outcome[repossessed & (outcome == _ROLL) & (rng.random(n) < 0.3)] = _DISPOSAL_T
    missed = missed_before[case_loan]
    is_consumer = np.array([p.is_consumer for p in _PRODUCTS])[book.product[case_loan]]
    write_off = np.where(missed >= 12, 0.08, np.where(is_consumer & (missed >= 7), 0.03, 0.0))
    outcome[(outcome == _ROLL) & (rng.random(n) < write_off)] = _WRITE_OFF_T
    return outcome


def _pay_days(
    rng: np.random.Generator,
    outcome: np.ndarray,
    stage: np.ndarray,
    window_start: np.ndarray,
    end: int,
    first_effective: np.ndarray,
) -> np.ndarray:
    """Payments come a few days after the first effective contact, else any day."""
    n = len(outcome)
    reached = first_effective < np.iinfo(np.int64).max // 4
    after_contact = np.where(reached, first_effective, 0) + rng.geometric(0.35, n) - 1
    by_itself = np.where(
        stage == 0,
        window_start + rng.geometric(0.18, n) - 1,
        window_start + (rng.random(n) * (end - window_start + 1)).astype(np.int64),
    )
    return np.where(reached, after_contact, by_itself)


def _drop_after_settling(
    actions: _Actions, case_loan: np.ndarray, outcome: np.ndarray, pay_day: np.ndarray
) -> _Actions:
    """Collectors stop once a case is paid up."""
    stops = np.isin(outcome, [_CURE_T, _LUMP_T, _DISPOSAL_T])
    last_day = np.full(len(case_loan), np.iinfo(np.int64).max // 4, np.int64)
    last_day[stops] = pay_day[stops]
    order = np.argsort(case_loan)
    position = order[np.searchsorted(case_loan[order], actions.loan)]
    keep = actions.at // _SECONDS_PER_DAY <= last_day[position]
    return _take_actions(actions, keep)


def _take_actions(actions: _Actions, rows: np.ndarray) -> _Actions:
    return _Actions(**{name: value[rows] for name, value in vars(actions).items()})


def _concat_actions(parts: list[_Actions]) -> _Actions:
    return _Actions(
        **{name: np.concatenate([vars(p)[name] for p in parts]) for name in vars(parts[0])}
    )


def _round_to(cents: np.ndarray, step_yuan: int, *, up: bool) -> np.ndarray:
    step = step_yuan * 100
    rounded = (cents + (step - 1 if up else 0)) // step * step
    return np.where(rounded > 0, rounded, cents)


def _payment_amounts(
    rng: np.random.Generator,
    book: _Book,
    case_loan: np.ndarray,
    outcome: np.ndarray,
    due_now: np.ndarray,
    paid: np.ndarray,
) -> np.ndarray:
    """What each case pays in the month, in cents (0 when nothing)."""
    n = len(case_loan)
    instalment = book.instalment[case_loan]
    all_due = (due_now[case_loan] - paid[case_loan]) * instalment
    outstanding = (
        book.principal[case_loan] - paid[case_loan] * book.repaid_per_instalment[case_loan]
    )
    arrears_interest = (due_now[case_loan] - paid[case_loan]) * book.interest[case_loan]
    token = _round_to((instalment * rng.uniform(0.1, 0.6, n)).astype(np.int64), 10, up=False)
    token = np.clip(token, 100, np.maximum(instalment - 1, 100))
    lump = (outstanding + arrears_interest) * rng.uniform(0.7, 1.0, n)
    disposal = outstanding * rng.uniform(0.4, 0.9, n)
    amount = np.select(
        [outcome == _CURE_T, outcome == _PARTIAL_T, outcome == _TOKEN_T, outcome == _LUMP_T,
         outcome == _DISPOSAL_T],
        [all_due, instalment, token, lump.astype(np.int64) // 100 * 100,
         disposal.astype(np.int64) // 100 * 100],
        0,
    )  # fmt: skip
    return np.maximum(amount, np.where(outcome == _ROLL, 0, 1)).astype(np.int64) * (
        outcome != _WRITE_OFF_T
    )


def _add_promises(
    rng: np.random.Generator,
    book: _Book,
    actions: _Actions,
    case_loan: np.ndarray,
    stage: np.ndarray,
    outcome: np.ndarray,
    pay_day: np.ndarray,
    amount: np.ndarray,
    due_now: np.ndarray,
    state: _State,
) -> None:
    """Promises on effective contacts, kept or partly kept when the case pays after the
    promise, broken when it does not; and a note for most actions."""
    order = np.argsort(case_loan)
    case = order[np.searchsorted(case_loan[order], actions.loan)]
    m = len(case)
    day = actions.at // _SECONDS_PER_DAY
    is_effective = (
        (actions.method == _PHONE) & (actions.outcome == _CONNECTED) & (actions.relation <= _FAMILY)
    ) | (actions.outcome == _MET)
    promiser = book.is_serial_promiser[actions.loan]
    will_pay = (amount[case] > 0) & (pay_day[case] >= day)
    # Debtors who mean to pay promise more often; serial promisers promise anyway, until
    # collectors stop taking the word of one who broke it again and again (DOMAIN.md).
    likelihood = np.where(promiser, 1.8, np.where(will_pay, 2.2, 0.45))
    broken_before = state.broken_promises[actions.loan]
    likelihood *= np.select([broken_before >= 6, broken_before >= 3], [0.0, 0.3], 1.0)
    share = np.clip(_PROMISE_SHARE[stage[case]] * likelihood, 0, 0.9)
    promises = np.flatnonzero(is_effective & (rng.random(m) < share))
    promises = promises[_one_pending_promise(case[promises], day[promises], len(case_loan))]
    pc = case[promises]
    pays = will_pay[promises]
    full = np.isin(outcome[pc], [_CURE_T, _LUMP_T, _DISPOSAL_T])
    keeps = full & (rng.random(len(pc)) < np.where(promiser[promises], 0.5, 0.85))
    loan = actions.loan[promises]
    arrears = np.maximum(due_now[loan] - state.paid[loan], 1) * book.instalment[loan]
    kept_amount = _round_to(amount[pc], 100, up=False)
    partly_amount = np.where(
        full,
        _round_to((amount[pc] * rng.uniform(1.5, 2.5, len(pc))).astype(np.int64), 100, up=True),
        _round_to(np.maximum(arrears, amount[pc] + 1), 100, up=True),
    )
    promised = np.where(
        pays, np.where(keeps, kept_amount, partly_amount), _round_to(arrears, 100, up=True)
    )
    promised_on = np.where(
        pays,
        np.maximum(pay_day[pc] + rng.integers(0, 3, len(pc)), day[promises] + 1),
        day[promises] + rng.integers(1, 11, len(pc)),
    )
    actions.promised[promises] = promised
    actions.promised_on[promises] = promised_on
    actions.note_group[:] = _note_groups(actions, is_effective)
    np.add.at(state.broken_promises, loan[~pays], 1)


def _one_pending_promise(case: np.ndarray, day: np.ndarray, n_cases: int) -> np.ndarray:
    """Of the contacts that could bring a promise, those that do: a case's first in the
    month, and one more at most, a week or more later (by when the first has mostly come
    due)."""
    order = np.lexsort((day, case))
    case_sorted, day_sorted = case[order], day[order]
    first_of_case = np.append(True, case_sorted[1:] != case_sorted[:-1])
    first_day = np.full(n_cases, np.iinfo(np.int64).max, np.int64)
    first_day[case_sorted[first_of_case]] = day_sorted[first_of_case]
    later = ~first_of_case & (day_sorted >= first_day[case_sorted] + 7)
    after = np.flatnonzero(later)
    second = after[np.unique(case_sorted[after], return_index=True)[1]]
    chosen = np.zeros(len(case), bool)
    chosen[order[first_of_case]] = True
    chosen[order[second]] = True
    return np.flatnonzero(chosen)


def _note_groups(actions: _Actions, is_effective: np.ndarray) -> np.ndarray:
    method, outcome, relation = actions.method, actions.outcome, actions.relation
    is_phone = method == _PHONE
    is_self = relation == _SELF
    situations = [
        (is_phone & (actions.promised >= 0) & is_self, "promise self"),
        (is_phone & (actions.promised >= 0), "promise family"),
        (is_phone & is_effective & is_self, "reached self"),
        (is_phone & is_effective, "reached family"),
        (is_phone & (outcome == _CONNECTED), "third party"),
        (is_phone & (outcome == _NO_ANSWER), "no answer"),
        (is_phone & (outcome == _BUSY), "busy"),
        (is_phone & (outcome == _REJECTED), "rejected"),
        (is_phone & (outcome == _POWERED_OFF), "powered off"),
        (is_phone & (outcome == _SUSPENDED), "suspended"),
        (is_phone & (outcome == _INVALID), "invalid"),
        (is_phone, "wrong"),
        (method == _SMS, "sms"),
        ((method == _VISIT) & (outcome == _MET), "met"),
        (method == _VISIT, "not found"),
        (method == _LETTER, "letter"),
        (method == _LAWYER_LETTER, "lawyer letter"),
        (method == _LEGAL_ACTION, "legal"),
        (method == _AGENCY, "agency"),
        (method == _REPO, "repossession"),
    ]
    return np.select(
        [condition for condition, _ in situations],
        [_NOTE[name] for _, name in situations],
        _NOTE["other"],
    )


def _reminders(
    rng: np.random.Generator,
    book: _Book,
    customers: _Customers,
    contacts: _Contacts,
    on_time: np.ndarray,
    k: int,
    cal: _Calendar,
) -> _Actions:
    """SMS reminders a few days before the due date to some loans that then pay on time."""
    loan = np.flatnonzero(on_time & (rng.random(len(on_time)) < _REMINDER_SHARE))
    n = len(loan)
    day = np.maximum(cal.day_of(k, book.due_day[loan]) - rng.integers(1, 4, n), cal.month_start[k])
    contact = customers.contact_start[book.customer[loan]]
    team = book.key[loan] % 3
    return _Actions(
        loan=loan,
        method=np.full(n, _SMS, np.int64),
        at=day * _SECONDS_PER_DAY + _seconds_of_day(rng, n, _SMS_HOURS),
        team=team,
        collector=_collectors(rng, book, loan, team),
        contact=contact,
        relation=np.full(n, _SELF, np.int64),
        outcome=np.where(contacts.state[contact] != 0, _UNDELIVERABLE, _DELIVERED),
        promised=np.full(n, -1, np.int64),
        promised_on=np.zeros(n, np.int64),
        cost=np.full(n, -1, np.int64),
        note_group=np.where(rng.random(n) < 0.5, _NOTE["sms"], -1),
    )


# ---------------------------------------------------------------------------------------------
# Cases (分案): who holds each overdue loan on each day


def _oldest_unpaid_due(
    book: _Book, loan: np.ndarray, paid: np.ndarray, cal: _Calendar
) -> np.ndarray:
    """Day number of the due date of the first instalment not paid: days past due count
    from it."""
    return cal.day_of(book.disbursed_month[loan] + paid + 1, book.due_day[loan])


def _instalments_past_due(
    book: _Book, loan: np.ndarray, day: np.ndarray, cal: _Calendar
) -> np.ndarray:
    """Instalments whose due date is before `day`."""
    month = np.asarray(day).astype("datetime64[D]").astype("datetime64[M]") - cal.first_month
    month = month.astype(np.int64)
    day_of_month = day - cal.day_of(month, 1) + 1
    past = month - book.disbursed_month[loan] - 1 + (book.due_day[loan] < day_of_month)
    return np.clip(past, 0, book.term[loan])


def _placed_amount(
    book: _Book, loan: np.ndarray, team: np.ndarray, paid: np.ndarray, past_due: np.ndarray
) -> np.ndarray:
    """What a case is placed at, in cents: the overdue amount, or the whole balance for the
    legal team and agencies."""
    overdue = (past_due - paid) * book.instalment[loan]
    outstanding = book.principal[loan] - paid * book.repaid_per_instalment[loan]
    return np.where(_TEAM_KIND[team] >= _LEGAL_KIND, outstanding, overdue)


def _stage_start(team: np.ndarray) -> np.ndarray:
    """Days past due on the day a case reaches a team of this team's kind."""
    kind = _TEAM_KIND[team]
    return np.select(
        [kind == _PHONE_KIND, kind == _FIELD_KIND], [1, _FIELD_FROM_DPD], _LATE_FROM_DPD
    )


def _opening_cases(book: _Book, state: _State, cal: _Calendar, counters: _Counters) -> _CaseRows:
    """The cases held at the opening snapshot, each placed when the loan reached its team."""
    end = cal.end_of(-1)
    loans = np.flatnonzero(state.status == 1)
    due = np.clip(-1 - book.disbursed_month[loans], 0, book.term[loans])
    loans = loans[due > state.paid[loans]]
    paid = state.paid[loans]
    team = _holding_team(book, loans, end - _oldest_unpaid_due(book, loans, paid, cal))
    days_past_due = _stage_start(team)
    assigned_on = _oldest_unpaid_due(book, loans, paid, cal) + days_past_due
    past_due = _instalments_past_due(book, loans, assigned_on, cal)
    n = len(loans)
    rows = _CaseRows(
        case_id=counters.next_assignments(n),
        loan=loans,
        team=team,
        assigned_on=assigned_on,
        ended_on=np.full(n, -1, np.int64),
        amount=_placed_amount(book, loans, team, paid, past_due),
        days_past_due=days_past_due,
        is_listed=np.ones(n, bool),
    )
    state.cases.set(loans, rows, np.ones(n, bool))
    return rows


@dataclass
class _LatePaths:
    """The days each of the month's case loans is overdue, as stretches of days over which
    days past due grow by one a day from `oldest_due`: the month (or from the day it falls
    overdue) up to a payment that changes that, and after it when still overdue. A stretch
    ended by a payment holds its case up to the last payment of the month."""

    k: int
    start: int  # the month's first and last days
    end: int
    case_loan: np.ndarray  # the month's case loans
    case: np.ndarray  # by stretch: position in case_loan
    loan: np.ndarray
    first: np.ndarray
    last: np.ndarray  # the last overdue day
    stop: np.ndarray  # the first day the stretch's case no longer holds the loan
    oldest_due: np.ndarray
    paid: np.ndarray  # instalments paid over the stretch
    is_late_at_end: np.ndarray  # by case: overdue and on the book at the month end

    @classmethod
    def of(
        cls,
        book: _Book,
        state: _State,
        k: int,
        cal: _Calendar,
        case_loan: np.ndarray,
        outcome: np.ndarray,
        pay_day: np.ndarray,
        payments: _Payments,
        paid_after: np.ndarray,
    ) -> _LatePaths:
        start, end = int(cal.month_start[k]), int(cal.month_end[k])
        n = len(case_loan)
        paid0, paid1 = state.paid[case_loan], paid_after[case_loan]
        due0 = _oldest_unpaid_due(book, case_loan, paid0, cal)
        due1 = _oldest_unpaid_due(book, case_loan, paid1, cal)
        pays_off = np.isin(outcome, [_CURE_T, _PARTIAL_T, _LUMP_T, _DISPOSAL_T])
        settles = np.isin(outcome, [_LUMP_T, _DISPOSAL_T]) | (paid1 >= book.term[case_loan])
        is_late_at_end = ~settles & (outcome != _WRITE_OFF_T) & (due1 < end)
        a_last = np.where(pays_off, pay_day, end)
        has_b = pays_off & is_late_at_end
        b_first = np.maximum(pay_day + 1, due1 + 1)
        b_joins = has_b & (b_first == a_last + 1)
        position = np.full(len(book.term), -1, np.int64)
        position[case_loan] = np.arange(n)
        last_paid = pay_day.copy()
        np.maximum.at(last_paid, position[payments.loan], payments.day)
        a_stop = np.where(
            b_joins,
            a_last + 1,
            np.minimum(np.maximum(a_last, last_paid) + 1, np.where(has_b, b_first, end + 1)),
        )
        b_case = np.flatnonzero(has_b)
        nb = len(b_case)
        # Stretches in the order of (case, first day): a case's stretch A before its B.
        order = np.argsort(np.concatenate([np.arange(n) * 2, b_case * 2 + 1]), kind="stable")
        case = np.concatenate([np.arange(n), b_case])[order]
        return cls(
            k=k,
            start=start,
            end=end,
            case_loan=case_loan,
            case=case,
            loan=case_loan[case],
            first=np.concatenate([np.maximum(start, due0 + 1), b_first[b_case]])[order],
            last=np.concatenate([a_last, np.full(nb, end)])[order],
            stop=np.concatenate([a_stop, np.full(nb, end + 1)])[order],
            oldest_due=np.concatenate([due0, due1[b_case]])[order],
            paid=np.concatenate([paid0, paid1[b_case]])[order],
            is_late_at_end=is_late_at_end,
        )

    def holders(self, book: _Book, carried: np.ndarray) -> tuple[_Holders, np.ndarray]:
        """The stretches cut where the loan reaches M2 and M7, in the order of (case, first
        day), with each one's stretch. A case moves on to the next stage's team, never back:
        while the loan stays overdue, a payment that lowers its days past due leaves the case
        where it is. `carried` is the team holding each case loan at the month start (-1:
        none)."""
        cuts = np.stack(
            [self.first, self.oldest_due + _FIELD_FROM_DPD, self.oldest_due + _LATE_FROM_DPD],
            axis=1,
        )
        inside = (cuts > self.first[:, None]) & (cuts <= self.last[:, None])
        inside[:, 0] = True
        stretch, _ = np.nonzero(inside)
        start = cuts[inside]
        next_in_stretch = np.append(stretch[1:] == stretch[:-1], False)
        stop = np.where(next_in_stretch, np.append(start[1:], 0), self.stop[stretch])
        loan, case = self.loan[stretch], self.case[stretch]
        level = _stage_level(start - self.oldest_due[stretch])
        first_of_case = np.append(True, case[1:] != case[:-1])
        held_before = carried[case]
        level = np.where(
            first_of_case & (held_before >= 0),
            np.maximum(level, _TEAM_LEVEL[np.maximum(held_before, 0)]),
            level,
        )
        # Days overdue without a break, the highest stage so far.
        follows = np.append(False, (case[1:] == case[:-1]) & (start[1:] == stop[:-1]))
        run = 3 * np.cumsum(~follows)
        level = np.maximum.accumulate(run + level) - run
        return _Holders(loan, start, stop, _team_at_level(book, loan, level)), stretch


def _month_cases(
    book: _Book,
    state: _State,
    paths: _LatePaths,
    cal: _Calendar,
    counters: _Counters,
) -> tuple[_Holders, _CaseRows]:
    """The month's holders, and the cases its assignments file lists: those placed in the
    month and those of earlier months that ended in it. A loan's case from last month goes
    on while its team stays; each change of team, and each time a loan falls overdue, is a
    new case placed that day. The open cases in `state` move on to the month end."""
    holders, stretch = paths.holders(book, state.cases.team[paths.case_loan])
    case = paths.case[stretch]
    first_of_case = np.append(True, case[1:] != case[:-1])
    carried = state.cases.team[holders.loan]
    goes_on = np.append(
        False,
        (case[1:] == case[:-1])
        & (holders.start[1:] == holders.stop[:-1])
        & (holders.team[1:] == holders.team[:-1]),
    )
    first = np.flatnonzero(~goes_on)  # each case's first stretch of days
    last = np.append(first[1:] - 1, len(case) - 1)
    loan, team, since = holders.loan[first], holders.team[first], holders.start[first]
    stop = holders.stop[last]
    is_last = np.append(case[first][1:] != case[first][:-1], True)
    held = is_last & (stop == paths.end + 1) & paths.is_late_at_end[case[first]]
    old = (first_of_case & (carried >= 0) & (carried == holders.team))[first]
    new = np.flatnonzero(~old)
    from_stretch = stretch[first[new]]
    placed_on = since.copy()
    placed_on[old] = state.cases.assigned_on[loan[old]]
    amount = state.cases.amount[loan].copy()
    amount[new] = _placed_amount(
        book,
        loan[new],
        team[new],
        paths.paid[from_stretch],
        _instalments_past_due(book, loan[new], since[new], cal),
    )
    days_past_due = state.cases.days_past_due[loan].copy()
    days_past_due[new] = since[new] - paths.oldest_due[from_stretch]
    case_id = state.cases.case_id[loan].copy()
    case_id[new] = counters.next_assignments(len(new))
    cases = _CaseRows(
        case_id=case_id,
        loan=loan,
        team=team,
        assigned_on=placed_on,
        ended_on=np.where(held, -1, stop),
        amount=amount,
        days_past_due=days_past_due,
        is_listed=~(old & held),
    )
    # Cases from last month whose loan moved on to another team on the month's first day.
    handed_over = first_of_case & (carried >= 0) & (carried != holders.team)
    ended = holders.loan[handed_over]
    cases = _concat_case_rows(
        [
            _CaseRows(
                case_id=state.cases.case_id[ended],
                loan=ended,
                team=state.cases.team[ended],
                assigned_on=state.cases.assigned_on[ended],
                ended_on=holders.start[handed_over],
                amount=state.cases.amount[ended],
                days_past_due=state.cases.days_past_due[ended],
                is_listed=np.ones(len(ended), bool),
            ),
            cases,
        ]
    )
    state.cases.set(paths.loan, cases, cases.ended_on < 0)
    return holders, _take_case_rows(cases, cases.is_listed)


def _take_case_rows(rows: _CaseRows, kept: np.ndarray) -> _CaseRows:
    return _CaseRows(**{name: value[kept] for name, value in vars(rows).items()})


def _concat_case_rows(parts: list[_CaseRows]) -> _CaseRows:
    rows = _CaseRows(
        **{name: np.concatenate([vars(p)[name] for p in parts]) for name in vars(parts[0])}
    )
    return _take_case_rows(rows, np.argsort(rows.case_id, kind="stable"))


_DAYS = 1 << 16  # more than any day number of the simulation


def _actions_of_holders(book: _Book, actions: _Actions, holders: _Holders) -> _Actions:
    """Each case action made by the team and collector holding its loan's case on its day;
    actions on days no case holds the loan, or with a method the holder does not work
    with, are not made."""
    key = holders.loan * _DAYS + holders.start
    order = np.argsort(key)
    day = actions.at // _SECONDS_PER_DAY
    found = np.searchsorted(key[order], actions.loan * _DAYS + day, side="right") - 1
    stretch = order[np.maximum(found, 0)]
    team = holders.team[stretch]
    made = (
        (found >= 0)
        & (holders.loan[stretch] == actions.loan)
        & (day < holders.stop[stretch])
        & _can_act(team, actions.method)
    )
    actions.team = team
    actions.collector = _case_collector(book, actions.loan, team)
    return _take_actions(actions, made)


def _payment_rows(
    rng: np.random.Generator,
    case_loan: np.ndarray,
    stage: np.ndarray,
    outcome: np.ndarray,
    window_start: np.ndarray,
    pay_day: np.ndarray,
    amount: np.ndarray,
    end: int,
) -> _Payments:
    paying = np.flatnonzero(amount > 0)
    loan, day, total = case_loan[paying], pay_day[paying], amount[paying]
    n = len(paying)
    channel = rng.choice(len(_CHANNELS), n, p=_CHANNEL_WEIGHTS)
    channel[(stage[paying] >= 2) & (rng.random(n) < 0.06)] = len(_CHANNELS)  # guarantor pays
    channel[outcome[paying] == _DISPOSAL_T] = len(_CHANNELS) + 1
    # Some large payments come in two parts, the first a few days earlier.
    first = (total * rng.uniform(0.3, 0.7, n)).astype(np.int64) // 100 * 100
    split = (total >= 200_00) & (rng.random(n) < 0.2) & (outcome[paying] != _DISPOSAL_T)
    split &= (first > 0) & (first < total)
    first_day = np.maximum(day - rng.integers(1, 4, n), window_start[paying])[split]
    loans = np.concatenate([loan, loan[split]])
    days = np.concatenate([day, first_day])
    amounts = np.concatenate([total - np.where(split, first, 0), first[split]])
    channels = np.concatenate([channel, channel[split]])
    # A failed direct debit is reversed (冲正) and paid again by transfer.
    reversed_ = (channels == 0) & (rng.random(len(loans)) < 0.01)
    r_day = np.minimum(days[reversed_] + rng.integers(0, 2, int(reversed_.sum())), end)
    again = np.minimum(r_day + rng.integers(0, 3, len(r_day)), end)
    loans = np.concatenate([loans, loans[reversed_], loans[reversed_]])
    days = np.concatenate([days, r_day, again])
    amounts = np.concatenate([amounts, -amounts[reversed_], amounts[reversed_]])
    channels = np.concatenate([channels, channels[reversed_], np.ones(len(r_day), np.int64)])
    order = np.lexsort((loans, days))
    return _Payments(loans[order], days[order], amounts[order], channels[order])


# ---------------------------------------------------------------------------------------------
# Formats


@dataclass(frozen=True)
class _Layout:
    """Which spelling each month's files use; `back` 0 is the latest month."""

    back: int

    @classmethod
    def of(cls, k: int, months: int) -> _Layout:
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


def _nullable(values: np.ndarray, present: np.ndarray) -> pl.Series:
    return pl.select(
        pl.when(pl.lit(pl.Series(present))).then(pl.lit(pl.Series(values)))
    ).to_series()


def _dates(days: np.ndarray) -> pl.Series:
    return pl.Series(np.asarray(days, np.int64).astype("datetime64[D]"))


def _money(
    cents: pl.Expr, grouped: pl.Expr | bool = False, suffix: pl.Expr | bool = False
) -> pl.Expr:
    """Exact text of an amount in cents: `1234.56`, `1,234.56` or `1234.56元`."""
    value = cents.abs()
    yuan = value // 100
    fraction = (value % 100).cast(pl.String).str.zfill(2)

    def group(divisor: int) -> pl.Expr:
        return ((yuan // divisor) % 1000).cast(pl.String).str.zfill(3)

    def head(divisor: int) -> pl.Expr:
        return (yuan // divisor).cast(pl.String)

    with_commas = (
        pl.when(yuan >= 10**9)
        .then(pl.concat_str([head(10**9), group(10**6), group(1000), group(1)], separator=","))
        .when(yuan >= 10**6)
        .then(pl.concat_str([head(10**6), group(1000), group(1)], separator=","))
        .when(yuan >= 1000)
        .then(pl.concat_str([head(1000), group(1)], separator=","))
        .otherwise(yuan.cast(pl.String))
    )
    whole = pl.when(grouped).then(with_commas).otherwise(yuan.cast(pl.String))
    sign = pl.when(cents < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    unit = pl.when(suffix).then(pl.lit("元")).otherwise(pl.lit(""))
    text = pl.concat_str([sign, whole, pl.lit("."), fraction, unit])
    return pl.when(cents.is_null()).then(pl.lit(None, pl.String)).otherwise(text)


def _labels(
    codes: np.ndarray, english: list[str], chinese: list[list[str]] | list[str], in_chinese: bool,
    rng: np.random.Generator,
) -> pl.Series:  # fmt: skip
    """Text of enumeration codes (-1 is blank), with the spelling variants of Chinese exports."""
    if in_chinese:
        variants = [v if isinstance(v, list) else [v] for v in chinese]
        flat = [text for v in variants for text in v]
        offset = np.cumsum([0] + [len(v) for v in variants[:-1]])
        size = np.array([len(v) for v in variants])
        safe = np.maximum(codes, 0)
        index = offset[safe] + np.where(rng.random(len(codes)) < 0.2, size[safe] - 1, 0)
    else:
        flat = list(english)
        index = np.maximum(codes, 0)
    index = np.where(codes < 0, len(flat), index)
    return pl.Series([*flat, None], dtype=pl.String).gather(index)


def _write_csv(path: Path, frame: pl.DataFrame, encoding: str) -> None:
    """CSV in chunks: `utf-8`, `utf-8-sig` (with BOM) or `gbk` (CRLF, as Excel saves it)."""
    with path.open("wb") as out:
        if encoding == "utf-8-sig":
            out.write(codecs.BOM_UTF8)
        for offset in range(0, max(frame.height, 1), _CSV_CHUNK_ROWS):
            chunk = frame.slice(offset, _CSV_CHUNK_ROWS)
            if encoding == "gbk":
                text = chunk.write_csv(include_header=offset == 0, line_terminator="\r\n")
                out.write(text.encode("gbk"))
            else:
                chunk.write_csv(out, include_header=offset == 0)


def _xlsx_workbook(path: Path, created: datetime) -> xlsxwriter.Workbook:
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    workbook.set_properties({"created": created, "author": "demo"})
    return workbook


def _write_teams(path: Path, seed: int, created: datetime) -> Path:
    rng = np.random.default_rng([seed, 5])
    managers = _person_names(rng, rng.random(len(_TEAMS)) < 0.6).to_list()
    workbook = _xlsx_workbook(path, created)
    sheet = workbook.add_worksheet("团队")
    sheet.write_row(0, 0, _TEAM_HEADERS)
    for row, (team, kind, manager, quota) in enumerate(
        zip(_TEAMS, _TEAM_TYPES, managers, _VISIT_QUOTAS, strict=True), start=1
    ):
        sheet.write_row(row, 0, [team, kind, manager])
        if quota is not None:
            sheet.write_number(row, 3, quota)
    workbook.close()
    return path


def _bad_row_count(rows: int) -> int:
    count = round(rows / BAD_ROW_EVERY)
    return max(count, 2) if rows > BAD_ROW_MIN_FILE_ROWS else 0


def _bad_rows(rng: np.random.Generator, rows: int, kinds: int) -> list[tuple[int, int]]:
    """(row, kind) pairs: which rows to spoil and how; kinds take turns from a random one."""
    count = _bad_row_count(rows)
    if count == 0:
        return []
    picked = np.sort(rng.choice(rows, count, replace=False))
    first = int(rng.integers(0, kinds))
    return [(int(row), (first + i) % kinds) for i, row in enumerate(picked)]


def _set_rows(frame: pl.DataFrame, rows: list[int], column: str, value: pl.Expr) -> pl.DataFrame:
    if not rows:
        return frame
    mask = np.zeros(frame.height, bool)
    mask[rows] = True
    hit = pl.lit(pl.Series(mask))
    return frame.with_columns(pl.when(hit).then(value).otherwise(pl.col(column)).alias(column))


def _write_contacts(
    path: Path, customers: _Customers, contacts: _Contacts, seed: int, report: Progress
) -> Path:
    frame = pl.DataFrame(
        {
            "客户号": customers.customer_id.gather(contacts.customer),
            "电话号码": contacts.phone,
            "关系": pl.Series(_RELATION_ZH).gather(contacts.relation),
            "城市": pl.Series([c[0] for c in _CITIES]).gather(
                customers.home_city[contacts.customer]
            ),
        }
    )
    bad = _bad_rows(np.random.default_rng([seed, 6]), frame.height, 2)
    frame = _set_rows(frame, [r for r, kind in bad if kind == 0], "客户号", pl.lit(None, pl.String))
    frame = _set_rows(
        frame, [r for r, kind in bad if kind == 1], "电话号码", pl.lit(None, pl.String)
    )
    with path.open("wb") as out:
        for offset in range(0, max(frame.height, 1), _CSV_CHUNK_ROWS):
            chunk = frame.slice(offset, _CSV_CHUNK_ROWS)
            text = chunk.write_csv(include_header=offset == 0, line_terminator="\r\n")
            out.write(text.encode("gbk"))
            report("contacts", min(offset + _CSV_CHUNK_ROWS, frame.height), frame.height)
    return path


def _classification(days_past_due: np.ndarray) -> np.ndarray:
    return np.select(
        [days_past_due == 0, days_past_due <= 90, days_past_due <= 270, days_past_due <= 360],
        [0, 1, 2, 3],
        4,
    )


def _write_loans(
    out_dir: Path,
    book: _Book,
    customers: _Customers,
    month: _Snapshot,
    layout: _Layout,
    cal: _Calendar,
    rng: np.random.Generator,
) -> Path:
    loans, paid, status = month.snapshot_loans, month.paid, month.status
    n = len(loans)
    k, end = month.k, cal.end_of(month.k)
    term = book.term[loans]
    due = np.clip(k - book.disbursed_month[loans], 0, term)
    missed = np.where(status == _SETTLED_ST, 0, due - paid)
    first_missed = cal.day_of(book.disbursed_month[loans] + paid + 1, book.due_day[loans])
    dpd = np.where(missed > 0, end - first_missed, 0)
    outstanding = np.where(
        status == _SETTLED_ST, 0, book.principal[loans] - paid * book.repaid_per_instalment[loans]
    )
    overdue = missed * book.instalment[loans]
    team = month.team
    collector = np.where(team >= 0, _case_collector(book, loans, np.maximum(team, 0)), -1)
    grade = _classification(dpd)
    # Restructured or watched loans: a bank may grade a current loan 关注.
    grade = np.where((grade == 0) & (rng.random(n) < 0.004), 1, grade)

    chinese = layout.loans_in_chinese
    date_format = "%Y/%m/%d" if chinese else "%Y-%m-%d"
    disbursed_format = "%Y年%m月%d日" if layout.disbursed_in_chinese_dates else date_format
    grouped = pl.lit(pl.Series(rng.random(n) < 0.4)) if chinese else False
    cust = book.customer[loans]
    if layout.classification:
        classification = _labels(grade, _CLASS_EN, _CLASS_ZH, layout.classification == "zh", rng)
    else:
        classification = pl.Series([None] * n, dtype=pl.String)
    frame = pl.DataFrame(
        {
            "as_of_date": _dates(np.full(n, end)).dt.strftime(date_format),
            "loan_id": book.loan_id.gather(loans),
            "customer_id": customers.customer_id.gather(cust),
            "customer_name": customers.name.gather(cust),
            "id_number": customers.id_number.gather(cust),
            "product": pl.Series([p.name for p in _PRODUCTS]).gather(book.product[loans]),
            "branch": pl.Series([b for b, _ in _BRANCHES]).gather(book.branch[loans]),
            "team": pl.Series([*_TEAMS, None]).gather(np.where(team < 0, len(_TEAMS), team)),
            "collector": _collector_names(collector),
            "disbursed_on": _dates(book.disbursed_on[loans]).dt.strftime(disbursed_format),
            "principal": book.principal[loans],
            "outstanding_balance": outstanding,
            "overdue_amount": overdue,
            "days_past_due": pl.Series(dpd).cast(pl.String),
            "classification": classification,
            "status": _labels(status, _STATUS_EN, _STATUS_ZH, chinese, rng),
        }
    ).with_columns(
        _money(pl.col(c), grouped).alias(c)
        for c in ("principal", "outstanding_balance", "overdue_amount")
    )
    frame = _spoil_loans(frame, rng, date_format, end)
    if chinese:
        frame = frame.rename(_LOAN_COLUMNS)
    path = out_dir / f"loans_{cal.label_of(k)}.csv"
    _write_csv(path, frame, "gbk" if chinese else "utf-8")
    return path


@cache
def _collector_roster() -> pl.Series:
    """Every collector's name, team after team, then a blank: the same for every seed, like
    an org chart."""
    rng = np.random.default_rng(20_260_101)
    names = _person_names(rng, rng.random(sum(_TEAM_SIZES)) < 0.5)
    return pl.Series([*names.to_list(), None], dtype=pl.String)


def _collector_names(collector: np.ndarray) -> pl.Series:
    """Names of collectors by number, -1 blank."""
    roster = _collector_roster()
    return roster.gather(np.where(collector < 0, len(roster) - 1, collector))


def _spoil_loans(
    frame: pl.DataFrame, rng: np.random.Generator, date_format: str, end: int
) -> pl.DataFrame:
    bad = _bad_rows(rng, frame.height, 4)
    rows = [[r for r, kind in bad if kind == i] for i in range(4)]
    balance = pl.col("outstanding_balance")
    negative = (
        pl.when(balance.str.starts_with("0."))
        .then(pl.lit("-1520.00"))
        .otherwise(pl.concat_str([pl.lit("-"), balance]))
    )
    frame = _set_rows(frame, rows[0], "outstanding_balance", negative)
    frame = _set_rows(frame, rows[1], "loan_id", pl.lit(None, pl.String))
    impossible = _dates(np.array([end])).dt.strftime(date_format).str.replace(r"\d\d$", "32")[0]
    frame = _set_rows(frame, rows[2], "as_of_date", pl.lit(impossible))
    if rows[3]:
        copies = frame[rows[3]].with_columns(outstanding_balance=pl.col("principal"))
        position = np.concatenate([np.arange(frame.height), np.array(rows[3]) + 0.5])
        frame = pl.concat([frame, copies])[np.argsort(position, kind="stable")]
    return frame


@dataclass
class _Counters:
    """Running numbers for ids that must stay unique across months."""

    action: int = 0
    payment: int = 0
    assignment: int = 0

    def next_assignments(self, count: int) -> np.ndarray:
        ids = np.arange(self.assignment + 1, self.assignment + 1 + count, dtype=np.int64)
        self.assignment += count
        return ids


@dataclass
class _NotePools:
    names: pl.Series
    phones: pl.Series

    @classmethod
    def build(cls, rng: np.random.Generator) -> _NotePools:
        names = _person_names(rng, rng.random(5000) < 0.5)
        phones = pl.Series(_mobiles(rng, 5000)).cast(pl.String)
        return cls(names, phones)


def _notes(
    rng: np.random.Generator, group: np.ndarray, team: np.ndarray, pools: _NotePools
) -> pl.Series:
    n = len(group)
    shares = np.array([share for share, _ in _NOTES.values()] + [0.0])
    sizes = np.array([len(t) for _, t in _NOTES.values()])
    offsets = np.cumsum(np.concatenate([[0], sizes[:-1]]))
    flat = [t for _, templates in _NOTES.values() for t in templates]
    g = np.where(group < 0, len(_NOTES), group)
    has_note = rng.random(n) < shares[g]
    safe = np.minimum(g, len(_NOTES) - 1)
    template = offsets[safe] + (rng.random(n) * sizes[safe]).astype(np.int64)
    template = np.where(has_note, template, len(flat))
    fill_kind = np.array([kind for _, kind, _ in flat] + [0])[template]
    names = pools.names.gather(rng.integers(0, len(pools.names), n))
    phones = pools.phones.gather(rng.integers(0, len(pools.phones), n))
    agency = pl.Series(_AGENCIES * 6).gather(np.clip(team - _FIRST_AGENCY, 0, 1))
    frame = pl.DataFrame(
        {
            "before": pl.Series([a for a, _, _ in flat] + [None], dtype=pl.String).gather(template),
            "after": pl.Series([c for _, _, c in flat] + [""]).gather(template),
            "kind": fill_kind,
            "name": names,
            "phone": phones,
            "agency": agency,
        }
    )
    kind = pl.col("kind")
    filler = (
        pl.when(kind == 1).then(pl.col("name"))
        .when(kind == 2).then(pl.col("phone"))
        .when(kind == 3).then(pl.col("agency"))
        .otherwise(pl.lit(""))
    )  # fmt: skip
    return frame.select(pl.concat_str([pl.col("before"), filler, pl.col("after")])).to_series()


def _write_actions(
    out_dir: Path,
    book: _Book,
    contacts: _Contacts,
    month: _Month,
    layout: _Layout,
    cal: _Calendar,
    pools: _NotePools,
    counters: _Counters,
    rng: np.random.Generator,
) -> Path:
    actions = month.actions
    order = np.lexsort((actions.loan, actions.at))
    actions = _take_actions(actions, order)
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
            "method": _labels(actions.method, _METHOD_EN, _METHOD_ZH, chinese, rng),
            "team": pl.Series(_TEAMS).gather(actions.team),
            "collector": _collector_names(actions.collector),
            "contact_phone": contacts.phone.gather(np.maximum(actions.contact, 0)),
            "contact_relation": _labels(actions.relation, _RELATION_EN, _RELATION_ZH, chinese, rng),
            "outcome": _labels(actions.outcome, _OUTCOME_EN, _OUTCOME_ZH, chinese, rng),
            "promised_amount": _nullable(promised, has_promise),
            "promised_date": _dates(actions.promised_on).dt.strftime(promised_format),
            "cost": _nullable(actions.cost, actions.cost >= 0),
            "note": _notes(rng, actions.note_group, actions.team, pools),
        }
    )
    has_contact = actions.contact >= 0
    frame = frame.with_columns(
        action_id=pl.concat_str(
            [pl.lit("CJ" + cal.label[month.k].replace("-", "")), pl.col("action_id")]
        ),
        contact_phone=pl.when(pl.lit(pl.Series(has_contact))).then(pl.col("contact_phone")),
        promised_amount=_money(pl.col("promised_amount"), False, money_suffix),
        promised_date=pl.when(pl.lit(pl.Series(has_promise))).then(pl.col("promised_date")),
        cost=_money(pl.col("cost"), False, money_suffix),
    )
    frame = _spoil_actions(frame, rng, chinese, cal.label[month.k])
    if chinese:
        frame = frame.rename(_ACTION_COLUMNS)
    path = out_dir / f"actions_{cal.label[month.k]}.csv"
    _write_csv(path, frame, "utf-8-sig" if chinese else "utf-8")
    return path


def _spoil_actions(
    frame: pl.DataFrame, rng: np.random.Generator, chinese: bool, label: str
) -> pl.DataFrame:
    bad = _bad_rows(rng, frame.height, 5)
    rows = [[r for r, kind in bad if kind == i] for i in range(5)]
    frame = _set_rows(frame, rows[0], "method", pl.lit("飞鸽传书"))
    frame = _set_rows(frame, rows[1], "loan_id", pl.lit(None, pl.String))
    frame = _set_rows(frame, rows[2], "action_at", pl.lit(f"{label}-32 25:61:00"))
    frame = _set_rows(frame, rows[3], "method", pl.lit("电话" if chinese else "phone"))
    frame = _set_rows(frame, rows[3], "outcome", pl.lit(None, pl.String))
    frame = _set_rows(frame, rows[4], "promised_amount", pl.lit("500.00"))
    frame = _set_rows(frame, rows[4], "promised_date", pl.lit(None, pl.String))
    return frame


def _write_payments(
    out_dir: Path,
    book: _Book,
    month: _Month,
    layout: _Layout,
    cal: _Calendar,
    counters: _Counters,
    rng: np.random.Generator,
) -> Path:
    payments = month.payments
    n = len(payments.loan)
    ids = np.arange(counters.payment + 1, counters.payment + 1 + n)
    counters.payment += n
    day_text = _dates(payments.day).dt.strftime("%Y%m%d")
    frame = pl.DataFrame(
        {
            "payment_id": _join("LS", day_text, pl.Series(ids).cast(pl.String).str.zfill(9)),
            "loan_id": book.loan_id.gather(payments.loan),
            "day": payments.day,
            "amount": payments.amount,
            "channel": pl.Series(_ALL_CHANNELS).gather(payments.channel),
            "bad_day": pl.Series([None] * n, dtype=pl.String),
        }
    )
    bad = _bad_rows(rng, n, 3)
    rows = [[r for r, kind in bad if kind == i] for i in range(3)]
    frame = _set_rows(frame, rows[0], "amount", pl.lit(0, pl.Int64))
    frame = _set_rows(frame, rows[1], "loan_id", pl.lit(None, pl.String))
    frame = _set_rows(frame, rows[2], "bad_day", pl.lit(f"{cal.label[month.k]}-32"))
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
        pl.coalesce(pl.col("bad_day"), _dates(payments.day).dt.strftime(date_format)).alias(
            "paid_at"
        ),
        _money(
            pl.col("amount"),
            pl.lit(pl.Series(style < 0.25)),
            pl.lit(pl.Series(style > (0.6 if chinese else 0.85))),
        ).alias("amount"),
        pl.col("channel"),
    )
    text.columns = headers
    path = out_dir / f"{stem}.csv"
    _write_csv(path, text, "gbk" if chinese else "utf-8")
    return path


def _write_assignments(
    out_dir: Path,
    book: _Book,
    cases: _CaseRows,
    k: int,
    layout: _Layout,
    cal: _Calendar,
    counters: _Counters,
    rng: np.random.Generator,
) -> Path:
    n = len(cases.loan)
    chinese = layout.assignments_in_chinese
    date_format = "%Y/%m/%d" if chinese else "%Y-%m-%d"
    is_held = cases.ended_on < 0
    frame = pl.DataFrame(
        {
            "assignment_id": _join("FA", pl.Series(cases.case_id).cast(pl.String).str.zfill(10)),
            "loan_id": book.loan_id.gather(cases.loan),
            "team": pl.Series(_TEAMS).gather(cases.team),
            "collector": _collector_names(_case_collector(book, cases.loan, cases.team)),
            "assigned_on": _dates(cases.assigned_on).dt.strftime(date_format),
            "ended_on": _dates(np.where(is_held, 0, cases.ended_on)).dt.strftime(date_format),
            "assigned_amount": cases.amount,
            "days_past_due": pl.Series(cases.days_past_due).cast(pl.String),
        }
    )
    grouped = pl.lit(pl.Series(rng.random(n) < 0.4)) if chinese else False
    frame = frame.with_columns(
        ended_on=pl.when(pl.lit(pl.Series(~is_held))).then(pl.col("ended_on")),
        assigned_amount=_money(pl.col("assigned_amount"), grouped),
    )
    frame = _spoil_assignments(frame, cases, rng, date_format, counters)
    if chinese:
        frame = frame.rename(_ASSIGNMENT_COLUMNS)
    path = out_dir / f"assignments_{cal.label_of(k)}.csv"
    _write_csv(path, frame, "utf-8-sig" if chinese else "utf-8")
    return path


def _spoil_assignments(
    frame: pl.DataFrame,
    cases: _CaseRows,
    rng: np.random.Generator,
    date_format: str,
    counters: _Counters,
) -> pl.DataFrame:
    """Extra rows after some cases: the loan placed a second time while its case still holds
    it (the later placement overlaps), or a placement typed with its end before its start."""
    bad = _bad_rows(rng, frame.height, 2)
    if not bad:
        return frame
    rows = np.array([r for r, _ in bad])
    kind = np.array([kind for _, kind in bad])
    start, end = cases.assigned_on[rows], cases.ended_on[rows]
    lasts_a_day_more = (end < 0) | (end - start >= 2)
    overlapping_start = start + lasts_a_day_more  # a day later while still held
    ends_before = start - rng.integers(1, 11, len(rows))
    other_agency = np.where(cases.team[rows] == _FIRST_AGENCY, _FIRST_AGENCY + 1, _FIRST_AGENCY)
    spoiled = frame[rows.tolist()].with_columns(
        assignment_id=_join(
            "FA", pl.Series(counters.next_assignments(len(rows))).cast(pl.String).str.zfill(10)
        ),
        team=pl.Series(_TEAMS).gather(np.where(kind == 0, other_agency, cases.team[rows])),
        assigned_on=_dates(np.where(kind == 0, overlapping_start, start)).dt.strftime(date_format),
        ended_on=pl.when(pl.lit(pl.Series(kind == 0)))
        .then(pl.col("ended_on"))
        .otherwise(_dates(ends_before).dt.strftime(date_format)),
    )
    position = np.concatenate([np.arange(frame.height), rows + 0.5])
    return pl.concat([frame, spoiled])[np.argsort(position, kind="stable")]


_EXCEL_EPOCH_DAY = -25_569  # 1899-12-30 as a day number: Excel's day 0


def _write_payments_xlsx(
    path: Path, frame: pl.DataFrame, headers: list[str], created: datetime
) -> None:
    workbook = _xlsx_workbook(path, created)
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
