"""Repository functions for chat drafts (see models_drafts)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from storage.models import Base, utcnow
from storage.models_drafts import ChatDraft

# A draft nobody finished is dropped after this long (Settings.draft_ttl_hours): half-typed input
# is not kept waiting for someone who left.
DEFAULT_TTL = dt.timedelta(hours=24)

_DRAFTS = Base.metadata.tables[ChatDraft.__tablename__]
_HAS_DRAFT = select(_DRAFTS.c.chat_id).where(_DRAFTS.c.chat_id == bindparam("chat_id"))


def get_draft(s: Session, chat_id: int, ttl: dt.timedelta = DEFAULT_TTL) -> ChatDraft | None:
    """The chat's draft, unless it was last touched more than `ttl` ago (then it is deleted)."""
    # Every text message asks, and almost no chat has a draft: a Core probe costs a fraction of
    # the ORM's load, which then runs only when there is one. Flushing first lets the probe see a
    # draft set earlier in this turn, as the ORM's own query would (it autoflushes).
    s.flush()
    if s.connection().execute(_HAS_DRAFT, {"chat_id": chat_id}).first() is None:
        return None
    draft = s.get(ChatDraft, chat_id)
    if draft is not None and draft.updated_at < utcnow() - ttl:
        s.delete(draft)
        return None
    return draft


def set_draft(s: Session, chat_id: int, kind: str, data: dict[str, Any]) -> ChatDraft:
    draft = s.get(ChatDraft, chat_id)
    if draft is None:
        draft = ChatDraft(chat_id=chat_id, kind=kind, data=dict(data))
        s.add(draft)
    else:
        draft.kind = kind
        draft.data = dict(data)  # a new dict, so the JSON change is noticed
    return draft


def clear_draft(s: Session, chat_id: int) -> None:
    draft = s.get(ChatDraft, chat_id)
    if draft is not None:
        s.delete(draft)


def purge_drafts(
    s: Session, ttl: dt.timedelta = DEFAULT_TTL, chat_id: int | None = None, now: dt.datetime | None = None
) -> int:
    """Delete drafts older than ttl (the retention job), or every draft of one chat (/forget)."""
    statement = delete(ChatDraft)
    if chat_id is not None:
        statement = statement.where(ChatDraft.chat_id == chat_id)
    else:
        statement = statement.where(ChatDraft.updated_at < (now or utcnow()) - ttl)
    result = s.execute(statement.execution_options(synchronize_session="fetch"))
    return int(getattr(result, "rowcount", 0) or 0)
