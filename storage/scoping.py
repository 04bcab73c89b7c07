"""The scope policy (casework.scope) as SQL: one WHERE clause per scope, and the facts of one record.

A list filtered here and a card checked with `NeedScope.view(need_facts(...))` apply the same rule.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.orm import Session

from casework.referral import ReferralStatus
from casework.scope import HouseholdFacts, HouseholdScope, NeedFacts, NeedScope, StatsScope
from storage.models import Household
from storage.models_district import Referral
from storage.models_needs import Need

# A partner keeps seeing what was referred to it once it answered; not what was withdrawn or declined.
SEEN_BY_PARTNER = (ReferralStatus.PENDING, ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED)


def _referred_to(org_id: int) -> ColumnElement[bool]:
    return Need.id.in_(
        select(Referral.need_id).where(
            Referral.partner_org_id == org_id, Referral.status.in_(SEEN_BY_PARTNER)
        )
    )


def office_clause(scope: NeedScope, matched: Sequence[int] | None = None) -> ColumnElement[bool]:
    """Needs the district's offices see in full under this scope.

    `matched`: the staff member's matched household ids, read beforehand (see matched_households).
    PostgreSQL cannot use an index for "IN (subquery)" inside an OR, and scans every need; a list of
    a caseload's 30 to 50 ids it can. Without it, the subquery says the same thing.
    """
    if scope.everything:
        return true()
    clauses: list[ColumnElement[bool]] = []
    if scope.centre_ids:
        clauses.append(Need.centre_id.in_(sorted(scope.centre_ids)))
    if scope.staff_id is not None:
        me = scope.staff_id
        clauses += [
            Need.created_by_id == me,
            Need.assignee_id == me,
            Need.household_id.in_(
                list(matched)
                if matched is not None
                else select(Household.id).where(Household.assigned_staff_id == me)
            ),
        ]
    return or_(*clauses) if clauses else false()


def matched_households(s: Session, scope: NeedScope) -> list[int] | None:
    if scope.staff_id is None or scope.everything:
        return None
    return list(s.scalars(select(Household.id).where(Household.assigned_staff_id == scope.staff_id)))


def need_clause(scope: NeedScope) -> ColumnElement[bool]:
    """Every need visible under this scope, in any view."""
    clauses = [office_clause(scope)]
    if scope.partner_org_id is not None:
        clauses.append(_referred_to(scope.partner_org_id))
    if scope.reporter_id is not None:
        clauses.append(Need.reported_by_id == scope.reporter_id)
    if scope.resident_user_id is not None:
        clauses.append(Need.resident_user_id == scope.resident_user_id)
    return or_(*clauses)


def stats_clause(scope: StatsScope) -> ColumnElement[bool]:
    if scope.everything:
        return true()
    return Need.centre_id.in_(sorted(scope.centre_ids)) if scope.centre_ids else false()


def stats_centres(scope: StatsScope, centre_id: int | None = None) -> list[int] | None:
    """The same rule for the summary rows (storage.need_summary): the centres whose figures this scope
    shows, narrowed to `centre_id` when given; None: the whole district, needs in no centre included.
    A centre outside the scope narrows to nothing."""
    if scope.everything:
        return None if centre_id is None else [centre_id]
    chosen = scope.centre_ids if centre_id is None else scope.centre_ids & {centre_id}
    return sorted(chosen)


def household_clause(scope: HouseholdScope) -> ColumnElement[bool]:
    if scope.nothing:
        return false()
    if scope.everything:
        return true()
    clauses: list[ColumnElement[bool]] = []
    if scope.centre_ids:
        clauses.append(Household.centre_id.in_(sorted(scope.centre_ids)))
    if scope.staff_id is not None:
        pool = [Household.created_by_id == scope.staff_id]
        if scope.pool_centre_id is not None:
            pool.append(Household.centre_id == scope.pool_centre_id)
        clauses += [
            Household.assigned_staff_id == scope.staff_id,
            and_(Household.assigned_staff_id.is_(None), or_(*pool)),
        ]
    if scope.partner_org_id is not None:
        clauses.append(
            Household.id.in_(
                select(Need.household_id).where(
                    Need.household_id.is_not(None), _referred_to(scope.partner_org_id)
                )
            )
        )
    return or_(*clauses) if clauses else false()


def referred_orgs(s: Session, need_id: int) -> frozenset[int]:
    query = select(Referral.partner_org_id).where(
        Referral.need_id == need_id, Referral.status.in_(SEEN_BY_PARTNER)
    )
    return frozenset(s.scalars(query))


def need_facts(s: Session, need: Need) -> NeedFacts:
    household = s.get(Household, need.household_id) if need.household_id is not None else None
    return NeedFacts(
        centre_id=need.centre_id,
        created_by_id=need.created_by_id,
        assignee_id=need.assignee_id,
        household_staff_id=household.assigned_staff_id if household is not None else None,
        resident_user_id=need.resident_user_id,
        reported_by_id=need.reported_by_id,
        referred_to=referred_orgs(s, need.id),
    )


def household_facts(s: Session, household: Household) -> HouseholdFacts:
    referred = (
        select(Referral.partner_org_id)
        .join(Need, Need.id == Referral.need_id)
        .where(Need.household_id == household.id, Referral.status.in_(SEEN_BY_PARTNER))
    )
    return HouseholdFacts(
        centre_id=household.centre_id,
        assigned_staff_id=household.assigned_staff_id,
        created_by_id=household.created_by_id,
        referred_to=frozenset(s.scalars(referred)),
    )
