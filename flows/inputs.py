"""What the input folder holds besides articles, found without Prefect: `gonghui run` checks its
arguments with it before anything starts, and discovery (flows.tasks) uses the same answer."""

from __future__ import annotations

from pathlib import Path

from gonghui.transforms.manifest import MANIFEST_NAMES


def manifest_in(input_dir: str | Path) -> str | None:
    """The manifest kept at the top of the input folder (MANIFEST_NAMES, first found), if any."""
    for name in MANIFEST_NAMES:
        p = Path(input_dir) / name
        if p.is_file():
            return str(p)
    return None
