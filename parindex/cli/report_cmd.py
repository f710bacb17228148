"""`parindex report BUNDLE... --out report.html`, and the Excel output of `score` / `rank`."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from parindex.cli.common import (
    CriteriaOpt,
    Lang,
    LangOpt,
    dump_json,
    emit,
    handles_errors,
    print_problems,
    progress,
)
from parindex.cli.language import HELP_LANG, h
from parindex.words import t

#: where the page goes without --out: a file in the current folder, never the terminal
DEFAULT_PAGE = "report.html"


class ReportFormat(str, Enum):
    html = "html"
    json = "json"


@handles_errors
def report(bundles: list[Path] = typer.Argument(..., metavar="BUNDLE",
                                                help=h("arg.bundles")),
           out: Path | None = typer.Option(None, "--out", "-o",
                                           help=t("cli.help.report_out", HELP_LANG)),
           criteria: str | None = CriteriaOpt, lang: Lang = LangOpt,
           fmt: ReportFormat = typer.Option(ReportFormat.html, "--format", "-f",
                                            help=h("opt.report_format"))
           ) -> None:
    """One self-contained HTML page: league table, charts, scorecards; several years add trends.

    Works offline (plotly.js is embedded). Without --out the page is written to report.html
    in the current folder.
    """
    from parindex.analysis.trends import comparability_problems
    from parindex.pipeline import open_runs

    with progress(len(bundles) + 6) as advance:
        runs = open_runs(bundles, criteria, advance)
        warnings = comparability_problems(runs)
        if warnings:
            print_problems(warnings, lang=lang.value)
        if fmt is ReportFormat.json:
            from parindex.report.html import figures_json

            emit(dump_json(figures_json(runs, lang.value)), out, lang.value)
            return
        from parindex.report.html import build_report

        page = build_report(runs, lang.value, step=advance)
    emit(page, Path.cwd() / DEFAULT_PAGE if out is None else out, lang.value)
