"""Following needs up: the list with filters and paging, a need's card and history, assigning, status
changes with notes, the head's review, statistics and export. What each caller sees and may do comes
from the one policy (casework.scope) through the services."""

from __future__ import annotations

import datetime as dt
import tempfile
from html import escape
from pathlib import Path

from app import slow
from casework import flows
from casework.chart import render_chart
from casework.flows import END
from casework.model import NeedStatus, Urgency, label
from casework.referral import referral_label
from casework.scope import Act, View, may_export, stats_scope
from casework.stats import format_stats
from casework.workflow import needs_note
from handlers import drafting
from handlers.callbacks import Action, build
from handlers.common import actor, limit_text, refused, too_long
from handlers.groups import COORDINATORS
from handlers.guard import may
from handlers.needs import KST, local_date
from handlers.render import Keyboard, Msg, split
from handlers.route import Reply, Turn
from handlers.texts import t
from services import needs as needs_service
from services import reports
from services.errors import Denied, NotFound, Refused
from services.needs import NeedDetail, NeedSummary
from storage import reminders as reminders_repo
from storage.models_reminders import OutcomeStatus

PAGE = 8
FILTERS = ("open", "unassigned", "overdue", "urgent", "mine", "review", "reports", "closed")
URGENCY_MARK = {Urgency.URGENT: "🔴", Urgency.NORMAL: "🟡", Urgency.LOW: "⚪"}
# The drafts a need's card starts: one typed text each (casework.flows).
TEXT_FLOWS = (flows.NEED_NOTE, flows.NEED_STATUS, flows.EXPORT, flows.NEED_REVIEW)
SERVICE_ERRORS = (Denied, NotFound, Refused)


def needs_page(turn: Turn, name: str, offset: int) -> Msg:
    page = needs_service.list_needs(
        turn.session, actor(turn), needs_service.PRESETS[name], offset, PAGE, log_view=f"filter={name}"
    )
    head = "needs.head_estimated" if page.estimated else "needs.head"
    lines = [t(head, turn.lang, filter=t(f"needs.f.{name}", turn.lang), total=page.total)]
    if not page.items:
        lines.append(t("needs.empty", turn.lang))
    rows: Keyboard = [[(_summary(turn, n), build(Action.NEED_CARD, n.id))] for n in page.items]
    paging = []
    if offset > 0:
        paging.append((t("needs.prev", turn.lang), build(Action.NEEDS_LIST, name, max(offset - PAGE, 0))))
    if page.more:
        paging.append((t("needs.more", turn.lang), build(Action.NEEDS_LIST, name, offset + PAGE)))
    if paging:
        rows.append(paging)
    for chunk in (FILTERS[:4], FILTERS[4:]):
        rows.append([(t(f"needs.f.{f}", turn.lang), build(Action.NEEDS_LIST, f, 0)) for f in chunk])
    return Msg("\n".join(lines), rows)


def _summary(turn: Turn, need: NeedSummary) -> str:
    who = need.household_code or (
        t("need.resident", turn.lang) if need.by_resident else t("needs.f.reports", turn.lang)
    )
    late = " ⏰" if need.overdue else ""
    return (
        f"{URGENCY_MARK[need.urgency]} #{need.id} {who} · {label(need.category, turn.lang)} · "
        f"{label(need.status, turn.lang)} · {local_date(need.due_at)}{late}"
    )


def on_needs_command(turn: Turn) -> Reply:
    name = turn.args[0] if turn.args and turn.args[0] in FILTERS else "open"
    return Reply(messages=[needs_page(turn, name, 0)])


def on_review_command(turn: Turn) -> Reply:
    return Reply(messages=[needs_page(turn, "review", 0)])


def on_needs_list(turn: Turn) -> Reply:
    assert turn.callback is not None
    name = turn.callback.args[0]
    if name not in FILTERS:
        return Reply(notice=t("bad_button", turn.lang))
    return Reply(edit=needs_page(turn, name, min(max(turn.callback.int_arg(1), 0), 10**6)))


def card(turn: Turn, detail: NeedDetail) -> Msg:
    """A need as this caller may see it, with the buttons for what they may do to it."""
    lang, need = turn.lang, detail.need
    now = dt.datetime.now(dt.UTC)
    lines = [
        t(
            "need.card",
            lang,
            id=need.id,
            category=escape(label(need.category, lang)),
            urgency=escape(label(need.urgency, lang)),
        ),
        escape(t("need.status", lang, status=label(need.status, lang))),
    ]
    if detail.view == View.REFERRED:
        for referral in detail.referrals:
            lines.append(escape(f"{referral.partner}: {referral_label(referral.status, lang)}"))  # type: ignore[arg-type]
            lines += [escape(f"{key}: {value}") for key, value in referral.shared.items()]
        return Msg("\n".join(lines))
    overdue = need.status in needs_service.ACTIVE and need.due_at < now
    who = detail.household_code or t("need.resident", lang)
    assignee = f"#{need.assignee_id}" if need.assignee_id else t("need.nobody", lang)
    names = ", ".join(
        turn.manual.programs[p].name.get(lang) for p in need.programs if p in turn.manual.programs
    )
    lines += [
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
    if need.reported_by_id is not None:
        lines.append(escape(t("need.report_source", lang)))
    if names:
        lines.append(escape(t("need.programs", lang, names=names)))
    if need.callback_window:
        lines.append(escape(t("need.callback_window", lang, window=need.callback_window)))
    if detail.relay_open:
        lines.append(escape(t("need.relay_ok", lang)))
    if detail.referrals:
        items = "; ".join(f"{r.partner} {referral_label(r.status, lang)}" for r in detail.referrals)  # type: ignore[arg-type]
        lines.append(escape(t("need.referrals", lang, items=items)))
    if detail.meetings:
        items = "; ".join(
            f"{m.meeting_on:%m-%d}" + (f" {m.decision}" if m.decision else "") for m in detail.meetings
        )
        lines.append(escape(t("need.meetings", lang, items=items)))
    if need.description:
        lines += ["", escape(need.description)]
    lines += ["", t("need.history", lang)]
    # The newest entries matter most; an older history stays on the desk. Long notes are shown whole:
    # sending splits the card under Telegram's limit, the buttons under its last part.
    for event in detail.history[-15:]:
        change = (
            f"{label(event.from_status, lang) if event.from_status else ''} → {label(event.to_status, lang)}"
            if event.to_status
            else label(event.kind, lang)
        )
        note = f" — {event.note}" if event.note else ""
        lines.append(
            escape(f"{event.at.astimezone(KST):%m-%d %H:%M} #{event.actor_id or '-'} {change}{note}")
        )
    acts = detail.acts
    rows: Keyboard = []
    if Act.REVIEW in acts and need.status == NeedStatus.REVIEW:
        rows.append(
            [
                (t("need.review_ok", lang), build(Action.NEED_REVIEW, need.id, "ok")),
                (t("need.review_no", lang), build(Action.NEED_REVIEW, need.id, "no")),
            ]
        )
    targets = [
        (label(st, lang), build(Action.NEED_STATUS, need.id, st.value)) for st in detail.status_targets
    ]
    rows += [targets[i : i + 2] for i in range(0, len(targets), 2)]
    extra = []
    if Act.ASSIGN in acts and need.status in (NeedStatus.OPEN, NeedStatus.ASSIGNED, NeedStatus.IN_PROGRESS):
        extra.append((t("need.assign", lang), build(Action.NEED_ASSIGN, need.id, 0)))
    if Act.NOTE in acts:
        extra.append((t("need.note", lang), build(Action.NEED_NOTE, need.id)))
    if extra:
        rows.append(extra)
    more = []
    if Act.REFER in acts and need.status in (NeedStatus.ASSIGNED, NeedStatus.IN_PROGRESS):
        more.append((t("need.refer", lang), build(Action.REFER, need.id, 0, "x")))
    if Act.MEETING in acts:
        more.append((t("need.meeting", lang), build(Action.MEETING, need.id, "mark")))
        if detail.meetings and detail.meetings[-1].decision is None:
            more.append((t("need.decide", lang), build(Action.MEETING, need.id, "decide")))
    if Act.MESSAGE in acts and detail.relay_open and need.status in needs_service.ACTIVE:
        more.append((t("need.write", lang), build(Action.RELAY, need.id, "write")))
    if more:
        rows += [more[i : i + 2] for i in range(0, len(more), 2)]
    return Msg("\n".join(lines), rows)


def show(turn: Turn, need_id: int) -> Msg:
    return card(turn, needs_service.need_detail(turn.session, actor(turn), need_id))


def on_need_card(turn: Turn) -> Reply:
    assert turn.callback is not None
    try:
        return Reply(messages=[show(turn, turn.callback.int_arg(0))])
    except SERVICE_ERRORS:
        return Reply(notice=t("need.not_yours", turn.lang))


def on_assign(turn: Turn) -> Reply:
    assert turn.callback is not None
    need_id, user_id = turn.callback.int_arg(0), turn.callback.int_arg(1)
    try:
        if user_id == 0:
            people = needs_service.assignable(turn.session, actor(turn), need_id)
            rows = [[(f"#{u.id} ({u.role})", build(Action.NEED_ASSIGN, need_id, u.id))] for u in people[:20]]
            return Reply(messages=[Msg(t("need.assign_to", turn.lang), rows)])
        need, assignee = needs_service.assign(turn.session, actor(turn), need_id, user_id)
    except (Denied, NotFound):
        return Reply(notice=t("need.not_yours", turn.lang))
    except Refused as exc:
        return Reply(messages=[Msg(escape(refused(turn, exc)))])
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
    need_id = turn.callback.int_arg(0)
    try:
        to = NeedStatus(turn.callback.args[1])
        detail = needs_service.need_detail(turn.session, actor(turn), need_id)
    except ValueError:
        return Reply(notice=t("bad_button", turn.lang))
    except SERVICE_ERRORS:
        return Reply(notice=t("need.not_yours", turn.lang))
    if to not in detail.status_targets:
        return Reply(notice=t("need.illegal", turn.lang, why=label(to, turn.lang)))
    if needs_note(detail.need.status, to):
        drafting.begin(turn, flows.NEED_STATUS, {"need_id": need_id, "to": to.value})
        return Reply(messages=[Msg(t("need.status_note", turn.lang, limit=limit_text()))])
    return _change(turn, need_id, to, None)


def _change(turn: Turn, need_id: int, to: NeedStatus, note: str | None) -> Reply:
    try:
        need = needs_service.change_status(turn.session, actor(turn), need_id, to, note)
    except SERVICE_ERRORS as exc:
        return Reply(messages=[Msg(escape(refused(turn, exc)))])
    return Reply(
        messages=[
            Msg(escape(t("need.changed", turn.lang, id=need.id, status=label(to, turn.lang)))),
            show(turn, need_id),
        ]
    )


def on_review(turn: Turn) -> Reply:
    assert turn.callback is not None
    need_id, answer = turn.callback.int_arg(0), turn.callback.args[1]
    if answer == "no":
        drafting.begin(turn, flows.NEED_REVIEW, {"need_id": need_id})
        return Reply(messages=[Msg(t("need.review_reason", turn.lang))])
    return _review(turn, need_id, True, None)


def _review(turn: Turn, need_id: int, approve: bool, note: str | None) -> Reply:
    try:
        need = needs_service.review(turn.session, actor(turn), need_id, approve, note)
    except SERVICE_ERRORS as exc:
        return Reply(messages=[Msg(escape(refused(turn, exc)))])
    text = t("need.reviewed", turn.lang, id=need.id, status=label(need.status, turn.lang))
    return Reply(messages=[Msg(escape(text))])


def on_note(turn: Turn) -> Reply:
    assert turn.callback is not None
    need_id = turn.callback.int_arg(0)
    try:
        detail = needs_service.need_detail(turn.session, actor(turn), need_id)
    except SERVICE_ERRORS:
        return Reply(notice=t("need.not_yours", turn.lang))
    if Act.NOTE not in detail.acts:
        return Reply(notice=t("need.not_yours", turn.lang))
    drafting.begin(turn, flows.NEED_NOTE, {"need_id": need_id})
    return Reply(messages=[Msg(t("need.note_prompt", turn.lang, limit=limit_text()))])


def on_draft_text(turn: Turn, text: str) -> Reply | None:
    """A typed note, status reason, review reason or export reason; None when no such draft.

    The caller's role and the need are checked again here, when the text arrives: a role revoked
    since the button was pressed ends the draft.
    """
    found = drafting.current(turn)
    if found is None or found[0] not in TEXT_FLOWS:
        return None
    longer = too_long(turn, text)
    if longer is not None:
        return longer  # the draft waits for a shorter text
    flow, data = found
    drafting.go(turn, flow, data, END)
    text = turn.mask(text).text
    if flow is flows.EXPORT:
        if not may(turn.role, COORDINATORS):
            return Reply(messages=[Msg(t("denied", turn.lang))])
        return _export(turn, str(data.get("format", "csv")), text)
    need_id = int(data.get("need_id", 0))
    if flow is flows.NEED_REVIEW:
        return _review(turn, need_id, False, text)
    if flow is flows.NEED_NOTE:
        try:
            needs_service.add_note(turn.session, actor(turn), need_id, text)
        except SERVICE_ERRORS as exc:
            return Reply(messages=[Msg(escape(refused(turn, exc)))])
        except ValueError as exc:
            return Reply(messages=[Msg(escape(t("need.illegal", turn.lang, why=str(exc))))])
        return Reply(messages=[show(turn, need_id)])
    return _change(turn, need_id, NeedStatus(data["to"]), text)


def on_stats_command(turn: Turn) -> Reply:
    """The figures are aggregated in SQL and the chart drawn in a worker thread, after this returns."""
    services, who, lang = turn.services, actor(turn), turn.lang
    if stats_scope(who) is None:  # the policy, answered at once; the figures come from the thread
        return Reply(messages=[Msg(t("denied", lang))])
    district_wide = may(turn.role, COORDINATORS)

    def later() -> Reply:
        today = dt.datetime.now(KST).date()
        with services.db.session() as s:
            stats = reports.statistics(s, who, today)
            outcomes = reminders_repo.outcome_counts(s) if district_wide else None
        caption = t("stats.caption", lang, date=today.isoformat())
        text = format_stats(stats, lang)
        if outcomes is not None:  # follow-ups: how applications went (district-wide counts only)
            text += "\n" + t(
                "stats.outcomes", lang, **{k.value: outcomes.get(k.value, 0) for k in OutcomeStatus}
            )
        return Reply(
            messages=[Msg(escape(part)) for part in split(text)],
            # Drawing holds the GIL for about a second: in a process of its own, residents never wait.
            photo=(slow.in_process(render_chart, stats, lang), caption),
        )

    return Reply(later=later)


def on_export_command(turn: Turn) -> Reply:
    fmt = turn.args[0].lower() if turn.args else ""
    if fmt not in ("csv", "xlsx"):
        return Reply(messages=[Msg(escape(t("export.usage", turn.lang)))])
    drafting.begin(turn, flows.EXPORT, {"format": fmt})
    return Reply(messages=[Msg(t("export.reason", turn.lang, limit=limit_text()))])


def _export(turn: Turn, fmt: str, reason: str) -> Reply:
    """Streamed to a temporary file in a worker thread; the file is sent, then deleted."""
    services, who, lang = turn.services, actor(turn), turn.lang
    if not reason.strip():
        return Reply(messages=[Msg(t("export.reason", lang, limit=limit_text()))])

    if not may_export(who):
        return Reply(messages=[Msg(t("denied", lang))])
    url = services.db.url.render_as_string(hide_password=False)

    def later() -> Reply:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"needs-{dt.datetime.now(KST):%Y%m%d}.{fmt}"
            rows = reports.export_elsewhere(url, who, fmt, path, reason, lang)
            content = path.read_bytes()
        return Reply(document=(path.name, content, t("export.caption", lang, n=rows)))

    return Reply(later=later)


ACTION_HANDLERS = {
    Action.NEEDS_LIST: on_needs_list,
    Action.NEED_CARD: on_need_card,
    Action.NEED_ASSIGN: on_assign,
    Action.NEED_STATUS: on_status,
    Action.NEED_NOTE: on_note,
    Action.NEED_REVIEW: on_review,
}
