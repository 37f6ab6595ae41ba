"""`recovery`: the one command line in front of the ETL, the measures and the dashboard."""

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from recovery.admin_cli import COMMAND_LINE, audit, users_app
from recovery.audit import AuditError, AuditLog, filters_detail, operator
from recovery.network import is_loopback
from recovery.settings import Settings, get_settings

if TYPE_CHECKING:
    from etl.model_builds import ModelsBuilt

app = typer.Typer(
    help="Loan collection analytics: load lenders' files, compute recovery KPIs, serve the "
    "dashboard.",
    no_args_is_help=True,
    add_completion=False,
)
# Wide when writing to a file or a pipe, so file names and reasons are not cut.
console = Console(width=None if sys.stdout.isatty() else 200)
errors = Console(stderr=True, width=None if sys.stderr.isatty() else 200)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
    )


@app.command()
def generate(
    out: Annotated[Path, typer.Option(help="folder to write the demo files into")],
    loans: Annotated[int, typer.Option(min=10, help="loans in the book")] = 20000,
    months: Annotated[
        int, typer.Option(min=2, help="months of collection work (plus the opening book)")
    ] = 13,
    seed: Annotated[int, typer.Option(help="random seed: same seed, same files")] = 42,
    end_month: Annotated[str, typer.Option(help="last snapshot month, YYYY-MM")] = "2026-10",
) -> None:
    """Write a synthetic demo portfolio in the data contract's own file formats."""
    from demo import generate_demo

    with _progress() as progress:
        tasks: dict[str, int] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done, total=total)

        written = generate_demo(
            out, loans=loans, months=months, seed=seed, end_month=end_month, progress=report
        )
    console.print(f"Wrote {len(written)} files to {out}")


@app.command()
def load(
    paths: Annotated[list[Path], typer.Argument(help="files or folders of files to load")],
    kind: Annotated[
        str | None,
        typer.Option(
            help="loans, actions, payments, assignments, contacts or teams (else from the name)"
        ),
    ] = None,
    sheet: Annotated[
        str | None,
        typer.Option(help="of a workbook, the sheet to read (else the first holding the data)"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
    replace_snapshot: Annotated[
        bool,
        typer.Option(
            "--replace-snapshot",
            help="let a loans file replace a snapshot already loaded even when it drops more "
            "of its loans than the setting snapshot_max_drop allows",
        ),
    ] = False,
) -> None:
    """Load files into the database: rows that break a rule are rejected, the rest load.

    Exits 1 when a file was refused whole (nothing of it is loaded)."""
    from etl.contract import FILE_KINDS
    from etl.load import expand, load_files

    if kind is not None and kind not in FILE_KINDS:
        raise typer.BadParameter(f"use one of {', '.join(FILE_KINDS)}", param_hint="--kind")
    settings = get_settings()
    if replace_snapshot:
        settings = settings.model_copy(update={"snapshot_max_drop": 1.0})
    files = expand(paths)
    built: list[ModelsBuilt] = []
    with _progress() as progress:
        task = progress.add_task("Loading", total=len(files))
        outcomes = load_files(
            files,
            settings,
            kind=kind,
            sheet=sheet,
            on_file=lambda _: progress.advance(task),
            on_summary_tables=built.append,
        )
    if as_json:
        print(
            json.dumps(
                {
                    "database": str(settings.db),
                    "files": [_outcome_json(o) for o in outcomes],
                    "summary_tables_seconds": round(built[0].seconds, 1) if built else 0.0,
                    "summary_tables": _built_json(built[0]) if built else None,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        _print_outcomes(outcomes)
        if built:
            files_loaded = any(o.status == "loaded" for o in outcomes)
            console.print(_built_text(built[0], files_loaded=files_loaded), highlight=False)
    if any(o.status == "refused" for o in outcomes):
        raise typer.Exit(1)


def summary_tables() -> list[str]:
    """The models a build keeps (not its temporary ones)."""
    from etl.model_specs import read_models

    return [name for name, model in read_models().items() if not model.is_temporary]


def _built_text(built: "ModelsBuilt", *, files_loaded: bool) -> str:
    """What a load or a rebuild says of the summary tables it built (etl.model_builds)."""
    seconds = f"{built.seconds:.1f} s"
    if built.changed_settings:
        changed = ", ".join(built.changed_settings)
        return f"Summary tables rebuilt for changed settings: {changed} ({seconds})"
    if built.changed_definitions and not files_loaded:
        changed = ", ".join(built.changed_definitions[:5])
        more = len(built.changed_definitions) - 5
        changed += f" and {more} more" if more > 0 else ""
        return f"Summary tables rebuilt for new or changed definitions: {changed} ({seconds})"
    by_month = ""
    if built.built_from:
        first = min(built.built_from.values()).strftime("%Y-%m")
        by_month = f"; {len(built.built_from)} of them only from a month on (earliest {first})"
    if built.changed_tables and len(built.models) < len(summary_tables()):
        changed = ", ".join(built.changed_tables)
        return (
            f"Summary tables reading {changed} rebuilt: {len(built.models)} ({seconds}){by_month}"
        )
    return f"Summary tables rebuilt in {seconds}{by_month}"


def _outcome_json(outcome) -> dict:
    """A file's outcome; the month it changed the tables from, or "all" (rows of no month)."""
    from etl.model_builds import ALL_MONTHS

    month = outcome.changed_from
    shown = None if month is None else "all" if month == ALL_MONTHS else month.isoformat()
    return {**vars(outcome), "changed_from": shown}


def _built_json(built: "ModelsBuilt") -> dict:
    return {
        "models": list(built.models),
        "changed_settings": list(built.changed_settings),
        "changed_definitions": list(built.changed_definitions),
        "changed_tables": list(built.changed_tables),
        "built_from": {name: month.isoformat() for name, month in built.built_from.items()},
        "model_seconds": built.model_seconds,
    }


def _print_outcomes(outcomes: list) -> None:
    table = Table(
        "file", "kind", "status", "rows loaded", "rows rejected", "rows replaced", "why refused"
    )
    for o in outcomes:
        table.add_row(  # escaped: names and headers from files are not markup
            escape(o.file),
            o.kind or "?",
            o.status,
            f"{o.rows_loaded:,}",
            f"{o.rows_rejected:,}",
            f"{o.rows_replaced:,}",
            escape(o.error or ""),
        )
    console.print(table)
    for o in outcomes:
        if o.error:
            errors.print(f"[red]refused[/red] {escape(o.error)}", highlight=False)
        skipped = [
            f"sheet {o.sheet!r}" if o.sheet else "",
            f"{o.rows_above_header:,} rows above the header skipped" if o.rows_above_header else "",
            f"{o.totals_rows:,} totals rows skipped" if o.totals_rows else "",
        ]
        if o.rows_above_header or o.totals_rows:
            console.print(escape(f"{o.file}: " + ", ".join(p for p in skipped if p)))


class Engine(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


@app.command()
def rebuild(
    all_models: Annotated[
        bool, typer.Option("--all", help="rebuild every summary table, not only the stale ones")
    ] = False,
    engine: Annotated[
        Engine,
        typer.Option(help="spark: every summary table built by Spark over the store's files"),
    ] = Engine.duckdb,
    master: Annotated[
        str | None, typer.Option(help="Spark master URL (else the config's spark.master)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """Rebuild the summary tables built with other settings than the config's (or by
    another version of recovery), and those that read them, without loading a file."""
    settings = get_settings()
    if engine is Engine.spark:
        _rebuild_on_spark(settings, master, as_json)
        return
    from etl.rebuild import rebuild_summary_tables

    built = rebuild_summary_tables(settings, everything=all_models)
    if as_json:
        answer = {"database": str(settings.db), "summary_tables": built and _built_json(built)}
        print(json.dumps(answer, ensure_ascii=False, indent=2))
    elif built is None:
        console.print("Summary tables up to date: built with the config's settings")
    else:
        console.print(_built_text(built, files_loaded=False), highlight=False)


def _rebuild_on_spark(settings: Settings, master: str | None, as_json: bool) -> None:
    from etl.spark_build import build_on_spark
    from recovery.database import DatabaseMissing

    if not settings.db.exists():
        raise DatabaseMissing(settings.db)
    built = build_on_spark(settings, master=master)
    if as_json:
        answer = {
            "database": str(settings.db),
            "engine": "spark",
            "models": list(built.models),
            "version": built.published.version,
            "files_written": built.published.files_written,
            "seconds": round(built.seconds, 1),
        }
        print(json.dumps(answer, ensure_ascii=False, indent=2))
    else:
        console.print(
            f"Built {len(built.models)} summary tables on Spark in {built.seconds:.1f} s: "
            f"store version {built.published.version}, {built.published.files_written} files",
            highlight=False,
        )


@app.command()
def rejects(
    file: Annotated[str | None, typer.Option(help="only rows from this file name")] = None,
    limit: Annotated[int, typer.Option(min=1, help="rows to show at most")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """List rejected rows: file, line, column, value (personal data masked) and reason."""
    from queries.data_status import count_rejected_rows, rejected_rows

    db = get_settings().db
    rows = rejected_rows(db, file_name=file, limit=limit).to_dicts()
    total = count_rejected_rows(db, file_name=file)
    if as_json:
        print(json.dumps({"total": total, "rows": rows}, ensure_ascii=False, indent=2))
        return
    columns = ("file_name", "line", "column_name", "header", "value", "reason")
    table = Table(*columns)
    for row in rows:
        table.add_row(*("" if row[c] is None else escape(str(row[c])) for c in columns))
    console.print(table)
    shown = f", {len(rows):,} shown" if total > len(rows) else ""
    console.print(f"{total:,} rejected rows in all{shown}")


@app.command()
def kpis(
    period: Annotated[str, typer.Option(help="month, YYYY-MM")],
    branch: Annotated[str | None, typer.Option(help="only this branch")] = None,
    product: Annotated[str | None, typer.Option(help="only this product")] = None,
    team: Annotated[str | None, typer.Option(help="only this team")] = None,
    collector: Annotated[str | None, typer.Option(help="only this collector")] = None,
    method: Annotated[str | None, typer.Option(help="only this collection method")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """The period's headline figures: portfolio, aging, recovery, contacts, promises."""
    from queries.dimensions import periods
    from queries.filters import Filters
    from queries.kpis import kpi_report
    from queries.stale_models import refuse_stale_models

    settings = get_settings()
    filters = Filters(period, branch, product, team, collector, method)
    refuse_stale_models(settings.db, settings)
    months = periods(settings.db)
    if period not in months:
        found = f"months with data: {months[-1]} to {months[0]}" if months else "none loaded"
        errors.print(f"no loans snapshot for {period} ({found})")
        raise typer.Exit(1)
    report = kpi_report(
        settings.db,
        filters,
        window_days=settings.attribution_window_days,
        commissions=settings.agency_commission,
    )
    if as_json:
        _audit(settings, "export", what="kpis", format="json", filters=filters_detail(filters))
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    _print_kpis(report)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.2%}"


def _print_kpis(report: dict) -> None:
    headline = Table("measure", "value", title=f"KPIs {report['period']}")
    for label, value in [
        ("snapshot date", report["snapshot_date"] or "—"),
        ("outstanding", report["outstanding"]),
        ("active loans", f"{report['active_loans']:,}"),
        ("overdue ratio", _percent(report["overdue_ratio"])),
        ("NPL ratio", _percent(report["npl_ratio"])),
        ("repaid", report["repaid"]),
        ("recovered", report["recovered"]),
        ("paid after contact, not placed", report["paid_not_placed"]),
        ("placements from", report["recovery_source"]),
        ("phone actions", f"{report['contact']['phone_actions']:,}"),
        ("contact rate", _percent(report["contact"]["contact_rate"])),
        ("effective contact rate", _percent(report["contact"]["effective_contact_rate"])),
        ("promises due", f"{report['promises']['due']:,}"),
        ("kept rate", _percent(report["promises"]["kept_rate"])),
    ]:
        headline.add_row(label, str(value))
    console.print(headline)
    aging = Table("bucket", "loans", "outstanding", "share", title="aging")
    for row in report["aging"]:
        aging.add_row(
            row["bucket"], f"{row['loans']:,}", row["outstanding"], _percent(row["share"])
        )
    console.print(aging)
    for dimension, rows in (("method", report["recovery_by_method"]),
                            ("team", report["recovery_by_team"])):  # fmt: skip
        console.print(_comparison_table(dimension, rows))


def _interval(low: float | None, high: float | None, shown) -> str:
    return "—" if low is None else f"{shown(low)} – {shown(high)}"


def _comparison_table(dimension: str, rows: list[dict]) -> Table:
    """A recovery comparison as the command line prints it, the best index first."""
    title = f"recovery by {dimension} (index 1.00 = the book at the same stages)"
    table = Table(dimension, "cases", "placed", "recovered", "recovery rate", "95 % interval",
                  "cured", "index", "95 % interval", "cost per 100", title=title)  # fmt: skip

    def index(value: float | None) -> str:
        return "—" if value is None else f"{value:.2f}"

    ranked = sorted(rows, key=lambda r: (r["recovery_index"] is None, -(r["recovery_index"] or 0)))
    for row in ranked:
        cost = row["cost_per_100_recovered"]
        table.add_row(str(row[dimension]), f"{row['cases']:,}", row["placed"], row["recovered"],
                      _percent(row["recovery_rate"]),
                      _interval(row["rate_low"], row["rate_high"], _percent),
                      f"{row['cases_cured']:,}", index(row["recovery_index"]),
                      _interval(row["index_low"], row["index_high"], index),
                      "—" if cost is None else f"{cost:.2f}")  # fmt: skip
    return table


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8050,
) -> None:
    """Serve the dashboard (default http://127.0.0.1:8050). With users configured
    (`recovery users add`) everyone logs in; with none, it listens on this machine only."""
    from recovery.users import UserStore

    settings = get_settings()
    users = UserStore(settings.users_file).users()
    if not users and not is_loopback(host):
        errors.print(
            f"refusing to serve on {host}: no dashboard users are configured, so anyone who "
            "reaches the address would see the whole book without logging in. Add users first "
            "(recovery users add NAME --role executive), or serve on 127.0.0.1.\n"
            f"拒绝在 {host} 上提供服务：尚未配置任何用户，任何能访问该地址的人都无需登录"
            "即可看到全部数据。请先添加用户（recovery users add），或在 127.0.0.1 上提供服务。",
            markup=False,
            highlight=False,
        )
        raise typer.Exit(1)
    from dashboard.app import serve as serve_dashboard

    login = f"login required, {len(users)} users" if users else "no users: no login"
    console.print(
        f"Dashboard on http://{host}:{port}/  (database {settings.db}; {login})",
        markup=False,
        highlight=False,
    )
    serve_dashboard(host, port)


TEMPLATES = ("executive", "manager")
LANGUAGES = ("zh", "en")


@app.command()
def report(
    template: Annotated[str, typer.Option(help="executive or manager")],
    period: Annotated[str, typer.Option(help="month, YYYY-MM")],
    out: Annotated[Path, typer.Option(help="PDF file to write")],
    lang: Annotated[str, typer.Option(help="zh or en")] = "zh",
    team: Annotated[str | None, typer.Option(help="only this team (default: all)")] = None,
    branch: Annotated[str | None, typer.Option(help="only this branch")] = None,
    product: Annotated[str | None, typer.Option(help="only this product")] = None,
) -> None:
    """Write a PDF report: executive (the book at a glance) or manager (one team, or all)."""
    from queries.filters import Filters
    from reports.files import write_atomically
    from reports.render import write_report

    if template not in TEMPLATES:
        raise typer.BadParameter(f"use one of {', '.join(TEMPLATES)}", param_hint="--template")
    if lang not in LANGUAGES:
        raise typer.BadParameter(f"use one of {', '.join(LANGUAGES)}", param_hint="--lang")
    settings = get_settings()
    filters = Filters(period, branch=branch, product=product, team=team)
    write_atomically(out, lambda path: write_report(template, filters, lang, path, settings))
    try:
        _audit(settings, "report", template=template, lang=lang, file=str(out),
               filters=filters_detail(filters))  # fmt: skip
    except AuditError:
        out.unlink(missing_ok=True)  # no report leaves unrecorded
        raise
    console.print(f"Wrote {out}")


def _audit(settings: Settings, action: str, **details: object) -> None:
    """Records a report or an export as done by the account running the command."""
    AuditLog.from_settings(settings).record(action, user=operator(), client=COMMAND_LINE, **details)


@app.command()
def schedule(
    print_crontab: Annotated[
        bool, typer.Option("--print-crontab", help="print the jobs as crontab lines and exit")
    ] = False,
    run_job: Annotated[
        str | None, typer.Option("--run-job", help="run this job once, now, and exit")
    ] = None,
) -> None:
    """Run the report jobs of the config (schedule.jobs) at their cron times, until
    stopped (Ctrl-C). Runs missed while stopped are caught up once on the next start."""
    import logging
    import os
    import shutil
    import signal
    import threading

    from recovery.settings import CONFIG_ENV, DEFAULT_CONFIG_FILE
    from reports.crontab import crontab_lines
    from reports.schedule import Scheduler

    settings = get_settings()
    if print_crontab:
        config = Path(os.environ.get(CONFIG_ENV, DEFAULT_CONFIG_FILE)).resolve()
        lines = crontab_lines(
            settings.schedule.jobs,
            executable=shutil.which("recovery") or str(Path(sys.argv[0]).resolve()),
            workdir=Path.cwd(),
            config_file=config if config.exists() else None,
            log_file=settings.report_dir.resolve() / "cron.log",
        )
        print("\n".join(lines))
        return
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("reports").setLevel(logging.INFO)
    scheduler = Scheduler(settings)
    if run_job is not None:
        run = scheduler.run_now(run_job)
        if run.status != "success":
            raise typer.Exit(1)
        return
    if not settings.schedule.jobs:
        errors.print(
            "no report jobs: add [[schedule.jobs]] to the config (see the README)", markup=False
        )
        raise typer.Exit(1)
    # SIGTERM stops at once, like Ctrl-C: a run cut off is logged and tried again on restart.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        scheduler.run_forever(threading.Event())
    except KeyboardInterrupt:
        errors.print("stopped")


app.add_typer(users_app, name="users")
app.command()(audit)


def main() -> None:
    try:
        app()
    except Exception as error:  # a clear message instead of a traceback
        errors.print(f"[red]error:[/red] {escape(str(error))}", highlight=False)
        sys.exit(2)
