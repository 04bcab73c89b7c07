"""Household facts from what we were told: an answers file (version 1 flat ids and/or version 2), or a chat.

Everything arrives here as one mapping and leaves as a `Household`: the people known to live there (the
consulted person first), how many more there may be and who they could be, every person's facts and the
household's own, each as a partly known value (values.py). Money is held per person and kind ("cells":
the spouse's earned income, the mother's savings); a figure given for several people at once (a version 1
household income, "부부 합쳐 월 150만") becomes a known total over their cells, which narrows every cell and
every sum over them. So whose income a law counts can always be told apart, and when it cannot yet be,
the value is a range and the verdict waits for the fact.

Nothing here knows a programme. Contradictions ("household_size 1" with two people) are reported, never
resolved silently.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from knowledge.model import FactSpec, FactType
from knowledge.values import (
    INF,
    NO_DEPS,
    Cat,
    Chosen,
    Num,
    Tri,
    Truth,
    Value,
    exact,
    intersect,
    truth,
    unknown_num,
)

if TYPE_CHECKING:
    from knowledge.manual import Manual

RELATIONS = ("self", "spouse", "child", "parent", "grandparent", "grandchild", "sibling", "other")
OTHER_RELATIONS = frozenset(RELATIONS) - {"self"}
INCOME = ("earned_income", "other_income")
INCOME_LAST_YEAR = ("earned_income_last_year", "other_income_last_year")
ASSETS = ("housing", "land_buildings", "financial", "car_value", "deposit")
MONEY = (*INCOME, *INCOME_LAST_YEAR, *ASSETS, "debt")
# Measures a total can be given for: a money attribute, or one of these sums of them.
MEASURES: dict[str, tuple[str, ...]] = {
    "income": INCOME,
    "assets": ASSETS,
    "income_last_year": INCOME_LAST_YEAR,
    **{attr: (attr,) for attr in MONEY},
}
GROUPS = ("self", "spouse", "couple", "household", "others")
MEMBERS = "members"  # the handle of people known to exist but not listed one by one
PEOPLE = "people"  # the dependency "who lives in the household"
MAX_PEOPLE = 20

# Version 1 ids (DESIGN.md): what each says about the consulted person.
V1_SELF = {
    "age": "age",
    "disability": "disability",
    "pregnant": "pregnant",
    "employment": "employment",
    "student_level": "school",
    "long_term_care_grade": "long_term_care_grade",
    "chronic_or_rare_disease": "chronic_or_rare_disease",
}
V1_TOTALS = {"household_income": ("household", "income"), "assets": ("household", "assets")}
V1_REGION = {
    "seoul": ("seoul",),
    "capital_area": ("gyeonggi", "incheon"),
    "metro_city": ("metro_city", "sejong"),
    "other": ("other_city", "county"),
}
V1_STATUS = {
    "livelihood": "livelihood_benefit",
    "medical": "medical_aid",
    "housing": "housing_benefit",
    "education": "education_benefit",
    "near_poor": "near_poor_certification",
}
V1_IDS = frozenset(
    {
        *V1_SELF,
        *V1_TOTALS,
        "household_size",
        "has_spouse",
        "lives_alone",
        "living_with_parents",
        "has_children",
        "children_ages",
        "welfare_status",
        "single_parent",
        "housing_type",
        "monthly_rent",
        "region",
        "crisis",
        "medical_expenses_annual",
    }
)
# Version 2 objects whose fields become dotted facts (property.car_cc …).
OBJECTS = ("property", "health_insurance", "parents_household", "liable_relatives", "medical_expenses_annual")
PERSON_FIELDS_EXTRA = ("birth_date",)


class FactsError(ValueError):
    """The facts cannot be used as given; each problem names the field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(slots=True)
class Person:
    handle: str  # self, spouse, child1, parent2 …: how `missing` names this person's facts
    relation: str
    # The facts given while the household is built, then every fact as a Value (values.py).
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Total:
    """A known sum over cells (handle, money attribute); handle MEMBERS stands for all unlisted people."""

    name: str
    cells: frozenset[tuple[str, str]]
    value: Num


@dataclass(slots=True)
class Household:
    as_of: dt.date
    people: list[Person]
    extra: Num  # how many people live there besides those listed
    extra_relations: frozenset[str]
    extra_values: dict[str, Value]  # any unlisted person's facts; money ones are the sum over all of them
    facts: dict[str, Value]
    receiving: dict[str, Tri]
    receiving_deps: frozenset[str]
    totals: list[Total]
    given: frozenset[str] = frozenset()  # the fact names given, "don't know" (None) included
    # What the build worked out for each person, for building again with more facts (build's `like`).
    parts: _Parts | None = field(default=None, compare=False, repr=False)

    def person(self, handle: str) -> Person | None:
        return next((p for p in self.people if p.handle == handle), None)

    def cell(self, handle: str, attr: str) -> Num:
        if handle == MEMBERS:
            value = self.extra_values[attr]
        else:
            found = self.person(handle)
            assert found is not None
            value = found.values[attr]
        assert isinstance(value, Num)
        return value

    def receives(self, program: str) -> Truth:
        tri = self.receiving.get(program)
        if tri is None:
            return Truth(Tri.UNKNOWN, frozenset((f"receiving.{program}",)) | self.receiving_deps)
        return truth(tri is Tri.YES)


# ---------------------------------------------------------------- reading one value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_value(spec: FactSpec, value: Any, where: str, programs: Mapping[str, Any] | None) -> str | None:
    """What is wrong with `value` for a fact, or None. None itself ("don't know") is always fine."""
    if value is None:
        return None
    kind = spec.type
    if (kind is FactType.MONEY or kind is FactType.INT) and isinstance(value, dict):
        return _check_range(spec, value, where, programs)
    if kind is FactType.MONEY:
        if type(value) is int and 0 <= value <= 10**13:  # the common case, said first
            return None
        if not _is_int(value):
            return f"{where}: an amount in won must be a whole number, got {value!r}"
        if value < 0:
            return f"{where}: an amount cannot be negative, got {value}"
        if value > 10**13:
            return f"{where}: {value} won is beyond any household's figure"
    elif kind is FactType.INT:
        if not _is_int(value):
            return f"{where}: must be a whole number, got {value!r}"
        if (spec.min is not None and value < spec.min) or (spec.max is not None and value > spec.max):
            return f"{where}: must be between {spec.min} and {spec.max}, got {value}"
    elif kind is FactType.BOOL:
        if not isinstance(value, bool):
            return f"{where}: must be true or false, got {value!r}"
    elif kind is FactType.CHOICE:
        options = value if isinstance(value, list) and value else [value]  # a list: "one of these"
        if any(not isinstance(v, str) or spec.choice(v) is None for v in options):
            return f"{where}: {value!r} is not one of {', '.join(c.value for c in spec.choices)}"
    elif kind == FactType.MULTI_CHOICE:
        if not isinstance(value, list) or any(
            not isinstance(v, str) or spec.choice(v) is None for v in value
        ):
            return f"{where}: must be a list of {', '.join(c.value for c in spec.choices)}, got {value!r}"
    elif kind == FactType.PROGRAMS:
        if not isinstance(value, list) or any(not isinstance(v, str) for v in value):
            return f"{where}: must be a list of programme ids, got {value!r}"
        unknown = [v for v in value if programs is not None and v not in programs]
        if unknown:
            return f"{where}: unknown programme id {', '.join(map(repr, unknown))}"
    return None


def _plainly_valid(spec: FactSpec, value: Any) -> bool:
    """True for the values nearly every answer has (a whole amount in range, a yes / no, one of the
    choices): check_value would find nothing wrong, and its message need not be prepared."""
    kind = spec.type
    kind_of_value = type(value)
    if kind_of_value is int:
        number: int = value
        if kind is FactType.MONEY:
            return 0 <= number <= 10**13
        if kind is FactType.INT:
            return (spec.min is None or number >= spec.min) and (spec.max is None or number <= spec.max)
        return False
    if kind_of_value is bool:
        return kind is FactType.BOOL
    if kind_of_value is str:
        return kind is FactType.CHOICE and spec.choice(value) is not None
    return False


def _check_range(
    spec: FactSpec, value: dict[str, Any], where: str, programs: Mapping[str, Any] | None
) -> str | None:
    """{"min": a, "max": b}: a figure known only roughly ("육십오만원쯤", "1억은 안 넘어요")."""
    if not value or set(value) - {"min", "max"}:
        return f'{where}: a range is {{"min": …, "max": …}}, got {value!r}'
    for bound in value.values():
        message = check_value(spec, bound, where, programs)
        if message:
            return message
    if "min" in value and "max" in value and value["min"] > value["max"]:
        return f"{where}: min {value['min']} is above max {value['max']}"
    return None


def _range(spec: FactSpec, value: Any) -> tuple[float, float] | None:
    if isinstance(value, dict):
        lo = float(value.get("min", spec.min if spec.min is not None else 0))
        top = spec.max if spec.type == FactType.INT and spec.max is not None else INF
        hi = float(value.get("max", top))
        return lo, hi
    return None


def as_value(spec: FactSpec, value: Any, dep: str) -> Value:
    """A given value (or None: unknown) as a partly known value whose unknown waits for `dep`."""
    kind = spec.type
    if kind is FactType.MONEY or kind is FactType.INT:
        if value is None:
            lo = float(spec.min) if spec.min is not None else 0.0
            hi = float(spec.max) if spec.max is not None and kind is FactType.INT else INF
            return Num(lo, hi, frozenset((dep,)))
        bounds = _range(spec, value)
        if bounds is not None:
            return Num(bounds[0], bounds[1], NO_DEPS if bounds[0] == bounds[1] else frozenset((dep,)))
        return exact(float(value))
    if kind is FactType.BOOL:
        return Truth(Tri.UNKNOWN, frozenset((dep,))) if value is None else truth(bool(value))
    if kind is FactType.CHOICE:
        if value is None:
            return Cat(None, frozenset((dep,)))
        if isinstance(value, list):
            return Cat(frozenset(value), frozenset((dep,)) if len(set(value)) > 1 else NO_DEPS)
        return Cat(frozenset((value,)))
    return Chosen(None, frozenset((dep,))) if value is None else Chosen(frozenset(value))


class _Blanks:
    """Every fact's value when nothing is given, for one manual's vocabulary: a household starts from
    these and only the facts given are worked out. Values are never changed in place (values.py), so one
    blank serves every household; the dicts handed out are copies."""

    def __init__(self, manual: Manual) -> None:
        self.manual = manual
        self.household = {fid: as_value(spec, None, fid) for fid, spec in manual.facts_household.items()}
        self._people: dict[str, dict[str, Value]] = {}
        self._members: dict[tuple[bool, frozenset[str]], dict[str, Value]] = {}

    def person(self, handle: str) -> dict[str, Value]:
        found = self._people.get(handle)
        if found is None:
            if len(self._people) > 1_000:  # handles are few (child1 … child20); this guards odd ones
                self._people.clear()
            found = self._people[handle] = {
                attr: as_value(spec, None, f"{handle}.{attr}")
                for attr, spec in self.manual.facts_person.items()
            }
        return dict(found)

    def members(self, extra: Num, relations: frozenset[str]) -> dict[str, Value]:
        key = (extra.hi == 0, relations)
        found = self._members.get(key)
        if found is None:
            if len(self._members) > 1_000:
                self._members.clear()
            found = self._members[key] = _member_values(self.manual, extra, relations)
        return dict(found)


_BLANKS: dict[int, _Blanks] = {}


def _blanks(manual: Manual) -> _Blanks:
    """The blanks of this manual (kept for the few manuals a process loads; it holds them alive, so an
    id is never reused while it is a key here)."""
    found = _BLANKS.get(id(manual))
    if found is None or found.manual is not manual:
        if len(_BLANKS) >= 8:
            _BLANKS.clear()
        found = _BLANKS[id(manual)] = _Blanks(manual)
    return found


# ---------------------------------------------------------------- the builder


@dataclass(slots=True)
class _Parts:
    """Per person, what a build worked out from exactly which input, so that building the same household
    again with a few more facts (the screener's assumed answers) redoes only what those facts change.
    Each part is a pure function of the input kept beside it, and is reused only when that input is equal."""

    manual: Manual
    as_of: dt.date
    checked: dict[int, tuple[dict[str, Any], str, dict[str, Any]]] = field(default_factory=dict)
    # ^ id(a person object given) → (a copy of it, relation, its facts as checked)
    values: dict[str, tuple[str, dict[str, Any], dict[str, Value]]] = field(default_factory=dict)
    # ^ handle → (relation, the facts given for the person, every fact as a Value before any total)

    def checked_person(self, raw: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
        found = self.checked.get(id(raw))
        if found is None or not _same(found[0], raw):
            return None
        return found[1], dict(found[2])

    def person_values(self, person: Person) -> dict[str, Value] | None:
        found = self.values.get(person.handle)
        if found is None or found[0] != person.relation or not _same(found[1], person.values):
            return None
        return dict(found[2])


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """The same facts. Equality is enough: parts are kept only for facts that passed the checks, which
    take a value of one type only (a whole number is never a bool), so equal values are the same answer."""
    return a == b


@dataclass
class _Draft:
    manual: Manual
    as_of: dt.date
    like: _Parts | None = None  # an earlier build's parts, for reuse
    parts: _Parts | None = None  # this build's
    problems: list[str] = field(default_factory=list)
    people: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (relation, given facts)
    complete: bool = False  # the list of people is everyone
    excluded: set[str] = field(default_factory=set)  # relations no unlisted person can have
    size: int | None = None
    at_least: int = 1
    totals: list[tuple[str, str, str, int]] = field(default_factory=list)  # (name, group, measure, amount)

    def problem(self, message: str) -> None:
        self.problems.append(message)


def _flatten(data: Mapping[str, Any], draft: _Draft) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if not isinstance(key, str):
            draft.problem(f"{key!r}: field names are text")
            continue
        if key in OBJECTS and isinstance(value, dict):
            for sub, inner in value.items():
                flat[f"{key}.{sub}"] = inner
        else:
            flat[key] = value
    return flat


_HANDLE = re.compile(r"^(self|spouse|(child|parent|grandparent|grandchild|sibling|other)(\d+))$")


def _relation_of(handle: str) -> str | None:
    m = _HANDLE.match(handle)
    if m is None:
        return None
    return m.group(2) or m.group(1)


def build(
    manual: Manual, data: Mapping[str, Any], as_of: dt.date, like: Household | None = None
) -> Household:
    """The household a mapping of facts describes; FactsError lists every field that is wrong.

    `like`: a household built before from some of the same facts; what it worked out for a person whose
    facts are unchanged is taken over, not worked out again (the result is the same either way)."""
    earlier = like.parts if like is not None else None
    if earlier is not None and (earlier.manual is not manual or earlier.as_of != as_of):
        earlier = None
    draft = _Draft(manual, as_of, earlier, _Parts(manual, as_of))
    flat = _flatten(data, draft)
    person_specs = manual.facts_person
    household_specs = manual.facts_household
    person_facts: dict[str, dict[str, Any]] = {}  # handle → {attr: value} from dotted keys
    for key, value in flat.items():
        _read_key(draft, key, value, person_facts, person_specs, household_specs)
    if draft.problems:
        raise FactsError(draft.problems)
    people = _compose(draft, flat, person_facts)
    if draft.problems:
        raise FactsError(draft.problems)
    household = _assemble(draft, flat, people)
    if draft.problems:
        raise FactsError(draft.problems)
    household.given = frozenset(flat)
    household.parts = draft.parts
    return household


def _read_key(
    draft: _Draft,
    key: str,
    value: Any,
    person_facts: dict[str, dict[str, Any]],
    person_specs: Mapping[str, FactSpec],
    household_specs: Mapping[str, FactSpec],
) -> None:
    """Type-check one top-level (flattened) fact and note where it goes."""
    manual = draft.manual
    if key == "people" or key.startswith("who:"):
        return  # read by _compose, which knows the whole list
    if key == "members":
        if value is not None and (
            not isinstance(value, list) or any(r not in OTHER_RELATIONS for r in value)
        ):
            draft.problem(f"members: must be a list of {', '.join(sorted(OTHER_RELATIONS))}, got {value!r}")
        return
    if key in V1_IDS:
        message = _check_v1(manual, key, value)
        if message:
            draft.problem(message)
        return
    if key in household_specs:
        message = check_value(household_specs[key], value, key, manual.programs)
        if message:
            draft.problem(message)
        return
    if key == "deposit" or (key.startswith("property.") and key.removeprefix("property.") in MONEY):
        message = check_value(person_specs[key.removeprefix("property.")], value, key, None)
        if message:
            draft.problem(message)
        return
    head, _, attr = key.partition(".")
    if (head in GROUPS and attr in MEASURES) or (_relation_of(head) is not None and attr in MEASURES):
        message = check_value(person_specs[MEASURES[attr][0]], value, key, None)
        if message:
            draft.problem(message)
        return
    if _relation_of(head) is not None and attr in person_specs and not person_specs[attr].derived:
        message = check_value(person_specs[attr], value, key, None)
        if message:
            draft.problem(message)
        elif value is not None:  # "don't know" names nobody into the household
            person_facts.setdefault(head, {})[attr] = value
        return
    draft.problem(f"{key}: unknown fact (see DESIGN.md 'Household facts')")


_V1_STUDENT = ("none", "elementary", "middle", "high", "university")


def _check_v1(manual: Manual, key: str, value: Any) -> str | None:
    """Version 1 ids keep the meaning and range they always had (DESIGN.md)."""
    if value is None:
        return None
    if key in V1_SELF and key != "student_level":
        return check_value(manual.facts_person[V1_SELF[key]], value, key, None)
    if key == "student_level":
        return (
            None
            if value in _V1_STUDENT
            else f"student_level: {value!r} is not one of {', '.join(_V1_STUDENT)}"
        )
    if key == "region":
        if value in V1_REGION:
            return None
        return check_value(manual.facts_household["region"], value, key, None)
    if key in manual.facts_household:
        return check_value(manual.facts_household[key], value, key, manual.programs)
    if key in ("household_income", "assets", "medical_expenses_annual"):
        return check_value(manual.facts_person["earned_income"], value, key, None)
    if key == "household_size":
        if not _is_int(value) or not 1 <= value <= MAX_PEOPLE:
            return f"household_size: must be a whole number from 1 to {MAX_PEOPLE}, got {value!r}"
        return None
    if key == "children_ages":
        if not isinstance(value, list) or any(not _is_int(v) or not 0 <= v <= 120 for v in value):
            return f"children_ages: must be a list of ages from 0 to 120, got {value!r}"
        return None
    if not isinstance(value, bool):
        return f"{key}: must be true or false, got {value!r}"
    return None


def _person_from_object(
    draft: _Draft, i: int, raw: Any, specs: Mapping[str, FactSpec]
) -> tuple[str, dict[str, Any]] | None:
    """A person object checked: (relation, facts), or None with the problems noted."""
    if draft.like is not None and isinstance(raw, dict):
        found = draft.like.checked_person(raw)
        if found is not None:
            _keep_checked(draft, raw, found)
            return found
    before = len(draft.problems)
    found = _check_person(draft, i, raw, specs)
    if found is not None and len(draft.problems) == before:
        _keep_checked(draft, raw, found)
    return found


def _keep_checked(draft: _Draft, raw: dict[str, Any], found: tuple[str, dict[str, Any]]) -> None:
    if draft.parts is not None:
        draft.parts.checked[id(raw)] = (dict(raw), found[0], dict(found[1]))


def _check_person(
    draft: _Draft, i: int, raw: Any, specs: Mapping[str, FactSpec]
) -> tuple[str, dict[str, Any]] | None:
    where = f"people[{i}]"
    if not isinstance(raw, dict):
        draft.problem(f'{where}: a person is an object such as {{"relation": "spouse", "age": 70}}')
        return None
    facts: dict[str, Any] = {}
    for attr, value in raw.items():
        if attr == "birth_date":
            try:
                born = dt.date.fromisoformat(str(value))
            except ValueError:
                draft.problem(f"{where}.birth_date: must be a date like 1950-05-01, got {value!r}")
                continue
            if born > draft.as_of:
                draft.problem(f"{where}.birth_date: {value} is after the consultation date")
                continue
            facts["birth_date"] = born
            continue
        spec = specs.get(attr)
        if spec is None or spec.derived:
            draft.problem(f"{where}.{attr}: unknown person fact")
            continue
        if value is None:
            continue
        if _plainly_valid(spec, value):
            facts[attr] = value
            continue
        message = check_value(spec, value, f"{where}.{attr}", None)
        if message:
            draft.problem(message)
            if attr == "relation":
                return None  # said once: not "missing" as well
            continue
        if value is not None:
            facts[attr] = value
    relation = facts.pop("relation", None)
    if relation is None:
        draft.problem(f"{where}.relation: missing (self, spouse, child, parent …)")
        return None
    return str(relation), facts


def _compose(draft: _Draft, flat: dict[str, Any], person_facts: dict[str, dict[str, Any]]) -> list[Person]:
    """Who is listed, and how many others there may be."""
    specs = draft.manual.facts_person
    listed: list[tuple[str, dict[str, Any]]] = []
    raw_people = flat.get("people")
    if raw_people is not None:
        if not isinstance(raw_people, list) or not raw_people:
            draft.problem("people: must be a non-empty list of person objects, the consulted person first")
            return []
        for i, raw in enumerate(raw_people):
            found = _person_from_object(draft, i, raw, specs)
            if found is not None:
                listed.append(found)
        if draft.problems:
            return []
        relations = [r for r, _ in listed]
        if relations[0] != "self":
            draft.problem("people[0].relation: the consulted person comes first, with relation self")
        if relations.count("self") > 1:
            draft.problem("people: 'self' is listed more than once")
        spouses = [i for i, r in enumerate(relations) if r == "spouse"]
        if len(spouses) > 1:
            draft.problem(f"people: a spouse is listed twice ({', '.join(f'people[{i}]' for i in spouses)})")
        draft.complete = True
    else:
        listed.append(("self", {}))
        members = flat.get("members")
        if members is not None:
            if list(members).count("spouse") > 1:
                draft.problem("members: a spouse is listed twice")
            listed.extend((str(r), {}) for r in members)
            draft.complete = True
    _apply_v1_composition(draft, flat, listed)
    # Facts about a person by handle (spouse.age, child2.school, child1.income) name that person into
    # the household.
    handles = _handles([r for r, _ in listed])
    named = dict.fromkeys(person_facts)
    for key, value in flat.items():
        head, _, attr = key.partition(".")
        if attr in MEASURES and _relation_of(head) is not None and value is not None:
            named.setdefault(head)
    for handle in named:
        if handle not in handles:
            relation = _relation_of(handle)
            assert relation is not None
            if draft.complete or relation in draft.excluded:
                draft.problem(f"{handle}: facts are given for someone the household does not include")
                continue
            listed.append((relation, {}))
            handles = _handles([r for r, _ in listed])
    _check_size(draft, flat, len(listed))
    people = [Person(h, r, dict(f)) for h, (r, f) in zip(handles, listed, strict=True)]
    for person in people:
        person.values = dict(person_facts.get(person.handle, {})) | person.values
    for key, who in flat.items():
        if key.startswith("who:") and isinstance(who, dict):
            _apply_who(draft, people, who)
    return people


def _apply_who(draft: _Draft, people: list[Person], who: dict[str, Any]) -> None:
    """A who answer: the people chosen get one value of `attr`, everyone else listed (not self) the other."""
    attr, chosen = who["attr"], set(who["chosen"])
    known = {p.handle for p in people}
    for handle in sorted(chosen - known):
        draft.problem(f"{attr}: '{handle}' is not someone listed in the household")
    for person in people[1:]:
        value = who["yes"] if person.handle in chosen else who["no"]
        if value is not None:
            person.values.setdefault(attr, value)


def _handles(relations: list[str]) -> list[str]:
    counts: dict[str, int] = {}
    out = []
    for r in relations:
        if r in ("self", "spouse"):
            out.append(r)
            continue
        counts[r] = counts.get(r, 0) + 1
        out.append(f"{r}{counts[r]}")
    return out


def _apply_v1_composition(
    draft: _Draft, flat: dict[str, Any], listed: list[tuple[str, dict[str, Any]]]
) -> None:
    relations = [r for r, _ in listed]
    has_spouse = flat.get("has_spouse")
    if has_spouse is not None:
        if has_spouse and "spouse" not in relations:
            if draft.complete:
                draft.problem("has_spouse: true, but no spouse is listed in people")
            else:
                listed.append(("spouse", {}))
        elif not has_spouse and "spouse" in relations:
            draft.problem("has_spouse: false, but a spouse is listed")
        draft.excluded.add("spouse")
    ages = flat.get("children_ages")
    if ages is not None:
        children = [f for r, f in listed if r in ("child", "grandchild")]
        if draft.complete:
            listed_ages = sorted(int(f["age"]) for f in children if f.get("age") is not None)
            if len(children) != len(ages) or (len(listed_ages) == len(ages) and listed_ages != sorted(ages)):
                draft.problem(f"children_ages: {ages} does not match the children listed")
            elif not listed_ages:
                # Children named by `members`, their ages said after: eldest first as listed.
                for child, age in zip(children, ages, strict=True):
                    child["age"] = age
        else:
            for age in ages:
                listed.append(("child", {"age": age}))
        draft.excluded.update(("child", "grandchild"))
    has_children = flat.get("has_children")
    if has_children is False:
        if any(r in ("child", "grandchild") for r, _ in listed):
            draft.problem("has_children: false, but children are listed")
        draft.excluded.update(("child", "grandchild"))
    elif has_children is True and not any(r in ("child", "grandchild") for r, _ in listed):
        if draft.complete:
            draft.problem("has_children: true, but no child is listed")
        else:
            listed.append(("child", {}))
    with_parents = flat.get("living_with_parents")
    if with_parents is True and "parent" not in [r for r, _ in listed]:
        if draft.complete:
            draft.problem("living_with_parents: true, but no parent is listed")
        else:
            listed.append(("parent", {}))
    elif with_parents is False:
        if "parent" in [r for r, _ in listed]:
            draft.problem("living_with_parents: false, but a parent is listed")
        draft.excluded.add("parent")
    alone = flat.get("lives_alone")
    if alone is True:
        if len(listed) > 1:
            draft.problem("lives_alone: true, but other people are listed")
        draft.size = 1
    elif alone is False:
        draft.at_least = max(draft.at_least, 2)


def _check_size(draft: _Draft, flat: dict[str, Any], listed: int) -> None:
    size = flat.get("household_size")
    if size is not None:
        if draft.size is not None and draft.size != size:
            draft.problem(f"household_size: {size}, but lives_alone says 1")
        draft.size = size
    if draft.size is None:
        return
    if draft.size < listed:
        draft.problem(f"household_size: {draft.size}, but {listed} people are listed")
    elif draft.complete and draft.size != listed:
        draft.problem(f"household_size: {draft.size}, but people lists {listed}")
    elif draft.size < draft.at_least:
        draft.problem(f"household_size: {draft.size}, but the other answers mean at least {draft.at_least}")


def _assemble(draft: _Draft, flat: dict[str, Any], people: list[Person]) -> Household:
    manual, as_of = draft.manual, draft.as_of
    listed = len(people)
    if draft.complete:
        extra = exact(0)
    elif draft.size is not None:
        extra = exact(draft.size - listed)
    else:
        extra = Num(max(0, draft.at_least - listed), MAX_PEOPLE - listed, frozenset((PEOPLE,)))
    relations = (
        OTHER_RELATIONS
        - draft.excluded
        - ({"spouse"} if any(p.relation == "spouse" for p in people) else set())
    )
    if extra.lo > 0 and not relations:
        draft.problem("household_size: more people than the answers leave room for (no relation fits)")
    _self_facts(flat, people[0])
    for person in people:
        person.values = _person_values_once(draft, person)
    extra_values = _blanks(manual).members(extra, frozenset(relations))
    totals = _totals(draft, flat, people, extra, relations)
    household = Household(
        as_of=as_of,
        people=people,
        extra=extra,
        extra_relations=frozenset(relations),
        extra_values=extra_values,
        facts=_household_values(manual, flat),
        receiving={},
        receiving_deps=NO_DEPS,
        totals=[],
    )
    _receiving(manual, flat, household)
    household.totals = _narrow(draft, household, totals)
    return household


def _self_facts(flat: dict[str, Any], me: Person) -> None:
    for v1, attr in V1_SELF.items():
        value = flat.get(v1)
        if value is None:
            continue
        if attr in me.values and me.values[attr] != value:
            continue  # version 2 wins; a real contradiction was reported by the composition check
        me.values.setdefault(attr, value)


def _age_on(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _person_values_once(draft: _Draft, person: Person) -> dict[str, Value]:
    """_person_values, taken over from the earlier build when the person and their facts are unchanged."""
    found = draft.like.person_values(person) if draft.like is not None else None
    if found is None:
        found = _person_values(draft.manual, person, draft.as_of)
    if draft.parts is not None:
        draft.parts.values[person.handle] = (person.relation, dict(person.values), dict(found))
    return found


def _person_values(manual: Manual, person: Person, as_of: dt.date) -> dict[str, Value]:
    given = person.values
    specs = manual.facts_person
    handle = person.handle
    out = _blanks(manual).person(handle)  # every fact unknown, in the vocabulary's order
    for attr, value in given.items():
        if value is not None and attr != "relation" and attr != "birth_year":
            spec = specs.get(attr)
            if spec is None:
                continue
            kind = spec.type
            if type(value) is int and (kind is FactType.MONEY or kind is FactType.INT):
                out[attr] = exact(float(value))  # as_value's answer for a whole number, said first
            elif type(value) is bool and kind is FactType.BOOL:
                out[attr] = truth(value)
            else:
                out[attr] = as_value(spec, value, f"{handle}.{attr}")
    if "relation" in out:
        out["relation"] = Cat(frozenset((person.relation,)))
    if "birth_year" in out:
        out["birth_year"] = _birth_year(given, as_of, handle)
    if "age" in out and "birth_date" in given and "age" not in given:
        out["age"] = exact(_age_on(given["birth_date"], as_of))
    return out


def _birth_year(given: dict[str, Any], as_of: dt.date, handle: str) -> Num:
    if "birth_date" in given:
        return exact(given["birth_date"].year)
    age = given.get("age")
    deps = frozenset((f"{handle}.age",))
    if age is None:
        return Num(as_of.year - 120, as_of.year, deps)
    if isinstance(age, dict):  # a range of ages ("65 or older")
        young, old = age.get("min", 0), age.get("max", 120)
        return Num(as_of.year - old - 1, as_of.year - young, deps)
    # Someone 72 today was born this year minus 72, or a year earlier if the birthday is still to come.
    return Num(as_of.year - age - 1, as_of.year - age, deps)


def _member_values(manual: Manual, extra: Num, relations: frozenset[str]) -> dict[str, Value]:
    out: dict[str, Value] = {}
    none_there = extra.hi == 0
    for attr, spec in manual.facts_person.items():
        dep = f"{MEMBERS}.{attr}"
        if attr == "relation":
            out[attr] = Cat(frozenset(relations), frozenset((PEOPLE,)))
        elif attr in MONEY:
            out[attr] = exact(0) if none_there else unknown_num(dep)
        else:
            out[attr] = as_value(spec, None, dep)
    return out


def _household_values(manual: Manual, flat: dict[str, Any]) -> dict[str, Value]:
    out: dict[str, Value] = {}
    blank = _blanks(manual).household
    for fid, spec in manual.facts_household.items():
        value = flat.get(fid)
        if fid == "region" and value in V1_REGION:
            out[fid] = Cat(frozenset(V1_REGION[value]), frozenset((fid,)))
            continue
        if fid in ("medical_expenses_annual.covered", "medical_expenses_annual.uncovered"):
            continue  # cells with a total: below
        out[fid] = blank[fid] if value is None else as_value(spec, value, fid)
    covered = flat.get("medical_expenses_annual.covered")
    uncovered = flat.get("medical_expenses_annual.uncovered")
    total = flat.get("medical_expenses_annual")
    c = as_value(
        manual.facts_household["medical_expenses_annual.covered"], covered, "medical_expenses_annual.covered"
    )
    u = as_value(
        manual.facts_household["medical_expenses_annual.uncovered"],
        uncovered,
        "medical_expenses_annual.uncovered",
    )
    assert isinstance(c, Num) and isinstance(u, Num)
    if isinstance(total, int) and not isinstance(total, bool):
        # A version 1 total: both parts lie between 0 and it, and together they make it.
        c = intersect(c, max(0.0, total - u.hi), total - u.lo)
        u = intersect(u, max(0.0, total - c.hi), total - c.lo)
        out["medical_expenses_annual"] = exact(total)
    else:
        out["medical_expenses_annual"] = Num(c.lo + u.lo, c.hi + u.hi, c.deps | u.deps)
    out["medical_expenses_annual.covered"] = c
    out["medical_expenses_annual.uncovered"] = u
    return out


def _receiving(manual: Manual, flat: dict[str, Any], household: Household) -> None:
    given = flat.get("receiving")
    if isinstance(given, list):
        household.receiving = {pid: Tri.YES if pid in given else Tri.NO for pid in manual.programs}
        return
    status = flat.get("welfare_status")
    if isinstance(status, list):
        for value, pid in V1_STATUS.items():
            household.receiving[pid] = Tri.YES if value in status else Tri.NO


# ---------------------------------------------------------------- totals


def _group_cells(
    group: str, attrs: tuple[str, ...], people: list[Person], extra: Num, relations: frozenset[str]
) -> frozenset[tuple[str, str]] | None:
    """The cells a total for `group` covers; None when the group's members are not yet known."""
    if group == "household":
        handles = [p.handle for p in people] + ([MEMBERS] if extra.hi > 0 else [])
    elif group == "couple":
        if "spouse" in relations and extra.hi > 0:
            return None
        handles = [p.handle for p in people if p.relation in ("self", "spouse")]
    elif group == "others":
        if "spouse" in relations and extra.hi > 0:
            return None
        handles = [p.handle for p in people if p.relation not in ("self", "spouse")]
        handles += [MEMBERS] if extra.hi > 0 else []
    else:
        handles = [p.handle for p in people if p.handle == group]
        if not handles:
            return frozenset()
    return frozenset((h, a) for h in handles for a in attrs)


def _totals(
    draft: _Draft, flat: dict[str, Any], people: list[Person], extra: Num, relations: frozenset[str]
) -> list[tuple[str, frozenset[tuple[str, str]], Num]]:
    wanted: list[tuple[str, str, str, Any]] = []
    for key, (group, measure) in V1_TOTALS.items():
        wanted.append((key, group, measure, flat.get(key)))
    for kind in ("housing", "land_buildings", "financial", "car_value", "debt"):
        wanted.append((f"property.{kind}", "household", kind, flat.get(f"property.{kind}")))
    wanted.append(("deposit", "household", "deposit", flat.get("deposit")))
    wanted.append(("income_last_year", "household", "income_last_year", flat.get("income_last_year")))
    for key, value in flat.items():
        head, _, attr = key.partition(".")
        if attr in MEASURES and (head in GROUPS or _relation_of(head) is not None):
            wanted.append((key, head, attr, value))
    out = []
    for name, group, measure, value in wanted:
        if value is None:
            continue
        cells = _group_cells(group, MEASURES[measure], people, extra, relations)
        if cells is None:
            draft.problem(f"{name}: say first who lives in the household (whether a spouse does)")
            continue
        if not cells:
            draft.problem(f"{name}: facts are given for someone the household does not include")
            continue
        bounds = _range(draft.manual.facts_person["earned_income"], value)
        amount = Num(*bounds, frozenset((name,))) if bounds is not None else exact(float(value))
        out.append((name, cells, amount))
    return out


def _narrow(
    draft: _Draft, household: Household, totals: list[tuple[str, frozenset[tuple[str, str]], Num]]
) -> list[Total]:
    """Every known total narrows each of its cells. A total inside a wider one also tells the rest of the
    wider one (the household's 400만 of which the son's is 400만: the mother's is nothing); those derived
    totals are added, then the narrowing runs twice so one total's news reaches another's."""
    if not totals:
        return []
    derived = list(totals)
    for name_a, cells_a, a in totals:
        for name_b, cells_b, b in totals:
            if cells_a < cells_b:
                derived.append((f"{name_b}-{name_a}", cells_b - cells_a, Num(b.lo - a.hi, b.hi - a.lo)))

    values: dict[str, dict[str, Value]] = {MEMBERS: household.extra_values}
    for person in reversed(household.people):  # the first of a handle wins, as in Household.person
        values[person.handle] = person.values

    def current(cell: tuple[str, str]) -> Num:
        value = values[cell[0]][cell[1]]
        assert isinstance(value, Num)
        return value

    def store(cell: tuple[str, str], value: Num) -> None:
        values[cell[0]][cell[1]] = value

    for _ in range(2):
        for name, cells, amount in derived:
            parts = {c: current(c) for c in cells}
            low = sum(v.lo for v in parts.values())
            high = sum(v.hi for v in parts.values())
            if low > amount.hi or high < amount.lo:
                shown = name.split("-")[0]
                draft.problem(
                    f"{shown}: {amount.lo:,.0f} does not agree with the amounts given for the same people"
                )
                return []
            for c, v in parts.items():
                rest_lo, rest_hi = low - v.lo, high - v.hi
                store(c, intersect(v, amount.lo - rest_hi, amount.hi - rest_lo))
    return [
        Total(name, cells, Num(amount.lo, amount.hi, NO_DEPS if amount.exact else frozenset((name,))))
        for name, cells, amount in derived
    ]


def is_fact(manual: Manual, key: str) -> bool:
    """Whether `key` names a fact an answers mapping may give (a question's `fact:` must)."""
    if key in manual.facts_person and not manual.facts_person[key].derived:
        return True  # a who question's attribute
    if key in ("people", "members") or key in V1_IDS or key in manual.facts_household or key == "deposit":
        return True
    if key.startswith("property.") and key.removeprefix("property.") in MONEY:
        return True
    head, _, attr = key.partition(".")
    if attr in MEASURES and (head in GROUPS or _relation_of(head) is not None):
        return True
    spec = manual.facts_person.get(attr)
    return _relation_of(head) is not None and spec is not None and not spec.derived


def fact_type(manual: Manual, key: str) -> FactType | None:
    """The type a fact's value has, for facts with one (version 1 ids and structure: None)."""
    if key in manual.facts_household:
        return manual.facts_household[key].type
    if key == "deposit" or (key.startswith("property.") and key.removeprefix("property.") in MONEY):
        return FactType.MONEY
    head, _, attr = key.partition(".")
    if attr in MEASURES and (head in GROUPS or _relation_of(head) is not None):
        return FactType.MONEY
    if _relation_of(head) is not None and attr in manual.facts_person:
        return manual.facts_person[attr].type
    return None
