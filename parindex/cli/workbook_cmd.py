"""`parindex template` and `parindex merge`: the self-assessment workbook round trip."""

from __future__ import annotations

from pathlib import Path

import typer

from parindex.cli.common import Lang, LangOpt, err_console, handles_errors, print_problems
from parindex.cli.language import h
from parindex.cli.names import pick
from parindex.words import t


@handles_errors
def template(ref: str = typer.Argument(..., metavar="ID_OR_FILE", help=h("arg.edition")),
             units: Path = typer.Option(..., "--units", "-u", help=h("opt.units")),
             out: Path = typer.Option(..., "--out", "-o", help=h("opt.template_out")),
             unit: str | None = typer.Option(None, "--unit", help=h("opt.unit")),
             owner: str | None = typer.Option(None, "--owner", help=h("opt.owner")),
             year: int | None = typer.Option(None, "--year", help=h("opt.year")),
             authority: str = typer.Option("", "--authority", help=h("opt.authority")),
             lang: Lang = LangOpt) -> None:
    """A self-assessment workbook to fill in: one row per unit and criterion."""
    from parindex.criteria import load_edition
    from parindex.errors import EvidenceError
    from parindex.evidence.template import default_year, save_template
    from parindex.evidence.units_file import read_units
    from parindex.io import write_atomic_by

    lg = lang.value
    if out.suffix.lower() != ".xlsx":
        raise typer.BadParameter(t("cli.template_xlsx", lg), param_hint="--out")
    edition = load_edition(ref)
    try:  # the units list's problems are the user's own: shown in the chosen language
        table, warnings = read_units(units)
    except EvidenceError as exc:
        print_problems(exc.problems, lang=lg)
        raise typer.Exit(1) from None
    if warnings:
        print_problems(warnings, lang=lg)
    if unit is not None:
        codes = [str(c) for c in table["code"]]
        names = {**{str(n): c for n, c in zip(table["name"], codes, strict=True)},
                 **{c: c for c in codes}}
        unit = pick(unit, names, "unit", file=units.name)
        table = table[table["code"] == unit].reset_index(drop=True)
    if owner is not None:
        owners = [a.owner for a in edition.areas if a.owner]
        owner = pick(owner, owners, "owner", file=edition.id)
    write_atomic_by(out, lambda tmp: save_template(tmp, edition, table, year or default_year(),
                                                   lg, owner, authority))
    err_console().print(t("cli.wrote_template", lg, out=out, n=len(table), edition=edition.id),
                        markup=False, highlight=False)


@handles_errors
def merge(out: Path = typer.Argument(..., metavar="OUT", help=h("arg.merge_out")),
          parts: list[Path] = typer.Argument(..., metavar="PARTS...", help=h("arg.parts")),
          lang: Lang = LangOpt) -> None:
    """Combine unit or department workbooks into one bundle, refusing conflicting cells."""
    from parindex.evidence.merge import merge_bundles
    from parindex.evidence.write import refuse_oversized, write_bundle_any

    # OUT naming one of the parts is refused before this runs (common.handles_errors)
    merged = merge_bundles(parts)
    if out.suffix.lower() == ".xlsx":
        refuse_oversized(merged.tables, out)
    if out.suffix.lower() == ".xlsx" and merged.edition is not None \
            and "units" in merged.tables:  # the template's layout, filled
        from parindex.evidence.merge_layout import merged_workbook_bytes
        from parindex.io import write_atomic

        write_atomic(out, merged_workbook_bytes(merged.edition, merged.tables, merged.meta,
                                                lang.value))
    else:
        write_bundle_any(out, merged.tables, merged.meta, lang.value)
    rows = len(merged.tables.get("evidence", []))
    err_console().print(t("cli.wrote_merge", lang.value, out=out, parts=merged.parts,
                          rows=rows), markup=False, highlight=False)
