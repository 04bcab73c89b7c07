"""The webhook inbox (storage.models_chat.InboxUpdate): an update is written here before Telegram is
answered 200, and deleted once it has been handled. A process killed in between leaves it here, and
the next start (or another process's sweep) hands it to the bot again; the chat's delivery state
(storage.chat) makes sure that one applied before is not applied twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.exc import IntegrityError

from storage.db import Database, take_write_lock
from storage.models import Base, utcnow
from storage.models_chat import InboxUpdate

_T = Base.metadata.tables[InboxUpdate.__tablename__]
_PUT = insert(_T)
_DONE = delete(_T).where(_T.c.update_id == bindparam("k_id"))


def put(db: Database, update_id: int, chat_id: int | None, payload: dict[str, Any]) -> bool:
    """Keep the update durably; False when it is already here (Telegram sent it again)."""
    try:
        with db.engine.begin() as connection:
            take_write_lock(connection)
            connection.execute(
                _PUT,
                {"update_id": update_id, "chat_id": chat_id, "payload": payload, "received_at": utcnow()},
            )
    except IntegrityError:
        return False
    return True


def done(db: Database, update_id: int) -> None:
    with db.engine.begin() as connection:
        take_write_lock(connection)
        connection.execute(_DONE, {"k_id": update_id})


def waiting(
    db: Database, *, older_than: dt.timedelta | None = None, limit: int = 1000
) -> list[tuple[int, dict[str, Any]]]:
    """Updates received but not (yet) handled, oldest first; with older_than, only those received
    at least that long ago (a live process may still be handling younger ones)."""
    query = select(_T.c.update_id, _T.c.payload).order_by(_T.c.update_id).limit(limit)
    if older_than is not None:
        query = query.where(_T.c.received_at < utcnow() - older_than)
    with db.engine.connect() as connection:
        return [(int(update_id), dict(payload)) for update_id, payload in connection.execute(query)]
