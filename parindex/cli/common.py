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

from parindex.cli.language import LANG_ENV, h, lang_of
from parindex.cli.lazy import STATE
from parindex.words import t

if TYPE_CHECKING:
    import pandas as pd

    from parindex.errors import Problem
    from parindex.scoring.run import Run

F = TypeVar("F", bound=Callable[..., Any])


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


class RankFormat(str, Enum):
    """``rank`` also writes the annex of the decision as a Word file (needs ``--out``)."""

    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"
    docx = "docx"


class ExplainFormat(str, Enum):
    """``explain`` also writes the unit's scoring sheet as a Word file (needs ``--out``)."""

    table = "table"
    json = "json"
    csv = "csv"
    docx = "docx"


class Lang(str, Enum):
    vi = "vi"
    en = "en"


BundleArg = typer.Argument(..., metavar="BUNDLE", help=h("arg.bundle"))
CriteriaOpt = typer.Option(None, "--criteria", "-c", metavar="ID_OR_FILE",
                           help=h("opt.criteria"))
FormatOpt = typer.Option(Format.table, "--format", "-f", help=h("opt.format"))
LangOpt = typer.Option(Lang.vi, "--lang", envvar=LANG_ENV, case_sensitive=False,
                       help=h("opt.lang"))
OutOpt = typer.Option(None, "--out", "-o", help=h("opt.out"))


def handles_errors(fn: F) -> F:
    """Show a user's mistakes as a list of problems and exit 1, without a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from parindex.errors import ParIndexError

        lang = lang_of(kwargs)
        try:
            if kwargs.get("out") is not None:
                _format_from_extension(kwargs, lang)
                _refuse_input_as_output(kwargs)
            return fn(*args, **kwargs)
        except ParIndexError as exc:
            if STATE["debug"]:
                raise
            print_problems(exc.problems, lang=lang)
            raise typer.Exit(1) from None
        except typer.BadParameter as exc:
            if STATE["debug"]:
                raise
            usage_error(exc, lang)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


#: what an --out file's extension says it holds
_EXTENSIONS = {".xlsx": "xlsx", ".csv": "csv", ".json": "json", ".html": "html",
               ".docx": "docx"}


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


def usage_error(exc: typer.BadParameter, lang: str) -> None:
    """A wrong option or argument, said in the command's language (exit 2 follows)."""
    hint = exc.param_hint if isinstance(exc.param_hint, str) else None
    place = f"{hint}: " if hint else ""
    err_console().print(f"{t('cli.tag.usage', lang)}: {place}{exc.message}", markup=False)


def _format_from_extension(kwargs: dict[str, Any], lang: str) -> None:
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
        raise typer.BadParameter(t("cli.out_disagrees", lang, name=out.name,
                                   suffix=out.suffix, fmt=fmt.value), param_hint="--format")
    if wanted not in kinds:
        raise typer.BadParameter(t("cli.out_cannot", lang, name=out.name,
                                   kinds=", ".join(kinds), wanted=wanted), param_hint="--out")
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
            raise OutputError([Problem.of("out.is_input", str(kwargs["out"]), field="--out",
                                          given=given)])


def err_console() -> Any:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def out_console() -> Any:
    from rich.console import Console

    width = None if sys.stdout.isatty() else 200
    return Console(highlight=False, width=width, soft_wrap=False)


def print_problems(problems: list[Problem], stream: Any = None, lang: str = "vi") -> None:
    """Problems as lines on stderr: ``lỗi: file: place, column: message (hint)``, rendered in
    ``lang`` (Vietnamese unless English is asked for)."""
    console = err_console() if stream is None else stream
    errors = [p for p in problems if p.severity == "error"]
    for p in problems:
        tag = f"[red]{t('cli.tag.error', lang)}[/red]" if p.severity == "error" else \
            f"[yellow]{t('cli.tag.warning', lang)}[/yellow]"
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


def emit(text: str | bytes, out: Path | None, lang: str = "vi") -> None:
    """Results to ``--out`` (atomically) or stdout; ``bytes`` are UTF-8 text (JSON from
    :func:`parindex.cli.stdout.json_bytes`)."""
    if out is not None:
        from parindex.io import write_atomic

        write_atomic(out, text)
        err_console().print(t("cli.wrote", lang, out=out), markup=False, highlight=False)
    elif isinstance(text, bytes):
        from parindex.cli.stdout import write_utf8

        write_utf8(text, b"" if text.endswith(b"\n") else b"\n")
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


def frame_table(df: pd.DataFrame, lang: str, title: str | None = None,
                whole: tuple[str, ...] = ()) -> str:
    """A table for the terminal (:func:`parindex.cli.text_table.table_text`), numbers
    formatted for the language; the ``whole`` columns keep their longest cell on one line
    (headings of other columns wrap instead)."""
    from parindex.cli.text_table import table_text
    from parindex.report.tables import fmt

    columns = [df.iloc[:, k].tolist() for k in range(df.shape[1])]  # as itertuples gives
    rows = [[v if type(v) is str else fmt(v, lang) for v in row]
            for row in zip(*columns, strict=True)]
    return table_text(out_console(), [str(c) for c in df.columns], rows,
                      [df[c].dtype.kind in "fiu" for c in df.columns], title,
                      [c in whole for c in df.columns])


def write_xlsx(run: Run, out: Path | None, lang: str, group: str | None = None,
               detail: bool = True) -> None:
    """The published workbook to ``--out`` (atomically); ``--out`` is required; ``detail``
    adds the criterion-by-criterion sheet."""
    from parindex.report.xlsx import league_workbook

    write_out(lambda: league_workbook(run, lang, group, detail), out, lang,
              "cli.xlsx_needs_out")


def write_docx(data: Callable[[], bytes], out: Path | None, lang: str) -> None:
    """A Word file (made by ``data``) to ``--out``, atomically; ``--out`` is required."""
    write_out(data, out, lang, "docx.needs_out")


def write_out(data: Callable[[], bytes], out: Path | None, lang: str, needs: str) -> None:
    """A file made by ``data`` to ``--out``, atomically, and said on stderr; without
    ``--out`` the words ``needs`` refuse (before anything is made)."""
    if out is None:
        raise typer.BadParameter(t(needs, lang), param_hint="--out")
    from parindex.io import write_atomic

    write_atomic(out, data())
    err_console().print(t("cli.wrote", lang, out=out), markup=False, highlight=False)
