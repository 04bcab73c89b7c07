"""The global error handler: log the failure (never the user's answers) and tell the user how to go on."""

from __future__ import annotations

import logging
import traceback

from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.ext import ContextTypes

from handlers.limits import clip
from handlers.person import phones
from handlers.texts import t
from knowledge.privacy import mask_pii
from knowledge.text import Lang

log = logging.getLogger(__name__)


def describe(error: BaseException | None) -> str:
    """What went wrong, fit for a log: database errors by type only (a server's message may repeat a
    value it refused, i.e. what someone typed), other messages with identifiers masked and clipped."""
    if error is None:
        return "unknown error"
    if isinstance(error, SQLAlchemyError | UnicodeError):
        cause = getattr(error, "orig", None) or error.__cause__
        return type(error).__name__ + (f" ({type(cause).__name__})" if cause is not None else "")
    return f"{type(error).__name__}: {clip(mask_pii(str(error)).text, 300)}"


def _text(context: ContextTypes.DEFAULT_TYPE, lang: Lang) -> str:
    """The error, and a way to a person (the centre's phone, 129) for whoever cannot go on alone."""
    services = context.bot_data.get("services") if isinstance(context.bot_data, dict) else None
    if services is None:
        return t("error", lang)
    return t("error", lang) + "\n" + t("error.person", lang, phones=phones(services.settings, lang))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    # Only the kind of update, where it failed and a sanitised description: never the update itself,
    # whose text may hold personal data, nor exception text that may repeat it.
    kind = "callback" if isinstance(update, Update) and update.callback_query else "message"
    frames = "".join(traceback.format_tb(error.__traceback__)) if error is not None else ""
    log.error("error while handling a %s update: %s\n%s", kind, describe(error), frames.rstrip())
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    user = update.effective_user
    lang = Lang.parse(user.language_code if user else None)
    if update.callback_query is not None:
        try:  # stop the button's spinner; it may have been answered before the failure
            await update.callback_query.answer()
        except Exception:
            log.info("the failed update's button was answered already")
    try:
        await context.bot.send_message(update.effective_chat.id, _text(context, lang))
    except Exception:  # the Bot API itself may be what failed; nothing more to do
        log.warning("could not tell the user about the error")
