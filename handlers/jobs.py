"""Scheduled work (python-telegram-bot's JobQueue): the daily digest, the monthly visit reminder and
the retention job. Every process schedules them; each run is claimed in the database for its day
(services.jobs), so whatever the number of processes it happens once. The digest is counts and the
most urgent few, computed in a worker thread, and sent through the notification rate limiter."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from html import escape
from typing import Any

from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from app import slow
from app.replybot import ReplyBot
from app.services import Services
from casework.model import label
from casework.roles import Role
from handlers.limits import split_html
from handlers.needs import KST, local_date
from handlers.reminders import reminder_msg
from handlers.route import markup
from handlers.texts import t
from services import jobs as job_claims
from services import reports
from services.actors import actor_of
from storage import needs as needs_repo
from storage import reminders as reminders_repo
from storage import repo
from storage.models_reminders import ReminderKind

log = logging.getLogger(__name__)
Outbox = list[tuple[int, str]]


async def _deliver(context: ContextTypes.DEFAULT_TYPE, outbox: Outbox) -> None:
    bot = context.bot
    for chat_id, text in outbox:
        try:
            for part in split_html(text):  # a long caseload list must not exceed Telegram's limit
                if isinstance(bot, ReplyBot):
                    await bot.notify_html(chat_id, part)
                else:
                    await bot.send_message(chat_id, part, parse_mode="HTML")
        except TelegramError:
            log.warning("could not deliver a scheduled message")


async def _once(context: ContextTypes.DEFAULT_TYPE, name: str, work: Callable[[Services], Outbox]) -> None:
    """Claim today's run, do the work off the event loop, then send what it produced."""
    services: Services = context.application.bot_data["services"]
    today = dt.datetime.now(KST).date()
    if not await asyncio.to_thread(job_claims.claim, services.db, name, today):
        log.info("%s for %s already claimed by another process", name, today)
        return
    outbox = await slow.run(lambda: work(services))
    await _deliver(context, outbox)
    await asyncio.to_thread(job_claims.finish, services.db, name, today, f"{len(outbox)} messages")


def digest_outbox(services: Services, now: dt.datetime | None = None) -> Outbox:
    """One message per coordinator and head: their own scope's counts and its five most urgent needs."""
    outbox: Outbox = []
    with services.db.session() as s:
        people = [
            u for u in repo.list_users(s) if u.active and u.role in (Role.COORDINATOR, Role.HEAD, Role.ADMIN)
        ]
        for user in people:
            role = Role.ADMIN if user.telegram_id in services.settings.admin_ids else Role(user.role)
            try:
                counts = reports.digest(s, actor_of(s, user.id, role), now)
            except PermissionError:
                continue
            lang = user.language
            lines = [t("digest", lang, new=counts.new, unassigned=counts.unassigned, overdue=counts.overdue)]
            if counts.awaiting_review:
                lines.append(escape(t("digest.review", lang, n=counts.awaiting_review)))
            if counts.most_urgent:
                lines.append(escape(t("digest.urgent", lang)))
                lines += [
                    escape(f"• #{i} {label_of(c, lang)} · {label_of(u, lang)} · {local_date(due)}")
                    for i, c, u, due in counts.most_urgent
                ]
            outbox.append((user.telegram_id, "\n".join(lines)))
    return outbox


def label_of(value: str, lang: str) -> str:
    from casework.model import NeedCategory, Urgency

    for enum in (NeedCategory, Urgency):
        try:
            return label(enum(value), lang)
        except ValueError:
            continue
    return value


def reminder_outbox(services: Services, today: dt.date | None = None) -> Outbox:
    policy = services.settings.casework().visits
    if not policy.is_reminder_day(today or dt.datetime.now(KST).date()):
        return []
    with services.db.session() as s:
        return [
            (
                u.telegram_id,
                escape(t("visit.reminder", u.language, codes=", ".join(d.household.code for d in due))),
            )
            for u, due in needs_repo.staff_due_visits(s, policy.days_without_visit)
        ]


def run_retention(services: Services) -> None:
    """Everything past its retention period (casework.policy.Retention) is anonymised or deleted."""
    r = services.settings.retention()
    with services.db.session() as s:
        anonymised = needs_repo.anonymise_closed(s, r.needs_days)
        gone = needs_repo.purge_personal_data(
            s,
            self_check_days=r.self_check_days,
            household_consultation_days=r.household_consultation_days,
            visit_days=r.visit_days,
            draft_hours=r.draft_hours,
            reminder_days=r.reminder_days,
            outcome_days=r.outcome_days,
        )
        purged = needs_repo.purge_access_log(s, r.access_log_days)
    log.info(
        "retention: %d needs anonymised, %d self-checks and %d household consultations deleted, "
        "%d visits anonymised, %d drafts and %d idle chat states dropped, %d access-log entries purged, "
        "%d sent reminders deleted, %d outcomes anonymised",
        anonymised,
        gone.self_checks,
        gone.household_consultations,
        gone.visits,
        gone.drafts,
        gone.chat_states,
        purged,
        gone.reminders,
        gone.outcomes,
    )


def retention_outbox(services: Services) -> Outbox:
    run_retention(services)
    return []


async def daily_digest(context: ContextTypes.DEFAULT_TYPE) -> None:
    await _once(context, "daily_digest", digest_outbox)


async def visit_reminders(context: ContextTypes.DEFAULT_TYPE) -> None:
    await _once(context, "visit_reminders", reminder_outbox)


async def retention(context: ContextTypes.DEFAULT_TYPE) -> None:
    await _once(context, "retention", retention_outbox)


# ---------------------------------------------------------------- reminders (issue 17)


def _due(services: Services, today: dt.date) -> list[int]:
    with services.db.session() as s:
        return reminders_repo.due_ids(s, today)


def _claim(services: Services, reminder_id: int) -> tuple[int, str, Any] | None:
    """Claim one reminder for this process (committed before anything is sent) and say what to send."""
    with services.db.session() as s:
        r = reminders_repo.claim(s, reminder_id, job_claims.claimant())
        if r is None:
            return None
        msg = reminder_msg(services.manual, services.settings, r)
        return r.chat_id, msg.text, markup(msg.keyboard)


def _sent(services: Services, reminder_id: int, today: dt.date) -> None:
    """Mark it sent; a window or a birthday month is followed by "did you apply?" some weeks later."""
    with services.db.session() as s:
        reminders_repo.mark_sent(s, reminder_id)
        r = reminders_repo.get(s, reminder_id)
        if r is not None and r.kind != ReminderKind.FOLLOW_UP:
            reminders_repo.follow_up(s, r, today + dt.timedelta(days=services.settings.follow_up_days))


async def deliver_reminders(services: Services, bot: Any, today: dt.date) -> int:
    """Send every reminder due by `today` that this process claims; returns how many it sent. Two
    processes running this at once send each reminder once: each row is claimed before sending."""
    sent = 0
    for reminder_id in await asyncio.to_thread(_due, services, today):
        claimed = await asyncio.to_thread(_claim, services, reminder_id)
        if claimed is None:
            continue
        chat_id, text, keyboard = claimed
        try:
            if isinstance(bot, ReplyBot):
                await bot.notify_html(chat_id, text, keyboard)
            else:
                await bot.send_message(chat_id, text, parse_mode="HTML", reply_markup=keyboard)
            sent += 1
        except TelegramError:
            log.warning("could not deliver a reminder")  # blocked the bot: not tried again
        await asyncio.to_thread(_sent, services, reminder_id, today)
    return sent


async def reminders(context: ContextTypes.DEFAULT_TYPE) -> None:
    services: Services = context.application.bot_data["services"]
    today = dt.datetime.now(KST).date()
    if not await asyncio.to_thread(job_claims.claim, services.db, "reminders", today):
        return
    sent = await deliver_reminders(services, context.bot, today)
    await asyncio.to_thread(job_claims.finish, services.db, "reminders", today, f"{sent} reminders")


def schedule(app: Application) -> None:  # type: ignore[type-arg]
    if app.job_queue is None:
        return
    hour = app.bot_data["services"].settings.digest_hour
    at = dt.time(hour=hour, tzinfo=KST)
    app.job_queue.run_daily(daily_digest, at, name="daily_digest")
    app.job_queue.run_daily(visit_reminders, at, name="visit_reminders")
    app.job_queue.run_daily(retention, dt.time(hour=3, tzinfo=KST), name="retention")
    remind_at = dt.time(hour=app.bot_data["services"].settings.reminder_hour, tzinfo=KST)
    app.job_queue.run_daily(reminders, remind_at, name="reminders")
    # Drafts expire within hours, not at the next 03:00: the same job, hourly, catches them.
    app.job_queue.run_repeating(retention, interval=dt.timedelta(hours=1), first=60, name="retention_hourly")
