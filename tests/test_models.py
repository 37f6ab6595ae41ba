"""The summary tables as declared in etl/models/: every file's header is whole, the build
order comes from what each model reads, and a header that disagrees with its SQL is
refused."""

import importlib.resources

import pytest

from etl.model_specs import (
    REQUIRED_FIELDS,
    ModelCycle,
    ModelError,
    build_order,
    checked,
    parse_model,
    read_models,
    tables_read,
    with_temporary_inputs,
)

MODEL_FILES = sorted(
    entry.name
    for entry in importlib.resources.files("etl").joinpath("models").iterdir()
    if entry.name.endswith(".sql")
)


def model_text(name: str, select: str, **fields: str) -> str:
    header = {
        "model": name,
        "what": f"the {name} model",
        "grain": "one row per thing",
        "key": "thing_id",
        "partition": "none",
        "changes": "whole",
        "settings": "none",
        "materialized": "table",
        **fields,
    }
    return "".join(f"-- {field}: {value}\n" for field, value in header.items()) + select


@pytest.mark.parametrize("file_name", MODEL_FILES)
def test_every_model_file_has_every_header_field(file_name: str) -> None:
    text = importlib.resources.files("etl").joinpath("models", file_name).read_text("utf-8")
    header = [line for line in text.splitlines() if line.startswith("-- ")]
    fields = {line[3:].split(":")[0] for line in header if ":" in line}
    assert set(REQUIRED_FIELDS) <= fields
    model = read_models()[file_name.removesuffix(".sql")]
    assert model.what and model.grain and model.sql.startswith(("select", "with"))


def test_the_headers_parse_whole() -> None:
    text = model_text(
        "case_days",
        "select * from cases",
        key="month, case_id",
        partition="month",
        settings="aging_buckets",
        not_null="month,\n--     case_id",
        holds="paid is never negative\n--     select *\n--     from case_days where paid < 0",
    )
    model = parse_model("case_days", text)
    assert (model.key, model.partition, model.settings, model.not_null) == (
        ("month", "case_id"),
        "month",
        ("aging_buckets",),
        ("month", "case_id"),
    )
    assert [(i.statement, i.sql) for i in model.holds] == [
        ("paid is never negative", "select *\nfrom case_days where paid < 0")
    ]
    assert [i.statement for i in model.invariants()] == [
        "unique (month, case_id)",
        "month not null",
        "case_id not null",
        "paid is never negative",
    ]
    assert model.sql == "select * from cases"
    assert model.reads == {"cases"}


def test_a_change_by_a_rows_start_and_end_names_both_columns() -> None:
    select = "select 1 as thing_id, current_date as held_from, current_date as held_until"
    model = parse_model(
        "things", model_text("things", select, changes="from held_from, end held_until")
    )
    assert (model.changed_from_column, model.changed_end_column) == ("held_from", "held_until")
    with pytest.raises(ModelError, match="paired by its key"):
        parse_model(
            "things",
            model_text("things", select, key="none", changes="from held_from, end held_until"),
        )
    with pytest.raises(ModelError, match="use one of"):
        parse_model("things", model_text("things", select, changes="from held_from until x"))


@pytest.mark.parametrize("missing", REQUIRED_FIELDS[1:])
def test_a_header_lacking_a_field_is_refused(missing: str) -> None:
    text = model_text("things", "select 1 as thing_id", **{missing: "x"})
    text = "".join(
        line + "\n" for line in text.splitlines() if not line.startswith(f"-- {missing}:")
    )
    with pytest.raises(ModelError, match=f"etl/models/things.sql: the header lacks {missing}"):
        parse_model("things", text)


def test_the_tables_read_leave_out_ctes_comparisons_comments_and_strings() -> None:
    sql = """
    with recursive months (month) as (select 1 from loan_snapshots),
    paid as (select * from payments p join months m on true)
    select * from paid -- from commented_out
    left join contacts c on c.city is not distinct from 'from nowhere'
    where exists (select 1 from unnest([1]))
    """
    assert tables_read(sql) == {"loan_snapshots", "payments", "contacts"}


def models_of(**selects: str) -> dict:
    return {name: parse_model(name, model_text(name, sql)) for name, sql in selects.items()}


def test_a_model_is_built_after_the_models_it_reads() -> None:
    # Named so that the alphabet would put each reader first.
    models = models_of(
        a_totals="select * from b_monthly",
        b_monthly="select * from c_daily join payments using (loan_id)",
        c_daily="select * from payments",
        d_alone="select * from actions",
    )
    assert build_order(models) == ["c_daily", "b_monthly", "a_totals", "d_alone"]


def test_a_temporary_model_is_built_late_and_its_readers_soon() -> None:
    models = models_of(
        a_first="select * from payments",
        b_reader="select * from t_scratch",
        c_after="select * from a_first",
    )
    scratch = model_text("t_scratch", "select * from actions", materialized="temporary table")
    models["t_scratch"] = parse_model("t_scratch", scratch)
    assert build_order(models) == ["a_first", "c_after", "t_scratch", "b_reader"]
    assert with_temporary_inputs(["b_reader"], models) == {"b_reader", "t_scratch"}


def test_models_that_read_each_other_are_refused() -> None:
    models = models_of(
        a_one="select * from b_two",
        b_two="select * from c_three",
        c_three="select * from a_one",
    )
    with pytest.raises(ModelCycle) as refused:
        build_order(models)
    assert str(refused.value) == (
        "etl/models/a_one.sql: models read each other: a_one reads b_two reads c_three reads a_one"
    )


def test_a_model_reading_an_unknown_table_is_refused() -> None:
    with pytest.raises(ModelError, match="things.sql: reads no_such_table: no such table"):
        checked(models_of(things="select * from no_such_table"))


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ("none", "settings: none, but what it reads depends on aging_buckets"),
        ("aging_buckets, method_cost", "depends on aging_buckets$"),
        ("aging_buckets, no_such_setting", "settings no_such_setting: no such setting"),
    ],
)
def test_a_model_must_name_the_settings_of_what_it_reads(settings: str, message: str) -> None:
    # buckets reads the settings table aging_buckets; its reader inherits the setting.
    models = models_of(buckets="select * from aging_buckets", reader="select * from buckets")
    models["buckets"] = parse_model(
        "buckets", model_text("buckets", "select * from aging_buckets", settings=settings)
    )
    with pytest.raises(ModelError, match=message):
        checked(models)


def test_a_reader_of_a_model_with_settings_names_them_too() -> None:
    models = models_of(reader="select * from buckets")
    models["buckets"] = parse_model(
        "buckets",
        model_text("buckets", "select * from aging_buckets", settings="aging_buckets"),
    )
    with pytest.raises(ModelError, match="reader.sql: settings: none, but .* aging_buckets"):
        checked(models)


def test_the_declared_models_name_the_settings_they_depend_on() -> None:
    models = read_models()
    depending = {
        setting: sorted(
            n for n, m in models.items() if setting in m.settings and not m.is_temporary
        )
        for setting in ("aging_buckets", "method_cost", "promise_grace_days")
    }
    assert depending == {
        "aging_buckets": [
            "case_actions",
            "case_method_months",
            "case_months",
            "cases",
            "days_past_due_buckets",
            "month_book",
            "month_rolls",
            "payment_cases",
        ],
        "method_cost": ["case_actions", "case_method_months", "case_months", "payment_cases"],
        "promise_grace_days": ["promise_months", "promise_outcomes"],
    }
