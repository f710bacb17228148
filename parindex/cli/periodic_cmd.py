"""`parindex one-stop | reports`: the periodic report's one-stop annex, and the periodic
reports followed up. Help texts are the words table's (Vietnamese); what the commands compute
lives in ``report.one_stop_annex`` and ``report.report_followup``, imported inside them."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from parindex.cli.common import (
    BundleArg,
    CriteriaOpt,
    Lang,
    LangOpt,
    OutOpt,
    dump_json,
    emit,
    err_console,
    frame_csv,
    frame_table,
    handles_errors,
    write_docx,
    write_out,
)
from parindex.cli.language import h
from parindex.cli.lean import LeanCommand
from parindex.words import t

if TYPE_CHECKING:
    from parindex.scoring.run import Run


class Period(str, Enum):
    """``--period``: a quarter, or the quarters from Q1 to the end of H1, 9M or the year."""

    Q1 = "Q1"
    Q2 = "Q2"
    Q3 = "Q3"
    Q4 = "Q4"
    H1 = "H1"
    nine_months = "9M"
    YEAR = "YEAR"


class PaperFormat(str, Enum):
    """The periodic papers are also written as print-ready workbooks and Word files (both
    need ``--out``)."""

    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"
    docx = "docx"


PeriodOpt = typer.Option(Period.YEAR, "--period", "-p", help=h("periodic.period"))
FormatOpt = typer.Option(PaperFormat.table, "--format", "-f",
                         help=h("periodic.format"))
#: units without figures named on stderr, at most
SHOWN = 12
AsOfOpt = typer.Option(None, "--as-of", metavar="DD/MM/YYYY", help=h("periodic.as_of"))


def _warn(run: Run, table: str) -> None:
    """The bundle's warnings about ``table`` on stderr (the scores still stand)."""
    from parindex.cli.common import print_problems

    warnings = [p for p in run.inputs.problems
                if p.severity == "warning" and p.file.startswith(table)]
    if warnings:
        print_problems(warnings)


@handles_errors
def one_stop(bundle: Path = BundleArg, period: Period = PeriodOpt,
             criteria: str | None = CriteriaOpt, fmt: PaperFormat = FormatOpt,
             out: Path | None = OutOpt, lang: Lang = LangOpt) -> None:
    from parindex.pipeline import open_run
    from parindex.report.one_stop_annex import annex, annex_frame, annex_title, period_words

    run = open_run(bundle, criteria)
    _warn(run, "one_stop")
    data = annex(run, period.value, lang.value)
    if data["without"]:
        shown = data["without"][:SHOWN]
        more = len(data["without"]) - len(shown)
        units = ", ".join(shown) + (f" … (+{more})" if more else "")
        err_console().print(t("annex.without", lang.value, units=units,
                              period=period_words(period.value, lang.value)), markup=False)
    authority = run.bundle.authority if run.bundle is not None else ""
    if fmt is PaperFormat.json:
        emit(dump_json({k: v for k, v in data.items() if k != "without"}), out)
    elif fmt is PaperFormat.xlsx:
        from parindex.report.one_stop_xlsx import annex_workbook

        write_out(lambda: annex_workbook(data, authority, lang.value), out, lang.value,
                  "cli.xlsx_needs_out")
    elif fmt is PaperFormat.docx:
        from parindex.report.docx_periodic import annex_docx

        write_docx(lambda: annex_docx(data, authority, lang.value), out, lang.value)
    elif fmt is PaperFormat.csv:
        emit(frame_csv(annex_frame(data, lang.value), lang.value), out)
    else:
        emit(frame_table(annex_frame(data, lang.value), lang.value,
                         title=annex_title(data, lang.value)), out)


def _as_of(text: str | None) -> Any:
    if text is None:
        return None
    import datetime as dt

    for form in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), form).date()
        except ValueError:
            continue
    from parindex.errors import quote

    raise typer.BadParameter(t("periodic.as_of", "vi", quoted=quote(text)),
                             param_hint="--as-of")


@handles_errors
def reports(bundle: Path = BundleArg, as_of: str | None = AsOfOpt,
            criteria: str | None = CriteriaOpt, fmt: PaperFormat = FormatOpt,
            out: Path | None = OutOpt, lang: Lang = LangOpt) -> None:
    from parindex.pipeline import open_run
    from parindex.report.report_followup import (
        followup,
        followup_frame,
        followup_workbook,
        remind_frame,
        shown_date,
    )

    day = _as_of(as_of)
    run = open_run(bundle, criteria)
    _warn(run, "reports")
    data = followup(run, day)
    lg = lang.value
    if fmt is PaperFormat.json:
        emit(dump_json(data), out)
    elif fmt is PaperFormat.xlsx:
        write_out(lambda: followup_workbook(data, run.year, lg), out, lang.value,
                  "cli.xlsx_needs_out")
    elif fmt is PaperFormat.docx:
        from parindex.report.docx_periodic import followup_docx

        authority = run.bundle.authority if run.bundle is not None else ""
        write_docx(lambda: followup_docx(data, run.year, authority, lg), out, lg)
    elif fmt is PaperFormat.csv:
        emit(frame_csv(followup_frame(data, lg), lg), out)
    else:
        text = frame_table(followup_frame(data, lg), lg, title=t("followup.title", lg,
                                                                 year=run.year))
        remind = remind_frame(data, lg)
        title = t("followup.remind_title", lg, date=shown_date(data["as_of"], lg))
        text += (frame_table(remind, lg, title=title) if len(remind)
                 else f"{title}: {t('followup.none_to_remind', lg)}\n")
        emit(text, out)


def register(app: typer.Typer) -> None:
    """Add ``one-stop`` and ``reports`` to the command line, with their help texts."""
    app.command("one-stop", cls=LeanCommand, help=h("cmd.one-stop"))(one_stop)
    app.command("reports", cls=LeanCommand, help=h("cmd.reports"))(reports)
