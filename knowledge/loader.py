"""Load a manual directory (plus local overlays), validate it, and report `file:line: message`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from knowledge import expr as E
from knowledge.household import check_value, fact_type, is_fact
from knowledge.manual import DEFAULT_DIR, Manual
from knowledge.model import (
    Computed,
    Domain,
    FactType,
    FactVocabulary,
    Group,
    Parameter,
    Program,
    Question,
    Term,
    Unit,
)
from knowledge.phrases import ProgramPhrases
from knowledge.rules import Leaf, RuleError, formula, leaves, parse_rule
from knowledge.screener import CompileErrors, Screener
from knowledge.yamlsrc import Issue, Loc, Source, load_yaml

SECTIONS: dict[str, type[BaseModel]] = {
    "domains": Domain,
    "groups": Group,
    "questions": Question,
    "parameters": Parameter,
    "programs": Program,
    "units": Unit,
    "computed": Computed,
    "glossary": Term,
}
# Sections other files own: `cases` (tests beside an overlay's programmes), `phrases` (search).
IGNORED_SECTIONS = ("cases",)
SINGULAR = {
    "domains": "domain",
    "groups": "group",
    "questions": "question",
    "parameters": "parameter",
    "programs": "program",
    "units": "unit",
    "computed": "computed value",
    "glossary": "glossary term",
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
    facts: FactVocabulary | None = None
    facts_item: _Item | None = None
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


def _read_facts(source: Source, entries: Any, layer: str | None, out: _Collected) -> None:
    if layer is not None:
        out.issues.append(source.issue(("facts",), "a local overlay cannot change the household facts"))
        return
    if out.facts is not None:
        assert out.facts_item is not None
        first = out.facts_item.source
        out.issues.append(source.issue(("facts",), f"facts are defined twice (first in {first.file})"))
        return
    try:
        out.facts = FactVocabulary.model_validate(entries)
    except ValidationError as exc:
        for err in exc.errors():
            out.issues.append(source.issue(("facts", *err["loc"]), f"facts: {_format_error(err)}"))
        return
    out.facts_item = _Item(out.facts, source, ("facts",), layer)


def _read_section(source: Source, section: Any, entries: Any, layer: str | None, out: _Collected) -> None:
    if section in IGNORED_SECTIONS:
        return
    if section == "facts":
        _read_facts(source, entries, layer, out)
        return
    if section == "phrases":
        _read_phrases(source, entries, layer, out)
        return
    if section not in SECTIONS:
        expected = ", ".join([*SECTIONS, "facts", "phrases"])
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
                    f"duplicate {SINGULAR[section]} id '{ident}' (first at {seen.source.file}:"
                    f"{seen.source.line(seen.loc)})",
                )
            )
            continue
        if seen is not None and section != "programs":
            out.issues.append(
                source.issue(
                    (*loc, "id"), f"local overlay cannot redefine national {SINGULAR[section]} '{ident}'"
                )
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
            out.issues.append(
                source.issue(
                    (*loc, "program"),
                    f"phrases for '{model.program}' listed twice (first at {first.source.file}:"
                    f"{first.source.line(first.loc)})",
                )
            )
            continue
        seen[model.program] = item = _Item(model, source, loc, layer)
        out.phrases.append(item)


def _attach_phrases(man: Manual, collected: _Collected) -> list[Issue]:
    """Phrases of programmes in the manual, merged across layers; a warning for any other programme."""
    warnings = []
    for item in collected.phrases:
        phrases: ProgramPhrases = item.model
        if phrases.program not in man.programs:
            warnings.append(
                item.source.issue(
                    (*item.loc, "program"),
                    f"phrases for programme '{phrases.program}', not in the manual (ignored until it is)",
                    "warning",
                )
            )
            continue
        known = man.phrases.get(phrases.program)
        man.phrases[phrases.program] = phrases if known is None else known.merged(phrases)
    return warnings


def _entry_id(raw: Any) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        return f"'{raw['id']}': "
    return ""


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
    man, locs, assembly = _assemble(collected, overlay_names)
    issues = collected.issues + assembly
    if not any(i.severity == "error" for i in issues):
        issues += _cross_check(man, collected, locs)
    if any(i.severity == "error" for i in issues):
        raise ManualError([i for i in issues if i.severity == "error"])
    phrase_warnings = _attach_phrases(man, collected)
    return man, _warnings(man, collected, today or dt.date.today()) + phrase_warnings


def _assemble(collected: _Collected, overlays: list[str]) -> tuple[Manual, dict[int, Loc], list[Issue]]:
    items = collected.items
    issues: list[Issue] = []
    locs: dict[int, Loc] = {}
    facts = collected.facts
    if facts is None and not any("facts" in i.message for i in collected.issues):
        issues.append(Issue("facts.yaml", 1, "the manual has no 'facts' section (the household facts)"))
    domain_rank = {d: i for i, d in enumerate(items["domains"])}
    ordered = sorted(
        items["programs"].values(), key=lambda it: domain_rank.get(it.model.domain, len(domain_rank))
    )
    rules = {}
    for item in ordered:
        pid = item.model.id
        try:
            rules[pid] = parse_rule(item.model.rule, (*item.loc, "rule"), locs)
        except RuleError as exc:
            issues.append(item.source.issue(exc.loc, f"programme '{pid}': {exc.message}"))
    formulas: dict[str, dict[str, E.Node]] = {"units": {}, "computed": {}, "questions": {}}
    for section, attr in (("units", "where"), ("computed", "formula"), ("questions", "ask_if")):
        for ident, item in items[section].items():
            raw = getattr(item.model, attr)
            if raw is None:
                continue
            where = (*item.loc, attr)
            try:
                node = formula(raw, where)
            except RuleError as exc:
                issues.append(item.source.issue(exc.loc, f"{SINGULAR[section]} '{ident}': {exc.message}"))
                continue
            locs[id(node)] = where
            formulas[section][ident] = node
    man = Manual(
        domains={k: v.model for k, v in items["domains"].items()},
        groups={k: v.model for k, v in items["groups"].items()},
        questions={k: v.model for k, v in items["questions"].items()},
        parameters={k: v.model for k, v in items["parameters"].items()},
        programs={it.model.id: it.model.model_copy(update={"order": n}) for n, it in enumerate(ordered)},
        facts_person={f.id: f for f in facts.person} if facts else {},
        facts_household={f.id: f for f in facts.household} if facts else {},
        units={k: v.model for k, v in items["units"].items()},
        computed={k: v.model for k, v in items["computed"].items()},
        rules=rules,
        unit_rules=formulas["units"],
        computed_rules=formulas["computed"],
        ask_if=formulas["questions"],
        overlays=overlays,
        glossary={k: v.model for k, v in items["glossary"].items()},
    )
    return man, locs, issues


def _cross_check(man: Manual, collected: _Collected, locs: dict[int, Loc]) -> list[Issue]:
    issues: list[Issue] = []
    items = collected.items
    for pid, item in items["programs"].items():
        prog = man.programs[pid]
        if prog.domain not in man.domains:
            issues.append(item.source.issue((*item.loc, "domain"), f"unknown domain '{prog.domain}'"))
        for g in prog.groups:
            if g not in man.groups:
                issues.append(item.source.issue((*item.loc, "groups"), f"unknown group '{g}'"))
        for n, other in enumerate(prog.replaced_by):
            if other not in man.programs or other == pid:
                issues.append(
                    item.source.issue(
                        (*item.loc, "replaced_by", n), f"replaced_by: unknown programme '{other}'"
                    )
                )
    issues += _check_glossary(collected)
    for qid, item in items["questions"].items():
        question = man.questions[qid]
        if question.attr is not None:
            spec = man.facts_person.get(question.attr)
            if spec is None or spec.derived:
                issues.append(
                    item.source.issue(
                        (*item.loc, "attr"), f"question '{qid}': unknown person fact '{question.attr}'"
                    )
                )
                continue
            for field_name in ("chosen", "others"):
                message = check_value(spec, getattr(question, field_name), f"{qid}.{field_name}", None)
                if message:
                    issues.append(item.source.issue((*item.loc, field_name), message))
            continue
        fact = question.fact or qid
        if not is_fact(man, fact):
            issues.append(
                item.source.issue((*item.loc, "fact"), f"question '{qid}' sets unknown fact '{fact}'")
            )
        elif (
            not question.sets
            and (wanted := fact_type(man, fact)) is not None
            and question.type.value not in _ANSWERS_FOR[wanted]
        ):
            message = f"question '{qid}' is {question.type.value} but its fact '{fact}' takes {wanted.value}"
            issues.append(item.source.issue((*item.loc, "type"), message))
    missing_units = [uid for uid in ("household", "couple") if man.facts_person and uid not in man.units]
    for uid in missing_units:
        issues.append(Issue("units.yaml", 1, f"the manual must define the unit '{uid}'"))
    if missing_units:
        return issues  # every formula over people would fail for want of them
    if cycle := _find_cycle(man):
        item = items["programs"][cycle[0]]
        issues.append(
            item.source.issue((*item.loc, "rule"), "eligibility depends on itself: " + " → ".join(cycle))
        )
        return issues
    try:
        Screener(man)
    except CompileErrors as exc:
        for error in exc.errors:
            issues.append(_locate(error, collected, locs))
    return issues


def _check_glossary(collected: _Collected) -> list[Issue]:
    """Each word (a term, in either language, or one of its other spellings) names one term only:
    otherwise a word in the results would be explained twice, perhaps differently."""
    issues: list[Issue] = []
    owner: dict[str, str] = {}
    for tid, item in collected.items["glossary"].items():
        term: Term = item.model
        for n, word in enumerate(term.words()):
            key = word.strip().casefold()
            field: tuple[str | int, ...] = (
                ("term", "ko") if n == 0 else ("term", "en") if n == 1 else ("also", n - 2)
            )
            where = (*item.loc, *field)
            if not key:
                issues.append(item.source.issue(where, f"glossary term '{tid}': an empty word"))
            elif key in owner and owner[key] != tid:
                issues.append(
                    item.source.issue(
                        where, f"glossary term '{tid}': '{word}' already explains '{owner[key]}'"
                    )
                )
            else:
                owner[key] = tid
    return issues


_ANSWERS_FOR = {
    FactType.MONEY: {"money"},
    FactType.INT: {"int"},
    FactType.BOOL: {"bool"},
    FactType.CHOICE: {"choice"},
    FactType.MULTI_CHOICE: {"multi_choice"},
    FactType.PROGRAMS: {"multi_choice"},
}


def _locate(error: Any, collected: _Collected, locs: dict[int, Loc]) -> Issue:
    """A compile error at the line of the formula it is in, with the column inside the formula."""
    section = {"programme": "programs", "computed": "computed", "unit": "units", "question": "questions"}
    item = collected.items[section[error.kind]].get(error.ident)
    node = error.node
    if item is None:
        return Issue("manual", 1, str(error))
    loc = locs.get(id(node)) if node is not None else None
    if loc is None and isinstance(node, Leaf):
        loc = locs.get(id(node.node))
    where = loc or item.loc
    return item.source.issue(where, f"{error.kind} '{error.ident}': formula {error.error}")


def _find_cycle(man: Manual) -> list[str] | None:
    """A programme that, through eligible() and replaced_by, depends on itself."""
    deps: dict[str, set[str]] = {}
    for pid, rule in man.rules.items():
        found = set(man.programs[pid].replaced_by)
        for leaf in leaves(rule):
            for node in _calls(leaf.node):
                if node.fn == "eligible" and node.args and isinstance(node.args[0], E.Name):
                    found.add(node.args[0].path)
        deps[pid] = found
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


def _calls(node: E.Node) -> list[E.Call]:
    out: list[E.Call] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, E.Call):
            out.append(n)
            stack.extend(n.args)
        elif isinstance(n, E.Bin | E.Cmp):
            stack.extend((n.a, n.b))
        elif isinstance(n, E.Neg | E.Not | E.In):
            stack.append(n.a)
        elif isinstance(n, E.Logic):
            stack.extend(n.items)
    return out
