"""The handlers' side of the declared flows (casework.flows): read the draft a step waits in, move
it along a declared edge, end it. The draft itself is stored per chat (storage.drafts)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from casework.flows import END, FLOWS, Flow
from handlers.route import Turn
from storage import drafts


def current(turn: Turn) -> tuple[Flow, dict[str, Any]] | None:
    """This chat's draft with its flow (one read), or None."""
    ttl = dt.timedelta(hours=turn.services.settings.draft_ttl_hours)
    draft = drafts.get_draft(turn.session, turn.chat_id, ttl)
    flow = FLOWS.get(draft.kind) if draft is not None else None
    return (flow, dict(draft.data)) if flow is not None and draft is not None else None


def waiting(
    turn: Turn, flow: Flow, *, text: bool = False, button: str | None = None
) -> dict[str, Any] | None:
    """The draft's data if this chat has a `flow` draft waiting for this input, else None."""
    ttl = dt.timedelta(hours=turn.services.settings.draft_ttl_hours)
    draft = drafts.get_draft(turn.session, turn.chat_id, ttl)
    if draft is None or draft.kind != flow.kind:
        return None
    data = dict(draft.data)
    return data if flow.waits(data.get("step"), text=text, button=button) else None


def begin(turn: Turn, flow: Flow, data: dict[str, Any], step: str | None = None) -> None:
    """A new draft (it replaces whatever this chat was writing)."""
    start = step or flow.first
    if start not in flow.steps:
        raise ValueError(f"{flow.kind} has no step {start}")
    drafts.set_draft(turn.session, turn.chat_id, flow.kind, {**data, "step": start})


def go(turn: Turn, flow: Flow, data: dict[str, Any], to: str) -> dict[str, Any]:
    """Move the draft to `to` (a declared edge only); END removes it. Returns the data as kept."""
    flow.check(data.get("step"), to)
    if to == END:
        drafts.clear_draft(turn.session, turn.chat_id)
        return data
    moved = {**data, "step": to}
    drafts.set_draft(turn.session, turn.chat_id, flow.kind, moved)
    return moved


def end(turn: Turn) -> None:
    drafts.clear_draft(turn.session, turn.chat_id)
