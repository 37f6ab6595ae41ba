"""A report as one HTML document with print CSS, ready for WeasyPrint: A4 pages whose
margins carry the title, period, filters, generation time and page numbers; charts
and cards kept whole on a page; table headers repeated on every page a table crosses."""

import base64
import re
from collections.abc import Callable
from html import escape

from reports.blocks import Block, Card, Cards, Chart, Note, Report, Section, Table
from reports.i18n import t

FONT_STACK = '"Noto Sans CJK SC", "Noto Sans SC", "Noto Sans", sans-serif'

STYLE = """
@page {
  size: A4;
  margin: 20mm 14mm 18mm 14mm;
  @top-left { content: %(top_left)s; font-size: 8pt; color: #486581; }
  @top-right { content: %(top_right)s; font-size: 8pt; color: #486581; }
  @bottom-left { content: %(bottom_left)s; font-size: 7.5pt; color: #627d98; }
  @bottom-right { content: %(page_numbers)s; font-size: 7.5pt; color: #627d98; }
}
html { font-family: %(font)s; font-size: 9pt; color: #1f2933; line-height: 1.4; }
h1 { font-size: 20pt; margin: 0 0 2mm 0; color: #102a43; }
.subtitle { font-size: 11pt; color: #486581; margin: 0 0 6mm 0; }
h2 { font-size: 13pt; color: #102a43; margin: 7mm 0 3mm 0; padding-bottom: 1mm;
     border-bottom: 0.6pt solid #bcccdc; break-after: avoid; }
h3 { font-size: 10pt; color: #243b53; margin: 4mm 0 1.5mm 0; break-after: avoid; }
section.new-page { break-before: page; }
.block { break-inside: avoid; margin-bottom: 3mm; }
.cards { display: grid; grid-template-columns: 1fr 1fr 1fr; gap: 3mm; break-inside: avoid;
         margin-bottom: 4mm; }
.card { padding: 2.5mm 3mm; border: 0.6pt solid #d9e2ec; border-radius: 2mm; }
.card .label { font-size: 8pt; color: #486581; }
.card .value { font-size: 15pt; font-weight: bold; color: #102a43; margin: 0.5mm 0; }
.card .detail { font-size: 7.5pt; color: #627d98; }
.chart img { width: 100%%; display: block; }
table { width: 100%%; border-collapse: collapse; font-size: 8pt; }
thead { display: table-header-group; }
th { text-align: left; background: #f0f4f8; color: #243b53; font-weight: bold;
     border-bottom: 0.8pt solid #9fb3c8; padding: 1.2mm 1.5mm; }
td { border-bottom: 0.4pt solid #e4ebf3; padding: 1mm 1.5mm; }
tr { break-inside: avoid; }
th.num, td.num { text-align: right; }
td.num { white-space: nowrap; }
.table-note, .note { font-size: 8pt; color: #627d98; margin: 1mm 0 0 0; }
.table-block { margin-bottom: 4mm; }
.table-title { break-after: avoid; }
"""


def css_string(text: str) -> str:
    """A CSS string literal: quotes and backslashes escaped, line breaks as spaces."""
    cleaned = re.sub(r"[\r\n\f]+", " ", text)
    return '"' + cleaned.replace("\\", "\\\\").replace('"', '\\"') + '"'


def page_css(report: Report) -> str:
    page_numbers = t("pdf.page_numbers", report.lang, page="{page}", pages="{pages}")
    before, _, after = page_numbers.partition("{page}")
    between, _, after = after.partition("{pages}")
    numbers = f"{css_string(before)} counter(page) {css_string(between)} counter(pages) "
    numbers += css_string(after)
    return STYLE % {
        "top_left": css_string(f"{report.title} · {report.period_label}"),
        "top_right": css_string(t("pdf.filters", report.lang, scope=report.scope)),
        "bottom_left": css_string(t("pdf.generated_at", report.lang, moment=report.generated_at)),
        "page_numbers": numbers,
        "font": FONT_STACK,
    }


DrawChart = Callable[[Chart], str]


def _card(card: Card) -> str:
    details = "".join(f'<div class="detail">{escape(d)}</div>' for d in card.details)
    return (
        f'<div class="card"><div class="label">{escape(card.label)}</div>'
        f'<div class="value">{escape(card.value)}</div>{details}</div>'
    )


def _chart(chart: Chart, draw: DrawChart) -> str:
    svg = base64.b64encode(draw(chart).encode("utf-8")).decode("ascii")
    return (
        f'<div class="block chart"><h3>{escape(chart.title)}</h3>'
        f'<img alt="{escape(chart.title)}" src="data:image/svg+xml;base64,{svg}"></div>'
    )


def _cell(tag: str, text: str, is_numeric: bool) -> str:
    css_class = ' class="num"' if is_numeric else ""
    return f"<{tag}{css_class}>{escape(text)}</{tag}>"


def _row(values: tuple[str, ...], table: Table) -> str:
    cells = (_cell("td", v, c.is_numeric) for v, c in zip(values, table.columns, strict=True))
    return "<tr>" + "".join(cells) + "</tr>"


def _table(table: Table) -> str:
    head = "".join(_cell("th", c.label, c.is_numeric) for c in table.columns)
    body = "".join(_row(row, table) for row in table.rows) or (
        f'<tr><td colspan="{len(table.columns)}">{escape(table.empty_text)}</td></tr>'
    )
    title = f'<h3 class="table-title">{escape(table.title)}</h3>' if table.title else ""
    note = f'<p class="table-note">{escape(table.note)}</p>' if table.note else ""
    return (
        f'<div class="table-block">{title}<table><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>{note}</div>"
    )


def _block(block: Block, draw: DrawChart) -> str:
    if isinstance(block, Cards):
        return '<div class="cards">' + "".join(_card(c) for c in block.cards) + "</div>"
    if isinstance(block, Chart):
        return _chart(block, draw)
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Note):
        return f'<p class="note">{escape(block.text)}</p>'
    raise TypeError(f"not a report block: {block!r}")


def _section(section: Section, draw: DrawChart) -> str:
    classes = ' class="new-page"' if section.starts_page else ""
    blocks = "".join(_block(b, draw) for b in section.blocks)
    return f"<section{classes}><h2>{escape(section.title)}</h2>{blocks}</section>"


def report_html(report: Report, draw: DrawChart) -> str:
    sections = "".join(_section(s, draw) for s in report.sections)
    return (
        f'<!DOCTYPE html><html lang="{"zh-CN" if report.lang == "zh" else "en"}"><head>'
        f'<meta charset="utf-8"><title>{escape(report.title)} · {escape(report.period_label)}'
        f"</title><style>{page_css(report)}</style></head><body>"
        f"<h1>{escape(report.title)}</h1>"
        f'<p class="subtitle">{escape(report.period_label)} · {escape(report.scope)}</p>'
        f"{sections}</body></html>"
    )
