"""How a report names itself to a reader: its title and the scope its filters give."""

from queries.filters import Filters
from reports.i18n import t

FILTER_NAMES = ("branch", "product", "team", "collector", "method")


def report_title(template: str, lang: str) -> str:
    return t(f"report.{template}", lang)


def scope_text(filters: Filters, lang: str) -> str:
    """`团队：电催一组 · 产品：车贷`, or `全部` when nothing narrows the report. A report
    for a user who sees only some teams names those teams when no team filter is set."""
    parts = [
        f"{t(f'report.filter.{name}', lang)}{'：' if lang == 'zh' else ': '}{value}"
        for name in FILTER_NAMES
        if (value := _shown(filters, name, lang)) is not None
    ]
    return " · ".join(parts) or t("report.scope_all", lang)


def _shown(filters: Filters, name: str, lang: str) -> str | None:
    value = getattr(filters, name)
    if name == "team" and value is None and filters.allowed_teams is not None:
        return ("、" if lang == "zh" else ", ").join(filters.allowed_teams)
    return value


def mail_subject(template: str, filters: Filters, lang: str) -> str:
    return t(
        "report.mail_subject",
        lang,
        app=t("app.title", lang),
        report=report_title(template, lang),
        period=filters.period,
        scope=scope_text(filters, lang),
    )
