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
    "report.window": {"zh": "归因窗口 {days} 天", "en": "attribution window {days} days"},
    "report.section.headline": {"zh": "核心指标", "en": "Headline figures"},
    "report.section.portfolio": {"zh": "资产组合与账龄", "en": "Portfolio and aging"},
    "report.section.classification": {"zh": "不良与五级分类", "en": "NPL and classification"},
    "report.section.recovery": {
        "zh": "回收：按催收方式与团队",
        "en": "Recovery by method and team",
    },
    "report.section.contacts": {"zh": "联系与可联情况", "en": "Contacts and reachability"},
    "report.section.promises": {"zh": "承诺还款", "en": "Promises to pay"},
    "report.section.attention": {"zh": "待关注案件", "en": "Cases needing attention"},
    "report.section.data": {"zh": "数据时效与拒绝行", "en": "Data freshness and rejected rows"},
    "report.section.team_headline": {"zh": "团队核心指标", "en": "The team's headline figures"},
    "report.section.league": {
        "zh": "催收员（组内排名）",
        "en": "Collectors ranked within their team",
    },
    "report.section.methods": {
        "zh": "各阶段催收方式对比",
        "en": "Methods compared by stage",
    },
    "report.section.reachability": {
        "zh": "可联情况与无效号码",
        "en": "Reachability and invalid numbers",
    },
    "report.section.broken_promises": {"zh": "违约承诺", "en": "Broken promises"},
    "report.kpi.active_loans": {"zh": "在贷笔数", "en": "Active loans"},
    "report.change_last_year": {"zh": "较去年同期 {change}", "en": "{change} vs a year ago"},
    "report.no_last_year": {"zh": "去年同期无数据", "en": "No data a year ago"},
    "report.comparison": {
        "zh": "与上月及去年同期对比",
        "en": "Against last month and the same month last year",
    },
    "report.snapshot_used": {
        "zh": "资产组合指标取自 {day} 的贷款台账快照。",
        "en": "Portfolio figures are from the loans snapshot of {day}.",
    },
    "report.table.aging": {"zh": "账龄分布", "en": "Aging buckets"},
    "report.chart.collector_index": {
        "zh": "回收指数最高的 {count} 名催收员（含 95% 区间）",
        "en": "The {count} collectors with the highest recovery index (95 % interval)",
    },
    "report.watch_list_rule": {
        "zh": "最近一次有效催告（或首次逾期日）早于快照日 {months} 个月以上的逾期贷款；"
        "三年诉讼时效届满前需再次催告。",
        "en": "Overdue loans whose last documented demand (or the day they fell overdue) is "
        "more than {months} months before the snapshot; the three-year limitation period "
        "runs out unless a new demand is made.",
    },
    "report.col.measure": {"zh": "指标", "en": "Measure"},
    "report.col.change_previous": {"zh": "较上月", "en": "vs last month"},
    "report.col.change_last_year": {"zh": "较去年同期", "en": "vs a year ago"},
    "report.col.bucket": {"zh": "账龄段", "en": "Bucket"},
    "report.col.loans_share": {"zh": "笔数占比", "en": "Share of loans"},
    "report.col.outstanding_share": {"zh": "余额占比", "en": "Share of outstanding"},
    "report.col.non_performing": {"zh": "不良", "en": "Non-performing"},
    "report.col.count_connected": {"zh": "接通", "en": "Connected"},
    "report.col.reachability": {"zh": "可联状态", "en": "Reachability"},
    "report.col.numbers_checked": {"zh": "校验号码数", "en": "Numbers checked"},
    "report.col.customers_on_book": {"zh": "在册客户", "en": "Customers on the book"},
    "report.col.count_due": {"zh": "到期承诺", "en": "Promises due"},
    "report.col.list": {"zh": "清单", "en": "List"},
    "report.col.rank": {"zh": "名次", "en": "Rank"},
    "report.yes": {"zh": "是", "en": "Yes"},
    "report.no": {"zh": "否", "en": "No"},
    "pdf.download": {"zh": "下载 PDF 报告", "en": "Download PDF report"},
    "pdf.download_help": {
        "zh": "按当前筛选条件和语言生成{report}",
        "en": "The {report} for the current filters and language",
    },
    "pdf.download_failed": {
        "zh": "PDF 报告生成失败：{error}",
        "en": "The PDF report could not be made: {error}",
    },
    "pdf.page_numbers": {"zh": "第 {page} / {pages} 页", "en": "Page {page} of {pages}"},
    "pdf.filters": {"zh": "筛选：{scope}", "en": "Filters: {scope}"},
    "pdf.generated_at": {"zh": "生成时间：{moment}", "en": "Generated {moment}"},
    "report.mail_subject": {
        "zh": "{app} · {report} · {period} · {scope}",
        "en": "{app} · {report} · {period} · {scope}",
    },
    "report.data_counts_hidden": {
        "zh": "装载行数与被拒绝的行只向能查看所有团队的读者显示。",
        "en": "Rows loaded and rejected are shown only to readers who see every team.",
    },
    "report.mail_body": {
        "zh": "附件为 {period} 的{report}（{scope}），生成于 {generated_at}。",
        "en": "Attached: the {report} for {period} ({scope}), generated {generated_at}.",
    },
}


def t(key: str, lang: str, **values: object) -> str:
    entry = REPORT_CATALOGUE.get(key) or DASHBOARD_CATALOGUE[key]
    return entry[language(lang)].format(**values)
