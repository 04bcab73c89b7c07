"""Repository functions for the district network: organisations and who belongs where, household
hand-overs, consent and referrals, the shared allocation list, case meetings, relayed messages and the
once-a-day claim of scheduled work. The caller's Session comes first; nothing here commits.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casework import allocation as alloc
from casework import referral as ref
from casework.model import EventKind
from casework.roles import OrgKind, Role, may_belong
from storage.casework_base import _event, _note, _now, _rowcount, _text
from storage.models import Household, User
from storage.models_district import (
    Allocation,
    Consent,
    HouseholdEvent,
    JobRun,
    MeetingItem,
    Organisation,
    Referral,
    RelayMessage,
)
from storage.models_needs import Need

_ORG_CODE = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


# --- organisations -----------------------------------------------------------------------------------


def create_organisation(
    s: Session, kind: OrgKind, code: str, name: str, review_required: bool = False
) -> Organisation:
    if not _ORG_CODE.match(code):
        raise ValueError("an organisation code is 1 to 16 letters, digits, _ or -")
    name = name.strip()
    if not name or len(name) > 80:
        raise ValueError("an organisation name is 1 to 80 characters")
    if organisation_by_code(s, code) is not None:
        raise ValueError(f"organisation {code} already exists")
    org = Organisation(kind=OrgKind(kind), code=code, name=name, review_required=review_required, active=True)
    s.add(org)
    s.flush()
    return org


def organisation_by_code(s: Session, code: str) -> Organisation | None:
    return s.scalars(select(Organisation).where(func.lower(Organisation.code) == code.lower())).one_or_none()


def organisations(s: Session, kind: OrgKind | None = None) -> list[Organisation]:
    query = select(Organisation).order_by(Organisation.kind, Organisation.code)
    if kind is not None:
        query = query.where(Organisation.kind == OrgKind(kind))
    return list(s.scalars(query))


def place_user(s: Session, user: User, org: Organisation | None, role: Role | None = None) -> User:
    """Put a user in an organisation (optionally with a new role). Matched households stay with them."""
    new_role = Role(role) if role is not None else Role(user.role)
    if not may_belong(new_role, OrgKind(org.kind) if org is not None else None):
        where = org.kind if org is not None else "no organisation"
        raise ValueError(f"a {new_role.value} cannot belong to {where}")
    user.role = new_role
    user.organisation_id = org.id if org is not None else None
    s.flush()
    return user


def is_headquarters(s: Session, org_id: int) -> bool:
    org = s.get(Organisation, org_id)
    return org is not None and org.kind == OrgKind.HEADQUARTERS


def members(s: Session, org_id: int, roles: Iterable[Role] | None = None) -> list[User]:
    query = select(User).where(User.organisation_id == org_id, User.active.is_(True)).order_by(User.id)
    if roles is not None:
        query = query.where(User.role.in_([Role(r) for r in roles]))
    return list(s.scalars(query))


# --- households: matching and hand-over --------------------------------------------------------------


def hand_over(
    s: Session,
    household: Household,
    to_staff: User | None,
    actor: User | None,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> HouseholdEvent:
    """Match the household with another official (or nobody); the history keeps who had it before."""
    event = HouseholdEvent(
        household_id=household.id,
        actor_id=actor.id if actor is not None else None,
        at=_now(now),
        from_staff_id=household.assigned_staff_id,
        to_staff_id=to_staff.id if to_staff is not None else None,
        note=_note(note),
    )
    household.assigned_staff = to_staff
    s.add(event)
    s.flush()
    return event


def household_events(s: Session, household_id: int) -> list[HouseholdEvent]:
    query = (
        select(HouseholdEvent).where(HouseholdEvent.household_id == household_id).order_by(HouseholdEvent.id)
    )
    return list(s.scalars(query))


# --- consent and referrals ---------------------------------------------------------------------------


def record_consent(
    s: Session,
    need: Need,
    partner: Organisation,
    fields: Iterable[ref.SharedField],
    *,
    by_resident: bool,
    recorded_by: User | None,
    now: dt.datetime | None = None,
) -> Consent:
    if partner.kind != OrgKind.PARTNER:
        raise ValueError("consent is to share with a partner organisation")
    now = _now(now)
    chosen = sorted({ref.SharedField(f).value for f in fields})
    consent = Consent(
        need_id=need.id,
        partner_org_id=partner.id,
        fields=chosen,
        by_resident=by_resident,
        recorded_by_id=recorded_by.id if recorded_by is not None else None,
        given_at=now,
    )
    s.add(consent)
    who = "resident" if by_resident else "household, recorded by staff"
    shared = ", ".join(chosen) or "-"
    _event(need, actor=recorded_by, kind=EventKind.CONSENT, at=now, note=f"{partner.name}: {shared} ({who})")
    s.flush()
    return consent


def consents(s: Session, need_id: int) -> list[Consent]:
    return list(s.scalars(select(Consent).where(Consent.need_id == need_id).order_by(Consent.id)))


def as_domain(consent: Consent) -> ref.Consent:
    return ref.Consent(
        partner_org_id=consent.partner_org_id,
        fields=frozenset(ref.SharedField(f) for f in consent.fields),
        given_at=consent.given_at,
        by_resident=consent.by_resident,
        withdrawn=consent.withdrawn_at is not None,
    )


def referrals(s: Session, need_id: int) -> list[Referral]:
    return list(s.scalars(select(Referral).where(Referral.need_id == need_id).order_by(Referral.id)))


def create_referral(
    s: Session,
    need: Need,
    partner: Organisation,
    fields: Iterable[ref.SharedField],
    actor: User,
    household_code: str | None,
    now: dt.datetime | None = None,
) -> Referral:
    """Refer only under a recorded consent covering this partner and these fields (ConsentMissing)."""
    now = _now(now)
    chosen = [ref.SharedField(f) for f in fields]
    consent_rows = consents(s, need.id)
    covering = ref.covering([as_domain(c) for c in consent_rows], partner.id, chosen)
    consent = next(c for c in consent_rows if as_domain(c) == covering)
    ref.check_new([r.partner_org_id for r in referrals(s, need.id) if r.status in ref.LIVE], partner.id)
    shared = ref.shared_view(
        chosen, description=need.description, programs=list(need.programs), household_code=household_code
    )
    referral = Referral(
        need_id=need.id,
        partner_org_id=partner.id,
        consent_id=consent.id,
        status=ref.ReferralStatus.PENDING,
        shared=shared,
        created_by_id=actor.id,
        created_at=now,
    )
    s.add(referral)
    _event(
        need,
        actor=actor,
        kind=EventKind.REFERRAL,
        at=now,
        note=f"→ {partner.name}: {', '.join(shared) or '-'}",
    )
    s.flush()
    return referral


def step_referral(
    s: Session,
    referral: Referral,
    need: Need,
    to: ref.ReferralStatus,
    actor: User,
    report: str | None = None,
    now: dt.datetime | None = None,
) -> Referral:
    now = _now(now)
    ref.check_step(ref.ReferralStatus(referral.status), to)
    referral.status = ref.ReferralStatus(to)
    referral.responded_by_id = actor.id
    referral.responded_at = now
    clean = _note(report)
    if clean is not None:
        referral.report = clean
    label = ref.referral_label(ref.ReferralStatus(to))
    note = f"{referral.partner.name}: {label}" + (f" — {clean}" if clean else "")
    _event(need, actor=actor, kind=EventKind.REFERRAL, at=now, note=note)
    s.flush()
    return referral


def report_progress(
    s: Session, referral: Referral, need: Need, actor: User, report: str, now: dt.datetime | None = None
) -> Referral:
    """The partner's progress report: kept on the referral (latest) and as an event on the need."""
    now = _now(now)
    referral.report = _text(report, "report")[0]
    referral.responded_by_id, referral.responded_at = actor.id, now
    _event(
        need, actor=actor, kind=EventKind.REFERRAL, at=now, note=f"{referral.partner.name}: {referral.report}"
    )
    s.flush()
    return referral


def link_household(
    s: Session, need: Need, household: Household, actor: User, now: dt.datetime | None = None
) -> None:
    """A crisis report matched to the household it was about."""
    now = _now(now)
    need.household = household
    need.updated_at = now
    _event(need, actor=actor, kind=EventKind.HOUSEHOLD_LINKED, at=now, note=household.code)
    s.flush()


def referrals_for_partner(
    s: Session, org_id: int, *, live_only: bool = True, limit: int = 20
) -> list[Referral]:
    query = (
        select(Referral).where(Referral.partner_org_id == org_id).order_by(Referral.id.desc()).limit(limit)
    )
    if live_only:
        query = query.where(Referral.status.in_(ref.LIVE))
    return list(s.scalars(query))


# --- the shared allocation list ----------------------------------------------------------------------


def _facts(a: Allocation) -> alloc.AllocationFacts:
    assert a.household_id is not None
    return alloc.AllocationFacts(a.id, a.household_id, a.support_key, a.season, a.given_on, a.org_id)


def allocation_duplicates(s: Session, household_id: int, key: str, season: str) -> list[Allocation]:
    query = select(Allocation).where(
        Allocation.household_id == household_id, Allocation.support_key == key, Allocation.season == season
    )
    found = list(s.scalars(query))
    keep = {f.id for f in alloc.duplicates(household_id, key, season, [_facts(a) for a in found])}
    return sorted((a for a in found if a.id in keep), key=lambda a: (a.given_on, a.id))


def record_allocation(
    s: Session,
    *,
    household: Household,
    org_id: int | None,
    kind: alloc.SupportKind,
    programme: str | None,
    amount: int | None,
    given_on: dt.date,
    recorded_by: User,
    season: str | None = None,
    need: Need | None = None,
    override_reason: str | None = None,
    now: dt.datetime | None = None,
) -> tuple[Allocation | None, list[Allocation]]:
    """Record support given; (None, duplicates) when the same support this season is on the list and no
    override reason was given."""
    key = alloc.support_key(kind, programme)
    season = season or alloc.season_of(given_on)
    if not alloc.valid_season(season):
        raise ValueError(f"not a season: {season!r}")
    duplicates = allocation_duplicates(s, household.id, key, season)
    reason = _text(override_reason, "override_reason")[0] if override_reason else None
    if duplicates and reason is None:
        return None, duplicates
    now = _now(now)
    row = Allocation(
        household_id=household.id,
        org_id=org_id,
        need_id=need.id if need is not None else None,
        kind=alloc.SupportKind(kind),
        programme=programme,
        support_key=key,
        amount=alloc.check_amount(amount),
        given_on=given_on,
        season=season,
        recorded_by_id=recorded_by.id,
        recorded_at=now,
        override_reason=reason,
    )
    s.add(row)
    if need is not None:
        _event(
            need,
            actor=recorded_by,
            kind=EventKind.ALLOCATION,
            at=now,
            note=f"{alloc.kind_label(kind)} {season}",
        )
    s.flush()
    return row, duplicates


def allocations(
    s: Session,
    *,
    household_ids: Sequence[int] | None = None,
    clause: Any = None,
    season: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[tuple[Allocation, str | None]]:
    """Entries with their household codes, newest first; `clause` narrows to what the caller may see."""
    query = (
        select(Allocation, Household.code)
        .outerjoin(Household, Household.id == Allocation.household_id)
        .order_by(Allocation.given_on.desc(), Allocation.id.desc())
        .limit(limit)
        .offset(offset)
    )
    if household_ids is not None:
        query = query.where(Allocation.household_id.in_(list(household_ids)))
    if clause is not None:
        query = query.where(clause)
    if season is not None:
        query = query.where(Allocation.season == season)
    return [(a, code) for a, code in s.execute(query)]


def duplicate_ids(s: Session, rows: Sequence[Allocation]) -> set[int]:
    """Which of these entries share household, support and season with another entry on the list."""
    keys = {(a.household_id, a.support_key, a.season) for a in rows if a.household_id is not None}
    if not keys:
        return set()
    counted = (
        select(Allocation.household_id, Allocation.support_key, Allocation.season)
        .where(Allocation.household_id.in_([k[0] for k in keys]))
        .group_by(Allocation.household_id, Allocation.support_key, Allocation.season)
        .having(func.count(Allocation.id) > 1)
    )
    doubled = {tuple(r) for r in s.execute(counted)}
    return {a.id for a in rows if (a.household_id, a.support_key, a.season) in doubled}


# --- case meetings -----------------------------------------------------------------------------------


def mark_for_meeting(
    s: Session, need: Need, meeting_on: dt.date, actor: User, now: dt.datetime | None = None
) -> MeetingItem | None:
    """None when the need is already on that meeting's agenda."""
    existing = s.scalars(
        select(MeetingItem).where(MeetingItem.need_id == need.id, MeetingItem.meeting_on == meeting_on)
    ).one_or_none()
    if existing is not None:
        return None
    now = _now(now)
    item = MeetingItem(need_id=need.id, meeting_on=meeting_on, marked_by_id=actor.id, marked_at=now)
    s.add(item)
    _event(need, actor=actor, kind=EventKind.MEETING, at=now, note=f"{meeting_on:%Y-%m-%d} 사례회의 상정")
    s.flush()
    return item


def record_decision(
    s: Session, item: MeetingItem, need: Need, decision: str, actor: User, now: dt.datetime | None = None
) -> MeetingItem:
    now = _now(now)
    text = _text(decision, "decision")[0]
    item.decision, item.decided_by_id, item.decided_at = text, actor.id, now
    _event(need, actor=actor, kind=EventKind.MEETING, at=now, note=f"{item.meeting_on:%Y-%m-%d} 결정: {text}")
    s.flush()
    return item


def meeting_items(s: Session, meeting_on: dt.date, clause: Any = None) -> list[tuple[MeetingItem, Need]]:
    query = (
        select(MeetingItem, Need)
        .join(Need, Need.id == MeetingItem.need_id)
        .where(MeetingItem.meeting_on == meeting_on)
        .order_by(Need.urgency, Need.id)
    )
    if clause is not None:
        query = query.where(clause)
    return [(item, need) for item, need in s.execute(query)]


def need_meetings(s: Session, need_id: int) -> list[MeetingItem]:
    return list(
        s.scalars(select(MeetingItem).where(MeetingItem.need_id == need_id).order_by(MeetingItem.meeting_on))
    )


# --- messages relayed between assignee and resident --------------------------------------------------


def relay(
    s: Session, need: Need, *, outbound: bool, sender: User | None, text: str, now: dt.datetime | None = None
) -> RelayMessage:
    now = _now(now)
    clean = _text(text, "message")[0]
    message = RelayMessage(
        need_id=need.id, outbound=outbound, sender_id=sender.id if sender else None, text=clean, at=now
    )
    s.add(message)
    _event(
        need,
        actor=sender,
        kind=EventKind.MESSAGE_OUT if outbound else EventKind.MESSAGE_IN,
        at=now,
        note=clean,
    )
    s.flush()
    return message


def relay_messages(s: Session, need_id: int) -> list[RelayMessage]:
    return list(
        s.scalars(select(RelayMessage).where(RelayMessage.need_id == need_id).order_by(RelayMessage.id))
    )


# --- scheduled work, once per day across processes ---------------------------------------------------


def claim_run(s: Session, name: str, day: dt.date, claimant: str, now: dt.datetime | None = None) -> bool:
    """True for exactly one caller per (name, day), whatever the number of processes: the primary key
    decides. The caller commits at once, so the claim is visible before the work starts."""
    try:
        with s.begin_nested():
            s.add(JobRun(name=name, run_on=day, claimed_by=claimant[:64], claimed_at=_now(now)))
    except IntegrityError:
        return False
    return True


def finish_run(s: Session, name: str, day: dt.date, result: str, now: dt.datetime | None = None) -> None:
    s.execute(
        update(JobRun)
        .where(and_(JobRun.name == name, JobRun.run_on == day))
        .values(finished_at=_now(now), result=result[:500])
    )


def runs(s: Session, name: str) -> list[JobRun]:
    return list(s.scalars(select(JobRun).where(JobRun.name == name).order_by(JobRun.run_on)))


__all__ = ["_rowcount"]
