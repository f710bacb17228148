"""Read a criteria edition from YAML: safe loading, duplicate keys rejected, every problem
located by file, YAML path and line.

The YAML is composed into nodes and walked by hand so that (a) every value keeps its line,
(b) a duplicate key is an error instead of a silent overwrite, and (c) codes and mapping keys
stay exactly as written (``1.10`` is the code "1.10", not the float 1.1; ``no:`` is the key
"no", not False).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from parindex.criteria.checks import semantic_problems
from parindex.criteria.compiled import CompiledEdition, compile_edition
from parindex.criteria.model import Edition
from parindex.criteria.paths import Path_, render_path
from parindex.errors import CriteriaError, Problem, quote

#: keys whose scalar values are kept as the exact text written
_TEXT_KEYS = {"code", "edition", "name", "title"}


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
            self._problem(path[:4], node, f"nested more than {MAX_DEPTH} levels deep", None)
            return None
        if node.tag not in _STANDARD_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            self._problem(path, node, f"the YAML tag {quote(tag)} is not allowed here", tag,
                          hint="write plain values, without tags")
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
            self._problem(path, node, f"{quote(node.value)} cannot be read: {exc}", node.value,
                          hint="put text in quotes, e.g. \"2023-11-30\"")
            return None
        return _nfc(value) if isinstance(value, str) else value

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for knode, vnode in node.value:
            if not isinstance(knode, yaml.ScalarNode):
                self._problem(path, knode, "a mapping key must be plain text", None)
                continue
            name = _nfc(knode.value)
            if name in out:
                self._problem((*path, name), knode, f"duplicate key '{name}'", name,
                              hint="each key may appear once in a mapping")
                continue
            out[name] = self.read(vnode, (*path, name), name)
        return out

    def _problem(self, path: Path_, node: yaml.Node, message: str, value: object,
                 hint: str | None = None) -> None:
        line = node.start_mark.line + 1
        self.problems.append(Problem(self.file, f"line {line}, {render_path(path)}", message,
                                     field=str(path[-1]) if path else None, value=value,
                                     hint=hint))


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
        return None, {}, [Problem(file, where, f"not valid YAML: {getattr(exc, 'problem', exc)}")]
    except RecursionError:
        return None, {}, [Problem(file, "", f"nested more than {MAX_DEPTH} levels deep")]
    if node is None:
        return None, {}, [Problem(file, "", "the file is empty")]
    reader = _Reader(file, text_keys, as_text)
    try:
        data = reader.read(node)
    except _TooBig:
        return None, {}, [Problem(file, "", f"the YAML expands to more than {MAX_VALUES:,} "
                                  "values (aliases repeated over and over?)",
                                  hint="write the values out, without aliases")]
    return data, reader.lines, reader.problems


def read_text_file(path: Path, what: str, limit: int = MAX_FILE_BYTES) -> str:
    """A regular UTF-8 text file of at most ``limit`` bytes, or a :class:`CriteriaError`
    naming it (a device, a folder or a huge file is refused before reading)."""
    try:
        if not path.exists():
            raise CriteriaError([Problem(str(path), "", "cannot be read: no such file")])
        if not path.is_file():
            raise CriteriaError([Problem(str(path), "", f"cannot be read as a {what} file: "
                                         "it is a folder or a device, not a file")])
        size = path.stat().st_size
        if size > limit:
            raise CriteriaError([Problem(path.name, "", f"is {size:,} bytes, more than a {what} "
                                         f"file may be ({limit:,})")])
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CriteriaError([Problem(path.name, f"byte {exc.start}", "not UTF-8 text")]) from None
    except OSError as exc:
        raise CriteriaError([Problem(str(path), "", f"cannot be read: {exc.strerror}")]) from None


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _line_for(lines: dict[Path_, int], path: Path_) -> int | None:
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def _data_path(data: Any, loc: tuple[Any, ...]) -> Path_:
    """Keep the parts of a pydantic error location that exist in the data."""
    out: list[str | int] = []
    here = data
    for part in loc:
        in_dict = isinstance(here, dict) and isinstance(part, str) and part in here
        in_list = isinstance(here, list) and isinstance(part, int) and part < len(here)
        if in_dict or in_list:
            out.append(part)
            here = here[part]
        elif isinstance(here, dict) and isinstance(part, str) and out[-1:] != [part]:
            # a key that is not there: missing required key or an unknown one
            if part not in ("function-after", "function-before") and "[" not in part:
                out.append(part)
            break
    return tuple(out)


def _value_at(data: Any, path: Path_) -> Any:
    here = data
    for part in path:
        try:
            here = here[part]
        except (KeyError, IndexError, TypeError):
            return None
    return here


def _code_at(data: Any, path: Path_) -> str | None:
    """The code of the innermost criteria node on ``path``, for messages."""
    code = None
    here = data
    for part in path:
        try:
            here = here[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(here, dict) and "code" in here:
            code = str(here["code"])
    return code


def parse_edition(text: str, file: str) -> tuple[Edition | None, dict[Path_, int], list[Problem]]:
    """Parse and validate one edition's YAML text; every problem found, none raised."""
    data, lines, problems = read_yaml(text, file, _TEXT_KEYS)
    if problems or data is None:
        return None, lines, problems
    if not isinstance(data, dict):
        return None, lines, [Problem(file, "line 1", "an edition must be a mapping")]
    try:
        edition = Edition.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            path = _data_path(data, tuple(err["loc"]))
            line = _line_for(lines, path)
            code = _code_at(data, path)
            where = f"line {line}, {render_path(path)}" if line else render_path(path)
            if code:
                where += f" (code {code})"
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = f"unknown key '{path[-1]}'"
            elif err["type"] == "missing":
                msg = f"missing required key '{err['loc'][-1]}'"
            value = _value_at(data, path) if err["type"] != "missing" else None
            if value is not None and not isinstance(value, (dict, list)):
                msg += f": {quote(value)}"
            problems.append(Problem(file, where, msg, field=str(path[-1]) if path else None,
                                    value=value))
        return None, lines, _dedupe(problems)
    return edition, lines, []


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str]] = set()
    out = []
    for p in problems:
        if (p.location, p.message) not in seen:
            seen.add((p.location, p.message))
            out.append(p)
    return out


def check_edition_text(text: str, file: str) -> tuple[Edition | None, list[Problem]]:
    """Structure, then whole-tree rules. Returns the edition only if it has no errors."""
    edition, lines, problems = parse_edition(text, file)
    if edition is None:
        return None, problems
    problems = semantic_problems(edition, file, lines)
    errors = [p for p in problems if p.severity == "error"]
    return (None if errors else edition), problems


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


def check_edition_file(path: Path) -> tuple[CompiledEdition | None, list[Problem]]:
    """``criteria check`` of one file: the compiled edition when it has no errors, and every
    problem (a file that cannot be read is one problem, not an exception)."""
    try:
        text = read_text_file(path, "criteria")
    except CriteriaError as exc:
        return None, exc.problems
    edition, problems = check_edition_text(text, path.name)
    return (None if edition is None else compile_edition(edition, source=str(path))), problems


def shipped_dir() -> Path:
    return Path(str(resources.files("parindex.criteria") / "editions"))


def shipped_ids() -> list[str]:
    """Ids of the editions shipped with the package, sorted."""
    return sorted(p.stem for p in shipped_dir().glob("*.yaml"))


def resolve(ref: str | Path, base: Path | None = None) -> Path:
    """An edition id or a file path → the file. Paths are tried relative to ``base`` first."""
    text = str(ref)
    candidates = []
    if base is not None and not Path(text).is_absolute():
        candidates.append(base / text)
    candidates.append(Path(text))
    candidates.append(shipped_dir() / f"{text}.yaml")
    for c in candidates:
        try:
            if c.is_file():
                return c
        except OSError:  # a name too long for a path is simply not a file
            continue
    raise CriteriaError([Problem(text, "", "no such edition file or shipped edition id",
                                 value=text, hint="shipped: " + ", ".join(shipped_ids()))])


def load_edition(ref: str | Path, base: Path | None = None) -> CompiledEdition:
    """Load, validate and compile an edition by id or path; raises CriteriaError."""
    path = resolve(ref, base)
    stat = path.stat()
    return _load_cached(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _load_cached(path: str, _mtime: int, _size: int) -> CompiledEdition:
    """The compiled edition of a file, cached by path, modification time and size (a file
    changed on disk is read again)."""
    file = Path(path)
    text = read_text_file(file, "criteria")
    edition, problems = check_edition_text(text, file.name)
    if edition is None:
        raise CriteriaError([p for p in problems if p.severity == "error"])
    return compile_edition(edition, source=str(file))
