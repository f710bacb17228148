"""The JSON Schema of criteria editions, generated from the pydantic models.

The committed copy, ``edition.schema.json`` beside this file, is what editors use for
completion (``# yaml-language-server: $schema=...``); a test checks it is current. Regenerate
with ``python -m parindex.criteria.schema``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from parindex.criteria.model import Edition

SCHEMA_FILE = Path(__file__).with_name("edition.schema.json")


def edition_schema() -> dict[str, Any]:
    schema = Edition.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://parindex.invalid/edition.schema.json"
    schema["title"] = "parindex criteria edition"
    return schema


def schema_text() -> str:
    return json.dumps(edition_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    from parindex.io import write_atomic

    write_atomic(SCHEMA_FILE, schema_text())
    print(f"wrote {SCHEMA_FILE}")
