"""One session per update, the role check, and sending: the frame every handler runs in.

A handler is a plain function Turn → Reply. It runs inside one database transaction that is
committed before anything is sent, so a slow Bot API never holds a database lock, and a
conflicting write from another process (StaleDataError) is retried from fresh state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from telegram import InputFile, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from app import slow
from app.replybot import ReplyBot
from app.services import Services
from handlers.callbacks import BadCallback, Callback, parse
from handlers.guard import ACTIONS, may, role_of
from handlers.render import Keyboard, Msg
from handlers.texts import t
from knowledge.text import Lang
from storage import repo
from storage.models import Role, User
from storage.repo import Caller

log = logging.getLogger(__name__)
RETRIES = 2


@dataclass
class Reply:
    messages: list[Msg] = field(default_factory=list)
    edit: Msg | None = None
    notice: str | None = None
    document: tuple[str, bytes, str] | None = None  # filename, content, caption
    photo: tuple[bytes, str] | None = None  # PNG, caption
    notify: list[tuple[int, Msg]] = field(default_factory=list)  # other chats (an assignee, coordinators)
    # Slow work (statistics, exports) run in a worker thread after this reply is sent, with its own
    # session, so no resident's step waits behind it on the event loop.
    later: Callable[[], Reply] | None = None


@dataclass
class Turn:
    services: Services
    session: Session
    caller: Caller
    role: Role
    lang: Lang
    chat_id: int
    text: str | None = None
    callback: Callback | None = None
    args: list[str] = field(default_factory=list)
    bot_username: str = ""

    @property
    def manual(self) -> Any:
        return self.services.manual

    @property
    def screener(self) -> Any:
        return self.services.screener

    @property
    def user(self) -> User:
        """The caller as an ORM object, loaded only by handlers that need more than role and language."""
        found = self.session.get(User, self.caller.id)
        assert found is not None  # read in this same transaction
        return found


Decide = Callable[[Turn], Reply]
PTBCallback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def markup(rows: Keyboard) -> dict[str, Any] | None:
    """The Bot API's inline keyboard as plain JSON data.

    Building InlineKeyboardMarkup objects only for the library to turn them back into the same
    dicts cost a tenth of a consultation step (a question has up to twenty buttons).
    """
    if not rows:
        return None
    return {
        "inline_keyboard": [[{"text": label, "callback_data": data} for label, data in row] for row in rows]
    }


def _decide(
    services: Services,
    update: Update,
    decide: Decide,
    allowed: frozenset[Role],
    callback: Callback | None,
    args: list[str],
) -> Reply:
    tg_user = update.effective_user
    chat = update.effective_chat
    assert tg_user is not None and chat is not None
    with services.db.session() as s:
        who = repo.caller(s, tg_user.id)
        if who is None:
            language = Lang.parse(tg_user.language_code, services.settings.default_language).value
            who = repo.caller_of(repo.ensure_user(s, tg_user.id, language))
        role = role_of(who, services.settings)
        lang = Lang.parse(who.language)
        if not may(role, allowed):
            log.info("denied %s for role %s", decide.__name__, role.value)
            return Reply(notice=t("denied", lang), messages=[] if callback else [Msg(t("denied", lang))])
        text = update.effective_message.text if update.message and update.effective_message else None
        username = update.get_bot().username if update.get_bot() else ""
        turn = Turn(services, s, who, role, lang, chat.id, text, callback, args, username or "")
        return decide(turn)


def route(decide: Decide, allowed: frozenset[Role] | None = None) -> PTBCallback:
    """Wrap a Turn → Reply function as a python-telegram-bot callback."""

    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        services: Services = context.bot_data["services"]
        query = update.callback_query
        callback = None
        permitted = allowed
        if query is not None:
            try:
                callback = parse(query.data)
            except BadCallback:
                lang = Lang.parse(query.from_user.language_code if query.from_user else None)
                await query.answer(t("bad_button", lang), show_alert=True)
                return
            permitted = ACTIONS[callback.action] if allowed is None else allowed
        args = list(context.args or [])
        for attempt in range(RETRIES + 1):
            try:
                reply = _decide(services, update, decide, permitted or frozenset(Role), callback, args)
                break
            except BadCallback:
                # Well-formed but naming nothing sensible (forged or from a very old message).
                reply = Reply(notice=t("bad_button", Lang.KO))
                break
            except (StaleDataError, IntegrityError):
                # Another process changed the consultation, or created this user, since we read:
                # redo the turn from fresh state.
                if attempt == RETRIES:
                    raise
                log.info("concurrent change to a consultation; retrying")
        assert isinstance(context.bot, ReplyBot)  # build_application makes it one
        await send(context.bot, update, reply)
        if reply.later is not None:
            await send(context.bot, update, await slow.run(reply.later))

    handler.__name__ = decide.__name__
    return handler


async def send(bot: ReplyBot, update: Update, reply: Reply) -> None:
    query = update.callback_query
    chat = update.effective_chat
    assert chat is not None
    if query is not None:
        await query.answer(reply.notice)
    elif reply.notice:
        await bot.send_message(chat.id, reply.notice)
    if reply.edit is not None and query is not None and query.message is not None:
        try:
            edit = reply.edit
            await bot.edit_html(chat.id, query.message.message_id, edit.text, markup(edit.keyboard))
        except BadRequest as exc:
            # Pressing the same toggle twice quickly can ask for an identical edit; harmless.
            if "not modified" not in str(exc).lower():
                raise
    for msg in reply.messages:
        await bot.send_html(chat.id, msg.text, markup(msg.keyboard))
    if reply.document is not None:
        name, content, caption = reply.document
        await bot.send_document(chat.id, InputFile(content, filename=name), caption=caption)
    if reply.photo is not None:
        image, caption = reply.photo
        await bot.send_photo(chat.id, InputFile(image, filename="stats.png"), caption=caption)
    for chat_id, msg in reply.notify:
        try:
            await bot.notify_html(chat_id, msg.text, markup(msg.keyboard))
        except TelegramError:
            # The person may have blocked the bot; the need itself is saved and shows in /needs.
            log.warning("could not notify a chat about a need")
