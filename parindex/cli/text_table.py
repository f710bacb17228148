"""Terminal tables drawn directly as text, exactly as rich draws them when they fit.

rich lays out every cell of a table through its renderables (measure, wrap, pad, crop), which
costs about a millisecond a row: three seconds for a national table of 3,321 units. A table
whose every line fits the console's width needs none of that: each column is as wide as its
widest cell plus one space each side, text is left-aligned and numbers right-aligned, and the
borders are those of rich's default box (``HEAVY_HEAD``). :func:`draw` writes that text
straight away, and answers ``None`` when rich would do more than this (a table wider than
the console, which rich wraps; a line break, tab or control character in a cell; a title
longer than the table; colours or an ASCII-only terminal): the caller then asks rich.
``tests/test_text_table.py`` compares the two on many tables.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

#: text rich would not lay out on one line as written (line breaks, tabs, control codes)
_UNSAFE = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")

#: text whose every letter takes one cell (ASCII, the Latin letters Vietnamese is written
#: with, dashes and quotes): as wide as it is long, without asking rich letter by letter
#: (``tests/test_text_table.py`` checks each letter of these ranges against rich)
NARROW = re.compile("[\x20-\x7e\u00a0-\u024f\u1e00-\u1eff\u2010-\u2027]*")


def width(text: str) -> int:
    """The cells ``text`` takes on a terminal, as rich counts them."""
    if text.isascii() or NARROW.fullmatch(text):
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def plain_console(console: Any) -> bool:
    """Whether ``console`` (a rich Console) prints text without styles, on a terminal that
    shows the box-drawing characters: the consoles :func:`draw` stands in for."""
    options = console.options
    return (console.color_system is None and not options.legacy_windows
            and not options.ascii_only)


def _visible(console: Any, text: str) -> str:
    """What rich shows for ``text``: its markup (``[b]``) and emoji codes (``:star:``)
    applied; text without either is shown as written."""
    if "[" in text or ":" in text:
        plain: str = console.render_str(text).plain
        return plain
    return text


def draw(console: Any, heads: Sequence[str], rows: Sequence[Sequence[str]],
         right: Sequence[bool], title: str | None = None) -> str | None:
    """The table rich prints on ``console`` for these headings, rows (text) and right-aligned
    columns, each line's trailing spaces removed; ``None`` when rich would lay it out
    otherwise (see the module's note)."""

    if not rows or not heads:
        return None
    heads = [_visible(console, h) for h in heads]
    rows = [[_visible(console, c) for c in row] for row in rows]
    top = _visible(console, title) if title else None
    cells = [heads, *rows]
    if any(_UNSAFE.search(c) for row in cells for c in row) or _UNSAFE.search(top or ""):
        return None
    lengths = [[width(c) for c in row] for row in cells]
    widths = [max(col) + 2 for col in zip(*lengths, strict=True)]
    full = sum(widths) + len(widths) + 1
    if full > console.options.max_width or (top is not None and width(top) > full):
        return None
    out = [] if top is None else [top.rstrip()]
    out.append("┏" + "┳".join("━" * w for w in widths) + "┓")
    out.append(_line("┃", heads, lengths[0], widths, right))
    out.append("┡" + "╇".join("━" * w for w in widths) + "┩")
    out += [_line("│", row, size, widths, right)
            for row, size in zip(rows, lengths[1:], strict=True)]
    out.append("└" + "┴".join("─" * w for w in widths) + "┘")
    return "\n".join(out) + "\n"


def table_text(console: Any, heads: Sequence[str], rows: Sequence[Sequence[str]],
               right: Sequence[bool], title: str | None = None,
               whole: Sequence[bool] | None = None) -> str:
    """The table for the terminal: :func:`draw` when it can, else rich (the ``whole``
    columns keep their longest cell on one line when rich wraps)."""
    text = draw(console, heads, rows, right, title) if plain_console(console) else None
    if text is not None:
        return text
    from rich.table import Table

    table = Table(title=title, show_lines=False, title_justify="left")
    for k, (head, to_right) in enumerate(zip(heads, right, strict=True)):
        table.add_column(head, justify="right" if to_right else "left", overflow="fold",
                         no_wrap=bool(whole and whole[k]))
    for row in rows:
        table.add_row(*row)
    with console.capture() as cap:
        console.print(table)
    return "\n".join(line.rstrip() for line in cap.get().splitlines()) + "\n"


def _line(bar: str, row: Sequence[str], sizes: Sequence[int], widths: Sequence[int],
          right: Sequence[bool]) -> str:
    """One row between ``bar`` borders, each cell padded to its column (right-aligned cells
    lose their trailing spaces first, as rich aligns them)."""
    parts = []
    for text, size, cells, to_right in zip(row, sizes, widths, right, strict=True):
        if to_right:
            kept = text.rstrip()
            if kept != text:
                size = width(kept)
            parts.append(" " * (cells - 1 - size) + kept + " ")
        else:
            parts.append(" " + text + " " * (cells - 1 - size))
    return (bar + bar.join(parts) + bar).rstrip()
