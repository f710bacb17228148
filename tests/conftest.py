"""Collect ``tests/cases/*.yaml``: scoring cases written as data (OpenFisca-style YAML tests).

A case file holds ``cases:``, a list of cases. Each case gives an edition (an inline mapping,
inline YAML text, a shipped id, or a path relative to ``tests/cases``), a year, the bundle's
tables as lists of rows, and what to expect per unit::

    cases:
      - name: plan completion bands, 90 is not above 90
        edition: {...}                 # or xa-2024, or editions/small.yaml
        year: 2024                     # optional, default 2024
        units: [{code: A, name: Xã A, type: xa, group: G1}]
        evidence: [{unit: A, criterion: "1.1", value: "90"}]
        one_stop: [...]                # optional tables, rows as mappings
        reports: [...]
        adjustments: [...]
        changes: [{unit: A, criterion: "1.1", value: "95"}]   # optional: run.with_changes
        tolerance: 1e-6                # optional, absolute, for numbers
        expect:
          A: {leaves: {"1.1": 1}, self_leaves: {...}, nodes: {"1": 3}, total: 3, index: 30,
              band: Yếu, rank: 1, group_rank: 1, missing: [], not_applicable: [],
              areas: {"1": {points: 3, max: 10, index: 30}}}
        expect_order: [A, B]           # optional: unit order of the score JSON (by rank)
        expect_error: "substring"      # instead of expect: open_run must fail with this text
        expect_warnings: ["substring"] # optional: each text is in some warning (English)

Scalars are read as YAML 1.2 would (``yes``, ``no``, ``x``, ``on`` stay text; only
``true``/``false`` are booleans) so evidence cells are written to the CSV as typed.
Every mismatch of a case is reported at once, each naming the unit and the key.
"""

from __future__ import annotations

import csv
import math
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, settings

if TYPE_CHECKING:
    from parindex.scoring.run import Run

#: the workspace's fixtures (a cycle, accounts, signed-in clients)
pytest_plugins = ["web_support"]

# ---------------------------------------------------------------------------- hypothesis

#: ``dev`` (the default): few examples of the expensive properties, a quick local run;
#: ``ci`` (``CI=true``): more, derandomized, so a CI failure reproduces. Neither has a
#: deadline (a loaded machine must not fail a test). Property tests that write and score
#: bundles take the profile's ``max_examples``; cheap ones keep their own count in both.
#: Choose one with ``HYPOTHESIS_PROFILE=dev|ci``.
_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile("dev", max_examples=10, deadline=None, suppress_health_check=_HEALTH)
settings.register_profile("ci", max_examples=50, deadline=None, derandomize=True,
                          database=None, print_blob=True, suppress_health_check=_HEALTH)


def hypothesis_profile(environ: Mapping[str, str]) -> str:
    """``HYPOTHESIS_PROFILE`` if set, else ``ci`` when ``CI=true``, else ``dev``."""
    return environ.get("HYPOTHESIS_PROFILE") or (
        "ci" if environ.get("CI", "").lower() == "true" else "dev")


settings.load_profile(hypothesis_profile(os.environ))

# compiled editions are cached in the user's cache folder (parindex.criteria.cache): the
# suite keeps its own, so it neither reads a stale one of the user's nor fills theirs
if "PARINDEX_TEST_CACHE" not in os.environ:
    os.environ["PARINDEX_TEST_CACHE"] = tempfile.mkdtemp(prefix="parindex-cache-")
    os.environ["XDG_CACHE_HOME"] = os.environ["PARINDEX_TEST_CACHE"]
# checked bundles are not cached (parindex.evidence.cache) but where a test says so
# (tests/test_bundle_cache.py): a test that changes how a bundle is read must see it read
os.environ.setdefault("PARINDEX_NO_CACHE", "1")

CASES_DIR = Path(__file__).parent / "cases"
DEFAULT_TOLERANCE = 1e-6
TABLE_COLUMNS = {
    "units": ["code", "name", "type", "group"],
    "evidence": ["unit", "criterion", "value", "appraised", "source", "note"],
    "one_stop": ["unit", "carried_over", "received_online", "received_direct",
                 "received_post", "resolved_early", "resolved_on_time", "resolved_late",
                 "pending_in_time", "pending_overdue", "returned"],
    "reports": ["unit", "report", "submitted"],
    "adjustments": ["unit", "kind", "points", "reason"],
    "survey": ["unit", "respondent", "question", "answer"],
}
UNIT_KEYS = {"total", "index", "band", "rank", "group_rank", "self_points", "appraised_points",
             "survey_points", "applicable_max", "bonus", "penalty", "missing",
             "not_applicable", "name", "type", "group"}
LEAF_KEYS = {"leaves", "self_leaves", "nodes", "areas"}
CASE_KEYS = {"name", "edition", "year", "units", "evidence", "one_stop", "reports",
             "adjustments", "survey", "changes", "tolerance", "expect", "expect_order",
             "expect_error", "authority", "expect_warnings"}


class CaseLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans: ``yes``/``no``/``on``/``off`` stay text."""


CaseLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
CaseLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"))


# ---------------------------------------------------------------------------- shared objects


@pytest.fixture(scope="session")
def sample_runs() -> list[Run]:
    """Every year of the shipped sample district, scored once per session (read only)."""
    from parindex.pipeline import open_run
    from parindex.samples.sample import sample_bundles

    return [open_run(p) for p in sample_bundles()]


@pytest.fixture(scope="session")
def sample_run(sample_runs: list[Run]) -> Run:
    """The sample district's 2024 run (``sample_district/2024``), shared read only."""
    run = sample_runs[-1]
    assert run.year == 2024
    return run


class CaseMismatch(AssertionError):
    """A case's results differ from its expectations; carries every difference."""


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.File | None:
    if file_path.suffix == ".yaml" and file_path.parent == CASES_DIR:
        return CaseFile.from_parent(parent, path=file_path)
    return None


class CaseFile(pytest.File):
    def collect(self) -> Iterator[CaseItem]:
        data = yaml.load(self.path.read_text(encoding="utf-8"), Loader=CaseLoader)
        if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
            raise pytest.UsageError(f"{self.path.name}: expected a mapping with 'cases:' list")
        seen: set[str] = set()
        for i, case in enumerate(data["cases"]):
            name = str(case.get("name") or f"case {i + 1}")
            if name in seen:
                raise pytest.UsageError(f"{self.path.name}: two cases are named {name!r}")
            seen.add(name)
            unknown = set(case) - CASE_KEYS
            if unknown:
                raise pytest.UsageError(f"{self.path.name}: case {name!r} has unknown keys "
                                        f"{sorted(unknown)}")
            yield CaseItem.from_parent(self, name=name, case=case)


class CaseItem(pytest.Item):
    def __init__(self, *, case: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        from parindex.errors import CriteriaError, EvidenceError
        from parindex.pipeline import open_run
        from parindex.scoring.run import Change

        case = self.case
        with tempfile.TemporaryDirectory(prefix="parcase-") as tmp:
            bundle = write_bundle(case, Path(tmp), self.path.parent)
            want_error = case.get("expect_error")
            try:
                run = open_run(bundle)
                if case.get("changes"):
                    run = run.with_changes([Change(str(c["unit"]), str(c["criterion"]),
                                                   _cell(c["value"]))
                                            for c in case["changes"]])
            except (CriteriaError, EvidenceError) as exc:
                if want_error is None:
                    raise
                if str(want_error) not in str(exc):
                    raise CaseMismatch(f"expected an error containing {want_error!r}, "
                                       f"got {type(exc).__name__}:\n{exc}") from None
                return
            if want_error is not None:
                raise CaseMismatch(f"expected an error containing {want_error!r}, "
                                   "but the bundle scored without error")
            problems = compare(run, case)
            if problems:
                raise CaseMismatch("\n".join(problems))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        from parindex.errors import ParIndexError

        if isinstance(excinfo.value, CaseMismatch):
            return f"{self.path.name} :: {self.name}\n{excinfo.value}"
        if isinstance(excinfo.value, ParIndexError):
            return (f"{self.path.name} :: {self.name}\nunexpected "
                    f"{type(excinfo.value).__name__}:\n{excinfo.value}")
        return str(super().repr_failure(excinfo, style=style))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"case: {self.name}"


# ---------------------------------------------------------------------------- writing


def _cell(value: Any) -> str:
    """A YAML scalar as the text a user would type in a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _write_table(path: Path, name: str, rows: list[dict[str, Any]]) -> None:
    columns = list(TABLE_COLUMNS[name])
    for row in rows:
        for key in row:
            if key not in columns:
                columns.append(key)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])


def write_bundle(case: dict[str, Any], tmp: Path, cases_dir: Path) -> Path:
    """Write the case's edition and bundle folder under ``tmp``; returns the bundle folder."""
    edition = case.get("edition", "xa-2024")
    bundle = tmp / "bundle"
    bundle.mkdir()
    if isinstance(edition, dict):
        (tmp / "edition.yaml").write_text(yaml.safe_dump(edition, allow_unicode=True,
                                                         sort_keys=False), encoding="utf-8")
        ref = "../edition.yaml"
    elif isinstance(edition, str) and "\n" in edition:
        (tmp / "edition.yaml").write_text(edition, encoding="utf-8")
        ref = "../edition.yaml"
    elif isinstance(edition, str) and edition.endswith((".yaml", ".yml")):
        ref = str((cases_dir / edition).resolve())
    else:
        ref = str(edition)
    meta = {"year": case.get("year", 2024), "edition": ref,
            "authority": case.get("authority", "Test")}
    (bundle / "bundle.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True),
                                        encoding="utf-8")
    _write_table(bundle / "units.csv", "units", case.get("units") or [])
    _write_table(bundle / "evidence.csv", "evidence", case.get("evidence") or [])
    for name in ("one_stop", "reports", "adjustments", "survey"):
        if case.get(name) is not None:
            _write_table(bundle / f"{name}.csv", name, case[name])
    return bundle


# ---------------------------------------------------------------------------- comparing


def _same(expected: Any, actual: Any, tol: float) -> bool:
    if expected is None or actual is None:
        return expected is None and (actual is None or (isinstance(actual, float)
                                                        and math.isnan(actual)))
    if isinstance(expected, bool) or isinstance(actual, bool):
        return bool(expected == actual)
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float, np.number)):
        return abs(float(expected) - float(actual)) <= tol
    if isinstance(expected, list):
        return isinstance(actual, list) and sorted(map(str, expected)) == sorted(map(str, actual))
    return str(expected) == str(actual)


class _Differences:
    """The lines ``compare`` returns: each expectation not met, each name that is not there."""

    def __init__(self, tol: float) -> None:
        self.tol = tol
        self.lines: list[str] = []

    def check(self, where: str, expected: Any, actual: Any) -> None:
        if not _same(expected, actual, self.tol):
            self.lines.append(f"{where}: expected {expected!r}, got {actual!r}")

    def note(self, line: str) -> None:
        self.lines.append(line)


def _compare_leaves(diff: _Differences, run: Any, code: str, i: int, key: str,
                    expected: dict[Any, Any]) -> None:
    """``leaves`` (appraised) or ``self_leaves`` (self-assessed): points per leaf."""
    ed = run.edition
    table = run.scores.leaf_appr if key == "leaves" else run.scores.leaf_self
    for leaf, pts in expected.items():
        j = ed.leaf_index.get(str(leaf))
        if j is None:
            diff.note(f"unit {code}, {key} {leaf}: not a leaf of {ed.id}")
            continue
        diff.check(f"unit {code}, {key} {leaf}", pts, float(table[i, j]))


def _compare_nodes(diff: _Differences, run: Any, code: str, i: int,
                   expected: dict[Any, Any]) -> None:
    """``nodes``: appraised points summed over each node's leaves."""
    ed = run.edition
    for node_code, pts in expected.items():
        node = ed.node(str(node_code))
        if node is None:
            diff.note(f"unit {code}, nodes {node_code}: not a node of {ed.id}")
            continue
        got = float(run.scores.leaf_appr[i, list(node.leaves)].sum())
        diff.check(f"unit {code}, nodes {node_code}", pts, got)


def _compare_areas(diff: _Differences, code: str, result: dict[str, Any],
                   expected: dict[Any, Any]) -> None:
    """``areas``: fields of the unit result's areas, by area code."""
    by_code = {a["code"]: a for a in result["areas"]}
    for area_code, fields in expected.items():
        area = by_code.get(str(area_code))
        if area is None:
            diff.note(f"unit {code}, areas {area_code}: not an area")
            continue
        for field, value in fields.items():
            diff.check(f"unit {code}, areas {area_code} {field}", value, area[field])


def _compare_unit(diff: _Differences, run: Any, code: str, want: dict[str, Any]) -> None:
    """One unit's block of ``expect``, key by key."""
    try:
        i = run.unit_index(code)
    except Exception:  # report as a mismatch, not a crash
        diff.note(f"unit {code}: not in the results")
        return
    result = run.unit_result(i)
    for key, expected in want.items():
        if key in UNIT_KEYS:
            diff.check(f"unit {code}, {key}", expected, result[key])
        elif key in ("leaves", "self_leaves"):
            _compare_leaves(diff, run, code, i, key, expected)
        elif key == "nodes":
            _compare_nodes(diff, run, code, i, expected)
        elif key == "areas":
            _compare_areas(diff, code, result, expected)
        else:
            diff.note(f"unit {code}: unknown expectation key {key!r} "
                      f"(known: {sorted(UNIT_KEYS | LEAF_KEYS)})")


def _compare_order(diff: _Differences, run: Any, expect_order: list[Any]) -> None:
    """``expect_order``: the unit codes in the order the score JSON lists them."""
    order = [u["code"] for u in run.to_json()["units"]]
    wanted = [str(c) for c in expect_order]
    if wanted != order:
        diff.note(f"score JSON unit order: expected {wanted!r}, got {order!r}")


def compare(run: Any, case: dict[str, Any]) -> list[str]:
    """Every difference between the run and the case's ``expect``, one line each."""
    diff = _Differences(float(case.get("tolerance", DEFAULT_TOLERANCE)))
    for code, want in (case.get("expect") or {}).items():
        _compare_unit(diff, run, str(code), want or {})
    if case.get("expect_order") is not None:
        _compare_order(diff, run, case["expect_order"])
    warnings = [p.render("en") for p in run.inputs.problems if p.severity == "warning"]
    for text in case.get("expect_warnings") or []:
        if not any(str(text) in w for w in warnings):
            diff.note(f"no warning contains {text!r}; warnings: {warnings!r}")
    return diff.lines


# ---------------------------------------------------------------------------- the workspace


_CLUSTER: list[Path] = []


def pytest_configure(config: pytest.Config) -> None:
    """Django for the workspace tests (``parindex.web``): settings from the environment,
    the data folder a fresh temporary one per test process, fast password hashing. The
    database of each test is pytest-django's: SQLite (in memory), or with
    ``PARINDEX_TEST_POSTGRES=1`` a throwaway PostgreSQL cluster per test process
    (``tests/pg_cluster.py``)."""
    try:
        import django.conf
    except ImportError:  # the web extra is not installed: the workspace tests skip
        return
    distributing = getattr(config.option, "numprocesses", None) and \
        not hasattr(config, "workerinput")
    if os.environ.get("PARINDEX_TEST_POSTGRES") == "1" and not distributing:
        from pg_cluster import start

        url, folder = start()
        _CLUSTER.append(folder)
        os.environ["PARINDEX_DB"] = url
    os.environ["PARINDEX_DATA"] = tempfile.mkdtemp(prefix="parindex-test-data-")
    os.environ["PARINDEX_WEB_TEST"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.web.settings")
    assert django.conf.settings.INSTALLED_APPS  # configured: pytest-django sets Django up


def pytest_unconfigure() -> None:
    """The throwaway PostgreSQL cluster stopped and removed."""
    if _CLUSTER:
        from pg_cluster import stop

        stop(_CLUSTER.pop())
