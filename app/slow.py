"""Where slow work runs: statistics, exports, the digest. Off the event loop, and at a lower CPU
priority than the bot's own thread, so on a small machine a resident's step still gets the processor
first while a coordinator's statistics are being computed. Python work that would hold the GIL for
long (drawing the statistics' chart) runs in a process of its own (`in_process`): a thread of the bot's
process, however low its priority, makes every resident's step wait for the GIL meanwhile."""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

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


def _lower_process_priority() -> None:
    with contextlib.suppress(OSError):
        os.nice(NICENESS)


_PROCESSES: ProcessPoolExecutor | None = None
_PROCESSES_LOCK = threading.Lock()


def _processes(fresh: bool = False) -> ProcessPoolExecutor:
    global _PROCESSES
    with _PROCESSES_LOCK:
        if _PROCESSES is None or fresh:
            # spawn, not fork: forking a process with threads (the event loop, the pools) is unsafe.
            _PROCESSES = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_lower_process_priority,
            )
        return _PROCESSES


def in_process(work: Callable[..., T], *args: Any) -> T:
    """Run `work(*args)` (a module-level function; arguments and result are pickled) in a process of
    its own at a lower priority, and wait for it. Call it from the slow pool, never the event loop.
    The process stays for the next call (starting one and importing matplotlib takes a second)."""
    try:
        return _processes().submit(work, *args).result()
    except BrokenProcessPool:  # the process died (killed, out of memory): once more in a new one
        return _processes(fresh=True).submit(work, *args).result()
