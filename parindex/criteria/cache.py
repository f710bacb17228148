"""Compiled editions cached on disk, so that loading one needs neither YAML parsing nor
pydantic validation (a national score starts about a third of a second sooner).

An entry is keyed by the SHA-256 of the edition file's bytes and lives in the user's cache
folder: ``$XDG_CACHE_HOME/parindex/editions/`` (``~/.cache/parindex/editions/`` when the
variable is unset). Shipped editions and a user's own files are cached alike, on first load.
An entry records a fingerprint of the code that wrote it (this package's compiler, rules and
model sources, Python and numpy versions) and a digest of its payload; an entry that does
not match — stale, truncated, corrupt, or for other content — is ignored and rebuilt, never
trusted. A folder that cannot be written leaves loading uncached, silently.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np

from parindex.criteria.compiled import CompiledEdition

#: the first line of every entry; a change of layout changes it
MAGIC = b"parindex compiled edition 1\n"
#: the sources whose code decides what a compiled edition holds
_SOURCES = ("compiled.py", "rule_math.py", "rules.py", "model.py", "checks.py", "keys.py",
            "yaml_file.py", "cache.py")


def cache_dir() -> Path:
    """The folder of compiled editions: ``XDG_CACHE_HOME`` when set and absolute, else
    ``%LOCALAPPDATA%`` on Windows, else ``~/.cache``."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    local = os.environ.get("LOCALAPPDATA", "") if os.name == "nt" else ""
    if base and Path(base).is_absolute():
        root = Path(base)
    elif local and Path(local).is_absolute():
        root = Path(local)
    else:
        root = Path.home() / ".cache"
    return root / "parindex" / "editions"


@lru_cache(maxsize=1)
def fingerprint() -> bytes:
    """What must match for an entry to be used: the code that compiled it and the versions
    its pickle depends on."""
    h = hashlib.sha256(f"{sys.version_info[:2]} {np.__version__}".encode())
    here = Path(__file__).parent
    for name in _SOURCES:
        h.update((here / name).read_bytes())
    return h.hexdigest().encode()


def entry_path(content: bytes) -> Path:
    return cache_dir() / f"{hashlib.sha256(content).hexdigest()}.pickle"


def read_entry(content: bytes) -> CompiledEdition | None:
    """The cached compiled edition of an edition file's ``content``, or None when there is
    none or it does not check out (wrong fingerprint or digest, unreadable, not an edition).
    """
    try:
        data = entry_path(content).read_bytes()
    except OSError:
        return None
    head, sep, rest = data.partition(b"\n")
    finger, sep2, payload = rest.partition(b"\n")
    header_ok = sep and sep2 and head + b"\n" == MAGIC and finger == fingerprint()
    if not header_ok or payload[:64] != hashlib.sha256(payload[64:]).hexdigest().encode():
        return None
    try:
        edition = pickle.loads(payload[64:])  # the user's own cache, digest checked
    except Exception:  # a damaged entry is rebuilt, whatever its damage
        return None
    return edition if isinstance(edition, CompiledEdition) else None


def write_entry(content: bytes, edition: CompiledEdition) -> None:
    """Save a compiled edition for ``content`` (atomically: a temporary file, then a rename);
    a folder that cannot be written is left alone."""
    payload = pickle.dumps(edition, protocol=pickle.HIGHEST_PROTOCOL)
    data = MAGIC + fingerprint() + b"\n" + hashlib.sha256(payload).hexdigest().encode() + payload
    save_file(entry_path(content), data)


def save_file(target: Path, *parts: bytes | memoryview) -> bool:
    """Write a cache entry (its ``parts`` one after the other, never joined in memory)
    atomically (a temporary file readable by its owner alone, then a rename); False, and
    nothing left behind, when the folder cannot be written."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".entry.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.writelines(parts)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True
