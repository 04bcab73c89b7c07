"""Settings from the environment (and an optional .env). Secrets never come from anywhere else."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from casework.policy import (
    DEFAULT_DRAFT_HOURS,
    DEFAULT_HOUSEHOLD_CONSULTATION_DAYS,
    DEFAULT_OUTCOME_DAYS,
    DEFAULT_REMINDER_DAYS,
    DEFAULT_SELF_CHECK_DAYS,
    DEFAULT_VISIT_DAYS,
    CaseworkPolicy,
    Retention,
    Timeframes,
    VisitPolicy,
)
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
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    max_concurrent_updates: int = Field(default=256, ge=1)
    # Casework (needs): due dates by urgency, duplicate window, retention, visit reminders.
    need_due_days_urgent: int = Field(default=1, ge=1)
    need_due_days_normal: int = Field(default=7, ge=1)
    need_due_days_low: int = Field(default=14, ge=1)
    duplicate_window_days: int = Field(default=30, ge=0)
    retention_days: int = Field(default=365, ge=1)
    # What else is kept how long (casework.policy.Retention; stated to users by /privacy).
    self_check_retention_days: int = Field(default=DEFAULT_SELF_CHECK_DAYS, ge=1)
    household_retention_days: int = Field(default=DEFAULT_HOUSEHOLD_CONSULTATION_DAYS, ge=1)
    visit_retention_days: int = Field(default=DEFAULT_VISIT_DAYS, ge=1)
    draft_ttl_hours: int = Field(default=DEFAULT_DRAFT_HOURS, ge=1)
    reminder_retention_days: int = Field(default=DEFAULT_REMINDER_DAYS, ge=1)
    outcome_retention_days: int = Field(default=DEFAULT_OUTCOME_DAYS, ge=1)
    # A way to a person: the centre residents are pointed to (results, cards, /help, errors), besides
    # 129 (보건복지상담센터) and a call-back request.
    centre_name: str = Field(default="", max_length=60, description="empty: 'your community centre'")
    centre_phone: str | None = Field(default=None, max_length=30)
    # Reminders: sent at this hour (Korean time); "did you apply, did you get it?" this many days later.
    reminder_hour: int = Field(default=10, ge=0, le=23)
    follow_up_days: int = Field(default=21, ge=1, le=180)
    # Python logging level of the bot's own loggers. Library loggers that would print updates or
    # SQL parameters never go below INFO / WARNING (app.logs).
    log_level: str = "INFO"
    visit_days: int = Field(default=30, ge=1)
    visit_reminder_nth: int = Field(default=3, description="which weekday of the month (1-4, -1 last)")
    visit_reminder_weekday: int = Field(default=2, ge=0, le=6, description="0 = Monday")
    digest_hour: int = Field(default=9, ge=0, le=23, description="Korean time")
    # Case meetings (사례회의): the n-th weekday of the month (default the second Tuesday).
    meeting_nth: int = Field(default=2, ge=1, le=4)
    meeting_weekday: int = Field(default=1, ge=0, le=6, description="0 = Monday")

    def casework(self) -> CaseworkPolicy:
        return CaseworkPolicy(
            timeframes=Timeframes(
                urgent=self.need_due_days_urgent, normal=self.need_due_days_normal, low=self.need_due_days_low
            ),
            duplicate_window_days=self.duplicate_window_days,
            retention_days=self.retention_days,
            visits=VisitPolicy(
                days_without_visit=self.visit_days,
                nth=self.visit_reminder_nth,
                weekday=self.visit_reminder_weekday,
            ),
        )

    def retention(self) -> Retention:
        return Retention(
            needs_days=self.retention_days,
            self_check_days=self.self_check_retention_days,
            household_consultation_days=self.household_retention_days,
            visit_days=self.visit_retention_days,
            draft_hours=self.draft_ttl_hours,
            reminder_days=self.reminder_retention_days,
            outcome_days=self.outcome_retention_days,
        )

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
