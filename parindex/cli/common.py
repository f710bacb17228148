"""What every command shares: options, error handling, and the renderers."""

from __future__ import annotations

import functools
import io
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer

if TYPE_CHECKING:
    import pandas as pd

    from parindex.errors import Problem
    from parindex.scoring.run import Run

F = TypeVar("F", bound=Callable[..., Any])
STATE = {"debug": False}


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class ExportFormat(str, Enum):
    """``score`` and ``rank`` also write the published Excel workbook (needs ``--out``)."""

    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


class Lang(str, Enum):
    vi = "vi"
    en = "en"


BundleArg = typer.Argument(..., metavar="BUNDLE",
                           help="A bundle: a folder of CSV files or an .xlsx workbook.")
CriteriaOpt = typer.Option(None, "--criteria", "-c", metavar="ID_OR_FILE",
                           help="Score with this edition instead of the bundle's.")
FormatOpt = typer.Option(Format.table, "--format", "-f")
LangOpt = typer.Option(Lang.vi, "--lang", help="Language of headers and numbers.")
OutOpt = typer.Option(None, "--out", "-o", help="Write the result to this file.")


def handles_errors(fn: F) -> F:
    """Show a user's mistakes as a list of problems and exit 1, without a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from parindex.errors import ParIndexError

        try:
            return fn(*args, **kwargs)
        except ParIndexError as exc:
            if STATE["debug"]:
                raise
            print_problems(exc.problems)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def err_console() -> Any:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def out_console() -> Any:
    from rich.console import Console

    width = None if sys.stdout.isatty() else 200
    return Console(highlight=False, width=width, soft_wrap=False)


def print_problems(problems: list[Problem], stream: Any = None, lang: str = "en") -> None:
    """Problems as lines on stderr: ``file: place, column: message (hint)``, rendered in
    ``lang`` (messages stay English until their Vietnamese wording is settled)."""
    from parindex.words import t

    console = err_console() if stream is None else stream
    errors = [p for p in problems if p.severity == "error"]
    for p in problems:
        tag = "[red]lỗi / error[/red]" if p.severity == "error" else \
            "[yellow]cảnh báo / warning[/yellow]"
        console.print(f"{tag}: ", end="", markup=True)
        console.print(p.render(lang), markup=False)
    if errors:
        console.print(t("cli.count", lang, errors=len(errors),
                        warnings=len(problems) - len(errors)))


@contextmanager
def progress(total: int, title: str = "parindex") -> Iterator[Callable[..., None]]:
    """A rich progress bar on stderr, shown only when stderr is a terminal.

    Yields ``advance(description, n=1)``."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                   console=err_console(), transient=True, disable=not sys.stderr.isatty())
    with bar:
        task = bar.add_task(title, total=total)

        def advance(description: str, n: int = 1) -> None:
            bar.update(task, advance=n, description=description)

        yield advance


def emit(text: str, out: Path | None) -> None:
    """Results to ``--out`` (atomically) or stdout."""
    if out is not None:
        from parindex.io import write_atomic

        write_atomic(out, text)
        err_console().print(f"wrote {out}")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def dump_json(data: Any) -> str:
    """Indented JSON, UTF-8 text as written (orjson: the layout of ``json.dumps(indent=2,
    ensure_ascii=False)``, ten times faster on a national bundle)."""
    import orjson

    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY
                        | orjson.OPT_NON_STR_KEYS).decode()


def frame_csv(df: pd.DataFrame, lang: str) -> str:
    """A table as CSV: numbers to two decimals, decimal comma in Vietnamese."""
    from parindex.io import safe_cell
    from parindex.report.tables import fmt

    buf = io.StringIO()
    df.map(lambda v: fmt(v, lang) if isinstance(v, float) else safe_cell(v)).to_csv(
        buf, index=False)
    return buf.getvalue()


def frame_table(df: pd.DataFrame, lang: str, title: str | None = None) -> str:
    """A table for the terminal (rich), numbers formatted for the language."""
    from rich.table import Table

    from parindex.report.tables import fmt

    table = Table(title=title, show_lines=False, title_justify="left")
    for col in df.columns:
        numeric = df[col].dtype.kind in "fiu"
        table.add_column(str(col), justify="right" if numeric else "left",
                         overflow="fold")
    for row in df.itertuples(index=False):
        table.add_row(*[fmt(v, lang) for v in row])
    console = out_console()
    with console.capture() as cap:
        console.print(table)
    return "\n".join(line.rstrip() for line in cap.get().splitlines()) + "\n"


def write_xlsx(run: Run, out: Path | None, lang: str, group: str | None = None) -> None:
    """The published workbook to ``--out`` (atomically); ``--out`` is required."""
    if out is None:
        raise typer.BadParameter("--format xlsx writes a workbook: give --out FILE.xlsx",
                                 param_hint="--out")
    from parindex.io import write_atomic
    from parindex.report.xlsx import league_workbook

    write_atomic(out, league_workbook(run, lang, group))
    err_console().print(f"wrote {out}")
