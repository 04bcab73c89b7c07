"""The loaded manual: plain data, indexed by id. Reasoning over it lives in screener.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from knowledge import expr as E
from knowledge.model import Computed, Domain, FactSpec, Group, Parameter, Program, Question, Term, Unit
from knowledge.phrases import ProgramPhrases
from knowledge.rules import Rule

DEFAULT_DIR = Path(__file__).parent / "manual"


@dataclass(frozen=True)
class Manual:
    domains: dict[str, Domain] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)
    parameters: dict[str, Parameter] = field(default_factory=dict)
    programs: dict[str, Program] = field(default_factory=dict)
    facts_person: dict[str, FactSpec] = field(default_factory=dict)
    facts_household: dict[str, FactSpec] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    computed: dict[str, Computed] = field(default_factory=dict)
    # Parsed forms of the text above: rules by programme, formulas by unit / computed value / question.
    rules: dict[str, Rule] = field(default_factory=dict)
    unit_rules: dict[str, E.Node] = field(default_factory=dict)
    computed_rules: dict[str, E.Node] = field(default_factory=dict)
    ask_if: dict[str, E.Node] = field(default_factory=dict)
    overlays: list[str] = field(default_factory=list)
    # Situations and abbreviations (phrases.yaml) of programmes in this manual, by programme id.
    phrases: dict[str, ProgramPhrases] = field(default_factory=dict)
    # Terms residents meet in results, said plainly (glossary.yaml), by id.
    glossary: dict[str, Term] = field(default_factory=dict)

    def programs_in(self, domain: str | None) -> list[str]:
        return [p.id for p in self.programs.values() if domain is None or p.domain == domain]

    def fact_label(self, fid: str) -> FactSpec | None:
        return self.facts_household.get(fid) or self.facts_person.get(fid)

    def summary(self) -> str:
        local = sum(1 for p in self.programs.values() if p.local)
        overlay = f" (+{local} local from {', '.join(self.overlays)})" if self.overlays else ""
        return (
            f"{len(self.programs)} programmes{overlay}, {len(self.questions)} questions, "
            f"{len(self.computed)} computed values, {len(self.parameters)} parameters, "
            f"{len(self.domains)} domains"
            + (f", {len(self.glossary)} glossary terms" if self.glossary else "")
        )
