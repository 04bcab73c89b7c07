"""Webhook mode: a small ASGI app that hands Telegram's updates to the same Application.

This follows python-telegram-bot's custom-webhook pattern instead of `Application.run_webhook`,
because several processes behind a load balancer each need a health check the balancer can ask
("is this process up, and can it reach the database?"), which PTB's built-in server lacks.

    POST /telegram   Telegram's update. The X-Telegram-Bot-Api-Secret-Token header must equal
                     WEBHOOK_SECRET (else 403); the update goes on `application.update_queue` and
                     the answer is 200 at once, so Telegram never waits for a slow handler.
    GET  /healthz    200 {"status": "ok", "database": "ok"} after a trivial query; 503 otherwise.

Updates of one chat are kept in order inside one process by PerChatUpdateProcessor; between
processes, the consultation row's version column makes the later writer retry (handlers/route.py).
"""

from __future__ import annotations

import asyncio
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

App = Application[Any, Any, Any, Any, Any, Any]


def valid_secret(secret: str) -> bool:
    return SECRET_PATTERN.fullmatch(secret) is not None


def _database_ok(db: Database) -> None:
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def create_app(application: App, secret: str, db: Database, dashboard: Starlette | None = None) -> Starlette:
    """The ASGI app; `application` must be initialised and started by whoever serves this.

    `dashboard`: the coordinators' desk (app.dashboard), mounted at /desk in the same process.
    """
    if not valid_secret(secret):
        raise ValueError("WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
    expected = secret.encode("ascii")

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
        if update is None:
            return Response(status_code=400)
        await application.update_queue.put(update)
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
    server = _Server(
        uvicorn.Config(
            create_app(application, secret, db, dashboard),
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
            await application.stop()
