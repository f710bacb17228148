"""The `parindex` command line. Commands live one group per module; each calls the pipeline
and a renderer, nothing else. Heavy libraries are imported inside the commands that use
them, so `parindex --help` and a JSON score start quickly: help is laid out by click, not
rich (``rich_markup_mode=None``), options are converted without pydantic
(:class:`~parindex.cli.lean.LeanCommand`), and a command's module is imported and the
command built only when it is used (:mod:`parindex.cli.lazy`): `parindex --help` lists the
commands from their help texts alone. `tests/test_lean.py` keeps pandas, numpy, pydantic,
rich and the command modules out of `--help`."""

from __future__ import annotations

from typing import Any

import typer

from parindex.cli import process
from parindex.cli.language import h, safe_console_streams
from parindex.cli.lazy import STATE, Install, RootGroup
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


def main() -> None:
    safe_console_streams()
    process.start()
    try:
        app()
    except SystemExit as done:
        process.leave(done.code)
    process.leave(0)
