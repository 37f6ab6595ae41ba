"""The headline figures of a period beside the previous month and the same month a year
earlier, where the database has those months: the executive report's cover."""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

from dashboard import formatting
from queries.contacts import contact_summary
from queries.filters import Filters, previous_period
from queries.portfolio import portfolio_summary
from queries.promises import promise_summary
from queries.recovery import recovered, recovery_by
from reports.blocks import Card, Cards, Column, Table
from reports.i18n import t
from reports.measures import ReportMeasures, same_month_last_year

Value = Decimal | float | int | None


@dataclass(frozen=True)
class Kpi:
    name: str
    kind: str  # money, count or rate
    label_key: str


HEADLINE = (
    Kpi("outstanding", "money", "kpi.outstanding"),
    Kpi("count_active_loans", "count", "report.kpi.active_loans"),
    Kpi("overdue_ratio", "rate", "kpi.overdue_ratio"),
    Kpi("npl_ratio", "rate", "kpi.npl_ratio"),
    Kpi("recovered", "money", "kpi.recovered"),
    Kpi("recovery_rate", "rate", "kpi.recovery_rate"),
    Kpi("contact_rate", "rate", "kpi.contact_rate"),
    Kpi("effective_contact_rate", "rate", "kpi.effective_contact_rate"),
    Kpi("ptp_rate", "rate", "kpi.ptp_rate"),
    Kpi("kept_rate", "rate", "kpi.kept_rate"),
)
CARDS = ("outstanding", "overdue_ratio", "npl_ratio", "recovered", "recovery_rate", "kept_rate")


def total_recovery_rate(teams) -> float | None:
    """All holders together (the teams add up to the book): recovered over placed."""
    placed = sum(teams["placed"].fill_null(0), Decimal(0))
    return float(sum(teams["recovered"].fill_null(0), Decimal(0)) / placed) if placed else None


def headline_values(measures: ReportMeasures, filters: Filters) -> dict[str, Value] | None:
    """The period's headline figures, or None when the database has no snapshot then."""
    if filters.period not in measures.periods_with_data():
        return None
    summary = measures.get(portfolio_summary, filters).row(0, named=True)
    flows = measures.get(recovered, filters, window_days=measures.window_days)
    teams = measures.get(
        recovery_by,
        filters,
        dimension="team",
        window_days=measures.window_days,
        commissions=measures.commissions,
    )
    contact = measures.get(contact_summary, filters).row(0, named=True)
    promises = measures.get(promise_summary, filters)
    promises = promises.row(0, named=True)
    return {
        "outstanding": summary["outstanding"],
        "count_active_loans": summary["count_active_loans"],
        "overdue_ratio": summary["overdue_ratio"],
        "npl_ratio": summary["npl_ratio"],
        "recovered": flows["recovered"].item() or Decimal(0),
        "recovery_rate": total_recovery_rate(teams),
        "contact_rate": contact["contact_rate"],
        "effective_contact_rate": contact["effective_contact_rate"],
        "ptp_rate": promises["ptp_rate"],
        "kept_rate": promises["kept_rate"],
    }


def shown(kpi: Kpi, value: Value, lang: str) -> str:
    if kpi.kind == "money":
        return formatting.amount(value, lang)
    if kpi.kind == "count":
        return formatting.count(value)
    return formatting.rate(value)


def change(kpi: Kpi, current: Value, earlier: Value, lang: str) -> str:
    if current is None or earlier is None:
        return formatting.NO_VALUE
    if kpi.kind == "rate":
        return formatting.rate_change(current - earlier, lang)
    if not earlier:
        return formatting.NO_VALUE
    return formatting.relative_change(
        float((Decimal(current) - Decimal(earlier)) / Decimal(earlier))
    )


@dataclass(frozen=True)
class Comparison:
    period: str
    previous: str
    last_year: str
    current_values: dict[str, Value] | None
    previous_values: dict[str, Value] | None
    last_year_values: dict[str, Value] | None


def compare(measures: ReportMeasures, filters: Filters) -> Comparison:
    previous = previous_period(filters.period)
    last_year = same_month_last_year(filters.period)
    months = [filters, filters.in_period(previous), filters.in_period(last_year)]
    # The earlier months' figures are only compared against: asked for at the same time.
    with ThreadPoolExecutor(max_workers=len(months)) as pool:
        current, before, year_before = pool.map(lambda f: headline_values(measures, f), months)
    return Comparison(filters.period, previous, last_year, current, before, year_before)


def _value(values: dict[str, Value] | None, name: str) -> Value:
    return None if values is None else values[name]


def headline_cards(comparison: Comparison, lang: str) -> Cards:
    cards = []
    for kpi in (k for k in HEADLINE if k.name in CARDS):
        current = _value(comparison.current_values, kpi.name)
        previous = _value(comparison.previous_values, kpi.name)
        last_year = _value(comparison.last_year_values, kpi.name)
        details = []
        if kpi.kind == "money":
            details.append(formatting.exact_amount(current))
        details.append(
            t("kpi.change", lang, change=change(kpi, current, previous, lang))
            if comparison.previous_values is not None
            else t("kpi.no_previous", lang)
        )
        details.append(
            t("report.change_last_year", lang, change=change(kpi, current, last_year, lang))
            if comparison.last_year_values is not None
            else t("report.no_last_year", lang)
        )
        cards.append(Card(t(kpi.label_key, lang), shown(kpi, current, lang), tuple(details)))
    return Cards(tuple(cards))


def comparison_table(comparison: Comparison, lang: str) -> Table:
    columns = (
        Column(t("report.col.measure", lang)),
        Column(formatting.period_label(comparison.period, lang), True),
        Column(formatting.period_label(comparison.previous, lang), True),
        Column(t("report.col.change_previous", lang), True),
        Column(formatting.period_label(comparison.last_year, lang), True),
        Column(t("report.col.change_last_year", lang), True),
    )
    rows = []
    for kpi in HEADLINE:
        current = _value(comparison.current_values, kpi.name)
        previous = _value(comparison.previous_values, kpi.name)
        last_year = _value(comparison.last_year_values, kpi.name)
        rows.append(
            (
                t(kpi.label_key, lang),
                shown(kpi, current, lang),
                shown(kpi, previous, lang),
                change(kpi, current, previous, lang),
                shown(kpi, last_year, lang),
                change(kpi, current, last_year, lang),
            )
        )
    return Table(t("report.comparison", lang), columns, tuple(rows))
