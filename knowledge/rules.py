"""The rule language and its three-valued evaluator.

A rule is YAML data. Forms (each a mapping with one key, except comparisons):

    all: [rule, …]            every one holds           any: [rule, …]   at least one holds
    not: rule                 the rule does not hold
    {answer: ID, OP: VALUE}   OP ∈ eq ne lt le gt ge in not_in has_any has_none
    {answer: ID, some: {OP: VALUE, …}} some element of a list answer satisfies every OP
    {answer: ID, count: {OP: N}}       the number of elements satisfies OP
    income_at_most: {percent: N | {param: ID}, of: ID}   household_income ≤ N% of the table for household_size
    eligible: PROGRAM_ID      that programme's verdict

VALUE may be a literal or {param: ID}: the dated parameter in force (keyed by its `by` answer).
Evaluation is Kleene logic over yes / no / unknown; `not` is pushed down to the leaves, so every
reason reads as a plain statement of what holds or fails.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from knowledge.model import percent_of
from knowledge.text import Lang

Loc = tuple[str | int, ...]


class Tri(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Reason:
    """One checked condition. Text is rendered on demand: screening must stay cheap."""

    outcome: Tri
    render: Callable[[Lang], str] = field(compare=False, repr=False)
    questions: tuple[str, ...] = ()

    def text(self, lang: Lang | str) -> str:
        return self.render(Lang(lang))


@dataclass(frozen=True, slots=True)
class Result:
    tri: Tri
    reasons: tuple[Reason, ...] = ()
    missing: tuple[str, ...] = ()


class Context(Protocol):
    """What evaluation needs from the manual and the consultation."""

    def answer(self, qid: str) -> Any: ...
    def param(self, pid: str, key_answer: str | None) -> tuple[float | int | None, str | None]: ...
    def param_by(self, pid: str) -> str | None: ...
    def param_unit(self, pid: str) -> str: ...
    def verdict(self, program_id: str) -> Result: ...
    def decision(self, program_id: str) -> tuple[Tri, tuple[str, ...]]: ...
    def label(self, kind: str, ident: str, lang: Lang) -> str: ...
    def show(self, qid: str, value: Any, lang: Lang) -> str: ...


# ---------------------------------------------------------------- nodes


@dataclass(frozen=True, slots=True)
class ParamRef:
    param: str


Value = Any  # a literal (int, float, str, bool, list) or a ParamRef

NEGATE = {
    "eq": "ne",
    "ne": "eq",
    "lt": "ge",
    "ge": "lt",
    "le": "gt",
    "gt": "le",
    "in": "not_in",
    "not_in": "in",
    "has_any": "has_none",
    "has_none": "has_any",
}
SYMBOL = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥"}
NUMERIC_OPS = {"lt", "le", "gt", "ge"}
SET_OPS = {"in", "not_in", "has_any", "has_none"}


@dataclass(frozen=True, slots=True)
class All:
    items: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    items: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Rule


@dataclass(frozen=True, slots=True)
class Compare:
    answer: str
    op: str
    value: Value
    quantifier: str | None = None  # None, "some" or "count"


@dataclass(frozen=True, slots=True)
class Some:
    """Some element of a list answer meets every condition (e.g. a child aged 6 to 18)."""

    answer: str
    conds: tuple[tuple[str, Value], ...]


@dataclass(frozen=True, slots=True)
class IncomeAtMost:
    percent: float | ParamRef
    of: str = "median_income"


@dataclass(frozen=True, slots=True)
class Eligible:
    program: str


Rule = All | AnyOf | Not | Compare | Some | IncomeAtMost | Eligible


# ---------------------------------------------------------------- parsing


class RuleError(Exception):
    def __init__(self, loc: Loc, message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message


def _value(raw: Any, loc: Loc) -> Value:
    if isinstance(raw, dict):
        if set(raw) != {"param"} or not isinstance(raw["param"], str):
            raise RuleError(loc, "a value must be a literal or {param: ID}")
        return ParamRef(raw["param"])
    return raw


def parse_rule(raw: Any, loc: Loc = (), locs: dict[int, Loc] | None = None) -> Rule:
    """Turn YAML data into a rule; RuleError names the path of the first mistake.

    `locs`, when given, receives the path of every node (by id), so later checks can point at
    the exact line of a mistake deep inside a rule.
    """
    node = _parse_rule(raw, loc, locs)
    if locs is not None:
        locs[id(node)] = loc
    return node


def _parse_rule(raw: Any, loc: Loc, locs: dict[int, Loc] | None) -> Rule:
    if not isinstance(raw, dict) or not raw:
        raise RuleError(loc, f"a rule must be a mapping such as {{all: [...]}}, got {raw!r}")
    if "answer" in raw:
        return _parse_compare(raw, loc)
    if len(raw) != 1:
        raise RuleError(
            loc, f"a rule has exactly one of all/any/not/income_at_most/eligible, got {sorted(raw)}"
        )
    ((key, body),) = raw.items()
    here = (*loc, key)
    if key in ("all", "any"):
        if not isinstance(body, list) or not body:
            raise RuleError(here, f"'{key}' needs a non-empty list of rules")
        items = tuple(parse_rule(item, (*here, i), locs) for i, item in enumerate(body))
        return All(items) if key == "all" else AnyOf(items)
    if key == "not":
        return Not(parse_rule(body, here, locs))
    if key == "eligible":
        if not isinstance(body, str):
            raise RuleError(here, "'eligible' takes a programme id")
        return Eligible(body)
    if key == "income_at_most":
        if not isinstance(body, dict) or "percent" not in body or set(body) - {"percent", "of"}:
            raise RuleError(here, "'income_at_most' takes {percent: N or {param: ID}, of: PARAM}")
        percent = _value(body["percent"], (*here, "percent"))
        if not isinstance(percent, ParamRef) and (
            isinstance(percent, bool) or not isinstance(percent, int | float) or percent <= 0
        ):
            raise RuleError((*here, "percent"), f"percent must be a positive number, got {percent!r}")
        return IncomeAtMost(percent, str(body.get("of", "median_income")))
    raise RuleError(
        here, f"unknown rule form '{key}' (expected all, any, not, answer, income_at_most, eligible)"
    )


def _parse_compare(raw: dict[str, Any], loc: Loc) -> Compare | Some:
    if not isinstance(raw["answer"], str):
        raise RuleError((*loc, "answer"), "'answer' takes a question id")
    rest = {k: v for k, v in raw.items() if k != "answer"}
    if len(rest) != 1:
        raise RuleError(loc, f"a comparison has exactly one operator, got {sorted(rest) or 'none'}")
    ((op, body),) = rest.items()
    quantifier = None
    if op == "some":
        return _parse_some(raw["answer"], body, (*loc, op))
    if op == "count":
        quantifier = op
        if not isinstance(body, dict) or len(body) != 1:
            raise RuleError((*loc, op), "'count' takes one operator, e.g. {ge: 2}")
        ((op, body),) = body.items()
        if op not in NUMERIC_OPS | {"eq", "ne"}:
            raise RuleError((*loc, quantifier, op), f"'count' supports eq ne lt le gt ge, not '{op}'")
        loc = (*loc, quantifier)
    if op not in NEGATE:
        raise RuleError((*loc, op), f"unknown operator '{op}' (expected one of {', '.join(NEGATE)})")
    value = _value(body, (*loc, op))
    if op in SET_OPS and not isinstance(value, list):
        raise RuleError((*loc, op), f"'{op}' takes a list")
    return Compare(raw["answer"], op, tuple(value) if isinstance(value, list) else value, quantifier)


def _parse_some(answer: str, body: Any, loc: Loc) -> Some:
    if not isinstance(body, dict) or not body:
        raise RuleError(loc, "'some' takes conditions on one element, e.g. {ge: 6, le: 18}")
    conds = []
    for op, value in body.items():
        if op not in NUMERIC_OPS | {"eq", "ne"}:
            raise RuleError((*loc, op), f"'some' supports eq ne lt le gt ge, not '{op}'")
        conds.append((op, _value(value, (*loc, op))))
    return Some(answer, tuple(conds))


def walk(rule: Rule) -> Iterator[Rule]:
    yield rule
    if isinstance(rule, All | AnyOf):
        for item in rule.items:
            yield from walk(item)
    elif isinstance(rule, Not):
        yield from walk(rule.item)


# ---------------------------------------------------------------- evaluation

# Each operator as a function: evaluate() and the compiled deciders share these, and a compiled leaf
# looks its operator up once. Results are used for their truth only.
_TESTS: dict[str, Callable[[Any, Any], Any]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
    "in": lambda actual, target: actual in target,
    "not_in": lambda actual, target: actual not in target,
    "has_any": lambda actual, target: any(a in target for a in actual),
    "has_none": lambda actual, target: not any(a in target for a in actual),
}


def _combine(results: Sequence[Result], want_all: bool) -> Result:
    """Kleene AND (want_all) or OR, keeping only the reasons that explain the outcome."""
    decisive, neutral = (Tri.NO, Tri.YES) if want_all else (Tri.YES, Tri.NO)
    if any(r.tri == decisive for r in results):
        keep = (
            [r for r in results if r.tri != Tri.UNKNOWN]
            if want_all
            else [r for r in results if r.tri == Tri.YES]
        )
        return Result(decisive, tuple(x for r in keep for x in r.reasons))
    if all(r.tri == neutral for r in results):
        return Result(neutral, tuple(x for r in results for x in r.reasons))
    missing: dict[str, None] = {}
    for r in results:
        if r.tri == Tri.UNKNOWN:
            missing.update(dict.fromkeys(r.missing))
    return Result(Tri.UNKNOWN, tuple(x for r in results for x in r.reasons), tuple(missing))


def evaluate(rule: Rule, ctx: Context, negate: bool = False) -> Result:
    if isinstance(rule, All | AnyOf):
        # De Morgan: not(all) = any(not …), so negation flips the connective.
        want_all = isinstance(rule, All) != negate
        return _combine([evaluate(item, ctx, negate) for item in rule.items], want_all)
    if isinstance(rule, Not):
        return evaluate(rule.item, ctx, not negate)
    if isinstance(rule, Compare):
        return _compare(rule, ctx, negate)
    if isinstance(rule, Some):
        return _some(rule, ctx, negate)
    if isinstance(rule, IncomeAtMost):
        return _income(rule, ctx, negate)
    return _eligible(rule, ctx, negate)


def _holds(op: str, actual: Any, target: Any) -> bool:
    return bool(_TESTS[op](actual, target))


def _resolve(value: Value, ctx: Context) -> tuple[Any, tuple[str, ...]]:
    """A literal, or the parameter in force; missing lists the answer a keyed table still needs."""
    if not isinstance(value, ParamRef):
        return value, ()
    by = ctx.param_by(value.param)
    figure, _ = ctx.param(value.param, by)
    if figure is None and by is not None and ctx.answer(by) is None:
        return None, (by,)
    return figure, ()


def _against(lang: Lang, name: str, shown: str, condition: str) -> str:
    """'재산 합계: 150,000,000원 — 기준: ≤ …': what is known, then the standard it must meet."""
    if lang == Lang.KO:
        return f"{name}: {shown} — 기준: {condition}"
    return f"{name}: {shown} — needs {condition}"


def _dont_know(lang: Lang) -> str:
    return "모름" if lang == Lang.KO else "unknown"


def _unknown(render: Callable[[Lang], str], missing: tuple[str, ...]) -> Result:
    return Result(Tri.UNKNOWN, (Reason(Tri.UNKNOWN, render, missing),), missing)


def _compare(rule: Compare, ctx: Context, negate: bool) -> Result:
    op = NEGATE[rule.op] if negate else rule.op
    target, target_missing = _resolve(rule.value, ctx)
    actual = ctx.answer(rule.answer)
    qid = rule.answer

    def condition(lang: Lang, shown_op: str = op) -> str:
        shown = target
        if rule.quantifier == "count":
            return _count_text(lang, shown_op, shown)
        if isinstance(rule.value, ParamRef) and shown is None:
            by = ctx.param_by(rule.value.param)
            by_text = (
                f" ({ctx.label('question', by, lang)}에 따라)"
                if by and lang == Lang.KO
                else (f" (depends on {ctx.label('question', by, lang).lower()})" if by else "")
            )
            return f"{SYMBOL.get(shown_op, shown_op)} {ctx.label('param', rule.value.param, lang)}{by_text}"
        if shown_op == "eq":
            return ctx.show(qid, shown, lang)
        if shown_op == "ne":
            return (
                f"{ctx.show(qid, shown, lang)} 아님"
                if lang == Lang.KO
                else f"not {ctx.show(qid, shown, lang)}"
            )
        if shown_op in SET_OPS:
            items = ", ".join(ctx.show(qid, v, lang) for v in shown)
            return {
                "in": ("{} 중 하나", "one of {}"),
                "not_in": ("{} 아님", "not {}"),
                "has_any": ("{} 중 하나 이상 포함", "includes any of {}"),
                "has_none": ("{} 해당 없음", "none of {}"),
            }[shown_op][0 if lang == Lang.KO else 1].format(items)
        return f"{SYMBOL[shown_op]} {ctx.show(qid, shown, lang)}"

    if actual is None or target is None:
        missing = ((qid,) if actual is None else ()) + target_missing

        def render_unknown(lang: Lang) -> str:
            name = ctx.label("question", qid, lang)
            # The answer may be known while the figure it is compared with still waits for another.
            shown = ctx.show(qid, actual, lang) if actual is not None else _dont_know(lang)
            return _against(lang, name, shown, condition(lang))

        return _unknown(render_unknown, missing)

    ok = _holds(op, len(actual) if rule.quantifier == "count" else actual, target)
    tri = Tri.YES if ok else Tri.NO

    def render(lang: Lang) -> str:
        name = ctx.label("question", qid, lang)
        shown_actual = ctx.show(qid, actual, lang)
        if op in NUMERIC_OPS and rule.quantifier is None:
            relation = op if ok else NEGATE[op]
            shown_target = ctx.show(qid, target, lang)
            if isinstance(rule.value, ParamRef) and ctx.param_unit(rule.value.param).startswith("KRW"):
                # name the figure: "≤ 기초연금 선정기준액 2,470,000원"
                shown_target = f"{ctx.label('param', rule.value.param, lang)} {shown_target}"
            return f"{name} {shown_actual} {SYMBOL[relation]} {shown_target}"
        if ok and op in SET_OPS:
            return f"{name}: {shown_actual} ({condition(lang)})"
        if ok:
            return f"{name}: {shown_actual}"
        return _against(lang, name, shown_actual, condition(lang))

    return Result(tri, (Reason(tri, render, ()),))


def _count_text(lang: Lang, op: str, n: Any) -> str:
    return f"{SYMBOL.get(op, op)} {n}명" if lang == Lang.KO else f"{SYMBOL.get(op, op)} {n}"


def _some(rule: Some, ctx: Context, negate: bool) -> Result:
    targets = []
    missing: tuple[str, ...] = ()
    for op, value in rule.conds:
        target, need = _resolve(value, ctx)
        targets.append((op, target))
        missing += need
    actual = ctx.answer(rule.answer)
    qid = rule.answer

    def condition(lang: Lang) -> str:
        shown = ", ".join(
            f"{SYMBOL[op]} {ctx.show(qid, t, lang) if t is not None else '?'}" for op, t in targets
        )
        if lang == Lang.KO:
            return f"{shown}인 경우가 {'없음' if negate else '있음'}"
        return f"{'none' if negate else 'at least one'} {shown}"

    if actual is None or missing or any(t is None for _, t in targets):
        need = (qid,) if actual is None else missing

        def render_unknown(lang: Lang) -> str:
            return _against(lang, ctx.label("question", qid, lang), _dont_know(lang), condition(lang))

        return _unknown(render_unknown, need)
    found = any(all(_holds(op, a, t) for op, t in targets) for a in actual)
    tri = Tri.YES if found != negate else Tri.NO

    def render(lang: Lang) -> str:
        name = ctx.label("question", qid, lang)
        shown_actual = ctx.show(qid, actual, lang)
        if tri == Tri.YES:
            return f"{name}: {shown_actual} ({condition(lang)})"
        return _against(lang, name, shown_actual, condition(lang))

    return Result(tri, (Reason(tri, render, ()),))


def _income(rule: IncomeAtMost, ctx: Context, negate: bool) -> Result:
    income, size = ctx.answer("household_income"), ctx.answer("household_size")
    pct: Any = rule.percent
    pct_key: str | None = None  # a percentage keyed by an answer (region …) needs that answer
    if isinstance(pct, ParamRef):
        pct, pct_key = ctx.param(pct.param, None)
    median, _ = ctx.param(rule.of, "household_size") if size is not None else (None, None)
    line = percent_of(median, pct) if median is not None and pct is not None else None
    pct_text = f"{pct:g}" if isinstance(pct, int | float) else "?"

    def standard(lang: Lang) -> str:
        of = ctx.label("param", rule.of, lang)
        if size is None:
            return f"{of} {pct_text}%"
        if lang == Lang.KO:
            return f"{size}인 {of} {pct_text}% {ctx.show('household_income', line, lang)}"
        people = "person" if size == 1 else "people"
        return f"{pct_text}% of {of} for {size} {people} {ctx.show('household_income', line, lang)}"

    def income_label(lang: Lang) -> str:
        return ctx.label("question", "household_income", lang)

    if income is None or size is None or line is None:
        missing = tuple(q for q, v in (("household_income", income), ("household_size", size)) if v is None)
        missing += (pct_key,) if pct_key is not None else ()

        def render_unknown(lang: Lang) -> str:
            shown = ctx.show("household_income", income, lang) if income is not None else _dont_know(lang)
            return _against(lang, income_label(lang), shown, f"≤ {standard(lang)}")

        return _unknown(render_unknown, missing)
    at_most = income <= line
    tri = Tri.YES if at_most != negate else Tri.NO

    def render(lang: Lang) -> str:
        amount = ctx.show("household_income", income, lang)
        prefix = "월 " if lang == Lang.KO else ""
        return f"{income_label(lang)} {prefix}{amount} {'≤' if at_most else '>'} {standard(lang)}"

    return Result(tri, (Reason(tri, render, ()),))


def _eligible(rule: Eligible, ctx: Context, negate: bool) -> Result:
    inner = ctx.verdict(rule.program)
    if inner.tri == Tri.UNKNOWN:
        return _unknown(
            lambda lang: (
                f"{ctx.label('program', rule.program, lang)}: 확인 필요"
                if lang == Lang.KO
                else f"{ctx.label('program', rule.program, lang)}: to be checked"
            ),
            inner.missing,
        )
    eligible = inner.tri == Tri.YES
    tri = Tri.YES if eligible != negate else Tri.NO

    def render(lang: Lang) -> str:
        name = ctx.label("program", rule.program, lang)
        if lang == Lang.KO:
            return f"{name}: {'받을 수 있음' if eligible else '해당하지 않음'}"
        return f"{name}: {'eligible' if eligible else 'not eligible'}"

    return Result(tri, (Reason(tri, render, ()),))


def referenced(rule: Rule) -> tuple[set[str], set[str], set[str]]:
    """(questions, parameters, programmes) a rule mentions, for validation."""
    questions: set[str] = set()
    params: set[str] = set()
    programs: set[str] = set()
    for node in walk(rule):
        if isinstance(node, Compare):
            questions.add(node.answer)
            if isinstance(node.value, ParamRef):
                params.add(node.value.param)
        elif isinstance(node, Some):
            questions.add(node.answer)
            params.update(v.param for _, v in node.conds if isinstance(v, ParamRef))
        elif isinstance(node, IncomeAtMost):
            questions.update(("household_income", "household_size"))
            params.add(node.of)
            if isinstance(node.percent, ParamRef):
                params.add(node.percent.param)
        elif isinstance(node, Eligible):
            programs.add(node.program)
    return questions, params, programs


# ---------------------------------------------------------------- decision only

Decision = tuple[Tri, tuple[str, ...]]
# The answer getter a compiled rule reads: ctx.answer, or the answers mapping's own `get`, which
# does the same without a Python frame per leaf.
Answer = Callable[[str], Any]
Decider = Callable[[Answer, Context], Decision]
_YES: Decision = (Tri.YES, ())
_NO: Decision = (Tri.NO, ())
_UNKNOWN = Tri.UNKNOWN


def decide(rule: Rule, ctx: Context, negate: bool = False) -> Decision:
    """evaluate()'s outcome and missing answers without the reasons: for choosing the next question.

    This compiles the rule on every call; code that decides the same rule again and again keeps the
    compiled form instead (Manual.decider, which Evaluation.decide uses).
    """
    return compile_decider(rule, negate)(ctx.answer, ctx)


def compile_decider(rule: Rule, negate: bool = False) -> Decider:
    """The rule as nested closures that compute decide(): the tree is dispatched on once, here.

    Questioning decides every programme several times per step; walking the tree with isinstance
    tests at each node was most of its cost. Semantics are those of evaluate(): Kleene logic with
    `not` pushed to the leaves, and the same missing answers in the same order.
    """
    if isinstance(rule, All | AnyOf):
        items = tuple(compile_decider(item, negate) for item in rule.items)
        return _compile_connective(items, want_all=isinstance(rule, All) != negate)
    if isinstance(rule, Not):
        return compile_decider(rule.item, not negate)
    if isinstance(rule, Compare):
        return _compile_compare(rule, negate)
    if isinstance(rule, Some):
        return _compile_some(rule, negate)
    if isinstance(rule, IncomeAtMost):
        return _compile_income(rule, negate)
    return _compile_eligible(rule.program, negate)


def _compile_connective(items: tuple[Decider, ...], want_all: bool) -> Decider:
    decisive, settled = (_NO, _YES) if want_all else (_YES, _NO)
    stop = decisive[0]
    if len(items) == 1:
        # Decided results carry no missing answers, so one item folds to exactly its own decision.
        return items[0]

    def connective(answer: Answer, ctx: Context) -> Decision:
        first: Decision | None = None  # the usual case is at most one undecided item: no list
        more: list[Decision] | None = None
        for item in items:
            d = item(answer, ctx)
            tri = d[0]
            if tri is stop:
                return decisive
            if tri is _UNKNOWN:
                if first is None:
                    first = d
                elif more is None:
                    more = [first, d]
                else:
                    more.append(d)
        if first is None:
            return settled
        if more is None:
            return first
        missing: dict[str, None] = {}
        for _, m in more:
            missing.update(dict.fromkeys(m))
        return (_UNKNOWN, tuple(missing))

    return connective


def _compile_compare(rule: Compare, negate: bool) -> Decider:
    test = _TESTS[NEGATE[rule.op] if negate else rule.op]
    qid = rule.answer
    count = rule.quantifier == "count"
    value = rule.value
    not_answered: Decision = (_UNKNOWN, (qid,))

    if isinstance(value, ParamRef):
        pid = value.param

        def against_param(answer: Answer, ctx: Context) -> Decision:
            by = ctx.param_by(pid)
            target, _ = ctx.param(pid, by)
            actual = answer(qid)
            if actual is None or target is None:
                # As _resolve(): a figure not in force only waits for an answer when its key is missing.
                key_missing = (by,) if target is None and by is not None and answer(by) is None else ()
                return (_UNKNOWN, ((qid,) if actual is None else ()) + key_missing)
            return _YES if test(len(actual) if count else actual, target) else _NO

        return against_param

    if value is None:
        no_target: Decision = (_UNKNOWN, ())
        return lambda answer, ctx: not_answered if answer(qid) is None else no_target

    if count:

        def against_count(answer: Answer, ctx: Context) -> Decision:
            actual = answer(qid)
            if actual is None:
                return not_answered
            return _YES if test(len(actual), value) else _NO

        return against_count

    def against_literal(answer: Answer, ctx: Context) -> Decision:
        actual = answer(qid)
        if actual is None:
            return not_answered
        return _YES if test(actual, value) else _NO

    return against_literal


def _compile_some(rule: Some, negate: bool) -> Decider:
    qid = rule.answer
    conds = tuple((_TESTS[op], value) for op, value in rule.conds)
    yes, no = (_NO, _YES) if negate else (_YES, _NO)
    not_answered: Decision = (_UNKNOWN, (qid,))

    def some(answer: Answer, ctx: Context) -> Decision:
        targets = []
        need: tuple[str, ...] = ()
        for test, value in conds:
            target, more = _resolve(value, ctx)
            targets.append((test, target))
            need += more
        actual = answer(qid)
        if actual is None:
            return not_answered
        if need or any(t is None for _, t in targets):
            return (_UNKNOWN, need)
        found = any(all(test(a, t) for test, t in targets) for a in actual)
        return yes if found else no

    return some


@functools.lru_cache(maxsize=4096, typed=True)
def _line(median: float | int, percent: float | int) -> int:
    """percent_of() remembered: a few tables and rates give the same few lines on every step."""
    return percent_of(median, percent)


def _compile_income(rule: IncomeAtMost, negate: bool) -> Decider:
    yes, no = (_NO, _YES) if negate else (_YES, _NO)
    of = rule.of
    percent = rule.percent

    def income_at_most(answer: Answer, ctx: Context) -> Decision:
        income, size = answer("household_income"), answer("household_size")
        pct: Any = percent
        pct_key: str | None = None
        if isinstance(pct, ParamRef):
            pct, pct_key = ctx.param(pct.param, None)
        line = None
        if income is not None and size is not None:
            median, _ = ctx.param(of, "household_size")
            line = _line(median, pct) if median is not None and pct is not None else None
        if line is None:
            missing = tuple(
                q for q, v in (("household_income", income), ("household_size", size)) if v is None
            )
            return (_UNKNOWN, missing + ((pct_key,) if pct_key is not None else ()))
        return yes if income <= line else no

    return income_at_most


def _compile_eligible(program: str, negate: bool) -> Decider:
    yes, no = (_NO, _YES) if negate else (_YES, _NO)

    def eligible(answer: Answer, ctx: Context) -> Decision:
        inner = ctx.decision(program)
        tri = inner[0]
        if tri is _UNKNOWN:
            return inner
        return yes if tri is Tri.YES else no

    return eligible
