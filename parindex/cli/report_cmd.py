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
from parindex.words import t

#: where the page goes without --out: a file in the current folder, never the terminal
DEFAULT_PAGE = "report.html"


class ReportFormat(str, Enum):
    html = "html"
    json = "json"


@handles_errors
def report(bundles: list[Path] = typer.Argument(..., metavar="BUNDLE",
                                                help="One bundle per year (folders or .xlsx)."),
           out: Path | None = typer.Option(None, "--out", "-o",
                                           help=t("cli.help.report_out", "vi")),
           criteria: str | None = CriteriaOpt, lang: Lang = LangOpt,
           fmt: ReportFormat = typer.Option(ReportFormat.html, "--format", "-f",
                                            help="html: the page; json: its charts' data.")
           ) -> None:
    """One self-contained HTML page: league table, charts, scorecards; several years add trends.

    Works offline (plotly.js is embedded). Without --out the page is written to report.html
    in the current folder. Example:
    parindex report sample/2019 sample/2020 sample/2024 --out report.html
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

            emit(dump_json(figures_json(runs, lang.value)), out)
            return
        from parindex.report.html import build_report

        page = build_report(runs, lang.value, step=advance)
    emit(page, Path.cwd() / DEFAULT_PAGE if out is None else out)
