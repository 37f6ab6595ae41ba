"""Labels only the reports use, in Chinese and English; shared labels live in the
dashboard's catalogue (`dashboard.i18n`), which `t` falls back to."""

from dashboard.i18n import CATALOGUE as DASHBOARD_CATALOGUE
from dashboard.i18n import language

REPORT_CATALOGUE: dict[str, dict[str, str]] = {
    "report.executive": {"zh": "经营管理月报", "en": "Executive report"},
    "report.manager": {"zh": "团队管理报告", "en": "Manager report"},
    "report.scope_all": {"zh": "全部", "en": "All"},
    "report.scope_all_teams": {"zh": "全部团队", "en": "All teams"},
    "report.filter.branch": {"zh": "分行", "en": "Branch"},
    "report.filter.product": {"zh": "产品", "en": "Product"},
    "report.filter.team": {"zh": "团队", "en": "Team"},
    "report.filter.collector": {"zh": "催收员", "en": "Collector"},
    "report.filter.method": {"zh": "催收方式", "en": "Method"},
    "report.mail_subject": {
        "zh": "{app} · {report} · {period} · {scope}",
        "en": "{app} · {report} · {period} · {scope}",
    },
    "report.mail_body": {
        "zh": "附件为 {period} 的{report}（{scope}），生成于 {generated_at}。",
        "en": "Attached: the {report} for {period} ({scope}), generated {generated_at}.",
    },
}


def t(key: str, lang: str, **values: object) -> str:
    entry = REPORT_CATALOGUE.get(key) or DASHBOARD_CATALOGUE[key]
    return entry[language(lang)].format(**values)
