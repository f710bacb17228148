"""CSV files as people save them (CONTRACT §2; #10 items 11, 14, 15): semicolons, Excel's
trailing blank rows and columns, Windows-1258 and UTF-16 text, the template's headings — read
right; bytes of a legacy font encoding refused naming the row."""

from __future__ import annotations

import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from parindex.errors import EvidenceError, Problem
from parindex.evidence.bundle import load_bundle
from parindex.pipeline import check

VALID = Path(__file__).parent / "fixtures" / "bad" / "bundles" / "_valid"
UNITS = (VALID / "units.csv").read_text(encoding="utf-8")


def _bundle(tmp_path: Path, units: bytes) -> Path:
    """The valid bundle with ``units.csv`` replaced by these bytes."""
    folder = tmp_path / "bundle"
    shutil.copytree(VALID, folder)
    meta = (folder / "bundle.yaml").read_text(encoding="utf-8")
    (folder / "bundle.yaml").write_text(
        meta.replace("../tiny.yaml", str(VALID.parent / "tiny.yaml")), encoding="utf-8")
    (folder / "units.csv").write_bytes(units)
    return folder


def _names(folder: Path) -> list[str]:
    return load_bundle(folder).units["name"].tolist()


def _errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


READ_AS_IS: dict[str, Callable[[str], bytes]] = {
    "semicolons": lambda s: s.replace(",", ";").encode("utf-8"),
    "trailing blank rows and columns": lambda s: (
        s.replace("\n", ",,,\n") + ",,,,,,\n,,,,,,\n").encode("utf-8"),
    "a byte order mark": lambda s: s.encode("utf-8-sig"),
    "Windows line ends": lambda s: s.replace("\n", "\r\n").encode("utf-8"),
    "template headings in Vietnamese": lambda s: s.replace(
        "code,name,type,group", "Mã đơn vị,Tên đơn vị,Loại đơn vị,Nhóm xếp hạng").encode(),
    "template headings in English": lambda s: s.replace(
        "code,name,type,group", "Unit code,Unit name,Unit type,Ranking group").encode(),
}

READ_WITH_A_WARNING: dict[str, tuple[Callable[[str], bytes], str]] = {
    "Windows-1258 (decomposed tones)": (
        lambda s: unicodedata.normalize("NFD", s).encode("cp1258"), "Windows-1258"),
    "UTF-16 with a byte order mark": (lambda s: s.encode("utf-16"), "UTF-16"),
}


class TestReadRight:
    """Each shape reads the same units, names in NFC, with no error."""

    @pytest.mark.parametrize("shape", list(READ_AS_IS))
    def test_read_as_is(self, tmp_path: Path, shape: str) -> None:
        folder = _bundle(tmp_path, READ_AS_IS[shape](UNITS))
        problems = check(folder)
        assert _errors(problems) == []
        assert not [p for p in problems if p.file == "units.csv"]
        assert _names(folder) == ["Xã An", "Xã Bình"]

    @pytest.mark.parametrize("shape", list(READ_WITH_A_WARNING))
    def test_read_with_a_warning(self, tmp_path: Path, shape: str) -> None:
        encode, word = READ_WITH_A_WARNING[shape]
        folder = _bundle(tmp_path, encode(UNITS))
        problems = check(folder)
        assert _errors(problems) == []
        warned = [p for p in problems if p.file == "units.csv"]
        assert len(warned) == 1
        assert word in warned[0].message
        assert _names(folder) == ["Xã An", "Xã Bình"]


class TestRefused:
    """Bytes no Vietnamese text encoding reads are one error naming the row."""

    @pytest.mark.parametrize(("name", "raw"), [
        ("Latin-1", "Xã Bình".encode("latin-1")),  # ì is a bare acute in Windows-1258
        ("TCVN3", b"X\xb8 B\xb5nh"),  # TCVN3 bytes for "Xã Bình" (drawn by a .Vn font)
    ])
    def test_text_in_another_encoding_names_the_row(self, tmp_path: Path, name: str,
                                                     raw: bytes) -> None:
        units = UNITS.encode("utf-8").replace("Xã Bình".encode(), raw)
        with pytest.raises(EvidenceError, match="not UTF-8 text") as info:
            load_bundle(_bundle(tmp_path, units))
        found = [p for p in info.value.problems if p.file == "units.csv"]
        assert [p.location for p in found] == ["row 3"], name

    def test_legacy_bytes_name_the_row(self, tmp_path: Path) -> None:
        raw = UNITS.encode("utf-8").replace("Xã Bình".encode(), b"X\x8d B\x81nh")
        with pytest.raises(EvidenceError, match="not UTF-8 text") as info:
            load_bundle(_bundle(tmp_path, raw))
        found = [p for p in info.value.problems if p.file == "units.csv"]
        assert len(found) == 1
        assert found[0].location == "row 3"
        assert "not UTF-8 text" in found[0].message
