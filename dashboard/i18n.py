"""The translation catalogue: every label a person sees, in Chinese and English."""

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

CATALOGUE: dict[str, dict[str, str]] = {
    "app.title": {"zh": "催收回收分析", "en": "Collection recovery analytics"},
    "nav.data": {"zh": "数据", "en": "Data"},
    "lang.switch": {"zh": "English", "en": "中文"},
    "data.title": {"zh": "数据加载与质量", "en": "Data loads and quality"},
    "data.freshness": {"zh": "各类文件的数据时效", "en": "Data freshness per file kind"},
    "data.history": {"zh": "加载记录", "en": "Load history"},
    "data.rejects": {"zh": "被拒绝的行", "en": "Rejected rows"},
    "data.rejects_total": {"zh": "共 {count} 行被拒绝", "en": "{count} rejected rows in all"},
    "data.empty": {
        "zh": "尚未加载数据：请先运行 recovery load 加载文件。",
        "en": "No data loaded yet: load files first with recovery load.",
    },
    "data.none": {"zh": "无", "en": "None"},
    "col.kind": {"zh": "文件类型", "en": "File kind"},
    "col.latest_data_on": {"zh": "最新数据日期", "en": "Latest data"},
    "col.last_loaded_at": {"zh": "最近加载时间", "en": "Last loaded"},
    "col.count_files": {"zh": "文件数", "en": "Files"},
    "col.count_rows_loaded": {"zh": "已加载行数", "en": "Rows loaded"},
    "col.count_rows_rejected": {"zh": "拒绝行数", "en": "Rows rejected"},
    "col.load_id": {"zh": "批次号", "en": "Load"},
    "col.file_name": {"zh": "文件名", "en": "File"},
    "col.file_format": {"zh": "格式", "en": "Format"},
    "col.encoding": {"zh": "编码", "en": "Encoding"},
    "col.rows_read": {"zh": "读取行数", "en": "Rows read"},
    "col.rows_loaded": {"zh": "已加载", "en": "Loaded"},
    "col.rows_rejected": {"zh": "已拒绝", "en": "Rejected"},
    "col.status": {"zh": "状态", "en": "Status"},
    "col.loaded_at": {"zh": "加载时间", "en": "Loaded at"},
    "col.line": {"zh": "行号", "en": "Line"},
    "col.column_name": {"zh": "字段", "en": "Column"},
    "col.header": {"zh": "表头", "en": "Header"},
    "col.value": {"zh": "值", "en": "Value"},
    "col.reason": {"zh": "原因", "en": "Reason"},
    "kind.loans": {"zh": "贷款台账", "en": "Loans"},
    "kind.actions": {"zh": "催收记录", "en": "Actions"},
    "kind.payments": {"zh": "还款记录", "en": "Payments"},
    "kind.contacts": {"zh": "联系方式", "en": "Contacts"},
    "kind.teams": {"zh": "团队", "en": "Teams"},
    "status.loaded": {"zh": "已加载", "en": "loaded"},
    "reject.required": {"zh": "必填值缺失", "en": "required value missing"},
    "reject.not_a_date": {"zh": "不是有效日期：{value}", "en": "not a date: {value}"},
    "reject.not_an_amount": {"zh": "不是有效金额：{value}", "en": "not an amount: {value}"},
    "reject.amount_too_large": {"zh": "金额过大", "en": "amount too large"},
    "reject.fraction_of_cent": {"zh": "小数超过两位", "en": "more than 2 decimal places"},
    "reject.not_a_whole_number": {"zh": "不是整数：{value}", "en": "not a whole number: {value}"},
    "reject.unknown_value": {
        "zh": "未知的取值 '{value}'（可在配置 value_aliases.{detail} 中映射）",
        "en": "unknown {detail} value '{value}' (map it under value_aliases.{detail})",
    },
    "reject.at_least": {"zh": "不得小于 {detail}", "en": "must be at least {detail}"},
    "reject.greater_than": {"zh": "必须大于 {detail}", "en": "must be greater than {detail}"},
    "reject.required_for_method": {
        "zh": "{detail} 类催收必须填写",
        "en": "required for {detail} actions",
    },
    "reject.required_with_promise": {
        "zh": "填写承诺金额时必须填写",
        "en": "required with promised_amount",
    },
    "reject.zero": {"zh": "不得为 0", "en": "must not be 0"},
    "reject.repeated_key": {
        "zh": "{column} 重复（首次出现在第 {detail} 行）",
        "en": "{column} appears twice (first at line {detail})",
    },
    "reject.malformed_row": {
        "zh": "该行无法拆分为字段：{detail}",
        "en": "row cannot be split into fields: {detail}",
    },
    "status.replaced": {"zh": "已被替换", "en": "replaced"},
}


def language(value: str | None) -> str:
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str, **values: object) -> str:
    return CATALOGUE[key][language(lang)].format(**values)
