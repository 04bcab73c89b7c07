from __future__ import annotations

import datetime as dt

import pytest

from casework.allocation import (
    AllocationFacts,
    SupportKind,
    check_amount,
    duplicates,
    season_label,
    season_of,
    support_key,
)
from casework.crisis import CrisisSign, ReportProgress, looks_like_address, progress, report_description
from casework.meeting import AgendaItem, agenda_text, next_meeting
from casework.model import NeedCategory, NeedStatus, Urgency
from casework.referral import (
    Consent,
    ConsentMissing,
    ReferralRefused,
    ReferralStatus,
    SharedField,
    check_new,
    check_step,
    covering,
    shared_view,
)

T0 = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)
F = SharedField


def test_a_referral_needs_a_consent_for_that_partner_and_those_fields() -> None:
    consents = [
        Consent(4, frozenset({F.DESCRIPTION}), T0, by_resident=True),
        Consent(4, frozenset({F.DESCRIPTION, F.HOUSEHOLD}), T0 + dt.timedelta(hours=1), by_resident=False),
        Consent(5, frozenset(F), T0, by_resident=True, withdrawn=True),
    ]
    assert covering(consents, 4, [F.DESCRIPTION]).by_resident is False  # the newest that covers
    assert covering(consents, 4, []).partner_org_id == 4
    with pytest.raises(ConsentMissing):
        covering(consents, 4, [F.PROGRAMS])
    with pytest.raises(ConsentMissing):
        covering(consents, 5, [F.DESCRIPTION])  # withdrawn
    with pytest.raises(ConsentMissing):
        covering(consents, 6, [])


def test_referral_steps_and_what_is_shared() -> None:
    check_step(ReferralStatus.PENDING, ReferralStatus.ACCEPTED)
    check_step(ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED)
    for before, after in [
        (ReferralStatus.DECLINED, ReferralStatus.ACCEPTED),
        (ReferralStatus.PENDING, ReferralStatus.COMPLETED),
    ]:
        with pytest.raises(ReferralRefused):
            check_step(before, after)
    with pytest.raises(ReferralRefused, match="already"):
        check_new([4, 5], 4)
    view = shared_view(
        [F.HOUSEHOLD], description="월세 체납", programs=["housing_benefit"], household_code="H-0001"
    )
    assert view == {"household": "H-0001"}


def test_seasons_and_duplicates() -> None:
    assert season_of(dt.date(2026, 11, 30)) == "2026-winter" == season_of(dt.date(2027, 2, 28))
    assert season_of(dt.date(2027, 3, 1)) == "2027-spring" and season_of(dt.date(2026, 9, 1)) == "2026-autumn"
    assert season_label("2026-winter") == "2026년 동절기"
    key = support_key(SupportKind.KIMJANG, None)
    assert support_key(SupportKind.PROGRAMME, "energy_voucher") == "programme:energy_voucher"
    with pytest.raises(ValueError):
        support_key(SupportKind.PROGRAMME, None)
    given = [
        AllocationFacts(1, 7, key, "2026-winter", dt.date(2026, 11, 20), org_id=4),
        AllocationFacts(2, 7, key, "2025-winter", dt.date(2025, 11, 20), org_id=1),
        AllocationFacts(3, 8, key, "2026-winter", dt.date(2026, 11, 21), org_id=1),
        AllocationFacts(4, 7, "heating", "2026-winter", dt.date(2026, 11, 21), org_id=1),
    ]
    assert [a.id for a in duplicates(7, key, "2026-winter", given)] == [1]
    assert check_amount(None) is None and check_amount(30000) == 30000
    with pytest.raises(ValueError):
        check_amount(-1)


def test_crisis_reports_and_meetings() -> None:
    assert looks_like_address("역삼로 12") and looks_like_address("301호")
    assert not looks_like_address("편의점 뒤 빌라 2층 끝집")
    text = report_description("시장 입구 쪽 반지하", [CrisisSign.MAIL, CrisisSign.UTILITY_CUT], None)
    assert "우편물" in text and "단전" in text
    assert progress("open", False) == ReportProgress.RECEIVED
    assert progress("assigned", True) == ReportProgress.TAKEN_UP
    assert progress("resolved", True) == ReportProgress.CLOSED
    assert next_meeting(dt.date(2026, 12, 5)) == dt.date(2026, 12, 8)  # second Tuesday
    assert next_meeting(dt.date(2026, 12, 9)) == dt.date(2027, 1, 12)
    item = AgendaItem(
        9,
        "H-0001",
        NeedCategory.HOUSING,
        Urgency.URGENT,
        NeedStatus.IN_PROGRESS,
        3,
        ("복지관: 수락",),
        "난방비 지원",
    )
    text = agenda_text(dt.date(2026, 12, 8), [item])
    assert "#9 H-0001" in text and "결정: 난방비 지원" in text
