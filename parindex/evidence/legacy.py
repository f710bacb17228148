"""Spot Vietnamese text typed in a legacy font encoding (TCVN3/ABC or VNI).

Such text was typed with a font that draws Latin-1 symbols as Vietnamese letters: read as
Unicode it is full of characters Vietnamese never uses ("Céng hoµ x· héi" in TCVN3,
"Vieät Nam" in VNI). A cell with two or more of them is reported, naming the likely
encoding, instead of being matched or shown wrongly.
"""

from __future__ import annotations

import pandas as pd

# Latin-1 characters that are not Vietnamese letters; TCVN3 and VNI text is full of them
_TCVN3 = "µ·¸¶¹¨©ª«¬®¯°±²³´½¾¼¡¢£¤¥¦§ÆÇØÞßþ"
# × and ÷ are also maths: they count only inside a word ("B×nh" is TCVN3 for Bình)
_TCVN3_IN_WORD = r"(?<=\w)[×÷]|[×÷](?=\w)"
_VNI = "øïäåëöüñÑÖÜÏÛûæç"
# VNI writes a tone as a Latin-1 letter after the vowel: "aù" (á), "aõ" (ã)
_VNI_TONES = "[aeiouyAEIOUYâêôÂÊÔ][ùõÙÕ]"


def legacy_cells(cells: pd.Series) -> pd.Series:
    """Per cell: "TCVN3", "VNI" or "" (looks like Unicode Vietnamese, or plain text)."""
    text = cells.fillna("").astype(str)
    tcvn3_count = text.str.count(f"[{_TCVN3}]") + text.str.count(_TCVN3_IN_WORD)
    suspicious = (text.str.count(f"[{_VNI}]") + text.str.count(_VNI_TONES) + tcvn3_count) >= 2
    tcvn3 = tcvn3_count >= 1
    out = pd.Series("", index=cells.index, dtype=object)
    out[suspicious & tcvn3] = "TCVN3"
    out[suspicious & ~tcvn3] = "VNI"
    return out
