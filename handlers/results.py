"""Results people can act on: first a short summary (how many programmes may apply, the few that
matter most with the amount and where to apply), then on demand the details, why not and what is still
unknown, one merged document checklist, a printable PDF, reminders, the glossary and a way to a person.

What matters most and the merged checklist are decided in knowledge.advice; dates in
knowledge.reminders; this module only turns them into messages and buttons.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from app import consult
from app.consult import Done
from casework.policy import KST
from handlers import person, printout
from handlers.access import may_use, viewed
from handlers.callbacks import Action, build
from handlers.render import Keyboard, Msg
from handlers.route import Reply, Turn
from handlers.texts import t
from knowledge import advice
from knowledge.manual import Manual
from knowledge.model import Program, Term
from knowledge.screener import Status, Verdict
from knowledge.text import Lang
from storage import repo, steps
from storage.chat import RESULTS_SEQ
from storage.models import ConsultationState
from storage.steps import ConsultationRow

TOP = 3
VIEWS = ("summary", "details", "why", "why_all", "docs", "pdf", "terms")


def today() -> dt.date:
    return dt.datetime.now(KST).date()


def _date(c: ConsultationRow) -> str:
    return c.started_at.date().isoformat() if c.started_at else ""


def _where(program: Program, lang: Lang) -> str:
    phone = f" · ☎ {program.apply.phone}" if program.apply.phone else ""
    return program.apply.where.get(lang) + phone


def _pick_lines(manual: Manual, n: int, v: Verdict, lang: Lang) -> list[str]:
    program = manual.programs[v.program]
    mark = "✅" if v.status == Status.ELIGIBLE else "❓"
    later = "" if v.status == Status.ELIGIBLE else f" ({escape(t('results.to_check', lang))})"
    return [
        f"{n}. {mark} <b>{escape(program.name.get(lang))}</b>{later}",
        f"   💰 {escape(advice.headline(program.benefit.get(lang)))}",
        f"   👉 {escape(t('results.apply_at', lang, where=_where(program, lang)))}",
    ]


def summary(turn: Turn, c: ConsultationRow, verdicts: dict[str, Verdict]) -> Msg:
    manual, lang = turn.manual, turn.lang
    likely = advice.likely(verdicts)
    yes = sum(1 for v in likely if v.status == Status.ELIGIBLE)
    answered = sum(1 for value in c.answers.values() if value is not None)
    lines = [t("results.head", lang, date=_date(c), n=answered)]
    if likely:
        lines.append(escape(t("results.count", lang, yes=yes, unknown=len(likely) - yes)))
    else:
        lines.append(escape(t("results.nothing", lang)))
    receiving = sum(1 for v in verdicts.values() if v.receiving)
    if receiving:
        lines.append(escape(t("results.receiving", lang, n=receiving)))
    top = advice.matters_most(manual, verdicts, TOP)
    if top:
        lines += ["", f"<b>{escape(t('results.first', lang))}</b>"]
        for n, v in enumerate(top, 1):
            lines += _pick_lines(manual, n, v, lang)
    lines += [
        "",
        f"<i>{escape(t('results.caution', lang))}</i>",
        "🙋 " + escape(person.phones(turn.services.settings, lang)),
    ]
    return Msg("\n".join(lines), _summary_keyboard(turn, c, verdicts))


def _summary_keyboard(turn: Turn, c: ConsultationRow, verdicts: dict[str, Verdict]) -> Keyboard:
    lang = turn.lang

    def view(key: str, what: str) -> tuple[str, str]:
        return (t(key, lang), build(Action.RESULTS_VIEW, c.id, what))

    rows: Keyboard = [
        [view("results.b_details", "details"), view("results.b_why", "why")],
        [view("results.b_docs", "docs"), view("results.b_pdf", "pdf")],
        [(t("results.b_remind", lang), build(Action.REMIND, c.id, "menu")), person.button(lang, "c", c.id)],
    ]
    if _terms(turn.manual, verdicts, lang):
        rows.append([view("results.b_terms", "terms")])
    if c.household_id is not None:  # staff: log what the household needs, for follow-up
        rows.append([(t("need.button", lang), build(Action.NEED_START, "c", c.id))])
    rows.append([(t("nav.restart", lang), build(Action.NAV, c.id, "restart"))])
    return rows


def reply(turn: Turn, done: Done) -> Reply:
    """The results as first shown: the summary alone (the rest is a button away)."""
    return Reply(
        messages=[summary(turn, done.consultation, done.verdicts)], shows=(done.consultation.id, RESULTS_SEQ)
    )


def _item(name: str, text: str) -> str:
    """• <b>name</b>: text — both escaped (manual text)."""
    return f"• <b>{escape(name)}</b>: {escape(text)}"


def _back(lang: Lang, cid: int) -> list[tuple[str, str]]:
    return [(t("results.b_summary", lang), build(Action.RESULTS_VIEW, cid, "summary"))]


def details(turn: Turn, c: ConsultationRow, verdicts: dict[str, Verdict]) -> Msg:
    manual, lang = turn.manual, turn.lang
    ranked = sorted(advice.likely(verdicts), key=lambda v: advice.rank_key(manual, v))
    lines = [f"<b>{escape(t('results.details_head', lang))}</b>"]
    for status, key in ((Status.ELIGIBLE, "results.eligible"), (Status.UNKNOWN, "results.unknown")):
        group = [v for v in ranked if v.status == status]
        if group:
            lines += ["", f"{t(key, lang)} ({len(group)})"]
        for v in group:
            program = manual.programs[v.program]
            lines.append(_item(program.name.get(lang), advice.headline(program.benefit.get(lang))))
    lines += ["", f"<i>{escape(t('results.footer', lang))}</i>"]
    rows: Keyboard = [
        [
            (
                ("✅ " if v.status == Status.ELIGIBLE else "❓ ") + manual.programs[v.program].name.get(lang),
                build(Action.PROGRAM, v.program),
            )
        ]
        for v in ranked
    ]
    return Msg("\n".join(lines), [*rows, _back(lang, c.id)])


def why(turn: Turn, c: ConsultationRow, verdicts: dict[str, Verdict], *, everything: bool = False) -> Msg:
    """Still unknown: what would settle it, in plain words. Not eligible: only what failed — one line
    each in the areas where something else may apply, and one line per other area (an older person
    need not read why each of nine childcare programmes is not for her), all of it a button away."""
    manual, lang = turn.manual, turn.lang
    lines = [f"<b>{escape(t('results.why_head', lang))}</b>"]
    unknown = [v for v in advice.likely(verdicts) if v.status == Status.UNKNOWN]
    if unknown:
        lines += ["", t("results.unknown", lang)]
    for v in sorted(unknown, key=lambda v: advice.rank_key(manual, v)):
        settle = advice.settled_by(manual, v, lang)
        what = ", ".join(settle) if settle else t("results.ask_centre", lang)
        lines.append(
            _item(manual.programs[v.program].name.get(lang), t("results.settle_plain", lang, what=what))
        )
    no = sorted(
        (v for v in verdicts.values() if v.status == Status.INELIGIBLE),
        key=lambda v: advice.rank_key(manual, v),
    )
    if no:
        lines += ["", t("results.ineligible", lang)]
    still = (v for v in verdicts.values() if v.status != Status.INELIGIBLE)
    open_areas = {manual.programs[v.program].domain for v in still}
    folded: dict[str, list[str]] = {}
    for v in no:
        program = manual.programs[v.program]
        if everything or program.domain in open_areas:
            lines.append(_item(program.name.get(lang), _reason(manual, v, lang)))
        else:
            folded.setdefault(program.domain, []).append(program.name.get(lang))
    for domain, names in folded.items():
        area = t("results.area_none", lang, area=manual.domains[domain].name.get(lang), n=len(names))
        lines.append(_item(area, ", ".join(names)))
    lines += ["", f"<i>{escape(t('results.why_footer', lang))}</i>"]
    rows: Keyboard = []
    if folded:
        rows.append([(t("results.b_why_all", lang), build(Action.RESULTS_VIEW, c.id, "why_all"))])
    return Msg("\n".join(lines), [*rows, _back(lang, c.id)])


def why_all(turn: Turn, c: ConsultationRow, verdicts: dict[str, Verdict]) -> Msg:
    return why(turn, c, verdicts, everything=True)


def _reason(manual: Manual, v: Verdict, lang: Lang) -> str:
    """Why a programme does not apply, in one line: what replaces it, or the first condition not met."""
    if v.instead is not None:
        return t("results.instead", lang, other=manual.programs[v.instead].name.get(lang))
    failed = advice.why_not(v, lang)
    return t("results.not_met", lang, reason=failed[0]) if failed else t("results.ask_centre", lang)


def _likely_ids(verdicts: dict[str, Verdict], manual: Manual) -> list[str]:
    return [v.program for v in sorted(advice.likely(verdicts), key=lambda v: advice.rank_key(manual, v))]


def docs(turn: Turn, c: ConsultationRow, verdicts: dict[str, Verdict]) -> Msg:
    manual, lang = turn.manual, turn.lang
    lines = [f"<b>{escape(t('results.docs_head', lang))}</b>", escape(t("results.docs_intro", lang))]
    ids = _likely_ids(verdicts, manual)
    for doc in advice.merged_documents(manual, ids):
        lines.append(
            f"☐ {escape(doc.text.get(lang))} — <i>{escape(_for_whom(manual, doc, len(ids), lang))}</i>"
        )
    return Msg("\n".join(lines), [_back(lang, c.id)])


def _for_whom(manual: Manual, doc: advice.Document, total: int, lang: Lang) -> str:
    """Which programmes need a document: all of them, or up to three names and how many more."""
    if total > 1 and len(doc.programs) == total:
        return t("results.docs_all", lang)
    names = [manual.programs[p].name.get(lang) for p in doc.programs]
    more = len(names) - 3
    return ", ".join(names[:3]) + (t("results.docs_more", lang, n=more) if more > 0 else "")


def _terms(manual: Manual, verdicts: dict[str, Verdict], lang: Lang) -> list[Term]:
    texts: list[str] = []
    for v in advice.likely(verdicts):
        texts += advice.program_texts(manual.programs[v.program], lang)
    return advice.terms_in(manual.glossary, texts)


def terms(turn: Turn, c: ConsultationRow, verdicts: dict[str, Verdict]) -> Msg:
    lines = [f"<b>{escape(t('results.terms_head', turn.lang))}</b>"]
    for term in _terms(turn.manual, verdicts, turn.lang):
        lines.append(_item(term.term.get(turn.lang), term.plain.get(turn.lang)))
    return Msg("\n".join(lines), [_back(turn.lang, c.id)])


def _printout(turn: Turn, c: ConsultationRow, verdicts: dict[str, Verdict]) -> printout.Printout:
    manual, lang = turn.manual, turn.lang
    ranked = sorted(advice.likely(verdicts), key=lambda v: advice.rank_key(manual, v))
    eligible = printout.Section(t("pdf.eligible", lang), named=True)
    unknown = printout.Section(t("pdf.unknown", lang), named=True)
    for v in ranked:
        program = manual.programs[v.program]
        line = f"{program.name.get(lang)}\n{advice.headline(program.benefit.get(lang))}\n"
        line += t("results.apply_at", lang, where=_where(program, lang))
        if v.status == Status.UNKNOWN:
            settle = advice.settled_by(manual, v, lang)
            if settle:
                line += "\n" + t("results.settle_plain", lang, what=", ".join(settle))
            unknown.lines.append(line)
        else:
            eligible.lines.append(line)
    documents = printout.Section(t("results.docs_head", lang))
    for doc in advice.merged_documents(manual, [v.program for v in ranked]):
        documents.lines.append(f"□ {doc.text.get(lang)} ({_for_whom(manual, doc, len(ranked), lang)})")
    contact = printout.Section(t("pdf.contact", lang), [person.phones(turn.services.settings, lang)])
    sections = [s for s in (eligible, unknown, documents) if s.lines] + [contact]
    return printout.Printout(
        title=t("pdf.title", lang),
        subtitle=t(
            "pdf.subtitle", lang, date=_date(c), centre=person.centre_name(turn.services.settings, lang)
        ),
        sections=sections,
        footer=t("results.caution", lang),
        author=person.centre_name(turn.services.settings, lang),
    )


def pdf(turn: Turn, c: ConsultationRow, verdicts: dict[str, Verdict]) -> Reply:
    """The summary as a PDF, rendered in the slow pool after the notice (never on the event loop)."""
    doc = _printout(turn, c, verdicts)
    name = f"bokji-{_date(c) or 'summary'}.pdf"
    caption = t("pdf.caption", turn.lang)
    return Reply(
        notice=t("pdf.making", turn.lang), later=lambda: Reply(document=(name, printout.render(doc), caption))
    )


_VIEWS = {
    "summary": summary,
    "details": details,
    "why": why,
    "why_all": why_all,
    "docs": docs,
    "terms": terms,
}


def own_results(turn: Turn) -> ConsultationRow | None:
    """The finished consultation a button names, only if it is this chat's and, for a household, only
    while the caller may see it (then the view is access-logged)."""
    assert turn.callback is not None
    c = steps.load(turn.session, turn.callback.int_arg(0))
    if c is None or c.state != ConsultationState.RESULTS or not may_use(turn, c, "results"):
        return None
    if c.household_id is not None:
        household = repo.household_by_id(turn.session, c.household_id)
        if household is not None:
            viewed(turn, household, f"results {turn.callback.args[-1]}")
    return c


def on_view(turn: Turn) -> Reply:
    assert turn.callback is not None
    what = turn.callback.args[1]
    c = own_results(turn) if what in VIEWS else None
    if c is None:
        return Reply(notice=t("bad_button", turn.lang))
    verdicts = consult.verdicts_for(turn.screener, c)
    if what == "pdf":
        return pdf(turn, c, verdicts)
    return Reply(messages=[_VIEWS[what](turn, c, verdicts)])


ACTION_HANDLERS = {Action.RESULTS_VIEW: on_view}
