"""What a report is made of, before it is drawn: sections of headline cards, charts,
tables and notes, all text already in the report's language and formatted."""

from dataclasses import dataclass, field

import plotly.graph_objects as go

CHART_WIDTH_PX = 760


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cards:
    cards: tuple[Card, ...]


@dataclass(frozen=True)
class Chart:
    title: str
    figure: go.Figure
    height_px: int = 320


@dataclass(frozen=True)
class Column:
    label: str
    is_numeric: bool = False


@dataclass(frozen=True)
class Table:
    title: str | None
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str | None = None  # e.g. "120 rows, the first 50 shown"
    empty_text: str = "—"


@dataclass(frozen=True)
class Note:
    text: str


Block = Cards | Chart | Table | Note


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[Block, ...]
    starts_page: bool = False

    @property
    def charts(self) -> list[Chart]:
        return [b for b in self.blocks if isinstance(b, Chart)]


@dataclass(frozen=True)
class Report:
    lang: str
    title: str
    period_label: str
    scope: str  # the filters, as a reader reads them
    generated_at: str  # with its zone
    sections: tuple[Section, ...] = field(default_factory=tuple)

    @property
    def charts(self) -> list[Chart]:
        return [chart for section in self.sections for chart in section.charts]
