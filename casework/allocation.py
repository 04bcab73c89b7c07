"""The shared allocation list: who received which support, so nobody gets the same twice while
another household gets none (김장김치, 난방유, 후원금 …).

Support is keyed by kind (an in-kind item, or a programme id) and season; the same household and key
within one season is a duplicate, across every organisation that records into the list.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

import catalogue


class SupportKind(StrEnum):
    PROGRAMME = "programme"  # a programme of the manual: the programme id says which
    KIMJANG = "kimjang"  # 김장김치
    HEATING = "heating"  # 난방유·연탄
    DONATION = "donation"  # 후원금
    FOOD = "food"  # 식품·밑반찬
    GOODS = "goods"  # 생필품
    SERVICE = "service"  # 돌봄·방문 서비스
    OTHER = "other"


_SEASON = re.compile(r"^(\d{4})-(winter|spring|summer|autumn)$")
MAX_AMOUNT = 100_000_000  # KRW; a typo with three zeros too many should not pass


def kind_label(kind: SupportKind, lang: str = "ko") -> str:
    return catalogue.t(f"labels.support.{SupportKind(kind).value}", lang)


def season_of(day: dt.date) -> str:
    """Winter (동절기) is November to February, named by the year it starts; spring March–May, summer
    June–August, autumn September–October. Heating and 김장 support is planned per winter."""
    if day.month in (11, 12):
        return f"{day.year}-winter"
    if day.month in (1, 2):
        return f"{day.year - 1}-winter"
    if day.month <= 5:
        return f"{day.year}-spring"
    if day.month <= 8:
        return f"{day.year}-summer"
    return f"{day.year}-autumn"


def season_label(season: str, lang: str = "ko") -> str:
    m = _SEASON.match(season)
    if m is None:
        return season
    name = catalogue.t(f"labels.season.{m.group(2)}", lang)
    return f"{m.group(1)} {name}" if lang == "en" else f"{m.group(1)}년 {name}"


def valid_season(season: str) -> bool:
    return _SEASON.match(season) is not None


def support_key(kind: SupportKind, programme: str | None) -> str:
    """What counts as "the same support": the programme for programme support, else the kind."""
    kind = SupportKind(kind)
    if kind == SupportKind.PROGRAMME:
        if not programme:
            raise ValueError("programme support names its programme")
        return f"programme:{programme}"
    return kind.value


@dataclass(frozen=True, slots=True)
class AllocationFacts:
    id: int
    household_id: int
    key: str
    season: str
    given_on: dt.date
    org_id: int | None


def check_amount(amount: int | None) -> int | None:
    if amount is None:
        return None
    if not 0 <= amount <= MAX_AMOUNT:
        raise ValueError(f"amount must be 0 to {MAX_AMOUNT:,} won")
    return amount


def duplicates(
    household_id: int, key: str, season: str, existing: Iterable[AllocationFacts]
) -> list[AllocationFacts]:
    """Earlier entries that make this one a duplicate: same household, same support, same season."""
    return sorted(
        (a for a in existing if a.household_id == household_id and a.key == key and a.season == season),
        key=lambda a: (a.given_on, a.id),
    )
