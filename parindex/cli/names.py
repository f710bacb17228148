"""Names a user types on the command line — unit codes and names, bands, groups, owners —
matched forgivingly: case, accents and separators do not matter (``tot`` is ``Tốt``,
``sm07`` is ``SM07``); a near miss is a problem that asks ``có phải … ?``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from parindex.scoring.run import Run


def pick(given: str, names: dict[str, str] | list[str], what: str,
         file: str = "units") -> str:
    """The name ``given`` means among ``names`` (a list, or a mapping of names a user may
    type → the name meant, e.g. unit names → codes): exact, else the one equal when case,
    accents and separators are folded away (``tot`` = ``Tốt``, ``sm07`` = ``SM07``). A
    near miss raises a problem ``có phải … ?`` naming the closest; ``what`` is ``unit``,
    ``band``, ``group`` or ``owner`` (the words ``problem.pick.WHAT``)."""
    import difflib
    import unicodedata

    from parindex.criteria.keys import fold_key
    from parindex.errors import not_among

    meant = names if isinstance(names, dict) else {n: n for n in names}
    text = unicodedata.normalize("NFC", given).strip()
    if text in meant:
        return meant[text]
    folded: dict[str, set[str]] = {}
    for name, target in meant.items():
        folded.setdefault(fold_key(name), set()).add(target)
    found = folded.get(fold_key(text), set())
    if len(found) == 1:
        return found.pop()
    close = difflib.get_close_matches(fold_key(text), list(folded), n=3, cutoff=0.6)
    shown = list(dict.fromkeys([*sorted(found), *(n for c in close for n in sorted(folded[c]))]))
    raise not_among(what, given, shown, list(dict.fromkeys(meant.values())), file)


def unit_of(run: Run, unit: str) -> int:
    """The row of the unit a user named: its code or name, case and accents ignored."""
    codes = [str(c) for c in run.units["code"]]
    names = {**{str(n): c for n, c in zip(run.units["name"], codes, strict=True)},
             **{c: c for c in codes}}
    return codes.index(pick(unit, names, "unit"))
