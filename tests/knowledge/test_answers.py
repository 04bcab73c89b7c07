"""Answers as a person reads them."""

from __future__ import annotations

from knowledge.answers import show_answer
from knowledge.manual import Manual


def test_one_person_and_one_year_read_in_the_singular(manual: Manual) -> None:
    assert show_answer(manual, "household_size", 1, "en") == "1 person"
    assert show_answer(manual, "household_size", 3, "en") == "3 people"
    assert show_answer(manual, "household_size", 1, "ko") == "1명"
