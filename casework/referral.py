"""Referrals to partner organisations, and the consent they rest on.

A coordinator refers a need only after the resident (or, for a household, the staff member who
asked them) agreed to what is shared and with whom. The consent is recorded; the referral carries a
copy of exactly what was shared, so "what did the partner see" is answered from the record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

import catalogue


class SharedField(StrEnum):
    # Always shared: the need number, its category and urgency (nothing personal, and the least a
    # partner needs to decide whether it can help). These are what a consent may add:
    DESCRIPTION = "description"
    PROGRAMS = "programs"
    HOUSEHOLD = "household"  # the pseudonymous household code, so support can be recorded against it


class ReferralStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    COMPLETED = "completed"  # the partner reported back that its part is done
    WITHDRAWN = "withdrawn"


LIVE = frozenset({ReferralStatus.PENDING, ReferralStatus.ACCEPTED})
TRANSITIONS: Mapping[ReferralStatus, frozenset[ReferralStatus]] = {
    ReferralStatus.PENDING: frozenset(
        {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN}
    ),
    ReferralStatus.ACCEPTED: frozenset({ReferralStatus.COMPLETED, ReferralStatus.WITHDRAWN}),
    ReferralStatus.DECLINED: frozenset(),
    ReferralStatus.COMPLETED: frozenset(),
    ReferralStatus.WITHDRAWN: frozenset(),
}


def referral_label(value: SharedField | ReferralStatus, lang: str = "ko") -> str:
    kind = "shared" if isinstance(value, SharedField) else "referral"
    return catalogue.t(f"labels.{kind}.{value.value}", lang)


class ConsentMissing(ValueError):
    """No recorded consent covers this partner and these fields."""


class ReferralRefused(ValueError):
    """`reason`: not_allowed (that step does not follow), already (a live referral to that partner)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"referral {reason}")
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Consent:
    partner_org_id: int
    fields: frozenset[SharedField]
    given_at: dt.datetime
    by_resident: bool  # False: the staff member recorded that the household agreed
    withdrawn: bool = False


def covering(consents: Iterable[Consent], partner_org_id: int, fields: Iterable[SharedField]) -> Consent:
    """The newest consent that covers sharing these fields with this partner; ConsentMissing otherwise."""
    wanted = frozenset(SharedField(f) for f in fields)
    candidates = [
        c for c in consents if not c.withdrawn and c.partner_org_id == partner_org_id and wanted <= c.fields
    ]
    if not candidates:
        raise ConsentMissing(f"no consent to share {sorted(wanted)} with organisation {partner_org_id}")
    return max(candidates, key=lambda c: c.given_at)


def check_new(live_partner_ids: Iterable[int], partner_org_id: int) -> None:
    """One live referral per partner and need: a second would only send the same thing twice."""
    if partner_org_id in set(live_partner_ids):
        raise ReferralRefused("already")


def check_step(before: ReferralStatus, after: ReferralStatus) -> None:
    if ReferralStatus(after) not in TRANSITIONS[ReferralStatus(before)]:
        raise ReferralRefused("not_allowed")


def shared_view(
    fields: Iterable[SharedField], *, description: str | None, programs: list[str], household_code: str | None
) -> dict[str, object]:
    """The copy of what is shared, kept on the referral (what the partner saw, even if the need changes)."""
    chosen = {SharedField(f) for f in fields}
    out: dict[str, object] = {}
    if SharedField.DESCRIPTION in chosen and description:
        out["description"] = description
    if SharedField.PROGRAMS in chosen and programs:
        out["programs"] = list(programs)
    if SharedField.HOUSEHOLD in chosen and household_code:
        out["household"] = household_code
    return out
