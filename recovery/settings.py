"""Every setting, declared once: name, type, default and help.

Values come, strongest first, from the environment (`RECOVERY_<NAME>`, nested keys joined
with `__`), then the TOML file named by `RECOVERY_CONFIG` (default `recovery.toml` in the
working directory, if present), then the defaults below.
"""

import os
from decimal import Decimal
from functools import cache
from pathlib import Path

from pydantic import BaseModel, Field, field_validator
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


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="RECOVERY_", env_nested_delimiter="__", extra="forbid"
    )

    db: Path = Field(Path("data/recovery.duckdb"), description="DuckDB database file")
    timezone: str = Field("Asia/Shanghai", description="zone of action times and of reports")
    duckdb_memory_limit: str = Field("4GB", description="DuckDB memory limit during loads")
    duckdb_threads: int = Field(0, description="DuckDB threads; 0 lets DuckDB choose")
    classification: ClassificationThresholds = Field(default_factory=ClassificationThresholds)
    aging_buckets: list[AgingBucket] = Field(default_factory=lambda: list(DEFAULT_AGING))
    attribution_window_days: int = Field(30, description="payment → last action within this")
    promise_grace_days: int = Field(3, description="days after promised_date a payment counts")
    limitation_watch_months: int = Field(30, description="last demand older than this: watch")
    method_cost: dict[str, Decimal] = Field(
        default_factory=lambda: dict(DEFAULT_METHOD_COST),
        description="cost of one action by method, used when a row has no cost",
    )
    header_aliases: dict[str, dict[str, list[str]]] = Field(
        default_factory=dict,
        description="extra header names per file kind and column: {loans: {loan_id: [...]}}",
    )
    value_aliases: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="extra enumeration values: {method: {催收电话: phone}}",
    )

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


@cache
def get_settings() -> Settings:
    return Settings()
