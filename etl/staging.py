"""Staging: from the text table `raw` to typed, validated rows, in one SQL statement.

Each column of the contract gets a parse expression; each rule of the contract a
condition that marks a row bad. A row is rejected for its first failing rule, with the
column, the value as written and the reason; every other row goes on to be loaded.
"""

from dataclasses import dataclass

from etl.contract import METHODS_NEEDING_OUTCOME, Column, ColumnType, FileKind
from etl.headers import MappedColumn
from etl.readers import quote_identifier

MONEY_LIMIT = "10000000000000000"  # DECIMAL(18,2) holds less than this
MONEY_NOISE = ",，\\s元¥￥"  # thousands separators, spaces and currency marks
INTEGER_NOISE = ",，\\s天"


@dataclass(frozen=True)
class Check:
    column: str
    is_bad: str  # SQL condition over the parsed row
    reason: str  # SQL text expression: the reason in English, for the command line
    code: str  # the reason's key in the translation catalogue (reject.<code>)
    detail: str = "cast(null as varchar)"  # SQL text filling {detail} in the catalogue


def text_of(header: str) -> str:
    return f"nullif(trim(raw.{quote_identifier(header)}), '')"


def timestamp_of(text: str) -> str:
    """ISO text casts directly; slashed and 年月日 forms are rewritten to ISO first; a bare
    five-digit number is an Excel serial date (days since 1899-12-30, fraction = time)."""
    as_iso = f"replace(replace(replace(replace({text}, '/', '-'), '年', '-'), '月', '-'), '日', '')"
    excel_serial = (
        f"case when regexp_full_match({text}, '[1-9][0-9]{{4}}(\\.[0-9]+)?') then "
        f"timestamp '1899-12-30 00:00:00' + to_seconds(round(cast({text} as double) * 86400)) end"
    )
    return (
        f"coalesce(try_cast({text} as timestamp), try_cast({as_iso} as timestamp), {excel_serial})"
    )


def number_of(text: str, noise: str) -> str:
    """Plain numbers cast directly; only the others pay for the clean-up."""
    cleaned = f"regexp_replace({text}, '[{noise}]', '', 'g')"
    return f"coalesce(try_cast({text} as decimal(38, 10)), try_cast({cleaned} as decimal(38, 10)))"


def parse_expression(column: Column, mapped: MappedColumn) -> str:
    text = f"{column.name}__text"
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
        checks.append(Check(name, f"{raw} is null", "'required value missing'", "required"))
    unparsed = f"{raw} is not null and {name} is null"
    match column.type:
        case ColumnType.DATE | ColumnType.TIMESTAMP:
            checks.append(Check(name, unparsed, f"'not a date: ' || {raw}", "not_a_date"))
        case ColumnType.MONEY:
            checks.append(Check(name, unparsed, f"'not an amount: ' || {raw}", "not_an_amount"))
            too_large = f"abs({name}) >= {MONEY_LIMIT}"
            checks.append(Check(name, too_large, "'amount too large'", "amount_too_large"))
            fraction = f"{name} <> round({name}, 2)"
            checks.append(Check(name, fraction, "'more than 2 decimal places'", "fraction_of_cent"))
        case ColumnType.INTEGER:
            not_whole = f"'not a whole number: ' || {raw}"
            checks.append(Check(name, unparsed, not_whole, "not_a_whole_number"))
            fraction = f"{name} <> round({name}, 0)"
            checks.append(Check(name, fraction, not_whole, "not_a_whole_number"))
        case ColumnType.ENUM:
            checks.append(
                Check(
                    name,
                    unparsed,
                    f"'unknown {column.domain} value ''' || {raw} || ''' (add it under "
                    f"value_aliases.{column.domain} in the config)'",
                    "unknown_value",
                    f"'{column.domain}'",
                )
            )
    return checks


def at_least(column: str, minimum: int, *, strict: bool) -> Check:
    operator, words, code = ("<=", "greater than", "greater_than")
    if not strict:
        operator, words, code = ("<", "at least", "at_least")
    reason = f"'must be {words} {minimum}'"
    return Check(column, f"{column} {operator} {minimum}", reason, code, f"'{minimum}'")


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
            "required_for_method",
            "method",
        ),
        Check(
            "promised_date",
            "promised_amount is not null and promised_date__text is null",
            "'required with promised_amount'",
            "required_with_promise",
        ),
        at_least("promised_amount", 0, strict=True),
        at_least("cost", 0, strict=False),
    ],
    "payments": [Check("amount", "amount = 0", "'must not be 0'", "zero")],
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


@dataclass(frozen=True)
class Statement:
    sql: str
    takes_parameters: bool = False  # the config's values ($special_mention_max, ...)


def staging_sql(kind: FileKind, mapped: list[MappedColumn], line_sql: str) -> list[Statement]:
    """Statements leaving temp table `staged`: every column of the kind (null when absent),
    `<column>__text` as written, `source_line`, `reject_column` and `reject_reason`.

    Texts, parsed values and verdicts are materialised one after the other, so that each
    parse runs once per row however many rules look at its result."""
    by_name = {m.column: m for m in mapped}
    texts, parsed, joins = [f"{line_sql} as source_line"], [], []
    checks: list[Check] = []
    for column in kind.columns:
        mapping = by_name.get(column.name)
        if mapping is None:
            texts.append(f"cast(null as varchar) as {column.name}__text")
            parsed.append(f"{_typed_null(column)} as {column.name}")
            continue
        texts.append(f"{text_of(mapping.header)} as {column.name}__text")
        parsed.append(f"{parse_expression(column, mapping)} as {column.name}")
        if column.type is ColumnType.ENUM:
            joins.append(
                f"left join value_aliases alias_{column.name} "
                f"on alias_{column.name}.domain = '{column.domain}' "
                f"and alias_{column.name}.spelling = lower({text_of(mapping.header)})"
            )
        checks.extend(parse_checks(column))
    checks.extend(RULES[kind.name])
    # The first failing rule's number, found once; column and reason follow from it.
    failed_rule = "case " + " ".join(f"when {c.is_bad} then {i}" for i, c in enumerate(checks))
    reject_column = "case failed_rule " + " ".join(
        f"when {i} then '{c.column}'" for i, c in enumerate(checks)
    )
    reject_reason = "case failed_rule " + " ".join(
        f"when {i} then {c.reason}" for i, c in enumerate(checks)
    )
    reject_code = "case failed_rule " + " ".join(
        f"when {i} then '{c.code}'" for i, c in enumerate(checks)
    )
    reject_detail = "case failed_rule " + " ".join(
        f"when {i} then {c.detail}" for i, c in enumerate(checks)
    )
    derived = DERIVED.get(kind.name, {})
    finals = [f"{derived.get(c.name, c.name)} as {c.name}" for c in kind.columns]
    text_columns = ", ".join(f"{c.name}__text" for c in kind.columns)
    return [
        # Parse expressions read the `<column>__text` aliases of the same select list.
        Statement(f"""
        create or replace temp table staged_parsed as
        select {", ".join(texts + parsed)}
        from raw {" ".join(joins)}
        """),
        Statement(
            f"""
        create or replace temp table staged as
        with verdicts as (
            select *, {failed_rule} end as failed_rule
            from staged_parsed
        ),
        checked as (
            select *, {reject_column} end as reject_column, {reject_reason} end as reject_reason,
                {reject_code} end as reject_code, {reject_detail} end as reject_detail
            from verdicts
        ),
        derived as (
            select source_line, reject_column, reject_reason, reject_code, reject_detail,
                {text_columns}, {", ".join(finals)}
            from checked
        ),
        {_identified_cte(kind)},
        {_repeats_cte(kind)},
        final as (
            select d.* replace (
                case when r.first_line is not null then '{kind.key[-1]}' else d.reject_column end
                    as reject_column,
                case when r.first_line is not null then {_repeat_reason(kind)}
                    else d.reject_reason end as reject_reason,
                case when r.first_line is not null then 'repeated_key'
                    else d.reject_code end as reject_code,
                case when r.first_line is not null then cast(r.first_line as varchar)
                    else d.reject_detail end as reject_detail
            )
            from identified d
            left join repeats r on r.source_line = d.source_line
        )
        select * from final
        """,
            takes_parameters=kind.name in DERIVED,
        ),
        Statement("drop table staged_parsed"),
    ]


def _typed_null(column: Column) -> str:
    sql_type = {
        ColumnType.DATE: "date",
        ColumnType.TIMESTAMP: "timestamp",
        ColumnType.MONEY: "decimal(38, 10)",
        ColumnType.INTEGER: "decimal(38, 10)",
    }.get(column.type, "varchar")
    return f"cast(null as {sql_type})"


def _identified_cte(kind: FileKind) -> str:
    """Rows without an id get one made from their content and their occurrence among
    identical rows, so a re-export of the same rows gets the same ids."""
    id_column = CONTENT_IDS.get(kind.name)
    if id_column is None:
        return "identified as (select * from derived)"
    content = ", ".join(
        f"coalesce(cast({c.name} as varchar), '')" for c in kind.columns if c.name != id_column
    )
    return f"""made_ids as (
            select source_line, 'h' || substr(md5(concat_ws('|', {content}, cast(
                row_number() over (partition by {content} order by source_line) as varchar
            ))), 1, 24) as made_id
            from derived
            where {id_column} is null
        ),
        identified as (
            select d.* replace (coalesce(d.{id_column}, m.made_id) as {id_column})
            from derived d
            left join made_ids m on m.source_line = d.source_line
        )"""


def _repeats_cte(kind: FileKind) -> str:
    """Good rows repeating the key of an earlier good row of the same file. Keys that
    repeat are found by grouping (cheap), then only their rows are looked at again."""
    if kind.name not in UNIQUE_IN_FILE:
        return (
            "repeats as (select cast(null as bigint) as source_line, "
            "cast(null as bigint) as first_line where false)"
        )
    keys = ", ".join(kind.key)
    same_key = " and ".join(f"i.{k} = k.{k}" for k in kind.key)
    return f"""repeated_keys as (
            select {keys}, min(source_line) as first_line
            from identified
            where reject_reason is null
            group by {keys}
            having count(*) > 1
        ),
        repeats as (
            select i.source_line, k.first_line
            from identified i
            join repeated_keys k on {same_key}
            where i.reject_reason is null and i.source_line > k.first_line
        )"""


def _repeat_reason(kind: FileKind) -> str:
    scope = f" for this {kind.key[0]}" if len(kind.key) > 1 else ""
    return f"'{kind.key[-1]} appears twice{scope} (first at line ' || r.first_line || ')'"
