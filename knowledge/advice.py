"""What a resident can act on, from the verdicts: which programmes matter most, one merged list of
documents, what would settle a verdict still open, and the terms worth explaining. Pure functions.

"Matters most" is a plain, stated order: money first — programmes that pay or cut the biggest costs
(income support, housing, health) before services and the rest, because a pension not yet claimed
matters more than a service already certain; within each, programmes the facts settle as eligible
before those still to check; then the domain (income, housing, health, daily life, employment,
childcare, education, culture) and the manual's own order (each domain's file lists its main
programmes first). A programme the household already receives is not advice, and neither is one that
another programme replaces for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from knowledge.manual import Manual
from knowledge.model import Program, Term
from knowledge.screener import Status, Verdict
from knowledge.text import Lang, Text
from knowledge.values import Tri

# Money to live on first, then the biggest costs of a household, then services.
DOMAIN_RANK = {
    "income": 0,
    "housing": 1,
    "health": 2,
    "daily_life": 3,
    "employment": 4,
    "childcare": 5,
    "education": 6,
    "culture": 7,
}
MONEY = frozenset({"income", "housing", "health"})
HEADLINE_LIMIT = 90
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def likely(verdicts: Mapping[str, Verdict]) -> list[Verdict]:
    """Programmes that may apply: eligible or still to check, not already received, not replaced."""
    return [
        v
        for v in verdicts.values()
        if v.status != Status.INELIGIBLE and not v.receiving and v.instead is None
    ]


def rank_key(manual: Manual, v: Verdict) -> tuple[int, int, int, int]:
    program = manual.programs[v.program]
    return (
        0 if program.domain in MONEY else 1,
        0 if v.status == Status.ELIGIBLE else 1,
        DOMAIN_RANK.get(program.domain, len(DOMAIN_RANK)),
        program.order,
    )


def matters_most(manual: Manual, verdicts: Mapping[str, Verdict], n: int = 3) -> list[Verdict]:
    """The `n` likely programmes to act on first (see the module's note for the order)."""
    return sorted(likely(verdicts), key=lambda v: rank_key(manual, v))[:n]


def headline(text: str, limit: int = HEADLINE_LIMIT) -> str:
    """The first sentence of a benefit text, at most `limit` characters, with … where cut: before an
    opening bracket when there is one in the second half (its aside goes), else at a space.

    Benefit texts lead with the amount ("2026년 월 최대 349,700원."), so this is the amount line."""
    first = _SENTENCE_END.split(text.strip(), maxsplit=1)[0].strip()
    if len(first) <= limit:
        return first
    cut = first[: limit - 1]
    for mark, least in (("(", limit // 3), (" ", limit // 2)):
        at = cut.rfind(mark)
        if at >= least:
            cut = cut[:at]
            break
    return cut.rstrip(" ,;:(—-") + "…"


@dataclass(frozen=True, slots=True)
class Document:
    """One thing to bring, and the programmes (ids, in the order given) that ask for it."""

    text: Text
    programs: tuple[str, ...]


def _key(ko: str) -> str:
    """Two wordings of the same document compare equal: qualifiers in brackets and spaces do not count."""
    return re.sub(r"\s+", "", re.sub(r"\([^)]*\)", "", ko)).removesuffix("등")


def _parts(doc: Text) -> list[Text]:
    """'신분증, 통장 사본' / 'ID card and bank book copy' is two documents; split only when both
    languages split into the same number of parts, so a translation never pairs with the wrong one."""
    if "(" in doc.ko:
        return [doc]
    ko = [p.strip() for p in doc.ko.split(",") if p.strip()]
    en = [p.strip() for p in re.split(r",\s*|\s+and\s+", doc.en) if p.strip()]
    if len(ko) < 2 or len(ko) != len(en):
        return [doc]
    return [Text(ko=k, en=e[:1].upper() + e[1:]) for k, e in zip(ko, en, strict=True)]


def merged_documents(manual: Manual, program_ids: Iterable[str]) -> list[Document]:
    """Every document the programmes ask for, once, with the programmes that ask for it; the most
    asked-for first (then in the order met). Of two wordings, the shorter (more general) is kept."""
    found: dict[str, tuple[Text, list[str]]] = {}
    for pid in program_ids:
        for doc in manual.programs[pid].apply.documents:
            for part in _parts(doc):
                key = _key(part.ko)
                text, programs = found.get(key, (part, []))
                if len(part.ko) < len(text.ko):
                    text = part
                if pid not in programs:
                    programs.append(pid)
                found[key] = (text, programs)
    ordered = sorted(enumerate(found.values()), key=lambda item: (-len(item[1][1]), item[0]))
    return [Document(text, tuple(programs)) for _, (text, programs) in ordered]


def settled_by(manual: Manual, v: Verdict, lang: Lang | str, limit: int = 4) -> list[str]:
    """For a verdict still open: what the person could tell to settle it, in plain words (the
    questions' short labels, best first; the facts' labels when no question asks for them)."""
    labels = [manual.questions[q].short.get(lang) for q in v.questions if q in manual.questions]
    if not labels:
        for fact in v.missing:
            spec = manual.fact_label(fact.split(".", 1)[1] if fact.startswith("self.") else fact)
            if spec is None and "." in fact:
                spec = manual.fact_label(fact.rsplit(".", 1)[1])
            label = spec.label.get(lang) if spec is not None else None
            if label and label not in labels:
                labels.append(label)
    return labels[:limit]


_NEEDS = {"ko": (" — 기준: ", " (필요: "), "en": (" — needs ", " (needs ")}


def plain(text: str, lang: Lang | str) -> str:
    """A reason line as a sentence: '장애 정도: 없음 — 기준: 심한 장애' reads
    '장애 정도: 없음 (필요: 심한 장애)'."""
    dash, bracket = _NEEDS["en" if lang == Lang.EN else "ko"]
    head, found, rest = text.partition(dash)
    return f"{head}{bracket}{rest})" if found else text


def why_not(v: Verdict, lang: Lang | str) -> list[str]:
    """For a programme that does not apply: only the conditions that failed (what held is no reason),
    in plain form."""
    return [plain(text, lang) for outcome, text in v.explained(lang) if outcome is Tri.NO]


def terms_in(glossary: Mapping[str, Term], texts: Iterable[str]) -> list[Term]:
    """The glossary's terms that appear in any of the texts, in glossary order."""
    blob = "\n".join(texts).casefold()
    return [term for term in glossary.values() if any(w.casefold() in blob for w in term.words() if w)]


def program_texts(program: Program, lang: Lang | str) -> list[str]:
    """What a resident reads about a programme in the results and its card (for terms_in)."""
    texts = [program.name.get(lang), program.summary.get(lang), program.benefit.get(lang)]
    if program.rule_text is not None:
        texts.append(program.rule_text.get(lang))
    return texts
