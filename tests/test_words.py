"""The words table: every key in both languages, one shape, one lookup."""

from __future__ import annotations

import ast
import string
import unicodedata
from pathlib import Path

import pytest

from parindex import words
from parindex.words import BLANK_IN_VI, WORDS, t

PACKAGE = Path(words.__file__).resolve().parent


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("key", sorted(WORDS))
def test_both_languages_present_and_alike(key: str) -> None:
    vi, en = WORDS[key]
    assert isinstance(vi, str)
    assert isinstance(en, str)
    assert en.strip(), f"{key}: no English"
    if key in BLANK_IN_VI:
        assert vi == ""
    else:
        assert vi.strip(), f"{key}: no Vietnamese"
    for text in (vi, en):
        assert unicodedata.normalize("NFC", text) == text, f"{key}: not NFC: {text!r}"
    if vi:
        assert _fields(vi) == _fields(en), f"{key}: placeholders differ"


def test_lookup_switches_language_once() -> None:
    assert t("head.rank", "vi") == "Hạng"
    assert t("head.rank", "en") == "Rank"
    assert t("head.rank", "fr") == "Hạng"  # anything but English is Vietnamese
    assert t("html.title", "en", year=2024) == "Administrative reform index (PAR Index) 2024"
    assert words.language("en") == "en"
    assert words.language("xx") == "vi"
    with pytest.raises(KeyError):
        t("no.such.key", "vi")


def test_the_checks_catch_a_bad_entry() -> None:
    """The checker itself: differing placeholders and a decomposed accent are caught."""
    assert _fields("Hạng {rank}") != _fields("Rank {n}")
    decomposed = unicodedata.normalize("NFD", "Hạng")
    assert unicodedata.normalize("NFC", decomposed) != decomposed


def test_words_is_light() -> None:
    """A base module: imports nothing of parindex but ``lang``, and no pandas or numpy."""
    tree = ast.parse((PACKAGE / "words.py").read_text(encoding="utf-8"))
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not {m for m in names if m.startswith("parindex") and m != "parindex.lang"}
    assert not {m for m in names if m.split(".")[0] in ("pandas", "numpy")}


def test_no_other_language_switch() -> None:
    """Words are chosen by :func:`parindex.words.t`; no module spells out the switch."""
    switch = '"en" if lang == "en" else "vi"'
    found = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
             if p.name != "words.py" and switch in p.read_text(encoding="utf-8")]
    assert found == []


def test_every_used_key_exists() -> None:
    """Literal keys given to ``t(...)`` anywhere in the package are in the table."""
    missing = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute))
                    and (getattr(node.func, "id", None) or getattr(node.func, "attr", None)) == "t"
                    and node.args and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str) and "." in node.args[0].value
                    and node.args[0].value not in WORDS):
                missing.append(f"{path.name}: {node.args[0].value}")
    assert missing == []
