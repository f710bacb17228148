"""Whole-tree rules an edition must satisfy beyond its schema.

Unique codes; a stated max equals the sum of the children; areas add up to the scale; band
thresholds descend; options, levels and bands stay within the leaf's max; the input kind
suits the score kind; report ids exist in the calendar and calendar dates are real dates.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from parindex.criteria.compiled import parse_calendar_date
from parindex.criteria.keys import fold_key
from parindex.criteria.model import Area, Edition, Node, OneStopInput, ReportsInput, SurveyInput
from parindex.criteria.paths import Path_, render_path
from parindex.criteria.rules import (
    BandsScore,
    LevelsScore,
    OptionsScore,
    ScoreSpec,
    best_points,
    kind_of,
)
from parindex.errors import Problem, quote

_EPS = 1e-9

#: which score kinds each input kind can feed
_COMPATIBLE: dict[str, set[str]] = {
    "value": {"manual", "boolean", "options", "levels", "bands", "proportional", "deduction"},
    "percent": {"bands", "proportional"},
    "on_time_rate": {"bands", "proportional"},
    "online_rate": {"bands", "proportional"},
    "late_count": {"bands", "deduction"},
    "overdue_pending": {"bands", "deduction"},
    "on_time": {"bands", "proportional"},
    "late": {"bands", "deduction"},
    "missing": {"bands", "deduction"},
    "survey": {"bands", "proportional"},
}


def _nodes(edition: Edition) -> Iterator[tuple[Path_, Area | Node]]:
    def rec(nodes: list[Node], path: Path_, key: str) -> Iterator[tuple[Path_, Area | Node]]:
        for i, node in enumerate(nodes):
            here = (*path, key, i)
            yield here, node
            if node.children:
                yield from rec(node.children, here, "children")

    for a, area in enumerate(edition.areas):
        yield ("areas", a), area
        yield from rec(area.criteria, ("areas", a), "criteria")


def _leaf_max(node: Area | Node) -> float:
    kids = node.criteria if isinstance(node, Area) else node.children
    if kids is None:
        return float(node.max or 0)
    return sum(_leaf_max(k) for k in kids)


def _input_name(node: Node) -> str:
    spec = node.input
    if isinstance(spec, OneStopInput):
        return spec.one_stop
    if isinstance(spec, ReportsInput):
        return spec.reports
    if isinstance(spec, SurveyInput):
        return "survey"
    return str(spec or "value")


class _Problems(list[Problem]):
    """Problems of one edition file, each placed by YAML path, line and node code."""

    def __init__(self, file: str, lines: dict[Path_, int]):
        super().__init__()
        self.file, self.lines = file, lines

    def add(self, path: Path_, reason: str, value: object = None, code: str | None = None,
            **facts: Any) -> None:
        """A problem at ``path`` (of the node ``code``), its words ``problem.criteria.REASON``
        filled with ``facts``."""
        line = None
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                line = self.lines[path[:end]]
                break
        where = f"line {line}, {render_path(path)}" if line else render_path(path)
        if code:
            where += f" (code {code})"
        self.append(Problem.of(f"criteria.{reason}", self.file, where,
                               field=str(path[-1]) if path else None, value=value, **facts))


def semantic_problems(edition: Edition, file: str, lines: dict[Path_, int]) -> list[Problem]:
    """Every whole-tree problem of a structurally valid edition."""
    out = _Problems(file, lines)
    for check in (_tree_problems, _scale_problems, _band_problems, _calendar_problems,
                  _validity_problems, _previous_problems, _survey_problems):
        check(edition, out)
    return list(out)


def _tree_problems(edition: Edition, out: _Problems) -> None:
    """Unique codes, maxes that add up, and each leaf's own rules."""
    seen: dict[str, Path_] = {}
    for path, node in _nodes(edition):
        if node.code in seen:
            out.add((*path, "code"), "duplicate_code", node.code, quoted=quote(node.code),
                    first=render_path(seen[node.code]))
        else:
            seen[node.code] = path
        kids = node.criteria if isinstance(node, Area) else node.children
        if kids is not None and node.max is not None:
            total = _leaf_max(node)
            if abs(total - node.max) > _EPS:
                out.add((*path, "max"), "max_not_sum", node.max, code=node.code,
                        max=f"{node.max:g}", total=f"{total:g}")
        if isinstance(node, Node) and node.children is None:
            for key, reason, value, facts in _leaf_problems(node, edition):
                out.add((*path, key), reason, value, code=node.code, **facts)


def _scale_problems(edition: Edition, out: _Problems) -> None:
    total = sum(_leaf_max(a) for a in edition.areas)
    if abs(total - edition.scale) > 1e-6:
        out.add(("scale",), "scale", edition.scale, total=f"{total:g}",
                scale=f"{edition.scale:g}")


def _band_problems(edition: Edition, out: _Problems) -> None:
    mins = [b.min for b in edition.bands]
    for i in range(1, len(mins)):
        if mins[i] >= mins[i - 1]:
            out.add(("bands", i, "min"), "bands_descend", mins[i], this=f"{mins[i]:g}",
                    before=f"{mins[i - 1]:g}")
    names = [b.name for b in edition.bands]
    for i, name in enumerate(names):
        if name in names[:i]:
            out.add(("bands", i, "name"), "band_twice", name, quoted=quote(name))
    if mins and mins[0] > 100:
        out.add(("bands", 0, "min"), "band_above_100", mins[0])


#: assessment years a calendar date must exist in: the first and last year a bundle may
#: have, a leap year and a common year (so 02-29 and offsets past year 9999 are refused)
_CALENDAR_YEARS = (1990, 2023, 2024, 2100)


def _calendar_problems(edition: Edition, out: _Problems) -> None:
    for rid, text in edition.calendar.items():
        for year in _CALENDAR_YEARS:
            try:
                parse_calendar_date(text, year)
            except ValueError as exc:
                out.add(("calendar", rid), "calendar_date", text, quoted=quote(text),
                        year=year, error=str(exc))
                break


def _validity_problems(edition: Edition, out: _Problems) -> None:
    if edition.valid.until is not None and edition.valid.until < edition.valid.from_:
        out.add(("valid", "until"), "valid_until", edition.valid.until,
                until=edition.valid.until, start=edition.valid.from_)


def _previous_problems(edition: Edition, out: _Problems) -> None:
    if edition.previous is None:
        return
    codes = {a.code for a in edition.areas}
    for code in edition.previous.areas:
        if code not in codes:
            out.add(("previous", "areas", code), "previous_area", code, quoted=quote(code),
                    known=", ".join(sorted(codes)))


def _survey_problems(edition: Edition, out: _Problems) -> None:
    """Survey answer weights are percentages, and their keys differ ignoring case."""
    answers = edition.survey_answers or {}
    seen: set[str] = set()
    for key, weight in answers.items():
        if not 0 <= weight <= 100:
            out.add(("survey_answers", key), "survey_weight", weight, weight=f"{weight:g}")
        if key.strip().upper() in seen or not key.strip():
            out.add(("survey_answers", key), "survey_answer_twice", key, quoted=quote(key))
        seen.add(key.strip().upper())


#: (key under the leaf, reason, value, facts of the reason's words)
_Found = list[tuple[str, str, object, dict[str, Any]]]


def _leaf_problems(node: Node, edition: Edition) -> _Found:
    """(key under the leaf, reason, value, facts) for each problem of one leaf's rule."""
    assert node.max is not None  # a leaf has both (checked by the model)
    assert node.score is not None
    spec: ScoreSpec = node.score
    out = _input_problems(node, spec, edition)
    if isinstance(spec, OptionsScore | LevelsScore):
        out += _option_problems(spec)
    if isinstance(spec, BandsScore):
        ths = [b.threshold for b in spec.bands]
        out += [("score", "score_bands_descend", ths[i],
                 {"this": f"{ths[i]:g}", "before": f"{ths[i - 1]:g}"})
                for i in range(1, len(ths)) if ths[i] > ths[i - 1]]
    best = best_points(node.max, spec)
    if best > node.max + _EPS:
        out.append(("score", "rule_above_max", best,
                    {"best": f"{best:g}", "max": f"{node.max:g}"}))
    return out


def _input_problems(node: Node, spec: ScoreSpec, edition: Edition) -> _Found:
    """The input kind suits the score kind; reports named exist in the calendar."""
    out: _Found = []
    kind, source = kind_of(spec).name, _input_name(node)
    if kind not in _COMPATIBLE[source]:
        allowed = ", ".join(sorted(_COMPATIBLE[source]))
        out.append(("score", "score_input", kind,
                    {"kind": kind, "source": source, "allowed": allowed}))
    if isinstance(node.input, ReportsInput):
        for rid in node.input.of:
            if rid not in edition.calendar:
                out.append(("input", "report_unknown", rid,
                            {"quoted": quote(rid), "known": ", ".join(edition.calendar) or "—"}))
        out += [("input", "report_twice", rid, {"quoted": quote(rid)})
                for rid in _repeated(node.input.of)]
    if isinstance(node.input, SurveyInput):
        out += [("input", "question_twice", q, {"quoted": quote(q)})
                for q in _repeated([q.upper() for q in node.input.survey])]
    return out


def _repeated(items: list[str]) -> list[str]:
    """Entries of a list meant as a set that appear more than once, each named once.

    >>> _repeated(["Q1", "H1", "Q1", "Q1"])
    ['Q1']
    """
    counts = Counter(items)
    return [x for x in counts if counts[x] > 1]


def _option_problems(spec: OptionsScore | LevelsScore) -> _Found:
    """Option keys differ ignoring case; points are ≥ 0; levels are fractions of max."""
    out: _Found = []
    table = spec.points if isinstance(spec, OptionsScore) else spec.levels
    folded = [fold_key(k) for k in table]
    if len(set(folded)) != len(folded) or "" in folded:
        out.append(("score", "option_keys", list(table),
                    {"keys": ", ".join(quote(k) for k in table)}))
    out += [("score", "negative", v, {"name": k}) for k, v in table.items() if v < 0]
    if isinstance(spec, LevelsScore) and any(v > 1 for v in spec.levels.values()):
        top = max(spec.levels.values())
        out.append(("score", "levels_fraction", top, {"top": f"{top:g}"}))
    return out
