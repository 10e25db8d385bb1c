"""Type-check gonghui as it is installed: one package `gonghui` holding flows, transforms, expectations, warehouse.

The repository keeps those four at its top (the required layout) and setuptools maps them under `gonghui`
(pyproject's package-dir). mypy cannot follow that mapping, so this builds the installed shape from symbolic
links in a temporary folder and checks `-p gonghui` there: every cross-package import resolves, as it does
at run time. Used by `make lint`; arguments are passed on to mypy.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAPPED = ("flows", "transforms", "expectations", "warehouse")  # pyproject.toml [tool.setuptools.package-dir]


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="gonghui-mypy-") as tmp:
        pkg = Path(tmp) / "gonghui"
        pkg.mkdir()
        for f in (ROOT / "gonghui").glob("*.py"):
            (pkg / f.name).symlink_to(f)
        for name in MAPPED:
            (pkg / name).symlink_to(ROOT / name, target_is_directory=True)
        cmd = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), "-p", "gonghui", *argv]
        return subprocess.call(cmd, env={**os.environ, "MYPYPATH": tmp})


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
