"""The one place that turns domain objects into chat messages (HTML, escaped) and keyboards."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from app.consult import Ask, QuickCheck, Scope
from handlers.callbacks import Action, build
from knowledge.advice import plain
from knowledge.answers import answer_label, person_label, show_answer
from knowledge.manual import Manual
from knowledge.model import Program, Question, QuestionType
from knowledge.screener import Status, Verdict
from knowledge.text import Lang

__all__ = ["build"]
from handlers.texts import t

Keyboard = list[list[tuple[str, str]]]
LIMIT = 4000  # under Telegram's 4096, leaving room for entities
MARK = {"yes": "✓", "no": "✗", "unknown": "?"}


@dataclass
class Msg:
    text: str
    keyboard: Keyboard = field(default_factory=list)


def split(text: str, limit: int = LIMIT) -> list[str]:
    """Split at line breaks so no message passes Telegram's length limit; tags never span lines here."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            parts.append(line[:limit])
            line = line[limit:]
        if current and len(current) + 1 + len(line) > limit:
            parts.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        parts.append(current)
    return parts


def menu(lang: Lang, staff: bool, resume_id: int | None) -> Msg:
    rows: Keyboard = []
    if resume_id is not None:
        rows.append([(t("menu.resume", lang), build(Action.MENU, "resume"))])
    rows.append(
        [
            (t("menu.self", lang), build(Action.MENU, "self")),
            (t("menu.browse", lang), build(Action.MENU, "browse")),
        ]
    )
    if staff:
        rows.append([(t("menu.records", lang), build(Action.MENU, "records"))])
    rows.append([(t("menu.lang", lang), build(Action.MENU, "lang"))])
    return Msg(t("greeting", lang), rows)


def scope_menu(manual: Manual, lang: Lang) -> Msg:
    rows: Keyboard = [[(t("scope.all", lang), build(Action.SCOPE, "all"))]]
    domains = list(manual.domains.values())
    for i in range(0, len(domains), 2):
        rows.append([(d.name.get(lang), build(Action.SCOPE, d.id)) for d in domains[i : i + 2]])
    return Msg(t("scope.ask", lang), rows)


def _nav(cid: int, qid: str, lang: Lang, first: bool) -> Keyboard:
    row = [] if first else [(t("nav.back", lang), build(Action.NAV, cid, "back"))]
    row.append((t("nav.skip", lang), build(Action.NAV, cid, "skip")))
    return [
        row,
        [
            (t("nav.restart", lang), build(Action.NAV, cid, "restart")),
            (t("nav.help", lang), build(Action.NAV, cid, "help")),
        ],
    ]


def question(manual: Manual, ask: Ask, lang: Lang) -> Msg:
    q, cid = ask.question, ask.consultation.id
    lines = [f"<b>{escape(t('question.head', lang, n=ask.number))}</b>", escape(q.text.get(lang))]
    rows: Keyboard = []
    if q.type == QuestionType.MEMBERS:
        so_far = (
            show_answer(manual, q.id, list(ask.selected), lang)
            if ask.selected
            else t("members.none_yet", lang)
        )
        lines.append(f"<i>{escape(t('members.so_far', lang, people=so_far))}</i>")
        pairs = [(f"+ {c.label.get(lang)}", build(Action.TOGGLE, cid, q.id, c.value)) for c in q.choices]
        rows.extend(pairs[i : i + 2] for i in range(0, len(pairs), 2))
        if ask.selected:
            rows.append(
                [
                    (t("members.pop", lang), build(Action.NAV, cid, "pop")),
                    (t("multi.done", lang), build(Action.DONE, cid, q.id)),
                ]
            )
        else:
            rows.append([(t("members.alone", lang), build(Action.ANSWER, cid, q.id, "none"))])
    elif q.type == QuestionType.WHO:
        for handle, relation in ask.people:
            mark = "✅ " if handle in ask.selected else "▫️ "
            rows.append(
                [
                    (
                        mark + person_label(manual, handle, relation, lang),
                        build(Action.TOGGLE, cid, q.id, handle),
                    )
                ]
            )
        rows.append(
            [
                (t("who.nobody", lang), build(Action.ANSWER, cid, q.id, "none")),
                (t("multi.done", lang), build(Action.DONE, cid, q.id)),
            ]
        )
    elif q.type == QuestionType.BOOL:
        rows.append(
            [
                (t("yes", lang), build(Action.ANSWER, cid, q.id, "true")),
                (t("no", lang), build(Action.ANSWER, cid, q.id, "false")),
            ]
        )
    elif q.type == QuestionType.CHOICE:
        rows.extend([(c.label.get(lang), build(Action.ANSWER, cid, q.id, c.value))] for c in q.choices)
    elif q.type == QuestionType.MULTI_CHOICE:
        lines.append(f"<i>{escape(t('question.multi', lang))}</i>")
        for c in q.choices:
            mark = "✅ " if c.value in ask.selected else "▫️ "
            rows.append([(mark + c.label.get(lang), build(Action.TOGGLE, cid, q.id, c.value))])
        # the question says "없으면 '없음'": the button it names, until something is chosen
        none = [] if ask.selected else [(t("multi.none", lang), build(Action.ANSWER, cid, q.id, "none"))]
        rows.append([*none, (t("multi.done", lang), build(Action.DONE, cid, q.id))])
    else:
        example = q.example.get(lang) if q.example else "…"
        lines.append(f"<i>{escape(t('question.typed', lang, example=example))}</i>")
    if ask.error:
        lines.insert(0, f"⚠ {escape(ask.error)}")
    elif ask.understood:
        lines.insert(0, said_back(manual, ask.understood, lang, ask.note))
    if ask.offer_way_out:
        lines.append(f"\n{escape(t('question.way_out', lang))}")
    first = ask.number <= 1
    return Msg("\n".join(lines), rows + _nav(cid, q.id, lang, first))


def facts_line(manual: Manual, facts: Sequence[tuple[str, object]], lang: Lang) -> str:
    """가족 수: 1명 · 함께 사는 분: 혼자 삶 — escaped, for a say-back."""
    shown = (f"{answer_label(manual, qid, lang)}: {show_answer(manual, qid, v, lang)}" for qid, v in facts)
    return " · ".join(escape(line) for line in shown)


def said_back(manual: Manual, facts: Sequence[tuple[str, object]], lang: Lang, note: str | None) -> str:
    line = t("understood.line", lang, facts=facts_line(manual, facts, lang))
    return f"<i>{line}{' ' + escape(t(note, lang)) if note else ''}</i>"


def question_help(q: Question, lang: Lang) -> Msg:
    body = q.help.get(lang) if q.help else t("help.none", lang)
    return Msg(f"❔ <b>{escape(q.short.get(lang))}</b>\n{escape(body)}")


def quick_check(manual: Manual, check: QuickCheck, lang: Lang) -> Msg:
    c = check.consultation
    date = c.started_at.date().isoformat() if c.started_at else ""
    lines = [t("check.head", lang, date=date)]
    understood = " · ".join(
        f"{answer_label(manual, q, lang)} {show_answer(manual, q, v, lang)}"
        for q, v in (c.answers or {}).items()
    )
    lines.append(escape(t("check.understood", lang, answers=understood or "—")))
    if check.unparsed:
        lines.append(escape(t("check.unparsed", lang, parts=", ".join(f"'{p}'" for p in check.unparsed))))
    for status, key in (
        (Status.ELIGIBLE, "results.eligible"),
        (Status.UNKNOWN, "results.unknown"),
        (Status.INELIGIBLE, "results.ineligible"),
    ):
        names = [
            manual.programs[v.program].name.get(lang) for v in check.verdicts.values() if v.status == status
        ]
        if names:
            lines += ["", f"{t(key, lang)} ({len(names)})", escape(", ".join(names))]
    rows: Keyboard = []
    if check.missing:
        lines += ["", escape(t("check.missing", lang))]
        rows = [
            [(manual.questions[q].short.get(lang), build(Action.ASK, c.id, q))] for q in check.missing[:6]
        ]
    rows += [
        [(manual.programs[v.program].name.get(lang), build(Action.PROGRAM, v.program))]
        for v in check.verdicts.values()
        if v.status == Status.ELIGIBLE
    ][:8]
    return Msg("\n".join(lines), rows)


def card(
    manual: Manual, program: Program, lang: Lang, verdict: Verdict | None = None, *, staff: bool = False
) -> Msg:
    """A programme's card. Residents see plain words and a plain caution where a figure may change;
    where the figures come from (sources, verify notes) is for staff (and `bot.py explain`)."""
    lines = [f"<b>{escape(program.name.get(lang))}</b>"]
    if program.local:
        lines.append(escape(t("card.local", lang)))
    lines += [
        escape(program.summary.get(lang)),
        "",
        t("card.benefit", lang),
        escape(program.benefit.get(lang)),
    ]
    if program.rule_text:
        lines += ["", t("card.who", lang), escape(program.rule_text.get(lang))]
    if verdict is not None:
        lines += ["", t("card.verdict", lang)]
        lines += [
            f"{MARK[outcome.value]} {escape(plain(text, lang))}" for outcome, text in verdict.explained(lang)
        ]
    apply = program.apply
    lines += ["", t("card.apply", lang), escape(apply.where.get(lang))]
    if apply.online:
        lines.append(escape(apply.online.get(lang)) + (f" ({escape(apply.url)})" if apply.url else ""))
    if apply.note:
        lines.append(escape(apply.note.get(lang)))
    if apply.documents:
        lines += ["", t("card.docs", lang)]
        lines += [f"• {escape(d.get(lang))}" for d in apply.documents]
    if apply.phone:
        lines += ["", escape(t("card.phone", lang, phone=apply.phone))]
    lines += ["", *(_provenance(program, lang) if staff else _caution(program, lang))]
    keyboard = [
        [(t("card.check", lang), build(Action.CHECK, program.id))],
        [(t("need.card_button", lang), build(Action.NEED_START, "p", program.id))],
        [(t("person.button", lang), build(Action.PERSON, "p", program.id))],
    ]
    return Msg("\n".join(lines), keyboard)


def _caution(program: Program, lang: Lang) -> list[str]:
    """For residents: a plain caution where a figure may change, and the day the information is from."""
    lines = [escape(t("verify", lang))] if program.verify else []
    return [*lines, f"<i>{escape(t('card.as_of', lang, date=program.as_of.isoformat()))}</i>"]


def _provenance(program: Program, lang: Lang) -> list[str]:
    """For staff: what is still to verify and why, and the newest source."""
    lines = []
    if program.verify:
        note = program.verify_note.get(lang) if program.verify_note else ""
        lines.append(escape(f"{t('card.to_verify', lang)} {note}".strip()))
    source = max(program.sources, key=lambda s: s.as_of)
    title = t("card.source", lang, title=source.title, date=source.as_of.isoformat())
    return [*lines, f"<i>{escape(title)}</i>"]


def browse_domains(manual: Manual, lang: Lang) -> Msg:
    domains = list(manual.domains.values())
    rows = [
        [(d.name.get(lang), build(Action.DOMAIN, d.id)) for d in domains[i : i + 2]]
        for i in range(0, len(domains), 2)
    ]
    return Msg(t("browse.ask", lang), rows)


def browse_list(manual: Manual, domain: str, lang: Lang) -> Msg:
    name = manual.domains[domain].name.get(lang)
    rows = [
        [(manual.programs[p].name.get(lang), build(Action.PROGRAM, p))] for p in manual.programs_in(domain)
    ]
    rows.append([(t("card.check", lang), build(Action.SCOPE, domain))])
    return Msg(t("browse.list", lang, domain=escape(name)), rows)


def scope_label(manual: Manual, scope: Scope, lang: Lang) -> str:
    if scope.kind == "domain" and scope.value in manual.domains:
        return manual.domains[scope.value].name.get(lang)
    if scope.kind == "program" and scope.value in manual.programs:
        return manual.programs[scope.value].name.get(lang)
    return t("scope.all", lang)
