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


@pytest.mark.slow
def test_a_generated_national_bundle_round_trips(tmp_path: Path) -> None:
    """The national bundle (3,321 communes, 1.7 million survey answers) imported, then
    exported: ``parindex score`` of the export is the workspace's results, to the last
    digit, and the results are the bundle's own score."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    import generate

    from parindex.web import scores, store

    bundle = generate.generate(out=tmp_path / "national")
    checked, edition = store.read_checked(bundle)
    assert not checked.errors
    cycle = store.import_bundle(checked.bundle, edition, "national", "self_assessment", "test")
    got = scores.results(cycle)
    assert len(got["units"]) == 3321
    exported = _score(store.export_cycle(cycle, tmp_path / "export"))
    assert got == exported
    assert exported == _score(bundle)
