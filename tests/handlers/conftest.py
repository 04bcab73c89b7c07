from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from app.local_api import LocalBotAPI
from app.services import Services
from app.settings import Settings
from app.telegram_app import build_services
from bench import answers_of
from knowledge.finder import Finder
from knowledge.manual import Manual
from storage.db import Database
from storage.models import Channel
from tests.handlers.harness import Chat, make_app
from tests.storage.pg import clear_tables, pg_database, pg_unavailable_reason

# A 78-year-old living alone in Seoul on a small pension, renting: the household as it is, complete;
# a simulated resident answers any question from it (bench/oracle.py).
ELDERLY_ALONE_FACTS: dict[str, Any] = {
    "people": [
        {
            "relation": "self",
            "age": 78,
            "earned_income": 0,
            "other_income": 700000,
            "earned_income_last_year": 0,
            "other_income_last_year": 8400000,
            "housing": 0,
            "land_buildings": 0,
            "financial": 0,
            "car_value": 0,
            "deposit": 20000000,
            "debt": 0,
            "disability": "none",
            "school": "none",
            "employment": "not_working",
            "married": False,
            "pregnant": False,
            "long_term_care_grade": False,
            "chronic_or_rare_disease": False,
            "nationality": "korean",
        },
    ],
    "region": "seoul",
    "housing_type": "monthly_rent",
    "monthly_rent": 250000,
    "property": {"car_cc": 0, "car_age": 0},
    "receiving": [],
    "crisis": [],
    "single_parent": False,
    "health_insurance": {"type": "regional", "monthly_premium": 20000},
    "income_last_year": 8400000,
    "medical_expenses_annual": {"covered": 1000000, "uncovered": 200000},
    "parents_household": {"size": 1, "income": 0, "property": 0},
    "liable_relatives": {"annual_income": 30000000, "property": 100000000},
}


@pytest.fixture(scope="session")
def handler_pg_url() -> Iterator[str]:
    reason = pg_unavailable_reason()
    if reason:
        pytest.skip(reason)
    with pg_database("bokji_handlers") as url:
        Database(url).upgrade()
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Every handler test runs on the embedded default and, when reachable, on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    url: str = request.getfixturevalue("handler_pg_url")
    engine = create_engine(url, poolclass=NullPool)
    clear_tables(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM chat_drafts")
    engine.dispose()
    return url


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        _env_file=None,
        database_url=database_url,
        admin_ids=[1],
        telegram_bot_token=None,
    )


@pytest.fixture(scope="session")
def finder(manual: Manual) -> Finder:
    """Words and meaning, as the bot searches; built once (the encoder embeds every programme text)."""
    return Finder.build(manual)


@pytest.fixture
def services(settings: Settings, manual: Manual, finder: Finder) -> Iterator[Services]:
    db = Database(settings.database_url)
    db.upgrade()
    yield Services(settings, manual, db, finder, Channel.TELEGRAM)
    db.dispose()


@pytest.fixture
async def app_api(services: Services) -> AsyncIterator[tuple[Any, LocalBotAPI]]:
    app, api = make_app(services)
    async with app:
        yield app, api


@pytest.fixture
def errors(app_api: tuple[Any, LocalBotAPI]) -> list[BaseException]:
    """Everything that reached an error handler: a test that expects none asserts it is empty."""
    app, _ = app_api
    seen: list[BaseException] = []

    async def spy(update: object, context: Any) -> None:
        seen.append(context.error)

    app.add_error_handler(spy)
    return seen


@pytest.fixture
def chat_factory(app_api: tuple[Any, LocalBotAPI], services: Services) -> Callable[..., Chat]:
    app, api = app_api

    def make(chat_id: int, language: str = "ko") -> Chat:
        return Chat(app, api, services, chat_id, language)

    return make


@pytest.fixture
def elderly_alone(manual: Manual) -> dict[str, Any]:
    """Every question's answer for ELDERLY_ALONE_FACTS, by question id."""
    return answers_of(manual, ELDERLY_ALONE_FACTS)


__all__ = ["build_services"]
