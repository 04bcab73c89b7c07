"""Entry point: parse the command line, load settings, hand over. No logic lives here."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from app import cli, logs
from app.settings import Settings
from casework.roles import Role


def _manual_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--manual", help="manual directory (default: MANUAL_DIR or the shipped manual)")
    parser.add_argument("--local", action="append", help="a district overlay directory (repeatable)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bokji-bot", description="Welfare-guidance bot for 동 행정복지센터")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="the bot on Telegram, long polling (TELEGRAM_BOT_TOKEN)")
    sub.add_parser("webhook", help="the bot behind a webhook (WEBHOOK_URL, WEBHOOK_SECRET)")
    console = sub.add_parser("console", help="the same bot in this terminal: no token, no network")
    console.add_argument(
        "--as",
        dest="role",
        default="resident",
        choices=["resident", "staff", "coordinator", "admin"],
        help="try the bot with this role (staff training)",
    )
    console.add_argument("--lang", default="ko", choices=["ko", "en"])

    validate = sub.add_parser("validate", help="check the manual; exit 1 with file:line messages on errors")
    _manual_options(validate)

    screen = sub.add_parser("screen", help="verdicts for every programme from an answers JSON file")
    screen.add_argument("--answers", required=True, help="household facts JSON, version 1 or 2 (DESIGN.md)")
    screen.add_argument("--as-of", help="consultation date, YYYY-MM-DD (default today)")
    screen.add_argument("--json", action="store_true", help="machine-readable output")
    screen.add_argument("--lang", default="ko", choices=["ko", "en"])
    _manual_options(screen)

    explain = sub.add_parser("explain", help="the whole computation behind one verdict, line by line")
    explain.add_argument("--answers", required=True, help="household facts JSON (DESIGN.md)")
    explain.add_argument("--program", required=True, help="programme id")
    explain.add_argument("--as-of", help="consultation date, YYYY-MM-DD (default today)")
    explain.add_argument("--lang", default="ko", choices=["ko", "en"])
    _manual_options(explain)

    search = sub.add_parser("search", help="programmes matching free text")
    search.add_argument("query", nargs="+")
    search.add_argument("--limit", type=int, default=5)
    search.add_argument("--json", action="store_true")
    search.add_argument("--lang", default="ko", choices=["ko", "en"])
    _manual_options(search)

    export = sub.add_parser("export", help="logged needs for coordinators (pseudonymous)")
    export.add_argument("what", choices=["needs"])
    export.add_argument("--format", required=True, choices=["csv", "xlsx"])
    export.add_argument("--out", required=True, help="file to write")
    export.add_argument("--reason", required=True, help="why: kept in the access log")
    export.add_argument("--lang", default="ko", choices=["ko", "en"])

    stats = sub.add_parser("stats", help="the district's statistics, and the self-check of their summary")
    stats.add_argument("--centre", help="one centre's figures, by its code")
    stats.add_argument("--lang", default="ko", choices=["ko", "en"])
    stats.add_argument(
        "--check", action="store_true", help="compare the summary rows with the needs; exit 1 if they differ"
    )
    stats.add_argument("--rebuild", action="store_true", help="work the summary rows out from the needs")

    dashboard = sub.add_parser(
        "dashboard", help="the coordinators' web desk on its own (also served at /desk)"
    )
    dashboard.add_argument("--listen", help="address to listen on (default DASHBOARD_LISTEN, 127.0.0.1)")
    dashboard.add_argument("--port", type=int, help="port (default DASHBOARD_PORT, 8080)")

    users = sub.add_parser("users", help="register staff, coordinators and admins")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    add = users_sub.add_parser("add", help="give a Telegram user a role")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--telegram-id", required=True, type=int)
    add.add_argument("--org", help="the centre, headquarters or partner code they belong to")
    users_sub.add_parser("list", help="registered users and their roles")

    org = sub.add_parser("org", help="centres, headquarters and partners of the district")
    org_sub = org.add_subparsers(dest="org_command", required=True)
    org_add = org_sub.add_parser("add", help="add a centre, headquarters or partner")
    org_add.add_argument("--kind", required=True, choices=["centre", "headquarters", "partner"])
    org_add.add_argument("--code", required=True, help="short code, e.g. C01, HQ, P-BOKJI")
    org_add.add_argument("--name", required=True, help="the office's name (never a person's)")
    org_add.add_argument("--review", action="store_true", help="the head of the centre reviews new needs")
    org_sub.add_parser("list", help="organisations and how many people each has")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings()
    logs.configure(settings.log_level)
    if args.command == "validate":
        return cli.cmd_validate(settings, args)
    if args.command == "screen":
        return cli.cmd_screen(settings, args)
    if args.command == "explain":
        return cli.cmd_explain(settings, args)
    if args.command == "search":
        return cli.cmd_search(settings, args)
    if args.command == "export":
        from app.export_cmd import cmd_export

        return cmd_export(settings, args)
    if args.command == "stats":
        from app.stats_cmd import cmd_stats

        return cmd_stats(settings, args)
    if args.command == "dashboard":
        from app.dashboard.serve import cmd_dashboard

        return cmd_dashboard(settings, args)
    from app import runner

    return runner.dispatch(settings, args)


if __name__ == "__main__":
    sys.exit(main())
