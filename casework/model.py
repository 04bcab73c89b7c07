"""The vocabulary of casework: categories, urgency, statuses, audit-event kinds and access-log actions.

Values are stored as plain strings (see storage.models), so adding a member needs no migration.
Labels are Korean first, English second, like every user-facing string.
"""

from __future__ import annotations

from enum import StrEnum

import catalogue


class NeedCategory(StrEnum):
    # The manual's eight domains (ids as in knowledge/manual/domains.yaml) ...
    INCOME = "income"
    DAILY_LIFE = "daily_life"
    EMPLOYMENT = "employment"
    HOUSING = "housing"
    HEALTH = "health"
    CHILDCARE = "childcare"
    CULTURE = "culture"
    EDUCATION = "education"
    # ... plus what visits hear that no programme covers: in one district 41% of needs were 말벗.
    COMPANIONSHIP = "companionship"
    SAFETY = "safety"
    OTHER = "other"


class Urgency(StrEnum):
    URGENT = "urgent"
    NORMAL = "normal"
    LOW = "low"


class NeedStatus(StrEnum):
    # Waiting for the head of the centre's check, where the district turns that step on.
    REVIEW = "review"
    OPEN = "open"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    REFERRED = "referred"
    RESOLVED = "resolved"
    CLOSED_UNRESOLVED = "closed_unresolved"


class EventKind(StrEnum):
    CREATED = "created"
    ASSIGNED = "assigned"
    UNASSIGNED = "unassigned"
    STATUS = "status"
    NOTE = "note"
    REOPENED = "reopened"
    DUPLICATE_OVERRIDE = "duplicate_override"
    ANONYMISED = "anonymised"
    REVIEWED = "reviewed"  # the head of the centre approved (→ open) or turned it down
    CONSENT = "consent"  # what may be shared with which partner, and who agreed
    REFERRAL = "referral"  # sent to a partner, accepted, declined, reported back, withdrawn
    MEETING = "meeting"  # marked for a case meeting, or the meeting's decision
    MESSAGE_OUT = "message_out"  # the assignee wrote to the resident through the bot
    MESSAGE_IN = "message_in"  # the resident's reply
    HOUSEHOLD_LINKED = "household_linked"  # a crisis report matched to a household code
    ALLOCATION = "allocation"  # support recorded in the shared list for this need


class AccessAction(StrEnum):
    VIEW_NEEDS = "view_needs"
    VIEW_NEED = "view_need"
    EXPORT = "export"
    VIEW_STATS = "view_stats"
    MYDATA = "mydata"
    FORGET = "forget"
    INVITE = "invite"
    REVOKE_STAFF = "revoke_staff"
    VIEW_HOUSEHOLD = "view_household"  # a household's answers, history or results were shown
    DENIED = "denied"  # someone asked for a household or need that is not theirs
    VIEW_ALLOCATIONS = "view_allocations"
    VIEW_AGENDA = "view_agenda"
    ORGANISATION = "organisation"  # centres and partners set up or changed, people moved
    HANDOVER = "handover"  # a matched household handed to another official
    DESK_SIGN_IN = "desk_sign_in"  # signed in to the web desk (detail: by link or Mini App)
    DESK_SIGN_OUT = "desk_sign_out"
    DESK = "desk"  # one page or action of the web desk (target: the path, detail: method and status)


# Still being worked on: these count as "open" for duplicates, the digest and overdue.
ACTIVE_STATUSES = frozenset({NeedStatus.REVIEW, NeedStatus.OPEN, NeedStatus.ASSIGNED, NeedStatus.IN_PROGRESS})
# The three ends of the workflow; entering one sets closed_at, and retention counts from it.
CLOSED_STATUSES = frozenset({NeedStatus.REFERRED, NeedStatus.RESOLVED, NeedStatus.CLOSED_UNRESOLVED})
# Ends in which the household got (or was sent to) support: another one soon after is duplicate support.
SUPPORTED_STATUSES = frozenset({NeedStatus.REFERRED, NeedStatus.RESOLVED})

# The catalogue's kind for each enum: StrEnum members equal their strings, so NeedStatus.ASSIGNED and
# EventKind.ASSIGNED need the kind to tell them apart.
_KINDS: dict[type[StrEnum], str] = {
    NeedCategory: "category",
    Urgency: "urgency",
    NeedStatus: "status",
    EventKind: "event",
}


def label(value: NeedCategory | Urgency | NeedStatus | EventKind, lang: str = "ko") -> str:
    """The Korean label, or the English one when lang is 'en' (a knowledge.text.Lang works too)."""
    return catalogue.t(f"labels.{_KINDS[type(value)]}.{value.value}", lang)
