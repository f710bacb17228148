"""The `parindex` command line. Commands live one group per module; each calls the pipeline
and a renderer, nothing else. Heavy libraries are imported inside the commands that use
them, so `parindex --help` and a JSON score start quickly: help is laid out by click, not
rich (``rich_markup_mode=None``), and options are converted without pydantic
(:class:`~parindex.cli.lean.LeanCommand`). `tests/test_lean.py` keeps pandas, numpy,
pydantic and rich out of `--help`."""

from __future__ import annotations

import typer

from parindex.cli import (
    analysis_cmd,
    criteria_cmd,
    demo_cmd,
    periodic_cmd,
    report_cmd,
    score_cmd,
    workbook_cmd,
    workspace_cmd,
)
from parindex.cli.common import STATE
from parindex.cli.language import h, safe_console_streams
from parindex.cli.lean import LeanCommand, LeanGroup

app = typer.Typer(
    name="parindex",
    help=h("app"),
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
    rich_markup_mode=None, cls=LeanGroup,
)


@app.callback()
def _root(debug: bool = typer.Option(False, "--debug", help=h("opt.debug"))) -> None:
    STATE["debug"] = debug


app.command("editions", cls=LeanCommand, help=h("cmd.editions"))(criteria_cmd.editions)
app.add_typer(criteria_cmd.app, name="criteria", help=h("cmd.criteria"))
app.command("check", cls=LeanCommand, help=h("cmd.check"))(score_cmd.check)
app.command("score", cls=LeanCommand, help=h("cmd.score"))(score_cmd.score)
app.command("explain", cls=LeanCommand, help=h("cmd.explain"))(score_cmd.explain)
app.command("rank", cls=LeanCommand, help=h("cmd.rank"))(score_cmd.rank)
app.command("demo", cls=LeanCommand, help=h("cmd.demo"))(demo_cmd.demo)
app.command("report", cls=LeanCommand, help=h("cmd.report"))(report_cmd.report)
app.command("template", cls=LeanCommand, help=h("cmd.template"))(workbook_cmd.template)
app.command("merge", cls=LeanCommand, help=h("cmd.merge"))(workbook_cmd.merge)
app.command("whatif", cls=LeanCommand, help=h("cmd.whatif"))(analysis_cmd.whatif)
app.command("plan", cls=LeanCommand, help=h("cmd.plan"))(analysis_cmd.plan)
app.command("weak", cls=LeanCommand, help=h("cmd.weak"))(analysis_cmd.weak)
app.command("uncertainty", cls=LeanCommand, help=h("cmd.uncertainty"))(analysis_cmd.uncertainty)
periodic_cmd.register(app)  # one-stop, reports
app.command("serve", cls=LeanCommand, help=h("cmd.serve"))(workspace_cmd.serve)
app.add_typer(workspace_cmd.ws, name="workspace", help=h("cmd.workspace"))


def main() -> None:
    safe_console_streams()
    app()
