"""Column-break rejoining on the real 004 page, and the rule's refusals (headings, bylines, banners)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gonghui.transforms.normalize import normalize_text
from gonghui.transforms.paragraphs import rejoin_paragraphs, should_join, split_paragraphs
from gonghui.transforms.records import CleanDoc

F004 = "004_2346e4344e25976a.txt"

# Every column break in 004 (the raw file has them as blank lines mid-sentence), as (end of the cut
# paragraph, start of its continuation). Found by reading the file; all must be rejoined.
COLUMN_CUTS_004 = (
    ("灵活", "就业人员以及失业人员"),
    ("如在蜀餐饮公司提供", "8000余张消费折扣券"),
    ("很多创新", "的点都在这里诞生"),
    ("帮助企业解决技术难", "题10余项"),
    ("通过强化活动过程管", "理,推行网报网评"),
    ("发布晚会在山西", "卫视播出"),
    ("一线职工实训基地、高技能人才培养基地、劳模", "工匠攻关基地"),
    ("全省已建成各类户外", "劳动者服务站点5813个"),
)

# Pairs that must stay apart in 004: (paragraph, next paragraph) as they stand in the cleaned text.
KEPT_APART_004 = (
    ("学联会已成为重庆市北", "团结奋斗开新局 喜迎工会十八大 工会工作巡礼"),  # banner after a cut
    ("群众生产生活秩序加快恢复。", "本报记者 王伟伟 摄"),
    ("本报记者 王伟伟 摄", "供电公司青年职工发挥才智"),
    ("帮扶困难职工,这里有个“爱心联盟”", "本报讯(记者马学礼"),
    ("宁夏青铜峡市总工会凝聚社会力量,建立“工会+社工+义工”联动服务职工模式", "帮扶困难职工"),
    ("凝聚职工奋进力量", "职工当好主力军"),
    ("本报记者 刘建林 李彦斌", "“2023年度职工申报"),
)


def _paragraph_pairs(text: str) -> list[tuple[str, str]]:
    ps = text.split("\n")
    return list(zip(ps, ps[1:], strict=False))


def test_all_column_cuts_in_004_rejoined(clean_docs: dict[str, CleanDoc]) -> None:
    text = clean_docs[F004].text
    for end, start in COLUMN_CUTS_004:
        assert end + start in text, (end, start)


def test_headings_bylines_banners_kept_apart_in_004(clean_docs: dict[str, CleanDoc]) -> None:
    pairs = _paragraph_pairs(clean_docs[F004].text)
    for end, start in KEPT_APART_004:
        assert any(a.endswith(end) and b.startswith(start) for a, b in pairs), (end, start)


def test_joins_on_raw_004_counted(raw_texts: dict[str, tuple[str, str]]) -> None:
    paragraphs = split_paragraphs(normalize_text(raw_texts[F004][1]))
    joined, n = rejoin_paragraphs(paragraphs)
    assert n == len(COLUMN_CUTS_004)
    assert len(joined) == len(paragraphs) - n


def test_no_joins_on_pages_without_column_breaks(
    clean_docs: dict[str, CleanDoc], raw_texts: dict[str, tuple[str, str]]
) -> None:
    # 000-003 have no column breaks: every paragraph of the raw file survives as it was.
    for fname in ("000_7e7ea642b88fe6f6.txt", "002_bdbddf47cf01ef19.txt"):
        raw_paragraphs = split_paragraphs(normalize_text(raw_texts[fname][1]))
        _, n = rejoin_paragraphs(raw_paragraphs)
        assert n == 0, fname


def test_should_join_refusals() -> None:
    body = "近年来,青铜峡市总工会加大工会组建力度,工会组织覆盖率和职工入会率大幅提高。但仍有一定数量的外出打工人员、灵活"
    assert should_join(body, "就业人员以及失业人员尚未被工会组织覆盖。")
    assert not should_join(body, "■ 樊园芳 彭婷婷")
    assert not should_join(body, "本报记者 王伟伟 摄")
    assert not should_join(body, "黄仕强")  # a lone name line
    assert not should_join(body, "“工会云”普惠服务覆盖全省")  # a section heading
    assert not should_join(body, "6 第五届“陇原工匠”发布,我省产业工人队伍建设改革工作取得新成效")
    assert not should_join(body.replace("灵活", "灵活。"), "就业人员以及失业人员尚未被工会组织覆盖。")
    assert not should_join(
        "国网重庆市北供电公司工会搭建“一体三维”职工技术创新工作体系——", "小改小革“创”出新活力"
    )
    assert not should_join("省总工会 凝聚磅礴力量 建功伟大事业", "栉风沐雨、砥砺前行。")  # title, not body
    assert should_join(body, "8.5万人参加了培训。")  # a number is not a numbered heading
    # a headline in parts whose first part is a question or exclamation is no sentence of body text
    long_next = "地铁新线工程接连被揭发有问题,主席今日出席记者会,被问到高层会否问责时表示,当务之急是处理工程问题。"
    assert not should_join("地铁高层会否问责? 主席:当务之急是处理工程问题", long_next)
    assert not should_join("工运大佬挪威比,香港一啲唔失礼!——写于大罢工前夕", long_next)
    assert should_join("他问:工会为何要管职工读书?市总工会负责人说,读书是职工提升技能的", "重要途径。")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from(list("工会职工。,、“”■ 本报记者摄12 ——")), min_size=1, max_size=60),
        max_size=12,
    )
)
def test_rejoin_is_idempotent(paragraphs: list[str]) -> None:
    ps = split_paragraphs("\n".join(paragraphs))
    once, _ = rejoin_paragraphs(ps)
    twice, n = rejoin_paragraphs(once)
    assert twice == once and n == 0


def test_no_join_across_an_end_mark() -> None:
    """A page: the line after an end mark, or under the page header, is the next headline, however long."""
    head = "【谈判破裂】医管局拒承诺向政府施压全面封关 工会料九千人今日罢工 紧急服务将受影响 市民需留意"
    body = "医管局员工阵线周一发起首阶段罢工,要求港府回应诉求。"
    last = "对于工会的批评,公司发言人未有回应,只表示会研究有关建议并在稍后时间作出详细的回应及说明"
    for before in (["众新闻 2020年2月4日 第7版 港闻"], ["一则新闻的标题", "正文第一段。", "(完)"]):
        out, _ = rejoin_paragraphs([*before, head, body])
        assert head in out, before
    # an end mark the cleaner took off (kept as the line it followed): no join across where it stood
    out, _ = rejoin_paragraphs(["标题", last, head, body], keep_apart=[last])
    assert out == ["标题", last, head, body]
    # ... also when the paragraph it followed was itself the rest of a column-cut sentence
    cut = "在肯雅首都奈罗比,民众抗议警察杀害示威者及反对派支持者,多国首脑在会前倾谈,左起依次为各国的领导人和"
    tail = "随行官员,南韩民众在首尔的美国大使馆前举行示威,要求撤走部署在当地的导弹防御系统,"
    out, _ = rejoin_paragraphs(["标题", cut, tail, "二十年前,工联会如何出卖工人?", body], keep_apart=[tail])
    assert out == ["标题", cut + tail, "二十年前,工联会如何出卖工人?", body]
