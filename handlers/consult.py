"""Guided consultation: scope, answers by button or text, back, skip, restart, help."""

from __future__ import annotations

from html import escape
from typing import Any

from app import consult
from app.consult import Scope, Stale
from handlers import render, results
from handlers.access import may_use, viewed
from handlers.callbacks import Action
from handlers.common import step_reply, too_long
from handlers.render import Msg
from handlers.route import Reply, Turn
from handlers.texts import t
from knowledge.model import QuestionType
from storage import repo, steps
from storage.chat import REPLAY_WINDOW, RESULTS_SEQ
from storage.models import ConsultationState, utcnow
from storage.steps import ConsultationRow

MAX_SHORTHAND = 300  # one line of /check shorthand; longer is not shorthand


def start_consultation(
    turn: Turn, scope: Scope, household_id: int | None = None, reuse: bool = False
) -> Reply:
    answers = None
    if household_id is not None and reuse:
        answers = repo.reusable_answers(turn.session, household_id, turn.services.settings.reuse_max_age_days)
    return step_reply(turn, begin(turn, scope, household_id=household_id, reuse=answers))


def begin(turn: Turn, scope: Scope, **given: Any) -> consult.Ask | consult.Done:
    """A new consultation for this chat; `given` as consult.start takes them (reuse, told …)."""
    return consult.start(
        turn.session,
        turn.screener,
        chat_id=turn.chat_id,
        user=turn.caller,
        channel=turn.services.channel,
        language=turn.lang,
        scope=scope,
        **given,
    )


def on_scope(turn: Turn) -> Reply:
    assert turn.callback is not None
    value = turn.callback.args[0]
    if value != "all" and value not in turn.manual.domains:
        return Reply(notice=t("bad_button", turn.lang))
    return start_consultation(turn, Scope("all") if value == "all" else Scope("domain", value))


def on_check(turn: Turn) -> Reply:
    assert turn.callback is not None
    pid = turn.callback.args[0]
    if pid not in turn.manual.programs:
        return Reply(notice=t("bad_button", turn.lang))
    return start_consultation(turn, Scope("program", pid))


def _own_consultation(turn: Turn) -> ConsultationRow | None:
    """The consultation a button names, only if it is this chat's and, for a household, only while
    the caller may see that household: callback data is never trusted, old buttons are re-checked."""
    assert turn.callback is not None
    c = steps.load(turn.session, turn.callback.int_arg(0))
    if c is None or not may_use(turn, c, "consultation"):
        return None
    return c


def on_answer(turn: Turn) -> Reply:
    assert turn.callback is not None
    c = _own_consultation(turn)
    if c is None:
        return Reply(notice=t("bad_button", turn.lang))
    _, qid, token = turn.callback.args
    question = turn.manual.questions.get(qid)
    if question is None:
        return Reply(notice=t("bad_button", turn.lang))
    if question.type == QuestionType.BOOL and token in ("true", "false"):
        value: object = token == "true"
    elif question.type == QuestionType.CHOICE and question.choice(token) is not None:
        value = token
    elif (
        question.type in (QuestionType.MEMBERS, QuestionType.WHO, QuestionType.MULTI_CHOICE)
        and token == "none"
    ):
        value = []
    else:
        return Reply(notice=t("bad_button", turn.lang))
    step = consult.answer_value(turn.session, turn.screener, c, qid, value, turn.lang)
    return step_reply(turn, step, edit=False)


def on_toggle(turn: Turn) -> Reply:
    assert turn.callback is not None
    c = _own_consultation(turn)
    _, qid, choice = turn.callback.args
    question = turn.manual.questions.get(qid)
    if c is None or question is None:
        return Reply(notice=t("bad_button", turn.lang))
    if c.current_question != qid:  # a button of a question no longer on screen
        return step_reply(turn, consult.Stale(c))
    if question.type == QuestionType.WHO:
        valid = choice in {handle for handle, _ in consult.current(turn.screener, c).people}
    else:
        valid = question.choice(choice) is not None
    if not valid:
        return Reply(notice=t("bad_button", turn.lang))
    return step_reply(turn, consult.toggle(turn.session, turn.screener, c, qid, choice), edit=True)


def on_done(turn: Turn) -> Reply:
    assert turn.callback is not None
    c = _own_consultation(turn)
    if c is None:
        return Reply(notice=t("bad_button", turn.lang))
    return step_reply(
        turn, consult.finish_multi(turn.session, turn.screener, c, turn.callback.args[1], turn.lang)
    )


def on_nav(turn: Turn) -> Reply:
    assert turn.callback is not None
    c = _own_consultation(turn)
    if c is None:
        return Reply(notice=t("bad_button", turn.lang))
    what = turn.callback.args[1]
    if what == "restart":
        return start_consultation(turn, consult.scope_of(c), c.household_id)  # access checked above
    if c.state != ConsultationState.ASKING or c.current_question is None:
        return step_reply(turn, Stale(None))
    if what in ("skip", "back", "help", "pop") and not _pressed_on_current(turn, c):
        return step_reply(turn, Stale(c))  # a second tap, or a button under an earlier question
    if what == "help":
        return Reply(messages=[render.question_help(turn.manual.questions[c.current_question], turn.lang)])
    if what == "skip":
        return step_reply(turn, consult.skip(turn.session, turn.screener, c, c.current_question))
    if what == "back":
        return step_reply(turn, consult.back(turn.session, turn.screener, c))
    if what == "pop":
        return step_reply(
            turn, consult.untoggle(turn.session, turn.screener, c, c.current_question), edit=True
        )
    return Reply(notice=t("bad_button", turn.lang))


def _pressed_on_current(turn: Turn, c: ConsultationRow) -> bool:
    """The button was under the question on screen (its message, or a later one showing it again).

    "Skip", "back", "help" and "pop" name only the consultation, not the question: a tap under an
    earlier question (or a second tap while the bot was slow) must not act on the next question.
    """
    if turn.pressed_message_id is None:
        return True
    first = turn.chat_state.showed(c.id, c.current_seq) if turn.chat_state is not None else None
    return first is not None and turn.pressed_message_id >= first


def _show_question(turn: Turn, c: ConsultationRow, before: list[Msg] | None = None) -> Reply:
    reply = Reply(
        messages=[*(before or []), render.question(turn.manual, consult.current(turn.screener, c), turn.lang)]
    )
    reply.shows = (c.id, c.current_seq) if c.current_seq is not None else None
    return reply


def answer_typed(turn: Turn, c: ConsultationRow, text: str) -> Reply:
    """A typed answer, applied only to the question that was on screen when it was typed.

    Message ids in a private chat rise with every message either side sends, so a message older
    than the one that first showed the question was typed before the question appeared (a second
    send while the bot was slow or restarting): it answers an earlier question, not this one. When
    it is not known which message showed the question (the process stopped before it could note
    it), the question is asked again rather than guessed.
    """
    if not may_use(turn, c, "answer"):
        return Reply(messages=[Msg(t("consult.denied", turn.lang))])
    if turn.message_id is not None:
        first = turn.chat_state.showed(c.id, c.current_seq) if turn.chat_state is not None else None
        if first is None:
            return _show_question(turn, c, [Msg(t("typed.unseen", turn.lang))])
        if turn.message_id < first:
            return Reply(messages=[Msg(t("typed.early", turn.lang, n=c.answered + 1))])
    return step_reply(turn, consult.answer_text(turn.session, turn.screener, c, text, turn.lang))


def on_resume(turn: Turn) -> Reply:
    c = steps.active(turn.session, turn.chat_id)
    if c is None or c.current_question is None:
        return Reply(messages=[render.scope_menu(turn.manual, turn.lang)])
    if not may_use(turn, c, "resume"):
        return Reply(messages=[Msg(t("consult.denied", turn.lang))])
    return _show_question(turn, c)


def _results(turn: Turn, c: ConsultationRow) -> Reply:
    answered = sum(1 for v in c.answers.values() if v is not None)
    done = consult.Done(c, consult.verdicts_for(turn.screener, c), answered)
    return results.reply(turn, done)


def on_results(turn: Turn) -> Reply:
    c = _own_consultation(turn)
    if c is None or c.state != ConsultationState.RESULTS:
        return Reply(notice=t("bad_button", turn.lang))
    if c.household_id is not None:
        household = repo.household_by_id(turn.session, c.household_id)
        if household is not None:
            viewed(turn, household, "results")
    return _results(turn, c)


def on_replay(turn: Turn) -> Reply:
    """An update applied before came again: show what its reply showed if that may have been lost
    (the question on screen or the results were never noted as shown), else nothing."""
    latest = repo.latest_consultation(turn.session, turn.chat_id)
    c = steps.load(turn.session, latest.id) if latest is not None else None
    state = turn.chat_state
    if c is None or state is None or not may_use(turn, c, "replay"):
        return Reply()
    if c.state == ConsultationState.ASKING and c.current_question is not None:
        return Reply() if state.showed(c.id, c.current_seq) is not None else _show_question(turn, c)
    # Results finished long ago (before the shown message was noted at all) are not a lost reply.
    recent = c.finished_at is not None and c.finished_at >= utcnow() - REPLAY_WINDOW
    if c.state == ConsultationState.RESULTS and recent and state.showed(c.id, RESULTS_SEQ) is None:
        return _results(turn, c)
    return Reply()


def on_check_command(turn: Turn) -> Reply:
    text = " ".join(turn.args).strip()
    if not text:
        return Reply(messages=[render.Msg(escape(t("check.usage", turn.lang)))])
    longer = too_long(turn, text, MAX_SHORTHAND)
    if longer is not None:
        return longer
    check = consult.quick_check(
        turn.session,
        turn.screener,
        chat_id=turn.chat_id,
        user=turn.user,
        channel=turn.services.channel,
        language=turn.lang,
        text=turn.mask(text).text,
    )
    return Reply(messages=[render.quick_check(turn.manual, check, turn.lang)])


def on_ask(turn: Turn) -> Reply:
    assert turn.callback is not None
    c = _own_consultation(turn)
    if c is None:
        return Reply(notice=t("bad_button", turn.lang))
    return step_reply(turn, consult.ask(turn.session, turn.screener, c, turn.callback.args[1]))


ACTION_HANDLERS = {
    Action.ASK: on_ask,
    Action.SCOPE: on_scope,
    Action.CHECK: on_check,
    Action.ANSWER: on_answer,
    Action.TOGGLE: on_toggle,
    Action.DONE: on_done,
    Action.NAV: on_nav,
    Action.RESULTS: on_results,
}
