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
    progress,
)


class ReportFormat(str, Enum):
    html = "html"
    json = "json"


@handles_errors
def report(bundles: list[Path] = typer.Argument(..., metavar="BUNDLE",
                                                help="One bundle per year (folders or .xlsx)."),
           out: Path | None = typer.Option(None, "--out", "-o",
                                           help="The HTML file to write (else stdout)."),
           criteria: str | None = CriteriaOpt, lang: Lang = LangOpt,
           fmt: ReportFormat = typer.Option(ReportFormat.html, "--format", "-f",
                                            help="html: the page; json: its charts' data.")
           ) -> None:
    """One self-contained HTML page: league table, charts, scorecards; several years add trends.

    Works offline (plotly.js is embedded). Example:
    parindex report sample/2019 sample/2020 sample/2024 --out report.html
    """
    from parindex.pipeline import open_runs

    with progress(len(bundles) + 6) as advance:
        runs = open_runs(bundles, criteria, advance)
        if fmt is ReportFormat.json:
            from parindex.report.html import figures_json

            emit(dump_json(figures_json(runs, lang.value)), out)
            return
        from parindex.report.html import build_report

        page = build_report(runs, lang.value, step=advance)
    emit(page, out)
