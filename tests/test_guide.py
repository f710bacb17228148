"""docs/HUONG_DAN.md, the officer's step-by-step guide, run as written.

Every ``parindex`` line of the guide's ``sh`` blocks runs in order in one folder, through the
command line as a user types it (``python -m parindex``, Vietnamese by default). What the
guide leaves to people happens between the blocks, as they would do it in Excel: the units
list is typed with Vietnamese headings and types (step 2), each unit fills its workbook
with the sample district's 2024 figures, fractions typed as text (step 4), and the council
corrects one declared value (step 6). Each command must succeed, and the papers the guide
promises must be there and say what it says they say.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook
from workbook_helpers import fill_template, find_row, read_tables, set_cells

from parindex.samples.sample import sample_root

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "HUONG_DAN.md"
UNITS = ("SM01", "SM02", "SM03")

pytestmark = pytest.mark.slow


def guide_blocks() -> list[list[str]]:
    """The ``parindex`` command lines of each ``sh`` block, in the guide's order."""
    blocks = re.findall(r"```sh\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.S)
    return [[line for line in block.splitlines() if line.startswith("parindex ")]
            for block in blocks]


def _units_list(folder: Path) -> None:
    """Step 2: the units list as the guide shows it (Vietnamese headings and types)."""
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Nhóm xếp hạng"])
    words = {"xa": "xã", "phuong": "phường", "thi_tran": "thị trấn"}
    units = read_tables(sample_root() / "2024")["units"]
    for row in units[units["code"].isin(UNITS)].itertuples():
        ws.append([row.code, row.name, words[str(row.type)], row.group])
    wb.save(folder / "don-vi.xlsx")


def _fill(folder: Path) -> None:
    """Step 4: each unit types its own 2024 figures into its workbook."""
    tables = read_tables(sample_root() / "2024")
    for code in UNITS:
        twin = {name: df[df["unit"] == code] for name, df in tables.items() if "unit" in df}
        path = folder / f"{code}.xlsx"
        fill_template(path, path, twin)


def _appraise(folder: Path) -> None:
    """Step 6: the council corrects SM02's 1.1.1 in the merged workbook."""
    book = folder / "tong-hop-2024.xlsx"
    row, letters = find_row(book, "evidence", "evidence", unit="SM02", criterion="1.1.1")
    set_cells(book, "evidence", {f"{letters['appraised']}{row}": "tre_han",
                                 f"{letters['note']}{row}": "Kế hoạch ban hành muộn"})


#: what people do after a block of commands (by the block's first command)
BY_HAND = {"parindex template": _fill, "parindex merge": _appraise}


def _run(line: str, folder: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PARINDEX_LANG"}
    return subprocess.run([sys.executable, "-m", "parindex", *shlex.split(line)[1:]],
                          cwd=folder, capture_output=True, text=True, encoding="utf-8",
                          env=env, timeout=600, check=False)


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The guide walked through once: its folder, and each command's output."""
    folder = tmp_path_factory.mktemp("huong-dan")
    _units_list(folder)
    said: dict[str, str] = {}
    for block in guide_blocks():
        for line in block:
            done = _run(line, folder)
            assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
            said[line] = done.stdout + done.stderr
        for start, step in BY_HAND.items():
            if block and block[0].startswith(start):
                step(folder)
    return folder, said


def test_the_guide_has_every_step() -> None:
    commands = [shlex.split(line)[1] for block in guide_blocks() for line in block]
    for step in ("template", "check", "merge", "score", "explain", "rank", "report", "weak",
                 "plan", "one-stop", "reports"):
        assert step in commands, step


def test_every_command_runs_and_the_papers_are_there(walked: tuple[Path, dict[str, str]]
                                                     ) -> None:
    folder, _ = walked
    for name in ("SM01.xlsx", "SM01-danh-dau.xlsx", "tong-hop-2024.xlsx", "ket-qua-2024.xlsx",
                 "bang-xep-hang-2024.xlsx", "phu-luc-xep-hang-2024.docx",
                 "SM02-ket-qua-chi-tiet.docx", "bao-cao-2024.html",
                 "phu-luc-mot-cua-2024.xlsx"):
        assert (folder / name).stat().st_size > 0, name


def test_the_council_correction_counts(walked: tuple[Path, dict[str, str]],
                                       tmp_path: Path) -> None:
    """The appraised value typed in step 6 (tre_han for a declared dung_han: 0,5 of 1 point)
    is in the scores of step 7: without it SM02 has half a point more."""
    folder, said = walked
    assert any(line.startswith("parindex explain") and "SM02" in out
               for line, out in said.items())
    book = folder / "tong-hop-2024.xlsx"
    undone = tmp_path / "chua-tham-dinh.xlsx"
    undone.write_bytes(book.read_bytes())
    row, letters = find_row(undone, "evidence", "evidence", unit="SM02", criterion="1.1.1")
    set_cells(undone, "evidence", {f"{letters['appraised']}{row}": None})

    def appraised(path: Path) -> float:
        done = _run(f"parindex score {path} --format json", folder)
        units = {u["code"]: u for u in json.loads(done.stdout)["units"]}
        return float(units["SM02"]["appraised_points"])

    assert appraised(undone) - appraised(book) == pytest.approx(0.5)


def test_the_annex_is_the_decision_annex(walked: tuple[Path, dict[str, str]]) -> None:
    from docx import Document

    folder, _ = walked
    doc = Document(str(folder / "phu-luc-xep-hang-2024.docx"))
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    text = "\n".join([*(p.text for p in doc.paragraphs), *cells])
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "PHỤ LỤC" in text
    assert {"Thị trấn Sông Mây", "Xã Bình Mây", "Xã Cát Tường"} <= cells


def test_the_messages_are_vietnamese(walked: tuple[Path, dict[str, str]]) -> None:
    _, said = walked
    wrote = [out for line, out in said.items() if "--out" in line]
    assert wrote
    assert all("wrote " not in out for out in wrote)
    assert any("đã ghi" in out for out in wrote)
