"""Terminal tables drawn directly as text (parindex.cli.text_table) are, character for
character, the tables rich draws; a table rich would lay out otherwise falls back to rich."""

from __future__ import annotations

import io
import random

import pandas as pd
import pytest
from rich.console import Console
from rich.table import Table

from parindex.cli.common import frame_table
from parindex.cli.text_table import draw, plain_console
from parindex.report.tables import fmt

WORDS = ["Xã", "Phường", "Mẫu", "Thị trấn", "Đơn vị", "Nghệ", "Xa\u0303", "一二", "東京都",
         "a", "", " lead", "trail ", "1.2.3", "(0,51)", "Lĩnh vực dưới trung vị nhóm",
         "[b]đậm[/b]", "giờ: 08:30", ":star:", "a;b", "\u00a0nbsp", "—"]


def _rich(df: pd.DataFrame, width: int, title: str | None, whole: tuple[str, ...] = ()
          ) -> str:
    """The table as rich prints it (frame_table before the direct drawing)."""
    console = Console(file=io.StringIO(), highlight=False, width=width, soft_wrap=False)
    table = Table(title=title, show_lines=False, title_justify="left")
    for col in df.columns:
        numeric = df[col].dtype.kind in "fiu"
        table.add_column(str(col), justify="right" if numeric else "left",
                         overflow="fold", no_wrap=col in whole)
    for row in df.itertuples(index=False):
        table.add_row(*[fmt(v, "vi") for v in row])
    with console.capture() as cap:
        console.print(table)
    return "\n".join(line.rstrip() for line in cap.get().splitlines()) + "\n"


def _frame(rng: random.Random, rows: int, cols: int) -> pd.DataFrame:
    data: dict[str, list[object]] = {}
    for c in range(cols):
        kind = rng.choice(["text", "float", "int", "rank"])
        head = rng.choice(WORDS) + f" {c}"
        if kind == "float":
            data[head] = [rng.choice([rng.uniform(-1e4, 1e4), float("nan"), 0.5, 2.675])
                          for _ in range(rows)]
        elif kind == "int":
            data[head] = [rng.randrange(-50, 5000) for _ in range(rows)]
        elif kind == "rank":  # numbers as text, some blank: left-aligned
            data[head] = [rng.choice(["", str(rng.randrange(1, 4000))]) for _ in range(rows)]
        else:
            data[head] = [" ".join(rng.choice(WORDS) for _ in range(rng.randrange(0, 4)))
                          for _ in range(rows)]
    return pd.DataFrame(data)


def _console(width: int) -> Console:
    return Console(file=io.StringIO(), highlight=False, width=width, soft_wrap=False)


def _cells(df: pd.DataFrame) -> tuple[list[str], list[list[str]], list[bool]]:
    return ([str(c) for c in df.columns],
            [[fmt(v, "vi") for v in row] for row in df.itertuples(index=False)],
            [df[c].dtype.kind in "fiu" for c in df.columns])


@pytest.mark.parametrize("seed", range(40))
def test_random_tables_match_rich(seed: int) -> None:
    rng = random.Random(seed)
    df = _frame(rng, rng.randrange(1, 30), rng.randrange(1, 8))
    title = rng.choice([None, "", "xa-2024 — 2024", "Xã [b]Mẫu[/b] — :star:", "T" * 90])
    width = rng.choice([60, 120, 200, 300])
    drawn = draw(_console(width), *_cells(df), title)
    want = _rich(df, width, title)
    if drawn is not None:
        assert drawn == want
    if len(want.splitlines()) == len(df) + 4 + bool(title):  # nothing wrapped: drawn
        assert drawn == want


def test_a_table_exactly_as_wide_as_the_console_is_drawn_and_one_wider_is_not() -> None:
    df = pd.DataFrame({"a": ["x" * 20], "b": [1.5]})
    wide = len(_rich(df, 300, None).splitlines()[0])
    assert draw(_console(wide), *_cells(df)) == _rich(df, wide, None)
    assert draw(_console(wide - 1), *_cells(df)) is None
    assert "xxxx" in _rich(df, wide - 1, None)  # rich wraps it (folds the long cell)


@pytest.mark.parametrize("text", ["a\nb", "tab\there", "bell\x07", "cr\r"])
def test_cells_rich_would_not_keep_on_one_line_fall_back(text: str) -> None:
    df = pd.DataFrame({"a": [text, "b"]})
    assert draw(_console(200), *_cells(df)) is None


def test_frame_table_matches_rich_whether_drawn_or_not() -> None:
    """frame_table gives rich's text both when it draws the table itself and when it falls
    back (here: a table wider than the 200 columns of a console that is not a terminal)."""
    small = _frame(random.Random(1), 12, 4)
    wide = pd.DataFrame({"x": ["Xã Mẫu " * 30, "b"], "whole": ["c" * 40, "d"], "n": [1.0, 2.0]})
    assert frame_table(small, "vi", title="t") == _rich(small, 200, "t")
    assert frame_table(wide, "vi", whole=("whole",)) == _rich(wide, 200, None, ("whole",))


def test_only_plain_consoles_are_drawn_directly() -> None:
    assert plain_console(_console(80))
    assert not plain_console(Console(file=io.StringIO(), force_terminal=True,
                                     color_system="standard"))
    assert not plain_console(Console(file=io.StringIO(), force_terminal=False,
                                     legacy_windows=True))


def test_each_letter_of_the_narrow_ranges_takes_one_cell_as_rich_counts() -> None:
    from rich.cells import cell_len, get_character_cell_size

    from parindex.cli.text_table import NARROW, width

    letters = [chr(c) for c in range(0x110000)
               if c < 0xd800 or c > 0xdfff]  # every code point but the surrogates
    narrow = [ch for ch in letters if NARROW.fullmatch(ch)]
    assert len(narrow) > 700
    assert all(get_character_cell_size(ch) == 1 for ch in narrow)
    for text in [*WORDS, "Nguyễn Thị Ánh — Đắk Lắk", "Thừa Thiên–Huế", "x\u0300", "ＡＢ"]:
        assert width(text) == cell_len(text), text
