"""Summary rows for statistics: counts of needs by a few keys, kept exact on every change to a need
(storage.need_summary), so /stats reads hundreds of rows instead of every need. What each table
counts: casework.summary.

Centre 0 is "no centre"; in need_owner_counts scope -1 is the whole district. No foreign keys: a
count row is not a reference to a centre or a person, and it goes when its count reaches zero.
Imported at the end of storage.models, like models_needs.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import ENUM_LENGTH, Base

MONTH_LENGTH = 7  # YYYY-MM
OWNER_LENGTH = 1  # "h" household, "r" resident


class NeedCount(Base):
    """Needs by centre, category, status and urgency (totals, by category, by status, resolved)."""

    __tablename__ = "need_counts"

    centre_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    category: Mapped[str] = mapped_column(String(ENUM_LENGTH), primary_key=True)
    status: Mapped[str] = mapped_column(String(ENUM_LENGTH), primary_key=True)
    urgency: Mapped[str] = mapped_column(String(ENUM_LENGTH), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class NeedMonthCount(Base):
    """Needs by centre and the month they were logged in (Korean time)."""

    __tablename__ = "need_month_counts"

    centre_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    month: Mapped[str] = mapped_column(String(MONTH_LENGTH), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class NeedDueCount(Base):
    """Needs still being worked on, by centre and due date (Korean calendar): the overdue figure."""

    __tablename__ = "need_due_counts"

    centre_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    due_on: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class NeedAssigneeCount(Base):
    """Needs with an assignee, by assignee, centre and status: headquarters' follow-up per official."""

    __tablename__ = "need_assignee_counts"

    assignee_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    centre_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(ENUM_LENGTH), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class NeedResolutionCount(Base):
    """Resolved needs by centre and begun hours from logging to resolution: the median and the bands."""

    __tablename__ = "need_resolution_counts"

    centre_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    hours: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(Integer)


class NeedOwnerCount(Base):
    """Needs per household ("h") or resident ("r"), per centre and for the district (scope -1): the
    number of rows is the number of households and residents with a need."""

    __tablename__ = "need_owner_counts"

    scope_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    owner: Mapped[str] = mapped_column(String(OWNER_LENGTH), primary_key=True)
    owner_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(Integer)
