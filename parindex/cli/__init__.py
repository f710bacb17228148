"""The `parindex` command line. Commands live one group per module; each calls the pipeline
and a renderer, nothing else. Heavy libraries are imported inside the commands that use
them, so `parindex --help` and a JSON score start quickly."""

from __future__ import annotations

import typer

from parindex.cli import (
    analysis_cmd,
    criteria_cmd,
    demo_cmd,
    report_cmd,
    score_cmd,
    workbook_cmd,
)
from parindex.cli.common import STATE
from parindex.cli.language import h, safe_console_streams

app = typer.Typer(
    name="parindex",
    help=h("app"),
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
)


@app.callback()
def _root(debug: bool = typer.Option(False, "--debug", help=h("opt.debug"))) -> None:
    STATE["debug"] = debug


app.command("editions", help=h("cmd.editions"))(criteria_cmd.editions)
app.add_typer(criteria_cmd.app, name="criteria", help=h("cmd.criteria"))
app.command("check", help=h("cmd.check"))(score_cmd.check)
app.command("score", help=h("cmd.score"))(score_cmd.score)
app.command("explain", help=h("cmd.explain"))(score_cmd.explain)
app.command("rank", help=h("cmd.rank"))(score_cmd.rank)
app.command("demo", help=h("cmd.demo"))(demo_cmd.demo)
app.command("report", help=h("cmd.report"))(report_cmd.report)
app.command("template", help=h("cmd.template"))(workbook_cmd.template)
app.command("merge", help=h("cmd.merge"))(workbook_cmd.merge)
app.command("whatif", help=h("cmd.whatif"))(analysis_cmd.whatif)
app.command("plan", help=h("cmd.plan"))(analysis_cmd.plan)
app.command("weak", help=h("cmd.weak"))(analysis_cmd.weak)
app.command("uncertainty", help=h("cmd.uncertainty"))(analysis_cmd.uncertainty)


def main() -> None:
    safe_console_streams()
    app()
