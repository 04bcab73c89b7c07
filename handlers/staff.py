"""Staff mode: consult for a household by pseudonymous code, see its history, reuse answers."""

from __future__ import annotations

from html import escape

from app.consult import Scope
from handlers.access import household_for, viewed
from handlers.callbacks import Action, build
from handlers.consult import start_consultation
from handlers.render import Keyboard, Msg
from handlers.route import Reply, Turn
from handlers.texts import t
from knowledge.engine import show_value
from storage import needs as needs_repo
from storage import repo
from storage.models import Consultation, QuestionOutcome


def ask_household(turn: Turn) -> Reply:
    rows: Keyboard = [
        [(h.code, build(Action.HOUSEHOLD, h.code))] for h in repo.caseload(turn.session, turn.user)[:10]
    ]
    rows.append([(t("staff.new_household", turn.lang), build(Action.HOUSEHOLD, "new"))])
    return Reply(messages=[Msg(t("staff.ask_household", turn.lang), rows)])


def show_household(turn: Turn, code_text: str) -> Reply:
    code = repo.normalise_household_code(code_text)
    if code is None:
        return Reply(messages=[Msg(t("staff.bad_code", turn.lang))])
    found = repo.household_by_code(turn.session, code)
    if found is None:
        rows = [[(t("staff.new_household", turn.lang), build(Action.HOUSEHOLD, "new"))]]
        return Reply(messages=[Msg(escape(t("staff.unknown_household", turn.lang, code=code)), rows)])
    household = household_for(turn, found, "history")
    if household is None:
        return Reply(messages=[Msg(t("staff.not_yours", turn.lang))])
    viewed(turn, household, "history")
    lines = [t("staff.household", turn.lang, code=escape(household.code))]
    history = repo.household_consultations(turn.session, household.id, limit=5)
    lines.append(
        t("staff.history", turn.lang, n=len(history)) if history else t("staff.no_history", turn.lang)
    )
    for c in history:
        lines.extend(line for line in _history_lines(turn, c) if line)
    rows = []
    max_age = turn.services.settings.reuse_max_age_days
    earlier = repo.reusable_consultation(turn.session, household.id, max_age)
    reusable = {k: v for k, v in earlier.answers.items() if v is not None} if earlier else {}
    if earlier is not None and reusable:
        date = (earlier.finished_at or earlier.started_at).date().isoformat()
        rows.append(
            [(t("staff.reuse", turn.lang, n=len(reusable), date=date), build(Action.HSTART, household.id, 1))]
        )
        rows.append([(t("staff.fresh", turn.lang), build(Action.HSTART, household.id, 0))])
    else:
        rows.append([(t("staff.start", turn.lang), build(Action.HSTART, household.id, 0))])
    return Reply(messages=[Msg("\n".join(lines), rows)])


def _history_lines(turn: Turn, c: Consultation) -> list[str]:
    """Date, questions asked, the answers given and the programmes found, for one earlier consultation."""
    manual, lang = turn.manual, turn.lang
    asked = [q for q in c.questions if q.outcome is not None and q.outcome != QuestionOutcome.UNDONE]
    eligible = [r.program_id for r in c.results if r.status == "eligible" and r.program_id in manual.programs]
    answers = " · ".join(
        f"{manual.questions[q].short.get(lang)} {show_value(manual, q, v, lang)}"
        for q, v in (c.answers or {}).items()
        if q in manual.questions
    )
    names = ", ".join(manual.programs[p].name.get(lang) for p in eligible) or "—"
    return [
        f"• <b>{c.started_at:%Y-%m-%d}</b> · {escape(t('staff.asked', lang, n=len(asked)))} · "
        f"{escape(t('staff.state.' + str(c.state), lang))}",
        f"  {escape(answers)}" if answers else "",
        f"  ✅ {escape(names)}" if c.results else "",
    ]


def on_household(turn: Turn) -> Reply:
    assert turn.callback is not None
    arg = turn.callback.args[0]
    if arg == "new":
        household = repo.create_household(turn.session, repo.next_household_code(turn.session), turn.user)
        turn.session.flush()
        return show_household(turn, household.code)
    return show_household(turn, arg)


def on_household_start(turn: Turn) -> Reply:
    assert turn.callback is not None
    household = household_for(turn, turn.callback.int_arg(0), "consult")
    if household is None:
        return Reply(notice=t("bad_button", turn.lang))
    reuse = turn.callback.args[1] == "1"
    if reuse:
        viewed(turn, household, "reuse")
    # Consulting at the household is a visit: it feeds the monthly reminder and the statistics.
    needs_repo.record_visit(turn.session, household, turn.user)
    return start_consultation(turn, Scope("all"), household.id, reuse=reuse)


def on_household_command(turn: Turn) -> Reply:
    if not turn.args:
        return ask_household(turn)
    return show_household(turn, turn.args[0])


ACTION_HANDLERS = {Action.HOUSEHOLD: on_household, Action.HSTART: on_household_start}
