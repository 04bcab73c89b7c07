"""Settings from the environment (and an optional .env). Secrets never come from anywhere else."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from knowledge.text import Lang


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_api_file_url: str | None = None
    database_url: str = "sqlite:///bokji.sqlite3"
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    manual_dir: Path | None = None
    local_manual_dirs: Annotated[list[Path], NoDecode] = Field(default_factory=list)
    default_language: Lang = Lang.KO
    reuse_max_age_days: int = Field(default=90, ge=0)
    search_cutoff: float | None = Field(default=None, ge=0, le=100)
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    max_concurrent_updates: int = Field(default=256, ge=1)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _ids(cls, raw: Any) -> Any:
        if isinstance(raw, str):
            return [int(part) for part in raw.replace(";", ",").split(",") if part.strip()]
        return raw

    @field_validator("local_manual_dirs", mode="before")
    @classmethod
    def _dirs(cls, raw: Any) -> Any:
        if isinstance(raw, str):
            return [Path(part.strip()) for part in raw.split(",") if part.strip()]
        return raw
