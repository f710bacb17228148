"""`parindex whatif | plan | weak | uncertainty`: what would change a score, and how sure it is.

Each command opens the run once, calls one function of :mod:`parindex.scoring` and renders
its result; docs/WHATIF.md explains the models behind them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from parindex.cli.common import (
    BundleArg,
    CriteriaOpt,
    Format,
    FormatOpt,
    Lang,
    LangOpt,
    OutOpt,
    dump_json,
    emit,
    frame_csv,
    frame_table,
    handles_errors,
    progress,
)

if TYPE_CHECKING:
    import pandas as pd



def _tables(parts: list[tuple[str, pd.DataFrame]], lang: str) -> str:
    """Several titled tables for the terminal; empty ones are left out."""
    return "".join(frame_table(df, lang, title=title) for title, df in parts if len(df))


def _render(fmt: Format, data: dict[str, Any], csv_frame: Callable[[], pd.DataFrame],
            parts: Callable[[], list[tuple[str, pd.DataFrame]]], lang: str,
            out: Path | None, head: str = "") -> None:
    """JSON, CSV (the frame ``csv_frame`` builds) or titled tables (``parts`` builds) with a
    heading: only the output asked for is built."""
    if fmt is Format.json:
        emit(dump_json(data), out)
    elif fmt is Format.csv:
        emit(frame_csv(csv_frame(), lang), out)
    else:
        emit(head + _tables(parts(), lang), out)


@handles_errors
def whatif(bundle: Path = BundleArg,
           unit: str | None = typer.Argument(None, metavar="[UNIT]",
                                             help="The unit the --set changes apply to."),
           sets: list[str] | None = typer.Option(
               None, "--set", "-s", metavar="CODE=VALUE",
               help="Set a leaf's appraised input (repeatable)."),
           scenario: Path | None = typer.Option(
               None, "--scenario", help="Changes for one or many units: YAML or CSV with "
               "unit, criterion, value."),
           criteria: str | None = CriteriaOpt,
           compare: str | None = typer.Option(
               None, "--compare", metavar="ID_OR_FILE",
               help="Also score the bundle with this edition and compare every unit's rank "
               "(changes then apply under this edition)."),
           fmt: Format = FormatOpt, out: Path | None = OutOpt, lang: Lang = LangOpt) -> None:
    """Scores and ranks before and after changing some inputs, or under another edition.

    Example: parindex whatif sample/2024 SM07 --set 1.1.3=95 --set 3.2.2=có
    """
    from parindex.analysis.whatif import parse_sets, read_scenario, whatif_under
    from parindex.analysis.whatif import whatif as run_whatif
    from parindex.pipeline import edition_for, open_run
    from parindex.report.analysis_tables import changes_frame, ranks_frame, units_frame

    if sets and unit is None:
        raise typer.BadParameter("--set needs the UNIT it applies to", param_hint="UNIT")
    try:
        changes = parse_sets(unit or "", sets or [])
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--set") from None
    if scenario is not None:
        changes += read_scenario(scenario)
    if not changes and unit is None and compare is None:
        raise typer.BadParameter("give UNIT with --set, a --scenario or --compare")
    base = open_run(bundle, criteria)
    if compare is None:
        w = run_whatif(base, changes, focus=unit)
    else:
        assert base.bundle is not None
        w = whatif_under(base, edition_for(base.bundle, compare), changes, focus=unit)
    lg = lang.value
    data = w.to_json()

    def parts() -> list[tuple[str, pd.DataFrame]]:
        out = [("", changes_frame(w, lg)), ("", units_frame(w.before, w.after, w.units, lg))]
        if compare is not None:
            out.append((f"{w.before.edition.id} → {w.after.edition.id}",
                        ranks_frame(w.before, w.after, lg)))
        else:
            moved = {m["code"] for m in data["moved"]}
            title = "Các đơn vị đổi hạng" if lg == "vi" else "Other units that moved"
            out.append((title, ranks_frame(w.before, w.after, lg, only=moved)))
        return out

    head = "" if w.effects or compare is not None else \
        ("Không có thay đổi.\n" if lg == "vi" else "No changes.\n")
    _render(fmt, data, lambda: ranks_frame(w.before, w.after, lg), parts, lg, out, head)


@handles_errors
def plan(bundle: Path = BundleArg,
         unit: str = typer.Argument(..., metavar="UNIT", help="The unit's code."),
         target: str = typer.Option(..., "--target", "-t", metavar="BAND|rank:N|points:X",
                                    help="A band name (that band or better), rank:N "
                                    "(overall), group:N (within the group) or points:X."),
         costs: Path | None = typer.Option(None, "--costs", help="Effort per criterion (YAML "
                                           "or CSV criterion, cost); default 1 per change."),
         show_all: bool = typer.Option(False, "--all", help="Also list every feasible "
                                       "improvement of the unit."),
         allow_na: bool = typer.Option(False, "--allow-na", help="Let the plan give a "
                                       "not-applicable criterion a value."),
         include_survey: bool = typer.Option(False, "--include-survey", help="Let the plan "
                                             "change survey results."),
         criteria: str | None = CriteriaOpt, fmt: Format = FormatOpt,
         out: Path | None = OutOpt, lang: Lang = LangOpt) -> None:
    """The cheapest set of criterion improvements that reaches a band, a rank or a total.

    Not-applicable criteria and survey results are not changed unless asked.

    Example: parindex plan sample/2024 SM07 --target Tốt
    """
    from parindex.analysis.costs import read_costs
    from parindex.analysis.improvements import Levers
    from parindex.analysis.plan import parse_target
    from parindex.analysis.plan import plan as make_plan
    from parindex.pipeline import open_run
    from parindex.report.analysis_tables import plan_frames
    from parindex.words import t

    run = open_run(bundle, criteria)
    try:
        goal = parse_target(target, run.edition)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--target") from None
    i = run.unit_index(unit)
    p = make_plan(run, i, goal, read_costs(costs, run.edition) if costs else None,
                  Levers(allow_na=allow_na, include_survey=include_survey))
    lg = lang.value
    data = p.to_json()
    frames = plan_frames(p, lg, data)
    b, a = data["before"], data["after"]
    if lg == "vi":
        verdict = "đạt được" if data["reachable"] else "không đạt được; phương án tốt nhất"
        head = (f"{b['name']} ({b['code']}) — mục tiêu {data['target']}: {verdict}, "
                f"{len(data['changes'])} thay đổi, chi phí {data['cost']:g}\n")
    else:
        verdict = "reachable" if data["reachable"] else "not reachable; the best there is"
        head = (f"{b['name']} ({b['code']}) — target {data['target']}: {verdict}, "
                f"{len(data['changes'])} change(s), cost {data['cost']:g}\n")
    from parindex.report.tables import fmt as number

    head += f"{number(b['index'] or 0, lg)}% → {number(a['index'] or 0, lg)}%\n"
    for need in data["needs"]:
        head += t(f"plan.needs.{need}", lg) + "\n"
    parts = [("", frames["changes"]), ("", frames["units"])]
    if show_all:
        parts.append(("", frames["options"]))
    _render(fmt, data, lambda: frames["changes"], lambda: parts, lg, out, head)


@handles_errors
def weak(bundle: Path = BundleArg,
         unit: str | None = typer.Argument(None, metavar="[UNIT]",
                                           help="One unit in detail; default every unit."),
         criteria: str | None = CriteriaOpt, fmt: Format = FormatOpt,
         out: Path | None = OutOpt, lang: Lang = LangOpt) -> None:
    """Each unit's leaves by points lost, and where it trails its group or its band.

    Example: parindex weak sample/2024 SM08
    """
    from parindex.analysis.weak import weak as weak_report
    from parindex.pipeline import open_run
    from parindex.report.analysis_tables import weak_summary_frame, weak_unit_frames

    run = open_run(bundle, criteria)
    lg = lang.value
    if unit is None:
        reports = weak_report(run)
        summary = weak_summary_frame(reports, lg)
        data = {"edition": run.edition.id, "year": run.year, "units": reports}
        _render(fmt, data, lambda: summary,
                lambda: [(f"{run.edition.id} — {run.year}", summary)], lg, out)
        return
    report = weak_report(run, [run.unit_index(unit)])[0]
    frames = weak_unit_frames(report, lg)
    titles = {"lost": ("Điểm bị mất", "Points lost"),
              "below_group_median": ("Lĩnh vực dưới trung vị nhóm", "Areas below the group "
                                     "median"),
              "below_band": ("Lĩnh vực dưới ngưỡng xếp loại", "Areas below the band minimum")}
    parts = [(titles[k][lg == "en"], df) for k, df in frames.items()]
    from parindex.report.tables import fmt as number
    from parindex.report.tables import rank_words

    head = (f"{report['name']} ({report['code']}): {number(report['index'] or 0, lg)}%, "
            f"{report['band'] or ''}{rank_words(report['rank'], lg)}\n")
    _render(fmt, {"edition": run.edition.id, "year": run.year, **report},
            lambda: frames["lost"], lambda: parts, lg, out, head)


@handles_errors
def uncertainty(bundle: Path = BundleArg,
                draws: int = typer.Option(1000, "--draws", "-n", min=1,
                                          help="Number of Monte Carlo draws."),
                seed: int = typer.Option(0, "--seed", min=0, help="Random seed (same seed, same "
                                         "result)."),
                tolerance: str | None = typer.Option(
                    None, "--tolerance", metavar="KEY=VALUE,...",
                    help="Appraisal tolerances: percent=2 (points), number=5 (%), count=0.1 "
                    "and step=0.1 (probabilities); 0 for none."),
                weights: float = typer.Option(0.1, "--weights", min=0.0, max=0.99,
                                              help="Each area's max × U(1−X, 1+X), "
                                              "renormalised; 0 keeps the weights."),
                criteria: str | None = CriteriaOpt, fmt: Format = FormatOpt,
                out: Path | None = OutOpt, lang: Lang = LangOpt) -> None:
    """Median rank, 5–95% rank band and band probabilities under appraisal and weight noise.

    Example: parindex uncertainty sample/2024 --draws 2000 --seed 7
    """

    from parindex.analysis.uncertainty import Tolerance
    from parindex.analysis.uncertainty import uncertainty as monte_carlo
    from parindex.pipeline import open_run
    from parindex.report.analysis_tables import uncertainty_frame

    try:
        tol = Tolerance.parse(tolerance)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--tolerance") from None
    run = open_run(bundle, criteria)
    with progress(draws, "Monte Carlo") as advance:
        u = monte_carlo(run, draws, seed, tol, weights,
                        progress=lambda n: advance("Monte Carlo", n))
    lg = lang.value
    df = uncertainty_frame(u, lg)
    head = (f"{run.edition.id} — {run.year}: {draws} draws, seed {seed}, "
            f"tolerance {tol.__dict__}, weights ±{weights:g}\n")
    _render(fmt, u.to_json(), lambda: df, lambda: [("", df)], lg, out, head)
