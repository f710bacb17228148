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
    emit,
    frame_csv,
    frame_table,
    handles_errors,
    progress,
)
from parindex.cli.language import h
from parindex.cli.names import pick, unit_of
from parindex.cli.stdout import json_bytes
from parindex.errors import said
from parindex.words import t

if TYPE_CHECKING:
    import pandas as pd

    from parindex.criteria import CompiledEdition
    from parindex.scoring.run import Run


def _tables(parts: list[tuple[str, pd.DataFrame]], lang: str) -> str:
    """Several titled tables for the terminal; empty ones are left out."""
    return "".join(frame_table(df, lang, title=title) for title, df in parts if len(df))


def _render(fmt: Format, data: dict[str, Any], csv_frame: Callable[[], pd.DataFrame],
            parts: Callable[[], list[tuple[str, pd.DataFrame]]], lang: str,
            out: Path | None, head: str = "") -> None:
    """JSON, CSV (the frame ``csv_frame`` builds) or titled tables (``parts`` builds) with a
    heading: only the output asked for is built."""
    if fmt is Format.json:
        emit(json_bytes(data), out, lang)
    elif fmt is Format.csv:
        emit(frame_csv(csv_frame(), lang), out, lang)
    else:
        emit(head + _tables(parts(), lang), out, lang)


def _band_target(target: str, edition: CompiledEdition, lang: str) -> str:
    """A ``--target`` naming a band, as the edition spells it (``tot`` → ``Tốt``); rank:N,
    group:N, points:X and a bare N pass as they are. Any other name is a usage error that
    asks ``có phải … ?``."""
    from parindex.errors import ParIndexError

    raw = target.strip()
    if raw.isdigit() or raw.partition(":")[0].strip().lower() in ("rank", "group", "points"):
        return target
    try:
        return pick(raw, edition.band_names(), "band", file=edition.id)
    except ParIndexError as exc:
        said = exc.problems[0].render(lang).removeprefix(f"{edition.id}: ")
        raise typer.BadParameter(said, param_hint="--target") from None


@handles_errors
def whatif(bundle: Path = BundleArg,
           unit: str | None = typer.Argument(None, metavar="[UNIT]",
                                             help=h("arg.whatif_unit")),
           sets: list[str] | None = typer.Option(
               None, "--set", "-s", metavar="CODE=VALUE", help=h("opt.set")),
           scenario: Path | None = typer.Option(None, "--scenario", help=h("opt.scenario")),
           criteria: str | None = CriteriaOpt,
           compare: str | None = typer.Option(
               None, "--compare", metavar="ID_OR_FILE", help=h("opt.compare")),
           fmt: Format = FormatOpt, out: Path | None = OutOpt, lang: Lang = LangOpt) -> None:
    """Scores and ranks before and after changing some inputs, or under another edition."""
    from parindex.analysis.whatif import parse_sets, read_scenario, whatif_under
    from parindex.analysis.whatif import whatif as run_whatif
    from parindex.pipeline import edition_for, open_run
    from parindex.report.analysis_tables import changes_frame, ranks_frame, units_frame

    lg = lang.value
    if sets and unit is None:
        raise typer.BadParameter(t("cli.set_needs_unit", lg), param_hint="UNIT")
    if not sets and scenario is None and unit is None and compare is None:
        raise typer.BadParameter(t("cli.whatif_needs", lg))
    base = open_run(bundle, criteria)
    if unit is not None:
        unit = str(base.units["code"].iloc[unit_of(base, unit)])
    try:
        changes = parse_sets(unit or "", sets or [])
    except ValueError as exc:
        raise typer.BadParameter(said(exc, lg), param_hint="--set") from None
    if scenario is not None:
        changes += read_scenario(scenario)
    if not changes and unit is None and compare is None:
        raise typer.BadParameter(t("cli.whatif_needs", lg))
    if compare is None:
        w = run_whatif(base, changes, focus=unit)
    else:
        assert base.bundle is not None
        w = whatif_under(base, edition_for(base.bundle, compare), changes, focus=unit)
    data = w.to_json()

    def parts() -> list[tuple[str, pd.DataFrame]]:
        out = [("", changes_frame(w, lg)), ("", units_frame(w.before, w.after, w.units, lg))]
        if compare is not None:
            out.append((f"{w.before.edition.id} → {w.after.edition.id}",
                        ranks_frame(w.before, w.after, lg)))
        else:
            moved = {m["code"] for m in data["moved"]}
            out.append((t("cli.moved", lg), ranks_frame(w.before, w.after, lg, only=moved)))
        return out

    head = "" if w.effects or compare is not None else t("cli.no_changes", lg) + "\n"
    _render(fmt, data, lambda: ranks_frame(w.before, w.after, lg), parts, lg, out, head)


@handles_errors
def plan(bundle: Path = BundleArg,
         unit: str = typer.Argument(..., metavar="UNIT", help=h("arg.unit")),
         target: str = typer.Option(..., "--target", "-t", metavar="BAND|rank:N|points:X",
                                    help=h("opt.target")),
         costs: Path | None = typer.Option(None, "--costs", help=h("opt.costs")),
         show_all: bool = typer.Option(False, "--all", help=h("opt.all")),
         allow_na: bool = typer.Option(False, "--allow-na", help=h("opt.allow_na")),
         include_survey: bool = typer.Option(False, "--include-survey",
                                             help=h("opt.include_survey")),
         criteria: str | None = CriteriaOpt, fmt: Format = FormatOpt,
         out: Path | None = OutOpt, lang: Lang = LangOpt,
         owner: str | None = typer.Option(None, "--owner", help=h("opt.plan_owner"))) -> None:
    """The cheapest set of criterion improvements that reaches a band, a rank or a total.

    Not-applicable criteria and survey results are not changed unless asked.
    """
    from parindex.analysis.costs import read_costs
    from parindex.analysis.improvements import Levers
    from parindex.analysis.plan import parse_target
    from parindex.analysis.plan import plan as make_plan
    from parindex.cli.score_cmd import owner_of
    from parindex.pipeline import open_run
    from parindex.report.analysis_tables import plan_frames
    from parindex.report.owner import owned_areas

    run = open_run(bundle, criteria)
    lg = lang.value
    try:
        goal = parse_target(_band_target(target, run.edition, lg), run.edition)
    except ValueError as exc:
        raise typer.BadParameter(said(exc, lg), param_hint="--target") from None
    i = unit_of(run, unit)
    name = None if owner is None else owner_of(run, owner)
    areas = None if name is None else frozenset(owned_areas(run, name))
    p = make_plan(run, i, goal, read_costs(costs, run.edition) if costs else None,
                  Levers(allow_na=allow_na, include_survey=include_survey, areas=areas))
    data = p.to_json()
    if name is not None:
        from parindex.report.owner import owner_unit

        data["owner"] = {**owner_unit(p.before, name, i),
                         "after": owner_unit(p.after, name, i)}
    frames = plan_frames(p, lg, data)
    parts = [("", frames["changes"]), ("", frames["units"])]
    if show_all:
        parts.append(("", frames["options"]))
    _render(fmt, data, lambda: frames["changes"], lambda: parts, lg, out,
            _plan_head(data, lg))


def _plan_head(data: dict[str, Any], lang: str) -> str:
    """The lines above the plan's tables: unit, target, verdict, index before → after, the
    levers it would need, and with an owner whose leaves the plan lifts."""
    from parindex.lang import number_text
    from parindex.report.tables import fmt as number

    b, a = data["before"], data["after"]
    verdict = t("cli.plan_reachable" if data["reachable"] else "cli.plan_unreachable", lang)
    head = t("cli.plan_head", lang, name=b["name"], code=b["code"], target=data["target"],
             verdict=verdict, n=len(data["changes"]),
             cost=number_text(data["cost"], lang)) + "\n"
    head += f"{number(b['index'] or 0, lang)}% → {number(a['index'] or 0, lang)}%\n"
    for need in data["needs"]:
        head += t(f"plan.needs.{need}", lang) + "\n"
    if "owner" in data:
        own = data["owner"]
        head += t("cli.plan_owner", lang, owner=own["owner"], areas=", ".join(own["areas"]),
                  before=number(own["points"], lang),
                  after=number(own["after"]["points"], lang),
                  max=number(own["max"], lang)) + "\n"
    return head


@handles_errors
def weak(bundle: Path = BundleArg,
         unit: str | None = typer.Argument(None, metavar="[UNIT]", help=h("arg.weak_unit")),
         criteria: str | None = CriteriaOpt, fmt: Format = FormatOpt,
         out: Path | None = OutOpt, lang: Lang = LangOpt,
         owner: str | None = typer.Option(None, "--owner", help=h("opt.weak_owner"))) -> None:
    """Each unit's leaves by points lost, and where it trails its group or its band."""
    from parindex.analysis.weak import weak as weak_report
    from parindex.pipeline import open_run
    from parindex.report.analysis_tables import weak_table, weak_unit_frames

    run = open_run(bundle, criteria)
    lg = lang.value
    only, mine = _weak_owner(run, owner)
    title = f"{run.edition.id} — {run.year}" + ("" if mine is None else f" — {mine['owner']}")
    if unit is None:  # the reports for JSON or an owner; the table alone is made without
        reports = ([only(r) for r in weak_report(run)] if mine is not None
                   or fmt is Format.json else None)
        data = {"edition": run.edition.id, "year": run.year, "units": reports,
                **({} if mine is None else {"owner": mine})}
        _render(fmt, data, lambda: weak_table(run, reports, lg),
                lambda: [(title, weak_table(run, reports, lg))], lg, out)
        return
    i = unit_of(run, unit)
    report = only(weak_report(run, [i])[0])
    frames = weak_unit_frames(report, lg)
    titles = {"lost": "cli.weak_lost", "below_group_median": "cli.weak_below_group",
              "below_band": "cli.weak_below_band"}
    parts = [(t(titles[k], lg), df) for k, df in frames.items()]
    from parindex.report.tables import fmt as number
    from parindex.report.tables import rank_words

    head = (f"{report['name']} ({report['code']}): {number(report['index'] or 0, lg)}%, "
            f"{report['band'] or ''}{rank_words(report['rank'], lg)}\n")
    data = {"edition": run.edition.id, "year": run.year, **report}
    if mine is not None:
        from parindex.report.owner import owner_unit

        data["owner"] = own = owner_unit(run, mine["owner"], i)
        index = "" if own["index"] is None else f" ({number(own['index'], lg)}%)"
        head += t("cli.weak_owner", lg, owner=own["owner"], areas=", ".join(own["areas"]),
                  points=number(own["points"], lg), max=number(own["max"], lg),
                  index=index) + "\n"
    _render(fmt, data, lambda: frames["lost"], lambda: parts, lg, out, head)


def _weak_owner(run: Run, owner: str | None
                ) -> tuple[Callable[[dict[str, Any]], dict[str, Any]], dict[str, Any] | None]:
    """``weak --owner``: a filter keeping a unit's report to the owner's leaves and areas,
    and ``{"owner", "areas"}`` (codes); without an owner, reports pass unchanged."""
    if owner is None:
        return (lambda report: report), None
    from parindex.cli.score_cmd import owner_of
    from parindex.report.owner import owned_areas, owner_weak

    name = owner_of(run, owner)
    areas = owned_areas(run, name)
    return ((lambda report: owner_weak(run, report, areas)),
            {"owner": name, "areas": [run.edition.areas[k].code for k in areas]})


@handles_errors
def uncertainty(bundle: Path = BundleArg,
                draws: int = typer.Option(1000, "--draws", "-n", min=1,
                                          max=10_000, help=h("opt.draws")),  # WHATIF.md
                seed: int = typer.Option(0, "--seed", min=0, help=h("opt.seed")),
                tolerance: str | None = typer.Option(
                    None, "--tolerance", metavar="KEY=VALUE,...", help=h("opt.tolerance")),
                weights: float = typer.Option(0.1, "--weights", min=0.0, max=0.99,
                                              help=h("opt.weights")),
                criteria: str | None = CriteriaOpt, fmt: Format = FormatOpt,
                out: Path | None = OutOpt, lang: Lang = LangOpt) -> None:
    """Median rank, 5–95% rank band and band probabilities under appraisal and weight noise."""
    from parindex.analysis.uncertainty import Tolerance
    from parindex.analysis.uncertainty import uncertainty as monte_carlo
    from parindex.pipeline import open_run
    from parindex.report.analysis_tables import uncertainty_frame

    try:
        tol = Tolerance.parse(tolerance)
    except ValueError as exc:
        raise typer.BadParameter(said(exc, lang.value), param_hint="--tolerance") from None
    run = open_run(bundle, criteria)
    with progress(draws, "Monte Carlo") as advance:
        u = monte_carlo(run, draws, seed, tol, weights,
                        progress=lambda n: advance("Monte Carlo", n))
    from parindex.lang import number_text

    lg = lang.value
    given = {k: number_text(v, lg) for k, v in vars(tol).items()}
    tolerances = (t("rule.list_sep", lg).join(f"{k}={v}" for k, v in given.items())
                  if any(vars(tol).values()) else t("cli.no_tolerance", lg))
    head = t("cli.uncertainty_head", lg, edition=run.edition.id, year=run.year, draws=draws,
             seed=seed, tolerance=tolerances, weights=number_text(weights, lg)) + "\n"
    _render(fmt, u.to_json(), lambda: uncertainty_frame(u, lg),  # tables only when asked
            lambda: [("", uncertainty_frame(u, lg))], lg, out, head)
