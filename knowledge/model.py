"""The manual's schema. Pydantic gives each mistake a precise path, which the loader turns into a line."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from knowledge.text import Text

ID_PATTERN = r"^[a-z][a-z0-9_]*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Domain(Strict):
    id: str = Field(pattern=ID_PATTERN)
    name: Text
    description: Text | None = None


class Group(Strict):
    id: str = Field(pattern=ID_PATTERN)
    name: Text


class QuestionType(StrEnum):
    INT = "int"
    MONEY = "money"
    BOOL = "bool"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    INT_LIST = "int_list"
    MEMBERS = "members"  # who else lives in the household: a list of relations, one per person
    WHO = "who"  # which of the people listed: sets `attr` to `chosen` for them and `others` for the rest


class FactType(StrEnum):
    INT = "int"
    MONEY = "money"
    BOOL = "bool"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    PROGRAMS = "programs"


class Choice(Strict):
    value: str = Field(pattern=ID_PATTERN)
    label: Text
    help: Text | None = None


class Question(Strict):
    id: str = Field(pattern=ID_PATTERN)
    type: QuestionType
    text: Text
    short: Text = Field(description="a label for reasons and summaries, e.g. 나이 / Age")
    help: Text | None = None
    example: Text | None = None
    unit: Text | None = None
    choices: list[Choice] = Field(default_factory=list)
    min: int | None = None
    max: int | None = None
    fact: str | None = Field(
        default=None,
        description="the household fact the answer sets (household.py), when it is not the question id",
    )
    period: str = Field(default="month", description="for money: month, year or none (a stock)")
    ask_if: str | None = Field(default=None, description="a formula: asked only when it may hold")
    attr: str | None = Field(default=None, description="who questions: the person fact they set")
    chosen: Any = Field(default=None, description="who questions: the value for the people chosen")
    others: Any = Field(default=None, description="who questions: the value for everyone else listed")
    when_not_asked: Any = Field(
        default=None,
        description="the answer assumed when ask_if rules the question out (a 78-year-old is not pregnant)",
    )
    sets: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="answer → facts it means, e.g. false: {liable_relatives.annual_income: {max: 1억}}",
    )

    @model_validator(mode="after")
    def _choices_match_type(self) -> Question:
        has_choices = self.type in (QuestionType.CHOICE, QuestionType.MULTI_CHOICE, QuestionType.MEMBERS)
        if has_choices and not self.choices:
            raise ValueError(f"a {self.type.value} question needs 'choices'")
        if not has_choices and self.choices:
            raise ValueError(f"a {self.type.value} question cannot have 'choices'")
        values = [c.value for c in self.choices]
        if len(values) != len(set(values)):
            raise ValueError("choice values must be unique")
        if (self.type == QuestionType.WHO) != (self.attr is not None):
            raise ValueError("a who question needs 'attr' (and 'chosen', 'others'); no other question has it")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is greater than max {self.max}")
        return self

    def choice(self, value: str) -> Choice | None:
        return next((c for c in self.choices if c.value == value), None)


class FactSpec(Strict):
    """One household or person fact (facts.yaml): its type, label and, for choices, the values."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")
    type: FactType
    label: Text
    unit: Text | None = None
    period: str = Field(default="month", pattern="^(month|year|none)$")
    choices: list[Choice] = Field(default_factory=list)
    min: int | None = None
    max: int | None = None
    derived: bool = Field(default=False, description="computed by the household builder, never given")

    @model_validator(mode="after")
    def _choices_match_type(self) -> FactSpec:
        has_choices = self.type in (FactType.CHOICE, FactType.MULTI_CHOICE)
        if has_choices != bool(self.choices):
            raise ValueError(f"a {self.type.value} fact {'needs' if has_choices else 'cannot have'} choices")
        return self

    def choice(self, value: str) -> Choice | None:
        return next((c for c in self.choices if c.value == value), None)


class FactVocabulary(Strict):
    person: list[FactSpec]
    household: list[FactSpec]


class Unit(Strict):
    """A group of people a law looks at (the couple, the household, children under 18 …)."""

    id: str = Field(pattern=ID_PATTERN)
    label: Text
    where: str = Field(description="a formula over one person's facts")


class Computed(Strict):
    """A value the manual computes from facts, parameters and other computed values (OpenFisca's variables).

    `per: person` values are computed for each person (used inside sum/count/any over a unit).
    `explain` says in plain words how the value is made, with {name} standing for the value of name.
    """

    id: str = Field(pattern=ID_PATTERN)
    label: Text
    formula: str
    per: str = Field(default="household", pattern="^(household|person)$")
    unit: str = Field(default="KRW/month", description="KRW/month, KRW/year, KRW, people, years, yes/no …")
    explain: Text | None = None
    note: Text | None = None


class SourceRef(Strict):
    """`as_of` is when the figure was last checked as current; `published` is the source's own date."""

    title: str
    url: str | None = None
    as_of: dt.date
    published: dt.date | None = None


ParamValue = float | int | dict[str, float | int]


class Parameter(Strict):
    """A dated figure, OpenFisca style: the value in force on a date is the latest one not after it."""

    id: str = Field(pattern=ID_PATTERN)
    label: Text
    unit: str = Field(description="KRW/month, KRW, KRW/year, percent, years …")
    by: str | None = Field(
        default=None,
        description="what keys the table (household size, region, couple …): formulas call it with the key",
    )
    extend_by_last_step: bool = Field(
        default=False,
        description="integer keys beyond the table grow by the last step (기준 중위소득 8인 이상)",
    )
    values: dict[dt.date, ParamValue]
    sources: list[SourceRef] = Field(min_length=1)
    verify: bool = False
    note: Text | None = None

    @field_validator("values", mode="before")
    @classmethod
    def _keys_as_str(cls, raw: Any) -> Any:
        if isinstance(raw, dict):
            return {
                k: ({str(kk): vv for kk, vv in v.items()} if isinstance(v, dict) else v)
                for k, v in raw.items()
            }
        return raw

    @model_validator(mode="after")
    def _consistent(self) -> Parameter:
        if not self.values:
            raise ValueError("a parameter needs at least one dated value")
        tables = {isinstance(v, dict) for v in self.values.values()}
        if len(tables) > 1:
            raise ValueError("every dated value must be a table, or none of them")
        if (True in tables) != (self.by is not None):
            raise ValueError("a table of values needs 'by' (what keys it), a single value must not")
        return self

    def in_force(self, on: dt.date) -> tuple[dt.date, ParamValue] | None:
        # A plain scan: a parameter has a handful of dates, and pydantic's private-attribute
        # access would cost more than the search.
        start = None
        for date in self.values:
            if date <= on and (start is None or date > start):
                start = date
        return None if start is None else (start, self.values[start])

    def lookup(self, on: dt.date, key: str | None = None) -> float | int | None:
        """The figure in force on `on` (for `key` of a table); None when nothing is in force."""
        found = self.in_force(on)
        if found is None:
            return None
        value = found[1]
        if not isinstance(value, dict):
            return value
        if key is None:
            return None
        if key in value:
            return value[key]
        if self.extend_by_last_step and key.isdigit():
            numeric = sorted(int(k) for k in value if k.isdigit())
            n = int(key)
            if len(numeric) >= 2 and n > numeric[-1]:
                last, prev = value[str(numeric[-1])], value[str(numeric[-2])]
                return last + (last - prev) * (n - numeric[-1])
        return None


def percent_of(amount: float | int, percent: float | int) -> int:
    """Thresholds are rounded to the won, half up, as the 고시 tables are."""
    exact = Decimal(str(amount)) * Decimal(str(percent)) / Decimal(100)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


_MONTH_DAY = r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


class Period(Strict):
    """An application window that comes back every year, as month-day: 05-01 to 06-02. `end` before
    `start` means the window runs over the new year (11-15 to 02-15)."""

    start: str = Field(pattern=_MONTH_DAY, description="MM-DD")
    end: str = Field(pattern=_MONTH_DAY, description="MM-DD")

    @model_validator(mode="after")
    def _real_days(self) -> Period:
        for value in (self.start, self.end):
            month, day = (int(part) for part in value.split("-"))
            try:
                dt.date(2024, month, day)  # a leap year: 02-29 is allowed
            except ValueError as exc:
                raise ValueError(f"'{value}' is not a day of the year") from exc
        return self


class Apply(Strict):
    where: Text
    online: Text | None = None
    url: str | None = None
    documents: list[Text] = Field(default_factory=list)
    phone: str | None = None
    note: Text | None = None
    period: Period | None = Field(default=None, description="a yearly application window, for reminders")


class Term(Strict):
    """A word from the law or the office that residents meet in results (기준 중위소득, 소득인정액 …),
    said plainly. `also` are other spellings that count as the same term when found in a text."""

    id: str = Field(pattern=ID_PATTERN)
    term: Text
    plain: Text
    also: list[str] = Field(default_factory=list)

    def words(self) -> tuple[str, ...]:
        return (self.term.ko, self.term.en, *self.also)


class Program(Strict):
    id: str = Field(pattern=ID_PATTERN)
    name: Text
    domain: str
    groups: list[str] = Field(min_length=1)
    summary: Text
    benefit: Text
    rule: Any
    rule_text: Text | None = Field(default=None, description="who is eligible, in plain words")
    replaced_by: list[str] = Field(
        default_factory=list,
        description="programmes that, when received or eligible, apply instead of this one",
    )
    apply: Apply
    sources: list[SourceRef] = Field(min_length=1)
    verify: bool = False
    verify_note: Text | None = None
    keywords: list[str] = Field(default_factory=list)
    synonyms: list[str] = Field(default_factory=list)
    local: str | None = Field(default=None, description="set by the loader: the overlay it came from")
    order: int = 0

    @property
    def as_of(self) -> dt.date:
        return max(s.as_of for s in self.sources)
