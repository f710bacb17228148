"""`parindex uncertainty`: Monte Carlo ranks — nominal without noise, reproducible by seed."""

from __future__ import annotations

import json
import re
from typing import Literal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import parindex.analysis.uncertainty as unc
from parindex.analysis.uncertainty import Tolerance, uncertainty
from parindex.cli import app
from parindex.pipeline import open_run
from parindex.samples.sample import sample_root
from parindex.scoring.rank import rank, row_ranks
from parindex.scoring.run import Run

SAMPLE = sample_root() / "2024"
runner = CliRunner()


@pytest.fixture(scope="module")
def run(sample_run: Run) -> Run:
    return sample_run


class TestNominal:
    """Zero perturbation gives every unit its nominal rank, band and a zero-width band."""

    def test_zero_perturbation(self, run: Run) -> None:
        u = uncertainty(run, draws=50, seed=3, tolerance=Tolerance.parse("0"), weights=0.0)
        s = run.scores
        assert np.array_equal(u.rank, np.broadcast_to(s.rank, u.rank.shape))
        assert np.array_equal(u.group_rank, np.broadcast_to(s.group_rank, u.rank.shape))
        for row in u.summary():
            assert row["rank_median"] == row["rank_p5"] == row["rank_p95"] == row["rank"]
            assert row["group_rank_p5"] == row["group_rank_p95"] == row["group_rank"]
            assert row["band_probability"][row["band"]] == 1.0

    def test_zero_tolerance_on_every_other_year(self) -> None:
        """Also with the survey rebased (2019, no survey) and another edition (xa-2017)."""
        for year in (2019, 2021):
            r = open_run(sample_root() / str(year))
            u = uncertainty(r, draws=5, tolerance=Tolerance.parse("none"), weights=0.0)
            assert np.array_equal(u.rank[0], r.scores.rank)
            assert np.array_equal(u.band[0], r.scores.band)


class TestReproducible:
    """The same seed gives the same output, whatever the chunk size."""

    def test_same_seed(self, run: Run) -> None:
        a = uncertainty(run, draws=200, seed=11)
        b = uncertainty(run, draws=200, seed=11)
        assert a.to_json() == b.to_json()
        c = uncertainty(run, draws=200, seed=12)
        assert not np.array_equal(a.rank, c.rank)

    def test_chunking_does_not_matter(self, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
        a = uncertainty(run, draws=60, seed=5)
        monkeypatch.setattr(unc, "_CELLS_PER_CHUNK", 1)  # one draw per chunk
        b = uncertainty(run, draws=60, seed=5)
        assert np.array_equal(a.rank, b.rank)
        assert np.array_equal(a.band, b.band)

    def test_noise_spreads_ranks(self, run: Run) -> None:
        u = uncertainty(run, draws=300, seed=1, tolerance=Tolerance(5, 10, 0.3, 0.3),
                        weights=0.3)
        widths = [r["rank_p95"] - r["rank_p5"] for r in u.summary()]
        assert max(widths) > 0
        assert all(1 <= r <= len(run.units) for r in u.rank.ravel())


def _reference_draw(run: Run, seed: int, draws: int, d: int, tol: Tolerance,
                    weights: float) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``d`` the plain way: perturb each cell by its kind, score every leaf with the
    engine's leaf_points, weight, aggregate and rank with the engine's functions."""
    from parindex.evidence.parse import leaf_kinds
    from parindex.evidence.states import NA, VALUE
    from parindex.scoring.engine import leaf_points

    ed, s = run.edition, run.scores
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(draws)[d])
    w_leaf = np.ones(len(ed.leaves))
    if weights:
        area_max = np.array([a.max for a in ed.areas])
        scaled = area_max * rng.uniform(1 - weights, 1 + weights, len(area_max))
        w_leaf = (scaled * (ed.scale / scaled.sum()) / area_max)[ed.area_of]
    u = rng.random((len(ed.leaves), len(run.units)), dtype=np.float32)
    x = np.where(s.state == VALUE, run.inputs.x_appr, 0.0)
    for leaf, kind in zip(ed.leaves, leaf_kinds(ed), strict=True):
        j, uj, x0 = leaf.index, u[leaf.index].copy(), x[:, leaf.index].copy()
        if kind == "percent":
            uj *= 2 * tol.percent
            uj -= tol.percent
            new = np.clip(x0 + uj, 0, 100)
            new = np.where((x0 <= 0) | (x0 >= 100), x0, new)
        elif kind == "number":
            uj *= 2 * tol.number / 100
            uj -= tol.number / 100
            new = np.maximum(x0 * (uj + 1), 0)
        elif kind == "boolean":
            new = np.where(uj < tol.step, 1 - x0, x0)
        else:
            p = tol.count if kind == "count" else tol.step
            step = (uj >= 1 - p / 2).astype(int) - (uj < p / 2)
            if kind == "count":
                new = np.maximum(x0 + step, 0)
            elif kind == "points":
                new = np.clip(x0 + step * leaf.max / 4, 0, leaf.max)
            else:
                pts = leaf.kind.apply(np.arange(len(leaf.keys), dtype=float), leaf.max,
                                      leaf.score)
                order = np.argsort(pts, kind="stable")
                r = np.clip(np.argsort(order)[x0.astype(int)] + step, 0, len(order) - 1)
                new = order[r].astype(float)
        x[:, j] = np.where(s.state[:, j] == VALUE, new, x0)
    pts = leaf_points(ed, x, s.state)
    pts[ed.survey[None, :] & (s.state == NA) & (not run.inputs.survey_run)] = 0.0
    pts = pts * w_leaf
    applicable = (s.leaf_applicable * w_leaf).sum(axis=1)
    total = np.clip(pts.sum(axis=1) + s.bonus - s.penalty, 0, applicable)
    key = np.round(total / applicable * 100, 6)
    groups = run.units["group"].to_numpy()
    return rank(key, None, ed.model.ties), rank(key, groups, ed.model.ties)


class TestAgainstReference:
    """The chunked, stacked computation equals a plain draw-by-draw reference."""

    @pytest.mark.parametrize("weights", [0.0, 0.3])
    def test_draws_match(self, run: Run, weights: float) -> None:
        tol = Tolerance(percent=8, number=10, count=0.4, step=0.4)
        u = uncertainty(run, draws=6, seed=9, tolerance=tol, weights=weights)
        for d in range(6):
            ranks, group_ranks = _reference_draw(run, 9, 6, d, tol, weights)
            np.testing.assert_array_equal(u.rank[d], ranks)
            np.testing.assert_array_equal(u.group_rank[d], group_ranks)
        assert not np.array_equal(u.rank[0], run.scores.rank)


class TestSameBits:
    """The leaf-by-leaf simulation adds and draws exactly as the stacked one did."""

    @pytest.mark.parametrize("n", [*range(1, 20), 64, 127, 128, 129, 130, 300])
    def test_pairwise_is_numpys_sum(self, n: int) -> None:
        rng = np.random.default_rng(n)
        arr = rng.random((3, 50, n)) * rng.choice([1e-3, 1.0, 1e3], size=(3, 50, n))
        terms = [arr[..., k] for k in range(n)]
        assert np.array_equal(unc._pairwise(terms), np.ascontiguousarray(arr).sum(axis=-1))
        run_sum = terms[0] + unc._pairwise(terms[1:]) if n > 1 else terms[0]
        assert np.array_equal(run_sum, np.add.reduceat(arr, [0], axis=-1)[..., 0])

    @pytest.mark.parametrize("n", [1, 2, 7, 44 * 14])
    def test_random_bits_are_the_generators_uniforms(self, n: int) -> None:
        ours, theirs = (np.random.default_rng(np.random.SeedSequence(4).spawn(3)[2])
                        for _ in range(2))
        for g in (ours, theirs):
            g.uniform(0.9, 1.1, 7)  # the area weights come first
        bits = np.empty(n, dtype=np.uint32)
        unc._random_bits(ours, n, bits)
        assert np.array_equal(unc._uniform(bits), theirs.random(n, dtype=np.float32))

    @pytest.mark.parametrize("c", [0.0, 0.05, 0.1, 0.2, 0.95, 0.5, 1.0, 1 - 0.1 / 2, 2.0**-24,
                                   3 * 2.0**-24, 1 - 2.0**-24, 0.3 / 2])
    def test_below_reads_the_bits(self, c: float) -> None:
        rng = np.random.default_rng(8)
        bits = rng.integers(0, 2**32, 20_000, dtype=np.uint32)
        k = int(np.ceil(c * 2**24))  # the bits on both sides of the cut
        edge = np.array([max(k - 1, 0), k, min(k + 1, 2**24 - 1)], dtype=np.uint32) << 8
        bits = np.concatenate([bits, edge, edge | 255, np.array([0, 2**32 - 1], np.uint32)])
        assert np.array_equal(unc._below(bits, np.float64(c)), unc._uniform(bits) < np.float64(c))

    def test_ranks_are_row_ranks(self) -> None:
        rng = np.random.default_rng(3)
        keys = np.round(rng.choice([50.0, 60.0, 70.5, np.nan], size=(20, 30)), 6)
        groups = rng.integers(0, 4, 30)
        for ties in ("min", "dense"):
            overall, within = unc._ranks(keys, groups, ties)
            assert np.array_equal(overall, row_ranks(keys, np.zeros(30, int), ties),
                                  equal_nan=True)
            assert np.array_equal(within, row_ranks(keys, groups, ties), equal_nan=True)

    def test_bands_by_search(self) -> None:
        from parindex.scoring.rank import assign_bands

        keys = np.array([[95.0, 90.0, 89.999999, 10.0, np.nan, 80.0, 0.0]])
        for mins in ([90.0, 80.0, 55.0], [80.0, 90.0], [50.0]):
            m = np.array(mins)
            assert np.array_equal(unc._bands(keys, m), assign_bands(keys.ravel(), m)[None])


class TestRowRanks:
    """Ranking every draw at once agrees with the engine's ranking, ties and groups included."""

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.sampled_from([np.nan, 50.0, 60.0, 60.0, 70.5, 90.0]), min_size=1,
                    max_size=12),
           st.sampled_from(["min", "dense"]), st.integers(1, 3))
    def test_matches_engine(self, values: list[float], ties: Literal["min", "dense"],
                            n_groups: int) -> None:
        keys = np.array(values)
        groups = np.arange(len(keys)) % n_groups
        got = row_ranks(np.stack([keys, keys[::-1]]), groups, ties)
        np.testing.assert_array_equal(got[0], rank(keys, groups, ties))
        np.testing.assert_array_equal(got[1], rank(keys[::-1], groups, ties))


class TestTolerance:
    """--tolerance parses KEY=VALUE pairs; 0 switches appraisal noise off."""

    def test_parse(self) -> None:
        assert Tolerance.parse(None) == Tolerance()
        assert Tolerance.parse("percent=5, count=0,2") == Tolerance(percent=5, count=0.2)
        assert Tolerance.parse("0").is_zero()
        for bad in ("percent", "speed=1", "count=2", "percent=x"):
            with pytest.raises(ValueError, match=re.escape(f'"{bad}"')):  # quotes what it read
                Tolerance.parse(bad)


class TestUncertaintyCLI:
    """`parindex uncertainty` in each format; bad flags are usage errors."""

    def test_json(self) -> None:
        res = runner.invoke(app, ["uncertainty", str(SAMPLE), "--draws", "100", "--seed",
                                  "2", "-f", "json"])
        assert res.exit_code == 0, res.output
        data = json.loads(res.stdout)
        assert data["draws"] == 100
        assert len(data["units"]) == 14
        first = data["units"][0]
        assert {"rank_median", "rank_p5", "rank_p95", "band_probability"} <= set(first)
        assert sum(first["band_probability"].values()) == pytest.approx(1.0)

    @pytest.mark.parametrize("fmt", ["table", "csv"])
    def test_table_and_csv(self, fmt: str) -> None:
        res = runner.invoke(app, ["uncertainty", str(SAMPLE), "-n", "50", "-f", fmt,
                                  "--lang", "en", "--tolerance", "0", "--weights", "0"])
        assert res.exit_code == 0, res.output
        assert "Median rank" in res.stdout

    def test_bad_tolerance(self) -> None:
        res = runner.invoke(app, ["uncertainty", str(SAMPLE), "--tolerance", "speed=3"])
        assert res.exit_code == 2


class TestPercentiles:
    """Rank percentiles: ranked columns at once, unranked (all NaN) stay NaN, and any column
    with some NaN is read as ``nanpercentile`` reads it."""

    @pytest.mark.parametrize("mixed", [False, True])
    def test_same_as_nanpercentile(self, mixed: bool) -> None:
        rng = np.random.default_rng(5)
        arr = rng.integers(1, 40, size=(301, 9)).astype(float)
        if mixed:
            arr[:, 2] = np.nan  # an unranked unit
            arr[::7, 5] = np.nan  # some draws missing
        expected = np.nanpercentile(arr, [5, 50, 95], axis=0, method="inverted_cdf") \
            if not mixed else np.stack([
                np.full(3, np.nan) if np.isnan(col).all() else
                np.nanpercentile(col, [5, 50, 95], method="inverted_cdf") for col in arr.T], 1)
        before = arr.copy()
        got = unc._percentiles(arr)
        assert np.array_equal(got, expected, equal_nan=True)
        assert np.array_equal(arr, before, equal_nan=True)  # the draws are left as they were
        assert got[1, 0] == float(np.median(arr[:, 0]))  # 301 draws: the median is one
