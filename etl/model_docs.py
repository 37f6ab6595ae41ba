"""docs/models.md, written from the headers of etl/models/: every summary table with its
grain, key, partition, what a change to its inputs changes, settings, inputs and
invariants. Run `python -m etl.model_docs > docs/models.md` after changing a model; a test
checks the page matches the headers."""

from etl.model_specs import Model, build_order, inputs, read_models

INTRODUCTION = """# Summary tables (models)

Written from the headers of `etl/models/*.sql` by `python -m etl.model_docs`: do not edit
by hand. Each model is one select under a header saying what it is; the build runs them in
the order their inputs give (below, in that order). A *temporary* model lives for one
build only: the models after it read it. *Reads* and *models* name the tables a model
reads: a load builds again the models reading a loaded table whose rows changed, and every
model reading those, and leaves the others as they were. *Partition* is the column whose
calendar month a row is of (none: a table of the whole book). *Changes* says what a change
to its inputs from a month on changes, and so how much of it a load builds again:
- `forward`: only its rows of that month and later; a load writes again those months only.
- `as_of`: any row, but not what it says of a day before that month (a span's end moves
  when the next snapshot arrives); it is built whole, its readers from that month.
- `from <column>`: any row; it is built whole and compared with its rows before, and its
  readers are built from the earliest month of that column among the rows that changed.
- `from <column>, end <column>`: the same, but a row whose only change is its end (a case
  closed) counts from the earlier of its two ends.
- `whole`: any row; it is built whole, and so are its readers.

*Settings* are the config's settings the model's rows depend on: a load after one of them
changed builds the model again, whole, and the measures refuse to read it until then. The
invariants run in `tests/test_model_invariants.py` on a generated book.
"""


def _names(names: tuple[str, ...] | set[str]) -> str:
    return ", ".join(f"`{n}`" for n in sorted(names)) if names else "none"


def model_section(model: Model, models: dict[str, Model]) -> str:
    lines = [
        f"## {model.name}",
        "",
        model.what[0].upper() + model.what[1:],
        "",
        f"- grain: {model.grain}",
        f"- key: {', '.join(f'`{k}`' for k in model.key) or 'none'}",
        f"- partition: {f'`{model.partition}`' if model.partition else 'none'}",
        f"- changes: {model.changes}",
        f"- settings: {_names(model.settings)}",
        f"- materialized: {model.materialized}",
        f"- reads: {_names(model.reads - inputs(model, models))}; models: "
        f"{_names(inputs(model, models))}",
    ]
    checks = [f"unique ({', '.join(model.key)})"] if model.key else []
    if model.not_null:
        checks.append(f"not null: {', '.join(model.not_null)}")
    checks += [invariant.statement for invariant in model.holds]
    if checks:
        lines += ["- invariants:", *(f"  - {check}" for check in checks)]
    return "\n".join(lines) + "\n"


def models_markdown() -> str:
    models = read_models()
    sections = [model_section(models[name], models) for name in build_order(models)]
    return INTRODUCTION + "\n" + "\n".join(sections)


if __name__ == "__main__":
    print(models_markdown(), end="")
