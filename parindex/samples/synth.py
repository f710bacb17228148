"""Synthetic evidence for any edition: the sample district and the national benchmark.

Each unit has a latent quality q in [0, 1]; every input is drawn around what a unit of that
quality would report (completion percentages, option outcomes, violations, one-stop counts,
report dates, survey questionnaire answers), with noise, a few not-applicable and missing
cells, appraisal corrections, bonus and penalty. Generation is vectorised over units and
deterministic for a seed. The data are fictional; only the shapes are real.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from parindex.criteria.compiled import CompiledEdition, Leaf, SurveySource
from parindex.criteria.model import OneStopInput, ReportsInput
from parindex.criteria.rules import BandsScore, LevelsScore, OptionsScore, ProportionalScore
from parindex.evidence.parse import leaf_kind


@dataclass(frozen=True)
class SynthOptions:
    na_rate: float = 0.03
    missing_rate: float = 0.01
    appraisal_rate: float = 0.12
    unnoted_rate: float = 0.15  # of appraisal changes, how many lack a note
    survey: bool = True
    #: respondents per unit of a survey table (low inclusive, high exclusive)
    respondents: tuple[int, int] = (30, 46)
    formats: bool = True  # vary how numbers are written (92,5 / 95% / 31/75)
    bonus_rate: float = 0.15
    penalty_rate: float = 0.12


def _fmt_pct(values: np.ndarray, rng: np.random.Generator, vary: bool) -> np.ndarray:
    out = np.array([f"{v:.1f}".rstrip("0").rstrip(".") for v in values], dtype=object)
    if not vary:
        return out
    style = rng.random(len(values))
    comma = style < 0.25
    out[comma] = [s.replace(".", ",") for s in out[comma]]
    pct = (style >= 0.25) & (style < 0.4)
    out[pct] = [f"{s}%" for s in out[pct]]
    frac = style >= 0.9
    if frac.any():
        denom = rng.integers(8, 120, frac.sum())
        num = np.rint(values[frac] / 100 * denom).astype(int)
        out[frac] = [f"{a}/{b}" for a, b in zip(num, denom, strict=True)]
    return out


def _ranked_keys(leaf: Leaf) -> list[str]:
    spec = leaf.score
    table = spec.points if isinstance(spec, OptionsScore) else \
        spec.levels if isinstance(spec, LevelsScore) else {}
    return [k for k, _ in sorted(table.items(), key=lambda kv: -kv[1])]


def _number_scale(leaf: Leaf) -> float:
    spec = leaf.score
    if isinstance(spec, BandsScore):
        return max(max(b.threshold for b in spec.bands), 1.0)
    if isinstance(spec, ProportionalScore):
        return spec.proportional.target
    return 100.0


def _declared(leaf: Leaf, q: np.ndarray, rng: np.random.Generator,
              vary: bool) -> tuple[np.ndarray, np.ndarray]:
    """Declared cells as text and a 'goodness' number used for appraisal corrections."""
    n = len(q)
    noise = rng.normal(0, 0.1, n)
    g = np.clip(q + noise, 0, 1)
    kind = leaf_kind(leaf)
    if kind == "percent":
        base = 70 + 28 * g if leaf.survey else 35 + 65 * g
        pct = np.clip(np.round(base + rng.normal(0, 3, n), 1), 0, 100)
        return _fmt_pct(pct, rng, vary and not leaf.survey), pct
    if kind == "number":
        scale = _number_scale(leaf)
        val = np.clip(np.round(scale * (0.3 + 0.9 * g)), 0, None)
        return np.array([f"{v:g}" for v in val], dtype=object), val
    if kind == "count":
        counts = rng.poisson(3.0 * (1 - g) ** 2)
        return counts.astype(str).astype(object), counts.astype(float)
    if kind == "boolean":
        yes = rng.random(n) < 0.45 + 0.55 * g
        words = np.where(yes, rng.choice(["có", "x", "yes"], n) if vary else "có", "không")
        return words.astype(object), yes.astype(float)
    if kind == "key":
        keys = _ranked_keys(leaf)
        pos = np.clip(np.floor((1 - g) * len(keys) * rng.uniform(0.6, 1.1, n)), 0,
                      len(keys) - 1).astype(int)
        return np.array([keys[p] for p in pos], dtype=object), -pos.astype(float)
    # manual points
    pts = np.round(leaf.max * np.clip(0.35 + 0.7 * g, 0, 1) * 4) / 4
    pts = np.minimum(pts, leaf.max)
    return np.array([f"{v:g}" for v in pts], dtype=object), pts


def _appraise(leaf: Leaf, declared: np.ndarray, good: np.ndarray, rng: np.random.Generator,
              rate: float) -> np.ndarray:
    """The council's corrections: mostly downward, for a share of cells."""
    n = len(declared)
    out = np.full(n, "", dtype=object)
    pick = np.flatnonzero(rng.random(n) < rate)
    kind = leaf_kind(leaf)
    for i in pick:
        if kind == "percent":
            out[i] = f"{max(good[i] - rng.uniform(3, 15), 0):.1f}".replace(".", ",")
        elif kind == "number":
            out[i] = f"{max(good[i] - 1, 0):g}"
        elif kind == "count":
            out[i] = f"{int(good[i]) + 1}"
        elif kind == "boolean":
            out[i] = "không"
        elif kind == "key":
            keys = _ranked_keys(leaf)
            out[i] = keys[min(int(-good[i]) + 1, len(keys) - 1)]
        else:
            out[i] = f"{max(good[i] - 0.25, 0):g}"
        if out[i] == declared[i]:
            out[i] = ""
    return out


def synth_tables(edition: CompiledEdition, units: pd.DataFrame, year: int, quality: np.ndarray,
                 seed: int, options: SynthOptions | None = None) -> dict[str, pd.DataFrame]:
    """The tables of a bundle for ``units`` (code, name, type, group) scored on ``edition``."""
    opt = options or SynthOptions()
    rng = np.random.default_rng(seed)
    n = len(units)
    codes = units["code"].to_numpy(dtype=object)
    parts = []
    for leaf in edition.leaves:
        if leaf.computed or (leaf.survey and not opt.survey):
            continue
        text, good = _declared(leaf, quality, rng, opt.formats)
        appraised = _appraise(leaf, text, good, rng, opt.appraisal_rate) \
            if not leaf.survey else np.full(n, "", dtype=object)
        note = np.where(appraised != "", "Thẩm định điều chỉnh theo tài liệu kiểm chứng", "")
        note[(appraised != "") & (rng.random(n) < opt.unnoted_rate)] = ""
        if leaf.na != "forbidden" and not leaf.survey:
            na = rng.random(n) < opt.na_rate
            text[na], appraised[na], note[na] = "NA", "", "Không phát sinh"
        miss = (rng.random(n) < opt.missing_rate) & (not leaf.survey)
        text[miss], appraised[miss] = "", ""
        source = np.where(text != "", f"{leaf.evidence or 'Báo cáo'} năm {year}", "")
        parts.append(pd.DataFrame({"unit": codes, "criterion": leaf.code, "value": text,
                                   "appraised": appraised, "source": source, "note": note}))
    evidence = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["unit", "criterion", "value", "appraised", "source", "note"])
    evidence = evidence.sort_values(["unit"], kind="stable").reset_index(drop=True)
    tables = {"units": units[["code", "name", "type", "group"]].copy(), "evidence": evidence}
    if any(isinstance(lf.input, OneStopInput) for lf in edition.leaves):
        tables["one_stop"] = _one_stop(codes, quality, rng)
    if any(isinstance(lf.input, ReportsInput) for lf in edition.leaves):
        tables["reports"] = _reports(edition, codes, quality, year, rng)
    tables["adjustments"] = _adjustments(edition, codes, quality, rng, opt)
    if opt.survey and any(isinstance(lf.source, SurveySource) for lf in edition.leaves):
        tables["survey"] = _survey(edition, codes, quality, np.random.default_rng(seed + 1),
                                   opt.respondents)
    return tables


#: a respondent's satisfaction z → answer: above 0.75 A, above 0.5 B, above 0.3 C, else D
_CUTS, _ANSWERS = np.array([0.3, 0.5, 0.75]), np.array(["D", "C", "B", "A"], dtype=object)


def _survey(edition: CompiledEdition, codes: np.ndarray, q: np.ndarray,
            rng: np.random.Generator, respondents: tuple[int, int]) -> pd.DataFrame:
    """One row per answer: each unit's respondents answer every survey question of the
    edition; satisfaction drawn around the unit's quality, with a respondent's mood and a
    question's difficulty; about 2 % of answers left blank (question skipped)."""
    questions = list(dict.fromkeys(qn for lf in edition.leaves
                                   if isinstance(lf.source, SurveySource)
                                   for qn in lf.source.questions))
    nq = len(questions)
    count = rng.integers(*respondents, len(codes))
    unit = np.repeat(np.arange(len(codes)), count)
    who = np.concatenate([np.arange(1, c + 1) for c in count]) if len(count) else unit
    mood = rng.normal(0, 0.12, len(unit))
    hard = rng.normal(0, 0.05, nq)
    z = (0.15 + 0.8 * q[unit])[:, None] + mood[:, None] + hard[None, :] \
        + rng.normal(0, 0.15, (len(unit), nq))
    answer = _ANSWERS[np.searchsorted(_CUTS, z)]
    answer[rng.random(answer.shape) < 0.02] = ""
    return pd.DataFrame({
        "unit": np.repeat(codes[unit], nq),
        "respondent": np.repeat([f"P{k:03d}" for k in who], nq),
        "question": np.tile(np.array(questions, dtype=object), len(unit)),
        "answer": answer.ravel(),
    })


def _one_stop(codes: np.ndarray, q: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    n = len(codes)
    received = np.rint(rng.lognormal(7.0, 0.6, n)).astype(int) + 20
    online_share = np.clip(0.1 + 0.5 * q + rng.normal(0, 0.08, n), 0, 0.95)
    online = np.rint(received * online_share).astype(int)
    post = rng.binomial(received - online, 0.02)
    direct = received - online - post
    carried = rng.integers(0, 40, n)
    total = carried + received
    returned = rng.binomial(total, 0.005)
    pending = rng.binomial(total - returned, 0.03)
    overdue = rng.binomial(pending, np.clip(0.3 * (1 - q), 0, 1))
    resolved = total - returned - pending
    late = rng.binomial(resolved, np.clip(0.04 * (1 - q) ** 2, 0, 1))
    early = rng.binomial(resolved - late, 0.35)
    return pd.DataFrame({
        "unit": codes, "carried_over": carried, "received_online": online,
        "received_direct": direct, "received_post": post, "resolved_early": early,
        "resolved_on_time": resolved - late - early, "resolved_late": late,
        "pending_in_time": pending - overdue, "pending_overdue": overdue, "returned": returned,
    })


def _reports(edition: CompiledEdition, codes: np.ndarray, q: np.ndarray, year: int,
             rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for rid in edition.model.calendar:
        deadline = edition.deadline(rid, year)
        n = len(codes)
        on_time = rng.random(n) < 0.55 + 0.45 * q
        present = rng.random(n) > 0.04 * (1 - q)
        offset = np.where(on_time, -rng.integers(0, 12, n), rng.integers(1, 15, n))
        for code, off, keep in zip(codes, offset, present, strict=True):
            if keep:
                day = deadline + dt.timedelta(days=int(off))
                rows.append((code, rid, day.strftime("%d/%m/%Y")))
    return pd.DataFrame(rows, columns=["unit", "report", "submitted"])


def _adjustments(edition: CompiledEdition, codes: np.ndarray, q: np.ndarray,
                 rng: np.random.Generator, opt: SynthOptions) -> pd.DataFrame:
    rows = []
    n = len(codes)
    if edition.model.bonus_max > 0:
        for i in np.flatnonzero(rng.random(n) < opt.bonus_rate * (0.5 + q)):
            pts = round(float(rng.choice([0.5, 1.0, 1.5, 2.0, 2.5])), 2)
            rows.append((codes[i], "bonus", f"{pts:g}".replace(".", ","),
                         "Sáng kiến cải cách hành chính được công nhận"))
    if edition.model.penalty_max > 0:
        for i in np.flatnonzero(rng.random(n) < opt.penalty_rate * (1.5 - q)):
            pts = round(float(rng.choice([0.25, 0.5, 1.0, 1.5])), 2)
            rows.append((codes[i], "penalty", f"{pts:g}".replace(".", ","),
                         "Để xảy ra vi phạm trong giải quyết TTHC"))
    return pd.DataFrame(rows, columns=["unit", "kind", "points", "reason"])


def write_bundle(out: Path, tables: dict[str, pd.DataFrame], year: int, edition: str,
                 authority: str) -> Path:
    """Write a bundle folder (CSV files and bundle.yaml), each file atomically."""
    from parindex.evidence.write import write_csv_bundle

    return write_csv_bundle(out, tables, {"year": year, "edition": edition,
                                          "authority": authority})
