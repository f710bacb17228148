"""Cross-check the loop baseline against parindex on many small bundles.

    python bench/crosscheck.py [--seeds 12]

Two sources of bundles, each scored by both implementations and compared field by field
(numbers to 1e-9, ranks, bands, lists and unit order exactly):

* every case of ``tests/cases/*.yaml`` that scores (written to a folder the way the test
  suite writes it; cases expecting an error only need both to refuse);
* synthetic bundles for every shipped edition, with the edge cases a national bundle rarely
  has: tied units (copies of one unit), an all-zero one-stop row (not applicable), a unit
  without a one-stop row (missing), a report listed twice, adjustments above the caps,
  survey answers (on editions with ``{survey: [...]}`` inputs: a unit not surveyed, answers
  given twice, an unknown question, a blank answer), and every third seed without a survey
  (the survey block rebased).

Every bundle that parindex scores is also written as one workbook by parindex's own writer
(the cells as the CSV reader found them) and scored from it: the JSON must be byte-identical
to the CSV bundle's (``--no-workbooks`` skips this).

Exit status 0 when they agree everywhere, 1 otherwise (each difference printed).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

# the bench folder first on the path, for its sibling modules below
sys.path.insert(0, str(Path(__file__).resolve().parent))

import loop_baseline as lb

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

TOL = 1e-9


def differences(a: Any, b: Any, path: str = "") -> list[str]:
    """Every place where parindex's JSON ``a`` and the baseline's ``b`` differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in dict.fromkeys([*a, *b])
                for d in differences(a.get(k), b.get(k), f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True))
                for d in differences(x, y, f"{path}[{i}]")]
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool):
        return [] if abs(a - b) <= TOL else [f"{path}: parindex {a!r}, baseline {b!r}"]
    return [] if a == b else [f"{path}: parindex {a!r}, baseline {b!r}"]


def both(bundle: Path) -> tuple[dict[str, Any] | None, dict[str, Any] | None, str]:
    """Score with parindex and with the baseline; None where one refuses the bundle."""
    from parindex.errors import ParIndexError
    from parindex.pipeline import open_run

    why = ""
    try:
        ours = open_run(bundle).to_json()
    except ParIndexError as exc:
        ours, why = None, f"parindex: {str(exc).splitlines()[0]}"
    try:
        theirs = json.loads(lb.run(bundle))
    except lb.InputError as exc:
        theirs, why = None, f"{why} baseline: {exc}"
    return ours, theirs, why


def workbook_twin(bundle: Path) -> str | None:
    """The bundle written as ``bundle.xlsx`` beside its CSV files (so a relative edition path
    resolves the same) and scored from it: the JSON as ``score --format json`` prints it, or
    None when parindex refuses the workbook."""
    from parindex.cli.common import dump_json
    from parindex.errors import ParIndexError
    from parindex.evidence.read_csv import read_csv_folder
    from parindex.evidence.write import write_xlsx_bundle
    from parindex.pipeline import open_run

    raw = read_csv_folder(bundle)
    xlsx = write_xlsx_bundle(bundle / "bundle.xlsx", raw.tables, raw.meta)
    try:
        return dump_json(open_run(xlsx).to_json())
    except ParIndexError:
        return None


def case_bundles() -> list[tuple[str, dict[str, Any], Any]]:
    """(name, case, writer) for every case of tests/cases; empty if the suite is absent."""
    try:
        sys.path.insert(0, str(ROOT / "tests"))
        import conftest  # type: ignore[import-not-found]
        import yaml
    except ImportError:
        return []
    out = []
    for file in sorted((ROOT / "tests" / "cases").glob("*.yaml")):
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=conftest.CaseLoader)
        for case in data.get("cases", []):
            if not case.get("changes"):  # what-if changes are not the baseline's business
                out.append((f"{file.name} :: {case.get('name')}", case, conftest.write_bundle))
    return out


def synthetic(edition_id: str, seed: int, out: Path) -> Path:
    """A 40-unit bundle on ``edition_id`` with ties and one-stop/report edge cases."""
    from parindex.criteria import load_edition
    from parindex.samples.synth import SynthOptions, synth_tables, write_bundle

    rng = np.random.default_rng(seed)
    n = 40
    units = pd.DataFrame({"code": [f"U{i:03d}" for i in range(n)],
                          "name": [f"Xã Thử {i}" for i in range(n)],
                          "type": rng.choice(["xa", "phuong", "thi_tran"], n),
                          "group": rng.choice(["Huyện A", "Huyện B", "Huyện C"], n)})
    options = SynthOptions(survey=seed % 3 != 0, na_rate=0.1, missing_rate=0.05)
    tables = synth_tables(load_edition(edition_id), units, 2024, rng.beta(3, 2, n), seed,
                          options)
    twins = ["U001", "U002", "U003"]  # copies of U000: tied everywhere

    def copy_u000(df: pd.DataFrame) -> pd.DataFrame:
        df = df[~df["unit"].isin(twins)]
        first = df[df["unit"] == "U000"]
        return pd.concat([df, *(first.assign(unit=c) for c in twins)], ignore_index=True)

    tables["evidence"] = copy_u000(tables["evidence"])
    if "one_stop" in tables:
        one_stop = copy_u000(tables["one_stop"])
        one_stop.loc[one_stop["unit"] == "U010", one_stop.columns[1:]] = 0  # nothing arose
        tables["one_stop"] = one_stop[one_stop["unit"] != "U011"]  # no row: missing
    if "reports" in tables:
        reports = copy_u000(tables["reports"])
        again = reports[reports["unit"] == "U005"].assign(submitted="31/12/2024")
        tables["reports"] = pd.concat([reports, again], ignore_index=True)  # first counts
    if "survey" in tables:  # U012 not surveyed (missing); U006 answers three questions
        survey = copy_u000(tables["survey"])  # twice, an unknown question, a blank answer
        survey = survey[survey["unit"] != "U012"]
        six = survey[survey["unit"] == "U006"].head(3)
        odd = pd.DataFrame([("U006", "P001", "Q_KHAC", "A"), ("U006", "P002", "HL", "")],
                           columns=survey.columns)
        tables["survey"] = pd.concat([survey, six.assign(answer="D"), odd], ignore_index=True)
    extra = pd.DataFrame([("U020", "bonus", "1,5", ""), ("U020", "thưởng", "1,5", ""),
                          ("U021", "penalty", "2", ""), ("U021", "trừ", "2", "")],
                         columns=["unit", "kind", "points", "reason"])
    tables["adjustments"] = pd.concat([copy_u000(tables["adjustments"]), extra],
                                      ignore_index=True)
    return write_bundle(out, tables, 2024, edition_id, "Thử")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Cross-check the loop baseline and parindex.")
    ap.add_argument("--seeds", type=int, default=12, help="synthetic bundles per edition")
    ap.add_argument("--no-workbooks", action="store_true",
                    help="do not also score each bundle from a workbook")
    args = ap.parse_args(argv)
    from parindex.cli.common import dump_json
    from parindex.criteria import shipped_ids

    checked = refused = workbooks = 0
    bad: list[str] = []
    with tempfile.TemporaryDirectory(prefix="parindex-xcheck-") as tmp:
        jobs: list[tuple[str, Any]] = []
        for k, (name, case, write) in enumerate(case_bundles()):
            folder = Path(tmp) / f"case{k}"
            folder.mkdir()
            jobs.append((name, lambda c=case, w=write, f=folder: w(c, f, ROOT / "tests" /
                                                                  "cases")))
        for edition_id in shipped_ids():
            for seed in range(args.seeds):
                folder = Path(tmp) / f"{edition_id}-{seed}"
                jobs.append((f"{edition_id} seed {seed}",
                             lambda e=edition_id, s=seed, f=folder: synthetic(e, s, f)))
        for name, make in jobs:
            folder = make()
            ours, theirs, why = both(folder)
            if ours is not None and not args.no_workbooks:
                workbooks += 1
                if workbook_twin(folder) != dump_json(ours):
                    bad.append(f"{name}: the workbook's JSON differs from the CSV bundle's")
            if ours is None and theirs is None:
                refused += 1
            elif ours is None or theirs is None:
                bad.append(f"{name}: only one refused the bundle — {why.strip()}")
            else:
                checked += 1
                found = differences(ours, theirs)
                bad += [f"{name}: {d}" for d in found[:10]]
    print(f"{checked} bundles scored by both, {refused} refused by both, {workbooks} also "
          f"scored from a workbook, {len(bad)} difference(s)")
    for line in bad:
        print(f"  {line}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
