"""A lean start (issue #16): the compiled-edition cache, what `--help` and a JSON score
import, options converted without pydantic, cells cleaned once per distinct text, and the
score JSON byte for byte as before on every sample year.

Regenerate the score golden files after an intended change with
``PARINDEX_UPDATE_GOLDEN=1 pytest tests/test_lean.py`` and review the diff.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from parindex.cli import COMMANDS, app
from parindex.cli.lazy import LazyCommands, RootGroup
from parindex.cli.lean import plain_param
from parindex.criteria import cache, loader
from parindex.criteria.compiled import CompiledEdition, compile_edition
from parindex.evidence.bundle import strip_cell
from parindex.evidence.cells import cell_text, distinct
from parindex.samples.sample import sample_bundles

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("PARINDEX_UPDATE_GOLDEN") == "1"
SHIPPED = loader.shipped_dir() / "xa-2024.yaml"
HEAVY = ("pandas", "numpy", "pydantic", "rich")


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty user cache folder, and the loader's in-memory cache emptied around the test."""
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    loader._load_cached.cache_clear()
    yield home / "parindex" / "editions"
    loader._load_cached.cache_clear()


def _load(ref: str | Path) -> CompiledEdition:
    loader._load_cached.cache_clear()  # the disk cache, not the in-memory one
    return loader.load_edition(ref)


def _no_compiling(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> CompiledEdition:
        raise AssertionError("compiled again: the cache entry was not used")

    monkeypatch.setattr(loader, "compile_edition", refuse)


def _same(a: CompiledEdition, b: CompiledEdition) -> None:
    assert (a.id, a.title, a.scale, a.bands, a.calendar, a.ties) == \
        (b.id, b.title, b.scale, b.bands, b.calendar, b.ties)
    assert [(lf.code, lf.max, lf.rule, lf.keys, lf.na, lf.input_kind, lf.source)
            for lf in a.leaves] == [(lf.code, lf.max, lf.rule, lf.keys, lf.na, lf.input_kind,
                                     lf.source) for lf in b.leaves]
    assert a.leaf_max.tolist() == b.leaf_max.tolist()
    assert a.model == b.model


class TestEditionCache:
    """Compiled editions are cached by content in the user cache folder; an entry that does
    not check out is ignored and rebuilt, never trusted."""

    def test_miss_writes_an_entry_and_a_hit_compiles_nothing(
            self, cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        first = _load("xa-2024")
        entries = list(cache_home.glob("*.pickle"))
        assert [e.name for e in entries] == [cache.entry_path(SHIPPED.read_bytes()).name]
        _no_compiling(monkeypatch)
        again = _load("xa-2024")
        assert again is not first
        _same(again, first)
        assert again.source == str(SHIPPED.resolve())

    def test_xdg_cache_home_is_honoured(self, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
        assert cache.cache_dir() == tmp_path / "parindex" / "editions"
        monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # not absolute: ignored
        assert cache.cache_dir() == Path.home() / ".cache" / "parindex" / "editions"

    @pytest.mark.usefixtures("cache_home")
    def test_stale_entry_is_rebuilt(self, monkeypatch: pytest.MonkeyPatch) -> None:
        _load("xa-2024")
        entry = cache.entry_path(SHIPPED.read_bytes())
        monkeypatch.setattr(cache, "fingerprint", lambda: b"another parindex")
        assert cache.read_entry(SHIPPED.read_bytes()) is None
        rebuilt = _load("xa-2024")  # compiled again and written with this fingerprint
        assert b"another parindex" in entry.read_bytes()
        assert cache.read_entry(SHIPPED.read_bytes()) is not None
        _same(rebuilt, compile_edition(rebuilt.model, "x"))

    @pytest.mark.usefixtures("cache_home")
    @pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped", "not an edition"])
    def test_corrupt_entry_is_ignored_and_rebuilt(self, damage: str) -> None:
        good = _load("xa-2024")
        content = SHIPPED.read_bytes()
        entry = cache.entry_path(content)
        data = entry.read_bytes()
        if damage == "garbage":
            entry.write_bytes(b"\x00not a cache entry")
        elif damage == "truncated":
            entry.write_bytes(data[: len(data) // 2])
        elif damage == "flipped":
            entry.write_bytes(data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:])
        else:  # a well-formed entry holding something else is not trusted either
            cache.write_entry(content, "not an edition")  # type: ignore[arg-type]
        assert cache.read_entry(content) is None
        _same(_load("xa-2024"), good)
        assert cache.read_entry(content) is not None  # the entry was written again

    def test_a_changed_user_file_is_compiled_again(self, cache_home: Path,
                                                    tmp_path: Path) -> None:
        mine = tmp_path / "mine.yaml"
        text = SHIPPED.read_text(encoding="utf-8")
        mine.write_text(text, encoding="utf-8")
        before = _load(mine)
        assert before.source == str(mine.resolve())
        mine.write_text(text.replace("bonus_max: 2", "bonus_max: 1.5"), encoding="utf-8")
        after = _load(mine)
        assert (before.bonus_max, after.bonus_max) == (2.0, 1.5)
        assert after.model.bonus_max == 1.5
        assert len(list(cache_home.glob("*.pickle"))) == 2  # one entry per content

    def test_an_unwritable_cache_folder_leaves_loading_uncached(
            self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        blocker = tmp_path / "a-file"
        blocker.write_text("not a folder", encoding="utf-8")
        monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
        try:
            ed = _load("xa-2024")
        finally:
            loader._load_cached.cache_clear()
        assert ed.id == "xa-2024"
        assert blocker.read_text(encoding="utf-8") == "not a folder"

    def test_a_cached_edition_loads_without_pydantic(self, cache_home: Path) -> None:
        _load("xa-2024")  # the entry
        code = ("import sys; from parindex.criteria import load_edition; "
                "ed = load_edition('xa-2024'); print(len(ed.leaves), 'pydantic' in sys.modules);"
                " ed.model; print(ed.leaves[0].kind.name, 'pydantic' in sys.modules)")
        env = {**os.environ, "XDG_CACHE_HOME": str(cache_home.parent.parent)}
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env=env, check=True).stdout.split()
        assert out[1] == "False"  # scored from the cache: no model, no pydantic
        assert out[3] == "True"  # the model, when asked for, is validated then
        assert out[0] == str(len(_load("xa-2024").leaves))


def _imported(args: list[str], env: dict[str, str]) -> set[str]:
    """Top-level packages a `python -m parindex ARGS` run imports (``-X importtime``)."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "parindex", *args],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    names = re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)$", proc.stderr, re.M)
    assert "parindex.cli" in names
    return {n.split(".")[0] for n in names}


class TestImports:
    """`--help` imports none of pandas, numpy, pydantic, rich; a JSON score with a cached
    edition imports no pydantic and no rich."""

    @pytest.mark.parametrize("args", [["--help"], ["score", "--help"], ["criteria", "--help"]])
    def test_help_imports_nothing_heavy(self, args: list[str]) -> None:
        imported = _imported(args, dict(os.environ))
        assert not imported & set(HEAVY), sorted(imported & set(HEAVY))
        assert "typer" in imported

    def test_json_score_imports_no_pydantic(self, cache_home: Path) -> None:
        _load("xa-2024")
        env = {**os.environ, "XDG_CACHE_HOME": str(cache_home.parent.parent)}
        imported = _imported(["score", str(sample_bundles()[-1]), "--format", "json"], env)
        assert {"pandas", "numpy"} <= imported
        assert not imported & {"pydantic", "rich"}


def _modules(args: list[str]) -> set[str]:
    """The parindex modules a `python -m parindex ARGS` run imports."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "parindex", *args],
                          capture_output=True, text=True, env=dict(os.environ))
    assert proc.returncode == 0, proc.stderr[-2000:]
    return set(re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s*(parindex\S*)$", proc.stderr,
                          re.M))


def test_json_weak_imports_no_other_analysis(cache_home: Path) -> None:
    """`weak --format json` with a cached edition imports no pydantic, no rich and none of the
    other analyses (the analysis tables name plan, uncertainty and whatif for types only)."""
    _load("xa-2024")
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home.parent.parent)}
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "parindex", "weak",
                           str(sample_bundles()[-1]), "--format", "json"],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    names = set(re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)$", proc.stderr, re.M))
    assert "parindex.analysis.weak" in names
    assert not {n for n in names if n.startswith("parindex.analysis.")} - {
        "parindex.analysis", "parindex.analysis.weak"}
    assert not {n.split(".")[0] for n in names} & {"pydantic", "rich"}


@pytest.mark.parametrize("args", [
    ["plan", "SM01", "--target", "tot", "--format", "json"],
    ["whatif", "SM01", "--set", "1.1.1=khong", "--format", "json"],
    ["score", "--format", "json"]], ids=lambda a: a[0])
def test_plan_whatif_and_score_import_no_pydantic(cache_home: Path, args: list[str]) -> None:
    """With a cached edition, a plan to a band named as typed (``tot``), a what-if and a
    score take what they need from the compiled edition: no pydantic model is built."""
    _load("xa-2024")
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home.parent.parent),
           "PARINDEX_NO_CACHE": "1"}
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "parindex", args[0],
                           str(sample_bundles()[-1]), *args[1:]],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    names = set(re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)$", proc.stderr, re.M))
    assert "parindex.evidence.bundle" in names
    assert "pydantic" not in {n.split(".")[0] for n in names}
    assert "parindex.criteria.model" not in names


class TestCommandsBuiltWhenUsed:
    """`parindex --help` lists the commands from their help texts: no command module is
    imported, nor what the commands share (`parindex.cli.common`); a command imports its own
    module and not the others'."""

    def test_help_imports_no_command_module(self) -> None:
        modules = _modules(["--help"])
        assert "parindex.cli.lazy" in modules
        assert not {m for m in modules if m.endswith("_cmd")}, sorted(modules)
        assert "parindex.cli.common" not in modules

    def test_a_command_imports_its_own_module(self) -> None:
        modules = {m for m in _modules(["weak", "--help"]) if m.endswith("_cmd")}
        assert modules == {"parindex.cli.analysis_cmd"}

    def test_the_listing_is_what_the_built_commands_say(self) -> None:
        group = typer.main.get_command(app)
        assert isinstance(group, RootGroup)
        assert isinstance(group.commands, LazyCommands)
        stand_ins = group.commands.listing()  # a fresh group: nothing built yet
        assert list(stand_ins) == list(COMMANDS)
        built = dict(group.commands.items())
        assert list(built) == list(COMMANDS)
        for name, command in built.items():
            assert command.name == name
            assert command.help == stand_ins[name].help
            assert command.get_short_help_str(60) == stand_ins[name].get_short_help_str(60)
        assert {n for n, c in built.items() if isinstance(c, typer.core.TyperGroup)} == {
            "criteria", "workspace"}
        assert group.commands["weak"] is built["weak"]  # built once


class TestOptionsWithoutPydantic:
    """Typer's plain parameters convert to what typer's own converter gives; a value it
    refuses is refused with typer's own words."""

    def _params(self) -> dict[str, object]:
        group = typer.main.get_command(app)
        assert isinstance(group, typer.core.TyperGroup)
        out: dict[str, object] = {}
        for name in ("score", "report", "merge"):
            for p in group.commands[name].params:
                out[f"{name} {p.name}"] = p
        return out

    @pytest.mark.parametrize(("param", "value"), [
        ("score bundle", "some/folder"), ("score criteria", "xa-2024"), ("score fmt", "json"),
        ("score lang", "en"), ("score out", "x.json"), ("report bundles", ("a", "b/c")),
        ("merge parts", ("u1.xlsx",)),
    ])
    def test_same_value_as_typer(self, param: str, value: object) -> None:
        from typer._coercion import build_runtime_param

        p: typer.core.TyperOption = self._params()[param]  # type: ignore[assignment]
        light = plain_param(p)
        assert light is not None
        ctx = typer.main.get_command(app).make_context("parindex", ["score", "x"],
                                                       resilient_parsing=True)
        own = build_runtime_param(p.type_descriptor)._coerce_value(value, param=p, ctx=ctx)
        got = light._coerce_value(value, param=p, ctx=ctx)
        assert got == own
        assert type(got) is type(own)

    def test_a_bad_choice_reads_as_typer_words_it(self) -> None:
        result = CliRunner().invoke(app, ["score", str(sample_bundles()[-1]), "-f", "bogus"])
        assert result.exit_code == 2
        assert "giá trị không hợp lệ của '--format' / '-f'" in result.output
        assert "'bogus' không phải một trong 'table', 'json', 'csv', 'xlsx'" in result.output


class TestCellsOncePerText:
    """Cells are cleaned as pandas' string methods cleaned them (NFC, no-break spaces,
    trimmed, a protective ``'`` dropped), once per distinct text."""

    CELLS = ("  Xã An\u00a0", "Xa\u0303 An", "'=SUM(A1)", "'", "'abc", "", None, float("nan"),
             "1,5 ", "\u00a0", "'-1", "Đúng hạn", 12)

    def test_as_pandas_cleaned(self) -> None:
        s = pd.Series(list(self.CELLS), dtype=object)
        old = (s.fillna("").astype(str).str.normalize("NFC").str.replace("\u00a0", " ")
               .str.strip())
        assert [cell_text(v) for v in self.CELLS] == old.tolist()
        stripped = old.str.replace(r"^'(?=[=+\-@])", "", regex=True)
        assert [strip_cell(v) for v in self.CELLS] == stripped.tolist()

    def test_distinct_codes_rebuild_the_column(self) -> None:
        values = ["b", "a", "b", "c", "a", "b"]
        codes, uniques = distinct(pd.Series(values, dtype=object))
        assert uniques.tolist() == ["b", "a", "c"]
        assert [uniques[c] for c in codes] == values


@pytest.mark.parametrize("bundle", sample_bundles(), ids=lambda p: p.name)
def test_score_json_is_byte_identical(bundle: Path) -> None:
    """`score --format json` prints today what it printed before the lean start."""
    result = CliRunner().invoke(app, ["score", str(bundle), "--format", "json"])
    assert result.exit_code == 0, result.output
    golden = GOLDEN / f"score_{bundle.name}.json"
    if UPDATE:
        golden.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == golden.read_text(encoding="utf-8"), f"{golden.name} differs"


@pytest.mark.usefixtures("cache_home")
def test_shipped_cache_file_layout() -> None:
    """An entry is the magic line, the fingerprint, the payload's digest, the payload."""
    _load("xa-2024")
    data = cache.entry_path(SHIPPED.read_bytes()).read_bytes()
    magic, finger, rest = data.split(b"\n", 2)
    assert magic + b"\n" == cache.MAGIC
    assert finger == cache.fingerprint()
    assert len(rest) > 64
    assert re.fullmatch(rb"[0-9a-f]{64}", rest[:64])
