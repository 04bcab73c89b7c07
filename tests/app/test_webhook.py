"""Webhook mode: the ASGI app in-process, then `python bot.py webhook` as a real process on loopback."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app import runner
from app.local_api import LocalBotAPI, LocalRequest
from app.settings import Settings
from app.telegram_app import build_application, build_services
from app.webhook import SECRET_HEADER, create_app
from storage.db import Database
from storage.models import Channel
from tests.conftest import ROOT
from tests.e2e.botapi_server import BotAPIServer

SECRET = "s3cret-Token_42"
CHAT = 880001


def start_update(update_id: int = 1, text: str = "/start") -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": update_id + 100,
        "date": int(time.time()),
        "chat": {"id": CHAT, "type": "private"},
        "from": {"id": CHAT, "is_bot": False, "first_name": "주민", "language_code": "ko"},
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": update_id, "message": message}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'hook.sqlite3'}", admin_ids=[])


@pytest.fixture
async def bot(settings: Settings) -> AsyncIterator[tuple[Any, LocalBotAPI, Database]]:
    services = build_services(settings, Channel.TELEGRAM)
    api = LocalBotAPI()
    application = build_application(services, request=LocalRequest(api), with_updater=False)
    async with application:
        await application.start()
        yield application, api, services.db
        await application.stop()
    services.db.dispose()


def client(asgi: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi), base_url="http://bot.test")


async def test_an_update_with_the_secret_is_handled(bot: tuple[Any, LocalBotAPI, Database]) -> None:
    application, api, db = bot
    async with client(create_app(application, SECRET, db)) as http:
        response = await http.post("/telegram", json=start_update(), headers={SECRET_HEADER: SECRET})
        assert response.status_code == 200
        await asyncio.wait_for(application.update_queue.join(), 10)
    assert "복지 안내 도우미" in api.last(CHAT).text


@pytest.mark.parametrize(
    "headers",
    [{}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: SECRET + "x"}, {SECRET_HEADER: SECRET[:-1]}],
    ids=["missing", "wrong", "longer", "shorter"],
)
async def test_without_the_right_secret_nothing_is_handled(
    bot: tuple[Any, LocalBotAPI, Database], headers: dict[str, str]
) -> None:
    application, api, db = bot
    async with client(create_app(application, SECRET, db)) as http:
        response = await http.post("/telegram", json=start_update(), headers=headers)
        assert response.status_code == 403
        await asyncio.wait_for(application.update_queue.join(), 10)
    assert api.messages(CHAT) == []


async def test_a_body_that_is_not_an_update_is_refused(bot: tuple[Any, LocalBotAPI, Database]) -> None:
    application, _, db = bot
    async with client(create_app(application, SECRET, db)) as http:
        bad_json = await http.post("/telegram", content=b"{not json", headers={SECRET_HEADER: SECRET})
        not_an_object = await http.post("/telegram", json=[1, 2], headers={SECRET_HEADER: SECRET})
        wrong_method = await http.get("/telegram", headers={SECRET_HEADER: SECRET})
        huge = await http.post("/telegram", content=b" " * (2 << 20), headers={SECRET_HEADER: SECRET})
    assert bad_json.status_code == 400
    assert not_an_object.status_code == 400
    assert wrong_method.status_code == 405
    assert huge.status_code == 413
    assert application.update_queue.empty()


async def test_health_reports_the_database(bot: tuple[Any, LocalBotAPI, Database], tmp_path: Path) -> None:
    application, _, db = bot
    async with client(create_app(application, SECRET, db)) as http:
        healthy = await http.get("/healthz")
    assert healthy.status_code == 200
    assert healthy.json() == {"status": "ok", "database": "ok"}
    unreachable = Database(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir' / 'x.sqlite3'}")
    async with client(create_app(application, SECRET, unreachable)) as http:
        down = await http.get("/healthz")
    assert down.status_code == 503
    assert down.json()["database"] != "ok"


def test_a_secret_telegram_would_refuse_is_refused_at_start(bot: Any) -> None:
    application, _, db = bot
    for secret in ("", "has space", "ü", "x" * 257):
        with pytest.raises(ValueError):
            create_app(application, secret, db)


def test_webhook_mode_needs_a_valid_secret(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    def with_secret(secret: str | None) -> Settings:
        return Settings(
            _env_file=None,
            database_url=settings.database_url,
            telegram_bot_token="123:TEST",
            webhook_url="https://bot.example.org/telegram",
            webhook_secret=secret,
        )

    assert runner.telegram(with_secret(None), webhook=True) == 2
    assert runner.telegram(with_secret("not allowed!"), webhook=True) == 2
    assert "WEBHOOK_SECRET" in capsys.readouterr().err


# --- the real process ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def api_server() -> Iterator[BotAPIServer]:
    server = BotAPIServer().start()
    yield server
    server.stop()


@pytest.fixture
def webhook_process(api_server: BotAPIServer, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    env.update(
        TELEGRAM_BOT_TOKEN="123456:TEST",
        TELEGRAM_API_BASE_URL=api_server.base_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'webhook.sqlite3'}",
        WEBHOOK_URL="https://bot.example.org/telegram",
        WEBHOOK_SECRET=SECRET,
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(port),
        PYTHONUNBUFFERED="1",
    )
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "bot.py"), "webhook"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield proc, f"http://127.0.0.1:{port}"
    if proc.poll() is None:
        proc.kill()
        proc.wait(timeout=10)


def wait_until_healthy(proc: subprocess.Popen[str], base: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"bot exited: {proc.stdout.read() if proc.stdout else ''}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("the webhook process never became healthy")


def test_bot_webhook_serves_updates_and_stops_cleanly(
    api_server: BotAPIServer, webhook_process: tuple[subprocess.Popen[str], str]
) -> None:
    proc, base = webhook_process
    wait_until_healthy(proc, base)
    registered = [c.params for c in api_server.api.calls if c.method == "setWebhook"]
    assert registered, "the process registers its webhook"
    assert registered[-1]["url"] == "https://bot.example.org/telegram"
    assert registered[-1]["secret_token"] == SECRET
    assert set(json.loads(registered[-1]["allowed_updates"])) == {"message", "callback_query"}

    refused = httpx.post(f"{base}/telegram", json=start_update(1), headers={SECRET_HEADER: "nope"})
    assert refused.status_code == 403
    accepted = httpx.post(f"{base}/telegram", json=start_update(2), headers={SECRET_HEADER: SECRET})
    assert accepted.status_code == 200
    deadline = time.monotonic() + 20
    while not api_server.api.messages(CHAT) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "복지 안내 도우미" in api_server.api.last(CHAT).text
    assert len(api_server.api.messages(CHAT)) == 1, "the refused update was not handled"

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 0


async def test_an_update_is_in_the_inbox_before_the_200_and_leaves_it_once_handled(
    settings: Settings,
) -> None:
    """Webhook mode answered 200 before anything was kept: 295 of 300 such updates were lost to a
    SIGKILL (issue 15). Now the 200 comes after the inbox row is committed, its text masked."""
    from app.webhook import Inbox
    from storage import inbox

    services = build_services(settings, Channel.TELEGRAM)
    api = LocalBotAPI()
    application = build_application(services, request=LocalRequest(api), with_updater=False)
    db = services.db
    async with application:  # initialised but not started: nothing is handled, as in a dying process
        box = Inbox(application, db)
        async with client(create_app(application, SECRET, db, box)) as http:
            update = start_update(7, "주민번호 900101-1234567 알려드려요")
            response = await http.post("/telegram", json=update, headers={SECRET_HEADER: SECRET})
            again = await http.post("/telegram", json=update, headers={SECRET_HEADER: SECRET})
        assert response.status_code == again.status_code == 200
        ((update_id, payload),) = inbox.waiting(db)
        assert update_id == 7 and "1234567" not in json.dumps(payload, ensure_ascii=False)
        assert application.update_queue.qsize() == 1  # Telegram's second delivery is not queued twice
    # A new process: what is left in the inbox is handled at start-up, then leaves it.
    application = build_application(services, request=LocalRequest(api), with_updater=False)
    async with application:
        await application.start()
        box = Inbox(application, db)
        assert await box.drain() == 1
        await asyncio.wait_for(application.update_queue.join(), 10)
        for _ in range(50):
            if not inbox.waiting(db):
                break
            await asyncio.sleep(0.05)
        await application.stop()
    assert inbox.waiting(db) == []
    assert api.messages(CHAT), "the update was handled"
    db.dispose()
