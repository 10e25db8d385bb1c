"""The second held-out set of real pages (issue 21, tests/fixtures/heldoutpages2: sources and licence basis
in its README): its truth holds to the archives' markup, it shares no page with the earlier corpora, and
its copies are cut by the one rule its README fixes."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path
from typing import Any

from gonghui.transforms.clean import clean_document
from gonghui.transforms.segment import FLAG_BAD_DATE, segment_document
from tests.conftest import assert_truth_is_the_markup

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


def _heldout2() -> Any:
    spec = importlib.util.spec_from_file_location("heldout2_build", FIXTURES / "heldoutpages2" / "build.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_heldout2_truth_is_the_archives_markup() -> None:
    """truth.yaml holds to each page's markup (one article per mark, headlines among the marked head lines
    or the running-order entry); the input has the markup off; every page names its source."""
    hp = _heldout2()
    truth = hp.truth()
    assert len(truth) >= 5 and sum(len(s["articles"]) for s in truth.values()) >= 10
    assert all(len(s["articles"]) >= 2 for s in truth.values())
    assert_truth_is_the_markup(hp)


def test_heldout2_shares_no_page_with_the_earlier_corpora() -> None:
    """Held out means held out: no page (same paper and day) is in tests/fixtures/realpages or heldoutpages."""
    seen = {n.name.rsplit("_", 1)[0] for folder in ("realpages", "heldoutpages")
            for n in (FIXTURES / folder / "src").iterdir()}
    assert not {n.rsplit("_", 1)[0] for n in _heldout2().truth()} & seen


def test_heldout2_copies_end_at_their_last_full_stop() -> None:
    """The README's one cut rule: every stored copy ends at its last full stop (a closing quote may follow)."""
    for path in sorted((FIXTURES / "heldoutpages2" / "src").iterdir()):
        assert path.read_text(encoding="utf-8").rstrip().endswith(("。", "。”")), path.name


def test_a_day_file_dated_before_the_founding_is_split_and_dated() -> None:
    """What the before figure's three held pages are (README, Measured): a day file of 1946-1949 is cut into
    its articles with their running-order heads. Each was held only for its date, before the 1949-10-01
    floor of the time; printed dates now reach back to 1872-04-30 (transforms/dates.py), so each is dated.
    Composed in their shape."""
    text = ("1947-03-02\n第 1 版\n1. 太行区各县春耕准备就绪\n"
            "太行区各县春耕准备就绪 【新华社太行一日电】太行区各县农民已修好农具,备足种子。各村互助组已经编好。\n"
            "2. 冀南银行发行新币\n冀南银行发行新币 【本报讯】冀南银行总行宣布,新币自本月起发行。旧币照常流通。\n")
    arts = segment_document(clean_document(hashlib.sha256(text.encode()).hexdigest(), "page.txt", text))
    assert [a.title for a in arts] == ["太行区各县春耕准备就绪", "冀南银行发行新币"]
    assert all(FLAG_BAD_DATE not in a.flags and a.publish_date == "1947-03-02" for a in arts)
