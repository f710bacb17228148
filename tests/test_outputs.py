"""Where outputs go (#10 items 6, 7, 12, 13): an --out that is an input is refused before
anything is written; the format follows the --out extension and a contradiction is refused;
a folder that cannot be written is one message; out-of-range options are usage errors."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parindex.cli import app
from parindex.samples.sample import sample_root

SAMPLE = sample_root() / "2024"


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "200"}).invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    folder = tmp_path / "2024"
    shutil.copytree(SAMPLE, folder)
    return folder


class TestInputIsNeverAnOutput:
    """An --out naming an input is refused and the input keeps its bytes."""

    @pytest.mark.parametrize("args", [
        ("score", "{b}", "--format", "csv", "--out", "{b}/evidence.csv"),
        ("rank", "{b}", "--format", "csv", "--out", "{b}/units.csv"),
        ("score", "{b}", "--format", "json", "--out", "{b}/bundle.yaml"),
        ("whatif", "{b}", "SM01", "--set", "1.1=dung_han", "--out", "{b}/evidence.csv"),
        ("report", "{b}", "--format", "json", "--out", "{b}/bundle.yaml"),
    ])
    def test_refused(self, bundle: Path, args: tuple[str, ...]) -> None:
        before = _digest(bundle)
        code, _, err = _invoke(*(a.format(b=bundle) for a in args))
        assert code != 0
        assert before == _digest(bundle)
        assert "là tệp đầu vào của lệnh này" in err

    def test_a_workbook_input(self, tmp_path: Path) -> None:
        book = tmp_path / "bundle.xlsx"
        book.write_bytes(b"not a workbook")
        code, _, err = _invoke("score", str(book), "--out", str(book))
        assert code == 1
        assert "là tệp đầu vào của lệnh này" in err
        assert book.read_bytes() == b"not a workbook"

    def test_a_new_file_beside_the_bundle_is_fine(self, bundle: Path) -> None:
        code, _, err = _invoke("score", str(bundle), "--format", "csv", "--out",
                               str(bundle / "league.csv"))
        assert code == 0, err
        assert (bundle / "league.csv").read_text(encoding="utf-8").startswith("Hạng,")


class TestFormatFromExtension:
    """Without --format the --out extension decides; with both, they must agree."""

    @pytest.mark.parametrize(("name", "start"), [
        ("league.xlsx", b"PK"), ("league.csv", "Hạng,".encode()), ("league.json", b"{")])
    def test_taken_from_the_extension(self, tmp_path: Path, name: str, start: bytes) -> None:
        out = tmp_path / name
        code, _, err = _invoke("score", str(SAMPLE), "--out", str(out))
        assert code == 0, err
        assert out.read_bytes().startswith(start)

    def test_a_contradiction_is_refused(self, tmp_path: Path) -> None:
        out = tmp_path / "league.xlsx"
        code, _, err = _invoke("score", str(SAMPLE), "--format", "csv", "--out", str(out))
        assert code == 2
        assert "--out league.xlsx là tệp .xlsx nhưng --format là csv" in err
        assert not out.exists()

    def test_a_format_the_command_cannot_write(self, tmp_path: Path) -> None:
        out = tmp_path / "plan.xlsx"
        code, _, err = _invoke("plan", str(SAMPLE), "SM01", "-t", "Tốt", "--out", str(out))
        assert code == 2
        assert "lệnh này ghi table, json, csv, không ghi xlsx" in err
        assert not out.exists()


class TestWriteRefused:
    """A path that cannot be written is one message naming it, exit 1, no traceback."""

    def test_parent_is_a_file(self, tmp_path: Path) -> None:
        (tmp_path / "file").write_text("x", encoding="utf-8")
        out = tmp_path / "file" / "league.csv"
        code, _, err = _invoke("score", str(SAMPLE), "--out", str(out), "--lang", "en")
        assert code == 1
        assert f"{out}: cannot be written" in err

    def test_out_is_a_folder(self, tmp_path: Path) -> None:
        code, _, err = _invoke("score", str(SAMPLE), "--format", "json", "--out", str(tmp_path),
                               "--lang", "en")
        assert code == 1
        assert "cannot be written: it is a folder" in err


class TestWrittenAsMade:
    """A file written as it is made (the template, row by row) lands whole or not at all:
    an interrupted one leaves the old file and no temporary file."""

    def test_an_interrupted_write_leaves_the_old_file(self, tmp_path: Path) -> None:
        from parindex.io import write_atomic_by

        out = tmp_path / "t.xlsx"
        out.write_bytes(b"old")

        def half(tmp: Path) -> None:
            tmp.write_bytes(b"half a workbook")
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            write_atomic_by(out, half)
        assert out.read_bytes() == b"old"
        assert [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]
        write_atomic_by(out, lambda tmp: tmp.write_bytes(b"new"))
        assert out.read_bytes() == b"new"
        assert [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]

    def test_the_template_file_is_the_templates_bytes(self, tmp_path: Path) -> None:
        from parindex.criteria import load_edition
        from parindex.evidence.template import template_bytes
        from parindex.evidence.units_file import read_units

        out = tmp_path / "t.xlsx"
        code, _, err = _invoke("template", "xa-2024", "--units", str(SAMPLE / "units.csv"),
                               "--year", "2024", "--out", str(out))
        assert code == 0, err
        units, _ = read_units(SAMPLE / "units.csv")
        made = template_bytes(load_edition("xa-2024"), units, 2024, "vi")
        assert _parts(out.read_bytes()) == _parts(made)
        assert [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]


def _parts(data: bytes) -> dict[str, bytes]:
    """A workbook's parts, but its creation time (``docProps/core.xml``)."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist() if name != "docProps/core.xml"}


class TestUsage:
    """Out-of-range options are usage errors (exit 2), not tracebacks."""

    @pytest.mark.parametrize("args", [
        ("uncertainty", str(SAMPLE), "--seed", "-1"),
        ("uncertainty", str(SAMPLE), "--draws", "0"),
        ("plan", str(SAMPLE), "SM01", "--target", "points:nan"),
        ("plan", str(SAMPLE), "SM01", "--target", "points:inf"),
    ])
    def test_exit_2(self, args: tuple[str, ...]) -> None:
        code, _, err = _invoke(*args)
        assert code == 2, err
