"""The ``survey`` table: one row per answer of a sociological-survey questionnaire
(CONTRACT §1 ``{survey: [QUESTION, ...]}``, §2), checked and summed once for every leaf.

Answers are grouped by (unit, question) in one pass (``np.bincount`` over the row keys): the
sum of the answers' weights and their count. A survey leaf's number for a unit is the mean
weight of its answers to the leaf's questions; its respondents are the distinct respondents
who answered any of them. Questions and answer keys match after trimming, ignoring case.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from parindex.criteria.compiled import CompiledEdition, SurveySource
from parindex.evidence.cells import cell_text, distinct
from parindex.evidence.collect import Collector, Columns, unit_index
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
    first = ~pd.Series(respondent[keep]).duplicated().to_numpy()
    count: np.ndarray = np.bincount(unit[keep][first], minlength=n)
    return count


def edition_questions(edition: CompiledEdition) -> dict[str, int]:
    """Every question a survey leaf of the edition lists (upper case) → a column number."""
    out: dict[str, int] = {}
    for leaf in edition.leaves:
        if isinstance(leaf.source, SurveySource):
            for q in leaf.source.questions:
                out.setdefault(q.strip().upper(), len(out))
    return out


def _column(df: pd.DataFrame, name: str) -> tuple[np.ndarray, list[str]]:
    """A column's codes and its distinct texts, cleaned and upper-cased (each text once)."""
    codes, uniques = distinct(df[name])
    return codes, [cell_text(v).upper() for v in uniques]


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
    codes, texts = _column(df, "answer")
    given = np.array([t != "" for t in texts], dtype=bool)[codes]
    df = df[given].reset_index(drop=True)  # a blank answer: the question was skipped
    cols = Columns(df)
    u = _units(df, index, out)
    codes, texts = _column(df, "question")
    q = np.array([questions.get(t, -1) for t in texts], dtype=np.intp)[codes]
    for i in np.flatnonzero(q < 0):
        out.add("survey", cols["_row"][i], "question", cols["question"][i], severity="warning",
                code="survey.question", edition=edition.id, questions=", ".join(questions))
    weights = edition.survey_answers
    codes, texts = _column(df, "answer")
    w = np.array([weights.get(t, np.nan) for t in texts], dtype=float)[codes]
    for i in np.flatnonzero(np.isnan(w)):
        out.add("survey", cols["_row"][i], "answer", cols["answer"][i], code="survey.answer",
                answers=", ".join(weights))
    codes, texts = _column(df, "respondent")
    blank = np.array([t == "" for t in texts], dtype=bool)[codes]
    for i in np.flatnonzero(blank):
        out.add("survey", cols["_row"][i], "respondent", None, code="survey.respondent")
    same = pd.factorize(np.array(texts, dtype=object))[0]  # " P001" is P001
    r = (u + 1).astype(np.int64) * len(texts) + same[codes]  # a respondent: unit and code
    dup = pd.Series(r * (nq + 1) + q + 1).duplicated().to_numpy() & (u >= 0) & (q >= 0)
    for i in np.flatnonzero(dup):
        out.add("survey", cols["_row"][i], "question", cols["question"][i], severity="warning",
                code="survey.twice", unit=cols["unit"][i], respondent=cols["respondent"][i])
    keep = (u >= 0) & (q >= 0) & ~np.isnan(w) & ~blank & ~dup
    key = u[keep] * nq + q[keep]
    weight_sum = np.bincount(key, weights=w[keep], minlength=n * nq).reshape(n, nq)
    answers = np.bincount(key, minlength=n * nq).reshape(n, nq).astype(float)
    survey = Survey(questions, weight_sum, answers, u[keep], q[keep], r[keep])
    _few(survey, edition, index, out)
    return survey


def _units(df: pd.DataFrame, index: dict[str, int], out: Collector) -> np.ndarray:
    """Each row's unit number (-1, and an error, for a unit not in units)."""
    codes, uniques = distinct(df["unit"])
    u: np.ndarray = np.array([index.get(cell_text(v), -1) for v in uniques],
                             dtype=np.intp)[codes]
    bad = np.flatnonzero(u < 0)
    if len(bad):
        unit_index("survey", df["unit"].iloc[bad], df["_row"].iloc[bad], index, out)
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
