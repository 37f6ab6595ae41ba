"""Every setting, declared once: name, type, default and help.

Values come, strongest first, from the environment (`RECOVERY_<NAME>`, nested keys joined
with `__`), then the TOML file named by `RECOVERY_CONFIG` (default `recovery.toml` in the
working directory, if present), then the defaults below.
"""

import hashlib
import json
import os
import re
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter
from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

CONFIG_ENV = "RECOVERY_CONFIG"
DEFAULT_CONFIG_FILE = "recovery.toml"


class ClassificationThresholds(BaseModel):
    """Upper bounds, in days past due, of the five-tier classification when a file lacks it."""

    special_mention_max: int = Field(90, description="1..this many days: 关注 special mention")
    substandard_max: int = Field(270, description="up to this many days: 次级 substandard")
    doubtful_max: int = Field(360, description="up to this many days: 可疑 doubtful; above: 损失")


class AgingBucket(BaseModel):
    name: str
    min_days: int
    max_days: int | None = Field(None, description="inclusive; none for the open last bucket")


DEFAULT_AGING = [
    AgingBucket(name="Current", min_days=0, max_days=0),
    AgingBucket(name="M1", min_days=1, max_days=30),
    AgingBucket(name="M2", min_days=31, max_days=60),
    AgingBucket(name="M3", min_days=61, max_days=90),
    AgingBucket(name="M4", min_days=91, max_days=120),
    AgingBucket(name="M5", min_days=121, max_days=150),
    AgingBucket(name="M6", min_days=151, max_days=180),
    AgingBucket(name="M7+", min_days=181, max_days=None),
]

DEFAULT_METHOD_COST = {
    "sms": Decimal("0.10"),
    "phone": Decimal("2.00"),
    "letter": Decimal("8.00"),
    "lawyer_letter": Decimal("150.00"),
    "email": Decimal("0.05"),
    "visit": Decimal("120.00"),
    "legal": Decimal("2000.00"),
    "agency": Decimal("300.00"),
    "repossession": Decimal("1500.00"),
    "other": Decimal("5.00"),
}


class SmtpSettings(BaseModel):
    """The mail server reports are sent through; with no host, nothing is sent."""

    host: str | None = Field(None, description="SMTP server name or address")
    port: int = Field(25, description="SMTP port: 25, 587 with starttls, 465 with ssl")
    sender: str = Field("recovery@localhost", description="From address of report mails")
    starttls: bool = Field(False, description="upgrade the connection with STARTTLS")
    ssl: bool = Field(False, description="connect over TLS from the start (port 465)")
    username: str | None = Field(None, description="login name, if the server asks for one")
    password: SecretStr | None = Field(
        None, description="login password: set it as RECOVERY_SMTP__PASSWORD, not in the file"
    )
    timeout_seconds: float = Field(30, description="give up on the server after this long")


_REPORT_PERIOD = re.compile(r"last_month|month_to_date|\d{4}-(0[1-9]|1[0-2])")


class ReportJob(BaseModel):
    """One scheduled report: what to render, for whom, when, and who gets it by mail."""

    name: str = Field(description="unique name of the job, used in the run log")
    template: Literal["executive", "manager"] = Field(description="which report")
    period: str = Field(
        "last_month",
        description="last_month, month_to_date (the month of the day before the run) or YYYY-MM",
    )
    lang: Literal["zh", "en"] = Field("zh", description="language of the report")
    team: str | None = Field(
        None, description="one team; '*' for one report per team; none for all teams together"
    )
    branch: str | None = Field(None, description="only this branch")
    product: str | None = Field(None, description="only this product")
    cron: str = Field(description="when, as a crontab expression: '0 8 1 * *' is 08:00 on the 1st")
    timezone: str = Field("Asia/Shanghai", description="zone the cron expression is read in")
    email_to: list[str] = Field(default_factory=list, description="mail the report to these")

    @field_validator("period")
    @classmethod
    def _known_period(cls, period: str) -> str:
        if not _REPORT_PERIOD.fullmatch(period):
            raise ValueError(f"period {period!r}: use last_month, month_to_date or YYYY-MM")
        return period

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, cron: str) -> str:
        if len(cron.split()) != 5 or not croniter.is_valid(cron):
            raise ValueError(
                f"cron {cron!r} is not a crontab expression of 5 fields "
                "(minute hour day-of-month month day-of-week), e.g. '0 8 * * 1'"
            )
        return cron

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, zone: str) -> str:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {zone!r}, e.g. Asia/Shanghai") from error
        return zone


class ScheduleSettings(BaseModel):
    """The jobs `recovery schedule` runs, and how it retries a failing one."""

    jobs: list[ReportJob] = Field(default_factory=list, description="the scheduled reports")
    retries: int = Field(2, description="times a failing job is tried again")
    retry_delay_seconds: float = Field(60, description="wait before the first retry; doubles")
    poll_seconds: float = Field(30, description="longest sleep between two looks at the clock")

    @field_validator("jobs")
    @classmethod
    def _unique_names(cls, jobs: list[ReportJob]) -> list[ReportJob]:
        names = [job.name for job in jobs]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"job names must be unique: {', '.join(repeated)} appear twice")
        return jobs


class LoginSettings(BaseModel):
    """How repeated failed logins are slowed down, per user name and client address, and
    how long a dashboard session lasts."""

    max_failures: int = Field(
        5, ge=1, description="failed logins allowed within the window before logins are refused"
    )
    window_minutes: float = Field(15, gt=0, description="failures older than this are forgotten")
    first_delay_seconds: float = Field(
        30, gt=0, description="refusal after one failure too many; doubles with each further one"
    )
    longest_delay_seconds: float = Field(3600, gt=0, description="the refusal grows no longer")
    session_hours: float = Field(
        8, gt=0, description="a dashboard session ends this long after its login"
    )
    secure_cookie: bool = Field(
        False,
        description="always mark the session cookie Secure (set it when a proxy in front of "
        "the dashboard serves HTTPS; a request that arrives over HTTPS gets it anyway)",
    )


class SparkSettings(BaseModel):
    """Where `recovery build --engine spark` runs the summary tables (docs/scale.md)."""

    master: str = Field(
        "local[2]", description="Spark master URL: local[N] on this machine, or a cluster's"
    )
    driver_memory: str = Field("4g", description="memory of the Spark driver")
    shuffle_partitions: int = Field(
        8, ge=1, description="partitions of each shuffle (a cluster wants more: 2-3 per core)"
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="RECOVERY_", env_nested_delimiter="__", extra="forbid"
    )

    db: Path = Field(Path("data/recovery.duckdb"), description="DuckDB database file")
    timezone: str = Field("Asia/Shanghai", description="zone of action times and of reports")
    duckdb_memory_limit: str = Field(
        "3GB",
        description="DuckDB memory limit during loads (the load process peaks up to about "
        "1 GB above it: the number checks' frames and Python itself)",
    )
    duckdb_threads: int = Field(0, description="DuckDB threads; 0 lets DuckDB choose")
    classification: ClassificationThresholds = Field(default_factory=ClassificationThresholds)
    aging_buckets: list[AgingBucket] = Field(default_factory=lambda: list(DEFAULT_AGING))
    attribution_window_days: int = Field(
        30, ge=0, le=120, description="payment → last action within this many days (0..120)"
    )
    promise_grace_days: int = Field(
        3,
        ge=0,
        description="days after promised_date a payment counts (applied when the summary "
        "tables are built: a change rebuilds them at the next `recovery load`)",
    )
    snapshot_max_drop: float = Field(
        0.05,
        ge=0,
        le=1,
        description="a loans file for a snapshot date already loaded is refused whole when it "
        "would drop more than this share of that snapshot's loans (0.05 = 5 %); "
        "`recovery load --replace-snapshot` loads it anyway",
    )
    limitation_watch_months: int = Field(30, description="last demand older than this: watch")
    method_cost: dict[str, Decimal] = Field(
        default_factory=lambda: dict(DEFAULT_METHOD_COST),
        description="cost of one action by method, used when a row has no cost",
    )
    agency_commission: dict[str, Decimal] = Field(
        default_factory=dict,
        description="commission rate (a fraction of what it recovers) per outside agency (委外), "
        "by its team name: its cost in the comparisons instead of its actions' cost",
    )
    header_aliases: dict[str, dict[str, list[str]]] = Field(
        default_factory=dict,
        description="extra header names per file kind and column: {loans: {loan_id: [...]}}",
    )
    value_aliases: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="extra enumeration values: {method: {催收电话: phone}}",
    )
    report_dir: Path = Field(
        Path("data/reports"), description="folder scheduled reports and their run log go to"
    )
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)
    users_file: Path = Field(
        Path("config/users.json"),
        description="dashboard users, roles, teams and password hashes (written with mode 0600)",
    )
    audit_log: Path = Field(
        Path("data/audit.log"),
        description="append-only log of logins, downloads, reports and exports, a JSON line each",
    )
    login: LoginSettings = Field(default_factory=LoginSettings)
    spark: SparkSettings = Field(default_factory=SparkSettings)

    @field_validator("method_cost")
    @classmethod
    def _costs_over_defaults(cls, costs: dict[str, Decimal]) -> dict[str, Decimal]:
        return {**DEFAULT_METHOD_COST, **costs}

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        config_file = Path(os.environ.get(CONFIG_ENV, DEFAULT_CONFIG_FILE))
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, config_file))


def setting_fingerprints(settings: Settings, names: Iterable[str]) -> dict[str, str]:
    """For each setting named, a hash of its value: the summary tables built with one value
    are stale under another (etl/model_builds.py records them, queries compare)."""
    wanted = set(names)
    values = settings.model_dump(mode="json", include=wanted)
    return {
        name: hashlib.sha256(json.dumps(values[name], sort_keys=True).encode()).hexdigest()[:16]
        for name in sorted(wanted)
    }


@cache
def get_settings() -> Settings:
    return Settings()
