"""Property tests: no transform raises on arbitrary Unicode or bytes, and their invariants hold."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gonghui.transforms.clean import clean_document
from gonghui.transforms.decode import decode_bytes
from gonghui.transforms.html import html_to_text
from gonghui.transforms.manifest import ManifestError, parse_manifest
from gonghui.transforms.people import extract_people
from gonghui.transforms.segment import segment_document

# Text that looks like our inputs: Han characters, the punctuation and markers the heuristics key on,
# digits, Latin, and a sprinkling of anything at all.
NEWSY = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("工会职工记者本报讯通讯员摄省总工会主席副书记建成个万亿元人次余多近约，。、“”()■——|>:\n 0123456789")),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.characters(),
    ),
    max_size=400,
)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_decode_never_raises_and_explains_failures(data):
    d = decode_bytes(data)
    assert (d.text is None) == (d.reason is not None)
    if d.text is not None:
        assert d.encoding


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=500))
def test_html_to_text_never_raises(text):
    body, title = html_to_text("<html><body>" + text + "</body></html>")
    assert isinstance(body, str)
    assert "<body>" not in body


@settings(max_examples=150, deadline=None)
@given(NEWSY)
def test_segment_and_people_never_raise_and_spans_hold(text):
    doc = clean_document("f" * 64, "x.txt", text)
    arts = segment_document(doc)
    seqs = [a.seq for a in arts]
    assert seqs == list(range(1, len(arts) + 1))
    for a in arts:
        for p in extract_people(a):
            assert a.body[p.char_start:p.char_end] == p.evidence
            assert p.name in p.evidence


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["m.csv", "m.jsonl", "m.txt"]))
def test_manifest_is_data_only(text, name):
    """Any text either parses into rows or raises ManifestError with a message; nothing is executed."""
    try:
        rows = parse_manifest(text, name)
    except ManifestError as exc:
        assert str(exc)
    else:
        assert isinstance(rows, list)
