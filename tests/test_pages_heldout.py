"""The held-out real pages (issue 21, tests/fixtures/heldoutpages: sources and licence basis in its README):
their truth holds to the archives' own markup, and the gonghui input has that markup taken off."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _heldout() -> Any:
    spec = importlib.util.spec_from_file_location("heldout_build", ROOT / "tests" / "fixtures" / "heldoutpages" / "build.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_heldout_truth_is_the_archives_markup() -> None:
    """truth.yaml holds to each page's markup (one article per mark or head block, headlines among the
    marked head lines, the running-order entry, or the head block itself); the input has the markup off."""
    hp = _heldout()
    truth = hp.truth()
    assert len(truth) >= 12 and sum(len(s["articles"]) for s in truth.values()) >= 30
    assert {s["layout"] for s in truth.values()} == {"page", "day", "headed"}
    for name, spec in truth.items():
        assert hp.check_truth(name, spec) == [], name
        text = hp.page_input(name, spec)
        assert "第1版()" not in text and "专栏:" not in text and text.strip(), name
        assert spec["source"].startswith("http"), name


def test_heldout_pages_are_none_of_the_development_pages() -> None:
    """Held out means held out: no page (same paper and day) is also among tests/fixtures/realpages."""
    hp = _heldout()
    dev = {n.name.rsplit("_", 1)[0] for n in (ROOT / "tests" / "fixtures" / "realpages" / "src").iterdir()}
    assert not {n.rsplit("_", 1)[0] for n in hp.truth()} & dev
