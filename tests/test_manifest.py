"""Manifests: CSV and JSON Lines, matching by path, bare name or sha256, clear errors."""

from __future__ import annotations

import json

import pytest

from gonghui.transforms.manifest import ManifestError, ManifestRow, match_manifest, parse_manifest

SHA = "ab" * 32


def test_csv():
    text = ("file,sha256,source,publish_date,publish_time,page,url,title,authors\n"
            "pages/004.txt,,工人日报,2023-08-18,06:30,3,http://x/1,,马学礼;朱欣\n")
    (row,) = parse_manifest(text, "m.csv")
    assert row == ManifestRow(file="pages/004.txt", source="工人日报", publish_date="2023-08-18",
                              publish_time="06:30", page="3", url="http://x/1", authors=("马学礼", "朱欣"))


def test_jsonl_and_sniffing():
    lines = [{"sha256": SHA.upper(), "source": "工人日报", "authors": ["黄榆"]}, {"file": "a.txt", "page": 2}]
    text = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n\n"
    for name in ("m.jsonl", "m.json", "manifest"):
        rows = parse_manifest(text, name)
        assert rows[0].sha256 == SHA and rows[0].authors == ("黄榆",)
        assert rows[1].page == "2"
    assert parse_manifest("file,page\na.txt,1\n", "manifest")[0].page == "1"


def test_match():
    rows = [ManifestRow(file="sub/a.txt", page="1"), ManifestRow(file="b.txt", page="2"),
            ManifestRow(sha256=SHA, page="3")]
    assert match_manifest(rows, "00", "sub/a.txt").page == "1"  # type: ignore[union-attr]
    assert match_manifest(rows, "00", "./sub/a.txt").page == "1"  # type: ignore[union-attr]
    assert match_manifest(rows, "00", "other/b.txt").page == "2"  # type: ignore[union-attr]
    assert match_manifest(rows, SHA, "whatever.txt").page == "3"  # type: ignore[union-attr]
    assert match_manifest(rows, "00", "other/a.txt") is None


@pytest.mark.parametrize(
    ("text", "name", "message"),
    [
        ("file,colour\na.txt,red\n", "m.csv", "m.csv:1: unknown column(s) 'colour'"),
        ("file,source\n,工人日报\n", "m.csv", "m.csv:2: row names neither 'file' nor 'sha256'"),
        ("file,publish_date\na.txt,2023-02-30\n", "m.csv", "m.csv:2: invalid publish_date '2023-02-30'"),
        ('{"file": "a"}\n{"file": "b", "x": 1}\n', "m.jsonl", "m.jsonl:2: unknown column(s) 'x'"),
        ('{"file": "a"}\nnot json\n', "m.jsonl", "m.jsonl:2: not valid JSON"),
        ('{"sha256": "xyz"}\n', "m.jsonl", "m.jsonl:1: sha256 'xyz' is not 64 hex digits"),
    ],
)
def test_errors(text, name, message):  # type: ignore[no-untyped-def]
    with pytest.raises(ManifestError) as exc:
        parse_manifest(text, name)
    assert str(exc.value).startswith(message)
