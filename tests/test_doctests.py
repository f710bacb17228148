"""The examples in the docstrings are run, so they stay true."""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import pkgutil

import pytest

import parindex


def _modules_with_examples() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(parindex.__path__, "parindex."):
        spec = importlib.util.find_spec(info.name)
        origin = spec.origin if spec else None
        if origin and origin.endswith(".py"):
            with open(origin, encoding="utf-8") as fh:
                if ">>> " in fh.read():
                    names.append(info.name)
    return sorted(names)


MODULES = _modules_with_examples()


def test_examples_are_found() -> None:
    assert {"parindex.criteria.rules", "parindex.scoring.rank"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
