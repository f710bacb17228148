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
from parindex.evidence.collect import Collector, Columns, unit_index
from parindex.evidence.parse import clean
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
    respondent: np.ndarray  # respondent as a number (distinct per unit and text)

    def columns(self, spec: SurveySource) -> np.ndarray:
        return np.array([self.questions[q.strip().upper()] for q in spec.questions],
                        dtype=np.intp)

    def respondents(self, spec: SurveySource) -> np.ndarray:
        """Per unit, the distinct respondents who answered any of the leaf's questions."""
        n = self.weight_sum.shape[0]
        keep = np.isin(self.question, self.columns(spec))
        pairs = np.unique(np.stack([self.unit[keep], self.respondent[keep]]), axis=1)
        return np.bincount(pairs[0], minlength=n) if pairs.size else np.zeros(n, np.intp)


    def counts(self, spec: SurveySource, unit: int) -> tuple[int, int]:
        """(respondents, answers) behind one unit's survey leaf."""
        answers = int(self.answers[unit, self.columns(spec)].sum())
        return int(self.respondents(spec)[unit]), answers


def edition_questions(edition: CompiledEdition) -> dict[str, int]:
    """Every question a survey leaf of the edition lists (upper case) → a column number."""
    out: dict[str, int] = {}
    for leaf in edition.leaves:
        if isinstance(leaf.source, SurveySource):
            for q in leaf.source.questions:
                out.setdefault(q.strip().upper(), len(out))
    return out


def check_survey(bundle: Bundle, edition: CompiledEdition, index: dict[str, int],
                 out: Collector) -> Survey:
    """Check the survey table's rows (unit, question, answer, repeats) and sum the answers."""
    questions = edition_questions(edition)
    n, nq = len(index), len(questions)
    df = bundle.table("survey")
    empty = np.zeros(0, dtype=np.intp)
    if df is None or len(df) == 0 or nq == 0:
        return Survey(questions, np.zeros((n, nq)), np.zeros((n, nq)), empty, empty, empty)
    given = (clean(df["answer"]) != "").to_numpy()
    df = df[given].reset_index(drop=True)  # a blank answer: the question was skipped
    answer = clean(df["answer"]).str.upper().to_numpy(dtype=object)
    cols = Columns(df)
    u = unit_index("survey", df["unit"], df["_row"], index, out)
    q = clean(df["question"]).str.upper().map(questions).to_numpy(dtype=float, na_value=np.nan)
    for i in np.flatnonzero(np.isnan(q)):
        out.add("survey", cols["_row"][i], "question", cols["question"][i], severity="warning",
                code="survey.question", edition=edition.id, questions=", ".join(questions))
    weights = edition.survey_answers
    w = pd.Series(answer).map(weights).to_numpy(dtype=float, na_value=np.nan)
    for i in np.flatnonzero(np.isnan(w)):
        out.add("survey", cols["_row"][i], "answer", cols["answer"][i], code="survey.answer",
                answers=", ".join(weights))
    who = clean(df["respondent"])
    for i in np.flatnonzero((who == "").to_numpy()):
        out.add("survey", cols["_row"][i], "respondent", None, code="survey.respondent")
    r = pd.factorize(pd.Series(u.astype(str)) + "|" + who.reset_index(drop=True))[0]
    qi = np.where(np.isnan(q), -1, q).astype(np.intp)
    dup = pd.Series(r.astype(str)).str.cat(pd.Series(qi.astype(str)), sep="|") \
        .duplicated().to_numpy() & (u >= 0) & (qi >= 0)
    for i in np.flatnonzero(dup):
        out.add("survey", cols["_row"][i], "question", cols["question"][i], severity="warning",
                code="survey.twice", unit=cols["unit"][i], respondent=cols["respondent"][i])
    keep = (u >= 0) & (qi >= 0) & ~np.isnan(w) & (who != "").to_numpy() & ~dup
    key = u[keep] * nq + qi[keep]
    weight_sum = np.bincount(key, weights=w[keep], minlength=n * nq).reshape(n, nq)
    answers = np.bincount(key, minlength=n * nq).reshape(n, nq).astype(float)
    survey = Survey(questions, weight_sum, answers, u[keep], qi[keep], r[keep])
    _few(survey, edition, index, out)
    return survey


def _few(survey: Survey, edition: CompiledEdition, index: dict[str, int],
         out: Collector) -> None:
    """A warning for each unit surveyed by fewer respondents than the edition asks."""
    least = edition.min_respondents
    if least is None:
        return
    n = survey.weight_sum.shape[0]
    pairs = np.unique(np.stack([survey.unit, survey.respondent]), axis=1)
    count = np.bincount(pairs[0], minlength=n) if pairs.size else np.zeros(n, np.intp)
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
