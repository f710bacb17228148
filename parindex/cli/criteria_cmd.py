"""`parindex editions` and `parindex criteria show|check`."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from parindex.cli.common import (
    Format,
    FormatOpt,
    Lang,
    LangOpt,
    dump_json,
    emit,
    err_console,
    frame_table,
    handles_errors,
    print_problems,
)
from parindex.cli.language import HELP_LANG, h
from parindex.cli.lean import LeanCommand, LeanGroup
from parindex.words import t

app = typer.Typer(help=h("cmd.criteria"), no_args_is_help=True, rich_markup_mode=None,
                  cls=LeanGroup)


class ShowFormat(str, Enum):
    tree = "tree"
    table = "table"
    json = "json"


@handles_errors
def editions(fmt: Format = FormatOpt, lang: Lang = LangOpt) -> None:
    """List the shipped editions: id, title, level, valid years, areas, max."""
    import pandas as pd

    from parindex.criteria import load_edition, shipped_ids
    from parindex.words import t

    rows = [load_edition(i).summary() for i in shipped_ids()]
    if fmt is Format.json:
        emit(dump_json(rows), None)
    elif fmt is Format.csv:
        emit(pd.DataFrame(rows).to_csv(index=False), None)
    else:
        lg = lang.value
        table = pd.DataFrame(rows)
        table["level"] = [t(f"level.{v}", lg) for v in table["level"]]
        table = table.rename(columns=lambda c: t(f"editions.{c}", lg))
        emit(frame_table(table, lg), None)


@app.command("show", cls=LeanCommand, help=h("cmd.criteria_show"))
@handles_errors
def show(ref: str = typer.Argument(..., metavar="ID_OR_FILE", help=h("arg.edition")),
         fmt: ShowFormat = typer.Option(ShowFormat.tree, "--format", "-f",
                                        help=h("opt.show_format")),
         lang: Lang = LangOpt) -> None:
    """The criteria tree with max points and rules."""
    from parindex.criteria import edition_json, load_edition

    ed = load_edition(ref)
    if fmt is ShowFormat.json:
        emit(dump_json(edition_json(ed)), None)
        return
    if fmt is ShowFormat.table:
        from parindex.report.tables import criteria_frame
        from parindex.words import t

        frame = criteria_frame(ed, lang.value)
        na = frame.columns[-1]  # the not-applicable policy, in words
        frame[na] = [t(f"na.{v}", lang.value) if v else "" for v in frame[na]]
        emit(frame_table(frame, lang.value, title=f"{ed.id}: {ed.model.title}"), None)
        return
    from rich.tree import Tree

    from parindex.cli.common import out_console
    from parindex.lang import number_text
    from parindex.words import t

    lg = lang.value
    root = Tree(f"[bold]{ed.id}[/bold] — {ed.model.title} "
                f"({number_text(ed.scale, lg)} {t('cli.points_scale', lg)})")
    stack: list[Tree] = [root]
    for n in ed.nodes:
        del stack[n.depth + 1:]
        label = f"{n.code} {n.name} [dim]({number_text(n.max, lang.value)})[/dim]"
        if n.is_leaf:
            leaf = ed.leaves[n.leaves[0]]
            label += f" — {leaf.describe(lang.value)}"
            if leaf.survey:
                label += f" [cyan]{t('cli.survey_mark', lg)}[/cyan]"
        stack.append(stack[-1].add(label))
    console = out_console()
    with console.capture() as cap:
        console.print(root)
    emit(cap.get(), None)


@app.command("check", cls=LeanCommand, help=h("cmd.criteria_check"))
def check(files: list[Path] = typer.Argument(..., metavar="FILE...",
                                             help=h("arg.criteria_files")),
          lang: Lang = LangOpt) -> None:
    """Validate criteria files: every problem, each naming file, path and value."""
    from parindex.criteria import check_edition_file
    from parindex.lang import number_text
    from parindex.words import t

    failed, lg = False, lang.value
    for path in files:
        edition, problems = check_edition_file(path)
        if problems:
            print_problems(problems, lang=lg)
        if edition is None:
            failed = True
        else:
            model = edition.model
            typer.echo(t("cli.criteria_ok", lg, path=path, edition=model.edition,
                         areas=len(model.areas), leaves=len(edition.leaves),
                         scale=number_text(model.scale, lg)))
    if failed:
        raise typer.Exit(1)


# ---------------------------------------------------------------- criteria in a workbook (#11)


@app.command("export", cls=LeanCommand, help=h("cmd.criteria_export"))
@handles_errors
def export(ref: str = typer.Argument(..., metavar="ID_OR_FILE"),
           out: Path = typer.Option(..., "--out", "-o",
                                    help=t("critbook.help_out_xlsx", HELP_LANG)),
           lang: Lang = LangOpt) -> None:
    from parindex.criteria import load_edition, resolve
    from parindex.criteria.rule_text import RuleTextError
    from parindex.criteria.workbook import export_edition
    from parindex.errors import OutputError, Problem
    from parindex.io import write_atomic

    if out.suffix.lower() != ".xlsx":
        raise typer.BadParameter(t("critbook.out_not_xlsx", lang.value, out=out.name),
                                 param_hint="--out")
    source = resolve(ref)
    if out.resolve() == source.resolve():
        raise OutputError([Problem.of("critbook.out_is_input", str(out), field="--out",
                                      source=str(source))])
    try:
        data = export_edition(load_edition(ref), lang.value)
    except RuleTextError as exc:
        print_problems([Problem.of(exc.code, source.name, **exc.facts)], lang=lang.value)
        raise typer.Exit(1) from None
    write_atomic(out, data)
    err_console().print(t("critbook.wrote", lang.value, out=out))


@app.command("import", cls=LeanCommand, help=h("cmd.criteria_import"))
@handles_errors
def import_workbook(book: Path = typer.Argument(..., metavar="WORKBOOK"),
                    out: Path | None = typer.Option(None, "--out", "-o",
                                                    help=t("critbook.help_out_yaml", HELP_LANG)),
                    lang: Lang = LangOpt) -> None:
    from parindex.criteria.workbook import import_edition

    text, problems = import_edition(book)
    if problems:
        print_problems(problems, lang=lang.value)
    if text is None:
        raise typer.Exit(1)
    if out is None:
        emit(text, None)
    else:
        _write_text(out, text, lang.value)


def _write_text(out: Path, text: str, lang: str) -> None:
    from parindex.io import write_atomic

    write_atomic(out, text)
    err_console().print(t("critbook.wrote", lang, out=out))
