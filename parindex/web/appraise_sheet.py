"""What the appraisal page shows, read from the cycle's rows: every leaf side by side (the
unit's declared input and points, its documents, the council's appraised input and points,
the comment, the unit's explanation, open document requests), the unit's result before the
appraisal (its self-assessment alone) and after it, the bonus and penalty, the progress
(leaves decided / left) and whether each part may be written now, and why not.

The points come from the same unit run as the unit's page
(:func:`parindex.web.scores.unit_errors`); the "before" result is that run re-scored with
the declared inputs in place of the appraised ones and no bonus or penalty.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from parindex.errors import Problem
from parindex.scoring.run import Run
from parindex.web import models as m
from parindex.web import rounds, scores, unit_sheet
from parindex.web.services import why_not
from parindex.web.store import compiled

APPRAISAL_ROUNDS = ("appraisal", "appraisal_2")


@dataclass
class AppraisedRow:
    """One leaf on the appraisal page: the unit's row and the council's side."""

    row: unit_sheet.LeafRow
    #: the drop-down option the appraised input reads as
    appraised_option: str = ""
    decided: bool = False
    requests: list[m.DocumentRequest] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.row.slug


def before_result(run: Run) -> dict[str, Any]:
    """The unit's result on its own declaration: declared inputs as appraised, no bonus
    or penalty (the score before the council's appraisal)."""
    inputs = run.inputs
    zero = np.zeros_like(inputs.bonus)
    own = replace(inputs, x_appr=inputs.x_self, st_appr=inputs.st_self, bonus=zero,
                  penalty=np.zeros_like(inputs.penalty))
    result = Run.from_inputs(own, run.bundle).unit_result(0)
    result["rank"] = result["group_rank"] = None
    return result


@dataclass
class Lock:
    """Whether each part of the page may be written now, and why not."""

    appraise: str | None
    adjust: str | None
    ask: str | None

    @property
    def read_only(self) -> bool:
        return self.appraise is not None


def adjustments(member: m.Member) -> list[dict[str, Any]]:
    return [{**rounds.adjustment_dict(a), "document_name": a.document.name if a.document
             else ""} for a in member.adjustments.select_related("document")
            .order_by("position", "id")]


def documents(rows: list[unit_sheet.LeafRow]) -> list[tuple[int, str]]:
    """The unit's documents a bonus or penalty may cite: (id, "criterion: name")."""
    return [(f["id"], f"{r.leaf.code}: {f['name']}") for r in rows for f in r.files]


def page(user: Any, cycle: m.Cycle, member: m.Member, lang: str, reuse: bool = False
         ) -> dict[str, Any]:
    """Everything the appraisal page shows (``reuse``: after a write, the run it was
    validated with)."""
    edition = compiled(cycle.edition)
    rows = unit_sheet.leaf_rows(edition, member, lang)
    run = scores.last_unit_run(cycle, member.code) if reuse else None
    problems: list[Problem] = []
    if run is None:
        run, problems = scores.unit_errors(cycle, member.code)
    result = before = None
    if run is not None:
        unit_sheet.fill_points(run, rows)
        result = run.unit_result(0)
        result["rank"] = result["group_rank"] = None
        before = before_result(run)
    decided = set(member.evidence.filter(appraised_at__isnull=False)
                  .values_list("criterion", flat=True))
    asked: dict[str, list[m.DocumentRequest]] = {}
    for req in rounds.open_requests(member):
        asked.setdefault(req.evidence.criterion, []).append(req)
    shown = [AppraisedRow(r, unit_sheet.option_of(r.appraised, r.leaf, r.kind),
                          r.leaf.code in decided, asked.get(r.leaf.code, [])) for r in rows]
    done = len(decided & {r.leaf.code for r in rows})
    day, left = unit_sheet.deadline(cycle, member)
    base = f"/cycles/{cycle.id}/units/{member.code}/"
    return {"cycle": cycle, "member": member, "edition": edition, "rows": shown,
            "areas": [{**a, "leaves": [shown[r.leaf.index] for r in a["leaves"]]}
                      for a in unit_sheet.areas(edition, rows, result)],
            "result": result, "before": before,
            "problems": [scores.reason(p, lang) for p in problems],
            "decided": done, "leaves": len(rows), "left": len(rows) - done,
            "lock": Lock(*(why_not(user, a, cycle, member, lang) for a in (
                "evidence.appraise", "adjustments.write", "requests.write"))),
            "second": cycle.round == "appraisal_2",
            "adjustments": adjustments(member), "documents": documents(rows),
            "deadline": day, "days_left": left, "unit_base": base,
            "base": base + "appraise/"}


def council(rows: list[unit_sheet.LeafRow], member: m.Member) -> dict[str, Any]:
    """For the unit's page: the leaves the council changed or commented on (listed first,
    the ones to explain) and the open document requests, each with its leaf's row."""
    by_code = {r.leaf.code: r for r in rows}
    return {"council": [r for r in rows if r.council],
            "open_requests": [(q, by_code[q.evidence.criterion])
                              for q in rounds.open_requests(member)
                              if q.evidence.criterion in by_code]}
