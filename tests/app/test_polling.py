"""Long polling confirms an update to Telegram only after it was handled (app/polling.py).

python-telegram-bot's Updater confirmed a whole getUpdates answer at the next call, while its
updates still waited in the queue: a SIGKILL then lost them (issue 15: 1–4 answers per run)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import ApplicationHandlerStop, TypeHandler

from app.local_api import LocalBotAPI, LocalRequest, Updates
from app.polling import Poller
from app.services import Services
from app.settings import Settings
from app.telegram_app import build_application, build_services


class PollingAPI(LocalBotAPI):
    """getUpdates with Telegram's offsets: an update is returned until an offset above it confirms it."""

    def __init__(self) -> None:
        super().__init__()
        self.queued: list[dict[str, Any]] = []
        self.offsets: list[int] = []

    def handle(self, method: str, params: dict[str, Any], files: dict[str, bytes] | None = None) -> Any:
        if method.lower() == "getupdates":
            offset = int(params.get("offset") or 0)
            self.offsets.append(offset)
            self.queued = [u for u in self.queued if u["update_id"] >= offset]
            return list(self.queued)
        return super().handle(method, params, files)


@pytest.fixture
def services(tmp_path: Path) -> Services:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'poll.sqlite3'}")
    return build_services(settings)


@pytest.fixture
async def polled(services: Services) -> AsyncIterator[tuple[Any, PollingAPI, dict[int, asyncio.Event]]]:
    api = PollingAPI()
    app = build_application(services, request=LocalRequest(api), with_updater=False)
    gates: dict[int, asyncio.Event] = {}

    async def gate(update: Update, context: Any) -> None:
        if update.update_id in gates:
            await gates[update.update_id].wait()
        raise ApplicationHandlerStop  # only the gate: these updates need no bot behind them

    app.add_handler(TypeHandler(Update, gate), group=-1)
    async with app:
        await app.start()
        yield app, api, gates
        await app.stop()


async def test_an_update_still_being_handled_is_not_confirmed(polled: Any) -> None:
    app, api, gates = polled
    updates = Updates(app.bot, api)
    first, second, third = (updates.message(5, f"m{i}").to_dict() for i in range(3))
    api.queued = [first, second, third]
    gates[first["update_id"]] = asyncio.Event()  # the oldest one takes long
    poller = Poller(app, allowed_updates=["message"], timeout=0)
    stop = asyncio.Event()
    task = asyncio.create_task(poller.run(stop))
    await asyncio.sleep(0.8)
    # Telegram was asked again and again, but never past the update still being handled.
    assert len(api.offsets) >= 2
    assert max(api.offsets) <= first["update_id"]
    assert [u["update_id"] for u in api.queued] == [u["update_id"] for u in (first, second, third)]
    gates[first["update_id"]].set()
    await asyncio.sleep(0.5)
    stop.set()
    await task
    await poller.finish()
    assert api.offsets[-1] == third["update_id"] + 1 and api.queued == []


async def test_each_update_is_queued_once_though_telegram_returns_it_again(polled: Any) -> None:
    app, api, gates = polled
    updates = Updates(app.bot, api)
    slow = updates.message(6, "slow").to_dict()
    gates[slow["update_id"]] = asyncio.Event()
    api.queued = [slow]
    poller = Poller(app, allowed_updates=["message"], timeout=0)
    seen: list[int] = []
    original = app.update_queue.put

    async def put(update: Any) -> None:
        if isinstance(update, Update):
            seen.append(update.update_id)
        await original(update)

    app.update_queue.put = put
    stop = asyncio.Event()
    task = asyncio.create_task(poller.run(stop))
    await asyncio.sleep(0.6)
    gates[slow["update_id"]].set()
    await asyncio.sleep(0.3)
    stop.set()
    await task
    assert seen == [slow["update_id"]]
    assert len(api.offsets) >= 2
