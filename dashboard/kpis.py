"""The headline figures of the Overview: each KPI as a monthly series (period, value) over
the 12 months ending with the view's period, from the measures in `queries`."""

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from dashboard import data
from dashboard.formatting import amount, exact_amount, rate, rate_change, relative_change
from dashboard.i18n import t
from dashboard.view import View
from queries import dimensions
from queries.contacts import contact_trend
from queries.filters import previous_period
from queries.portfolio import portfolio_trend
from queries.promises import promise_trend
from queries.recovery import recovered, recovery_rate_trend

SERIES_SCHEMA = {"period": pl.String, "value": pl.Float64}


@dataclass(frozen=True)
class Kpi:
    name: str
    is_money: bool
    series: Callable[[View], pl.DataFrame]
    detail: Callable[[View], str] | None = None  # a line more for the card's hover text


def _available() -> list[str]:
    return data.measure(dimensions.periods)


def _series(frame: pl.DataFrame, value: pl.Expr) -> pl.DataFrame:
    if frame.is_empty():
        return pl.DataFrame(schema=SERIES_SCHEMA)
    return frame.select("period", value.cast(pl.Float64).alias("value"))


def _portfolio(column: str) -> Callable[[View], pl.DataFrame]:
    def series(view: View) -> pl.DataFrame:
        trend = data.measure(portfolio_trend, view.filters)
        with_period = trend.with_columns(period=pl.col("as_of_date").dt.strftime("%Y-%m"))
        return _series(with_period, pl.col(column))

    return series


def _recovered(view: View) -> pl.DataFrame:
    monthly = data.monthly(recovered, view.filters, _available(), window_days=view.window_days)
    return _series(monthly, pl.col("recovered"))


def _repaid(view: View) -> str:
    """All that was repaid in the period (recovered is the part on loans in collection)."""
    month = data.measure(recovered, view.filters, window_days=view.window_days)
    repaid = month["repaid"].item() if len(month) else None
    return t("kpi.repaid_detail", view.lang, amount=exact_amount(repaid))


def _recovery_rate(view: View) -> pl.DataFrame:
    """The holders' total: recovered over placed of every case, as the teams' sum."""
    trend = data.measure(recovery_rate_trend, view.filters, window_days=view.window_days)
    return _series(_in_available_months(trend), pl.col("recovery_rate"))


def _in_available_months(trend: pl.DataFrame) -> pl.DataFrame:
    return trend.filter(pl.col("period").is_in(_available()))


def _effective_contact_rate(view: View) -> pl.DataFrame:
    trend = _in_available_months(data.measure(contact_trend, view.filters))
    return _series(trend, pl.col("effective_contact_rate"))


def _kept_rate(view: View) -> pl.DataFrame:
    trend = _in_available_months(data.measure(promise_trend, view.filters))
    return _series(trend, pl.col("kept_rate"))


KPIS = (
    Kpi("outstanding", True, _portfolio("outstanding")),
    Kpi("overdue_ratio", False, _portfolio("overdue_ratio")),
    Kpi("npl_ratio", False, _portfolio("npl_ratio")),
    Kpi("recovered", True, _recovered, _repaid),
    Kpi("recovery_rate", False, _recovery_rate),
    Kpi("effective_contact_rate", False, _effective_contact_rate),
    Kpi("kept_rate", False, _kept_rate),
)
KPI_BY_NAME = {kpi.name: kpi for kpi in KPIS}


@dataclass(frozen=True)
class KpiFigures:
    value: str
    change: str
    direction: str  # up, down, flat or none
    series: pl.DataFrame
    hover: str  # the card's hover text: the definition, and the KPI's detail line


def _value_at(series: pl.DataFrame, period: str) -> float | None:
    rows = series.filter(pl.col("period") == period)["value"]
    return rows[0] if len(rows) else None


def kpi_figures(kpi: Kpi, view: View) -> KpiFigures:
    """The KPI's value in the period, its change against the previous month, and its
    series for the sparkline."""
    series = kpi.series(view)
    hover = t(f"def.{kpi.name}", view.lang)
    if kpi.detail is not None:
        hover = f"{hover}\n{kpi.detail(view)}"
    current = _value_at(series, view.filters.period)
    previous = _value_at(series, previous_period(view.filters.period))
    shown = amount(current, view.lang) if kpi.is_money else rate(current)
    if current is None or previous is None:
        return KpiFigures(shown, t("kpi.no_previous", view.lang), "none", series, hover)
    if kpi.is_money:
        delta = (current - previous) / previous if previous else None
        change = relative_change(delta)
    else:
        delta = current - previous
        change = rate_change(delta, view.lang)
    direction = "flat" if not delta else ("up" if delta > 0 else "down")
    return KpiFigures(shown, t("kpi.change", view.lang, change=change), direction, series, hover)
