"""Issue 14, session 7: subject rules by phenomenon of Chinese syntax.

Every sentence here is written for these tests in the shape of a phenomenon (never real-text wording);
the real-text gold (bench/facts_eval.py) measures the rules on articles.
"""

from __future__ import annotations

from gonghui.transforms.facts import extract_facts
from gonghui.transforms.records import Article


def _subjects(body: str) -> list[tuple[float, str | None]]:
    art = Article(article_id="s7", file_id="f7", source_file="s7.txt", seq=1, title=None, body=body,
                  region="香港", publish_date="2021-06-01")
    return [(f.value, f.subject) for f in extract_facts(art)]


def test_two_line_table_cell_label_names_the_figure() -> None:
    body = "| 议案表决 | |\n| --- | --- |\n| 赞成\n12人 | 甲党、乙党 |\n| 不投票\n4人 | 丙会 |"
    assert _subjects(body)[-2:] == [(12, "赞成"), (4, "不投票")]


def test_a_generic_amount_word_takes_the_thing_named_before() -> None:
    # a compound of the same word earlier in the paragraph
    body = "法庭核实各人的赔偿金额后,裁定全部胜诉,每人金额由3万至8万元。"
    assert _subjects(body) == [(30000, "赔偿金额"), (80000, "赔偿金额")]
    # the object of a verb of paying in the clause before
    assert _subjects("若公司缴付管理费,金额约为2亿元。") == [(2e8, "管理费")]


def test_a_frame_of_reference_is_no_subject_and_a_fangmian_topic_is() -> None:
    assert _subjects("年金上限为50万元(以2000年港元计算),以今日的币值来说约是80万元。") == [
        (500000, "年金上限"), (800000, "年金上限")]
    assert _subjects("退休金额方面,2001年方案每月可得1,800元。") == [(1800, "退休金额")]
    # a clause with a noun of its own keeps it
    assert _subjects("薪酬方面,资方表示,文员月薪为1.5万元。")[0] == (15000, "文员月薪")


def test_the_activity_a_length_or_count_measures() -> None:
    # the event before 前 / 后 (in its interval)
    assert _subjects("成员须在投票前6个月入会。") == [(6, "投票前")]
    # 在 + place + verb after the figure
    assert _subjects("工人已连续8年在船厂工作。") == [(8, "在船厂工作")]
    # a pronoun object ends the activity
    assert _subjects("雇主用木棍殴打他背部约6下。") == [(6, "用木棍殴打")]
    # a long run after a passive marker and a directional verb: the last verb
    assert _subjects("该名工友后来被转往东区医院留医大约两星期。") == [(2, "留医")]
    # 则 ends the noun after the figure; 规则 is a noun
    assert _subjects("五年居留要求则不适用。") == [(5, "居留要求")]
    assert _subjects("工会订立了5条规则。") == [(5, "规则")]


def test_measure_words_relative_clauses_and_change_objects() -> None:
    # 名 counts people: the bare noun after it is counted, 的 makes it a possessor
    assert _subjects("现时有近800名会员的教师工会发声明。") == [(800, "会员")]
    # 与…相关的 is a relative clause before the counted noun
    assert _subjects("本月录得4宗怀疑与工作相关的受伤个案。") == [(4, "受伤个案")]
    # a verb of reaching (达到) is no change: the 的-noun is what the figure is
    assert _subjects("只差两票便达到35票的最低门槛。")[-1] == (35, "最低门槛")
    # another numeral and measure word after the figure counts its own thing
    assert _subjects("他走到距离不足20米一处停车。")[0][1] != "一处"
    # change verb + object + 到: the object changed
    assert _subjects("工会要求延长年假到十四天的方案。") == [(14, "年假")]


def test_lists_compounds_and_people_counts() -> None:
    # 共 inside 亲共 is no copula: the coordinated noun stays whole
    assert _subjects("亲共团体票加商界票只有300票。") == [(300, "亲共团体票加商界票")]
    # a Latin-letter noun after a measure word is one word
    assert _subjects("编辑部另有2个Data Analyst,负责图表。") == [(2, "Data Analyst")]
    # N人 + 在 + place + verb: the people doing the verb
    assert _subjects("警方到场时约有60人在大堂静坐,其后离开。") == [(60, "静坐")]
    # a share of people counts the last people counted in the paragraph, not a place counted since
    assert _subjects("共有820名教师回应,来自45间学校,当中逾6成人支持。") == [
        (820, "教师"), (45, "学校"), (60, "教师")]


def test_nominal_verbs_one_character_nouns_and_compounds_after_lengths() -> None:
    # a verb right after 的 heads a noun
    assert _subjects("他们成立了6个社区的组织。") == [(6, "社区的组织")]
    # a one-character noun ending its clause after a measure word
    assert _subjects("开业须领三个牌,并缴费。") == [(3, "牌")]
    # a length before a compound ending in a document word measures the first noun
    assert _subjects("| 10日年假修正案表决结果 | |") == [(10, "年假")]


def test_what_a_length_of_time_measures_from_the_clauses_around_it() -> None:
    # 用了 + length: the event of the clause before took the time
    assert _subjects("局长于开场致辞,用了15分钟细数政府政绩。") == [(15, "局长于开场致辞")]
    # length + existential clause: the event that ends it
    assert _subjects("连续5天有学生及教师共8人停课,学校关闭。") == [(5, "停课"), (8, "停课")]
    # a topic clause with a predicate adverb: its subject, before the adverb
    assert _subjects("被裁的文员纷纷提出申索,12人今到审裁处。") == [(12, "文员")]


def test_a_dated_topic_clause_and_the_top_of_a_range_of_changes() -> None:
    # a date is no figure: the clause before is still the topic
    assert _subjects("其中上月3日的全港罢课,约有8万人参与。") == [(80000, "罢课")]
    # the highest change of a range named in brackets is of the thing the range measured
    got = _subjects("各级文员工资的跌幅由5至20%(资深文员为最高跌幅20%),下月生效。")
    assert [s for _, s in got] == ["文员工资"] * 3
    # a bare change noun keeps its own claim
    assert _subjects("涨幅比上月回落0.2个百分点。")[0][1] == "涨幅"
    # a source clause (按…资料) is no topic
    assert _subjects("按2019年资料,约为五百万元。") == [(5e6, None)]


def test_side_effects_seen_on_the_whole_corpus_stay_fixed() -> None:
    # (shapes read in the run over every hkcnews article, sentences written here)
    assert _subjects("工会成立前5年已有活动。")[0] == (5, "工会成立前")  # the event starts the clause
    assert _subjects("新主席陈大文上任后7日辞职。")[0][1] != "文上任后"  # no half word before 后
    assert _subjects("有6名偷渡来港的青年被捕。") == [(6, "偷渡来港的青年")]  # a relative clause, not a person noun
    assert _subjects("警方在行动中共拘捕45人。") == [(45, "拘捕")]  # 中 + 共 "in all"
    assert _subjects("想起3,000位罢工的巴士车长。") == [(3000, "罢工的巴士车长")]  # 罢工 is a verb
    assert _subjects("发现三间公司的注册地址相同。") == [(3, "公司")]
    assert _subjects("院方必须安排他们隔离10天。") == [(10, "安排他们隔离")]


def test_clauses_that_are_no_topic() -> None:
    # a clause of time, a report, a number without a unit: none names what the next figure counts
    assert _subjects("去年的周年晚会过后,300名会友留下。")[0][1] != "周年晚会过"
    assert _subjects("署长昨日指,已有9人被捕。") == [(9, None)]
    # 人口3万 is itself a count (a population, unit 人: tests/gold/pages_facts.yaml's 人口七十九万); it names
    # nothing for the 15 after it
    found = dict(_subjects("该镇人口3万,有15个人染病。"))
    assert "人口" in (found[30000] or "") and "人口" not in (found[15] or "")
    # 对于 "as for" is no preposition before a final verb
    assert _subjects("对于有说经理放3星期")[0][1] != "理放"


def test_a_cause_clause_is_skipped_and_a_quoted_i_is_its_speaker() -> None:
    # the topic is the clause before a clause of cause
    assert _subjects("1950年在九龙出生的李志明,因家贫,14岁便入厂做工。") == [(14, "李志明")]
    # "I" inside a quote is the speaker named before a verb of saying
    assert _subjects("陈姓工友直言:「我今年58岁,仲要做落去。」") == [(58, "陈姓工友")]
    assert _subjects("我今年58岁。") == [(58, "我今年")]  # outside a quote: left as written


def test_an_agent_pronoun_before_a_bracketed_age_or_an_activity_is_dropped() -> None:
    assert _subjects("她探望病人黄伯(82岁)的儿子。")[0] == (82, "探望病人黄伯")
    assert _subjects("她在酒店任职厨师9年。") == [(9, "在酒店任职厨师")]
    assert _subjects("他案发时19岁。")[0][1] != "案发时"  # before a plain age the pronoun is the person
    assert _subjects("他和妻子约七个月就取得居留权。")[0][1].startswith("他和")  # a pair is kept


# --- session 8: mainland union news (工人日报 / provincial papers). Sentences written for each phenomenon. ---
def _mainland(body: str) -> list[tuple[float, str | None]]:
    art = Article(article_id="s8", file_id="f8", source_file="s8.txt", seq=1, title=None, body=body,
                  region=None, publish_date="2024-03-01")
    return [(f.value, f.subject) for f in extract_facts(art)]


def test_a_verb_of_aid_before_a_money_or_goods_noun_is_part_of_the_noun() -> None:
    # 慰问 / 补助 / 帮扶 are verbs, but 慰问金, 补助款, 帮扶资金, 慰问组 are what is counted
    assert _mainland("区工会看望劳模9人，送去慰问金8600元。") == [(9, "劳模"), (8600, "慰问金")]
    assert _mainland("市工会共发放补助款12.5万元。") == [(125000, "补助款")]
    assert _mainland("县工会为环卫工人送上价值3万元的慰问品。") == [(30000, "慰问品")]
    assert _mainland("镇工会组成3个慰问组走访企业。")[0] == (3, "慰问组")
    # a verb of aid with no such noun after it is still the verb (发放 … 资金: 资金 is counted)
    assert _mainland("累计帮扶困难职工300人次。") == [(300, "困难职工")]


def test_jian_is_no_verb_inside_fujian_or_before_the_nouns_it_opens() -> None:
    assert _mainland("省工会命名12家福建省劳模工作室。") == [(12, "福建省劳模工作室")]
    assert _mainland("慰问了45名建档困难职工。") == [(45, "建档困难职工")]
    # 建会 "found a union" is a verb; 建会率 the rate of those that did
    assert _mainland("全市非公企业建会率为88.5%。") == [(88.5, "非公企业建会率")]


def test_verbs_of_union_rights_work_end_the_counted_noun_and_open_it() -> None:
    # before the figure: the verb's object is counted, not the verb
    assert _mainland("法援中心处理欠薪案件30起，涉及农民工410人，追回欠薪520万元。")[-2:] == [
        (410, "农民工"), (5.2e6, "欠薪")]
    # after the figure: a verb the counted people or places did ends their noun
    assert _mainland("为86名农民工追回工资。") == [(86, "农民工")]
    assert _mainland("全省有1200个驿站配备应急药箱，300个驿站具备维权功能。") == [(1200, "驿站"), (300, "驿站")]
    assert _mainland("本市有7家单位上榜。") == [(7, "单位")]
    assert _mainland("向75名特困职工每人发放救助金800元。") == [(75, "特困职工"), (800, "救助金")]


def test_a_bare_change_verb_names_nothing_and_the_from_noun_changed() -> None:
    # 从X提高到Y: the second figure is of the thing the 从 follows, not of 提高
    assert _mainland("工会将慰问标准每人从500元提高到800元。") == [(500, "慰问标准"), (800, "慰问标准")]
    # 由 + a year: what changed is before 由
    assert _mainland("参赛职工由2022年的3万人增加到5万人。") == [(30000, "参赛职工"), (50000, "参赛职工")]


def test_the_rest_talent_and_federations_keep_their_nouns() -> None:
    # 其余 "the rest" names nothing of its own: the sentence's noun
    assert _mainland("已建成职工书屋5个，其余3个正在建设。") == [(5, "职工书屋"), (3, "职工书屋")]
    # 人才 keeps its 才, 联合会 its 会
    assert _mainland("全县选树技能人才320名。") == [(320, "技能人才")]
    assert _mainland("全区已建立行业工会联合会16个。") == [(16, "行业工会联合会")]


def test_people_counted_by_ren_before_what_they_did_and_a_role_they_were_made() -> None:
    # N人 + a predicate: 人 is the noun, the person noun before the figure names the people
    assert _mainland("全厂青年职工已有三百余人报名参加夜校。") == [(300, "全厂青年职工")]
    assert _mainland("各区的代表共五百人出席了大会。") == [(500, "代表")]
    # people brought in by an existential 有: the event after them is counted (as the real-text gold reads)
    assert _mainland("连续4天有职工及家属等共9人入院。")[-1] == (9, "入院")
    # names 等 N人 为 a role: the people are counted as the role
    assert _mainland("大会选出王明、李强等十五人为市总工会委员。") == [(15, "市总工会委员")]


def test_a_held_event_lasts_and_a_weighed_thing_before_the_next_figures_clause() -> None:
    # a verb of holding an event (举行, 召开) names no activity: the event held lasted
    assert _mainland("职代会将举行两天。")[0][1].startswith("职代会")
    # weight + 的 + noun, then a verb of sending and the next figure: the noun is this figure's
    assert _mainland("工人把一台三百公斤的配电柜送入地下二十米的机房。")[0] == (300, "配电柜")


def test_an_ordinal_and_a_trailing_yi_are_no_part_of_the_noun() -> None:
    # 第N次 / 第N届 says which of a series
    assert _mainland("全市第三届职工代表大会历时两天。")[0] == (2, "职工代表大会")
    # 以 "at" right before the figure
    assert _mainland("每月缴纳会费以五元为限。") == [(5, "每月缴纳会费")]


def test_mutual_aid_and_job_fair_reports() -> None:
    # 达成 is a verb (not the copula 达 + 成)
    assert _mainland("现场有四百余人达成就业意向。")[0][1] != "成就业意向"
    assert _mainland("初步与企业达成就业意向350人。") == [(350, "就业意向")]
    # verbs of paying out and reaching people open the counted noun
    assert _mainland("工会为9名会员赔付互助保障金共计3.5万元。") == [(9, "会员"), (35000, "互助保障金")]
    assert _mainland("全年惠及职工8200人次。") == [(8200, "职工")]
    # a meeting named by what is done at it keeps its 会
    assert _mainland("全年举办宣讲会12场。") == [(12, "宣讲会")]


def test_zai_with_one_character_is_a_status_not_at() -> None:
    # 在册 / 在建 / 在华: a status that modifies the counted noun (not 在 "at" + a place)
    assert _mainland("全市在建项目45个，在册困难职工860人。") == [(45, "在建项目"), (860, "在册困难职工")]
    assert _mainland("全省在华外资企业建会210家。") == [(210, "在华外资企业")]


def test_a_passive_relative_clause_after_a_measure_word() -> None:
    # 被 + verb + 的 after 名: a relative clause; its 的-noun is counted (not 被告 "the defendant")
    assert _mainland("工会为120名被拖欠工资的农民工追回欠薪。")[0] == (120, "农民工")
    assert _mainland("3名被告当庭认罪。")[0][1] != "农民工"


def test_two_groups_of_people_joined_after_ming_are_one_count() -> None:
    assert _mainland("为80名困难职工及农民工子女发放助学金。")[0] == (80, "困难职工及农民工子女")
    # a second figure after 及 is a count of its own
    assert _mainland("共有12名及9名会员参加。") == [(12, "会员"), (9, "会员")]
