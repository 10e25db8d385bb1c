"""Archives as people keep them (issue 18): dates in paths, e-paper headers, manifest globs.

Fixtures: tests/fixtures/archives/ (invented text written from the phenomena, see its README)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from gonghui.transforms.clean import clean_document
from gonghui.transforms.manifest import match_manifest, parse_manifest
from gonghui.transforms.pathmeta import date_from_path, parse_epaper_header
from gonghui.transforms.segment import segment_document

ROOT = Path(__file__).resolve().parents[1]
ARCHIVES = ROOT / "tests" / "fixtures" / "archives"
TODAY = date(2026, 12, 4)


@pytest.mark.parametrize(("path", "iso", "refused"), [
    ("20191029-01-04.txt", "2019-10-29", None),
    ("rmrb/2019-10-29/a.txt", "2019-10-29", None),
    ("2019/10/29/a.txt", "2019-10-29", None),
    ("2019-10/29/content_1.htm", "2019-10-29", None),
    ("2019/1029/a.txt", "2019-10-29", None),
    ("存档/2019年10月29日.txt", "2019-10-29", None),
    ("page_20191029.txt", "2019-10-29", None),
    ("export.csv#row=3", None, None),
    # ranges: after the run, before 1949, not a calendar date
    ("2099/01/01/a.txt", None, "date_after_run"),
    ("19001029.txt", None, "date_before_1949"),
    ("20191340-01.txt", None, "not_a_calendar_date"),
    # numbers that only look like dates: a longer digit run, a content hash
    ("1201910299.txt", None, None),
    ("004_2346e4344e25976a.txt", None, None),
    ("a/20191029f3a4b5c6d7e8.txt", None, None),
])
def test_date_from_path(path: str, iso: str | None, refused: str | None) -> None:
    found = date_from_path(path, TODAY)
    assert (found.iso if found else None) == iso
    assert (found.refused if found else None) == refused


def test_date_from_path_nearest_wins() -> None:
    found = date_from_path("2019/10/01/20191029-01.txt", TODAY)
    assert found is not None and found.iso == "2019-10-29"


@pytest.mark.parametrize(("line", "expected"), [
    ("解放日报　2022年05月28日　第1版", ("解放日报", "2022-05-28", "1", None)),
    ("人民日报 2019年10月29日 第4/5版:要闻", ("人民日报", "2019-10-29", "4/5", "要闻")),
    ("2022年05月28日 第01版：要闻 解放日报", ("解放日报", "2022-05-28", "01", "要闻")),
    ("示例工人报 第3版 2021-07-01", ("示例工人报", "2021-07-01", "3", None)),
    ("示例日报 2019年10月29日 星期二 第2版", ("示例日报", "2019-10-29", "2", None)),
])
def test_epaper_header(line: str, expected: tuple[Any, ...]) -> None:
    h = parse_epaper_header(line)
    assert h is not None
    assert (h.source, h.publish_date, h.page, h.page_name) == expected


@pytest.mark.parametrize("line", [
    "第1版",  # no paper, no date
    "解放日报记者2022年05月28日在第1版发表评论文章，引起广泛关注。",  # a sentence
    "城区新建十二座户外劳动者驿站",
    "2022年05月28日 10:30 来源：解放日报",  # a dateline, read elsewhere
])
def test_not_epaper_header(line: str) -> None:
    assert parse_epaper_header(line) is None


def _segment(rel: str, today: date = TODAY, manifest: Any = None) -> Any:
    path = ARCHIVES / "dated" / rel
    doc = clean_document("f" * 64, rel, path.read_text(encoding="utf-8"))
    arts = segment_document(doc, manifest, today=today)
    assert len(arts) == 1
    return arts[0]


def test_epaper_header_is_metadata_not_title() -> None:
    a = _segment("epaper/20191029-04-02.txt")
    assert a.title == "千名一线职工取得新证书"
    assert a.kicker == "技能培训助力职工成长——"
    assert (a.source, a.publish_date, a.page, a.page_name) == ("示例日报", "2019-10-29", "4/5", "要闻")
    assert a.metadata_origin["source"] == "header" and a.metadata_origin["page"] == "header"
    assert "示例日报" not in a.body
    assert "metadata_conflict" not in a.flags  # header and file name agree


def test_path_date_and_conflict() -> None:
    a = _segment("tree/2019/10/28/送清凉.txt")
    assert a.publish_date == "2019-10-28" and a.metadata_origin["publish_date"] == "path"
    assert a.title == "社区工会开展夏季送清凉活动"
    b = _segment("tree/2019-10-27/观摩会.txt")  # the header says the 26th, the folder the 27th
    assert b.publish_date == "2019-10-26" and b.metadata_origin["publish_date"] == "header"
    assert b.metadata_origin["publish_date_conflict"] == "path:2019-10-27"
    assert "metadata_conflict" in b.flags
    c = _segment("tree/2099/01/01/未来.txt")
    assert c.publish_date is None


def test_manifest_overrides_and_globs() -> None:
    rows = parse_manifest("file,source,publish_date\ntree/**,示例晚报,\n"
                          "tree/2019-10-27/观摩会.txt,,2019-10-25\n", "m.csv")
    assert match_manifest(rows, "0" * 64, "tree/2019/10/28/送清凉.txt") is rows[0]
    assert match_manifest(rows, "0" * 64, "tree/2019-10-27/观摩会.txt") is rows[1]  # exact beats glob
    assert match_manifest(rows, "0" * 64, "epaper/20191029-01-04.txt") is None
    folder = parse_manifest("file,source\nepaper/,示例日报\n", "m.csv")
    assert match_manifest(folder, "0" * 64, "epaper/20191029-01-04.txt") is folder[0]
    b = _segment("tree/2019-10-27/观摩会.txt", manifest=rows[1])
    assert b.publish_date == "2019-10-25" and b.metadata_origin["publish_date"] == "manifest"
    assert b.metadata_origin["publish_date_conflict"] in ("header:2019-10-26", "path:2019-10-27")


@pytest.fixture(scope="module")
def archive_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """ONE `gonghui run` over every archive shape (tests/fixtures/archives), no --manifest: the folder's
    own manifest.csv gives `dated/tree/` its source by a glob row and the TSV export its source."""
    work = tmp_path_factory.mktemp("archives")
    db = work / "w.duckdb"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    proc = subprocess.run(
        [sys.executable, "-m", "gonghui.cli", "run", "--input", str(ARCHIVES), "--db", str(db),
         "--report-dir", str(work / "reports")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return db, proc.stderr


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _articles(db: Path) -> dict[str, tuple[Any, ...]]:
    return {r[0]: r[1:] for r in _rows(db, """
        SELECT source_file, title, source, CAST(publish_date AS VARCHAR), page, page_name, metadata_origin,
               authors, url, publish_time
        FROM articles""")}


def _held(db: Path) -> dict[str, list[str]]:
    return {r[0]: r[1] for r in _rows(db, "SELECT source_file, reasons FROM quarantine "
                                          "WHERE record_kind IN ('file', 'document', 'article')")}


def test_dated_tree_loads_with_date_and_source(archive_run: tuple[Path, str]) -> None:
    db, _ = archive_run
    got = _articles(db)
    assert got["dated/epaper/20191029-01-04.txt"][:5] == ("城区新建十二座户外劳动者驿站", "示例日报",
                                                         "2019-10-29", "1", None)
    assert got["dated/epaper/20191029-04-02.txt"][:5] == ("千名一线职工取得新证书", "示例日报", "2019-10-29",
                                                         "4/5", "要闻")
    title, source, pdate, _, _, origin, *_ = got["dated/tree/2019/10/28/送清凉.txt"]
    assert (title, source, pdate) == ("社区工会开展夏季送清凉活动", "示例晚报", "2019-10-28")
    assert json.loads(origin)["source"] == "manifest" and json.loads(origin)["publish_date"] == "path"
    assert got["dated/tree/2019-10-27/观摩会.txt"][1:3] == ("示例晚报", "2019-10-26")
    held = _held(db)
    assert "missing_publish_date" in held["dated/tree/2099/01/01/未来.txt"]
    assert not any(k.startswith("dated/") and k != "dated/tree/2099/01/01/未来.txt" for k in held)
    # The folder (27th) and the header (26th) disagree: the article loads with the header's date, and the
    # disagreement is a warning in dq_results (issue 18: "a conflict between two origins is a warning in
    # dq_results, not silently resolved"), counted and carried as a flag.
    warned = _rows(db, """SELECT sum(unexpected_count), any_value(details->>'$.severity') FROM dq_results
                          WHERE expectation = 'metadata_conflict' AND NOT success""")
    assert warned[0][0] >= 1 and warned[0][1] == "warning"
    flags = _rows(db, "SELECT flags FROM articles WHERE source_file = 'dated/tree/2019-10-27/观摩会.txt'")
    assert "metadata_conflict" in flags[0][0]
    # page_name is a commented warehouse column
    assert _rows(db, """SELECT count(*) FROM duckdb_columns()
                        WHERE table_name = 'articles' AND column_name = 'page_name'
                        AND comment IS NOT NULL""") == [(1,)]


def test_exports_read_row_by_row(archive_run: tuple[Path, str]) -> None:
    db, said = archive_run
    got = _articles(db)
    csv1 = got["exports/文章导出.csv#row=1"]
    assert csv1[:3] == ("城区新建十二座户外劳动者驿站", "示例日报", "2021-06-01")
    assert csv1[6:] == (["林海"], "http://example.org/news/1.html", "09:30")
    assert json.loads(csv1[5])["publish_date"] == "export_column"
    assert got["exports/文章导出.csv#row=2"][6] == ["周青", "王岚"]
    assert got["exports/crawl.jsonl#row=1"][:3] == ("社区工会开展夏季送清凉活动", "示例晚报", "2021-07-15")
    assert got["exports/crawl.jsonl#row=2"][8] == "08:00"
    assert got["exports/items.json#row=1"][:3] == ("工会开展劳动法律宣传进企业活动", "示例工人报", "2021-08-03")
    tsv = got["exports/sheet.tsv#row=1"]
    assert tsv[:3] == ("困难职工帮扶中心接待来访职工", "示例周刊", "2021-09-01")
    assert json.loads(tsv[5])["source"] == "manifest"
    # provenance: each row is a document of its own, with the export's hash and its row number
    fid = __import__("hashlib").sha256((ARCHIVES / "exports" / "crawl.jsonl").read_bytes()).hexdigest()
    assert _rows(db, f"""SELECT row_number FROM raw_files WHERE parent_file_id = '{fid}'
                         ORDER BY row_number""") == [(1,), (2,)]
    # a table that names no articles is held back, naming what it lacked
    assert _held(db)["exports/prices.csv"] == ["export_missing_columns"]
    payload = json.loads(_rows(db, "SELECT payload FROM quarantine WHERE source_file = 'exports/prices.csv'")[0][0])
    assert payload["missing"] == ["content"] and payload["columns_seen"] == ["商品", "单价", "数量"]
    # the folder's manifest is used and said so, not quarantined as a file
    assert "manifest.csv in the input folder is used as the manifest" in said
    assert not any(k.endswith("manifest.csv") for k in _held(db))
    # accounting: every file has one state; an export counts once
    runs = _rows(db, "SELECT files_seen, files_loaded, files_quarantined FROM runs")
    assert runs == [(len([p for p in ARCHIVES.rglob("*") if p.is_file()]) - 1, runs[0][1], runs[0][2])]


# --- saved web pages -------------------------------------------------------------------------------------
FURNITURE = ("网站首页", "分享到", "版权所有", "相关阅读", "全省职工技能大赛开幕", "备案号")


@pytest.mark.parametrize(("title", "site", "expected"), [
    ("城区新建十二座户外劳动者驿站_示例新闻网", None, "城区新建十二座户外劳动者驿站"),
    ("城区新建十二座户外劳动者驿站 - 示例新闻网", None, "城区新建十二座户外劳动者驿站"),
    ("城区新建十二座户外劳动者驿站|示例频道|示例网", "示例网", "城区新建十二座户外劳动者驿站|示例频道"),
    ("工会 - 职工", None, "工会 - 职工"),  # too short a head to be a headline with a suffix
])
def test_strip_site_suffix(title: str, site: str | None, expected: str) -> None:
    from gonghui.transforms.html import strip_site_suffix

    assert strip_site_suffix(title, site) == expected


def test_page_meta_and_main_text() -> None:
    from gonghui.transforms.decode import decode_bytes
    from gonghui.transforms.html import extract_page, page_meta

    raw = (ARCHIVES / "pages" / "驿站_lying_charset.html").read_bytes()
    assert b"charset=gb2312" in raw
    d = decode_bytes(raw)
    assert d.encoding == "utf-8"  # the bytes, not the <meta>, decide
    page = extract_page(d.text or "")
    assert page.extractor == "trafilatura"
    assert page.meta["title"] == "城区新建十二座户外劳动者驿站"
    assert (page.meta["publish_date"], page.meta["source"], page.meta["authors"], page.meta["site_name"]) == (
        "2020-05-06", "示例日报", "林海", "示例新闻网")
    assert not any(f in page.text for f in FURNITURE)
    assert "驿站选址充分听取职工意见" in page.text
    # script variables and article:published_time; a URL is no author
    assert page_meta('<script>var pubtime = "2020-05-06 08:30";</script>')["publish_date"] == "2020-05-06"
    assert page_meta('<meta property="article:published_time" content="2020-05-07T10:00:00+08:00">') == {
        "publish_date": "2020-05-07", "publish_time": "10:00"}
    assert "authors" not in page_meta('<meta name="author" content="https://example.org/about">')


def test_saved_pages_load(archive_run: tuple[Path, str]) -> None:
    db, _ = archive_run
    got = _articles(db)
    a = got["pages/驿站_lying_charset.html"]
    assert a[:3] == ("城区新建十二座户外劳动者驿站", "示例日报", "2020-05-06")
    assert json.loads(a[5])["title"] == "html_meta" and a[6] == ["林海"]
    b = got["pages/培训_gbk_saved.txt"]  # a page saved as .txt in GBK; only the site names a source
    assert b[:3] == ("千名一线职工取得新证书", "示例新闻网", "2020-05-07")
    bodies = dict(_rows(db, "SELECT source_file, body FROM articles WHERE source_file LIKE 'pages/%'"))
    for body in bodies.values():
        assert not any(f in body for f in FURNITURE)
    flags = _rows(db, "SELECT source_file, flags FROM articles WHERE source_file LIKE 'pages/%'")
    assert all("boilerplate_left" not in f for _, f in flags)


# --- editorial furniture is never the headline ---------------------------------------------------------
@pytest.mark.parametrize(("line", "label", "decree"), [
    ("核心阅读", True, False), ("编者按", True, False), ("短评", True, False), ("链接：", True, False),
    ("相关阅读", True, False), ("【绝活看点】", True, False), ("【新闻链接】", True, False),
    ("中华人民共和国国务院令", False, True), ("第724号", False, True), ("某某省人民政府令", False, True),
    ("保障农民工工资支付条例", False, False), ("【一句完整的句子写在方括号里面，长度超过十五个字】", False, False),
    ("高温作业禁令", False, False),
])
def test_furniture_vocabulary(line: str, label: bool, decree: bool) -> None:
    from gonghui.transforms.segment import is_decree_line, is_editorial_label

    assert is_editorial_label(line) is label
    assert is_decree_line(line) is decree


def test_furniture_never_the_headline(archive_run: tuple[Path, str]) -> None:
    db, _ = archive_run
    got = {r[0]: r[1:] for r in _rows(db, """
        SELECT source_file, title, section_banner, summary, body, section_headings, CAST(publish_date AS VARCHAR)
        FROM articles WHERE source_file LIKE 'furniture/%'""")}
    title, banner, summary, body, _, pdate = got["furniture/核心阅读.txt"]
    assert (title, pdate) == ("新就业形态劳动者入会人数持续增长", "2020-01-08")
    assert summary.startswith("各级工会推进新就业形态劳动者入会")
    # the box stays in the body where it was printed, its label a section heading (issue 18 point 4)
    assert body.startswith("核心阅读\n各级工会推进新就业形态劳动者入会") and "核心阅读" in got["furniture/核心阅读.txt"][4]
    title, banner, *_ = got["furniture/绝活看点.txt"]
    assert (title, banner) == ("焊花飞溅中练就毫米级手艺", "绝活看点")
    title, banner, _, body, headings, _ = got["furniture/条例.txt"]
    assert title == "示例劳动者工资支付条例"
    assert body.startswith("中华人民共和国国务院令\n第999号\n")  # the decree stays in the body, marked
    assert "中华人民共和国国务院令" in headings
    title, banner, *_ = got["furniture/短评.txt"]
    assert (title, banner) == ("让驿站真正暖到劳动者心里", "短评")


# --- export readers and the extractor's fallback ---------------------------------------------------------
def test_read_export_shapes() -> None:
    from gonghui.transforms.readers import parse_columns_override, read_export

    rows = '{"pubDate": "2021-08-03 07:05", "headline": "标题甲", "text": "正文甲。"}\n'
    nd = read_export(rows, ".ndjson")
    assert nd.problem is None and nd.rows[0].row == 1 and nd.rows[0].text == "标题甲\n正文甲。"
    assert dict((k, v) for k, v, _ in nd.rows[0].supplied) == {
        "title": "标题甲", "publish_date": "2021-08-03", "publish_time": "07:05"}
    wrapped = read_export(json.dumps({"total": 1, "data": [{"标题": "乙", "内容": "正文乙。"}]}), ".json")
    assert [r.text for r in wrapped.rows] == ["乙\n正文乙。"]
    assert read_export("not json", ".json").problem == "export_unreadable"
    assert read_export("[1, 2]", ".json").problem == "export_unreadable"
    refused = read_export("file,source\na.txt,某报\n", ".csv")
    assert refused.problem == "export_missing_columns" and refused.detail["missing"] == ["content"]
    assert parse_columns_override("title=题,date=发布时间") == {"title": "题", "publish_date": "发布时间"}
    own = read_export("题,发布时间,正文\n丙,2021-01-02,正文丙。\n", ".csv",
                      parse_columns_override("title=题"))
    assert own.rows[0].supplied[0] == ("title", "丙", "export_column")


def test_extractor_falls_back_to_the_tag_stripper() -> None:
    from gonghui.transforms.html import extract_page

    assert extract_page("<html><body><p>短</p></body></html>").text == "短"
    page = extract_page("<html><head><title>标题甲乙丙_示例网</title></head><body></body></html>")
    assert page.extractor == "strip_tags" and page.meta["title"] == "标题甲乙丙"
