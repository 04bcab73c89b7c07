"""Build the python-telegram-bot Application: the same one for Telegram, webhook, console and tests."""

from __future__ import annotations

import gc
import sys
from typing import Any

from telegram.ext import Application, ApplicationBuilder
from telegram.request import BaseRequest

from app import logs
from app.processor import PerChatUpdateProcessor
from app.replybot import build_bot
from app.services import Services
from app.settings import Settings
from handlers import register, set_commands
from knowledge.finder import Finder
from knowledge.loader import load_manual
from knowledge.manual import DEFAULT_DIR
from storage.db import Database
from storage.models import Channel

LOCAL_TOKEN = "1:LOCAL"
# How long a thread may hold the GIL before another waiting for it gets it (Python's default: 5 ms).
# Statistics run in worker threads; a resident's step re-acquires the GIL after every SQL statement,
# and with the default each re-acquisition could wait up to 5 ms behind a busy worker.
SWITCH_INTERVAL_S = 0.0005  # the console's bot never reaches Telegram, but the library wants a token


def build_services(
    settings: Settings, channel: Channel = Channel.TELEGRAM, db: Database | None = None
) -> Services:
    manual, _ = load_manual(settings.manual_dir or DEFAULT_DIR, settings.local_manual_dirs)
    database = db or Database(settings.database_url)
    database.upgrade()
    return Services(settings, manual, database, Finder.build(manual), channel)


def freeze_startup_heap() -> None:
    """Take what start-up loaded (manual, search index, libraries) out of the cyclic collector's sight.

    These objects live as long as the process. Without this, every full collection walks all of
    them again while the event loop waits; with it, collections look only at what updates create.
    """
    gc.collect()
    gc.freeze()


def build_application(
    services: Services,
    *,
    request: BaseRequest | None = None,
    with_updater: bool = True,
) -> Application:  # type: ignore[type-arg]
    logs.quiet()  # whoever set logging up, updates and SQL parameters stay out of it
    settings = services.settings
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else LOCAL_TOKEN
    bot = build_bot(token, settings.telegram_api_base_url, settings.telegram_api_file_url, request)
    builder: Any = (
        ApplicationBuilder()
        .bot(bot)
        .concurrent_updates(PerChatUpdateProcessor(settings.max_concurrent_updates))
        .post_init(set_commands)
    )
    if not with_updater:
        builder = builder.updater(None)
    app: Application = builder.build()  # type: ignore[type-arg]
    app.bot_data["services"] = services
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    register(app)
    return app
