"""Reading YAML written by people, safely: the one reader for editions, ``bundle.yaml``,
scenario and costs files.

The YAML is composed into nodes and walked by hand so that (a) every value keeps its line,
(b) a duplicate key is an error instead of a silent overwrite, (c) chosen values stay
exactly as written (``1.10`` is the code "1.10", not the float 1.1), and (d) a hostile file
costs milliseconds: aliases expand to a bounded number of values, nesting is bounded, only
the standard tags are read (no ``!!python/...``), and a value YAML cannot construct (a date
like 2023-02-30) is a located problem, not an exception.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import yaml

from parindex.criteria.paths import Path_, render_path
from parindex.errors import CriteriaError, Problem, quote
from parindex.lang import grouped_facts

#: bounds that keep a hostile file from costing more than milliseconds: values after alias
#: expansion (a real edition has about a thousand), nesting depth, and file size
MAX_VALUES = 20_000
MAX_DEPTH = 40
MAX_FILE_BYTES = 5 * 1024 * 1024
_STANDARD_TAGS = {f"tag:yaml.org,2002:{k}" for k in
                  ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}


class _TooBig(Exception):
    """The document expands to more values than :data:`MAX_VALUES`."""


class _Reader:
    """Turns a composed YAML node tree into plain data plus a path → line map.

    Only the standard tags are read (no ``!!python/...``); a value YAML cannot construct (a
    date like 2023-02-30) is a problem, not an exception; aliases are followed but the
    expanded document is bounded (:data:`MAX_VALUES`), and so is the nesting depth.
    """

    def __init__(self, file: str, text_keys: frozenset[str] | set[str] = frozenset(),
                 as_text: bool = False):
        self.file = file
        self.text_keys = text_keys
        self.as_text = as_text
        self.lines: dict[Path_, int] = {}
        self.problems: list[Problem] = []
        self.values = 0
        self._constructor = yaml.SafeLoader("")

    def read(self, node: yaml.Node, path: Path_ = (), key: str | None = None) -> Any:
        self.lines[path] = node.start_mark.line + 1
        self.values += 1
        if self.values > MAX_VALUES:
            raise _TooBig
        if len(path) > MAX_DEPTH:
            self._problem(path[:4], node, "yaml.nested", None, depth=MAX_DEPTH)
            return None
        if node.tag not in _STANDARD_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            self._problem(path, node, "yaml.tag", tag, tag=quote(tag))
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.read(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        if self.as_text or key in self.text_keys:
            return _nfc(node.value)
        try:
            value = self._constructor.construct_object(node, deep=True)
        except (ValueError, OverflowError, yaml.YAMLError) as exc:
            date = node.tag == "tag:yaml.org,2002:timestamp"  # 2023-02-29: no such day
            self._problem(path, node, "yaml.date" if date else "yaml.value", node.value,
                          quoted=quote(node.value), error=str(exc))
            return None
        return _nfc(value) if isinstance(value, str) else value

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for knode, vnode in node.value:
            if not isinstance(knode, yaml.ScalarNode):
                self._problem(path, knode, "yaml.key_not_text", None)
                continue
            name = _nfc(knode.value)
            if name in out:
                self._problem((*path, name), knode, "yaml.duplicate_key", name, name=name)
                continue
            out[name] = self.read(vnode, (*path, name), name)
        return out

    def _problem(self, path: Path_, node: yaml.Node, code: str, value: object,
                 **facts: Any) -> None:
        line = node.start_mark.line + 1
        self.problems.append(Problem.of(code, self.file, f"line {line}, {render_path(path)}",
                                        field=str(path[-1]) if path else None, value=value,
                                        **facts))


def read_yaml(text: str, file: str, text_keys: frozenset[str] | set[str] = frozenset(),
              as_text: bool = False) -> tuple[Any, dict[Path_, int], list[Problem]]:
    """YAML text → plain data, each value's line by path, and every problem found (none
    raised). The one YAML reader for editions, ``bundle.yaml``, scenario and costs files:
    safe, duplicate keys refused, bounded against alias bombs and deep nesting; the values
    under ``text_keys`` (every value, with ``as_text``) are kept as the exact text written."""
    try:
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        return None, {}, [Problem.of("yaml.invalid", file, where,
                                     error=str(getattr(exc, "problem", exc)))]
    except RecursionError:
        return None, {}, [Problem.of("yaml.nested", file, depth=MAX_DEPTH)]
    if node is None:
        return None, {}, [Problem.of("yaml.empty", file)]
    reader = _Reader(file, text_keys, as_text)
    try:
        data = reader.read(node)
    except _TooBig:
        return None, {}, [Problem.of("yaml.too_big", file, **grouped_facts(n=MAX_VALUES))]
    return data, reader.lines, reader.problems


def read_text_file(path: Path, what: str, limit: int = MAX_FILE_BYTES) -> str:
    """A regular UTF-8 text file of at most ``limit`` bytes, or a :class:`CriteriaError`
    naming it (a device, a folder or a huge file is refused before reading)."""
    try:
        if not path.exists():
            raise CriteriaError([Problem.of("file.no_such", str(path))])
        if not path.is_file():
            raise CriteriaError([Problem.of("file.not_a_file", str(path), what=what)])
        size = path.stat().st_size
        if size > limit:
            raise CriteriaError([Problem.of("file.too_large", path.name, what=what,
                                            **grouped_facts(size=size, limit=limit))])
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:  # where a text editor shows the first bad byte
        line = exc.object[:exc.start].count(b"\n") + 1
        column = exc.start - exc.object.rfind(b"\n", 0, exc.start)
        raise CriteriaError([Problem.of("file.not_utf8", path.name,
                                        f"line {line}, column {column}")]) from None
    except OSError as exc:
        raise CriteriaError([Problem.of("file.unreadable", str(path),
                                        error=exc.strerror)]) from None



def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def read_yaml_file(path: Path, what: str, text_keys: frozenset[str] | set[str] = frozenset(),
                   as_text: bool = False) -> tuple[Any, list[Problem]]:
    """A small YAML file (``bundle.yaml``, a scenario, costs) read by :func:`read_yaml`: its
    data and every problem, the file's own (a device, too big, not UTF-8) included."""
    try:
        text = read_text_file(path, what, limit=MAX_FILE_BYTES)
    except CriteriaError as exc:
        return None, exc.problems
    data, _, problems = read_yaml(text, path.name, text_keys, as_text)
    return data, problems
