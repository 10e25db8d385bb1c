"""Boilerplate: metadata from the real samples matches the gold, counts per kind, repeated-line learning."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from gonghui.transforms.boilerplate import (
    BOILERPLATE_MARKERS_REGEX,
    DEFAULT_MIN_DOCS,
    KIND_REPEATED_LINE,
    SEO_ITEMS_REGEX,
    _line_keys,
    line_key,
    parse_cms_trailer,
    parse_seo_footer,
    remove_boilerplate,
)
from gonghui.transforms.clean import clean_document, learn_repeated_lines
from gonghui.transforms.records import CleanDoc
from tests.hostile.gen_text import in_chrome as _in_chrome

F000 = "000_7e7ea642b88fe6f6.txt"
F001 = "001_ef19e07390bc0016.txt"
F002 = "002_bdbddf47cf01ef19.txt"
F003 = "003_21340ad4f150d7d2.txt"
F004 = "004_2346e4344e25976a.txt"


def _fields(doc: CleanDoc, kind: str) -> dict[str, Any]:
    hits = [h for h in doc.boilerplate if h.kind == kind]
    assert len(hits) == 1, (kind, hits)
    return hits[0].fields


def _gold(gold_articles: dict[str, Any], fname: str) -> dict[str, Any]:
    arts: list[dict[str, Any]] = gold_articles[fname]["articles"]
    return arts[0]


def test_people_com_cn_metadata(clean_docs: dict[str, CleanDoc], gold_articles: dict[str, Any]) -> None:
    for fname in (F001, F003):
        doc, gold = clean_docs[fname], _gold(gold_articles, fname)
        crumb = _fields(doc, "breadcrumb")
        assert crumb["channel"] == gold["channel"] == "中国工会新闻"
        assert crumb["site"] == "中国共产党新闻网"
        dateline = _fields(doc, "dateline")
        assert dateline["publish_date"] == str(gold["publish_date"])
        assert dateline["publish_time"] == gold["publish_time"]
        assert dateline["source"] == gold["source"] == "工人日报"
        assert _fields(doc, "editor_line")["editors"] == gold["editors"]
        seo = _fields(doc, "seo_footer")
        assert seo["n_items"] == 40
        assert doc.removed_counts == {"breadcrumb": 1, "dateline": 1, "editor_line": 1, "seo_footer": 1}
        assert "来源" not in doc.text and "|" not in doc.text


def test_epaper_metadata(clean_docs: dict[str, CleanDoc], gold_articles: dict[str, Any]) -> None:
    for fname, original_id in ((F000, "content_74878.html"), (F002, "c135836.html")):
        doc, gold = clean_docs[fname], _gold(gold_articles, fname)
        trailer = _fields(doc, "cms_trailer")
        assert trailer["publish_date"] == str(gold["publish_date"])
        assert trailer["page"] == str(gold["page"])
        assert trailer["paper"] == gold["source"]
        assert trailer["original_id"] == original_id
        assert trailer["title"] == gold["title"]
    masthead = _fields(clean_docs[F000], "masthead")
    assert masthead["paper"] == "贵州日报" and masthead["cn"] == "CN52-0013"
    assert clean_docs[F000].removed_counts == {"masthead": 1, "cms_trailer": 1}
    assert clean_docs[F002].removed_counts == {"cms_trailer": 1}
    assert clean_docs[F004].removed_counts == {"reading_tip": 1}


def test_cms_trailer_parsed_by_token_type() -> None:
    # A trailer with the second page token missing and no index: fields still land where they belong.
    f = parse_cms_trailer("--> 2021-3-05 A3 某某晚报 content_1.htm 标题 一 /enpproperty-->")
    assert f == {
        "publish_date": "2021-03-05",
        "page": "A3",
        "paper": "某某晚报",
        "original_id": "content_1.htm",
        "title": "标题 一",
    }
    assert parse_cms_trailer("enpproperty") == {}  # unparsable, still recognised (and removed)


def test_seo_footer_by_shape_not_by_names() -> None:
    # Names and spam words that are in neither sample.
    line = "桃源县| 汉阴县| 宝坻区| 棋牌| 彩票| 特克斯县| 直播| 滨海新区| 影视大全|"
    assert parse_seo_footer(line) is not None
    res = remove_boilerplate(f"正文第一段。\n{line}\n米东区| 手机版|")
    assert res.text == "正文第一段。"
    assert res.counts == {"seo_footer": 2}
    # Body text with a pipe or two is not a footer.
    assert parse_seo_footer("数据来源: 统计局 | 单位:万元 | 截至2023年底,全省职工人数继续增长。") is None
    assert parse_seo_footer("A | B | C") is None


def test_editor_line_variants() -> None:
    res = remove_boilerplate("正文。(责任编辑:张三)\n【责编:李四 王五】\n编辑部主任说")
    assert [h.fields["editors"] for h in res.hits] == [["张三"], ["李四", "王五"]]
    assert res.text == "正文。\n编辑部主任说"


def _synthetic_corpus() -> list[str]:
    footer = "欢迎扫码关注工人日报客户端,获取更多工会资讯"
    copyright_line = "本网站所刊登的各种新闻、信息,未经协议授权,禁止下载使用"
    docs = []
    for i in range(12):
        body = [
            f"第{i}篇报道的标题",
            f"本报讯 第{i}篇文章的正文写到第{i * 7}项成果,工会干部{i}人参加。",
            "综述",  # a one-word heading many articles share: must survive
            "团结奋斗开新局 喜迎工会十八大 工会工作巡礼",  # a series banner: metadata, must survive
        ]
        if i % 4 != 3:  # the footer is on 9 of 12 pages
            body += [footer, copyright_line]
        docs.append("\n\n".join(body))
    return docs


def test_learn_repeated_lines_removes_footer_keeps_content() -> None:
    corpus = _synthetic_corpus()
    learned = learn_repeated_lines(corpus)
    assert "欢迎扫码关注工人日报客户端,获取更多工会资讯" in learned
    assert "本网站所刊登的各种新闻、信息,未经协议授权,禁止下载使用" in learned
    assert "综述" not in learned
    assert "团结奋斗开新局 喜迎工会十八大 工会工作巡礼" not in learned
    assert not any("第" in line and "篇" in line for line in learned)  # per-article lines never repeat
    doc = clean_document("id", "x.txt", corpus[0], repeated_lines=learned)
    assert "扫码关注" not in doc.text and "禁止下载" not in doc.text
    assert "综述" in doc.text and "工会工作巡礼" in doc.text and "第0篇文章的正文" in doc.text
    assert doc.removed_counts[KIND_REPEATED_LINE] >= 2
    # A footer below the threshold is not learned.
    assert learn_repeated_lines(corpus[: DEFAULT_MIN_DOCS - 2]) == frozenset()


def test_copies_of_one_article_are_not_furniture() -> None:
    article = "帮扶困难职工,这里有个“爱心联盟”\n本报讯 青铜峡市总工会凝聚社会力量,建立联动服务职工模式,共同帮扶困难职工。"
    corpus = [article] * (DEFAULT_MIN_DOCS + 3) + _synthetic_corpus()
    learned = learn_repeated_lines(corpus)
    assert not any("青铜峡" in line or "爱心联盟" in line for line in learned)
    assert "欢迎扫码关注工人日报客户端,获取更多工会资讯" in learned


def test_learned_lines_match_traditional_sources() -> None:
    # One source publishing Traditional text with pinyin annotations: the learned line must still match
    # the line as the cleaner sees it (annotations stripped, converted to Simplified).
    footer = "歡迎關注工人日報客戶端(duān),獲取更多工會資訊"
    corpus = [f"第{i}篇報道的正文寫到這裡,工會幹部參加。\n{footer}" for i in range(6)]
    learned = learn_repeated_lines(corpus)
    doc = clean_document("id", "x.txt", corpus[0], repeated_lines=learned)
    assert "客户端" not in doc.text
    assert doc.removed_counts[KIND_REPEATED_LINE] == 1


def test_markers_regex_matches_each_kind() -> None:
    rx = re.compile(BOILERPLATE_MARKERS_REGEX, re.MULTILINE)
    for s in (
        "--> 2022-10-17 1 1 贵州日报 content_74878.html 1 标题 /enpproperty-->",
        "国内统一刊号:CN52-0013",
        "(责编:刘琼、黄瑾)",
        "中国共产党新闻网>>中国工会新闻",
        "集安市| 虞城县| 深泽县| 搜索| 开江县| 勐海县|",
        "2023年09月18日10:21 来源:《工人日报》",
        "阅读提示",
    ):
        assert rx.search(s), s
    for s in ("工会会员达1883.5万人。", "“工会+社工+义工”联动服务", "提高了3%|", "这是阅读提示的说明。"):
        assert not rx.search(s), s


@settings(max_examples=300)
@given(st.text(alphabet="工会，,。 \u3000\t\r\n\x0b\x1c\x85\u2028e\u0301é\u200b１", max_size=40))
def test_property_line_keys_are_the_line_keys(text: str) -> None:
    """The whole-text fast path of count_line_documents keys every line as line_key does."""
    assert _line_keys(text) == {line_key(line) for line in text.splitlines()} - {""}


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("|||\n  \t\u3000a工会县，>")), max_size=80))
def test_seo_items_regex_finds_exactly_the_texts_the_plain_form_finds(text: str) -> None:
    """SEO_ITEMS_REGEX is the fast form of "five short |-separated items"; search results must agree."""
    plain = re.compile(r"(?:[^|\n]{1,10}\|\s*){5,}")
    assert (re.search(SEO_ITEMS_REGEX, text) is None) == (plain.search(text) is None)


def test_a_quoted_article_keeps_its_headline_and_paragraph() -> None:
    """Issue 20, class 6: five pages quote a page's headline and a paragraph in a 相关新闻 box. The lines are
    learned (furniture on the quoting pages) but stay in the article they come from."""
    from gonghui.transforms.clean import learn_boilerplate
    from tests.hostile.gen_text import synthetic

    home = synthetic(0)
    quote = f"相关新闻\n{home.title}\n{home.lines[2]}"
    quoting = [synthetic(i).text + quote for i in range(1, 6)]
    texts = [home.text, *quoting]
    learned = learn_boilerplate(texts)
    assert home.title in learned.lines and home.lines[2] in learned.lines
    assert learned.for_document(0).isdisjoint({home.title, home.lines[2]})
    doc = clean_document("id", "home.txt", home.text, repeated_lines=learned.for_document(0))
    assert doc.text.split("\n")[0] == home.title and home.lines[2] in doc.text
    for i in range(1, 6):
        doc = clean_document("id", f"q{i}.txt", texts[i], repeated_lines=learned.for_document(i))
        assert home.title not in doc.text and home.lines[2] not in doc.text
        assert doc.text.startswith(synthetic(i).title)


def test_a_header_line_on_every_page_is_still_furniture() -> None:
    """A line opening most pages (a site's name bar) is a header, not a headline: learned everywhere."""
    from gonghui.transforms.clean import learn_boilerplate
    from tests.hostile.gen_text import synthetic

    bar = "欢迎访问示例新闻网工会频道"
    texts = [f"{bar}\n{synthetic(i).text}" for i in range(6)]
    learned = learn_boilerplate(texts)
    assert bar in learned.lines
    assert all(bar in learned.for_document(i) for i in range(6))
    assert learned.own == {}  # no page's own article holds it


# --- versions of one article in one batch (issue 20 class 6) --------------------------------------------
def test_versions_of_one_article_keep_every_line() -> None:
    """The same story saved by five sites (five chromes): it repeats in five documents because it is one
    article, not furniture. Before: all six lines learned, each version left with its copyright line."""
    from gonghui.transforms.clean import learn_boilerplate
    from tests.hostile.gen_text import synthetic

    story = synthetic(100)
    texts = [_in_chrome(j, story.text) for j in range(5)] + [_in_chrome(j, synthetic(200 + j).text) for j in range(5)]
    learned = learn_boilerplate(texts)
    assert learned.lines.isdisjoint(story.lines)
    for i in range(5):
        doc = clean_document("id", f"v{i}.txt", texts[i], repeated_lines=learned.for_document(i))
        assert doc.text.split("\n")[0] == story.title
        assert all(line in doc.text for line in story.lines[2:])


def test_a_revised_copy_and_quoting_pages_leave_the_article_whole() -> None:
    """Three versions (one revised: a paragraph rewritten) and two pages quoting the headline and a
    paragraph. Before: five groups held the headline and it headed three of them, so it was taken for a
    site header and learned with the quoted paragraph: every version lost both. The versions are one
    article now: the quote is in three articles, not learned."""
    from gonghui.transforms.clean import learn_boilerplate
    from tests.hostile.gen_text import synthetic

    story = synthetic(101)
    revised = story.text.replace(story.lines[5], story.lines[5].replace("持续推进", "加快推进") + "另有三处站点正在建设。")
    versions = [_in_chrome(0, story.text), _in_chrome(1, story.text), _in_chrome(2, revised)]
    quote = f"相关新闻\n{story.title}\n{story.lines[3]}\n"
    texts = versions + [synthetic(300 + i).text + quote for i in range(2)]
    learned = learn_boilerplate(texts)
    for i in range(3):
        doc = clean_document("id", f"v{i}.txt", texts[i], repeated_lines=learned.for_document(i))
        assert doc.text.split("\n")[0] == story.title and story.lines[3] in doc.text, i
        assert story.lines[2] in doc.text and story.lines[4] in doc.text


def test_short_pages_sharing_only_a_footer_of_sentences_still_lose_it() -> None:
    """Six one-paragraph briefs of one site under a footer of three plain sentences (no hint word, longer
    together than each brief): the pages share more than half their body lines, but not their ledes, so
    they are six articles and the footer is learned (the reverted "2 of 3 longest lines" grouping merged
    such pages and kept their footers)."""
    from gonghui.transforms.boilerplate import is_body_line
    from gonghui.transforms.clean import learn_boilerplate
    from tests.hostile.gen_text import synthetic

    foot = ("每一位职工群众的来信我们都会认真阅读,并在十个工作日内及时回复。\n"
            "示例市的职工朋友们可以在每周三下午来到市职工服务中心当面咨询。\n"
            "这里的每一篇报道都凝聚着一线职工和基层干部的心血与汗水。\n")
    assert all(is_body_line(line) for line in foot.split("\n") if line)
    texts = [f"示例工会简讯第{i}期\n{synthetic(400 + i).lines[2]}\n{foot}" for i in range(6)]
    learned = learn_boilerplate(texts)
    assert {line for line in foot.split("\n") if line} <= learned.lines
    doc = clean_document("id", "b0.txt", texts[0], repeated_lines=learned.for_document(0))
    assert doc.removed_counts[KIND_REPEATED_LINE] == 3 and synthetic(400).lines[2] in doc.text
