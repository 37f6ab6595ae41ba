"""What a click on a bar or cell opens: the drill-down spec read from the clicked point,
and the table of loans behind it.

A drillable figure puts its keys first in each point's customdata; pages say, per chart,
which kind of list it opens and what those keys are (`register`)."""

from dataclasses import dataclass, field

import polars as pl

from dashboard import access, data
from dashboard.formatting import period_label
from dashboard.i18n import t, value_label
from dashboard.view import View
from queries import drilldown


@dataclass(frozen=True)
class DrillSource:
    kind: str  # aging_bucket, tier, roll, worked, promises
    keys: tuple[str, ...]  # names of the point's first customdata values, or of `fields`
    fixed: dict[str, str] = field(default_factory=dict)
    fields: tuple[str, ...] = ()  # point fields holding the keys (a heatmap's y and x)


SOURCES: dict[str, DrillSource] = {}


def register(
    chart: str, kind: str, keys: tuple[str, ...], *, fields: tuple[str, ...] = (), **fixed: str
) -> None:
    """A bar's keys come first in its customdata; a heatmap cell's are its y and x (the
    browser reports no customdata for heatmaps), named in `fields`."""
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
        return data.measure(
            drilldown.loans_worked,
            filters,
            dimension=spec["dimension"],
            value=spec["value"],
            bucket=spec.get("bucket"),
            window_days=view.window_days,
            masked=masked,
        )
    if kind == "promises":
        period_filters = view.with_filters(period=spec["period"]).filters
        return data.measure(
            drilldown.promises_with_verdict,
            period_filters,
            verdict=spec["verdict"],
            grace_days=data.settings().promise_grace_days,
            masked=masked,
        )
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
        if spec.get("bucket"):
            bucket = value_label("bucket", spec["bucket"], lang)
            what = t("drill.worked_bucket", lang, value=value, bucket=bucket)
        else:
            what = t("drill.worked", lang, value=value)
    else:
        what = t("drill.promises", lang, period=period_label(spec["period"], lang),
                 verdict=value_label("verdict", spec["verdict"], lang))  # fmt: skip
    return t("drill.title", lang, what=what)


def file_name(spec: dict, extension: str) -> str:
    keys = [str(v) for k, v in spec.items() if k != "kind" and v]
    safe = "-".join("".join(ch for ch in key if ch.isalnum() or ch in "+_") for key in keys)
    return f"drill-{spec['kind']}-{safe}.{extension}"
