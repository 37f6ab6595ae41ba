"""Which month a scheduled report covers, told from the run's local date."""

from datetime import date, timedelta

from queries.filters import Filters, previous_period


def report_period(spec: str, run_on: date) -> str:
    """`last_month`: the month before the run's; `month_to_date`: the month of the day
    before the run (so a run on the 1st still covers the month just ended); else the
    month written YYYY-MM."""
    if spec == "last_month":
        return previous_period(f"{run_on:%Y-%m}")
    if spec == "month_to_date":
        return f"{run_on - timedelta(days=1):%Y-%m}"
    return Filters(spec).period
