"""`parindex check | score | explain | rank`: one bundle, checked, scored, shown."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from parindex.cli.common import (
    BundleArg,
    CriteriaOpt,
    ExportFormat,
    Format,
    FormatOpt,
    Lang,
    LangOpt,
    OutOpt,
    dump_json,
    emit,
    err_console,
    frame_csv,
    frame_table,
    handles_errors,
    print_problems,
    write_xlsx,
)
from parindex.words import t

if TYPE_CHECKING:
    from parindex.errors import Problem
    from parindex.scoring.run import Run

ExportOpt = typer.Option(ExportFormat.table, "--format", "-f",
                         help="xlsx: the published workbook (with --out).")


#: more problems than this, and `check` ends with where they are, file and column
SUMMARY_AFTER = 20


def problem_summary(problems: list[Problem], most: int = 10) -> str:
    """Where the problems are: a count per file and column, most first (long lists)."""
    from collections import Counter

    counts = Counter((p.file, p.field or "", p.severity) for p in problems)
    lines = ["theo tệp và cột / by file and column:"]
    for (file, column, severity), n in counts.most_common(most):
        where = f'{file}, column "{column}"' if column else file
        lines.append(f"  {where}: {n} {severity}(s)")
    if len(counts) > most:
        rest = sum(n for _, n in counts.most_common()[most:])
        lines.append(f"  … {rest} more in {len(counts) - most} other place(s)")
    return "\n".join(lines)


@handles_errors
def check(bundle: Path = BundleArg, criteria: str | None = CriteriaOpt,
          fmt: Format = FormatOpt) -> None:
    """Validate a bundle against its edition: every problem at once; exit 1 on errors.

    Example: parindex check sample/2024
    """
    from parindex.pipeline import check as check_bundle
    from parindex.words import t

    problems = check_bundle(bundle, criteria)
    errors = [p for p in problems if p.severity == "error"]
    if fmt is Format.json:
        emit(dump_json({"errors": len(errors), "warnings": len(problems) - len(errors),
                        "problems": [p.as_dict() for p in problems]}), None)
    elif fmt is Format.csv:
        import pandas as pd

        rows = [{k: v for k, v in p.as_dict().items() if k != "code"} for p in problems]
        emit(pd.DataFrame(rows).to_csv(index=False), None)  # the CSV keeps its columns
    else:
        print_problems(problems)
        if len(problems) > SUMMARY_AFTER:
            err_console().print(problem_summary(problems), markup=False, highlight=False)
        typer.echo(t("cli.check_summary", "en", bundle=bundle, errors=len(errors),
                     warnings=len(problems) - len(errors), ok="" if errors else t("cli.ok", "en")))
    if errors:
        raise typer.Exit(1)


@handles_errors
def score(bundle: Path = BundleArg, criteria: str | None = CriteriaOpt,
          fmt: ExportFormat = ExportOpt, out: Path | None = OutOpt,
          lang: Lang = LangOpt) -> None:
    """Per-unit results: points, index %, band, rank.

    Example: parindex score sample/2024 --format json
    """
    from parindex.pipeline import open_run

    run = open_run(bundle, criteria)
    if fmt is ExportFormat.json:
        emit(dump_json(run.to_json()), out)
        return
    if fmt is ExportFormat.xlsx:
        write_xlsx(run, out, lang.value)
        return
    from parindex.report.tables import results_frame

    df = results_frame(run, lang.value)
    if fmt is ExportFormat.csv:
        emit(frame_csv(df, lang.value), out)
    else:
        title = f"{run.edition.id} — {run.year}"
        emit(frame_table(df, lang.value, title=title), out)


@handles_errors
def explain(bundle: Path = BundleArg, unit: str = typer.Argument(..., metavar="UNIT"),
            criteria: str | None = CriteriaOpt, fmt: Format = FormatOpt,
            lang: Lang = LangOpt) -> None:
    """Every leaf of one unit: input → rule → self / appraised points, points lost, evidence.

    Example: parindex explain sample/2024 XA01
    """
    from parindex.pipeline import open_run
    from parindex.report.tables import EXPLAIN_COLUMNS, explain_frame

    run = open_run(bundle, criteria)
    i = run.unit_index(unit)
    surveyed = _survey_counts(run, i)
    if fmt is Format.json:
        leaves = explain_frame(run, i, lang.value, display=False)
        records = leaves.to_dict(orient="records")
        for j, (respondents, answers) in surveyed.items():
            records[j].update(respondents=respondents, answers=answers)
        emit(dump_json({"unit": run.unit_result(i), "leaves": records}), None)
        return
    df = explain_frame(run, i, lang.value)
    source = list(EXPLAIN_COLUMNS).index("source")
    for j, (respondents, answers) in surveyed.items():
        said = t("explain.survey", lang.value, respondents=respondents, answers=answers)
        df.iat[j, source] = "; ".join(p for p in (said, str(df.iat[j, source])) if p)
    if fmt is Format.csv:
        emit(frame_csv(df, lang.value), None)
    else:
        from parindex.report.tables import fmt as number
        from parindex.report.tables import rank_words

        r, lg = run.unit_result(i), lang.value
        index = "" if r["index"] is None else f" ({number(r['index'], lg)}%)"
        title = (f"{r['name']} ({r['code']}) — {run.edition.id} {run.year}: "
                 f"{number(r['total'], lg)}/{number(r['applicable_max'], lg)}{index}, "
                 f"{r['band'] or ''}{rank_words(r['rank'], lg)}")
        emit(frame_table(df, lang.value, title=title), None)


def _survey_counts(run: Run, unit: int) -> dict[int, tuple[int, int]]:
    """Leaf index → (respondents, answers) behind the unit's leaves computed from the survey
    table (none when the bundle has no survey table)."""
    from parindex.criteria.compiled import SurveySource

    survey = run.inputs.survey
    if survey is None or not len(survey.unit):
        return {}
    return {lf.index: survey.counts(lf.source, unit) for lf in run.edition.leaves
            if isinstance(lf.source, SurveySource)}


@handles_errors
def rank(bundle: Path = BundleArg, group: str | None = typer.Option(None, "--group", "-g"),
         criteria: str | None = CriteriaOpt, fmt: ExportFormat = ExportOpt,
         out: Path | None = OutOpt, lang: Lang = LangOpt) -> None:
    """The league table in the published layout, one table per ranking group (CSV: one
    table with a heading row per group; xlsx: overall, per-group and detail sheets).

    Example: parindex rank sample/2024 --group "Huyện Sông Mây"
    """
    from parindex.pipeline import open_run
    from parindex.report.tables import league_frames

    run = open_run(bundle, criteria)
    frames = league_frames(run, lang.value, group)
    if group is not None and not frames:
        from parindex.errors import EvidenceError, Problem

        groups = ", ".join(dict.fromkeys(run.units["group"]))
        raise EvidenceError([Problem("units", "", f"no group named {group!r}",
                                     field="group", value=group, hint=f"groups: {groups}")])
    if fmt is ExportFormat.json:
        emit(dump_json([{"group": g, "units": df.to_dict(orient="records")}
                        for g, df in frames]), out)
    elif fmt is ExportFormat.csv:
        from parindex.report.published import published_csv, published_frame

        emit(published_csv(published_frame(run, lang.value, group), lang.value), out)
    elif fmt is ExportFormat.xlsx:
        write_xlsx(run, out, lang.value, group)
    else:
        from parindex.report.tables import area_legend

        short = league_frames(run, lang.value, group, short=True)
        text = "".join(frame_table(df, lang.value, title=f"{g} — {run.year}")
                       for g, df in short) + area_legend(run) + "\n"
        emit(text, out)
