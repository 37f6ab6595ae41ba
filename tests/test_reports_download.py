"""The dashboard's Download PDF button: the report for the page's view, by name."""

import base64
from pathlib import Path

import pytest

import reports.render
from dashboard import data, pdf_download
from dashboard.view import View
from queries.filters import Filters
from recovery.database import DatabaseMissing
from recovery.settings import Settings


def texts(component) -> list[str]:
    found = []
    children = getattr(component, "children", None)
    if isinstance(children, str):
        found.append(children)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str):
            found.extend(texts(child))
    return found


@pytest.mark.parametrize(
    ("lang", "label"), [("zh", "下载 PDF 报告"), ("en", "Download PDF report")]
)
def test_the_button_speaks_the_pages_language(lang, label):
    assert label in texts(pdf_download.pdf_download(lang))


@pytest.fixture
def written(monkeypatch, tmp_path):
    calls = []

    def fake_write_report(template, filters, lang, out, settings, **_):
        calls.append((template, filters, lang, out.name, settings.attribution_window_days))
        out.write_bytes(b"%PDF-1.7 report")
        return out

    monkeypatch.setattr(reports.render, "write_report", fake_write_report)
    monkeypatch.setattr(data, "settings", lambda: Settings(db=tmp_path / "recovery.duckdb"))
    return calls


def test_the_download_is_the_report_of_the_view(written):
    view = View(Filters("2026-10", team="总部电催一组"), "en", 14)
    sent, error = pdf_download.download_pdf(1, view.as_data(), "manager")
    assert error == ""
    assert sent["filename"] == "manager_team-总部电催一组_2026-10_en.pdf"
    assert base64.b64decode(sent["content"]) == b"%PDF-1.7 report"
    assert written == [
        ("manager", view.filters, "en", "manager_team-总部电催一组_2026-10_en.pdf", 14)
    ]


def test_a_failure_is_said_beside_the_button(monkeypatch, tmp_path):
    def missing(*args, **kwargs):
        raise DatabaseMissing(Path("data/recovery.duckdb"))

    monkeypatch.setattr(reports.render, "write_report", missing)
    monkeypatch.setattr(data, "settings", lambda: Settings(db=tmp_path / "recovery.duckdb"))
    view = View(Filters("2026-10"), "zh", 30)
    sent, error = pdf_download.download_pdf(1, view.as_data(), "executive")
    assert sent is None
    assert error.startswith("PDF 报告生成失败：no database at data/recovery.duckdb")
