"""The one place that declares, builds and reads callback data.

Callback data comes back from the client and can be forged, so parsing is strict and every
handler re-checks the caller and the record it names (see guard.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from handlers.groups import ADMIN, COORDINATORS, EVERYONE, HEADS, PARTNERS, REPORTERS, STAFF, SUPPORT
from storage.models import Role

MAX_BYTES = 64  # Telegram's limit for callback_data
# Ids in callback data name rows: at most PostgreSQL's INTEGER (SQLite's limit, 2^63, is larger).
# A bigger or negative number is forged; it must not reach the database, where it would raise.
MAX_ID = 2**31 - 1
_ARG = re.compile(r"^[A-Za-z0-9_\-]{1,40}$")


class Action(StrEnum):
    """The code each button's callback data starts with (what the button does: BUTTONS)."""

    MENU = "m"
    SCOPE = "s"
    ANSWER = "a"
    TOGGLE = "t"
    DONE = "d"
    NAV = "n"
    PROGRAM = "p"
    CHECK = "c"
    DOMAIN = "b"
    RESULTS = "r"
    HOUSEHOLD = "h"
    HSTART = "hs"
    ASK = "q"
    NEED_START = "ns"
    NEED_CATEGORY = "nk"
    NEED_URGENCY = "nu"
    NEED_CONSENT = "nx"
    NEED_CALLBACK = "nb"
    NEED_DUPLICATE = "nm"
    NEEDS_LIST = "nl"
    NEED_CARD = "nc"
    NEED_ASSIGN = "na"
    NEED_STATUS = "nt"
    NEED_NOTE = "nn"
    STAFF_REVOKE = "sr"
    FORGET = "fg"
    NEED_REVIEW = "nr"
    NEED_RELAY_CONSENT = "nz"
    REFER = "rf"
    REFER_STAFF_CONSENT = "rs"
    REFER_RESIDENT = "ry"
    PARTNER = "pr"
    MEETING = "mt"
    RELAY = "rl"
    ALLOC_KIND = "ak"
    ALLOC_OVERRIDE = "ao"
    REPORT_SIGN = "rg"
    REPORT_URGENCY = "ru"
    RESULTS_VIEW = "rv"
    PERSON = "tp"
    REMIND = "rm"
    REMIND_MONTH = "rb"
    FOLLOW_UP = "fu"


class Kind(StrEnum):
    ID = "id"  # a row id or an offset: 0 to MAX_ID, checked when the data is read
    WORD = "word"  # a token: question id, choice value, filter name …


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: Kind = Kind.WORD


def _id(name: str) -> Field:
    return Field(name, Kind.ID)


def _w(name: str) -> Field:
    return Field(name, Kind.WORD)


@dataclass(frozen=True, slots=True)
class Button:
    """One kind of button: its fields in order, and who may press it at all (what they may do to the
    record it names is decided again by the one policy, casework.scope)."""

    fields: tuple[Field, ...]
    roles: frozenset[Role]
    note: str = ""


# Every button, declared once: its callback fields with their types, and the roles it is offered to.
BUTTONS: dict[Action, Button] = {
    Action.MENU: Button((_w("item"),), EVERYONE, "self | browse | records | lang | resume"),
    Action.SCOPE: Button((_w("scope"),), EVERYONE, "all | a domain id"),
    Action.ANSWER: Button((_id("consultation"), _w("question"), _w("value")), EVERYONE),
    Action.TOGGLE: Button((_id("consultation"), _w("question"), _w("choice")), EVERYONE),
    Action.DONE: Button((_id("consultation"), _w("question")), EVERYONE, "a multi-choice finished"),
    Action.NAV: Button((_id("consultation"), _w("to")), EVERYONE, "back | skip | restart | help"),
    Action.PROGRAM: Button((_w("programme"),), EVERYONE, "its card"),
    Action.CHECK: Button((_w("programme"),), EVERYONE, "a consultation scoped to it"),
    Action.DOMAIN: Button((_w("domain"),), EVERYONE, "browse"),
    Action.RESULTS: Button((_id("consultation"),), EVERYONE),
    Action.HOUSEHOLD: Button((_w("code"),), STAFF, "a household code | new"),
    Action.HSTART: Button((_id("household"), _w("reuse")), STAFF, "reuse 1 | 0"),
    Action.ASK: Button((_id("consultation"), _w("question")), STAFF, "quick check: ask this one now"),
    # Logging a need: anyone, on their own draft (the handler checks the draft is this chat's).
    Action.NEED_START: Button(
        (_w("source"), _w("ref")), EVERYONE, "c | p | x: a consultation id | a programme id | 0"
    ),
    Action.NEED_CATEGORY: Button((_w("category"),), EVERYONE),
    Action.NEED_URGENCY: Button((_w("urgency"),), EVERYONE),
    Action.NEED_CONSENT: Button((_w("answer"),), EVERYONE, "yes | no"),
    Action.NEED_CALLBACK: Button((_w("window"),), EVERYONE, "am | pm | eve | none"),
    Action.NEED_DUPLICATE: Button((_id("need"), _w("choice")), EVERYONE, "note | override: coordinators"),
    # Following needs up: staff see their own, coordinators all (checked per need by the policy).
    Action.NEEDS_LIST: Button((_w("filter"), _id("offset")), STAFF),
    Action.NEED_CARD: Button((_id("need"),), STAFF),
    Action.NEED_ASSIGN: Button((_id("need"), _id("user")), HEADS, "user 0: show the choices"),
    Action.NEED_STATUS: Button((_id("need"), _w("status")), STAFF),
    Action.NEED_NOTE: Button((_id("need"),), STAFF),
    Action.STAFF_REVOKE: Button((_id("user"),), ADMIN),
    Action.FORGET: Button((_w("answer"),), EVERYONE, "yes | no"),
    Action.NEED_REVIEW: Button((_id("need"), _w("answer")), HEADS, "ok | no; the head of its centre"),
    Action.NEED_RELAY_CONSENT: Button((_w("answer"),), EVERYONE, "yes | no, while logging one's own need"),
    Action.REFER: Button((_id("need"), _id("partner"), _w("fields")), COORDINATORS, "partner 0: choose"),
    Action.REFER_STAFF_CONSENT: Button((_id("need"), _id("partner"), _w("fields")), COORDINATORS),
    # Only the resident whose need it is (checked in the handler).
    Action.REFER_RESIDENT: Button((_id("need"), _id("partner"), _w("fields"), _w("answer")), EVERYONE),
    Action.PARTNER: Button((_id("referral"), _w("answer")), PARTNERS, "accept | decline | report | done"),
    Action.MEETING: Button((_id("need"), _w("step")), HEADS, "mark | decide"),
    # The assignee writes, the resident replies (checked in the handler).
    Action.RELAY: Button((_id("need"), _w("step")), EVERYONE, "write | reply"),
    Action.ALLOC_KIND: Button((_id("household"), _w("kind")), SUPPORT),
    Action.ALLOC_OVERRIDE: Button((_id("household"),), SUPPORT),
    Action.REPORT_SIGN: Button((_w("sign"),), REPORTERS, "a sign | done"),
    Action.REPORT_URGENCY: Button((_w("urgency"),), REPORTERS),
    # Results people can act on (handlers.results): the caller's own consultation, re-checked.
    Action.RESULTS_VIEW: Button(
        (_id("consultation"), _w("view")), EVERYONE, "summary | details | why | why_all | docs | pdf | terms"
    ),
    Action.PERSON: Button((_w("source"), _w("ref")), EVERYONE, "c | p | x: as NEED_START; phones, call-back"),
    Action.REMIND: Button(
        (_id("consultation"), _w("what")), EVERYONE, "menu | a programme id | pension | follow"
    ),
    Action.REMIND_MONTH: Button((_id("consultation"), _w("month")), EVERYONE, "birth month 1-12"),
    # Only the chat the follow-up was sent to (checked in the handler).
    Action.FOLLOW_UP: Button(
        (_id("reminder"), _w("answer")), EVERYONE, "received | waiting | turned_down | not_applied"
    ),
}


class BadCallback(ValueError):
    pass


@dataclass(frozen=True)
class Callback:
    action: Action
    args: tuple[str, ...]

    def int_arg(self, i: int) -> int:
        """Argument i as a row id or offset: 0 to MAX_ID, plain ASCII digits, else BadCallback."""
        return _as_id(self.args[i], i)

    def get(self, name: str) -> str:
        """A field by its declared name."""
        fields = BUTTONS[self.action].fields
        return self.args[next(i for i, f in enumerate(fields) if f.name == name)]


def _as_id(arg: str, i: int) -> int:
    if not (arg.isascii() and arg.isdigit()) or len(arg) > len(str(MAX_ID)) or int(arg) > MAX_ID:
        raise BadCallback(f"argument {i} is not a number from 0 to {MAX_ID}")
    return int(arg)


def _valid(action: Action, parts: list[str]) -> bool:
    fields = BUTTONS[action].fields
    if len(parts) != len(fields) or not all(_ARG.match(p) for p in parts):
        return False
    try:
        for i, (part, field) in enumerate(zip(parts, fields, strict=True)):
            if field.kind == Kind.ID:
                _as_id(part, i)
    except BadCallback:
        return False
    return True


def build(action: Action, *args: object) -> str:
    parts = [str(a) for a in args]
    if not _valid(action, parts):
        raise ValueError(f"bad callback arguments for {action.name}: {parts}")
    data = ":".join([action.value, *parts])
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data}")
    return data


def parse(data: str | None) -> Callback:
    if not data:
        raise BadCallback("empty callback data")
    head, *args = data.split(":")
    try:
        action = Action(head)
    except ValueError as exc:
        raise BadCallback(f"unknown action {head!r}") from exc
    if not _valid(action, args):
        raise BadCallback(f"malformed arguments for {action.name}")
    return Callback(action, tuple(args))
