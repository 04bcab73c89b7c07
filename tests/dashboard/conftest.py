from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from app.dashboard import create_dashboard, standalone
from app.dashboard.config import DeskSettings
from app.settings import Settings
from services import desk as desk_service
from storage.db import Database
from tests.dashboard.seed import District, seed

BOT_TOKEN = "123456:TEST-token-for-the-desk"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'desk.sqlite3'}")
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture
def district(db: Database) -> District:
    return seed(db)


@pytest.fixture
def sent() -> list[tuple[int, str]]:
    return []


@pytest.fixture
def app_settings(db: Database) -> Settings:
    return Settings(
        _env_file=None,
        database_url=db.url.render_as_string(hide_password=False),
        telegram_bot_token=BOT_TOKEN,
    )


@pytest.fixture
def desk_settings() -> DeskSettings:
    return DeskSettings(_env_file=None, url="http://testserver/desk")


@pytest.fixture
def client(
    db: Database, district: District, app_settings: Settings, desk_settings: DeskSettings, sent: list[Any]
) -> Iterator[TestClient]:
    async def notify(chat_id: int, text: str) -> None:
        sent.append((chat_id, text))

    app = standalone(create_dashboard(app_settings, db, desk_settings=desk_settings, notify=notify))
    with TestClient(app, base_url="http://testserver") as c:
        yield c


def link_for(db: Database, telegram_id: int, minutes: float = 5) -> str:
    with db.session() as s:
        return desk_service.issue_link(s, telegram_id, [], minutes)


def sign_in(client: TestClient, db: Database, telegram_id: int) -> None:
    """The office PC's way in: the bot's link, its confirmation page, the POST."""
    token = link_for(db, telegram_id)
    page = client.get(f"/desk/login/{token}")
    assert page.status_code == 200, page.text
    pre = page.text.split('name="pre" value="')[1].split('"')[0]
    done = client.post(f"/desk/login/{token}", data={"pre": pre}, follow_redirects=False)
    assert done.status_code == 303, done.text
    assert client.cookies.get("desk")


def csrf_of(html: str) -> str:
    return html.split('name="csrf" value="')[1].split('"')[0]


def utc(days: float = 0) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
