"""YAML loading that remembers where every value came from, so errors can say `file:line`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Loc = tuple[str | int, ...]


@dataclass
class Issue:
    """One problem found in the manual. `severity` is 'error' (stops loading) or 'warning'."""

    file: str
    line: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        tag = "" if self.severity == "error" else "warning: "
        return f"{self.file}:{self.line}: {tag}{self.message}"


@dataclass
class Source:
    """A parsed YAML document with the line of every node, keyed by its path from the root."""

    file: str
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)

    def line(self, loc: Loc) -> int:
        """Line of the deepest node along `loc` that exists (a missing key points at its parent)."""
        for end in range(len(loc), -1, -1):
            found = self.lines.get(tuple(loc[:end]))
            if found is not None:
                return found
        return 1

    def issue(self, loc: Loc, message: str, severity: str = "error") -> Issue:
        return Issue(self.file, self.line(loc), message, severity)


class _Constructor(yaml.constructor.SafeConstructor):
    pass


# Dates stay strings: the schema parses them, so a bad date gets our message, not a YAML one.
_Constructor.add_constructor(  # type: ignore[type-var]
    "tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_str
)


def _convert(node: yaml.Node, loc: Loc, lines: dict[Loc, int], ctor: _Constructor) -> Any:
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        ctor.flatten_mapping(node)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = ctor.construct_object(key_node, deep=True)
            if isinstance(key, bool):
                key = "true" if key else "false"
            key_loc = (*loc, key)
            if key in out:
                lines[("__duplicate__", *key_loc)] = key_node.start_mark.line + 1
            out[key] = _convert(value_node, key_loc, lines, ctor)
            lines[key_loc] = (
                key_node.start_mark.line + 1
                if not isinstance(value_node, (yaml.MappingNode, yaml.SequenceNode))
                else lines[key_loc]
            )
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*loc, i), lines, ctor) for i, item in enumerate(node.value)]
    return ctor.construct_object(node, deep=True)


def load_yaml(path: Path, display: str | None = None) -> tuple[Source | None, list[Issue]]:
    """Parse one YAML file. A syntax error or a duplicate key is an Issue, never an exception."""
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Issue(name, 1, f"not UTF-8 text ({exc.reason})")]
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        return None, [Issue(name, line, f"YAML syntax error: {exc.problem or exc.context}")]
    if node is None:
        return Source(name, None, {(): 1}), []
    lines: dict[Loc, int] = {}
    try:
        data = _convert(node, (), lines, _Constructor())
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        return None, [Issue(name, mark.line + 1 if mark else 1, f"YAML error: {exc.problem}")]
    issues = [
        Issue(name, line, f"duplicate key '{key[-1]}'")
        for key, line in lines.items()
        if key and key[0] == "__duplicate__"
    ]
    return Source(name, data, lines), issues
