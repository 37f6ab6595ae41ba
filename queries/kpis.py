"""The headline figures of one period in one structure: what `recovery kpis --json` prints
(keys documented in the README). Money is given as strings with exactly two decimals,
rates as fractions rounded to 6 decimals, null where the denominator is zero."""

from decimal import Decimal
from pathlib import Path

from queries.contacts import (
    contact_summary,
    invalid_numbers_by_reason,
    invalid_numbers_summary,
    reachability,
)
from queries.filters import Filters
from queries.portfolio import aging, classification, portfolio_summary
from queries.promises import promise_summary
from queries.recovery import recovered, recovery_by, recovery_source


def money(value: Decimal | None) -> str:
    return f"{(value or Decimal(0)):.2f}"


def rate(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def kpi_report(
    db: Path,
    filters: Filters,
    *,
    window_days: int,
    commissions: dict[str, Decimal] | None = None,
) -> dict:
    summary = portfolio_summary(db, filters).row(0, named=True)
    contact = contact_summary(db, filters).row(0, named=True)
    numbers = invalid_numbers_summary(db, filters).row(0, named=True)
    promises = promise_summary(db, filters).row(0, named=True)
    money_in = recovered(db, filters, window_days=window_days).row(0, named=True)

    def comparison(dimension: str) -> list[dict]:
        frame = recovery_by(
            db, filters, dimension=dimension, window_days=window_days, commissions=commissions
        )
        return [_comparison_row(dimension, r) for r in frame.iter_rows(named=True)]

    return {
        "period": filters.period,
        "filters": {k: v for k, v in vars(filters).items() if k != "period" and v is not None},
        "snapshot_date": summary["as_of_date"] and summary["as_of_date"].isoformat(),
        "outstanding": money(summary["outstanding"]),
        "active_loans": summary["count_active_loans"],
        "overdue_ratio": rate(summary["overdue_ratio"]),
        "npl_ratio": rate(summary["npl_ratio"]),
        "aging": [
            {
                "bucket": r["bucket"],
                "loans": r["count_loans"],
                "outstanding": money(r["outstanding"]),
                "share": rate(r["outstanding_share"]),
            }
            for r in aging(db, filters).iter_rows(named=True)
        ],  # fmt: skip
        "classification": [
            {"tier": r["tier"], "loans": r["count_loans"], "outstanding": money(r["outstanding"])}
            for r in classification(db, filters).iter_rows(named=True)
        ],
        "repaid": money(money_in["repaid"]),
        "recovered": money(money_in["recovered"]),
        "paid_not_placed": money(money_in["paid_not_placed"]),
        "recovery_source": recovery_source(db),
        "recovery_by_method": comparison("method"),
        "recovery_by_team": comparison("team"),
        "recovery_by_collector": comparison("collector"),
        "contact": {
            "phone_actions": contact["count_phone_actions"],
            "contact_rate": rate(contact["contact_rate"]),
            "effective_contact_rate": rate(contact["effective_contact_rate"]),
        },
        "reachability": [
            {"status": r["status"], "customers": r["count_customers"], "share": rate(r["share"])}
            for r in reachability(db, filters).iter_rows(named=True)
        ],
        "invalid_numbers": {
            "numbers_checked": numbers["count_numbers_checked"],
            "invalid": numbers["count_invalid"],
            "by_reason": {
                r["reason"]: r["count_numbers"]
                for r in invalid_numbers_by_reason(db, filters).iter_rows(named=True)
            },
            "customers_without_valid_number": numbers["count_customers_without_valid_number"],
        },
        "promises": {
            "made": promises["count_made"],
            "due": promises["count_due"],
            "kept": promises["count_kept"],
            "partly_kept": promises["count_partly_kept"],
            "broken": promises["count_broken"],
            "kept_rate": rate(promises["kept_rate"]),
            "ptp_rate": rate(promises["ptp_rate"]),
        },
    }


def _comparison_row(dimension: str, r: dict) -> dict:
    """One row of a recovery comparison (queries.recovery.recovery_by): money as text,
    rates and indexes rounded; a collector is named with its team."""
    names = {"collector": ("team", "collector")}.get(dimension, (dimension,))
    return {
        **{name: r[name] for name in names},
        "cases": r["cases"],
        "placed": money(r["placed"]),
        "recovered": money(r["recovered"]),
        "recovery_rate": rate(r["recovery_rate"]),
        "rate_low": rate(r["rate_low"]),
        "rate_high": rate(r["rate_high"]),
        "cases_cured": r["cases_cured"],
        "case_cure_rate": rate(r["case_cure_rate"]),
        "expected_recovered": money(r["expected_recovered"]),
        "recovery_index": rate(r["recovery_index"]),
        "index_low": rate(r["index_low"]),
        "index_high": rate(r["index_high"]),
        "cost": money(r["cost"]),
        "cost_per_100_recovered": rate(r["cost_per_100_recovered"]),
    }
