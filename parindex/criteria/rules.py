"""Score rules: how a leaf's number becomes points.

Each rule kind is registered once with its name, a pydantic params model (what the criteria
file may say), a pure vectorised function over every unit's number at once, and a sentence
that describes it in words. The criteria model validates ``score:`` through this registry, so
a new kind is one entry here. No formula strings, no ``eval``.

Numbers reach the functions already parsed: for ``options`` and ``levels`` the number is the
position of the chosen key in the rule's key list; for ``boolean`` it is 1 (yes) or 0 (no).
Functions never see missing or not-applicable cells; the engine masks those. The functions
live in :mod:`parindex.criteria.rule_math`, which needs no pydantic, so that a cached
compiled edition is scored without loading the models.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from parindex.criteria import rule_math
from parindex.criteria.rule_math import FloatArray
from parindex.errors import shown
from parindex.lang import number_text
from parindex.words import t


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
    "manual": RuleKind("manual", None, rule_math.manual, _describe_manual, "points"),
    "boolean": RuleKind("boolean", None, rule_math.boolean, _describe_boolean, "boolean"),
    "options": RuleKind("options", OptionsScore, rule_math.options, _describe_options, "key"),
    "levels": RuleKind("levels", LevelsScore, rule_math.levels, _describe_levels, "key"),
    "bands": RuleKind("bands", BandsScore, rule_math.bands, _describe_bands, "number"),
    "proportional": RuleKind("proportional", ProportionalScore, rule_math.proportional,
                             _describe_proportional, "number"),
    "deduction": RuleKind("deduction", DeductionScore, rule_math.deduction, _describe_deduction,
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
        raise ValueError(f"unknown score kind '{shown(raw)}' (known: {known})")
    if isinstance(raw, dict) and len(raw) == 1:
        (name,) = raw.keys()
        kind = REGISTRY.get(name)
        if kind is None or kind.params is None:
            raise ValueError(f"unknown score kind '{shown(name)}' (known: {known})")
        return kind.params.model_validate(raw)  # type: ignore[return-value]
    if isinstance(raw, (OptionsScore, BandsScore, ProportionalScore, DeductionScore,
                        LevelsScore)):
        return raw
    raise ValueError(f"score must be one of {known}, given as a name or a one-key mapping")


def score_keys(spec: ScoreSpec) -> list[str]:
    """The keys an ``options`` or ``levels`` rule accepts, in order.

    >>> score_keys(parse_score({"options": {"dung_han": 1, "tre_han": 0.5, "khong": 0}}))
    ['dung_han', 'tre_han', 'khong']
    """
    if isinstance(spec, OptionsScore):
        return list(spec.options)
    if isinstance(spec, LevelsScore):
        return list(spec.levels)
    return []


def score_labels(spec: ScoreSpec) -> list[str]:
    """Each key's label (options in the long form), ``""`` where none, in the order of
    :func:`score_keys`."""
    labels = spec.labels if isinstance(spec, OptionsScore) else {}
    return [labels.get(key, "") for key in score_keys(spec)]


def best_points(max_: float, spec: ScoreSpec) -> float:
    """The most points the rule can give (used to check rules against the leaf's max)."""
    if isinstance(spec, OptionsScore):
        return max(spec.points.values())
    if isinstance(spec, LevelsScore):
        return max(spec.levels.values()) * max_
    if isinstance(spec, BandsScore):
        return max(b.points for b in spec.bands)
    return max_
