"""The bundled sample district: fictional communes of a fictional province, 2019–2024.

Fifteen communes in two districts (the ranking groups), scored on ``xa-2017`` for 2019–2020
and ``xa-2024`` from 2021, so trends cross the edition change. In 2024 two communes of Sông
Mây merge into one (bundle table ``lineage``). No survey was run in 2019, so that year's
survey block is rebased. Every name is invented.

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
        if year >= MERGE_YEAR:
            tables["lineage"] = pd.DataFrame({"code": MERGED[0], "predecessor": MERGED_FROM})
        out.append(write_bundle(root / str(year), tables, year, edition, AUTHORITY))
    return out


if __name__ == "__main__":
    for path in generate():
        print(f"wrote {path}")
