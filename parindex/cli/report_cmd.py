"""`parindex report BUNDLE... --out report.html`, and the Excel output of `score` / `rank`."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from parindex.cli.common import (
    CriteriaOpt,
    Lang,
    LangOpt,
    dump_json,
    emit,
    err_console,
    handles_errors,
    progress,
)

if TYPE_CHECKING:
    from parindex.scoring.run import Run


class ReportFormat(str, Enum):
    html = "html"
    json = "json"


def write_xlsx(run: Run, out: Path | None, lang: str, group: str | None = None) -> None:
    """The published workbook to ``--out`` (atomically); ``--out`` is required."""
    if out is None:
        raise typer.BadParameter("--format xlsx writes a workbook: give --out FILE.xlsx",
                                 param_hint="--out")
    from parindex.io import write_atomic
    from parindex.scoring.xlsx import league_workbook

    write_atomic(out, league_workbook(run, lang, group))
    err_console().print(f"wrote {out}")


def load_runs(paths: list[Path], criteria: str | None, advance: Any) -> list[Run]:
    """Load and score every bundle, oldest year first; two bundles of one year is an error
    (:func:`parindex.scoring.trends.sorted_runs`)."""
    from parindex.pipeline import open_run
    from parindex.scoring.trends import sorted_runs

    runs = []
    for path in paths:
        advance(f"{path}")
        runs.append(open_run(path, criteria))
    return sorted_runs(runs)


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
    with progress(len(bundles) + 6) as advance:
        runs = load_runs(bundles, criteria, advance)
        if fmt is ReportFormat.json:
            from parindex.scoring.report import figures_json

            emit(dump_json(figures_json(runs, lang.value)), out)
            return
        from parindex.scoring.report import build_report

        page = build_report(runs, lang.value, step=advance)
    emit(page, out)
