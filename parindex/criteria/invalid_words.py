"""Why an edition's value is invalid, in Vietnamese: the model's validators and pydantic
say it in English (``a leaf needs 'max'``, ``Input should be 'rebase' or 'full'``); each
known wording is matched here and said again from the words table, the names and values
it quotes kept as written. A wording not listed stays as it was written."""

from __future__ import annotations

from parindex.words import NUMBER_RULES, reworded

#: the English wording of a reason → its words key (named groups become fields)
_DETAILS = [
    (r"a band needs exactly one of 'min' or 'above'", "invalid.band_bound"),
    (r"a leaf needs (?P<keys>.+)", "invalid.leaf_needs"),
    (r"'children' is empty", "invalid.children_empty"),
    (r"a node with children cannot have (?P<name>'[^']+')", "invalid.node_key"),
    (r"'denominator' applies only to on_time_rate, not (?P<metric>\S+)",
     "invalid.denominator"),
    (r"unknown input (?P<input>.+?) \(known: (?P<known>.+)\)", "invalid.input_unknown"),
    (r"input must be one of (?P<known>.+)", "invalid.input_kind"),
    (r"unknown score kind (?P<kind>'.+?') \(known: (?P<known>.+)\)", "invalid.score_unknown"),
    (r"score kind (?P<kind>'[^']+') needs parameters, e\.g\. (?P<example>.+)",
     "invalid.score_params"),
    (r"score must be one of (?P<known>.+), given as a name or a one-key mapping",
     "invalid.score_kind"),
    (r"calendar date must be MM-DD or \+N:MM-DD, not (?P<value>.+)", "invalid.calendar"),
    (r"Input should be (?P<choices>'[^']+'(?:, '[^']+')*(?: or '[^']+')?)",
     "invalid.choose"),
    (r"Input should be a valid string.*", "invalid.text"),
    (r"Input should be a valid list.*", "invalid.list"),
    (r"Input should be a valid dictionary.*", "invalid.mapping"),
    *NUMBER_RULES,
    (r"Input should be greater than (?P<limit>\S+)", "invalid.above"),
]


def detail_vi(detail: str) -> str | None:
    """A reason in Vietnamese when its wording is known (None otherwise)."""
    return reworded(_DETAILS, detail, "vi")
