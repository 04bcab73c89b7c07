"""Alembic environment, used both by storage.db.Database and by the alembic command line."""

from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection
from sqlalchemy.engine import URL

from storage.db import DEFAULT_URL, Database
from storage.models import Base

config = context.config
target_metadata = Base.metadata

# Only the command line has an ini file; inside the bot, logging belongs to the application.
if config.config_file_name is not None and config.file_config.has_section("loggers"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _url() -> str | URL:
    given: str | URL | None = config.attributes.get("database_url")
    if given is not None:
        return given
    return os.environ.get("DATABASE_URL") or config.get_main_option("sqlalchemy.url") or DEFAULT_URL


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    shared = config.attributes.get("connection")
    if shared is not None:
        _configure(shared)
        return
    database = Database(_url())
    try:
        with database.engine.begin() as connection:
            _configure(connection)
    finally:
        database.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
