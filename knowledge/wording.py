"""Reasons in plain words: a rule's condition read back with the household's values and the figures used.

"기초연금 소득인정액 월 0원 ≤ 기초연금 선정기준액 월 2,470,000원". What holds is stated as it holds (a failed
"age ≥ 65" reads "나이 40세 < 65세"); a condition the facts do not settle shows the range still possible
and the standard it must meet. Names read as their labels; a computed value with an `explain` text adds
how it was made ("소득 0원 + 재산 환산 1,184,000원").
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from knowledge import expr as E
from knowledge.compile import Compiler
from knowledge.model import FactSpec
from knowledge.rules import Leaf
from knowledge.text import Lang, pick
from knowledge.values import Cat, Chosen, Num, Tri, Truth, Value, compare

if TYPE_CHECKING:
    from knowledge.manual import Manual
    from knowledge.screener import ScreenRun

_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_.]*)\}")
_TRI = {
    Tri.YES: ("예", "yes"),
    Tri.NO: ("아니요", "no"),
    Tri.UNKNOWN: ("모름", "unknown"),
}


def number(x: float, unit: str | None, lang: Lang) -> str:
    """One figure in the unit it is in: 월 820,556원, 72세, 3명, 32%."""
    ko = lang == Lang.KO
    if unit == "percent":
        return f"{x * 100:g}%"
    whole = f"{round(x):,}" if float(x).is_integer() or abs(x) >= 100 else f"{x:,.2f}".rstrip("0").rstrip(".")
    if unit and unit.startswith("KRW"):
        amount = f"{whole}원" if ko else f"KRW {whole}"
        if unit == "KRW/month":
            return f"월 {amount}" if ko else f"{amount} a month"
        if unit == "KRW/year":
            return f"연 {amount}" if ko else f"{amount} a year"
        return amount
    if unit == "years":
        return f"{whole}세" if ko else f"{whole} years"
    if unit == "people":
        return f"{whole}명" if ko else f"{whole}"
    if unit == "year":
        return f"{round(x)}년" if ko else str(round(x))
    return whole


def num_text(value: Num, unit: str | None, lang: Lang) -> str:
    if value.exact:
        return number(value.lo, unit, lang)
    lo, hi = value.lo, value.hi
    if math.isinf(hi) and (math.isinf(lo) or lo <= 0):
        return pick(lang, "모름", "unknown")
    if math.isinf(hi):
        return pick(lang, f"{number(lo, unit, lang)} 이상", f"at least {number(lo, unit, lang)}")
    if math.isinf(lo):
        return pick(lang, f"{number(hi, unit, lang)} 이하", f"at most {number(hi, unit, lang)}")
    return f"{number(lo, unit, lang)}~{number(hi, unit, lang).removeprefix('월 ').removeprefix('연 ')}"


class Wording:
    def __init__(self, manual: Manual, compiler: Compiler) -> None:
        self.manual = manual
        self.compiler = compiler
        # The names `explain` texts mention, compiled once: {income_eval} → its node and evaluator.
        self.placeholders: dict[str, E.Node] = {}
        for computed in manual.computed.values():
            if computed.explain is None:
                continue
            for text in (computed.explain.ko, computed.explain.en):
                for name in _PLACEHOLDER.findall(text):
                    if name not in self.placeholders:
                        node = E.parse(name)
                        compiler.formula(node)
                        self.placeholders[name] = node

    def leaf_renderer(self, leaf: Leaf, run: ScreenRun, outcome: Tri) -> Callable[[Lang], str]:
        return lambda lang: self.leaf(leaf, run, lang)

    def leaf(self, leaf: Leaf, run: ScreenRun, lang: Lang) -> str:
        text = leaf.label.get(lang) if leaf.label is not None else self.statement(leaf.node, run, lang)
        # Labels are written to sit inside a sentence; a reason line starts with a capital in English.
        return text[:1].upper() + text[1:] if lang == Lang.EN else text

    # ------------------------------------------------------------ statements (conditions)

    def statement(self, node: E.Node, run: ScreenRun, lang: Lang) -> str:
        if isinstance(node, E.Cmp):
            return self._comparison(node, run, lang)
        if isinstance(node, E.In):
            return self._membership(node, run, lang)
        if isinstance(node, E.Logic):
            joiner = pick(lang, " 그리고 ", " and ") if node.op == "and" else pick(lang, " 또는 ", " or ")
            return joiner.join(self.statement(item, run, lang) for item in node.items)
        if isinstance(node, E.Not):
            return self.statement(node.a, run, lang)
        if isinstance(node, E.Call):
            return self._call_statement(node, run, lang)
        value = run.value(node)
        return f"{self.words(node, lang)}: {self.value_text(node, value, lang)}"

    def _comparison(self, node: E.Cmp, run: ScreenRun, lang: Lang) -> str:
        fns = self.compiler.fns
        if id(node.a) not in fns or id(node.b) not in fns:  # a choice: housing_type == owner
            subject, word = (node.b, node.a) if id(node.a) not in fns else (node.a, node.b)
            value = run.value(subject)
            holds = run.value(node)
            assert isinstance(holds, Truth)
            choice = self._choice_label(subject, _opt(word), lang)
            if node.op == "ne":
                choice = pick(lang, f"{choice} 아님", f"not {choice}")
            shown = self.value_text(subject, value, lang)
            if holds.tri is Tri.YES:
                return f"{self.words(subject, lang)}: {shown}"
            return pick(
                lang,
                f"{self.words(subject, lang)}: {shown} — 기준: {choice}",
                f"{self.words(subject, lang)}: {shown} — needs {choice}",
            )
        a, b = run.value(node.a), run.value(node.b)
        if not (isinstance(a, Num) and isinstance(b, Num)):
            value = run.value(node)
            assert isinstance(value, Truth)
            return f"{self.words(node, lang)}: {pick(lang, *_TRI[value.tri])}"
        unit = self.unit(node.a) or self.unit(node.b)
        left = self.describe(node.a, a, unit, lang, run)
        right = self.describe(node.b, b, unit, lang, run)
        outcome = compare(node.op, a, b).tri
        if outcome is Tri.YES:
            return f"{left} {E.SYMBOL[node.op]} {right}"
        if outcome is Tri.NO:
            return f"{left} {E.SYMBOL[E.NEGATED[node.op]]} {right}"
        return pick(
            lang,
            f"{left} — 기준: {E.SYMBOL[node.op]} {right}",
            f"{left} — needs {E.SYMBOL[node.op]} {right}",
        )

    def _membership(self, node: E.In, run: ScreenRun, lang: Lang) -> str:
        value = run.value(node.a)
        options = [self._choice_label(node.a, _opt(o), lang) for o in node.options]
        listed = ", ".join(options)
        condition = (
            pick(lang, f"{listed} 아님", f"not {listed}")
            if node.negate
            else pick(lang, f"{listed} 중 하나", f"one of {listed}")
        )
        shown = self.value_text(node.a, value, lang)
        holds = run.value(node)
        assert isinstance(holds, Truth)
        if holds.tri is Tri.YES:
            return f"{self.words(node.a, lang)}: {shown} ({condition})"
        return pick(
            lang,
            f"{self.words(node.a, lang)}: {shown} — 기준: {condition}",
            f"{self.words(node.a, lang)}: {shown} — needs {condition}",
        )

    def _call_statement(self, node: E.Call, run: ScreenRun, lang: Lang) -> str:
        value = run.value(node)
        fn = node.fn
        if fn in ("eligible", "receiving") and isinstance(node.args[0], E.Name):
            name = self.manual.programs[node.args[0].path].name.get(lang)
            assert isinstance(value, Truth)
            if fn == "eligible":
                texts = {
                    Tri.YES: ("받을 수 있음", "eligible"),
                    Tri.NO: ("해당하지 않음", "not eligible"),
                    Tri.UNKNOWN: ("확인 필요", "to be checked"),
                }
            else:
                texts = {
                    Tri.YES: ("이미 받고 있음", "already received"),
                    Tri.NO: ("받고 있지 않음", "not received"),
                    Tri.UNKNOWN: ("받는지 모름", "not known whether received"),
                }
            return f"{name}: {pick(lang, *texts[value.tri])}"
        if fn == "any" and isinstance(value, Truth):
            texts = {Tri.YES: ("있음", "yes"), Tri.NO: ("없음", "none"), Tri.UNKNOWN: ("모름", "unknown")}
            return f"{self.words(node, lang)}: {pick(lang, *texts[value.tri])}"
        if fn == "has_any" and isinstance(value, Truth):
            chosen = run.value(node.args[0])
            options = ", ".join(self._choice_label(node.args[0], _opt(o), lang) for o in node.args[1:])
            label = self.words(node.args[0], lang)
            shown = self.value_text(node.args[0], chosen, lang)
            if value.tri is Tri.YES:
                return f"{label}: {shown} ({pick(lang, f'{options} 중 하나 이상', f'any of {options}')})"
            return pick(
                lang,
                f"{label}: {shown} — 기준: {options} 중 하나 이상",
                f"{label}: {shown} — needs any of {options}",
            )
        if isinstance(value, Truth):
            return f"{self.words(node, lang)}: {pick(lang, *_TRI[value.tri])}"
        return f"{self.words(node, lang)}: {self.value_text(node, value, lang)}"

    # ------------------------------------------------------------ values

    def describe(self, node: E.Node, value: Num, unit: str | None, lang: Lang, run: ScreenRun) -> str:
        """A side of a comparison: its label and value, or just the value for a literal."""
        shown = num_text(value, self.unit(node) or unit, lang)
        if isinstance(node, E.Lit):
            return shown
        text = f"{self.words(node, lang)} {shown}"
        if isinstance(node, E.Call) and node.fn in self.manual.parameters and node.args:
            key = node.args[0]
            label = self.manual.parameters[node.fn].label.get(lang)
            text = f"{label} ({self.words(key, lang)} {self.value_text(key, run.value(key), lang)}) {shown}"
        if isinstance(node, E.Name) and node.path in self.manual.computed:
            plain = self.manual.computed[node.path].explain
            if plain is not None:
                return f"{text} ({self.fill(plain.get(lang), lang, run)})"
        return text

    def fill(self, template: str, lang: Lang, run: ScreenRun) -> str:
        """An `explain` text with each {name} replaced by that value for this household."""

        def value_of(m: re.Match[str]) -> str:
            node = self.placeholders.get(m.group(1))
            if node is None:
                return m.group(0)
            return self.value_text(node, run.value(node), lang)

        return _PLACEHOLDER.sub(value_of, template)

    def value_text(self, node: E.Node, value: Value, lang: Lang, unit: str | None = None) -> str:
        if isinstance(value, Num):
            return num_text(value, unit or self.unit(node), lang)
        if isinstance(value, Truth):
            return pick(lang, *_TRI[value.tri])
        if isinstance(value, Cat):
            if value.possible is None:
                return pick(lang, "모름", "unknown")
            labels = [self._choice_label(node, v, lang) for v in sorted(value.possible)]
            return labels[0] if len(labels) == 1 else pick(lang, " 또는 ", " or ").join(labels)
        assert isinstance(value, Chosen)
        if value.values is None:
            return pick(lang, "모름", "unknown")
        if not value.values:
            return pick(lang, "없음", "none")
        return ", ".join(self._choice_label(node, v, lang) for v in sorted(value.values))

    def unit(self, node: E.Node) -> str | None:
        compiled = self.compiler.fns.get(id(node))
        return compiled.type.unit if compiled is not None else None

    # ------------------------------------------------------------ names in words

    def words(self, node: E.Node, lang: Lang) -> str:
        """A formula read aloud with labels instead of ids: 가구 근로·사업소득 합계, 나이 ≥ 65세."""
        if isinstance(node, E.Name):
            return self.label(node.path, lang)
        if isinstance(node, E.Lit):
            if isinstance(node.value, bool):
                return pick(lang, "예" if node.value else "아니요", "yes" if node.value else "no")
            if isinstance(node.value, str):
                return node.value
            return number(node.value, None, lang)
        if isinstance(node, E.Bin):
            sign = {"*": "×", "/": "÷"}.get(node.op, node.op)
            return f"{self.words(node.a, lang)} {sign} {self.words(node.b, lang)}"
        if isinstance(node, E.Neg):
            return f"−{self.words(node.a, lang)}"
        if isinstance(node, E.Cmp):
            unit = self.unit(node.a) or self.unit(node.b)
            right = node.b
            shown = (
                number(right.value, unit, lang)
                if isinstance(right, E.Lit) and isinstance(right.value, float)
                else self._choice_or_words(node.a, right, lang)
            )
            return f"{self.words(node.a, lang)} {E.SYMBOL[node.op]} {shown}"
        if isinstance(node, E.In):
            listed = ", ".join(self._choice_label(node.a, _opt(o), lang) for o in node.options)
            if node.negate:
                return pick(
                    lang,
                    f"{self.words(node.a, lang)} {listed} 아님",
                    f"{self.words(node.a, lang)} not {listed}",
                )
            return pick(lang, f"{self.words(node.a, lang)} {listed}", f"{self.words(node.a, lang)} {listed}")
        if isinstance(node, E.Logic):
            joiner = pick(lang, " 그리고 ", " and ") if node.op == "and" else pick(lang, " 또는 ", " or ")
            return joiner.join(self.words(item, lang) for item in node.items)
        if isinstance(node, E.Not):
            return pick(lang, f"{self.words(node.a, lang)} 아님", f"not {self.words(node.a, lang)}")
        assert isinstance(node, E.Call)
        return self._call_words(node, lang)

    def _choice_or_words(self, subject: E.Node, node: E.Node, lang: Lang) -> str:
        if isinstance(node, E.Name | E.Lit) and id(node) not in self.compiler.fns:
            return self._choice_label(subject, _opt(node), lang)
        return self.words(node, lang)

    def _call_words(self, node: E.Call, lang: Lang) -> str:
        fn, args = node.fn, node.args
        man = self.manual
        if fn in man.parameters:
            key = self.words(args[0], lang) if args else ""
            return (
                f"{man.parameters[fn].label.get(lang)} ({key})" if key else man.parameters[fn].label.get(lang)
            )
        if (
            fn in ("sum", "count", "any", "all", "minimum", "maximum")
            and args
            and isinstance(args[0], E.Name)
        ):
            unit = man.units[args[0].path].label.get(lang) if args[0].path in man.units else args[0].path
            inner = self.words(args[1], lang) if len(args) > 1 else ""
            if fn == "sum":
                return pick(lang, f"{unit} {inner} 합계", f"{unit}: total {inner}")
            if fn == "count":
                return (
                    pick(lang, f"{unit} 중 {inner}인 사람 수", f"{unit} with {inner}")
                    if inner
                    else pick(lang, f"{unit} 수", f"{unit}: number")
                )
            if fn == "any":
                return pick(lang, f"{unit} 중 {inner}인 사람", f"{unit}: anyone with {inner}")
            if fn == "all":
                return pick(lang, f"{unit} 모두 {inner}", f"{unit}: everyone {inner}")
            return pick(
                lang,
                f"{unit} 중 {'가장 적은' if fn == 'minimum' else '가장 많은'} {inner}",
                f"{unit}: {'lowest' if fn == 'minimum' else 'highest'} {inner}",
            )
        if (
            fn in ("eligible", "receiving")
            and args
            and isinstance(args[0], E.Name)
            and args[0].path in man.programs
        ):
            name = man.programs[args[0].path].name.get(lang)
            return name if fn == "eligible" else pick(lang, f"{name} 수급", f"receiving {name}")
        if fn in ("min", "max"):
            parts = ", ".join(self.words(a, lang) for a in args)
            return pick(
                lang,
                f"{parts} 중 {'작은' if fn == 'min' else '큰'} 값",
                f"the {'smaller' if fn == 'min' else 'larger'} of {parts}",
            )
        if fn == "if" and len(args) == 3:
            cond, then, other = (self.words(a, lang) for a in args)
            return pick(lang, f"{cond}이면 {then}, 아니면 {other}", f"{then} if {cond}, else {other}")
        if len(args) == 1 and fn in ("round", "floor", "known"):
            return self.words(args[0], lang)
        return f"{fn}({', '.join(self.words(a, lang) for a in args)})"

    def label(self, path: str, lang: Lang) -> str:
        man = self.manual
        if path in man.computed:
            return man.computed[path].label.get(lang)
        if path in man.parameters:
            return man.parameters[path].label.get(lang)
        head, _, rest = path.partition(".")
        if head == "self" and rest:
            inner = self.label(rest, lang)
            return inner
        spec = man.facts_household.get(path) or man.facts_person.get(path)
        if spec is not None:
            return spec.label.get(lang)
        if path == "as_of_year":
            return pick(lang, "상담 연도", "consultation year")
        if path == "medical_expenses_annual":
            return pick(lang, "연간 의료비", "yearly medical costs")
        return path

    def _spec(self, node: E.Node) -> FactSpec | None:
        if isinstance(node, E.Name):
            path = node.path.removeprefix("self.")
            return self.manual.facts_household.get(path) or self.manual.facts_person.get(path)
        return None

    def _choice_label(self, subject: E.Node, value: str, lang: Lang) -> str:
        spec = self._spec(subject)
        if spec is not None:
            choice = spec.choice(value)
            if choice is not None:
                return choice.label.get(lang)
        return value


def _opt(node: E.Node) -> str:
    if isinstance(node, E.Name):
        return node.path
    assert isinstance(node, E.Lit)
    return str(node.value)
