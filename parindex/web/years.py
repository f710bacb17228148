"""The next year's cycle, opened from this one (issue #13 item 8): the same units with their
names, types and groups, the edition valid for that year, the units formed by merger kept
in the lineage, and no values yet — the units self-assess the new year from blank."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction

from parindex import words
from parindex.criteria import load_edition, shipped_dir, shipped_ids
from parindex.errors import ParIndexError
from parindex.web import models as m
from parindex.web.services import Refused, check, record
from parindex.web.store import compiled, edition_row


def _edition_for(cycle: m.Cycle, year: int, asked: str | None, lang: str) -> m.Edition:
    """The edition named, else the cycle's own while it is valid, else the shipped edition
    of the same family (``xa-…``) valid that year."""
    if asked:
        if asked not in shipped_ids():
            raise Refused(400, "invalid_value", words.t(
                "web.refuse.no_edition", lang, value=asked, ids=", ".join(shipped_ids())))
        return edition_row(shipped_dir() / f"{asked}.yaml")
    own = compiled(cycle.edition)
    if own.valid_from <= year <= (own.valid_until or 9999):
        return cycle.edition
    family = cycle.edition.code.split("-")[0]
    for ident in sorted(shipped_ids(), reverse=True):
        if not ident.startswith(f"{family}-"):
            continue
        try:
            found = load_edition(ident)
        except ParIndexError:
            continue
        if found.valid_from <= year <= (found.valid_until or 9999):
            return edition_row(Path(shipped_dir() / f"{ident}.yaml"))
    raise Refused(400, "invalid_value", words.t("web.refuse.no_edition_for_year", lang,
                                                year=year, family=family))


def open_next(user: Any, cycle: m.Cycle, year: int, name: str | None, edition: str | None,
              lang: str) -> m.Cycle:
    """A new cycle for ``year`` with this cycle's units, in self-assessment."""
    check(user, "cycle.open", cycle, None, lang)
    name = (name or str(year)).strip()
    if m.Cycle.objects.filter(name=name).exists():
        raise Refused(400, "invalid_value", words.t("web.refuse.cycle_exists", lang, name=name))
    chosen = _edition_for(cycle, year, edition, lang)
    with transaction.atomic():
        shape = {k: v for k, v in cycle.tables.items() if k not in ("survey",)}
        new = m.Cycle.objects.create(name=name, year=year, edition=chosen, tables=shape,
                                     authority=cycle.authority, round="self_assessment")
        m.Member.objects.bulk_create(
            m.Member(cycle=new, unit=mb.unit, name=mb.name, type=mb.type, group=mb.group,
                     ranked=mb.ranked, position=mb.position)
            for mb in cycle.members.select_related("unit"))
        m.Lineage.objects.bulk_create(m.Lineage(cycle=new, code=r.code,
                                                predecessor=r.predecessor)
                                      for r in cycle.lineage.all())
        record(new, user, "cycle.open", field="from", before=cycle.name,
               after=f"{name} ({year}, {chosen.code})")
    return new
