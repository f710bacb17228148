"""Load a criteria edition: read its YAML (:mod:`parindex.criteria.yaml_file`: safe,
bounded, duplicate keys rejected, codes kept as written — ``1.10`` is the code "1.10"),
validate it against the model and the whole-tree checks, every problem located by file, YAML
path and line, and compile it. Compiled editions are cached in memory (by file,
modification time and size) and on disk (:mod:`parindex.criteria.cache`, by content), so
loading a known edition imports neither the model nor pydantic."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parindex.criteria import cache
from parindex.criteria.compiled import TEXT_KEYS, CompiledEdition, compile_edition
from parindex.criteria.invalid_words import detail_vi
from parindex.criteria.paths import Path_, render_path
from parindex.criteria.yaml_file import read_text_file, read_yaml
from parindex.errors import CriteriaError, Problem, quote

if TYPE_CHECKING:
    from parindex.criteria.model import Edition

#: keys whose scalar values are kept as the exact text written
_TEXT_KEYS = set(TEXT_KEYS)


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
        return None, lines, [Problem.of("criteria.not_mapping", file, "line 1")]
    from pydantic import ValidationError

    from parindex.criteria.model import Edition

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
            value = _value_at(data, path) if err["type"] != "missing" else None
            shown = f": {quote(value)}" if value is not None and \
                not isinstance(value, (dict, list)) else ""
            field = str(path[-1]) if path else None
            if err["type"] == "extra_forbidden":
                found = Problem.of("criteria.unknown_key", file, where, field=field, value=value,
                                   name=path[-1], shown=shown)
            elif err["type"] == "missing":
                found = Problem.of("criteria.missing_key", file, where, field=field,
                                   name=err["loc"][-1])
            else:
                found = Problem.of("criteria.invalid", file, where, field=field, value=value,
                                   detail=err["msg"].removeprefix("Value error, "), shown=shown,
                                   detail_vi=detail_vi(err["msg"].removeprefix("Value error, ")))
            problems.append(found)
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
    from parindex.criteria.checks import semantic_problems

    edition, lines, problems = parse_edition(text, file)
    if edition is None:
        return None, problems
    problems = semantic_problems(edition, file, lines)
    errors = [p for p in problems if p.severity == "error"]
    return (None if errors else edition), problems


def check_edition_file(path: Path) -> tuple[CompiledEdition | None, list[Problem]]:
    """``criteria check`` of one file: the compiled edition when it has no errors, and every
    problem (a file that cannot be read is one problem, not an exception)."""
    try:
        text = read_text_file(path, "criteria")
    except CriteriaError as exc:
        return None, exc.problems
    edition, problems = check_edition_text(text, path.name)
    compiled = None if edition is None else compile_edition(edition, str(path), text)
    return compiled, problems


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
    raise CriteriaError([Problem.of("criteria.no_such", text, value=text,
                                    ids=", ".join(shipped_ids()))])


def load_edition(ref: str | Path, base: Path | None = None) -> CompiledEdition:
    """Load, validate and compile an edition by id or path; raises CriteriaError."""
    path = resolve(ref, base)
    stat = path.stat()
    return _load_cached(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _load_cached(path: str, _mtime: int, _size: int) -> CompiledEdition:
    """The compiled edition of a file, cached by path, modification time and size (a file
    changed on disk is read again), and on disk by content."""
    file = Path(path)
    try:
        content: bytes | None = file.read_bytes() if file.is_file() else None
    except OSError:
        content = None  # read_text_file says why
    if content is not None:
        known = cache.read_entry(content)
        if known is not None:
            return replace(known, source=str(file))
    text = read_text_file(file, "criteria")
    edition, problems = check_edition_text(text, file.name)
    if edition is None:
        raise CriteriaError([p for p in problems if p.severity == "error"])
    compiled = compile_edition(edition, source=str(file), text=text)
    if content is not None and text.encode("utf-8") == content:
        cache.write_entry(content, compiled)
    return compiled
