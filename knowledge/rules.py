"""A programme's rule: conditions in the formula language, combined with all / any / not.

    rule:
      all:
        - "self.age >= basic_pension_age"
        - "couple_recognised_income <= basic_pension_threshold(count(couple) == 2)"
        - test: "not receiving(livelihood_benefit)"
          label: {ko: 생계급여를 받지 않음, en: Not receiving the livelihood benefit}

Each condition (a "leaf") becomes one reason line; `label` replaces the generated wording where the formula
would read awkwardly. Evaluation is Kleene logic over yes / no / unknown (values.py); `not` applies to the
outcome, and a reason keeps saying what is true of the household while its mark shows the outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from knowledge import expr as E
from knowledge.text import Lang, Text
from knowledge.values import NO_DEPS, Tri

Loc = tuple[str | int, ...]


class RuleError(Exception):
    def __init__(self, loc: Loc, message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message


@dataclass(frozen=True, slots=True)
class Leaf:
    node: E.Node
    source: str
    label: Text | None = None


@dataclass(frozen=True, slots=True)
class AllOf:
    items: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    items: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class NotR:
    item: Rule


Rule = Leaf | AllOf | AnyOf | NotR


@dataclass(slots=True)
class Reason:
    """One checked condition. Text is rendered on demand: screening must stay cheap."""

    outcome: Tri
    render: Callable[[Lang], str] = field(compare=False, repr=False)
    deps: frozenset[str] = NO_DEPS

    def text(self, lang: Lang | str) -> str:
        return self.render(Lang(lang))


Hit = tuple[Leaf | Reason, Tri]  # a condition checked (worded only when shown), with its outcome


@dataclass(slots=True)
class Result:
    tri: Tri
    hits: tuple[Hit, ...] = ()
    missing: frozenset[str] = NO_DEPS


def formula(raw: Any, loc: Loc) -> E.Node:
    """Parse a formula found at `loc`; a mistake becomes a RuleError naming the column."""
    try:
        return E.parse(raw)
    except E.FormulaError as exc:
        raise RuleError(loc, f"formula {exc}") from exc


def parse_rule(raw: Any, loc: Loc = (), locs: dict[int, Loc] | None = None) -> Rule:
    """YAML data → rule; `locs` receives where each node was written, for errors found later."""
    node = _parse(raw, loc, locs)
    if locs is not None:
        locs[id(node)] = loc
        if isinstance(node, Leaf):
            locs[id(node.node)] = loc
    return node


def _parse(raw: Any, loc: Loc, locs: dict[int, Loc] | None) -> Rule:
    if isinstance(raw, str):
        return Leaf(formula(raw, loc), raw)
    if not isinstance(raw, dict) or not raw:
        raise RuleError(
            loc,
            f"a rule is a formula in quotes or {{all: [...]}} / {{any: [...]}} / {{not: ...}}, got {raw!r}",
        )
    if "test" in raw:
        extra = set(raw) - {"test", "label"}
        if extra:
            raise RuleError(loc, f"a test takes 'test' and 'label' only, got {sorted(extra)}")
        label = raw.get("label")
        try:
            text = Text.model_validate(label) if label is not None else None
        except ValidationError as exc:
            raise RuleError(
                (*loc, "label"), "a label is {ko: …, en: …} with text in quotes if it has a comma"
            ) from exc
        source = raw["test"]
        return Leaf(formula(source, (*loc, "test")), str(source), text)
    if len(raw) != 1:
        raise RuleError(loc, f"a rule has exactly one of all / any / not, got {sorted(raw)}")
    ((key, body),) = raw.items()
    here = (*loc, key)
    if key in ("all", "any"):
        if not isinstance(body, list) or not body:
            raise RuleError(here, f"'{key}' needs a non-empty list of rules")
        items = tuple(parse_rule(item, (*here, i), locs) for i, item in enumerate(body))
        return AllOf(items) if key == "all" else AnyOf(items)
    if key == "not":
        return NotR(parse_rule(body, here, locs))
    raise RuleError(here, f"unknown rule form '{key}' (expected all, any, not, test, or a formula in quotes)")


def leaves(rule: Rule) -> Iterator[Leaf]:
    if isinstance(rule, Leaf):
        yield rule
    elif isinstance(rule, AllOf | AnyOf):
        for item in rule.items:
            yield from leaves(item)
    else:
        yield from leaves(rule.item)


def combine(results: Sequence[Result], want_all: bool) -> Result:
    """Kleene AND (want_all) or OR, keeping only the conditions that explain the outcome."""
    decisive, neutral = (Tri.NO, Tri.YES) if want_all else (Tri.YES, Tri.NO)
    unknown = False
    for r in results:
        if r.tri is decisive:
            keep = (
                [x for x in results if x.tri is not Tri.UNKNOWN]
                if want_all
                else [x for x in results if x.tri is Tri.YES]
            )
            return Result(decisive, tuple(h for x in keep for h in x.hits))
        if r.tri is Tri.UNKNOWN:
            unknown = True
    hits = tuple(h for x in results for h in x.hits)
    if not unknown:
        return Result(neutral, hits)
    missing: frozenset[str] = NO_DEPS
    for r in results:
        if r.tri is Tri.UNKNOWN:
            missing = missing | r.missing
    return Result(Tri.UNKNOWN, hits, missing)
