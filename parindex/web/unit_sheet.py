"""What the unit's self-assessment page shows, read from the cycle's rows: the edition's
areas and leaves (how each is scored and entered, the unit's value, source, note, documents),
the unit's points as the engine scores them (leaf, area, total, index, band), what is still
missing, and whether the page may be written and, if not, why.

The points come from :func:`parindex.web.scores.unit_errors` (the unit's rows checked and
scored alone, through the pipeline ``parindex score`` uses), so a leaf's points on the page
and the results API cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from parindex import words
from parindex.criteria.compiled import CompiledEdition, Leaf
from parindex.criteria.keys import fold_key
from parindex.errors import Problem
from parindex.evidence.parse import NA_TOKENS, NO, YES, leaf_kind
from parindex.evidence.states import MISSING, NA
from parindex.scoring.run import Run
from parindex.web import models as m
from parindex.web import scores
from parindex.web.permissions import deadline_of, today
from parindex.web.services import document_dict, why_not
from parindex.web.store import ONE_STOP_COUNTS, compiled

#: the option values a yes/no leaf's drop-down sends (read by the same reader as a cell)
YES_NO = ("có", "không")
NA_VALUE = "NA"


@dataclass
class LeafRow:
    """One leaf as the page shows it."""

    leaf: Leaf
    slug: str
    #: the reading of the leaf's cell (:func:`parindex.evidence.parse.leaf_kind`)
    kind: str
    #: "select" (options or yes/no), "text" (number, percentage, count, points), "computed"
    widget: str
    enter: str
    options: list[tuple[str, str]]
    #: where the number comes from and how it becomes points, in words
    rule: str = ""
    value: str = ""
    source: str = ""
    note: str = ""
    #: the council's side, shown once there is one
    appraised: str = ""
    comment: str = ""
    explanation: str = ""
    version: int = 1
    files: list[dict[str, Any]] = field(default_factory=list)
    points: float | None = None
    self_points: float | None = None
    applicable: float = 0.0
    state: str = "missing"

    @property
    def council(self) -> bool:
        """Whether the council changed this leaf (an appraised input other than the
        declared one) or commented on it: the leaves the unit may explain."""
        return bool(self.comment.strip()) or (bool(self.appraised.strip())
                                              and self.appraised != self.value)

    @property
    def selected(self) -> str:
        """The option the stored value reads as ("" when none fits)."""
        return option_of(self.value, self.leaf, self.kind)


def slug(leaf: Leaf) -> str:
    return f"l{leaf.index}"


def option_of(value: str, leaf: Leaf, kind: str) -> str:
    """The drop-down option a stored cell reads as (a key, yes/no, NA; "" when none)."""
    text = " ".join(value.strip().lower().split())
    if not text:
        return ""
    if text in NA_TOKENS:
        return NA_VALUE
    if kind == "boolean":
        return YES_NO[0] if text in YES else YES_NO[1] if text in NO else ""
    folded = fold_key(value)
    labels = leaf.labels or ("",) * len(leaf.keys)
    for key, label in zip(leaf.keys, labels, strict=True):
        if folded == fold_key(key) or (label and folded == fold_key(label)):
            return key
    return ""


def widget_of(leaf: Leaf, lang: str) -> tuple[str, str, list[tuple[str, str]]]:
    """How the leaf is entered: the widget, the words saying what to enter, the options."""
    kind = leaf_kind(leaf)
    na = leaf.na != "forbidden"
    na_words = words.t("enter.na", lang) if na else ""
    if leaf.computed:
        return "computed", words.t(f"web.unit.computed.{leaf.input_kind}", lang), []
    if kind in ("key", "boolean"):
        if kind == "key":
            labels = leaf.labels or ("",) * len(leaf.keys)
            got = leaf.points(np.arange(len(leaf.keys), dtype=float)).tolist()
            options = [(k, words.t("web.unit.option", lang, label=label or k,
                                   points=_num(p, lang)))
                       for k, label, p in zip(leaf.keys, labels, got, strict=True)]
        else:
            yes, no = leaf.points(np.array([1.0, 0.0])).tolist()
            options = [(YES_NO[0], words.t("web.unit.option", lang, points=_num(yes, lang),
                                           label=words.t("web.unit.yes", lang))),
                       (YES_NO[1], words.t("web.unit.option", lang, points=_num(no, lang),
                                           label=words.t("web.unit.no", lang)))]
        if na:
            options.append((NA_VALUE, words.t("status.na", lang)))
        enter = words.t("enter.boolean", lang) if kind == "boolean" else \
            words.t("enter.key", lang, keys=", ".join(v for v, _ in options))
        return "select", enter, options
    enter = words.t("enter.points", lang, max=_num(leaf.max, lang)) if kind == "points" \
        else words.t(f"enter.{kind}", lang)
    return "text", enter + na_words, []


def _num(x: float, lang: str) -> str:
    from parindex.lang import number_text

    return number_text(round(float(x), 2), lang)


def leaf_rows(edition: CompiledEdition, member: m.Member, lang: str) -> list[LeafRow]:
    """Every leaf of the edition with the unit's row (blank where it has none)."""
    rows = {e.criterion: e for e in member.evidence.prefetch_related("documents")}
    out = []
    for leaf in edition.leaves:
        widget, enter, options = widget_of(leaf, lang)
        row = LeafRow(leaf, slug(leaf), leaf_kind(leaf), widget, enter, options,
                      leaf.describe(lang))
        found = rows.get(leaf.code)
        if found is not None:
            row.value, row.source, row.note = found.value, found.source, found.note
            row.appraised, row.comment = found.appraised, found.comment
            row.explanation = found.explanation
            row.version = found.version
            row.files = [document_dict(d) for d in found.documents.all()
                         if d.removed_at is None]
        out.append(row)
    return out


def fill_points(run: Run, rows: list[LeafRow]) -> None:
    """Each leaf's points (both sides), applicable max and state from a one-unit run."""
    s = run.scores
    for row in rows:
        j = row.leaf.index
        row.points = float(s.leaf_appr[0, j])
        row.self_points = float(s.leaf_self[0, j])
        row.applicable = float(s.leaf_applicable[0, j])
        state = int(s.state[0, j])
        row.state = "missing" if state == MISSING else "na" if state == NA else "value"


def score_rows(cycle: m.Cycle, member: m.Member, rows: list[LeafRow], lang: str,
               reuse: bool = False) -> tuple[dict[str, Any] | None, list[str]]:
    """The unit's result (None with the reasons when its rows do not check), and each
    leaf's points, applicable max and state filled into ``rows`` (``reuse``: the run a
    write just validated, when there is one)."""
    run = scores.last_unit_run(cycle, member.code) if reuse else None
    problems: list[Problem] = []
    if run is None:
        run, problems = scores.unit_errors(cycle, member.code)
    if run is None:
        return None, [scores.reason(p, lang) for p in problems]
    fill_points(run, rows)
    result = run.unit_result(0)
    result["rank"] = result["group_rank"] = None
    return result, []


@dataclass
class Lock:
    """Whether each part of the page may be written now, and why not."""

    evidence: str | None
    one_stop: str | None
    reports: str | None
    files: str | None
    submit: str | None
    explain: str | None

    @property
    def read_only(self) -> bool:
        return self.evidence is not None


def lock_of(user: Any, cycle: m.Cycle, member: m.Member, lang: str) -> Lock:
    return Lock(*(why_not(user, a, cycle, member, lang) for a in (
        "evidence.declare", "one_stop.write", "reports.write", "files.upload", "unit.submit",
        "evidence.explain")))


def summary(edition: CompiledEdition, rows: list[LeafRow], result: dict[str, Any] | None
            ) -> dict[str, Any]:
    """The progress line, the points still missing and the not-applicable rebasing."""
    fillable = [r for r in rows if r.widget != "computed"]
    filled = [r for r in fillable if r.value.strip()]
    missing = [r for r in rows if r.state == "missing"]
    return {
        "filled": len(filled), "fillable": len(fillable),
        "missing": missing, "missing_points": sum(r.leaf.max for r in missing),
        "rebased": [r for r in rows if r.state == "na" and r.applicable == 0],
        "na_full": [r for r in rows if r.state == "na" and r.applicable > 0],
        "scale": edition.scale, "result": result,
    }


def areas(edition: CompiledEdition, rows: list[LeafRow], result: dict[str, Any] | None
          ) -> list[dict[str, Any]]:
    found = {a["code"]: a for a in (result or {}).get("areas", [])}
    return [{"code": a.code, "name": a.name, "max": a.max, "slug": f"a{i}",
             "result": found.get(a.code), "leaves": [rows[j] for j in a.leaves]}
            for i, a in enumerate(edition.areas)]


def one_stop_rows(member: m.Member) -> list[dict[str, Any]]:
    rows = [{"period": s.period, "version": s.version, "slug": f"os{i}",
             "cells": [(c, s.counts.get(c, "")) for c in ONE_STOP_COUNTS]}
            for i, s in enumerate(member.one_stop.all())]
    return rows or [{"period": "", "version": 1, "slug": "os0",
                     "cells": [(c, "") for c in ONE_STOP_COUNTS]}]


def report_rows(edition: CompiledEdition, cycle: m.Cycle, member: m.Member
                ) -> list[dict[str, Any]]:
    known = {r.report: r for r in member.reports.all()}
    out = []
    for i, report in enumerate(edition.calendar):
        row = known.get(report)
        out.append({"report": report, "deadline": edition.deadline(report, cycle.year),
                    "submitted": row.submitted if row else "",
                    "version": row.version if row else 1, "slug": f"rp{i}"})
    return out


def deadline(cycle: m.Cycle, member: m.Member) -> tuple[dt.date | None, int | None]:
    day = deadline_of(cycle, cycle.round, member)
    return day, (None if day is None else (day - today()).days)


def page(user: Any, cycle: m.Cycle, member: m.Member, lang: str, reuse: bool = False
         ) -> dict[str, Any]:
    """Everything the unit page shows (``reuse``: after a write, with the run it was
    validated with)."""
    edition = compiled(cycle.edition)
    rows = leaf_rows(edition, member, lang)
    result, problems = score_rows(cycle, member, rows, lang, reuse)
    day, left = deadline(cycle, member)
    return {"cycle": cycle, "member": member, "edition": edition, "rows": rows,
            "areas": areas(edition, rows, result), "summary": summary(edition, rows, result),
            "problems": problems, "lock": lock_of(user, cycle, member, lang),
            "one_stop": one_stop_rows(member), "one_stop_columns": ONE_STOP_COUNTS,
            "has_one_stop": any(r.leaf.input_kind == "one_stop" for r in rows),
            "reports": report_rows(edition, cycle, member), "deadline": day,
            "days_left": left, "base": f"/cycles/{cycle.id}/units/{member.code}/"}
