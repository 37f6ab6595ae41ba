"""Staging: from the text table `raw` to typed, validated rows, in one SQL statement.

Each column of the contract gets a parse expression; each rule of the contract a
condition that marks a row bad. A row is rejected for its first failing rule, with the
column, the value as written and the reason; every other row goes on to be loaded.
"""

from dataclasses import dataclass

from etl.contract import METHODS_NEEDING_OUTCOME, Column, ColumnType, FileKind
from etl.headers import MappedColumn
from etl.readers import quote_identifier

TIMESTAMP_FORMATS = [
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y年%m月%d日",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
]
_FORMATS_SQL = "[" + ", ".join(f"'{f}'" for f in TIMESTAMP_FORMATS) + "]"
MONEY_LIMIT = "10000000000000000"  # DECIMAL(18,2) holds less than this
MONEY_NOISE = ",，\\s元¥￥"  # thousands separators, spaces and currency marks
INTEGER_NOISE = ",，\\s天"


@dataclass(frozen=True)
class Check:
    column: str
    is_bad: str  # SQL condition over the parsed row
    reason: str  # SQL text expression


def text_of(header: str) -> str:
    return f"nullif(trim(raw.{quote_identifier(header)}), '')"


def timestamp_of(text: str) -> str:
    excel_serial = (
        f"case when regexp_full_match({text}, '[1-9][0-9]{{4}}(\\.[0-9]+)?') then "
        f"timestamp '1899-12-30 00:00:00' + to_seconds(round(cast({text} as double) * 86400)) end"
    )
    return f"coalesce(try_strptime({text}, {_FORMATS_SQL}), {excel_serial})"


def number_of(text: str, strip: str) -> str:
    return f"try_cast(regexp_replace({text}, '[{strip}]', '', 'g') as decimal(38, 6))"


def parse_expression(column: Column, mapped: MappedColumn) -> str:
    text = text_of(mapped.header)
    match column.type:
        case ColumnType.TEXT:
            return text
        case ColumnType.DATE:
            return f"cast({timestamp_of(text)} as date)"
        case ColumnType.TIMESTAMP:
            return timestamp_of(text)
        case ColumnType.MONEY:
            return f"{number_of(text, MONEY_NOISE)} * {mapped.scale}"
        case ColumnType.INTEGER:
            return number_of(text, INTEGER_NOISE)
        case ColumnType.ENUM:
            return f"alias_{column.name}.canonical"


def parse_checks(column: Column) -> list[Check]:
    name, raw = column.name, f"{column.name}__text"
    checks = []
    if column.required:
        checks.append(Check(name, f"{raw} is null", "'required value missing'"))
    unparsed = f"{raw} is not null and {name} is null"
    match column.type:
        case ColumnType.DATE | ColumnType.TIMESTAMP:
            checks.append(Check(name, unparsed, f"'not a date: ' || {raw}"))
        case ColumnType.MONEY:
            checks.append(Check(name, unparsed, f"'not an amount: ' || {raw}"))
            checks.append(Check(name, f"abs({name}) >= {MONEY_LIMIT}", "'amount too large'"))
            checks.append(
                Check(name, f"{name} <> round({name}, 2)", "'more than 2 decimal places'")
            )
        case ColumnType.INTEGER:
            checks.append(Check(name, unparsed, f"'not a whole number: ' || {raw}"))
            checks.append(
                Check(name, f"{name} <> round({name}, 0)", f"'not a whole number: ' || {raw}")
            )
        case ColumnType.ENUM:
            checks.append(
                Check(
                    name,
                    unparsed,
                    f"'unknown {column.domain} value ''' || {raw} || ''' (add it under "
                    f"value_aliases.{column.domain} in the config)'",
                )
            )
    return checks


def at_least(column: str, minimum: int, *, strict: bool) -> Check:
    operator, words = ("<=", "greater than") if strict else ("<", "at least")
    return Check(column, f"{column} {operator} {minimum}", f"'must be {words} {minimum}'")


RULES: dict[str, list[Check]] = {
    "loans": [
        at_least("principal", 0, strict=True),
        at_least("outstanding_balance", 0, strict=False),
        at_least("overdue_amount", 0, strict=False),
        at_least("days_past_due", 0, strict=False),
    ],
    "actions": [
        Check(
            "outcome",
            "outcome__text is null and method in ("
            + ", ".join(f"'{m}'" for m in METHODS_NEEDING_OUTCOME)
            + ")",
            "'required for ' || method || ' actions'",
        ),
        Check(
            "promised_date",
            "promised_amount is not null and promised_date__text is null",
            "'required with promised_amount'",
        ),
        at_least("promised_amount", 0, strict=True),
        at_least("cost", 0, strict=False),
    ],
    "payments": [Check("amount", "amount = 0", "'must not be 0'")],
    "contacts": [],
    "teams": [at_least("monthly_visit_quota", 0, strict=False)],
}

# Columns whose value is worked out when the file leaves it out. The classification rule
# is the 2023 rules' days-past-due ladder, thresholds from the config ($params).
DERIVED: dict[str, dict[str, str]] = {
    "loans": {
        "classification": """coalesce(classification, case
            when days_past_due = 0 then 'normal'
            when days_past_due <= $special_mention_max then 'special_mention'
            when days_past_due <= $substandard_max then 'substandard'
            when days_past_due <= $doubtful_max then 'doubtful'
            else 'loss' end)""",
        "status": "coalesce(status, 'active')",
        "overdue_amount": "coalesce(overdue_amount, case when days_past_due = 0 then 0 end)",
    },
}

# Kinds whose id may be left out: it is made from the row's content and its occurrence
# among identical rows, so a re-export of the same rows gets the same ids.
CONTENT_IDS = {"actions": "action_id", "payments": "payment_id"}
# Kinds where a repeated key within one file is a rejected row (contacts keep repeats:
# a number listed twice is counted as a duplicate number on file).
UNIQUE_IN_FILE = {"loans", "actions", "payments", "teams"}


def staging_sql(kind: FileKind, mapped: list[MappedColumn]) -> str:
    """SQL creating temp table `staged`: every column of the kind (null when absent),
    `<column>__text` as written, `source_line`, `reject_column` and `reject_reason`."""
    by_name = {m.column: m for m in mapped}
    selects, joins = ["raw.source_line"], []
    checks: list[Check] = []
    for column in kind.columns:
        if column.name in by_name:
            mapping = by_name[column.name]
            selects.append(f"{text_of(mapping.header)} as {column.name}__text")
            selects.append(f"{parse_expression(column, mapping)} as {column.name}")
            if column.type is ColumnType.ENUM:
                joins.append(
                    f"left join value_aliases alias_{column.name} "
                    f"on alias_{column.name}.domain = '{column.domain}' "
                    f"and alias_{column.name}.spelling = lower({text_of(mapping.header)})"
                )
            checks.extend(parse_checks(column))
        else:
            selects.append(f"cast(null as varchar) as {column.name}__text")
            selects.append(f"{_typed_null(column)} as {column.name}")
    checks.extend(RULES[kind.name])
    reject_column = "case " + " ".join(f"when {c.is_bad} then '{c.column}'" for c in checks)
    reject_reason = "case " + " ".join(f"when {c.is_bad} then {c.reason}" for c in checks)
    derived = DERIVED.get(kind.name, {})
    finals = [derived.get(c.name, c.name) + f" as {c.name}" for c in kind.columns]
    content_id = CONTENT_IDS.get(kind.name)
    if content_id:
        finals = [f for f in finals if not f.endswith(f" as {content_id}")]
        finals.insert(0, f"{_content_id_sql(kind, content_id)} as {content_id}")
    texts = [f"{c.name}__text" for c in kind.columns]
    return f"""
        create or replace temp table staged as
        with parsed as (
            select {", ".join(selects)}
            from raw {" ".join(joins)}
        ),
        checked as (
            select *,
                {reject_column + " end" if checks else "cast(null as varchar)"} as reject_column,
                {reject_reason + " end" if checks else "cast(null as varchar)"} as reject_reason
            from parsed
        ),
        derived as (
            select source_line, reject_column, reject_reason, {", ".join(texts)},
                {", ".join(finals)}
            from checked
        ),
        final as (
            select * replace (
                {_duplicate_column(kind)} as reject_column,
                {_duplicate_reason(kind)} as reject_reason
            )
            from derived
        )
        select * from final
    """


def _typed_null(column: Column) -> str:
    sql_type = {
        ColumnType.DATE: "date",
        ColumnType.TIMESTAMP: "timestamp",
        ColumnType.MONEY: "decimal(38, 6)",
        ColumnType.INTEGER: "decimal(38, 6)",
    }.get(column.type, "varchar")
    return f"cast(null as {sql_type})"


def _content_id_sql(kind: FileKind, id_column: str) -> str:
    content = ", ".join(
        f"coalesce(cast({c.name} as varchar), '')" for c in kind.columns if c.name != id_column
    )
    occurrence = f"row_number() over (partition by {content} order by source_line)"
    return (
        f"coalesce({id_column}, 'h' || substr(md5(concat_ws('|', {content}, "
        f"cast({occurrence} as varchar))), 1, 24))"
    )


def _key_window(kind: FileKind) -> str:
    return f"over (partition by {', '.join(kind.key)}, reject_reason is null)"


def _is_repeat(kind: FileKind) -> str:
    if kind.name not in UNIQUE_IN_FILE:
        return "false"
    return (
        f"reject_reason is null and row_number() {_key_window(kind)[:-1]} order by source_line) > 1"
    )


def _duplicate_column(kind: FileKind) -> str:
    return f"case when {_is_repeat(kind)} then '{kind.key[-1]}' else reject_column end"


def _duplicate_reason(kind: FileKind) -> str:
    scope = f" for this {kind.key[0]}" if len(kind.key) > 1 else ""
    return (
        f"case when {_is_repeat(kind)} then '{kind.key[-1]} appears twice{scope} (first at "
        f"line ' || min(source_line) {_key_window(kind)} || ')' else reject_reason end"
    )
