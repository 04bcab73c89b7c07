"""The loaded manual: everything the engine and the channels read, indexed by id."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge.model import Domain, Group, Parameter, Program, Question
from knowledge.rules import Answer, Context, Decider, Decision, Rule, compile_decider, referenced

DEFAULT_DIR = Path(__file__).parent / "manual"
FIGURE_CACHE_SIZE = 4096
# Decisions remembered across consultations (about 150 bytes each): a step decides every
# programme again although the answer just given concerns few of them.
DECISION_CACHE_SIZE = 50_000


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
    # Caches for questioning, which decides the same rules over the same figures at every step. They
    # assume what the loader guarantees: a loaded manual is not changed. Rules are cached by id; the
    # entry holds the rule, so its id cannot be reused by another object while cached.
    _deciders: dict[int, tuple[Rule, Decider]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _figures: dict[tuple[str, dt.date, str | None], float | int | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _reads: dict[str, tuple[str, ...]] = field(default_factory=dict, init=False, repr=False, compare=False)
    _decided: dict[tuple[Any, ...], Decision] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # [calls, misses] of decision(), as functools.lru_cache's cache_info() reports them.
    _decision_counts: list[int] = field(default_factory=lambda: [0, 0], init=False, repr=False, compare=False)

    def figure(self, pid: str, on: dt.date, key: str | None) -> float | int | None:
        """parameters[pid].lookup(on, key), remembered."""
        try:
            return self._figures[(pid, on, key)]
        except KeyError:
            # Keyed by consultation date, so a process running for years would keep adding entries:
            # start over now and then rather than grow without bound.
            if len(self._figures) >= FIGURE_CACHE_SIZE:
                self._figures.clear()
            found = self._figures[(pid, on, key)] = self.parameters[pid].lookup(on, key)
            return found

    def decider(self, rule: Rule) -> Decider:
        """`rule` compiled once for rules.decide's result (see rules.compile_decider)."""
        try:
            return self._deciders[id(rule)][1]
        except KeyError:
            self._deciders[id(rule)] = (rule, compiled := compile_decider(rule))
            return compiled

    def reads(self, program_id: str) -> tuple[str, ...]:
        """The answers a programme's decision depends on, in a fixed order.

        Everything its rule reads: compared answers, the answers keying its parameters, and the same
        for every programme it refers to (`eligible:`), transitively.
        """
        found = self._reads.get(program_id)
        if found is not None:
            return found
        questions: set[str] = set()
        stack, seen = [program_id], set()
        while stack:
            pid = stack.pop()
            if pid in seen:
                continue
            seen.add(pid)
            asked, params, deps = referenced(self.rules[pid])
            questions |= asked
            questions |= {by for p in params if (by := self.parameters[p].by) is not None}
            stack.extend(deps)
        found = self._reads[program_id] = tuple(sorted(questions))
        return found

    def decision(
        self, program_id: str, as_of: dt.date, answer: Answer, ctx: Context, hashable: Answer
    ) -> Decision:
        """The programme's compiled rule decided, remembered by the answers it reads and the date.

        Sound because a decision is a function of those alone: the manual does not change once
        loaded, and parameters are looked up by date and by answers that are among the reads.
        `hashable` reads the same answers with lists as tuples, to build the key.
        """
        counts = self._decision_counts
        counts[0] += 1
        key = (program_id, as_of, *map(hashable, self.reads(program_id)))
        try:
            found = self._decided.get(key)
        except TypeError:  # a value no rule should meet (a mapping, say): decide without remembering
            counts[1] += 1
            return self.decider(self.rules[program_id])(answer, ctx)
        if found is None:
            counts[1] += 1
            if len(self._decided) >= DECISION_CACHE_SIZE:
                # Drop the oldest quarter (dicts keep insertion order): what every consultation
                # meets early is soon back, and a full clear would lose the rest with it.
                for stale in list(itertools.islice(self._decided, DECISION_CACHE_SIZE // 4 or 1)):
                    del self._decided[stale]
            found = self._decided[key] = self.decider(self.rules[program_id])(answer, ctx)
        return found

    def decision_cache_info(self) -> dict[str, int]:
        """Calls of decision() answered from memory (hits) and not (misses), and the entries kept."""
        calls, misses = self._decision_counts
        return {"hits": calls - misses, "misses": misses, "size": len(self._decided)}

    def programs_in(self, domain: str | None) -> list[str]:
        return [p.id for p in self.programs.values() if domain is None or p.domain == domain]

    def summary(self) -> str:
        local = sum(1 for p in self.programs.values() if p.local)
        overlay = f" (+{local} local from {', '.join(self.overlays)})" if self.overlays else ""
        return (
            f"{len(self.programs)} programmes{overlay}, {len(self.questions)} questions, "
            f"{len(self.parameters)} parameters, {len(self.domains)} domains"
        )
