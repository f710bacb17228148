"""The workspace's rows and the bundle (CONTRACT §2) as one another: a bundle imported
becomes a cycle, a cycle is read back as the same text tables (:class:`RawTables`) the CSV
and workbook readers produce, and exported as a bundle that ``parindex score`` scores to
exactly what the site shows.

Longer than 300 lines because the import, the reading back (every table, the survey laid
out by column) and the checked cycle kept per process are one round trip, each step the
inverse of another, and read best side by side.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.db import transaction

from parindex.criteria import CompiledEdition, load_edition, resolve, shipped_dir
from parindex.evidence.bundle import bundle_from, load_bundle
from parindex.evidence.inputs import KnownSurvey, known_survey
from parindex.evidence.tables import TABLES, Bundle, RawTables
from parindex.evidence.write import write_bundle_any
from parindex.io import write_atomic
from parindex.pipeline import Checked, check_bundle, edition_for
from parindex.web import models as m
from parindex.web import unit_state

ONE_STOP_COUNTS = tuple(c for c in TABLES["one_stop"][0] + TABLES["one_stop"][1]
                        if c not in ("unit", "period"))


def edition_file(edition: m.Edition) -> Path:
    """The edition's text as a file in the data folder (named by its hash: written once,
    through a temporary file of its own, so that two processes or threads writing it at
    once each put the same text in place)."""
    folder = Path(settings.DATA) / "editions"
    path = folder / f"{edition.code}-{edition.sha256[:16]}.yaml"
    if not path.is_file():
        write_atomic(path, edition.text)
    return path


def compiled(edition: m.Edition) -> CompiledEdition:
    """The edition compiled (cached on disk by its content, as for the command line)."""
    return load_edition(edition_file(edition))


def edition_row(path: Path) -> m.Edition:
    """The edition of a file, stored once per text."""
    text = path.read_text(encoding="utf-8")
    code = load_edition(path).id
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    row, _ = m.Edition.objects.get_or_create(code=code, sha256=digest,
                                             defaults={"text": text})
    return row


# -- a bundle into a cycle ---------------------------------------------------------------


def read_checked(path: Path) -> tuple[Checked, Path]:
    """A bundle read and checked against its edition, and the edition's file."""
    bundle = load_bundle(path)
    edition = edition_for(bundle)
    base = bundle.path if bundle.path.is_dir() else bundle.path.parent
    return check_bundle(bundle, edition), resolve(bundle.edition, base)


def _rows(bundle: Bundle, name: str) -> list[dict[str, str]]:
    df = bundle.table(name)
    if df is None:
        return []
    cols = [c for c in df.columns if c != "_row"]
    return [dict(zip(cols, r, strict=True)) for r in df[cols].itertuples(index=False)]


@transaction.atomic
def import_bundle(bundle: Bundle, edition_path: Path, name: str, round_: str,
                  user: str) -> m.Cycle:
    """The bundle as the cycle ``name`` (created, or its data replaced), in one transaction
    and on the record."""
    edition = edition_row(edition_path)
    cycle, created = m.Cycle.objects.get_or_create(
        name=name, defaults={"year": bundle.year, "edition": edition,
                             "authority": bundle.authority, "round": round_})
    if not created:
        cycle.members.all().delete()
        cycle.lineage.all().delete()
        cycle.year, cycle.edition, cycle.authority = bundle.year, edition, bundle.authority
        cycle.round = round_
    cycle.tables = {name: [c for c in df.columns if c != "_row"]
                    for name, df in bundle.tables.items()}
    cycle.data_version += 1
    cycle.save()
    members = _import_units(cycle, _rows(bundle, "units"))
    _import_rows(members, bundle)
    m.Lineage.objects.bulk_create(m.Lineage(cycle=cycle, code=r["code"],
                                            predecessor=r["predecessor"])
                                  for r in _rows(bundle, "lineage"))
    m.Change.objects.create(cycle=cycle, user=user, action="import",
                            after=f"{bundle.path.name}: {len(members)} units")
    _keep_states(cycle)
    return cycle


def _keep_states(cycle: m.Cycle) -> None:
    """Every unit's checked state written at the import, from the cycle checked as the
    workspace reads it, when it checks without an error: the first league after an import
    (or after the site starts) is stacked from the states instead of reading and checking
    the cycle's tables, and each unit's first save re-checks only its row. A cycle with an
    error keeps no state (each unit's state is then made by its first valid write)."""
    found = checked(cycle)
    if not found.errors:
        unit_state.keep_all(cycle, found.run())


def _import_units(cycle: m.Cycle, rows: list[dict[str, str]]) -> dict[str, m.Member]:
    known = {u.code: u for u in m.Unit.objects.filter(code__in=[r["code"] for r in rows])}
    new = [m.Unit(code=r["code"], name=r["name"]) for r in rows if r["code"] not in known]
    for u in m.Unit.objects.bulk_create(new):
        known[u.code] = u
    members = [m.Member(cycle=cycle, unit=known[r["code"]], name=r["name"], type=r["type"],
                        group=r["group"], ranked=r.get("ranked", ""), position=i)
               for i, r in enumerate(rows)]
    m.Member.objects.bulk_create(members)
    return {mb.unit.code: mb for mb in m.Member.objects.filter(cycle=cycle)
            .select_related("unit")}


def _import_rows(members: dict[str, m.Member], bundle: Bundle) -> None:
    def member(r: dict[str, str]) -> m.Member:
        return members[r["unit"]]

    m.Evidence.objects.bulk_create(
        (m.Evidence(member=member(r), criterion=r["criterion"], value=r["value"],
                    appraised=r.get("appraised", ""), source=r.get("source", ""),
                    note=r.get("note", ""), position=i)
         for i, r in enumerate(_rows(bundle, "evidence")) if r["unit"] in members),
        batch_size=5000)
    m.OneStop.objects.bulk_create(
        (m.OneStop(member=member(r), period=r.get("period", ""), position=i,
                   counts={c: r[c] for c in ONE_STOP_COUNTS if c in r})
         for i, r in enumerate(_rows(bundle, "one_stop")) if r["unit"] in members),
        batch_size=5000)
    m.ReportDate.objects.bulk_create(
        (m.ReportDate(member=member(r), report=r["report"], submitted=r["submitted"],
                      position=i)
         for i, r in enumerate(_rows(bundle, "reports")) if r["unit"] in members),
        batch_size=5000)
    m.Adjustment.objects.bulk_create(
        (m.Adjustment(member=member(r), kind=r["kind"], points=r["points"],
                      reason=r.get("reason", ""), position=i)
         for i, r in enumerate(_rows(bundle, "adjustments")) if r["unit"] in members),
        batch_size=5000)
    _import_survey(members, bundle)


def _import_survey(members: dict[str, m.Member], bundle: Bundle) -> None:
    df = bundle.table("survey")
    if df is None:
        return
    sheets: dict[str, list[list[str]]] = {}
    for unit, respondent, question, answer in df[["unit", "respondent", "question",
                                                  "answer"]].itertuples(index=False):
        sheets.setdefault(unit, []).append([respondent, question, answer])
    m.SurveySheet.objects.bulk_create(
        (m.SurveySheet(member=members[u], answers=a) for u, a in sheets.items()
         if u in members), batch_size=200)


# -- a cycle as a bundle -----------------------------------------------------------------


def _frame(rows: list[list[str]], columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns, dtype=object)
    df["_row"] = range(2, len(df) + 2)
    return df


def cycle_tables(cycle: m.Cycle, codes: list[str] | None = None, survey: bool = True
                 ) -> dict[str, pd.DataFrame]:
    """The cycle's data as bundle tables of text (only the units ``codes`` when given;
    without the survey table when not ``survey``)."""
    members = m.Member.objects.filter(cycle=cycle).select_related("unit")
    if codes is not None:
        members = members.filter(unit__code__in=codes)
    code = {mb.id: mb.unit.code for mb in members}
    ids = list(code)
    ranked = "ranked" in cycle.tables.get("units", ())
    tables = {"units": _frame([[mb.unit.code, mb.name, mb.type, mb.group,
                                *([mb.ranked] if ranked else [])] for mb in members],
                              ["code", "name", "type", "group", *(["ranked"] if ranked else [])])}
    tables["evidence"] = _frame(
        [[code[e[0]], *e[1:]] for e in m.Evidence.objects.filter(member_id__in=ids)
         .order_by("member__position", "position", "id")
         .values_list("member_id", "criterion", "value", "appraised", "source", "note")],
        ["unit", "criterion", "value", "appraised", "source", "note"])
    _optional_tables(cycle, ids, code, tables, survey)
    return tables


def _optional_tables(cycle: m.Cycle, ids: list[int], code: dict[int, str],
                     tables: dict[str, pd.DataFrame], survey: bool = True) -> None:
    """The optional tables the cycle has (present even when the units asked for have no
    row in them: a table's presence changes how a unit is scored)."""
    shape: dict[str, list[str]] = cycle.tables
    order = ("member__position", "position", "id")
    if "one_stop" in shape:
        cols = [c for c in shape["one_stop"] if c != "unit"]
        stops = m.OneStop.objects.filter(member_id__in=ids).order_by(*order)
        tables["one_stop"] = _frame(
            [[code[s.member_id], *(s.period if c == "period" else str(s.counts.get(c, ""))
                                   for c in cols)] for s in stops], ["unit", *cols])
    simple: dict[str, Any] = {"reports": m.ReportDate, "adjustments": m.Adjustment}
    for name, model in simple.items():
        if name in shape:
            cols = [c for c in shape[name] if c != "unit"]
            rows = model.objects.filter(member_id__in=ids).order_by(*order)
            tables[name] = _frame([[code[r[0]], *r[1:]] for r in
                                   rows.values_list("member_id", *cols)], ["unit", *cols])
    if "survey" in shape and survey:
        tables["survey"] = _survey_frame(ids, code)
    if "lineage" in shape:
        tables["lineage"] = _frame([list(r) for r in cycle.lineage.values_list(
            "code", "predecessor")], ["code", "predecessor"])


def _survey_frame(ids: list[int], code: dict[int, str]) -> pd.DataFrame:
    """The survey answers as one table, laid out by column: each unit's sheet read as JSON
    text and decoded by orjson (nationally 1.7 million answers: the ORM's decoding and a list
    per answer took 12 of the results API's first 13 seconds)."""
    import orjson
    from django.db.models import TextField
    from django.db.models.functions import Cast

    sheets = (m.SurveySheet.objects.filter(member_id__in=ids).order_by("member__position")
              .annotate(raw=Cast("answers", TextField())).values_list("member_id", "raw"))
    columns: list[list[Any]] = [[], [], [], []]
    for member_id, raw in sheets:
        rows = orjson.loads(raw)
        if not rows:
            continue
        columns[0].extend([code[member_id]] * len(rows))
        for column, values in zip(columns[1:], zip(*rows, strict=True), strict=True):
            column.extend(values)
    names = ["unit", "respondent", "question", "answer"]
    df = pd.DataFrame(dict(zip(names, columns, strict=True)), dtype=object)
    df["_row"] = range(2, len(df) + 2)
    return df


def cycle_bundle(cycle: m.Cycle, codes: list[str] | None = None, survey: bool = True
                 ) -> Bundle:
    """The cycle read as a bundle, as the readers would read its export."""
    tables = cycle_tables(cycle, codes, survey)
    path = edition_file(cycle.edition)
    meta = {"year": cycle.year, "edition": str(path), "authority": cycle.authority}
    raw = RawTables(Path(f"cycle-{cycle.id}"), meta, "bundle.yaml", tables,
                    {name: f"{name}.csv" for name in tables})
    return bundle_from(raw, raw.source)


def checked(cycle: m.Cycle, codes: list[str] | None = None) -> Checked:
    """The cycle's data checked against its edition (the engine's inputs, every problem).
    The whole cycle's survey is read and checked once per import (no write of the
    workspace changes it), then given to the check as known."""
    edition = compiled(cycle.edition)
    if codes is not None or "survey" not in cycle.tables:
        return check_bundle(cycle_bundle(cycle, codes), edition)
    key = _survey_key(cycle)
    with _survey_lock:
        known = _surveys.get(cycle.id)
    if known is not None and known[0] == key:
        return check_bundle(cycle_bundle(cycle, survey=False), edition, survey=known[1])
    bundle = cycle_bundle(cycle)
    found = known_survey(bundle, edition)
    with _survey_lock:
        _surveys[cycle.id] = (key, found)
    return check_bundle(bundle, edition, survey=found)


_survey_lock = threading.Lock()
_surveys: dict[int, tuple[tuple[Any, ...], KnownSurvey]] = {}


def _survey_key(cycle: m.Cycle) -> tuple[Any, ...]:
    """What the cycle's checked survey depends on: the cycle itself, its last import (the
    only write of survey answers) and its units (the survey is indexed by their order)."""
    last = m.Change.objects.filter(cycle=cycle, action="import").order_by("-id").values_list(
        "id", flat=True).first()
    units = tuple(m.Member.objects.filter(cycle=cycle).order_by("position", "id")
                  .values_list("unit_id", flat=True))
    return (cycle.created_at, last, hash(units), len(units), cycle.edition_id)


def export_cycle(cycle: m.Cycle, out: Path) -> Path:
    """The cycle as a bundle: a CSV folder, or one workbook for ``OUT.xlsx``. The edition is
    named by its id when it is the shipped text, else written beside the bundle."""
    tables = cycle_tables(cycle)
    shipped = shipped_dir() / f"{cycle.edition.code}.yaml"
    same = shipped.is_file() and shipped.read_text(encoding="utf-8") == cycle.edition.text
    edition = cycle.edition.code
    if not same:
        edition = f"{cycle.edition.code}.yaml"
        folder = out.parent if out.suffix.lower() == ".xlsx" else out
        folder.mkdir(parents=True, exist_ok=True)
        (folder / edition).write_text(cycle.edition.text, encoding="utf-8")
    meta = {"year": cycle.year, "edition": edition, "authority": cycle.authority}
    return write_bundle_any(out, tables, meta)
