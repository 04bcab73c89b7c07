"""The one guard: who may do what. Every command and button names its allowed roles here."""

from __future__ import annotations

from app.settings import Settings
from handlers.callbacks import Action
from storage.models import Role, User
from storage.repo import Caller

EVERYONE = frozenset(Role)
STAFF = frozenset({Role.STAFF, Role.COORDINATOR, Role.ADMIN})
COORDINATORS = frozenset({Role.COORDINATOR, Role.ADMIN})
ADMIN = frozenset({Role.ADMIN})

ACTIONS: dict[Action, frozenset[Role]] = {
    Action.MENU: EVERYONE,
    Action.SCOPE: EVERYONE,
    Action.ANSWER: EVERYONE,
    Action.TOGGLE: EVERYONE,
    Action.DONE: EVERYONE,
    Action.NAV: EVERYONE,
    Action.PROGRAM: EVERYONE,
    Action.CHECK: EVERYONE,
    Action.DOMAIN: EVERYONE,
    Action.RESULTS: EVERYONE,
    Action.HOUSEHOLD: STAFF,
    Action.HSTART: STAFF,
    Action.ASK: STAFF,
    # Logging a need: anyone, on their own draft (the handler checks the draft is this chat's).
    Action.NEED_START: EVERYONE,
    Action.NEED_CATEGORY: EVERYONE,
    Action.NEED_URGENCY: EVERYONE,
    Action.NEED_CONSENT: EVERYONE,
    Action.NEED_CALLBACK: EVERYONE,
    Action.NEED_DUPLICATE: EVERYONE,  # overriding is checked again: coordinators only
    # Following needs up: staff see their own, coordinators all (checked per need in handlers/coord.py).
    Action.NEEDS_LIST: STAFF,
    Action.NEED_CARD: STAFF,
    Action.NEED_STATUS: STAFF,
    Action.NEED_NOTE: STAFF,
    Action.NEED_ASSIGN: COORDINATORS,
    Action.STAFF_REVOKE: ADMIN,
    Action.FORGET: EVERYONE,
}
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
    "stats": COORDINATORS,
    "export": COORDINATORS,
    "invite": ADMIN,
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
