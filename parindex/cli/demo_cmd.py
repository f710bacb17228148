"""`parindex demo`: the whole pipeline on the bundled sample district."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from parindex.cli.common import Lang, LangOpt, emit, err_console, handles_errors
from parindex.cli.language import h
from parindex.words import t

if TYPE_CHECKING:
    from parindex.scoring.run import Run


def _year_line(run: Run, lang: str) -> str:
    """One sample year in a line: edition, units, mean, best and worst index."""
    import numpy as np

    from parindex.report.tables import fmt

    idx = run.scores.index
    return t("demo.year", lang, year=run.year, edition=run.edition.id, n=len(run.units),
             mean=fmt(float(np.nanmean(idx)), lang), best=fmt(float(np.nanmax(idx)), lang),
             worst=fmt(float(np.nanmin(idx)), lang))


@handles_errors
def demo(out: Path | None = typer.Option(None, "--out", "-o", help=h("opt.demo_out")),
         lang: Lang = LangOpt) -> None:
    """Check, score and rank the sample district for every year; print the latest league table.

    With --out DIR: DIR/<year>/score.json, score.csv, league.xlsx and DIR/report.html; for
    the latest year also the papers: the decision annex (.docx), the one-stop annex and the
    reports follow-up (.xlsx and .docx, as of 31 December).
    """
    from parindex.cli.common import dump_json, frame_csv, frame_table
    from parindex.io import write_atomic
    from parindex.pipeline import open_run
    from parindex.report.html import build_report
    from parindex.report.tables import area_legend, league_frames, results_frame
    from parindex.report.xlsx import league_workbook
    from parindex.samples.sample import sample_bundles

    console = err_console()
    runs = []
    for path in sample_bundles():
        run = open_run(path)
        runs.append(run)
        console.print(_year_line(run, lang.value))
        if out is not None:
            base = out / str(run.year)
            write_atomic(base / "score.json", dump_json(run.to_json()))
            write_atomic(base / "score.csv", frame_csv(results_frame(run, lang.value),
                                                       lang.value))
            write_atomic(base / "league.xlsx", league_workbook(run, lang.value))
    latest = runs[-1]
    text = "".join(frame_table(df, lang.value, title=f"{g} — {latest.year}")
                   for g, df in league_frames(latest, lang.value, short=True))
    text += area_legend(latest) + "\n"
    emit(text, None)
    if out is not None:
        _papers(latest, out / str(latest.year), lang.value)
        write_atomic(out / "report.html", build_report(runs, lang.value))
        console.print(t("demo.wrote", lang.value, n=len(runs), out=out,
                        report=out / "report.html"))


#: the papers of the latest year, by file name: the decision annex, then the one-stop annex
#: and the reports' follow-up, each as a workbook and a Word file
PAPERS = ("phu-luc-xep-hang.docx", "phu-luc-mot-cua.xlsx", "phu-luc-mot-cua.docx",
          "theo-doi-bao-cao.xlsx", "theo-doi-bao-cao.docx")


def _papers(run: Run, base: Path, lang: str) -> None:
    """The latest year's papers: the decision annex, the one-stop annex of the year and the
    follow-up of the periodic reports at the year's end."""
    import datetime as dt

    from parindex.io import write_atomic
    from parindex.report.docx_annex import annex_docx as decision_docx
    from parindex.report.docx_periodic import annex_docx, followup_docx
    from parindex.report.one_stop_annex import annex
    from parindex.report.one_stop_xlsx import annex_workbook
    from parindex.report.report_followup import followup, followup_workbook

    authority = run.bundle.authority if run.bundle is not None else ""
    decision, one_stop, one_stop_docx, reports, reports_docx = PAPERS
    write_atomic(base / decision, decision_docx(run, lang))
    one_stop_data = annex(run, "YEAR", lang)
    write_atomic(base / one_stop, annex_workbook(one_stop_data, authority, lang))
    write_atomic(base / one_stop_docx, annex_docx(one_stop_data, authority, lang))
    reports_data = followup(run, dt.date(run.year, 12, 31))
    write_atomic(base / reports, followup_workbook(reports_data, run.year, lang))
    write_atomic(base / reports_docx, followup_docx(reports_data, run.year, authority, lang))
