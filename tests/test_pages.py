"""Pages of many articles (issue 21): the page fixtures in tests/pages/ against tests/gold/pages.yaml,
through the real cleaner and segmenter, and one real `gonghui run` for each article's own fate."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from gonghui.transforms.clean import clean_document
from gonghui.transforms.dates import parse_publish_date
from gonghui.transforms.formats import MARKDOWN_DAY, MULTI_ARTICLE_PAGE, detect_format
from gonghui.transforms.records import Article
from gonghui.transforms.segment import FLAG_PICTURE_NOTE, segment_document
from tests.conftest import assert_truth_is_the_markup

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "tests" / "pages"
GOLD: dict[str, Any] = yaml.safe_load((ROOT / "tests" / "gold" / "pages.yaml").read_text(encoding="utf-8"))["pages"]


def _segment(name: str) -> list[Article]:
    data = (PAGES / name).read_bytes()
    doc = clean_document(hashlib.sha256(data).hexdigest(), name, data.decode("utf-8"))
    return segment_document(doc)


@pytest.mark.parametrize("name", sorted(GOLD))
def test_page_articles_match_gold(name: str) -> None:
    spec = GOLD[name]
    arts = _segment(name)
    assert [a.title for a in arts] == [w["title"] for w in spec["articles"]]
    header = spec.get("header") or {}
    for a, want in zip(arts, spec["articles"], strict=True):
        for key in ("kicker", "subtitle", "publish_date"):
            if key in want:
                assert getattr(a, key) == want[key], (a.title, key)
        for key in ("authors", "editors", "photographers"):
            if key in want:
                assert list(getattr(a, key)) == want[key], (a.title, key)
        for flag in want.get("flags", []):
            if flag == FLAG_PICTURE_NOTE:  # the clean-suite flags come from the run below
                assert flag in a.flags, a.title
        # the page header goes to every article on it
        for key, val in header.items():
            if key != "publish_date" or "publish_date" not in want:
                assert getattr(a, key) == val, (a.title, key)
        # every boundary says what it rests on
        assert a.metadata_origin.get("split_reason"), a.title
        assert "附图片" not in (a.title or "") + (a.kicker or "")


def test_page_formats() -> None:
    for name in GOLD:
        data = (PAGES / name).read_text(encoding="utf-8")
        doc = clean_document("x" * 64, name, data)
        want = MARKDOWN_DAY if name.endswith(".md") else MULTI_ARTICLE_PAGE
        assert detect_format(doc) == want, name


def test_labels_and_speech_openings_are_never_headlines() -> None:
    arts = _segment("p01_labels.txt")
    titles = {a.title for a in arts} | {a.kicker for a in arts}
    for label in ("核心阅读", "短评", "编者按", "前 言", "同志们:", "本报驻南非记者温宪"):
        assert label not in titles
    speech = next(a for a in arts if a.title == "在省总工会第十五次代表大会上的讲话")
    assert "同志们" in speech.body and "新的五年" in speech.body  # the box after 前 言 stays with the speech
    reasons = [a.metadata_origin["split_reason"] for a in arts]
    assert reasons[1] == "after_end_mark"  # a one-line head after （完）: no lead, no byline under it


def test_box_text_stays_in_the_body_marked_by_its_label() -> None:
    """A 核心阅读 / 短评 / 编者按 box is never the headline; its text stays in its article's body, in print
    order, and its label is a section heading (issue 18 point 4)."""
    arts = {a.title: a for a in _segment("p01_labels.txt")}
    first = arts["全国职工技能大赛在津开幕"]
    assert "核心阅读\n大赛设置焊工、电工、数控车工等12个赛项" in first.body and "核心阅读" in first.section_headings
    assert first.summary and first.summary.startswith("大赛设置焊工")
    assert arts["把技能人才的舞台搭得更大"].section_headings == ("短评",)
    assert "编者按\n工会之间的交流" in arts["外国工会代表团访问山东"].body


def test_markdown_running_order_is_not_an_article() -> None:
    arts = _segment("p03_dayfile.md")
    assert all("<p>" not in a.body and "新闻摘要" not in (a.title or "") for a in arts)
    assert {a.metadata_origin["split_reason"] for a in arts} == {"markdown_heading+running_order"}
    assert arts[0].body.startswith("第二届全国职工职业技能大赛今天在天津开幕")


@pytest.mark.parametrize(("text", "iso"), [
    ("一九九八年一月一日", "1998-01-01"),
    ("（一九九八年十二月三十一日）", "1998-12-31"),
    ("二〇〇三年十月十五日电", "2003-10-15"),
    ("１９９８年１月１日", "1998-01-01"),
    ("一九九八年二月三十日", None),  # no such day
    ("十二月三十一日", None),  # no year: relative to an unknown "now"
])
def test_older_typesetting_dates(text: str, iso: str | None) -> None:
    assert parse_publish_date(text) == iso


def test_one_articles_defect_holds_back_only_that_article(tmp_path: Path) -> None:
    """A real run: a damaged character in one article flags that article only; no page is held whole."""
    inp = tmp_path / "in"
    inp.mkdir()
    for name in GOLD:
        (inp / name).write_bytes((PAGES / name).read_bytes())
    db = tmp_path / "w.duckdb"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    subprocess.run([sys.executable, "-m", "gonghui.cli", "run", "--input", str(inp), "--db", str(db),
                    "--report-dir", str(tmp_path / "r")], cwd=ROOT, env=env, check=True, capture_output=True)
    con = duckdb.connect(str(db), read_only=True)
    try:
        loaded = {(f.split("/")[-1], t): list(fl) for f, t, fl in
                  con.execute("SELECT source_file, title, flags FROM articles").fetchall()}
        whole = con.execute("SELECT count(*) FROM quarantine WHERE record_kind IN ('file', 'document')").fetchone()
    finally:
        con.close()
    assert whole == (0,)
    for name, spec in GOLD.items():
        for want in spec["articles"]:
            if name.endswith(".md"):
                continue  # a broadcast's day file names no source: its stories are held for that
            flags = loaded[(name, want["title"])]
            for f in want.get("flags", []):
                assert f in flags, (name, want["title"])
            for f in want.get("not_flags", []):
                assert f not in flags, (name, want["title"])


def _titles(lines: list[str]) -> list[str | None]:
    from gonghui.transforms.segment import _split_page

    return [d.title for d in _split_page(lines, frozenset())]


def test_weak_heads_need_evidence() -> None:
    """A question or exclamation is a head only where the page shows one: after an end mark, over a byline."""
    lines = ["职工书屋开进工地", "本报记者 张三", "工地上的职工书屋昨天开放,两百多本新书摆上了书架。",
             "真好!", "一位职工拿起一本书说。", "（完）", "工会为何要管职工读书?",
             "市总工会负责人说,读书是职工提升技能的重要途径。"]
    assert _titles(lines) == ["职工书屋开进工地", "工会为何要管职工读书?"]


def test_lists_notes_and_tagged_headlines() -> None:
    lines = ["【劳工聆讯】工会代表出庭作证 称公司拖欠工资三个月", "本报记者 李四",
             "工会代表昨日出庭,讲述了事件经过,主要诉求如下:", "1. 补发拖欠的工资", "2. 补缴社会保险",
             "(本文原载于工会通讯)", "法庭将于下月再审。"]
    assert _titles(lines) == ["【劳工聆讯】工会代表出庭作证 称公司拖欠工资三个月"]


def test_web_heads_credits_and_picture_labels() -> None:
    """Shapes of real Hong Kong pages: a headline trailing off in ……, a name-like title under a kicker, a
    bracketed writer credit under a head, picture credits and labels that are never heads."""
    lines = ["港闻追踪——", "同路人", "本报记者 陈明", "街坊在社区中心聚会,交流近况。", "（完）",
             "如果你我都是打工仔……", "【撰文:一群关注劳工权益的大学生】", "打工仔的处境,我们都看在眼里。",
             "《众新闻》制图", "大家要团结起来。", "（完）",
             "工会为何要管职工读书?其实答案很简单", "本报记者 李四", "工会负责人说,读书是提升技能的重要途径。"]
    assert _titles(lines) == ["同路人", "如果你我都是打工仔……", "工会为何要管职工读书?其实答案很简单"]


def test_page_header_parser_is_one() -> None:
    from gonghui.transforms.pathmeta import parse_epaper_header
    from gonghui.transforms.segment import _page_header

    for line, want in [("众新闻 2019年8月2日 第5版 港闻", ("2019-08-02", "众新闻", "5")),
                       ("人民日报 一九九八年一月一日 第４版", ("1998-01-01", "人民日报", "4")),
                       ("工人日报 2023年9月18日 第3版 新闻", ("2023-09-18", "工人日报", "3")),
                       ("1951年9月15日人民日报 第1版", ("1951-09-15", "人民日报", "1")),  # an archive's: date first
                       ("1950年6月4日人民日报第2版", ("1950-06-04", "人民日报", "2"))]:
        assert _page_header(line) == want
        h = parse_epaper_header(line)
        assert h is not None and (h.publish_date, h.source, h.page) == want
    # an archive's listing header names no paper: date and page only (版面 = page)
    h = parse_epaper_header("1953-06-13第1版面所有文章内容")
    assert h is not None and (h.publish_date, h.source, h.page) == ("1953-06-13", None, "1")


# --- the real multi-article pages (tests/fixtures/realpages: sources and licence basis in its README) -----
def _realpages() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("realpages_build", ROOT / "tests" / "fixtures" / "realpages" / "build.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_real_pages_truth_is_the_archives_markup() -> None:
    """truth.yaml holds to each page's own markup: one article per mark, every headline among the marked
    head lines in print order (版 pages) or the running-order entry itself (day files); the input gonghui gets
    has the markup taken off."""
    rp = _realpages()
    truth = rp.truth()
    assert len(truth) >= 14 and sum(len(s["articles"]) for s in truth.values()) >= 30
    assert {s["layout"] for s in truth.values()} == {"page", "day"}
    assert_truth_is_the_markup(rp)


def test_real_pages_split_by_their_own_evidence() -> None:
    """Every real page splits into several articles, each boundary with its evidence; no page stands as one."""
    rp = _realpages()
    for name, spec in rp.truth().items():
        text = rp.page_input(name, spec)
        arts = segment_document(clean_document(hashlib.sha256(text.encode()).hexdigest(), name, text))
        assert len(arts) >= 2, name
        assert all(a.metadata_origin.get("split_reason") for a in arts), name


def _page(text: str) -> list[Article]:
    return segment_document(clean_document(hashlib.sha256(text.encode()).hexdigest(), "page.txt", text))


def test_older_leads_open_articles_and_three_decks_put_the_title_in_the_middle() -> None:
    """A 1950s page: a photo under its column head, then stories whose dispatch lines are bracketed or retold
    (【本报讯】, 据新华社…电); a head of three decks without —— is 引题 / 主题 / 副题."""
    arts = _page("\n".join([
        "1952年3月1日人民日报 第2版",
        "我们伟大的祖国", "新建的纺织厂已经开工。这是女工们在细纱车间里工作。",
        "春耕以前", "华北各地工会组织职工支援农业", "许多工厂为农民修好了农具",
        "【本报讯】华北各地工会在春耕以前组织职工支援农业,许多工厂派出修配组下乡。",
        "修配组已经修好了一万多件农具。",
        "纺织工人提前完成计划", "据新华社天津二十八日电 天津各纺织厂职工提前完成了二月份的生产计划。"]))
    assert [a.title for a in arts] == ["我们伟大的祖国", "华北各地工会组织职工支援农业", "纺织工人提前完成计划"]
    assert (arts[1].kicker, arts[1].subtitle) == ("春耕以前", "许多工厂为农民修好了农具")
    assert arts[1].metadata_origin["split_reason"] == "head_block"
    assert all(a.publish_date == "1952-03-01" and a.source == "人民日报" for a in arts)


def test_a_closing_date_or_a_collective_credit_ends_an_article() -> None:
    """A notice closes with its date on a line of its own; a report with （本报集体通讯员…）: the head under
    either opens the next article, though no news lead anchors it."""
    arts = _page("\n".join([
        "1953年5月4日人民日报 第2版",
        "全国总工会关于做好夏季劳动保护工作的通知", "一、各级工会应当检查工厂的防暑降温设备。",
        "二、各级工会应当组织职工做好防汛准备。", "一九五三年五月二日",
        "鞍钢工人提出合理化建议", "鞍钢工人一个月里提出了三百多件合理化建议,已经采用了一百多件。",
        "(本报集体通讯员鞍钢工人报编辑部)",
        "沈阳工人文化宫落成", "沈阳工人文化宫已经落成,五一节正式开放。"]))
    assert [a.title for a in arts] == ["全国总工会关于做好夏季劳动保护工作的通知", "鞍钢工人提出合理化建议",
                                       "沈阳工人文化宫落成"]
    assert [a.metadata_origin["split_reason"] for a in arts[1:]] == ["after_end_mark", "after_end_mark"]
    assert "一九五三年五月二日" in arts[0].body and arts[1].authors == ("鞍钢工人报编辑部",)


def test_an_end_credit_naming_the_outlet_before_the_role_ends_an_article() -> None:
    """(某县融媒记者 X Y) under a report's text is its end credit as (记者 X) is: one reader of a credit in
    brackets (byline.parse_bracketed_credit) knows the outlet before the role word, so the head under it opens
    the next article and the names are the report's reporters (the outlet is none of them); a correspondent
    stays a correspondent."""
    arts = _page("\n".join([
        "2024年6月3日某县日报 第2版",
        "某县总工会为户外劳动者送清凉", "本报讯(记者 王某某)近日,某县总工会走访环卫、快递等一线岗位,送去防暑用品。",
        "活动覆盖全县十二个乡镇。",
        "某县户外劳动者服务站投入使用", "本报讯 服务站设在县城主干道旁,配有饮水机、微波炉和休息座椅。",
        "站点全天开放,已接待劳动者三百余人次。",
        "(某县融媒记者 祝某某 陈某某)",
        "某县举办职工技能竞赛", "竞赛设焊工、电工两个工种,共有八十名职工参赛。",
        "（通讯员 李某某）",
        "某县职工书屋上新", "职工书屋新添图书两千册,供职工免费借阅。"]))
    assert [a.title for a in arts] == ["某县总工会为户外劳动者送清凉", "某县户外劳动者服务站投入使用",
                                       "某县举办职工技能竞赛", "某县职工书屋上新"]
    assert [a.metadata_origin["split_reason"] for a in arts[2:]] == ["after_end_mark", "after_end_mark"]
    assert arts[1].authors == ("祝某某", "陈某某") and "融媒" not in arts[1].body
    assert arts[2].correspondents == ("李某某",) and not arts[2].authors


def test_a_long_paragraph_ending_in_a_colon_is_text() -> None:
    """同志们: is a speech's address (a label); a long paragraph that leads into a quotation with a colon is
    text, and a news lead when it opens with one."""
    arts = _page("\n".join([
        "1952年5月22日人民日报 第1版",
        "我们伟大的祖国", "这是新建的水库。",
        "代表团举行大会", "我方代表提出严重抗议",
        "【新华社开城二十一日电】我方首席代表在今天的大会上就战俘营事件向对方提出严重抗议,主要发言如下:",
        "“你方必须负完全的责任。”"]))
    assert [a.title for a in arts] == ["我们伟大的祖国", "我方代表提出严重抗议"]
    assert arts[1].kicker == "代表团举行大会"


def test_running_order_entries_name_their_articles() -> None:
    """A day file: `N. head` over each article, whose line repeats the head (run in) or opens with its lead."""
    arts = _page("\n".join([
        "1964-11-07", "第 1 版",
        "1. 首都工人举行集会 支援越南人民", "首都工人举行集会 支援越南人民 新华社六日讯 首都工人今天举行集会。",
        "2. 我们伟大的祖国(图片)", "我们伟大的祖国 新建的水电站已经发电。这是水电站的全景。",
        "3. 外电报道:我国棉花丰收", "【路透社北京5日电】中国今年的棉花获得丰收。",
        "4. 全国总工会发出通知", "全国总工会发出通知 新华社六日讯 全国总工会今天发出通知。"]))
    assert [a.title for a in arts] == ["首都工人举行集会 支援越南人民", "我们伟大的祖国", "外电报道:我国棉花丰收",
                                       "全国总工会发出通知"]
    assert [a.metadata_origin["split_reason"] for a in arts] == [
        "running_order+run_in_head", "running_order+run_in_head", "running_order+lead", "running_order+run_in_head"]
    assert arts[0].body == "首都工人今天举行集会。" and "棉花获得丰收" in arts[2].body  # the repeated head is gone
    assert FLAG_PICTURE_NOTE in arts[1].flags  # the entry's (图片) is a flag, not part of the headline
    assert all(a.publish_date == "1964-11-07" and a.page == "1" for a in arts)


@pytest.mark.parametrize(("line", "lead"), [
    ("【新华社重庆十四日电】拉萨讯:人民解放军某部已进抵拉萨。", True),
    ("【本报讯】全国工会会员已近五百万人。", True),
    ("据新华社柏林17日电 波恩消息:会谈已经结束。", True),
    ("【路透社北京12日电】总理今天回到这里。", True),
    ("【日本广播协会电台16日广播】今晚请记者谈一谈北京的情况。", True),  # a radio's dispatch line
    ("【撰文:一群大学生】", False),  # a writer's credit
    ("【劳工聆讯】工会代表出庭作证", False),  # a topic tag, though it ends in 讯
    ("据了解,工会今年将举办技能大赛。", False),
])
def test_older_news_leads(line: str, lead: bool) -> None:
    from gonghui.transforms.linekinds import starts_lead

    assert starts_lead(line) is lead


def test_two_undashed_decks_take_the_title_the_lead_restates() -> None:
    """Two head lines without ——: 引题 + 主题 by default, but 主题 + 副题 where the lead's first sentence restates
    the upper line more than the lower one; a kicker ending in —— keeps its reading."""
    arts = _page("\n".join([
        "1955年5月2日人民日报 第1版",
        "全国工会代表大会胜利闭幕", "通过关于工会工作的决议和告全国职工书",
        "新华社一日讯 全国工会代表大会今天胜利闭幕。大会通过了决议。",
        "为提前完成五年计划而奋斗", "鞍钢职工开展劳动竞赛",
        "新华社鞍山一日电 鞍钢职工开展劳动竞赛,各厂都订出了计划。",
        "工会坚持服务职工——", "上海工会为职工办实事",
        "新华社上海一日电 上海工会坚持服务职工,今年为职工办了一百件实事。"]))
    assert [(a.kicker, a.title, a.subtitle) for a in arts] == [
        (None, "全国工会代表大会胜利闭幕", "通过关于工会工作的决议和告全国职工书"),
        ("为提前完成五年计划而奋斗", "鞍钢职工开展劳动竞赛", None),
        ("工会坚持服务职工——", "上海工会为职工办实事", None)]
