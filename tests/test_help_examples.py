"""Every example in ``--help`` runs as written (issue 11 item 1): each command's help ends
with one example, the same in Vietnamese and English; run from a folder that holds the
package (so ``parindex/samples/sample_district/2024`` is where a checkout has it), each
exits 0 and writes what its ``--out`` names."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

import parindex
from parindex.cli import app
from parindex.words import t

EXAMPLE = {"vi": "Ví dụ: ", "en": "Example: "}


def _commands(group: Any = None, prefix: str = "") -> dict[str, Any]:
    """Each command by its words (``criteria show``, ``workspace user add``), in the order
    --help lists them."""
    root = typer.main.get_command(app) if group is None else group
    out: dict[str, Any] = {}
    for name, cmd in getattr(root, "commands").items():  # noqa: B009 (a click Group)
        if getattr(cmd, "commands", None):
            out.update(_commands(cmd, f"{prefix}{name} "))
        else:
            out[prefix + name] = cmd
    return out


COMMANDS = _commands()
#: the words key of each command's help
KEYS = {name: "help.cmd." + name.replace("criteria ", "criteria_")
        .replace("workspace ", "ws_").replace("user ", "user_") for name in COMMANDS}
#: examples that take long (the whole sample, every year, or many draws; the workspace)
SLOW = {"demo", "report", "uncertainty", "serve"}
#: the workspace's examples run as their own processes (Django is set up once per
#: process), each in a fresh folder after the examples it needs
WORKSPACE_BEFORE = {"workspace init": [], "workspace import": [],
                    "workspace export": ["workspace import"],
                    "workspace token": ["workspace init"],
                    "workspace user add": ["workspace import"],
                    "workspace user list": ["workspace init"],
                    "workspace user password": ["workspace import", "workspace user add"],
                    "workspace backup": ["workspace import"],
                    "workspace restore": ["workspace import", "workspace backup"]}


def example(text: str, lang: str) -> str:
    lines = [line for line in text.splitlines() if line.startswith(EXAMPLE[lang])]
    assert len(lines) == 1, text
    return lines[0].removeprefix(EXAMPLE[lang])


def test_every_command_has_an_example_in_both_languages() -> None:
    assert set(COMMANDS) >= {"check", "score", "explain", "rank", "template", "merge",
                             "whatif", "plan", "weak", "uncertainty", "report", "demo",
                             "editions", "criteria show", "criteria check"}
    for name, key in KEYS.items():
        vi, en = example(t(key, "vi"), "vi"), example(t(key, "en"), "en")
        assert vi == en, name
        assert vi.startswith(f"parindex {name}")
        assert "sample/2024" not in vi  # the examples that did not run
        assert "XA01" not in vi


def test_the_help_shows_the_example() -> None:
    """The command's help (what --help prints) is the words' text, example included."""
    for name, cmd in COMMANDS.items():
        assert cmd.help == t(KEYS[name], "vi"), name


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder as a checkout's root looks to the examples: ``parindex/`` beside them."""
    root = tmp_path_factory.mktemp("examples")
    (root / "parindex").symlink_to(Path(parindex.__file__).parent, target_is_directory=True)
    return root


def _run(workdir: Path, name: str) -> Any:
    words = shlex.split(example(t(KEYS[name], "vi"), "vi"))
    here = Path.cwd()
    os.chdir(workdir)
    try:
        return words, CliRunner(env={"NO_COLOR": "1", "COLUMNS": "200"}).invoke(app, words[1:])
    finally:
        os.chdir(here)


def _process(folder: Path, name: str) -> subprocess.CompletedProcess[str]:
    words = shlex.split(example(t(KEYS[name], "vi"), "vi"))
    env = {k: v for k, v in os.environ.items()
           if k not in ("PARINDEX_DATA", "DJANGO_SETTINGS_MODULE", "PARINDEX_WEB_TEST")}
    env["PARINDEX_PASSWORD"] = "Quang-Tri-2024-cchc"
    return subprocess.run([sys.executable, "-m", "parindex", *words[1:]], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.parametrize("name", [n for n in COMMANDS if n in WORKSPACE_BEFORE])
def test_the_workspace_example_runs(tmp_path: Path, name: str) -> None:
    pytest.importorskip("django")
    (tmp_path / "parindex").symlink_to(Path(parindex.__file__).parent,
                                       target_is_directory=True)
    for before in WORKSPACE_BEFORE[name]:
        assert _process(tmp_path, before).returncode == 0, before
    done = _process(tmp_path, name)
    assert done.returncode == 0, (name, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert done.stdout.strip()
    if name == "workspace export":
        assert (tmp_path / done.stdout.strip()).is_file()


@pytest.mark.slow
def test_the_serve_example_serves(tmp_path: Path) -> None:
    """``parindex serve --demo`` prints its address and answers there with the sign-in
    page; stopped afterwards."""
    pytest.importorskip("django")
    words = shlex.split(example(t(KEYS["serve"], "vi"), "vi"))
    env = {k: v for k, v in os.environ.items()
           if k not in ("PARINDEX_DATA", "DJANGO_SETTINGS_MODULE", "PARINDEX_WEB_TEST")}
    port = "18765"
    proc = subprocess.Popen([sys.executable, "-m", "parindex", *words[1:], "--port", port],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        lines = []
        until = time.monotonic() + 240
        while time.monotonic() < until:
            line = proc.stdout.readline()
            lines.append(line)
            if f"http://127.0.0.1:{port}/" in line or not line:
                break
        assert any(f"http://127.0.0.1:{port}/" in x for x in lines), lines
        assert any("sm01" in x for x in lines)
        for _ in range(50):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/") as r:
                    page = r.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert "Đăng nhập" in page
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in COMMANDS
    if n not in WORKSPACE_BEFORE and n != "serve"])
def test_the_example_runs(workdir: Path, name: str) -> None:
    if name == "merge" and not (workdir / "SM07.xlsx").exists():
        _run(workdir, "template")  # merge combines what the template example wrote
    words, result = _run(workdir, name)
    assert result.exit_code == 0, (words, result.output)
    assert "Traceback" not in result.output
    if "--out" in words:
        assert (workdir / words[words.index("--out") + 1]).exists()
    elif name == "merge":
        assert (workdir / words[2]).is_file()
    else:
        assert result.stdout.strip()
