"""Where a leaf's number comes from, in a short written form (criteria in a workbook).

Blank is the unit's own evidence value; ``tỷ lệ %`` / ``percent``; ``một cửa: on_time_rate /
due`` (a one-stop metric over a denominator); ``báo cáo: on_time (Q1, H1, Q3, YEAR)`` (a count
of reports judged against the calendar); ``điều tra: Q1, Q2, Q3`` / ``survey: Q1, Q2, Q3``
(the satisfaction % of those survey questions). Keywords in Vietnamese or English, metric,
denominator and report-status names as CONTRACT §1 spells them or in the words ``criteria
show`` uses, without regard to case, accents or separators. What is written reads back exactly.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from pydantic import ValidationError

from parindex.criteria.keys import fold_key
from parindex.criteria.model import (
    InputSpec,
    OneStopInput,
    ReportsInput,
    SurveyInput,
    parse_input,
)
from parindex.criteria.rule_text import PREFIX, RuleTextError, keywords, quoted
from parindex.words import t

_INPUT_WORDS = keywords("ruletext", ("percent", "one_stop", "reports", "survey", "value"))
_METRICS = keywords("input.one_stop", ("on_time_rate", "online_rate", "late_count",
                                       "overdue_pending"))
_DENOMINATORS = keywords("input.denominator", ("resolved", "due", "received"))
_STATUSES = keywords("input.reports", ("on_time", "late", "missing"))


def input_text(spec: InputSpec, lang: str = "vi") -> str:
    """Where a leaf's number comes from, as written in a workbook (blank: the evidence value).
    A report id that holds ``, ( )`` cannot be written: a :class:`RuleTextError`."""
    if isinstance(spec, OneStopInput):
        over = f" / {spec.denominator}" if spec.denominator else ""
        return f"{t('ruletext.one_stop', lang)}: {spec.one_stop}{over}"
    if isinstance(spec, ReportsInput):
        bad = [i for i in spec.of if re.search(r"[,()]", i) or i != i.strip() or not i]
        if bad:
            raise RuleTextError("critbook.report_id", quoted=quoted(bad[0]))
        return f"{t('ruletext.reports', lang)}: {spec.reports} ({', '.join(spec.of)})"
    if isinstance(spec, SurveyInput):
        bad = [q for q in spec.survey if re.search(r"[,()]", q) or not q]
        if bad:
            raise RuleTextError("critbook.question_id", quoted=quoted(bad[0]))
        return f"{t('ruletext.survey', lang)}: {', '.join(spec.survey)}"
    if spec in ("value", "percent"):
        return "" if spec == "value" else t(f"ruletext.{spec}", lang)
    raise RuleTextError("critbook.unwritten", fields=f"input {spec!r}")  # a newer input kind


def parse_input_text(text: str) -> InputSpec:
    """A written input → the input spec (blank: the evidence value); a
    :class:`RuleTextError` when it cannot be read."""
    text = unicodedata.normalize("NFC", text).strip()
    if not text:
        return "value"
    whole = _INPUT_WORDS.get(fold_key(text))
    if whole in ("value", "percent"):
        return whole  # type: ignore[return-value]
    m = PREFIX.match(text)
    kind = _INPUT_WORDS.get(fold_key(m.group(1))) if m else None
    if m is None or kind not in ("one_stop", "reports", "survey"):
        raise RuleTextError("critbook.input_unknown", quoted=quoted(text))
    raw = _one_stop(m.group(2)) if kind == "one_stop" else _reports(m.group(2)) \
        if kind == "reports" else _survey(m.group(2))
    try:
        return parse_input(raw)  # type: ignore[no-any-return]
    except (ValueError, ValidationError) as exc:
        reason = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
        raise RuleTextError("critbook.rule_invalid", reason=reason) from None


def _one_stop(body: str) -> dict[str, str]:
    metric, _, over = body.partition("/")
    name = _METRICS.get(fold_key(metric))
    if name is None:
        raise RuleTextError("critbook.input_part", quoted=quoted(metric.strip()),
                            known=", ".join(sorted(set(_METRICS.values()))))
    raw = {"one_stop": name}
    if over.strip():
        denominator = _DENOMINATORS.get(fold_key(over))
        if denominator is None:
            raise RuleTextError("critbook.input_part", quoted=quoted(over.strip()),
                                known=", ".join(sorted(set(_DENOMINATORS.values()))))
        raw["denominator"] = denominator
    return raw


def _reports(body: str) -> dict[str, Any]:
    m = re.fullmatch(r"\s*([^()]+?)\s*\(([^()]*)\)\s*", body)
    status = _STATUSES.get(fold_key(m.group(1))) if m else None
    if m is None or status is None:
        raise RuleTextError("critbook.input_part", quoted=quoted(body.strip()),
                            known="on_time (Q1, H1, Q3, YEAR), late (…), missing (…)")
    ids = [i.strip() for i in m.group(2).split(",")]
    if not all(ids):
        raise RuleTextError("critbook.input_part", quoted=quoted(m.group(2)),
                            known="Q1, H1, Q3, YEAR")
    return {"reports": status, "of": ids}


def _survey(body: str) -> dict[str, Any]:
    questions = [q.strip() for q in body.split(",")]
    if not all(questions):
        raise RuleTextError("critbook.input_part", quoted=quoted(body.strip()),
                            known="Q1, Q2, Q3")
    return {"survey": questions}


__all__ = ["input_text", "parse_input_text"]
