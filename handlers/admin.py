"""Onboarding and privacy: invitations, the staff list, /mydata, /forget, recording visits."""

from __future__ import annotations

from html import escape

from casework.model import AccessAction, label
from casework.privacy import privacy_text
from handlers.callbacks import Action, build
from handlers.common import actor, refused
from handlers.render import Msg
from handlers.route import Reply, Turn
from handlers.texts import t
from knowledge.answers import answer_label, show_answer
from services import needs as needs_service
from services import network
from services.errors import Denied, NotFound, Refused
from storage import needs as needs_repo
from storage import repo
from storage.models import Role
from storage.models_district import Organisation

INVITE_HOURS = 72
INVITABLE = {
    "staff": Role.STAFF,
    "head": Role.HEAD,
    "coordinator": Role.COORDINATOR,
    "admin": Role.ADMIN,
    "partner": Role.PARTNER,
    "reporter": Role.REPORTER,
}


def on_invite_command(turn: Turn) -> Reply:
    """/invite ROLE [ORGCODE]: staff and heads into a centre, partner users into a partner, reporters
    into the centre that invites them."""
    role = INVITABLE.get(turn.args[0].lower()) if turn.args else None
    if role is None:
        return Reply(messages=[Msg(escape(t("invite.usage", turn.lang)))])
    org = turn.args[1] if len(turn.args) > 1 else None
    who = actor(turn)
    if org is None and role == Role.REPORTER and who.centre_id is not None:
        found = turn.session.get(Organisation, who.centre_id)
        org = found.code if found is not None else None
    try:
        token = network.invite(turn.session, who, role, org, hours=INVITE_HOURS)
    except (Denied, NotFound, Refused) as exc:
        return Reply(
            messages=[
                Msg(escape(refused(turn, exc) if not isinstance(exc, Denied) else t("denied", turn.lang)))
            ]
        )
    needs_repo.record_access(turn.session, turn.user, AccessAction.INVITE, f"role:{role.value}")
    link = f"https://t.me/{turn.bot_username}?start=inv_{token}"
    return Reply(
        messages=[Msg(escape(t("invite.link", turn.lang, role=role.value, hours=INVITE_HOURS, link=link)))]
    )


def redeem(turn: Turn, token: str) -> Reply:
    try:
        role = needs_repo.redeem_invitation(turn.session, token, turn.user)
    except needs_repo.InvitationError as exc:
        return Reply(messages=[Msg(escape(t("invite.bad", turn.lang, why=exc.reason)))])
    return Reply(messages=[Msg(escape(t("invite.ok", turn.lang, role=role.value)))])


def on_staff_command(turn: Turn) -> Reply:
    lines = [t("staff.list", turn.lang)]
    rows = []
    for summary in needs_repo.list_staff(turn.session):
        user = summary.user
        lines.append(
            escape(f"#{user.id} · {user.role} · {summary.households} H · {summary.open_needs} needs")
        )
        if user.telegram_id != turn.user.telegram_id:
            rows.append(
                [(t("staff.revoke", turn.lang, who=f"#{user.id}"), build(Action.STAFF_REVOKE, user.id))]
            )
    return Reply(messages=[Msg("\n".join(lines), rows)])


def on_revoke(turn: Turn) -> Reply:
    assert turn.callback is not None
    target = next(
        (s.user for s in needs_repo.list_staff(turn.session) if s.user.id == turn.callback.int_arg(0)), None
    )
    if target is None or target.telegram_id == turn.user.telegram_id:
        return Reply(notice=t("bad_button", turn.lang))
    revoked = needs_repo.revoke_staff(turn.session, target, turn.user)
    text = t(
        "staff.revoked", turn.lang, needs=revoked.needs_unassigned, households=revoked.households_unassigned
    )
    return Reply(messages=[Msg(escape(text))])


def on_mydata_command(turn: Turn) -> Reply:
    data = needs_repo.my_data(turn.session, turn.user)
    needs_repo.record_access(turn.session, turn.user, AccessAction.MYDATA, f"user:{turn.user.id}")
    lines = [t("mydata.head", turn.lang), escape(t("mydata.needs", turn.lang, n=len(data.needs)))]
    lines += [
        escape(
            f"• #{n.id} {label(n.category, turn.lang)} · {label(n.status, turn.lang)} · {n.description or ''}"
        )
        for n in data.needs
    ]
    lines.append(escape(t("mydata.consultations", turn.lang, n=data.consultations, q=data.questions)))
    manual = turn.manual
    shown = [
        f"{answer_label(manual, q, turn.lang)}: {show_answer(manual, q, v, turn.lang)}"
        for q, v in data.answers.items()
    ]
    if shown:
        lines.append(escape(" · ".join(shown)))
    lines += _reminder_lines(turn, data)
    lines.append(escape(t("mydata.forget_hint", turn.lang)))
    return Reply(messages=[Msg("\n".join(lines))])


def _reminder_lines(turn: Turn, data: needs_repo.MyData) -> list[str]:
    """Their reminders (what, when) and their answers to "did you apply, did you get it?"."""
    programs, lang = turn.manual.programs, turn.lang

    def name(pid: str) -> str:
        return programs[pid].name.get(lang) if pid in programs else pid

    lines = []
    if data.reminders:
        lines.append(escape(t("mydata.reminders", lang, n=len(data.reminders))))
        lines += [escape(f"• {r.due_on.isoformat()} {name(r.program_id)}") for r in data.reminders]
    if data.outcomes:
        lines.append(escape(t("mydata.outcomes", lang, n=len(data.outcomes))))
        lines += [
            escape(f"• {o.recorded_at:%Y-%m-%d} {name(o.program_id)}: {t('outcome.' + o.status, lang)}")
            for o in data.outcomes
        ]
    return lines


def on_privacy_command(turn: Turn) -> Reply:
    settings = turn.services.settings
    text = privacy_text(settings.retention(), settings.reuse_max_age_days, turn.lang)
    return Reply(messages=[Msg(escape(text))])


def on_forget_command(turn: Turn) -> Reply:
    rows = [
        [
            (t("forget.yes", turn.lang), build(Action.FORGET, "yes")),
            (t("forget.no", turn.lang), build(Action.FORGET, "no")),
        ]
    ]
    return Reply(messages=[Msg(t("forget.confirm", turn.lang), rows)])


def on_forget(turn: Turn) -> Reply:
    assert turn.callback is not None
    if turn.callback.args[0] != "yes":
        return Reply(edit=Msg(t("forget.kept", turn.lang)))
    removed = needs_repo.forget_resident(turn.session, turn.user, chat_id=turn.chat_id)
    needs_repo.record_access(turn.session, turn.user, AccessAction.FORGET, f"user:{turn.user.id}")
    return Reply(edit=Msg(t("forget.done", turn.lang, n=removed)))


def on_visit_command(turn: Turn) -> Reply:
    """/visit H-0042 [note]: the note is kept (masked) with the visit."""
    if not turn.args:
        return Reply(messages=[Msg(escape(t("visit.usage", turn.lang)))])
    code = repo.normalise_household_code(turn.args[0])
    if code is None:
        return Reply(messages=[Msg(escape(t("visit.usage", turn.lang)))])
    note = " ".join(turn.args[1:]).strip() or None
    try:
        visit = needs_service.record_visit(turn.session, actor(turn), code, note)
    except (NotFound, Denied):
        if repo.household_by_code(turn.session, code) is None:
            return Reply(messages=[Msg(escape(t("household.unknown", turn.lang, code=code)))])
        why = f"{code}: {t('not_found', turn.lang)}"
        return Reply(messages=[Msg(escape(why))])
    except ValueError as exc:
        return Reply(messages=[Msg(escape(t("need.illegal", turn.lang, why=str(exc))))])
    code = visit.household.code if visit.household is not None else turn.args[0]
    return Reply(messages=[Msg(escape(t("visit.done", turn.lang, code=code)))])


ACTION_HANDLERS = {Action.STAFF_REVOKE: on_revoke, Action.FORGET: on_forget}
