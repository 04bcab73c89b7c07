"""Start the bot in the mode the command line asked for."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from app.settings import Settings
from casework.roles import OrgKind
from services import network
from storage import district, repo
from storage.db import Database
from storage.models import Channel, Role

log = logging.getLogger(__name__)
ALLOWED_UPDATES = ["message", "callback_query"]


def dispatch(settings: Settings, args: argparse.Namespace) -> int:
    if args.command == "users":
        return users(settings, args)
    if args.command == "org":
        return organisations(settings, args)
    if args.command == "console":
        return console(settings, Role(args.role), args.lang)
    if args.command in ("run", "webhook"):
        return telegram(settings, webhook=args.command == "webhook")
    raise SystemExit(f"unknown command {args.command}")


def users(settings: Settings, args: argparse.Namespace) -> int:
    db = Database(settings.database_url)
    db.upgrade()
    with db.session() as s:
        if args.users_command == "add":
            user = repo.set_role(s, args.telegram_id, Role(args.role))
            if args.org:
                network.move_user(s, None, user, args.org, Role(args.role))
            print(f"{user.telegram_id}: {user.role} {args.org or ''}".rstrip())
        else:
            for user in repo.list_users(s):
                print(f"{user.telegram_id}\t{user.role}\t{user.language}")
    return 0


def organisations(settings: Settings, args: argparse.Namespace) -> int:
    db = Database(settings.database_url)
    db.upgrade()
    with db.session() as s:
        if args.org_command == "add":
            org = network.add_organisation(s, None, OrgKind(args.kind), args.code, args.name, args.review)
            print(f"{org.code}\t{org.kind}\t{org.name}")
        else:
            for org in district.organisations(s):
                people = len(district.members(s, org.id))
                print(f"{org.code}\t{org.kind}\t{org.name}\t{people}\treview={org.review_required}")
    db.dispose()
    return 0


def console(settings: Settings, role: Role, language: str) -> int:
    from app.console import run_console
    from app.telegram_app import build_services

    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger().setLevel(logging.WARNING)
    services = build_services(settings, Channel.CONSOLE)
    return asyncio.run(run_console(services, role, language))


def telegram(settings: Settings, webhook: bool) -> int:
    from app.telegram_app import build_application, build_services, freeze_startup_heap

    if settings.telegram_bot_token is None:
        if webhook:
            print("webhook mode needs TELEGRAM_BOT_TOKEN", file=sys.stderr)
            return 2
        # The quick start runs this with no token: give the same bot in the terminal instead.
        print("TELEGRAM_BOT_TOKEN is not set: starting console mode (no network).", file=sys.stderr)
        return console(settings, Role.RESIDENT, settings.default_language.value)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    app = build_application(build_services(settings))
    freeze_startup_heap()
    if not webhook:
        from app import polling

        asyncio.run(polling.serve(app, allowed_updates=ALLOWED_UPDATES))
        return 0
    if not settings.webhook_url or settings.webhook_secret is None:
        print("webhook mode needs WEBHOOK_URL and WEBHOOK_SECRET", file=sys.stderr)
        return 2
    from app import webhook as hook

    secret = settings.webhook_secret.get_secret_value()
    if not hook.valid_secret(secret):
        print("WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -", file=sys.stderr)
        return 2
    services = app.bot_data["services"]
    from app.dashboard import create_dashboard
    from app.replybot import ReplyBot

    # The desk in the same process: its notifications go through the bot's rate-limited sender.
    bot = app.bot
    assert isinstance(bot, ReplyBot)  # build_application makes it one
    desk = create_dashboard(settings, services.db, notify=bot.notify_html)
    asyncio.run(
        hook.serve(
            app,
            services.db,
            secret=secret,
            webhook_url=settings.webhook_url,
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            dashboard=desk,
        )
    )
    return 0
