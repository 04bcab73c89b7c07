"""Retention takes what the district network keeps beside a need along with the need."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from casework.allocation import SupportKind
from casework.model import NeedStatus
from casework.referral import SharedField
from casework.roles import OrgKind
from storage import district
from storage import needs as needs_repo
from storage.db import Database
from storage.models_district import Allocation, MeetingItem, Referral, RelayMessage
from tests.storage.test_needs_helpers import NOW, days, log, seed_people


def test_anonymising_a_need_clears_messages_referrals_decisions_and_the_allocations_household(
    db: Database,
) -> None:
    with db.session() as s:
        p = seed_people(s)
        partner = district.create_organisation(s, OrgKind.PARTNER, "P1", "복지관")
        need = log(s, p, description="보일러 고장")
        needs_repo.assign(s, need, p.staff, p.coordinator, now=NOW)
        district.relay(s, need, outbound=True, sender=p.staff, text="내일 방문합니다", now=NOW)
        district.record_consent(s, need, partner, list(SharedField), by_resident=False, recorded_by=p.staff)
        district.create_referral(s, need, partner, list(SharedField), p.coordinator, "H-0001", now=NOW)
        district.mark_for_meeting(s, need, dt.date(2026, 12, 8), p.coordinator, now=NOW)
        item = district.need_meetings(s, need.id)[0]
        district.record_decision(s, item, need, "난방비 지원", p.coordinator, now=NOW)
        district.record_allocation(
            s,
            household=p.h1,
            org_id=partner.id,
            kind=SupportKind.HEATING,
            programme=None,
            amount=50000,
            given_on=dt.date(2026, 11, 25),
            recorded_by=p.coordinator,
            need=need,
            now=NOW,
        )
        needs_repo.change_status(s, need, NeedStatus.IN_PROGRESS, p.staff, now=NOW)
        needs_repo.change_status(s, need, NeedStatus.RESOLVED, p.staff, now=NOW)
    with db.session() as s:
        assert needs_repo.anonymise_closed(s, 365, now=NOW + days(366)) == 1
    with db.session() as s:
        assert s.scalars(select(RelayMessage.text)).all() == [None]
        referral = s.scalars(select(Referral)).one()
        assert referral.shared == {} and referral.report is None
        assert s.scalars(select(MeetingItem.decision)).all() == [None]
        allocation = s.scalars(select(Allocation)).one()
        assert allocation.household_id is None and allocation.amount == 50000  # still counted
