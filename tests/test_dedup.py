"""Near-duplicate detection on the real samples: a Traditional people.com.cn reprint of a Simplified
article links to it after the real cleaner and segmenter; distinct stories never link; LSH finds what
brute force finds; properties on arbitrary text."""

from __future__ import annotations

import itertools
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gonghui.transforms import dedup
from gonghui.transforms.clean import clean_document
from gonghui.transforms.segment import segment_document

# The people.com.cn sample: its breadcrumb, editor line and SEO footer are the boilerplate a reprint
# carries, and its inline pinyin annotations (產(chǎn)) are the ones we add to the copy.
PEOPLE_SAMPLE = "001_ef19e07390bc0016.txt"
# The Simplified original we reprint: the 贵州日报 e-paper article.
ORIGINAL_SAMPLE = "000_7e7ea642b88fe6f6.txt"
# How many distinct characters get inline pinyin in the copy ("a few"); every occurrence is annotated,
# as people.com.cn does.
PINYIN_CHARS = 6
# A reprint differs only by typography, boilerplate and the s2t/t2s round trip: it must score at least
# this (well above DEFAULT_THRESHOLD), and distinct sample stories at most DISTINCT_CEILING.
REPRINT_FLOOR = 0.9
DISTINCT_CEILING = 0.2

_PINYIN = re.compile(r"([\u4e00-\u9fff])\(([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+)\)")


def _all_articles(clean_docs):  # type: ignore[no-untyped-def]
    return [a for name in sorted(clean_docs) for a in segment_document(clean_docs[name])]


def _reprint(original, people_raw: str) -> str:  # type: ignore[no-untyped-def]
    """A people.com.cn page carrying `original` in Traditional script, built from real pieces."""
    from opencc import OpenCC

    s2t = OpenCC("s2t")
    lines = [ln for ln in people_raw.split("\n") if ln.strip()]
    breadcrumb = lines[0]  # 中國共產(chǎn)黨新聞網(wǎng)>>中國工會新聞
    editor = next(ln for ln in lines if ln.startswith("(責"))  # (責編:…)
    seo_footer = lines[-1]  # 集安市| 虞城县| …
    annotations = list(dict.fromkeys(_PINYIN.findall(people_raw)))
    body = s2t.convert(original.body)
    used = [(ch, py) for ch, py in annotations if ch in body][:PINYIN_CHARS]
    assert len(used) == PINYIN_CHARS, "the reprint must carry inline pinyin"
    for ch, py in used:
        body = body.replace(ch, f"{ch}({py})")
    date = original.publish_date.replace("-", "")
    dateline = f"{date[:4]}年{date[4:6]}月{date[6:]}日08:30  來源:《{s2t.convert(original.source)}》"
    paras = [breadcrumb, "", s2t.convert(original.title), "", dateline, ""]
    paras += [p for para in body.split("\n") for p in (para, "")]
    paras += [editor, seo_footer]
    return "\n".join(paras)


@pytest.fixture(scope="module")
def reprint_pair(clean_docs, raw_texts):  # type: ignore[no-untyped-def]
    original = segment_document(clean_docs[ORIGINAL_SAMPLE])[0]
    text = _reprint(original, raw_texts[PEOPLE_SAMPLE][1])
    doc = clean_document("f" * 64, "reprint.txt", text)
    copies = segment_document(doc)
    return original, text, doc, copies


def test_the_reprint_is_traditional_with_pinyin_and_boilerplate(reprint_pair):
    original, text, doc, copies = reprint_pair
    assert text != original.body
    assert _PINYIN.search(text) and ">>" in text and "來源" in text
    # after cleaning it is Simplified, without the pinyin or the footer
    assert doc.script != "simplified"
    assert not _PINYIN.search(doc.text)
    assert "集安市|" not in doc.text
    assert len(copies) == 1
    assert copies[0].title == original.title


def test_a_traditional_reprint_links_to_its_simplified_original(reprint_pair, clean_docs):
    original, _, _, copies = reprint_pair
    sim = dedup.similarity(dedup.signature(original.body), dedup.signature(copies[0].body))
    assert sim >= REPRINT_FLOOR, sim
    existing = [(a.article_id, dedup.signature(a.body)) for a in _all_articles(clean_docs)]
    found = dedup.find_duplicates([(copies[0].article_id, dedup.signature(copies[0].body))], existing,
                                  dedup.DEFAULT_THRESHOLD)
    assert found == {copies[0].article_id: original.article_id}


def test_distinct_sample_stories_never_link(clean_docs):
    arts = _all_articles(clean_docs)
    assert len(arts) >= 10
    sigs = [(a.article_id, dedup.signature(a.body)) for a in arts]
    for (_, s), (_, t) in itertools.combinations(sigs, 2):
        assert dedup.similarity(s, t) <= DISTINCT_CEILING
    # all as new, in one batch: nothing links
    assert dedup.find_duplicates(sigs, [], dedup.DEFAULT_THRESHOLD) == {}


def test_copies_within_one_batch_point_at_the_first_copy(reprint_pair):
    original, _, _, copies = reprint_pair
    s_orig, s_copy = dedup.signature(original.body), dedup.signature(copies[0].body)
    found = dedup.find_duplicates([("a", s_orig), ("b", s_copy), ("c", s_copy)], [])
    assert found == {"b": "a", "c": "a"}
    # an existing article wins a tie against a new one; an article never matches its own id
    assert dedup.find_duplicates([("x", s_orig)], [("old", s_orig)]) == {"x": "old"}
    assert dedup.find_duplicates([("old", s_orig)], [("old", s_orig)]) == {}


def _edited(paragraphs: list[str], rng: random.Random) -> str:
    """A lightly edited copy: one paragraph dropped or one sentence changed."""
    ps = list(paragraphs)
    if len(ps) > 3 and rng.random() < 0.5:
        ps.pop(rng.randrange(len(ps)))
    else:
        i = rng.randrange(len(ps))
        ps[i] = ps[i][: len(ps[i]) // 2] + "。"
    return "\n".join(ps)


def test_lsh_finds_what_brute_force_finds(clean_docs):
    """Articles made of real sample paragraphs, some of them edited copies: the banded search returns
    exactly the pairs a full comparison finds above the threshold."""
    rng = random.Random(7)
    paragraphs = [p for a in _all_articles(clean_docs) for p in a.body.split("\n") if len(p) > 30]
    docs: list[tuple[str, str]] = []
    for i in range(60):
        start = rng.randrange(len(paragraphs) - 8)
        docs.append((f"d{i}", "\n".join(paragraphs[start:start + rng.randint(4, 8)])))
    for i in range(20):
        src = docs[rng.randrange(60)][1].split("\n")
        docs.append((f"e{i}", _edited(src, rng)))
    sigs = [(aid, dedup.signature(text)) for aid, text in docs]
    t = dedup.DEFAULT_THRESHOLD
    found = dedup.find_duplicates(sigs, [], t)
    brute: set[str] = set()
    for i, (aid, s) in enumerate(sigs):
        if any(dedup.similarity(s, sigs[j][1]) >= t for j in range(i) if sigs[j][0] != aid):
            brute.add(aid)
    assert set(found) == brute
    assert len(brute) >= 10  # the edited copies are there to be found


@given(st.text(max_size=400))
@settings(max_examples=200, deadline=None)
def test_signature_never_raises_and_is_deterministic(text: str) -> None:
    sig = dedup.signature(text)
    assert len(sig) == dedup.NUM_PERM
    assert sig == dedup.signature(text)
    assert all(isinstance(v, int) and v >= 0 for v in sig)


@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), min_size=60, max_size=300),
       st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), min_size=60, max_size=300))
@settings(max_examples=100, deadline=None)
def test_similarity_is_a_symmetric_score(a: str, b: str) -> None:
    sa, sb = dedup.signature(a), dedup.signature(b)
    assert dedup.similarity(sa, sa) == 1.0
    assert dedup.similarity(sa, sb) == dedup.similarity(sb, sa)
    assert 0.0 <= dedup.similarity(sa, sb) <= 1.0
    # punctuation, spacing and full-width forms do not change a signature
    spaced = "，".join(a[i:i + 7] for i in range(0, len(a), 7))
    assert dedup.signature(spaced) == sa


def test_short_texts_are_never_duplicates() -> None:
    assert dedup.signature("图片新闻") == dedup.EMPTY
    assert dedup.similarity(dedup.EMPTY, dedup.EMPTY) == 0.0
    assert dedup.find_duplicates([("a", dedup.EMPTY), ("b", dedup.EMPTY)], []) == {}
    with pytest.raises(ValueError):
        dedup.similarity((1, 2), (1, 2, 3))


def test_band_keys_find_the_reprint_and_only_it(reprint_pair, clean_docs):
    original, _, _, copies = reprint_pair
    copy_keys = set(dedup.band_keys(dedup.signature(copies[0].body)))
    bands, _ = dedup.bands_for(dedup.DEFAULT_THRESHOLD)
    assert len(copy_keys) == bands
    candidates = [a.article_id for a in _all_articles(clean_docs)
                  if copy_keys & set(dedup.band_keys(dedup.signature(a.body)))]
    assert candidates == [original.article_id]
    assert dedup.band_keys(dedup.EMPTY) == []
    assert all(-(1 << 63) <= k < (1 << 63) for k in copy_keys)  # fits BIGINT


def test_bands_catch_a_pair_at_the_threshold() -> None:
    for t in (0.5, 0.7, 0.8, 0.9, 0.95):
        bands, rows = dedup.bands_for(t)
        assert bands * rows == dedup.NUM_PERM
        assert 1 - (1 - t ** rows) ** bands >= dedup.CANDIDATE_RECALL



@given(st.sampled_from([0.5, 0.7, 0.75, 0.8, 0.9, 0.95]), st.data())
@settings(max_examples=300, deadline=None)
def test_pairs_at_the_threshold_share_at_least_min_shared_bands(t: float, data: st.DataObject) -> None:
    """The loader compares only pairs sharing min_shared_bands band keys: no pair reaching the
    threshold may share fewer (the worst case spreads the differing positions over distinct bands)."""
    n = dedup.NUM_PERM
    base = tuple(range(n))
    # as many differing positions as similarity >= t allows, placed anywhere
    differing = n - sum(1 for m in range(n + 1) if m < t * n)
    positions = data.draw(st.sets(st.integers(0, n - 1), min_size=differing, max_size=differing))
    other = tuple(v + n if i in positions else v for i, v in enumerate(base))
    assert dedup.similarity(base, other) >= t
    shared = set(dedup.band_keys(base, t)) & set(dedup.band_keys(other, t))
    assert len(shared) >= dedup.min_shared_bands(t)
