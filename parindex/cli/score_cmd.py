"""`parindex check | score | explain | rank`: one bundle, checked, scored, shown."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from parindex.cli.common import (
    BundleArg,
    CriteriaOpt,
    ExplainFormat,
    ExportFormat,
    Format,
    FormatOpt,
    Lang,
    LangOpt,
    OutOpt,
    RankFormat,
    dump_json,
    emit,
    err_console,
    frame_csv,
    frame_table,
    handles_errors,
    print_problems,
    write_docx,
    write_xlsx,
)
from parindex.cli.language import HELP_LANG, h
from parindex.cli.names import pick, unit_of
from parindex.words import t

if TYPE_CHECKING:
    import pandas as pd

    from parindex.errors import Problem
    from parindex.scoring.run import Run

ExportOpt = typer.Option(ExportFormat.table, "--format", "-f", help=h("opt.export"))
UnitArg = typer.Argument(..., metavar="UNIT", help=h("arg.unit"))
RankOpt = typer.Option(RankFormat.table, "--format", "-f",
                       help=t("cli.help.rank_format", HELP_LANG))
ExplainOpt = typer.Option(ExplainFormat.table, "--format", "-f",
                          help=t("cli.help.explain_format", HELP_LANG))
DocOutOpt = typer.Option(None, "--out", "-o", help=t("cli.help.docx_out", HELP_LANG))
ExplainOwnerOpt = typer.Option(None, "--owner", help=h("opt.explain_owner"))


#: more problems than this, and `check` ends with where they are, file and column
SUMMARY_AFTER = 20


def problem_summary(problems: list[Problem], most: int = 10, lang: str = "vi") -> str:
    """Where the problems are: a count per file and column, most first (long lists)."""
    from collections import Counter

    from parindex.words import t

    counts = Counter((p.file, p.field or "", p.severity) for p in problems)
    lines = [t("cli.summary_head", lang)]
    for (file, column, severity), n in counts.most_common(most):
        where = file + (t("where.column", lang, column=column) if column else "")
        lines.append("  " + t("cli.summary_line", lang, where=where, n=n,
                                severity=t(f"cli.tag.{severity}", lang)))
    if len(counts) > most:
        rest = sum(n for _, n in counts.most_common()[most:])
        lines.append("  " + t("cli.summary_rest", lang, n=rest, places=len(counts) - most))
    return "\n".join(lines)


#: check --out: the workbook written back with its problem cells marked (not the report)
MarkedOpt = typer.Option(None, "--out", "-o", help=h("check.out"))
CheckOwnerOpt = typer.Option(None, "--owner", help=h("check.owner"))


@handles_errors
def check(bundle: Path = BundleArg, criteria: str | None = CriteriaOpt,
          fmt: Format = FormatOpt, marked: Path | None = MarkedOpt,
          owner: str | None = CheckOwnerOpt, lang: Lang = LangOpt) -> None:
    """Validate a bundle against its edition: every problem at once; exit 1 on errors."""
    from parindex.evidence.mark import refuse_target, write_marked
    from parindex.pipeline import check as check_bundle

    if marked is not None:
        refuse_target(bundle, marked)
    problems = check_bundle(bundle, criteria, owner)
    if marked is not None:
        cells = write_marked(bundle, marked, problems, lang.value)
        err_console().print(t("cli.marked", lang.value, out=marked, cells=cells),
                            markup=False, highlight=False)
    errors = [p for p in problems if p.severity == "error"]
    if fmt is Format.json:
        emit(dump_json({"errors": len(errors), "warnings": len(problems) - len(errors),
                        "problems": [p.as_dict() for p in problems]}), None)
    elif fmt is Format.csv:
        import pandas as pd

        rows = [{k: v for k, v in p.as_dict().items() if k != "code"} for p in problems]
        emit(pd.DataFrame(rows).to_csv(index=False), None)  # the CSV keeps its columns
    else:
        lg = lang.value
        print_problems(problems, lang=lg)
        if len(problems) > SUMMARY_AFTER:
            err_console().print(problem_summary(problems, lang=lg), markup=False,
                                highlight=False)
        typer.echo(t("cli.check_summary", lg, bundle=bundle, errors=len(errors),
                     warnings=len(problems) - len(errors), ok="" if errors else t("cli.ok", lg)))
    if errors:
        raise typer.Exit(1)


@handles_errors
def score(bundle: Path = BundleArg, criteria: str | None = CriteriaOpt,
          fmt: ExportFormat = ExportOpt, out: Path | None = OutOpt,
          lang: Lang = LangOpt,
          owner: str | None = typer.Option(None, "--owner", help=h("opt.score_owner"))
          ) -> None:
    """Per-unit results: points, index %, band, rank."""
    from parindex.pipeline import open_run

    run = open_run(bundle, criteria)
    if owner is not None:
        _owner_scores(run, owner, fmt, out, lang.value)
        return
    if fmt is ExportFormat.json:
        emit(dump_json(run.to_json()), out, lang.value)
        return
    if fmt is ExportFormat.xlsx:
        write_xlsx(run, out, lang.value)
        return
    from parindex.report.tables import results_frame

    df = results_frame(run, lang.value)
    if fmt is ExportFormat.csv:
        emit(frame_csv(df, lang.value), out, lang.value)
    else:
        title = f"{run.edition.id} — {run.year}"
        emit(frame_table(df, lang.value, title=title), out, lang.value)


def owner_of(run: Run, owner: str) -> str:
    """The department named, as the edition writes it; an unknown one is refused (exit 1)."""
    from parindex.report.owner import owners

    return pick(owner, owners(run), "owner", file=run.edition.id)


def _owner_scores(run: Run, owner: str, fmt: ExportFormat, out: Path | None,
                  lang: str) -> None:
    """``score --owner``: each unit's points, max and index on the department's areas."""
    from parindex.report.owner import owner_frame, owner_results

    data = owner_results(run, owner_of(run, owner))
    if fmt is ExportFormat.json:
        emit(dump_json(data), out, lang)
    elif fmt is ExportFormat.xlsx:
        raise typer.BadParameter(t("cli.owner_formats", lang), param_hint="--format")
    elif fmt is ExportFormat.csv:
        emit(frame_csv(owner_frame(data, lang), lang), out, lang)
    else:
        title = t("cli.owner_title", lang, owner=data["owner"], edition=run.edition.id,
                  year=run.year)
        emit(frame_table(owner_frame(data, lang), lang, title=title), out, lang)


@handles_errors
def explain(bundle: Path = BundleArg, unit: str = UnitArg,
            criteria: str | None = CriteriaOpt, fmt: ExplainFormat = ExplainOpt,
            lang: Lang = LangOpt, out: Path | None = DocOutOpt,
            owner: str | None = ExplainOwnerOpt) -> None:
    """Every leaf of one unit: input → rule → self / appraised points, points lost, evidence;
    with --owner only the leaves of the areas that department owns, and its figures."""
    from parindex.pipeline import open_run

    run = open_run(bundle, criteria)
    i = unit_of(run, unit)
    kept, own = _owned(run, i, None if owner is None else owner_of(run, owner))
    lg = lang.value
    if fmt is ExplainFormat.docx:
        from parindex.report.docx_annex import unit_sheet_docx

        name = None if own is None else own["owner"]
        write_docx(lambda: unit_sheet_docx(run, i, lg, name), out, lg)
    elif fmt is ExplainFormat.json:
        emit(dump_json(_explain_json(run, i, lg, kept, own)), out, lg)
    elif fmt is ExplainFormat.csv:
        emit(frame_csv(_explain_table(run, i, lg, kept), lg), out, lg)
    else:
        emit(frame_table(_explain_table(run, i, lg, kept), lg,
                         title=_explain_title(run, i, lg, own)), out, lg)


def _owned(run: Run, i: int, owner: str | None) -> tuple[list[bool], dict[str, Any] | None]:
    """Per leaf, whether ``explain`` shows it, and the owner's figures for the unit (every
    leaf, and None, without an owner)."""
    if owner is None:
        return [True] * len(run.edition.leaves), None
    from parindex.report.owner import owned_areas, owned_leaves, owner_unit

    return owned_leaves(run, owned_areas(run, owner)).tolist(), owner_unit(run, owner, i)


def _explain_json(run: Run, i: int, lang: str, kept: list[bool],
                  own: dict[str, Any] | None) -> dict[str, Any]:
    """``explain --format json``: the unit, its ``kept`` leaves (with the survey counts),
    and with an owner ``owner``: its figures on its areas."""
    from parindex.report.tables import explain_frame

    records = explain_frame(run, i, lang, display=False).to_dict(orient="records")
    for j, (respondents, answers) in _survey_counts(run, i).items():
        records[j].update(respondents=respondents, answers=answers)
    data: dict[str, Any] = {"unit": run.unit_result(i),
                            "leaves": [r for r, k in zip(records, kept, strict=True) if k]}
    return data if own is None else {**data, "owner": own}


def _explain_table(run: Run, i: int, lang: str, kept: list[bool]) -> pd.DataFrame:
    """The table and CSV of ``explain``: the survey counts in the evidence column."""
    from parindex.report.tables import EXPLAIN_COLUMNS, explain_frame

    df = explain_frame(run, i, lang)
    source = list(EXPLAIN_COLUMNS).index("source")
    for j, (respondents, answers) in _survey_counts(run, i).items():
        said = t("explain.survey", lang, respondents=respondents, answers=answers)
        df.iat[j, source] = "; ".join(p for p in (said, str(df.iat[j, source])) if p)
    return df[kept].reset_index(drop=True)


def _explain_title(run: Run, i: int, lang: str, own: dict[str, Any] | None) -> str:
    """The unit, edition and year, then its total, max, index, band and rank — or with an
    owner the owner's points, max and index on its areas."""
    from parindex.report.tables import fmt as number
    from parindex.report.tables import rank_words

    r = run.unit_result(i)
    head = f"{r['name']} ({r['code']}) — {run.edition.id} {run.year}: "
    if own is not None:
        index = "" if own["index"] is None else f" ({number(own['index'], lang)}%)"
        return head + t("explain.owner_title", lang, owner=own["owner"],
                        areas=", ".join(own["areas"]), points=number(own["points"], lang),
                        max=number(own["max"], lang), index=index)
    index = "" if r["index"] is None else f" ({number(r['index'], lang)}%)"
    return (head + f"{number(r['total'], lang)}/{number(r['applicable_max'], lang)}{index}, "
            f"{r['band'] or ''}{rank_words(r['rank'], lang)}")


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
def rank(bundle: Path = BundleArg,
         group: str | None = typer.Option(None, "--group", "-g", help=h("opt.group")),
         criteria: str | None = CriteriaOpt, fmt: RankFormat = RankOpt,
         out: Path | None = OutOpt, lang: Lang = LangOpt,
         detail: bool = typer.Option(False, "--detail", help=h("opt.detail"))) -> None:
    """The league table in the published layout, one table per ranking group (CSV: one
    table with a heading row per group; xlsx: overall and per-group sheets, and with
    --detail the criterion-by-criterion sheet; docx: the annex of the decision)."""
    from parindex.pipeline import open_run
    from parindex.report.tables import league_frames

    run = open_run(bundle, criteria)
    if group is not None:
        group = pick(group, [str(g) for g in run.units["group"]], "group")
    frames = league_frames(run, lang.value, group)
    if fmt is RankFormat.json:
        emit(dump_json([{"group": g, "units": df.to_dict(orient="records")}
                        for g, df in frames]), out, lang.value)
    elif fmt is RankFormat.csv:
        from parindex.report.published import published_csv, published_frame

        emit(published_csv(published_frame(run, lang.value, group), lang.value), out,
             lang.value)
    elif fmt is RankFormat.xlsx:
        write_xlsx(run, out, lang.value, group, detail)
    elif fmt is RankFormat.docx:
        from parindex.report.docx_annex import annex_docx

        write_docx(lambda: annex_docx(run, lang.value, group), out, lang.value)
    else:
        from parindex.report.tables import area_legend

        short = league_frames(run, lang.value, group, short=True)
        from parindex.report.tables import header

        whole = (header("unit", lang.value),)
        text = "".join(frame_table(df, lang.value, title=f"{g} — {run.year}", whole=whole)
                       for g, df in short) + area_legend(run) + "\n"
        emit(text, out, lang.value)
