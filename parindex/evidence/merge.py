"""Combine unit or department workbooks (or CSV bundles) into one bundle.

Parts must agree on year and edition. Rows are matched by their key (units: code; evidence:
unit + criterion; one_stop: unit + period, a missing period column read as blank; reports:
unit + report). A blank cell never conflicts — it gives way to the part that filled it; two
non-blank values for the same cell that mean different things are a conflict, reported with
both places, and nothing is written. Values that mean the same are not: an evidence value or
appraisal is compared as scoring reads it for its leaf (``Có``/``có``, ``95,3``/``95.3``,
``87.5``/``35/40`` of a percentage — :func:`parindex.evidence.parse.parse_cells`), other
cells by their folded text (:func:`parindex.criteria.keys.fold_key`) or, for one-stop counts,
their number; the first part's text is kept. Adjustments and lineage rows are pooled
(identical rows once).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from parindex.criteria.compiled import CompiledEdition
from parindex.criteria.keys import fold_key
from parindex.errors import EvidenceError, ParIndexError, Problem, quote
from parindex.evidence.bundle import load_bundle
from parindex.evidence.parse import parse_cells, read_number
from parindex.evidence.tables import TABLES, Bundle
from parindex.words import t

KEYS: dict[str, tuple[str, ...]] = {
    "units": ("code",), "evidence": ("unit", "criterion"), "one_stop": ("unit", "period"),
    "reports": ("unit", "report"),
}


@dataclass(frozen=True)
class Merged:
    tables: dict[str, pd.DataFrame]
    meta: dict[str, Any]
    parts: int
    #: the parts' edition (None when it cannot be loaded: then cells compare as text)
    edition: CompiledEdition | None = None


def _edition(bundle: Bundle) -> CompiledEdition | None:
    from parindex.criteria import load_edition

    base = bundle.path if bundle.path.is_dir() else bundle.path.parent
    try:
        return load_edition(bundle.edition, base=base) if bundle.edition else None
    except (ParIndexError, OSError):
        return None


def same_value(name: str, col: str, row: Mapping[Any, Any], a: str, b: str,
               edition: CompiledEdition | None) -> bool:
    """Whether two non-blank texts of one cell mean the same (see the module docstring)."""
    if a == b:
        return True
    if name == "evidence" and col in ("value", "appraised") and edition is not None:
        leaf = edition.leaf_index.get(str(row.get("criterion", "")), -1)
        if leaf < 0:
            return False
        parsed = parse_cells(pd.Series([a, b], dtype=object), np.array([leaf, leaf]), edition)
        if parsed.bad.any() or parsed.state[0] != parsed.state[1]:
            return False
        first, second = float(parsed.x[0]), float(parsed.x[1])
        return first == second or (np.isnan(first) and np.isnan(second))
    if fold_key(a) == fold_key(b):
        return True
    if name == "one_stop" and col not in ("unit", "period"):
        return read_number(a, whole=True) == read_number(b, whole=True)  # NaN never equal
    return False


def _meta(bundles: list[Bundle]) -> tuple[dict[str, Any], list[Problem]]:
    problems = []
    first = bundles[0]
    for b in bundles[1:]:
        for key in ("year", "edition"):
            if getattr(b, key) != getattr(first, key):
                problems.append(Problem.of("merge.meta_differs", b.path.name, "meta",
                                           field=key, field_name=key, value=getattr(b, key),
                                           quoted=quote(getattr(b, key)),
                                           first=quote(getattr(first, key)),
                                           part=first.path.name))
    authority = next((b.authority for b in bundles if b.authority), "")
    return {"year": first.year, "edition": first.edition, "authority": authority}, problems


def _merge_keyed(name: str, parts: list[tuple[Bundle, pd.DataFrame]],
                 edition: CompiledEdition | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    keys = KEYS[name]
    columns = [c for c in TABLES[name][0] + TABLES[name][1]
               if any(c in df.columns for _, df in parts)]
    merged: dict[tuple[str, ...], dict[str, str]] = {}
    where: dict[tuple[tuple[str, ...], str], tuple[str, object]] = {}  # (file, row)
    problems = []
    for bundle, df in parts:
        file = bundle.file(name)
        for row in df.to_dict(orient="records"):
            key = tuple(str(row.get(k, "") or "") for k in keys)
            target = merged.setdefault(key, {c: "" for c in columns})
            for col in columns:
                value = str(row.get(col, "") or "")
                if value == "":
                    continue
                if target[col] == "":
                    target[col] = value
                    where[(key, col)] = file, row["_row"]
                elif not same_value(name, col, row, target[col], value, edition):
                    problems.append(Problem.of(
                        "merge.conflict", file, f"row {row['_row']}", field=col, value=value,
                        cells=" ".join(key), quoted=quote(value), other=quote(target[col]),
                        where=_at(*where[(key, col)], "en"),
                        where_vi=_at(*where[(key, col)], "vi")))
    return pd.DataFrame(list(merged.values()), columns=columns), problems


def _at(file: str, row: object, lang: str) -> str:
    """``file row N`` in ``lang``'s words."""
    return f"{file} {t('where.row', lang)} {row}"


def merge_bundles(paths: list[Path]) -> Merged:
    """Merge parts; raises :class:`EvidenceError` listing every conflict."""
    bundles = [load_bundle(p) for p in paths]
    meta, problems = _meta(bundles)
    edition = _edition(bundles[0])
    tables: dict[str, pd.DataFrame] = {}
    for name in TABLES:
        parts = [(b, b.tables[name]) for b in bundles if name in b.tables]
        if not parts:
            continue
        if name in KEYS:
            tables[name], found = _merge_keyed(name, parts, edition)
            problems += found
        else:
            frame = pd.concat([df for _, df in parts], ignore_index=True)
            cols = [c for c in frame.columns if c != "_row"]
            tables[name] = frame[cols].drop_duplicates().reset_index(drop=True)
    if "evidence" in tables:  # keep a stable, readable order
        tables["evidence"] = tables["evidence"].sort_values(
            ["unit"], kind="stable").reset_index(drop=True)
    if problems:
        raise EvidenceError(problems)
    return Merged(tables, meta, len(bundles), edition)
