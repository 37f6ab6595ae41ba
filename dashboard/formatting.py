"""Numbers, dates and times as each language writes them: 万 and 亿 in Chinese, millions
(m) and billions (bn) with thousands separators in English, rates as percentages, and "—"
where a rate has no denominator."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import polars as pl

NO_VALUE = "—"
Number = int | float | Decimal

# Chinese groups large amounts by 10^4 (万) and 10^8 (亿); English by thousands, with
# millions and billions written as such.
ZH_UNITS = ((Decimal(10) ** 8, "亿"), (Decimal(10) ** 4, "万"))
EN_UNITS = ((Decimal(10) ** 9, " bn"), (Decimal(10) ** 6, " m"))
EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def amount(value: Number | None, lang: str) -> str:
    """A money amount as a card or a table shows it: 1.23亿 / 4,567.89万 in Chinese,
    1.23 bn / 456.79 m / 904,512 in English (the exact figure is in `exact_amount`)."""
    if value is None:
        return NO_VALUE
    number = Decimal(str(value))
    if lang == "zh":
        for size, unit in ZH_UNITS:
            if abs(number) >= size:
                return f"{number / size:,.2f}{unit}"
        return f"{number:,.2f}"
    for size, unit in EN_UNITS:
        if abs(number) >= size:
            return f"{number / size:,.2f}{unit}"
    return f"{number:,.0f}"


def exact_amount(value: Number | None) -> str:
    """The exact figure, to the cent, for tooltips and tables."""
    return NO_VALUE if value is None else f"{Decimal(str(value)):,.2f}"


def count(value: int | None) -> str:
    return NO_VALUE if value is None else f"{value:,}"


def rate(value: float | None, decimals: int = 1) -> str:
    return NO_VALUE if value is None else f"{value * 100:.{decimals}f}%"


def index(value: float | None) -> str:
    """A recovery index: 1.00 is as the book does for the same stage mix."""
    return NO_VALUE if value is None else f"{value:.2f}"


def interval(low: float | None, high: float | None, shown=rate) -> str:
    """A 95 % interval, 12.3% – 15.6% (or 0.85 – 1.12 with `shown=index`); "—" where
    there is none (fewer than two cases, nothing expected)."""
    if low is None or high is None:
        return NO_VALUE
    return f"{shown(low)} – {shown(high)}"


def with_interval(value: float | None, low: float | None, high: float | None, *,
                  is_rate: bool) -> str:  # fmt: skip
    """A rate or a recovery index with its 95 % interval, as the dashboard's tables write
    it: 12.4% (0–29%), 2.21 (1.50–2.91); the value alone where there is no interval."""
    if value is None:
        return NO_VALUE
    if is_rate:
        shown = rate(value)
        ends = None if low is None or high is None else f"{low * 100:.0f}–{high * 100:.0f}%"
    else:
        shown = index(value)
        ends = None if low is None or high is None else f"{index(low)}–{index(high)}"
    return shown if ends is None else f"{shown} ({ends})"


def with_intervals(frame: pl.DataFrame) -> pl.DataFrame:
    """A recovery comparison's rate and index with their intervals as text columns:
    `rate_with_interval` and `index_with_interval`."""
    rates = frame.select("recovery_rate", "rate_low", "rate_high").rows()
    indexes = frame.select("recovery_index", "index_low", "index_high").rows()
    return frame.with_columns(
        pl.Series("rate_with_interval", [with_interval(*r, is_rate=True) for r in rates],
                  pl.String),
        pl.Series("index_with_interval", [with_interval(*i, is_rate=False) for i in indexes],
                  pl.String),
    )  # fmt: skip


def rate_change(value: float | None, lang: str) -> str:
    """A change of a rate, in percentage points."""
    if value is None:
        return NO_VALUE
    points = f"{value * 100:+.1f}"
    return f"{points} 个百分点" if lang == "zh" else f"{points} pp"


def relative_change(value: float | None) -> str:
    return NO_VALUE if value is None else f"{value * 100:+.1f}%"


def period_label(period: str, lang: str) -> str:
    """A month written YYYY-MM as a reader says it: 2026年10月 / Oct 2026."""
    year, month = period.split("-")
    if lang == "zh":
        return f"{year}年{int(month)}月"
    return f"{EN_MONTHS[int(month) - 1]} {year}"


def day(value: date | None) -> str:
    return NO_VALUE if value is None else value.isoformat()


def moment(value: datetime | None) -> str:
    """A local time as recorded (the data's times are in the configured zone)."""
    return NO_VALUE if value is None else value.strftime("%Y-%m-%d %H:%M")


def zoned_moment(timestamp: float, zone: str) -> str:
    """A POSIX time (e.g. a file's modification time) in the configured zone."""
    local = datetime.fromtimestamp(timestamp, ZoneInfo(zone))
    return f"{local.strftime('%Y-%m-%d %H:%M')} ({zone})"


def money_axis_unit(largest: Number | None, lang: str) -> tuple[Decimal, str]:
    """The unit a money axis is drawn in, from the largest value on it: (divisor, unit
    word). Chinese reports give amounts in 元, 万元 or 亿元; English in units, thousands,
    millions or billions."""
    size = abs(Decimal(str(largest or 0)))
    if lang == "zh":
        for divisor, unit in ZH_UNITS:
            if size >= divisor:
                return divisor, f"{unit}元"
        return Decimal(1), "元"
    for divisor, unit in (
        (Decimal(10) ** 9, "billions"),
        (Decimal(10) ** 6, "millions"),
        (Decimal(10) ** 3, "thousands"),
    ):
        if size >= divisor:
            return divisor, unit
    return Decimal(1), ""
