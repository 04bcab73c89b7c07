"""Following needs up: the list with filters and paging, a need's card and history, assigning,
status changes with notes, statistics and export. Coordinators see everything (and every view is
written to the access log); staff see the needs assigned to them or logged by them."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from casework.chart import render_chart
from casework.export import export_csv, export_xlsx
from casework.model import ACTIVE_STATUSES, CLOSED_STATUSES, AccessAction, NeedStatus, Urgency, label
from casework.stats import compute_stats, format_stats
from casework.workflow import IllegalTransition, allowed_targets, needs_note
from handlers.access import need_visible
from handlers.callbacks import Action, build
from handlers.common import limit_text, too_long
from handlers.guard import COORDINATORS, may
from handlers.needs import KST, local_date
from handlers.render import Keyboard, Msg
from handlers.route import Reply, Turn
from handlers.texts import t
from storage import drafts, repo
from storage import needs as needs_repo
from storage.models import Role
from storage.models_needs import Need

PAGE = 8
FILTERS = ("open", "unassigned", "overdue", "urgent", "mine", "closed")
URGENCY_MARK = {Urgency.URGENT: "🔴", Urgency.NORMAL: "🟡", Urgency.LOW: "⚪"}
NOTE_DRAFT, STATUS_DRAFT, EXPORT_DRAFT = "need_note", "need_status", "export"


def _filter_args(turn: Turn, name: str) -> dict[str, Any]:
    active = [NeedStatus.OPEN, NeedStatus.ASSIGNED, NeedStatus.IN_PROGRESS]
    mine = {"assignee_id": turn.user.id}
    base: dict[str, Any] = {} if may(turn.role, COORDINATORS) else mine
    chosen: dict[str, dict[str, Any]] = {
        "open": {"status": active},
        "unassigned": {"status": active, "unassigned": True},
        "overdue": {"overdue": True},
        "urgent": {"status": active, "urgency": Urgency.URGENT},
        "mine": {"status": active, **mine},
        "closed": {"status": [NeedStatus.REFERRED, NeedStatus.RESOLVED, NeedStatus.CLOSED_UNRESOLVED]},
    }
    return base | chosen[name]


def needs_page(turn: Turn, name: str, offset: int) -> Msg:
    found, total = needs_repo.list_needs(
        turn.session, **_filter_args(turn, name), offset=offset, limit=PAGE, order="due"
    )
    if may(turn.role, COORDINATORS):
        needs_repo.record_access(turn.session, turn.user, AccessAction.VIEW_NEEDS, f"filter={name}")
    lines = [t("needs.head", turn.lang, filter=t(f"needs.f.{name}", turn.lang), total=total)]
    if not found:
        lines.append(t("needs.empty", turn.lang))
    rows: Keyboard = [[(_summary(turn, n), build(Action.NEED_CARD, n.id))] for n in found]
    paging = []
    if offset > 0:
        paging.append((t("needs.prev", turn.lang), build(Action.NEEDS_LIST, name, max(offset - PAGE, 0))))
    if offset + PAGE < total:
        paging.append((t("needs.more", turn.lang), build(Action.NEEDS_LIST, name, offset + PAGE)))
    if paging:
        rows.append(paging)
    rows.append([(t(f"needs.f.{f}", turn.lang), build(Action.NEEDS_LIST, f, 0)) for f in FILTERS[:3]])
    rows.append([(t(f"needs.f.{f}", turn.lang), build(Action.NEEDS_LIST, f, 0)) for f in FILTERS[3:]])
    return Msg("\n".join(lines), rows)


def _summary(turn: Turn, need: Need) -> str:
    who = need.household.code if need.household else t("need.resident", turn.lang)
    return (
        f"{URGENCY_MARK[need.urgency]} #{need.id} {who} · {label(need.category, turn.lang)} · "
        f"{label(need.status, turn.lang)} · {local_date(need.due_at)}"
    )


def on_needs_command(turn: Turn) -> Reply:
    name = turn.args[0] if turn.args and turn.args[0] in FILTERS else "open"
    return Reply(messages=[needs_page(turn, name, 0)])


def on_needs_list(turn: Turn) -> Reply:
    assert turn.callback is not None
    name = turn.callback.args[0]
    if name not in FILTERS:
        return Reply(notice=t("bad_button", turn.lang))
    return Reply(edit=needs_page(turn, name, max(turn.callback.int_arg(1), 0)))


def _visible(turn: Turn, need: Need | None) -> Need | None:
    """The need, if this caller may see it now: coordinators all, staff theirs (casework.access).
    Never trust the id alone."""
    return need_visible(turn, need)


def card(turn: Turn, need: Need) -> Msg:
    lang = turn.lang
    now = dt.datetime.now(dt.UTC)
    overdue = need.status in ACTIVE_STATUSES and need.due_at < now
    who = need.household.code if need.household else t("need.resident", lang)
    assignee = f"#{need.assignee_id}" if need.assignee_id else t("need.nobody", lang)
    names = ", ".join(
        turn.manual.programs[p].name.get(lang) for p in need.programs if p in turn.manual.programs
    )
    lines = [
        t(
            "need.card",
            lang,
            id=need.id,
            category=escape(label(need.category, lang)),
            urgency=escape(label(need.urgency, lang)),
        ),
        escape(t("need.status", lang, status=label(need.status, lang))),
        escape(t("need.who", lang, who=who)),
        escape(
            t(
                "need.due",
                lang,
                due=local_date(need.due_at),
                overdue=t("need.overdue", lang) if overdue else "",
            )
        ),
        escape(t("need.assignee", lang, who=assignee)),
    ]
    if names:
        lines.append(escape(t("need.programs", lang, names=names)))
    if need.callback_window:
        lines.append(escape(t("need.callback_window", lang, window=need.callback_window)))
    if need.description:
        lines += ["", escape(need.description)]
    lines += ["", t("need.history", lang)]
    for event in needs_repo.need_history(turn.session, need.id):
        change = (
            f"{label(event.from_status, lang) if event.from_status else ''} → {label(event.to_status, lang)}"
            if event.to_status
            else label(event.kind, lang)
        )
        note = f" — {event.note}" if event.note else ""
        lines.append(
            escape(f"{event.at.astimezone(KST):%m-%d %H:%M} #{event.actor_id or '-'} {change}{note}")
        )
    rows: Keyboard = []
    if need.anonymised_at is None:
        targets = [
            (label(st, lang), build(Action.NEED_STATUS, need.id, st.value))
            for st in allowed_targets(need.status)
            if st != NeedStatus.ASSIGNED
        ]
        rows += [targets[i : i + 2] for i in range(0, len(targets), 2)]
        extra = [(t("need.note", lang), build(Action.NEED_NOTE, need.id))]
        if may(turn.role, COORDINATORS):
            extra.insert(0, (t("need.assign", lang), build(Action.NEED_ASSIGN, need.id, 0)))
        rows.append(extra)
    return Msg("\n".join(lines), rows)


def on_need_card(turn: Turn) -> Reply:
    assert turn.callback is not None
    need = _visible(turn, needs_repo.get_need(turn.session, turn.callback.int_arg(0)))
    if need is None:
        return Reply(notice=t("need.not_yours", turn.lang))
    if may(turn.role, COORDINATORS):
        needs_repo.record_access(turn.session, turn.user, AccessAction.VIEW_NEED, f"need={need.id}")
    return Reply(messages=[card(turn, need)])


def on_assign(turn: Turn) -> Reply:
    assert turn.callback is not None
    need = _visible(turn, needs_repo.get_need(turn.session, turn.callback.int_arg(0)))
    if need is None or need.anonymised_at is not None:
        return Reply(notice=t("need.not_yours", turn.lang))
    if need.status in CLOSED_STATUSES:
        return Reply(notice=t("need.illegal", turn.lang, why=label(need.status, turn.lang)))
    staff = [
        u for u in repo.list_users(turn.session) if u.active and u.role in (Role.STAFF, Role.COORDINATOR)
    ]
    user_id = turn.callback.int_arg(1)
    if user_id == 0:
        rows = [[(f"#{u.id} ({u.role})", build(Action.NEED_ASSIGN, need.id, u.id))] for u in staff[:20]]
        return Reply(messages=[Msg(t("need.assign_to", turn.lang), rows)])
    assignee = next((u for u in staff if u.id == user_id), None)
    if assignee is None:
        return Reply(notice=t("bad_button", turn.lang))
    needs_repo.assign(turn.session, need, assignee, turn.user)
    alert = t(
        "need.assigned_you",
        assignee.language,
        id=need.id,
        category=label(need.category, assignee.language),
        urgency=label(need.urgency, assignee.language),
        due=local_date(need.due_at),
    )
    note = Msg(escape(alert), [[(f"#{need.id}", build(Action.NEED_CARD, need.id))]])
    return Reply(
        messages=[Msg(escape(t("need.assigned", turn.lang, id=need.id)))],
        notify=[(assignee.telegram_id, note)],
    )


def on_status(turn: Turn) -> Reply:
    assert turn.callback is not None
    need = _visible(turn, needs_repo.get_need(turn.session, turn.callback.int_arg(0)))
    if need is None or need.anonymised_at is not None:
        return Reply(notice=t("need.not_yours", turn.lang))
    try:
        to = NeedStatus(turn.callback.args[1])
    except ValueError:
        return Reply(notice=t("bad_button", turn.lang))
    if to not in allowed_targets(need.status) or to == NeedStatus.ASSIGNED:
        return Reply(notice=t("need.illegal", turn.lang, why=label(to, turn.lang)))
    if needs_note(need.status, to):
        drafts.set_draft(turn.session, turn.chat_id, STATUS_DRAFT, {"need_id": need.id, "to": to.value})
        return Reply(messages=[Msg(t("need.status_note", turn.lang, limit=limit_text()))])
    return _change(turn, need, to, None)


def _change(turn: Turn, need: Need, to: NeedStatus, note: str | None) -> Reply:
    try:
        needs_repo.change_status(turn.session, need, to, turn.user, note, override_role=turn.role)
    except (IllegalTransition, ValueError) as exc:
        return Reply(messages=[Msg(escape(t("need.illegal", turn.lang, why=str(exc))))])
    return Reply(
        messages=[
            Msg(escape(t("need.changed", turn.lang, id=need.id, status=label(to, turn.lang)))),
            card(turn, need),
        ]
    )


def on_note(turn: Turn) -> Reply:
    assert turn.callback is not None
    need = _visible(turn, needs_repo.get_need(turn.session, turn.callback.int_arg(0)))
    if need is None or need.anonymised_at is not None:
        return Reply(notice=t("need.not_yours", turn.lang))
    drafts.set_draft(turn.session, turn.chat_id, NOTE_DRAFT, {"need_id": need.id})
    return Reply(messages=[Msg(t("need.note_prompt", turn.lang, limit=limit_text()))])


def on_draft_text(turn: Turn, text: str) -> Reply | None:
    """A typed note, status reason or export reason; None when this chat has no such draft.

    The caller's role and the need are checked again here, when the text arrives: a role revoked
    since the button was pressed ends the draft.
    """
    ttl = dt.timedelta(hours=turn.services.settings.draft_ttl_hours)
    draft = drafts.get_draft(turn.session, turn.chat_id, ttl)
    if draft is None or draft.kind not in (NOTE_DRAFT, STATUS_DRAFT, EXPORT_DRAFT):
        return None
    longer = too_long(turn, text)
    if longer is not None:
        return longer  # the draft waits for a shorter text
    data = dict(draft.data)
    drafts.clear_draft(turn.session, turn.chat_id)
    text = turn.mask(text).text
    if draft.kind == EXPORT_DRAFT:
        if not may(turn.role, COORDINATORS):
            return Reply(messages=[Msg(t("denied", turn.lang))])
        return _export(turn, str(data.get("format", "csv")), text)
    need = _visible(turn, needs_repo.get_need(turn.session, int(data.get("need_id", 0))))
    if need is None:
        return Reply(messages=[Msg(t("need.not_yours", turn.lang))])
    if need.anonymised_at is not None:
        return Reply(messages=[Msg(t("need.anonymised", turn.lang))])
    if draft.kind == NOTE_DRAFT:
        needs_repo.add_note(turn.session, need, turn.user, text)
        return Reply(messages=[card(turn, need)])
    return _change(turn, need, NeedStatus(data["to"]), text)


def on_stats_command(turn: Turn) -> Reply:
    today = dt.datetime.now(KST).date()
    stats = compute_stats(needs_repo.stats_rows(turn.session), needs_repo.visits_rows(turn.session), today)
    needs_repo.record_access(turn.session, turn.user, AccessAction.VIEW_STATS, "stats")
    caption = t("stats.caption", turn.lang, date=today.isoformat())
    return Reply(
        messages=[Msg(escape(format_stats(stats, turn.lang)))],
        photo=(render_chart(stats, turn.lang), caption),
    )


def on_export_command(turn: Turn) -> Reply:
    fmt = turn.args[0].lower() if turn.args else ""
    if fmt not in ("csv", "xlsx"):
        return Reply(messages=[Msg(escape(t("export.usage", turn.lang)))])
    drafts.set_draft(turn.session, turn.chat_id, EXPORT_DRAFT, {"format": fmt})
    return Reply(messages=[Msg(t("export.reason", turn.lang, limit=limit_text()))])


def _export(turn: Turn, fmt: str, reason: str) -> Reply:
    rows = needs_repo.export_rows(turn.session)
    needs_repo.record_access(
        turn.session,
        turn.user,
        AccessAction.EXPORT,
        f"needs.{fmt}",
        reason=reason,
        detail=f"{len(rows)} rows",
    )
    content = export_xlsx(rows, turn.lang) if fmt == "xlsx" else export_csv(rows, turn.lang)
    name = f"needs-{dt.datetime.now(KST):%Y%m%d}.{fmt}"
    return Reply(document=(name, content, t("export.caption", turn.lang, n=len(rows))))


ACTION_HANDLERS = {
    Action.NEEDS_LIST: on_needs_list,
    Action.NEED_CARD: on_need_card,
    Action.NEED_ASSIGN: on_assign,
    Action.NEED_STATUS: on_status,
    Action.NEED_NOTE: on_note,
}
