"""Numbers written the way each language writes them (Vietnamese: a decimal comma).

Light on purpose (no pandas, no numpy): the criteria commands format with it at start-up.
"""

from __future__ import annotations

import re

_DECIMAL = re.compile(r"-?\d+\.\d+")


def typed_text(text: str, lang: str) -> str:
    """An input as a user types it in the language: a decimal comma in Vietnamese
    (``86.3`` → ``86,3``); keys, yes/no, codes and whole numbers as they are."""
    if lang != "en" and _DECIMAL.fullmatch(text):
        return text.replace(".", ",")
    return text


def number_text(value: float, lang: str) -> str:
    """A number as short as it goes (``1.5``, ``100``), with the language's decimal mark."""
    return typed_text(f"{value:g}", lang)
