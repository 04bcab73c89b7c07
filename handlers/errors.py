"""The global error handler: log the failure (never the user's answers) and tell the user how to go on."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from handlers.texts import t
from knowledge.text import Lang

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    # Only the exception and the kind of update: message texts may hold personal data.
    kind = "callback" if isinstance(update, Update) and update.callback_query else "message"
    log.error("error while handling a %s update: %r", kind, error, exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    user = update.effective_user
    lang = Lang.parse(user.language_code if user else None)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer()
        await context.bot.send_message(update.effective_chat.id, t("error", lang))
    except Exception:  # the Bot API itself may be what failed; nothing more to do
        log.warning("could not tell the user about the error")
