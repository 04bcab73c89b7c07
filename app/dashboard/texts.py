"""Every word the desk shows: the catalogue's desk.* keys (catalogue/desk.yaml). Labels of the domain's
values (categories, statuses, roles …) come from the domain's own label functions, so the desk and the
chat never name a status differently."""

from __future__ import annotations

from typing import Any

import catalogue
from casework import allocation as alloc
from casework.model import EventKind, NeedCategory, NeedStatus, Urgency
from casework.model import label as casework_label
from casework.policy import KST as KST
from casework.referral import ReferralStatus, SharedField, referral_label
from casework.roles import Role, role_label

_LABELS: dict[str, Any] = {
    "category": lambda v, lang: casework_label(NeedCategory(v), lang),
    "urgency": lambda v, lang: casework_label(Urgency(v), lang),
    "status": lambda v, lang: casework_label(NeedStatus(v), lang),
    "event": lambda v, lang: casework_label(EventKind(v), lang),
    "role": lambda v, lang: role_label(Role(v), lang),
    "support": lambda v, lang: alloc.kind_label(alloc.SupportKind(v), lang),
    "referral": lambda v, lang: referral_label(ReferralStatus(v), lang),
    "field": lambda v, lang: referral_label(SharedField(v), lang),
}


def has(key: str) -> bool:
    return catalogue.has(f"desk.{key}")


def t(key: str, lang: str = "ko", **values: Any) -> str:
    return catalogue.t(f"desk.{key}", lang, **values)


def label(kind: str, value: Any, lang: str = "ko") -> str:
    """The domain's own label for a value of this kind (category, status, role …)."""
    return str(_LABELS[kind](value, lang))


def share_label(fields: tuple[SharedField, ...], lang: str) -> str:
    if not fields:
        return t("share.none", lang)
    return ", ".join(label("field", f, lang) for f in fields)
