"""The loaded manual: everything the engine and the channels read, indexed by id."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge.model import Domain, Group, Parameter, Program, Question
from knowledge.rules import Rule

DEFAULT_DIR = Path(__file__).parent / "manual"


@dataclass
class Manual:
    domains: dict[str, Domain] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)
    parameters: dict[str, Parameter] = field(default_factory=dict)
    programs: dict[str, Program] = field(default_factory=dict)
    rules: dict[str, Rule] = field(default_factory=dict)
    ask_if: dict[str, Rule] = field(default_factory=dict)
    implied: dict[str, list[tuple[Rule, Any]]] = field(default_factory=dict)
    overlays: list[str] = field(default_factory=list)

    def programs_in(self, domain: str | None) -> list[str]:
        return [p.id for p in self.programs.values() if domain is None or p.domain == domain]

    def summary(self) -> str:
        local = sum(1 for p in self.programs.values() if p.local)
        overlay = f" (+{local} local from {', '.join(self.overlays)})" if self.overlays else ""
        return (
            f"{len(self.programs)} programmes{overlay}, {len(self.questions)} questions, "
            f"{len(self.parameters)} parameters, {len(self.domains)} domains"
        )
