"""The one rule for who sees which household or need (casework.access)."""

from __future__ import annotations

import pytest

from casework.access import Actor, HouseholdRef, NeedRef, can_view_household, can_view_need

MINE = HouseholdRef(id=1, created_by_id=None, assigned_staff_id=10)
CREATED = HouseholdRef(id=2, created_by_id=10, assigned_staff_id=11)
OTHERS = HouseholdRef(id=3, created_by_id=11, assigned_staff_id=11)
NOBODYS = HouseholdRef(id=4, created_by_id=None, assigned_staff_id=None)


@pytest.mark.parametrize(
    ("role", "household", "allowed", "reason"),
    [
        ("staff", MINE, True, "caseload"),
        ("staff", CREATED, True, "creator"),
        ("staff", OTHERS, False, "not_theirs"),
        ("staff", NOBODYS, False, "not_theirs"),
        ("coordinator", OTHERS, True, "coordinator"),
        ("admin", NOBODYS, True, "coordinator"),
        ("resident", MINE, False, "not_staff"),  # revoked: the role is resident now
    ],
)
def test_who_sees_which_household(role: str, household: HouseholdRef, allowed: bool, reason: str) -> None:
    decision = can_view_household(Actor(10, role), household)
    assert bool(decision) is allowed and decision.reason == reason


def test_who_sees_which_need() -> None:
    need = NeedRef(id=5, created_by_id=10, assignee_id=12)
    assert can_view_need(Actor(10, "staff"), need).reason == "creator"
    assert can_view_need(Actor(12, "staff"), need).reason == "assignee"
    assert not can_view_need(Actor(13, "staff"), need)
    assert not can_view_need(Actor(10, "resident"), need)
    assert can_view_need(Actor(99, "coordinator"), need)
