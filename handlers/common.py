"""Small helpers shared by handlers: turning service steps into replies."""

from __future__ import annotations

from app import consult
from app.consult import Ask, Done, Stale
from handlers import render
from handlers.route import Reply, Turn
from handlers.texts import t


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
