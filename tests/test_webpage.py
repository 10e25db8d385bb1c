"""A web page saved as text: its info line, its chrome and its <title> line (transforms/webpage.py).

The pages below are written for these tests in the shapes the templates of union sites, news portals and
forums print (no third-party text): each case is one phenomenon, checked through clean + segment.
"""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from gonghui.transforms import byline, webpage
from gonghui.transforms.clean import clean_document
from gonghui.transforms.segment import segment_document

TODAY = date(2026, 1, 1)


def _articles(text: str):  # type: ignore[no-untyped-def]
    fid = hashlib.sha256(text.encode()).hexdigest()
    doc = clean_document(fid, "page.txt", text)
    return doc, segment_document(doc, today=TODAY)


@pytest.mark.parametrize(("line", "want"), [
    ("来源:某市总工会  时间:2023年09月14日  浏览次数:241",
     {"source": "某市总工会", "publish_date": "2023-09-14"}),
    ("发布时间:2024-03-05 10:12  来源:《某某日报》  作者:王小明  编辑:李四",
     {"publish_date": "2024-03-05", "publish_time": "10:12", "source": "某某日报", "authors": ("王小明",),
      "editors": ("李四",)}),
    ("某某产业信息网   時間:2023-05-12".replace("時間", "时间"), {"source": "某某产业信息网", "publish_date": "2023-05-12"}),
    ("user88 发表于 2021-10-9 16:44:34", {"publish_date": "2021-10-09", "publish_time": "16:44"}),
    ("来源: 时间:2018-07-06 09:18", {"publish_date": "2018-07-06", "publish_time": "09:18"}),
    ("转自:某某日报", {"source": "某某日报"}),
    ("日期:2022年1月5日 字体:【大 中 小】 打印", {"publish_date": "2022-01-05"}),
])
def test_info_lines_are_read(line, want):  # type: ignore[no-untyped-def]
    assert webpage.parse_info_line(line) == want


@pytest.mark.parametrize("line", [
    "会议时间:待定,地点另行通知。",                       # a sentence: a full stop
    "时间:明天上午",                                        # no date, no source
    "来源:他说工会帮了大忙,我们很感激",                    # a "source" that is a clause
    "浏览次数:很多 来源:某网",                              # a counter that is not a count
    "活动时间:2023年5月1日至5月3日,共三天,欢迎职工报名参加活动",  # longer than a date
    "据统计,来源于基层的提案占七成",                        # no label with a colon
])
def test_sentences_are_not_info_lines(line):  # type: ignore[no-untyped-def]
    assert webpage.parse_info_line(line) is None


@pytest.mark.parametrize(("line", "chrome"), [
    ("欢迎您访问某市总工会门户网站  今天是:2026年03月03日 星期二", True),
    ("今天是", True),
    ("粤ICP备12345678号-1", True),
    ("转载请注明:http://example.org/a/1.html", True),
    ("【版权及免责声明】凡本网所属版权作品,转载时须获得授权并注明来源。", True),
    ("EnglishEspañolFrançais日本語한국어 中文/繁體", True),
    ("页: [1]", True),
    ("新闻热线: 0591-12345678", True),
    ("欢迎广大职工积极报名参加本次技能竞赛。", False),
    ("今天是劳动节,工会为一线职工送去慰问品。", False),
    ("他说,欢迎大家来到工会驿站歇脚。", False),
    ("热线提供English、日本語、한국어及普通话服务。", False),  # a sentence naming languages
])
def test_chrome_lines(line, chrome):  # type: ignore[no-untyped-def]
    assert webpage.is_chrome(line) is chrome


def test_welcome_banner_and_info_line_give_title_date_source():
    doc, (a,) = _articles(
        "欢迎您进入某市总工会门户网站  今天是:2025年03月03日 星期一\n"
        "首页 > 基层动态 > 正文\n"
        "某县总工会推进户外劳动者服务站点建设\n"
        "来源:某市总工会  时间:2023年09月14日  浏览次数:241\n"
        "近期,某县总工会对辖区内24个工会户外劳动者服务站点开展指导,逐一查看设备配置。\n"
        "下一步,县总工会将持续推进站点建设工作。\n")
    assert a.title == "某县总工会推进户外劳动者服务站点建设"
    assert (a.publish_date, a.source) == ("2023-09-14", "某市总工会")
    assert a.body.startswith("近期,某县总工会")
    kinds = [h.kind for h in doc.boilerplate]
    assert kinds.count("site_chrome") == 1 and "dateline" in kinds  # removed, counted by kind


def test_page_title_line_names_the_headline():
    doc, (a,) = _articles(
        "某某网\n"
        "全省建成2000个户外劳动者服务站点-某某网\n"
        "EnglishEspañolFrançais日本語한국어\n"
        "全省建成2000个户外劳动者服务站点\n"
        "2023-05-11 09:47:26 来源: 某某日报\n"
        "日前,省总工会发布消息,全省已建成2000个户外劳动者服务站点,覆盖所有县区。\n")
    assert a.title == "全省建成2000个户外劳动者服务站点"
    assert a.metadata_origin["title"] == "header"
    assert (a.publish_date, a.source) == ("2023-05-11", "某某日报")
    assert "某某网" not in a.body and "English" not in a.body
    assert [h.fields.get("title") for h in doc.boilerplate if h.kind == "page_title"] == [a.title]


def test_menu_and_bullet_are_chrome_a_list_is_not():
    _, (a,) = _articles(
        "• 首页\n• 信息公开\n• 工作动态\n• 通知公告\n"
        "市总工会开展送清凉活动\n"
        "发布日期:2017-07-24\n"
        "7月20日,市总工会启动送清凉活动,为30家单位职工送去防暑降温品。\n"
        "活动包括:\n• 走访一线\n• 发放物资\n")
    assert a.title == "市总工会开展送清凉活动"
    assert a.publish_date == "2017-07-24"
    assert "走访一线" in a.body and "信息公开" not in a.body  # two bullets in the text are its own list

    _, (b,) = _articles("• 全省新增50家职工书屋\n来源:某某日报 时间:2024-04-01\n全省今年新增50家职工书屋。\n")
    assert b.title == "全省新增50家职工书屋"


def test_forum_post_line_and_footer():
    _, (a,) = _articles(
        "user88 发表于 2021-10-9 16:44:34\n"
        "某市新增16家户外劳动者爱心服务站\n"
        "中工网讯 近日,某市总工会为16家户外劳动者爱心服务站揭牌。目前,全市共有33家服务站点。\n"
        "页: [1]\n"
        "查看完整版本: 某市新增16家户外劳动者爱心服务站\n")
    assert a.title == "某市新增16家户外劳动者爱心服务站"
    assert a.publish_date == "2021-10-09"
    assert (a.source, a.metadata_origin["source"]) == ("中工网", "text")  # the lead names who reported it
    assert "查看完整版本" not in a.body and "页:" not in a.body


@pytest.mark.parametrize(("para", "src"), [
    ("中工网讯 近日,某市总工会……", "中工网"),
    ("新华社北京8月16日电 全国总工会……", "新华社"),
    ("「本文来源:工人日报」记者……", "工人日报"),
    ("来源:某某网 在劳动节来临之际……", "某某网"),
    ("本报讯 近日……", None),
    ("本网讯(记者 王五)……", None),
    ("据了解,该网站……", None),
])
def test_lead_source(para, src):  # type: ignore[no-untyped-def]
    assert webpage.lead_source(para) == src


@pytest.mark.parametrize(("para", "src"), [
    ("新华社北京8月16日电(记者 王伟)全国总工会……", "新华社"),
    ("中新社香港5月1日电 工会联合会……", "中新社"),
    ("本报讯(记者张三)近日……", None),
    ("本报北京12月31日讯(记者 张三)全国总工会……", None),
    ("  人民网北京3月2日电 某市总工会……", "人民网"),
])
def test_a_parsed_lead_names_the_source_lead_source_names(para: str, src: str | None) -> None:
    """segment strips a known lead with byline.split_news_lead and names its source from that one parse
    (news_lead_source): the same source lead_source reads from the paragraph."""
    split = byline.split_news_lead(para)
    assert split is not None
    assert webpage.news_lead_source(split[0]) == webpage.lead_source(para) == src


def test_info_line_scan_is_linear():
    """Every line of a body is offered to parse_info_line: a long line must be refused at once."""
    import time
    line = "来源:" + "某" * 1_000_000
    t = time.perf_counter()
    assert webpage.parse_info_line(line) is None
    assert webpage.is_chrome(line) is False
    assert time.perf_counter() - t < 0.5


def test_headline_in_two_parts_is_not_a_page_title():
    """A headline with a dash between its parts is one headline: the part after it is no site's name."""
    _, (a,) = _articles(
        "工会为何重要? - 一位老会员的故事\n"
        "工会为何重要?\n"
        "老陈入会三十年,他说工会帮他讨回过工资。\n")
    assert a.title == "工会为何重要? - 一位老会员的故事"


def test_counters_related_list_and_doubled_headline_are_chrome():
    """A portal page: like/share counters over the headline, the headline twice (title block and <h1>),
    and a related-items list at the foot (numbered headlines, each with its time stamp)."""
    doc, (a,) = _articles(
        "0\n0\n"
        "码头工会宣布罢工行动升级\n\n码头工会宣布罢工行动升级\n\n"
        "码头工潮持续了三个星期,工会宣布将罢工行动升级。\n"
        "工人指很多时候都要工作超过24小时。\n"
        "  1. 更多\n"
        "  1. 某区新增两个公园\n    某区新增两个公园\n    2小时前\n"
        "  2. 天气报告\n    天气报告\n    3小时前\n")
    assert a.title == "码头工会宣布罢工行动升级"
    assert a.body == "码头工潮持续了三个星期,工会宣布将罢工行动升级。\n工人指很多时候都要工作超过24小时。"
    assert doc.removed_counts["site_chrome"] == 2 + 7 and doc.removed_counts["page_title"] == 1


def test_print_box_of_paragraphs_is_not_a_related_list():
    """相关阅读 over paragraphs is a print box: its text is the article's (segment keeps it)."""
    doc, (a,) = _articles(
        "某市职工书屋达500家\n"
        "来源:某某日报 时间:2024-04-01\n"
        "某市职工书屋已达500家。\n"
        "相关阅读\n"
        "职工书屋是工会为职工提供阅读服务的阵地,今年全国新建1000家。\n"
        "各地工会还开展了读书月活动,参加职工超过10万人。\n"
        "读书月活动将持续到年底。\n")
    assert "今年全国新建1000家" in a.body and "site_chrome" not in doc.removed_counts


def test_content_farm_decoys_are_removed_and_counted():
    """A farm's copy: pictographs in parentheses between characters, padded pinyin, a decoy inside one."""
    doc, (a,) = _articles(
        "工会会员超过3亿\n来源:某某网 时间:2024-01-02\n"
        "全國職(zhí )工總數(🙁)約4億人,工(🕑)會會員近3億,才(cá(🐃)i )能凝聚(⏩)力量。\n")
    assert a.body == "全国职工总数约4亿人,工会会员近3亿,才能凝聚力量。"
    assert doc.removed_counts["decoy_marks"] == 4


def test_one_emoji_in_parentheses_stays():
    _, (a,) = _articles("工会送清凉\n来源:某某网 时间:2024-07-02\n工友们收到了西瓜(🍉),十分高兴。\n")
    assert "(🍉)" in a.body


def test_a_city_unions_page_takes_its_region_from_the_source():
    """A county story on a city union's site names no place the table knows (马边县: the table has
    马边彝族自治县): the source opens with its place (乐山市总工会), so the article is 四川's."""
    _, (a,) = _articles(
        "马边县总工会推进服务站点建设\n"
        "来源:乐山市总工会  时间:2023年09月14日\n"
        "近期,马边县总工会对辖区内24个工会户外劳动者服务站点开展指导。\n")
    assert (a.source, a.region) == ("乐山市总工会", "四川")


@pytest.mark.parametrize(("source", "home"), [
    ("福建日报", "福建"), ("北京青年报", "北京"), ("乐山市总工会", "四川"),
    ("工人日报", None), ("中国青年报", None), ("新华社", None), ("人民网", None),
])
def test_home_region_from_the_sources_name(source, home):  # type: ignore[no-untyped-def]
    from gonghui.transforms.regions import home_region
    assert home_region(source) == home


# --- a paper's web edition: its masthead line and its print line ------------------------------------------
@pytest.mark.parametrize(("line", "want"), [
    ("《工人日报》(2025年09月18日 02版)", {"source": "工人日报", "publish_date": "2025-09-18", "page": "2"}),
    ("《人民日报》（2022年10月17日 第 04 版）", {"source": "人民日报", "publish_date": "2022-10-17", "page": "4"}),
    ("《某某晚报》(2021-03-08)", {"source": "某某晚报", "publish_date": "2021-03-08"}),
    ("工人日报 2025年09月18日 星期一", {"source": "工人日报", "publish_date": "2025-09-18"}),
    ("2024年5月1日 星期三 某某日报", {"source": "某某日报", "publish_date": "2024-05-01"}),
    ("《工人日报》报道,2025年09月18日起施行", None),  # a sentence that names the paper
    ("某某日报 2025年02月30日 星期一", None),  # no such day
    ("2025年09月18日 星期一", None),  # a date alone names no paper
])
def test_edition_lines_are_read(line, want):  # type: ignore[no-untyped-def]
    assert webpage.parse_edition_line(line) == want


def test_web_edition_page_gives_headline_source_date_and_page():
    """A paper's article page saved as text: the site's section menu over the masthead line, the headline,
    the print line under it, the text, a picture credit, the site's footer."""
    doc, (a,) = _articles(
        "某某娱乐\n\n某某日报 2025年09月18日 星期四\n\n“户外劳动者服务日”\n\n《某某日报》(2025年09月18日 02版)\n\n"
        "9月15日,某县总工会组织志愿者在城区多个工会驿站开展为户外劳动者免费理发、医疗义诊等爱心服务活动。\n\n"
        "据介绍,该县近年来加快推动户外劳动者服务站点建设,目前已建成服务站点25个。\n\n本报通讯员 王某某 摄\n")
    assert (a.title, a.kicker) == ("“户外劳动者服务日”", None)
    assert (a.source, a.publish_date, a.page) == ("某某日报", "2025-09-18", "2")
    assert a.metadata_origin["source"] == a.metadata_origin["publish_date"] == "header"
    assert "某某娱乐" not in a.body and "02版" not in a.body and a.body.startswith("9月15日")
    assert any(h.kind == "site_chrome" and h.text == "某某娱乐" for h in doc.boilerplate)


def test_print_line_at_the_foot_gives_source_date_and_page():
    """people.com.cn prints the paper's print line after the text."""
    _, (a,) = _articles(
        "某市新增16家户外劳动者服务站\n\n本报讯(记者 王某)近日,某市总工会为16家户外劳动者服务站揭牌。"
        "目前,全市共有33家服务站点。\n\n《某某日报》（2022年10月17日 第 04 版）\n")
    assert (a.title, a.source, a.publish_date, a.page) == ("某市新增16家户外劳动者服务站", "某某日报", "2022-10-17", "4")
    assert "版" not in a.body


def test_masthead_line_under_a_headline_keeps_the_headline():
    """A paper-and-date line under a headline (no weekday: an info line, not a masthead) takes nothing above it."""
    _, (a,) = _articles(
        "某市新增16家户外劳动者服务站\n某某日报 2022年10月17日\n"
        "近日,某市总工会为16家户外劳动者服务站揭牌。目前,全市共有33家服务站点。\n")
    assert (a.title, a.source, a.publish_date) == ("某市新增16家户外劳动者服务站", "某某日报", "2022-10-17")


# --- pages of portals, financial sites and reposts (probe pages of Hong Kong and mainland sites) -----------
def test_weather_widget_menu_word_and_bare_label_over_the_headline_are_chrome():
    doc, (a,) = _articles(
        "5月16日 (星期四)25°C 65\n  news\n \n日期:\n\n某局长指优化最低工资检讨机制保障基层收入\n\n1/5/2024 10:40\n"
        "        某局长表示, 政府已接纳最低工资委员会优化法定最低工资检讨机制的建议, 包括每年检讨法定最低工资水平"
        "一次, 进一步保障基层雇员的收入.\n\n|\n\n回主页关于我们 使用条款及细则版权及免责声明私隐政策联络我们\n\n"
        "Copyright 2024© Example Broadcast Corporation Limited. All rights reserved.\n")
    assert a.title == "某局长指优化最低工资检讨机制保障基层收入"
    assert a.publish_date == "2024-05-01"  # day first, as Hong Kong writes it
    assert (a.source, a.metadata_origin["source"]) == ("Example Broadcast Corporation Limited", "trailer")
    assert a.body.endswith("收入.")  # the footer, its "|" and the copyright line are the site's
    chrome = [h.text for h in doc.boilerplate if h.kind == "site_chrome"]
    assert {"5月16日 (星期四)25°C 65", "news", "日期:", "|"} <= set(chrome)


def test_ticker_and_control_rows_are_chrome_and_a_farm_code_is_no_source():
    _, (a,) = _articles(
        "恒生指数1 26,567.12 -465.42 2,575.78亿\n国企指数1 9,032.71 -142.47 874.44亿\n返回    放大 +    缩小 -\n"
        "某局长:最低工资加幅2.38%属跑赢通胀\n2025-02-13 14:46:32\n来源: sp20250213\n"
        "政府拟将最低工资由每小时42.1元加至43.1元,增幅为1元或2.38%,预料立法会通过后,于5月1日起实施。\n"
        "网址: www.example.com\n")
    assert a.title == "某局长:最低工资加幅2.38%属跑赢通胀" and a.publish_date == "2025-02-13"
    assert a.source is None and a.body.startswith("政府拟将") and "网址" not in a.body


def test_repost_keeps_the_wires_source_and_its_closing_editor():
    """A content farm's copy: its own code in 来源:, the wire's lead with a space (中新社 香港5月1日电), and the
    wire's closing (完)【编辑:X】 run into the last paragraph."""
    _, (a,) = _articles(
        "某长官劳动节感谢每位劳工\n\n发布时间:2024-11-30 12:37:44 来源: sp20241130\n\n"
        "   中新社 香港5月1日电 某长官于5月1日国际劳动节在社交媒体发文,向全港所有劳工表达敬意。\n\n"
        "  某长官表示,特区政府积极推动劳工福利。(完) 【编辑:李某】\n")
    assert (a.source, a.metadata_origin["source"]) == ("中新社", "text")
    assert a.editors == ("李某",) and a.body.endswith("积极推动劳工福利。")


def test_date_line_with_section_names_and_back_to_top_footer():
    doc, (a,) = _articles(
        "热门:\n\n2023年5月1日 时事脉搏 港闻\n\n某长官祝全港打工仔女劳动节快乐\n\n"
        "今天是五一国际劳动节,某长官在社交平台发文,向所有打工仔女致敬,感谢各位辛勤付出和努力工作。\n\n回上\n\n"
        "某报简介 | 服务条款 | 私隐条款 | 免责声明 | 广告查询 | 加入某报 | 联络某报\n\n"
        "股票及指数资料由某某网有限公司提供。\n\nYou are currently at: www.example.com\nSkip This Ads\n")
    assert (a.title, a.publish_date) == ("某长官祝全港打工仔女劳动节快乐", "2023-05-01")
    assert a.body.endswith("努力工作。")


def test_counters_at_the_foot_and_a_sponsor_line_name_the_publisher():
    _, (a,) = _articles(
        "县总工会开展关爱户外劳动者活动\n\n2025-01-16\n1月15日是工会服务户外劳动者日。县总工会以“情系户外 工会同行”"
        "为主题开展关爱活动。\n此次活动旨在向全县户外劳动者传递温暖与关爱。\n\n阅读16\n分享\n\n"
        "主办单位:某县总工会  技术支持:某某科技\n")
    assert (a.source, a.publish_date) == ("某县总工会", "2025-01-16")
    assert a.body.endswith("温暖与关爱。")


@pytest.mark.parametrize(("line", "want"), [
    ("版权所有:某市总工会", "某市总工会"),
    ("Copyright © 2024 HK01 Company Limited", "HK01 Company Limited"),
    ("Copyright © 2008-2025 by www.example.cn. all rights reserved", None),  # an address names no one
    ("他说版权所有人应当", None),
])
def test_publisher(line, want):  # type: ignore[no-untyped-def]
    assert webpage.publisher(line) == want


def test_reporters_credited_after_the_last_full_stop_are_the_authors():
    doc, (a,) = _articles(
        "县总工会开展关爱户外劳动者活动\n来源:某县融媒体中心  时间:2025年01月16日\n"
        "1月15日是工会服务户外劳动者日。县总工会以“情系户外 工会同行”为主题开展关爱活动。\n"
        "此次活动旨在向全县户外劳动者传递温暖与关爱。(某县融媒记者 祝某某 陈某某)\n")
    assert a.authors == ("祝某某", "陈某某")
    assert a.body.endswith("传递温暖与关爱。")
    assert any(h.kind == "author_box" and h.text == "(某县融媒记者 祝某某 陈某某)" for h in doc.boilerplate)


def test_repost_with_paper_run_into_its_date_and_an_unlabelled_list_of_other_headlines():
    """A portal's copy of a paper's story: 某报2025-11-05 under the headline, and under the text the portal's
    list of other headlines, each over its date, with no label."""
    doc, (a,) = _articles(
        "明年最低时薪升至35元\n\n力报2025-11-05\n\n立法大会昨日一般性通过修改雇员最低工资法案,建议将最低工资由现时"
        "每小时34元调升至35元。\n\n某地空管人员短缺 多地航班延误\n\n2025-11-07\n\n某国前总统获释出狱\n\n2025-11-07\n\n"
        "某地宣布同意停火\n\n2025-11-07\n")
    assert (a.source, a.publish_date) == ("力报", "2025-11-05")
    assert a.body.endswith("调升至35元。") and "获释" not in a.body
