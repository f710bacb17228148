"""A leaf's story for the pages (issue #13): the record's entries for one unit's leaf
(:func:`parindex.web.rounds.history`), each named by its step — declared, appraised,
explained, decided (an appraisal in the second round), a document asked or added — with who
and when (dd/mm/yyyy HH:MM). The round of each entry is read from the record of the
cycle's round moves, so the story needs nothing the record does not hold."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from parindex import words
from parindex.web import models as m
from parindex.web import rounds

#: the record's action → the step's words key (``web.rounds.step.*``)
STEPS = {"evidence.declare": "declared", "evidence.appraise": "appraised",
         "evidence.accept": "accepted", "evidence.explain": "explained",
         "files.upload": "document", "files.remove": "document_removed",
         "requests.write": "asked"}
FIELDS = {"value": "col.evidence.value", "appraised": "col.evidence.appraised",
          "source": "col.evidence.source", "note": "col.evidence.note",
          "comment": "web.unit.comment", "explanation": "web.unit.explanation",
          "file": "web.unit.documents", "request": "web.rounds.request"}


def _rounds(cycle: m.Cycle) -> list[tuple[dt.datetime, str]]:
    """When the cycle entered each round, from the record of its moves."""
    moves = m.Change.objects.filter(cycle=cycle, action__in=("round.move", "cycle.reopen"),
                                    field="round").order_by("at", "id")
    return [(c.at, c.after.split(":")[0].strip()) for c in moves]


def round_at(moves: list[tuple[dt.datetime, str]], at: dt.datetime) -> str:
    """The round the cycle was in at ``at`` (self-assessment before its first move)."""
    now = "self_assessment"
    for when, round_ in moves:
        if when > at:
            break
        now = round_
    return now


def story(cycle: m.Cycle, code: str, criterion: str, lang: str) -> list[dict[str, Any]]:
    moves = _rounds(cycle)
    out = []
    for entry in rounds.history(cycle, code, criterion):
        at = dt.datetime.fromisoformat(entry["at"])
        round_ = round_at(moves, at)
        step = STEPS.get(entry["action"], "")
        if step in ("appraised", "accepted") and round_ == "appraisal_2":
            step = "decided"
        key = FIELDS.get(entry["field"])
        out.append({**entry, "when": timezone.localtime(at).strftime("%d/%m/%Y %H:%M"),
                    "step": words.t(f"web.rounds.step.{step}", lang) if step
                    else entry["action"],
                    "kind": step or "other",
                    "round": words.t(f"web.round.{round_}", lang),
                    "field_name": words.t(key, lang) if key else entry["field"]})
    return out
