"""Values in messages are safe to print (#10 item 17): control characters from cells are
shown escaped, never sent to the terminal; invisible characters are shown visibly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parindex.cli import app
from parindex.errors import quote

VALID = Path(__file__).parent / "fixtures" / "bad" / "bundles" / "_valid"


@pytest.mark.parametrize(("value", "shown"), [
    ("K02\u200b", '"K02\\u200b"'),  # a zero-width space inside a code
    ("K\u00a002", '"K\\xa002"'),  # a non-breaking space
    ("\x1b[2J\x1b]0;pwned\x07x", '"\\x1b[2J\\x1b]0;pwned\\x07x"'),  # clear screen, retitle
    ("tab\there", '"tab\\x09here"'),
    ("Xã Bình", '"Xã Bình"'),  # Vietnamese is printed as it is
    (None, '""'),
])
def test_quote(value: object, shown: str) -> None:
    assert quote(value) == shown


def test_a_hostile_cell_reaches_the_terminal_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    shutil.copytree(VALID, folder)
    meta = (folder / "bundle.yaml").read_text(encoding="utf-8")
    (folder / "bundle.yaml").write_text(
        meta.replace("../tiny.yaml", str(VALID.parent / "tiny.yaml")), encoding="utf-8")
    units = (folder / "units.csv").read_text(encoding="utf-8")
    (folder / "units.csv").write_text(units.replace("A02,Xã Bình,xa", "A02,Xã Bình,\x1b[2Jxa"),
                                      encoding="utf-8")
    result = CliRunner(env={"NO_COLOR": "1"}).invoke(app, ["check", str(folder)])
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr
    assert '"\\x1b[2Jxa" không phải loại đơn vị' in result.stderr  # Vietnamese by default
