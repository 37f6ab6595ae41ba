"""Portfolio measures on a tiny book whose answers are worked out by hand below."""

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from queries.filters import BadPeriod, Filters, previous_period
from queries.portfolio import (
    aging,
    aging_trend,
    classification,
    cure_rate,
    portfolio_summary,
    portfolio_trend,
    roll_rates,
    vintage_curves,
)
from recovery.settings import Settings
from tests.helpers import load, write_csv

HEADER = ["as_of_date", "loan_id", "customer_id", "branch", "product", "team", "principal",
          "outstanding_balance", "days_past_due", "status"]  # fmt: skip
BOOK = [
    # A mid-month snapshot: the month-end one is the latest and the only one used.
    ["2026-10-15", "L1", "C1", "武汉分行", "车贷", "T1", "5000", "9999.00", "0", "active"],
    ["2026-10-31", "L1", "C1", "武汉分行", "车贷", "T1", "5000", "1000.10", "0", "active"],
    ["2026-10-31", "L2", "C2", "武汉分行", "车贷", "T1", "5000", "2000.20", "15", "active"],
    ["2026-10-31", "L3", "C3", "深圳分行", "经营贷", "T2", "5000", "3000.30", "95", "active"],
    ["2026-10-31", "L4", "C4", "深圳分行", "经营贷", "T2", "5000", "4000.40", "400", "active"],
    ["2026-10-31", "L5", "C5", "武汉分行", "车贷", "T1", "5000", "0.00", "0", "settled"],
    ["2026-10-31", "L6", "C6", "深圳分行", "车贷", "T2", "5000", "500.00", "500", "written_off"],
    ["2026-09-30", "L1", "C1", "武汉分行", "车贷", "T1", "5000", "1100.00", "0", "active"],
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("portfolio")
    settings = Settings(db=folder / "recovery.duckdb")
    [outcome] = load(settings, write_csv(folder / "loans.csv", HEADER, BOOK))
    assert outcome.rows_rejected == 0
    return settings.db


def summary_frame(as_of, loans, outstanding, overdue, overdue_ratio, npl, npl_ratio):
    return pl.DataFrame(
        [[as_of, loans, outstanding, overdue, overdue_ratio, npl, npl_ratio]],
        schema={
            "as_of_date": pl.Date,
            "count_active_loans": pl.Int64,
            "outstanding": pl.Decimal(38, 2),
            "overdue_outstanding": pl.Decimal(38, 2),
            "overdue_ratio": pl.Float64,
            "npl_outstanding": pl.Decimal(38, 2),
            "npl_ratio": pl.Float64,
        },  # fmt: skip
        orient="row",
    )


def test_summary_of_the_whole_book(db: Path) -> None:
    # Active: L1..L4. Outstanding 1000.10 + 2000.20 + 3000.30 + 4000.40 = 10001.00.
    # Overdue (dpd > 0): L2 + L3 + L4 = 9000.90. Non-performing: L3 (95 days, substandard)
    # + L4 (400 days, loss) = 7000.70.
    expected = summary_frame(
        date(2026, 10, 31), 4, D("10001.00"), D("9000.90"), 9000.90 / 10001.00, D("7000.70"),
        7000.70 / 10001.00,
    )  # fmt: skip
    assert_frame_equal(portfolio_summary(db, Filters("2026-10")), expected, check_dtypes=False)


def test_summary_of_one_branch(db: Path) -> None:
    # 武汉分行 active: L1 1000.10 + L2 2000.20 = 3000.30; overdue L2; nothing non-performing.
    expected = summary_frame(
        date(2026, 10, 31), 2, D("3000.30"), D("2000.20"), 2000.20 / 3000.30, D("0.00"), 0.0
    )
    result = portfolio_summary(db, Filters("2026-10", branch="武汉分行"))
    assert_frame_equal(result, expected, check_dtypes=False)


def test_the_previous_month_uses_its_own_snapshot(db: Path) -> None:
    expected = summary_frame(date(2026, 9, 30), 1, D("1100.00"), D("0.00"), 0.0, D("0.00"), 0.0)
    assert_frame_equal(portfolio_summary(db, Filters("2026-09")), expected, check_dtypes=False)


@pytest.mark.parametrize(
    "filters",
    [
        Filters("2025-01"),
        Filters("2026-10", branch="x' or '1'='1"),
        Filters("2026-10", team="T1; drop table loan_snapshots; --"),
        Filters("2026-10", product='"; select 1; --'),
    ],
)
def test_an_empty_selection_has_no_ratio(db: Path, filters: Filters) -> None:
    result = portfolio_summary(db, filters)
    assert result.select("count_active_loans", "outstanding").row(0) == (0, D("0.00"))
    assert result.select("overdue_ratio", "npl_ratio").row(0) == (None, None)


def test_aging_buckets(db: Path) -> None:
    total = 10001.00
    expected = pl.DataFrame(
        {
            "bucket": ["Current", "M1", "M2", "M3", "M4", "M5", "M6", "M7+"],
            "count_loans": [1, 1, 0, 0, 1, 0, 0, 1],
            "outstanding": [
                D("1000.10"),
                D("2000.20"),
                D(0),
                D(0),
                D("3000.30"),
                D(0),
                D(0),
                D("4000.40"),
            ],  # fmt: skip
            "loans_share": [0.25, 0.25, 0.0, 0.0, 0.25, 0.0, 0.0, 0.25],
            "outstanding_share": [
                1000.10 / total,
                2000.20 / total,
                0.0,
                0.0,
                3000.30 / total,
                0.0,
                0.0,
                4000.40 / total,
            ],  # fmt: skip
        }
    )
    result = aging(db, Filters("2026-10"))
    assert_frame_equal(result, expected, check_dtypes=False)
    assert result["loans_share"].sum() == pytest.approx(1.0)
    assert result["outstanding_share"].sum() == pytest.approx(1.0)


def test_aging_of_an_empty_selection_lists_every_bucket_with_no_share(db: Path) -> None:
    result = aging(db, Filters("2025-01"))
    assert result["bucket"].to_list() == ["Current", "M1", "M2", "M3", "M4", "M5", "M6", "M7+"]
    assert result["count_loans"].sum() == 0
    assert result["loans_share"].null_count() == 8


def test_classification_tiers(db: Path) -> None:
    total = 10001.00
    expected = pl.DataFrame(
        {
            "tier": ["normal", "special_mention", "substandard", "doubtful", "loss"],
            "count_loans": [1, 1, 1, 0, 1],
            "outstanding": [D("1000.10"), D("2000.20"), D("3000.30"), D(0), D("4000.40")],
            "outstanding_share": [
                1000.10 / total,
                2000.20 / total,
                3000.30 / total,
                0.0,
                4000.40 / total,
            ],  # fmt: skip
            "is_non_performing": [False, False, True, True, True],
        }
    )
    assert_frame_equal(classification(db, Filters("2026-10")), expected, check_dtypes=False)


@pytest.mark.parametrize("period", ["2026-13", "2026-1", "October", "2026-10-01", ""])
def test_a_period_must_be_a_month(period: str) -> None:
    with pytest.raises(BadPeriod, match="YYYY-MM"):
        Filters(period)


def test_previous_period_crosses_the_year() -> None:
    assert (previous_period("2026-01"), previous_period("2026-10")) == ("2025-12", "2026-09")


def test_trend_takes_each_months_latest_snapshot(db: Path) -> None:
    result = portfolio_trend(db, Filters("2026-10"))
    assert result.select("as_of_date", "count_active_loans", "outstanding").rows() == [
        (date(2026, 9, 30), 1, D("1100.00")),
        (date(2026, 10, 31), 4, D("10001.00")),
    ]
    assert result["npl_ratio"].to_list() == [0.0, 7000.70 / 10001.00]
    # Twelve months back from 2027-09 is 2026-10: September 2026 falls out.
    assert portfolio_trend(db, Filters("2027-09"))["as_of_date"].to_list() == [date(2026, 10, 31)]


ROLLS = [
    # September: R1, R2 current; R3, R4, R5, R8 in M1; R7 in M2; R6 in M7+; R9 settled.
    # October: R1 stays, R2 falls to M1, R3 rolls to M2, R4 cures, R5 settles, R8 skips to
    # M4, R7 is not reported, R6 is written off.
    ("R1", 0, "active", 0, "active"),
    ("R2", 0, "active", 20, "active"),
    ("R3", 10, "active", 40, "active"),
    ("R4", 20, "active", 0, "active"),
    ("R5", 25, "active", 0, "settled"),
    ("R6", 200, "active", 230, "written_off"),
    ("R7", 50, "active", None, None),
    ("R8", 5, "active", 95, "active"),
    ("R9", 0, "settled", 0, "settled"),
]


@pytest.fixture(scope="module")
def rolls_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("rolls")
    settings = Settings(db=folder / "recovery.duckdb")
    rows = []
    for loan, dpd_before, status_before, dpd_after, status_after in ROLLS:
        rows.append(["2026-09-30", loan, "C" + loan, "B", "P", "T", "100", "50", str(dpd_before),
                     status_before])  # fmt: skip
        if status_after:
            rows.append(["2026-10-31", loan, "C" + loan, "B", "P", "T", "100", "50",
                         str(dpd_after), status_after])  # fmt: skip
    load(settings, write_csv(folder / "loans.csv", HEADER, rows))
    return settings.db


def test_roll_rate_matrix(rolls_db: Path) -> None:
    matrix = roll_rates(rolls_db, Filters("2026-10"))
    non_zero = matrix.filter(pl.col("count_loans") > 0).rows()
    assert non_zero == [
        ("Current", "Current", 1, 0.5),
        ("Current", "M1", 1, 0.5),
        ("M1", "Current", 1, 0.25),
        ("M1", "M2", 1, 0.25),
        ("M1", "M4", 1, 0.25),
        ("M1", "settled", 1, 0.25),
        ("M2", "not_reported", 1, 1.0),
        ("M7+", "written_off", 1, 1.0),
    ]
    assert matrix.height == 8 * 11  # every bucket to every state
    sums = matrix.group_by("from_bucket").agg(
        pl.col("roll_rate").sum(), pl.col("count_loans").sum()
    )
    for bucket, rate_sum, loans in sums.rows():
        assert rate_sum == (pytest.approx(1.0) if loans else 0.0), bucket
    empty = matrix.filter(pl.col("from_bucket") == "M3")["roll_rate"]
    assert empty.null_count() == 11


def test_cure_rate(rolls_db: Path) -> None:
    # Overdue in September: R3, R4, R5, R6, R7, R8 = 6; current in October: R4 only.
    assert cure_rate(rolls_db, Filters("2026-10")).row(0) == (6, 1, 1 / 6)
    assert cure_rate(rolls_db, Filters("2026-09")).row(0) == (0, 0, None)


VINTAGES = [  # snapshot, loan, disbursed, principal, days past due, status
    ("2026-08-31", "V1", "2026-08-05", "1000", 0, "active"),
    ("2026-08-31", "V2", "2026-08-20", "3000", 0, "active"),
    ("2026-09-30", "V1", "2026-08-05", "1000", 30, "active"),
    ("2026-09-30", "V2", "2026-08-20", "3000", 0, "active"),
    ("2026-09-30", "V3", "2026-09-10", "2000", 0, "active"),
    ("2026-10-31", "V1", "2026-08-05", "1000", 60, "active"),
    ("2026-10-31", "V2", "2026-08-20", "3000", 95, "active"),
    ("2026-10-31", "V3", "2026-09-10", "2000", 40, "written_off"),
]


def test_vintage_curves(tmp_path: Path) -> None:
    settings = Settings(db=tmp_path / "recovery.duckdb")
    rows = [[s, loan, "C" + loan, disbursed, principal, "100", str(dpd), status]
            for s, loan, disbursed, principal, dpd, status in VINTAGES]  # fmt: skip
    header = ["as_of_date", "loan_id", "customer_id", "disbursed_on", "principal",
              "outstanding_balance", "days_past_due", "status"]  # fmt: skip
    load(settings, write_csv(tmp_path / "loans.csv", header, rows))
    curves = vintage_curves(settings.db, Filters("2026-10"))
    # August's 4000: V1 (1000) 30+ from September, V2 (3000) 90+ in October. September's
    # 2000: V3 written off in October counts as 30+ and 90+.
    assert curves.select(
        "vintage", "months_on_book", "vintage_principal", "share_30_plus", "share_90_plus"
    ).rows() == [
        (date(2026, 8, 1), 0, D("4000.00"), 0.0, 0.0),
        (date(2026, 8, 1), 1, D("4000.00"), 0.25, 0.0),
        (date(2026, 8, 1), 2, D("4000.00"), 1.0, 0.75),
        (date(2026, 9, 1), 0, D("2000.00"), 0.0, 0.0),
        (date(2026, 9, 1), 1, D("2000.00"), 1.0, 1.0),
    ]


def test_aging_trend(db: Path) -> None:
    trend = aging_trend(db, Filters("2026-10"))
    assert trend.height == 2 * 8  # two months with a snapshot, every bucket
    assert trend.filter(pl.col("count_loans") > 0).rows() == [
        (date(2026, 9, 30), "Current", 1, D("1100.00")),
        (date(2026, 10, 31), "Current", 1, D("1000.10")),
        (date(2026, 10, 31), "M1", 1, D("2000.20")),
        (date(2026, 10, 31), "M4", 1, D("3000.30")),
        (date(2026, 10, 31), "M7+", 1, D("4000.40")),
    ]
