"""An edition as data: the JSON of ``parindex criteria show --format json`` (CONTRACT §1)."""

from __future__ import annotations

from typing import Any

from parindex.criteria.compiled import CompiledEdition


def edition_json(ed: CompiledEdition) -> dict[str, Any]:
    """The edition as loaded, in the shape of CONTRACT §1, with what the file may leave out
    filled in: every node's max (a parent's is its children's sum), each leaf's survey flag
    and not-applicable policy as inherited, an open ``valid.until`` as null, the survey answer
    weights of an edition with survey inputs."""
    data = ed.model.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["valid"]["until"] = ed.model.valid.until
    nodes = {n.code: n for n in ed.nodes}

    def fill(node: dict[str, Any]) -> dict[str, Any]:
        info = nodes[node["code"]]
        out = {k: v for k, v in node.items() if k not in ("criteria", "children")}
        out["max"] = info.max
        if info.is_leaf:
            leaf = ed.leaves[info.leaves[0]]
            out["survey"], out["not_applicable"] = leaf.survey, leaf.na
        for key in ("criteria", "children"):
            if key in node:
                out[key] = [fill(child) for child in node[key]]
        return out

    data["areas"] = [fill(area) for area in data["areas"]]
    if any(leaf.input_kind == "survey" for leaf in ed.leaves):  # the weights it scores with
        data.setdefault("survey_answers", dict(ed.survey_answers))
    return data


__all__ = ["edition_json"]
