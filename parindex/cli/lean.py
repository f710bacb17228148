"""Typer's conversion of command-line values without pydantic, for the plain types.

Typer turns every option's text into its annotated type through a pydantic ``TypeAdapter``
built on first use: importing pydantic and building the adapters costs a command about a
fifth of a second before it does anything. :class:`LeanCommand` gives the parameters whose
type is ``str``, a ``Path`` or an ``Enum`` (and lists of those) a converter that calls
typer's own pydantic-free helpers (``coerce_cli_path``, ``coerce_cli_choice``) — the same
functions typer's adapters call. Any value they do not accept as it stands is handed to
typer's own converter, so every error reads exactly as typer words it. Other types (numbers)
keep typer's converter; a typer without these internals is used as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from functools import partial
from pathlib import Path
from typing import Any, get_args, get_origin

import typer.core as typer_core
from typer.core import TyperCommand, TyperGroup

from parindex.cli.language import HELP_LANG
from parindex.words import t

try:  # typer's own copy of click (typer ≥ 0.2x), else click
    from typer._click.exceptions import UsageError
except ImportError:  # pragma: no cover
    from click.exceptions import UsageError  # type: ignore[no-redef]

try:
    from typer._coercion import RuntimeParam, build_runtime_param
    from typer._param_types import coerce_cli_choice, coerce_cli_path
except ImportError:  # another typer: its own conversion throughout
    RuntimeParam = None  # type: ignore[assignment,misc]


def _plain(annotation: Any, info: Any) -> Any:
    """A converter of one value of ``annotation``, or None (typer's converter is kept)."""
    if annotation is bool and info.parser is None:  # a flag (also --help): given or not
        return lambda value, _param, _ctx: value if isinstance(value, bool) else _no(value)
    if annotation is str and info.parser is None:
        return lambda value, _param, _ctx: value if isinstance(value, str) else _no(value)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        choices = list(annotation)
        return lambda value, _param, ctx: coerce_cli_choice(
            value, choices=choices, case_sensitive=info.case_sensitive, ctx=ctx)
    if isinstance(annotation, type) and issubclass(annotation, Path) and info.parser is None:
        path_type = info.path_type or annotation

        def path(value: Any, param: Any, ctx: Any) -> Any:
            # text made a path here: typer would build a pydantic adapter to do that
            if isinstance(value, str) and value:
                value = path_type(value)
            return coerce_cli_path(value if isinstance(value, path_type) else _no(value),
                                   info, path_type=path_type, param=param, ctx=ctx)

        return path
    return None


def _no(value: Any) -> Any:
    raise ValueError(value)


if RuntimeParam is not None:
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class _PlainParam(RuntimeParam):
        """A parameter's conversion without pydantic, typer's own on any refusal."""

        convert: Any = None
        many: bool = False

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                if self.many:  # a list, as typer's list adapter gives
                    values = value if isinstance(value, (list, tuple)) else [value]
                    return [self.convert(v, param, ctx) for v in values]
                return self.convert(value, param, ctx)
            except Exception:  # typer's converter says what is wrong
                pass
            return build_runtime_param(param.type_descriptor)._coerce_value(value, param, ctx)


def plain_param(param: Any) -> Any:
    """The pydantic-free converter of a typer parameter, or None."""
    descriptor = getattr(param, "type_descriptor", None)
    if RuntimeParam is None or descriptor is None or descriptor.file_annotation is not None:
        return None
    annotation, info = descriptor.annotation, descriptor.parameter_info
    many = get_origin(annotation) is list
    convert = _plain(get_args(annotation)[0] if many else annotation, info)
    if convert is None:
        return None
    return _PlainParam(parameter_info=info, annotation=annotation, convert=convert, many=many)


def _lighten(params: list[Any]) -> None:
    for param in params:
        if getattr(param, "_runtime_param", False) is None:
            light = plain_param(param)
            if light is not None:
                param._runtime_param = light


#: typer's own words in a help page (section titles, defaults) → words keys
_TYPER_WORDS = {"Arguments": "help.typer.arguments", "Options": "help.typer.options",
                "Commands": "help.typer.commands", "required": "help.typer.required",
                "default: {default}": "help.typer.default",
                "env var: {var}": "help.typer.env_var"}


def _typer_word(text: str) -> str:
    key = _TYPER_WORDS.get(text)
    return text if key is None else t(key, HELP_LANG)


if HELP_LANG != "en" and callable(getattr(typer_core, "_", None)):
    typer_core._ = _typer_word  # type: ignore[attr-defined,assignment]  # typer looks words up via ``_``


@contextmanager
def _said_locally() -> Iterator[None]:
    """A refused command line (the parser's ``UsageError``) is shown in the language of the
    command line (:mod:`parindex.cli.usage_words`) instead of the parser's English."""
    try:
        yield
    except UsageError as exc:
        from parindex.cli import usage_words

        exc.show = partial(usage_words.show, exc, HELP_LANG)  # type: ignore[method-assign]
        raise


class _Lean:
    """Parameters (and the ``--help`` option) converted without pydantic, and the help
    page's own words in the language of ``--help``: mixed into a typer command or group,
    before it."""

    params: list[Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _lighten(self.params)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            _lighten([option])
            option.help = t("help.typer.help", HELP_LANG)
        return option

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        with _said_locally():
            return super().parse_args(ctx, args)  # type: ignore[misc,no-any-return]

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces),
                              prefix=t("help.typer.usage", HELP_LANG))


class LeanCommand(_Lean, TyperCommand):
    """A typer command whose plain parameters are converted without pydantic."""


class LeanGroup(_Lean, TyperGroup):
    """A typer group (the root command, ``criteria``) whose options (``--debug``,
    ``--help``) are converted without pydantic."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        with _said_locally():
            return super().resolve_command(ctx, args)
