"""The Download PDF button: the page's report as a PDF, for the filters, language and
attribution window the page shows (its `view` store). The page frame places
`pdf_download(view.lang)` (the Teams page may pass `template="manager"`); importing this
module registers the callback. Each download is recorded in the audit log, with the
filters and the teams the user may see."""

import logging
import tempfile
from pathlib import Path

from dash import Input, Output, State, callback, dcc, html

from dashboard import access, data
from dashboard.i18n import t as dashboard_t
from dashboard.view import View
from recovery.audit import AuditError, filters_detail
from reports.i18n import t
from reports.naming import report_filename
from reports.titles import report_title

BUTTON_ID = "pdf-download-button"
TEMPLATE_ID = "pdf-download-template"
DOWNLOAD_ID = "pdf-download"
ERROR_ID = "pdf-download-error"

log = logging.getLogger(__name__)


def pdf_download(lang: str, *, template: str = "executive") -> html.Div:
    report = report_title(template, lang)
    return html.Div(
        [
            dcc.Store(id=TEMPLATE_ID, data=template),
            html.Button(
                t("pdf.download", lang),
                id=BUTTON_ID,
                n_clicks=0,
                className="pdf-download-button",
                title=t("pdf.download_help", lang, report=report),
            ),
            dcc.Loading(dcc.Download(id=DOWNLOAD_ID), type="dot"),
            html.Span(id=ERROR_ID, className="pdf-download-error"),
        ],
        className="pdf-download",
    )


def report_pdf(view: View, template: str) -> tuple[bytes, str]:
    """The PDF bytes and file name of `template` for `view`."""
    from reports.render import write_report

    settings = data.settings().model_copy(update={"attribution_window_days": view.window_days})
    name = report_filename(template, view.filters, view.lang)
    with tempfile.TemporaryDirectory(prefix="recovery-report-") as folder:
        path = Path(folder) / name
        write_report(template, view.filters, view.lang, path, settings)
        return path.read_bytes(), name


@callback(
    Output(DOWNLOAD_ID, "data"),
    Output(ERROR_ID, "children"),
    Input(BUTTON_ID, "n_clicks"),
    State("view", "data"),
    State(TEMPLATE_ID, "data"),
    prevent_initial_call=True,
)
def download_pdf(n_clicks: int, view_data: dict, template: str) -> tuple[dict | None, str]:
    view = View.from_data(view_data)
    try:
        content, name = report_pdf(view, template)
    except Exception as error:  # shown beside the button instead of a broken download
        return None, t("pdf.download_failed", view.lang, error=error)
    try:
        access.record(data.settings(), "download", format="pdf", file=name, template=template,
                      lang=view.lang, filters=filters_detail(view.filters))  # fmt: skip
    except AuditError:
        log.exception("download of %s refused", name)
        return None, dashboard_t("download.unaudited", view.lang)
    return dcc.send_bytes(content, name), ""
