"""Phenomena of real text from sources gonghui was not built from (issue 13), each on a short text made here.

The dev set (../shared/realtext) is measured by the quality gate (bench/eval.py); these tests pin each
phenomenon's rule on its own, so a change that breaks one says which.
"""

from __future__ import annotations

import hashlib

from gonghui.expectations.frames import clean_frame
from gonghui.expectations.suites import MAX_DAMAGE_SHARE, finding_issues
from gonghui.transforms.boilerplate import remove_boilerplate
from gonghui.transforms.chinese import detect_variant, to_simplified
from gonghui.transforms.clean import clean_document
from gonghui.transforms.formats import PLAIN, detect_format
from gonghui.transforms.mojibake import MOJIBAKE_MARKER, damage_left_spans, damage_share
from gonghui.transforms.segment import segment_document

BODY = ("工会今日召开会员大会,讨论年度工作计划。会上有会员提问,为何去年的活动经费未有公布?"
        "理事会回应指,有关数字将于下月公布。")


def _articles(text: str):  # type: ignore[no-untyped-def]
    doc = clean_document(hashlib.sha256(text.encode()).hexdigest(), "x.txt", text)
    return doc, segment_document(doc)


def test_question_marks_between_ideographs_are_not_damage() -> None:
    # A full-width ？ is folded to "?" by normalisation; it was never a lost byte.
    doc, _ = _articles("工会会员大会\n\n会员问：点解唔公布？理事会答：下月公布。\n")
    assert "?" in doc.text
    assert damage_left_spans(doc.text) == []
    assert int(clean_frame([doc])["damage_left"].iloc[0]) == 0


def test_utf8_read_as_gbk_left_is_damage_rare_cantonese_is_not() -> None:
    garbled = "加入工会".encode().decode("gbk", errors="ignore")  # UTF-8 bytes read as GBK
    assert damage_left_spans(f"今日{garbled}。") != []
    for text in ("好似啱啱咁,都差啲跌。", "用呃呃氹氹啲嘢", "亼亼亼摄影展亼亼亼"):
        assert damage_left_spans(text) == [], text


def test_damage_share_decides_critical() -> None:
    assert damage_share("工会" * 40 + MOJIBAKE_MARKER) < MAX_DAMAGE_SHARE
    assert damage_share("工会" + MOJIBAKE_MARKER * 3) > MAX_DAMAGE_SHARE
    assert finding_issues("mojibake_left", f"工{MOJIBAKE_MARKER}会\ufffd") == [
        finding_issues("mojibake_left", "会\ufffd")[0].__class__(
            kind="mojibake_left", offset=3, raw="\ufffd", repaired=None, marker_offset=3)]


def test_headline_in_parts_on_one_line_stays_one_title() -> None:
    _, arts = _articles("九巴车长同工不同酬　拆解五个工会背景立场\n\n" + BODY)
    assert [a.title for a in arts] == ["九巴车长同工不同酬 拆解五个工会背景立场"]
    assert arts[0].kicker is None


def test_long_question_headline_is_not_glued_to_the_lead() -> None:
    title = "政府雇员明年起须出示针卡进入政府大楼?工会:未有咨询前线同事意见就推行新措施"
    _, arts = _articles(f"{title}\n{BODY}")
    assert arts[0].title == title
    assert arts[0].body.startswith("工会今日")


def test_kicker_only_in_its_own_dash_form() -> None:
    _, arts = _articles("全省工会坚持服务大局——\n\n凝聚职工奋进力量\n\n" + BODY)
    assert (arts[0].kicker, arts[0].title) == ("全省工会坚持服务大局——", "凝聚职工奋进力量")
    # a short line under the title (a credit, a caption, a section head) is not promoted to title
    _, arts = _articles("时代革命\n\n【撰文:小鸟】\n\n" + BODY)
    assert (arts[0].kicker, arts[0].title, arts[0].authors) == (None, "时代革命", ("小鸟",))


def test_author_box_at_the_foot_names_the_writer_and_leaves_the_body() -> None:
    text = "退休保障新方案\n\n" + BODY + "\n\n主笔 | 杨健兴\n\n资深新闻工作者,曾任职多份报章。"
    result = remove_boilerplate(text)
    assert [h.kind for h in result.hits] == ["author_box"]
    assert result.hits[0].fields == {"authors": ["杨健兴"]}
    _, arts = _articles(text)
    assert arts[0].authors == ("杨健兴",)
    assert "资深新闻工作者" not in arts[0].body and "主笔" not in arts[0].body
    assert remove_boilerplate("博客 | 飘杨 & 小鸟").hits[0].fields == {"authors": ["飘杨", "小鸟"]}


def test_one_photographer_twice_is_one_article() -> None:
    text = "时代革命\n\n" + BODY + "\n\n黄思铭摄\n\n" + BODY.replace("工会", "商会") + "\n\n黄思铭摄\n\n" + BODY
    doc, arts = _articles(text)
    assert detect_format(doc) == PLAIN
    assert len(arts) == 1


def test_long_paragraph_mentioning_a_photo_is_body() -> None:
    para = "泰国前首相周二到最高法院最后一次陈词。图为前首相到法庭时被支持者包围。" * 6
    _, arts = _articles("世界这一天\n\n" + para)
    assert arts[0].body == para and arts[0].captions == ()


def test_pipe_tables_are_content_not_seo_footer() -> None:
    table = "| 年份 | 2013年 | 2014年 | 2015年 | 2016年 |\n| --- | --- | --- | --- | --- |\n| 贫穷率 | 44.9 | 44.6 | 44.8 | 44.8 |"
    doc, _ = _articles("长者贫穷率\n\n" + BODY + "\n\n" + table)
    assert "| 贫穷率 | 44.9 |" in doc.text
    assert finding_issues("boilerplate_left", doc.text) == []


def test_hong_kong_wording_picks_hk_variants() -> None:
    # Cantonese particles say Hong Kong even where the city is not named three times.
    assert detect_variant("佢哋話今日冇開會,啲會員喺度等咗好耐。") == "hk2s"
    # HK-only variant forms say it too, and leave nothing Traditional behind (衞 -> 卫, 枱 -> 台)
    text, config = to_simplified("醫院衞生督導員話張枱要清潔。")
    assert config == "hk2s" and text == "医院卫生督导员话张台要清洁。"
    # a Taiwan variant in a Hong Kong text is converted too (痺 -> 痹)
    text, _ = to_simplified("香港立法會議員話手腳麻痺,九龍新界都有。")
    assert "痺" not in text and "痹" in text


def test_bilingual_text_is_chinese_by_its_han_characters_english_is_not() -> None:
    from gonghui.expectations.suites import MIN_CJK_SHARE, MIN_HAN_CHARS

    statement = "多个工会及组织严正反对一切筛选记者的措施,要求政府尊重新闻自由。" * 8  # ~260 Han characters
    english = ("Several unions and groups firmly oppose any measure to screen reporters and urge the "
               "government to respect press freedom. ") * 20
    doc, _ = _articles("联署声明\n\n" + statement + "\n\n" + english)
    frame = clean_frame([doc])
    assert float(frame["cjk_share"].iloc[0]) < MIN_CJK_SHARE  # by character count it looks English
    assert float(frame["chinese_share"].iloc[0]) == 1.0  # but a Chinese article stands in it
    assert MIN_HAN_CHARS <= 300
    doc, _ = _articles("Vigil\n\n" + english + "\n\n图为集会现场。")
    assert float(clean_frame([doc])["chinese_share"].iloc[0]) < MIN_CJK_SHARE


def test_hong_kong_byline_shapes() -> None:
    from gonghui.transforms.byline import parse_byline_line

    assert parse_byline_line("记者 林励、吴婉英").authors == ("林励", "吴婉英")
    assert parse_byline_line("实习记者吴婉英").authors == ("吴婉英",)
    assert parse_byline_line("记者:张凯杰 周满铿").authors == ("张凯杰", "周满铿")
    assert parse_byline_line("郭日朗摄").photographers == ("郭日朗",)
    assert parse_byline_line("(郭日朗摄)").photographers == ("郭日朗",)
    assert parse_byline_line("【撰文:小鸟】").authors == ("小鸟",)
    assert parse_byline_line("(附图片1张)") is None
