"""`parindex template` and `parindex merge`: the self-assessment workbook round trip."""

from __future__ import annotations

from pathlib import Path

import typer

from parindex.cli.common import Lang, LangOpt, err_console, handles_errors


@handles_errors
def template(ref: str = typer.Argument(..., metavar="ID_OR_FILE", help="Edition id or file."),
             units: Path = typer.Option(..., "--units", "-u", help="units.csv: code, name, "
                                        "type, group."),
             out: Path = typer.Option(..., "--out", "-o", help="The workbook to write (.xlsx)."),
             unit: str | None = typer.Option(None, "--unit", help="Only this unit's rows."),
             owner: str | None = typer.Option(None, "--owner",
                                              help="Only the areas this department owns."),
             year: int | None = typer.Option(None, "--year", help="Assessment year "
                                             "(default: this year)."),
             authority: str = typer.Option("", "--authority", help="Who ranks the units."),
             lang: Lang = LangOpt) -> None:
    """A self-assessment workbook to fill in: one row per unit and criterion.

    Example: parindex template xa-2024 --units units.csv --out xa-2024-2025.xlsx
    """
    from parindex.criteria import load_edition
    from parindex.evidence.template import default_year, template_bytes
    from parindex.evidence.units_file import read_units_file
    from parindex.io import write_atomic

    edition = load_edition(ref)
    table = read_units_file(units, unit)
    if out.suffix.lower() != ".xlsx":
        raise typer.BadParameter("the template is an Excel workbook: give --out NAME.xlsx")
    data = template_bytes(edition, table, year or default_year(), lang.value, owner, authority)
    write_atomic(out, data)
    err_console().print(f"wrote {out}: {len(table)} unit(s), edition {edition.id}")


@handles_errors
def merge(out: Path = typer.Argument(..., metavar="OUT", help="A .xlsx file or a folder."),
          parts: list[Path] = typer.Argument(..., metavar="PARTS...",
                                             help="Workbooks or bundle folders to combine."),
          lang: Lang = LangOpt) -> None:
    """Combine unit or department workbooks into one bundle, refusing conflicting cells.

    Example: parindex merge huyen-2024.xlsx noi-vu.xlsx tu-phap.xlsx van-phong.xlsx
    """
    from parindex.evidence.merge import merge_bundles
    from parindex.evidence.write import write_bundle_any

    # OUT naming one of the parts is refused before this runs (common.handles_errors)
    merged = merge_bundles(parts)
    if out.suffix.lower() == ".xlsx" and merged.edition is not None \
            and "units" in merged.tables:  # the template's layout, filled
        from parindex.evidence.merge_layout import merged_workbook_bytes
        from parindex.io import write_atomic

        write_atomic(out, merged_workbook_bytes(merged.edition, merged.tables, merged.meta,
                                                lang.value))
    else:
        write_bundle_any(out, merged.tables, merged.meta, lang.value)
    rows = len(merged.tables.get("evidence", []))
    err_console().print(f"wrote {out}: {merged.parts} parts, {rows} evidence rows")
