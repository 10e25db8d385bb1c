"""Province-level regions from place names, via the shipped administrative-division table."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gonghui.transforms.regions import (
    _COUNTY_STEMS,
    _LENGTHS_BY_PREFIX,
    _PAIR_CHARS,
    SHORT_NAMES,
    _name_starts,
    _stem_at,
    find_places,
    full_name,
    home_region,
    province_of,
)

TABLE = Path(__file__).resolve().parents[1] / "transforms" / "data" / "admin_divisions.csv"


@pytest.mark.parametrize(
    ("text", "province"),
    [
        ("在黑龙省大兴安岭地区加格达奇区正式开赛", "黑龙江"),  # province misspelt: the prefecture decides
        ("青铜峡市总工会", "宁夏"),
        ("南通海门区总整合资源", "江苏"),
        ("山东钢铁集团有限公司旗下莱钢集团", "山东"),
        ("香港工会联合会", "香港"),
        ("澳门街坊会", "澳门"),
        ("台湾同胞", "台湾"),
        ("宁夏回族自治区青铜峡市", "宁夏"),
        ("天津市河北区", "天津"),  # 河北区 is a Tianjin district, not the province
    ],
)
def test_examples(text, province):  # type: ignore[no-untyped-def]
    assert province_of(text) == province


def test_full_names():
    assert full_name("宁夏") == "宁夏回族自治区"
    assert full_name("重庆") == "重庆市"
    assert full_name("贵州") == "贵州省"
    assert full_name("香港") == "香港特别行政区"
    assert len(SHORT_NAMES) == 34


def test_find_places_spans():
    text = "江苏省南通市海门区总工会"
    places = find_places(text)
    assert [p[3] for p in places] == ["江苏省", "南通市", "海门区"]
    assert all(text[s:e] == name and prov == "江苏" for prov, s, e, name in places)


def test_ambiguous_county_follows_context():
    # 鼓楼区 exists in 南京, 福州, 徐州, 开封: the province written with it decides.
    assert find_places("福建省福州市鼓楼区")[-1][0] == "福建"
    assert find_places("南京市鼓楼区")[-1][0] == "江苏"
    assert find_places("鼓楼区") == []  # no context: no guess


def test_title_outweighs_passing_mentions():
    assert province_of("赴北京、上海取经。", title="贵州工会巡礼") == "贵州"


def test_one_character_stems_do_not_match():
    assert province_of("城区户外劳动者综合服务站") is None


def test_table_is_generated_and_complete():
    rows = list(csv.DictReader(TABLE.open(encoding="utf-8")))
    assert rows and set(rows[0]) == {"name", "short", "adcode", "level", "province"}
    assert sum(r["level"] == "province" for r in rows) == 34
    assert len(rows) > 3000


@given(st.text(max_size=200), st.one_of(st.none(), st.text(max_size=30)))
def test_never_raises(text: str, title: str | None) -> None:
    places = find_places(text)
    for prov, s, e, name in places:
        assert text[s:e] == name and prov in SHORT_NAMES
    got = province_of(text, title)
    assert got is None or got in SHORT_NAMES


_STEMS = sorted(_COUNTY_STEMS)
# The regex the stem probe replaced: longest stem first, then one administrative suffix.
_STEM_RE = re.compile("(" + "|".join(re.escape(s) for s in sorted(_STEMS, key=len, reverse=True)) + ")[市区县旗]")


@given(st.lists(st.one_of(st.sampled_from(_STEMS), st.sampled_from(list("市区县旗工会")), st.characters()), max_size=6),
       st.integers(min_value=0, max_value=3))
def test_stem_probe_finds_what_the_stem_regex_finds(parts: list[str], i: int) -> None:
    text = "".join(parts)
    m = _STEM_RE.match(text, i)
    assert _stem_at(text, i) == ((m.group(1), m.end()) if m else None)


_PIECES = st.one_of(st.sampled_from(sorted(_LENGTHS_BY_PREFIX)), st.sampled_from(_PAIR_CHARS), st.characters(),
                    st.just("\ud800"), st.just("\U0002a6a5"))


@given(st.lists(_PIECES, max_size=80).map("".join))
def test_name_starts_are_the_positions_of_name_openers(text: str) -> None:
    # Both ways of finding them: a probe per position (short texts) and the pair table (long ones).
    assert _name_starts(text) == [i for i in range(len(text) - 1) if text[i : i + 2] in _LENGTHS_BY_PREFIX]


# --- issue 14 point 4: the article's own region, the country as a whole, foreign countries -------------
def test_home_region_of_a_publication() -> None:
    assert home_region("眾新聞") == "香港"
    assert home_region("众新闻") == "香港"
    assert home_region("澳门日报") == "澳门"
    assert home_region("工人日报") is None  # a national paper has no home province
    assert home_region(None) is None


def test_a_local_paper_story_naming_no_place_is_about_its_home() -> None:
    # a Hong Kong story about a vaccination centre: no place name, no cue word
    body = "疫苗接种计划开展了近两星期,昨日在8间社区疫苗接种中心的甩底率达36%。"
    assert province_of(body, "私家医生同现退针潮") is None
    assert province_of(body, "私家医生同现退针潮", home="香港") == "香港"


def test_a_passing_mention_does_not_move_a_local_story() -> None:
    body = "工会发言人表示,北京早前要求加快立法,但今次罢工的诉求是加薪。"
    assert province_of(body, "巴士车长工会发起罢工", home="香港") == "香港"


def test_a_national_statistics_story_is_about_no_province() -> None:
    title = "中国首两月消费品零售大跌20.5% 失业率6.2%"
    body = ("国家统计局今早发表的数据显示,全国今年首两月社会消费品零售总额52,130亿元。"
            "2月全国城镇调查失业率为6.2%。国家统计局表示,2月份一线城市中,北京和广州分别下跌0.2%和0.1%,上海和深圳分别上涨0.2%和0.5%。"
            "北京、上海的二手住宅价格持平。")
    assert province_of(body, title, home="香港") is None


def test_a_union_name_with_quanguo_is_not_national() -> None:
    # mainland union news names 全国 in honours and organisations: no evidence of the country as a whole
    body = ("福建省总工会召开会议。全国五一劳动奖章获得者、全国劳动模范、全国总工会代表出席。"
            "福建各级工会全年建成服务站点300个。")
    assert province_of(body, "福建工会 凝聚磅礴力量") == "福建"


def test_a_story_about_a_foreign_country_is_about_no_province() -> None:
    title = "武汉肺炎大爆发 医院疑爆院内感染 日本疫情严峻"
    body = ("日本的武汉肺炎疫情扩大,和歌山县一间医院懷疑爆发院内感染。日本政府表示,北海道、千叶至少5个区域"
            "发生境内感染,日本成为仅次于武汉的第二大病毒聚集地。")
    assert province_of(body, title, home="香港") is None


def test_a_macau_paper_comparing_with_hong_kong_stays_in_macau() -> None:
    # Macau's own papers and institutions are its cues: a story comparing with Hong Kong's wage is Macau's
    assert home_region("力报") == home_region("华侨报") == "澳门"
    body = ("立法大会昨日一般性通过修改雇员最低工资法案,建议将最低工资由现时每小时34元(澳门币,下同)调升至35元。"
            "议员发言指出,香港今年将最低工资由每小时40港元调升至42.1港元。")
    assert province_of(body, "明年最低时薪升至35元", home=home_region("力报")) == "澳门"
    assert province_of("劳工事务局表示,经济财政司已完成检讨。", None) == "澳门"
