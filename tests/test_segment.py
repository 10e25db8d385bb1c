"""Segmentation against the gold (tests/gold/articles.yaml), through the real cleaner."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gonghui.transforms.formats import FORMATS, detect_format
from gonghui.transforms.manifest import ManifestRow
from gonghui.transforms.records import CleanDoc
from gonghui.transforms.segment import FLAG_ORPHAN, segment_document

PAGE = "004_2346e4344e25976a.txt"

# Gold checks (one per listed field per article) that must pass: all 102. The first 002 caption (no
# 图为) is recognised by the scene-caption idiom 在<event>上,<scene>。 (segment.SCENE_CAPTION).
GOLD_CHECKS_FLOOR = 102
LIST_FIELDS = ("authors", "correspondents", "photographers", "editors", "captions", "section_headings")
SCALAR_FIELDS = ("title", "kicker", "subtitle", "publish_date", "publish_time", "source", "page",
                 "channel", "region", "section_banner")
EXPECTED_FORMATS = {
    "000_7e7ea642b88fe6f6.txt": "epaper_trailer",
    "001_ef19e07390bc0016.txt": "people_com_cn",
    "002_bdbddf47cf01ef19.txt": "epaper_trailer",
    "003_21340ad4f150d7d2.txt": "people_com_cn",
    PAGE: "multi_article_page",
}


def _check(article: Any, key: str, want: Any) -> tuple[bool, Any]:
    body = article.body
    if key == "body_starts":
        return body.startswith(want), body[:40]
    if key == "body_ends":
        return body.endswith(want), body[-40:]
    if key == "body_contains":
        missing = [s for s in want if s not in body]
        return not missing, missing
    if key == "body_excludes":
        whole = "\n".join([body, article.title or "", article.kicker or "", *article.captions])
        present = [s for s in want if s in whole]
        return not present, present
    got = getattr(article, key)
    if key in LIST_FIELDS:
        return list(got) == list(want), list(got)
    if key in SCALAR_FIELDS:
        norm = None if want is None else str(want)
        return got == norm, got
    raise AssertionError(f"gold field {key!r} has no check")


def test_article_counts_match_gold(articles_by_file, gold_articles):  # type: ignore[no-untyped-def]
    for name, g in gold_articles.items():
        assert len(articles_by_file[name]) == len(g["articles"]), name


def test_gold_fields_floor(articles_by_file, gold_articles):  # type: ignore[no-untyped-def]
    passed, failures, total = 0, [], 0
    for name, g in gold_articles.items():
        arts = articles_by_file[name]
        for i, want in enumerate(g["articles"]):
            for key, value in want.items():
                if key in ("expect", "mojibake") or i >= len(arts):
                    continue
                total += 1
                ok, got = _check(arts[i], key, value)
                passed += ok
                if not ok:
                    failures.append(f"{name}#{i + 1} {key}: got {got!r}")
    assert total == 102
    assert passed >= GOLD_CHECKS_FLOOR, "\n".join(failures)


def test_page_metadata_is_exact(articles_by_file, gold_articles):  # type: ignore[no-untyped-def]
    """The multi-article page passes every listed field: titles, kickers, credits, regions, bodies."""
    for art, want in zip(articles_by_file[PAGE], gold_articles[PAGE]["articles"], strict=True):
        for key, value in want.items():
            if key != "expect":
                ok, got = _check(art, key, value)
                assert ok, (art.seq, key, got)


def test_formats(clean_docs, articles_by_file):  # type: ignore[no-untyped-def]
    for name, fmt in EXPECTED_FORMATS.items():
        assert detect_format(clean_docs[name]) == fmt
        assert {a.format for a in articles_by_file[name]} == {fmt}
        assert fmt in FORMATS


def test_column_jump_fragment_is_stitched(articles_by_file):  # type: ignore[no-untyped-def]
    arts = articles_by_file[PAGE]
    cq = next(a for a in arts if a.region == "重庆")
    assert "学联会已成为重庆市北供电公司青年职工发挥才智,展现才干,学习技能的专属阵地。" in cq.body
    assert not any(FLAG_ORPHAN in a.flags for a in arts)
    # nothing of the page is lost: every paragraph of the fragment is in some article
    assert "2022年,重庆市北供电公司青年智研团应运而生" in cq.body


def test_summary_and_late_byline(articles_by_file):  # type: ignore[no-untyped-def]
    sx = articles_by_file[PAGE][-1]
    assert sx.summary and sx.summary.startswith("山西工会聚焦主责主业")
    assert "阅读提示" not in sx.body
    # the lead printed after the byline opens the body and runs into the text under the title
    assert sx.body.startswith("“2023年度职工申报")
    assert "团结引导全省广大职工当好主力军,奋进新征程。" in sx.body


def test_ids_are_stable(articles_by_file, raw_texts):  # type: ignore[no-untyped-def]
    fid = raw_texts[PAGE][0]
    for a in articles_by_file[PAGE]:
        assert a.article_id == hashlib.sha256(f"{fid}:{a.seq}".encode()).hexdigest()[:16]
    assert [a.seq for a in articles_by_file[PAGE]] == list(range(1, 8))


def test_metadata_origin(articles_by_file):  # type: ignore[no-untyped-def]
    a = articles_by_file["000_7e7ea642b88fe6f6.txt"][0]
    assert a.metadata_origin["publish_date"] == "trailer"
    assert a.original_id == "content_74878.html"
    b = articles_by_file["001_ef19e07390bc0016.txt"][0]
    assert b.metadata_origin["publish_date"] == "header"
    assert b.metadata_origin["authors"] == "text"


def test_manifest_supplies_page_metadata(clean_docs):  # type: ignore[no-untyped-def]
    row = ManifestRow(file=PAGE, source="工人日报", publish_date="2023-08-18", page="3")
    arts = segment_document(clean_docs[PAGE], row, today=date(2024, 1, 1))
    assert len(arts) == 7
    for a in arts:
        assert (a.publish_date, a.source, a.page) == ("2023-08-18", "工人日报", "3")
        assert a.metadata_origin["publish_date"] == "manifest"
        assert a.title  # a page manifest never overwrites the articles' own titles


def test_manifest_overrides_single_article(clean_docs):  # type: ignore[no-untyped-def]
    row = ManifestRow(file="x", source="某报", publish_date="2023-09-19", title="新标题", authors=("甲乙",))
    (a,) = segment_document(clean_docs["001_ef19e07390bc0016.txt"], row, today=date(2024, 1, 1))
    assert (a.source, a.publish_date, a.title, a.authors) == ("某报", "2023-09-19", "新标题", ("甲乙",))
    assert a.metadata_origin["title"] == "manifest"


def test_future_date_is_dropped(clean_docs):  # type: ignore[no-untyped-def]
    (a,) = segment_document(clean_docs["000_7e7ea642b88fe6f6.txt"], today=date(2022, 10, 16))
    assert a.publish_date is None and "invalid_publish_date" in a.flags
    (b,) = segment_document(clean_docs["000_7e7ea642b88fe6f6.txt"], today=date(2022, 10, 17))
    assert b.publish_date == "2022-10-17"


def _doc(text: str, name: str = "x.txt") -> CleanDoc:
    return CleanDoc(file_id=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(), source_file=name, text=text,
                    script="simplified")


def test_unknown_format_falls_back_to_plain():
    text = ("市总工会开展夏季送清凉活动\n"
            "2024年7月2日 来源:某市工会网\n"
            "7月1日,市总工会走访慰问高温下坚守岗位的一线职工,送去防暑降温物品。\n"
            "此次活动共慰问职工300余人。")
    (a,) = segment_document(_doc(text), today=date(2024, 8, 1))
    assert a.format == "plain"
    assert a.title == "市总工会开展夏季送清凉活动"
    assert a.body.startswith("7月1日,市总工会") and a.body.endswith("300余人。")
    assert (a.publish_date, a.source) == ("2024-07-02", "某市工会网")
    assert a.metadata_origin["publish_date"] == "header"


def test_relative_dates_never_become_publish_date():
    (a,) = segment_document(_doc("职工运动会开幕\n8月16日,今年5月以来的职工运动会在市体育馆开幕。"))
    assert a.publish_date is None


def test_orphan_fragment_is_kept_when_nothing_fits():
    text = ("某市工会举办技能大赛\n"
            "本报讯(记者张三)近日,某市工会举办职工技能大赛,共有200名职工参加。\n"
            "比赛设置了焊工、电工等工种。\n"
            "本报记者 李四 摄\n"
            "绿化工人的休息问题得到解决。\n"
            "另一场活动启动\n"
            "本报讯(记者王五)近日,另一场活动在某区启动。")
    arts = segment_document(_doc(text))
    assert [a.title for a in arts if not a.flags] == ["某市工会举办技能大赛", "另一场活动启动"]
    orphans = [a for a in arts if FLAG_ORPHAN in a.flags]
    assert len(orphans) == 1 and orphans[0].body == "绿化工人的休息问题得到解决。"
    assert arts[0].authors == ("张三",) and arts[0].photographers == ("李四",)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("本报讯记者摄()——■\n 。,工会职工重庆市北供电公司宁夏2023年8月16日")
                                        ) | st.characters(), max_size=300))
def test_segment_never_raises(text: str) -> None:
    arts = segment_document(_doc(text), today=date(2024, 1, 1))
    for a in arts:
        assert a.format in FORMATS
        assert a.publish_date is None or a.publish_date <= "2024-01-01"


@pytest.mark.parametrize("name", sorted(EXPECTED_FORMATS))
def test_no_boilerplate_markers_in_bodies(articles_by_file, name):  # type: ignore[no-untyped-def]
    for a in articles_by_file[name]:
        assert "■" not in a.body and "本报讯" not in a.body and "enpproperty" not in a.body


def _page_titles(text: str, script: str = "simplified") -> list[tuple[str | None, str | None]]:
    doc = CleanDoc(file_id="f" * 64, source_file="p.txt", text=text, script=script)
    return [(a.kicker, a.title) for a in segment_document(doc)]


_LEAD = "本报讯(记者张三)近日,某市工会举办活动,共有200名职工参加。"


@pytest.mark.parametrize(("head", "script", "want"), [
    # a print kicker and title flattened onto one line: two parts
    ("南通海门区总整合资源打造可移动的“家” “纳凉公交”开进货车司机集聚地", "simplified",
     ("南通海门区总整合资源打造可移动的“家”", "“纳凉公交”开进货车司机集聚地")),
    # a kicker of parallel slogans of one length before the title
    ("源头维护 参与治理 暖心服务 莱钢集团构建维权普惠“三体系”", "simplified",
     ("源头维护 参与治理 暖心服务", "莱钢集团构建维权普惠“三体系”")),
    # three unequal parts: one headline in parts
    ("上海市总工会 擦亮“四送品牌” 共享创新成果促共赢", "simplified",
     (None, "上海市总工会 擦亮“四送品牌” 共享创新成果促共赢")),
    # text set in Traditional script (converted by the cleaner): a two-part head is one headline
    ("林郑称雇主灾后弹性处理员工上班安排 众新闻解构她怎样呼吁雇主", "hk2s",
     (None, "林郑称雇主灾后弹性处理员工上班安排 众新闻解构她怎样呼吁雇主")),
])
def test_spaced_head_on_a_page(head: str, script: str, want: tuple[str | None, str]) -> None:
    text = f"{head}\n{_LEAD}\n另一场活动启动\n本报讯(记者王五)近日,另一场活动在某区启动。"
    assert _page_titles(text, script)[0] == want


def test_photo_credit_inside_an_article_that_runs_to_its_end_mark() -> None:
    text = ("某市工会举办技能大赛\n" + _LEAD + "\n本报记者 李四 摄\n比赛设置了焊工、电工等工种。\n(完)\n"
            "另一场活动启动\n本报讯(记者王五)近日,另一场活动在某区启动。")
    arts = segment_document(_doc(text))
    assert [a.title for a in arts] == ["某市工会举办技能大赛", "另一场活动启动"]
    assert arts[0].body.endswith("比赛设置了焊工、电工等工种。") and not arts[0].flags


@pytest.mark.parametrize("header", ["", "示例日报　2020年01月08日　第2版\n"])
def test_one_article_head_block_of_three_decks(header: str) -> None:
    """Issue 18 point 4: the headline is chosen from the whole head block (引题 / 主题 / 副题), with or without
    an e-paper header line above; a 核心阅读 box under it is never the headline and stays in the body."""
    text = (header + "全国总工会发出通知要求\n做好困难职工两节送温暖工作\n——确保困难职工过一个欢乐祥和的节日\n"
            "本报记者 林海\n核心阅读\n各级工会将走访慰问困难职工十万余户。\n"
            "本报北京12月31日讯 全国总工会日前发出通知,要求各级工会做好两节送温暖工作。")
    (a,) = segment_document(_doc(text), today=date(2021, 1, 1))
    assert (a.kicker, a.title, a.subtitle) == ("全国总工会发出通知要求", "做好困难职工两节送温暖工作",
                                               "——确保困难职工过一个欢乐祥和的节日")
    assert a.authors == ("林海",)
    assert a.body.startswith("核心阅读\n各级工会将走访慰问困难职工十万余户。\n全国总工会日前发出通知")
    assert a.summary == "各级工会将走访慰问困难职工十万余户。" and "核心阅读" in a.section_headings
    if header:
        assert (a.source, a.publish_date, a.page) == ("示例日报", "2020-01-08", "2")


def test_a_second_short_line_without_evidence_is_no_deck() -> None:
    (a,) = segment_document(_doc("做好困难职工两节送温暖工作\n一线见闻\n全国总工会日前发出通知,要求各级工会做好工作。"))
    assert (a.kicker, a.title) == (None, "做好困难职工两节送温暖工作")


@pytest.mark.parametrize("label", ["[绝活看点]", "【绝活看点】"])
def test_a_bracketed_column_label_over_the_head_is_the_banner(label: str) -> None:
    """A column's name in brackets above a one-article head is its banner (栏目), in 【】 or in []: the label
    pattern for that (linekinds._EDITORIAL_BRACKET_LABEL_RE) was shadowed by the page's 【】-only one of the
    same name until they were told apart, and a [] label was read as the head's kicker (引题)."""
    text = f"{label}\n某厂焊工练就绝活\n本报记者 张三\n某厂焊工李某某苦练十年,练就了一手仰焊绝活。\n他带出的徒弟已有二十多人。\n"
    arts = segment_document(_doc(text))
    assert [(a.title, a.section_banner, a.authors) for a in arts] == [("某厂焊工练就绝活", "绝活看点", ("张三",))]
