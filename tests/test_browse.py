"""The analyst's workbench (issue 19): `gonghui browse` started as a user starts it, over a warehouse the real
flow built from the samples, a hostile page, a reprint (a copy of a story) and a revised file; pages and their
.json twins checked against the warehouse; a second run loads while the app is serving; headless Chromium
walks metric -> claim -> article and finds the highlighted span equal to the fact's evidence. Also
`gonghui.connect` and the README's notebook example."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import duckdb
import httpx
import pytest

import gonghui
from tests.conftest import SAMPLES
from tests.test_views import prefect_api, run_flow, write_reprint

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
IMG = ROOT / "docs" / "img"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars")
# Set GONGHUI_UPDATE_SCREENSHOT=1 to refresh docs/img/browse-*.png (the README shows them).
UPDATE_SCREENSHOT = os.environ.get("GONGHUI_UPDATE_SCREENSHOT") == "1"
# Markup that would run if the app wrote data unescaped: each sets the page title.
HOSTILE_TITLE = "<img src=x onerror=\"document.title='pwned'\">"
REVISED = "002_bdbddf47cf01ef19.txt"


def _hostile_file(path: Path, sample: str, keep: int) -> None:
    """A page headed by a hostile title, with real sample paragraphs as its body."""
    paras = [ln for ln in (SAMPLES / sample).read_text(encoding="utf-8").split("\n") if len(ln) > 40][:keep]
    path.write_text(HOSTILE_TITLE + "\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")


@dataclass
class Served:
    db: Path
    url: str
    first: dict[str, Any]
    second: dict[str, Any]
    during_run: list[int] = field(default_factory=list)  # status codes of pages asked while run 2 loaded

    def get(self, path: str, **params: Any) -> httpx.Response:
        return httpx.get(self.url.rstrip("/") + path, params=params or None, timeout=60)

    def sql(self, query: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(self.db), read_only=True) as con:
            return con.execute(query, params or []).fetchall()


def _gonghui() -> list[str]:
    script = Path(sys.executable).parent / "gonghui"
    return [str(script)] if script.exists() else [sys.executable, "-m", "gonghui"]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """Run 1: the five samples, a hostile page without date or source (held back) and one with them from the
    manifest (loaded). Then `gonghui browse --port 0` starts; while it serves, run 2 loads a reprint of
    sample 000 (a copy) and a revision of sample 002, and a thread keeps asking for pages."""
    tmp = tmp_path_factory.mktemp("browse")
    inp = tmp / "in"
    inp.mkdir()
    for p in sorted(SAMPLES.glob("*.txt")):
        shutil.copy(p, inp / p.name)
    _hostile_file(inp / "hostile_held.txt", "002_bdbddf47cf01ef19.txt", 3)
    _hostile_file(inp / "hostile_loaded.txt", "003_21340ad4f150d7d2.txt", 4)
    manifest = tmp / "manifest.csv"
    manifest.write_text("file,source,publish_date\nhostile_loaded.txt,工人日报,2023-08-18\n", encoding="utf-8")
    db = tmp / "wh.duckdb"
    with prefect_api():
        first = run_flow(tmp, inp, manifest)
        proc = subprocess.Popen([*_gonghui(), "browse", "--db", str(db), "--port", "0"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            assert m, (line, proc.stderr.read() if proc.poll() is not None and proc.stderr else "")
            srv = Served(db, m.group(0), first, {})
            stop = threading.Event()

            def ask() -> None:
                while not stop.is_set():
                    for path in ("/metrics", "/search?q=工会", "/held-back", "/runs"):
                        srv.during_run.append(srv.get(path).status_code)

            poller = threading.Thread(target=ask, daemon=True)
            poller.start()
            write_reprint(inp)
            revised = inp / REVISED
            revised.write_text(revised.read_text(encoding="utf-8") + "\n（本报记者补充报道）\n", encoding="utf-8")
            srv.second = run_flow(tmp, inp, manifest)
            stop.set()
            poller.join(timeout=120)
            # the app reads a copy; once the run's writes are over it takes a fresh one
            deadline = time.monotonic() + 60
            while not srv.get("/index.json").json()["current"] and time.monotonic() < deadline:
                time.sleep(0.5)
            yield srv
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def test_starts_on_a_free_local_port_and_a_run_still_writes(served: Served) -> None:
    assert served.url.startswith("http://127.0.0.1:")
    assert served.first["status"] == served.second["status"] == "completed"
    # run 2 loaded the reprint and the revision while the app answered pages
    assert served.sql("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL")[0][0] >= 1
    assert served.sql("SELECT count(*) FROM file_paths WHERE path = ? AND valid_to IS NOT NULL", [REVISED])[0][0] == 1
    assert len(served.during_run) >= 4 and set(served.during_run) == {200}, served.during_run
    # the app keeps no connection to the file between copies: a writer gets in at once
    t0 = time.monotonic()
    with duckdb.connect(str(served.db)) as writer:
        writer.execute("SELECT count(*) FROM runs").fetchall()
    assert time.monotonic() - t0 < 5
    assert served.get("/index.json").json()["current"]


def test_every_page_kind_and_its_json_twin(served: Served) -> None:
    metric, region, fact_id, article_id = served.sql(
        "SELECT metric, region, fact_id, article_id FROM metric_by_region ORDER BY claims DESC, metric LIMIT 1")[0]
    run_id = served.sql("SELECT run_id FROM runs ORDER BY started_at LIMIT 1")[0][0]
    pages = ["/", "/metrics", f"/metrics/{metric}/{region}", f"/articles/{article_id}", "/held-back",
             "/search?q=工会", "/runs", f"/runs/{run_id}", "/catalogue"]
    for page in pages:
        html = served.get(page)
        assert html.status_code == 200, page
        assert "script-src" not in html.headers["content-security-policy"]  # no script allowed at all
        assert "default-src 'none'" in html.headers["content-security-policy"]
        assert "<script" not in html.text and "http://" not in html.text.replace(served.url, "")  # nothing fetched
        # the page's own JSON link is its twin
        link = re.search(r'<a href="([^"]+)" id="json-twin">', html.text)
        assert link, page
        twin = served.get(unescape(link.group(1)))
        assert twin.status_code == 200 and twin.headers["content-type"].startswith("application/json"), page
        json.loads(twin.text)
    cells = served.get("/metrics.json").json()["cells"]
    assert len(cells) == served.sql("SELECT count(*) FROM metric_by_region")[0][0]
    conflicting = {(c["metric"], c["region"]) for c in cells if c["conflicting"]}
    assert conflicting == set(served.sql("SELECT DISTINCT metric, region FROM metric_timeline WHERE conflicting"))
    claims = served.get(f"/metrics/{metric}/{region}.json").json()["claims"]
    assert [c["fact_id"] for c in claims] == [r[0] for r in served.sql(
        "SELECT fact_id FROM metric_timeline WHERE metric = ? AND region = ? ORDER BY claim_no", [metric, region])]
    assert fact_id in {c["fact_id"] for c in claims}
    art = served.get(f"/articles/{article_id}.json").json()
    assert len(art["facts"]) == served.sql("SELECT count(*) FROM facts WHERE article_id = ?", [article_id])[0][0]
    assert art["raw_file"]["file_id"] == art["article"]["file_id"]
    assert art["run"]["run_id"] == art["article"]["run_id"]
    assert set(art["article"]["metadata_origin"]) >= {"publish_date", "source"}
    assert served.get("/articles/no-such-article").status_code == 404
    # the app's claims table lives in its own copy: the warehouse never gets it, the catalogue never shows it
    names = {r["name"] for r in served.get("/catalogue.json").json()["relations"]}
    assert "metric_timeline" in names and "browse_claims" not in names
    assert served.sql("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'browse_claims'")[0][0] == 0


def test_article_shows_copies_revisions_and_what_cleaning_removed(served: Served) -> None:
    original, copy = served.sql("SELECT duplicate_of, article_id FROM articles WHERE duplicate_of IS NOT NULL")[0]
    page = served.get(f"/articles/{original}.json").json()
    assert copy in {c["article_id"] for c in page["duplicates"]}
    assert served.get(f"/articles/{copy}.json").json()["duplicate_of"]["article_id"] == original
    new_id = served.sql("SELECT article_id FROM articles WHERE source_file = ? AND valid_to IS NULL", [REVISED])[0][0]
    versions = served.get(f"/articles/{new_id}.json").json()["versions"]
    assert [v["current"] for v in versions] == [False, True]
    old = versions[0]["same_seq_article"]
    assert old and old != new_id and "retired" in served.get(f"/articles/{old}").text
    # the removed lines, on request: cleaning run again on the staged raw text
    with_removed = served.get(f"/articles/{original}.json", removed=1).json()
    counts = with_removed["raw_file"]["removed_counts"]
    raw = served.sql("SELECT text FROM raw_files WHERE file_id = ?", [with_removed["article"]["file_id"]])[0][0]
    assert with_removed["removed"], "sample 000 has a masthead and a CMS trailer"
    for piece in with_removed["removed"]:
        assert counts.get(piece["kind"], 0) >= 1
        assert piece["text"].strip()[:8] in raw or piece["kind"] == "masthead"


def test_held_back_by_reason_and_run_with_its_expectation(served: Served) -> None:
    everything = served.get("/held-back.json").json()
    assert everything["total"] == served.sql("SELECT count(*) FROM quarantine")[0][0]
    reason = "missing_publish_date"
    run_id = served.first["run_id"]
    page = served.get("/held-back.json", reason=reason, run=run_id).json()
    expected = served.sql("SELECT count(*) FROM quarantine WHERE list_contains(reasons, ?) AND run_id = ?",
                          [reason, run_id])[0][0]
    assert page["total"] == expected > 0
    for r in page["records"]:
        assert reason in r["reasons"] and r["run_id"] == run_id
        assert any(e["expectation"] == reason and e["gx_type"].startswith("expect_") for e in r["expectations"])
        assert r["span"]["how"]
    html = served.get("/held-back", reason=reason).text
    assert "&lt;img src=x onerror=" in html and "<img src=x" not in html  # the hostile title, held back, as text


def test_search_by_words_source_region_and_dates(served: Served) -> None:
    title, source, region, day = served.sql("""SELECT title, source, region, publish_date FROM articles
        WHERE valid_to IS NULL AND region IS NOT NULL ORDER BY publish_date LIMIT 1""")[0]
    word = title[2:6]
    got = served.get("/search.json", q=word, source=source, region=region, **{"from": str(day), "to": str(day)}).json()
    want = served.sql("""SELECT article_id FROM articles WHERE valid_to IS NULL AND (contains(title, ?) OR contains(body, ?))
                         AND source = ? AND region = ? AND publish_date = ?""", [word, word, source, region, day])
    assert {r["article_id"] for r in got["results"]} == {r[0] for r in want} and got["total"] == len(want) > 0
    body_word = served.sql("SELECT substr(body, 40, 4) FROM articles WHERE valid_to IS NULL LIMIT 1")[0][0]
    hits = served.get("/search.json", q=body_word).json()["results"]
    assert hits and all(body_word == r["snippet"][1] or body_word in r["title"] for r in hits)
    hostile = served.get("/search", q="onerror").text
    assert "&lt;img src=x onerror=" in hostile and "<img src=x" not in hostile


def test_connect_is_read_only_and_has_the_views(served: Served) -> None:
    from gonghui.cli import DEFAULT_DB

    assert gonghui.DEFAULT_DB == DEFAULT_DB
    with gonghui.connect(served.db) as con:
        df = con.sql("SELECT region, metric, value FROM metric_by_region").df()
        assert len(df) == served.sql("SELECT count(*) FROM metric_by_region")[0][0] > 0
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("DELETE FROM articles")
    with pytest.raises(FileNotFoundError, match="gonghui run"):
        gonghui.connect(served.db.parent / "nothing.duckdb")


def test_readme_notebook_example_runs(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's pandas example, as printed there, against this warehouse (GONGHUI_DB)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- connect-example -->\s*```python\n(.*?)```", readme, re.S)
    assert block, "README: the connect example block is missing"
    monkeypatch.setenv("GONGHUI_DB", str(served.db))
    scope: dict[str, Any] = {}
    exec(compile(block.group(1), "README.md", "exec"), scope)  # noqa: S102 - the README's own code
    latest = scope["latest"]
    assert len(latest) == served.sql("SELECT count(*) FROM metric_by_region")[0][0]


# ---- headless Chromium ------------------------------------------------------------------------------------


class _Dom(HTMLParser):
    """The DOM the browser built: links, the text of each fact span, claims and their evidence."""

    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.links: list[dict[str, str]] = []
        self.fact_text: dict[str, str] = {}
        self.person_text: dict[str, str] = {}
        self.claims: list[dict[str, str]] = []
        self.tags: set[str] = set()
        self._stack: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.add(tag)
        if tag == "a" and "href" in a:
            self.links.append(a)
        if tag == "tr" and "data-fact" in a:
            self.claims.append({"fact_id": a["data-fact"], "evidence": "", "figure": "", "article": ""})
        if tag == "a" and "to-article" in a.get("class", "") and self.claims:
            self.claims[-1]["article"] = a["href"]
        if tag not in ("br", "img", "input", "meta", "link", "circle", "line", "polyline"):
            self._stack.append((tag, a))

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            t, _ = self._stack.pop()
            if t == tag:
                break

    def handle_data(self, data: str) -> None:
        tags = [t for t, _ in self._stack]
        if tags and tags[-1] == "title" and "svg" not in tags:
            self.title += data
        for t, a in self._stack:
            if t == "a" and "data-facts" in a:
                for f in a["data-facts"].split():
                    self.fact_text[f] = self.fact_text.get(f, "") + data
            if t == "a" and "data-people" in a:
                for name in a["data-people"].split():
                    self.person_text[name] = self.person_text.get(name, "") + data + "\x00"
            if t == "span" and a.get("class") == "evidence" and self.claims:
                self.claims[-1]["evidence"] += data
            if t == "mark" and a.get("class") == "figure" and self.claims and "span" in tags:
                self.claims[-1]["figure"] += data


def _chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={tmp / 'profile'}", *args],
                          capture_output=True, text=True, timeout=120, check=False)


def _dom(tmp: Path, url: str) -> _Dom:
    out = _chromium(tmp, "--virtual-time-budget=3000", "--dump-dom", url)
    assert out.returncode == 0, out.stderr[-2000:]
    dom = _Dom()
    dom.feed(out.stdout)
    return dom


def _screenshot(tmp: Path, url: str, name: str, height: int) -> None:
    shot = tmp / f"{name}.png"
    out = _chromium(tmp, f"--screenshot={shot}", f"--window-size=1280,{height}", url)
    assert out.returncode == 0, out.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a real picture, not a blank page
    if UPDATE_SCREENSHOT:
        IMG.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, IMG / f"{name}.png")
    assert (IMG / f"{name}.png").exists(), f"docs/img/{name}.png: run with GONGHUI_UPDATE_SCREENSHOT=1 once"


@pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium not installed (/usr/bin/chromium)")
def test_browser_walks_from_a_metric_to_its_sentence(served: Served, tmp_path: Path) -> None:
    base = served.url.rstrip("/")
    # metrics: every cell links to a metric in a region
    metrics = _dom(tmp_path, base + "/metrics")
    cells = [a for a in metrics.links if a.get("data-metric")]
    assert len(cells) == served.sql("SELECT count(*) FROM metric_by_region")[0][0]
    # the cell with the most claims (several sources: the richest timeline)
    busiest = served.sql("SELECT metric, region FROM metric_by_region ORDER BY claims DESC, metric, region LIMIT 1")[0]
    cell = next(a for a in cells if (a["data-metric"], a["data-region"]) == busiest)
    # the metric in its region: every claim with its evidence, the figure highlighted, a link to its article
    claim_page = _dom(tmp_path, base + cell["href"])
    want = served.sql("""SELECT t.fact_id, t.evidence, f.number_text FROM metric_timeline t JOIN facts f USING (fact_id)
                         WHERE t.metric = ? AND t.region = ? ORDER BY t.claim_no""",
                      [unquote(cell["data-metric"]), unquote(cell["data-region"])])
    assert [(c["fact_id"], c["evidence"]) for c in claim_page.claims] == [(w[0], w[1]) for w in want]
    assert all(c["figure"] == w[2] for c, w in zip(claim_page.claims, want, strict=True) if w[2] in w[1])
    claim = claim_page.claims[0]
    # the article: the highlighted span of that fact is exactly its evidence
    href = urlsplit(claim["article"])
    assert href.fragment == f"fact-{claim['fact_id']}"
    article = _dom(tmp_path, base + claim["article"])
    assert article.fact_text[claim["fact_id"]] == claim["evidence"]
    article_id = href.path.rsplit("/", 1)[1]
    body_facts = served.sql("SELECT fact_id, evidence FROM facts WHERE article_id = ? AND field = 'body'", [article_id])
    assert {f: article.fact_text.get(f) for f, _ in body_facts} == dict(body_facts)
    # people: each mention's span highlighted (an article naming people with their posts)
    with_people = served.sql("SELECT article_id FROM people GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")[0][0]
    people_page = _dom(tmp_path, f"{base}/articles/{with_people}")
    mentions = served.sql("SELECT name, evidence FROM people WHERE article_id = ?", [with_people])
    for name, evidence in mentions:
        # a mention's span may be cut by a fact span overlapping it: its pieces, joined, are the evidence
        assert evidence in people_page.person_text.get(name, "").replace("\x00", ""), name
    # every other page kind renders in the browser, and the hostile title stays text
    hostile = served.sql("SELECT article_id FROM articles WHERE title LIKE '%onerror%'")[0][0]
    for path in ("/", f"/articles/{hostile}", "/held-back", "/search?q=onerror", "/runs",
                 f"/runs/{served.second['run_id']}", "/catalogue"):
        dom = _dom(tmp_path, base + path)
        # had the payload run, the title would be exactly "pwned"; it is shown as text instead
        assert dom.title.strip() != "pwned" and "img" not in dom.tags, path
        if path.startswith("/articles/"):
            assert dom.title.startswith(HOSTILE_TITLE)
    for name, path, height in (("browse-metrics", "/metrics", 900), ("browse-metric", cell["href"], 900),
                               ("browse-article", claim["article"].split("#")[0], 1400),
                               ("browse-held-back", "/held-back", 1000)):
        _screenshot(tmp_path, base + path, name, height)


def test_stopping_removes_the_snapshot_and_a_busy_port_is_one_line(served: Served) -> None:
    proc = subprocess.Popen([*_gonghui(), "browse", "--db", str(served.db)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        _stop_cleanly(proc, served)
    finally:
        if proc.poll() is None:  # a failed check above: no server left behind
            proc.kill()
            proc.wait(timeout=30)


def _stop_cleanly(proc: subprocess.Popen[str], served: Served) -> None:
    import signal
    import tempfile

    assert proc.stdout is not None and proc.stderr is not None
    url = re.search(r"http://127\.0\.0\.1:(\d+)/", proc.stdout.readline())
    assert url
    assert httpx.get(url.group(0) + "index.json", timeout=60).json()["current"]
    snapshots = list(Path(tempfile.gettempdir()).glob(f"gonghui-browse-{proc.pid}-*"))
    assert len(snapshots) == 1 and any(snapshots[0].glob("*.duckdb"))
    # the same port again: one line on stderr, exit 2, no traceback
    busy = subprocess.run([*_gonghui(), "browse", "--db", str(served.db), "--port", url.group(1)],
                          capture_output=True, text=True, timeout=60)
    assert busy.returncode == 2 and busy.stderr.startswith("error: cannot listen on 127.0.0.1:")
    assert "Traceback" not in busy.stderr and len(busy.stderr.strip().splitlines()) == 1
    proc.send_signal(signal.SIGINT)  # Ctrl-C
    assert proc.wait(timeout=30) in (0, -signal.SIGINT, 128 + signal.SIGINT)
    assert "Traceback" not in proc.stderr.read()
    assert not snapshots[0].exists()


def test_browse_without_a_warehouse_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from gonghui.cli import main

    assert main(["browse", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert capsys.readouterr().err.startswith(f"error: no warehouse at {tmp_path / 'none.duckdb'}; run `gonghui run`")
