"""Units scored but not ranked (``units.ranked`` no, e.g. a special agency)."""

from __future__ import annotations

import csv
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from parindex.analysis.plan import parse_target, plan
from parindex.analysis.uncertainty import uncertainty
from parindex.cli import app
from parindex.errors import EvidenceError
from parindex.pipeline import open_run
from parindex.report.tables import league_frames, results_frame
from parindex.samples.sample import sample_root
from parindex.scoring.run import Run

SAMPLE = sample_root() / "2024"
LEFT_OUT = "SM02"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2024 sample with SM02 marked not ranked in units.csv."""
    out = tmp_path_factory.mktemp("ranked") / "2024"
    shutil.copytree(SAMPLE, out)
    with (out / "units.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["ranked"] = "không" if r["code"] == LEFT_OUT else "có"
    with (out / "units.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return out


@pytest.fixture(scope="module")
def runs(bundle: Path) -> tuple[Run, Run]:
    return open_run(SAMPLE), open_run(bundle)


def test_scored_and_banded_but_not_ranked(runs: tuple[Run, Run]) -> None:
    full, part = runs
    i = part.unit_index(LEFT_OUT)
    assert part.scores.index[i] == full.scores.index[i]
    assert part.band_name(i) == full.band_name(i)
    assert np.isnan(part.scores.rank[i])
    assert np.isnan(part.scores.group_rank[i])
    r = part.unit_result(i)
    assert r["rank"] is None
    assert r["group_rank"] is None
    assert r["band"] is not None


def test_others_rank_as_if_it_were_absent(runs: tuple[Run, Run]) -> None:
    full, part = runs
    i = part.unit_index(LEFT_OUT)
    others = np.arange(len(part.units)) != i
    gone = full.scores.rank[i]
    expect = np.where(full.scores.rank > gone, full.scores.rank - 1, full.scores.rank)
    assert part.scores.rank[others].tolist() == expect[others].tolist()
    assert sorted(part.scores.rank[others].tolist()) == list(range(1, len(part.units)))
    assert part.to_json()["units"][-1]["code"] == LEFT_OUT  # listed after the ranked units


def test_tables_keep_whole_ranks_and_a_blank(runs: tuple[Run, Run]) -> None:
    _, part = runs
    df = results_frame(part, "vi")
    ranks = df["Hạng"].tolist()
    assert ranks[-1] is None
    assert all(isinstance(r, int) for r in ranks[:-1])
    for _, frame in league_frames(part, "vi"):
        for col in ("Hạng", "Hạng chung"):
            assert all(v is None or isinstance(v, int) for v in frame[col])


def test_rank_target_is_refused_band_target_works(runs: tuple[Run, Run]) -> None:
    _, part = runs
    i = part.unit_index(LEFT_OUT)
    with pytest.raises(EvidenceError, match="is not ranked"):
        plan(part, i, parse_target("rank:1", part.edition))
    p = plan(part, i, parse_target("Xuất sắc", part.edition))
    assert p.reachable()
    assert p.after.band_name(i) == "Xuất sắc"


def test_rank_targets_ignore_the_unranked(runs: tuple[Run, Run]) -> None:
    """rank:2 for the unit ranked third aims at the second ranked unit's index, not at the
    unranked SM02's, which lies between them in the full sample."""
    _, part = runs
    third = int(np.flatnonzero(part.scores.rank == 3)[0])
    second = int(np.flatnonzero(part.scores.rank == 2)[0])
    p = plan(part, third, parse_target("rank:2", part.edition))
    assert p.result.goal.value == pytest.approx(round(float(part.scores.index[second]), 6))
    assert p.after.scores.rank[third] <= 2


def test_uncertainty_leaves_it_unranked(runs: tuple[Run, Run]) -> None:
    _, part = runs
    u = uncertainty(part, draws=100, seed=2)
    i = part.unit_index(LEFT_OUT)
    assert np.isnan(u.rank[:, i]).all()
    assert np.isnan(u.group_rank[:, i]).all()
    others = np.delete(u.rank, i, axis=1)
    assert np.nanmax(others) <= len(part.units) - 1
    row = next(r for r in u.summary() if r["code"] == LEFT_OUT)
    assert row["rank_median"] is None
    assert sum(row["band_probability"].values()) == 1.0


def test_cli_and_template_keep_the_column(bundle: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "t.xlsx"
    result = runner.invoke(app, ["template", "xa-2024", "--units", str(bundle / "units.csv"),
                                 "--out", str(out), "--year", "2024"])
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook

    ws = load_workbook(out)["units"]
    head = [c.value for c in ws[1]]
    assert head[-1] == "Được xếp hạng"
    rows = {r[0]: r[-1] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows[LEFT_OUT] == "không"
    assert rows["SM01"] == "có"
    refused = runner.invoke(app, ["plan", str(bundle), LEFT_OUT, "--target", "rank:1",
                                  "--lang", "en"])
    assert refused.exit_code == 1
    assert "is not ranked" in refused.output


def test_inputs_replace_recomputes_ranked(runs: tuple[Run, Run]) -> None:
    full, _ = runs
    units = full.inputs.units.assign(ranked=full.inputs.units["code"] != "SM01")
    rerun = Run.from_inputs(replace(full.inputs, units=units), full.bundle)
    assert np.isnan(rerun.scores.rank[rerun.unit_index("SM01")])
