"""The demo generator: file names and formats, determinism, realism, and bad rows.

The files are read back here with polars alone, through the header aliases and value
spellings of DATA_CONTRACT.md, so most of these tests do not depend on the loader. The
checks of cases (assignments) against snapshots and actions are made on a book generated
and loaded with the `recovery` command, as a user would.
"""

import codecs
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import fastexcel
import polars as pl
import pytest

from demo import (
    BAD_ROW_EVERY,
    BAD_ROW_MIN_FILE_ROWS,
    InvalidDemoRequest,
    generate_demo,
)
from recovery.store import open_catalog

ALIASES = {
    "数据日期": "as_of_date", "借据号": "loan_id", "客户号": "customer_id",
    "客户姓名": "customer_name", "身份证号": "id_number", "产品名称": "product", "机构": "branch",
    "催收团队": "team", "催收员": "collector", "放款日期": "disbursed_on", "放款金额": "principal",
    "贷款余额": "outstanding_balance", "逾期金额": "overdue_amount", "逾期天数": "days_past_due",
    "五级分类": "classification", "状态": "status", "记录编号": "action_id",
    "催收时间": "action_at", "催收方式": "method", "联系电话": "contact_phone",
    "联系对象": "contact_relation", "联系结果": "outcome", "承诺金额": "promised_amount",
    "承诺还款日": "promised_date", "成本": "cost", "备注": "note", "流水号": "payment_id",
    "还款日期": "paid_at", "还款金额": "amount", "还款渠道": "channel", "电话号码": "phone",
    "关系": "relation", "城市": "city", "团队类型": "team_type", "负责人": "manager",
    "外访指标": "monthly_visit_quota", "分案编号": "assignment_id",
    "分案日期": "assigned_on", "结案日期": "ended_on", "委案金额": "assigned_amount",
    "分案时逾期天数": "days_past_due",
}  # fmt: skip
METHODS = {
    "短信": "sms", "电话": "phone", "电催": "phone", "信函": "letter", "律师函": "lawyer_letter",
    "邮件": "email", "上门": "visit", "外访": "visit", "诉讼": "legal", "司法": "legal",
    "委外": "agency", "拖车": "repossession", "其他": "other",
}  # fmt: skip
OUTCOMES = {
    "接通": "connected", "无人接听": "no_answer", "占线": "busy", "拒接": "rejected",
    "关机": "powered_off", "停机": "suspended", "空号": "invalid_number", "错号": "wrong_number",
    "非本人": "wrong_number", "已送达": "delivered", "退回": "undeliverable", "见面": "met",
    "未找到": "not_found",
}  # fmt: skip
RELATIONS = {
    "本人": "self", "配偶": "spouse", "亲属": "family", "担保人": "guarantor", "同事": "colleague",
    "其他": "other",
}  # fmt: skip
CLASSES = {"正常": "normal", "关注": "special_mention", "次级": "substandard", "可疑": "doubtful"}
STATUSES = {"正常": "active", "结清": "settled", "核销": "written_off"}
MONEY = r"^-?(\d{1,3}(,\d{3})+|\d+)\.\d{2}元?$"

# The deliberate bad rows of each kind, as the module docstring lists them.
DELIBERATE = {
    "loans": {"negative balance", "missing loan_id", "bad as_of_date", "duplicate loan_id"},
    "actions": {
        "unknown method",
        "missing loan_id",
        "bad action_at",
        "phone without outcome",
        "promise without date",
    },  # fmt: skip
    "payments": {"zero amount", "missing loan_id", "bad paid_at"},
    "contacts": {"missing customer_id", "missing phone"},
    "assignments": {"overlapping case", "ends before start"},
}
RECOVERY = Path(sys.executable).parent / "recovery"


def read_table(path: Path) -> pl.DataFrame:
    """A file as strings under canonical headers, the way a lender's export is read."""
    if path.suffix == ".xlsx":
        frame = fastexcel.read_excel(path).load_sheet(0).to_polars()
        return frame.rename(lambda c: ALIASES.get(c, c)).with_columns(
            pl.col(pl.Datetime, pl.Date).dt.strftime("%Y-%m-%d"),
            pl.col(pl.Float64).round(2).map_elements(lambda v: f"{v:.2f}", pl.String),
            pl.col(pl.Int64).cast(pl.String),
        )
    raw = path.read_bytes()
    if raw.startswith(codecs.BOM_UTF8):
        text = raw.decode("utf-8-sig")
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("gbk")
    frame = pl.read_csv(io.BytesIO(text.encode()), infer_schema=False)
    return frame.rename(lambda c: ALIASES.get(c, c))


def amount(column: str) -> pl.Expr:
    text = pl.col(column).str.replace_all(",", "").str.strip_suffix("元")
    return text.cast(pl.Float64, strict=False)


def day(column: str) -> pl.Expr:
    text = pl.col(column)
    return pl.coalesce(
        text.str.to_date(f, strict=False) for f in ("%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日")
    )


def canonical(column: str, spellings: dict[str, str]) -> pl.Expr:
    return pl.col(column).replace(spellings)


def violations(kind: str, frame: pl.DataFrame) -> pl.Series:
    """The first rule of the loader each row breaks (null when none), as DELIBERATE names it."""
    if kind == "loans":
        duplicate = pl.col("loan_id").is_duplicated() & ~pl.col("loan_id").is_first_distinct()
        rules = [
            (pl.col("loan_id").is_null(), "missing loan_id"),
            (day("as_of_date").is_null(), "bad as_of_date"),
            (amount("outstanding_balance") < 0, "negative balance"),
            (duplicate.over(day("as_of_date")), "duplicate loan_id"),
            (amount("principal").is_null() | (amount("principal") <= 0), "bad principal"),
            (amount("outstanding_balance").is_null(), "bad balance"),
            (amount("overdue_amount").is_null() | (amount("overdue_amount") < 0), "bad overdue"),
            (pl.col("days_past_due").cast(pl.Int64, strict=False).is_null(), "bad days"),
            (pl.col("days_past_due").cast(pl.Int64, strict=False) < 0, "negative days"),
            (day("disbursed_on").is_null(), "bad disbursed_on"),
            (~pl.col("status").is_in(["active", "settled", "written_off", *STATUSES]), "status"),
            (
                pl.col("classification").is_not_null()
                & ~pl.col("classification").is_in([*CLASSES.values(), "loss", *CLASSES, "损失"]),
                "classification",
            ),
        ]
    elif kind == "actions":
        method = canonical("method", METHODS)
        outcome = canonical("outcome", OUTCOMES)
        timestamp = pl.col("action_at").str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False)
        rules = [
            (pl.col("loan_id").is_null(), "missing loan_id"),
            (timestamp.is_null(), "bad action_at"),
            (~method.is_in(list(set(METHODS.values()))), "unknown method"),
            (method.is_in(["phone", "visit"]) & outcome.is_null(), "phone without outcome"),
            (
                pl.col("promised_amount").is_not_null() & pl.col("promised_date").is_null(),
                "promise without date",
            ),
            (pl.col("team").is_null(), "missing team"),
            (outcome.is_not_null() & ~outcome.is_in(list(set(OUTCOMES.values()))), "outcome"),
            (
                pl.col("contact_relation").is_not_null()
                & ~canonical("contact_relation", RELATIONS).is_in(list(RELATIONS.values())),
                "relation",
            ),
            (pl.col("promised_date").is_not_null() & day("promised_date").is_null(), "bad date"),
            (amount("promised_amount") <= 0, "bad promise"),
            (pl.col("cost").is_not_null() & amount("cost").is_null(), "bad cost"),
        ]
    elif kind == "payments":
        rules = [
            (pl.col("loan_id").is_null(), "missing loan_id"),
            (day("paid_at").is_null(), "bad paid_at"),
            (amount("amount") == 0, "zero amount"),
            (amount("amount").is_null(), "bad amount"),
        ]
    elif kind == "assignments":
        frame = with_overlaps(frame)
        rules = [
            (pl.col("loan_id").is_null(), "missing loan_id"),
            (pl.col("team").is_null(), "missing team"),
            (day("assigned_on").is_null(), "bad assigned_on"),
            (pl.col("ended_on").is_not_null() & day("ended_on").is_null(), "bad ended_on"),
            (day("ended_on") < day("assigned_on"), "ends before start"),
            (pl.col("overlaps_earlier"), "overlapping case"),
            (amount("assigned_amount").is_null() | (amount("assigned_amount") < 0), "amount"),
            (pl.col("days_past_due").cast(pl.Int64, strict=False) < 1, "days past due"),
        ]
    else:
        rules = [
            (pl.col("customer_id").is_null(), "missing customer_id"),
            (pl.col("phone").is_null(), "missing phone"),
            (~canonical("relation", RELATIONS).is_in(list(RELATIONS.values())), "relation"),
        ]
    reason = pl.when(rules[0][0]).then(pl.lit(rules[0][1]))
    for broken, name in rules[1:]:
        reason = reason.when(broken).then(pl.lit(name))
    return frame.select(reason.alias("reason")).to_series()


def with_overlaps(assignments: pl.DataFrame) -> pl.DataFrame:
    """Marks each case that starts before an earlier case of its loan in the file has ended
    (its end left blank: still held)."""
    ended = day("ended_on").fill_null(pl.date(9999, 1, 1))
    return (
        assignments.with_row_index("line")
        .sort("loan_id", day("assigned_on"), "line")
        .with_columns(
            overlaps_earlier=(
                day("assigned_on") < ended.cum_max().shift(1).over("loan_id")
            ).fill_null(False)
        )
        .sort("line")
        .drop("line")
    )


def files_of(directory: Path, kind: str) -> list[Path]:
    return sorted(directory.glob(f"{kind}*"))


def loans_history(directory: Path) -> pl.DataFrame:
    frames = [read_table(p) for p in files_of(directory, "loans")]
    return pl.concat(
        [
            f.select(
                day("as_of_date").alias("as_of_date"),
                "loan_id",
                pl.col("days_past_due").cast(pl.Int64, strict=False),
                canonical("status", STATUSES).alias("status"),
                amount("outstanding_balance").alias("outstanding_balance"),
            )
            for f in frames
        ]
    )


def actions_of(directory: Path) -> pl.DataFrame:
    return pl.concat(
        [
            read_table(p).select(
                "loan_id",
                pl.col("action_at").str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False),
                canonical("method", METHODS).alias("method"),
                canonical("outcome", OUTCOMES).alias("outcome"),
                canonical("contact_relation", RELATIONS).alias("relation"),
                "promised_amount",
            )
            for p in files_of(directory, "actions")
        ]
    )


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small")
    generate_demo(out, loans=2_000, months=4)
    return out


@pytest.fixture(scope="module")
def medium(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Big enough that the loans, actions and contacts files carry deliberate bad rows."""
    out = tmp_path_factory.mktemp("medium")
    generate_demo(out, loans=12_000, months=3, end_month="2026-03", seed=7)
    return out


def test_writes_every_kind_in_its_format(small: Path, tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    written = generate_demo(
        tmp_path / "new", loans=300, months=4, progress=lambda *call: calls.append(call)
    )
    names = sorted(p.name for p in written)
    months = ["2026-07", "2026-08", "2026-09", "2026-10"]
    assert names == sorted(
        ["teams.xlsx", "contacts.csv", "loans_2026-06.csv"]  # the opening book
        + ["assignments_2026-06.csv"]  # the opening book's open cases
        + [f"loans_{m}.csv" for m in months]
        + [f"actions_{m}.csv" for m in months]
        + [f"assignments_{m}.csv" for m in months]
        + [
            "payments_2026-07.csv",
            "payments_2026-08.xlsx",
            "payments_2026-09.csv",
            "payments_2026-10.xlsx",
        ]
    )
    assert all(p.parent == tmp_path / "new" and p.exists() for p in written)
    assert sorted(p.name for p in small.iterdir()) == names
    assert calls[-1] == ("months", 4, 4)
    assert {stage for stage, _, _ in calls} == {"teams", "contacts", "months"}


def test_gbk_files_are_gbk_and_not_utf8(small: Path) -> None:
    for name in ["contacts.csv", "loans_2026-10.csv", "payments_2026-09.csv"]:
        raw = (small / name).read_bytes()
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        header = raw.decode("gbk").splitlines()[0]
        assert header.split(",")[0] in {"客户号", "数据日期", "流水号"}
        assert b"\r\n" in raw


def test_bom_on_chinese_action_and_assignment_files_only(small: Path) -> None:
    for month, chinese in [("2026-10", True), ("2026-09", False), ("2026-08", True)]:
        raw = (small / f"actions_{month}.csv").read_bytes()
        assert raw.startswith(codecs.BOM_UTF8) == chinese
        header = raw.decode("utf-8-sig").splitlines()[0]
        assert header.startswith("记录编号,借据号" if chinese else "action_id,loan_id")
    for month, chinese in [("2026-10", True), ("2026-09", False), ("2026-06", True)]:
        raw = (small / f"assignments_{month}.csv").read_bytes()
        assert raw.startswith(codecs.BOM_UTF8) == chinese
        header = raw.decode("utf-8-sig").splitlines()[0]
        assert header.startswith("分案编号,借据号" if chinese else "assignment_id,loan_id")
    english_loans = (small / "loans_2026-09.csv").read_bytes().decode("utf-8")
    assert english_loans.startswith("as_of_date,loan_id,customer_id")


def test_xlsx_files_open_with_fastexcel(small: Path) -> None:
    teams = fastexcel.read_excel(small / "teams.xlsx").load_sheet(0).to_polars()
    assert teams.columns == ["催收团队", "团队类型", "负责人", "外访指标"]
    assert 8 <= teams.height <= 15
    assert set(teams["团队类型"]) == {"电催", "外访", "法务", "委外"}
    assert teams.filter(pl.col("团队类型") == "委外").height == 2
    assert teams.filter(pl.col("团队类型") == "外访")["外访指标"].min() > 0
    payments = fastexcel.read_excel(small / "payments_2026-10.xlsx").load_sheet(0).to_polars()
    assert payments.columns == ["payment_id", "loan_id", "paid_at", "amount", "channel"]
    assert payments.schema["paid_at"] in (pl.Datetime("ms"), pl.Datetime("us"), pl.Date)
    assert payments["paid_at"].dt.month().unique().to_list() == [10]


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    first = generate_demo(tmp_path / "a", loans=300, months=4, seed=3)
    second = generate_demo(tmp_path / "b", loans=300, months=4, seed=3)
    other = generate_demo(tmp_path / "c", loans=300, months=4, seed=4)
    assert any(p.name.startswith("assignments_") for p in first)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert [p.read_bytes() for p in first] != [p.read_bytes() for p in other]


def test_loan_ids_unique_per_snapshot(small: Path) -> None:
    history = loans_history(small)
    assert history.height > 4 * 1_500
    assert history.select(pl.struct("as_of_date", "loan_id").is_duplicated().any()).item() is False
    assert sorted(history["as_of_date"].unique().dt.to_string()) == [
        "2026-06-30",  # the opening book
        "2026-07-31",
        "2026-08-31",
        "2026-09-30",
        "2026-10-31",
    ]


def test_the_opening_book_places_the_first_months_actions(small: Path) -> None:
    """Every loan worked in the window's first month is on a snapshot before its first
    action (the opening book, or a later one for a loan disbursed in that month)."""
    opening = read_table(small / "loans_2026-06.csv")
    first_actions = read_table(small / "actions_2026-07.csv")
    worked = set(first_actions["loan_id"].drop_nulls())
    on_book = set(opening["loan_id"])
    july = set(read_table(small / "loans_2026-07.csv")["loan_id"])
    assert worked and worked <= on_book | july
    assert len(worked - on_book) < len(worked) / 10  # nearly all were on the opening book


def test_snapshots_roll_cure_and_settle(small: Path) -> None:
    history = loans_history(small).sort("loan_id", "as_of_date")
    steps = history.with_columns(
        previous_dpd=pl.col("days_past_due").shift().over("loan_id"),
        step_days=(
            pl.col("as_of_date") - pl.col("as_of_date").shift().over("loan_id")
        ).dt.total_days(),
    ).filter(pl.col("previous_dpd").is_not_null())
    rolled = steps.filter(
        (pl.col("previous_dpd") > 0)
        & (pl.col("days_past_due") == pl.col("previous_dpd") + pl.col("step_days"))
    )
    cured = steps.filter((pl.col("previous_dpd") > 0) & (pl.col("days_past_due") == 0))
    assert rolled.height >= 20
    assert cured.height >= 10
    assert steps.filter(pl.col("status") == "settled").height >= 20
    assert history.filter(pl.col("status") == "written_off").height >= 1
    assert history.filter(pl.col("days_past_due") > 180).height >= 10
    # Loans that closed leave the book after the snapshot that shows them closed.
    closed = history.filter(pl.col("status") != "active").group_by("loan_id").agg(pl.len())
    assert closed["len"].max() == 1
    new_ids = set(history.filter(pl.col("as_of_date").dt.month() == 10)["loan_id"])
    assert new_ids - set(history.filter(pl.col("as_of_date").dt.month() == 7)["loan_id"])


def test_actions_escalate_with_days_past_due(small: Path) -> None:
    history = loans_history(small)
    actions = actions_of(small).with_columns(
        as_of_date=pl.col("action_at").dt.month_end().dt.date()
    )
    # Age at the action: days past due at the month end, less the days left in the month.
    aged = actions.join(history, on=["as_of_date", "loan_id"]).with_columns(
        dpd=pl.col("days_past_due")
        - (pl.col("as_of_date") - pl.col("action_at").dt.date()).dt.total_days()
    )
    early = aged.filter(pl.col("dpd").is_between(1, 30))["method"].value_counts(normalize=True)
    late = aged.filter(pl.col("dpd") >= 90)["method"].value_counts(normalize=True)
    share = dict(zip(early["method"], early["proportion"], strict=True))
    late_share = dict(zip(late["method"], late["proportion"], strict=True))
    assert share.get("sms", 0) + share.get("phone", 0) > 0.9
    assert sum(share.get(m, 0) for m in ["legal", "agency", "repossession"]) == 0
    escalated = ["lawyer_letter", "visit", "legal", "agency", "repossession"]
    assert sum(late_share.get(m, 0) for m in escalated) > 0.05
    assert {"legal", "agency", "visit"} <= set(late_share)


def test_phone_outcomes_look_like_real_campaigns(medium: Path) -> None:
    calls = actions_of(medium).filter(pl.col("method") == "phone")
    effective = (pl.col("outcome") == "connected") & pl.col("relation").is_in(
        ["self", "spouse", "family"]
    )
    rates = calls.select(
        effective=effective.mean(),
        switched_off=pl.col("outcome").is_in(["powered_off", "suspended"]).mean(),
        no_answer=pl.col("outcome").is_in(["no_answer", "busy", "rejected"]).mean(),
        unreachable=pl.col("outcome").is_in(["invalid_number", "wrong_number"]).mean(),
    ).row(0, named=True)
    assert 0.22 <= rates["effective"] <= 0.36
    assert 0.1 <= rates["switched_off"] <= 0.2
    assert 0.17 <= rates["no_answer"] <= 0.3
    assert 0.22 <= rates["unreachable"] <= 0.36
    minute = pl.col("action_at").dt.hour().cast(pl.Int32) * 60 + pl.col("action_at").dt.minute()
    lunch = calls.filter(minute.is_between(11 * 60 + 45, 14 * 60, closed="left"))
    afternoon = calls.filter(minute.is_between(15 * 60, 16 * 60 + 30, closed="left"))
    assert lunch.select(effective.mean()).item() < afternoon.select(effective.mean()).item()
    assert calls.select(pl.col("promised_amount").is_not_null().sum()).item() > 100


def test_some_old_cases_were_never_worked(medium: Path) -> None:
    history = loans_history(medium)
    worked = set(actions_of(medium)["loan_id"].drop_nulls())
    old = history.filter(pl.col("days_past_due") > 180)["loan_id"].unique()
    never = [loan for loan in old if loan not in worked]
    assert 0 < len(never) < 0.3 * len(old)


@pytest.mark.parametrize("kind", ["loans", "actions", "payments", "contacts"])
def test_only_the_deliberate_rows_break_rules(medium: Path, small: Path, kind: str) -> None:
    seen: set[str] = set()
    for directory in (medium, small):
        for path in files_of(directory, kind):
            frame = read_table(path)
            reasons = violations(kind, frame).drop_nulls()
            assert set(reasons) <= DELIBERATE[kind], path.name
            if frame.height > BAD_ROW_MIN_FILE_ROWS + 10:
                assert 2 <= reasons.len() <= max(2, round(frame.height / BAD_ROW_EVERY) + 1)
            elif frame.height < BAD_ROW_MIN_FILE_ROWS:
                assert reasons.len() == 0, path.name
            seen |= set(reasons)
    if kind not in ("payments", "assignments"):  # these files stay under 5,000 rows here
        assert seen


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """130,000 loans over one month: over 5,000 open cases in the opening book, and enough
    cases for every field collector to make their quota of visits."""
    out = tmp_path_factory.mktemp("large")
    generate_demo(out, loans=130_000, months=1, seed=2)
    return out


def test_a_large_books_assignments_carry_the_deliberate_bad_rows(
    large: Path, tmp_path: Path
) -> None:
    """An overlapping second placement and a case ending before its start are in the opening
    book's file, and the loader rejects the end before the start, naming the line and
    column."""
    opening = large / "assignments_2026-09.csv"
    frame = read_table(opening)
    assert frame.height > BAD_ROW_MIN_FILE_ROWS
    reasons = violations("assignments", frame)
    assert sorted(reasons.drop_nulls().unique()) == ["ends before start", "overlapping case"]
    assert reasons.drop_nulls().len() <= max(2, round(frame.height / BAD_ROW_EVERY) + 1)
    db = tmp_path / "recovery.duckdb"
    run_recovery("load", str(opening), db=db)
    with open_catalog(db) as con:
        rejected = con.sql(
            "select line, column_name from rejected_rows where file_name = $name",
            params={"name": opening.name},
        ).fetchall()
    # Lines count from the header, line 1.
    ends_before = [
        (line + 2, "ended_on")
        for line, reason in enumerate(reasons.to_list())
        if reason == "ends before start"
    ]
    assert ends_before and set(ends_before) <= set(rejected)


def test_amounts_have_exactly_two_decimals(small: Path) -> None:
    columns = {
        "loans": ["principal", "outstanding_balance", "overdue_amount"],
        "actions": ["promised_amount", "cost"],
        "payments": ["amount"],
    }
    for kind, names in columns.items():
        for path in files_of(small, kind):
            frame = read_table(path)
            for name in names:
                values = frame[name].drop_nulls()
                assert values.str.contains(MONEY).all(), (path.name, name)


def test_reversals_net_off_an_earlier_payment(medium: Path) -> None:
    payments = pl.concat(
        [
            read_table(p).select("loan_id", day("paid_at").alias("paid_on"), amount("amount"))
            for p in files_of(medium, "payments")
        ]
    )
    reversals = payments.filter(pl.col("amount") < 0)
    assert 0 < reversals.height < 0.02 * payments.height
    earlier = reversals.join(payments, on="loan_id", suffix="_paid").filter(
        (pl.col("amount_paid") == -pl.col("amount")) & (pl.col("paid_on_paid") <= pl.col("paid_on"))
    )
    assert earlier["loan_id"].n_unique() == reversals["loan_id"].n_unique()


def test_contacts_hold_realistic_malformed_numbers(medium: Path) -> None:
    contacts = read_table(medium / "contacts.csv")
    customers = contacts["customer_id"].n_unique()
    assert 2.5 <= contacts.height / customers <= 3.5
    phone = pl.col("phone").str.replace_all(r"[\s()+-]", "").str.strip_prefix("86")
    well_formed = phone.str.contains(r"^1[3-9]\d{9}$") | phone.str.contains(r"^0\d{2,3}\d{8}$")
    malformed = contacts.select((~well_formed).mean()).item()
    assert 0.1 <= malformed <= 0.3
    assert contacts.filter(pl.col("phone").str.contains(r"^027-\d{7}$")).height > 0
    assert contacts.filter(phone.str.contains(r"^1\d{9}$")).height > 0
    assert contacts.filter(pl.col("phone") == "无").height > 0
    assert contacts.select(pl.struct("customer_id", "phone").is_duplicated().any()).item()


def test_id_numbers_are_plausible(small: Path) -> None:
    loans = read_table(small / "loans_2026-09.csv")
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    for id_number in loans["id_number"].unique().head(200):
        assert len(id_number) == 18 and id_number[:17].isdigit()
        total = sum(int(digit) * weight for digit, weight in zip(id_number, weights, strict=False))
        assert id_number[17] == "10X98765432"[total % 11]
    born = loans.select(pl.col("id_number").str.slice(6, 8).str.to_date("%Y%m%d", strict=False))
    assert born.null_count().item() == 0
    assert loans["customer_name"].str.len_chars().is_between(2, 3).all()


def test_rejects_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(InvalidDemoRequest, match="end_month"):
        generate_demo(tmp_path, loans=10, months=2, end_month="2026-13")
    with pytest.raises(InvalidDemoRequest, match="at least 1"):
        generate_demo(tmp_path, loans=0, months=2)


# --- a believable book (DOMAIN.md) --------------------------------------------------------


def test_loan_amounts_fit_their_products(large: Path) -> None:
    """Consumer loans of thousands to tens of thousands of yuan, car loans tens of thousands,
    business and equipment loans larger; no mortgages to raise the average."""
    loans = read_table(large / "loans_2026-10.csv").select(
        "product", amount("principal").alias("principal")
    )
    by_product = {
        product: pl.Series(principal)
        for product, principal in loans.group_by("product").agg("principal").iter_rows()
    }
    assert set(by_product) == {"个人消费贷", "车贷", "经营贷", "小微企业信用贷", "设备融资租赁"}

    def quantile(product: str, q: float) -> float:
        return by_product[product].quantile(q)

    assert 1_000 <= quantile("个人消费贷", 0.05) and quantile("个人消费贷", 0.95) < 100_000
    assert 5_000 <= quantile("个人消费贷", 0.5) <= 30_000
    assert 30_000 <= quantile("车贷", 0.5) <= 150_000
    for business in ("经营贷", "小微企业信用贷", "设备融资租赁"):
        assert quantile(business, 0.5) >= max(50_000, 3 * quantile("个人消费贷", 0.5))
    assert loans["principal"].mean() < 120_000


def test_field_collectors_make_about_their_quota_of_visits(large: Path) -> None:
    """Of the 24 field collectors, most make between 80 % and 120 % of their team's monthly
    quota, a few fall well short, none goes far over."""
    teams = read_table(large / "teams.xlsx").select(
        "team", "team_type", pl.col("monthly_visit_quota").cast(pl.Float64)
    )
    actions = read_table(large / "actions_2026-10.csv")
    visits = (
        actions.filter(canonical("method", METHODS) == "visit")
        .join(teams, on="team")
        .filter(pl.col("team_type") == "外访")
        .group_by("team", "collector", "monthly_visit_quota")
        .agg(share=pl.len() / pl.col("monthly_visit_quota").first())
    )
    assert visits.height == 24
    near_quota = visits.filter(pl.col("share").is_between(0.8, 1.2)).height
    assert near_quota >= 16
    assert 1 <= visits.filter(pl.col("share") < 0.8).height <= 8
    assert visits["share"].max() <= 1.25


def test_agency_collectors_visit_no_more_than_field_collectors(large: Path) -> None:
    """An agency's few collectors hold many cases; they visit a few of them, about as often
    as a field collector makes visits, not hundreds a month."""
    teams = read_table(large / "teams.xlsx").select(
        "team", "team_type", pl.col("monthly_visit_quota").cast(pl.Float64)
    )
    visits = (
        read_table(large / "actions_2026-10.csv")
        .filter(canonical("method", METHODS) == "visit")
        .join(teams, on="team")
        .group_by("team_type", "collector")
        .agg(visits=pl.len())
    )
    agencies = visits.filter(pl.col("team_type") == "委外")
    assert agencies.height >= 2
    assert agencies["visits"].max() <= teams["monthly_visit_quota"].max()


def test_no_customer_breaks_dozens_of_promises(loaded: duckdb.DuckDBPyConnection) -> None:
    """A promise is broken when nothing is paid on the loan from the day it was made to the
    promised date plus 3 days (METRICS.md); collectors stop taking the word of a debtor who
    broke it again and again, so even serial promisers break a handful, not dozens."""
    promises, broken_max, customers_breaking_repeatedly, most_in_a_month = counts(
        loaded,
        """
        with due as (
            select a.loan_id, cast(a.action_at as date) as promised_on, a.promised_date,
                exists (
                    select 1 from payments y
                    where y.loan_id = a.loan_id
                      and cast(y.paid_at as date)
                          between cast(a.action_at as date) and a.promised_date + 3
                ) as paid_some
            from actions a
            where a.promised_amount is not null
              and a.promised_date + 3 <= (select max(as_of_date) from loan_snapshots)
        ),
        customers as (select distinct loan_id, customer_id from loan_snapshots),
        per_customer as (
            select c.customer_id, count(*) filter (where not d.paid_some) as broken
            from due d join customers c using (loan_id)
            group by 1
        ),
        per_loan_month as (
            select loan_id, date_trunc('month', promised_on), count(*) as made
            from due group by all
        )
        select (select count(*) from due), (select max(broken) from per_customer),
            (select count(*) from per_customer where broken >= 3),
            (select max(made) from per_loan_month)
        """,
    )
    assert promises > 500
    assert customers_breaking_repeatedly > 10
    assert broken_max <= 10
    assert most_in_a_month <= 2


# --- cases, on a book generated and loaded with the recovery command ------------------------


def run_recovery(*args: str, db: Path) -> None:
    env = {**os.environ, "RECOVERY_DB": str(db)}
    result = subprocess.run(
        [str(RECOVERY), *args], capture_output=True, text=True, env=env, timeout=600
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """5,000 loans over 4 months: every file under 5,000 rows, so none has bad rows."""
    folder = tmp_path_factory.mktemp("loaded")
    db, files = folder / "recovery.duckdb", folder / "files"
    run_recovery("generate", "--loans", "5000", "--months", "4", "--seed", "5",
                 "--out", str(files), db=db)  # fmt: skip
    run_recovery("load", str(files), db=db)
    with open_catalog(db) as con:
        yield con


def counts(con: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    (row,) = con.sql(sql).fetchall()
    return row


# A case holds its loan from assigned_on up to, not including, ended_on (blank: still held).
HOLDS_ON = "{day} >= c.assigned_on and (c.ended_on is null or {day} < c.ended_on)"


def test_every_overdue_loan_is_held_every_day_since_it_fell_overdue(
    loaded: duckdb.DuckDBPyConnection,
) -> None:
    """Days past due count from the oldest unpaid due date: each day from the next one (or
    from the opening snapshot) up to the snapshot date, exactly one case holds the loan."""
    overdue, not_held = counts(
        loaded,
        """
        with overdue as (
            select s.loan_id, s.as_of_date,
                greatest(s.as_of_date - s.days_past_due + 1,
                         (select min(as_of_date) from loan_snapshots)) as since
            from loan_snapshots s
            where s.status = 'active' and s.days_past_due > 0
        ),
        held as (
            select o.loan_id, o.as_of_date, o.since,
                sum(greatest(0, least(coalesce(c.ended_on, o.as_of_date + 1), o.as_of_date + 1)
                                - greatest(c.assigned_on, o.since))) as days_held
            from overdue o left join assignments c on c.loan_id = o.loan_id
            group by all
        )
        select count(*), count(*) filter (where coalesce(days_held, 0) <> as_of_date + 1 - since)
        from held
        """,
    )
    assert overdue > 1_000
    assert not_held == 0


def test_a_loan_falling_overdue_goes_to_a_phone_team_that_day_at_the_overdue_amount(
    loaded: duckdb.DuckDBPyConnection,
) -> None:
    """Loans current at one month end and overdue at the next fell overdue in the month, the
    day after the due date they missed; none paid since (only curing would have)."""
    fell_overdue, placed_so = counts(
        loaded,
        """
        select count(*), count(c.assignment_id)
        from loan_snapshots s
        join loan_snapshots before
            on before.loan_id = s.loan_id
            and before.as_of_date = cast(date_trunc('month', s.as_of_date) - interval 1 day as date)
            and before.status = 'active' and before.days_past_due = 0
        left join assignments c
            on c.loan_id = s.loan_id
            and c.assigned_on = s.as_of_date - s.days_past_due + 1
            and c.days_past_due = 1
            and c.assigned_amount = s.overdue_amount
            and c.team in (select team from teams where team_type = 'phone')
        where s.status = 'active' and s.days_past_due > 0
        """,
    )
    assert fell_overdue > 100
    assert placed_so == fell_overdue


def test_no_two_cases_of_a_loan_overlap(loaded: duckdb.DuckDBPyConnection) -> None:
    cases, loans_moved_on, overlapping = counts(
        loaded,
        """
        select (select count(*) from assignments),
            (select count(*) from (select loan_id from assignments group by 1 having count(*) > 1)),
            (select count(*)
             from assignments a join assignments b
                on a.loan_id = b.loan_id and a.assignment_id < b.assignment_id
                and a.assigned_on < coalesce(b.ended_on, date '9999-12-31')
                and b.assigned_on < coalesce(a.ended_on, date '9999-12-31'))
        """,
    )
    assert cases > 500 and loans_moved_on > 100
    assert overlapping == 0


def test_each_action_on_a_held_loan_is_made_by_its_cases_team_and_collector(
    loaded: duckdb.DuckDBPyConnection,
) -> None:
    held = HOLDS_ON.format(day="cast(a.action_at as date)")
    worked, by_another = counts(
        loaded,
        f"""
        select count(*), count(*) filter (where a.team <> c.team or a.collector <> c.collector)
        from actions a join assignments c on c.loan_id = a.loan_id and {held}
        """,
    )
    assert worked > 10_000
    assert by_another == 0
    # The rest are SMS reminders before a due date, sent by phone teams.
    unheld = loaded.sql(
        f"""
        select distinct a.method, t.team_type
        from actions a join teams t on t.team = a.team
        where not exists (
            select 1 from assignments c where c.loan_id = a.loan_id and {held})
        """
    ).fetchall()
    assert unheld == [("sms", "phone")]
    # Phone teams neither visit, sue, place with an agency nor repossess.
    assert counts(
        loaded,
        """
        select count(*) from actions a join teams t on t.team = a.team
        where t.team_type = 'phone' and a.method in ('visit', 'legal', 'agency', 'repossession')
        """,
    ) == (0,)


def test_snapshots_name_the_team_and_collector_holding_the_case(
    loaded: duckdb.DuckDBPyConnection,
) -> None:
    held = HOLDS_ON.format(day="s.as_of_date")
    overdue, named_otherwise = counts(
        loaded,
        f"""
        select count(*),
            count(*) filter (where c.team is distinct from s.team
                             or c.collector is distinct from s.collector)
        from loan_snapshots s left join assignments c on c.loan_id = s.loan_id and {held}
        where s.status = 'active' and s.days_past_due > 0
        """,
    )
    assert overdue > 1_000
    assert named_otherwise == 0


def test_legal_and_agency_cases_are_placed_at_the_outstanding_balance(
    loaded: duckdb.DuckDBPyConnection,
) -> None:
    """Compared with the last snapshot before the placement, for loans that paid nothing in
    between; phone and field cases are placed at the overdue amount, never 0."""
    full, not_full, early, at_zero = counts(
        loaded,
        """
        with placed as (
            select c.*, t.team_type, s.outstanding_balance, s.as_of_date
            from assignments c
            join teams t on t.team = c.team
            join loan_snapshots s on s.loan_id = c.loan_id and s.as_of_date = (
                select max(x.as_of_date) from loan_snapshots x
                where x.loan_id = c.loan_id and x.as_of_date <= c.assigned_on)
            where not exists (
                select 1 from payments y
                where y.loan_id = c.loan_id and cast(y.paid_at as date) > s.as_of_date
                  and cast(y.paid_at as date) < c.assigned_on)
        )
        select
            count(*) filter (where team_type in ('legal', 'agency')),
            count(*) filter (where team_type in ('legal', 'agency')
                             and assigned_amount <> outstanding_balance),
            count(*) filter (where team_type in ('phone', 'field')),
            count(*) filter (where team_type in ('phone', 'field') and assigned_amount <= 0)
        from placed
        """,
    )
    assert full > 20 and early > 300
    assert not_full == 0
    assert at_zero == 0


# --- the figures a lender looks at first, on a book loaded with the recovery command -------


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """12,000 loans over 13 months: enough for flow rates and visit quotas, loaded in seconds."""
    folder = tmp_path_factory.mktemp("book")
    db, files = folder / "recovery.duckdb", folder / "files"
    run_recovery("generate", "--loans", "12000", "--months", "13", "--seed", "3",
                 "--out", str(files), db=db)  # fmt: skip
    run_recovery("load", str(files), db=db)
    with open_catalog(db) as con:
        yield con


LATEST = "(select max(as_of_date) from loan_snapshots)"


def test_most_loans_are_current(book: duckdb.DuckDBPyConnection) -> None:
    share_of_loans, share_of_balance = counts(
        book,
        f"""
        select avg((days_past_due = 0)::int),
            sum(outstanding_balance) filter (where days_past_due = 0) / sum(outstanding_balance)
        from loan_snapshots where as_of_date = {LATEST} and status = 'active'
        """,
    )
    assert 0.88 <= share_of_loans <= 0.97
    assert 0.88 <= share_of_balance <= 0.97


def test_average_balances_fit_their_products(book: duckdb.DuckDBPyConnection) -> None:
    """Consumer loans of thousands to tens of thousands of yuan, business and equipment
    loans larger (DOMAIN.md)."""
    rows = book.sql(
        f"""
        select product, avg(outstanding_balance)::double
        from loan_snapshots
        where as_of_date = {LATEST} and status = 'active' and outstanding_balance > 0
        group by 1
        """
    ).fetchall()
    balance = dict(rows)
    assert set(balance) == {"个人消费贷", "车贷", "经营贷", "小微企业信用贷", "设备融资租赁"}
    assert 3_000 <= balance["个人消费贷"] <= 30_000
    assert 20_000 <= balance["车贷"] <= 100_000
    for business in ("经营贷", "小微企业信用贷", "设备融资租赁"):
        assert balance[business] >= max(40_000, 3 * balance["个人消费贷"]), business
    assert balance["设备融资租赁"] > balance["车贷"]


def flow_rates(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, float]]:
    """Per bucket at one month end, the share of its loans in each state at the next
    (METRICS.md's roll rates), pooled over the months."""
    rows = con.sql(
        """
        with states as (
            select as_of_date, loan_id,
                case when status <> 'active' then status
                     when days_past_due = 0 then 'Current'
                     when days_past_due <= 30 then 'M1' when days_past_due <= 60 then 'M2'
                     when days_past_due <= 90 then 'M3' when days_past_due <= 120 then 'M4'
                     when days_past_due <= 150 then 'M5' when days_past_due <= 180 then 'M6'
                     else 'M7+' end as state
            from loan_snapshots
        ),
        dates as (
            select as_of_date, lead(as_of_date) over (order by as_of_date) as next_date
            from (select distinct as_of_date from states)
        ),
        moves as (
            select a.state as from_state, coalesce(b.state, 'gone') as to_state
            from states a
            join dates d on d.as_of_date = a.as_of_date and d.next_date is not null
            left join states b on b.loan_id = a.loan_id and b.as_of_date = d.next_date
            where a.state not in ('settled', 'written_off')
        )
        select from_state, to_state, count(*) / sum(count(*)) over (partition by from_state)
        from moves group by from_state, to_state
        """
    ).fetchall()
    rates: dict[str, dict[str, float]] = {}
    for from_state, to_state, share in rows:
        rates.setdefault(from_state, {})[to_state] = share
    return rates


def test_delinquency_flows_like_a_real_book(book: duckdb.DuckDBPyConnection) -> None:
    """Few current loans fall overdue in a month; M1 flows to M2 in the tens of percent, the
    rest mostly cure; the later a stage, the more of it rolls on and the less cures."""
    rates = flow_rates(book)
    assert 0.005 <= rates["Current"]["M1"] <= 0.04
    assert 0.2 <= rates["M1"]["M2"] <= 0.55
    assert rates["M1"]["Current"] >= 0.25
    stages = ["M1", "M2", "M3", "M4", "M5", "M6", "M7+"]
    for stage, later in zip(stages[1:-1], stages[2:], strict=True):
        assert 0.5 <= rates[stage][later] <= 0.95, stage
    assert rates["M1"]["Current"] > rates["M2"]["Current"] > rates["M4"]["Current"]
    assert rates["M7+"].get("written_off", 0) > 0.02


def test_recovery_falls_with_the_stage(book: duckdb.DuckDBPyConnection) -> None:
    """What each kind of team recovers of what it is placed, over the months: phone teams
    (M1) about half, not nearly all; field teams (M2-M6) less; legal and agencies, placed at
    the whole balance of 180+ day loans, a few percent."""
    rows = book.sql(
        """
        select t.team_type, sum(c.recovered) / sum(c.placed)
        from case_months c join teams t using (team)
        where c.placed > 0
        group by 1
        """
    ).fetchall()
    rate = {team_type: float(value) for team_type, value in rows}
    assert 0.3 <= rate["phone"] <= 0.62
    assert 0.08 <= rate["field"] <= 0.35
    assert rate["legal"] <= 0.08 and rate["agency"] <= 0.1
    assert rate["phone"] > rate["field"] > max(rate["legal"], rate["agency"])


def test_actions_climb_the_escalation_ladder(book: duckdb.DuckDBPyConnection) -> None:
    """SMS and calls on M1 cases, never a visit, lawyer's letter, lawsuit, agency or
    repossession; visits and lawyer's letters from M2; lawsuits and agencies late (DOMAIN.md)."""
    rows = book.sql(
        """
        select c.placed_bucket, a.method, count(*)
        from actions a
        join cases c on c.loan_id = a.loan_id
            and cast(a.action_at as date) >= c.held_from
            and cast(a.action_at as date) < c.held_until
        group by all
        """
    ).fetchall()
    by_stage: dict[str, dict[str, int]] = {}
    for stage, method, count in rows:
        by_stage.setdefault(stage, {})[method] = count
    m1 = by_stage["M1"]
    assert (m1.get("sms", 0) + m1.get("phone", 0)) / sum(m1.values()) > 0.95
    for method in ("visit", "lawyer_letter", "legal", "agency", "repossession"):
        assert method not in m1, method
    assert by_stage["M2"]["visit"] > 0 and by_stage["M2"]["lawyer_letter"] > 0
    for method in ("legal", "agency"):
        assert method not in by_stage["M2"], method
        assert by_stage["M7+"][method] > 0, method
    early = {stage for stage, methods in by_stage.items() if "visit" in methods}
    assert "M1" not in early and "Current" not in early


def test_promises_are_kept_and_broken_at_believable_rates(
    book: duckdb.DuckDBPyConnection,
) -> None:
    """About a third of due promises kept, a fifth partly, the rest broken; no customer
    breaks dozens."""
    kept, partly, broken, most_broken = counts(
        book,
        """
        with broken as (
            select s.customer_id, count(*) as broken
            from promise_outcomes p
            join (select distinct loan_id, customer_id from loan_snapshots) s using (loan_id)
            where p.verdict = 'broken'
            group by 1
        )
        select avg((verdict = 'kept')::int), avg((verdict = 'partly_kept')::int),
            avg((verdict = 'broken')::int), (select max(broken) from broken)
        from promise_outcomes
        """,
    )
    assert 0.2 <= kept <= 0.5
    assert 0.1 <= partly <= 0.35
    assert 0.3 <= broken <= 0.6
    assert 3 <= most_broken <= 12


def test_field_collectors_visit_about_their_quota_each_month(
    book: duckdb.DuckDBPyConnection,
) -> None:
    """Month after month most field collectors make about their team's quota, a few fall
    well short, none goes far over: a small book has field teams to its size."""
    shares = [
        share
        for (share,) in book.sql(
            """
            select count(*) / any_value(t.monthly_visit_quota)
            from actions a join teams t using (team)
            where a.method = 'visit' and t.team_type = 'field'
            group by a.collector, date_trunc('month', a.action_at)
            """
        ).fetchall()
    ]
    assert len(shares) >= 6 * 13
    shares.sort()
    assert 0.85 <= shares[len(shares) // 2] <= 1.1
    short = sum(share < 0.8 for share in shares) / len(shares)
    assert 0.03 <= short <= 0.35
    assert shares[-1] <= 1.25
