"""Reminders from the results (an application window, the month before a 65th birthday, "did you get
it?" a few weeks later), what they say when they come (handlers.jobs sends them), and the answer to a
follow-up, recorded as the consultation's outcome. Dates come from knowledge.reminders."""

from __future__ import annotations

import datetime as dt
from html import escape

from app import consult
from app.settings import Settings
from handlers import person
from handlers.callbacks import Action, build
from handlers.render import Keyboard, Msg
from handlers.results import own_results, today
from handlers.route import Reply, Turn
from handlers.texts import t
from knowledge import advice
from knowledge import reminders as dates
from knowledge.manual import Manual
from knowledge.screener import Verdict
from knowledge.text import Lang
from storage import reminders as store
from storage.models_reminders import OutcomeStatus, Reminder, ReminderKind
from storage.steps import ConsultationRow

PENSION = "basic_pension"
PENSION_ASK_FROM = 60  # the birthday reminder is offered from this age (to 64)
ANSWERS = tuple(s.value for s in OutcomeStatus)


def _dated(manual: Manual, verdicts: dict[str, Verdict]) -> list[str]:
    """Likely programmes with a yearly application window, most important first."""
    ranked = sorted(advice.likely(verdicts), key=lambda v: advice.rank_key(manual, v))
    return [v.program for v in ranked if manual.programs[v.program].apply.period is not None]


def _age(c: ConsultationRow) -> int | None:
    age = c.answers.get("age")
    return age if isinstance(age, int) and not isinstance(age, bool) else None


def menu(turn: Turn, c: ConsultationRow, verdicts: dict[str, Verdict]) -> Msg:
    manual, lang, day = turn.manual, turn.lang, today()
    lines = [f"<b>{escape(t('remind.head', lang))}</b>", escape(t("remind.intro", lang))]
    rows: Keyboard = []
    for pid in _dated(manual, verdicts):
        program = manual.programs[pid]
        period = program.apply.period
        assert period is not None
        window = dates.window(period, day)
        name = program.name.get(lang)
        if window.open_on(day):
            lines.append("• " + escape(t("remind.open_now", lang, name=name, end=window.end.isoformat())))
        else:
            label = t("remind.b_period", lang, name=name, date=window.start.isoformat())
            rows.append([(label, build(Action.REMIND, c.id, pid))])
    age = _age(c)
    if age is not None and PENSION_ASK_FROM <= age < dates.PENSION_AGE:
        rows.append([(t("remind.b_pension", lang), build(Action.REMIND, c.id, "pension"))])
    if advice.matters_most(manual, verdicts, 3):
        rows.append(
            [
                (
                    t("remind.b_follow", lang, days=turn.services.settings.follow_up_days),
                    build(Action.REMIND, c.id, "follow"),
                )
            ]
        )
    if not rows:
        lines.append(escape(t("remind.none", lang)))
    return Msg("\n".join(lines), rows)


def _add(turn: Turn, c: ConsultationRow, pid: str, kind: ReminderKind, due: dt.date) -> bool:
    added = store.add(
        turn.session,
        user_id=turn.caller.id,
        chat_id=turn.chat_id,
        language=turn.lang.value,
        consultation_id=c.id,
        household_id=c.household_id,
        program_id=pid,
        kind=kind,
        due_on=due,
    )
    return added is not None


def _set(turn: Turn, added: bool, due: dt.date) -> Reply:
    if not added:
        return Reply(notice=t("remind.already", turn.lang))
    return Reply(messages=[Msg(escape(t("remind.set", turn.lang, date=due.isoformat())))])


def on_remind(turn: Turn) -> Reply:
    assert turn.callback is not None
    c = own_results(turn)
    if c is None:
        return Reply(notice=t("bad_button", turn.lang))
    what, verdicts = turn.callback.args[1], consult.verdicts_for(turn.screener, c)
    if what == "menu":
        return Reply(messages=[menu(turn, c, verdicts)])
    if what == "pension":
        return _ask_month(turn, c)
    if what == "follow":
        return _follow(turn, c, verdicts)
    if what not in _dated(turn.manual, verdicts):
        return Reply(notice=t("bad_button", turn.lang))
    period = turn.manual.programs[what].apply.period
    due = dates.period_reminder(period, today())
    if due is None:
        return Reply(notice=t("remind.open", turn.lang))
    return _set(turn, _add(turn, c, what, ReminderKind.PERIOD, due), due)


def _follow(turn: Turn, c: ConsultationRow, verdicts: dict[str, Verdict]) -> Reply:
    due = today() + dt.timedelta(days=turn.services.settings.follow_up_days)
    added = [
        _add(turn, c, v.program, ReminderKind.FOLLOW_UP, due)
        for v in advice.matters_most(turn.manual, verdicts, 3)
    ]
    return _set(turn, any(added), due)


def _ask_month(turn: Turn, c: ConsultationRow) -> Reply:
    months = [(t("remind.month", turn.lang, m=m), build(Action.REMIND_MONTH, c.id, m)) for m in range(1, 13)]
    rows = [months[i : i + 4] for i in range(0, 12, 4)]
    return Reply(messages=[Msg(escape(t("remind.ask_month", turn.lang)), rows)])


def on_remind_month(turn: Turn) -> Reply:
    assert turn.callback is not None
    c = own_results(turn)
    month = turn.callback.args[1]
    age = _age(c) if c is not None else None
    if c is None or age is None or not month.isdigit() or not 1 <= int(month) <= 12:
        return Reply(notice=t("bad_button", turn.lang))
    due = dates.pension_month(age, int(month), today())
    if due is None:
        key = "remind.pension_now" if age >= dates.PENSION_AGE - 1 else "remind.pension_far"
        return Reply(messages=[Msg(escape(t(key, turn.lang)))])
    return _set(turn, _add(turn, c, PENSION, ReminderKind.PENSION, due), due)


# ---------------------------------------------------------------- what a reminder says when it comes


def reminder_msg(manual: Manual, settings: Settings, r: Reminder) -> Msg:
    """The message a due reminder sends (in the language of the chat that asked for it)."""
    lang = Lang.parse(r.language)
    program = manual.programs.get(r.program_id)
    name = program.name.get(lang) if program is not None else r.program_id
    rows: Keyboard = []
    if r.kind == ReminderKind.FOLLOW_UP:
        text = t(
            "remind.follow_text", lang, name=name, date=r.created_at.astimezone(dt.UTC).date().isoformat()
        )
        labels = [(t(f"remind.answer_{a}", lang), build(Action.FOLLOW_UP, r.id, a)) for a in ANSWERS]
        rows = [labels[:2], labels[2:]]
    elif r.kind == ReminderKind.PENSION:
        text = t("remind.pension_text", lang, name=name)
    else:
        text = t("remind.period_text", lang, name=name)
    lines = [escape(text)]
    if program is not None and r.kind != ReminderKind.FOLLOW_UP:
        lines.append("👉 " + escape(t("results.apply_at", lang, where=program.apply.where.get(lang))))
    if program is not None:
        rows.append([(program.name.get(lang), build(Action.PROGRAM, program.id))])
    rows.append([person.button(lang, "p", program.id) if program is not None else person.button(lang)])
    return Msg("\n".join(lines), rows)


def on_follow_up(turn: Turn) -> Reply:
    assert turn.callback is not None
    r = store.get(turn.session, turn.callback.int_arg(0))
    answer = turn.callback.args[1]
    if r is None or r.chat_id != turn.chat_id or r.kind != ReminderKind.FOLLOW_UP or answer not in ANSWERS:
        return Reply(notice=t("remind.gone", turn.lang))
    status = OutcomeStatus(answer)
    if status == OutcomeStatus.WAITING and r.round == 1:  # asked once more, a few weeks on
        store.follow_up(
            turn.session, r, today() + dt.timedelta(days=turn.services.settings.follow_up_days), 2
        )
    program = r.program_id
    store.record_outcome(turn.session, r, status)
    text = escape(t(f"remind.thanks_{answer}", turn.lang))
    rows: Keyboard = []
    if status in (OutcomeStatus.TURNED_DOWN, OutcomeStatus.NOT_APPLIED):
        rows = [[person.button(turn.lang, "p", program)]]
    return Reply(edit=Msg(text, rows))


ACTION_HANDLERS = {
    Action.REMIND: on_remind,
    Action.REMIND_MONTH: on_remind_month,
    Action.FOLLOW_UP: on_follow_up,
}
