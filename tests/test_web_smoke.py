"""The workspace end to end through the API: import, results equal ``parindex score``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("django")

from web_support import client_for

pytestmark = pytest.mark.django_db


def _score(path: Path) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-m", "parindex", "score", str(path), "--format",
                          "json"], capture_output=True, text=True, check=True).stdout
    return json.loads(out)  # type: ignore[no-any-return]


def test_results_are_the_score_of_the_bundle(cycle: Any) -> None:
    from parindex.samples.sample import sample_bundles

    c = client_for("noivu")
    got = c.get(f"/api/cycles/{cycle.id}/results").json()
    want = _score(next(p for p in sample_bundles() if p.name == "2024"))
    assert got == want
