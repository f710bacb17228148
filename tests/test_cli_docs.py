"""``docs/CLI.md`` holds every command's ``--help`` verbatim, so the reference cannot drift.

When a help text changes, run ``make docs-cli`` and commit the document with the change.
"""

from __future__ import annotations

import pytest
from cli_docs import BEGIN, DOC, END, block, command_paths, help_text, render


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def _name(path: list[str]) -> str:
    return " ".join(path) or "parindex"


@pytest.mark.parametrize("path", command_paths(), ids=_name)
def test_help_is_in_the_reference_verbatim(doc: str, path: list[str]) -> None:
    """The command's heading and its whole ``--help``, in a fenced block (make docs-cli)."""
    assert block(path) in doc, (f"docs/CLI.md lacks the current `parindex {' '.join(path)} "
                                "--help`: run make docs-cli")


def test_reference_is_exactly_what_make_docs_cli_writes(doc: str) -> None:
    """Nothing stale between the markers (a removed command, an edited block)."""
    assert doc.count(BEGIN) == 1
    assert doc.count(END) == 1
    assert render(doc) == doc, "docs/CLI.md is out of date: run make docs-cli"


def test_every_command_is_walked() -> None:
    """The walk reaches the subcommands of groups, and each help names its own usage."""
    paths = command_paths()
    assert [] in paths
    assert ["criteria", "show"] in paths
    for name in ("check", "score", "rank", "template", "merge", "whatif", "uncertainty"):
        assert [name] in paths
    assert "Cách dùng: parindex criteria show" in help_text(["criteria", "show"])


def test_help_does_not_depend_on_the_callers_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A narrow terminal or forced colour in the environment changes nothing."""
    want = help_text(["score"])
    for key, value in (("COLUMNS", "40"), ("TERMINAL_WIDTH", "40"), ("FORCE_COLOR", "1")):
        monkeypatch.setenv(key, value)
    assert help_text(["score"]) == want
    assert "\x1b[" not in want
