"""Criteria the office can write in Excel: an edition to a workbook and back (issue #11).

:func:`export_edition` writes a shipped or given edition as a workbook
(:mod:`~parindex.criteria.workbook_write`); :func:`import_edition` reads one back
(:mod:`~parindex.criteria.workbook_read`), writes the edition file's YAML and runs the same
checks as ``parindex criteria check`` on it, each problem placed by sheet and cell. Export
then import is exact: the imported edition loads to the same ``criteria show --format json``
as the original.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from parindex.criteria.loader import check_edition_text
from parindex.criteria.paths import Path_, render_path
from parindex.criteria.workbook_read import read_workbook
from parindex.criteria.workbook_write import edition_workbook
from parindex.errors import Problem

_LOCATION = re.compile(r"^(?:line \d+, )?(.*?)(?: \(code .*\))?$")
_LAST_PART = re.compile(r"(\.[^.\[\]]*|\[\d+\])$")
_CELL = re.compile(r"^(.*)!([A-Z]+)(\d+)")


class _Flow(dict[str, Any]):
    """A mapping written on one line (``{min: 90, name: Tốt}``)."""


class _Dumper(yaml.SafeDumper):
    pass


def _number(dumper: yaml.SafeDumper, value: float) -> yaml.Node:
    """A whole float as a whole number (``max: 2``, not ``max: 2.0``); it reads back equal."""
    if value.is_integer() and abs(value) < 1e15:
        return dumper.represent_int(int(value))
    return dumper.represent_float(value)


_Dumper.add_representer(float, _number)
_Dumper.add_representer(_Flow, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map",
                                                                 v.items(), flow_style=True))


def _flowing(data: Any, key: str | None = None) -> Any:
    """The small mappings (validity, bands, inputs and rules) written on one line."""
    if isinstance(data, list):
        return [_flowing(item, key) for item in data]
    if not isinstance(data, dict):
        return data
    if key in ("valid", "bands", "input", "score"):
        return _Flow(data)
    return {k: _flowing(v, k) for k, v in data.items()}


def edition_yaml(data: dict[str, Any], source: str) -> str:
    """An edition's data as the text of an edition file."""
    body = yaml.dump(_flowing(data), Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=100)
    return f"# Bộ chỉ số đọc từ sổ tính {source} (parindex criteria import)\n{body}"


def export_edition(ed: Any, lang: str = "vi") -> bytes:
    """A compiled edition as workbook bytes (see :mod:`~parindex.criteria.workbook_write`)."""
    return edition_workbook(ed, lang)


def import_edition(path: Path) -> tuple[str | None, list[Problem]]:
    """A workbook → the edition file's YAML text (None when it has errors) and every problem,
    those of the edition checker placed at the sheet and cell they come from."""
    data, reader = read_workbook(path)
    if data is None or any(p.severity == "error" for p in reader.problems):
        return None, sorted(reader.problems, key=_place)
    text = edition_yaml(data, path.name)
    edition, found = check_edition_text(text, path.name)
    located = [_located(p, reader.cells, path.name) for p in found]
    problems = reader.problems + located
    return (text if edition is not None else None), problems


def _place(p: Problem) -> tuple[str, int, int, str]:
    """Problems in the order of the workbook: by sheet, row, then column."""
    m = _CELL.match(p.location)
    if m is None:
        return ("", 0, 0, p.location)
    return (m.group(1), int(m.group(3)), len(m.group(2)), m.group(2))


def _cell_for(location: str, cells: dict[Path_, str]) -> str:
    """The sheet and cell of an edition file's place (``areas[0].criteria[1].score``): the
    innermost part of the path that a cell was read for."""
    rendered = {render_path(path): cell for path, cell in cells.items()}
    m = _LOCATION.match(location)
    where = m.group(1) if m else location
    while where and where not in rendered:
        shorter = _LAST_PART.sub("", where)
        if shorter == where:
            break
        where = shorter
    return rendered.get(where, "meta")


def _located(p: Problem, cells: dict[Path_, str], file: str) -> Problem:
    return Problem.of("critbook.check", file, _cell_for(p.location, cells), field=p.field,
                      value=p.value, severity=p.severity, hint=p.hint, message=p.message)


__all__ = ["edition_yaml", "export_edition", "import_edition"]
