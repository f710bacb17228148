"""One error family for everything a user can get wrong.

Every problem names the file, the place in it (row and column, or YAML path and line), the
field, the bad value and, where we can, a hint. Problems are collected before failing, so a
user sees all of them at once.

A problem made with :meth:`Problem.of` carries a reason ``code`` (``problem.CODE`` in
:data:`parindex.words.WORDS`, with an optional ``hint.CODE``) and the ``facts`` that fill its
placeholders, besides the structured ``file``, ``row``, ``column`` (``field``), ``path`` and
``value`` (pandera-style failure cases). Its ``message`` and ``hint`` are the English texts,
so JSON and logs stay English-keyed; :meth:`Problem.render` renders it in the language asked
for, at the edge (the command line). Problems without a code render their English text in
every language. This module imports :mod:`parindex.words` (itself light: only ``lang``).
"""

from __future__ import annotations

import dataclasses
import errno
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from parindex import words

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located precisely enough to fix it."""

    file: str
    location: str
    message: str
    field: str | None = None
    value: object = None
    hint: str | None = None
    severity: Severity = "error"
    #: the reason, a words key (``problem.CODE``); None for problems given as plain text
    code: str | None = None
    #: the placeholders of the reason's words (``{quoted}``, ``{unit}`` …)
    facts: Mapping[str, object] = dataclasses.field(default_factory=dict, compare=False,
                                                    repr=False)
    row: int | None = None  # the row in the file, as a spreadsheet numbers it
    path: str | None = None  # a YAML path, for criteria files

    @classmethod
    def of(cls, code: str, file: str, location: str = "", *, field: str | None = None,
           value: object = None, severity: Severity = "error", row: int | None = None,
           path: str | None = None, hint: str | None = None, **facts: object) -> Problem:
        """A problem with a reason code; message and hint (unless given) from the words."""
        hint_key = f"hint.{code}"
        if hint is None and hint_key in words.WORDS:
            hint = words.t(hint_key, "en", **facts)
        return cls(file, location, words.t(f"problem.{code}", "en", **facts), field, value,
                   hint, severity, code, dict(facts), row, path)

    @property
    def column(self) -> str | None:
        """The column of a table problem (pandera's name for ``field``)."""
        return self.field

    def reason(self, lang: str = "en") -> str:
        """The reason and its hint in ``lang`` (English for a plain-text problem), without
        the file and place: what a page shows beside the cell."""
        if self.code is None:
            return f"{self.message} ({self.hint})" if self.hint else self.message
        message, hint = self.message, self.hint_in(lang)
        if words.language(lang) != "en":
            message = words.t(f"problem.{self.code}", lang, **self.facts_in(lang))
        return f"{message} ({hint})" if hint else message

    def facts_in(self, lang: str) -> dict[str, object]:
        """The facts for the words of ``lang``: in Vietnamese, a fact given in Vietnamese
        too (``detail_vi``: a reason the edition's model wrote in English) in place of its
        English."""
        if words.language(lang) == "en":
            return dict(self.facts)
        return {k: v if self.facts.get(f"{k}_vi") is None else self.facts[f"{k}_vi"]
                for k, v in self.facts.items()}

    def hint_in(self, lang: str) -> str | None:
        """The hint in ``lang``: the words' ``hint.CODE``, or a hint the checker gave in
        Vietnamese too (the ``hint_vi`` fact: a leaf's rule in words), else as given."""
        if self.code is None or words.language(lang) == "en" or self.hint is None:
            return self.hint
        if f"hint.{self.code}" in words.WORDS \
                and self.hint == words.t(f"hint.{self.code}", "en", **self.facts):
            return words.t(f"hint.{self.code}", lang, **self.facts)
        if "hint_vi" in self.facts:
            return str(self.facts["hint_vi"])
        return self.hint

    def render(self, lang: str = "en") -> str:
        """`evidence.csv: row 17, column "value": "95%%" is not a percentage (hint: ...)`,
        in ``lang`` when the problem has a reason code (English otherwise)."""
        message, hint, location = self.message, self.hint, self.location
        if self.code is None:
            lang = "en"  # a plain-text problem is English throughout
        if words.language(lang) != "en":
            message = words.t(f"problem.{self.code}", lang, **self.facts_in(lang))
            hint = self.hint_in(lang)
            location = _located(location, lang)
        place = f"{self.file}: {location}" if location else self.file
        if self.field and self.location.startswith("row"):
            place += words.t("where.column", lang, column=self.field)
        text = f"{place}: {message}"
        if hint:
            text += f" ({hint})"
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "file": self.file,
            "location": self.location,
            "field": self.field,
            "value": None if self.value is None else str(self.value),
            "message": self.message,
            "hint": self.hint,
            "code": self.code,
        }


class ParIndexError(Exception):
    """A user's input is wrong; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(p.render() for p in self.problems))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


class ValueRefused(ValueError):
    """A value typed on the command line that does not parse (``--set``, ``--target``,
    ``--tolerance``): its words key and facts, said in the command line's language by
    :meth:`said`; ``str()`` is the English."""

    def __init__(self, key: str, **facts: object):
        self.key, self.facts = key, facts
        super().__init__(words.t(key, "en", **facts))

    def said(self, lang: str) -> str:
        return words.t(self.key, lang, **self.facts)


def said(exc: ValueError, lang: str) -> str:
    """A refused value's reason in ``lang`` (a plain ValueError as it was written)."""
    return exc.said(lang) if isinstance(exc, ValueRefused) else str(exc)


class CriteriaError(ParIndexError):
    """A criteria edition file is invalid."""


class EvidenceError(ParIndexError):
    """An evidence bundle is invalid against its edition."""


def system_reason_vi(exc: OSError) -> str | None:
    """What the operating system said of a refusal, in Vietnamese (the words ``os.ENAME``
    of its error number), or None for a reason without words."""
    key = f"os.{errno.errorcode.get(exc.errno or 0, '')}"
    return words.t(key, "vi") if key in words.WORDS else None


def not_among(what: str, given: str, near: Iterable[str], known: list[str],
              file: str = "units") -> EvidenceError:
    """The refusal of a ``what`` (``unit``, ``band`` …: the words ``problem.pick.WHAT``)
    named ``given`` that is none of ``known``: the ``near`` ones asked about ("có phải …?"),
    else the first twelve known listed."""
    close = ", ".join(quote(n) for n in near)
    if close:
        return EvidenceError([Problem.of(f"pick.{what}.near", file, field=what, value=given,
                                         quoted=quote(given), close=close)])
    listed = ", ".join(known[:12]) + (" …" if len(known) > 12 else "")
    return EvidenceError([Problem.of(f"pick.{what}", file, field=what, value=given,
                                     quoted=quote(given), known=listed)])


class OutputError(ParIndexError):
    """An output cannot be written where the user asked (a read-only folder, a file in the
    way, an input of the command)."""


def shown(value: object) -> str:
    """A value inside a message of its own quotes: :func:`quote` without the quotes (the
    characters a terminal would act on shown as escapes)."""
    return quote(value)[1:-1]


def quote(value: object) -> str:
    """Show a bad value the way the user typed it: `"95%%"`, `""` for blank. Characters a
    terminal would act on or that cannot be seen (an escape sequence, a zero-width or a
    non-breaking space) are shown as escapes, so a cell can neither clear the screen nor hide
    what makes it wrong.

    """
    text = "" if value is None else str(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return '"' + "".join(c if c.isprintable() else _escape(c) for c in text) + '"'


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _located(location: str, lang: str) -> str:
    """``row 6 (cell C6)`` and ``line 3, column 7`` in ``lang``'s words."""
    for word in ("row", "line"):
        if location.startswith(word + " "):
            location = words.t(f"where.{word}", lang) + location[len(word):]
    location = re.sub(r", column (\d+)\b", lambda m: f", {words.t('where.at', lang)} {m[1]}",
                      location)
    location = location.replace(" (code ", " (" + words.t("where.code", lang) + " ")
    return location.replace("(cell ", "(" + words.t("where.cell", lang) + " ")
