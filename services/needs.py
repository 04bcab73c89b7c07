"""Needs as every channel sees them: lists with filters, sort and pages, a need with its history and
everything attached, and the actions on it. Every function asks casework.scope first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import crisis
from casework.meeting import AgendaItem, next_meeting
from casework.model import ACTIVE_STATUSES, CLOSED_STATUSES, AccessAction, NeedCategory, NeedStatus, Urgency
from casework.referral import referral_label
from casework.roles import OrgKind, Role
from casework.scope import Act, Actor, NeedFacts, View, may, need_scope
from casework.workflow import IllegalTransition, allowed_targets
from services.actors import user_of
from services.errors import Denied, NotFound, Refused
from storage import district, repo, scoping
from storage import needs as needs_repo
from storage.models import Household, User, utcnow
from storage.models_district import Allocation, MeetingItem, Organisation, Referral, RelayMessage
from storage.models_needs import Need, NeedEvent, Visit

Order = Literal["newest", "due", "urgency"]
MAX_LIMIT = 100
# Lists count their matches up to here and then say "10,000+" (Page.estimated).
TOTAL_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class NeedFilters:
    statuses: tuple[NeedStatus, ...] | None = None
    category: NeedCategory | None = None
    urgency: Urgency | None = None
    centre_id: int | None = None
    assignee_id: int | None = None
    mine: bool = False  # assigned to the caller
    unassigned: bool = False
    overdue: bool | None = None
    meeting_on: dt.date | None = None
    household_code: str | None = None
    reported: bool | None = None  # crisis reports only (True) or none of them (False)
    order: Order = "due"


ACTIVE = tuple(s for s in NeedStatus if s in ACTIVE_STATUSES)
CLOSED = tuple(s for s in NeedStatus if s in CLOSED_STATUSES)
# The chat's filter buttons; the dashboard combines the fields freely.
PRESETS: dict[str, NeedFilters] = {
    "open": NeedFilters(statuses=ACTIVE),
    "unassigned": NeedFilters(statuses=ACTIVE, unassigned=True),
    "overdue": NeedFilters(overdue=True),
    "urgent": NeedFilters(statuses=ACTIVE, urgency=Urgency.URGENT),
    "mine": NeedFilters(statuses=ACTIVE, mine=True),
    "review": NeedFilters(statuses=(NeedStatus.REVIEW,)),
    "reports": NeedFilters(statuses=ACTIVE, reported=True),
    "closed": NeedFilters(statuses=CLOSED, order="newest"),
}


@dataclass(frozen=True, slots=True)
class NeedSummary:
    id: int
    household_code: str | None
    by_resident: bool
    reported: bool
    category: NeedCategory
    urgency: Urgency
    status: NeedStatus
    due_at: dt.datetime
    assignee_id: int | None
    overdue: bool


@dataclass(frozen=True, slots=True)
class Page:
    items: list[NeedSummary]
    total: int
    offset: int
    limit: int
    estimated: bool = False  # more than `total` (TOTAL_LIMIT) match: shown as "10,000+"

    @property
    def more(self) -> bool:
        """Another page follows."""
        return self.offset + self.limit < self.total or (self.estimated and len(self.items) == self.limit)


def _summary(need: Need, now: dt.datetime) -> NeedSummary:
    return NeedSummary(
        id=need.id,
        household_code=need.household.code if need.household is not None else None,
        by_resident=need.resident_user_id is not None,
        reported=need.reported_by_id is not None,
        category=NeedCategory(need.category),
        urgency=Urgency(need.urgency),
        status=NeedStatus(need.status),
        due_at=need.due_at,
        assignee_id=need.assignee_id,
        overdue=need.status in ACTIVE_STATUSES and need.due_at < now,
    )


def list_needs(
    s: Session,
    actor: Actor,
    filters: NeedFilters,
    offset: int = 0,
    limit: int = 10,
    now: dt.datetime | None = None,
    log_view: str | None = None,
) -> Page:
    """One page of the needs this actor may see in full (partners: /referrals; residents: /mydata)."""
    if not actor.office:
        raise Denied("needs lists are for the district's offices")
    if offset < 0 or not 1 <= limit <= MAX_LIMIT:
        raise Refused("bad_page")
    now = now or utcnow()
    scope = need_scope(actor)
    household_id = None
    if filters.household_code is not None:
        household = repo.household_by_code(s, filters.household_code)
        if household is None:
            return Page([], 0, offset, limit)
        household_id = household.id
    found, total = needs_repo.list_needs(
        s,
        status=filters.statuses,
        category=filters.category,
        urgency=filters.urgency,
        assignee_id=actor.user_id if filters.mine else filters.assignee_id,
        unassigned=filters.unassigned,
        household_id=household_id,
        overdue=filters.overdue,
        order=filters.order,
        now=now,
        offset=offset,
        limit=limit,
        scope=scoping.office_clause(scope, scoping.matched_households(s, scope)),
        centre_id=filters.centre_id,
        meeting_on=filters.meeting_on,
        reported=filters.reported,
        due_index=scope.everything or bool(scope.centre_ids),
        count_limit=TOTAL_LIMIT,
    )
    if log_view is not None and actor.role != Role.STAFF:
        needs_repo.record_access(s, user_of(s, actor), AccessAction.VIEW_NEEDS, log_view[:64])
    estimated = total > TOTAL_LIMIT
    return Page([_summary(n, now) for n in found], min(total, TOTAL_LIMIT), offset, limit, estimated)


def _load(s: Session, actor: Actor, need_id: int) -> tuple[Need, NeedFacts, View]:
    need = needs_repo.get_need(s, need_id) if 0 < need_id < 2**31 else None
    if need is None:
        raise NotFound(f"need {need_id}")
    facts = scoping.need_facts(s, need)
    view = need_scope(actor).view(facts)
    if view == View.NONE:
        # Not told apart from a need that does not exist: ids are sequential and would leak.
        raise NotFound(f"need {need_id}")
    return need, facts, view


def _acting(s: Session, actor: Actor, need_id: int, act: Act) -> tuple[Need, NeedFacts]:
    need, facts, _ = _load(s, actor, need_id)
    if not may(actor, act, facts):
        raise Denied(act.value)
    if need.anonymised_at is not None:
        raise Refused("anonymised")
    return need, facts


@dataclass(frozen=True, slots=True)
class ReferralView:
    id: int
    partner: str
    status: str
    shared: dict[str, object]
    report: str | None


@dataclass
class NeedDetail:
    need: Need
    view: View
    household_code: str | None
    acts: frozenset[Act]
    status_targets: tuple[NeedStatus, ...]
    history: list[NeedEvent] = field(default_factory=list)
    referrals: list[ReferralView] = field(default_factory=list)
    meetings: list[MeetingItem] = field(default_factory=list)
    messages: list[RelayMessage] = field(default_factory=list)
    allocations: list[Allocation] = field(default_factory=list)
    progress: crisis.ReportProgress | None = None
    relay_open: bool = False  # the resident agreed to be written to through the bot


def need_detail(s: Session, actor: Actor, need_id: int) -> NeedDetail:
    """What this actor may see of one need: the whole card for the offices, the referred part for a
    partner, only the progress for a reporter, their own for the resident."""
    need, facts, view = _load(s, actor, need_id)
    code = need.household.code if need.household is not None else None
    if view == View.REPORTER:
        assigned = need.assignee_id is not None
        return NeedDetail(need, view, None, frozenset(), (), progress=crisis.progress(need.status, assigned))
    acts = frozenset(a for a in Act if may(actor, a, facts)) if need.anonymised_at is None else frozenset()
    referral_rows = district.referrals(s, need.id)
    if view == View.REFERRED:
        mine = [r for r in referral_rows if r.partner_org_id == actor.org_id]
        return NeedDetail(
            need,
            view,
            None,
            acts,
            (),
            referrals=[_referral_view(r) for r in mine],
        )
    targets = tuple(t for t in allowed_targets(need.status) if t != NeedStatus.ASSIGNED)
    if Act.STATUS not in acts or need.status == NeedStatus.REVIEW:
        targets = ()  # review has its own step (approve / turn down), taken by the head
    detail = NeedDetail(
        need,
        view,
        code,
        acts,
        targets,
        history=needs_repo.need_history(s, need.id),
        referrals=[_referral_view(r) for r in referral_rows],
        meetings=district.need_meetings(s, need.id),
        messages=district.relay_messages(s, need.id),
        allocations=list(s.scalars(select(Allocation).where(Allocation.need_id == need.id))),
        relay_open=need.relay_consent_at is not None and need.resident_user_id is not None,
    )
    if view == View.FULL and actor.role != Role.STAFF:
        needs_repo.record_access(s, user_of(s, actor), AccessAction.VIEW_NEED, f"need:{need.id}")
    return detail


def _referral_view(r: Referral) -> ReferralView:
    return ReferralView(r.id, r.partner.name, r.status, dict(r.shared), r.report)


def assignable(s: Session, actor: Actor, need_id: int) -> list[User]:
    """Who the need may go to: active staff, heads and coordinators of its centre and of headquarters
    (all of them where the district has no centres yet)."""
    need, _ = _acting(s, actor, need_id, Act.ASSIGN)
    office = (Role.STAFF, Role.HEAD, Role.COORDINATOR)
    query = select(User).where(User.active.is_(True), User.role.in_(office)).order_by(User.id)
    if need.centre_id is not None:
        hq = select(Organisation.id).where(Organisation.kind == OrgKind.HEADQUARTERS)
        query = query.where(
            (User.organisation_id == need.centre_id)
            | User.organisation_id.in_(hq)
            | User.organisation_id.is_(None)
        )
    return list(s.scalars(query.limit(40)))


def assign(s: Session, actor: Actor, need_id: int, assignee_id: int) -> tuple[Need, User]:
    need, _ = _acting(s, actor, need_id, Act.ASSIGN)
    if assignee_id not in {u.id for u in assignable(s, actor, need_id)}:
        raise Refused("not_assignable")
    assignee = s.get(User, assignee_id)
    assert assignee is not None
    try:
        needs_repo.assign(s, need, assignee, user_of(s, actor))
    except IllegalTransition as exc:
        raise Refused("illegal", str(exc)) from exc
    return need, assignee


def change_status(s: Session, actor: Actor, need_id: int, to: NeedStatus, note: str | None) -> Need:
    need, _ = _acting(s, actor, need_id, Act.STATUS)
    if need.status == NeedStatus.REVIEW:
        raise Refused("review_first")
    try:
        needs_repo.change_status(s, need, to, user_of(s, actor), note, override_role=actor.role)
    except (IllegalTransition, ValueError) as exc:
        raise Refused("illegal", str(exc)) from exc
    return need


def add_note(s: Session, actor: Actor, need_id: int, note: str) -> Need:
    need, _ = _acting(s, actor, need_id, Act.NOTE)
    needs_repo.add_note(s, need, user_of(s, actor), note)
    return need


def review(s: Session, actor: Actor, need_id: int, approve: bool, note: str | None = None) -> Need:
    need, _ = _acting(s, actor, need_id, Act.REVIEW)
    try:
        needs_repo.review(s, need, user_of(s, actor), approve=approve, note=note)
    except IllegalTransition as exc:
        raise Refused("illegal", str(exc)) from exc
    return need


def link_household(s: Session, actor: Actor, need_id: int, code: str) -> Need:
    """A crisis report matched to a household once the centre knows which one it is."""
    need, _ = _acting(s, actor, need_id, Act.LINK_HOUSEHOLD)
    household = repo.household_by_code(s, code)
    if household is None:
        raise NotFound(code)
    if need.reported_by_id is None or need.household_id is not None:
        raise Refused("not_a_report")
    district.link_household(s, need, household, user_of(s, actor))
    return need


# --- case meetings -----------------------------------------------------------------------------------


def meeting_day(today: dt.date, nth: int, weekday: int) -> dt.date:
    return next_meeting(today, nth, weekday)


def mark_for_meeting(s: Session, actor: Actor, need_id: int, meeting_on: dt.date) -> bool:
    need, _ = _acting(s, actor, need_id, Act.MEETING)
    return district.mark_for_meeting(s, need, meeting_on, user_of(s, actor)) is not None


def record_decision(s: Session, actor: Actor, need_id: int, meeting_on: dt.date, decision: str) -> Need:
    need, _ = _acting(s, actor, need_id, Act.MEETING)
    item = next((m for m in district.need_meetings(s, need.id) if m.meeting_on == meeting_on), None)
    if item is None:
        raise Refused("not_on_agenda")
    district.record_decision(s, item, need, decision, user_of(s, actor))
    return need


def agenda(s: Session, actor: Actor, meeting_on: dt.date, today: dt.date | None = None) -> list[AgendaItem]:
    """The meeting's agenda as this actor may see it: pseudonymous lines only."""
    if actor.role not in (Role.COORDINATOR, Role.HEAD, Role.ADMIN):
        raise Denied("agenda")
    today = today or dt.date.today()
    rows = district.meeting_items(s, meeting_on, scoping.office_clause(need_scope(actor)))
    needs_repo.record_access(s, user_of(s, actor), AccessAction.VIEW_AGENDA, f"meeting:{meeting_on:%Y-%m-%d}")
    items = []
    for item, need in rows:
        code = (
            s.scalar(select(Household.code).where(Household.id == need.household_id))
            if need.household_id
            else None
        )
        referrals = tuple(
            f"{r.partner.name}: {referral_label(r.status)}" for r in district.referrals(s, need.id)
        )
        items.append(
            AgendaItem(
                need_id=need.id,
                household_code=code,
                category=NeedCategory(need.category),
                urgency=Urgency(need.urgency),
                status=NeedStatus(need.status),
                days_open=max((today - need.created_at.date()).days, 0),
                referrals=referrals,
                decision=item.decision,
            )
        )
    return items


# --- call-back through the bot ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Delivery:
    """Where the channel delivers a message; never shown to the other side."""

    telegram_id: int
    language: str
    need_id: int


def message_resident(s: Session, actor: Actor, need_id: int, text: str) -> Delivery:
    """The assignee writes to the resident; the channel sends it, the resident's identity stays with
    the bot. Only with the resident's consent, only while the need is open."""
    need, _ = _acting(s, actor, need_id, Act.MESSAGE)
    if need.resident_user_id is None or need.relay_consent_at is None:
        raise Refused("no_relay_consent")
    if need.status in CLOSED_STATUSES:
        raise Refused("closed")
    resident = s.get(User, need.resident_user_id)
    assert resident is not None
    district.relay(s, need, outbound=True, sender=user_of(s, actor), text=text)
    return Delivery(resident.telegram_id, resident.language, need.id)


def resident_reply(s: Session, user: User, need_id: int, text: str) -> Delivery | None:
    """The resident's answer lands on the need; the assignee is told (None: nobody to tell)."""
    need = needs_repo.get_need(s, need_id) if 0 < need_id < 2**31 else None
    if need is None or need.resident_user_id != user.id or need.relay_consent_at is None:
        raise NotFound(f"need {need_id}")
    if need.status in CLOSED_STATUSES:
        raise Refused("closed")
    district.relay(s, need, outbound=False, sender=user, text=text)
    if need.assignee is None or not need.assignee.active:
        return None
    return Delivery(need.assignee.telegram_id, need.assignee.language, need.id)


# --- households -------------------------------------------------------------------------------------


@dataclass
class HouseholdView:
    household: Household
    needs: list[NeedSummary]
    visits: list[Visit]
    allocations: list[Allocation]
    official_id: int | None


def household_view(
    s: Session, actor: Actor, code: str, now: dt.datetime | None = None, channel: str = "history"
) -> HouseholdView:
    """A household's screen: its needs, its last visits and the support it received (access-logged
    with `channel`: the chat's history, the desk's page)."""
    household = require_household(s, actor, code)
    now = now or utcnow()
    needs = list(
        s.scalars(
            select(Need)
            .where(Need.household_id == household.id, Need.anonymised_at.is_(None))
            .order_by(Need.id.desc())
            .limit(10)
        )
    )
    visits = list(
        s.scalars(
            select(Visit).where(Visit.household_id == household.id).order_by(Visit.visited_at.desc()).limit(5)
        )
    )
    allocs = list(
        s.scalars(
            select(Allocation)
            .where(Allocation.household_id == household.id)
            .order_by(Allocation.given_on.desc())
            .limit(5)
        )
    )
    needs_repo.record_access(
        s, user_of(s, actor), AccessAction.VIEW_HOUSEHOLD, f"household:{household.id}", detail=channel
    )
    return HouseholdView(
        household, [_summary(n, now) for n in needs], visits, allocs, household.assigned_staff_id
    )


def require_household(s: Session, actor: Actor, code: str) -> Household:
    from casework.scope import household_scope

    household = repo.household_by_code(s, code)
    if household is None or not household_scope(actor).matches(scoping.household_facts(s, household)):
        raise NotFound(code)
    return household


def visible_households(s: Session, actor: Actor, limit: int = 10) -> list[Household]:
    """The caller's caseload first (most recent first), for the household picker."""
    from casework.scope import household_scope

    query = (
        select(Household)
        .where(scoping.household_clause(household_scope(actor)))
        .order_by((Household.assigned_staff_id == actor.user_id).desc(), Household.id.desc())
        .limit(limit)
    )
    return list(s.scalars(query))


def record_visit(s: Session, actor: Actor, code: str, note: str | None) -> Visit:
    """A visit is recorded only when someone says so (/visit), with its note: consulting is not visiting."""
    if not actor.office:
        raise Denied("visit")
    household = require_household(s, actor, code)
    return needs_repo.record_visit(s, household, user_of(s, actor), note=note)


def new_household(s: Session, actor: Actor) -> Household:
    """A new pseudonymous code, in the caller's centre and matched with the caller when they are staff."""
    if not actor.office:
        raise Denied("household")
    user = user_of(s, actor)
    household = repo.create_household(s, repo.next_household_code(s), user)
    household.centre_id = actor.centre_id
    if actor.role == Role.STAFF:
        household.assigned_staff = user
    s.flush()
    return household


def centre_of_household(household: Household | None, actor: Actor) -> int | None:
    if household is not None and household.centre_id is not None:
        return household.centre_id
    return actor.centre_id


def review_required(s: Session, centre_id: int | None) -> bool:
    if centre_id is None:
        return False
    org = s.get(Organisation, centre_id)
    return bool(org is not None and org.review_required)


def users_by_id(s: Session, ids: Sequence[int]) -> dict[int, User]:
    return {u.id: u for u in s.scalars(select(User).where(User.id.in_(list(ids))))} if ids else {}
