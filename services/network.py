"""Partners, referrals with consent, the shared allocation list, crisis reports, organisations,
invitations into an organisation, moving people and handing households over."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from casework import allocation as alloc
from casework import crisis
from casework.model import AccessAction, NeedCategory, Urgency
from casework.policy import Timeframes
from casework.referral import ConsentMissing, ReferralRefused, ReferralStatus, SharedField
from casework.roles import OrgKind, Role
from casework.scope import (
    Act,
    Actor,
    household_scope,
    may_hand_over,
    may_invite,
    may_manage_organisations,
    may_record_allocation,
    may_report_crisis,
)
from casework.workflow import IllegalTransition
from services.actors import user_of
from services.errors import Denied, NotFound, Refused
from services.needs import _acting, _load, require_household
from storage import district, repo, scoping
from storage import needs as needs_repo
from storage.models import Household, User
from storage.models_district import Allocation, Organisation, Referral
from storage.models_needs import Need

# --- organisations and people ------------------------------------------------------------------------


def add_organisation(
    s: Session, actor: Actor | None, kind: OrgKind, code: str, name: str, review: bool = False
) -> Organisation:
    """actor None: the command line (an administrator at the server)."""
    if actor is not None and not may_manage_organisations(actor):
        raise Denied("organisations")
    org = district.create_organisation(s, kind, code, name, review)
    who = user_of(s, actor) if actor is not None else None
    needs_repo.record_access(s, who, AccessAction.ORGANISATION, f"org:{org.code}", detail=f"add {kind}")
    return org


def set_review(s: Session, actor: Actor | None, code: str, on: bool) -> Organisation:
    if actor is not None and not may_manage_organisations(actor):
        raise Denied("organisations")
    org = district.organisation_by_code(s, code)
    if org is None or org.kind != OrgKind.CENTRE:
        raise NotFound(code)
    org.review_required = on
    who = user_of(s, actor) if actor is not None else None
    needs_repo.record_access(s, who, AccessAction.ORGANISATION, f"org:{org.code}", detail=f"review {on}")
    return org


def move_user(
    s: Session, actor: Actor | None, user: User, code: str | None, role: Role | None = None
) -> User:
    """Place a person in another centre, headquarters or partner. Their matched households stay with
    them (the 1:1 matching practice); hand them over explicitly where the district wants that."""
    if actor is not None and not may_manage_organisations(actor):
        raise Denied("organisations")
    org = district.organisation_by_code(s, code) if code else None
    if code and org is None:
        raise NotFound(code)
    try:
        district.place_user(s, user, org, role)
    except ValueError as exc:
        raise Refused("wrong_org", str(exc)) from exc
    who = user_of(s, actor) if actor is not None else None
    detail = f"→ {org.code if org else '-'} as {user.role}"
    needs_repo.record_access(s, who, AccessAction.ORGANISATION, f"user:{user.id}", detail=detail)
    return user


def invite(s: Session, actor: Actor, role: Role, org_code: str | None, hours: int = 72) -> str:
    org = district.organisation_by_code(s, org_code) if org_code else None
    if org_code and org is None:
        raise NotFound(org_code)
    if org is None and role in (Role.REPORTER, Role.PARTNER, Role.HEAD):
        raise Refused("org_required")
    kind = OrgKind(org.kind) if org is not None else None
    if not may_invite(actor, role, org.id if org else None, kind):
        raise Denied("invite")
    from casework.roles import may_belong

    if not may_belong(role, kind):
        raise Refused("wrong_org")
    token = needs_repo.create_invitation(s, role, user_of(s, actor), ttl_hours=hours)
    from storage.models_needs import Invitation

    invitation = s.scalars(select(Invitation).order_by(Invitation.id.desc()).limit(1)).one()
    invitation.organisation_id = org.id if org is not None else None
    return token


def hand_over(s: Session, actor: Actor, code: str, to_user_id: int | None, note: str | None) -> Household:
    household = require_household(s, actor, code)
    if not may_hand_over(actor, scoping.household_facts(s, household)):
        raise Denied("handover")
    target = s.get(User, to_user_id) if to_user_id else None
    if to_user_id and (
        target is None or not target.active or target.role not in (Role.STAFF, Role.HEAD, Role.COORDINATOR)
    ):
        raise Refused("not_staff")
    district.hand_over(s, household, target, user_of(s, actor), note)
    needs_repo.record_access(
        s,
        user_of(s, actor),
        AccessAction.HANDOVER,
        f"household:{household.id}",
        detail=f"→ {to_user_id or '-'}",
    )
    return household


# --- referrals ---------------------------------------------------------------------------------------


def partners(s: Session) -> list[Organisation]:
    return [o for o in district.organisations(s, OrgKind.PARTNER) if o.active]


def record_consent(
    s: Session,
    actor: Actor,
    need_id: int,
    partner_code: str,
    fields: Iterable[SharedField],
    *,
    by_resident: bool,
) -> None:
    """Staff record that the household agreed (for a household need), or the resident agrees themself
    (for their own need: the actor is the resident)."""
    partner = district.organisation_by_code(s, partner_code)
    if partner is None or partner.kind != OrgKind.PARTNER:
        raise NotFound(partner_code)
    if by_resident:
        need, _, _ = _load(s, actor, need_id)
        if need.resident_user_id != actor.user_id:
            raise Denied("consent")
    else:
        need, _ = _acting(s, actor, need_id, Act.NOTE)
        if need.resident_user_id is not None:
            raise Refused("resident_consents")  # a resident's own need: only they agree
    district.record_consent(s, need, partner, fields, by_resident=by_resident, recorded_by=user_of(s, actor))


def refer(
    s: Session, actor: Actor, need_id: int, partner_code: str, fields: Iterable[SharedField]
) -> tuple[Referral, list[User]]:
    """Refer under a recorded consent; returns the referral and the partner's users to notify."""
    need, _ = _acting(s, actor, need_id, Act.REFER)
    partner = district.organisation_by_code(s, partner_code)
    if partner is None or partner.kind != OrgKind.PARTNER or not partner.active:
        raise NotFound(partner_code)
    code = need.household.code if need.household is not None else None
    try:
        referral = district.create_referral(s, need, partner, fields, user_of(s, actor), code)
    except ConsentMissing as exc:
        raise Refused("no_consent") from exc
    except ReferralRefused as exc:
        raise Refused(exc.reason) from exc
    return referral, district.members(s, partner.id, [Role.PARTNER])


def partner_queue(s: Session, actor: Actor, limit: int = 20) -> list[Referral]:
    if actor.role != Role.PARTNER or actor.org_id is None:
        raise Denied("referrals")
    return district.referrals_for_partner(s, actor.org_id, live_only=True, limit=limit)


def respond(
    s: Session, actor: Actor, referral_id: int, to: ReferralStatus, report: str | None = None
) -> tuple[Referral, Need, list[User]]:
    """A partner accepts, declines or reports back; the need's people are told."""
    referral = s.get(Referral, referral_id) if 0 < referral_id < 2**31 else None
    if referral is None or referral.partner_org_id != actor.org_id:
        raise NotFound(f"referral {referral_id}")
    need, _ = _acting(s, actor, referral.need_id, Act.RESPOND)
    user = user_of(s, actor)
    try:
        district.step_referral(s, referral, need, to, user, report)
    except ReferralRefused as exc:
        raise Refused(exc.reason) from exc
    if to == ReferralStatus.ACCEPTED:
        # The need is now with the partner: assigned → in progress → referred, each an event.
        from casework.need import refer_path

        try:
            for status in refer_path(need.status):
                needs_repo.change_status(s, need, status, user, f"{referral.partner.name} 수락")
        except IllegalTransition:
            pass  # an open or already referred need keeps its status; the referral event says it all
    told = [u for u in (need.assignee, s.get(User, referral.created_by_id)) if u is not None and u.active]
    return referral, need, list({u.id: u for u in told}.values())


def report_progress(
    s: Session, actor: Actor, referral_id: int, report: str
) -> tuple[Referral, Need, list[User]]:
    """A partner's report on a referral it accepted; the need's assignee is told."""
    referral = s.get(Referral, referral_id) if 0 < referral_id < 2**31 else None
    if referral is None or referral.partner_org_id != actor.org_id:
        raise NotFound(f"referral {referral_id}")
    if referral.status != ReferralStatus.ACCEPTED:
        raise Refused("not_allowed")
    need, _ = _acting(s, actor, referral.need_id, Act.RESPOND)
    district.report_progress(s, referral, need, user_of(s, actor), report)
    told = [need.assignee] if need.assignee is not None and need.assignee.active else []
    return referral, need, told


def withdraw(s: Session, actor: Actor, referral_id: int) -> Referral:
    referral = s.get(Referral, referral_id) if 0 < referral_id < 2**31 else None
    if referral is None:
        raise NotFound(f"referral {referral_id}")
    need, _ = _acting(s, actor, referral.need_id, Act.REFER)
    try:
        district.step_referral(s, referral, need, ReferralStatus.WITHDRAWN, user_of(s, actor))
    except ReferralRefused as exc:
        raise Refused(exc.reason) from exc
    return referral


# --- the shared allocation list ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AllocationLine:
    id: int
    household_code: str | None
    kind: alloc.SupportKind
    programme: str | None
    amount: int | None
    given_on: dt.date
    season: str
    organisation: str | None
    duplicate: bool
    override_reason: str | None


def record_allocation(
    s: Session,
    actor: Actor,
    *,
    code: str,
    kind: alloc.SupportKind,
    programme: str | None,
    amount: int | None,
    given_on: dt.date,
    override_reason: str | None = None,
    need_id: int | None = None,
) -> tuple[Allocation | None, list[AllocationLine]]:
    """(None, duplicates) when the same support this season is already on the list: the caller shows
    the warning and may record again with a reason."""
    household = repo.household_by_code(s, code)
    if household is None or not may_record_allocation(actor, scoping.household_facts(s, household)):
        raise NotFound(code)
    need = None
    if need_id is not None:
        need, _ = _acting(s, actor, need_id, Act.NOTE)
    try:
        row, duplicates = district.record_allocation(
            s,
            household=household,
            org_id=actor.org_id,
            kind=kind,
            programme=programme,
            amount=amount,
            given_on=given_on,
            recorded_by=user_of(s, actor),
            need=need,
            override_reason=override_reason,
        )
    except ValueError as exc:
        raise Refused("bad_allocation", str(exc)) from exc
    return row, [_line(a, household.code, True) for a in duplicates]


def _line(a: Allocation, code: str | None, duplicate: bool) -> AllocationLine:
    return AllocationLine(
        a.id,
        code,
        alloc.SupportKind(a.kind),
        a.programme,
        a.amount,
        a.given_on,
        a.season,
        a.organisation.name if a.organisation is not None else None,
        duplicate,
        a.override_reason,
    )


def allocation_list(
    s: Session, actor: Actor, season: str | None = None, limit: int = 20, offset: int = 0
) -> list[AllocationLine]:
    """The shared list as this actor may see it (households they may see), duplicates flagged."""
    scope = household_scope(actor)
    if scope.nothing and actor.role != Role.PARTNER:
        raise Denied("allocations")
    clause: ColumnElement[bool] = Allocation.household_id.in_(
        select(Household.id).where(scoping.household_clause(scope))
    )
    if actor.org_id is not None:
        clause = clause | (Allocation.org_id == actor.org_id)
    rows = district.allocations(s, clause=clause, season=season, limit=limit, offset=offset)
    doubled = district.duplicate_ids(s, [a for a, _ in rows])
    needs_repo.record_access(s, user_of(s, actor), AccessAction.VIEW_ALLOCATIONS, f"season:{season or '-'}")
    return [_line(a, code, a.id in doubled) for a, code in rows]


# --- crisis reports ---------------------------------------------------------------------------------


def report_crisis(
    s: Session,
    actor: Actor,
    *,
    where: str,
    signs: list[crisis.CrisisSign],
    urgency: Urgency,
    note: str | None,
    timeframes: Timeframes,
) -> tuple[Need, list[User]]:
    """A report lands in the centre's queue, due within a day; the centre's coordinators are told."""
    if not may_report_crisis(actor):
        raise Denied("report")
    where = where.strip()
    if not where or len(where) > crisis.MAX_WHERE:
        raise Refused("where_length")
    if crisis.looks_like_address(where):
        raise Refused("address")
    description = crisis.report_description(where, signs, note)
    one_day = timeframes.model_copy(update={"overrides": {c: {u: 1 for u in Urgency} for c in NeedCategory}})
    logged = needs_repo.log_need(
        s,
        created_by=user_of(s, actor),
        category=NeedCategory.SAFETY,
        urgency=urgency,
        description=description,
        timeframes=one_day,
        reported_by=user_of(s, actor),
        centre_id=actor.centre_id,
    )
    assert logged.need is not None  # a report has no household yet, so no duplicates
    assert actor.centre_id is not None
    told = district.members(s, actor.centre_id, [Role.COORDINATOR, Role.HEAD])
    return logged.need, told


def my_reports(
    s: Session, actor: Actor, limit: int = 10
) -> list[tuple[int, dt.datetime, crisis.ReportProgress]]:
    """All a reporter learns: their reports, when, and whether each was taken up or closed."""
    rows = s.execute(
        select(Need.id, Need.created_at, Need.status, Need.assignee_id)
        .where(Need.reported_by_id == actor.user_id)
        .order_by(Need.id.desc())
        .limit(limit)
    ).all()
    return [(int(i), at, crisis.progress(str(st), a is not None)) for i, at, st, a in rows]
