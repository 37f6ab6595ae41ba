"""What a click on a bar, a cell or a table row opens: the drill-down spec read from the
clicked point or row, and the table of loans (or customers, numbers, calls) behind it.

A drillable figure puts its keys first in each point's customdata; pages say, per chart
or table, which kind of list it opens and what those keys are (`register`)."""

from dataclasses import dataclass, field

import polars as pl

from dashboard import access, data
from dashboard.formatting import period_label
from dashboard.i18n import t, value_label
from dashboard.view import View
from queries import drilldown, drilldown_aging, drilldown_contacts


@dataclass(frozen=True)
class DrillSource:
    kind: str  # aging_bucket, tier, roll, worked, promises, cured, vintage, reachability,
    # invalid_reason, call_hour
    keys: tuple[str, ...]  # names of the point's first customdata values, or of `fields`
    fixed: dict[str, str] = field(default_factory=dict)
    fields: tuple[str, ...] = ()  # point fields (a heatmap's y and x) or a row's columns


SOURCES: dict[str, DrillSource] = {}

# What a list of cases shows of each (cases_worked), in reading order: the loan and its
# customer, the holder, the stage, placed, paid, recovered and cured (then the work on it,
# and the customer's number, which a wide list scrolls to).
CASE_COLUMNS = ("loan_id", "customer_name", "team", "collector", "method", "bucket", "placed",
                "paid", "recovered", "is_cured", "count_actions", "cost", "customer_id",
                "count_total")  # fmt: skip

# The lists behind the contact figures (the cure-rate trend's and vintage curves' come
# after all the others).
CONTACT_KINDS = ("reachability", "invalid_reason", "call_hour")


def register(
    chart: str, kind: str, keys: tuple[str, ...], *, fields: tuple[str, ...] = (), **fixed: str
) -> None:
    """A bar's keys come first in its customdata; a heatmap cell's are its y and x (the
    browser reports no customdata for heatmaps), and a table row's are its columns, named
    in `fields`."""
    SOURCES[chart] = DrillSource(kind, keys, fixed, fields)


def spec_from_click(chart: str, click: dict | None) -> dict | None:
    """The drill-down spec of a click on `chart`: its kind and keys, or None."""
    source = SOURCES.get(chart)
    if source is None or not click or not click.get("points"):
        return None
    point = click["points"][0]
    if source.fields:
        values = [point.get(name) for name in source.fields]
    else:
        values = point.get("customdata")
    return _spec(source, values)


def spec_from_row(table: str, cell: dict | None, rows: list[dict] | None) -> dict | None:
    """The drill-down spec of a click on a cell of the grid `table`, whose rows are `rows`
    in the order the grid shows them: its kind and the row's keys, or None."""
    source = SOURCES.get(table)
    index = (cell or {}).get("rowIndex")
    if source is None or not rows or not isinstance(index, int) or not 0 <= index < len(rows):
        return None
    return _spec(source, [rows[index].get(name) for name in source.fields])


def _spec(source: DrillSource, values: object) -> dict | None:
    if not isinstance(values, list) or None in values[: len(source.keys)]:
        return None
    if len(values) < len(source.keys):
        return None
    return {"kind": source.kind, **source.fixed, **dict(zip(source.keys, values, strict=False))}


def drill_frame(spec: dict, view: View) -> pl.DataFrame:
    """The loans (or promises) behind the spec under the view's filters; customer names
    masked unless the user may see them."""
    filters = view.filters
    kind = spec["kind"]
    masked = not access.viewer().sees_names
    if kind == "aging_bucket":
        period_filters = view.with_filters(period=spec["period"]).filters
        return data.measure(
            drilldown.loans_in_bucket, period_filters, bucket=spec["bucket"], masked=masked
        )
    if kind == "tier":
        return data.measure(drilldown.loans_in_tier, filters, tier=spec["tier"], masked=masked)
    if kind == "roll":
        return data.measure(drilldown.loans_rolled, filters, from_bucket=spec["source"],
                            to_state=spec["target"], masked=masked)  # fmt: skip
    if kind == "worked":
        cases = data.measure(
            drilldown.cases_worked,
            filters,
            dimension=spec["dimension"],
            value=spec["value"],
            value_team=spec.get("value_team"),
            bucket=spec.get("bucket"),
            window_days=view.window_days,
            masked=masked,
        )
        return cases.select(c for c in CASE_COLUMNS if c in cases.columns)
    if kind == "promises":
        period_filters = view.with_filters(period=spec["period"]).filters
        return data.measure(
            drilldown.promises_with_verdict,
            period_filters,
            verdict=spec["verdict"],
            masked=masked,
        )
    if kind in CONTACT_KINDS:
        return _contact_list(spec, view, masked)
    return _curve_list(spec, view, masked)


def _contact_list(spec: dict, view: View, masked: bool) -> pl.DataFrame:
    filters, kind = view.filters, spec["kind"]
    if kind == "reachability":
        return data.measure(drilldown_contacts.customers_by_reachability, filters,
                            status=spec["status"], masked=masked)  # fmt: skip
    if kind == "invalid_reason":
        return data.measure(drilldown_contacts.numbers_with_reason, filters,
                            reason=spec["reason"], masked=masked)  # fmt: skip
    return data.measure(drilldown_contacts.calls_at_hour, filters, weekday=int(spec["weekday"]),
                        hour=int(spec["hour"]), masked=masked)  # fmt: skip


def _curve_list(spec: dict, view: View, masked: bool) -> pl.DataFrame:
    kind = spec["kind"]
    if kind == "cured":
        period_filters = view.with_filters(period=spec["period"]).filters
        return data.measure(drilldown_aging.loans_cured, period_filters, masked=masked)
    if kind == "vintage":
        return data.measure(drilldown_aging.vintage_loans_past_due, view.filters,
                            vintage=spec["vintage"], months_on_book=int(spec["months_on_book"]),
                            min_days=int(spec["min_days"]), masked=masked)  # fmt: skip
    raise ValueError(f"no drill-down of kind {kind!r}")


def drill_title(spec: dict, lang: str) -> str:
    kind = spec["kind"]
    if kind == "aging_bucket":
        what = t("drill.aging_bucket", lang, period=period_label(spec["period"], lang),
                 bucket=value_label("bucket", spec["bucket"], lang))  # fmt: skip
    elif kind == "tier":
        what = t("drill.tier", lang, tier=value_label("tier", spec["tier"], lang))
    elif kind == "roll":
        what = t("drill.roll", lang, source=value_label("bucket", spec["source"], lang),
                 target=value_label("bucket", spec["target"], lang))  # fmt: skip
    elif kind == "worked":
        value = value_label(spec["dimension"], spec["value"], lang)
        if spec.get("value_team"):
            value = f"{value} · {spec['value_team']}"
        if spec.get("bucket"):
            bucket = value_label("bucket", spec["bucket"], lang)
            what = t("drill.worked_bucket", lang, value=value, bucket=bucket)
        else:
            what = t("drill.worked", lang, value=value)
    elif kind == "promises":
        what = t("drill.promises", lang, period=period_label(spec["period"], lang),
                 verdict=value_label("verdict", spec["verdict"], lang))  # fmt: skip
    elif kind in CONTACT_KINDS:
        what = _contact_title(spec, lang)
    else:
        what = _curve_title(spec, lang)
    return t("drill.title", lang, what=what)


def _contact_title(spec: dict, lang: str) -> str:
    kind = spec["kind"]
    if kind == "reachability":
        return t("drill.reachability", lang, status=value_label("reach", spec["status"], lang))
    if kind == "invalid_reason":
        return t("drill.invalid_reason", lang, reason=value_label("reason", spec["reason"], lang))
    return t("drill.call_hour", lang, weekday=value_label("weekday", spec["weekday"], lang),
             hour=f"{int(spec['hour']):02d}:00")  # fmt: skip


def _curve_title(spec: dict, lang: str) -> str:
    if spec["kind"] == "cured":
        return t("drill.cured", lang, period=period_label(spec["period"], lang))
    return t("drill.vintage", lang, vintage=period_label(spec["vintage"], lang),
             months=spec["months_on_book"], days=spec["min_days"])  # fmt: skip


def file_name(spec: dict, extension: str) -> str:
    keys = [str(v) for k, v in spec.items() if k != "kind" and v]
    safe = "-".join("".join(ch for ch in key if ch.isalnum() or ch in "+_") for key in keys)
    return f"drill-{spec['kind']}-{safe}.{extension}"
