"""Staging: from the text table `raw` to typed, validated rows, in two SQL statements.

`stage_sql` parses each column of the contract and applies the rules a row is judged by on
its own, each a condition that marks the row bad; `repeats_sql` finds keys given twice;
`overlaps_sql` finds cases of a loan that share a day with an earlier one. A row is
rejected for its first failing rule, with the column, the value as written and the reason;
every other row goes on to be loaded (`good_rows_sql`).
"""

from dataclasses import dataclass

from etl.contract import METHODS_NEEDING_OUTCOME, Column, ColumnType, FileKind
from etl.headers import MappedColumn
from etl.readers import quote_identifier

MONEY_LIMIT = "10000000000000000"  # DECIMAL(18,2) holds less than this
MONEY_NOISE = ",，\\s元¥￥"  # thousands separators, spaces and currency marks
INTEGER_NOISE = ",，\\s天"
# Longest value a cell may hold, in characters: longer is a rejected row (a 100,000-character
# name freezes the pages that show it). Free text may be longer than names and ids.
LONGEST_VALUE = 200
LONGEST_VALUE_OF = {"note": 2000}


@dataclass(frozen=True)
class Check:
    column: str
    is_bad: str  # SQL condition over the parsed row
    reason: str  # SQL text expression: the reason in English, for the command line
    code: str  # the reason's key in the translation catalogue (reject.<code>)
    detail: str = "cast(null as varchar)"  # SQL text filling {detail} in the catalogue

    @property
    def column_literal(self) -> str:
        return f"'{self.column}'"

    @property
    def code_literal(self) -> str:
        return f"'{self.code}'"

    @property
    def value_as_written(self) -> str:
        return f"{self.column}__text"


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


def cleaned(text: str, noise: str) -> str:
    return f"regexp_replace({text}, '[{noise}]', '', 'g')"


def number_of(text: str, noise: str, sql_type: str) -> str:
    """Plain numbers cast directly; only the others pay for the clean-up."""
    return (
        f"coalesce(try_cast({text} as {sql_type}), try_cast({cleaned(text, noise)} as {sql_type}))"
    )


def whole_number_of(text: str) -> str:
    """Whole numbers, also written `12.0` or `35天`; `3.5` is not one (a plain cast would
    round it, so only text without a point is cast directly). Cast to the tables' INTEGER:
    a number too large for it is not a whole number the tables can hold."""
    plain = cleaned(text, INTEGER_NOISE)
    return (
        f"coalesce(case when strpos({text}, '.') = 0 then try_cast({text} as integer) end, "
        f"case when regexp_full_match({plain}, '-?[0-9]+(\\.0*)?') "
        f"then try_cast(regexp_replace({plain}, '\\.0*$', '') as integer) end)"
    )


def parse_expression(column: Column, mapped: MappedColumn) -> str:
    text = f"{column.name}__text"
    match column.type:
        case ColumnType.TEXT:
            return text
        case ColumnType.DATE:
            return f"cast({timestamp_of(text)} as date)"
        case ColumnType.TIMESTAMP:
            return timestamp_of(text)
        case ColumnType.MONEY if mapped.scale == 1:
            # Cents exactly; digits past the cent are caught on the text (parse_checks).
            return number_of(text, MONEY_NOISE, "decimal(18, 2)")
        case ColumnType.MONEY:
            return f"{number_of(text, MONEY_NOISE, 'decimal(38, 10)')} * {mapped.scale}"
        case ColumnType.INTEGER:
            return whole_number_of(text)
        case ColumnType.ENUM:
            return f"{column.name}__canonical"


def parse_checks(column: Column, mapped: MappedColumn) -> list[Check]:
    name, raw = column.name, f"{column.name}__text"
    checks = []
    if column.required:
        checks.append(Check(name, f"{raw} is null", "'required value missing'", "required"))
    longest = LONGEST_VALUE_OF.get(name, LONGEST_VALUE)
    checks.append(
        Check(
            name,
            f"length({raw}) > {longest}",
            f"'longer than {longest} characters'",
            "too_long",
            f"'{longest}'",
        )
    )
    unparsed = f"{raw} is not null and {name} is null"
    match column.type:
        case ColumnType.DATE | ColumnType.TIMESTAMP:
            checks.append(Check(name, unparsed, f"'not a date: ' || {raw}", "not_a_date"))
        case ColumnType.MONEY:
            if mapped.scale == 1:
                digits = cleaned(raw, MONEY_NOISE)
                too_large = (
                    f"{unparsed} and regexp_full_match({digits}, '-?[0-9]{{17,}}(\\.[0-9]*)?')"
                )
                fraction = f"regexp_matches({raw}, '\\.[0-9]{{2}}[0-9]*[1-9]')"
            else:
                too_large = f"abs({name}) >= {MONEY_LIMIT}"
                fraction = f"{name} <> round({name}, 2)"
            checks.append(Check(name, too_large, "'amount too large'", "amount_too_large"))
            checks.append(Check(name, unparsed, f"'not an amount: ' || {raw}", "not_an_amount"))
            checks.append(Check(name, fraction, "'more than 2 decimal places'", "fraction_of_cent"))
        case ColumnType.INTEGER:
            not_whole = f"'not a whole number: ' || {raw}"
            checks.append(Check(name, unparsed, not_whole, "not_a_whole_number"))
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
    "assignments": [
        Check(
            "ended_on",
            "ended_on < assigned_on",
            "'must not be before assigned_on'",
            "ends_before_start",
        ),
        at_least("assigned_amount", 0, strict=False),
        at_least("days_past_due", 0, strict=False),
    ],
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
CONTENT_IDS = {"actions": "action_id", "payments": "payment_id", "assignments": "assignment_id"}
# Kinds where a repeated key within one file is a rejected row (contacts keep repeats:
# a number listed twice is counted as a duplicate number on file).
UNIQUE_IN_FILE = {"loans", "actions", "payments", "assignments", "teams"}
# Kinds whose rows are periods a loan is held (a case from assigned_on up to, not including,
# ended_on): no two of one loan may share a day, in the file or with the rows loaded before.
HELD_ONE_AT_A_TIME = {"assignments"}
# Joins the parts of a reason_detail that has two: the other case's id, then its line or
# its file (`{detail}` and `{where}` in the catalogue).
DETAIL_SEPARATOR = "\x1f"


def stage_sql(kind: FileKind, mapped: list[MappedColumn], line_sql: str) -> str:
    """Temp table `staged`: one row per row of `raw`, with `source_line`, every column of
    the kind parsed (null when absent or blank), and for a row that breaks a rule of its
    own `failed_rule`, `reject_column`, `reject_value` (as written), `reject_reason`
    (English), `reject_code` and `reject_detail`. The texts as written are worked on in
    the CTEs and never stored, so the table holds little more than the typed row."""
    by_name = {m.column: m for m in mapped}
    texts, parsed = [f"{line_sql} as source_line"], []
    canonicals, joins = [], []  # enum values looked up by their spelling
    for column in kind.columns:
        mapping = by_name.get(column.name)
        if mapping is None:
            texts.append(f"cast(null as varchar) as {column.name}__text")
            parsed.append(f"{_typed_null(column)} as {column.name}")
            continue
        texts.append(f"{text_of(mapping.header)} as {column.name}__text")
        parsed.append(f"{parse_expression(column, mapping)} as {column.name}")
        if column.type is ColumnType.ENUM:
            canonicals.append(f"alias_{column.name}.canonical as {column.name}__canonical")
            joins.append(
                f"left join value_aliases alias_{column.name} "
                f"on alias_{column.name}.domain = '{column.domain}' "
                f"and alias_{column.name}.spelling = lower(texts.{column.name}__text)"
            )
    checks = row_checks(kind, mapped)
    failed_rule = (
        "case " + " ".join(f"when {c.is_bad} then {i}" for i, c in enumerate(checks)) + " end"
        if checks
        else "cast(null as integer)"
    )
    verdict = [
        f"{_by_rule(checks, attribute)} as reject_{name}"
        for name, attribute in REJECT_FIELDS.items()
    ]
    return f"""
        create or replace temp table staged as
        with texts as (
            select {", ".join(texts)}
            from raw
        ),
        canonical as (
            select {", ".join(["texts.*", *canonicals])}
            from texts {" ".join(joins)}
        ),
        parsed as (
            select *, {", ".join(parsed)}
            from canonical
        ),
        ruled as (
            select *, {failed_rule} as failed_rule
            from parsed
        )
        select source_line, {", ".join(c.name for c in kind.columns)}, failed_rule,
            {", ".join(verdict)}
        from ruled
    """


# The reject fields of `staged`, each from the attribute of the failing Check.
REJECT_FIELDS = {
    "column": "column_literal",
    "value": "value_as_written",
    "reason": "reason",
    "code": "code_literal",
    "detail": "detail",
}


def row_checks(kind: FileKind, mapped: list[MappedColumn]) -> list[Check]:
    """The rules a row is judged by on its own, in order: the parsing of each column
    given, then the kind's rules."""
    by_name = {m.column: m for m in mapped}
    checks = [
        check
        for c in kind.columns
        if c.name in by_name
        for check in parse_checks(c, by_name[c.name])
    ]
    return checks + RULES[kind.name]


def _by_rule(checks: list[Check], attribute: str) -> str:
    if not checks:
        return "cast(null as varchar)"
    cases = " ".join(f"when {i} then {getattr(c, attribute)}" for i, c in enumerate(checks))
    return f"case failed_rule {cases} end"


def missing_ids_sql(kind: FileKind) -> str | None:
    """Counts the rows that need an id made for them (None: the kind has ids of its own)."""
    id_column = CONTENT_IDS.get(kind.name)
    if id_column is None:
        return None
    return f"select count(*) from staged where {id_column} is null"


def repeats_sql(kind: FileKind) -> str:
    """Temp table `repeats`: rows of `staged` that pass their own rules but repeat the
    key of an earlier row of the file, with the line of its first occurrence (found by
    grouping the keys only: cheap). Made ids never repeat."""
    if kind.name not in UNIQUE_IN_FILE:
        return (
            "create or replace temp table repeats as "
            "select cast(null as bigint) as source_line, cast(null as bigint) as first_line "
            "where false"
        )
    keys = ", ".join(kind.key)
    present = " and ".join(f"{k} is not null" for k in kind.key)
    return f"""
        create or replace temp table repeats as
        with repeated_keys as (
            select {keys}, min(source_line) as first_line
            from staged
            where {present}
            group by {keys}
            having count(*) > 1
        )
        select s.source_line, r.first_line
        from staged s
        join repeated_keys r
            on {" and ".join(f"s.{k} = r.{k}" for k in kind.key)}
           and s.source_line > r.first_line
        where s.failed_rule is null
    """


def rejects_sql(kind: FileKind) -> str:
    """The rejected rows of `staged`: those failing a rule of their own, then the repeats
    (the key's last column named, with the line of the first occurrence)."""
    last_key = kind.key[-1]
    scope = f" for this {kind.key[0]}" if len(kind.key) > 1 else ""
    return f"""
        select source_line, reject_column, left(reject_value, {LONGEST_VALUE}) as reject_value,
            reject_reason, reject_code, reject_detail
        from staged
        where failed_rule is not null
        union all
        select s.source_line, '{last_key}', cast(s.{last_key} as varchar),
            '{last_key} appears twice{scope} (first at line ' || r.first_line || ')',
            'repeated_key', cast(r.first_line as varchar)
        from staged s
        join repeats r on r.source_line = s.source_line
        union all
        select source_line, 'assigned_on', cast(assigned_on as varchar), reason, code, detail
        from overlapping_cases
    """


def candidates_sql(kind: FileKind, *, make_ids: bool) -> str:
    """The rows that pass their own rules and repeat no key, with `source_line` and every
    column of the kind, derived values filled in and ids made where the file has none.
    These are the rows the file replaces earlier rows with."""
    derived = DERIVED.get(kind.name, {})
    finals = [f"{derived.get(c.name, c.name)} as {c.name}" for c in kind.columns]
    id_column = CONTENT_IDS.get(kind.name)
    if id_column and make_ids:
        finals = [
            f"coalesce({id_column}, {_made_id(kind, id_column)}) as {id_column}"
            if f.endswith(f" as {id_column}") else f
            for f in finals
        ]  # fmt: skip
    return f"""
        select source_line, {", ".join(finals)}
        from staged s
        where failed_rule is null
          and not exists (select 1 from repeats r where r.source_line = s.source_line)
    """


def good_rows_sql(kind: FileKind, *, make_ids: bool) -> str:
    """The rows that pass every rule: the candidates less the overlapping cases. The ids
    are made over all the candidates, as `overlaps_sql` saw them."""
    return f"""
        select *
        from ({candidates_sql(kind, make_ids=make_ids)}) c
        where not exists (select 1 from overlapping_cases o where o.source_line = c.source_line)
    """


def overlaps_sql(kind: FileKind, *, make_ids: bool) -> str:
    """Temp table `overlapping_cases`: candidates that share a day with another case of
    their loan, with the reason naming that case. A case holds its loan on the days
    assigned_on <= d < ended_on (ended_on null: still held); one that ends the day it
    starts holds none. A case overlapping a case loaded before (one this file does not
    replace by its assignment_id) names that one (the first to start, if several); else a
    case overlapping an earlier case of the file (earlier assigned_on, then earlier line)
    names the one of those holding the loan latest (then the latest line). Every candidate
    counts as an earlier case, also one itself rejected here."""
    if kind.name not in HELD_ONE_AT_A_TIME:
        return (
            "create or replace temp table overlapping_cases as "
            "select cast(null as bigint) as source_line, cast(null as date) as assigned_on, "
            "cast(null as varchar) as reason, cast(null as varchar) as code, "
            "cast(null as varchar) as detail "
            "where false"
        )
    separator = f"'{DETAIL_SEPARATOR}'"
    return f"""
        create or replace temp table overlapping_cases as
        with candidates as ({candidates_sql(kind, make_ids=make_ids)}),
        cases as (
            select source_line, assignment_id, loan_id, assigned_on,
                {_held_until("")} as held_until
            from candidates
            where {_holds_a_day("")}
        ),
        -- In start order, a case overlaps an earlier one when the latest of the earlier
        -- ends is after its start (a window of plain dates: cheap on a million rows).
        after_earlier as (
            select source_line, loan_id, assigned_on,
                max(held_until) over (
                    partition by loan_id order by assigned_on, source_line
                    rows between unbounded preceding and 1 preceding) as earlier_held_until
            from cases
        ),
        loaded_before as (
            select a.assignment_id, a.loan_id, a.assigned_on,
                {_held_until("a.")} as held_until, l.file_name
            from {kind.table} a
            join load_ledger l on l.load_id = a.load_id
            where {_holds_a_day("a.")}
              and not exists (
                  select 1 from candidates c where c.assignment_id = a.assignment_id)
        ),
        -- Cases loaded before never overlap each other, so no two that one case overlaps
        -- start the same day.
        against_loaded as (
            select c.source_line, c.assigned_on,
                arg_min(struct_pack(id := b.assignment_id, file := b.file_name), b.assigned_on)
                    as holder
            from cases c
            join loaded_before b
                on b.loan_id = c.loan_id
               and b.assigned_on < c.held_until
               and c.assigned_on < b.held_until
            group by c.source_line, c.assigned_on
        ),
        in_file as (
            select e.source_line, e.loan_id, e.assigned_on
            from after_earlier e
            where e.earlier_held_until > e.assigned_on
              and not exists (select 1 from against_loaded l where l.source_line = e.source_line)
        ),
        -- The earlier case each names: only the overlapping rows are paired.
        in_file_named as (
            select r.source_line,
                arg_max(struct_pack(id := c.assignment_id, line := c.source_line),
                    struct_pack(held_until := c.held_until, line := c.source_line)) as holder
            from in_file r
            join cases c
                on c.loan_id = r.loan_id
               and (c.assigned_on < r.assigned_on
                    or (c.assigned_on = r.assigned_on and c.source_line < r.source_line))
               and c.held_until > r.assigned_on
            group by r.source_line
        )
        select source_line, assigned_on,
            'overlaps case ' || holder.id || ' loaded from ' || holder.file as reason,
            'overlaps_loaded_case' as code,
            holder.id || {separator} || holder.file as detail
        from against_loaded
        union all
        select r.source_line, r.assigned_on,
            'overlaps case ' || n.holder.id || ' of this loan (line ' || n.holder.line || ')',
            'overlaps_case',
            n.holder.id || {separator} || n.holder.line
        from in_file r
        join in_file_named n on n.source_line = r.source_line
    """


def _held_until(table: str) -> str:
    """The first day a case no longer holds its loan (still held: infinity)."""
    return f"coalesce({table}ended_on, 'infinity'::date)"


def _holds_a_day(table: str) -> str:
    return f"({table}ended_on is null or {table}ended_on > {table}assigned_on)"


def _typed_null(column: Column) -> str:
    sql_type = {
        ColumnType.DATE: "date",
        ColumnType.TIMESTAMP: "timestamp",
        ColumnType.MONEY: "decimal(18, 2)",
        ColumnType.INTEGER: "integer",
    }.get(column.type, "varchar")
    return f"cast(null as {sql_type})"


def _made_id(kind: FileKind, id_column: str) -> str:
    """An id made from the row's content and its occurrence among identical rows, so a
    re-export of the same rows gets the same ids."""
    content = ", ".join(
        f"coalesce(cast({c.name} as varchar), '')" for c in kind.columns if c.name != id_column
    )
    occurrence = f"row_number() over (partition by {content} order by source_line)"
    return f"'h' || substr(md5(concat_ws('|', {content}, cast({occurrence} as varchar))), 1, 24)"
