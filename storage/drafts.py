"""Repository functions for chat drafts (see models_drafts)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from storage.models_drafts import ChatDraft


def get_draft(s: Session, chat_id: int) -> ChatDraft | None:
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
