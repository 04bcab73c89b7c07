"""PerChatUpdateProcessor inside a real Application: one chat in order, chats at once, a bound."""

from __future__ import annotations

import asyncio
import itertools
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from app.local_api import LocalBotAPI, LocalRequest
from app.processor import PerChatUpdateProcessor, chat_key
from app.telegram_app import LOCAL_TOKEN

App = Application[Any, Any, Any, Any, Any, Any]
Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]
_ids = itertools.count(1)


def message(chat_id: int, text: str) -> Update:
    payload = {"message_id": next(_ids), "date": 0, "text": text, "chat": {"id": chat_id, "type": "private"}}
    return Update.de_json({"update_id": next(_ids), "message": payload}, None)


async def started(limit: int, handler: Handler) -> App:
    app: App = (
        ApplicationBuilder()
        .token(LOCAL_TOKEN)
        .request(LocalRequest(LocalBotAPI()))
        .updater(None)
        .concurrent_updates(PerChatUpdateProcessor(limit))
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, handler))
    await app.initialize()
    await app.start()
    return app


@pytest.fixture
async def stop_later() -> AsyncIterator[list[App]]:
    apps: list[App] = []
    yield apps
    for app in apps:
        await app.stop()
        await app.shutdown()


async def feed(app: App, updates: list[Update]) -> None:
    for update in updates:
        await app.update_queue.put(update)
    await asyncio.wait_for(app.update_queue.join(), 10)


async def test_one_chat_runs_strictly_in_arrival_order_even_when_handlers_wait(stop_later: list[App]) -> None:
    log: list[tuple[str, int, str]] = []
    rng = random.Random(7)

    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.effective_chat is not None
        log.append(("start", update.effective_chat.id, update.message.text or ""))
        # Later updates wait less: without ordering they would overtake the earlier ones.
        await asyncio.sleep(rng.uniform(0, 0.005))
        log.append(("end", update.effective_chat.id, update.message.text or ""))

    app = await started(64, handler)
    stop_later.append(app)
    updates = [message(chat, f"{chat}-{i}") for i in range(20) for chat in (1, 2, 3)]
    await feed(app, updates)
    for chat in (1, 2, 3):
        mine = [(kind, text) for kind, c, text in log if c == chat]
        expected = [(kind, f"{chat}-{i}") for i in range(20) for kind in ("start", "end")]
        assert mine == expected, f"chat {chat} ran out of order or overlapped"
    processor = app.update_processor
    assert isinstance(processor, PerChatUpdateProcessor)
    assert processor.active_chats == 0, "locks of idle chats are dropped"


async def test_different_chats_run_at_the_same_time(stop_later: list[App]) -> None:
    running = 0
    most = 0

    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.02)
        running -= 1

    app = await started(64, handler)
    stop_later.append(app)
    await feed(app, [message(chat, "x") for chat in range(10)])
    assert most == 10, "all ten chats were inside their handler at once"


async def test_concurrency_is_bounded(stop_later: list[App]) -> None:
    running = 0
    most = 0

    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.005)
        running -= 1

    app = await started(3, handler)
    stop_later.append(app)
    await feed(app, [message(chat, "x") for chat in range(12)])
    assert most == 3


async def test_a_burst_in_one_chat_does_not_take_the_slots_of_others(stop_later: list[App]) -> None:
    release = asyncio.Event()
    other_ran = asyncio.Event()

    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None
        if update.effective_chat.id == 1:
            await release.wait()
        else:
            other_ran.set()

    app = await started(2, handler)
    stop_later.append(app)
    # Ten taps of chat 1 queue behind its first update; chat 2 must still get the second slot.
    for i in range(10):
        await app.update_queue.put(message(1, f"tap {i}"))
    await app.update_queue.put(message(2, "hello"))
    try:
        await asyncio.wait_for(other_ran.wait(), 2)
        processor = app.update_processor
        assert isinstance(processor, PerChatUpdateProcessor)
        assert processor.running == 1 and processor.active_chats == 1
    finally:
        release.set()
    await asyncio.wait_for(app.update_queue.join(), 5)


async def test_wrap_sees_every_update_inside_its_turn(stop_later: list[App]) -> None:
    seen: list[str] = []
    inside = 0

    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert inside == 1, "the handler runs inside wrap"

    async def wrap(update: object, coroutine: Awaitable[Any]) -> None:
        nonlocal inside
        assert isinstance(update, Update) and update.message is not None
        seen.append(update.message.text or "")
        inside += 1
        try:
            await coroutine
        finally:
            inside -= 1

    app = await started(4, handler)
    stop_later.append(app)
    processor = app.update_processor
    assert isinstance(processor, PerChatUpdateProcessor)
    processor.wrap = wrap
    await feed(app, [message(5, "a"), message(5, "b")])
    assert seen == ["a", "b"]


def test_chat_key_is_the_chat_then_the_user_and_none_for_other_objects() -> None:
    assert chat_key(message(42, "x")) == 42
    query = Update.de_json(
        {
            "update_id": 1,
            "callback_query": {
                "id": "1",
                "from": {"id": 77, "is_bot": False, "first_name": "a"},
                "chat_instance": "1",
                "data": "x",
            },
        },
        None,
    )
    assert chat_key(query) == 77, "a button on an inline message has no chat: order by user"
    assert chat_key("not an update") is None


def test_a_bound_below_one_is_refused() -> None:
    with pytest.raises(ValueError):
        PerChatUpdateProcessor(0)
