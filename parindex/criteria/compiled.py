"""A validated edition flattened into arrays the engine scores with.

Compiling happens once per edition (and is cached by the loader): leaves in document order,
their max points, survey and not-applicable flags as numpy arrays, and each leaf's area
(leaves are numbered area by area, so an area's points are the sum of a run of columns).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from parindex.criteria.model import (
    Area,
    Edition,
    InputSpec,
    NAPolicy,
    Node,
    OneStopInput,
    ReportsInput,
)
from parindex.criteria.rules import RuleKind, ScoreSpec, kind_of, score_keys
from parindex.words import t

InputKind = Literal["value", "percent", "one_stop", "reports"]
_CALENDAR = re.compile(r"^(?:\+(\d+):)?(\d{2})-(\d{2})$")


def parse_calendar_date(text: str, year: int) -> dt.date:
    """``"03-01"`` → 1 March of ``year``; ``"+1:01-15"`` → 15 January of ``year + 1``."""
    m = _CALENDAR.match(text.strip())
    if not m:
        raise ValueError(f"calendar date must be MM-DD or +N:MM-DD, not {text!r}")
    offset = int(m.group(1) or 0)
    return dt.date(year + offset, int(m.group(2)), int(m.group(3)))


@dataclass(frozen=True)
class Leaf:
    """A scored criterion: where its number comes from and how it becomes points."""

    index: int
    code: str
    name: str
    area: int
    parents: tuple[str, ...]
    max: float
    input: InputSpec
    score: ScoreSpec
    kind: RuleKind
    keys: tuple[str, ...]
    survey: bool
    na: NAPolicy
    description: str | None
    evidence: str | None

    @property
    def input_kind(self) -> InputKind:
        if isinstance(self.input, OneStopInput):
            return "one_stop"
        if isinstance(self.input, ReportsInput):
            return "reports"
        return self.input

    @property
    def computed(self) -> bool:
        """True when the number comes from the one-stop or reports table, not a value cell."""
        return self.input_kind in ("one_stop", "reports")

    def describe_input(self, lang: str = "en") -> str:
        """Where the leaf's number comes from, in words (English, or Vietnamese)."""
        spec = self.input
        if isinstance(spec, OneStopInput):
            over = t("input.over", lang, denominator=t(
                f"input.denominator.{spec.denominator}", lang)) if spec.denominator else ""
            return t("input.one_stop", lang, metric=t(f"input.one_stop.{spec.one_stop}", lang),
                     over=over)
        if isinstance(spec, ReportsInput):
            return t("input.reports", lang, status=t(f"input.reports.{spec.reports}", lang),
                     of=", ".join(spec.of))
        if str(spec) in ("percent", "value"):
            return t(f"input.{spec}", lang)
        return str(spec)

    def describe_rule(self, lang: str = "en") -> str:
        """How the number becomes points, in words (English, or Vietnamese)."""
        return self.kind.describe(self.max, self.score, lang)

    def describe(self, lang: str = "en") -> str:
        """Input and rule in words: ``percent: bands ≥ 90: 2; …``."""
        return ": ".join(p for p in (self.describe_input(lang), self.describe_rule(lang)) if p)


@dataclass(frozen=True)
class NodeInfo:
    """Any node of the tree (area, criterion, sub-criterion) and the leaves under it."""

    code: str
    name: str
    depth: int
    max: float
    leaves: tuple[int, ...]
    owner: str | None = None
    is_leaf: bool = False


@dataclass(frozen=True)
class CompiledEdition:
    model: Edition
    source: str
    leaves: tuple[Leaf, ...]
    areas: tuple[NodeInfo, ...]
    nodes: tuple[NodeInfo, ...]
    leaf_max: np.ndarray
    survey: np.ndarray
    na_full: np.ndarray
    na_forbidden: np.ndarray
    area_of: np.ndarray
    leaf_index: dict[str, int] = field(repr=False)

    @property
    def id(self) -> str:
        return self.model.edition

    @property
    def scale(self) -> float:
        return self.model.scale

    def area_sums(self, per_leaf: np.ndarray) -> np.ndarray:
        """Per row and area, the sum of the area's leaf columns.

        Added leaf by leaf in edition order, as one would by hand (so the float results
        do not depend on a library's summation order), one column of every row at a time.
        No matrix product: BLAS threads would wake on every call and fight other work for
        this machine's two cores.
        """
        out = np.zeros((*per_leaf.shape[:-1], len(self.areas)))
        for j, a in enumerate(self.area_of.tolist()):
            out[..., a] += per_leaf[..., j]
        return out

    def deadline(self, report: str, year: int) -> dt.date:
        return parse_calendar_date(self.model.calendar[report], year)

    def band_names(self) -> list[str]:
        return [b.name for b in self.model.bands]

    def band_mins(self) -> np.ndarray:
        return np.array([b.min for b in self.model.bands], dtype=float)

    def node(self, code: str) -> NodeInfo | None:
        for n in self.nodes:
            if n.code == code:
                return n
        return None

    def summary(self) -> dict[str, Any]:
        m = self.model
        return {
            "id": m.edition, "title": m.title, "level": m.level,
            "valid": f"{m.valid.from_}–{m.valid.until or ''}",
            "areas": len(self.areas), "leaves": len(self.leaves), "max": m.scale,
        }


def _inherit(node: Node | Area, policy: NAPolicy | None,
             survey: bool) -> tuple[NAPolicy | None, bool]:
    return (node.not_applicable or policy, bool(node.survey) or survey)


def compile_edition(edition: Edition, source: str) -> CompiledEdition:
    """Flatten a validated edition. Assumes :func:`semantic_problems` found no errors."""
    leaves: list[Leaf] = []
    nodes: list[NodeInfo] = []
    areas: list[NodeInfo] = []

    def visit(node: Node, depth: int, area: int, parents: tuple[str, ...],
              policy: NAPolicy | None, survey: bool) -> tuple[int, ...]:
        policy, survey = _inherit(node, policy, survey)
        slot = len(nodes)
        nodes.append(NodeInfo(node.code, node.name, depth, 0.0, ()))
        if node.children is None:
            assert node.max is not None  # a leaf has max, score and input (checked)
            assert node.score is not None
            assert node.input is not None
            idx = len(leaves)
            leaves.append(Leaf(
                index=idx, code=node.code, name=node.name, area=area, parents=parents,
                max=float(node.max), input=node.input, score=node.score,
                kind=kind_of(node.score),
                keys=tuple(k.strip().lower() for k in score_keys(node.score)),
                survey=survey, na=policy or edition.not_applicable,
                description=node.description, evidence=node.evidence))
            owned: tuple[int, ...] = (idx,)
        else:
            owned = ()
            for child in node.children:
                owned += visit(child, depth + 1, area, (*parents, node.code), policy, survey)
        total = float(sum(leaves[i].max for i in owned))
        nodes[slot] = NodeInfo(node.code, node.name, depth, total, owned, node.owner,
                               is_leaf=node.children is None)
        return owned

    for a_idx, area in enumerate(edition.areas):
        policy, survey = _inherit(area, None, False)
        slot = len(nodes)
        nodes.append(NodeInfo(area.code, area.name, 0, 0.0, ()))
        owned: tuple[int, ...] = ()
        for crit in area.criteria:
            owned += visit(crit, 1, a_idx, (area.code,), policy, survey)
        info = NodeInfo(area.code, area.name, 0, float(sum(leaves[i].max for i in owned)),
                        owned, area.owner)
        nodes[slot] = info
        areas.append(info)

    area_of = np.array([leaf.area for leaf in leaves], dtype=np.intp)
    return CompiledEdition(
        model=edition, source=source, leaves=tuple(leaves), areas=tuple(areas),
        nodes=tuple(nodes),
        leaf_max=np.array([leaf.max for leaf in leaves]),
        survey=np.array([leaf.survey for leaf in leaves], dtype=bool),
        na_full=np.array([leaf.na == "full" for leaf in leaves], dtype=bool),
        na_forbidden=np.array([leaf.na == "forbidden" for leaf in leaves], dtype=bool),
        area_of=area_of,
        leaf_index={leaf.code: leaf.index for leaf in leaves},
    )
