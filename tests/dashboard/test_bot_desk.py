"""/desk in the chat and the desk inside the webhook process: the bot sends a one-time link (and a Mini
App button where the desk is on https); that link opens the desk mounted at /desk next to /telegram."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.dashboard import create_dashboard
from app.local_api import LocalBotAPI, LocalRequest
from app.services import Services
from app.settings import Settings
from app.telegram_app import build_application, build_services
from app.webhook import SECRET_HEADER, create_app
from storage.models import Channel
from tests.dashboard.seed import COORD_C1, RESIDENT, District, seed

SECRET = "desk-secret_1"


def update(telegram_id: int, text: str, update_id: int) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_765_000_000,
            "chat": {"id": telegram_id, "type": "private"},
            "from": {"id": telegram_id, "is_bot": False, "first_name": "x", "language_code": "ko"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


@pytest.fixture
async def hook(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[Any, LocalBotAPI, Services, District]]:
    monkeypatch.setenv("DASHBOARD_URL", "https://desk.example.go.kr/desk")
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'hook.sqlite3'}", admin_ids=[])
    services = build_services(settings, Channel.TELEGRAM)
    district = seed(services.db)
    api = LocalBotAPI()
    application = build_application(services, request=LocalRequest(api), with_updater=False)
    async with application:
        await application.start()
        yield application, api, services, district
        await application.stop()
    services.db.dispose()


async def test_desk_sends_a_link_and_a_mini_app_button_that_open_the_mounted_desk(
    hook: tuple[Any, LocalBotAPI, Services, District],
) -> None:
    application, api, services, _ = hook
    desk = create_dashboard(services.settings, services.db)
    asgi = create_app(application, SECRET, services.db, dashboard=desk)
    transport = httpx.ASGITransport(app=asgi)
    async with httpx.AsyncClient(transport=transport, base_url="https://desk.example.go.kr") as http:
        for n, who in enumerate((COORD_C1, RESIDENT), start=1):
            sent = await http.post("/telegram", json=update(who, "/desk", n), headers={SECRET_HEADER: SECRET})
            assert sent.status_code == 200
        await asyncio.wait_for(application.update_queue.join(), 10)
        call = next(c for c in api.calls if c.method == "sendMessage" and c.params["chat_id"] == COORD_C1)
        markup = call.params["reply_markup"]
        markup = json.loads(markup) if isinstance(markup, str) else markup
        button = markup["inline_keyboard"][0][0]
        assert button["web_app"] == {"url": "https://desk.example.go.kr/desk/tg"}
        preview = call.params["link_preview_options"]
        assert (json.loads(preview) if isinstance(preview, str) else preview) == {"is_disabled": True}
        link = call.params["text"].split("<code>")[1].split("</code>")[0]
        assert link.startswith("https://desk.example.go.kr/desk/login/")
        assert "데스크" in api.last(RESIDENT).text and "/login/" not in api.last(RESIDENT).text

        # The link, opened on an office PC, signs in to the desk served by the same process.
        path = link.removeprefix("https://desk.example.go.kr")
        page = await http.get(path)
        assert page.status_code == 200
        pre = page.text.split('name="pre" value="')[1].split('"')[0]
        done = await http.post(path, data={"pre": pre}, headers={"Origin": "https://desk.example.go.kr"})
        assert done.status_code == 303
        assert "__Host-desk=" in done.headers["set-cookie"] and "Secure" in done.headers["set-cookie"]
        needs = await http.get("/desk/needs")
        assert needs.status_code == 200 and "요청 목록" in needs.text
        assert (await http.get("/healthz")).status_code == 200  # the webhook's own routes are untouched
