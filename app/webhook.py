"""Webhook mode: a small ASGI app that hands Telegram's updates to the same Application.

This follows python-telegram-bot's custom-webhook pattern instead of `Application.run_webhook`,
because several processes behind a load balancer each need a health check the balancer can ask
("is this process up, and can it reach the database?"), which PTB's built-in server lacks.

    POST /telegram   Telegram's update. The X-Telegram-Bot-Api-Secret-Token header must equal
                     WEBHOOK_SECRET (else 403). The update is written to the inbox table first
                     (storage.inbox, its text masked), then answered 200 and put on
                     `application.update_queue`: Telegram never waits for a slow handler, and an
                     update it was told it delivered survives a process killed right after.
                     When it has been handled, it leaves the inbox.
    GET  /healthz    200 {"status": "ok", "database": "ok"} after a trivial query; 503 otherwise.

At start-up every process hands what is left in the inbox to its bot, and every SWEEP_EVERY_S it
takes over updates another process received but has not finished for INBOX_GRACE_S (that process
died). An update handled twice this way is applied once (storage.chat, handlers/route.py).

Updates of one chat are kept in order inside one process by PerChatUpdateProcessor; between
processes, the consultation row's version column makes the later writer retry (handlers/route.py).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import json
import logging
import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from telegram import Update
from telegram.ext import Application

from app.processor import PerChatUpdateProcessor
from knowledge.privacy import mask_pii
from storage import inbox
from storage.db import Database

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
PATH = "/telegram"
ALLOWED_UPDATES = ["message", "callback_query"]
# Telegram accepts 1 to 256 of these characters as a secret token.
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
MAX_BODY = 1 << 20  # an update is a few kilobytes; refuse anything absurd before parsing it
HEALTH_TIMEOUT_S = 3.0
DRAIN_TIMEOUT_S = 30.0  # at shutdown, how long accepted updates may take to finish
SWEEP_EVERY_S = 30.0
INBOX_GRACE_S = 60.0  # an update still in the inbox after this long was left by a process that died

App = Application[Any, Any, Any, Any, Any, Any]


def valid_secret(secret: str) -> bool:
    return SECRET_PATTERN.fullmatch(secret) is not None


def _database_ok(db: Database) -> None:
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def masked_payload(data: dict[str, Any]) -> dict[str, Any]:
    """The update as the inbox keeps it: a message's text and caption with identifiers masked."""
    message = data.get("message")
    if not isinstance(message, dict):
        return data
    masked = dict(message)
    for key in ("text", "caption"):
        if isinstance(masked.get(key), str):
            masked[key] = mask_pii(masked[key]).text
    return {**data, "message": masked}


def _chat_of(data: dict[str, Any]) -> int | None:
    for key in ("message", "callback_query"):
        part = data.get(key)
        if isinstance(part, dict):
            chat = (part.get("message") or {}).get("chat") if key == "callback_query" else part.get("chat")
            if isinstance(chat, dict) and isinstance(chat.get("id"), int):
                return int(chat["id"])
    return None


class Inbox:
    """This process's side of the inbox: what it has queued, and taking updates out when done."""

    def __init__(self, application: App, db: Database) -> None:
        self.application = application
        self.db = db
        self.queued: set[int] = set()
        processor = application.update_processor
        if isinstance(processor, PerChatUpdateProcessor):
            processor.on_done = self._done

    def _done(self, update: object) -> None:
        if isinstance(update, Update) and update.update_id in self.queued:
            self.queued.discard(update.update_id)
            try:
                inbox.done(self.db, update.update_id)
            except Exception as exc:  # it stays in the inbox; a later sweep finds it applied
                log.warning("could not take update out of the inbox: %s", type(exc).__name__)

    async def accept(self, data: dict[str, Any], update: Update) -> None:
        """Durably received: after this, Telegram may be told so."""
        if inbox.put(self.db, update.update_id, _chat_of(data), masked_payload(data)):
            await self.enqueue(update)

    async def enqueue(self, update: Update) -> None:
        if update.update_id in self.queued:
            return
        self.queued.add(update.update_id)
        await self.application.update_queue.put(update)

    async def drain(self, older_than: float | None = None) -> int:
        """Hand what waits in the inbox to the bot (all of it, or what is older than older_than s)."""
        grace = dt.timedelta(seconds=older_than) if older_than is not None else None
        found = 0
        for update_id, payload in inbox.waiting(self.db, older_than=grace):
            if update_id in self.queued:
                continue
            try:
                update = Update.de_json(payload, self.application.bot)
            except (ValueError, TypeError, KeyError, AttributeError):
                inbox.done(self.db, update_id)  # cannot be read: it never will be
                continue
            if update is not None:
                await self.enqueue(update)
                found += 1
        return found


def create_app(
    application: App, secret: str, db: Database, box: Inbox | None = None, dashboard: Starlette | None = None
) -> Starlette:
    """The ASGI app; `application` must be initialised and started by whoever serves this.

    `dashboard`: the coordinators' desk (app.dashboard), mounted at /desk in the same process.
    """
    if not valid_secret(secret):
        raise ValueError("WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
    expected = secret.encode("ascii")
    box = box or Inbox(application, db)

    async def telegram(request: Request) -> Response:
        # Starlette decodes headers as latin-1, so encoding back gives the bytes that were sent.
        given = request.headers.get(SECRET_HEADER, "").encode("latin-1")
        if not hmac.compare_digest(given, expected):
            return Response(status_code=403)
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                return Response(status_code=413)
        try:
            data = json.loads(body)
            update = Update.de_json(data, application.bot) if isinstance(data, dict) else None
        except (ValueError, TypeError, KeyError, AttributeError):
            update = None
        if update is None or not isinstance(data, dict):
            return Response(status_code=400)
        try:
            await box.accept(data, update)
        except Exception as exc:  # not kept: Telegram must send it again, so no 200
            log.error("could not keep an update in the inbox: %s", type(exc).__name__)
            return Response(status_code=503)
        return Response(status_code=200)

    async def healthz(request: Request) -> Response:
        # In a thread with a deadline: a database that hangs must not stall the event loop.
        try:
            await asyncio.wait_for(asyncio.to_thread(_database_ok, db), HEALTH_TIMEOUT_S)
        except Exception as exc:  # any failure to answer SELECT 1 means "not ready"
            log.warning("health check: database unavailable: %r", exc)
            return JSONResponse({"status": "error", "database": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"})

    routes: list[BaseRoute] = [
        Route(PATH, telegram, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ]
    if dashboard is not None:
        from app.dashboard.config import MOUNT

        routes.append(Mount(MOUNT, app=dashboard))
    return Starlette(routes=routes)


class _Server(uvicorn.Server):
    """uvicorn's server without re-raising SIGTERM or SIGINT once it has stopped listening.

    uvicorn re-raises the signal it caught when serve() returns, which would end the process before
    the updates Telegram already got a 200 for are handled.
    """

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        original = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)


async def serve(
    application: App,
    db: Database,
    *,
    secret: str,
    webhook_url: str | None,
    listen: str,
    port: int,
    dashboard: Starlette | None = None,
) -> None:
    """Run the bot behind the webhook until SIGINT or SIGTERM; updates already accepted are finished.

    Every process may register the webhook (the same URL and secret: harmless); pass
    webhook_url=None to leave the registration to someone else.
    """
    box = Inbox(application, db)
    server = _Server(
        uvicorn.Config(
            create_app(application, secret, db, box, dashboard),
            host=listen,
            port=port,
            lifespan="off",
            log_level="warning",
            access_log=False,  # access lines would carry nothing useful and grow fast
        )
    )
    async with application:
        if application.post_init is not None:
            await application.post_init(application)
        if webhook_url:
            await application.bot.set_webhook(
                url=webhook_url, secret_token=secret, allowed_updates=ALLOWED_UPDATES
            )
        await application.start()
        left = await box.drain()
        if left:
            log.info("%d updates received before a restart are handled now", left)
        sweeper = asyncio.create_task(_sweep(box))
        try:
            await server.serve()
            # Telegram got 200 for every queued update and will not send them again: finish them.
            # (Application.stop would drop what is still queued.)
            try:
                await asyncio.wait_for(application.update_queue.join(), DRAIN_TIMEOUT_S)
            except TimeoutError:
                log.error(
                    "%d accepted updates were not handled before shutdown", application.update_queue.qsize()
                )
        finally:
            sweeper.cancel()
            await application.stop()


async def _sweep(box: Inbox) -> None:
    """Take over what another process received and never finished (it died)."""
    while True:
        await asyncio.sleep(SWEEP_EVERY_S)
        try:
            await box.drain(older_than=INBOX_GRACE_S)
        except Exception as exc:  # the database may be away for a moment; the next sweep tries again
            log.warning("inbox sweep failed: %s", type(exc).__name__)
