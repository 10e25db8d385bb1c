"""GX Data Docs never carry a record's id as markup (issue 20, item 11): a file named like a script tag is
shown as text, and the record it names is still the one held back."""

from __future__ import annotations

from pathlib import Path

from gonghui.expectations.frames import staged_frame
from gonghui.expectations.runner import ExpectationRunner
from gonghui.transforms.records import StagedFile

HOSTILE = "<script>alert(3)</script>.txt"


def test_data_docs_escape_ids_and_failures_still_map_back(tmp_path: Path) -> None:
    files = [StagedFile("a" * 64, HOSTILE, 0, None, None, "empty_file"),
             StagedFile("b" * 64, "ok & fine.txt", 10, "utf-8", "工会新闻")]
    runner = ExpectationRunner(tmp_path / "gx")
    out = runner.validate("staged_files", staged_frame(files), "run-x")
    assert out.failed == {HOSTILE: ["empty_file"]}
    assert "ok & fine.txt" not in out.failed
    index = runner.build_docs()
    assert index is not None
    pages = list((tmp_path / "gx").rglob("*.html"))
    text = "".join(p.read_text(encoding="utf-8", errors="replace") for p in pages)
    assert "alert(3)" in text  # the failing record is shown ...
    assert "<script>alert(3)" not in text  # ... as text, never as markup
