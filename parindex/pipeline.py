"""The pipeline, the one orchestrator: load edition → load bundle → check → inputs → Run.

Every caller (the command line, the workspace, the benchmarks) goes through these functions,
so a bundle is read, checked and turned into the engine's inputs in one place and once.
Only this module and the renderers' writers touch files; each step is a function of the one
before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from parindex.criteria import CompiledEdition, load_edition, resolve, shipped_ids
from parindex.errors import CriteriaError, EvidenceError, Problem, quote
from parindex.evidence import cache
from parindex.evidence.bundle import load_bundle
from parindex.evidence.inputs import Inputs, KnownSurvey, build_inputs
from parindex.evidence.tables import Bundle
from parindex.scoring.run import Run, sorted_runs


def edition_for(bundle: Bundle, criteria: str | None = None) -> CompiledEdition:
    """The edition named by ``--criteria``, else by the bundle (a path is relative to it)."""
    ref = criteria or bundle.edition
    if not ref:
        raise EvidenceError([Problem.of("bundle.no_edition", bundle.meta_file, "edition")])
    base = bundle.path if bundle.path.is_dir() else bundle.path.parent
    if criteria:
        return load_edition(criteria)
    try:
        resolve(ref, base)
    except CriteriaError:
        raise EvidenceError([Problem.of("bundle.unknown_edition", bundle.meta_file, "edition",
                                        field="edition", value=ref, quoted=quote(ref),
                                        shipped=", ".join(shipped_ids()))]) from None
    return load_edition(ref, base=base)


@dataclass(frozen=True)
class Checked:
    """A bundle checked against an edition: the engine's inputs and every problem."""

    bundle: Bundle
    inputs: Inputs
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def run(self) -> Run:
        """Score the checked bundle; input errors raise :class:`EvidenceError` with all."""
        if self.errors:
            raise EvidenceError(self.errors)
        return Run.from_inputs(self.inputs, self.bundle)


def check_bundle(bundle: Bundle, edition: CompiledEdition, owner: str | None = None,
                 survey: KnownSurvey | None = None) -> Checked:
    """Check a read bundle against an edition, building the inputs once (``owner``: a
    department's workbook, warned about missing evidence only in its areas; ``survey``: its
    survey already checked, see :class:`~parindex.evidence.inputs.KnownSurvey`)."""
    inputs, problems = build_inputs(bundle, edition, owner, survey)
    problems = list(problems)
    start, until = edition.valid_from, edition.valid_until
    if bundle.year and not (start <= bundle.year <= (until or 9999)):
        problems.append(Problem.of("bundle.year_outside", bundle.meta_file, "year",
                                   field="year", value=bundle.year, severity="warning",
                                   year=bundle.year, edition=edition.id, start=start,
                                   until=until or ""))
    return Checked(bundle, inputs, problems)


def run_bundle(bundle: Bundle, edition: CompiledEdition) -> Run:
    """Check and score a read bundle (``whatif --compare`` scores one bundle twice)."""
    return check_bundle(bundle, edition).run()


def checked(path: str | Path, criteria: str | None = None, owner: str | None = None
            ) -> Checked:
    """Load a bundle and check it against its edition, or find it checked in the cache of
    checked bundles (:mod:`parindex.evidence.cache`: same files, options and code), and
    save it there when it was not."""
    p = Path(path)
    key = cache.bundle_key(p, (criteria, owner)) if cache.enabled() else None
    if key is not None:
        found = cache.read_entry(key, lambda bundle: edition_for(bundle, criteria))
        if found is not None:
            return Checked(*found)
    bundle = load_bundle(p)
    result = check_bundle(bundle, edition_for(bundle, criteria), owner)
    if key is not None:
        cache.write_entry(key, result.bundle, result.inputs, result.problems)
    return result


def check(path: str | Path, criteria: str | None = None, owner: str | None = None
          ) -> list[Problem]:
    """Every problem of a bundle against its edition (errors and warnings)."""
    return checked(path, criteria, owner).problems


def open_run(path: str | Path, criteria: str | None = None) -> Run:
    """Load, check and score a bundle."""
    return checked(path, criteria).run()


def open_runs(paths: Sequence[str | Path], criteria: str | None = None,
              step: Callable[[str], None] | None = None) -> list[Run]:
    """Load and score every bundle, oldest year first; two bundles of one year is an error
    (:func:`parindex.scoring.run.sorted_runs`). ``step`` is told each bundle's path."""
    runs = []
    for path in paths:
        if step is not None:
            step(str(path))
        runs.append(open_run(path, criteria))
    return sorted_runs(runs)
