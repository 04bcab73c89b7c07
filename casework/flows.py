"""Every multi-step input the chat collects, declared as state machines: one table of steps.

A draft (storage.drafts: the chat's one unfinished input) has a kind — a flow below — and, in its
data, the step it waits in. Each step says what it waits for (typed text, or one kind of button,
named by its callback code) and which steps may follow. The handlers ask here whether an input is
what the draft waits for (`Flow.waits`) and move on only along a declared edge (`Flow.check`), so a
stale button, a second tap or a text meant for something else never lands in the wrong step.

Pure: no Telegram, no database (callback codes are the plain strings of handlers.callbacks.Action).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

END = "end"  # the draft is gone: saved, declined or stopped


class Waits(StrEnum):
    TEXT = "text"
    BUTTON = "button"


class BadStep(ValueError):
    """A move the flow does not declare: a bug in a handler, never a user's mistake."""


@dataclass(frozen=True, slots=True)
class Step:
    waits: Waits
    button: str | None = None  # the callback code accepted here (handlers.callbacks.Action value)
    then: frozenset[str] = frozenset({END})


def _text(*then: str) -> Step:
    return Step(Waits.TEXT, None, frozenset(then or (END,)))


def _button(code: str, *then: str) -> Step:
    return Step(Waits.BUTTON, code, frozenset(then or (END,)))


@dataclass(frozen=True, slots=True)
class Flow:
    kind: str  # the draft's kind in storage
    first: str
    steps: Mapping[str, Step] = field(default_factory=dict)

    def waits(self, step: str | None, *, text: bool = False, button: str | None = None) -> bool:
        """Whether a draft in `step` takes this input: typed text, or the button with this code."""
        spec = self.steps.get(step or self.first)
        if spec is None:
            return False
        if text:
            return spec.waits == Waits.TEXT
        return spec.waits == Waits.BUTTON and spec.button == button

    def check(self, step: str | None, to: str) -> str:
        """`to` if the flow may go there from `step`, else BadStep."""
        here = step or self.first
        if here not in self.steps or to not in self.steps[here].then:
            raise BadStep(f"{self.kind}: {here} → {to} is not declared")
        return to


# A need (handlers.needs): staff name the household first; residents agree before it is saved,
# choose a call-back window and whether the official may write to them through the bot.
NEED = Flow(
    "need",
    "category",
    {
        "household": _text("category"),
        "category": _button("nk", "urgency"),
        "urgency": _button("nu", "description"),
        # Staff save at once; a resident is told what is kept and agrees first.
        "description": _text("consent", "duplicate", END),
        "consent": _button("nx", "callback", END),
        "callback": _button("nb", "relay"),
        "relay": _button("nz", "duplicate", END),
        # Saving found a possible duplicate: add a note to it, or (coordinators) say why it is not one.
        "duplicate": _button("nm", "override", END),
        "override": _text("duplicate", END),
    },
)
# One typed text after a button on a need's card (handlers.coord).
NEED_NOTE = Flow("need_note", "text", {"text": _text()})
NEED_STATUS = Flow("need_status", "text", {"text": _text()})  # the reason a status change needs
NEED_REVIEW = Flow("need_review", "text", {"text": _text()})  # why the head turns it down
EXPORT = Flow("export", "text", {"text": _text()})  # why the export is made (access log)
# The district network (handlers.network).
PARTNER_REPORT = Flow("partner_report", "text", {"text": _text()})
DECISION = Flow("decision", "text", {"text": _text()})  # a case meeting's decision
RELAY_OUT = Flow("relay_out", "text", {"text": _text()})  # the assignee writes to the resident
RELAY_IN = Flow("relay_in", "text", {"text": _text()})  # the resident's reply
ALLOCATION = Flow(
    "alloc",
    "amount",
    {
        "amount": _text("duplicate", END),
        "duplicate": _button("ao", "reason"),
        "reason": _text("duplicate", END),
    },
)
CRISIS_REPORT = Flow(
    "report",
    "where",
    {"where": _text("signs"), "signs": _button("rg", "signs", "urgency"), "urgency": _button("ru", END)},
)

FLOWS: dict[str, Flow] = {
    f.kind: f
    for f in (
        NEED,
        NEED_NOTE,
        NEED_STATUS,
        NEED_REVIEW,
        EXPORT,
        PARTNER_REPORT,
        DECISION,
        RELAY_OUT,
        RELAY_IN,
        ALLOCATION,
        CRISIS_REPORT,
    )
}


def waits_for_text(kind: str, step: str | None) -> bool:
    flow = FLOWS.get(kind)
    return flow is not None and flow.waits(step, text=True)
