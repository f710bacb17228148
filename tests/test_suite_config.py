"""The suite's own settings: hypothesis profiles, strict pytest options, registered markers."""

from __future__ import annotations

import pytest
from conftest import hypothesis_profile
from hypothesis import settings


@pytest.mark.parametrize(("environ", "profile"), [
    ({}, "dev"),
    ({"CI": "true"}, "ci"),
    ({"CI": "True"}, "ci"),
    ({"CI": "false"}, "dev"),
    ({"HYPOTHESIS_PROFILE": "ci"}, "ci"),
    ({"HYPOTHESIS_PROFILE": "dev", "CI": "true"}, "dev"),
])
def test_profile_chosen_from_the_environment(environ: dict[str, str], profile: str) -> None:
    assert hypothesis_profile(environ) == profile


def test_ci_profile_runs_more_examples_derandomized_and_without_deadline() -> None:
    dev, ci = settings.get_profile("dev"), settings.get_profile("ci")
    assert ci.max_examples > dev.max_examples
    assert ci.derandomize
    assert ci.deadline is None
    assert dev.deadline is None


def test_the_loaded_profile_is_the_chosen_one() -> None:
    import os

    chosen = settings.get_profile(hypothesis_profile(os.environ))
    loaded = settings.default
    assert loaded is not None
    assert loaded.max_examples == chosen.max_examples
    assert loaded.derandomize == chosen.derandomize


def test_pytest_is_strict(pytestconfig: pytest.Config) -> None:
    """Unknown markers and config keys are errors; so is every warning not ignored by name."""
    addopts = pytestconfig.getini("addopts")
    assert "--strict-markers" in addopts
    assert "--strict-config" in addopts
    filters = pytestconfig.getini("filterwarnings")
    assert filters[0] == "error"
    assert all(f.startswith("ignore:") and len(f.split(":")[1]) > 10 for f in filters[1:])


def test_slow_marker_is_registered(pytestconfig: pytest.Config) -> None:
    assert any(m.startswith("slow:") for m in pytestconfig.getini("markers"))
