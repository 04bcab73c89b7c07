"""The one place that builds and reads callback data.

Callback data comes back from the client and can be forged, so parsing is strict and every
handler re-checks the caller and the record it names (see guard.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

MAX_BYTES = 64  # Telegram's limit for callback_data
# Ids in callback data name rows: at most PostgreSQL's INTEGER (SQLite's limit, 2^63, is larger).
# A bigger or negative number is forged; it must not reach the database, where it would raise.
MAX_ID = 2**31 - 1
_ARG = re.compile(r"^[A-Za-z0-9_\-]{1,40}$")


class Action(StrEnum):
    MENU = "m"  # arg: self | browse | records | lang | resume
    SCOPE = "s"  # arg: all | <domain id>
    ANSWER = "a"  # consultation id, question id, value token
    TOGGLE = "t"  # consultation id, question id, choice value
    DONE = "d"  # consultation id, question id (multi-choice finished)
    NAV = "n"  # consultation id, back | skip | restart | help
    PROGRAM = "p"  # programme id (card)
    CHECK = "c"  # programme id (consultation scoped to it)
    DOMAIN = "b"  # domain id (browse)
    RESULTS = "r"  # consultation id
    HOUSEHOLD = "h"  # household code | new
    HSTART = "hs"  # household id, reuse 1 | 0
    ASK = "q"  # consultation id, question id (staff quick check: ask this one now)
    NEED_START = "ns"  # source c | p | x, consultation id | programme id | 0
    NEED_CATEGORY = "nk"  # category
    NEED_URGENCY = "nu"  # urgency
    NEED_CONSENT = "nx"  # yes | no
    NEED_CALLBACK = "nb"  # am | pm | eve | none
    NEED_DUPLICATE = "nm"  # existing need id, note | override
    NEEDS_LIST = "nl"  # filter, offset
    NEED_CARD = "nc"  # need id
    NEED_ASSIGN = "na"  # need id, user id (0: show the choices)
    NEED_STATUS = "nt"  # need id, status
    NEED_NOTE = "nn"  # need id
    STAFF_REVOKE = "sr"  # user id
    FORGET = "fg"  # yes | no
    NEED_REVIEW = "nr"  # need id, ok | no
    NEED_RELAY_CONSENT = "nz"  # yes | no (while logging a resident's own need)
    REFER = "rf"  # need id, partner id (0: choose), fields a | h | m | x (x: choose)
    REFER_STAFF_CONSENT = "rs"  # need id, partner id, fields: the household agreed, refer now
    REFER_RESIDENT = "ry"  # need id, partner id, fields, yes | no: the resident's own answer
    PARTNER = "pr"  # referral id, accept | decline | report | done
    MEETING = "mt"  # need id, mark | decide
    RELAY = "rl"  # need id, write (assignee) | reply (resident)
    ALLOC_KIND = "ak"  # household id, kind
    ALLOC_OVERRIDE = "ao"  # household id
    REPORT_SIGN = "rg"  # sign | done
    REPORT_URGENCY = "ru"  # urgency


ARITY = {
    Action.MENU: 1,
    Action.SCOPE: 1,
    Action.ANSWER: 3,
    Action.TOGGLE: 3,
    Action.DONE: 2,
    Action.NAV: 2,
    Action.PROGRAM: 1,
    Action.CHECK: 1,
    Action.DOMAIN: 1,
    Action.RESULTS: 1,
    Action.HOUSEHOLD: 1,
    Action.HSTART: 2,
    Action.ASK: 2,
    Action.NEED_START: 2,
    Action.NEED_CATEGORY: 1,
    Action.NEED_URGENCY: 1,
    Action.NEED_CONSENT: 1,
    Action.NEED_CALLBACK: 1,
    Action.NEED_DUPLICATE: 2,
    Action.NEEDS_LIST: 2,
    Action.NEED_CARD: 1,
    Action.NEED_ASSIGN: 2,
    Action.NEED_STATUS: 2,
    Action.NEED_NOTE: 1,
    Action.STAFF_REVOKE: 1,
    Action.FORGET: 1,
    Action.NEED_REVIEW: 2,
    Action.NEED_RELAY_CONSENT: 1,
    Action.REFER: 3,
    Action.REFER_STAFF_CONSENT: 3,
    Action.REFER_RESIDENT: 4,
    Action.PARTNER: 2,
    Action.MEETING: 2,
    Action.RELAY: 2,
    Action.ALLOC_KIND: 2,
    Action.ALLOC_OVERRIDE: 1,
    Action.REPORT_SIGN: 1,
    Action.REPORT_URGENCY: 1,
}


class BadCallback(ValueError):
    pass


@dataclass(frozen=True)
class Callback:
    action: Action
    args: tuple[str, ...]

    def int_arg(self, i: int) -> int:
        """Argument i as a row id or offset: 0 to MAX_ID, plain ASCII digits, else BadCallback."""
        arg = self.args[i]
        if not (arg.isascii() and arg.isdigit()) or len(arg) > len(str(MAX_ID)) or int(arg) > MAX_ID:
            raise BadCallback(f"argument {i} is not a number from 0 to {MAX_ID}")
        return int(arg)


def build(action: Action, *args: object) -> str:
    parts = [str(a) for a in args]
    if len(parts) != ARITY[action] or not all(_ARG.match(p) for p in parts):
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
    if len(args) != ARITY[action] or not all(_ARG.match(a) for a in args):
        raise BadCallback(f"malformed arguments for {action.name}")
    return Callback(action, tuple(args))
