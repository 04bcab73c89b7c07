"""`python bot.py dashboard`: the desk on its own, for a district that runs the bot by long polling (or
wants the desk on another machine). The webhook process serves it too, at /desk."""

from __future__ import annotations

import argparse
import contextlib
import logging
from collections.abc import AsyncIterator

import uvicorn
from starlette.applications import Starlette

from app.dashboard import create_dashboard, standalone
from app.dashboard.config import MOUNT, DeskSettings
from app.dashboard.web import Notify
from app.settings import Settings
from storage.db import Database

log = logging.getLogger(__name__)


def build(settings: Settings, desk_settings: DeskSettings) -> Starlette:
    """The standalone app. With TELEGRAM_BOT_TOKEN the desk tells people in Telegram what it did
    (assignments, referrals), through the same rate-limited sender as the bot; without, it only logs."""
    db = Database(settings.database_url)
    db.upgrade()
    notify: Notify | None = None
    bot = None
    if settings.telegram_bot_token is not None:
        from app.replybot import build_bot

        bot = build_bot(settings.telegram_bot_token.get_secret_value(), settings.telegram_api_base_url)
        notify = bot.notify_html
    desk = create_dashboard(settings, db, desk_settings=desk_settings, notify=notify)
    app = standalone(desk)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if bot is not None:
            await bot.initialize()
        try:
            yield
        finally:
            if bot is not None:
                await bot.shutdown()
            db.dispose()

    app.router.lifespan_context = lifespan
    return app


def cmd_dashboard(settings: Settings, args: argparse.Namespace) -> int:
    desk_settings = DeskSettings()
    updates = {k: v for k, v in (("listen", args.listen), ("port", args.port)) if v is not None}
    if updates:
        desk_settings = desk_settings.model_copy(update=updates)
    app = build(settings, desk_settings)
    log.info(
        "desk on http://%s:%d%s/ (links point at %s)",
        desk_settings.listen,
        desk_settings.port,
        MOUNT,
        desk_settings.base_url(),
    )
    uvicorn.run(
        app, host=desk_settings.listen, port=desk_settings.port, log_level="warning", access_log=False
    )
    return 0
