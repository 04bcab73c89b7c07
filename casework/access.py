"""Who may see and act on which household or need: one decision, asked at every use.

Handlers ask here on every button and every typed step (not once when a flow starts), with the
caller's role as it is now, so a revoked staff member loses everything at once, old buttons
included. The rule is deliberately small and pure: the district network (centres, partners)
widens it here, in one place.

Roles are the plain strings of storage.models.Role (casework does not import storage).
"""

from __future__ import annotations

from dataclasses import dataclass

STAFF_ROLES = frozenset({"staff", "coordinator", "admin"})
ALL_RECORDS = frozenset({"coordinator", "admin"})


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: int
    role: str  # the effective role now (ADMIN_IDS and revocation applied: handlers.guard.role_of)


@dataclass(frozen=True, slots=True)
class HouseholdRef:
    id: int
    created_by_id: int | None
    assigned_staff_id: int | None


@dataclass(frozen=True, slots=True)
class NeedRef:
    id: int
    created_by_id: int | None
    assignee_id: int | None


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    reason: str  # why, for the access log: coordinator, caseload, creator, assignee, not_staff, not_theirs

    def __bool__(self) -> bool:
        return self.allowed


def can_view_household(actor: Actor, household: HouseholdRef) -> Decision:
    """Coordinators and admins: every household. Staff: those on their caseload (assigned to them)
    and those they created. Nobody else, whatever button or code they send."""
    if actor.role in ALL_RECORDS:
        return Decision(True, "coordinator")
    if actor.role not in STAFF_ROLES:
        return Decision(False, "not_staff")
    if household.assigned_staff_id == actor.user_id:
        return Decision(True, "caseload")
    if household.created_by_id == actor.user_id:
        return Decision(True, "creator")
    return Decision(False, "not_theirs")


def can_view_need(actor: Actor, need: NeedRef) -> Decision:
    """Coordinators and admins: every need. Staff: the needs assigned to them or logged by them."""
    if actor.role in ALL_RECORDS:
        return Decision(True, "coordinator")
    if actor.role not in STAFF_ROLES:
        return Decision(False, "not_staff")
    if need.assignee_id == actor.user_id:
        return Decision(True, "assignee")
    if need.created_by_id == actor.user_id:
        return Decision(True, "creator")
    return Decision(False, "not_theirs")
