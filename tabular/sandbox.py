"""Running a parser over untrusted bytes in a child process with memory and CPU limits, so that
no file can take down the web or worker process that received it: a parser that asks for
549 GB (calamine on a sheet naming cell XFD1048576) aborts the child, not the caller.

The child is forked, not spawned: it starts in milliseconds with the libraries and the bytes
already in memory (a spawned or forkserver child re-runs the caller's `__main__`, which is
gunicorn, Celery, manage.py or a test runner here, and a fresh interpreter takes seconds to
import pandas). Forking a Django process is safe for this because the child only parses: it never
touches the database connection it inherits, resets the termination signals the server may have
taken over, and leaves through `os._exit` (multiprocessing's fork children do), so no finaliser
closes a connection or flushes a buffer that belongs to the parent. The result comes back
pickled through a pipe; a child that hangs is killed at a wall-clock deadline."""

from __future__ import annotations

import faulthandler
import gc
import multiprocessing
import os
import resource
import signal
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

# Wall-clock grace beyond the CPU limit: on a busy machine the child may wait for a core.
WALL_CLOCK_FACTOR, WALL_CLOCK_EXTRA = 3, 10

MEMORY, TIME = "memory", "time"


class LimitExceeded(Exception):
    """The child ran out of memory (`kind` "memory") or time ("time") and was stopped."""

    def __init__(self, kind: str, detail: str = "") -> None:
        self.kind = kind
        super().__init__(f"{kind} limit exceeded {detail}".strip())


def _context() -> Any:
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")  # no fork (Windows): slower, as safe


def _address_space() -> int:
    """The child's current virtual size in bytes (what it inherited is mapped already)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 512 * 1024 * 1024


def _limit(memory_mb: int, seconds: int) -> None:
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)  # gunicorn's and Celery's handlers are not ours
    faulthandler.disable()  # a child stopped at its limit is expected, not a crash to trace
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # RLIMIT_AS counts address space, not resident memory: the budget comes on top of what the
    # parent had mapped (libraries, its own heap, shared copy-on-write).
    space = _address_space() + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (space, space))
    # SIGXCPU at the soft limit; the kernel sends SIGKILL at the hard one.
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))


def _child(
    sender: Connection,
    function: Callable[..., Any],
    args: tuple[Any, ...],
    memory_mb: int,
    seconds: int,
) -> None:
    _limit(memory_mb, seconds)
    # A short-lived parser makes few reference cycles; collections passing over the hundreds of
    # thousands of cells it builds would cost more time than they free memory.
    gc.disable()
    try:
        outcome: tuple[str, Any] = ("ok", function(*args))
    except MemoryError:
        outcome = (MEMORY, None)
    except Exception as error:  # handed to the caller, who raises it again
        outcome = ("error", error)
    try:
        sender.send(outcome)
    except MemoryError:
        sender.send((MEMORY, None))
    except Exception as error:  # an exception that cannot be pickled
        sender.send(("error", RuntimeError(repr(error))))
    finally:
        sender.close()


def _death(exitcode: int | None) -> LimitExceeded:
    """Why a child died without an answer: killed for its CPU time, or out of memory (Rust's
    allocator aborts on a failed allocation; Python may die in a signal on one too)."""
    if exitcode is not None and -exitcode in {signal.SIGXCPU, signal.SIGKILL}:
        return LimitExceeded(TIME, f"(exit {exitcode})")
    return LimitExceeded(MEMORY, f"(exit {exitcode})")


def _receive(receiver: Connection) -> Any:
    """Unpickle without the cyclic collector: it would pass over every cell as it is created
    (200,000 rows unpickle in a quarter of the time without it)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return receiver.recv()
    finally:
        if enabled:
            gc.enable()


def run_limited(
    function: Callable[..., Any],
    *args: Any,
    memory_mb: int,
    seconds: int,
    wall_seconds: float | None = None,
) -> Any:
    """`function(*args)` in a child process limited to `memory_mb` more address space and
    `seconds` of CPU time (and `wall_seconds` of waiting, by default a multiple of `seconds`);
    its result, or its exception raised here. The result must pickle. Raises LimitExceeded when
    the child hits a limit."""
    if wall_seconds is None:
        wall_seconds = seconds * WALL_CLOCK_FACTOR + WALL_CLOCK_EXTRA
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(sender, function, args, memory_mb, seconds), daemon=True
    )
    process.start()
    sender.close()
    try:
        if not receiver.poll(wall_seconds):
            raise LimitExceeded(TIME, "(wall clock)")
        try:
            status, payload = _receive(receiver)
        except (EOFError, OSError):
            process.join(5)
            raise _death(process.exitcode) from None
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join()
    if status == "ok":
        return payload
    if status == MEMORY:
        raise LimitExceeded(MEMORY, "(MemoryError)")
    raise payload
