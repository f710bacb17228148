"""Checked bundles cached on disk, so that a command run again on the same bundle neither
reads nor checks it again (a national bundle: about 2 s of reading and checking, against
a few hundredths of a second to load an entry).

An entry is keyed by the SHA-256 of every file the bundle's reader reads (their names and
bytes: ``bundle.yaml`` and each table's CSV file, or the workbook), the path as given and
as an absolute path, the options that change checking (``--criteria``, ``--owner``), and a
fingerprint of the code that read and checked it (the sources of the reading, checking and
criteria code, the words, Python's, numpy's and pandas' versions). It holds the read
bundle, the engine's inputs and every problem (warnings included), so that output is the
same, byte for byte and in either language, as without it; and the digest of the edition
file it was checked against: an entry whose edition file changed since is not used.

Entries live beside the compiled editions (:mod:`parindex.criteria.cache`), in
``$XDG_CACHE_HOME/parindex/bundles/``; the :data:`KEEP` most recently used are kept. An entry
is written atomically (a temporary file, then a rename); one that cannot be read, is
damaged, or was written by other code is ignored and rebuilt, never an error. A folder that
cannot be written leaves commands uncached. ``PARINDEX_NO_CACHE=1`` turns the cache off.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import sys
import zlib
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from parindex.criteria import cache as edition_cache
from parindex.criteria.compiled import CompiledEdition
from parindex.errors import Problem
from parindex.evidence.inputs import Inputs
from parindex.evidence.read_csv import MAX_CSV_BYTES
from parindex.evidence.tables import TABLES, Bundle

#: the first line of every entry; a change of layout changes it
MAGIC = b"parindex checked bundle 1\n"
#: how many entries are kept (the least recently used beyond these are removed)
KEEP = 8
#: the folders and files whose code decides what an entry holds (relative to the package)
_SOURCES = ("evidence", "criteria", "errors.py", "words.py", "lang.py", "io.py",
            "pipeline.py")
_EDITION = "edition"  # the persistent id of the edition in an entry's inputs


def enabled() -> bool:
    """Whether the cache is used (``PARINDEX_NO_CACHE`` unset, empty or ``0``)."""
    return os.environ.get("PARINDEX_NO_CACHE", "").strip() in ("", "0")


def cache_dir() -> Path:
    """The folder of checked bundles, beside the compiled editions'."""
    return edition_cache.cache_dir().parent / "bundles"


@lru_cache(maxsize=1)
def fingerprint() -> bytes:
    """What must match for an entry to be used: the code that read and checked it and the
    versions its pickle depends on."""
    h = hashlib.sha256(f"{sys.version_info[:2]} {np.__version__} {pd.__version__}".encode())
    root = Path(__file__).resolve().parent.parent
    for name in _SOURCES:
        path = root / name
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            h.update(str(file.relative_to(root)).encode() + b"\0" + file.read_bytes())
    return h.hexdigest().encode()


def _read_files(path: Path) -> list[tuple[str, Path]] | None:
    """The files the bundle's reader reads, by name; None for a bundle not cached."""
    if path.is_dir():
        return [(name, path / name) for name in ("bundle.yaml", *(f"{t}.csv" for t in TABLES))]
    if path.suffix.lower() == ".xlsx" and path.is_file():
        return [("", path)]
    return None


def bundle_key(path: Path, options: Sequence[str | None]) -> str | None:
    """The key of a bundle's entry: its files' names and bytes, its path, the options and the
    code; None when the bundle is not cached (not a folder or workbook, a file unreadable or
    too large: the reader says why)."""
    files = _read_files(path)
    if files is None:
        return None
    h = hashlib.sha256(fingerprint())
    h.update(repr((str(path), os.path.abspath(path), tuple(options))).encode())
    for name, file in files:
        try:
            if not file.is_file():
                h.update(f"{name} absent\n".encode())
                continue
            if file.stat().st_size > MAX_CSV_BYTES:
                return None
            data = file.read_bytes()
        except OSError:
            return None
        h.update(f"{name} {len(data)} ".encode() + hashlib.sha256(data).digest())
    return h.hexdigest()


def edition_digest(edition: CompiledEdition) -> str | None:
    """The SHA-256 of the edition's file, None when it has none to read."""
    try:
        return hashlib.sha256(Path(edition.source).read_bytes()).hexdigest()
    except (OSError, ValueError, TypeError):
        return None


def entry_path(key: str) -> Path:
    return cache_dir() / f"{key}.pickle"


# -- tables packed as codes: a column of a few thousand distinct texts in 136,161 rows is
# stored (and loaded) as its distinct texts once and a small whole number per row


def _pack(df: pd.DataFrame) -> Any:
    """A bundle table, its text columns as codes and distinct texts."""
    if not df.columns.is_unique:
        return df
    columns: list[tuple[Any, str, Any, Any]] = []
    for name in df.columns:
        s = df[name]
        if s.dtype == object:
            codes, uniques = pd.factorize(s.to_numpy(), use_na_sentinel=False)
            if all(type(u) is str for u in uniques):
                small = codes.astype(np.min_scalar_type(max(len(uniques) - 1, 0)))
                columns.append((name, "codes", small, np.asarray(uniques, dtype=object)))
                continue
        values = s.to_numpy() if s.dtype == np.int64 else None  # not a category's texts
        if values is not None and len(values) and np.array_equal(
                values, np.arange(values[0], values[0] + len(values))):
            columns.append((name, "range", int(values[0]), len(values)))  # the row numbers
            continue
        columns.append((name, "as_is", s.array, None))
    return (columns, df.index, dict(df.attrs))


def _unpack(packed: Any) -> pd.DataFrame:
    if isinstance(packed, pd.DataFrame):
        return packed
    columns, index, attrs = packed
    data: dict[Any, Any] = {}
    for name, kind, values, extra in columns:
        if kind == "codes":
            data[name] = pd.Series(extra[values], index=index, dtype=object)
        elif kind == "range":
            data[name] = pd.Series(np.arange(values, values + extra, dtype=np.int64),
                                   index=index)
        else:
            data[name] = pd.Series(values, index=index, copy=False)
    df = pd.DataFrame(data, index=index, columns=[c[0] for c in columns])
    df.attrs.update(attrs)
    return df


# -- entries


def read_entry(key: str, edition_of: Callable[[Bundle], CompiledEdition]
               ) -> tuple[Bundle, Inputs, list[Problem]] | None:
    """The checked bundle of ``key`` (``edition_of`` finds its edition as the command does),
    or None when there is none or it does not check out, or its edition file changed."""
    try:
        data = entry_path(key).read_bytes()
    except OSError:
        return None
    start = _payload(data)
    if start is None:
        return None
    try:
        stream = io.BytesIO(data)  # shares the bytes read, no copy
        stream.seek(start)
        digest, bundle, packed = pickle.load(stream)  # the user's own cache, checksummed
        bundle = replace(bundle, tables={n: _unpack(p) for n, p in packed.items()})
    except Exception:  # a damaged entry is rebuilt, whatever its damage
        return None
    edition = edition_of(bundle)  # raises as it would without the cache
    if digest is None or digest != edition_digest(edition):
        return None
    try:
        inputs, problems = _EditionUnpickler(stream, edition).load()
    except Exception:
        return None
    _touch(entry_path(key))
    if not isinstance(inputs, Inputs) or not isinstance(problems, list):
        return None
    return bundle, inputs, problems


def _payload(data: bytes) -> int | None:
    """Where the payload of an entry starts, when its header and checksum check out (the
    payload is not copied: an entry of a national bundle is tens of megabytes)."""
    ends = [data.find(b"\n")]
    for _ in range(2):
        ends.append(data.find(b"\n", ends[-1] + 1) if ends[-1] >= 0 else -1)
    if min(ends) < 0 or data[:ends[0] + 1] != MAGIC or data[ends[0] + 1:ends[1]] != fingerprint():
        return None
    payload = memoryview(data)[ends[2] + 1:]
    if data[ends[1] + 1:ends[2]] != f"{len(payload)} {zlib.crc32(payload)}".encode():
        return None
    return ends[2] + 1


def write_entry(key: str, bundle: Bundle, inputs: Inputs, problems: list[Problem]) -> None:
    """Save a checked bundle under ``key`` and keep the :data:`KEEP` most recent entries; a
    folder that cannot be written is left alone."""
    digest = edition_digest(inputs.edition)
    if digest is None:
        return
    stream = io.BytesIO()
    packed = {name: _pack(df) for name, df in bundle.tables.items()}
    pickle.dump((digest, replace(bundle, tables={}), packed), stream,
                protocol=pickle.HIGHEST_PROTOCOL)
    _EditionPickler(stream, inputs.edition).dump((inputs, problems))
    payload = stream.getbuffer()  # the pickled bytes as they are, not a copy
    head = (MAGIC + fingerprint() + b"\n" + f"{len(payload)} {zlib.crc32(payload)}".encode()
            + b"\n")
    target = entry_path(key)
    if edition_cache.save_file(target, head, payload):
        _prune(target.parent)


def _touch(path: Path) -> None:
    """Mark an entry as just used (its modification time orders the entries)."""
    with contextlib.suppress(OSError):
        os.utime(path)


def _prune(folder: Path) -> None:
    """Remove every entry but the :data:`KEEP` most recently used."""
    try:
        entries = [(p.stat().st_mtime_ns, p) for p in folder.glob("*.pickle")]
        entries.sort(reverse=True)
        for _, p in entries[KEEP:]:
            p.unlink(missing_ok=True)
    except OSError:
        return


class _EditionPickler(pickle.Pickler):
    """Pickles the inputs without their edition (found again when the entry is read)."""

    def __init__(self, file: io.BytesIO, edition: CompiledEdition):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.edition = edition

    def persistent_id(self, obj: Any) -> str | None:
        return _EDITION if obj is self.edition else None


class _EditionUnpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, edition: CompiledEdition):
        super().__init__(file)
        self.edition = edition

    def persistent_load(self, pid: Any) -> Any:
        if pid != _EDITION:
            raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")
        return self.edition
