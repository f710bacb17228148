"""The wheel `make dist` builds is the whole program: every module, every edition, the sample
district and the report's assets, and it runs from the unpacked wheel alone (what `py -m pip
install parindex-….whl` gives an office PC)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out),
                    str(ROOT)], check=True, capture_output=True, timeout=600)
    (found,) = out.glob("parindex-*-py3-none-any.whl")
    return found


def test_the_wheel_holds_every_module_and_data_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    package = ROOT / "parindex"
    expected = {p.relative_to(ROOT).as_posix() for p in package.rglob("*.py")}
    expected |= {p.relative_to(ROOT).as_posix()
                 for pattern in ("criteria/editions/*.yaml", "report/assets/*",
                                 "samples/sample_district/*/*")
                 for p in package.glob(pattern)}
    assert expected - names == set()


def test_the_unpacked_wheel_scores_like_the_source(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site)}
    sample = "2024"
    code = ("import parindex, sys; from pathlib import Path; "
            "sys.stdout.write(str(Path(parindex.__file__).parent))")
    where = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path,
                           capture_output=True, text=True, check=True).stdout
    assert Path(where) == site / "parindex"
    bundle = site / "parindex" / "samples" / "sample_district" / sample
    got = subprocess.run([sys.executable, "-m", "parindex", "score", str(bundle), "--format",
                          "json"], env=env, cwd=tmp_path, capture_output=True, check=True).stdout
    source = ROOT / "parindex" / "samples" / "sample_district" / sample
    want = subprocess.run([sys.executable, "-m", "parindex", "score", str(source), "--format",
                           "json"], cwd=ROOT, capture_output=True, check=True).stdout
    assert got == want
