"""The ``survey`` table: one row per answer of a sociological-survey questionnaire
(CONTRACT §1 ``{survey: [QUESTION, ...]}``, §2), checked and summed once for every leaf.

Answers are grouped by (unit, question) in one pass (``np.bincount`` over the row keys): the
sum of the answers' weights and their count. A survey leaf's number for a unit is the mean
weight of its answers to the leaf's questions; its respondents are the distinct respondents
who answered any of them. Questions and answer keys match after trimming, ignoring case.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from parindex.criteria.compiled import CompiledEdition, SurveySource
from parindex.evidence.cells import cell_text, distinct
from parindex.evidence.collect import Collector, unit_index
from parindex.evidence.states import MISSING, VALUE
from parindex.evidence.tables import Bundle


@dataclass(frozen=True)
class Survey:
    """Per unit and edition question: the sum of answer weights and the number of answers;
    the kept rows' unit, question and respondent, for counting respondents per leaf."""

    questions: dict[str, int]  # question (upper case) → column
    weight_sum: np.ndarray  # (units, questions)
    answers: np.ndarray  # (units, questions)
    unit: np.ndarray
    question: np.ndarray
    respondent: np.ndarray  # respondent as a number (distinct per unit and code)

    def columns(self, spec: SurveySource) -> np.ndarray:
        return np.array([self.questions[q.strip().upper()] for q in spec.questions],
                        dtype=np.intp)

    def respondents(self, spec: SurveySource) -> np.ndarray:
        """Per unit, the distinct respondents who answered any of the leaf's questions."""
        keep = np.isin(self.question, self.columns(spec))
        return _per_unit(self.unit, self.respondent, keep, self.weight_sum.shape[0])


    def counts(self, spec: SurveySource, unit: int) -> tuple[int, int]:
        """(respondents, answers) behind one unit's survey leaf."""
        answers = int(self.answers[unit, self.columns(spec)].sum())
        return int(self.respondents(spec)[unit]), answers


def _per_unit(unit: np.ndarray, respondent: np.ndarray, keep: np.ndarray, n: int) -> np.ndarray:
    """Per unit, the distinct respondents among the kept rows (a respondent's number holds
    its unit, so distinct numbers are distinct respondents)."""
    kept, units = respondent[keep], unit[keep]
    size = int(kept.max()) + 1 if len(kept) else 0
    if size > 4 * len(kept) + (1 << 20):
        first = ~pd.Series(kept).duplicated().to_numpy()
        many: np.ndarray = np.bincount(units[first], minlength=n)
        return many
    unit_of = np.full(size, -1, dtype=np.intp)
    unit_of[kept] = units  # each respondent's number, once, with its unit
    count: np.ndarray = np.bincount(unit_of[unit_of >= 0], minlength=n)
    return count


def repeated(keys: np.ndarray, size: int) -> np.ndarray:
    """Which of ``keys`` (whole numbers in ``0 .. size-1``) came before (``duplicated``):
    none when the keys rise row by row (a survey exported in its own order: one comparison
    a row) or no key is counted twice; else through a table of every possible key when that
    is not much larger than the keys."""
    if len(keys) < 2 or bool((keys[1:] > keys[:-1]).all()):
        return np.zeros(len(keys), dtype=bool)
    if size > 4 * len(keys) + (1 << 20):
        out: np.ndarray = pd.Series(keys).duplicated().to_numpy()
        return out
    if not len(keys) or np.bincount(keys, minlength=size).max() < 2:
        return np.zeros(len(keys), dtype=bool)
    first = np.empty(size, dtype=np.intp)
    order = np.arange(len(keys), dtype=np.intp)
    first[keys[::-1]] = order[::-1]  # the last write of each key is its first row
    seen: np.ndarray = first[keys] != order
    return seen


def edition_questions(edition: CompiledEdition) -> dict[str, int]:
    """Every question a survey leaf of the edition lists (upper case) → a column number."""
    out: dict[str, int] = {}
    for leaf in edition.leaves:
        if isinstance(leaf.source, SurveySource):
            for q in leaf.source.questions:
                out.setdefault(q.strip().upper(), len(out))
    return out


class _Coded:
    """The survey table's columns as codes and distinct texts, only the rows with an answer
    (a blank answer: the question was skipped); texts are compared cleaned and upper-cased,
    each once, and a problem shows a cell as the table holds it."""

    def __init__(self, df: pd.DataFrame):
        self.codes: dict[str, np.ndarray] = {}
        self.texts: dict[str, np.ndarray] = {}
        for col in ("unit", "respondent", "question", "answer"):
            self.codes[col], self.texts[col] = distinct(df[col], narrow=True)
        self.rows: np.ndarray = df["_row"].to_numpy()
        given = np.array([cell_text(t) != "" for t in self.texts["answer"]] or [False],
                         dtype=bool)[self.codes["answer"]]
        if not given.all():
            self.rows = self.rows[given]
            self.codes = {col: c[given] for col, c in self.codes.items()}

    def __len__(self) -> int:
        return len(self.rows)

    def upper(self, col: str) -> list[str]:
        return [cell_text(t).upper() for t in self.texts[col]]

    def lookup(self, col: str, table: Mapping[str, object], missing: object,
               dtype: type) -> np.ndarray:
        """Each row's cell (cleaned, upper case) looked up in ``table``."""
        found: np.ndarray = np.array(
            [table.get(t, missing) for t in self.upper(col)] or [missing], dtype=dtype)
        out: np.ndarray = found[self.codes[col]]
        return out

    def cell(self, col: str, i: int | np.integer[Any]) -> object:
        return self.texts[col][self.codes[col][i]]


def check_survey(bundle: Bundle, edition: CompiledEdition, index: dict[str, int],
                 out: Collector) -> Survey:
    """Check the survey table's rows (unit, question, answer, repeats) and sum the answers.
    Text work is done once per distinct text of a column, the rest on integer codes."""
    questions = edition_questions(edition)
    n, nq = len(index), len(questions)
    df = bundle.table("survey")
    empty = np.zeros(0, dtype=np.intp)
    if df is None or len(df) == 0 or nq == 0:
        if df is not None and len(df):
            out.add("survey", None, None, None, severity="warning", code="survey.unused",
                    edition=edition.id)
        return Survey(questions, np.zeros((n, nq)), np.zeros((n, nq)), empty, empty, empty)
    t = _Coded(df)
    texts = t.upper("respondent")
    # whole numbers of four bytes when every number below fits (they do nationally): half
    # the memory and traffic of eight
    whole = np.int32 if (n + 1) * max(len(texts), 1) * (nq + 1) < 2**31 else np.int64
    u = _units(t, index, out, whole)
    q = t.lookup("question", questions, -1, whole)
    for i in np.flatnonzero(q < 0):
        out.add("survey", t.rows[i], "question", t.cell("question", i), severity="warning",
                code="survey.question", edition=edition.id, questions=", ".join(questions))
    weights = edition.survey_answers
    w = t.lookup("answer", weights, np.nan, float)
    for i in np.flatnonzero(np.isnan(w)):
        out.add("survey", t.rows[i], "answer", t.cell("answer", i), code="survey.answer",
                answers=", ".join(weights))
    codes = t.codes["respondent"]
    blank = np.array([x == "" for x in texts] or [False], dtype=bool)[codes]
    for i in np.flatnonzero(blank):
        out.add("survey", t.rows[i], "respondent", None, code="survey.respondent")
    same = pd.factorize(np.array(texts, dtype=object))[0].astype(whole)  # " P001" is P001
    r = (u + 1) * len(texts) + same[codes]  # a respondent: unit and code
    dup = repeated(r * (nq + 1) + q + 1, (n + 1) * len(texts) * (nq + 1)) & (u >= 0) & (q >= 0)
    for i in np.flatnonzero(dup):
        out.add("survey", t.rows[i], "question", t.cell("question", i), severity="warning",
                code="survey.twice", unit=t.cell("unit", i),
                respondent=t.cell("respondent", i))
    keep = (u >= 0) & (q >= 0) & ~np.isnan(w) & ~blank & ~dup
    key = u[keep] * nq + q[keep]
    weight_sum = np.bincount(key, weights=w[keep], minlength=n * nq).reshape(n, nq)
    answers = np.bincount(key, minlength=n * nq).reshape(n, nq).astype(float)
    survey = Survey(questions, weight_sum, answers, _narrow(u[keep]), _narrow(q[keep]),
                    _narrow(r[keep]))
    _few(survey, edition, index, out)
    return survey


def _narrow(numbers: np.ndarray) -> np.ndarray:
    """Whole numbers in the fewest bytes that hold them (one for a question, two for a unit
    of a national survey, four for a respondent: a national survey's kept rows take 12 MB,
    not 40, in memory and in a cached entry)."""
    if not len(numbers) or numbers.min() < 0:
        return numbers
    top = int(numbers.max())
    for kind in (np.int8, np.int16, np.int32):
        if top <= np.iinfo(kind).max:
            return numbers.astype(kind, copy=False)
    return numbers


def _units(t: _Coded, index: dict[str, int], out: Collector, whole: type) -> np.ndarray:
    """Each row's unit number (-1, and an error, for a unit not in units)."""
    codes, uniques = t.codes["unit"], t.texts["unit"]
    u: np.ndarray = np.array([index.get(cell_text(v), -1) for v in uniques] or [-1],
                             dtype=whole)[codes]
    bad = np.flatnonzero(u < 0)
    if len(bad):
        unit_index("survey", pd.Series(uniques[codes[bad]], dtype=object),
                   pd.Series(t.rows[bad]), index, out)
    return u


def _few(survey: Survey, edition: CompiledEdition, index: dict[str, int],
         out: Collector) -> None:
    """A warning for each unit surveyed by fewer respondents than the edition asks."""
    least = edition.min_respondents
    if least is None:
        return
    n = survey.weight_sum.shape[0]
    count = _per_unit(survey.unit, survey.respondent, np.ones(len(survey.unit), bool), n)
    codes = {i: c for c, i in index.items()}
    for ui in np.flatnonzero((count > 0) & (count < least)):
        out.add("survey", None, "respondent", None, severity="warning", code="survey.few",
                unit=codes[int(ui)], count=int(count[ui]), least=least)


def survey_column(survey: Survey, spec: SurveySource) -> tuple[np.ndarray, np.ndarray]:
    """Per unit: the mean weight of its answers to the leaf's questions (%), and its state
    (missing for a unit with no answer)."""
    cols = survey.columns(spec)
    total = survey.weight_sum[:, cols].sum(axis=1)
    count = survey.answers[:, cols].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        x = np.where(count > 0, total / np.where(count > 0, count, 1), np.nan)
    return x, np.where(count > 0, VALUE, MISSING).astype(np.int8)
