"""Criteria editions: the model, its JSON Schema, the loader and the shipped editions.

The pydantic model (:mod:`parindex.criteria.model`) is imported by name where it is needed,
not here: a compiled edition read from the cache is scored without it.
"""

from parindex.criteria.compiled import CompiledEdition, Leaf, NodeInfo, parse_calendar_date
from parindex.criteria.loader import (
    check_edition_file,
    check_edition_text,
    load_edition,
    parse_edition,
    resolve,
    shipped_dir,
    shipped_ids,
)
from parindex.criteria.serialise import edition_json
from parindex.criteria.yaml_file import read_yaml, read_yaml_file

__all__ = [
    "CompiledEdition", "Leaf", "NodeInfo", "check_edition_file", "check_edition_text",
    "edition_json", "load_edition", "parse_calendar_date", "parse_edition", "read_yaml",
    "read_yaml_file", "resolve", "shipped_dir", "shipped_ids",
]
