"""Guided consultation: scope, answers by button or text, back, skip, restart, help."""

from __future__ import annotations

from html import escape

from app import consult
from app.consult import Scope, Stale
from handlers import render
from handlers.callbacks import Action
from handlers.common import step_reply
from handlers.route import Reply, Turn
from handlers.texts import t
from knowledge.model import QuestionType
from knowledge.privacy import mask_pii
from storage import repo, steps
from storage.models import ConsultationState
from storage.steps import ConsultationRow


def start_consultation(
    turn: Turn, scope: Scope, household_id: int | None = None, reuse: bool = False
) -> Reply:
    answers = None
    if household_id is not None and reuse:
        answers = repo.reusable_answers(turn.session, household_id, turn.services.settings.reuse_max_age_days)
    step = consult.start(
        turn.session,
        turn.screener,
        chat_id=turn.chat_id,
        user=turn.caller,
        channel=turn.services.channel,
        language=turn.lang,
        scope=scope,
        household_id=household_id,
        reuse=answers,
    )
    return step_reply(turn, step)


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
    """The consultation a button names, only if it is this chat's: callback data is never trusted."""
    assert turn.callback is not None
    c = steps.load(turn.session, turn.callback.int_arg(0))
    if c is None or c.chat_id != turn.chat_id:
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
        return start_consultation(turn, consult.scope_of(c), c.household_id)
    if c.state != ConsultationState.ASKING or c.current_question is None:
        return step_reply(turn, Stale(None))
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


def answer_typed(turn: Turn, c: ConsultationRow, text: str) -> Reply:
    return step_reply(turn, consult.answer_text(turn.session, turn.screener, c, text, turn.lang))


def on_resume(turn: Turn) -> Reply:
    c = steps.active(turn.session, turn.chat_id)
    if c is None or c.current_question is None:
        return Reply(messages=[render.scope_menu(turn.manual, turn.lang)])
    return Reply(messages=[render.question(turn.manual, consult.current(turn.screener, c), turn.lang)])


def on_results(turn: Turn) -> Reply:
    c = _own_consultation(turn)
    if c is None or c.state != ConsultationState.RESULTS:
        return Reply(notice=t("bad_button", turn.lang))
    answered = sum(1 for v in c.answers.values() if v is not None)
    done = consult.Done(c, consult.verdicts_for(turn.screener, c), answered)
    return Reply(messages=render.results(turn.manual, done, turn.lang))


def on_check_command(turn: Turn) -> Reply:
    text = " ".join(turn.args).strip()
    if not text:
        return Reply(messages=[render.Msg(escape(t("check.usage", turn.lang)))])
    check = consult.quick_check(
        turn.session,
        turn.screener,
        chat_id=turn.chat_id,
        user=turn.user,
        channel=turn.services.channel,
        language=turn.lang,
        text=mask_pii(text).text,
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
