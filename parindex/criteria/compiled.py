"""A validated edition flattened into arrays the engine scores with.

Compiling happens once per edition (and is cached by the loader): leaves in document order,
their max points, survey and not-applicable flags as numpy arrays, and each leaf's area
(leaves are numbered area by area, so an area's points are the sum of a run of columns).

A compiled edition holds plain data only — what checking and scoring read (the rule's name,
its params as plain attributes, where a leaf's number comes from, the edition's bands,
calendar and caps) — so that one read from the loader's cache is scored without pydantic.
The validated model (``.model``, and each leaf's ``input``, ``score`` and ``kind``) is kept
beside it; a cached copy keeps the YAML text instead and validates it again on first use
(``criteria show``, the analyses).

Longer than 300 lines because the plain copy of the edition (leaf, node, edition and the
lazily validated model behind them) is read as one unit with the compiler that fills it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np

from parindex.criteria.rule_math import MATH, FloatArray, plain_args
from parindex.words import t

if TYPE_CHECKING:
    from parindex.criteria.model import Area, Edition, InputSpec, NAPolicy, Node
    from parindex.criteria.rules import RuleKind, ScoreSpec

InputKind = Literal["value", "percent", "one_stop", "reports", "survey"]
_CALENDAR = re.compile(r"^(?:\+(\d+):)?(\d{2})-(\d{2})$")


def parse_calendar_date(text: str, year: int) -> dt.date:
    """``"03-01"`` → 1 March of ``year``; ``"+1:01-15"`` → 15 January of ``year + 1``."""
    m = _CALENDAR.match(text.strip())
    if not m:
        raise ValueError(f"calendar date must be MM-DD or +N:MM-DD, not {text!r}")
    offset = int(m.group(1) or 0)
    return dt.date(year + offset, int(m.group(2)), int(m.group(3)))


class OneStopSpec(Protocol):
    """What a one-stop metric reads (an ``OneStopInput``, or a leaf's plain copy)."""

    @property
    def one_stop(self) -> str: ...

    @property
    def denominator(self) -> str | None: ...


@dataclass(frozen=True)
class OneStopSource:
    """A leaf's ``{one_stop: METRIC, denominator: ...}`` input, as plain data."""

    one_stop: str
    denominator: str | None


@dataclass(frozen=True)
class ReportsSource:
    """A leaf's ``{reports: on_time | late | missing, of: [...]}`` input, as plain data."""

    reports: str
    of: tuple[str, ...]


@dataclass(frozen=True)
class SurveySource:
    """A leaf's ``{survey: [QUESTION, ...]}`` input, as plain data (questions as written)."""

    questions: tuple[str, ...]


#: keys of an edition file whose scalar values are kept as the exact text written
TEXT_KEYS = frozenset({"code", "edition", "name", "title"})


class _Validated:
    """The validated edition behind a compiled one: held, or (for an edition read from the
    cache) validated again from its YAML text on first use — pydantic is imported only then.
    Pickled as that text, so a cache entry depends on no pydantic version."""

    def __init__(self, edition: Edition | None = None, text: str | None = None,
                 file: str = "criteria"):
        self._edition, self.text, self.file = edition, text, file
        self._leaf_nodes: list[Node] | None = None

    def edition(self) -> Edition:
        if self._edition is None:
            from parindex.criteria.model import Edition
            from parindex.criteria.yaml_file import read_yaml

            assert self.text is not None
            data, _, _ = read_yaml(self.text, self.file, TEXT_KEYS)
            self._edition = Edition.model_validate(data)
        return self._edition

    def leaf_node(self, index: int) -> Node:
        """The model's leaf nodes in document order (the compiled leaves' order)."""
        if self._leaf_nodes is None:
            from parindex.criteria.model import walk

            self._leaf_nodes = [node for area in self.edition().areas
                                for _, node in walk(area.criteria) if node.is_leaf]
        return self._leaf_nodes[index]

    def __getstate__(self) -> dict[str, Any]:
        if self.text is None:  # compiled from a model, not a file: keep the model itself
            return {"edition": self._edition, "text": None, "file": self.file}
        return {"edition": None, "text": self.text, "file": self.file}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["edition"], state["text"], state["file"])  # type: ignore[misc]


@dataclass(frozen=True)
class Leaf:
    """A scored criterion: where its number comes from and how it becomes points."""

    index: int
    code: str
    name: str
    area: int
    parents: tuple[str, ...]
    max: float
    input_kind: InputKind
    #: the one-stop or reports input, for leaves computed from those tables
    source: OneStopSource | ReportsSource | SurveySource | None
    rule: str
    #: the rule's params as its function reads them (:func:`rule_math.plain_args`)
    args: Any
    #: what the evidence ``value`` holds for this rule: number, count, boolean, key, points
    value_kind: str
    keys: tuple[str, ...]
    survey: bool
    na: NAPolicy
    description: str | None
    evidence: str | None
    validated: _Validated = field(repr=False, compare=False)
    #: each key's label (an option's long form), "" where none: read as that key
    labels: tuple[str, ...] = ()

    @property
    def input(self) -> InputSpec:
        """The input as validated (loads the model)."""
        spec: InputSpec = self.validated.leaf_node(self.index).input  # type: ignore[assignment]
        return spec

    @property
    def score(self) -> ScoreSpec:
        """The rule's params as validated (loads the model)."""
        spec: ScoreSpec = self.validated.leaf_node(self.index).score  # type: ignore[assignment]
        return spec

    @property
    def kind(self) -> RuleKind:
        """The registered rule kind (loads the registry and its models)."""
        from parindex.criteria.rules import REGISTRY

        return REGISTRY[self.rule]

    @property
    def computed(self) -> bool:
        """True when the number comes from the one-stop, reports or survey table, not a
        value cell."""
        return self.input_kind in ("one_stop", "reports", "survey")

    def points(self, x: FloatArray) -> FloatArray:
        """The rule's points for every unit's number (a leaf column)."""
        return MATH[self.rule](x, self.max, self.args)

    def describe_input(self, lang: str = "en") -> str:
        """Where the leaf's number comes from, in words (English, or Vietnamese)."""
        spec = self.source
        if isinstance(spec, OneStopSource):
            over = t("input.over", lang, denominator=t(
                f"input.denominator.{spec.denominator}", lang)) if spec.denominator else ""
            return t("input.one_stop", lang, metric=t(f"input.one_stop.{spec.one_stop}", lang),
                     over=over)
        if isinstance(spec, ReportsSource):
            return t("input.reports", lang, status=t(f"input.reports.{spec.reports}", lang),
                     of=", ".join(spec.of))
        if isinstance(spec, SurveySource):
            return t("input.survey", lang, questions=", ".join(spec.questions))
        return t(f"input.{self.input_kind}", lang)

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
    source: str
    id: str
    title: str
    level: str
    scale: float
    valid_from: int
    valid_until: int | None
    ties: Literal["min", "dense"]
    #: (name, lower bound of the index %), highest first
    bands: tuple[tuple[str, float], ...]
    bonus_max: float
    penalty_max: float
    #: report id → its deadline, as written (``MM-DD`` or ``+N:MM-DD``)
    calendar: dict[str, str]
    leaves: tuple[Leaf, ...]
    #: survey answer key (upper case) → % weight, and the respondents a unit should have
    survey_answers: dict[str, float]
    min_respondents: int | None
    areas: tuple[NodeInfo, ...]
    nodes: tuple[NodeInfo, ...]
    leaf_max: np.ndarray
    survey: np.ndarray
    na_full: np.ndarray
    na_forbidden: np.ndarray
    area_of: np.ndarray
    leaf_index: dict[str, int] = field(repr=False)
    validated: _Validated = field(repr=False, compare=False, default_factory=_Validated)

    @property
    def model(self) -> Edition:
        """The validated edition (loaded on first use when read from the cache)."""
        return self.validated.edition()

    def with_model(self, model: Edition) -> CompiledEdition:
        """The same compiled edition over another validated model (for what only the model
        holds, such as ``previous``)."""
        return replace(self, validated=_Validated(model, None, self.validated.file))

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
        return parse_calendar_date(self.calendar[report], year)

    def band_names(self) -> list[str]:
        return [name for name, _ in self.bands]

    def band_mins(self) -> np.ndarray:
        return np.array([low for _, low in self.bands], dtype=float)

    def node(self, code: str) -> NodeInfo | None:
        for n in self.nodes:
            if n.code == code:
                return n
        return None

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "level": self.level,
            "valid": f"{self.valid_from}–{self.valid_until or ''}",
            "areas": len(self.areas), "leaves": len(self.leaves), "max": self.scale,
        }


def _inherit(node: Node | Area, policy: NAPolicy | None,
             survey: bool) -> tuple[NAPolicy | None, bool]:
    return (node.not_applicable or policy, bool(node.survey) or survey)


def _source(spec: InputSpec) -> tuple[InputKind,
                                       OneStopSource | ReportsSource | SurveySource | None]:
    from parindex.criteria.model import OneStopInput, ReportsInput, SurveyInput

    if isinstance(spec, OneStopInput):
        return "one_stop", OneStopSource(spec.one_stop, spec.denominator)
    if isinstance(spec, ReportsInput):
        return "reports", ReportsSource(spec.reports, tuple(spec.of))
    if isinstance(spec, SurveyInput):
        return "survey", SurveySource(tuple(spec.survey))
    return spec, None


def _leaf(node: Node, index: int, area: int, parents: tuple[str, ...], na: NAPolicy,
          survey: bool, validated: _Validated) -> Leaf:
    """A leaf node as plain data (its input, rule and params copied out of the model)."""
    from parindex.criteria.rules import kind_of, score_keys, score_labels

    assert node.max is not None  # a leaf has max, score and input (checked)
    assert node.score is not None
    assert node.input is not None
    kind = kind_of(node.score)
    input_kind, source = _source(node.input)
    return Leaf(index=index, code=node.code, name=node.name, area=area, parents=parents,
                max=float(node.max), input_kind=input_kind, source=source, rule=kind.name,
                args=plain_args(kind.name, node.score), value_kind=kind.value_kind,
                keys=tuple(k.strip().lower() for k in score_keys(node.score)),
                survey=survey, na=na, description=node.description,
                evidence=node.evidence, validated=validated,
                labels=tuple(score_labels(node.score)))


def compile_edition(edition: Edition, source: str, text: str | None = None) -> CompiledEdition:
    """Flatten a validated edition. Assumes :func:`semantic_problems` found no errors.
    ``text`` is the YAML it was validated from (kept, so that a cached copy can be validated
    again when its model is asked for)."""
    leaves: list[Leaf] = []
    nodes: list[NodeInfo] = []
    areas: list[NodeInfo] = []
    validated = _Validated(edition, text, Path(source).name)

    def visit(node: Node, depth: int, area: int, parents: tuple[str, ...],
              policy: NAPolicy | None, survey: bool) -> tuple[int, ...]:
        policy, survey = _inherit(node, policy, survey)
        slot = len(nodes)
        nodes.append(NodeInfo(node.code, node.name, depth, 0.0, ()))
        if node.children is None:
            leaves.append(_leaf(node, len(leaves), area, parents,
                                policy or edition.not_applicable, survey, validated))
            owned: tuple[int, ...] = (len(leaves) - 1,)
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
    return _compiled(edition, source, leaves, areas, nodes, validated)


def _compiled(edition: Edition, source: str, leaves: list[Leaf], areas: list[NodeInfo],
              nodes: list[NodeInfo], validated: _Validated) -> CompiledEdition:
    from parindex.criteria.model import DEFAULT_SURVEY_ANSWERS

    answers = edition.survey_answers or DEFAULT_SURVEY_ANSWERS
    return CompiledEdition(
        source=source, id=edition.edition, title=edition.title, level=edition.level,
        scale=edition.scale, valid_from=edition.valid.from_, valid_until=edition.valid.until,
        ties=edition.ties, bands=tuple((b.name, b.min) for b in edition.bands),
        bonus_max=edition.bonus_max, penalty_max=edition.penalty_max,
        calendar=dict(edition.calendar), leaves=tuple(leaves), areas=tuple(areas),
        survey_answers={k.strip().upper(): float(v) for k, v in answers.items()},
        min_respondents=edition.min_respondents,
        nodes=tuple(nodes),
        leaf_max=np.array([leaf.max for leaf in leaves]),
        survey=np.array([leaf.survey for leaf in leaves], dtype=bool),
        na_full=np.array([leaf.na == "full" for leaf in leaves], dtype=bool),
        na_forbidden=np.array([leaf.na == "forbidden" for leaf in leaves], dtype=bool),
        area_of=np.array([leaf.area for leaf in leaves], dtype=np.intp),
        leaf_index={leaf.code: leaf.index for leaf in leaves}, validated=validated,
    )
