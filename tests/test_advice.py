"""The report's "up to the next band" block: the fewest changes that reach it."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from parindex.analysis.advice import Advice, Move, advice, next_band
from parindex.analysis.plan import Target, plan
from parindex.report.html import _advice_block, build_report
from parindex.scoring.run import Run


@pytest.fixture(scope="module")
def run(sample_run: Run) -> Run:
    return sample_run


@pytest.fixture(scope="module")
def advised(run: Run) -> list[Advice]:
    return advice(run)


def test_every_band_has_units_to_advise(run: Run) -> None:
    """The sample spans several bands, so the tests below see every kind of card."""
    bands = set(run.scores.band.tolist())
    assert 0 in bands
    assert len(bands) >= 3


def test_target_is_the_band_above(run: Run, advised: list[Advice]) -> None:
    names = run.edition.band_names()
    for i, a in enumerate(advised):
        own = int(run.scores.band[i])
        if own == 0:
            assert a.target is None
            assert a.moves == ()
        else:
            want = names[own - 1] if own > 0 else names[-1]
            assert a.target == want
            assert a.target_min == run.edition.model.bands[names.index(want)].min


def test_moves_are_the_plan_and_reach_the_band(run: Run, advised: list[Advice]) -> None:
    """Each card's changes are `parindex plan UNIT --target BAND`'s, and re-scored with
    them the unit reaches that band."""
    checked = 0
    for i, a in enumerate(advised):
        if a.target is None:
            continue
        p = plan(run, i, Target("band", a.target_min, a.target))
        assert sorted((m.criterion, m.after) for m in a.moves) == \
            sorted((c["criterion"], c["to"]) for c in p.to_json()["changes"])
        assert a.reachable == p.reachable()
        if a.reachable:
            after = p.after
            assert after.scores.index[i] >= a.target_min - 1e-9
            assert after.band_name(i) == a.target or \
                int(after.scores.band[i]) < int(run.scores.band[i])
            assert a.index_after == pytest.approx(float(after.scores.index[i]), abs=1e-9)
        checked += 1
    assert checked >= 10


def test_no_band_aims_at_the_lowest(run: Run) -> None:
    from dataclasses import replace

    i = 0
    scores = replace(run.scores, band=np.where(np.arange(len(run.units)) == i, -1,
                                               run.scores.band))
    assert next_band(replace(run, scores=scores), i) == len(run.edition.model.bands) - 1


def _text(block: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", block)).strip()


def test_block_reachable_vi() -> None:
    a = Advice("Tốt", 80.0, True, (Move("1.3", "Tự kiểm tra", "75.2", "100", 2.0),), 80.47)
    text = _text(_advice_block(a, "Khá", "vi"))
    assert text.startswith("Nâng lên mức trên")
    assert "Để đạt Tốt (từ 80,00%): 1 thay đổi" in text
    assert "1.3 Tự kiểm tra: 75,2 → 100 (+2,00)" in text
    assert "Chỉ số sau các thay đổi: 80,47%." in text


def test_block_unreachable_en_and_blank_input() -> None:
    a = Advice("Excellent", 90.0, False, (Move("2.1", "Rules", "", "yes", 1.0),), 85.5)
    text = _text(_advice_block(a, "Good", "en"))
    assert text.startswith("Up to the next band")
    assert "Excellent (90.00% or more) cannot be reached by criteria alone" in text
    assert "to 85.50%" in text
    assert "2.1 Rules: (blank) → yes (+1.00)" in text


def test_block_top_band() -> None:
    a = Advice(None, math.nan, False, (), math.nan)
    assert "Đơn vị đã ở mức cao nhất (Xuất sắc)." in _text(_advice_block(a, "Xuất sắc", "vi"))


def test_block_escapes_names() -> None:
    a = Advice("Tốt", 80.0, True, (Move("1.1", "<script>x</script>", "", "có", 1.0),), 81.0)
    block = _advice_block(a, "Khá", "vi")
    assert "<script>" not in block
    assert "&lt;script&gt;x&lt;/script&gt;" in block


def test_report_has_a_block_per_card(run: Run, advised: list[Advice]) -> None:
    page = build_report([run], "vi")
    assert page.count('<div class="advice">') == len(run.units)
    i = next(k for k, a in enumerate(advised) if a.target and a.reachable)
    card = page[page.index(f'id="unit-{run.units["code"].iloc[i]}"'):]
    card = card[:card.index("</article>")]
    assert f"Để đạt {advised[i].target}" in _text(card)
    for m in advised[i].moves:
        assert m.criterion in card
