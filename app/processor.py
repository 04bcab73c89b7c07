"""Per-chat ordered, cross-chat concurrent update processing.

python-telegram-bot offers either one update at a time (one slow Bot API call stalls every chat) or
full concurrency (a resident's two quick taps can race). A consultation needs the middle: each
chat strictly in order, different chats at once, with a bound on how many run together.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


def chat_key(update: object) -> int | None:
    """The chat an update belongs to; updates without a chat are not ordered against anything."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return None


class PerChatUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        # Lock and the number of updates holding or waiting for it; dropped at zero so a
        # bot that has seen a million chats does not keep a million locks.
        self._chats: dict[int, tuple[asyncio.Lock, int]] = {}

    @property
    def active_chats(self) -> int:
        return len(self._chats)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        if key is None:
            await coroutine
            return
        lock, users = self._chats.get(key) or (asyncio.Lock(), 0)
        self._chats[key] = (lock, users + 1)
        try:
            # Tasks get here in the order the updates arrived (the base class's semaphore queues
            # first-in first-out), and asyncio.Lock wakes waiters in order too, so one chat's
            # updates run in arrival order while other chats proceed.
            async with lock:
                await coroutine
        finally:
            lock, users = self._chats[key]
            if users <= 1:
                del self._chats[key]
            else:
                self._chats[key] = (lock, users - 1)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
