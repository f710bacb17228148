"""Places in an edition's YAML: a path of keys and list positions, shown as users read it."""

from __future__ import annotations

Path_ = tuple[str | int, ...]


def render_path(path: Path_) -> str:
    """``areas[0].criteria[1].score``.

    >>> render_path(("areas", 0, "criteria", 1, "score")), render_path(())
    ('areas[0].criteria[1].score', '(top)')
    """
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top)"
