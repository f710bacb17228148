"""Numbers written the way each language writes them (Vietnamese: a decimal comma).

Light on purpose (no pandas, no numpy): the criteria commands format with it at start-up.
"""

from __future__ import annotations

import re
from typing import Any

_DECIMAL = re.compile(r"-?\d+\.\d+")


def typed_text(text: str, lang: str) -> str:
    """An input as a user types it in the language: a decimal comma in Vietnamese
    (``86.3`` → ``86,3``); keys, yes/no, codes and whole numbers as they are."""
    if lang != "en" and _DECIMAL.fullmatch(text):
        return text.replace(".", ",")
    return text


def grouped(n: int, lang: str) -> str:
    """A whole number in groups of three: ``16,000,000``, in Vietnamese ``16.000.000``."""
    text = f"{n:,}"
    return text if lang == "en" else text.replace(",", ".")


def grouped_facts(**numbers: int) -> dict[str, Any]:
    """A problem's facts for whole numbers in groups of three, each with its Vietnamese form
    beside it (``limit`` and ``limit_vi``: :meth:`parindex.errors.Problem.facts_in`)."""
    facts: dict[str, Any] = {}  # Any: spread into Problem.of's keyword facts
    for name, n in numbers.items():
        facts[name], facts[f"{name}_vi"] = grouped(n, "en"), grouped(n, "vi")
    return facts


def number_text(value: float, lang: str) -> str:
    """A number as short as it goes (``1.5``, ``100``), with the language's decimal mark."""
    return typed_text(f"{value:g}", lang)
