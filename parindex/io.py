"""Writing outputs safely: a temporary file beside the target, then an atomic rename.

Nothing the user gave is ever opened for writing; an interrupted write leaves the old file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from parindex.errors import OutputError, Problem, system_reason_vi


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | Path, data: str | bytes, encoding: str = "utf-8") -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename; a
    missing folder is made. An operating-system refusal (a read-only folder, a file where a
    folder should be) is an :class:`OutputError` naming the path and the reason."""
    raw = data.encode(encoding) if isinstance(data, str) else data
    return write_atomic_by(path, lambda tmp: tmp.write_bytes(raw))


def write_atomic_by(path: str | Path, make: Callable[[Path], object]) -> Path:
    """:func:`write_atomic` of a file that ``make`` writes itself, at the temporary path it
    is given (a workbook written row by row, never held whole in memory)."""
    target = Path(path)
    try:
        return _write(target, make)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise OutputError([Problem.of("out.unwritable", str(target), reason=reason,
                                      reason_vi=system_reason_vi(exc))]) from None


def _write(target: Path, make: Callable[[Path], object]) -> Path:
    if target.is_dir():
        raise IsADirectoryError(21, "it is a folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.close(fd)
        make(Path(tmp))
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe.

    Numbers (also written as text, like "-1,5") are left alone; readers of parindex's own
    bundles strip the apostrophe again (:func:`unsafe_cell`).

    >>> safe_cell("=HYPERLINK(1)"), safe_cell("-1,5"), safe_cell("Xã An")
    ("'=HYPERLINK(1)", '-1,5', 'Xã An')
    """
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    try:
        float(value.replace(",", ".").replace(" ", ""))
        return value
    except ValueError:
        return "'" + value


def unsafe_cell(text: str) -> str:
    """Undo :func:`safe_cell` on reading: ``'=x`` → ``=x``."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text
