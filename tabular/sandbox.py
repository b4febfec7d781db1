"""Running a parser over untrusted bytes in a child process with memory and CPU limits, so that
no file can take down the web or worker process that received it: a parser that asks for
549 GB (calamine on a sheet naming cell XFD1048576) aborts the child, not the caller.

The child is forked with os.fork, not started through multiprocessing: it starts in
milliseconds with the libraries and the bytes already in memory (a spawned or forkserver child
re-runs the caller's `__main__`, which is gunicorn, Celery, manage.py or a test runner here, and
a fresh interpreter takes seconds to import pandas), and multiprocessing's own fork would run
the after-fork hooks other libraries register with it: Celery's closes its Redis result
subscription, over a socket the child shares with its parent, and waits for an answer forever.

Forking a Django process is safe for this because the child only parses: it never touches the
database or broker connections it inherits, resets the termination signals the server may have
taken over, and leaves through os._exit, so no finaliser closes a connection or flushes a buffer
that belongs to the parent. The result comes back pickled through a pipe; a child that hangs is
killed at a wall-clock deadline."""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable
from typing import Any

# Wall-clock grace beyond the CPU limit: on a busy machine the child may wait for a core.
WALL_CLOCK_FACTOR, WALL_CLOCK_EXTRA = 3, 10
CHUNK = 1 << 20

MEMORY, TIME = "memory", "time"


class LimitExceeded(Exception):
    """The child ran out of memory (`kind` "memory") or time ("time") and was stopped."""

    def __init__(self, kind: str, detail: str = "") -> None:
        self.kind = kind
        super().__init__(f"{kind} limit exceeded {detail}".strip())


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


def _outcome(function: Callable[..., Any], args: tuple[Any, ...]) -> bytes:
    """The child's answer, pickled: ("ok", result), ("error", exception) or ("memory", None)."""
    try:
        outcome: tuple[str, Any] = ("ok", function(*args))
    except MemoryError:
        outcome = (MEMORY, None)
    except Exception as error:  # handed to the caller, who raises it again
        outcome = ("error", error)
    try:
        return pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        return pickle.dumps((MEMORY, None))
    except Exception as error:  # an exception that cannot be pickled
        return pickle.dumps(("error", RuntimeError(repr(error))))


def _child(
    write_fd: int, function: Callable[..., Any], args: tuple[Any, ...], memory_mb: int, seconds: int
) -> None:
    _limit(memory_mb, seconds)
    # A short-lived parser makes few reference cycles; collections passing over the hundreds of
    # thousands of cells it builds would cost more time than they free memory.
    gc.disable()
    data = memoryview(_outcome(function, args))
    while data:
        data = data[os.write(write_fd, data[:CHUNK]) :]


def _read_all(read_fd: int, deadline: float) -> bytes | None:
    """Everything the child writes, up to its end; None if the deadline passes first."""
    chunks: list[bytes] = []
    poller = select.poll()
    poller.register(read_fd, select.POLLIN | select.POLLHUP)
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not poller.poll(remaining * 1000):
            return None
        chunk = os.read(read_fd, CHUNK)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _death(status: int) -> LimitExceeded:
    """Why a child died without an answer: killed for its CPU time, or out of memory (Rust's
    allocator aborts on a failed allocation; Python may die in a signal on one too)."""
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in {signal.SIGXCPU, signal.SIGKILL}:
        return LimitExceeded(TIME, f"(signal {os.WTERMSIG(status)})")
    return LimitExceeded(MEMORY, f"(status {status})")


def _unpickled(data: bytes) -> Any:
    """Unpickle without the cyclic collector: it would pass over every cell as it is created
    (200,000 rows unpickle in a quarter of the time without it)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data)  # noqa: S301 - our own child's answer, through our own pipe
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
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            os.close(read_fd)
            _child(write_fd, function, args, memory_mb, seconds)
        finally:
            os._exit(0)
    os.close(write_fd)
    data: bytes | None = None
    try:
        data = _read_all(read_fd, time.monotonic() + wall_seconds)
    finally:
        os.close(read_fd)
        if data is None:  # past the deadline, or this process is being interrupted
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        _pid, status = os.waitpid(pid, 0)
    if data is None:
        raise LimitExceeded(TIME, "(wall clock)")
    try:
        kind, payload = _unpickled(data)
    except (EOFError, pickle.UnpicklingError, ValueError):
        raise _death(status) from None  # died before, or while, answering
    if kind == "ok":
        return payload
    if kind == MEMORY:
        raise LimitExceeded(MEMORY, "(MemoryError)")
    raise payload
