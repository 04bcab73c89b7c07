"""Situations and field abbreviations per programme (knowledge/manual/phrases.yaml).

Kept apart from the programme entries: a situation ("혼자 살아서 말할 사람이 없어요") is how a resident
describes a need, not a fact about the programme, and the file may name programmes that a manual does
not have yet (the loader warns; search ignores them until they land).
"""

from __future__ import annotations

from pydantic import Field, field_validator

from knowledge.model import ID_PATTERN, Strict


class ProgramPhrases(Strict):
    program: str = Field(pattern=ID_PATTERN)
    situations: list[str] = Field(default_factory=list)
    abbreviations: list[str] = Field(default_factory=list)

    @field_validator("situations", "abbreviations")
    @classmethod
    def _not_blank(cls, values: list[str]) -> list[str]:
        cleaned = [" ".join(v.split()) for v in values]
        if any(not v for v in cleaned):
            raise ValueError("an empty phrase")
        if len(set(cleaned)) != len(cleaned):
            raise ValueError("a phrase is listed twice")
        return cleaned

    def merged(self, other: ProgramPhrases) -> ProgramPhrases:
        """This entry plus another for the same programme (a local overlay adding its own words)."""
        return self.model_copy(
            update={
                "situations": list(dict.fromkeys([*self.situations, *other.situations])),
                "abbreviations": list(dict.fromkeys([*self.abbreviations, *other.abbreviations])),
            }
        )
