"""JSON results as bytes: a national report is tens of megabytes, which need not be decoded
to text only for stdout to encode them again."""

from __future__ import annotations

import os
import sys
from typing import Any


def json_bytes(data: Any) -> bytes:
    """:func:`parindex.cli.common.dump_json` as UTF-8 bytes (the same layout)."""
    import orjson

    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY
                        | orjson.OPT_NON_STR_KEYS)


def write_utf8(*parts: bytes) -> None:
    """UTF-8 text to stdout: to its byte stream when it writes UTF-8 with ``\\n`` line ends
    (the same bytes, sooner), through its text layer otherwise."""
    stream = sys.stdout
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    if encoding == "utf8" and os.linesep == "\n" and hasattr(stream, "buffer"):
        stream.flush()
        for part in parts:
            stream.buffer.write(part)
    else:
        stream.write(b"".join(parts).decode())
