"""Per-chat ordered, cross-chat concurrent update processing.

python-telegram-bot offers either one update at a time (one slow Bot API call stalls every chat) or
full concurrency (a resident's two quick taps can race). A consultation needs the middle: each
chat strictly in order, different chats at once, with a bound on how many run together.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Runs one update's handlers (the awaitable) and may measure around it; see PerChatUpdateProcessor.wrap.
UpdateWrapper = Callable[[object, Awaitable[Any]], Awaitable[Any]]
# Told when an update's handlers have finished (or failed): the poller confirms it to Telegram then,
# the webhook takes it out of its inbox.
UpdateDone = Callable[[object], None]


def chat_key(update: object) -> int | None:
    """The chat an update belongs to; updates without a chat are not ordered against anything."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return None


# PTB's own bound (BaseUpdateProcessor.process_update, which is final) is taken before
# do_process_update, i.e. before the chat's turn: a burst of taps in one chat would hold that many
# slots while it waits, and a flood from one chat could stall every other. So PTB's bound is set out
# of reach and the real one is taken in do_process_update, after the chat's turn.
_ADMIT_ALL = 2**31 - 1


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Each chat's updates one after another in arrival order; at most `limit` running at once.

    Updates waiting for their chat's turn hold no slot. PTB's `max_concurrent_updates` and
    `current_concurrent_updates` therefore count admitted updates (running or waiting); `limit` and
    `running` are the bound and what runs now.
    """

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        if max_concurrent_updates < 1:
            raise ValueError("max_concurrent_updates must be a positive integer")
        super().__init__(_ADMIT_ALL)
        self.limit = max_concurrent_updates
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._running = 0
        # Lock and the number of updates holding or waiting for it; dropped at zero so a
        # bot that has seen a million chats does not keep a million locks.
        self._chats: dict[int, tuple[asyncio.Lock, int]] = {}
        # Optional: called instead of awaiting an update's handlers directly, inside the chat's turn
        # and a slot (the throughput benchmark times handlers here). Must await the awaitable once.
        self.wrap: UpdateWrapper | None = None
        self.on_done: UpdateDone | None = None

    @property
    def active_chats(self) -> int:
        """Chats with an update running or waiting."""
        return len(self._chats)

    @property
    def running(self) -> int:
        return self._running

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        try:
            await self._in_turn(update, coroutine)
        finally:
            if self.on_done is not None:
                self.on_done(update)

    async def _in_turn(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        if key is None:
            await self._run(update, coroutine)
            return
        lock, users = self._chats.get(key) or (asyncio.Lock(), 0)
        self._chats[key] = (lock, users + 1)
        try:
            # Application starts one task per update in arrival order and a task runs up to its
            # first real wait, so a chat's tasks queue on its lock in arrival order; asyncio.Lock
            # wakes waiters first in, first out.
            async with lock:
                await self._run(update, coroutine)
        finally:
            lock, users = self._chats[key]
            if users <= 1:
                del self._chats[key]
            else:
                self._chats[key] = (lock, users - 1)

    async def _run(self, update: object, coroutine: Awaitable[Any]) -> None:
        async with self._slots:
            self._running += 1
            try:
                if self.wrap is None:
                    await coroutine
                else:
                    await self.wrap(update, coroutine)
            finally:
                self._running -= 1

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
