"""Persistence for consultations: SQLAlchemy 2.0 models, repository functions and Alembic migrations.

Never imports telegram: handlers, the console and the CLI all share this layer.
"""

from sqlalchemy.orm.exc import StaleDataError

from storage.db import DEFAULT_URL, Database

# Re-exported so callers can catch a lost optimistic-locking race without importing SQLAlchemy internals.
__all__ = ["DEFAULT_URL", "Database", "StaleDataError"]
