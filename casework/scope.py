"""The one policy: who sees which households, needs, referrals, allocations and statistics, and who
may do what to them. Every channel (chat, command line, dashboard) asks here.

Pure: an Actor (role and organisation) and plain facts about a record go in, decisions come out.
Lists are filtered by the same rules: a scope (`NeedScope`, `HouseholdScope`) is data that storage
turns into SQL, and `matches` is the same rule for one record, so a list and a card never disagree.

The rules, in brief:
- admin, and a coordinator at headquarters (or not yet placed in any centre), see the whole district;
- a coordinator or the head of a centre sees that centre's households, needs and statistics;
- staff see their caseload: households matched with them (wherever they work now), unmatched
  households of their centre, and needs they logged, are assigned or that concern their households;
- a partner user sees only needs referred to their organisation, and only what the consent covers;
- a reporter sees only whether their own reports were taken up and closed;
- a resident sees their own needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from casework.roles import OrgKind, Role


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: the user id, the role in force (revocation already applied) and their organisation."""

    user_id: int
    role: Role
    org_id: int | None = None
    org_kind: OrgKind | None = None

    @property
    def district_wide(self) -> bool:
        """Sees the whole district: admins, and coordinators at headquarters or not placed anywhere yet
        (a district that has not set up centres keeps working as one office)."""
        if self.role == Role.ADMIN:
            return True
        return self.role == Role.COORDINATOR and self.org_kind in (None, OrgKind.HEADQUARTERS)

    @property
    def centre_id(self) -> int | None:
        return self.org_id if self.org_kind == OrgKind.CENTRE else None

    @property
    def office(self) -> bool:
        return self.role in (Role.STAFF, Role.HEAD, Role.COORDINATOR, Role.ADMIN)


class Act(StrEnum):
    VIEW = "view"  # the whole card
    NOTE = "note"
    STATUS = "status"
    ASSIGN = "assign"
    REVIEW = "review"  # the head of the centre's check
    REFER = "refer"  # to a partner, with consent
    MEETING = "meeting"  # mark for a case meeting, record its decision
    MESSAGE = "message"  # write to the resident through the bot
    LINK_HOUSEHOLD = "link_household"
    RESPOND = "respond"  # a partner accepts, declines or reports back on a referral
    OVERRIDE = "override"  # record despite a duplicate-support warning


class View(StrEnum):
    """How much of a need a caller sees."""

    NONE = "none"
    FULL = "full"  # the district's own offices
    REFERRED = "referred"  # a partner: what the consent covers
    REPORTER = "reporter"  # taken up or closed, nothing else
    OWN = "own"  # the resident who asked


@dataclass(frozen=True, slots=True)
class NeedFacts:
    centre_id: int | None = None
    created_by_id: int | None = None
    assignee_id: int | None = None
    household_staff_id: int | None = None  # the official matched with the need's household
    resident_user_id: int | None = None
    reported_by_id: int | None = None
    referred_to: frozenset[int] = frozenset()  # partner organisations with a live referral


@dataclass(frozen=True, slots=True)
class HouseholdFacts:
    centre_id: int | None = None
    assigned_staff_id: int | None = None
    created_by_id: int | None = None
    referred_to: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class NeedScope:
    """Needs visible to an actor: any clause that holds makes a need visible (see storage.need_queries)."""

    everything: bool = False
    centre_ids: frozenset[int] = frozenset()
    staff_id: int | None = None  # logged by, assigned to, or about a household matched with this user
    partner_org_id: int | None = None
    reporter_id: int | None = None
    resident_user_id: int | None = None

    def office_match(self, facts: NeedFacts) -> bool:
        if self.everything or (facts.centre_id is not None and facts.centre_id in self.centre_ids):
            return True
        return self.staff_id is not None and self.staff_id in (
            facts.created_by_id,
            facts.assignee_id,
            facts.household_staff_id,
        )

    def view(self, facts: NeedFacts) -> View:
        if self.office_match(facts):
            return View.FULL
        if self.partner_org_id is not None and self.partner_org_id in facts.referred_to:
            return View.REFERRED
        if self.reporter_id is not None and facts.reported_by_id == self.reporter_id:
            return View.REPORTER
        if self.resident_user_id is not None and facts.resident_user_id == self.resident_user_id:
            return View.OWN
        return View.NONE

    def matches(self, facts: NeedFacts) -> bool:
        return self.view(facts) != View.NONE


@dataclass(frozen=True, slots=True)
class HouseholdScope:
    everything: bool = False
    centre_ids: frozenset[int] = frozenset()
    staff_id: int | None = None  # matched with them, or created by them and matched with nobody
    # unmatched households of this centre (one in no centre: its creator's only)
    pool_centre_id: int | None = None
    partner_org_id: int | None = None  # households with a referral to this organisation
    nothing: bool = False

    def matches(self, facts: HouseholdFacts) -> bool:
        if self.nothing:
            return False
        if self.everything or (facts.centre_id is not None and facts.centre_id in self.centre_ids):
            return True
        if self.staff_id is not None:
            if facts.assigned_staff_id == self.staff_id:
                return True
            if facts.assigned_staff_id is None and (
                facts.created_by_id == self.staff_id
                or (self.pool_centre_id is not None and facts.centre_id == self.pool_centre_id)
            ):
                return True
        return self.partner_org_id is not None and self.partner_org_id in facts.referred_to


@dataclass(frozen=True, slots=True)
class StatsScope:
    """Whose figures: the whole district, or some centres."""

    everything: bool = False
    centre_ids: frozenset[int] = frozenset()


def need_scope(actor: Actor) -> NeedScope:
    own = actor.user_id
    if actor.district_wide:
        return NeedScope(everything=True, resident_user_id=own)
    role = actor.role
    if role in (Role.COORDINATOR, Role.HEAD):
        centres = frozenset({actor.centre_id}) if actor.centre_id is not None else frozenset()
        return NeedScope(centre_ids=centres, staff_id=own, resident_user_id=own)
    if role == Role.STAFF:
        return NeedScope(staff_id=own, resident_user_id=own)
    if role == Role.PARTNER:
        return NeedScope(partner_org_id=actor.org_id, resident_user_id=own)
    if role == Role.REPORTER:
        return NeedScope(reporter_id=own, resident_user_id=own)
    return NeedScope(resident_user_id=own)


def household_scope(actor: Actor) -> HouseholdScope:
    """Which households' records (history, answers, needs, visits, allocations) an actor may open.

    Issue 15's "staff see households of their own caseload; coordinators all" is this function for
    actors without an organisation.
    """
    if actor.district_wide:
        return HouseholdScope(everything=True)
    role = actor.role
    if role in (Role.COORDINATOR, Role.HEAD):
        centres = frozenset({actor.centre_id}) if actor.centre_id is not None else frozenset()
        return HouseholdScope(centre_ids=centres, staff_id=actor.user_id, pool_centre_id=actor.centre_id)
    if role == Role.STAFF:
        return HouseholdScope(staff_id=actor.user_id, pool_centre_id=actor.centre_id)
    if role == Role.PARTNER and actor.org_id is not None:
        return HouseholdScope(partner_org_id=actor.org_id)
    return HouseholdScope(nothing=True)


def stats_scope(actor: Actor) -> StatsScope | None:
    """None: no statistics for this actor. Heads and coordinators of a centre see their centre."""
    if actor.district_wide:
        return StatsScope(everything=True)
    if actor.role in (Role.COORDINATOR, Role.HEAD) and actor.centre_id is not None:
        return StatsScope(centre_ids=frozenset({actor.centre_id}))
    return None


def may(actor: Actor, act: Act, facts: NeedFacts) -> bool:
    """May this actor do this to this need? The view comes first: nobody acts on what they cannot see."""
    view = need_scope(actor).view(facts)
    role = actor.role
    if act == Act.RESPOND:
        return role == Role.PARTNER and view == View.REFERRED
    if view != View.FULL or not actor.office:
        return False
    if act in (Act.VIEW, Act.NOTE, Act.STATUS, Act.LINK_HOUSEHOLD):
        return True
    if act == Act.ASSIGN:
        return role in (Role.COORDINATOR, Role.ADMIN, Role.HEAD)
    if act == Act.REVIEW:
        # The head of the need's own centre; an admin may stand in.
        return role == Role.ADMIN or (role == Role.HEAD and facts.centre_id == actor.centre_id)
    if act in (Act.REFER, Act.OVERRIDE):
        return role in (Role.COORDINATOR, Role.ADMIN)
    if act == Act.MEETING:
        return role in (Role.COORDINATOR, Role.HEAD, Role.ADMIN)
    if act == Act.MESSAGE:
        # Only the person responsible writes to the resident: one voice, and nobody else learns the chat.
        return facts.assignee_id == actor.user_id
    return False


def may_record_allocation(actor: Actor, household: HouseholdFacts) -> bool:
    """Any centre or partner records support it gave, for a household it may see."""
    if actor.role not in (Role.STAFF, Role.HEAD, Role.COORDINATOR, Role.ADMIN, Role.PARTNER):
        return False
    return household_scope(actor).matches(household)


def may_export(actor: Actor) -> bool:
    return actor.role in (Role.COORDINATOR, Role.ADMIN, Role.HEAD) and stats_scope(actor) is not None


def may_report_crisis(actor: Actor) -> bool:
    """Reporters report to the centre that invited them; the offices may file a report too."""
    if actor.role == Role.REPORTER:
        return actor.centre_id is not None
    return actor.office and actor.centre_id is not None


def may_invite(actor: Actor, role: Role, org_id: int | None, org_kind: OrgKind | None) -> bool:
    """Admins invite anyone anywhere; a centre's coordinator or head invites reporters for the centre."""
    if actor.role == Role.ADMIN:
        return True
    if actor.role in (Role.COORDINATOR, Role.HEAD) and actor.centre_id is not None:
        return role == Role.REPORTER and org_kind == OrgKind.CENTRE and org_id == actor.centre_id
    return False


def may_manage_organisations(actor: Actor) -> bool:
    return actor.role == Role.ADMIN


def may_hand_over(actor: Actor, household: HouseholdFacts) -> bool:
    """The district hands a matched household to another official: admins, or the household's centre."""
    if actor.role == Role.ADMIN or (actor.role == Role.COORDINATOR and actor.district_wide):
        return True
    return (
        actor.role in (Role.COORDINATOR, Role.HEAD)
        and household.centre_id is not None
        and household.centre_id == actor.centre_id
    )
