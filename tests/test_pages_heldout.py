"""The held-out real pages (issue 21, tests/fixtures/heldoutpages: sources and licence basis in its README):
their truth holds to the archives' own markup, and the gonghui input has that markup taken off."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path
from typing import Any

from gonghui.transforms.clean import clean_document
from gonghui.transforms.records import Article
from gonghui.transforms.segment import segment_document
from tests.conftest import assert_truth_is_the_markup

ROOT = Path(__file__).resolve().parents[1]


def _heldout() -> Any:
    spec = importlib.util.spec_from_file_location("heldout_build", ROOT / "tests" / "fixtures" / "heldoutpages" / "build.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_heldout_truth_is_the_archives_markup() -> None:
    """truth.yaml holds to each page's markup (one article per mark or head block, headlines among the
    marked head lines, the running-order entry, or the head block itself); the input has the markup off."""
    hp = _heldout()
    truth = hp.truth()
    assert len(truth) >= 12 and sum(len(s["articles"]) for s in truth.values()) >= 30
    assert {s["layout"] for s in truth.values()} == {"page", "day", "headed"}
    assert_truth_is_the_markup(hp)


def test_heldout_pages_are_none_of_the_development_pages() -> None:
    """Held out means held out: no page (same paper and day) is also among tests/fixtures/realpages."""
    hp = _heldout()
    dev = {n.name.rsplit("_", 1)[0] for n in (ROOT / "tests" / "fixtures" / "realpages" / "src").iterdir()}
    assert not {n.rsplit("_", 1)[0] for n in hp.truth()} & dev


# --- rules found on the held-out pages, each on a page composed in its shape ---------------------------------
def _page(text: str) -> list[Article]:
    return segment_document(clean_document(hashlib.sha256(text.encode()).hexdigest(), "page.txt", text))


def test_a_day_files_next_number_is_the_next_article_whatever_follows_it() -> None:
    """Once a file shows it is a day file (its page line over an entry with a lead), the entry with the
    running order's next number opens the next article though no lead or run-in head follows it: a summary
    deck, a column head over run-in item heads, a wire's notice under its own label."""
    arts = _page("\n".join([
        "1960-05-04", "第 1 版",
        "1. 外电报道:我国钢产量增长", "【路透社北京3日电】中国今年头四个月的钢产量比去年同期增长。",
        "2. 总理谈边界会谈结果", "说会谈有益。说紧张局势会得到缓和。    【法新社新德里3日电】总理今天在机场上说,会谈有益。",
        "3. 欢庆五一国际劳动节", "各国工会代表团来我国 【新华社开罗2日电】各国工会代表团已经启程。",
        "4. 通讯社将播发专稿", "【合众国际社内部通报】编辑们注意:本社将播发一篇专稿。",
        "这是一个段落,它说到了第5点。"]))
    assert [a.title for a in arts] == ["外电报道:我国钢产量增长", "总理谈边界会谈结果", "欢庆五一国际劳动节", "通讯社将播发专稿"]
    assert [a.metadata_origin["split_reason"] for a in arts] == [
        "running_order+lead", "running_order+sequence", "running_order+sequence", "running_order+sequence"]
    assert "第5点" in arts[3].body and all(a.publish_date == "1960-05-04" for a in arts)
    # numbered paragraphs in one article are no running order: no page line, no entry over a lead
    one = _page("\n".join(["工会今年的三项工作", "1. 办好职工学校", "各厂都要办职工学校。",
                           "2. 开展劳动竞赛", "各厂都要开展竞赛。"]))
    assert len(one) == 1


def test_a_page_without_its_header_line_is_read_from_its_layout() -> None:
    """No page header line: the top item (a head over its text) and a second head block over a news lead
    below it make a page; a head, a byline and two dispatches make one article."""
    arts = _page("\n".join([
        "我们伟大的祖国", "新建的纺织厂已经开工。这是工人们在车间里工作。",
        "全国总工会举行执行委员会会议", "【新华社十九日讯】中华全国总工会十九日举行执行委员会会议。",
        "会议讨论了今年的工作。"]))
    assert [a.title for a in arts] == ["我们伟大的祖国", "全国总工会举行执行委员会会议"]
    assert all(a.metadata_origin.get("split_reason") for a in arts)
    one = _page("\n".join([
        "两国签订经济合作协定", "本报记者 王明",
        "新华社布拉格25日电 两国政府代表团今天签订了经济合作协定。",
        "代表团还参观了工厂。", "新华社布拉格26日电 代表团今天离开布拉格。"]))
    assert len(one) == 1 and one[0].title == "两国签订经济合作协定"


def test_wire_briefs_each_under_its_head_are_articles() -> None:
    """A page of briefs: each a head over one paragraph naming who said or reported it; what follows the
    briefs is read on as a page. Subheads over paragraphs of quoted speech in a feature are not briefs."""
    arts = _page("\n".join([
        "日本将发射气象卫星", "《远东经济评论》说,日本准备在明年发射一颗气象卫星。",
        "游击队攻占两个村庄", "游击队组织十六日说,它占领了两个村庄。",
        "科威特说油价将回升", "科威特石油大臣十六日对记者说,油价将在年底回升。",
        "苏联经济改革进展缓慢", "【法新社莫斯科六月十六日电】苏联领导人今天说,经济改革进展缓慢。",
        "他是在中央全会上说这番话的。"]))
    assert [a.title for a in arts] == ["日本将发射气象卫星", "游击队攻占两个村庄", "科威特说油价将回升", "苏联经济改革进展缓慢"]
    assert [a.metadata_origin["split_reason"] for a in arts][:3] == ["brief_head+attribution"] * 3
    assert "全会" in arts[3].body
    feature = _page("\n".join([
        "一个老工人的故事", "本报记者 李华",
        "终于请出来了", "吴大有说,他打听到厂里有这样一个人才。", "大家都很高兴。",
        "技术协作", "老师傅说,协作要靠大家。", "他带了十几个徒弟。"]))
    assert len(feature) == 1 and feature[0].title == "一个老工人的故事"


# --- the two leftovers of pages/real, each on a page composed in its shape -----------------------------------
def test_items_parted_only_by_blank_lines_under_a_page_header() -> None:
    """Short items with no lead, byline or end mark, parted by a wider blank gap than the lines of one item:
    the cleaner records the gap (CleanDoc.gap_before), each head after one opens an item (gap+head)."""
    text = ("1950年6月4日人民日报第2版\n\n\n甲市总工会成立\n甲市第一次工人代表大会已于五月二十日闭幕。甲市总工会当即宣告成立。\n\n\n\n"
            "乙省总工会筹委会成立\n乙省首届工人代表大会已于五月十八日召开。省总工会筹委会当即宣告成立。\n\n\n\n"
            "丙市农协筹委会成立\n丙市首次农民代表会议已于五月二十五日举行。会议成立了农民协会筹备委员会。\n")
    doc = clean_document(hashlib.sha256(text.encode()).hexdigest(), "page.txt", text)
    assert "乙省总工会筹委会成立" in doc.gap_before and "\n\n" not in doc.text
    arts = segment_document(doc)
    assert [a.title for a in arts] == ["甲市总工会成立", "乙省总工会筹委会成立", "丙市农协筹委会成立"]
    assert {a.metadata_origin["split_reason"] for a in arts} == {"gap+head"}
    assert all(a.publish_date == "1950-06-04" and a.source == "人民日报" for a in arts)
    # a file spaced by one blank line throughout has no wider gap: one article with its subhead
    one = _page("工会工作会议召开\n\n会议讨论了今年的工作。\n\n工作重点\n\n要办好职工学校。\n")
    assert len(one) == 1


def test_a_two_line_head_over_several_dispatches_is_title_over_subtitle() -> None:
    """Two undashed head lines over an article of two dispatches: the 主题 over the 副题, though the first
    lead restates the lower line (it tells its own dispatch only)."""
    arts = _page("\n".join([
        "1956年6月26日人民日报 第4版",
        "甲乙两国签订经济和文化合作协定", "甲国政府代表团离开乙国首都去外省参观",
        "新华社乙城25日电 甲国政府代表团六月二十三日离开了乙国首都。",
        "代表团在这里签订了经济和文化合作的协定。",
        "新华社乙城25日电 甲国政府代表团目前正在外省参观访问。",
        "丙国国王强调同中国贸易的重要性", "财政部长要商人大胆同中国进行贸易",
        "新华社25日讯 据法新社报道,丙国国王对议会说,必须同一切国家贸易。",
        "新华社24日讯 丙国财政部长说,商人可以大胆同中国进行贸易。"]))
    assert [(a.title, a.subtitle) for a in arts] == [
        ("甲乙两国签订经济和文化合作协定", "甲国政府代表团离开乙国首都去外省参观"),
        ("丙国国王强调同中国贸易的重要性", "财政部长要商人大胆同中国进行贸易")]
