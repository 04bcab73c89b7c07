"""Which status may follow which, as data, and the one check every status change goes through.

(review →) open → assigned → in progress → referred / resolved / closed unresolved; a referral may later be
resolved or closed unresolved once the other agency answers. Any end may be reopened with a note.
Assignment is not a status change of its own: storage.needs.assign moves open → assigned.
"""

from __future__ import annotations

from collections.abc import Mapping

from casework.model import CLOSED_STATUSES, NeedStatus

S = NeedStatus

TRANSITIONS: Mapping[NeedStatus, frozenset[NeedStatus]] = {
    # The head of the centre's check: approved into the queue, or turned down with a reason.
    S.REVIEW: frozenset({S.OPEN, S.CLOSED_UNRESOLVED}),
    S.OPEN: frozenset({S.ASSIGNED, S.CLOSED_UNRESOLVED}),
    S.ASSIGNED: frozenset({S.IN_PROGRESS, S.CLOSED_UNRESOLVED}),
    S.IN_PROGRESS: frozenset({S.REFERRED, S.RESOLVED, S.CLOSED_UNRESOLVED}),
    S.REFERRED: frozenset({S.RESOLVED, S.CLOSED_UNRESOLVED, S.OPEN}),
    S.RESOLVED: frozenset({S.OPEN}),
    S.CLOSED_UNRESOLVED: frozenset({S.OPEN}),
}


class IllegalTransition(ValueError):
    """A status change the workflow does not allow. `reason` is one of REASONS, for the user's message."""

    REASONS = ("not_allowed", "same_status", "note_required", "anonymised")

    def __init__(self, from_status: NeedStatus, to_status: NeedStatus, reason: str) -> None:
        super().__init__(f"{from_status.value} → {to_status.value}: {reason}")
        self.from_status = from_status
        self.to_status = to_status
        self.reason = reason


def is_reopen(from_status: NeedStatus, to_status: NeedStatus) -> bool:
    return from_status in CLOSED_STATUSES and to_status == NeedStatus.OPEN


def needs_note(from_status: NeedStatus, to_status: NeedStatus) -> bool:
    """Reopening says why; so does giving up, because "unresolved" without a reason helps nobody later."""
    return is_reopen(from_status, to_status) or to_status == NeedStatus.CLOSED_UNRESOLVED


def allowed_targets(from_status: NeedStatus) -> tuple[NeedStatus, ...]:
    """Statuses reachable from from_status, in the enum's order (for buttons)."""
    reachable = TRANSITIONS[NeedStatus(from_status)]
    return tuple(status for status in NeedStatus if status in reachable)


def check_transition(from_status: NeedStatus, to_status: NeedStatus, note: str | None = None) -> None:
    """Return quietly when the change is allowed; raise IllegalTransition otherwise."""
    from_status, to_status = NeedStatus(from_status), NeedStatus(to_status)
    if from_status == to_status:
        raise IllegalTransition(from_status, to_status, "same_status")
    if to_status not in TRANSITIONS[from_status]:
        raise IllegalTransition(from_status, to_status, "not_allowed")
    if needs_note(from_status, to_status) and not (note and note.strip()):
        raise IllegalTransition(from_status, to_status, "note_required")
