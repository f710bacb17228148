"""Scoring: rule kinds, the vectorised engine, ranking and the Run that keeps every stage.

Names are imported on first use: the criteria model needs :mod:`parindex.scoring.rules`
while the engine needs the criteria model, and the command line should not pay for what it
does not use.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "Scores": "engine", "leaf_points": "engine", "score": "engine",
    "assign_bands": "rank", "rank": "rank",
    "REGISTRY": "rules", "RuleKind": "rules",
    "Change": "run", "Run": "run", "run_bundle": "run",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f"parindex.scoring.{_EXPORTS[name]}"), name)
    raise AttributeError(name)
