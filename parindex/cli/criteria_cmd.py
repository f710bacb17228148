"""`parindex editions` and `parindex criteria show|check`."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from parindex.cli.common import (
    Format,
    Lang,
    LangOpt,
    dump_json,
    emit,
    frame_table,
    handles_errors,
    print_problems,
)

if TYPE_CHECKING:
    from parindex.criteria.compiled import CompiledEdition

app = typer.Typer(help="Show and check criteria editions.", no_args_is_help=True)


class ShowFormat(str, Enum):
    tree = "tree"
    table = "table"
    json = "json"


@handles_errors
def editions(fmt: Format = typer.Option(Format.table, "--format", "-f")) -> None:
    """List the shipped editions: id, title, level, valid years, areas, max.

    Example: parindex editions --format json
    """
    import pandas as pd

    from parindex.criteria import load_edition, shipped_ids

    rows = [load_edition(i).summary() for i in shipped_ids()]
    if fmt is Format.json:
        emit(dump_json(rows), None)
    elif fmt is Format.csv:
        emit(pd.DataFrame(rows).to_csv(index=False), None)
    else:
        emit(frame_table(pd.DataFrame(rows), "en"), None)


def _with_defaults(ed: CompiledEdition) -> dict[str, Any]:
    """The edition as loaded, in the shape of CONTRACT §1, with what the file may leave out
    filled in: every node's max (a parent's is its children's sum), each leaf's survey flag
    and not-applicable policy as inherited, an open ``valid.until`` as null."""
    data = ed.model.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["valid"]["until"] = ed.model.valid.until
    nodes = {n.code: n for n in ed.nodes}

    def fill(node: dict[str, Any]) -> dict[str, Any]:
        info = nodes[node["code"]]
        out = {k: v for k, v in node.items() if k not in ("criteria", "children")}
        out["max"] = info.max
        if info.is_leaf:
            leaf = ed.leaves[info.leaves[0]]
            out["survey"], out["not_applicable"] = leaf.survey, leaf.na
        for key in ("criteria", "children"):
            if key in node:
                out[key] = [fill(child) for child in node[key]]
        return out

    data["areas"] = [fill(area) for area in data["areas"]]
    return data


_SHOW_HEADS = {
    "en": ("code", "name", "max", "input", "rule", "survey", "not_applicable"),
    "vi": ("Mã", "Tên", "Điểm tối đa", "Số liệu", "Cách chấm", "Điều tra XHH",
           "Không áp dụng"),
}


@app.command("show")
@handles_errors
def show(ref: str = typer.Argument(..., metavar="ID_OR_FILE"),
         fmt: ShowFormat = typer.Option(ShowFormat.tree, "--format", "-f"),
         lang: Lang = LangOpt) -> None:
    """The criteria tree with max points and rules.

    Example: parindex criteria show xa-2024 --format table
    """
    from parindex.criteria import load_edition

    ed = load_edition(ref)
    if fmt is ShowFormat.json:
        emit(dump_json(_with_defaults(ed)), None)
        return
    if fmt is ShowFormat.table:
        import pandas as pd

        lg = lang.value
        heads = _SHOW_HEADS["en" if lg == "en" else "vi"]
        rows = []
        for n in ed.nodes:
            leaf = ed.leaves[n.leaves[0]] if n.is_leaf else None
            rows.append(dict(zip(heads, (
                n.code, "  " * n.depth + n.name, n.max,
                leaf.describe_input(lg) if leaf else "", leaf.describe_rule(lg) if leaf else "",
                heads[-2] if leaf and leaf.survey else "", leaf.na if leaf else ""),
                strict=True)))
        emit(frame_table(pd.DataFrame(rows), lg, title=f"{ed.id}: {ed.model.title}"), None)
        return
    from rich.tree import Tree

    from parindex.cli.common import out_console
    from parindex.lang import number_text

    root = Tree(f"[bold]{ed.id}[/bold] — {ed.model.title} ({ed.scale:g} điểm)")
    stack: list[Tree] = [root]
    for n in ed.nodes:
        del stack[n.depth + 1:]
        label = f"{n.code} {n.name} [dim]({number_text(n.max, lang.value)})[/dim]"
        if n.is_leaf:
            leaf = ed.leaves[n.leaves[0]]
            label += f" — {leaf.describe(lang.value)}"
            if leaf.survey:
                label += " [cyan]ĐTXHH[/cyan]"
        stack.append(stack[-1].add(label))
    console = out_console()
    with console.capture() as cap:
        console.print(root)
    emit(cap.get(), None)


@app.command("check")
def check(files: list[Path] = typer.Argument(..., metavar="FILE...")) -> None:
    """Validate criteria files: every problem, each naming file, path and value.

    Example: parindex criteria check my-edition.yaml
    """
    from parindex.criteria import check_edition_file

    failed = False
    for path in files:
        edition, problems = check_edition_file(path)
        if problems:
            print_problems(problems)
        if edition is None:
            failed = True
        else:
            model = edition.model
            typer.echo(f"{path}: OK — {model.edition}, {len(model.areas)} areas, "
                       f"{len(edition.leaves)} leaves, {model.scale:g} points")
    if failed:
        raise typer.Exit(1)
