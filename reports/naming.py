"""File names that say which report, for whom and for which month:
`executive_all_2026-10_zh.pdf`, `manager_team-电催一组_2026-10_en.pdf`."""

import re

from queries.filters import Filters

_UNSAFE = re.compile(r"[^\w.-]+")


def _slug(value: str) -> str:
    return _UNSAFE.sub("-", value).strip("-.") or "-"


def scope_label(filters: Filters) -> str:
    parts = [
        f"{name}-{_slug(value)}"
        for name in ("branch", "product", "team", "collector", "method")
        if (value := _named(filters, name)) is not None
    ]
    return "_".join(parts) or "all"


def _named(filters: Filters, name: str) -> str | None:
    """A filter's value; for a user who sees only some teams and set no team filter,
    those teams."""
    value = getattr(filters, name)
    if name == "team" and value is None and filters.allowed_teams is not None:
        return "+".join(filters.allowed_teams)
    return value


def report_filename(template: str, filters: Filters, lang: str) -> str:
    return f"{template}_{scope_label(filters)}_{filters.period}_{lang}.pdf"
