"""What the casework repositories share: limits, errors, masking of free text, events.

Like storage.repo: the caller's Session comes first and nothing here commits. Every change to a need
adds a NeedEvent (who, when, from, to, note); free text is masked before it reaches the database."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import CursorResult

from casework.model import (
    EventKind,
    NeedStatus,
)
from casework.need import NeedAnonymised as NeedAnonymised
from casework.privacy import mask_text
from storage.models import (
    Role,
    User,
    utcnow,
)
from storage.models_needs import (
    Need,
    NeedEvent,
)

MAX_TEXT = 1000  # a need's description, a note or a reason: a few sentences, not a case file
MAX_PAGE = 100
INVITE_PREFIX = "inv_"  # deep link: t.me/<bot>?start=inv_<token>
MAX_INVITE_TTL_HOURS = 24 * 30
STAFF_ROLES = frozenset({Role.STAFF, Role.HEAD, Role.COORDINATOR, Role.ADMIN})
OVERRIDE_ROLES = frozenset({Role.COORDINATOR, Role.ADMIN})
INVITE_ROLES = STAFF_ROLES | {Role.PARTNER, Role.REPORTER}
# An invitation never demotes: ranks of the roles a person may be invited to.
_RANK = {
    Role.RESIDENT: 0,
    Role.REPORTER: 1,
    Role.PARTNER: 1,
    Role.STAFF: 2,
    Role.HEAD: 3,
    Role.COORDINATOR: 3,
    Role.ADMIN: 4,
}
_PROGRAM_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class ConsentRequired(ValueError):
    """A resident's own need cannot be stored before they agreed to what is stored, who sees it, how long."""


class DuplicateSupport(ValueError):
    """A referral although the household already got support for the same programme recently."""

    def __init__(self, duplicates: Sequence[Need]) -> None:
        super().__init__("duplicate support: " + ", ".join(f"#{n.id}" for n in duplicates))
        self.duplicates = list(duplicates)


@dataclass(frozen=True, slots=True)
class NeedLogged:
    need: Need | None  # None: not stored, because of duplicates and no override
    masked: bool  # the description held a 주민등록번호 or phone number, now replaced
    found: tuple[str, ...]  # what was masked: "rrn", "phone" (casework.privacy.masked_notice words it)
    duplicates: list[Need]  # open, or referred/resolved within the window, for the same programme

    @property
    def blocked(self) -> bool:
        return self.need is None


# --- helpers -----------------------------------------------------------------------------------------


def _now(now: dt.datetime | None) -> dt.datetime:
    moment = now if now is not None else utcnow()
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: pass timezone-aware values")
    return moment


def _text(value: str, what: str) -> tuple[str, tuple[str, ...]]:
    """Stripped, length-checked and masked; refuses empty text."""
    stripped = value.strip()
    if not stripped:
        raise ValueError(f"{what} must not be empty")
    if len(stripped) > MAX_TEXT:
        raise ValueError(f"{what} is longer than {MAX_TEXT} characters")
    masked = mask_text(stripped)
    return masked.text, masked.found


def _note(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    return _text(value, "note")[0]


def _programs(programs: Iterable[str]) -> list[str]:
    out: list[str] = []
    for program in programs:
        if not _PROGRAM_ID.match(program):
            raise ValueError(f"not a programme id: {program!r}")
        if program not in out:
            out.append(program)
    return out


def _live(need: Need) -> None:
    if need.anonymised_at is not None:
        raise NeedAnonymised(f"need #{need.id} was anonymised")


def _may_override(user: User | None, role: Role | None) -> User:
    if user is None:
        raise ValueError("override_by is required with override_reason")
    effective = Role(role) if role is not None else (Role(user.role) if user.active else Role.RESIDENT)
    if effective not in OVERRIDE_ROLES:
        raise PermissionError("only a coordinator or an admin may override a duplicate-support warning")
    return user


def _event(
    need: Need,
    *,
    actor: User | None,
    kind: EventKind,
    at: dt.datetime,
    from_status: NeedStatus | None = None,
    to_status: NeedStatus | None = None,
    note: str | None = None,
    assignee: User | None = None,
    assignee_id: int | None = None,
) -> NeedEvent:
    event = NeedEvent(
        actor_id=actor.id if actor is not None else None,
        at=at,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        assignee_id=assignee.id if assignee is not None else assignee_id,
        note=note,
    )
    need.events.append(event)
    return event


def _rowcount(result: Any) -> int:
    return result.rowcount if isinstance(result, CursorResult) else 0
