"""Scheduled work (python-telegram-bot's JobQueue): the coordinators' daily digest, the monthly
visit reminder for staff, and the retention job. Each runs in its own database session."""

from __future__ import annotations

import datetime as dt
import logging
from html import escape

from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from app.services import Services
from handlers.limits import split_html
from handlers.needs import KST
from handlers.texts import t
from storage import needs as needs_repo
from storage import repo
from storage.models import Role

log = logging.getLogger(__name__)


async def _send(context: ContextTypes.DEFAULT_TYPE, chat_id: int, text: str) -> None:
    try:
        for part in split_html(text):  # a long caseload list must not exceed Telegram's limit
            await context.bot.send_message(chat_id, part, parse_mode=ParseMode.HTML)
    except TelegramError:
        log.warning("could not deliver a scheduled message")


async def daily_digest(context: ContextTypes.DEFAULT_TYPE) -> None:
    services: Services = context.application.bot_data["services"]
    with services.db.session() as s:
        digest = needs_repo.digest(s)
        people = [
            (u.telegram_id, u.language)
            for u in repo.list_users(s)
            if u.active and u.role in (Role.COORDINATOR, Role.ADMIN)
        ]
    for chat_id, lang in people:
        await _send(
            context,
            chat_id,
            t(
                "digest",
                lang,
                new=len(digest.new_since_yesterday),
                unassigned=len(digest.unassigned),
                overdue=len(digest.overdue),
            ),
        )


async def visit_reminders(context: ContextTypes.DEFAULT_TYPE) -> None:
    services: Services = context.application.bot_data["services"]
    policy = services.settings.casework().visits
    if not policy.is_reminder_day(dt.datetime.now(KST).date()):
        return
    with services.db.session() as s:
        due = [
            (u.telegram_id, u.language, [d.household.code for d in visits])
            for u, visits in needs_repo.staff_due_visits(s, policy.days_without_visit)
        ]
    for chat_id, lang, codes in due:
        await _send(context, chat_id, escape(t("visit.reminder", lang, codes=", ".join(codes))))


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
        )
        purged = needs_repo.purge_access_log(s, r.access_log_days)
    log.info(
        "retention: %d needs anonymised, %d self-checks and %d household consultations deleted, "
        "%d visits anonymised, %d drafts and %d idle chat states dropped, %d access-log entries purged",
        anonymised,
        gone.self_checks,
        gone.household_consultations,
        gone.visits,
        gone.drafts,
        gone.chat_states,
        purged,
    )


async def retention(context: ContextTypes.DEFAULT_TYPE) -> None:
    run_retention(context.application.bot_data["services"])


def schedule(app: Application) -> None:  # type: ignore[type-arg]
    if app.job_queue is None:
        return
    hour = app.bot_data["services"].settings.digest_hour
    at = dt.time(hour=hour, tzinfo=KST)
    app.job_queue.run_daily(daily_digest, at, name="daily_digest")
    app.job_queue.run_daily(visit_reminders, at, name="visit_reminders")
    app.job_queue.run_daily(retention, dt.time(hour=3, tzinfo=KST), name="retention")
    # Drafts expire within hours, not at the next 03:00: the same job, hourly, catches them.
    app.job_queue.run_repeating(retention, interval=dt.timedelta(hours=1), first=60, name="retention_hourly")
