"""Where slow work runs: statistics, exports, the digest. Off the event loop, and at a lower CPU
priority than the bot's own thread, so on a small machine a resident's step still gets the processor
first while a coordinator's statistics are being computed."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
NICENESS = 10
WORKERS = 2


def lower_priority() -> None:
    """Make the calling thread (Linux: each thread has its own niceness) or process yield the CPU."""
    with contextlib.suppress(AttributeError, OSError):  # not Linux, or not permitted: it still runs
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)


_POOL = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="slow", initializer=lower_priority)


async def run(work: Callable[[], T]) -> T:
    """Run `work` in the slow pool and wait for it without blocking the event loop."""
    return await asyncio.get_running_loop().run_in_executor(_POOL, work)
