"""A clause's region beyond the places it names: the whole country (全国…已超过, 我国共有) and the place a
sentence opens with (在广东,…), as mainland union news writes them.

Every sentence is composed for these tests in the shape of a phenomenon the probe of modern union news showed
(never a probed article's wording)."""

from __future__ import annotations

import pytest

from gonghui.transforms.facts import extract_facts
from gonghui.transforms.records import Article
from gonghui.transforms.regions import NATIONAL_SCOPE, national_clause, province_of, sentence_scope


@pytest.mark.parametrize(
    ("clause", "national"),
    [
        ("全国工会驿站已建成20万个", True),
        ("目前我国共有工会会员3亿人", True),
        ("2023年全国各级工会投入帮扶资金50亿元", True),
        ("全总下拨专项资金8000万元", True),
        # the province's own figures beside the country: a comparison, a share, an honour, a rank
        ("比全国平均水平高出2.1个百分点", False),
        ("约占全国的一成", False),
        ("来自全国各省的20支代表队共200名选手", False),  # entrants of a local event
        ("获评全国“最美工会驿站”12个", False),
        ("建成全国首个货车司机之家", False),
        ("全国五一劳动奖章获得者5人", False),
        ("18个集体荣获全国工人先锋号", False),
        ("全国总工会副主席出席", False),  # the union named, doing nothing counted
    ],
)
def test_national_clause(clause: str, national: bool) -> None:
    assert national_clause(clause, 0, len(clause)) is national


def _clause(text: str, frag: str) -> tuple[int, int]:
    i = text.index(frag)
    return i, min(k for k in (text.find(c, i) for c in "，,。") if k != -1)


def test_a_sentence_opening_with_a_place_is_about_it() -> None:
    text = "在湖南,省总工会投入300万元,惠及职工2万人。在陕西方面,各级工会慰问职工5万人。记者随后走访了工地。"
    assert sentence_scope(text, *_clause(text, "省总工会投入")) == "湖南"
    assert sentence_scope(text, *_clause(text, "惠及职工")) == "湖南"
    assert sentence_scope(text, *_clause(text, "各级工会慰问")) == "陕西"
    assert sentence_scope(text, *_clause(text, "记者随后")) is None
    # an opener about a province as a whole (its name with its suffix, 全省 after it) carries to the later
    # clauses; a bare name opening a clause (北京要求…, 深圳有…) is the place of that clause only
    text = "江西全省的驿站比去年增加了两成,达到驿站总数的六成,而且九成建在路边。"
    assert sentence_scope(text, *_clause(text, "达到驿站")) == "江西"
    assert sentence_scope(text, *_clause(text, "而且九成")) == "江西"
    text = "北京早前要求加快立法,但今次罢工诉求加薪三成。"
    assert sentence_scope(text, *_clause(text, "但今次")) is None
    text = "据湖南省总工会相关负责人介绍,全省建成驿站800个。"
    assert sentence_scope(text, *_clause(text, "全省建成")) == "湖南"
    text = "2023年全国各级工会投入帮扶资金50亿元,慰问职工600万人次。"
    assert sentence_scope(text, *_clause(text, "慰问职工")) == NATIONAL_SCOPE


def test_facts_of_a_national_roundup_and_of_a_provincial_paper() -> None:
    body = ("入冬以来,各地工会开展送温暖活动。在湖南,省总工会投入300万元,惠及职工2万人。"
            "在陕西,各级工会慰问职工5万人。长沙市总工会建成驿站120个。")
    art = Article(article_id="m", file_id="f", source_file="m.txt", seq=1, title="各地工会送温暖", body=body,
                  region=province_of(body, "各地工会送温暖"), publish_date="2024-01-20")
    assert [(f.value, f.region) for f in extract_facts(art)] == [
        (3000000, "湖南"), (20000, "湖南"), (50000, "陕西"), (120, "湖南")]
    # a provincial paper quoting the country's total beside its own
    body = "截至目前,全国工会驿站已建成20万个,其中我省建成驿站6000个。目前我国共有工会会员3亿人。"
    art = Article(article_id="m", file_id="f", source_file="m.txt", seq=1, title=None, body=body, region="江西",
                  publish_date="2024-01-20")
    assert [(f.value, f.region) for f in extract_facts(art)] == [(200000, None), (6000, "江西"), (300000000, None)]


def test_a_national_outlets_capital_dateline_is_no_evidence() -> None:
    body = "新华社北京3月2日电 记者从全国总工会获悉,全国工会驿站已建成20万个。"
    assert province_of(body, "工会驿站遍布城乡") is None
    # a dateline from a province names it; a Beijing paper's own Beijing dateline is its home
    assert province_of("新华社西安3月2日电 记者从省总工会获悉,驿站已建成3000个。", None) == "陕西"
    assert province_of("本报北京3月2日讯 市总工会今天宣布新建驿站100个。", None, home="北京") == "北京"


def test_a_county_level_citys_union_and_places_known_by_another_name() -> None:
    # 石狮总工会: a county-level city's stem before 总工会 (a bare stem elsewhere is no place: 石狮 statues)
    assert province_of("市总工会发放救助资金30万元。", "义乌总工会开展帮扶") == "浙江"
    assert province_of("门前的石狮有两百年历史。", None) is None
    # islands of a county known by their own name (region_cues.yaml: aliases)
    assert province_of("金门岛上有驻军。", None) == "福建"
