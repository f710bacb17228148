"""The pipeline in one call: load edition → load bundle → check → score.

Only this module and the renderers touch files; each step is a function of the one before.
"""

from __future__ import annotations

from pathlib import Path

from parindex.criteria import CompiledEdition, load_edition, resolve, shipped_ids
from parindex.errors import CriteriaError, EvidenceError, Problem, quote
from parindex.evidence.bundle import Bundle, load_bundle
from parindex.evidence.validate import build_inputs
from parindex.scoring.run import Run, run_bundle


def edition_for(bundle: Bundle, criteria: str | None = None) -> CompiledEdition:
    """The edition named by ``--criteria``, else by the bundle (a path is relative to it)."""
    ref = criteria or bundle.edition
    if not ref:
        raise EvidenceError([Problem("bundle.yaml", "edition", "the bundle names no edition",
                                     hint="add 'edition:' or pass --criteria")])
    base = bundle.path if bundle.path.is_dir() else bundle.path.parent
    if criteria:
        return load_edition(criteria)
    try:
        resolve(ref, base)
    except CriteriaError:
        raise EvidenceError([Problem(bundle.meta_file, "edition", f"{quote(ref)}: no such "
                                     "edition file or shipped edition id", field="edition",
                                     value=ref, hint="shipped: " + ", ".join(shipped_ids()))]
                            ) from None
    return load_edition(ref, base=base)


def check(path: str | Path, criteria: str | None = None) -> list[Problem]:
    """Every problem of a bundle against its edition (errors and warnings)."""
    bundle = load_bundle(path)
    edition = edition_for(bundle, criteria)
    _, problems = build_inputs(bundle, edition)
    problems = list(problems)
    valid = edition.model.valid
    if bundle.year and not (valid.from_ <= bundle.year <= (valid.until or 9999)):
        problems.append(Problem("bundle.yaml", "year", f"year {bundle.year} is outside the "
                                f"validity of {edition.id} ({valid.from_}–{valid.until or ''})",
                                field="year", value=bundle.year, severity="warning"))
    return problems


def open_run(path: str | Path, criteria: str | None = None) -> Run:
    """Load, check and score a bundle."""
    bundle = load_bundle(path)
    return run_bundle(bundle, edition_for(bundle, criteria))
