"""The scope policy in SQL agrees with the policy on each record, for every actor, on both databases."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from casework.model import NeedCategory, Urgency
from casework.referral import ReferralStatus, SharedField
from casework.roles import OrgKind, Role
from casework.scope import Actor, household_scope, need_scope
from storage import district, repo, scoping
from storage import needs as needs_repo
from storage.db import Database
from storage.models import Household
from storage.models_needs import Need
from tests.storage.test_needs_helpers import NOW, TIMEFRAMES


def test_lists_and_cards_apply_the_same_rule(db: Database) -> None:
    with db.session() as s:
        c1 = district.create_organisation(s, OrgKind.CENTRE, "C1", "일동")
        c2 = district.create_organisation(s, OrgKind.CENTRE, "C2", "이동")
        hq = district.create_organisation(s, OrgKind.HEADQUARTERS, "HQ", "본부")
        p1 = district.create_organisation(s, OrgKind.PARTNER, "P1", "복지관")
        people = {}
        for n, (role, org) in enumerate(
            [
                (Role.STAFF, c1),
                (Role.STAFF, c2),
                (Role.HEAD, c1),
                (Role.COORDINATOR, c2),
                (Role.COORDINATOR, hq),
                (Role.PARTNER, p1),
                (Role.REPORTER, c1),
                (Role.RESIDENT, None),
                (Role.STAFF, None),
            ]
        ):
            user = repo.set_role(s, 500 + n, role)
            district.place_user(s, user, org)
            people[n] = user
        h1 = repo.create_household(s, "H-0001", people[0])
        h1.centre_id, h1.assigned_staff_id = c1.id, people[0].id
        h2 = repo.create_household(s, "H-0002", people[1])
        h2.centre_id = c2.id
        h3 = repo.create_household(s, "H-0003", None)  # unmatched, no centre: the office's pool
        s.flush()
        made = []
        for household, creator, centre in ((h1, people[0], c1), (h2, people[1], c2), (h3, people[8], None)):
            logged = needs_repo.log_need(
                s,
                created_by=creator,
                category=NeedCategory.OTHER,
                urgency=Urgency.LOW,
                description="x",
                household=household,
                timeframes=TIMEFRAMES,
                now=NOW,
                centre_id=centre.id if centre else None,
            )
            assert logged.need is not None
            made.append(logged.need)
        report = needs_repo.log_need(
            s,
            created_by=people[6],
            category=NeedCategory.SAFETY,
            urgency=Urgency.URGENT,
            description="제보",
            reported_by=people[6],
            timeframes=TIMEFRAMES,
            now=NOW,
            centre_id=c1.id,
        ).need
        assert report is not None
        needs_repo.assign(s, made[1], people[0], people[3], now=NOW)  # C1's official helps C2
        district.record_consent(
            s, made[1], p1, [SharedField.HOUSEHOLD], by_resident=False, recorded_by=people[3]
        )
        referral = district.create_referral(s, made[1], p1, [SharedField.HOUSEHOLD], people[3], "H-0002")
        district.step_referral(s, referral, made[1], ReferralStatus.ACCEPTED, people[5])
        orgs = {o.id: OrgKind(o.kind) for o in (c1, c2, hq, p1)}
        actors = [
            Actor(u.id, Role(u.role), u.organisation_id, orgs.get(u.organisation_id or 0))
            for u in people.values()
        ] + [Actor(people[4].id, Role.ADMIN, None, None)]
        needs = list(s.scalars(select(Need)))
        households = list(s.scalars(select(Household)))
        for actor, need in itertools.product(actors, needs):
            scope = need_scope(actor)
            in_list = (
                s.scalar(select(Need.id).where(Need.id == need.id, scoping.need_clause(scope))) is not None
            )
            in_office = (
                s.scalar(select(Need.id).where(Need.id == need.id, scoping.office_clause(scope))) is not None
            )
            facts = scoping.need_facts(s, need)
            assert in_list == scope.matches(facts), (actor, need.id)
            assert in_office == scope.office_match(facts), (actor, need.id)
        for actor, household in itertools.product(actors, households):
            hscope = household_scope(actor)
            in_list = (
                s.scalar(
                    select(Household.id).where(Household.id == household.id, scoping.household_clause(hscope))
                )
                is not None
            )
            assert in_list == hscope.matches(scoping.household_facts(s, household)), (actor, household.code)
        # A few facts spelled out, so a rule that changes shows here too.
        partner_view = need_scope(actors[5])
        assert [n.id for n in needs if partner_view.matches(scoping.need_facts(s, n))] == [made[1].id]
        reporter_view = need_scope(actors[6])
        assert [n.id for n in needs if reporter_view.matches(scoping.need_facts(s, n))] == [report.id]
