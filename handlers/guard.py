"""The one guard: who may do what. Every command and button names its allowed roles here."""

from __future__ import annotations

from app.settings import Settings
from handlers.callbacks import Action
from storage.models import Role, User

EVERYONE = frozenset(Role)
STAFF = frozenset({Role.STAFF, Role.COORDINATOR, Role.ADMIN})
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
}


def role_of(user: User, settings: Settings) -> Role:
    """ADMIN_IDS always wins, so a district can bootstrap before anyone is registered."""
    if user.telegram_id in settings.admin_ids:
        return Role.ADMIN
    return Role(user.role) if user.active else Role.RESIDENT


def may(role: Role, allowed: frozenset[Role]) -> bool:
    return role in allowed
