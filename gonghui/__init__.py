"""gonghui: 工会新闻 ETL into DuckDB."""

from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"


def bundled_samples() -> str:
    """The five sample files gonghui ships: `gonghui/samples` when installed, `data/samples` in a checkout.

    Said relative to the current folder when they lie under it (a checkout's `data/samples`), so what a run
    prints stays short; absolute otherwise, so `gonghui run` works from any folder.
    """
    here = Path(__file__).resolve().parent
    installed = here / "samples"
    path = installed if installed.is_dir() else here.parent / "data" / "samples"
    try:
        rel = path.relative_to(Path.cwd().resolve())
    except ValueError:
        return str(path)
    return str(rel) if str(rel) != "." else str(path)
