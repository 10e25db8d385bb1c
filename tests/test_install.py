"""The installed package (issue 16 point 4): a wheel holding only `gonghui` at the top of site-packages,
whose `gonghui run` works from any folder on the samples it ships."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from this checkout, installed (without its dependencies, which this venv has) into a
    folder of its own that is put first on the import path: what `pip install .` puts in site-packages."""
    work = tmp_path_factory.mktemp("install")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "-w", str(work / "dist"), str(ROOT)], check=True, capture_output=True, timeout=600)
    wheel = next((work / "dist").glob("gonghui-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
                    str(work / "site"), str(wheel)], check=True, capture_output=True, timeout=600)
    return work


def test_wheel_claims_only_the_gonghui_name(installed: Path) -> None:
    wheel = next((installed / "dist").glob("gonghui-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")} == {"gonghui"}
    for sub in ("flows/pipeline.py", "transforms/segment.py", "expectations/suites.py", "warehouse/load.py",
                "warehouse/001_raw.sql", "warehouse/migrations/002_revisions.sql", "transforms/data/metrics.yaml", "__main__.py"):
        assert f"gonghui/{sub}" in names
    samples = [n for n in names if n.startswith("gonghui/samples/")]
    assert len(samples) == len(list((ROOT / "data" / "samples").iterdir()))


def test_installed_gonghui_runs_from_any_folder(installed: Path, tmp_path: Path) -> None:
    site = installed / "site"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["PYTHONPATH"] = str(site)  # first on the path: the installed copy, not this checkout
    where = subprocess.run([sys.executable, "-c", "import gonghui.transforms as t; print(t.__file__)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.strip().startswith(str(site))
    proc = subprocess.run([sys.executable, "-m", "gonghui", "run"], cwd=elsewhere, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert f"5 files in {site / 'gonghui' / 'samples'}" in proc.stderr
    con = duckdb.connect(str(elsewhere / "warehouse" / "gonghui.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM raw_files").fetchone() == (5,)
        assert con.execute("SELECT count(*) FROM facts").fetchone()[0] > 0
    finally:
        con.close()
