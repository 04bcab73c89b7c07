"""Load a manual directory (plus local overlays), validate it, and report `file:line: message`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from knowledge.manual import DEFAULT_DIR, Manual
from knowledge.model import Domain, Group, Parameter, Program, Question, QuestionType
from knowledge.phrases import ProgramPhrases
from knowledge.rules import (
    NUMERIC_OPS,
    SET_OPS,
    All,
    AnyOf,
    Compare,
    Eligible,
    Not,
    ParamRef,
    Rule,
    RuleError,
    Some,
    parse_rule,
    referenced,
    walk,
)
from knowledge.yamlsrc import Issue, Loc, Source, load_yaml

SECTIONS: dict[str, type[BaseModel]] = {
    "domains": Domain,
    "groups": Group,
    "questions": Question,
    "parameters": Parameter,
    "programs": Program,
}
STALE_AFTER_DAYS = 365


class ManualError(Exception):
    """The manual cannot be used; `issues` says where and why."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


@dataclass
class _Item:
    model: Any
    source: Source
    loc: Loc
    layer: str | None


@dataclass
class _Collected:
    items: dict[str, dict[str, _Item]] = field(default_factory=lambda: {k: {} for k in SECTIONS})
    issues: list[Issue] = field(default_factory=list)
    phrases: list[_Item] = field(default_factory=list)


def _format_error(err: Any) -> str:
    loc = ".".join(str(p) for p in err["loc"])
    message = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "missing":
        return f"missing required field '{err['loc'][-1]}'"
    if err["type"] == "extra_forbidden":
        field = str(err["loc"][-1])
        hint = (
            ""
            if field.isascii() and " " not in field
            else (" (looks like text: a comma inside {…} starts a new field, so put the text in quotes)")
        )
        return f"unknown field '{field}'{hint}"
    return f"{loc}: {message}" if loc else message


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _read_dir(directory: Path, layer: str | None, out: _Collected, display_root: Path) -> None:
    files = sorted(
        p
        for p in directory.rglob("*.y*ml")
        if layer is not None or "local" not in p.relative_to(directory).parts
    )
    if not files:
        out.issues.append(Issue(str(directory), 1, "no YAML files found in the manual directory"))
    for path in files:
        source, issues = load_yaml(path, _display(path, display_root))
        out.issues.extend(issues)
        if source is None or source.data is None:
            continue
        if not isinstance(source.data, dict):
            out.issues.append(
                source.issue((), "top level must be a mapping of sections: " + ", ".join(SECTIONS))
            )
            continue
        for section, entries in source.data.items():
            _read_section(source, section, entries, layer, out)


def _read_section(source: Source, section: Any, entries: Any, layer: str | None, out: _Collected) -> None:
    if section == "cases":
        return  # test cases live beside programmes in some overlays; the engine ignores them
    if section == "phrases":
        _read_phrases(source, entries, layer, out)
        return
    if section not in SECTIONS:
        expected = ", ".join([*SECTIONS, "phrases"])
        out.issues.append(source.issue((section,), f"unknown section '{section}' (expected {expected})"))
        return
    if not isinstance(entries, list):
        out.issues.append(source.issue((section,), f"'{section}' must be a list"))
        return
    model_cls = SECTIONS[section]
    for i, raw in enumerate(entries):
        loc: Loc = (section, i)
        try:
            model = model_cls.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                where = (*loc, *err["loc"])
                out.issues.append(source.issue(where, f"{section}[{i}] {_entry_id(raw)}{_format_error(err)}"))
            continue
        ident = model.id  # type: ignore[attr-defined]
        seen = out.items[section].get(ident)
        if seen is not None and seen.layer == layer:
            out.issues.append(
                source.issue(
                    (*loc, "id"),
                    f"duplicate {section[:-1]} id '{ident}' (first at {seen.source.file}:"
                    f"{seen.source.line(seen.loc)})",
                )
            )
            continue
        if seen is not None and section != "programs":
            out.issues.append(
                source.issue((*loc, "id"), f"local overlay cannot redefine national {section[:-1]} '{ident}'")
            )
            continue
        if section == "programs" and layer is not None:
            model = model.model_copy(update={"local": layer})
        out.items[section][ident] = _Item(model, source, loc, layer)


def _read_phrases(source: Source, entries: Any, layer: str | None, out: _Collected) -> None:
    """Situations and abbreviations; which programmes they name is checked once all files are read."""
    if not isinstance(entries, list):
        out.issues.append(source.issue(("phrases",), "'phrases' must be a list"))
        return
    seen: dict[str, _Item] = {it.model.program: it for it in out.phrases if it.layer == layer}
    for i, raw in enumerate(entries):
        loc: Loc = ("phrases", i)
        try:
            model = ProgramPhrases.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                name = f"'{raw['program']}': " if isinstance(raw, dict) and "program" in raw else ""
                message = f"phrases[{i}] {name}{_format_error(err)}"
                out.issues.append(source.issue((*loc, *err["loc"]), message))
            continue
        first = seen.get(model.program)
        if first is not None:
            out.issues.append(source.issue(
                (*loc, "program"),
                f"phrases for '{model.program}' listed twice (first at {first.source.file}:"
                f"{first.source.line(first.loc)})",
            ))
            continue
        seen[model.program] = item = _Item(model, source, loc, layer)
        out.phrases.append(item)


def _attach_phrases(man: Manual, collected: _Collected) -> list[Issue]:
    """Phrases of programmes in the manual, merged across layers; a warning for any other programme."""
    warnings = []
    for item in collected.phrases:
        phrases: ProgramPhrases = item.model
        if phrases.program not in man.programs:
            warnings.append(item.source.issue(
                (*item.loc, "program"),
                f"phrases for programme '{phrases.program}', not in the manual (ignored until it is)",
                "warning",
            ))
            continue
        known = man.phrases.get(phrases.program)
        man.phrases[phrases.program] = phrases if known is None else known.merged(phrases)
    return warnings


def _entry_id(raw: Any) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        return f"'{raw['id']}': "
    return ""


def _check_value(q: Question, rule: Compare, item: _Item, loc: Loc, issues: list[Issue]) -> None:
    """A comparison must make sense for the question's type: catches typos in choice values."""
    where = item.source.issue
    if q.type == QuestionType.INT_LIST:
        if rule.quantifier is None:
            issues.append(where(loc, f"'{q.id}' is a list of numbers: compare with some: or count:"))
        return
    if rule.quantifier is not None:
        issues.append(
            where(loc, f"'{rule.quantifier}' only applies to list questions, '{q.id}' is {q.type.value}")
        )
        return
    values = rule.value if isinstance(rule.value, tuple) else (rule.value,)
    if isinstance(rule.value, ParamRef):
        if q.type not in (QuestionType.INT, QuestionType.MONEY):
            issues.append(
                where(loc, f"a parameter can only be compared with a number question, not '{q.id}'")
            )
        return
    if q.type in (QuestionType.INT, QuestionType.MONEY):
        if rule.op in ("has_any", "has_none"):
            issues.append(where(loc, f"'{rule.op}' needs a multi-choice question, '{q.id}' is a number"))
        elif any(isinstance(v, bool) or not isinstance(v, int | float) for v in values):
            issues.append(where(loc, f"'{q.id}' is a number; compare it with numbers, got {rule.value!r}"))
    elif q.type == QuestionType.BOOL:
        if rule.op not in ("eq", "ne") or not isinstance(rule.value, bool):
            issues.append(where(loc, f"'{q.id}' is yes/no: use eq: true or eq: false"))
    else:
        if rule.op in NUMERIC_OPS:
            issues.append(where(loc, f"'{rule.op}' compares numbers, '{q.id}' is a {q.type.value} question"))
            return
        multi = q.type == QuestionType.MULTI_CHOICE
        if multi != (rule.op in ("has_any", "has_none")):
            wanted = "has_any / has_none" if multi else "eq / ne / in / not_in"
            issues.append(where(loc, f"'{q.id}' is {q.type.value}: use {wanted}"))
        for v in values:
            if q.choice(str(v)) is None:
                known = ", ".join(c.value for c in q.choices)
                issues.append(where(loc, f"'{v}' is not a choice of '{q.id}' (choices: {known})"))
    if rule.op in SET_OPS and not values:
        issues.append(where(loc, f"'{rule.op}' needs at least one value"))


def _check_rule(
    rule: Rule, item: _Item, loc: Loc, man: Manual, issues: list[Issue], locs: dict[int, Loc] | None = None
) -> None:
    """Cross-references and types, each reported at the line of the node that is wrong."""
    for node in walk(rule):
        here = (locs or {}).get(id(node), loc)
        questions, params, programs = (
            referenced(node) if not isinstance(node, All | AnyOf | Not) else ((), (), ())
        )
        for qid in sorted(set(questions) - set(man.questions)):
            issues.append(item.source.issue(here, f"unknown question '{qid}' in rule"))
        for pid in sorted(set(params) - set(man.parameters)):
            issues.append(item.source.issue(here, f"unknown parameter '{pid}' in rule"))
        for prog in sorted(set(programs) - set(man.programs)):
            issues.append(item.source.issue(here, f"unknown programme '{prog}' in eligible:"))
        if isinstance(node, Compare) and node.answer in man.questions:
            _check_value(man.questions[node.answer], node, item, here, issues)
        elif (
            isinstance(node, Some)
            and node.answer in man.questions
            and man.questions[node.answer].type != QuestionType.INT_LIST
        ):
            issues.append(
                item.source.issue(here, f"'some' needs a list question, '{node.answer}' is not one")
            )


def _find_cycle(man: Manual) -> list[str] | None:
    deps = {pid: {n.program for n in walk(r) if isinstance(n, Eligible)} for pid, r in man.rules.items()}
    state: dict[str, int] = {}

    def visit(pid: str, trail: list[str]) -> list[str] | None:
        state[pid] = 1
        for dep in sorted(deps.get(pid, ())):
            if state.get(dep) == 1:
                return [*trail, pid, dep]
            if dep not in state and (found := visit(dep, [*trail, pid])):
                return found
        state[pid] = 2
        return None

    for pid in deps:
        if pid not in state and (cycle := visit(pid, [])):
            return cycle
    return None


def _warnings(man: Manual, items: _Collected, today: dt.date) -> list[Issue]:
    out = []
    for pid, param in man.parameters.items():
        item = items.items["parameters"][pid]
        if param.in_force(today) is None:
            out.append(
                item.source.issue(
                    (*item.loc, "values"),
                    f"parameter '{pid}' has no value in force on {today.isoformat()}",
                    "warning",
                )
            )
        elif max(param.values).year < today.year:
            out.append(
                item.source.issue(
                    (*item.loc, "values"),
                    f"parameter '{pid}' has no value for {today.year} "
                    f"(latest from {max(param.values).isoformat()})",
                    "warning",
                )
            )
    for pid, prog in man.programs.items():
        item = items.items["programs"][pid]
        if (today - prog.as_of).days > STALE_AFTER_DAYS:
            out.append(
                item.source.issue(
                    (*item.loc, "sources"),
                    f"programme '{pid}' sources are from {prog.as_of.isoformat()}, more than 12 months ago",
                    "warning",
                )
            )
    return out


def load_manual(
    directory: Path | str | None = None,
    overlays: Iterable[Path | str] = (),
    today: dt.date | None = None,
) -> tuple[Manual, list[Issue]]:
    """Load and check. Raises ManualError on any error; returns the warnings otherwise."""
    root = Path(directory) if directory else DEFAULT_DIR
    collected = _Collected()
    if not root.is_dir():
        raise ManualError([Issue(str(root), 1, "manual directory not found")])
    _read_dir(root, None, collected, root)
    overlay_names = []
    for overlay in overlays:
        path = Path(overlay)
        if not path.is_dir():
            collected.issues.append(Issue(str(path), 1, "local overlay directory not found"))
            continue
        overlay_names.append(path.name)
        _read_dir(path, path.name, collected, path.parent)
    man = _assemble(collected, overlay_names)
    issues = collected.issues + _cross_check(man, collected)
    if any(i.severity == "error" for i in issues):
        raise ManualError([i for i in issues if i.severity == "error"])
    phrase_warnings = _attach_phrases(man, collected)
    return man, _warnings(man, collected, today or dt.date.today()) + phrase_warnings


def _assemble(collected: _Collected, overlays: list[str]) -> Manual:
    items = collected.items
    man = Manual(
        domains={k: v.model for k, v in items["domains"].items()},
        groups={k: v.model for k, v in items["groups"].items()},
        questions={k: v.model for k, v in items["questions"].items()},
        parameters={k: v.model for k, v in items["parameters"].items()},
        overlays=overlays,
    )
    domain_rank = {d: i for i, d in enumerate(man.domains)}
    ordered = sorted(
        items["programs"].values(), key=lambda it: domain_rank.get(it.model.domain, len(domain_rank))
    )
    man.programs = {it.model.id: it.model.model_copy(update={"order": n}) for n, it in enumerate(ordered)}
    return man


def _cross_check(man: Manual, collected: _Collected) -> list[Issue]:
    issues: list[Issue] = []
    locs: dict[int, Loc] = {}  # where each rule node was written, for precise lines
    for pid, item in collected.items["programs"].items():
        prog = man.programs[pid]
        if prog.domain not in man.domains:
            issues.append(item.source.issue((*item.loc, "domain"), f"unknown domain '{prog.domain}'"))
        for g in prog.groups:
            if g not in man.groups:
                issues.append(item.source.issue((*item.loc, "groups"), f"unknown group '{g}'"))
        try:
            man.rules[pid] = parse_rule(prog.rule, (*item.loc, "rule"), locs)
        except RuleError as exc:
            issues.append(item.source.issue(exc.loc, f"programme '{pid}': {exc.message}"))
            continue
    for pid, rule in man.rules.items():
        item = collected.items["programs"][pid]
        _check_rule(rule, item, (*item.loc, "rule"), man, issues, locs)
    for qid, item in collected.items["questions"].items():
        question = man.questions[qid]
        if question.ask_if is None:
            continue
        try:
            gate = parse_rule(question.ask_if, (*item.loc, "ask_if"), locs)
        except RuleError as exc:
            issues.append(item.source.issue(exc.loc, f"question '{qid}': {exc.message}"))
            continue
        _check_rule(gate, item, (*item.loc, "ask_if"), man, issues, locs)
        if qid in referenced(gate)[0]:
            issues.append(
                item.source.issue((*item.loc, "ask_if"), f"question '{qid}' cannot depend on itself")
            )
        man.ask_if[qid] = gate
    for qid, item in collected.items["questions"].items():
        for n, implied in enumerate(man.questions[qid].implied):
            where = (*item.loc, "implied", n, "if")
            try:
                cond = parse_rule(implied.if_, where, locs)
            except RuleError as exc:
                issues.append(item.source.issue(exc.loc, f"question '{qid}': {exc.message}"))
                continue
            _check_rule(cond, item, where, man, issues, locs)
            man.implied.setdefault(qid, []).append((cond, implied.value))
    for pid, item in collected.items["parameters"].items():
        by = man.parameters[pid].by
        if by is not None and by not in man.questions:
            issues.append(
                item.source.issue((*item.loc, "by"), f"parameter '{pid}' is keyed by unknown question '{by}'")
            )
    if not issues and (cycle := _find_cycle(man)):
        item = collected.items["programs"][cycle[0]]
        issues.append(
            item.source.issue((*item.loc, "rule"), "eligibility depends on itself: " + " → ".join(cycle))
        )
    return issues
