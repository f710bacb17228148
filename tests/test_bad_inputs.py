"""The corpus of broken inputs (tests/fixtures/bad): every mistake is reported, located and
named on one line, with exit code 1 and no traceback.

Each fixture is a one-change copy of a valid original (``criteria/_valid.yaml``,
``bundles/_valid/``); ``manifest.yaml`` says what each one breaks and which parts the message
must hold: the file, the place (line or row), the field or column, the bad value as written,
and a fragment of the message.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from parindex.cli import app

BAD = Path(__file__).parent / "fixtures" / "bad"
MANIFEST: dict[str, dict[str, dict[str, Any]]] = yaml.safe_load(
    (BAD / "manifest.yaml").read_text(encoding="utf-8"))
ERROR_TAG = "error:"
INTERNAL_NAMES = ("OneStopInput", "ReportsInput", "OptionsScore", "BandsScore",
                  "function-after", "instance of", "Traceback")


def _runner() -> CliRunner:
    """The corpus is checked in English (the manifest's message fragments are English);
    tests/test_cli_lang.py checks the same messages in Vietnamese, the default."""
    return CliRunner(env={"NO_COLOR": "1", "FORCE_COLOR": None, "COLUMNS": "200",
                          "PARINDEX_LANG": "en"})


@functools.cache
def _invoke(*args: str) -> Any:
    """Run a command once per argument list (every command here only reads)."""
    return _runner().invoke(app, list(args))


def _fixtures(kind: str) -> list[Any]:
    return [pytest.param(name, spec, id=name) for name, spec in MANIFEST[kind].items()]


def _fixture_names(kind: str) -> list[Any]:
    """The same cases as ``_fixtures``, for tests that need only the file."""
    return [pytest.param(name, id=name) for name in MANIFEST[kind]]


def _assert_reported(result: Any, spec: dict[str, Any]) -> None:
    """Exit 1, no traceback, every expected part on one stderr line, the stated error count."""
    text = result.stderr
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert "Traceback" not in result.output
    parts = [str(p) for p in spec["expect"]]
    lines = [line for line in text.splitlines() if line.startswith(ERROR_TAG)]
    matching = [line for line in lines if all(p in line for p in parts)]
    assert matching, (f"no problem line holds all of {parts}\n"
                      f"problems reported:\n" + "\n".join(lines or [text]))
    assert len(lines) == spec.get("errors", 1), (
        f"expected {spec.get('errors', 1)} error(s) for one mistake, got {len(lines)}:\n"
        + "\n".join(lines))


class TestCorpusIsComplete:
    """Every fixture on disk is in the manifest, with a mistake and expected parts, and back."""

    def test_criteria_files_match_manifest(self) -> None:
        on_disk = {p.name for p in (BAD / "criteria").glob("*.yaml")
                   if not p.name.startswith("_")}
        assert on_disk == set(MANIFEST["criteria"])

    def test_bundle_folders_match_manifest(self) -> None:
        on_disk = {p.name for p in (BAD / "bundles").iterdir()
                   if p.is_dir() and not p.name.startswith("_")}
        assert on_disk == set(MANIFEST["bundles"])

    @pytest.mark.parametrize("kind", ["criteria", "bundles"])
    def test_each_entry_names_its_mistake_and_parts(self, kind: str) -> None:
        for name, spec in MANIFEST[kind].items():
            assert set(spec) <= {"mistake", "expect", "errors"}, name
            assert spec.get("mistake"), name
            assert isinstance(spec.get("expect"), list), name
            assert len(spec["expect"]) >= 2, name


class TestValidOriginals:
    """The unbroken originals pass, so each fixture fails only for its one change."""

    def test_valid_criteria_file_checks_ok(self) -> None:
        result = _invoke("criteria", "check", str(BAD / "criteria" / "_valid.yaml"))
        assert result.exit_code == 0, result.output
        assert "OK" in result.stdout

    def test_bundle_edition_checks_ok(self) -> None:
        result = _invoke("criteria", "check", str(BAD / "bundles" / "tiny.yaml"))
        assert result.exit_code == 0, result.output

    def test_valid_bundle_checks_and_scores(self) -> None:
        bundle = str(BAD / "bundles" / "_valid")
        result = _invoke("check", bundle)
        assert result.exit_code == 0, result.output
        assert "0 error(s), 0 warning(s)" in result.stdout
        result = _invoke("score", bundle, "--format", "json")
        assert result.exit_code == 0, result.output


class TestBrokenCriteria:
    """`parindex criteria check FILE` names the file, YAML line and path, value and rule."""

    @pytest.mark.parametrize(("name", "spec"), _fixtures("criteria"))
    def test_criteria_check_reports_the_mistake(self, name: str, spec: dict[str, Any]) -> None:
        result = _invoke("criteria", "check", str(BAD / "criteria" / name))
        _assert_reported(result, spec)
        assert "OK" not in result.stdout

    @pytest.mark.parametrize("name", _fixture_names("criteria"))
    def test_no_internal_names_in_messages(self, name: str) -> None:
        result = _invoke("criteria", "check", str(BAD / "criteria" / name))
        leaked = [n for n in INTERNAL_NAMES if n in result.output]
        assert not leaked, f"messages name internals {leaked}:\n{result.stderr}"

    @pytest.mark.parametrize(("name", "spec"), _fixtures("criteria"))
    def test_loading_as_edition_fails_the_same_way(self, name: str,
                                                   spec: dict[str, Any]) -> None:
        result = _invoke("criteria", "show", str(BAD / "criteria" / name))
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        parts = [str(p) for p in spec["expect"]]
        assert any(all(p in line for p in parts) for line in result.stderr.splitlines()), \
            result.stderr

    def test_several_files_each_checked(self) -> None:
        """One bad file does not hide the verdict on the others."""
        good = BAD / "criteria" / "_valid.yaml"
        bad = BAD / "criteria" / "duplicate_code.yaml"
        result = _invoke("criteria", "check", str(bad), str(good))
        assert result.exit_code == 1
        assert f"{good}: OK" in result.stdout
        assert "duplicate_code.yaml" in result.stderr

    def test_missing_file_is_an_input_error(self, tmp_path: Path) -> None:
        missing = tmp_path / "nope.yaml"
        result = _invoke("criteria", "check", str(missing))
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        assert "nope.yaml" in result.stderr
        assert "cannot be read" in result.stderr


class TestBrokenBundles:
    """`parindex check BUNDLE` names the file, row, column and the value as written."""

    @pytest.mark.parametrize(("name", "spec"), _fixtures("bundles"))
    def test_check_reports_the_mistake(self, name: str, spec: dict[str, Any]) -> None:
        result = _invoke("check", str(BAD / "bundles" / name))
        _assert_reported(result, spec)
        assert "— OK" not in result.stdout

    @pytest.mark.parametrize(("name", "spec"), _fixtures("bundles"))
    def test_score_refuses_the_bundle(self, name: str, spec: dict[str, Any]) -> None:
        result = _invoke("score", str(BAD / "bundles" / name), "--format", "json")
        assert result.exit_code == 1, result.output
        assert result.stdout == ""
        assert "Traceback" not in result.output
        parts = [str(p) for p in spec["expect"]]
        assert any(all(p in line for p in parts) for line in result.stderr.splitlines()), \
            result.stderr

    def test_check_json_carries_the_problem_fields(self) -> None:
        result = _invoke("check", str(BAD / "bundles" / "percent_120"), "--format", "json")
        assert result.exit_code == 1
        import json

        data = json.loads(result.stdout)
        assert data["errors"] == 1
        errors = [p for p in data["problems"] if p["severity"] == "error"]
        assert errors == [{"severity": "error", "file": "evidence.csv", "location": "row 3",
                           "field": "value", "value": "120", "message": errors[0]["message"],
                           "hint": errors[0]["hint"], "code": errors[0]["code"]}]
        assert "outside 0–100" in errors[0]["message"]

    def test_debug_shows_the_exception(self) -> None:
        """`--debug` lets the error through (a traceback for developers)."""
        result = _invoke("--debug", "check", str(BAD / "bundles" / "no_bundle_yaml"))
        assert result.exit_code != 0
        from parindex.errors import EvidenceError

        assert isinstance(result.exception, EvidenceError)


class TestInputsUnchanged:
    """Checking and scoring every broken input changes none of its bytes."""

    def test_every_fixture_keeps_its_bytes(self) -> None:
        def digest() -> dict[str, str]:
            return {str(p.relative_to(BAD)): hashlib.sha256(p.read_bytes()).hexdigest()
                    for p in sorted(BAD.rglob("*")) if p.is_file()}

        before = digest()
        runner = _runner()
        for name in MANIFEST["criteria"]:
            runner.invoke(app, ["criteria", "check", str(BAD / "criteria" / name)])
        for name in MANIFEST["bundles"]:
            for command in ("check", "score"):
                runner.invoke(app, [command, str(BAD / "bundles" / name)])
        assert digest() == before
