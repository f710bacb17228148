"""The bundled sample district: fictional communes of a fictional province, 2019–2024.

Fifteen communes in two districts (the ranking groups), scored on ``xa-2017`` for 2019–2020
and ``xa-2024`` from 2021, so trends cross the edition change. In 2024 two communes of Sông
Mây merge into one (bundle table ``lineage``). No survey was run in 2019, so that year's
survey block is rebased; in 2020 (``xa-2017``) the survey results are evidence values, and from
2021 (``xa-2024``, whose survey leaves are ``{survey: [...]}`` inputs) they are computed from a
generated questionnaire table, ``survey.csv`` (:func:`parindex.samples.synth.synth_tables`).
The 2024 one-stop rows are quarterly (:func:`quarterly`): they add up
to the year's figures the other years' way of drawing gives, so every score is what one
whole-year row per unit would give. Every name is invented.

The committed bundles under ``sample_district/`` are written by :func:`generate`
(``python -m parindex.samples.sample``).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

AUTHORITY = "Sở Nội vụ tỉnh Sơn Ngọc (hư cấu)"
YEARS = range(2019, 2025)
G1, G2 = "Huyện Sông Mây", "Huyện Núi Ngọc"
#: code, name, type, group, base quality, yearly trend
UNITS = [
    ("SM01", "Thị trấn Sông Mây", "thi_tran", G1, 0.86, 0.010),
    ("SM02", "Xã Bình Mây", "xa", G1, 0.74, 0.020),
    ("SM03", "Xã Cát Tường", "xa", G1, 0.62, 0.030),
    ("SM04", "Xã Đồng Lúa", "xa", G1, 0.55, 0.020),
    ("SM05", "Xã Bến Đò", "xa", G1, 0.48, 0.035),
    ("SM06", "Xã Hòa Gió", "xa", G1, 0.69, -0.010),
    ("SM07", "Xã Lạc Trăng", "xa", G1, 0.80, 0.005),
    ("SM08", "Xã Mỹ Sương", "xa", G1, 0.40, 0.045),
    ("NN01", "Thị trấn Núi Ngọc", "thi_tran", G2, 0.90, 0.000),
    ("NN02", "Xã Ngọc Lâm", "xa", G2, 0.71, 0.015),
    ("NN03", "Xã Phú Đá", "xa", G2, 0.58, 0.025),
    ("NN04", "Xã Quế Vân", "xa", G2, 0.66, 0.010),
    ("NN05", "Xã Sơn Khê", "xa", G2, 0.35, 0.050),
    ("NN06", "Xã Tân Suối", "xa", G2, 0.77, 0.020),
    ("NN07", "Phường Ngọc Thạch", "phuong", G2, 0.83, 0.010),
]
MERGED = ("SM09", "Xã Đồng Bến", "xa", G1, 0.60, 0.0)
MERGE_YEAR, MERGED_FROM = 2024, ("SM04", "SM05")
QUARTERLY_YEAR = 2024
#: the share of a year's applications each quarter sees (cumulative)
_QUARTER_SHARES = np.array([0.22, 0.47, 0.73, 1.0])
_FLOWS = ("received_online", "received_direct", "received_post", "resolved_early",
          "resolved_on_time", "resolved_late", "returned")


def quarterly(year_rows: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Each unit's whole-year one-stop row as four quarterly rows that give it back (CONTRACT
    §2): Q1 carries the year's carried over, the flows split by quarter sum to the year's, Q4
    ends with the year's pending, each quarter adds up and carries over the previous
    quarter's pending; ``procedures`` a number per unit."""
    rows = []
    for year in year_rows.to_dict(orient="records"):
        shares = np.clip(_QUARTER_SHARES + rng.normal(0, 0.02, 4), 0, 1)
        shares[-1] = 1.0
        cum = {f: np.rint(np.maximum.accumulate(shares) * year[f]).astype(int) for f in _FLOWS}
        part = {f: np.diff(cum[f], prepend=0) for f in _FLOWS}
        procedures = int(rng.integers(60, 160))
        carried = int(year["carried_over"])
        for k in range(4):
            into = carried + sum(int(part[f][k]) for f in _FLOWS[:3])
            out = sum(int(part[f][k]) for f in _FLOWS[3:])
            if k < 3 and into < out:  # resolve the excess next quarter instead
                part["resolved_on_time"][k] -= out - into
                part["resolved_on_time"][k + 1] += out - into
                out = into
            pending = into - out
            overdue = int(year["pending_overdue"]) if k == 3 else min(
                pending, int(rng.binomial(pending, 0.1)))
            rows.append({"unit": year["unit"], "period": f"Q{k + 1}",
                         "procedures": procedures + (k >= 2), "carried_over": carried,
                         **{f: int(part[f][k]) for f in _FLOWS[:6]},
                         "pending_in_time": pending - overdue, "pending_overdue": overdue,
                         "returned": int(part["returned"][k])})
            carried = pending
    return pd.DataFrame(rows)


def sample_root() -> Path:
    return Path(str(resources.files("parindex.samples") / "sample_district"))


def sample_bundles() -> list[Path]:
    """The sample bundles, oldest year first."""
    return sorted(p for p in sample_root().iterdir() if (p / "bundle.yaml").is_file())


def edition_for_year(year: int) -> str:
    return "xa-2017" if year <= 2020 else "xa-2024"


def _units_for(year: int) -> tuple[pd.DataFrame, np.ndarray]:
    rows = [u for u in UNITS if year < MERGE_YEAR or u[0] not in MERGED_FROM]
    if year >= MERGE_YEAR:
        rows.append(MERGED)
    rng = np.random.default_rng(year)
    quality = np.array([base + trend * (year - 2019) for *_, base, trend in rows])
    if year == 2021:
        quality -= 0.05  # the new edition asks more; most communes dip the first year
    quality = np.clip(quality + rng.normal(0, 0.03, len(rows)), 0.05, 0.98)
    df = pd.DataFrame([r[:4] for r in rows], columns=["code", "name", "type", "group"])
    return df, quality


def generate(root: Path | None = None) -> list[Path]:
    """Write every sample year's bundle under ``root`` (default: the package's folder)."""
    from parindex.criteria import load_edition
    from parindex.samples.synth import SynthOptions, synth_tables, write_bundle

    root = root or sample_root()
    out = []
    for year in YEARS:
        edition = edition_for_year(year)
        units, quality = _units_for(year)
        options = SynthOptions(survey=year != 2019)
        tables = synth_tables(load_edition(edition), units, year, quality, seed=1000 + year,
                              options=options)
        if year == QUARTERLY_YEAR:
            tables["one_stop"] = quarterly(tables["one_stop"], np.random.default_rng(year))
        if year >= MERGE_YEAR:
            tables["lineage"] = pd.DataFrame({"code": MERGED[0], "predecessor": MERGED_FROM})
        out.append(write_bundle(root / str(year), tables, year, edition, AUTHORITY))
    return out


if __name__ == "__main__":
    for path in generate():
        print(f"wrote {path}")
