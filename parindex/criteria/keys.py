"""Option and level keys as users type them (CONTRACT §2): ``dung_han``, ``Đúng hạn`` and
``dung han`` are one key — matched without case, accents or separators, đ as d."""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s_\-./]+")


def fold_key(text: str) -> str:
    """A key as it is matched.

    >>> fold_key("Đúng hạn"), fold_key("dung_han"), fold_key(" DUNG-HAN ")
    ('dung_han', 'dung_han', 'dung_han')
    """
    low = unicodedata.normalize("NFD", text.strip().lower()).replace("đ", "d")
    bare = "".join(c for c in low if not unicodedata.combining(c))
    return _SEPARATORS.sub("_", bare).strip("_")
