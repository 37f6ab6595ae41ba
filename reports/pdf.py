"""HTML to PDF with WeasyPrint: text stays text, fonts are embedded as subsets."""

import logging
import threading
from pathlib import Path


class PdfNotWritten(Exception):
    def __init__(self, out: Path, error: Exception):
        super().__init__(f"could not write the PDF {out}: {error}")


def write_pdf(html: str, out: Path) -> None:
    from weasyprint import HTML

    # WeasyPrint reports every CSS property it skips at warning level; a report is not
    # the place to show them.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    try:
        HTML(string=html).write_pdf(out)
    except OSError as error:
        raise PdfNotWritten(out, error) from error


def _load_weasyprint() -> None:
    from weasyprint import HTML

    HTML(string="<p style=\"font-family: 'Noto Sans CJK SC'\">报告 <b>Report</b></p>").render()


def load_in_background() -> None:
    """Imports WeasyPrint and loads the report font in a thread (seconds in a new
    process), so it happens while the report's measures run rather than after them."""
    threading.Thread(target=_load_weasyprint, name="report-pdf-warm-up", daemon=True).start()
