"""Every example in ``--help`` runs as written (issue 11 item 1): each command's help ends
with one example, the same in Vietnamese and English; run from a folder that holds the
package (so ``parindex/samples/sample_district/2024`` is where a checkout has it), each
exits 0 and writes what its ``--out`` names."""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

import parindex
from parindex.cli import app
from parindex.words import t

EXAMPLE = {"vi": "Ví dụ: ", "en": "Example: "}


def _commands() -> dict[str, Any]:
    """Each command by its words (``criteria show``), in the order --help lists them."""
    root = typer.main.get_command(app)
    out: dict[str, Any] = {}
    for name, cmd in root.commands.items():  # type: ignore[attr-defined]
        subs = getattr(cmd, "commands", None)
        if subs:
            out.update({f"{name} {sub}": c for sub, c in subs.items()})
        else:
            out[name] = cmd
    return out


COMMANDS = _commands()
#: the words key of each command's help
KEYS = {name: "help.cmd." + name.replace("criteria ", "criteria_") for name in COMMANDS}
#: examples that take long (the whole sample, every year, or many draws)
SLOW = {"demo", "report", "uncertainty"}


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


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in COMMANDS])
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
