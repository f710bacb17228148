"""The language the command line speaks: Vietnamese unless ``--lang en`` or
``PARINDEX_LANG=en`` asks for English; help texts from the words table; a console that
cannot write Vietnamese letters never makes a command fail.

Light on purpose (only the words table): it runs when ``parindex`` starts.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from typing import Any

from parindex.words import t

#: the environment variable that switches the command line to English
LANG_ENV = "PARINDEX_LANG"


def help_language(argv: list[str] | None = None,
                  env: dict[str, str] | os._Environ[str] | None = None) -> str:
    """The language ``--help`` is written in: English when ``--lang en`` is anywhere on the
    command line or ``PARINDEX_LANG=en``, else Vietnamese. Help is built before the options
    are parsed, so it is decided here, once, when the command line is imported."""
    argv = sys.argv[1:] if argv is None else argv
    for i, arg in enumerate(argv):
        if arg.lower() == "--lang=en" or (arg == "--lang" and argv[i + 1:i + 2] == ["en"]):
            return "en"
    env = os.environ if env is None else env
    return "en" if env.get(LANG_ENV, "").strip().lower() == "en" else "vi"


HELP_LANG = help_language()


def h(key: str) -> str:
    """A help text (``help.KEY`` of the words table) in the language of ``--help``."""
    return t(f"help.{key}", HELP_LANG)


def lang_of(kwargs: dict[str, Any]) -> str:
    """The language a command speaks: its ``--lang`` (which already fell back on
    ``PARINDEX_LANG``), else the environment variable, else Vietnamese."""
    lang = kwargs.get("lang")
    if isinstance(lang, Enum):
        return str(lang.value)
    return "en" if os.environ.get(LANG_ENV, "").strip().lower() == "en" else "vi"


def safe_console_streams() -> None:
    """stdout and stderr that never fail on a letter their encoding lacks (a Windows
    console or a file opened as cp1252): a stream that cannot write Vietnamese is switched
    to UTF-8 when it goes to a file or a pipe (the results stay whole for the program that
    reads them), and to ``errors="replace"`` when it is a terminal (a ``?`` shown instead
    of the letter the terminal cannot show)."""
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "ascii"
        if not hasattr(stream, "reconfigure"):
            continue
        try:
            "Chỉ số cải cách hành chính — đạt".encode(encoding)
        except (UnicodeEncodeError, LookupError):
            if stream.isatty():
                stream.reconfigure(errors="replace")
            else:
                stream.reconfigure(encoding="utf-8", errors="replace")
