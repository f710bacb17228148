"""What a template shows of each leaf, worked out once per leaf, and what it is made from.

See :mod:`parindex.evidence.template` for the workbook itself.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

import pandas as pd

from parindex.criteria.compiled import CompiledEdition, Leaf
from parindex.criteria.keys import fold_key
from parindex.errors import EvidenceError, Problem, quote
from parindex.evidence.parse import leaf_kind
from parindex.words import t

#: the evidence sheet's columns, in order, and their widths (in characters)
EVIDENCE_COLUMNS: dict[str, float] = {
    "unit": 10, "unit_name": 16, "area": 16, "criterion": 8, "criterion_name": 30,
    "max": 7, "rule": 26, "enter": 24, "value": 13, "appraised": 13, "source": 18, "note": 14}
#: the columns a unit fills in (unlocked, text)
INPUT_COLUMNS = ("value", "appraised", "source", "note")
#: points of one line of wrapped text, and of the heading row
LINE_HEIGHT = 13.5


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def choices(leaf: Leaf) -> list[str]:
    """What an option or level leaf's drop-down offers: each option's label, which reads
    back as that option (parse reads a label as its key), else its key. A label that
    another key or label of the leaf would also match is not offered: its key is."""
    folds = [fold_key(key) for key in leaf.keys]
    labels = [fold_key(text) for text in leaf.labels if text]
    out = []
    for pos, key in enumerate(leaf.keys):
        text = leaf.labels[pos] if pos < len(leaf.labels) else ""
        mine = fold_key(text)
        clash = mine in folds[:pos] + folds[pos + 1:] or labels.count(mine) > 1
        out.append(_nfc(text) if text and not clash else key)
    return out


def _enter(leaf: Leaf, lang: str) -> str:
    if leaf.computed:
        return t("enter.computed", lang, sheet=leaf.input_kind)  # the table's own name
    kind = leaf_kind(leaf)
    fields = {"keys": ", ".join(choices(leaf))} if kind == "key" else \
        {"max": f"{leaf.max:g}"} if kind == "points" else {}
    text = t(f"enter.{kind}", lang, **fields)
    if leaf.na != "forbidden":
        text += t("enter.na", lang)
    return text


def validation_of(leaf: Leaf, lang: str) -> tuple[str, ...]:
    """The check of a leaf's input cells, as a hashable rule: ``("list", choice, ...)``,
    ``("points", max)``, or ``("any",)`` (a prompt only); leaves that share it share one
    data validation."""
    kind = leaf_kind(leaf)
    if leaf.computed:
        return ("any",)
    na = ["NA"] if leaf.na != "forbidden" else []
    if kind == "key":
        return ("list", *choices(leaf), *na)
    if kind == "boolean":
        return ("list", *t("enter.yes_no", lang).split(",")[:2], *na)
    if kind == "points":
        return ("points", f"{leaf.max:g}")
    return ("any",)


def _lines(text: str, width: float) -> int:
    """Lines a text wraps to in a column ``width`` characters wide (a little generous:
    Vietnamese letters with two marks are no wider, but words wrap whole)."""
    per_line = max(width - 2, 4)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


@dataclass(frozen=True)
class LeafRow:
    """What every evidence row of one leaf shows, worked out once."""

    code: str
    name: str
    area: str
    max: float
    rule: str
    enter: str
    check: tuple[str, ...]
    lines: int  # of its tallest wrapped text (the unit name aside)


def leaf_rows(edition: CompiledEdition, leaves: list[Leaf], lang: str) -> list[LeafRow]:
    rows = []
    for leaf in leaves:
        area = edition.areas[leaf.area].name
        texts = {"area": area, "criterion_name": leaf.name, "rule": leaf.describe(lang),
                 "enter": _enter(leaf, lang)}
        lines = max(_lines(text, EVIDENCE_COLUMNS[col]) for col, text in texts.items())
        rows.append(LeafRow(leaf.code, leaf.name, area, leaf.max, texts["rule"],
                            texts["enter"], validation_of(leaf, lang), lines))
    return rows


def select_leaves(edition: CompiledEdition, owner: str | None) -> list[Leaf]:
    """Every leaf, or those in the areas ``owner`` collects."""
    if owner is None:
        return list(edition.leaves)
    key = _nfc(owner).lower()
    areas = [k for k, a in enumerate(edition.areas) if a.owner and _nfc(a.owner).lower() == key]
    if not areas:
        owners = sorted({a.owner for a in edition.areas if a.owner})
        if not owners:
            raise EvidenceError([Problem.of("pick.owner.none", edition.id, "areas",
                                            field="owner", value=owner, edition=edition.id)])
        raise EvidenceError([Problem.of("pick.owner", edition.id, "areas", field="owner",
                                        value=owner, quoted=quote(owner),
                                        known=", ".join(owners))])
    return [leaf for leaf in edition.leaves if leaf.area in areas]


@dataclass(frozen=True)
class TemplateSpec:
    """Everything a template workbook is made from."""

    edition: CompiledEdition
    units: pd.DataFrame  # code, name, type, group (and ranked), canonical types
    year: int
    lang: str
    leaves: list[Leaf]
    authority: str = ""
    owner: str | None = None

    @property
    def one_stop(self) -> bool:
        return any(leaf.input_kind == "one_stop" for leaf in self.leaves)

    @property
    def reports(self) -> bool:
        return any(leaf.input_kind == "reports" for leaf in self.leaves)
