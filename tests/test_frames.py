"""The derived check columns the suites validate: fast forms agree with their plain definitions."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from gonghui.expectations.frames import cjk_share

# The definition cjk_share implements with a lookup table: Han characters over non-space characters.
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
SPACE = re.compile(r"\s")


def reference_share(text: str) -> float:
    sample = text[:100_000]
    n = len(sample) - len(SPACE.findall(sample))
    return len(HAN.findall(sample)) / n if n else 0.0


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.one_of(st.characters(), st.sampled_from(list("工会\u3000\u2028\t\n 　豈\u4dbf\ufaffa"))),
               max_size=300))
def test_cjk_share_matches_its_regex_definition(text):
    assert cjk_share(text) == reference_share(text)


def test_cjk_share_edges():
    assert cjk_share("") == 0.0
    assert cjk_share(" \u3000\n") == 0.0
    assert cjk_share("工会 ab") == 0.5
    assert cjk_share("\ud800工") == 0.5  # a lone surrogate (surrogateescape'd input) counts as a character
    assert cjk_share("工" * 100_001 + "a" * 10) == 1.0  # only the first 100,000 characters are sampled
