"""People with posts over the real samples, against tests/gold/people.yaml."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from gonghui.transforms.people import _POST, POST_RE, extract_people
from gonghui.transforms.records import Article

GOLD_PEOPLE_FLOOR = 15  # of 15 in people.yaml


def test_gold_people_found(articles_by_file, gold_people) -> None:  # type: ignore[no-untyped-def]
    found = {name: [p for a in arts for p in extract_people(a)] for name, arts in articles_by_file.items()}
    missed = [
        g for g in gold_people
        if not any(p.name == g["name"] and list(p.titles) == g["titles"] and p.org == g["org"] for p in found[g["file"]])
    ]
    assert len(gold_people) - len(missed) >= GOLD_PEOPLE_FLOOR, missed


def test_evidence_spans(articles_by_file) -> None:  # type: ignore[no-untyped-def]
    for arts in articles_by_file.values():
        for a in arts:
            for p in extract_people(a):
                assert a.body[p.char_start : p.char_end] == p.evidence
                assert p.evidence.endswith(p.name)
                assert 2 <= len(p.name) <= 4


def test_conjunction_starts_a_new_chain(articles_by_file) -> None:  # type: ignore[no-untyped-def]
    people = [p for a in articles_by_file["002_bdbddf47cf01ef19.txt"] for p in extract_people(a)]
    he = [p for p in people if p.name == "何东"]
    assert he and he[0].org == "临夏州委" and he[0].titles == ("副书记", "州长")


@given(st.text(max_size=200))
def test_never_raises(body: str) -> None:
    a = Article(article_id="x", file_id="y", source_file="z", seq=1, title=None, body=body, region="甘肃")
    for p in extract_people(a):
        assert body[p.char_start : p.char_end] == p.evidence


@given(st.text(alphabet=st.sampled_from(list("党组委工总支部常务执行专职兼名誉副书记主席任厂长经理会局处委员成王李，、省市")), max_size=40))
def test_first_character_guard_changes_no_post(text: str) -> None:
    unguarded = re.compile(POST_RE)
    assert [m.span() for m in _POST.finditer(text)] == [m.span() for m in unguarded.finditer(text)]
