"""Generate a national-size synthetic bundle for the benchmark (``xa-2024``).

3,321 communes (xã, phường, thị trấn) in 34 fictional provinces, the provinces being the
ranking groups. Each commune has a latent quality drawn from a Beta distribution around its
province's mean; the evidence, one-stop counts, report dates, adjustments and survey answers
(30–45 respondents a commune, about 1.7 million answer rows) are drawn
around that quality by :func:`parindex.samples.synth.synth_tables`. Every name is invented
("Tỉnh Mẫu 07", "Xã Mẫu 00123"); only the shapes are real. The same seed gives the same
bundle, byte for byte.

    python bench/generate.py [--units 3321] [--out bench/data/national] [--seed 1]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

EDITION = "xa-2024"
YEAR = 2024
AUTHORITY = "Bộ Nội vụ (dữ liệu giả lập cho benchmark)"
DEFAULT_UNITS = 3321
N_PROVINCES = 34
N_CITIES = 6  # centrally-run cities: more phường, fewer xã
HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "data" / "national"

#: share of unit types, provinces and cities (phường are mostly urban)
TYPE_SHARES = {
    "province": {"xa": 0.84, "phuong": 0.12, "thi_tran": 0.04},
    "city": {"xa": 0.45, "phuong": 0.53, "thi_tran": 0.02},
}
TYPE_PREFIX = {"xa": "Xã", "phuong": "Phường", "thi_tran": "Thị trấn"}


def province_names(n: int = N_PROVINCES) -> list[str]:
    """The first ``N_CITIES`` are cities, the rest provinces: "Tỉnh Mẫu 07"."""
    return [f"Thành phố Mẫu {k:02d}" if k <= N_CITIES else f"Tỉnh Mẫu {k:02d}"
            for k in range(1, n + 1)]


def make_units(n_units: int, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    """Units (code, name, type, group) and each unit's latent quality in [0, 1]."""
    names = province_names(min(N_PROVINCES, n_units))
    n_prov = len(names)
    # province sizes: lognormal weights, at least one unit each
    weights = rng.lognormal(0.0, 0.45, n_prov)
    sizes = np.maximum(1, np.floor(weights / weights.sum() * n_units).astype(int))
    while sizes.sum() < n_units:
        sizes[int(np.argmax(weights * n_units - sizes))] += 1
    while sizes.sum() > n_units:
        sizes[int(np.argmax(sizes))] -= 1

    # province mean quality, then units around it: q ~ Beta(m·k, (1 − m)·k)
    prov_mean = rng.beta(6.0, 3.0, n_prov)
    concentration = 14.0
    rows, quality = [], []
    serial = 0
    for p, (name, size) in enumerate(zip(names, sizes, strict=True)):
        shares = TYPE_SHARES["city" if p < N_CITIES else "province"]
        types = rng.choice(list(shares), size=int(size), p=list(shares.values()))
        # urban units do a little better on average
        shift = np.where(types == "xa", 0.0, 0.04)
        m = np.clip(prov_mean[p] + shift, 0.05, 0.95)
        q = rng.beta(m * concentration, (1 - m) * concentration)
        for typ, qi in zip(types, q, strict=True):
            serial += 1
            code = f"XA{serial:05d}"
            rows.append((code, f"{TYPE_PREFIX[typ]} Mẫu {serial:05d}", typ, name))
            quality.append(qi)
    units = pd.DataFrame(rows, columns=["code", "name", "type", "group"])
    return units, np.clip(np.array(quality), 0.02, 0.99)


def generate(n_units: int = DEFAULT_UNITS, out: Path = DEFAULT_OUT, seed: int = 1,
             survey: bool = True) -> Path:
    """Write the bundle folder ``out`` (``survey``: with a survey table); returns it."""
    from parindex.criteria import load_edition
    from parindex.samples.synth import SynthOptions, synth_tables, write_bundle

    rng = np.random.default_rng(seed)
    units, quality = make_units(n_units, rng)
    edition = load_edition(EDITION)
    tables = synth_tables(edition, units, YEAR, quality, seed=seed * 7919 + 11,
                          options=SynthOptions(survey=survey))
    return write_bundle(Path(out), tables, YEAR, EDITION, AUTHORITY)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--units", type=int, default=DEFAULT_UNITS, help="number of communes")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="bundle folder to write")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-survey", action="store_true",
                    help="no survey table (its survey leaves are then rebased)")
    args = ap.parse_args(argv)
    if args.units < 1:
        ap.error("--units must be at least 1")
    path = generate(args.units, args.out, args.seed, survey=not args.no_survey)
    units = pd.read_csv(path / "units.csv", dtype=str)
    counts = units["type"].value_counts().to_dict()
    print(f"wrote {path}: {len(units)} units in {units['group'].nunique()} groups "
          f"({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
