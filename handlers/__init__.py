"""python-telegram-bot adapters. `register` wires every handler into an Application."""

from __future__ import annotations

from telegram import BotCommand
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from handlers import (
    admin,
    consult,
    coord,
    desk,
    jobs,
    needs,
    network,
    person,
    programs,
    reminders,
    results,
    staff,
    start,
)
from handlers import route as route_module
from handlers.callbacks import Action
from handlers.errors import on_error
from handlers.groups import EVERYONE
from handlers.guard import COMMANDS
from handlers.route import Reply, Turn, route
from handlers.texts import t

CALLBACKS = {
    Action.MENU: start.on_menu,
    **consult.ACTION_HANDLERS,
    **programs.ACTION_HANDLERS,
    **staff.ACTION_HANDLERS,
    **needs.ACTION_HANDLERS,
    **coord.ACTION_HANDLERS,
    **admin.ACTION_HANDLERS,
    **network.ACTION_HANDLERS,
    **results.ACTION_HANDLERS,
    **reminders.ACTION_HANDLERS,
    **person.ACTION_HANDLERS,
}


def on_callback(turn: Turn) -> Reply:
    assert turn.callback is not None
    return CALLBACKS[turn.callback.action](turn)


COMMAND_HANDLERS = {
    "start": start.on_start,
    "help": person.on_help,
    "lang": start.on_lang,
    "cancel": start.on_cancel,
    "household": staff.on_household_command,
    "check": consult.on_check_command,
    "visit": admin.on_visit_command,
    "need": needs.on_need_command,
    "needs": coord.on_needs_command,
    "stats": coord.on_stats_command,
    "export": coord.on_export_command,
    "invite": admin.on_invite_command,
    "staff": admin.on_staff_command,
    "mydata": admin.on_mydata_command,
    "forget": admin.on_forget_command,
    "review": coord.on_review_command,
    "meeting": network.on_meeting_command,
    "referrals": network.on_referrals_command,
    "alloc": network.on_alloc_command,
    "allocs": network.on_allocs_command,
    "report": network.on_report_command,
    "myreports": network.on_myreports_command,
    "org": network.on_org_command,
    "move": network.on_move_command,
    "handover": network.on_handover_command,
    "link": network.on_link_command,
    "privacy": admin.on_privacy_command,
}

# The commands Telegram lists in its menu, in this order; their descriptions are command.<name>.
MENU_COMMANDS = ("start", "help", "lang", "cancel", "need", "mydata", "forget", "privacy")


def register(app: Application) -> None:  # type: ignore[type-arg]
    for name, fn in COMMAND_HANDLERS.items():
        app.add_handler(CommandHandler(name, route(fn, COMMANDS[name])))
    app.add_handler(CommandHandler("desk", desk.on_desk))  # the web desk: a link and a Mini App button
    # Any other /command: a short help instead of silence (after the known ones, which match first).
    app.add_handler(MessageHandler(filters.COMMAND, route(start.on_unknown_command, EVERYONE)))
    app.add_handler(CallbackQueryHandler(route(on_callback)))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, route(start.on_text, COMMANDS["start"])))
    # Photos, stickers, voice …: not read, not stored; the person is told to type.
    app.add_handler(MessageHandler(~filters.TEXT, route(start.on_not_text, EVERYONE)))
    route_module.replay_handler = consult.on_replay
    app.add_error_handler(on_error)
    jobs.schedule(app)


async def set_commands(app: Application) -> None:  # type: ignore[type-arg]
    for lang in ("ko", "en"):
        await app.bot.set_my_commands(
            [BotCommand(c, t(f"command.{c}", lang)) for c in MENU_COMMANDS],
            language_code=None if lang == "ko" else lang,
        )
