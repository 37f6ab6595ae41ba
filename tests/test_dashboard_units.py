"""The dashboard's pure parts: number formats, the URL view, safe downloads, the catalogue,
the answer cache, empty states of the figure builders and drill-down specs."""

import csv
import io
import re
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import polars as pl
import pytest

from dashboard import data, downloads, drill, formatting
from dashboard.figures import contacts, portfolio, promises, recovery
from dashboard.i18n import CATALOGUE, LANGUAGES, t, value_label
from dashboard.view import View
from queries.filters import Filters, trend_periods
from queries.ranking import collectors_within_teams

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


@pytest.mark.parametrize(
    ("value", "lang", "shown"),
    [
        (D("273237319.45"), "zh", "2.73亿"),
        (D("904512.00"), "zh", "90.45万"),
        (D("9999.99"), "zh", "9,999.99"),
        (D("-123456"), "zh", "-12.35万"),
        (D("273237319.45"), "en", "273.24 m"),
        (D("143832448878.12"), "en", "143.83 bn"),
        (D("-904512.40"), "en", "-904,512"),
        (0, "en", "0"),
        (None, "zh", "—"),
        (None, "en", "—"),
    ],
)
def test_amounts_in_each_language(value: object, lang: str, shown: str) -> None:
    assert formatting.amount(value, lang) == shown


def test_amounts_stay_short_enough_for_a_card() -> None:
    # up to a trillion: at most 11 characters in either language (1,000.00 bn, 10,000.00亿)
    for value in (D("999999999999.99"), D("-123456789012.34"), D("88888888.88")):
        for lang in ("zh", "en"):
            assert len(formatting.amount(value, lang)) <= 11, (value, lang)


def test_rates_and_changes() -> None:
    assert formatting.rate(0.12345) == "12.3%"
    assert formatting.rate(None) == "—"  # a zero denominator is never 0 %
    assert formatting.rate(0.0) == "0.0%"
    assert formatting.rate_change(-0.008, "zh") == "-0.8 个百分点"
    assert formatting.rate_change(0.0123, "en") == "+1.2 pp"
    assert formatting.relative_change(2.188) == "+218.8%"
    assert formatting.exact_amount(D("1234567.5")) == "1,234,567.50"
    assert formatting.period_label("2026-10", "zh") == "2026年10月"
    assert formatting.period_label("2026-03", "en") == "Mar 2026"
    assert formatting.zoned_moment(0, "Asia/Shanghai") == "1970-01-01 08:00 (Asia/Shanghai)"


@pytest.mark.parametrize(
    ("largest", "lang", "unit"),
    [(D("5e8"), "zh", (D(10) ** 8, "亿元")), (D("5e5"), "zh", (D(10) ** 4, "万元")),
     (D("500"), "zh", (D(1), "元")), (D("5e8"), "en", (D(10) ** 6, "millions")),
     (D("5e3"), "en", (D(10) ** 3, "thousands"))],
)  # fmt: skip
def test_money_axis_units(largest: D, lang: str, unit: tuple) -> None:
    assert formatting.money_axis_unit(largest, lang) == unit


def test_the_view_round_trips_through_the_url() -> None:
    query = {"period": "2026-09", "team": "总部电催一组", "lang": "en", "window": "14"}
    view = View.from_query(query, default_period="2026-10", default_window=30)
    assert view == View(Filters("2026-09", team="总部电催一组"), "en", 14)
    again = View.from_query(
        dict(pair.split("=") for pair in view.search()[1:].split("&")),
        default_period="2026-10",
        default_window=30,
    )
    assert again.filters.period == "2026-09" and again.lang == "en" and again.window_days == 14
    assert View.from_data(view.as_data()) == view
    assert "team" not in view.search(team=None)


@pytest.mark.parametrize(
    "query",
    [{"period": "2026-13"}, {"period": "last month"}, {"lang": "fr"}, {"window": "-3"},
     {"window": "abc"}, {}],
)  # fmt: skip
def test_a_bad_url_falls_back_to_the_defaults(query: dict) -> None:
    view = View.from_query(query, default_period="2026-10", default_window=30)
    assert view == View(Filters("2026-10"), "zh", 30)


FORMULAS = ["=1+2", "+cmd", "-2+3", "@SUM(A1)", "\t=x", "\r=y"]


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_cells_are_neutralised(text: str) -> None:
    assert downloads.neutralised(text) == "'" + text


def test_plain_cells_and_numbers_are_kept() -> None:
    assert downloads.neutralised("张*") == "张*"
    assert downloads.neutralised(-5) == -5
    assert downloads.neutralised(12.5) == 12.5
    assert downloads.neutralised(None) is None


COLUMNS = [("loan_id", "Loan"), ("note", "=Note"), ("amount", "Amount")]
ROWS = [
    {"loan_id": "L1", "note": '=HYPERLINK("http://x")', "amount": 1234.5},
    {"loan_id": "L2", "note": "王*", "amount": -5.0},
    {"loan_id": "L3", "note": None, "amount": None},
]


def test_csv_download_is_exactly_the_table_and_inert() -> None:
    content = downloads.csv_bytes(ROWS, COLUMNS)
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows == [
        ["Loan", "'=Note", "Amount"],
        ["L1", '\'=HYPERLINK("http://x")', "1234.5"],
        ["L2", "王*", "-5.0"],
        ["L3", "", ""],
    ]


def test_xlsx_download_is_exactly_the_table_and_inert() -> None:
    content = downloads.xlsx_bytes(ROWS, COLUMNS, sheet="loans")
    frame = pl.read_excel(io.BytesIO(content), engine="calamine", has_header=False)
    assert frame.rows() == [
        ("Loan", "'=Note", "Amount"),
        ("L1", '\'=HYPERLINK("http://x")', "1234.5"),
        ("L2", "王*", "-5"),
        ("L3", None, None),
    ]


# The language switch names the other language in its own words (中文 on an English page).
OTHER_LANGUAGE_NAME = "lang.switch"


def test_every_label_has_both_languages() -> None:
    for key, texts in CATALOGUE.items():
        assert set(texts) == set(LANGUAGES), key
        assert all(texts.values()), key
        if key != OTHER_LANGUAGE_NAME:
            assert not CJK.search(texts["en"]), f"{key}: Chinese in the English label"
        assert set(re.findall(r"\{(\w+)\}", texts["zh"])) == set(
            re.findall(r"\{(\w+)\}", texts["en"])
        ), f"{key}: placeholders differ"


def test_values_are_translated_when_the_catalogue_knows_them() -> None:
    assert value_label("method", "visit", "zh") == "外访"
    assert value_label("method", "visit", "en") == "Field visit"
    assert value_label("bucket", "M3", "zh") == "M3"  # a bucket name from the config
    assert value_label("team", "总部法务组", "en") == "总部法务组"  # data, as written
    assert value_label("tier", None, "en") == "—"


def test_the_cache_answers_once_per_key_and_stays_bounded() -> None:
    cache = data.AnswerCache(max_entries=2)
    calls: list[str] = []

    def compute(key: str):
        return lambda: calls.append(key) or key.upper()

    assert cache.get("a", compute("a")) == "A"
    assert cache.get("a", compute("a")) == "A"
    assert calls == ["a"] and cache.stats.hits == 1 and cache.stats.misses == 1
    cache.get("b", compute("b"))
    cache.get("c", compute("c"))  # evicts a, the least recently used
    cache.get("a", compute("a"))
    assert calls == ["a", "b", "c", "a"]


def test_a_new_database_file_is_a_new_key(tmp_path: Path) -> None:
    db = tmp_path / "book.duckdb"
    db.write_bytes(b"one")
    first = data.database_identity(db)
    replacement = tmp_path / "book.duckdb.tmp"
    replacement.write_bytes(b"two")
    replacement.replace(db)  # as a load swaps a new file in
    assert data.database_identity(db) != first


def test_trend_periods_cross_the_year() -> None:
    assert trend_periods("2026-02", 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]


EMPTY_FIGURES = [
    lambda lang: portfolio.recovered_trend(
        pl.DataFrame({"period": [], "repaid": [], "recovered": []}),
        lang,
    ),
    lambda lang: portfolio.aging_trend(
        pl.DataFrame(schema={"as_of_date": pl.Date, "bucket": pl.String, "count_loans": pl.Int64,
                             "outstanding": pl.Decimal(18, 2)}),
        lang, value="count_loans",
    ),
    lambda lang: portfolio.roll_matrix(
        pl.DataFrame({"from_bucket": ["M1"], "to_state": ["M2"], "count_loans": [0],
                      "roll_rate": [None]}), lang,
    ),
    lambda lang: portfolio.cure_trend(
        pl.DataFrame({"period": [], "count_overdue_before": [], "count_cured": [],
                      "cure_rate": []}), lang,
    ),
    lambda lang: recovery.recovery_index(
        pl.DataFrame({"method": [], "recovery_index": [], "expected_recovered": []}),
        lang,
        dimension="method",
    ),
    lambda lang: contacts.best_time(
        pl.DataFrame({"weekday": [], "hour": [], "count_phone_actions": []}), lang
    ),
    lambda lang: promises.promise_outcomes(
        pl.DataFrame({"period": ["2026-10"], "count_made": [0], "count_due": [0]}), lang
    ),
]  # fmt: skip


@pytest.mark.parametrize("build", EMPTY_FIGURES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_figures_say_when_there_is_no_data(build, lang: str) -> None:
    figure = build(lang)
    assert [a.text for a in figure.layout.annotations] == [t("empty.figure", lang)]
    assert figure.data == ()


def test_figures_label_in_the_readers_language() -> None:
    frame = pl.DataFrame(
        {
            "tier": ["normal", "loss"],
            "count_loans": [3, 1],
            "outstanding": [D("300.00"), D("120000.00")],
            "outstanding_share": [0.0025, 0.9975],
            "is_non_performing": [False, True],
        }
    )
    zh = portfolio.classification(frame, "zh")
    en = portfolio.classification(frame, "en")
    assert list(zh.data[0].x) == ["正常", "损失"] and list(en.data[0].x) == ["Normal", "Loss"]
    assert zh.layout.yaxis.title.text == "贷款余额（万元）"
    assert en.layout.yaxis.title.text == "Outstanding (thousands)"
    assert zh.data[0].customdata[1][1] == "120,000.00"  # the exact figure in the tooltip


def test_a_click_becomes_a_drill_spec() -> None:
    drill.register("test-chart", "worked", ("value", "bucket"), dimension="method")
    click = {"points": [{"customdata": ["phone", "M2", "12.0%"]}]}
    assert drill.spec_from_click("test-chart", click) == {
        "kind": "worked", "dimension": "method", "value": "phone", "bucket": "M2",
    }  # fmt: skip
    assert drill.spec_from_click("test-chart", {"points": []}) is None
    assert drill.spec_from_click("no-such-chart", click) is None
    title = drill.drill_title(drill.spec_from_click("test-chart", click), "zh")
    assert title == "明细：电话 的委案 · 委案时账龄 M2"
    assert drill.file_name({"kind": "roll", "source": "M1", "target": "M7+"}, "csv") == (
        "drill-roll-M1-M7+.csv"
    )


def test_a_heatmap_click_becomes_a_drill_spec_from_its_cell() -> None:
    drill.register("test-heatmap", "roll", ("source", "target"), fields=("y", "x"))
    click = {"points": [{"x": "M2", "y": "M1", "z": 0.23, "text": "23.1%"}]}
    assert drill.spec_from_click("test-heatmap", click) == {
        "kind": "roll", "source": "M1", "target": "M2",
    }  # fmt: skip
    assert drill.spec_from_click("test-heatmap", {"points": [{"x": "M2"}]}) is None


def test_heatmap_cells_are_placed_by_key_and_labelled_for_the_reader() -> None:
    frame = pl.DataFrame(
        {
            "from_bucket": ["Current", "Current", "M1", "M1"],
            "to_state": ["Current", "settled", "Current", "settled"],
            "count_loans": [9, 1, 0, 0],
            "roll_rate": [0.9, 0.1, None, None],
        }
    )
    figure = portfolio.roll_matrix(frame, "zh")
    assert list(figure.data[0].x) == ["Current", "settled"]  # what a click reports
    assert list(figure.layout.xaxis.ticktext) == ["正常", "已结清"]  # what a reader sees
    assert list(figure.data[0].customdata[0][1][:2]) == ["正常", "已结清"]


def test_dates_in_tables() -> None:
    assert formatting.day(date(2026, 10, 31)) == "2026-10-31"


def comparison_rows(dimension_values: dict[str, list], **columns: list) -> pl.DataFrame:
    """recovery_by's columns for a few groups (values worked out in each test)."""
    count = len(next(iter(dimension_values.values())))
    defaults = {
        "cases": [10] * count, "placed": [D("1000.00")] * count,
        "recovered": [D("100.00")] * count, "recovery_rate": [0.1] * count,
        "rate_low": [0.05] * count, "rate_high": [0.15] * count,
        "expected_recovered": [D("100.00")] * count, "recovery_index": [1.0] * count,
        "index_low": [0.8] * count, "index_high": [1.2] * count,
    }  # fmt: skip
    return pl.DataFrame({**dimension_values, **defaults, **columns})


def test_the_index_chart_ranks_best_first_with_intervals_a_line_at_one_and_the_cases() -> None:
    frame = comparison_rows(
        {"method": ["sms", "phone", "visit", "letter"]},
        cases=[40, 12, 3, 5],
        recovery_index=[0.5, 1.5, 0.9, None],  # letter: nothing expected, no index
        index_low=[0.25, 1.1, None, None],
        index_high=[0.75, 2.0, None, None],
    )
    figure = recovery.recovery_index(frame, "en", dimension="method")
    bar = figure.data[0]
    assert list(bar.y) == ["Phone", "Field visit", "SMS"]
    assert list(bar.x) == [1.5, 0.9, 0.5]
    assert list(bar.text) == ["12 cases", "3 cases", "40 cases"]
    # the interval as distances from the index: phone 1.1–2.0, visit none, sms 0.25–0.75
    assert list(bar.error_x.arrayminus) == pytest.approx([0.4, None, 0.25])
    assert list(bar.error_x.array) == pytest.approx([0.5, None, 0.25])
    assert [row[0] for row in bar.customdata] == ["phone", "visit", "sms"]
    [line] = figure.layout.shapes
    assert (line.x0, line.x1) == (1, 1)
    zh = recovery.recovery_index(frame, "zh", dimension="method")
    assert list(zh.data[0].text) == ["12 件", "3 件", "40 件"]


def test_a_collectors_index_bar_is_keyed_by_collector_and_team() -> None:
    frame = comparison_rows({"team": ["T1", "T2"], "collector": ["张", "张"]},
                            recovery_index=[0.7, 1.3])  # fmt: skip
    bar = recovery.recovery_index(frame, "en", dimension="collector").data[0]
    assert list(bar.y) == ["张 · T2", "张 · T1"]
    assert [row[:2] for row in bar.customdata] == [["张", "T2"], ["张", "T1"]]


def test_collectors_are_grouped_by_team_in_the_teams_order_and_ranked_within_it() -> None:
    teams = comparison_rows({"team": ["T1", "T2"]}, recovery_index=[0.8, 1.4])
    collectors = comparison_rows(
        {"team": ["T1", "T1", "T2", "T2", "T2"], "collector": ["a", "b", "c", "d", "e"]},
        recovery_index=[1.1, 0.6, None, 2.0, 0.9],
    )
    ranked = collectors_within_teams(collectors, teams)
    assert ranked.select("team", "collector", "rank_in_team").rows() == [
        ("T2", "d", 1), ("T2", "e", 2), ("T2", "c", 3), ("T1", "a", 1), ("T1", "b", 2),
    ]  # fmt: skip


def test_intervals_are_written_as_a_reader_reads_them() -> None:
    frame = comparison_rows({"team": ["T1", "T2"]}, rate_low=[0.083, None],
                            rate_high=[0.156, None], index_low=[0.854, 0.0],
                            index_high=[1.126, None])  # fmt: skip
    shown = formatting.with_intervals(frame)
    assert shown["rate_with_interval"].to_list() == ["10.0% (8–16%)", "10.0%"]
    assert shown["index_with_interval"].to_list() == ["1.00 (0.85–1.13)", "1.00"]


def test_the_recovered_trend_stacks_recovered_under_the_rest_of_what_was_repaid() -> None:
    frame = pl.DataFrame({"period": ["2026-09", "2026-10"],
                          "repaid": [D("900.00"), D("1500.00")],
                          "recovered": [D("600.00"), D("1500.00")]})  # fmt: skip
    figure = portfolio.recovered_trend(frame, "en")
    assert [trace.name for trace in figure.data] == [
        "Recovered (loans in collection)", "Other repayments (loans not in collection)",
    ]  # fmt: skip
    assert list(figure.data[0].y) == [0.6, 1.5]  # in thousands
    assert list(figure.data[1].y) == [0.3, 0.0]
    assert figure.layout.yaxis.title.text == "Repaid (thousands)"
    assert figure.layout.barmode == "stack"
