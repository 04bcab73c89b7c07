"""The district network in chat: referrals with consent, the partner's queue, the shared allocation
list, case meetings, crisis reports, call-back through the bot, and the admin's set-up commands."""

from __future__ import annotations

import contextlib
import datetime as dt
from html import escape
from typing import Any

from casework import allocation as alloc
from casework import crisis, flows
from casework.flows import END
from casework.meeting import agenda_text
from casework.model import NeedStatus, Urgency, label
from casework.referral import ReferralStatus, SharedField, referral_label
from casework.roles import OrgKind, Role, kind_label, role_label
from handlers import drafting
from handlers.callbacks import Action, build
from handlers.common import actor, refused
from handlers.coord import SERVICE_ERRORS, show
from handlers.needs import KST
from handlers.render import Keyboard, Msg, split
from handlers.route import Reply, Turn
from handlers.texts import t
from services import needs as needs_service
from services import network
from services.errors import Denied, NotFound, Refused
from storage import district, repo
from storage.models import User
from storage.models_district import Organisation

FIELDS = {
    "a": (SharedField.HOUSEHOLD, SharedField.DESCRIPTION, SharedField.PROGRAMS),
    "h": (SharedField.HOUSEHOLD,),
    "m": (),
}
# The network's drafts that take typed text (casework.flows).
TEXT_FLOWS = (
    flows.CRISIS_REPORT,
    flows.ALLOCATION,
    flows.PARTNER_REPORT,
    flows.DECISION,
    flows.RELAY_OUT,
    flows.RELAY_IN,
)
IN_KIND = [k for k in alloc.SupportKind if k != alloc.SupportKind.PROGRAMME]


def _err(turn: Turn, exc: Exception) -> Reply:
    return Reply(messages=[Msg(escape(refused(turn, exc)))])


def _fields_text(code: str, lang: str) -> str:
    return ", ".join(referral_label(f, lang) for f in FIELDS[code]) or "-"


def _partner(turn: Turn, partner_id: int) -> Organisation | None:
    org = turn.session.get(Organisation, partner_id) if 0 < partner_id < 2**31 else None
    return org if org is not None and org.kind == OrgKind.PARTNER and org.active else None


# --- referrals ---------------------------------------------------------------------------------------


def on_refer(turn: Turn) -> Reply:
    assert turn.callback is not None
    need_id, partner_id, code = turn.callback.int_arg(0), turn.callback.int_arg(1), turn.callback.args[2]
    lang = turn.lang
    if partner_id == 0:
        partners = network.partners(turn.session)
        if not partners:
            return Reply(messages=[Msg(escape(t("refer.none", lang)))])
        rows = [[(p.name, build(Action.REFER, need_id, p.id, "x"))] for p in partners[:20]]
        return Reply(messages=[Msg(t("refer.choose", lang), rows)])
    partner = _partner(turn, partner_id)
    if partner is None or code not in (*FIELDS, "x"):
        return Reply(notice=t("bad_button", lang))
    if code == "x":
        rows = [[(t(f"refer.f.{c}", lang), build(Action.REFER, need_id, partner_id, c))] for c in FIELDS]
        return Reply(messages=[Msg(escape(t("refer.fields", lang, partner=partner.name)), rows)])
    try:
        return _refer(turn, need_id, partner, code)
    except Refused as exc:
        if exc.reason != "no_consent":
            return _err(turn, exc)
    except (Denied, NotFound) as exc:
        return _err(turn, exc)
    # No consent yet: the resident is asked themself; for a household the staff member confirms.
    detail = needs_service.need_detail(turn.session, actor(turn), need_id)
    need = detail.need
    if need.resident_user_id is not None:
        resident = turn.session.get(User, need.resident_user_id)
        assert resident is not None
        ask = t(
            "refer.ask_resident",
            resident.language,
            id=need.id,
            partner=partner.name,
            fields=_fields_text(code, resident.language),
        )
        rows = [
            [
                (
                    t("need.consent_yes", resident.language),
                    build(Action.REFER_RESIDENT, need.id, partner.id, code, "yes"),
                ),
                (
                    t("need.consent_no", resident.language),
                    build(Action.REFER_RESIDENT, need.id, partner.id, code, "no"),
                ),
            ]
        ]
        return Reply(
            messages=[Msg(escape(t("refer.asked_resident", lang)))],
            notify=[(resident.telegram_id, Msg(escape(ask), rows))],
        )
    text = t("refer.confirm_staff", lang, partner=partner.name, fields=_fields_text(code, lang))
    rows = [[(t("refer.confirm_yes", lang), build(Action.REFER_STAFF_CONSENT, need_id, partner_id, code))]]
    return Reply(messages=[Msg(escape(text), rows)])


def _refer(turn: Turn, need_id: int, partner: Organisation, code: str) -> Reply:
    referral, partner_users = network.refer(turn.session, actor(turn), need_id, partner.code, FIELDS[code])
    need = needs_service.need_detail(turn.session, actor(turn), need_id).need
    notify = []
    for user in partner_users:
        shared = "\n".join(f"{k}: {v}" for k, v in referral.shared.items())
        text = t(
            "refer.incoming",
            user.language,
            id=need.id,
            category=label(need.category, user.language),
            urgency=label(need.urgency, user.language),
            shared=shared,
        )
        rows = _partner_buttons(referral.id, ReferralStatus.PENDING, user.language)
        notify.append((user.telegram_id, Msg(escape(text), rows)))
    return Reply(
        messages=[Msg(escape(t("refer.done", turn.lang, id=need.id, partner=partner.name)))], notify=notify
    )


def on_refer_staff_consent(turn: Turn) -> Reply:
    assert turn.callback is not None
    need_id, partner_id, code = turn.callback.int_arg(0), turn.callback.int_arg(1), turn.callback.args[2]
    partner = _partner(turn, partner_id)
    if partner is None or code not in FIELDS:
        return Reply(notice=t("bad_button", turn.lang))
    try:
        network.record_consent(
            turn.session, actor(turn), need_id, partner.code, FIELDS[code], by_resident=False
        )
        return _refer(turn, need_id, partner, code)
    except SERVICE_ERRORS as exc:
        return _err(turn, exc)


def on_refer_resident(turn: Turn) -> Reply:
    """The resident's own answer to a consent request; the coordinators are told and refer with a tap."""
    assert turn.callback is not None
    need_id, partner_id, code, answer = (
        turn.callback.int_arg(0),
        turn.callback.int_arg(1),
        turn.callback.args[2],
        turn.callback.args[3],
    )
    partner = _partner(turn, partner_id)
    if partner is None or code not in FIELDS:
        return Reply(notice=t("bad_button", turn.lang))
    if answer != "yes":
        return Reply(edit=Msg(escape(t("refer.resident_declined", turn.lang))))
    try:
        network.record_consent(
            turn.session, actor(turn), need_id, partner.code, FIELDS[code], by_resident=True
        )
    except SERVICE_ERRORS as exc:
        return _err(turn, exc)
    need = needs_service.need_detail(turn.session, actor(turn), need_id).need
    told: dict[int, User] = {}
    if need.assignee is not None:
        told[need.assignee.id] = need.assignee
    if need.centre_id is not None:
        for user in district.members(turn.session, need.centre_id, [Role.COORDINATOR]):
            told[user.id] = user
    notify = [
        (
            u.telegram_id,
            Msg(
                escape(t("refer.resident_agreed", u.language, id=need.id, partner=partner.name)),
                [[(t("refer.do", u.language), build(Action.REFER, need.id, partner.id, code))]],
            ),
        )
        for u in told.values()
    ]
    return Reply(edit=Msg(escape(t("refer.resident_thanks", turn.lang))), notify=notify)


# --- partners ----------------------------------------------------------------------------------------


def _partner_buttons(referral_id: int, status: ReferralStatus, lang: str) -> Keyboard:
    if status == ReferralStatus.PENDING:
        return [
            [
                (t("partner.accept", lang), build(Action.PARTNER, referral_id, "accept")),
                (t("partner.decline", lang), build(Action.PARTNER, referral_id, "decline")),
            ]
        ]
    if status == ReferralStatus.ACCEPTED:
        return [
            [
                (t("partner.report", lang), build(Action.PARTNER, referral_id, "report")),
                (t("partner.done", lang), build(Action.PARTNER, referral_id, "done")),
            ]
        ]
    return []


def on_referrals_command(turn: Turn) -> Reply:
    try:
        queue = network.partner_queue(turn.session, actor(turn))
    except Denied:
        return Reply(messages=[Msg(t("denied", turn.lang))])
    if not queue:
        return Reply(messages=[Msg(escape(t("partner.none", turn.lang)))])
    messages = [Msg(t("partner.head", turn.lang))]
    for referral in queue:
        need = needs_service.need_detail(turn.session, actor(turn), referral.need_id).need
        shared = "\n".join(f"{k}: {v}" for k, v in referral.shared.items())
        head = (
            f"#{need.id} · {label(need.category, turn.lang)} · {label(need.urgency, turn.lang)} · "
            f"{referral_label(ReferralStatus(referral.status), turn.lang)}"
        )
        text = escape(head + ("\n" + shared if shared else ""))
        messages.append(Msg(text, _partner_buttons(referral.id, ReferralStatus(referral.status), turn.lang)))
    return Reply(messages=messages)


def on_partner(turn: Turn) -> Reply:
    assert turn.callback is not None
    referral_id, what = turn.callback.int_arg(0), turn.callback.args[1]
    if what in ("report", "done"):
        drafting.begin(turn, flows.PARTNER_REPORT, {"referral_id": referral_id, "what": what})
        return Reply(messages=[Msg(t("partner.report_prompt", turn.lang))])
    if what not in ("accept", "decline"):
        return Reply(notice=t("bad_button", turn.lang))
    to = ReferralStatus.ACCEPTED if what == "accept" else ReferralStatus.DECLINED
    return _respond(turn, referral_id, to, None)


def _respond(turn: Turn, referral_id: int, to: ReferralStatus | None, report: str | None) -> Reply:
    try:
        if to is None:  # a progress report: the referral stays accepted
            done, need, told = network.report_progress(turn.session, actor(turn), referral_id, report or "")
            status, partner_name = ReferralStatus.ACCEPTED, done.partner.name
        else:
            done, need, told = network.respond(turn.session, actor(turn), referral_id, to, report)
            status, partner_name = to, done.partner.name
    except SERVICE_ERRORS as exc:
        return _err(turn, exc)
    notify = [
        (
            u.telegram_id,
            Msg(
                escape(
                    t(
                        "partner.told",
                        u.language,
                        partner=partner_name,
                        id=need.id,
                        status=referral_label(status, u.language),
                    )
                ),
                [[(f"#{need.id}", build(Action.NEED_CARD, need.id))]],
            ),
        )
        for u in told
    ]
    text = t("partner.answered", turn.lang, id=need.id, status=referral_label(status, turn.lang))
    return Reply(messages=[Msg(escape(text))], notify=notify)


# --- the shared allocation list ----------------------------------------------------------------------


def on_alloc_command(turn: Turn) -> Reply:
    if not turn.args:
        return Reply(messages=[Msg(escape(t("alloc.usage", turn.lang)))])
    code = repo.normalise_household_code(turn.args[0])
    household = repo.household_by_code(turn.session, code) if code else None
    if household is None:
        return Reply(messages=[Msg(escape(t("not_found", turn.lang)))])
    if len(turn.args) > 1:
        programme = turn.args[1]
        if programme not in turn.manual.programs:
            return Reply(messages=[Msg(escape(t("alloc.usage", turn.lang)))])
        data = {
            "household": household.code,
            "kind": alloc.SupportKind.PROGRAMME.value,
            "programme": programme,
        }
        drafting.begin(turn, flows.ALLOCATION, data, "amount")
        return Reply(messages=[Msg(escape(t("alloc.amount", turn.lang)))])
    rows = [
        [
            (alloc.kind_label(k, turn.lang), build(Action.ALLOC_KIND, household.id, k.value))
            for k in IN_KIND[i : i + 2]
        ]
        for i in range(0, len(IN_KIND), 2)
    ]
    return Reply(messages=[Msg(escape(t("alloc.kind", turn.lang, code=household.code)), rows)])


def on_alloc_kind(turn: Turn) -> Reply:
    assert turn.callback is not None
    household = repo.household_by_id(turn.session, turn.callback.int_arg(0))
    try:
        kind = alloc.SupportKind(turn.callback.args[1])
    except ValueError:
        return Reply(notice=t("bad_button", turn.lang))
    if household is None:
        return Reply(notice=t("bad_button", turn.lang))
    data = {"household": household.code, "kind": kind.value, "programme": None}
    drafting.begin(turn, flows.ALLOCATION, data, "amount")
    return Reply(messages=[Msg(escape(t("alloc.amount", turn.lang)))])


def _record(turn: Turn, data: dict[str, Any], reason: str | None) -> Reply:
    lang = turn.lang
    kind = alloc.SupportKind(data["kind"])
    try:
        row, duplicates = network.record_allocation(
            turn.session,
            actor(turn),
            code=data["household"],
            kind=kind,
            programme=data.get("programme"),
            amount=data.get("amount"),
            given_on=dt.datetime.now(KST).date(),
            override_reason=reason,
        )
    except SERVICE_ERRORS as exc:
        return _err(turn, exc)
    if row is None:
        drafting.go(turn, flows.ALLOCATION, data, "duplicate")
        items = "; ".join(f"{d.given_on:%Y-%m-%d} {d.organisation or '-'}" for d in duplicates)
        text = t(
            "alloc.duplicate",
            lang,
            code=data["household"],
            season=alloc.season_label(duplicates[0].season, lang),
            items=items,
        )
        household = repo.household_by_code(turn.session, data["household"])
        assert household is not None
        return Reply(
            messages=[
                Msg(escape(text), [[(t("alloc.override", lang), build(Action.ALLOC_OVERRIDE, household.id))]])
            ]
        )
    drafting.go(turn, flows.ALLOCATION, data, END)
    what = data.get("programme") or alloc.kind_label(kind, lang)
    text = t(
        "alloc.saved", lang, code=data["household"], kind=what, season=alloc.season_label(row.season, lang)
    )
    return Reply(messages=[Msg(escape(text))])


def on_alloc_override(turn: Turn) -> Reply:
    data = drafting.waiting(turn, flows.ALLOCATION, button=Action.ALLOC_OVERRIDE.value)
    if data is None:
        return Reply(notice=t("need.no_draft", turn.lang))
    drafting.go(turn, flows.ALLOCATION, data, "reason")
    return Reply(messages=[Msg(escape(t("alloc.reason", turn.lang)))])


def on_allocs_command(turn: Turn) -> Reply:
    season = turn.args[0] if turn.args and alloc.valid_season(turn.args[0]) else None
    try:
        lines_ = network.allocation_list(turn.session, actor(turn), season=season)
    except Denied:
        return Reply(messages=[Msg(t("denied", turn.lang))])
    if not lines_:
        return Reply(messages=[Msg(escape(t("alloc.none", turn.lang)))])
    out = [t("alloc.head", turn.lang, n=len(lines_))]
    for a in lines_:
        what = a.programme or alloc.kind_label(a.kind, turn.lang)
        amount = f" {a.amount:,}원" if a.amount else ""
        mark = "⚠ " if a.duplicate else ""
        where = a.organisation or "-"
        out.append(escape(f"{mark}{a.given_on:%Y-%m-%d} {a.household_code or '-'} {what}{amount} · {where}"))
    return Reply(messages=[Msg(part) for part in split("\n".join(out))])


# --- case meetings -----------------------------------------------------------------------------------


def _meeting_day(turn: Turn) -> dt.date:
    settings = turn.services.settings
    return needs_service.meeting_day(
        dt.datetime.now(KST).date(), settings.meeting_nth, settings.meeting_weekday
    )


def on_meeting(turn: Turn) -> Reply:
    assert turn.callback is not None
    need_id, what = turn.callback.int_arg(0), turn.callback.args[1]
    day = _meeting_day(turn)
    try:
        if what == "decide":
            detail = needs_service.need_detail(turn.session, actor(turn), need_id)
            pending = [m for m in detail.meetings if m.decision is None]
            if not pending:
                return Reply(notice=t("bad_button", turn.lang))
            on = pending[-1].meeting_on
            drafting.begin(turn, flows.DECISION, {"need_id": need_id, "on": on.isoformat()})
            return Reply(messages=[Msg(escape(t("meeting.decision_prompt", turn.lang, date=on.isoformat())))])
        added = needs_service.mark_for_meeting(turn.session, actor(turn), need_id, day)
    except SERVICE_ERRORS as exc:
        return _err(turn, exc)
    key = "meeting.marked" if added else "meeting.already"
    return Reply(messages=[Msg(escape(t(key, turn.lang, id=need_id, date=day.isoformat())))])


def on_meeting_command(turn: Turn) -> Reply:
    """/meeting: the next meeting's agenda; /meeting export: the same as a CSV file for print."""
    day = _meeting_day(turn)
    if turn.args and len(turn.args[-1]) == 10:
        with contextlib.suppress(ValueError):
            day = dt.date.fromisoformat(turn.args[-1])
    try:
        items = needs_service.agenda(turn.session, actor(turn), day, dt.datetime.now(KST).date())
    except Denied:
        return Reply(messages=[Msg(t("denied", turn.lang))])
    if not items:
        return Reply(messages=[Msg(escape(t("meeting.none", turn.lang, date=day.isoformat())))])
    text = agenda_text(day, items, turn.lang)
    if turn.args and turn.args[0] == "export":
        caption = t("meeting.export_caption", turn.lang, date=day.isoformat())
        return Reply(document=(f"agenda-{day:%Y%m%d}.txt", text.encode("utf-8-sig"), caption))
    rows = [
        [(f"#{i.need_id}", build(Action.NEED_CARD, i.need_id)) for i in items[j : j + 4]]
        for j in range(0, len(items[:20]), 4)
    ]
    parts = split(text)
    messages = [Msg(escape(p)) for p in parts]
    messages[-1].keyboard = rows
    return Reply(messages=messages)


# --- call-back through the bot ----------------------------------------------------------------------


def on_relay(turn: Turn) -> Reply:
    assert turn.callback is not None
    need_id, what = turn.callback.int_arg(0), turn.callback.args[1]
    if what == "write":
        detail = None
        with contextlib.suppress(*SERVICE_ERRORS):
            detail = needs_service.need_detail(turn.session, actor(turn), need_id)
        from casework.scope import Act

        if detail is None or Act.MESSAGE not in detail.acts:
            return Reply(notice=t("need.not_yours", turn.lang))
        drafting.begin(turn, flows.RELAY_OUT, {"need_id": need_id})
        return Reply(messages=[Msg(t("relay.prompt", turn.lang))])
    if what == "reply":
        drafting.begin(turn, flows.RELAY_IN, {"need_id": need_id})
        return Reply(messages=[Msg(t("relay.reply_prompt", turn.lang))])
    return Reply(notice=t("bad_button", turn.lang))


def _relay_out(turn: Turn, need_id: int, text: str) -> Reply:
    try:
        delivery = needs_service.message_resident(turn.session, actor(turn), need_id, text)
    except SERVICE_ERRORS as exc:
        return _err(turn, exc)
    except ValueError as exc:
        return Reply(messages=[Msg(escape(t("need.illegal", turn.lang, why=str(exc))))])
    need = needs_service.need_detail(turn.session, actor(turn), need_id).need
    centre = turn.session.get(Organisation, need.centre_id) if need.centre_id else None
    masked = district.relay_messages(turn.session, need_id)[-1].text or ""
    body = t(
        "relay.to_resident", delivery.language, centre=centre.name if centre else "", id=need_id, text=masked
    )
    rows = [[(t("relay.reply", delivery.language), build(Action.RELAY, need_id, "reply"))]]
    return Reply(
        messages=[Msg(escape(t("relay.sent", turn.lang)))],
        notify=[(delivery.telegram_id, Msg(escape(body), rows))],
    )


def _relay_in(turn: Turn, need_id: int, text: str) -> Reply:
    try:
        delivery = needs_service.resident_reply(turn.session, turn.user, need_id, text)
    except SERVICE_ERRORS as exc:
        return _err(turn, exc)
    except ValueError as exc:
        return Reply(messages=[Msg(escape(t("need.illegal", turn.lang, why=str(exc))))])
    reply = Reply(messages=[Msg(escape(t("relay.replied", turn.lang)))])
    if delivery is not None:
        masked = district.relay_messages(turn.session, need_id)[-1].text or ""
        body = t("relay.to_assignee", delivery.language, id=need_id, text=masked)
        reply.notify = [
            (delivery.telegram_id, Msg(escape(body), [[(f"#{need_id}", build(Action.NEED_CARD, need_id))]]))
        ]
    return reply


# --- crisis reports ---------------------------------------------------------------------------------


def on_report_command(turn: Turn) -> Reply:
    if actor(turn).centre_id is None:
        return Reply(messages=[Msg(escape(t("report.not_allowed", turn.lang)))])
    drafting.begin(turn, flows.CRISIS_REPORT, {"signs": []}, "where")
    return Reply(messages=[Msg(escape(t("report.where", turn.lang)))])


def _signs_keyboard(turn: Turn, chosen: list[str]) -> Keyboard:
    rows: Keyboard = [
        [
            (
                ("✅ " if s.value in chosen else "▫️ ") + crisis.sign_label(s, turn.lang),
                build(Action.REPORT_SIGN, s.value),
            )
        ]
        for s in crisis.CrisisSign
    ]
    rows.append([(t("multi.done", turn.lang), build(Action.REPORT_SIGN, "done"))])
    return rows


def on_report_sign(turn: Turn) -> Reply:
    assert turn.callback is not None
    data = drafting.waiting(turn, flows.CRISIS_REPORT, button=Action.REPORT_SIGN.value)
    if data is None:
        return Reply(notice=t("need.no_draft", turn.lang))
    value = turn.callback.args[0]
    if value == "done":
        drafting.go(turn, flows.CRISIS_REPORT, data, "urgency")
        rows = [[(label(u, turn.lang), build(Action.REPORT_URGENCY, u.value)) for u in Urgency]]
        return Reply(edit=Msg(escape(t("report.urgency", turn.lang)), rows))
    if value not in {s.value for s in crisis.CrisisSign}:
        return Reply(notice=t("bad_button", turn.lang))
    chosen = list(data.get("signs", []))
    chosen = [c for c in chosen if c != value] if value in chosen else [*chosen, value]
    drafting.go(turn, flows.CRISIS_REPORT, {**data, "signs": chosen}, "signs")
    return Reply(edit=Msg(escape(t("report.signs", turn.lang)), _signs_keyboard(turn, chosen)))


def on_report_urgency(turn: Turn) -> Reply:
    assert turn.callback is not None
    data = drafting.waiting(turn, flows.CRISIS_REPORT, button=Action.REPORT_URGENCY.value)
    if data is None:
        return Reply(notice=t("need.no_draft", turn.lang))
    try:
        urgency = Urgency(turn.callback.args[0])
    except ValueError:
        return Reply(notice=t("bad_button", turn.lang))
    try:
        need, told = network.report_crisis(
            turn.session,
            actor(turn),
            where=data["where"],
            signs=[crisis.CrisisSign(s) for s in data.get("signs", [])],
            urgency=urgency,
            note=None,
            timeframes=turn.services.settings.casework().timeframes,
        )
    except SERVICE_ERRORS as exc:
        return _err(turn, exc)
    drafting.go(turn, flows.CRISIS_REPORT, data, END)
    notify = [
        (
            u.telegram_id,
            Msg(
                escape(t("report.alert", u.language, id=need.id)),
                [[(f"#{need.id}", build(Action.NEED_CARD, need.id))]],
            ),
        )
        for u in told
    ]
    return Reply(edit=Msg(escape(t("report.saved", turn.lang, id=need.id))), notify=notify)


def on_myreports_command(turn: Turn) -> Reply:
    found = network.my_reports(turn.session, actor(turn))
    if not found:
        return Reply(messages=[Msg(escape(t("report.none", turn.lang)))])
    lines = [t("report.mine", turn.lang)]
    lines += [
        escape(f"#{i} {at.astimezone(KST):%Y-%m-%d} · {t('report.' + p.value, turn.lang)}")
        for i, at, p in found
    ]
    return Reply(messages=[Msg("\n".join(lines))])


# --- typed input for the drafts above ---------------------------------------------------------------


def on_draft_text(turn: Turn, text: str) -> Reply | None:
    """Typed text a network draft waits for (casework.flows); None when it waits for nothing typed."""
    found = drafting.current(turn)
    if found is None or found[0] not in TEXT_FLOWS or not found[0].waits(found[1].get("step"), text=True):
        return None
    kind, data = found
    step = data.get("step")
    if kind is flows.CRISIS_REPORT:
        where = text.strip()
        if crisis.looks_like_address(where) or not where or len(where) > crisis.MAX_WHERE:
            reason = "address" if crisis.looks_like_address(where) else "where_length"
            return Reply(messages=[Msg(escape(t(f"refused.{reason}", turn.lang)))])
        drafting.go(turn, kind, {**data, "where": where}, "signs")
        return Reply(messages=[Msg(escape(t("report.signs", turn.lang)), _signs_keyboard(turn, []))])
    if kind is flows.ALLOCATION:
        if step == "reason":
            return _record(turn, data, text)
        digits = text.replace(",", "").replace("원", "").strip()
        if not digits.isdigit() or len(digits) > 10:
            return Reply(messages=[Msg(escape(t("alloc.bad_amount", turn.lang)))])
        return _record(turn, {**data, "amount": int(digits) or None}, None)
    drafting.go(turn, kind, data, END)
    if kind is flows.PARTNER_REPORT:
        to = ReferralStatus.COMPLETED if data.get("what") == "done" else None
        return _respond(turn, int(data.get("referral_id", 0)), to, text)
    need_id = int(data.get("need_id", 0))
    if kind is flows.DECISION:
        try:
            needs_service.record_decision(
                turn.session, actor(turn), need_id, dt.date.fromisoformat(data["on"]), text
            )
        except SERVICE_ERRORS as exc:
            return _err(turn, exc)
        return Reply(messages=[show(turn, need_id)])
    if kind is flows.RELAY_OUT:
        return _relay_out(turn, need_id, text)
    return _relay_in(turn, need_id, text)


# --- set-up: organisations, people, hand-over, linking a report -----------------------------------


def on_org_command(turn: Turn) -> Reply:
    args, lang = turn.args, turn.lang
    try:
        if args and args[0] == "add" and len(args) >= 4:
            kinds = {"centre": OrgKind.CENTRE, "hq": OrgKind.HEADQUARTERS, "partner": OrgKind.PARTNER}
            if args[1] not in kinds:
                return Reply(messages=[Msg(escape(t("org.usage", lang)))])
            org = network.add_organisation(
                turn.session, actor(turn), kinds[args[1]], args[2], " ".join(args[3:])
            )
            return Reply(messages=[Msg(escape(t("org.added", lang, code=org.code, name=org.name)))])
        if args and args[0] == "review" and len(args) == 3:
            org = network.set_review(turn.session, actor(turn), args[1], args[2] == "on")
            return Reply(messages=[Msg(escape(t("org.review", lang, code=org.code, state=args[2])))])
    except ValueError as exc:
        return Reply(messages=[Msg(escape(str(exc)))])
    except SERVICE_ERRORS as exc:
        return _err(turn, exc)
    if args and args[0] == "list":
        lines = [t("org.head", lang)]
        for org in district.organisations(turn.session):
            review = " · 검토" if org.review_required else ""
            people = len(district.members(turn.session, org.id))
            lines.append(escape(f"{org.code} · {kind_label(org.kind, lang)} · {org.name} · {people}{review}"))
        return Reply(messages=[Msg("\n".join(lines))])
    return Reply(messages=[Msg(escape(t("org.usage", lang)))])


def on_move_command(turn: Turn) -> Reply:
    args = turn.args
    if len(args) < 2 or not args[0].lstrip("#").isdigit():
        return Reply(messages=[Msg(escape(t("move.usage", turn.lang)))])
    user = turn.session.get(User, int(args[0].lstrip("#")))
    role = Role(args[2]) if len(args) > 2 and args[2] in {r.value for r in Role} else None
    if user is None:
        return Reply(messages=[Msg(escape(t("not_found", turn.lang)))])
    try:
        network.move_user(turn.session, actor(turn), user, args[1], role)
    except SERVICE_ERRORS as exc:
        return _err(turn, exc)
    text = t("move.done", turn.lang, id=user.id, org=args[1], role=role_label(user.role, turn.lang))
    return Reply(messages=[Msg(escape(text))])


def on_handover_command(turn: Turn) -> Reply:
    args = turn.args
    if len(args) < 2 or not args[1].lstrip("#").isdigit():
        return Reply(messages=[Msg(escape(t("handover.usage", turn.lang)))])
    try:
        household = network.hand_over(
            turn.session, actor(turn), args[0], int(args[1].lstrip("#")), " ".join(args[2:]) or None
        )
    except SERVICE_ERRORS as exc:
        return _err(turn, exc)
    return Reply(
        messages=[Msg(escape(t("handover.done", turn.lang, code=household.code, id=args[1].lstrip("#"))))]
    )


def on_link_command(turn: Turn) -> Reply:
    args = turn.args
    if len(args) != 2 or not args[0].lstrip("#").isdigit():
        return Reply(messages=[Msg(escape(t("link.usage", turn.lang)))])
    try:
        need = needs_service.link_household(turn.session, actor(turn), int(args[0].lstrip("#")), args[1])
    except SERVICE_ERRORS as exc:
        return _err(turn, exc)
    assert need.household is not None
    return Reply(messages=[Msg(escape(t("link.done", turn.lang, id=need.id, code=need.household.code)))])


ACTION_HANDLERS = {
    Action.REFER: on_refer,
    Action.REFER_STAFF_CONSENT: on_refer_staff_consent,
    Action.REFER_RESIDENT: on_refer_resident,
    Action.PARTNER: on_partner,
    Action.MEETING: on_meeting,
    Action.RELAY: on_relay,
    Action.ALLOC_KIND: on_alloc_kind,
    Action.ALLOC_OVERRIDE: on_alloc_override,
    Action.REPORT_SIGN: on_report_sign,
    Action.REPORT_URGENCY: on_report_urgency,
}

__all__ = ["NeedStatus"]
