"""Logging a need: from a consultation's results, a programme card, or /need on its own.

The draft lives in storage (chat_drafts), so the steps survive a restart like a consultation does.
Residents see what is stored, who sees it and for how long, and agree, before anything is saved.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from app import consult
from casework.flows import END, NEED
from casework.model import NeedCategory, NeedStatus, Urgency, label
from casework.privacy import consent_text, masked_notice
from handlers import drafting
from handlers.access import household_for
from handlers.callbacks import Action, build
from handlers.common import actor, limit_text, too_long
from handlers.groups import COORDINATORS, STAFF
from handlers.guard import may
from handlers.render import Keyboard, Msg
from handlers.route import Reply, Turn
from handlers.texts import t
from knowledge.screener import Status
from services import needs as needs_service
from storage import district, repo
from storage import needs as needs_repo
from storage.models import Role, User
from storage.models_needs import Need

KST = ZoneInfo("Asia/Seoul")
CALLBACK_WINDOWS = ("am", "pm", "eve", "none")


def local_date(moment: dt.datetime) -> str:
    return moment.astimezone(KST).strftime("%Y-%m-%d")


def _category_keyboard(lang: str) -> Keyboard:
    cats = list(NeedCategory)
    return [
        [(label(c, lang), build(Action.NEED_CATEGORY, c.value)) for c in cats[i : i + 2]]
        for i in range(0, len(cats), 2)
    ]


def _ask_category(turn: Turn, data: dict[str, Any]) -> Reply:
    if "step" in data:
        drafting.go(turn, NEED, data, "category")
    else:
        drafting.begin(turn, NEED, data, "category")
    return Reply(messages=[Msg(t("need.category", turn.lang), _category_keyboard(turn.lang))])


def _start(turn: Turn, data: dict[str, Any]) -> Reply:
    if may(turn.role, STAFF) and data.get("household_id") is None:
        drafting.begin(turn, NEED, data, "household")
        return Reply(messages=[Msg(t("need.household", turn.lang))])
    return _ask_category(turn, data)


def on_need_command(turn: Turn) -> Reply:
    return _start(turn, {"programs": []})


def on_need_start(turn: Turn) -> Reply:
    """From results (c:<consultation>) or a card (p:<programme>); x:0 is a fresh one."""
    assert turn.callback is not None
    source, ident = turn.callback.args
    data: dict[str, Any] = {"programs": []}
    if source == "c":
        c = repo.get_consultation(turn.session, turn.callback.int_arg(1))
        if c is None or c.chat_id != turn.chat_id:
            return Reply(notice=t("bad_button", turn.lang))
        if c.household_id is not None and household_for(turn, c.household_id, "need") is None:
            return Reply(notice=t("staff.not_yours", turn.lang))
        verdicts = consult.verdicts_for(turn.screener, c)
        data["consultation_id"] = c.id
        data["household_id"] = c.household_id
        data["programs"] = [p for p, v in verdicts.items() if v.status != Status.INELIGIBLE]
    elif source == "p":
        if ident not in turn.manual.programs:
            return Reply(notice=t("bad_button", turn.lang))
        data["programs"] = [ident]
        data["category"] = turn.manual.programs[ident].domain
    elif source != "x":
        return Reply(notice=t("bad_button", turn.lang))
    return _start(turn, data)


def _draft(turn: Turn, *, text: bool = False, button: Action | None = None) -> dict[str, Any] | None:
    """The chat's need draft if its step waits for this input (casework.flows.NEED); a household's
    only while the caller may still see that household (checked at every step: a revoked staff
    member's draft ends at their next tap)."""
    data = drafting.waiting(turn, NEED, text=text, button=button.value if button else None)
    if data is None:
        return None
    if data.get("household_id") and household_for(turn, int(data["household_id"]), "need") is None:
        drafting.end(turn)
        return None
    return data


def on_category(turn: Turn) -> Reply:
    assert turn.callback is not None
    data = _draft(turn, button=Action.NEED_CATEGORY)
    if data is None:
        return Reply(notice=t("need.no_draft", turn.lang))
    try:
        category = NeedCategory(turn.callback.args[0])
    except ValueError:
        return Reply(notice=t("bad_button", turn.lang))
    # Programmes carried over from results stay only if they belong to the chosen domain.
    programs = [
        p
        for p in data.get("programs", [])
        if turn.manual.programs.get(p) and turn.manual.programs[p].domain == category.value
    ]
    drafting.go(turn, NEED, {**data, "category": category.value, "programs": programs}, "urgency")
    rows = [[(label(u, turn.lang), build(Action.NEED_URGENCY, u.value)) for u in Urgency]]
    return Reply(edit=Msg(t("need.urgency", turn.lang), rows))


def on_urgency(turn: Turn) -> Reply:
    assert turn.callback is not None
    data = _draft(turn, button=Action.NEED_URGENCY)
    if data is None:
        return Reply(notice=t("need.no_draft", turn.lang))
    try:
        urgency = Urgency(turn.callback.args[0])
    except ValueError:
        return Reply(notice=t("bad_button", turn.lang))
    drafting.go(turn, NEED, {**data, "urgency": urgency.value}, "description")
    return Reply(edit=Msg(t("need.describe", turn.lang, limit=limit_text())))


def on_draft_text(turn: Turn, text: str) -> Reply | None:
    """Typed input for a need in progress; None when this chat has no such draft step."""
    data = _draft(turn, text=True)
    if data is None:
        return None
    step = data.get("step")
    if step == "household":
        code = repo.normalise_household_code(text)
        if code is None:
            return Reply(messages=[Msg(escape(t("staff.bad_code", turn.lang)))])
        found = repo.household_by_code(turn.session, code)
        if found is None:
            return Reply(messages=[Msg(escape(t("household.unknown", turn.lang, code=code)))])
        household = household_for(turn, found, "need")
        if household is None:
            return Reply(messages=[Msg(t("staff.not_yours", turn.lang))])
        return _ask_category(turn, {**data, "household_id": household.id})
    if step in ("description", "override"):
        longer = too_long(turn, text)
        if longer is not None:
            return longer  # the draft waits for a shorter text; nothing typed is kept
    if step == "description":
        # Masked before the draft keeps it: nothing a resident types is stored as typed.
        masked = turn.mask(text)
        data.update(description=masked.text, masked=list(masked.found))
        if not may(turn.role, STAFF):
            drafting.go(turn, NEED, data, "consent")
            rows = [
                [
                    (t("need.consent_yes", turn.lang), build(Action.NEED_CONSENT, "yes")),
                    (t("need.consent_no", turn.lang), build(Action.NEED_CONSENT, "no")),
                ]
            ]
            text_ = consent_text(turn.services.settings.retention_days, turn.lang)
            return Reply(messages=[Msg(escape(text_), rows)])
        return _save(turn, data)
    if step == "override":
        if not may(turn.role, COORDINATORS):  # the role may have changed since the button
            return Reply(messages=[Msg(t("need.override_only_coordinator", turn.lang))])
        return _save(turn, data, override_reason=turn.mask(text).text)
    return None


def on_consent(turn: Turn) -> Reply:
    assert turn.callback is not None
    data = _draft(turn, button=Action.NEED_CONSENT)
    if data is None:
        return Reply(notice=t("need.no_draft", turn.lang))
    if turn.callback.args[0] != "yes":
        drafting.go(turn, NEED, data, END)
        return Reply(edit=Msg(t("need.declined", turn.lang)))
    drafting.go(turn, NEED, {**data, "consent_at": dt.datetime.now(dt.UTC).isoformat()}, "callback")
    rows = [[(t(f"need.cb.{w}", turn.lang), build(Action.NEED_CALLBACK, w))] for w in CALLBACK_WINDOWS]
    return Reply(edit=Msg(t("need.callback", turn.lang), rows))


def on_callback_window(turn: Turn) -> Reply:
    assert turn.callback is not None
    data = _draft(turn, button=Action.NEED_CALLBACK)
    window = turn.callback.args[0]
    if data is None or window not in CALLBACK_WINDOWS:
        return Reply(notice=t("need.no_draft", turn.lang))
    data["callback_window"] = None if window == "none" else t(f"need.cb.{window}", "ko")
    # Call-back that works: the assignee may write through the bot, with the resident's say-so.
    drafting.go(turn, NEED, data, "relay")
    rows = [
        [
            (t("need.relay_yes", turn.lang), build(Action.NEED_RELAY_CONSENT, "yes")),
            (t("need.relay_no", turn.lang), build(Action.NEED_RELAY_CONSENT, "no")),
        ]
    ]
    return Reply(edit=Msg(escape(t("need.relay_consent", turn.lang)), rows))


def on_relay_consent(turn: Turn) -> Reply:
    assert turn.callback is not None
    data = _draft(turn, button=Action.NEED_RELAY_CONSENT)
    if data is None or turn.callback.args[0] not in ("yes", "no"):
        return Reply(notice=t("need.no_draft", turn.lang))
    data["relay"] = turn.callback.args[0] == "yes"
    return _save(turn, data)


def _save(turn: Turn, data: dict[str, Any], override_reason: str | None = None) -> Reply:
    s, settings = turn.session, turn.services.settings
    household = None
    if data.get("household_id"):
        household = household_for(turn, int(data["household_id"]), "need")
        if household is None:  # no longer theirs: the draft goes, nothing is stored
            drafting.end(turn)
            return Reply(messages=[Msg(t("staff.not_yours", turn.lang))])
    consultation = repo.get_consultation(s, data["consultation_id"]) if data.get("consultation_id") else None
    resident = turn.user if household is None else None
    consent = dt.datetime.fromisoformat(data["consent_at"]) if data.get("consent_at") else None
    if resident is not None and consent is None and may(turn.role, STAFF):
        consent = dt.datetime.now(dt.UTC)  # staff logging about themselves as a resident agree by doing so
    who = actor(turn)
    centre_id = needs_service.centre_of_household(household, who) if household is not None else None
    # The head of the centre checks what the centre's staff recorded, where the district wants that.
    review = turn.role == Role.STAFF and needs_service.review_required(s, centre_id)
    logged = needs_repo.log_need(
        s,
        created_by=turn.user,
        category=NeedCategory(data["category"]),
        urgency=Urgency(data["urgency"]),
        description=data["description"],
        timeframes=settings.casework().timeframes,
        programs=data.get("programs", []),
        household=household,
        resident=resident,
        consent_at=consent,
        callback_window=data.get("callback_window"),
        consultation=consultation,
        duplicate_window_days=settings.duplicate_window_days,
        override_by=turn.user if override_reason else None,
        override_reason=override_reason,
        override_role=turn.role if override_reason else None,
        centre_id=centre_id,
        review_required=review,
        relay_consent=bool(data.get("relay")),
    )
    found = [*data.get("masked", []), *(k for k in logged.found if k not in data.get("masked", []))]
    notice = masked_notice(found, turn.lang)
    if logged.need is None:
        drafting.go(turn, NEED, data, "duplicate")
        return _duplicate_reply(turn, logged.duplicates, notice)
    drafting.go(turn, NEED, data, END)
    need = logged.need
    messages = [Msg(escape(notice))] if notice else []
    messages.append(Msg(escape(t("need.saved", turn.lang, id=need.id, due=local_date(need.due_at)))))
    reply = Reply(messages=messages)
    button = [[(f"#{need.id}", build(Action.NEED_CARD, need.id))]]
    if need.status == NeedStatus.REVIEW and need.centre_id is not None:
        heads = district.members(s, need.centre_id, [Role.HEAD])
        reply.notify = [
            (
                u.telegram_id,
                Msg(
                    escape(
                        t(
                            "need.review_waiting",
                            u.language,
                            id=need.id,
                            category=label(need.category, u.language),
                        )
                    ),
                    button,
                ),
            )
            for u in heads
        ]
    elif need.urgency == Urgency.URGENT:
        reply.notify = [
            (
                u.telegram_id,
                Msg(
                    escape(
                        t(
                            "need.urgent_alert",
                            u.language,
                            id=need.id,
                            category=label(need.category, u.language),
                        )
                    ),
                    button,
                ),
            )
            for u in _coordinators_of(s, need.centre_id)
        ]
    return reply


def _coordinators_of(s: Session, centre_id: int | None) -> list[User]:
    """Coordinators whose scope covers a need of this centre: the centre's own and the district-wide."""
    district_wide = [
        u
        for u in repo.list_users(s, Role.COORDINATOR)
        if u.active and (u.organisation_id is None or district.is_headquarters(s, u.organisation_id))
    ]
    local = district.members(s, centre_id, [Role.COORDINATOR]) if centre_id is not None else []
    return list({u.id: u for u in [*local, *district_wide]}.values())


def _duplicate_reply(turn: Turn, duplicates: list[Need], notice: str | None) -> Reply:
    items = ", ".join(f"#{d.id} ({label(d.status, turn.lang)})" for d in duplicates)
    rows: Keyboard = [
        [(t("need.dup_note", turn.lang, id=d.id), build(Action.NEED_DUPLICATE, d.id, "note"))]
        for d in duplicates[:3]
    ]
    if may(turn.role, COORDINATORS):
        rows.append(
            [(t("need.dup_override", turn.lang), build(Action.NEED_DUPLICATE, duplicates[0].id, "override"))]
        )
    messages = [Msg(escape(notice))] if notice else []
    messages.append(Msg(escape(t("need.duplicate", turn.lang, items=items)), rows))
    return Reply(messages=messages)


def on_duplicate(turn: Turn) -> Reply:
    assert turn.callback is not None
    data = _draft(turn, button=Action.NEED_DUPLICATE)
    if data is None:
        return Reply(notice=t("need.no_draft", turn.lang))
    existing = needs_repo.get_need(turn.session, turn.callback.int_arg(0))
    if existing is None:
        return Reply(notice=t("bad_button", turn.lang))
    if turn.callback.args[1] == "override":
        if not may(turn.role, COORDINATORS):
            return Reply(notice=t("need.override_only_coordinator", turn.lang))
        drafting.go(turn, NEED, data, "override")
        return Reply(messages=[Msg(t("need.override_reason", turn.lang, limit=limit_text()))])
    household = None
    if data.get("household_id"):
        household = household_for(turn, int(data["household_id"]), "need")
        if household is None:
            drafting.end(turn)
            return Reply(notice=t("staff.not_yours", turn.lang))
    # Only a need the draft actually collided with may receive the note: ids are not trusted.
    collided = needs_repo.find_duplicates(
        turn.session,
        category=NeedCategory(data["category"]),
        programs=data.get("programs", []),
        household=household,
        resident=turn.user if household is None else None,
        window_days=turn.services.settings.duplicate_window_days,
    )
    if existing.id not in {d.id for d in collided}:
        return Reply(notice=t("bad_button", turn.lang))
    needs_repo.add_note(turn.session, existing, turn.user, data["description"])
    drafting.go(turn, NEED, data, END)
    return Reply(edit=Msg(t("need.saved_note", turn.lang, id=existing.id)))


ACTION_HANDLERS = {
    Action.NEED_START: on_need_start,
    Action.NEED_CATEGORY: on_category,
    Action.NEED_URGENCY: on_urgency,
    Action.NEED_CONSENT: on_consent,
    Action.NEED_CALLBACK: on_callback_window,
    Action.NEED_DUPLICATE: on_duplicate,
    Action.NEED_RELAY_CONSENT: on_relay_consent,
}
