"""GX Data Docs never carry a record's id as markup (issue 20, item 11): a file named like a script tag is
shown as text, and the record it names is still the one held back."""

from __future__ import annotations

import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

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


CHROMIUM = Path("/usr/bin/chromium")
# Payloads that would run if a record id were written as markup: each sets the page title when it runs.
RUNS_IF_MARKUP = ("<img src=x onerror=\"document.title='pwned'\">.txt",
                  "<script>document.title='pwned'</script>.txt",
                  "<svg onload=\"document.title='pwned'\">.txt")


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium not installed (/usr/bin/chromium)")
def test_hostile_names_do_not_run_in_a_browser(tmp_path: Path) -> None:
    """Issue 20 item 11: the Data Docs pages rendered by a real browser; no payload runs, each is text."""
    files = [StagedFile(c * 64, name, 0, None, None, "empty_file") for c, name in zip("abc", RUNS_IF_MARKUP, strict=True)]
    runner = ExpectationRunner(tmp_path / "gx")
    runner.validate("staged_files", staged_frame(files), "run-x")
    runner.build_docs()
    pages = [p for p in (tmp_path / "gx").rglob("*.html") if "validations" in p.parts]
    assert pages, "no validation page written"
    for page in pages:
        proc = subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                               "--disable-background-networking", f"--user-data-dir={tmp_path / 'profile'}",
                               "--virtual-time-budget=3000", "--dump-dom", page.as_uri()],
                              capture_output=True, text=True, timeout=120, check=False)
        assert proc.returncode == 0, proc.stderr[-2000:]
        dom = _Dom()
        dom.feed(proc.stdout)
        assert "pwned" not in dom.title  # no payload ran
        assert not dom.live, dom.live  # none became an element, attribute or script
        assert sum(t.count("document.title='pwned'") for t in dom.text) >= len(RUNS_IF_MARKUP)  # shown as text


class _Dom(HTMLParser):
    """What the browser built: the title, the text, and any element or script carrying a payload."""

    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.text: list[str] = []
        self.live: list[str] = []
        self._tag = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag = tag
        self.live += [f"<{tag} {k}>" for k, v in attrs if "pwned" in (v or "")]

    def handle_data(self, data: str) -> None:
        if self._tag == "title":
            self.title += data
        elif self._tag == "script" and "pwned" in data:
            self.live.append("<script>")
        else:
            self.text.append(data)
