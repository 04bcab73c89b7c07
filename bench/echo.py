"""Reference bots for bench/throughput.py, on the same harness as the consultation bot.

`build_echo_application`: the baseline the issue asks for, a bare python-telegram-bot echo bot. No
database, no manual, no rendering: one handler that sends the text back (one Bot API call).

`build_step_application`: the ceiling. A bare PTB bot that makes the same Bot API calls as one
consultation step (answer the pressed button, send a question with six buttons), the same way
(app.replybot.ReplyBot, keyboard as plain JSON data), and does nothing else. No consultation bot
built on PTB can be faster than this, whatever its database or engine do, so it shows how much of
the gap to the echo bot is PTB's own work.

`build_floor_application`: the floor of the project's design. The bare step bot plus exactly the
storage work of one consultation step as the bot does it: one session per update, the caller read,
the chat's consultation read, the question on screen answered, the next one logged, the row saved
with its version checked, committed before sending. No routing, role rules, engine or rendering.
A consultation bot that keeps its state in the database this way cannot be faster than this.

Both use PTB's stock SimpleUpdateProcessor (unordered concurrency), the fastest a bare PTB bot goes,
with the same bound on concurrent updates as the consultation bot.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    SimpleUpdateProcessor,
    filters,
)
from telegram.request import BaseRequest

from app.processor import UpdateWrapper
from app.replybot import ReplyBot, build_bot
from app.telegram_app import LOCAL_TOKEN
from handlers.route import markup
from storage import repo, steps
from storage.db import Database
from storage.models import Channel, Role

App = Application[Any, Any, Any, Any, Any, Any]
LOCAL_BASE_URL = "http://local/bot"  # LocalRequest answers by method name; nothing is contacted

# A typical question as the consultation bot renders it (the longest of the manual's money questions).
QUESTION = (
    "<b>질문 3</b>\n함께 사는 가족의 한 달 수입은 모두 합쳐 대략 얼마인가요?"
    " (월급, 연금, 자녀가 보내 주는 용돈 등)\n<i>숫자로 적어 주세요. 예: 150만원</i>"
)
# Passed as plain JSON data, as handlers.route sends keyboards, so the ceiling is like for like.
KEYBOARD = markup(
    [
        [("예", "a:123456:has_spouse:true"), ("아니요", "a:123456:has_spouse:false")],
        [("◀ 이전", "n:123456:back"), ("건너뛰기", "n:123456:skip")],
        [("처음부터", "n:123456:restart"), ("도움말", "n:123456:help")],
    ]
)


class WrappedSimpleUpdateProcessor(SimpleUpdateProcessor):
    """PTB's stock processor plus the measuring hook PerChatUpdateProcessor offers."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self.wrap: UpdateWrapper | None = None

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if self.wrap is None:
            await coroutine
        else:
            await self.wrap(update, coroutine)


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text is not None:
        await context.bot.send_message(message.chat_id, message.text)


async def step(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer()
    chat = update.effective_chat
    assert chat is not None and isinstance(context.bot, ReplyBot)
    await context.bot.send_html(chat.id, QUESTION, KEYBOARD)


# Questions the floor bot asks in turn, so its answers grow as a real consultation's do.
FLOOR_QUESTIONS = ("age", "household_size", "household_income", "assets", "housing_type", "disability")


def store_step(db: Database, telegram_id: int, chat_id: int) -> None:
    """One consultation step's storage work, as handlers.route and app.consult do it."""
    with db.session() as s:
        who = repo.caller(s, telegram_id)
        user_id = who.id if who is not None else repo.ensure_user(s, telegram_id, "ko").id
        row = steps.active(s, chat_id)
        if row is None:
            row = steps.start(
                s,
                chat_id=chat_id,
                user_id=user_id,
                role=Role.RESIDENT,
                channel=Channel.TELEGRAM,
                language="ko",
                scope_kind="all",
                scope_value=None,
                household_id=None,
            )
        elif row.current_question is not None:
            steps.record_answer(row, row.current_question, row.last_seq)
        steps.log_question(row, FLOOR_QUESTIONS[row.last_seq % len(FLOOR_QUESTIONS)])
        steps.save(s, row)


async def stored_step(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    store_step(context.bot_data["db"], user.id, chat.id)
    await step(update, context)


def _bare(request: BaseRequest, max_concurrent_updates: int, *, lean: bool = False) -> App:
    builder = ApplicationBuilder()
    if lean:
        builder = builder.bot(build_bot(LOCAL_TOKEN, LOCAL_BASE_URL, request=request))
    else:
        builder = builder.token(LOCAL_TOKEN).request(request).get_updates_request(request)
    app: App = (
        builder.updater(None).concurrent_updates(WrappedSimpleUpdateProcessor(max_concurrent_updates)).build()
    )
    return app


def build_echo_application(request: BaseRequest, max_concurrent_updates: int) -> App:
    app = _bare(request, max_concurrent_updates)
    app.add_handler(MessageHandler(filters.TEXT, echo))
    return app


def build_step_application(request: BaseRequest, max_concurrent_updates: int) -> App:
    app = _bare(request, max_concurrent_updates, lean=True)
    app.add_handler(MessageHandler(filters.TEXT, step))
    app.add_handler(CallbackQueryHandler(step))
    return app


def build_floor_application(request: BaseRequest, max_concurrent_updates: int, db: Database) -> App:
    app = _bare(request, max_concurrent_updates, lean=True)
    app.bot_data["db"] = db
    app.add_handler(MessageHandler(filters.TEXT, stored_step))
    app.add_handler(CallbackQueryHandler(stored_step))
    return app
