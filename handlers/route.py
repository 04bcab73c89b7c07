"""One session per update, the role check, and sending: the frame every handler runs in.

A handler is a plain function Turn → Reply. It runs inside one database transaction that is
committed before anything is sent, so a slow Bot API never holds a database lock, and a
conflicting write from another process (StaleDataError) is retried from fresh state.

Every update is applied at most once: the chat's last applied update id is written in the same
transaction as the update's effect (storage.chat), and an update that comes again (Telegram
delivers it again after a crash) is recognised and only what its lost reply showed is shown again.
After a question has been sent, the id of the message that showed it is recorded, so a typed answer
is bound to the question that was on screen when it was typed (handlers.consult.answer_typed).
Only private chats are served: a group gets one polite refusal.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from telegram import InputFile, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from app import slow
from app.replybot import ReplyBot
from app.services import Services
from casework.scope import Actor
from handlers.callbacks import BadCallback, Callback, parse
from handlers.guard import ACTIONS, may, refusal, role_of
from handlers.limits import CAPTION_LIMIT, NOTICE_LIMIT, TEXT_LIMIT, clip, split_html
from handlers.render import Keyboard, Msg
from handlers.texts import t
from knowledge.privacy import MaskResult, ends_with_rrn_front, mask_pii
from knowledge.text import Lang
from services.actors import actor_of
from storage import chat as chat_state
from storage import repo
from storage.chat import ChatRecord
from storage.models import Role, User
from storage.repo import Caller

log = logging.getLogger(__name__)
RETRIES = 2
# NUL (PostgreSQL refuses it in text, and its error would print the text), other control characters
# and lone surrogates (not encodable) never reach a handler.
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def clean(text: str) -> str:
    return _UNSAFE.sub("", text)


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
    # (consultation id, question-log seq or storage.chat.RESULTS_SEQ) that the last message shows
    shows: tuple[int, int] | None = None


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
    update_id: int = 0
    message_id: int | None = None  # of the typed message
    pressed_message_id: int | None = None  # of the message whose button was pressed
    chat_state: ChatRecord | None = None  # as it was before this update

    @property
    def manual(self) -> Any:
        return self.services.manual

    @property
    def screener(self) -> Any:
        return self.services.screener

    @cached_property
    def actor(self) -> Actor:
        """The caller as the one policy (casework.scope) sees them: role in force and organisation."""
        return actor_of(self.session, self.caller.id, self.role)

    def mask(self, text: str) -> MaskResult:
        """Personal identifiers masked, also the second half of a resident number split over two messages."""
        after_front = self.chat_state is not None and self.chat_state.rrn_front
        return mask_pii(text, after_rrn_front=after_front)

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


def _caller(s: Session, services: Services, tg_user: Any) -> Caller:
    who = repo.caller(s, tg_user.id)
    if who is None:
        language = Lang.parse(tg_user.language_code, services.settings.default_language).value
        who = repo.caller_of(repo.ensure_user(s, tg_user.id, language))
    return who


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
    assert chat is not None
    with services.db.session() as s:
        before = chat_state.read(s, chat.id)
        if before is not None and before.applied(update.update_id):
            return _replayed(services, s, update, before, callback)
        if chat.type != ChatType.PRIVATE or tg_user is None:
            return _refuse(s, update, before, callback)
        who = _caller(s, services, tg_user)
        role = role_of(who, services.settings)
        lang = Lang.parse(who.language)
        message = update.message
        text = clean(message.text) if message is not None and message.text is not None else None
        username = update.get_bot().username if update.get_bot() else ""
        turn = Turn(
            services,
            s,
            who,
            role,
            lang,
            chat.id,
            text,
            callback,
            [clean(a) for a in args],
            username or "",
            update_id=update.update_id,
            message_id=message.message_id if message is not None else None,
            pressed_message_id=_pressed(update),
            chat_state=before,
        )
        if not may(role, allowed):
            log.info("denied %s for role %s", decide.__name__, role.value)
            refused = refusal(allowed, lang)
            # A button gets the alert; a command one message (the notice would be a second one).
            reply = Reply(notice=refused) if callback else Reply(messages=[Msg(refused)])
        else:
            reply = decide(turn)
        # Whether the last text ended like a resident number's first half; a button between the two
        # halves (a note's "✏️ 메모") does not end the watch.
        kept = before is not None and before.rrn_front
        front = ends_with_rrn_front(text) if text is not None else kept
        chat_state.record(s, chat.id, update.update_id, before, rrn_front=front)
        return reply


def _pressed(update: Update) -> int | None:
    query = update.callback_query
    return query.message.message_id if query is not None and query.message is not None else None


def _refuse(s: Session, update: Update, before: ChatRecord | None, callback: Callback | None) -> Reply:
    """Groups and channels: one polite message, then silence. Nobody's data is touched."""
    user = update.effective_user
    lang = Lang.parse(user.language_code if user else None)
    first = before is None or before.refused_at is None
    chat = update.effective_chat
    assert chat is not None
    chat_state.record(s, chat.id, update.update_id, before, refused=True)
    if callback is not None or update.callback_query is not None:
        return Reply(notice=t("private_only", lang))
    return Reply(messages=[Msg(t("private_only", lang))] if first else [])


# Set by handlers.register: what to show again when an update comes a second time (its reply may
# have been lost with the process that applied it).
replay_handler: Decide | None = None


def _replayed(
    services: Services, s: Session, update: Update, before: ChatRecord, callback: Callback | None
) -> Reply:
    log.info("update applied before; not applying it again")
    user = update.effective_user
    chat = update.effective_chat
    if replay_handler is None or user is None or chat is None or chat.type != ChatType.PRIVATE:
        return Reply()
    who = repo.caller(s, user.id)
    if who is None:
        return Reply()
    role = role_of(who, services.settings)
    turn = Turn(services, s, who, role, Lang.parse(who.language), chat.id, None, callback, [], "")
    turn.update_id, turn.chat_state = update.update_id, before
    turn.pressed_message_id = _pressed(update)
    return replay_handler(turn)


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
                # Another process changed the consultation or the chat, or created this user, since
                # we read: redo the turn from fresh state (where it may turn out to be applied).
                if attempt == RETRIES:
                    raise
                log.info("concurrent change to a consultation; retrying")
        assert isinstance(context.bot, ReplyBot)  # build_application makes it one
        await send(context.bot, update, reply, services)
        if reply.later is not None:
            await send(context.bot, update, await slow.run(reply.later), services)

    handler.__name__ = decide.__name__
    return handler


async def send(bot: ReplyBot, update: Update, reply: Reply, services: Services | None = None) -> None:
    """Send the reply within Telegram's limits; then remember which message showed the question."""
    query = update.callback_query
    chat = update.effective_chat
    assert chat is not None
    notice = clip(reply.notice, NOTICE_LIMIT) if reply.notice else None
    if query is not None:
        try:
            await query.answer(notice)
        except BadRequest:
            # A button pressed long ago (before a restart) can no longer be answered; the rest can.
            log.info("a callback query could not be answered")
    elif reply.notice:
        await bot.send_message(chat.id, clip(reply.notice, TEXT_LIMIT))
    shown: int | None = None
    if reply.edit is not None and query is not None and query.message is not None:
        edit = reply.edit
        parts = split_html(edit.text)
        message_id = query.message.message_id
        try:
            await bot.edit_html(
                chat.id, message_id, parts[0], markup(edit.keyboard) if len(parts) == 1 else None
            )
        except BadRequest as exc:
            # Pressing the same toggle twice quickly can ask for an identical edit; harmless.
            if "not modified" not in str(exc).lower():
                raise
        shown = message_id
        if len(parts) > 1:
            shown = await _send_parts(bot, chat.id, Msg(edit.text, edit.keyboard), parts[1:])
    for msg in reply.messages:
        shown = await _send_parts(bot, chat.id, msg, split_html(msg.text))
    if reply.document is not None:
        name, content, caption = reply.document
        document = InputFile(content, filename=name)
        await bot.send_document(chat.id, document, caption=clip(caption, CAPTION_LIMIT))
    if reply.photo is not None:
        image, caption = reply.photo
        picture = InputFile(image, filename="stats.png")
        await bot.send_photo(chat.id, picture, caption=clip(caption, CAPTION_LIMIT))
    for chat_id, msg in reply.notify:
        try:
            await _send_parts(bot, chat_id, msg, split_html(msg.text), notify=True)
        except TelegramError:
            # The person may have blocked the bot; the need itself is saved and shows in /needs.
            log.warning("could not notify a chat about a need")
    if reply.shows is not None and shown is not None and services is not None:
        consultation_id, seq = reply.shows
        chat_state.shown_now(services.db, chat.id, consultation_id, seq, shown)


async def _send_parts(
    bot: ReplyBot, chat_id: int, msg: Msg, parts: list[str], *, notify: bool = False
) -> int | None:
    """The parts of one message in order, the keyboard under the last; returns the last one's id.

    `notify`: to someone who did not just write (an assignee, a coordinator), within Telegram's
    broadcast limits; no message id is needed then."""
    sent = None
    for i, part in enumerate(parts):
        keyboard = markup(msg.keyboard) if i == len(parts) - 1 else None
        if notify:
            await bot.notify_html(chat_id, part, keyboard)
        else:
            sent = await bot.send_html(chat_id, part, keyboard)
    return sent
