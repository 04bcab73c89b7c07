"""The one guard: who may do what. Every command and button names its allowed roles here."""

from __future__ import annotations

from app.settings import Settings
from handlers.callbacks import Action
from storage.models import Role, User
from storage.repo import Caller

EVERYONE = frozenset(Role)
# The district's own offices. What each may see and do to a record is decided by casework.scope;
# these sets only say which commands and buttons a role is offered at all.
STAFF = frozenset({Role.STAFF, Role.HEAD, Role.COORDINATOR, Role.ADMIN})
HEADS = frozenset({Role.HEAD, Role.COORDINATOR, Role.ADMIN})
COORDINATORS = frozenset({Role.COORDINATOR, Role.ADMIN})
ADMIN = frozenset({Role.ADMIN})
PARTNERS = frozenset({Role.PARTNER})
REPORTERS = frozenset({Role.REPORTER, Role.STAFF, Role.HEAD, Role.COORDINATOR, Role.ADMIN})
SUPPORT = frozenset({Role.STAFF, Role.HEAD, Role.COORDINATOR, Role.ADMIN, Role.PARTNER})

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
    Action.NEED_ASSIGN: HEADS,
    Action.STAFF_REVOKE: ADMIN,
    Action.FORGET: EVERYONE,
    Action.NEED_REVIEW: HEADS,  # the policy narrows it to the head of the need's centre
    Action.NEED_RELAY_CONSENT: EVERYONE,
    Action.REFER: COORDINATORS,
    Action.REFER_STAFF_CONSENT: COORDINATORS,
    Action.REFER_RESIDENT: EVERYONE,  # checked: only the resident whose need it is
    Action.PARTNER: PARTNERS,
    Action.MEETING: HEADS,
    Action.RELAY: EVERYONE,  # checked: the assignee writes, the resident replies
    Action.ALLOC_KIND: SUPPORT,
    Action.ALLOC_OVERRIDE: SUPPORT,
    Action.REPORT_SIGN: REPORTERS,
    Action.REPORT_URGENCY: REPORTERS,
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
