"""/desk: open the coordinators' web desk. Sends a one-time sign-in link for an office PC (minutes
long, single use, only its hash stored) and, where the desk is served over https, a Mini App button
that signs the person in inside Telegram. Offices and partners only; others get the usual refusal.

Not a Turn → Reply handler: the Mini App button is a `web_app` button, which the chat's keyboards
(callback buttons only) do not carry. The role is decided by the same guard as every command.
"""

from __future__ import annotations

import asyncio
from html import escape
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from app.dashboard import texts
from app.dashboard.config import DeskSettings
from app.replybot import ReplyBot
from app.services import Services
from handlers.guard import role_of
from services import desk as desk_service
from services.errors import Denied
from storage import repo


def _issue(services: Services, telegram_id: int, minutes: float) -> tuple[str | None, str]:
    """(token or None when refused, the caller's language)."""
    with services.db.session() as s:
        who = repo.caller(s, telegram_id)
        lang = who.language if who is not None else "ko"
        if who is None or role_of(who, services.settings) not in desk_service.DESK_ROLES:
            return None, lang
        try:
            admin_ids = services.settings.admin_ids
            return desk_service.issue_link(s, telegram_id, admin_ids, minutes), lang
        except Denied:
            return None, lang


def desk_message(settings: DeskSettings, token: str, lang: str) -> tuple[str, dict[str, Any] | None]:
    link = f"{settings.base_url()}/login/{token}"
    minutes = f"{settings.link_minutes:g}"
    text = escape(texts.t("bot.desk", lang, minutes=minutes, link="")) + f"<code>{escape(link)}</code>"
    webapp = settings.webapp_url()
    markup = (
        {"inline_keyboard": [[{"text": texts.t("bot.desk_open", lang), "web_app": {"url": webapp}}]]}
        if webapp
        else None
    )
    return text, markup


async def on_desk(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services: Services = context.bot_data["services"]
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    settings = DeskSettings()
    token, lang = await asyncio.to_thread(_issue, services, user.id, settings.link_minutes)
    bot = context.bot
    assert isinstance(bot, ReplyBot)
    if token is None:
        await bot.send_html(chat.id, escape(texts.t("bot.desk_denied", lang)))
        return
    text, markup = desk_message(settings, token, lang)
    # No link preview: Telegram's servers would fetch the link (harmless, the confirmation page uses
    # nothing up, but it would show a preview of the sign-in page to nobody's benefit).
    data: dict[str, Any] = {
        "chat_id": chat.id,
        "text": text,
        "parse_mode": "HTML",
        "link_preview_options": {"is_disabled": True},
    }
    if markup is not None:
        data["reply_markup"] = markup
    await bot._post("sendMessage", data)
