"""Small helpers shared by handlers: turning service steps into replies, and free-text limits."""

from __future__ import annotations

from app import consult
from app.consult import Ask, Done, Stale
from casework.model import label
from casework.scope import Actor
from casework.workflow import IllegalTransition
from handlers import render, results
from handlers.access import may_use
from handlers.render import Msg
from handlers.route import Reply, Turn
from handlers.texts import has, t
from services.errors import Refused
from storage import steps
from storage.needs import MAX_TEXT


def step_reply(turn: Turn, step: Ask | Done | Stale, *, edit: bool = False) -> Reply:
    """Show the next question (editing the pressed message when asked to) or the results."""
    if isinstance(step, Stale):
        reply = Reply(notice=t("stale", turn.lang))
        c = step.consultation
        if c is not None and not c.current_question:
            # A button of a finished or stopped consultation: show where this chat is now.
            c = steps.active(turn.session, turn.chat_id)
            c = c if c is not None and may_use(turn, c, "stale") else None
        if c is not None and c.current_question:
            reply.messages.append(render.question(turn.manual, consult.current(turn.screener, c), turn.lang))
            reply.shows = (c.id, c.current_seq) if c.current_seq is not None else None
        return reply
    if isinstance(step, Ask):
        msg = render.question(turn.manual, step, turn.lang)
        reply = Reply(edit=msg) if edit else Reply(messages=[msg])
        seq = step.consultation.current_seq
        reply.shows = (step.consultation.id, seq) if seq is not None else None
        return reply
    return results.reply(turn, step)


def actor(turn: Turn) -> Actor:
    """The caller as the policy sees them (role in force, organisation)."""
    return turn.actor


def refused(turn: Turn, exc: Exception) -> str:
    """A service's refusal as a message in the caller's language."""
    if isinstance(exc, Refused) and isinstance(exc.__cause__, IllegalTransition):
        cause = exc.__cause__
        why = t(
            f"transition.{cause.reason}",
            turn.lang,
            frm=label(cause.from_status, turn.lang),
            to=label(cause.to_status, turn.lang),
        )
        return t("need.illegal", turn.lang, why=why)
    if isinstance(exc, Refused):
        key = f"refused.{exc.reason}"
        return t(key, turn.lang, detail=exc.detail) if has(key) else t("not_found", turn.lang)
    return t("not_found", turn.lang)


def too_long(turn: Turn, text: str, limit: int = MAX_TEXT) -> Reply | None:
    """A reply asking for a shorter text when `text` is over `limit`; None when it fits.

    The text is not kept: nothing is stored until it fits, and what was saved before stays.
    """
    if len(text) <= limit:
        return None
    return Reply(messages=[Msg(t("too_long", turn.lang, n=f"{len(text):,}", limit=f"{limit:,}"))])


def limit_text() -> str:
    return f"{MAX_TEXT:,}"
