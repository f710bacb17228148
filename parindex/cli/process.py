"""How a command's process starts and ends: settings for a short run that makes millions of
objects and large arrays, and an exit without Python's teardown.

A command is a process of a second or a few: :func:`start` raises the cycle collector's
thresholds and, on Linux, asks the C allocator to keep the memory a command frees for its
next arrays; :func:`leave` ends the process once its output is out. ``serve`` runs for days
and gets Python's and the allocator's own settings back (:func:`for_a_server`).
``docs/PERFORMANCE.md`` has the figures behind each setting.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
import threading
from typing import Any, NoReturn

#: the cycle collector's thresholds while a command runs (as mypy sets them): a national
#: bundle makes millions of objects, and the default thresholds (a collection every 700
#: new objects, a full one every 70,000) spent 0.03–0.06 s of a one-second command walking
#: objects that live until it ends; cycles are still collected, every 200,000 objects.
COMMAND_GC = (200_000, 30, 30)

#: the thresholds Python started with ("python"), which :func:`start` raised
GC: dict[str, tuple[int, ...]] = {}

# glibc's mallopt parameters (malloc.h) and the values a command and a server use: below the
# mmap threshold an allocation comes from the heap, and freed heap memory above the trim
# threshold goes back to the system
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_COMMAND_ALLOCATOR = {_M_MMAP_THRESHOLD: 32 * 2**20, _M_TRIM_THRESHOLD: 2**30}
_GLIBC_ALLOCATOR = {_M_MMAP_THRESHOLD: 128 * 2**10, _M_TRIM_THRESHOLD: 128 * 2**10}


def start() -> None:
    """A command's settings: the collector's thresholds (:data:`COMMAND_GC`) and, on Linux
    with glibc, arrays of up to 32 MB taken from the heap and memory freed kept for the next
    ones. By default glibc maps each array of more than 128 kB afresh from the system and
    hands it back when freed, so the next array's pages are new again, each one a page
    fault: a cold national `weak` spent 0.23 s in the system, 0.13 s with these settings,
    for the same peak memory."""
    GC["python"] = gc.get_threshold()
    gc.set_threshold(*COMMAND_GC)
    _allocator(_COMMAND_ALLOCATOR)


def for_a_server() -> None:
    """Python's collector thresholds and glibc's allocator settings back, for a process that
    runs for days (its memory handed back to the system when freed)."""
    if "python" in GC:
        gc.set_threshold(*GC["python"])
    _allocator(_GLIBC_ALLOCATOR)


def _allocator(settings: dict[int, int]) -> None:
    """glibc's ``mallopt`` for each setting; nothing where there is no glibc (Windows,
    macOS, musl)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        mallopt: Any = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    for param, value in settings.items():
        mallopt(param, value)


def leave(code: object) -> NoReturn:
    """End the process once a command is done, without Python's teardown: a national run
    holds millions of objects, and freeing them one by one before exiting took a tenth of a
    second of a one-second command, for memory the system takes back at once. The output
    streams are flushed and the exit handlers run first (temporary files removed, logs
    written), then the process ends with ``code``. A code that is not a number (a message
    to print), a stream that cannot be flushed (a closed pipe) or a thread still running
    end the usual way."""
    if (code is None or isinstance(code, int)) and threading.active_count() == 1:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        else:
            os._exit(code or 0)
    raise SystemExit(code)
