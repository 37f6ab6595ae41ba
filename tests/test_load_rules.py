"""Each rule of the data contract, with bad input: the bad row is rejected with its file,
line, column, value and reason, and the rest of the file loads."""

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from recovery.settings import Settings
from tests.helpers import load, rejects, table, write_csv

LOAN_HEADER = [
    "as_of_date", "loan_id", "customer_id", "principal", "outstanding_balance",
    "overdue_amount", "days_past_due", "classification", "status",
]  # fmt: skip


def loan(name: str, **values: str) -> list[str]:
    row = {
        "as_of_date": "2026-10-31", "loan_id": name, "customer_id": "C" + name,
        "principal": "1000.00", "outstanding_balance": "800.00", "overdue_amount": "",
        "days_past_due": "0", "classification": "", "status": "",
    }  # fmt: skip
    row.update(values)
    return [row[c] for c in LOAN_HEADER]


def load_loans(settings: Settings, tmp_path: Path, *rows: list[str]) -> None:
    path = write_csv(tmp_path / "loans_2026-10.csv", LOAN_HEADER, list(rows))
    [outcome] = load(settings, path)
    assert outcome.status == "loaded", outcome.error


@pytest.mark.parametrize(
    ("values", "column", "reason"),
    [
        ({"loan_id": ""}, "loan_id", "required value missing"),
        ({"customer_id": " "}, "customer_id", "required value missing"),
        ({"as_of_date": "2026-13-01"}, "as_of_date", "not a date: 2026-13-01"),
        ({"as_of_date": "yesterday"}, "as_of_date", "not a date: yesterday"),
        ({"principal": "0"}, "principal", "must be greater than 0"),
        ({"principal": "-5"}, "principal", "must be greater than 0"),
        ({"principal": "12.345"}, "principal", "more than 2 decimal places"),
        ({"principal": "12.3400001"}, "principal", "more than 2 decimal places"),
        ({"principal": "1,000.001元"}, "principal", "more than 2 decimal places"),
        ({"principal": "abc"}, "principal", "not an amount: abc"),
        ({"principal": "1" + "0" * 17}, "principal", "amount too large"),
        ({"outstanding_balance": "-0.01"}, "outstanding_balance", "must be at least 0"),
        ({"overdue_amount": "-1"}, "overdue_amount", "must be at least 0"),
        ({"days_past_due": "-1"}, "days_past_due", "must be at least 0"),
        ({"days_past_due": "3.5"}, "days_past_due", "not a whole number: 3.5"),
        ({"days_past_due": "many"}, "days_past_due", "not a whole number: many"),
        (
            {"classification": "优秀"},
            "classification",
            "unknown classification value '优秀' (add it under "
            "value_aliases.classification in the config)",
        ),
        (
            {"status": "frozen"},
            "status",
            "unknown loan_status value 'frozen' (add it under value_aliases.loan_status in "
            "the config)",
        ),
    ],
)
def test_a_bad_loan_row_is_rejected_and_the_rest_loads(
    settings: Settings, tmp_path: Path, values: dict, column: str, reason: str
) -> None:
    load_loans(settings, tmp_path, loan("L1"), loan("L2", **values), loan("L3"))
    bad_value = values[column].strip() or None
    assert rejects(settings) == [("loans_2026-10.csv", 3, column, bad_value, reason)]
    assert table(settings, "select loan_id from loan_snapshots order by 1")[
        "loan_id"
    ].to_list() == [
        "L1",
        "L3",
    ]


def test_a_repeated_loan_id_for_one_date_is_rejected_but_other_dates_keep_it(
    settings: Settings, tmp_path: Path
) -> None:
    load_loans(
        settings,
        tmp_path,
        loan("L1"),
        loan("L1", as_of_date="2026-09-30"),
        loan("L1", outstanding_balance="1.00"),
    )
    assert rejects(settings) == [
        (
            "loans_2026-10.csv",
            4,
            "loan_id",
            "L1",
            "loan_id appears twice for this as_of_date (first at line 2)",
        )
    ]
    assert table(settings, "select count(*) as n from loan_snapshots")["n"].item() == 2


@pytest.mark.parametrize(
    "written",
    ["2026-10-31", "2026/10/31", "2026年10月31日", "46326", "2026-10-31 00:00:00", "2026/1/5"],
)
def test_dates_in_every_contract_format(settings: Settings, tmp_path: Path, written: str) -> None:
    load_loans(settings, tmp_path, loan("L1", as_of_date=written))
    expected = date(2026, 1, 5) if written == "2026/1/5" else date(2026, 10, 31)
    assert table(settings, "select as_of_date from loan_snapshots")["as_of_date"].item() == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("1,234.56", "1234.56"),
        ("1234.5元", "1234.50"),
        ("¥ 1 234", "1234.00"),
        ("１２３４．５６", None),  # full-width digits are not an amount a core system writes
        ("0.01", "0.01"),
        ("12.340", "12.34"),
        ("12.", "12.00"),
        ("+5", "5.00"),
    ],
)
def test_amount_formats(
    settings: Settings, tmp_path: Path, written: str, expected: str | None
) -> None:
    load_loans(settings, tmp_path, loan("L1", outstanding_balance=written))
    balances = table(settings, "select outstanding_balance from loan_snapshots")
    if expected is None:
        assert balances.is_empty()
        assert rejects(settings)[0][2:4] == ("outstanding_balance", written)
    else:
        assert balances["outstanding_balance"].item() == Decimal(expected)


def test_amounts_in_ten_thousands_when_the_header_says_so(
    settings: Settings, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "loans.csv",
        ["数据日期", "借据号", "客户号", "放款金额(万元)", "贷款余额（万元）", "逾期天数"],
        [["2026-10-31", "L1", "C1", "12.5", "3.4567", "0"]],
    )
    load(settings, path)
    row = table(settings, "select principal, outstanding_balance from loan_snapshots").row(0)
    assert row == (Decimal("125000.00"), Decimal("34567.00"))


@pytest.mark.parametrize(
    ("days", "tier"),
    [
        (0, "normal"),
        (1, "special_mention"),
        (90, "special_mention"),
        (91, "substandard"),
        (270, "substandard"),
        (271, "doubtful"),
        (360, "doubtful"),
        (361, "loss"),
    ],
)
def test_classification_derived_from_days_past_due(
    settings: Settings, tmp_path: Path, days: int, tier: str
) -> None:
    load_loans(settings, tmp_path, loan("L1", days_past_due=str(days)))
    assert table(settings, "select classification from loan_snapshots").item() == tier


def test_classification_thresholds_come_from_the_config(tmp_path: Path) -> None:
    settings = Settings(
        db=tmp_path / "db.duckdb",
        classification={"special_mention_max": 60, "substandard_max": 180, "doubtful_max": 360},
    )
    load_loans(settings, tmp_path, loan("L1", days_past_due="61"), loan("L2", days_past_due="60"))
    rows = table(settings, "select loan_id, classification from loan_snapshots order by 1").rows()
    assert rows == [("L1", "substandard"), ("L2", "special_mention")]


def test_given_classification_and_status_in_chinese_are_kept(
    settings: Settings, tmp_path: Path
) -> None:
    load_loans(
        settings,
        tmp_path,
        loan("L1", days_past_due="10", classification="次级", status="核销"),
        loan("L2", classification="正常", status="结清"),
        loan("L3", classification="Special_Mention", status="ACTIVE"),
    )
    rows = table(
        settings, "select loan_id, classification, status from loan_snapshots order by 1"
    ).rows()
    assert rows == [
        ("L1", "substandard", "written_off"),
        ("L2", "normal", "settled"),
        ("L3", "special_mention", "active"),
    ]


def test_overdue_amount_is_zero_when_absent_and_current_else_unknown(
    settings: Settings, tmp_path: Path
) -> None:
    load_loans(settings, tmp_path, loan("L1"), loan("L2", days_past_due="15"))
    rows = table(settings, "select loan_id, overdue_amount from loan_snapshots order by 1").rows()
    assert rows == [("L1", Decimal("0.00")), ("L2", None)]


def test_config_maps_a_users_own_headers_and_values(tmp_path: Path) -> None:
    settings = Settings(
        db=tmp_path / "db.duckdb",
        header_aliases={"loans": {"loan_id": ["Loan No."], "days_past_due": ["DPD"]}},
        value_aliases={"loan_status": {"正常还款": "active"}},
    )
    path = write_csv(
        tmp_path / "loans_export.csv",
        [
            "as_of_date",
            "Loan No.",
            "customer_id",
            "principal",
            "outstanding_balance",
            "DPD",
            "状态",
        ],  # fmt: skip
        [["2026-10-31", "L1", "C1", "100", "50", "0", "正常还款"]],
    )
    [outcome] = load(settings, path)
    assert (outcome.status, outcome.rows_loaded) == ("loaded", 1)
    assert table(settings, "select loan_id, status from loan_snapshots").row(0) == ("L1", "active")


ACTION_HEADER = ["loan_id", "action_at", "method", "team", "outcome", "promised_amount",
                 "promised_date", "cost"]  # fmt: skip


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (["L1", "2026-10-05 10:00", "phone", "T1", "", "", "", ""], "outcome",
         "required for phone actions"),
        (["L1", "2026-10-05 10:00", "visit", "T1", "", "", "", ""], "outcome",
         "required for visit actions"),
        (["L1", "2026-10-05 10:00", "飞鸽传书", "T1", "", "", "", ""], "method",
         "unknown method value '飞鸽传书' (add it under value_aliases.method in the config)"),
        (["L1", "2026-10-05 10:00", "phone", "T1", "接通", "500", "", ""], "promised_date",
         "required with promised_amount"),
        (["L1", "2026-10-05 10:00", "phone", "T1", "接通", "0", "2026-10-10", ""],
         "promised_amount", "must be greater than 0"),
        (["L1", "2026-10-05 10:00", "sms", "T1", "", "", "", "-1"], "cost",
         "must be at least 0"),
        (["L1", "2026-10-05 25:00", "sms", "T1", "", "", "", ""], "action_at",
         "not a date: 2026-10-05 25:00"),
        (["L1", "2026-10-05 10:00", "sms", "", "", "", "", ""], "team",
         "required value missing"),
    ],
)  # fmt: skip
def test_a_bad_action_row_is_rejected(
    settings: Settings, tmp_path: Path, row: list[str], column: str, reason: str
) -> None:
    good = ["L1", "2026-10-05 09:00:00", "短信", "T1", "", "", "", ""]
    path = write_csv(tmp_path / "actions.csv", ACTION_HEADER, [good, row])
    [outcome] = load(settings, path)
    assert (outcome.rows_loaded, outcome.rows_rejected) == (1, 1)
    assert [r[1:3] for r in rejects(settings)] == [(3, column)]
    assert rejects(settings)[0][4] == reason


def test_action_ids_made_from_content_are_stable_and_twins_both_kept(
    settings: Settings, tmp_path: Path
) -> None:
    rows = [
        ["L1", "2026-10-05 09:00:00", "sms", "T1", "", "", "", ""],
        ["L1", "2026-10-05 09:00:00", "sms", "T1", "", "", "", ""],
        ["L1", "2026-10-05 10:00:00", "phone", "T1", "connected", "200", "2026/10/9", ""],
    ]
    first = write_csv(tmp_path / "actions_a.csv", ACTION_HEADER, rows)
    load(settings, first)
    ids = table(settings, "select action_id from actions order by action_id")["action_id"]
    assert ids.n_unique() == 3
    # The same rows exported again under another name replace themselves: no new rows.
    again = write_csv(
        tmp_path / "actions_b.csv",
        ACTION_HEADER,
        rows + [rows[0][:2] + ["letter", "T1", "", "", "", ""]],
    )
    load(settings, again)
    after = table(settings, "select action_id from actions order by action_id")["action_id"]
    assert after.len() == 4 and set(ids) <= set(after)


def test_action_fields_are_typed(settings: Settings, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "actions.csv",
        [
            "记录编号",
            "借据号",
            "催收时间",
            "催收方式",
            "催收团队",
            "联系对象",
            "联系结果",
            "承诺金额",
            "承诺还款日",
            "成本",
        ],  # fmt: skip
        [
            [
                "A1",
                "L1",
                "2026年10月5日 15:30",
                "电催",
                "总部电催一组",
                "配偶",
                "接通",
                "1,500",
                "2026/10/12",
                "2.5",
            ]
        ],  # fmt: skip
    )
    load(settings, path)
    row = table(
        settings,
        "select action_id, action_at, method, contact_relation, outcome, promised_amount, "
        "promised_date, cost from actions",
    ).row(0)
    assert row == (
        "A1",
        datetime(2026, 10, 5, 15, 30),
        "phone",
        "spouse",
        "connected",
        Decimal("1500.00"),
        date(2026, 10, 12),
        Decimal("2.50"),
    )


def test_payments_zero_rejected_reversal_kept(settings: Settings, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "payments.csv",
        ["流水号", "借据号", "还款日期", "还款金额", "还款渠道"],
        [
            ["P1", "L1", "2026-10-05", "500.00元", "柜面"],
            ["P2", "L1", "2026-10-06 12:00:01", "-500.00", "冲正"],
            ["P3", "L1", "2026-10-07", "0", ""],
        ],
    )
    [outcome] = load(settings, path)
    assert (outcome.rows_loaded, outcome.rows_rejected) == (2, 1)
    assert rejects(settings) == [("payments.csv", 4, "amount", "0", "must not be 0")]
    rows = table(settings, "select payment_id, paid_at, amount from payments order by 1").rows()
    assert rows == [
        ("P1", datetime(2026, 10, 5), Decimal("500.00")),
        ("P2", datetime(2026, 10, 6, 12, 0, 1), Decimal("-500.00")),
    ]


def test_contacts_keep_repeats_and_count_them_as_duplicates(
    settings: Settings, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "contacts.csv",
        ["客户号", "电话号码", "关系", "城市"],
        [
            ["C1", "13812345678", "本人", "武汉"],
            ["C1", "138-1234-5678", "本人", "武汉"],
            ["C2", "13812345678", "配偶", ""],
            ["C2", "", "配偶", ""],
        ],
    )
    [outcome] = load(settings, path)
    assert (outcome.rows_loaded, outcome.rows_rejected) == (3, 1)
    rows = table(
        settings,
        "select customer_id, phone, is_duplicate, is_valid, invalid_reason "
        "from contact_numbers order by 1, 2",
    ).rows()
    assert rows == [
        ("C1", "138-1234-5678", True, False, "duplicate"),
        ("C1", "13812345678", False, True, None),
        ("C2", "13812345678", False, True, None),
    ]


def test_teams_quota_must_be_a_whole_non_negative_number(
    settings: Settings, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "teams.csv",
        ["催收团队", "团队类型", "负责人", "外访指标"],
        [
            ["外访一组", "外访", "刘强", "25"],
            ["外访二组", "外访", "陈静", "-3"],
            ["法务组", "法务", "", ""],
        ],
    )
    [outcome] = load(settings, path)
    assert (outcome.rows_loaded, outcome.rows_rejected) == (2, 1)
    assert table(
        settings, "select team, team_type, monthly_visit_quota from teams order by 1"
    ).rows() == [
        ("外访一组", "field", 25),
        ("法务组", "legal", None),
    ]


def test_a_row_with_too_many_fields_is_rejected_with_its_line(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "payments.csv"
    path.write_text(
        "loan_id,paid_at,amount\nL1,2026-10-05,100\nL1,2026-10-06,100,extra\nL1,2026-10-07,100\n",
        encoding="utf-8",
    )
    [outcome] = load(settings, path)
    assert (outcome.rows_loaded, outcome.rows_rejected) == (2, 1)
    [(file_name, line, column, value, reason)] = rejects(settings)
    assert (file_name, line, column, value) == ("payments.csv", 3, None, "L1,2026-10-06,100,extra")
    assert reason == "has 4 fields where the header has 3"
    lines = table(settings, "select paid_at from payments order by 1")["paid_at"].dt.day().to_list()
    assert lines == [5, 7]
