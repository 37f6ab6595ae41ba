"""HTML to PDF with WeasyPrint: text stays text, fonts are embedded as subsets."""

import logging
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
