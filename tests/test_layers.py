"""The house plan as a rule (docs/ARCHITECTURE.md): each room imports only the rooms below it,
and no two files or rooms import each other.

Every import is read from the source (also those inside functions and under
``TYPE_CHECKING``), so a lazy import is no way around a layer.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "parindex"

#: the light modules every room may use: they import nothing of parindex but each other
#: (io reports a refused write as an error; words uses lang)
BASE = {"errors", "io", "lang", "words"}

#: room → the rooms it may import, besides itself and BASE (errors renders problems from the
#: words table; words uses lang; no cycle among them, as the test below checks)
ALLOWED: dict[str, set[str]] = {
    "errors": {"words"}, "io": {"errors"}, "lang": set(), "words": {"lang"},
    "criteria": set(),
    "evidence": {"criteria"},
    "samples": {"criteria", "evidence"},
    "scoring": {"criteria", "evidence"},
    "pipeline": {"criteria", "evidence", "scoring"},
    "analysis": {"criteria", "evidence", "scoring", "pipeline"},
    "report": {"criteria", "evidence", "scoring", "pipeline", "analysis"},
    "cli": {"criteria", "evidence", "samples", "scoring", "pipeline", "analysis", "report",
            "web"},
    "web": {"criteria", "evidence", "samples", "scoring", "pipeline", "analysis", "report"},
    "__main__": {"cli"},
}


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every parindex module a file imports (``from parindex.x import y`` counts ``x.y``
    when ``y`` is a module, else ``x``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = _module(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if _exists(sub) else base)
    return {m for m in found if m == "parindex" or m.startswith("parindex.")}


def _exists(module: str) -> bool:
    rel = Path(*module.split("."))
    return (PACKAGE.parent / rel.with_suffix(".py")).is_file() or \
        (PACKAGE.parent / rel / "__init__.py").is_file()


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


FILES = sorted(p for p in PACKAGE.rglob("*.py"))
GRAPH = {_module(p): _imports(p) - {_module(p)} for p in FILES}


def test_every_room_is_known() -> None:
    rooms = {_room(m) for m in GRAPH} - {""}
    assert rooms <= set(ALLOWED), f"rooms missing from the plan: {rooms - set(ALLOWED)}"


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_only_rooms_below(module: str) -> None:
    room = _room(module)
    if not room:
        return
    allowed = ALLOWED[room] | BASE | {room}
    if room in BASE:
        allowed = ALLOWED[room] | {room}
    wrong = sorted(m for m in GRAPH[module] if _room(m) not in allowed)
    assert not wrong, f"{module} ({room}) may not import {wrong}"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_two_files_import_each_other() -> None:
    # a package's __init__ is the package itself, which its own modules may not import
    assert _cycles(GRAPH) == []


def test_no_two_rooms_import_each_other() -> None:
    rooms: dict[str, set[str]] = {}
    for module, deps in GRAPH.items():
        rooms.setdefault(_room(module), set()).update(
            _room(d) for d in deps if _room(d) != _room(module))
    assert _cycles(rooms) == []


def test_no_lazy_module_attributes() -> None:
    """No module-level ``__getattr__``: a name is imported where it is used."""
    lazy = [str(p.relative_to(PACKAGE)) for p in FILES
            if any(isinstance(n, ast.FunctionDef) and n.name == "__getattr__"
                   for n in ast.parse(p.read_text(encoding="utf-8")).body)]
    assert lazy == []


def test_the_rules_catch_a_violation() -> None:
    """The checker itself: a made-up graph with a cycle and an upward import is caught."""
    graph = {"parindex.scoring.a": {"parindex.report.b"},
             "parindex.report.b": {"parindex.scoring.a"}}
    assert _cycles(graph) == [["parindex.report.b", "parindex.scoring.a"]]
    assert "report" not in ALLOWED["scoring"]


#: the longest function and module the house accepts (docs/ARCHITECTURE.md); a module may be
#: longer when its first lines say why ("Longer than 300 lines because ...")
MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 300


def test_functions_are_short() -> None:
    long = []
    for path in FILES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                if size > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name} {size}")
    assert long == []


def test_long_modules_say_why() -> None:
    silent = []
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        doc = ast.get_docstring(ast.parse(text)) or ""
        if text.count("\n") > MAX_MODULE_LINES and "Longer than 300 lines because" not in doc:
            silent.append(f"{path.relative_to(PACKAGE)} ({text.count(chr(10))} lines)")
    assert silent == []
