"""The one policy, tried as every role against needs and households of two centres."""

from __future__ import annotations

import itertools

import pytest

from casework.roles import OrgKind, Role
from casework.scope import (
    Act,
    Actor,
    HouseholdFacts,
    NeedFacts,
    View,
    household_scope,
    may,
    may_export,
    may_hand_over,
    may_invite,
    may_record_allocation,
    need_scope,
    stats_scope,
)

C1, C2, HQ, P1, P2 = 1, 2, 3, 4, 5
KINDS = {
    C1: OrgKind.CENTRE,
    C2: OrgKind.CENTRE,
    HQ: OrgKind.HEADQUARTERS,
    P1: OrgKind.PARTNER,
    P2: OrgKind.PARTNER,
}


def actor(role: Role, org: int | None, user_id: int = 10) -> Actor:
    return Actor(user_id, role, org, KINDS[org] if org is not None else None)


NEED_C1 = NeedFacts(centre_id=C1, created_by_id=20, household_staff_id=20)
NEED_C2 = NeedFacts(centre_id=C2, created_by_id=30, assignee_id=31, referred_to=frozenset({P1}))


@pytest.mark.parametrize(
    ("who", "c1", "c2"),
    [
        (actor(Role.ADMIN, None), View.FULL, View.FULL),
        (actor(Role.COORDINATOR, HQ), View.FULL, View.FULL),
        (actor(Role.COORDINATOR, None), View.FULL, View.FULL),  # a district without centres yet
        (actor(Role.COORDINATOR, C1), View.FULL, View.NONE),
        (actor(Role.HEAD, C1), View.FULL, View.NONE),
        (actor(Role.HEAD, C2), View.NONE, View.FULL),
        (actor(Role.STAFF, C1), View.NONE, View.NONE),  # another official's caseload
        (actor(Role.STAFF, C1, user_id=20), View.FULL, View.NONE),
        (actor(Role.STAFF, HQ, user_id=31), View.NONE, View.FULL),  # assigned at headquarters
        (actor(Role.PARTNER, P1), View.NONE, View.REFERRED),
        (actor(Role.PARTNER, P2), View.NONE, View.NONE),
        (actor(Role.REPORTER, C1), View.NONE, View.NONE),
        (actor(Role.RESIDENT, None), View.NONE, View.NONE),
    ],
)
def test_who_sees_which_need(who: Actor, c1: View, c2: View) -> None:
    scope = need_scope(who)
    assert (scope.view(NEED_C1), scope.view(NEED_C2)) == (c1, c2)


def test_a_matched_household_stays_with_its_official_after_a_move() -> None:
    household = HouseholdFacts(centre_id=C1, assigned_staff_id=20)
    moved = actor(Role.STAFF, C2, user_id=20)
    assert household_scope(moved).matches(household)
    assert need_scope(moved).view(NeedFacts(centre_id=C1, household_staff_id=20)) == View.FULL
    assert not household_scope(actor(Role.STAFF, C1, user_id=21)).matches(household)
    # an unmatched household of the centre is in its pool; another centre's is not
    assert household_scope(actor(Role.STAFF, C1, user_id=21)).matches(HouseholdFacts(centre_id=C1))
    assert not household_scope(actor(Role.STAFF, C2, user_id=21)).matches(HouseholdFacts(centre_id=C1))


def test_reporters_and_residents_see_only_their_own() -> None:
    reporter = actor(Role.REPORTER, C1, user_id=50)
    assert need_scope(reporter).view(NeedFacts(centre_id=C1, reported_by_id=50)) == View.REPORTER
    resident = actor(Role.RESIDENT, None, user_id=60)
    assert need_scope(resident).view(NeedFacts(centre_id=C1, resident_user_id=60)) == View.OWN
    assert household_scope(reporter).matches(HouseholdFacts(centre_id=C1)) is False


def test_actions() -> None:
    head, coord = actor(Role.HEAD, C1), actor(Role.COORDINATOR, C1)
    review = NeedFacts(centre_id=C1)
    assert may(head, Act.REVIEW, review) and not may(coord, Act.REVIEW, review)
    assert not may(actor(Role.HEAD, C2), Act.REVIEW, review)
    assert may(coord, Act.REFER, review) and not may(head, Act.REFER, review)
    assert may(head, Act.MEETING, review) and may(coord, Act.ASSIGN, review)
    staff = actor(Role.STAFF, C1, user_id=20)
    assert may(staff, Act.NOTE, NEED_C1) and not may(staff, Act.ASSIGN, NEED_C1)
    # only the assignee writes to the resident
    mine = NeedFacts(centre_id=C1, assignee_id=20)
    assert may(staff, Act.MESSAGE, mine) and not may(coord, Act.MESSAGE, mine)
    partner = actor(Role.PARTNER, P1)
    assert may(partner, Act.RESPOND, NEED_C2) and not may(partner, Act.NOTE, NEED_C2)
    assert not may(actor(Role.PARTNER, P2), Act.RESPOND, NEED_C2)


def test_statistics_exports_allocations_invitations_handover() -> None:
    assert stats_scope(actor(Role.COORDINATOR, HQ)).everything  # type: ignore[union-attr]
    assert stats_scope(actor(Role.HEAD, C1)).centre_ids == {C1}  # type: ignore[union-attr]
    assert stats_scope(actor(Role.STAFF, C1)) is None and stats_scope(actor(Role.PARTNER, P1)) is None
    assert may_export(actor(Role.COORDINATOR, C2)) and not may_export(actor(Role.STAFF, C2))
    referred = HouseholdFacts(centre_id=C2, referred_to=frozenset({P1}))
    assert may_record_allocation(actor(Role.PARTNER, P1), referred)
    assert not may_record_allocation(actor(Role.PARTNER, P2), referred)
    assert not may_record_allocation(actor(Role.REPORTER, C2), referred)
    assert may_invite(actor(Role.COORDINATOR, C1), Role.REPORTER, C1, OrgKind.CENTRE)
    assert not may_invite(actor(Role.COORDINATOR, C1), Role.REPORTER, C2, OrgKind.CENTRE)
    assert not may_invite(actor(Role.COORDINATOR, C1), Role.STAFF, C1, OrgKind.CENTRE)
    assert may_invite(actor(Role.ADMIN, None), Role.PARTNER, P1, OrgKind.PARTNER)
    assert may_hand_over(actor(Role.HEAD, C1), HouseholdFacts(centre_id=C1))
    assert not may_hand_over(actor(Role.HEAD, C1), HouseholdFacts(centre_id=C2))


def test_nobody_acts_on_what_they_cannot_see() -> None:
    roles = list(Role)
    orgs: list[int | None] = [None, C1, C2, HQ, P1]
    for role, org, act in itertools.product(roles, orgs, list(Act)):
        who = actor(role, org)
        for facts in (NEED_C1, NEED_C2):
            if may(who, act, facts):
                assert need_scope(who).view(facts) in (View.FULL, View.REFERRED), (role, org, act)


@pytest.mark.parametrize(
    ("role", "household", "allowed"),
    [
        (Role.STAFF, HouseholdFacts(assigned_staff_id=10), True),  # their caseload
        (Role.STAFF, HouseholdFacts(created_by_id=10), True),  # created by them, matched with nobody
        (Role.STAFF, HouseholdFacts(created_by_id=10, assigned_staff_id=11), False),  # handed over
        (Role.STAFF, HouseholdFacts(created_by_id=11, assigned_staff_id=11), False),
        (Role.COORDINATOR, HouseholdFacts(created_by_id=11, assigned_staff_id=11), True),
        (Role.ADMIN, HouseholdFacts(), True),
        (Role.RESIDENT, HouseholdFacts(assigned_staff_id=10), False),  # revoked: the role is resident now
        (Role.REPORTER, HouseholdFacts(assigned_staff_id=10), False),
    ],
)
def test_a_district_without_centres_keeps_caseloads_apart(
    role: Role, household: HouseholdFacts, allowed: bool
) -> None:
    """Issue 15's rule (staff see their own caseload, coordinators all) for people in no organisation."""
    assert household_scope(actor(role, None)).matches(household) is allowed
