"""What a resident is told before a need is stored, and the masking applied to every free text.

Masking itself lives in knowledge.privacy (one implementation for consultations and casework).
"""

from __future__ import annotations

from collections.abc import Sequence

import catalogue
from casework.policy import Retention
from knowledge.privacy import MaskResult, mask_pii

_KINDS = ("rrn", "phone", "account", "email", "address")


def mask_text(text: str) -> MaskResult:
    """The text with identifiers (knowledge.privacy: 주민등록번호, phone, account, e-mail, address)
    replaced, and which kinds were found."""
    return mask_pii(text)


def mask_optional(text: str | None) -> str | None:
    return None if text is None else mask_pii(text).text


def masked_notice(found: Sequence[str], lang: str = "ko") -> str | None:
    """Tell the user what was replaced, or None when nothing was."""
    kinds = [catalogue.t(f"labels.pii.{kind}", lang) for kind in found if kind in _KINDS]
    if not kinds:
        return None
    return catalogue.t("privacy.masked", lang, what=(" and " if lang == "en" else "·").join(kinds))


def consent_text(retention_days: int, lang: str = "ko") -> str:
    """What is stored, who sees it and for how long: shown before a resident's need is saved."""
    return catalogue.t("privacy.consent", lang, days=retention_days)


def privacy_text(retention: Retention, reuse_days: int, lang: str = "ko") -> str:
    """Everything the bot keeps about a person and for how long (/privacy), from the settings."""
    r = retention
    return catalogue.t(
        "privacy.kept",
        lang,
        self_check_days=r.self_check_days,
        draft_hours=r.draft_hours,
        needs_days=r.needs_days,
        household_days=r.household_consultation_days,
        reuse_days=reuse_days,
        visit_days=r.visit_days,
        access_log_days=r.access_log_days,
        reminder_days=r.reminder_days,
        outcome_days=r.outcome_days,
    )
