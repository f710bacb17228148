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
            if kwargs.get("out") is not None:
                _format_from_extension(kwargs)
                _refuse_input_as_output(kwargs)
            return fn(*args, **kwargs)
        except ParIndexError as exc:
            if STATE["debug"]:
                raise
            print_problems(exc.problems)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


#: what an --out file's extension says it holds
_EXTENSIONS = {".xlsx": "xlsx", ".csv": "csv", ".json": "json", ".html": "html"}


def _click_context() -> Any:
    """The running command's click context: typer ≥ 0.2x carries its own copy of click
    (``typer._click``), older versions use click itself. tests/test_cli.py pins both uses
    (a format taken from the extension, a contradiction refused)."""
    import importlib

    for module in ("typer._click.globals", "click.globals"):
        try:
            ctx = importlib.import_module(module).get_current_context(silent=True)
        except ImportError:
            continue
        if ctx is not None:
            return ctx
    return None


def _format_from_extension(kwargs: dict[str, Any]) -> None:
    """``--format`` from the ``--out`` extension when not given; both given and disagreeing,
    or an extension the command cannot write, is a usage error (nothing is written)."""
    fmt, out = kwargs.get("fmt"), Path(kwargs["out"])
    wanted = _EXTENSIONS.get(out.suffix.lower())
    if not isinstance(fmt, Enum) or wanted is None:
        return
    ctx = _click_context()
    source = ctx.get_parameter_source("fmt") if ctx is not None else None
    given = source is not None and source.name != "DEFAULT"
    kinds = [m.value for m in type(fmt)]
    if given and fmt.value != wanted:
        raise typer.BadParameter(f"--out {out.name} is a {out.suffix} file but --format is "
                                 f"{fmt.value}", param_hint="--format")
    if wanted not in kinds:
        raise typer.BadParameter(f"--out {out.name}: this command writes "
                                 f"{', '.join(kinds)}, not {wanted}", param_hint="--out")
    kwargs["fmt"] = type(fmt)(wanted)


#: the files of a bundle folder the readers read (CONTRACT §2)
_BUNDLE_FILES = {"bundle.yaml", "units.csv", "evidence.csv", "one_stop.csv", "reports.csv",
                 "adjustments.csv", "lineage.csv", "survey.csv"}


def _refuse_input_as_output(kwargs: dict[str, Any]) -> None:
    """An ``--out`` that is one of the command's inputs (a bundle file or workbook, a file of
    a bundle folder, the edition, a costs or scenario file) is refused before anything is
    written: an output never replaces what the user gave."""
    from parindex.errors import OutputError, Problem

    out = Path(kwargs["out"]).resolve()
    inputs: list[Path] = []
    for key, value in kwargs.items():
        values = value if isinstance(value, list) else [value]
        if key != "out":
            inputs += [Path(v) for v in values if isinstance(v, Path)]
    if isinstance(kwargs.get("criteria"), str) and Path(kwargs["criteria"]).is_file():
        inputs.append(Path(kwargs["criteria"]))
    for given in inputs:
        path = given.resolve()
        inside = path.is_dir() and out.parent == path and out.name.lower() in _BUNDLE_FILES
        if out == path or inside:
            raise OutputError([Problem(str(kwargs["out"]), "", f"is an input of this command "
                                       f"({given}); writing there would replace it",
                                       field="--out", hint="choose another file for --out")])


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


def write_xlsx(run: Run, out: Path | None, lang: str, group: str | None = None,
               detail: bool = True) -> None:
    """The published workbook to ``--out`` (atomically); ``--out`` is required; ``detail``
    adds the criterion-by-criterion sheet."""
    if out is None:
        raise typer.BadParameter("--format xlsx writes a workbook: give --out FILE.xlsx",
                                 param_hint="--out")
    from parindex.io import write_atomic
    from parindex.report.xlsx import league_workbook

    write_atomic(out, league_workbook(run, lang, group, detail))
    err_console().print(f"wrote {out}")
