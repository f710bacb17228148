"""The `parindex` command line. Commands live one group per module; each calls the pipeline
and a renderer, nothing else. Heavy libraries are imported inside the commands that use
them, so `parindex --help` and a JSON score start quickly: help is laid out by click, not
rich (``rich_markup_mode=None``), options are converted without pydantic
(:class:`~parindex.cli.lean.LeanCommand`), and a command's module is imported and the
command built only when it is used (:mod:`parindex.cli.lazy`): `parindex --help` lists the
commands from their help texts alone. `tests/test_lean.py` keeps pandas, numpy, pydantic,
rich and the command modules out of `--help`."""

from __future__ import annotations

import atexit
import gc
import os
import sys
import threading
from typing import Any, NoReturn

import typer

from parindex.cli.language import h, safe_console_streams
from parindex.cli.lazy import GC, STATE, Install, RootGroup
from parindex.cli.lean import LeanCommand

#: the settings of the root app, which its subcommands are built with too
SETTINGS: dict[str, Any] = {"add_completion": False, "pretty_exceptions_enable": False,
                            "rich_markup_mode": None}


def _command(attr: str) -> Install:
    """A command ``NAME`` is added as ``app.command(NAME, ...)(module.ATTR)``."""
    def install(module: Any, app: typer.Typer) -> None:
        name = attr.replace("_", "-")
        app.command(name, cls=LeanCommand, help=h(f"cmd.{name}"))(getattr(module, attr))

    return install


def _group(name: str, attr: str) -> Install:
    """A group ``NAME`` is ``app.add_typer(module.ATTR, name=NAME, ...)``."""
    def install(module: Any, app: typer.Typer) -> None:
        app.add_typer(getattr(module, attr), name=name, help=h(f"cmd.{name}"))

    return install


#: every subcommand, in the order ``--help`` lists them (groups last, as typer orders
#: them): its module and how it is added
COMMANDS: dict[str, tuple[str, Install]] = {
    "editions": ("criteria_cmd", _command("editions")),
    "check": ("score_cmd", _command("check")),
    "score": ("score_cmd", _command("score")),
    "explain": ("score_cmd", _command("explain")),
    "rank": ("score_cmd", _command("rank")),
    "demo": ("demo_cmd", _command("demo")),
    "report": ("report_cmd", _command("report")),
    "template": ("workbook_cmd", _command("template")),
    "merge": ("workbook_cmd", _command("merge")),
    "whatif": ("analysis_cmd", _command("whatif")),
    "plan": ("analysis_cmd", _command("plan")),
    "weak": ("analysis_cmd", _command("weak")),
    "uncertainty": ("analysis_cmd", _command("uncertainty")),
    "one-stop": ("periodic_cmd", lambda module, app: module.register(app)),  # and reports
    "reports": ("periodic_cmd", lambda module, app: module.register(app)),
    "serve": ("workspace_cmd", _command("serve")),
    "criteria": ("criteria_cmd", _group("criteria", "app")),
    "workspace": ("workspace_cmd", _group("workspace", "ws")),
}


class _Root(RootGroup):
    recipes = COMMANDS
    settings = SETTINGS


app = typer.Typer(name="parindex", help=h("app"), no_args_is_help=True, cls=_Root, **SETTINGS)


@app.callback()
def _root(debug: bool = typer.Option(False, "--debug", help=h("opt.debug"))) -> None:
    STATE["debug"] = debug


#: the cycle collector's thresholds while a command runs (as mypy sets them): a national
#: bundle makes millions of objects, and the default thresholds (a collection every 700
#: new objects, a full one every 70,000) spent 0.03–0.06 s of a one-second command walking
#: objects that live until it ends; cycles are still collected, every 200,000 objects.
#: ``serve``, which runs for days, puts Python's own thresholds back.
COMMAND_GC = (200_000, 30, 30)


def main() -> None:
    safe_console_streams()
    GC["python"] = gc.get_threshold()
    gc.set_threshold(*COMMAND_GC)
    try:
        app()
    except SystemExit as done:
        leave(done.code)
    leave(0)


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
