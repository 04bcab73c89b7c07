"""Staff mode: consult for a household by pseudonymous code, see its history, reuse answers."""

from __future__ import annotations

from html import escape

from app.consult import Scope
from casework.allocation import kind_label as alloc_label
from casework.model import label
from handlers.access import household_for, viewed
from handlers.callbacks import Action, build
from handlers.common import actor
from handlers.consult import start_consultation
from handlers.needs import KST, local_date
from handlers.render import Keyboard, Msg
from handlers.route import Reply, Turn
from handlers.texts import t
from knowledge.answers import answer_label, show_answer
from services import needs as needs_service
from storage import reminders as reminders_repo
from storage import repo
from storage.models import Consultation, QuestionOutcome


def ask_household(turn: Turn) -> Reply:
    rows: Keyboard = [
        [(h.code, build(Action.HOUSEHOLD, h.code))]
        for h in needs_service.visible_households(turn.session, actor(turn), limit=10)
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
    if household is None:  # another official's matched household: not told apart from an unknown one
        return Reply(messages=[Msg(escape(t("not_found", turn.lang)))])
    view = needs_service.household_view(turn.session, actor(turn), code)  # access-logged there
    lines = [t("staff.household", turn.lang, code=escape(household.code))]
    if view.official_id is not None:
        lines.append(escape(t("household.official", turn.lang, id=view.official_id)))
    lines += _needs_and_visits(turn, view)
    history = repo.household_consultations(turn.session, household.id, limit=5)
    lines.append(
        t("staff.history", turn.lang, n=len(history)) if history else t("staff.no_history", turn.lang)
    )
    for c in history:
        lines.extend(line for line in _history_lines(turn, c) if line)
    lines += _outcome_lines(turn, household.id)
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


def _needs_and_visits(turn: Turn, view: needs_service.HouseholdView) -> list[str]:
    """What the household screen adds to the consultations: its needs, visits and support received."""
    lang = turn.lang
    lines = []
    if view.needs:
        lines.append(escape(t("household.needs", lang, n=len(view.needs))))
        lines += [
            escape(f"• #{n.id} {label(n.category, lang)} · {label(n.status, lang)} · {local_date(n.due_at)}")
            for n in view.needs
        ]
    if view.visits:
        lines.append(escape(t("household.visits", lang)))
        lines += [
            escape(
                f"• {v.visited_at.astimezone(KST):%Y-%m-%d} #{v.staff_id}"
                + (f" — {v.note}" if v.note else "")
            )
            for v in view.visits
        ]
    else:
        lines.append(escape(t("household.no_visits", lang)))
    if view.allocations:
        lines.append(escape(t("household.allocations", lang)))
        lines += [
            escape(f"• {a.given_on:%Y-%m-%d} {a.programme or alloc_label(a.kind, lang)} ({a.season})")
            for a in view.allocations
        ]
    return lines


def _history_lines(turn: Turn, c: Consultation) -> list[str]:
    """Date, questions asked, the answers given and the programmes found, for one earlier consultation."""
    manual, lang = turn.manual, turn.lang
    asked = [q for q in c.questions if q.outcome is not None and q.outcome != QuestionOutcome.UNDONE]
    eligible = [r.program_id for r in c.results if r.status == "eligible" and r.program_id in manual.programs]
    answers = " · ".join(
        f"{answer_label(manual, q, lang)} {show_answer(manual, q, v, lang)}"
        for q, v in (c.answers or {}).items()
    )
    names = ", ".join(manual.programs[p].name.get(lang) for p in eligible) or "—"
    return [
        f"• <b>{c.started_at:%Y-%m-%d}</b> · {escape(t('staff.asked', lang, n=len(asked)))} · "
        f"{escape(t('staff.state.' + str(c.state), lang))}",
        f"  {escape(answers)}" if answers else "",
        f"  ✅ {escape(names)}" if c.results else "",
    ]


def _outcome_lines(turn: Turn, household_id: int) -> list[str]:
    """What the household said when asked whether it applied and got it (follow-ups)."""
    outcomes = reminders_repo.outcomes_of_household(turn.session, household_id)
    if not outcomes:
        return []
    programs, lang = turn.manual.programs, turn.lang
    items = ", ".join(
        f"{programs[o.program_id].name.get(lang) if o.program_id in programs else o.program_id} "
        f"{t('outcome.' + o.status, lang)} ({o.recorded_at:%Y-%m-%d})"
        for o in outcomes
    )
    return [escape(t("outcome.household", lang, items=items))]


def on_household(turn: Turn) -> Reply:
    assert turn.callback is not None
    arg = turn.callback.args[0]
    if arg == "new":
        household = needs_service.new_household(turn.session, actor(turn))
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
    # Not a visit: a consultation may be held by phone or at the office. /visit records one.
    return start_consultation(turn, Scope("all"), household.id, reuse=reuse)


def on_household_command(turn: Turn) -> Reply:
    if not turn.args:
        return ask_household(turn)
    return show_household(turn, turn.args[0])


ACTION_HANDLERS = {Action.HOUSEHOLD: on_household, Action.HSTART: on_household_start}
