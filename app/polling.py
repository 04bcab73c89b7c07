"""Long polling that confirms an update to Telegram only after it has been handled.

python-telegram-bot's Updater confirms everything a getUpdates call returned at the next call,
while those updates may still wait in the queue: a process killed then loses them for good
(measured: 1 to 4 answers per SIGKILL). Here the offset sent to Telegram is the oldest update not
yet handled, so after a crash Telegram delivers again everything that was not finished. Updates
that had been applied are recognised then and not applied twice (storage.chat, handlers.route).

The cost: while updates are being handled, each getUpdates call returns them again (they are not
confirmed yet), so the poller asks again when the oldest one finishes (the offset moves) and at
least every REFETCH_S for new ones: a new update may wait that long behind a slow one. A slow
update also holds the offset back, and Telegram keeps returning the updates after it until it is
done (at most 100 at a time), so at most that many wait at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

from app.processor import PerChatUpdateProcessor

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]
POLL_TIMEOUT_S = 10
DRAIN_TIMEOUT_S = 30.0
MAX_BACKOFF_S = 30.0
REFETCH_S = 0.25  # with updates in hand, ask for new ones at least this often
GATHER_S = 0.02


class Poller:
    def __init__(
        self, application: App, *, allowed_updates: Sequence[str], timeout: int = POLL_TIMEOUT_S
    ) -> None:
        processor = application.update_processor
        if not isinstance(processor, PerChatUpdateProcessor):
            raise TypeError("polling needs the PerChatUpdateProcessor (app.telegram_app.build_application)")
        self.application = application
        self.allowed_updates = list(allowed_updates)
        self.timeout = timeout
        self.pending: set[int] = set()  # queued or running, not finished
        self.highest = 0  # the newest update id queued
        self._progress = asyncio.Event()
        processor.on_done = self._done

    def _done(self, update: object) -> None:
        """An update finished; wake the poller when that moves the offset (the oldest one finished)."""
        if isinstance(update, Update) and update.update_id in self.pending:
            self.pending.discard(update.update_id)
            if not self.pending or update.update_id < min(self.pending):
                self._progress.set()

    @property
    def offset(self) -> int | None:
        """What to confirm: everything before the oldest update not yet handled."""
        if self.pending:
            return min(self.pending)
        return self.highest + 1 if self.highest else None

    async def _fetch(self, timeout: int) -> tuple[Update, ...]:
        updates: tuple[Update, ...] = await self.application.bot.get_updates(
            offset=self.offset, timeout=timeout, allowed_updates=self.allowed_updates
        )
        return updates

    async def run(self, stop: asyncio.Event) -> None:
        await self.application.bot.delete_webhook(drop_pending_updates=False)
        backoff = 0.0
        while not stop.is_set():
            # Only updates still being handled can come back: then there is no need to long-poll.
            fetch = asyncio.ensure_future(self._fetch(0 if self.pending else self.timeout))
            stopping = asyncio.ensure_future(stop.wait())
            await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if not fetch.done():
                fetch.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await fetch
                break
            try:
                updates = fetch.result()
            except InvalidToken:
                raise
            except RetryAfter as exc:
                wait = exc.retry_after
                await self._sleep(stop, float(wait) if isinstance(wait, int | float) else 5.0)
                continue
            except (TimedOut, NetworkError, Conflict) as exc:
                backoff = min(max(backoff * 2, 0.5), MAX_BACKOFF_S)
                log.warning("getUpdates failed (%s); trying again in %.1f s", type(exc).__name__, backoff)
                await self._sleep(stop, backoff)
                continue
            backoff = 0.0
            fresh = [u for u in updates if u.update_id > self.highest]
            for update in fresh:
                self.pending.add(update.update_id)
                self.highest = update.update_id
                await self.application.update_queue.put(update)
            if self.pending:
                # The next call returns the updates still being handled again (the price of
                # confirming only what is done): wait until the oldest is done (the offset moves),
                # or a moment for new ones, and let completions gather a little.
                self._progress.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._progress.wait(), REFETCH_S)
                await asyncio.sleep(GATHER_S)

    async def finish(self) -> None:
        """After the last fetch: let what was queued finish, then confirm it to Telegram."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + DRAIN_TIMEOUT_S
        while self.pending and loop.time() < deadline:
            self._progress.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._progress.wait(), 0.5)
        if self.pending:
            log.error("%d updates not handled before shutdown; Telegram sends them again", len(self.pending))
        if self.offset is not None:
            with contextlib.suppress(Exception):
                await self.application.bot.get_updates(offset=self.offset, timeout=0, limit=1)

    @staticmethod
    async def _sleep(stop: asyncio.Event, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), seconds)


async def serve(application: App, *, allowed_updates: Sequence[str]) -> None:
    """Run the bot with long polling until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    poller = Poller(application, allowed_updates=allowed_updates)
    async with application:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        try:
            await poller.run(stop)
            await poller.finish()
        finally:
            await application.stop()
