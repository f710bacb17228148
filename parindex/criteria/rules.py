"""Score rules: how a leaf's number becomes points.

Each rule kind is registered once with its name, a pydantic params model (what the criteria
file may say), a pure vectorised function over every unit's number at once, and a sentence
that describes it in words. The criteria model validates ``score:`` through this registry, so
a new kind is one entry here. No formula strings, no ``eval``.

Numbers reach the functions already parsed: for ``options`` and ``levels`` the number is the
position of the chosen key in the rule's key list; for ``boolean`` it is 1 (yes) or 0 (no).
Functions never see missing or not-applicable cells; the engine masks those.

Longer than 300 lines because the registry is read as one table: each of the seven kinds
keeps its params model, its function (with a doctest) and its words side by side.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from parindex.lang import number_text
from parindex.words import t

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


class _Params(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Band(_Params):
    """One band: holds when x >= ``min`` or x > ``above``; gives ``points``."""

    min: float | None = None
    above: float | None = None
    points: float = Field(ge=0)

    @model_validator(mode="after")
    def _one_bound(self) -> Band:
        if (self.min is None) == (self.above is None):
            raise ValueError("a band needs exactly one of 'min' or 'above'")
        return self

    @property
    def threshold(self) -> float:
        return self.min if self.min is not None else self.above  # type: ignore[return-value]


class BandsScore(_Params):
    """First band that holds wins; none holds → 0."""

    bands: list[Band] = Field(min_length=1)


class ProportionalParams(_Params):
    target: float = Field(default=100, gt=0)
    floor: float = Field(default=0, ge=0)


class ProportionalScore(_Params):
    """max × min(x / target, 1); 0 below floor."""

    proportional: ProportionalParams


class DeductionParams(_Params):
    per_item: float = Field(gt=0)
    floor: float = Field(default=0, ge=0)


class DeductionScore(_Params):
    """max − per_item × count, not below floor."""

    deduction: DeductionParams


class Choice(_Params):
    """The long form of an option: its points and the label templates and tables show."""

    points: float
    label: str = Field(min_length=1)


class OptionsScore(_Params):
    """Named outcomes, each worth a number of points (``key: points``, or the long form
    ``key: {points: P, label: "Đúng hạn"}``)."""

    options: dict[str, float | Choice] = Field(min_length=1)

    @property
    def points(self) -> dict[str, float]:
        """Key → points, whichever form each option was written in."""
        return {k: v.points if isinstance(v, Choice) else v for k, v in self.options.items()}

    @property
    def labels(self) -> dict[str, str]:
        """Key → label, for the options written in the long form."""
        return {k: v.label for k, v in self.options.items() if isinstance(v, Choice)}


class LevelsScore(_Params):
    """Named levels, each a fraction of max."""

    levels: dict[str, float] = Field(min_length=1)


ScoreSpec = Literal["manual", "boolean"] | OptionsScore | BandsScore | ProportionalScore | (
    DeductionScore | LevelsScore
)


@dataclass(frozen=True)
class RuleKind:
    """A registered rule kind."""

    name: str
    params: type[_Params] | None
    apply: Callable[[FloatArray, float, Any], FloatArray]
    #: the rule in words, from max points and params, in English ("en") or Vietnamese
    describe: Callable[[float, Any, str], str]
    #: what the evidence ``value`` holds for this rule: number, count, boolean, key, points
    value_kind: Literal["number", "count", "boolean", "key", "points"]


def _manual(x: FloatArray, max_: float, _spec: Any) -> FloatArray:
    """The number is the points.

    >>> _manual(np.array([0.0, 1.5]), 2.0, "manual").tolist()
    [0.0, 1.5]
    """
    return np.clip(x, 0.0, max_)


def _boolean(x: FloatArray, max_: float, _spec: Any) -> FloatArray:
    """Yes → max, no → 0.

    >>> _boolean(np.array([1.0, 0.0]), 2.0, "boolean").tolist()
    [2.0, 0.0]
    """
    return np.where(x > 0.5, max_, 0.0)


def _options(x: FloatArray, max_: float, spec: OptionsScore) -> FloatArray:
    """The chosen key's points; ``x`` is the key's position in ``spec.options``.

    >>> spec = OptionsScore(options={"dung_han": 1, "tre_han": 0.5, "khong": 0})
    >>> _options(np.array([0.0, 1.0, 2.0]), 1.0, spec).tolist()
    [1.0, 0.5, 0.0]
    """
    table = np.fromiter(spec.points.values(), dtype=float)
    points: FloatArray = np.minimum(table[x.astype(np.intp)], max_)
    return points


def _levels(x: FloatArray, max_: float, spec: LevelsScore) -> FloatArray:
    """The chosen level's fraction of max; ``x`` is the level's position.

    >>> spec = LevelsScore(levels={"xuat_sac": 1.0, "tot": 0.75, "hoan_thanh": 0.5})
    >>> _levels(np.array([1.0, 2.0]), 2.0, spec).tolist()
    [1.5, 1.0]
    """
    table = np.fromiter(spec.levels.values(), dtype=float)
    return table[x.astype(np.intp)] * max_


def _bands(x: FloatArray, max_: float, spec: BandsScore) -> FloatArray:
    """First band that holds gives its points (``min``: x ≥ X, ``above``: x > X).

    >>> spec = BandsScore(bands=[{"above": 90, "points": 2}, {"min": 70, "points": 1}])
    >>> _bands(np.array([95.0, 90.0, 70.0, 69.9]), 2.0, spec).tolist()
    [2.0, 1.0, 1.0, 0.0]
    """
    out = np.zeros_like(x)
    for band in reversed(spec.bands):  # an earlier band that holds overrides a later one
        holds = (x > band.above) if band.above is not None else (x >= band.threshold)
        out = np.where(holds, min(band.points, max_), out)
    return out


def _proportional(x: FloatArray, max_: float, spec: ProportionalScore) -> FloatArray:
    """max × min(x / target, 1); 0 below floor.

    >>> spec = ProportionalScore(proportional={"target": 80, "floor": 50})
    >>> _proportional(np.array([40.0, 60.0, 90.0]), 10.0, spec).tolist()
    [0.0, 7.5, 10.0]
    """
    p = spec.proportional
    pts = max_ * np.minimum(np.maximum(x, 0.0) / p.target, 1.0)
    return np.where(x < p.floor, 0.0, pts)


def _deduction(x: FloatArray, max_: float, spec: DeductionScore) -> FloatArray:
    """max − per_item × count, not below floor.

    >>> spec = DeductionScore(deduction={"per_item": 0.25})
    >>> _deduction(np.array([0.0, 2.0, 10.0]), 1.0, spec).tolist()
    [1.0, 0.5, 0.0]
    """
    d = spec.deduction
    return np.clip(max_ - d.per_item * x, min(d.floor, max_), max_)


def _num(value: float, lang: str = "en") -> str:
    """A number in a description: ``0.5``, or ``0,5`` in Vietnamese."""
    return number_text(value, lang)


def _describe_manual(m: float, _s: Any, lang: str) -> str:
    return t("rule.manual", lang, max=_num(m, lang))


def _describe_boolean(m: float, _s: Any, lang: str) -> str:
    return t("rule.boolean", lang, max=_num(m, lang))


def _describe_options(_m: float, s: OptionsScore, lang: str) -> str:
    items = t("rule.list_sep", lang).join(f"{k}: {_num(v, lang)}" for k, v in s.points.items())
    return t("rule.options", lang, items=items)


def _describe_levels(m: float, s: LevelsScore, lang: str) -> str:
    items = t("rule.list_sep", lang).join(f"{k}: {_num(v * m, lang)}"
                                         for k, v in s.levels.items())
    return t("rule.levels", lang, items=items)


def _describe_bands(_m: float, s: BandsScore, lang: str) -> str:
    parts = []
    for b in s.bands:
        cond = f"> {_num(b.above, lang)}" if b.above is not None \
            else f"≥ {_num(b.threshold, lang)}"
        parts.append(f"{cond}: {_num(b.points, lang)}")
    return t("rule.bands", lang, bands="; ".join(parts))


def _describe_proportional(m: float, s: ProportionalScore, lang: str) -> str:
    p = s.proportional
    floor = t("rule.proportional_floor", lang, floor=_num(p.floor, lang)) if p.floor else ""
    return t("rule.proportional", lang, max=_num(m, lang), target=_num(p.target, lang),
             floor=floor)


def _describe_deduction(m: float, s: DeductionScore, lang: str) -> str:
    d = s.deduction
    return t("rule.deduction", lang, max=_num(m, lang), per_item=_num(d.per_item, lang),
             floor=_num(d.floor, lang))


REGISTRY: dict[str, RuleKind] = {
    "manual": RuleKind("manual", None, _manual, _describe_manual, "points"),
    "boolean": RuleKind("boolean", None, _boolean, _describe_boolean, "boolean"),
    "options": RuleKind("options", OptionsScore, _options, _describe_options, "key"),
    "levels": RuleKind("levels", LevelsScore, _levels, _describe_levels, "key"),
    "bands": RuleKind("bands", BandsScore, _bands, _describe_bands, "number"),
    "proportional": RuleKind("proportional", ProportionalScore, _proportional,
                             _describe_proportional, "number"),
    "deduction": RuleKind("deduction", DeductionScore, _deduction, _describe_deduction,
                          "count"),
}


def kind_of(spec: ScoreSpec) -> RuleKind:
    """The registered kind of a parsed score spec."""
    if isinstance(spec, str):
        return REGISTRY[spec]
    for kind in REGISTRY.values():
        if kind.params is not None and isinstance(spec, kind.params):
            return kind
    raise KeyError(type(spec).__name__)


def parse_score(raw: object) -> ScoreSpec:
    """Turn a criteria file's ``score:`` into a spec, naming the known kinds when unknown."""
    known = ", ".join(REGISTRY)
    if isinstance(raw, str):
        if raw in ("manual", "boolean"):
            return raw  # type: ignore[return-value]
        kind = REGISTRY.get(raw)
        if kind is not None:
            raise ValueError(f"score kind '{raw}' needs parameters, e.g. {{{raw}: ...}}")
        raise ValueError(f"unknown score kind '{raw}' (known: {known})")
    if isinstance(raw, dict) and len(raw) == 1:
        (name,) = raw.keys()
        kind = REGISTRY.get(name)
        if kind is None or kind.params is None:
            raise ValueError(f"unknown score kind '{name}' (known: {known})")
        return kind.params.model_validate(raw)  # type: ignore[return-value]
    if isinstance(raw, (OptionsScore, BandsScore, ProportionalScore, DeductionScore,
                        LevelsScore)):
        return raw
    raise ValueError(f"score must be one of {known}, given as a name or a one-key mapping")


def score_keys(spec: ScoreSpec) -> list[str]:
    """The keys an ``options`` or ``levels`` rule accepts, in order."""
    if isinstance(spec, OptionsScore):
        return list(spec.options)
    if isinstance(spec, LevelsScore):
        return list(spec.levels)
    return []


def best_points(max_: float, spec: ScoreSpec) -> float:
    """The most points the rule can give (used to check rules against the leaf's max)."""
    if isinstance(spec, OptionsScore):
        return max(spec.points.values())
    if isinstance(spec, LevelsScore):
        return max(spec.levels.values()) * max_
    if isinstance(spec, BandsScore):
        return max(b.points for b in spec.bands)
    return max_
