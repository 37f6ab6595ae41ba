"""What every figure shares: the themed layout, the empty state, money axes in the
reader's units, and category labels from the catalogue."""

from collections.abc import Iterable
from decimal import Decimal

import plotly.graph_objects as go
import polars as pl

from dashboard.figures.theme import CHART_HEIGHT, MUTED, SEQUENTIAL, template
from dashboard.formatting import money_axis_unit
from dashboard.i18n import t, value_label


def finish(figure: go.Figure, *, height: int = CHART_HEIGHT) -> go.Figure:
    figure.update_layout(template=template(), height=height)
    return figure


def empty_figure(lang: str, *, height: int = CHART_HEIGHT, text: str | None = None) -> go.Figure:
    """No axes, only a sentence: there is nothing to show for these filters (or `text`:
    why nothing can be shown)."""
    figure = go.Figure()
    figure.add_annotation(
        text=text or t("empty.figure", lang),
        showarrow=False,
        font={"size": 14, "color": MUTED},
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
    )
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return finish(figure, height=height)


def is_empty(frame: pl.DataFrame, *columns: str) -> bool:
    """No rows, or nothing but nulls and zeros in the columns that would be drawn."""
    if frame.is_empty():
        return True
    return all(
        frame[c].fill_null(0).cast(pl.Float64).abs().sum() == 0 for c in columns if c in frame
    )


def money_unit(values: Iterable, lang: str) -> tuple[Decimal, str]:
    """The divisor and unit word of a money axis drawn for these values."""
    largest = max((abs(Decimal(str(v))) for v in values if v is not None), default=0)
    return money_axis_unit(largest, lang)


def in_unit(values: Iterable, divisor: Decimal) -> list[float | None]:
    return [None if v is None else float(Decimal(str(v)) / divisor) for v in values]


def scaled_money(values: Iterable, lang: str) -> tuple[list[float | None], str]:
    """Money values in the unit the axis is drawn in, and the axis' unit word."""
    values = list(values)
    divisor, unit = money_unit(values, lang)
    return in_unit(values, divisor), unit


def money_title(key: str, unit: str, lang: str) -> str:
    label = t(key, lang)
    return f"{label}（{unit}）" if lang == "zh" else (f"{label} ({unit})" if unit else label)


def labels(group: str, values: Iterable[str | None], lang: str) -> list[str]:
    return [value_label(group, v, lang) for v in values]


def rate_heatmap(
    z: list[list[float | None]],
    x: list[str],
    y: list[str],
    *,
    customdata: list,
    hovertemplate: str,
    text: list[list[str]] | None = None,
    zmax: float | None = None,
) -> go.Heatmap:
    """A heatmap of rates (0 white, the highest deep blue), cells without a value blank."""
    return go.Heatmap(
        z=z,
        x=x,
        y=y,
        text=text,
        texttemplate="%{text}" if text is not None else None,
        customdata=customdata,
        colorscale=SEQUENTIAL,
        zmin=0,
        zmax=zmax,
        colorbar={"tickformat": ".1~%", "thickness": 10},
        hoverongaps=False,
        hovertemplate=hovertemplate,
    )


def keyed_axes(
    figure: go.Figure, *, x: list[str], x_labels: list[str], y: list[str], y_labels: list[str]
) -> None:
    """Cells placed by their keys (a bucket, a method: what a click reports) and labelled
    in the reader's language."""
    figure.update_xaxes(type="category", tickmode="array", tickvals=x, ticktext=x_labels)
    figure.update_yaxes(type="category", tickmode="array", tickvals=y, ticktext=y_labels)
