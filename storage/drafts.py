"""Repository functions for chat drafts (see models_drafts)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from storage.models import Base
from storage.models_drafts import ChatDraft

_DRAFTS = Base.metadata.tables[ChatDraft.__tablename__]
_HAS_DRAFT = select(_DRAFTS.c.chat_id).where(_DRAFTS.c.chat_id == bindparam("chat_id"))


def get_draft(s: Session, chat_id: int) -> ChatDraft | None:
    # Every text message asks, and almost no chat has a draft: a Core probe costs a fraction of
    # the ORM's load, which then runs only when there is one. Flushing first lets the probe see a
    # draft set earlier in this turn, as the ORM's own query would (it autoflushes).
    s.flush()
    if s.connection().execute(_HAS_DRAFT, {"chat_id": chat_id}).first() is None:
        return None
    return s.get(ChatDraft, chat_id)


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
