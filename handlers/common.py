"""Small helpers shared by handlers: turning service steps into replies."""

from __future__ import annotations

from app import consult
from app.consult import Ask, Done, Stale
from casework.scope import Actor
from handlers import render
from handlers.route import Reply, Turn
from handlers.texts import TEXTS, t
from services.actors import actor_of
from services.errors import Refused


def step_reply(turn: Turn, step: Ask | Done | Stale, *, edit: bool = False) -> Reply:
    """Show the next question (editing the pressed message when asked to) or the results."""
    if isinstance(step, Stale):
        reply = Reply(notice=t("stale", turn.lang))
        if step.consultation is not None and step.consultation.current_question:
            reply.messages.append(
                render.question(turn.manual, consult.current(turn.screener, step.consultation), turn.lang)
            )
        return reply
    if isinstance(step, Ask):
        msg = render.question(turn.manual, step, turn.lang)
        return Reply(edit=msg) if edit else Reply(messages=[msg])
    return Reply(messages=render.results(turn.manual, step, turn.lang))


def actor(turn: Turn) -> Actor:
    """The caller as the policy sees them (role in force, organisation)."""
    return actor_of(turn.session, turn.caller.id, turn.role)


def refused(turn: Turn, exc: Exception) -> str:
    """A service's refusal as a message in the caller's language."""
    if isinstance(exc, Refused):
        key = f"refused.{exc.reason}"
        return t(key, turn.lang, detail=exc.detail) if key in TEXTS else t("not_found", turn.lang)
    return t("not_found", turn.lang)
