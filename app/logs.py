"""Logging set-up: the bot's own messages at the level asked for, libraries never below their floor.

No message a person typed may reach a log at any level. python-telegram-bot logs every update and
every Bot API call with its parameters at DEBUG, httpx logs request lines, and SQLAlchemy logs SQL
with its parameters (answers, drafts) at INFO and result rows at DEBUG. So those loggers get a floor
that LOG_LEVEL=DEBUG does not lower, and the engine hides parameters in its error messages too
(storage.db). Raise one of them on purpose (logging.getLogger("telegram").setLevel(DEBUG)) only on a
machine with no real residents' data.
"""

from __future__ import annotations

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
FLOORS = {
    "telegram": logging.INFO,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "sqlalchemy": logging.WARNING,
    "alembic": logging.WARNING,
    "apscheduler": logging.WARNING,
    "uvicorn": logging.WARNING,
    "asyncio": logging.INFO,
}


def level_of(name: str) -> int:
    found = logging.getLevelName(name.strip().upper())
    return found if isinstance(found, int) else logging.INFO


def configure(level: int | str = logging.INFO) -> None:
    numeric = level_of(level) if isinstance(level, str) else level
    logging.basicConfig(level=numeric, format=FORMAT)
    logging.getLogger().setLevel(numeric)
    quiet()


class HideArguments(logging.Filter):
    """python-telegram-bot logs whole updates and Bot API parameters as arguments of its messages,
    even at CRITICAL ("Error while parsing updates! Received data was %r"): only numbers stay."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(a if isinstance(a, int | float) else "<hidden>" for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: v if isinstance(v, int | float) else "<hidden>" for k, v in record.args.items()}
        return True


_HIDE = HideArguments()


def quiet() -> None:
    """Put every library logger that would print updates, requests or SQL at or above its floor, and
    hide the arguments of python-telegram-bot's own log messages."""
    import telegram.ext  # noqa: F401 (creates the library's loggers, so the filter can be attached)

    for name, floor in FLOORS.items():
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < floor or logger.level < floor:
            logger.setLevel(floor)
    for name in list(logging.root.manager.loggerDict):
        if name == "telegram" or name.startswith("telegram."):
            logger = logging.getLogger(name)
            if _HIDE not in logger.filters:
                logger.addFilter(_HIDE)
