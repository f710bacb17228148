"""The command line's own refusals of a wrong command line (a missing argument, an unknown
option or command, a value that is not one of the choices) in the language of the command
line, as every other message: the parser's (typer's copy of click) are written in English.

Each refusal the parser raises is matched against the parser's wordings below and said
again from the words table; the parts it names (the option, the value, the choices) are
kept as typed. A wording not listed here stays as the parser wrote it. Light on purpose
(``re`` and the words table): it runs only when a command line is refused.
"""

from __future__ import annotations

from typing import IO, Any

from parindex.words import NUMBER_RULES, reworded, t

#: the parser's wording of a refusal → its words key (named groups become fields)
_WHOLE = [
    (r"Missing argument '(?P<name>[^']+)'\.", "cli.parse.missing_argument"),
    (r"Missing option '(?P<name>[^']+)'\.", "cli.parse.missing_option"),
    (r"No such option: (?P<name>\S+) \(Possible options: (?P<choices>.+)\)",
     "cli.parse.no_option_like"),
    (r"No such option: (?P<name>\S+)", "cli.parse.no_option"),
    (r"No such command '(?P<name>[^']+)'\. Did you mean (?P<choices>.+)\?",
     "cli.parse.no_command_like"),
    (r"No such command '(?P<name>[^']+)'\.", "cli.parse.no_command"),
    (r"Option '(?P<name>[^']+)' requires an argument\.", "cli.parse.needs_value"),
    (r"Option '(?P<name>[^']+)' does not take a value\.", "cli.parse.no_value"),
    (r"Got unexpected extra argument\(s\) \((?P<name>.*)\)", "cli.parse.extra"),
    (r"Invalid value for (?P<name>'[^']+'(?: / '[^']+')*(?: \([^)]*\))?): (?P<why>.*)",
     "cli.parse.invalid"),
    (r"Invalid value for (?P<name>.+?): (?P<why>.*)", "cli.parse.invalid"),
]
#: why a value was refused (the part after ``Invalid value for …:``)
_WHY = [
    (r"(?:Value error, )?'(?P<value>.*)' is not one of (?P<choices>.*)\.",
     "cli.parse.not_one_of"),
    (r"(?:File|Directory|Path) '(?P<value>.*)' does not exist\.", "cli.parse.no_path"),
    *NUMBER_RULES,
]


def local_message(text: str, lang: str) -> str:
    """The parser's refusal ``text`` in ``lang`` (as written when its wording is unknown)."""
    return reworded(_WHOLE, text, lang, why=_WHY) or text


def show(exc: Any, lang: str, file: IO[str] | None = None) -> None:
    """What the parser prints for a refused command line — the usage line, where to find
    help, and the reason — in ``lang``."""
    from typer import echo

    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        echo(ctx.get_usage(), file=file, err=True)
        command = f"{ctx.command_path} {ctx.help_option_names[0]}"
        echo(t("cli.parse.try_help", lang, command=command) + "\n", file=file, err=True)
    echo(f"{t('cli.tag.usage', lang)}: {local_message(exc.format_message(), lang)}",
         file=file, err=True)
