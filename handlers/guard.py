"""The one guard: who may do what. Every command and button names its allowed roles here."""

from __future__ import annotations

from app.settings import Settings
from casework.roles import role_label
from handlers.callbacks import BUTTONS, Action
from handlers.groups import (
    ADMIN,
    EVERYONE,
    HEADS,
    PARTNERS,
    REPORTERS,
    STAFF,
    SUPPORT,
)
from handlers.texts import t
from storage.models import Role, User
from storage.repo import Caller

# Who may press each button is declared with the button (handlers.callbacks.BUTTONS).
ACTIONS: dict[Action, frozenset[Role]] = {action: button.roles for action, button in BUTTONS.items()}
# Sub-actions a role-wide action cannot grant alone.
MENU_ITEMS: dict[str, frozenset[Role]] = {
    "self": EVERYONE,
    "browse": EVERYONE,
    "lang": EVERYONE,
    "resume": EVERYONE,
    "records": STAFF,
}
COMMANDS: dict[str, frozenset[Role]] = {
    "start": EVERYONE,
    "help": EVERYONE,
    "lang": EVERYONE,
    "cancel": EVERYONE,
    "household": STAFF,
    "check": STAFF,
    "visit": STAFF,
    "need": EVERYONE,
    "needs": STAFF,
    "stats": HEADS,
    "export": HEADS,
    "review": HEADS,
    "meeting": HEADS,
    "referrals": PARTNERS,
    "alloc": SUPPORT,
    "allocs": SUPPORT,
    "report": REPORTERS,
    "myreports": REPORTERS,
    "org": ADMIN,
    "move": ADMIN,
    "handover": HEADS,
    "link": STAFF,
    "invite": HEADS,  # admins invite anyone; a centre's coordinator or head invites reporters
    "staff": ADMIN,
    "mydata": EVERYONE,
    "forget": EVERYONE,
    "privacy": EVERYONE,
}


def role_of(user: User | Caller, settings: Settings) -> Role:
    """ADMIN_IDS always wins, so a district can bootstrap before anyone is registered."""
    if user.telegram_id in settings.admin_ids:
        return Role.ADMIN
    return Role(user.role) if user.active else Role.RESIDENT


def may(role: Role, allowed: frozenset[Role]) -> bool:
    return role in allowed


def refusal(allowed: frozenset[Role], lang: str) -> str:
    """Who may use it, in words: "registered staff" when every office may, else the roles by name
    (an admin may always, and is named only when nobody else may)."""
    if allowed >= STAFF:
        return t("denied", lang)
    named: list[Role] = [r for r in Role if r in allowed and r != Role.ADMIN] or [Role.ADMIN]
    joiner = ", " if lang == "en" else "·"
    return t("denied.for", lang, roles=joiner.join(role_label(r, lang) for r in named))
