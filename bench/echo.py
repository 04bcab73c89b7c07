"""Reference bots for bench/throughput.py, on the same harness as the consultation bot.

`build_echo_application`: the baseline the issue asks for, a bare python-telegram-bot echo bot. No
database, no manual, no rendering: one handler that sends the text back (one Bot API call).

`build_step_application`: the ceiling. A bare PTB bot that makes the same Bot API calls as one
consultation step (answer the pressed button, send a question with six buttons), the same way
(app.replybot.ReplyBot, keyboard as plain JSON data), and does nothing else. No consultation bot
built on PTB can be faster than this, whatever its database or engine do, so it shows how much of
the gap to the echo bot is PTB's own work.

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


def _bare(request: BaseRequest, max_concurrent_updates: int, *, lean: bool = False) -> App:
    builder = ApplicationBuilder()
    if lean:
        builder = builder.bot(build_bot(LOCAL_TOKEN, LOCAL_BASE_URL, request=request))
    else:
        builder = builder.token(LOCAL_TOKEN).request(request).get_updates_request(request)
    app: App = (
        builder.updater(None)
        .concurrent_updates(WrappedSimpleUpdateProcessor(max_concurrent_updates))
        .build()
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
