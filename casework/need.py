"""A need's state and every change to it, as pure functions: the rules without the database.

storage.needs loads a row's state, calls one of these, and writes back the new state with the event
it describes. So each rule (who may be assigned, what closing does, what reopening resets) lives here
once and is tested without a database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from casework.model import CLOSED_STATUSES, EventKind, NeedStatus
from casework.workflow import IllegalTransition, check_transition, is_reopen


class NeedAnonymised(ValueError):
    """The need was anonymised by the retention job; it can be counted but no longer changed."""


@dataclass(frozen=True, slots=True)
class NeedState:
    status: NeedStatus
    assignee_id: int | None
    created_at: dt.datetime
    due_at: dt.datetime
    closed_at: dt.datetime | None = None
    close_reason: str | None = None
    anonymised: bool = False


@dataclass(frozen=True, slots=True)
class Change:
    """The state after a change and the event that records it."""

    state: NeedState
    kind: EventKind
    from_status: NeedStatus | None
    to_status: NeedStatus | None
    note: str | None = None
    assignee_id: int | None = None  # whom an assigned / unassigned event concerns


def initial_status(review_required: bool) -> NeedStatus:
    """Where a new need starts: in the head of the centre's review queue where the district wants it."""
    return NeedStatus.REVIEW if review_required else NeedStatus.OPEN


def _live(state: NeedState) -> None:
    if state.anonymised:
        raise NeedAnonymised("the need was anonymised")


def assign(
    state: NeedState, assignee_id: int, *, assignee_is_staff: bool, now: dt.datetime, note: str | None = None
) -> Change | None:
    """Give the need to someone: open → assigned; reassigning keeps assigned / in progress.

    None when it already was theirs. A need waiting for review or closed cannot be assigned.
    """
    _live(state)
    if state.status in CLOSED_STATUSES or state.status == NeedStatus.REVIEW:
        raise IllegalTransition(state.status, NeedStatus.ASSIGNED, "not_allowed")
    if not assignee_is_staff:
        raise ValueError(f"user {assignee_id} is not active staff and cannot be assigned a need")
    if state.assignee_id == assignee_id:
        return None
    before = state.status
    after = NeedStatus.ASSIGNED if before == NeedStatus.OPEN else before
    if after != before:
        check_transition(before, after, note)
    return Change(
        replace(state, status=after, assignee_id=assignee_id),
        EventKind.ASSIGNED,
        before,
        after,
        note,
        assignee_id,
    )


def unassign(state: NeedState, *, now: dt.datetime) -> Change:
    """Back to the queue (the assignee lost their role): open and nobody's, with the old assignee named."""
    _live(state)
    old = state.assignee_id
    return Change(
        replace(state, status=NeedStatus.OPEN, assignee_id=None),
        EventKind.UNASSIGNED,
        state.status,
        NeedStatus.OPEN,
        None,
        old,
    )


def change_status(state: NeedState, to: NeedStatus, *, now: dt.datetime, note: str | None = None) -> Change:
    """Move along the workflow. Closing sets closed_at and the reason; reopening clears them, takes the
    need off its assignee and gives it a new due date as far ahead as the original one was."""
    _live(state)
    to = NeedStatus(to)
    before = NeedStatus(state.status)
    if to == NeedStatus.ASSIGNED and before != to:
        raise ValueError("use assign() to assign a need: it needs an assignee")
    check_transition(before, to, note)
    after = replace(state, status=to)
    if to in CLOSED_STATUSES:
        after = replace(after, closed_at=now, close_reason=note)
    reopen = is_reopen(before, to)
    if reopen:
        after = replace(
            after,
            due_at=now + (state.due_at - state.created_at),
            closed_at=None,
            close_reason=None,
            assignee_id=None,
        )
    kind = EventKind.REOPENED if reopen else EventKind.STATUS
    if before == NeedStatus.REVIEW:
        kind = EventKind.REVIEWED
    return Change(after, kind, before, to, note)


def review(state: NeedState, *, approve: bool, now: dt.datetime, note: str | None = None) -> Change:
    """The head of the centre's check: approved into the coordinators' queue, or turned down (reason)."""
    if state.status != NeedStatus.REVIEW:
        target = NeedStatus.OPEN if approve else NeedStatus.CLOSED_UNRESOLVED
        raise IllegalTransition(state.status, target, "not_allowed")
    return change_status(
        state, NeedStatus.OPEN if approve else NeedStatus.CLOSED_UNRESOLVED, now=now, note=note
    )


def refer_path(status: NeedStatus) -> list[NeedStatus]:
    """The statuses a need passes through when a partner accepts it: assigned needs start first."""
    if status == NeedStatus.ASSIGNED:
        return [NeedStatus.IN_PROGRESS, NeedStatus.REFERRED]
    if status == NeedStatus.IN_PROGRESS:
        return [NeedStatus.REFERRED]
    raise IllegalTransition(status, NeedStatus.REFERRED, "not_allowed")


def is_overdue(state: NeedState, now: dt.datetime) -> bool:
    from casework.model import ACTIVE_STATUSES

    return state.status in ACTIVE_STATUSES and state.due_at < now
