"""The cache of checked bundles (:mod:`parindex.evidence.cache`): a command run from the
cache prints what it prints without it, byte for byte (warnings included, in either
language); a changed byte of any file the bundle reads, or of its edition file, is a miss;
a damaged entry is rebuilt; the number of entries is bounded; the suite's cache is a
temporary folder (``XDG_CACHE_HOME``), never the user's."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from parindex import pipeline
from parindex.cli import app
from parindex.criteria import shipped_dir
from parindex.evidence import cache
from parindex.evidence.bundle import load_bundle
from parindex.samples.sample import sample_bundles

runner = CliRunner()
SAMPLES = sample_bundles()
SAMPLE = SAMPLES[-1]  # 2024, with a survey


@pytest.fixture
def entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The cache on, in an empty folder of the test's own; yields the entries' folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))
    monkeypatch.delenv("PARINDEX_NO_CACHE", raising=False)
    folder = tmp_path / "cache-home" / "parindex" / "bundles"
    assert cache.cache_dir() == folder
    return folder


class Reads:
    """Counts the bundles read (a hit reads none)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.count = 0
        real = load_bundle

        def counted(path: Any) -> Any:
            self.count += 1
            return real(path)

        monkeypatch.setattr(pipeline, "load_bundle", counted)


def _run(args: list[str], monkeypatch: pytest.MonkeyPatch, cached: bool = True
         ) -> tuple[int, str]:
    if cached:
        monkeypatch.delenv("PARINDEX_NO_CACHE", raising=False)
    else:
        monkeypatch.setenv("PARINDEX_NO_CACHE", "1")
    res = runner.invoke(app, args)
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        raise res.exception
    return res.exit_code, res.output


def _same_cached(args: list[str], monkeypatch: pytest.MonkeyPatch, entries: Path
                 ) -> tuple[int, str]:
    """The command's output without the cache, when it fills the cache, and from it: all
    three the same, and the last read nothing."""
    plain = _run(args, monkeypatch, cached=False)
    assert not entries.exists() or not list(entries.glob("*.pickle"))
    reads = Reads(monkeypatch)
    assert _run(args, monkeypatch) == plain
    assert reads.count == 1
    assert len(list(entries.glob("*.pickle"))) == 1
    assert _run(args, monkeypatch) == plain
    assert reads.count == 1, "the second run read the bundle again"
    return plain


COMMANDS = [["score", "--format", "json"], ["weak", "--format", "json"],
            ["check", "--format", "json"], ["check", "--lang", "en"], ["check"]]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("bundle", SAMPLES, ids=lambda p: p.name)
def test_every_sample_year_prints_the_same_from_the_cache(
        bundle: Path, command: list[str], entries: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = _same_cached([command[0], str(bundle), *command[1:]], monkeypatch, entries)
    assert code == 0
    assert out


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The benchmark's national-like bundle, 80 communes (survey answers included)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    import generate

    return Path(generate.generate(80, tmp_path_factory.mktemp("national") / "b"))


@pytest.mark.parametrize("command", [
    *COMMANDS, ["plan", "XA00001", "--target", "tot", "--format", "json"],
    ["whatif", "XA00001", "--set", "1.1.1=khong", "--format", "json"],
    ["explain", "XA00002", "--format", "json"]], ids=" ".join)
def test_a_generated_national_bundle_prints_the_same_from_the_cache(
        national: Path, command: list[str], entries: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = _same_cached([command[0], str(national), *command[1:]], monkeypatch, entries)
    assert code == 0
    assert out


def test_a_workbook_prints_the_same_from_the_cache(tmp_path: Path, entries: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from parindex.evidence.read_csv import read_csv_folder
    from parindex.evidence.write import write_xlsx_bundle

    folder = tmp_path / "b"
    shutil.copytree(SAMPLE, folder)
    raw = read_csv_folder(folder)
    book = write_xlsx_bundle(folder / "bundle.xlsx", raw.tables, raw.meta)
    code, out = _same_cached(["score", str(book), "--format", "json"], monkeypatch, entries)
    assert code == 0
    assert '"units"' in out


@pytest.mark.usefixtures("entries")
def test_the_cached_bundle_and_inputs_are_the_checked_ones() -> None:
    """Tables (dtypes, row numbers, column order), inputs and problems as checked."""
    read = load_bundle(SAMPLE)
    plain = pipeline.check_bundle(read, pipeline.edition_for(read))
    pipeline.checked(SAMPLE)  # fills
    again = pipeline.checked(SAMPLE)
    assert again.bundle.tables.keys() == plain.bundle.tables.keys()
    for name, df in plain.bundle.tables.items():
        pd.testing.assert_frame_equal(again.bundle.tables[name], df, check_exact=True)
    assert again.bundle.tables["survey"]["answer"].dtype == "category"
    assert again.problems == plain.problems
    assert again.inputs.edition is plain.inputs.edition  # the edition loaded, not a copy
    assert again.inputs.x_appr.tobytes() == plain.inputs.x_appr.tobytes()
    assert again.inputs.st_self.tobytes() == plain.inputs.st_self.tobytes()


def _bump(data: bytes) -> bytes:
    """One byte changed: the last digit one more (9 becomes 0)."""
    i = max(data.rfind(d.encode()) for d in "0123456789")
    digit = int(data[i:i + 1]) + 1
    return data[:i] + str(digit % 10).encode() + data[i + 1:]


@pytest.mark.parametrize("file", sorted(p.name for p in SAMPLE.iterdir()))
def test_a_changed_byte_in_any_file_misses_the_cache(
        file: str, tmp_path: Path, entries: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "b"
    shutil.copytree(SAMPLE, folder)
    args = ["score", str(folder), "--format", "json"]
    before = _run(args, monkeypatch)
    (folder / file).write_bytes(_bump((folder / file).read_bytes()))
    reads = Reads(monkeypatch)
    after = _run(args, monkeypatch)
    assert reads.count == 1, "a changed file was not read again"
    assert after == _run(args, monkeypatch, cached=False)
    if after[0] == 0:  # (a bundle naming no edition it can find is not cached)
        assert len(list(entries.glob("*.pickle"))) == 2
    if file == "bundle.yaml":  # xa-2025: no such edition
        assert after != before
        assert after[0] == 1


@pytest.mark.usefixtures("entries")
def test_a_changed_edition_file_misses_the_cache(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A bundle naming its own edition file: an edit of that file is not hidden."""
    folder = tmp_path / "b"
    shutil.copytree(SAMPLE, folder)
    shutil.copy(shipped_dir() / "xa-2024.yaml", folder / "mine.yaml")
    meta = (folder / "bundle.yaml").read_text(encoding="utf-8")
    (folder / "bundle.yaml").write_text(meta.replace("xa-2024", "mine.yaml"), encoding="utf-8")
    args = ["score", str(folder), "--format", "json"]
    before = _run(args, monkeypatch)
    text = (folder / "mine.yaml").read_text(encoding="utf-8")
    (folder / "mine.yaml").write_text(text.replace("bonus_max: 2\n", "bonus_max: 0\n", 1),
                                      encoding="utf-8")
    reads = Reads(monkeypatch)
    after = _run(args, monkeypatch)
    assert reads.count == 1
    assert after != before
    assert after == _run(args, monkeypatch, cached=False)


def _entry(entries: Path) -> Path:
    (found,) = entries.glob("*.pickle")
    return found


@pytest.mark.parametrize("damage", ["empty", "truncated", "flipped", "magic", "garbage"])
def test_a_damaged_entry_is_rebuilt(damage: str, entries: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["weak", str(SAMPLE), "--format", "json"]
    plain = _run(args, monkeypatch)
    entry = _entry(entries)
    good = entry.read_bytes()
    bad = {"empty": b"", "truncated": good[:len(good) // 2],
           "flipped": good[:-100] + bytes([good[-100] ^ 0xFF]) + good[-99:],
           "magic": b"parindex checked bundle 0\n" + good[len(cache.MAGIC):],
           "garbage": os.urandom(4096)}[damage]
    entry.write_bytes(bad)
    reads = Reads(monkeypatch)
    assert _run(args, monkeypatch) == plain
    assert reads.count == 1
    assert entry.read_bytes() == good  # rebuilt, the same
    assert _run(args, monkeypatch) == plain
    assert reads.count == 1


def test_the_cache_keeps_the_most_recently_used_entries(
        tmp_path: Path, entries: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "KEEP", 3)
    folders = []
    for i in range(5):
        folders.append(tmp_path / f"b{i}")
        shutil.copytree(SAMPLE, folders[-1])

    def use(folder: Path) -> None:
        _run(["score", str(folder), "--format", "json"], monkeypatch)
        time.sleep(0.05)  # entries are ordered by their modification times

    for folder in folders[:3]:
        use(folder)
    use(folders[0])  # a hit: now the most recently used
    reads = Reads(monkeypatch)
    use(folders[3])  # the fourth: b1, least recently used, goes
    assert len(list(entries.glob("*.pickle"))) == 3
    use(folders[0])
    use(folders[2])
    assert reads.count == 1  # b0 and b2 still cached
    use(folders[1])
    assert reads.count == 2  # b1 was not
    use(folders[4])
    assert len(list(entries.glob("*.pickle"))) == 3


@pytest.mark.usefixtures("entries")
def test_a_bundle_with_errors_fails_as_without_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "b"
    shutil.copytree(SAMPLE, folder)
    with (folder / "evidence.csv").open("a", encoding="utf-8") as fh:
        fh.write("SM01,1.1.1,95%%,,,\nNOPE,1.1.2,1,,,\n")
    for command in (["score", str(folder), "--format", "json"], ["check", str(folder)],
                    ["weak", str(folder), "--lang", "en"]):
        plain = _run(command, monkeypatch, cached=False)
        assert plain[0] == 1
        assert _run(command, monkeypatch) == plain
        assert _run(command, monkeypatch) == plain


def test_a_bundle_that_cannot_be_read_is_not_cached(
        tmp_path: Path, entries: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "b"
    shutil.copytree(SAMPLE, folder)
    (folder / "units.csv").unlink()
    plain = _run(["score", str(folder)], monkeypatch, cached=False)
    assert plain[0] == 1
    assert _run(["score", str(folder)], monkeypatch) == plain
    assert not entries.exists() or not list(entries.glob("*.pickle"))


def test_no_cache_when_turned_off_or_unwritable(
        tmp_path: Path, entries: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["score", str(SAMPLE), "--format", "json"]
    plain = _run(args, monkeypatch, cached=False)
    assert not entries.exists()
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert _run(args, monkeypatch) == plain  # silently uncached
    monkeypatch.setenv("PARINDEX_NO_CACHE", "0")
    assert cache.enabled()
