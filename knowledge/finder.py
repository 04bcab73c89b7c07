"""Find programmes for what a person types: words and meaning together, and an honest "not sure".

Two rankers see every query:

* the lexical index (knowledge/search.py): names, keywords, synonyms and field abbreviations, with
  typos, 초성, spacing and particles; it is exact where it matches and blind to situations;
* the semantic index (knowledge/semantic.py): a sentence encoder over the same texts plus residents'
  situations (phrases.yaml); it understands "회사에서 잘렸어요" and is vague about names and typos.

They are combined by a weighted score fusion rather than plain rank fusion (RRF), because rank fusion
forgets what matters here: how sure each ranker is. Plain RRF measured worse on the tuning set (it let
the encoder's vague favourite outvote a typed abbreviation or 초성, and lexical noise outvote a
situation). Both scores are first put on 0–1:

    L = clip((lexical − LEXICAL_FLOOR) / (100 − LEXICAL_FLOOR))   a shared syllable (~60–70) is ~0
    S = clip((cosine − COS_FLOOR) / COS_SPAN)                      unrelated ~0, a paraphrase ~1

    fused = max(L, LEXICAL_WEIGHT × L + SEMANTIC_WEIGHT × S)

A typed name, abbreviation or 초성 keeps its lexical certainty whatever the encoder thinks of it (the
encoder knows nothing of 에바 or ㄱㅊㅇㄱ); a situation with no shared word lives on its cosine; and a
programme both rankers agree on beats one that only the encoder likes. The constants were chosen on
the tuning set (tests/data/queries.yaml) only; bench/search.py reports both sets.

Confidence: the answer is `confident` when the best programme is clearly ahead (see `_is_confident`);
otherwise the caller asks one question: which of a few close programmes, or which domain, with a
person to talk to always on offer. A request for a person ("상담원 연결해 주세요", "talk to a person")
is recognised first and returned as such: the caller offers the centre's phone, 129 and a call-back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from knowledge.hangul import is_initials_query
from knowledge.search import DEFAULT_CUTOFF, Hit, SearchIndex, words
from knowledge.semantic import Encoder, SemanticIndex

if TYPE_CHECKING:
    from knowledge.manual import Manual

LEXICAL_WEIGHT = 0.35
SEMANTIC_WEIGHT = 0.65
LEXICAL_FLOOR = 60.0  # search.DEFAULT_CUTOFF: below it a lexical hit is a shared syllable
COS_FLOOR = 0.2  # USE cosines of unrelated Korean sentences sit around 0–0.2
COS_SPAN = 0.5  # … and a paraphrase of a programme's situation reaches 0.7 and more

RESULT_FLOOR = 0.15  # a programme under this fused score is noise, never listed
RESULT_BAND = 0.35  # nor one this far below the best: a list of the unrelated helps nobody

# Calibrated on the tuning set (its answerable and its `none` queries): the lowest thresholds at which
# 98% of confident answers are right and no `none` query is answered confidently. bench/search.py
# --calibrate prints the table they were read from.
CONFIDENT_FUSED = 0.65  # the best programme's fused score …
CONFIDENT_MARGIN = 0.03  # … and its lead over the runner-up
LEXICAL_SURE = 85.0  # a lexical hit this strong (a name, one typo) is confident on its own …
LEXICAL_MARGIN = 6.0  # … when the lexical runner-up is this far behind (search.CLEAR_MARGIN)

# Under this, nothing is close: list nothing and offer every domain. On the tuning set 0.30 hides 6 of
# the 15 `none` queries' noise and 2 of the 404 right answers (0.40 would hide 10 and 13).
SUGGEST_FUSED = 0.30
CHOICES = 3  # programmes offered in a clarifying question
DOMAINS = 3  # domains offered when nothing is close


class SuggestionKind(StrEnum):
    CHOOSE = "choose"  # "혹시 이 중에 있나요?" with a few close programmes, their domains (and a person)
    DOMAINS = "domains"  # nothing is close: "어떤 도움이 필요하세요?" with every domain (and a person)
    HUMAN = "human"  # the person asked for a person: centre phone, 129, call-back


@dataclass(frozen=True, slots=True)
class Suggestion:
    kind: SuggestionKind
    programs: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "programs": list(self.programs), "domains": list(self.domains)}


@dataclass(frozen=True, slots=True)
class Found:
    """What search found: results best first, whether the first can be shown as the answer, and if not
    what to offer instead."""

    results: list[Hit]
    confident: bool
    suggestion: Suggestion | None = None
    signals: dict[str, float] = field(default_factory=dict)  # the numbers behind `confident`, for bench/

    @property
    def human(self) -> bool:
        return self.suggestion is not None and self.suggestion.kind == SuggestionKind.HUMAN

    def as_json(self) -> dict[str, Any]:
        """`bot.py search --json`: DESIGN.md's {"results": [{"id", "score"}]} plus what to do next."""
        return {
            "results": [{"id": h.program_id, "score": h.score} for h in self.results],
            "confident": self.confident,
            "suggestion": self.suggestion.as_json() if self.suggestion else None,
        }


# ---------------------------------------------------------------- asking for a person

_HUMAN_KO = re.compile(
    r"상담원|상담사\s*(?:분|님|랑|하고|와|과|연결|통화)|상담\s*직원|담당\s*(?:자|공무원|직원|선생)"
    r"|사회\s*복지사\s*(?:님|분|랑|하고|와|과|연결|통화)"
    r"|(?:진짜|실제|직접)\s*사람"
    r"|사람\s*(?:이랑|하고|과|한테|에게|와)\s*(?:직접\s*)?(?:상담|통화|얘기|이야기|말|연결|대화)"
    r"|직접\s*(?:상담|통화|만나|얘기|이야기)"
    r"|(?:전화|통화)\s*(?:로\s*)?상담|전화\s*(?:좀\s*)?(?:주세요|해\s*주세요|부탁|받고\s*싶|해\s*줄\s*수)"
    r"|연락\s*(?:좀\s*)?(?:주세요|해\s*주세요|부탁|받고\s*싶)|콜백|회신\s*(?:주세요|부탁)"
    r"|직원\s*(?:분|님)?\s*(?:연결|바꿔|이랑|하고|과|와)|(?:연결|바꿔)\s*(?:해\s*)?주세요"
)
_HUMAN_EN = re.compile(
    r"\b(?:talk|speak|chat)\s+(?:directly\s+)?(?:to|with)\s+(?:a|an|some|the|your)?\s*(?:real\s+|live\s+)?"
    r"(?:person|human|agent|officer|staff|operator|social\s+worker|case\s*worker|counsel+or|someone\s+(?:at|from|in))"
    r"|\b(?:real|live)\s+(?:person|human|agent)\b|\bhuman\s+(?:agent|being|help)\b|\boperator\b"
    r"|\bcall\s*(?:me\s+)?back\b|\bcallback\b|\b(?:phone|call|contact)\s+me\b",
    re.IGNORECASE,
)


def asks_for_a_person(text: str) -> bool:
    """ "상담원 연결해 주세요", "사람이랑 직접 상담하고 싶어요", "talk to a person", "call me back".

    Not "말할 사람이 없어요" or "someone to talk to": loneliness is a need (말벗), not a request.
    """
    return bool(_HUMAN_KO.search(text) or _HUMAN_EN.search(text))


# ---------------------------------------------------------------- the finder


class Finder:
    """The lexical and the semantic index of one manual, and the rules that combine them."""

    def __init__(self, manual: Manual, lexical: SearchIndex, semantic: SemanticIndex | None) -> None:
        self._manual = manual
        self.lexical = lexical
        self.semantic = semantic

    @classmethod
    def build(cls, manual: Manual, encoder: Encoder | None = None, semantic: bool = True) -> Finder:
        """Both indexes (programme texts are embedded now, once). `semantic=False`: words only."""
        lexical = SearchIndex.build(manual)
        return cls(manual, lexical, SemanticIndex.build(manual, encoder) if semantic else None)

    def find(self, query: str, limit: int = 5) -> Found:
        if asks_for_a_person(query):
            return Found([], False, Suggestion(SuggestionKind.HUMAN))
        lexical = {h.program_id: h.score for h in self.lexical.search(query, limit=64, cutoff=DEFAULT_CUTOFF)}
        raw = words(query)
        if self.semantic is None or not raw or is_initials_query(" ".join(raw)):
            fused = {p: s / 100 for p, s in lexical.items()}
            cosines: dict[str, float] = {}
        else:
            cosines = self.semantic.scores(query)
            fused = {p: _fuse(_lexical(lexical.get(p, 0.0)), _rescale(cos)) for p, cos in cosines.items()}
            for p, s in lexical.items():
                fused.setdefault(p, _fuse(_lexical(s), 0.0))
        ranked = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))
        best = ranked[0][1] if ranked else 0.0
        kept = [(p, s) for p, s in ranked if s >= RESULT_FLOOR and s >= best - RESULT_BAND]
        results = [Hit(p, round(100 * s, 1)) for p, s in kept[: max(0, limit)]]
        lex_ranked = sorted(lexical.values(), reverse=True)
        signals = {
            "fused_top": best,
            "fused_margin": best - (ranked[1][1] if len(ranked) > 1 else 0.0),
            "lexical_top": lex_ranked[0] if lex_ranked else 0.0,
            "lexical_margin": (lex_ranked[0] - lex_ranked[1])
            if len(lex_ranked) > 1
            else (lex_ranked[0] if lex_ranked else 0.0),
            "cosine_top": max(cosines.values(), default=0.0),
        }
        lexical_first = max(lexical, key=lambda p: lexical[p]) if lexical else None
        signals["words_settle"] = float(bool(kept) and lexical_first == kept[0][0] and _words_settle(signals))
        confident = bool(kept) and _is_confident(signals)
        if confident:
            return Found(results, True, None, signals)
        candidates = [p for p, s in kept if s >= SUGGEST_FUSED]
        if candidates:  # one question: which of these (their domains, and a person, as a way out)
            choose = Suggestion(SuggestionKind.CHOOSE, tuple(candidates[:CHOICES]), self._domains(candidates))
            return Found(results, False, choose, signals)
        # Nothing is close: list nothing rather than the unrelated, and offer every domain.
        return Found([], False, Suggestion(SuggestionKind.DOMAINS, (), tuple(self._manual.domains)), signals)

    def _domains(self, programs: list[str]) -> tuple[str, ...]:
        """The candidates' domains, most likely first, at most DOMAINS."""
        seen: list[str] = []
        for pid in programs:
            domain = self._manual.programs[pid].domain
            if domain not in seen:
                seen.append(domain)
        return tuple(seen[:DOMAINS])


def _lexical(score: float) -> float:
    return min(1.0, max(0.0, (score - LEXICAL_FLOOR) / (100.0 - LEXICAL_FLOOR)))


def _fuse(lexical: float, semantic: float) -> float:
    return max(lexical, LEXICAL_WEIGHT * lexical + SEMANTIC_WEIGHT * semantic)


def _rescale(cosine: float) -> float:
    return min(1.0, max(0.0, (cosine - COS_FLOOR) / COS_SPAN))


def _words_settle(signals: dict[str, float]) -> bool:
    """A name or one typo of it, clearly ahead of the next lexical hit (search.is_ambiguous's rule)."""
    return signals["lexical_top"] >= LEXICAL_SURE and signals["lexical_margin"] >= LEXICAL_MARGIN


def _is_confident(signals: dict[str, float]) -> bool:
    """The first result may be shown as the answer (no "did you mean").

    Either the words settle it and the fusion puts the same programme first, or the fusion puts one
    programme well ahead of the rest.
    """
    if signals["words_settle"]:
        return True
    return signals["fused_top"] >= CONFIDENT_FUSED and signals["fused_margin"] >= CONFIDENT_MARGIN
