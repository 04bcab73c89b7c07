"""The web desk's settings, from the environment (DASHBOARD_…) and an optional .env, like app.settings."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

MOUNT = "/desk"  # the desk's path in the webhook process and when it runs alone


class DeskSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="DASHBOARD_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Where people reach the desk, e.g. https://bokji.example.go.kr/desk. The bot puts it in the links it
    # sends and in the Mini App button (Telegram opens Mini Apps only over https).
    url: str | None = None
    listen: str = "127.0.0.1"  # `python bot.py dashboard` on its own: behind the office's proxy
    port: int = Field(default=8080, ge=1, le=65535)
    link_minutes: float = Field(default=5, gt=0, le=60, description="a /desk link works this long, once")
    session_hours: float = Field(default=8, gt=0, le=24, description="a working day, then sign in again")
    idle_minutes: float = Field(default=30, gt=0, le=24 * 60, description="no request this long: signed out")
    initdata_max_age_s: int = Field(default=600, ge=10, le=86_400, description="Mini App data older: refused")
    # None: Secure cookies exactly when url is https. Set true behind a proxy that ends TLS for a plain url.
    secure_cookies: bool | None = None
    page_size: int = Field(default=25, ge=5, le=100)

    def base_url(self) -> str:
        return (self.url or f"http://{self.listen}:{self.port}{MOUNT}").rstrip("/")

    def https(self) -> bool:
        if self.secure_cookies is not None:
            return self.secure_cookies
        return self.base_url().startswith("https://")

    def webapp_url(self) -> str | None:
        """The Mini App's address, or None where Telegram would refuse it (not https)."""
        base = self.base_url()
        return f"{base}/tg" if base.startswith("https://") else None
