"""How a report names itself to a reader: its title and the scope its filters give."""

from queries.filters import Filters
from reports.i18n import t

FILTER_NAMES = ("branch", "product", "team", "collector", "method")


def report_title(template: str, lang: str) -> str:
    return t(f"report.{template}", lang)


def scope_text(filters: Filters, lang: str) -> str:
    """`团队：电催一组 · 产品：车贷`, or `全部` when nothing narrows the report."""
    parts = [
        f"{t(f'report.filter.{name}', lang)}{'：' if lang == 'zh' else ': '}{value}"
        for name in FILTER_NAMES
        if (value := getattr(filters, name)) is not None
    ]
    return " · ".join(parts) or t("report.scope_all", lang)


def mail_subject(template: str, filters: Filters, lang: str) -> str:
    return t(
        "report.mail_subject",
        lang,
        app=t("app.title", lang),
        report=report_title(template, lang),
        period=filters.period,
        scope=scope_text(filters, lang),
    )
