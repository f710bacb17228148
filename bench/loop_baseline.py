"""The PAR Index scored the plain way: one unit at a time, one criterion at a time.

An independent implementation of CONTRACT.md §1–§4 for the benchmark: it reads the bundle's
CSV files with :mod:`csv` and the edition with PyYAML, and uses neither pandas, numpy nor
parindex. ``bench/run.py`` times it against parindex and checks that both print the same
results; it is also a second reading of the contract, so a disagreement points at a bug in
one of the two.

    python bench/loop_baseline.py BUNDLE [--criteria ID_OR_FILE]

prints what ``parindex score BUNDLE --format json`` prints. Where the contract is silent it
follows docs/EVIDENCE.md (the yes/no words, ``N/A``, blank one-stop cells = 0, a report
listed twice counts its first date, the optional ``units.ranked`` column). A bundle with an
input error stops with exit 1 and the first error found; this baseline scores, it does not
replace ``parindex check``.

The pipeline is four plain functions, timed separately by the benchmark:
``load_edition`` → ``read_bundle`` → ``build_inputs`` → ``score_units`` (+ ``to_json``).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SHIPPED = Path(__file__).resolve().parents[1] / "parindex" / "criteria" / "editions"

# cell states
VALUE, MISSING, NA = "value", "missing", "na"

YES = {"yes", "có", "co", "true", "1", "x", "đạt", "y"}
NO = {"no", "không", "khong", "false", "0", "không đạt", "n"}
NA_WORDS = {"na", "n/a", "không áp dụng", "khong ap dung", "not applicable"}
BONUS_WORDS = {"bonus", "thưởng", "thuong", "điểm thưởng"}
PENALTY_WORDS = {"penalty", "trừ", "tru", "điểm trừ"}
ONE_STOP_COLUMNS = ("carried_over", "received_online", "received_direct", "received_post",
                    "resolved_early", "resolved_on_time", "resolved_late", "pending_in_time",
                    "pending_overdue", "returned")
DEFAULT_ANSWERS = {"A": 100.0, "B": 60.0, "C": 20.0, "D": 0.0}
DECIMALS = 6  # indexes equal to this many decimals are tied

NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
FRACTION = re.compile(r"^(\d+(?:[.,]\d+)?)\s*/\s*(\d+(?:[.,]\d+)?)$")
CALENDAR = re.compile(r"^(?:\+(\d+):)?(\d{2})-(\d{2})$")


#: a parsed input: its state and, for VALUE, its number
Cell = tuple[str, float | None]


class InputError(Exception):
    """The bundle or edition cannot be scored as given."""


# --------------------------------------------------------------------------- the edition


class _TextLoader(yaml.SafeLoader):
    """Keeps mapping keys and code/name/title values as the text written (``1.10``, ``no``)."""

    def construct_mapping(self, node: yaml.MappingNode, _deep: bool = False) -> dict[str, Any]:
        """PyYAML's ``construct_mapping(node, deep)``; the values are always built deep, so
        the flag is not read (kept, as ``_deep``, for the overridden method's signature)."""
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = nfc(str(key_node.value))
            if key in ("code", "edition", "name", "title") and \
                    isinstance(value_node, yaml.ScalarNode):
                out[key] = nfc(value_node.value).strip()
            else:
                out[key] = self.construct_object(value_node, deep=True)
        return out


_TextLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                            _TextLoader.construct_mapping)


@dataclass
class Leaf:
    code: str
    area: int  # position of its area
    max: float
    input: str  # value | percent | one_stop | reports | survey
    input_spec: dict[str, Any]
    rule: str  # manual | boolean | options | levels | bands | proportional | deduction
    params: Any
    keys: list[str]  # options and levels: the keys, trimmed and lower case, in order
    survey: bool
    na: str  # rebase | full | forbidden
    reads: str  # how its cell is read: percent | number | count | boolean | key | points


@dataclass
class Edition:
    id: str
    scale: float
    ties: str
    bands: list[tuple[str, float]]
    bonus_max: float
    penalty_max: float
    calendar: dict[str, str]
    areas: list[tuple[str, str]]  # code, name
    leaves: list[Leaf]
    #: survey answer (upper case) → % weight
    survey_answers: dict[str, float] = field(default_factory=dict)


def rule_of(score: Any) -> tuple[str, Any]:
    if isinstance(score, str):
        return score, None
    (name, params), = score.items()
    return name, params


def cell_kind(input_kind: str, input_spec: dict[str, Any], rule: str) -> str:
    """How a leaf's evidence cell is read (a computed rate as a percentage, a count as one)."""
    if input_kind in ("percent", "survey"):
        return "percent"
    if input_kind == "one_stop":
        return "percent" if input_spec["one_stop"] in ("on_time_rate", "online_rate") \
            else "count"
    if input_kind == "reports":
        return "count"
    kinds = {"manual": "points", "boolean": "boolean", "options": "key", "levels": "key",
             "bands": "number", "proportional": "number", "deduction": "count"}
    if rule not in kinds:
        raise InputError(f"unknown score kind {rule!r}")
    return kinds[rule]


def load_edition(path: Path) -> Edition:
    """Read an edition YAML file into leaves in document order (defaults filled in)."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_TextLoader)
    default_na = data.get("not_applicable", "rebase")
    leaves: list[Leaf] = []

    def visit(node: dict[str, Any], area: int, na: str | None, survey: bool) -> float:
        """Add the leaves under ``node``; returns their max points."""
        na = node.get("not_applicable") or na
        survey = bool(node.get("survey")) or survey
        if node.get("children"):
            total = sum(visit(child, area, na, survey) for child in node["children"])
            if "max" in node and abs(float(node["max"]) - total) > 1e-9:
                raise InputError(f"{node['code']}: max {node['max']} is not the sum of its "
                                 f"children ({total:g})")
            return total
        spec = node.get("input", "value")
        if isinstance(spec, dict):
            kind = "one_stop" if "one_stop" in spec else "reports" if "reports" in spec \
                else "survey"
            spec = dict(spec)
            if spec.get("one_stop") == "on_time_rate":
                spec.setdefault("denominator", "resolved")
        else:
            kind, spec = spec, {}
        rule, params = rule_of(node["score"])
        if kind == "survey":
            check_survey_leaf(node["code"], spec["survey"], rule)
        keys = [k.strip().lower() for k in params] if rule in ("options", "levels") else []
        leaves.append(Leaf(code=node["code"], area=area, max=float(node["max"]), input=kind,
                           input_spec=spec, rule=rule, params=params, keys=keys,
                           survey=survey, na=na or default_na,
                           reads=cell_kind(kind, spec, rule)))
        return float(node["max"])

    scale = float(data.get("scale", 100))
    total = 0.0
    for a, area in enumerate(data["areas"]):
        na, survey = area.get("not_applicable"), bool(area.get("survey"))
        total += sum(visit(criterion, a, na, survey) for criterion in area["criteria"])
    if abs(total - scale) > 1e-9:
        raise InputError(f"the areas add up to {total:g}, not the scale {scale:g}")
    check_survey_answers(data.get("survey_answers") or {})
    return Edition(
        id=data["edition"], scale=scale, ties=data.get("ties", "min"),
        bands=[(b["name"], float(b["min"])) for b in data["bands"]],
        bonus_max=float(data.get("bonus_max", 0)), penalty_max=float(data.get("penalty_max", 0)),
        calendar={str(k): str(v) for k, v in (data.get("calendar") or {}).items()},
        areas=[(a["code"], a["name"]) for a in data["areas"]], leaves=leaves,
        survey_answers={str(k).strip().upper(): float(v) for k, v in
                        (data.get("survey_answers") or DEFAULT_ANSWERS).items()})


def check_survey_leaf(code: str, questions: list[Any], rule: str) -> None:
    """A survey leaf lists each question once (ignoring case) and scores a percentage."""
    upper = [str(q).strip().upper() for q in questions]
    if len(set(upper)) != len(upper):
        raise InputError(f"{code}: a survey question is listed twice")
    if rule not in ("bands", "proportional"):
        raise InputError(f"{code}: score {rule!r} cannot use a survey input")


def check_survey_answers(answers: dict[str, float]) -> None:
    if any(not 0 <= w <= 100 for w in answers.values()):
        raise InputError("a survey answer weight is not a percentage")


def find_edition(ref: str, bundle_dir: Path | None) -> Path:
    """An edition id or path: relative to the bundle folder first, then a shipped id."""
    candidates = []
    if bundle_dir is not None and not Path(ref).is_absolute():
        candidates.append(bundle_dir / ref)
    candidates += [Path(ref), SHIPPED / f"{ref}.yaml"]
    for c in candidates:
        if c.is_file():
            return c
    raise InputError(f"no such edition: {ref}")


def deadline(edition: Edition, report: str, year: int) -> dt.date:
    """``"03-01"`` → 1 March of ``year``; ``"+1:01-15"`` → 15 January of ``year + 1``."""
    m = CALENDAR.match(edition.calendar[report].strip())
    if m is None:
        raise InputError(f"calendar date {edition.calendar[report]!r} is not MM-DD")
    return dt.date(year + int(m.group(1) or 0), int(m.group(2)), int(m.group(3)))


# --------------------------------------------------------------------------- the bundle


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean(cell: str | None) -> str:
    """NFC, non-breaking spaces to spaces, trimmed; a spreadsheet's protective ' dropped."""
    text = nfc(cell or "").replace("\u00a0", " ").strip()
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]
    return text


def read_table(path: Path) -> list[dict[str, str]]:
    """A CSV file as a list of rows, column names lower case, cells cleaned."""
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = [nfc(h).strip().lower() for h in next(reader, [])]
        return [{h: clean(c) for h, c in zip(header, row, strict=False)} for row in reader]


@dataclass
class Bundle:
    path: Path
    year: int
    edition: str
    tables: dict[str, list[dict[str, str]]]


def read_bundle(path: Path) -> Bundle:
    meta = yaml.safe_load((path / "bundle.yaml").read_text(encoding="utf-8"))
    tables = {name: read_table(path / f"{name}.csv")
              for name in ("units", "evidence", "one_stop", "reports", "adjustments",
                           "survey")}
    return Bundle(path, int(meta["year"]), str(meta["edition"]).strip(), tables)


# --------------------------------------------------------------------------- reading cells


def to_number(text: str) -> float | None:
    """A finite number, or None (``inf`` and numbers too large for a float are not numbers)."""
    text = text.replace(",", ".").replace(" ", "")
    value = float(text) if NUMBER.match(text) else None
    return value if value is not None and math.isfinite(value) else None


MAX_COUNT = 1e12  # counts are whole numbers below a trillion


def is_count(x: float | None) -> bool:
    return x is not None and 0 <= x < MAX_COUNT and x == int(x)


def read_cell(text: str, leaf: Leaf, blank: str) -> Cell:
    """A cleaned cell → (state, number). ``blank`` is the state of an empty cell."""
    low = text.lower()
    if low == "":
        return blank, None
    if low in NA_WORDS:
        return NA, None
    if leaf.reads == "boolean":
        return VALUE, read_boolean(text, low, leaf)
    if leaf.reads == "key":
        return VALUE, read_key(text, low, leaf)
    fraction = FRACTION.match(low)
    if fraction:
        return VALUE, read_fraction(text, fraction, leaf)
    return VALUE, read_number(text, low, leaf)


def read_boolean(text: str, low: str, leaf: Leaf) -> float:
    """A yes/no word → 1 or 0."""
    if low in YES:
        return 1.0
    if low in NO:
        return 0.0
    raise InputError(f"{leaf.code}: {text!r} is not yes/no")


def read_key(text: str, low: str, leaf: Leaf) -> float:
    """An option or level key → its position among the leaf's keys."""
    folded = [fold_key(k) for k in leaf.keys]
    if fold_key(low) in folded:
        return float(folded.index(fold_key(low)))
    # an option's label (the long form {points, label}) reads as its key
    options = leaf.params if leaf.rule == "options" else {}
    labels = [fold_key(v["label"]) if isinstance(v, dict) and v.get("label") else None
              for v in options.values()]
    if fold_key(low) in labels:
        return float(labels.index(fold_key(low)))
    raise InputError(f"{leaf.code}: {text!r} is not one of {', '.join(leaf.keys)}")


def fold_key(text: str) -> str:
    """Keys match without case, accents or separators, đ as d (CONTRACT §2)."""
    low = unicodedata.normalize("NFD", text.strip().lower()).replace("đ", "d")
    bare = "".join(c for c in low if not unicodedata.combining(c))
    return re.sub(r"[\s_\-./]+", "_", bare).strip("_")


def percent(part: float, whole: float) -> float:
    """part / whole as a percentage rounded to 9 decimals (CONTRACT §2: 29/50 is 58 % and
    meets ``min: 58``), computed as numpy rounds: times 10⁹, to the nearest even, back."""
    return round(part / whole * 100.0 * 1e9) / 1e9


def read_fraction(text: str, fraction: re.Match[str], leaf: Leaf) -> float:
    """``a/b`` (a percentage leaf only, 0 ≤ a ≤ b, b > 0) → a / b as a percentage."""
    a, b = to_number(fraction.group(1)), to_number(fraction.group(2))
    if leaf.reads != "percent" or a is None or b is None or b <= 0 or a > b:
        raise InputError(f"{leaf.code}: {text!r} is not a valid a/b percentage")
    return percent(a, b)


def read_number(text: str, low: str, leaf: Leaf) -> float:
    """A number, perhaps with a % sign, checked against what the leaf reads."""
    kind = leaf.reads
    pct_sign = low.endswith("%")
    x = to_number(low.rstrip("%").strip())
    if x is None:
        raise InputError(f"{leaf.code}: {text!r} is not a number")
    if kind == "percent" and not 0 <= x <= 100:
        raise InputError(f"{leaf.code}: {text!r} is outside 0–100")
    if pct_sign and kind != "percent":
        raise InputError(f"{leaf.code}: {text!r} has a % sign but is not a percentage")
    if kind == "count" and not is_count(x):
        raise InputError(f"{leaf.code}: {text!r} is not a count")
    if kind == "points" and not 0 <= x <= leaf.max + 1e-9:
        raise InputError(f"{leaf.code}: {text!r} is not within 0…{leaf.max:g} points")
    return x


# --------------------------------------------------------------------------- inputs


@dataclass
class Unit:
    code: str
    name: str
    type: str
    group: str
    ranked: bool = True  # units.ranked "no": scored and banded, left out of the ranks
    declared: list[Cell] = field(default_factory=list)  # per leaf, in edition order
    appraised: list[Cell] = field(default_factory=list)
    bonus: float = 0.0
    penalty: float = 0.0


def one_stop_number(row: dict[str, float] | None, spec: dict[str, Any]) -> Cell:
    """A one-stop metric: no row → missing; a zero denominator → not applicable."""
    if row is None:
        return MISSING, None
    metric = spec["one_stop"]
    if metric == "late_count":
        return VALUE, row["resolved_late"]
    if metric == "overdue_pending":
        return VALUE, row["pending_overdue"]
    if metric == "online_rate":
        numerator = row["received_online"]
        denominator = row["received_online"] + row["received_direct"] + row["received_post"]
    else:
        numerator = row["resolved_early"] + row["resolved_on_time"]
        resolved = row["resolved_early"] + row["resolved_on_time"] + row["resolved_late"]
        denominator = {
            "resolved": resolved,
            "due": resolved + row["pending_overdue"],
            "received": row["carried_over"] + row["received_online"] + row["received_direct"]
            + row["received_post"],
        }[spec["denominator"]]
    if denominator == 0:
        return NA, None
    return VALUE, percent(numerator, denominator)


def parse_date(text: str) -> dt.date | None:
    """dd/mm/yyyy (also with - or .) or ISO yyyy-mm-dd."""
    parts = re.split(r"[/.\-]", text.strip())
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    try:
        if len(parts[0]) == 4:
            return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
        return dt.date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        return None


def report_count(dates: dict[str, dt.date], spec: dict[str, Any], edition: Edition,
                 year: int) -> float:
    """How many of the reports in ``of`` were on time / late / missing."""
    count = 0
    for report in spec["of"]:
        submitted = dates.get(report)
        if submitted is None:
            count += spec["reports"] == "missing"
        elif submitted <= deadline(edition, report, year):
            count += spec["reports"] == "on_time"
        else:
            count += spec["reports"] == "late"
    return float(count)


def build_inputs(bundle: Bundle, edition: Edition) -> list[Unit]:
    """Every unit with its declared and appraised (state, number) per leaf, and adjustments."""
    units, by_code = read_units(bundle.tables["units"])
    # the one-stop table and report dates, per unit
    one_stop = read_one_stop(bundle.tables["one_stop"], by_code)
    reports = read_reports(bundle.tables["reports"], by_code)
    answers = read_survey(bundle.tables["survey"], by_code, edition)
    # computed leaves first, from the tables
    for unit in units:
        add_computed(unit, edition, one_stop.get(unit.code), reports.get(unit.code, {}),
                     bundle.year, answers.get(unit.code, {}))
    # evidence cells: a given cell overrides what the tables computed
    add_evidence(bundle.tables["evidence"], by_code, edition)
    add_adjustments(bundle.tables["adjustments"], by_code)
    return units


def read_units(rows: list[dict[str, str]]) -> tuple[list[Unit], dict[str, Unit]]:
    """The units table: the units in its order, and the same units by code."""
    units: list[Unit] = []
    by_code: dict[str, Unit] = {}
    for row in rows:
        if row["code"] in by_code:
            raise InputError(f"unit {row['code']} is listed twice")
        flag = row.get("ranked", "").lower()
        if flag and flag not in YES and flag not in NO:
            raise InputError(f"unit {row['code']}: ranked {flag!r} is not yes/no")
        unit = Unit(row["code"], row["name"], row["type"].lower(), row["group"],
                    ranked=flag not in NO)
        units.append(unit)
        by_code[unit.code] = unit
    return units, by_code


def one_stop_counts(row: dict[str, str]) -> dict[str, float]:
    """One row of the one-stop table: its counts (blank = 0), which must add up."""
    counts: dict[str, float] = {}
    for col in ONE_STOP_COLUMNS:
        x = to_number(row.get(col, "") or "0")
        if not is_count(x):
            raise InputError(f"one_stop {row['unit']}: {col} {row.get(col)!r} is not a count")
        counts[col] = x
    came_in = sum(counts[c] for c in ONE_STOP_COLUMNS[:4])
    went_out = sum(counts[c] for c in ONE_STOP_COLUMNS[4:])
    if abs(came_in - went_out) > 0.5:
        raise InputError(f"one_stop {row['unit']}: the table does not add up")
    return counts


QUARTERS = ("Q1", "Q2", "Q3", "Q4")


def read_one_stop(rows: list[dict[str, str]],
                  by_code: dict[str, Unit]) -> dict[str, dict[str, float]]:
    """The one-stop counts per unit: one whole-year row, or quarterly rows (``period`` Q1…Q4)
    from which the year is built (CONTRACT §2: carried over from the first quarter given,
    pending from the last, the rest summed)."""
    by_unit: dict[str, list[tuple[str, dict[str, float]]]] = {}
    for row in rows:
        if row["unit"] not in by_code:
            raise InputError(f"one_stop: unknown unit {row['unit']}")
        period = (row.get("period") or "").strip().upper()
        if period and period not in QUARTERS:
            raise InputError(f"one_stop {row['unit']}: unknown period {period!r}")
        by_unit.setdefault(row["unit"], []).append((period, one_stop_counts(row)))
    return {unit: year_of(unit, given) for unit, given in by_unit.items()}


def year_of(unit: str, given: list[tuple[str, dict[str, float]]]) -> dict[str, float]:
    """A unit's year from its row or its quarters."""
    periods = [period for period, _ in given]
    if periods == [""]:
        return given[0][1]
    if "" in periods or len(set(periods)) != len(periods):
        raise InputError(f"one_stop: unit {unit} mixes or repeats periods")
    quarters = [counts for _, counts in sorted(given, key=lambda g: QUARTERS.index(g[0]))]
    year = {col: sum(q[col] for q in quarters) for col in ONE_STOP_COLUMNS}
    year["carried_over"] = quarters[0]["carried_over"]
    for col in ("pending_in_time", "pending_overdue"):
        year[col] = quarters[-1][col]
    return year


def read_reports(rows: list[dict[str, str]],
                 by_code: dict[str, Unit]) -> dict[str, dict[str, dt.date]]:
    """Each unit's report dates by report (upper case); a report listed twice: its first."""
    reports: dict[str, dict[str, dt.date]] = {}
    for row in rows:
        when = parse_date(row["submitted"])
        if when is None:
            raise InputError(f"reports {row['unit']}: {row['submitted']!r} is not a date")
        if row["unit"] not in by_code:
            raise InputError(f"reports: unknown unit {row['unit']}")
        reports.setdefault(row["unit"], {}).setdefault(row["report"].upper(), when)
    return reports


def read_survey(rows: list[dict[str, str]], by_code: dict[str, Unit],
                edition: Edition) -> dict[str, dict[tuple[str, str], float]]:
    """Each unit's answer weights by (respondent, question), questions upper case: a blank
    answer is no answer, a question no leaf lists is left out, an answer given twice by the
    same respondent counts its first."""
    asked = {q.strip().upper() for leaf in edition.leaves if leaf.input == "survey"
             for q in leaf.input_spec["survey"]}
    out: dict[str, dict[tuple[str, str], float]] = {}
    for row in rows:
        answer = row["answer"].upper()
        if not answer:
            continue
        if row["unit"] not in by_code:
            raise InputError(f"survey: unknown unit {row['unit']}")
        if answer not in edition.survey_answers:
            raise InputError(f"survey {row['unit']}: {row['answer']!r} is not an answer")
        if not row["respondent"]:
            raise InputError(f"survey {row['unit']}: a blank respondent")
        question = row["question"].upper()
        if question in asked:
            out.setdefault(row["unit"], {}).setdefault((row["respondent"], question),
                                                       edition.survey_answers[answer])
    return out


def satisfaction(answers: dict[tuple[str, str], float], spec: dict[str, Any]) -> Cell:
    """The mean weight of the unit's answers to the leaf's questions; missing with none."""
    questions = {str(q).strip().upper() for q in spec["survey"]}
    weights = [w for (_, q), w in answers.items() if q in questions]
    if not weights:
        return MISSING, None
    return VALUE, sum(weights) / len(weights)


def add_computed(unit: Unit, edition: Edition, one_stop_row: dict[str, float] | None,
                 dates: dict[str, dt.date], year: int,
                 answers: dict[tuple[str, str], float]) -> None:
    """A unit's cells from the tables, declared and appraised alike: the one-stop and report
    leaves computed, every other leaf missing."""
    for leaf in edition.leaves:
        cell: Cell
        if leaf.input == "one_stop":
            cell = one_stop_number(one_stop_row, leaf.input_spec)
        elif leaf.input == "reports":
            cell = VALUE, report_count(dates, leaf.input_spec, edition, year)
        elif leaf.input == "survey":
            cell = satisfaction(answers, leaf.input_spec)
        else:
            cell = MISSING, None
        if cell[0] == NA and leaf.na == "forbidden":
            raise InputError(f"{unit.code}: nothing arose for {leaf.code}, which forbids NA")
        unit.declared.append(cell)
        unit.appraised.append(cell)


def add_evidence(rows: list[dict[str, str]], by_code: dict[str, Unit],
                 edition: Edition) -> None:
    """The evidence table's cells over the computed ones: a given cell overrides what the
    tables computed; a computed leaf given no value keeps its computed number."""
    leaf_at = {leaf.code: j for j, leaf in enumerate(edition.leaves)}
    seen = set()
    for row in rows:
        unit = by_code.get(row["unit"])
        j = leaf_at.get(row["criterion"])
        if unit is None or j is None:
            raise InputError(f"evidence: unknown unit or criterion {row['unit']} "
                             f"{row['criterion']}")
        if (unit.code, j) in seen:
            raise InputError(f"evidence: {row['criterion']} given twice for {unit.code}")
        seen.add((unit.code, j))
        leaf = edition.leaves[j]
        declared, appraised = evidence_cells(row, leaf, unit.code)
        computed = leaf.input in ("one_stop", "reports", "survey")
        if appraised[0] == "inherit":
            appraised = declared
            if computed and declared[0] == MISSING:
                appraised = unit.appraised[j]  # nothing given: keep the computed number
        if not computed or declared[0] != MISSING:
            unit.declared[j] = declared
        unit.appraised[j] = appraised


def evidence_cells(row: dict[str, str], leaf: Leaf, unit_code: str) -> tuple[Cell, Cell]:
    """One evidence row's declared and appraised cells (a blank appraised cell: "inherit")."""
    declared = read_cell(row.get("value", ""), leaf, blank=MISSING)
    appraised = read_cell(row.get("appraised", ""), leaf, blank="inherit")
    for state, _ in (declared, appraised):
        if state == NA and leaf.na == "forbidden":
            raise InputError(f"{unit_code}: not applicable is not allowed for {leaf.code}")
    return declared, appraised


def add_adjustments(rows: list[dict[str, str]], by_code: dict[str, Unit]) -> None:
    """Each unit's bonus and penalty points, summed (the caps apply when scoring)."""
    for row in rows:
        unit = by_code.get(row["unit"])
        points = to_number(row["points"])
        kind = row["kind"].lower()
        if unit is None or points is None or points < 0 or \
                kind not in BONUS_WORDS | PENALTY_WORDS:
            raise InputError(f"adjustments: bad row {row}")
        if kind in BONUS_WORDS:
            unit.bonus += points
        else:
            unit.penalty += points


# --------------------------------------------------------------------------- scoring


def rule_points(leaf: Leaf, x: float) -> float:
    """The points of one number under the leaf's rule (never above max)."""
    rule, p, top = leaf.rule, leaf.params, leaf.max
    if rule == "manual":
        return min(max(x, 0.0), top)
    if rule == "boolean":
        return top if x > 0.5 else 0.0
    if rule == "options":  # key: points, or the long form key: {points, label}
        value = list(p.values())[int(x)]
        return min(value["points"] if isinstance(value, dict) else value, top)
    if rule == "levels":
        return list(p.values())[int(x)] * top
    if rule == "bands":
        for band in p:
            holds = x > band["above"] if "above" in band else x >= band["min"]
            if holds:
                return min(float(band["points"]), top)
        return 0.0
    if rule == "proportional":
        target, floor = p.get("target", 100), p.get("floor", 0)
        if x < floor:
            return 0.0
        return top * min(max(x, 0.0) / target, 1.0)
    if rule == "deduction":
        floor = p.get("floor", 0)
        return min(max(top - p["per_item"] * x, floor), top)
    raise InputError(f"{leaf.code}: unknown score kind {rule}")


def leaf_points(leaf: Leaf, state: str, x: float | None) -> float:
    if state == VALUE:
        return rule_points(leaf, x)  # type: ignore[arg-type]
    if state == NA and leaf.na == "full":
        return leaf.max
    return 0.0  # missing, or not applicable and rebased


def survey_was_run(units: list[Unit], edition: Edition) -> bool:
    """Whether any unit has any survey value (declared or appraised)."""
    for unit in units:
        for j, leaf in enumerate(edition.leaves):
            if leaf.survey and (unit.declared[j][0] != MISSING
                                or unit.appraised[j][0] != MISSING):
                return True
    return False


def rank(keys: list[float | None], ties: str) -> list[int | None]:
    """Highest first; ``min`` 1,2,2,4 or ``dense`` 1,2,2,3; no index → no rank."""
    order = sorted((k, i) for i, k in enumerate(keys) if k is not None)
    order.reverse()
    out: list[int | None] = [None] * len(keys)
    previous, current, distinct = None, 0, 0
    for position, (key, i) in enumerate(order, start=1):
        if key != previous:
            distinct += 1
            current = position if ties == "min" else distinct
            previous = key
        out[i] = current
    return out


def score_units(units: list[Unit], edition: Edition) -> list[dict[str, Any]]:
    """Every unit's result (CONTRACT §3, §4), with rank and group rank."""
    survey_run = survey_was_run(units, edition)
    results = [unit_result(unit, edition, survey_run) for unit in units]
    add_ranks(results, units, edition)
    big = float("inf")
    results.sort(key=lambda r: (big if r["rank"] is None else r["rank"], r["code"]))
    return results


@dataclass
class Tally:
    """One unit's points and applicable max, summed leaf by leaf in edition order."""
    self_points: float
    appraised_points: float
    survey_points: float
    applicable_max: float
    area_points: list[float]
    area_max: list[float]
    missing: list[str]
    not_applicable: list[str]


def tally(unit: Unit, edition: Edition, survey_run: bool) -> Tally:
    """Every leaf's points for one unit, declared (self) and appraised, by area."""
    self_points = appraised_points = survey_points = applicable_max = 0.0
    area_points = [0.0] * len(edition.areas)
    area_max = [0.0] * len(edition.areas)
    missing, not_applicable = [], []
    for j, leaf in enumerate(edition.leaves):
        (d_state, d_x), (a_state, a_x) = unit.declared[j], unit.appraised[j]
        if leaf.survey and not survey_run:  # no survey was run: rebase the block
            d_state = a_state = NA
            pts_self = pts = 0.0
            rebased = True
        else:
            pts_self = leaf_points(leaf, d_state, d_x)
            pts = leaf_points(leaf, a_state, a_x)
            rebased = a_state == NA and leaf.na != "full"
        if leaf.survey:
            survey_points += pts
        else:
            self_points += pts_self
            appraised_points += pts
        applicable = 0.0 if rebased else leaf.max
        applicable_max += applicable
        area_points[leaf.area] += pts
        area_max[leaf.area] += applicable
        if a_state == MISSING:
            missing.append(leaf.code)
        elif a_state == NA:
            not_applicable.append(leaf.code)
    return Tally(self_points, appraised_points, survey_points, applicable_max, area_points,
                 area_max, missing, not_applicable)


def band_of(index: float | None, edition: Edition) -> str | None:
    """The first band whose lower bound the index (to ``DECIMALS``) reaches; no index, none."""
    if index is not None:
        for name, lower in edition.bands:
            if round(index, DECIMALS) >= lower:
                return name
    return None


def unit_result(unit: Unit, edition: Edition, survey_run: bool) -> dict[str, Any]:
    """One unit's result, not yet ranked: points, total, index, band and areas."""
    t = tally(unit, edition, survey_run)
    bonus = min(unit.bonus, edition.bonus_max)
    penalty = min(unit.penalty, edition.penalty_max)
    total = t.appraised_points + t.survey_points + bonus - penalty
    total = min(max(total, 0.0), t.applicable_max)
    index = total / t.applicable_max * 100.0 if t.applicable_max > 0 else None
    areas = [{"code": code, "name": name, "points": t.area_points[k], "max": t.area_max[k],
              "index": t.area_points[k] / t.area_max[k] * 100.0 if t.area_max[k] > 0 else None}
             for k, (code, name) in enumerate(edition.areas)]
    return {
        "code": unit.code, "name": unit.name, "type": unit.type, "group": unit.group,
        "self_points": t.self_points, "appraised_points": t.appraised_points,
        "survey_points": t.survey_points, "bonus": bonus, "penalty": penalty,
        "total": total, "applicable_max": t.applicable_max, "index": index,
        "band": band_of(index, edition),
        "rank": None, "group_rank": None, "areas": areas,
        "missing": t.missing, "not_applicable": t.not_applicable,
    }


def add_ranks(results: list[dict[str, Any]], units: list[Unit], edition: Edition) -> None:
    """Each result's rank among all ranked units and among its group's (same order)."""
    keys = [None if r["index"] is None or not unit.ranked else round(r["index"], DECIMALS)
            for r, unit in zip(results, units, strict=True)]
    for r, k in zip(results, rank(keys, edition.ties), strict=True):
        r["rank"] = k
    members: dict[str, list[int]] = {}
    for i, r in enumerate(results):
        members.setdefault(r["group"], []).append(i)
    for rows in members.values():
        for i, k in zip(rows, rank([keys[i] for i in rows], edition.ties), strict=True):
            results[i]["group_rank"] = k


def to_json(edition: Edition, year: int, results: list[dict[str, Any]]) -> str:
    data = {"edition": edition.id, "year": year, "scale": edition.scale, "units": results}
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False)


def run(bundle_path: Path, criteria: str | None = None) -> str:
    """Bundle folder → the JSON of ``parindex score --format json``."""
    bundle = read_bundle(bundle_path)
    if criteria:
        edition = load_edition(find_edition(criteria, None))
    else:
        edition = load_edition(find_edition(bundle.edition, bundle_path))
    units = build_inputs(bundle, edition)
    return to_json(edition, bundle.year, score_units(units, edition))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Score a bundle with a plain per-unit loop.")
    ap.add_argument("bundle", type=Path)
    ap.add_argument("--criteria", help="edition id or file instead of the bundle's")
    args = ap.parse_args(argv)
    try:
        text = run(args.bundle, args.criteria)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
