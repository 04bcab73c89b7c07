from __future__ import annotations

import datetime as dt

import pytest

from casework.model import EventKind, NeedStatus
from casework.need import (
    NeedAnonymised,
    NeedState,
    assign,
    change_status,
    initial_status,
    is_overdue,
    refer_path,
    review,
    unassign,
)
from casework.workflow import IllegalTransition

T0 = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)
S = NeedStatus


def state(status: NeedStatus = S.OPEN, **kw: object) -> NeedState:
    base: dict[str, object] = {"assignee_id": None, "created_at": T0, "due_at": T0 + dt.timedelta(days=7)}
    base.update(kw)
    return NeedState(status, **base)  # type: ignore[arg-type]


def test_assigning_moves_open_to_assigned_and_keeps_later_statuses() -> None:
    change = assign(state(), 5, assignee_is_staff=True, now=T0)
    assert change is not None and change.state.status == S.ASSIGNED and change.assignee_id == 5
    again = assign(change.state, 5, assignee_is_staff=True, now=T0)
    assert again is None
    moved = assign(state(S.IN_PROGRESS, assignee_id=5), 6, assignee_is_staff=True, now=T0)
    assert moved is not None and moved.state.status == S.IN_PROGRESS and moved.state.assignee_id == 6


@pytest.mark.parametrize("status", [S.RESOLVED, S.REFERRED, S.CLOSED_UNRESOLVED, S.REVIEW])
def test_a_closed_or_unreviewed_need_cannot_be_assigned(status: NeedStatus) -> None:
    with pytest.raises(IllegalTransition):
        assign(state(status), 5, assignee_is_staff=True, now=T0)


def test_only_staff_can_be_assigned_and_anonymised_needs_never_change() -> None:
    with pytest.raises(ValueError, match="not active staff"):
        assign(state(), 5, assignee_is_staff=False, now=T0)
    with pytest.raises(NeedAnonymised):
        change_status(state(S.RESOLVED, anonymised=True), S.OPEN, now=T0, note="x")


def test_closing_and_reopening() -> None:
    later = T0 + dt.timedelta(days=3)
    closed = change_status(state(S.IN_PROGRESS, assignee_id=5), S.RESOLVED, now=later, note="done")
    assert closed.state.closed_at == later and closed.state.close_reason == "done"
    reopened = change_status(closed.state, S.OPEN, now=later, note="again")
    assert reopened.kind == EventKind.REOPENED and reopened.state.assignee_id is None
    assert reopened.state.closed_at is None and reopened.state.due_at == later + dt.timedelta(days=7)


def test_review_step() -> None:
    assert initial_status(True) == S.REVIEW and initial_status(False) == S.OPEN
    approved = review(state(S.REVIEW), approve=True, now=T0)
    assert approved.state.status == S.OPEN and approved.kind == EventKind.REVIEWED
    with pytest.raises(IllegalTransition, match="note_required"):
        review(state(S.REVIEW), approve=False, now=T0)
    turned_down = review(state(S.REVIEW), approve=False, now=T0, note="중복 방문 기록")
    assert turned_down.state.status == S.CLOSED_UNRESOLVED
    with pytest.raises(IllegalTransition):
        review(state(S.OPEN), approve=True, now=T0)


def test_unassign_refer_path_overdue() -> None:
    change = unassign(state(S.IN_PROGRESS, assignee_id=5), now=T0)
    assert change.state.status == S.OPEN and change.assignee_id == 5 and change.state.assignee_id is None
    assert refer_path(S.ASSIGNED) == [S.IN_PROGRESS, S.REFERRED]
    assert refer_path(S.IN_PROGRESS) == [S.REFERRED]
    with pytest.raises(IllegalTransition):
        refer_path(S.OPEN)
    assert is_overdue(state(S.REVIEW), T0 + dt.timedelta(days=8))
    assert not is_overdue(state(S.RESOLVED), T0 + dt.timedelta(days=8))
