"""The whole computation behind one verdict, line by line, for a welfare official to check.

    python bot.py explain --answers household.json --program basic_pension

It lists the household as understood (who lives there, each person's facts, the household's), every
condition of the programme's rule with its outcome, every computed value the rule reads with its formula,
the values of what the formula reads and, for sums over people, each person's share; then the parameters
used with the date they took effect, their sources and whether they are still to be verified.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from knowledge import expr as E
from knowledge.household import MEMBERS, Household, Person
from knowledge.rules import Leaf, leaves
from knowledge.screener import Screener, ScreenRun, Status
from knowledge.text import Lang, pick
from knowledge.values import Num, Tri, Truth, Value
from knowledge.wording import num_text

MARK = {Tri.YES: "✓", Tri.NO: "✗", Tri.UNKNOWN: "?"}
STATUS_TEXT = {
    Status.ELIGIBLE: ("받을 수 있어요", "eligible"),
    Status.INELIGIBLE: ("해당하지 않아요", "not eligible"),
    Status.UNKNOWN: ("확인이 필요해요", "to be checked"),
}
AGGREGATES = ("sum", "count", "any", "all", "minimum", "maximum")


def explain(
    screener: Screener,
    answers: Mapping[str, Any] | Household,
    as_of: dt.date,
    program: str,
    lang: Lang = Lang.KO,
) -> str:
    run = screener.run(answers, as_of)
    return "\n".join(_lines(screener, run, program, lang))


def _lines(screener: Screener, run: ScreenRun, pid: str, lang: Lang) -> Iterator[str]:
    manual = screener.manual
    program = manual.programs[pid]
    verdict = run.verdict(pid)
    yield f"{program.name.get(lang)} [{pid}] — {pick(lang, *STATUS_TEXT[verdict.status])}"
    yield f"{pick(lang, '상담 기준일', 'Consultation date')} {run.as_of.isoformat()}"
    if verdict.receiving:
        yield pick(lang, "이미 받고 있는 지원이에요.", "The household already receives it.")
    if verdict.instead:
        other = manual.programs[verdict.instead].name.get(lang)
        yield pick(
            lang, f"대신 적용: {other} [{verdict.instead}]", f"Applies instead: {other} [{verdict.instead}]"
        )
    yield ""
    yield from _household(screener, run, lang)
    yield ""
    yield pick(lang, "조건", "Conditions")
    rule = manual.rules[pid]
    wording = screener.wording
    for leaf in leaves(rule):
        outcome = run.value(leaf.node)
        assert isinstance(outcome, Truth)
        yield f"  {MARK[outcome.tri]} {wording.leaf(leaf, run, lang)}"
        yield f"      {pick(lang, '식', 'formula')}: {leaf.source}"
    for other in program.replaced_by:
        name = manual.programs[other].name.get(lang)
        yield pick(
            lang,
            f"  · {name} [{other}]을(를) 받거나 받을 수 있으면 이 사업 대신 그것이 적용돼요",
            f"  · If {name} [{other}] is received or eligible, it applies instead",
        )
    if verdict.missing:
        yield ""
        yield pick(lang, "더 알아야 할 것", "Still needed") + ": " + ", ".join(verdict.missing)
        if verdict.questions:
            yield pick(lang, "물어볼 질문", "Questions to ask") + ": " + ", ".join(verdict.questions)
    computed, params = _reads(screener, [leaf for leaf in leaves(rule)])
    if computed:
        yield ""
        yield pick(lang, "계산", "Computation")
        for cid in computed:
            yield from _computed(screener, run, cid, lang)
    if params:
        yield ""
        yield pick(lang, "쓰인 기준값", "Parameters used")
        for name in params:
            yield from _parameter(screener, run.as_of, name, lang)


def _household(screener: Screener, run: ScreenRun, lang: Lang) -> Iterator[str]:
    h = run.household
    wording = screener.wording
    manual = screener.manual
    yield pick(lang, "가구", "Household")
    for person in h.people:
        yield f"  {_person_line(screener, person, lang)}"
    if h.extra.hi > 0:
        count = num_text(h.extra, "people", lang)
        relations = ", ".join(sorted(h.extra_relations))
        yield pick(
            lang,
            f"  그 밖의 가구원 {count} (관계: {relations} 중) — 한 사람씩은 모름",
            f"  other members {count} (relation among {relations}) — not known one by one",
        )
    shown = []
    received = sorted(pid for pid, tri in h.receiving.items() if tri is Tri.YES)
    if received:
        names = ", ".join(manual.programs[pid].name.get(lang) for pid in received if pid in manual.programs)
        shown.append(f"{pick(lang, '받고 있는 지원', 'already received')} {names}")
    for fid, value in h.facts.items():
        if fid == "receiving":
            continue
        if _known(value, manual.facts_household.get(fid)):
            label = wording.label(fid, lang)
            shown.append(f"{label} {wording.value_text(E.Name(fid), value, lang, _unit(manual, fid))}")
    if shown:
        yield "  " + " · ".join(shown)
    for total in h.totals:
        yield pick(
            lang,
            f"  합계로 알려진 값: {total.name} = {num_text(total.value, 'KRW', lang)}",
            f"  known as a total: {total.name} = {num_text(total.value, 'KRW', lang)}",
        )


def _person_line(screener: Screener, person: Person, lang: Lang) -> str:
    wording = screener.wording
    parts = []
    for attr, value in person.values.items():
        spec = screener.manual.facts_person[attr]
        if attr == "relation" or not _known(value, spec):
            continue
        unit = _spec_unit(spec)
        parts.append(f"{spec.label.get(lang)} {wording.value_text(E.Name(attr), value, lang, unit)}")
    relation = screener.manual.facts_person["relation"].choice(person.relation)
    name = relation.label.get(lang) if relation else person.relation
    return f"{name} ({person.handle}): " + (
        ", ".join(parts) if parts else pick(lang, "알려진 것 없음", "nothing known")
    )


def _known(value: Value, spec: Any = None) -> bool:
    """Worth showing: known, or narrowed from what the fact could be at all."""
    if isinstance(value, Num):
        low = float(spec.min) if spec is not None and spec.min is not None else 0.0
        high = (
            float(spec.max)
            if spec is not None and spec.max is not None and spec.type == "int"
            else float("inf")
        )
        return value.exact or value.lo > low or value.hi < high
    if isinstance(value, Truth):
        return value.tri is not Tri.UNKNOWN
    return getattr(value, "possible", getattr(value, "values", None)) is not None


def _spec_unit(spec: Any) -> str | None:
    if spec.type == "money":
        return {"month": "KRW/month", "year": "KRW/year"}.get(spec.period, "KRW")
    return {"age": "years", "birth_year": "year"}.get(spec.id)


def _unit(manual: Any, fid: str) -> str | None:
    spec = manual.facts_household.get(fid)
    return _spec_unit(spec) if spec is not None else "KRW/year"


def _reads(screener: Screener, rule_leaves: list[Leaf]) -> tuple[list[str], list[str]]:
    """Computed values (depth first, each once) and parameters a rule reads."""
    manual = screener.manual
    computed: list[str] = []
    params: list[str] = []

    def visit(node: E.Node) -> None:
        for name in sorted(_mentioned(node)):
            base = name.removeprefix("self.")
            if base in manual.computed and base not in computed:
                computed.append(base)
                visit(manual.computed_rules[base])
            elif base in manual.parameters and base not in params:
                params.append(base)

    for leaf in rule_leaves:
        visit(leaf.node)
    return computed, params


def _mentioned(node: E.Node) -> set[str]:
    """Names and parameter calls in a formula."""
    out = set(E.names(node))
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, E.Call):
            out.add(n.fn)
            stack.extend(n.args)
        elif isinstance(n, E.Bin | E.Cmp):
            stack.extend((n.a, n.b))
        elif isinstance(n, E.Neg | E.Not):
            stack.append(n.a)
        elif isinstance(n, E.Logic):
            stack.extend(n.items)
        elif isinstance(n, E.In):
            stack.append(n.a)
    return out


def _computed(screener: Screener, run: ScreenRun, cid: str, lang: Lang) -> Iterator[str]:
    manual = screener.manual
    spec = manual.computed[cid]
    node = manual.computed_rules[cid]
    wording = screener.wording
    if spec.per == "person":
        yield f"  {spec.label.get(lang)} [{cid}] — {pick(lang, '사람마다', 'per person')}: {spec.formula}"
        for person in _everyone(run):
            value = run.computed(cid, person)
            yield f"      {person.handle}: {wording.value_text(node, value, lang, _computed_unit(spec))}"
        return
    value = run.computed(cid, None)
    yield f"  {spec.label.get(lang)} [{cid}] = {wording.value_text(node, value, lang, _computed_unit(spec))}"
    yield f"      = {spec.formula}"
    if spec.explain is not None:
        yield f"      ({wording.fill(spec.explain.get(lang), lang, run)})"
    for call in _aggregates(node):
        yield from _per_person(screener, run, call, lang)


def _computed_unit(spec: Any) -> str | None:
    return spec.unit if spec.unit in ("KRW/month", "KRW/year", "KRW", "people", "years", "percent") else None


def _aggregates(node: E.Node) -> Iterator[E.Call]:
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, E.Call):
            if n.fn in AGGREGATES:
                yield n
            stack.extend(n.args)
        elif isinstance(n, E.Bin | E.Cmp):
            stack.extend((n.a, n.b))
        elif isinstance(n, E.Neg | E.Not):
            stack.append(n.a)
        elif isinstance(n, E.Logic):
            stack.extend(n.items)


def _everyone(run: ScreenRun) -> list[Person]:
    h = run.household
    return [*h.people, run.blob(each=True)] if h.extra.hi > 0 else list(h.people)


def _per_person(screener: Screener, run: ScreenRun, call: E.Call, lang: Lang) -> Iterator[str]:
    """Each person's part of a sum or count over a unit."""
    if not call.args or not isinstance(call.args[0], E.Name):
        return
    uid = call.args[0].path
    where = screener.units[uid].fn
    inner = call.args[1] if len(call.args) > 1 else None
    wording = screener.wording
    parts = []
    for person in _everyone(run):
        member = where(run, person)
        assert isinstance(member, Truth)
        if member.tri is Tri.NO:
            continue
        who = person.handle if person.handle != MEMBERS else pick(lang, "그 밖의 가구원", "other members")
        if person.handle == MEMBERS and inner is not None and call.fn == "sum":
            value: Value = screener.compiler.fns[id(inner)].fn(run, run.blob(each=False))
        else:
            value = screener.compiler.fns[id(inner)].fn(run, person) if inner is not None else member
        maybe = "" if member.tri is Tri.YES else pick(lang, " (가구원인지 모름)", " (membership not known)")
        parts.append(f"{who} {wording.value_text(inner or call, value, lang)}{maybe}")
    unit_label = screener.manual.units[uid].label.get(lang)
    what = f" — {wording.words(inner, lang)}" if inner is not None else ""
    yield f"      · {unit_label}{what}: " + (
        ", ".join(parts) if parts else pick(lang, "해당자 없음", "nobody")
    )


def _parameter(screener: Screener, as_of: dt.date, pid: str, lang: Lang) -> Iterator[str]:
    param = screener.manual.parameters[pid]
    found = param.in_force(as_of)
    label = param.label.get(lang)
    if found is None:
        yield f"  {label} [{pid}]: {pick(lang, '이 날짜에 값 없음', 'no value in force')}"
        return
    since, value = found
    shown = ", ".join(f"{k}: {v:,}" for k, v in value.items()) if isinstance(value, dict) else f"{value:,}"
    since_text = pick(lang, f"{since.isoformat()}부터", f"since {since.isoformat()}")
    yield f"  {label} [{pid}] ({param.unit}) {shown} — {since_text}"
    for source in param.sources:
        yield f"      {pick(lang, '출처', 'source')}: {source.title}" + (
            f" <{source.url}>" if source.url else ""
        )
    if param.verify:
        note = param.note.get(lang) if param.note else ""
        yield f"      ⚠ {pick(lang, '확인 필요', 'to verify')}" + (f": {note}" if note else "")
