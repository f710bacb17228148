"""Spot Vietnamese text typed in a legacy font encoding (TCVN3/ABC or VNI).

Such text was typed with a font that draws Latin-1 symbols as Vietnamese letters: read as
Unicode it is full of characters Vietnamese never uses ("Céng hoµ x· héi" in TCVN3,
"Vieät Nam" in VNI). A cell with two or more of them is reported, naming the likely
encoding, instead of being matched or shown wrongly.
"""

from __future__ import annotations

import re

import pandas as pd

# Latin-1 characters that are not Vietnamese letters; TCVN3 and VNI text is full of them
_TCVN3 = "µ·¸¶¹¨©ª«¬®¯°±²³´½¾¼¡¢£¤¥¦§ÆÇØÞßþ"
# × and ÷ are also maths: they count only inside a word ("B×nh" is TCVN3 for Bình)
_TCVN3_IN_WORD = r"(?<=\w)[×÷]|[×÷](?=\w)"
_VNI = "øïäåëöüñÑÖÜÏÛûæç"
# VNI writes a tone as a Latin-1 letter after the vowel: "aù" (á), "aõ" (ã)
_VNI_TONES = "[aeiouyAEIOUYâêôÂÊÔ][ùõÙÕ]"


_TCVN3_RE = re.compile(f"[{_TCVN3}]|{_TCVN3_IN_WORD}")
_VNI_RE = re.compile(f"[{_VNI}]|{_VNI_TONES}")


def legacy_encoding(text: str) -> str:
    """"TCVN3", "VNI" or "" (looks like Unicode Vietnamese, or plain text)."""
    if text.isascii():
        return ""
    tcvn3 = len(_TCVN3_RE.findall(text))
    if tcvn3 + len(_VNI_RE.findall(text)) < 2:
        return ""
    return "TCVN3" if tcvn3 else "VNI"


def legacy_cells(cells: pd.Series) -> pd.Series:
    """Per cell: "TCVN3", "VNI" or "" (see :func:`legacy_encoding`)."""
    return pd.Series([legacy_encoding(t) for t in cells.fillna("").astype(str)],
                     index=cells.index, dtype=object)
