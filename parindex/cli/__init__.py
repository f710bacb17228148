"""The `parindex` command line. Commands live one group per module; each calls the pipeline
and a renderer, nothing else. Heavy libraries are imported inside the commands that use
them, so `parindex --help` and a JSON score start quickly."""

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
)
from parindex.cli.common import STATE

app = typer.Typer(
    name="parindex",
    help="Score the administrative-reform index (Chỉ số CCHC) from criteria and evidence.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
)


@app.callback()
def _root(debug: bool = typer.Option(False, "--debug", help="Show tracebacks.")) -> None:
    STATE["debug"] = debug


app.command("editions")(criteria_cmd.editions)
app.add_typer(criteria_cmd.app, name="criteria")
app.command("check")(score_cmd.check)
app.command("score")(score_cmd.score)
app.command("explain")(score_cmd.explain)
app.command("rank")(score_cmd.rank)
app.command("demo")(demo_cmd.demo)
app.command("report")(report_cmd.report)
app.command("template")(workbook_cmd.template)
app.command("merge")(workbook_cmd.merge)
app.command("whatif")(analysis_cmd.whatif)
app.command("plan")(analysis_cmd.plan)
app.command("weak")(analysis_cmd.weak)
app.command("uncertainty")(analysis_cmd.uncertainty)
periodic_cmd.register(app)  # one-stop, reports


def main() -> None:
    app()
