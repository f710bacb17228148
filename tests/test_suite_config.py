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
    assert settings.default.max_examples == chosen.max_examples
    assert settings.default.derandomize == chosen.derandomize
