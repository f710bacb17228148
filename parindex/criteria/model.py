"""The criteria edition as typed, frozen data (CONTRACT §1).

These models are the single source of truth for the edition format: the JSON Schema shipped
with the package (``edition.schema.json``) is generated from them, and a test checks that the
committed copy is current. Structural rules live here; rules that need the whole tree (sums,
unique codes, calendar ids) live in :mod:`parindex.criteria.checks`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from parindex.criteria.rules import ScoreSpec, parse_score
from parindex.errors import shown

NAPolicy = Literal["rebase", "full", "forbidden"]
Level = Literal["xa", "huyen", "so", "phong"]
OneStopMetric = Literal["on_time_rate", "online_rate", "late_count", "overdue_pending"]
Denominator = Literal["resolved", "due", "received"]
ReportCount = Literal["on_time", "late", "missing"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True,
                              allow_inf_nan=False)


class OneStopInput(_Model):
    """A number computed from the unit's one-stop table."""

    one_stop: OneStopMetric
    denominator: Denominator | None = None

    @model_validator(mode="after")
    def _denominator(self) -> OneStopInput:
        if self.one_stop == "on_time_rate" and self.denominator is None:
            object.__setattr__(self, "denominator", "resolved")
        if self.one_stop != "on_time_rate" and self.denominator is not None:
            raise ValueError(f"'denominator' applies only to on_time_rate, not {self.one_stop}")
        return self


class ReportsInput(_Model):
    """A count of the unit's periodic reports, judged against the edition's calendar."""

    reports: ReportCount
    of: list[str] = Field(min_length=1)


class SurveyInput(_Model):
    """The satisfaction % from the bundle's ``survey`` table: the mean weight of the unit's
    answers to the listed questions (weights: the edition's ``survey_answers``)."""

    survey: list[str] = Field(min_length=1)

    @field_validator("survey", mode="before")
    @classmethod
    def _question_text(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [str(q).strip() if isinstance(q, (int, float, str)) else q for q in v]
        return v


InputSpec = Literal["value", "percent"] | OneStopInput | ReportsInput | SurveyInput
_INPUTS = "value, percent, {one_stop: ...}, {reports: ..., of: [...]}, {survey: [...]}"
#: answer → % weight when an edition with survey inputs does not say (CONTRACT §1)
DEFAULT_SURVEY_ANSWERS = {"A": 100.0, "B": 60.0, "C": 20.0, "D": 0.0}


def parse_input(raw: Any) -> Any:
    """A criteria file's ``input:`` → a spec, with a message that lists the known kinds."""
    if isinstance(raw, (OneStopInput, ReportsInput, SurveyInput)):
        return raw
    if isinstance(raw, str):
        if raw in ("value", "percent"):
            return raw
        raise ValueError(f"unknown input '{shown(raw)}' (known: {_INPUTS})")
    if isinstance(raw, dict):
        if "one_stop" in raw:
            return OneStopInput.model_validate(raw)
        if "reports" in raw:
            return ReportsInput.model_validate(raw)
        if "survey" in raw:
            return SurveyInput.model_validate(raw)
        raise ValueError(f"unknown input {shown(sorted(raw))} (known: {_INPUTS})")
    raise ValueError(f"input must be one of {_INPUTS}")


class _Coded(_Model):
    # a code may be written unquoted (1.10); the loader keeps the text exactly as written
    code: str = Field(min_length=1, json_schema_extra={"type": ["string", "number"]})
    name: str = Field(min_length=1)
    description: str | None = None
    owner: str | None = Field(default=None, description="who collects this part's evidence")
    survey: bool | None = None
    not_applicable: NAPolicy | None = None
    max: float | None = Field(default=None, gt=0)

    @field_validator("code", mode="before")
    @classmethod
    def _code_text(cls, v: Any) -> Any:
        return str(v).strip() if isinstance(v, (int, float, str)) else v


class Node(_Coded):
    """A criterion or sub-criterion: either ``children`` or a leaf with ``max`` and ``score``."""

    evidence: str | None = Field(default=None, description="documents to attach")
    input: InputSpec | None = None
    score: ScoreSpec | None = None
    children: list[Node] | None = None

    @field_validator("input", mode="before")
    @classmethod
    def _input(cls, v: Any) -> Any:
        return v if v is None else parse_input(v)

    @field_validator("score", mode="before")
    @classmethod
    def _score(cls, v: Any) -> Any:
        return v if v is None else parse_score(v)

    @model_validator(mode="after")
    def _leaf_or_parent(self) -> Node:
        if self.children is not None:
            if not self.children:
                raise ValueError("'children' is empty")
            for key in ("score", "input"):
                if getattr(self, key) is not None:
                    raise ValueError(f"a node with children cannot have '{key}'")
        else:
            if self.max is None or self.score is None:
                lacking = [k for k in ("max", "score") if getattr(self, k) is None]
                raise ValueError(f"a leaf needs {' and '.join(repr(k) for k in lacking)}")
            if self.input is None:
                object.__setattr__(self, "input", "value")
        return self

    @property
    def is_leaf(self) -> bool:
        return self.children is None


class Area(_Coded):
    """A reform area (lĩnh vực), or the direction / impact block."""

    criteria: list[Node] = Field(min_length=1)


class Valid(_Model):
    from_: int = Field(alias="from", ge=1990, le=2100)
    until: int | None = Field(default=None, ge=1990, le=2100)


class BandDef(_Model):
    name: str = Field(min_length=1)
    min: float = Field(ge=0)


class Previous(_Model):
    """How this edition's areas map to the previous edition's, for trends across editions."""

    edition: str
    areas: dict[str, str | list[str]]


class Edition(_Model):
    """One criteria set with a validity period."""

    edition: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    title: str = Field(min_length=1)
    level: Level
    valid: Valid
    legal_basis: list[str] = Field(default_factory=list)
    description: str | None = None
    scale: float = Field(default=100, gt=0)
    not_applicable: Literal["rebase", "full"] = "rebase"
    ties: Literal["min", "dense"] = "min"
    bands: list[BandDef] = Field(min_length=1)
    bonus_max: float = Field(default=0, ge=0)
    penalty_max: float = Field(default=0, ge=0)
    calendar: dict[str, str] = Field(default_factory=dict)
    previous: Previous | None = None
    survey_answers: dict[str, float] | None = Field(
        default=None, description="answer key of the survey table → % weight (0–100); "
        "default {A: 100, B: 60, C: 20, D: 0}")
    min_respondents: int | None = Field(
        default=None, ge=1, description="fewer respondents of a unit than this is a warning")
    areas: list[Area] = Field(min_length=1)


def walk(nodes: list[Node], parents: tuple[Node, ...] = ()) -> list[tuple[tuple[Node, ...], Node]]:
    """Every node under ``nodes`` in document order, with its chain of parents."""
    out: list[tuple[tuple[Node, ...], Node]] = []
    for node in nodes:
        out.append((parents, node))
        if node.children:
            out.extend(walk(node.children, (*parents, node)))
    return out
