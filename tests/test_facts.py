"""Numeric facts over the real samples (clean + segment fixture), against tests/gold/facts.yaml."""

from __future__ import annotations

from collections import defaultdict

from conftest import load_gold
from hypothesis import given, settings
from hypothesis import strategies as st

from gonghui.transforms.facts import extract_facts
from gonghui.transforms.metrics import classify
from gonghui.transforms.records import Article

# Floors (gold is a floor): all gold facts found, all 15 people (test_people). Lower only with a reason.
GOLD_FACTS_FLOOR = 46  # of 46 in facts.yaml
HEADLINE_METRIC = "outdoor_worker_stations"
# Units that would mean a date or an ordinal was taken for a count. (Lengths of time and ages are
# claims since issue 14: 连续5年, 为期3天; a date's 年 or 日 is checked below.)
FORBIDDEN_UNITS = {"月", "号", "时", "第"}


def _facts_by_file(articles_by_file) -> dict[str, list]:  # type: ignore[no-untyped-def]
    return {name: [(a, f) for a in arts for f in extract_facts(a)] for name, arts in articles_by_file.items()}


def _overlaps(a: str, b: str) -> bool:
    """Evidence overlap: one contains the other, or they share a run of 4+ characters."""
    if a in b or b in a:
        return True
    return any(b[i : i + 4] in a for i in range(len(b) - 3))


def _matches(g: dict, f) -> bool:  # type: ignore[no-untyped-def]
    return (
        f.value == g["value"]
        and f.unit == g["unit"]
        and f.qualifier == g["qualifier"]
        and f.region == g["region"]
        and ("metric" not in g or f.metric == g["metric"])
        and _overlaps(f.evidence, g["evidence"])
    )


def test_gold_facts_found(articles_by_file, gold_facts) -> None:  # type: ignore[no-untyped-def]
    facts = _facts_by_file(articles_by_file)
    missed = [g for g in gold_facts if not any(_matches(g, f) for _, f in facts[g["file"]])]
    assert len(gold_facts) - len(missed) >= GOLD_FACTS_FLOOR, missed


def test_evidence_invariant_on_all_samples(articles_by_file) -> None:  # type: ignore[no-untyped-def]
    total = 0
    for arts in articles_by_file.values():
        for a in arts:
            facts = extract_facts(a)
            ids = [f.fact_id for f in facts]
            assert len(ids) == len(set(ids)), "fact ids must be unique within an article"
            for f in facts:
                text = a.body if f.field == "body" else "\n".join(a.captions)
                assert text[f.char_start : f.char_end] == f.evidence
                assert f.number_text in f.evidence
                total += 1
    assert total > 200  # the samples hold well over 200 number-with-unit claims


def test_no_dates_years_ordinals_durations(articles_by_file) -> None:  # type: ignore[no-untyped-def]
    for arts in articles_by_file.values():
        for a in arts:
            for f in extract_facts(a):
                assert f.unit not in FORBIDDEN_UNITS
                assert not f.number_text.startswith("第")
                # 2022年 / 8月16日 / 第五届 never produce a fact with that number
                text = a.body if f.field == "body" else "\n".join(a.captions)
                at = f.char_start + f.evidence.index(f.number_text)
                after = text[at + len(f.number_text) :][:1]
                assert after != "月"
                assert not (after == "年" and len(f.number_text) == 4), f.evidence
                assert not (after == "日" and text[at - 1 : at] == "月"), f.evidence


def test_headline_query(articles_by_file) -> None:  # type: ignore[no-untyped-def]
    """Stations per province: exactly one distinct value each (001 states 2911 twice: both kept)."""
    expected = load_gold("facts.yaml")["outdoor_worker_stations_by_region"]
    by_region: dict[str, set[float]] = defaultdict(set)
    for arts in articles_by_file.values():
        for a in arts:
            for f in extract_facts(a):
                if f.metric == HEADLINE_METRIC:
                    by_region[f.region].add(f.value)
    assert {r: sorted(v) for r, v in by_region.items()} == {r: [float(v)] for r, v in expected.items()}


def test_new_and_cumulative_are_told_apart(articles_by_file) -> None:  # type: ignore[no-untyped-def]
    facts = [f for a in articles_by_file["002_bdbddf47cf01ef19.txt"] for f in extract_facts(a)]
    new = [f for f in facts if f.value == 319 and f.unit == "个"]
    cum = [f for f in facts if f.value == 1343 and f.unit == "个"]
    assert new and new[0].measure == "new" and new[0].metric == "outdoor_worker_stations_new"
    assert cum and cum[0].measure == "cumulative" and cum[0].metric == HEADLINE_METRIC
    # the trap: 230万个工会会员数据 counts database records, not members
    records = [f for f in facts if f.value == 2300000]
    assert records and all(f.metric is None for f in records)


def test_as_of_and_subject(articles_by_file) -> None:  # type: ignore[no-untyped-def]
    facts = [f for a in articles_by_file["003_21340ad4f150d7d2.txt"] for f in extract_facts(a)]
    f = next(f for f in facts if f.value == 11900)
    assert (f.as_of, f.as_of_text) == ("2023-06-30", "截至2023年6月")
    assert f.subject == "新业态工会组织" and f.verb == "建立"
    facts = [f for a in articles_by_file["004_2346e4344e25976a.txt"] for f in extract_facts(a)]
    f = next(f for f in facts if f.value == 1874500)
    assert f.subject == "职工" and f.unit == "名"


def test_classify_lexicon() -> None:
    assert classify("户外劳动者综合服务站", "建成户外劳动者综合服务站10017个", "个") == (HEADLINE_METRIC, None)
    assert classify("工会会员数据", "汇集230万个工会会员数据", "个") == (None, None)
    assert classify("服务站", "220个服务站被中华全国总工会授予“全国最美工会户外劳动者服务站点”称号") == (None, None)
    assert classify("工会户外劳动者驿站", "新建工会户外劳动者驿站319个", "个")[1] == "new"


@settings(max_examples=200)
@given(st.text(max_size=300))
def test_extract_facts_never_raises_and_keeps_invariant(body: str) -> None:
    a = Article(article_id="x", file_id="y", source_file="z", seq=1, title=None, body=body,
                region="贵州", publish_date="2023-01-01", captions=(body[:20],))
    for f in extract_facts(a):
        text = a.body if f.field == "body" else "\n".join(a.captions)
        assert text[f.char_start : f.char_end] == f.evidence
        assert f.number_text in f.evidence


@given(st.text(alphabet="0123456789万亿千百十余多近约超过以上个元人次名项户%，,。.一二三两", max_size=80))
def test_extract_facts_on_number_heavy_text(body: str) -> None:
    a = Article(article_id="x", file_id="y", source_file="z", seq=1, title=None, body=body)
    for f in extract_facts(a):
        assert a.body[f.char_start : f.char_end] == f.evidence
        assert f.number_text in f.evidence


def test_phone_numbers_list_numbers_ordinals_and_durations_are_not_facts() -> None:
    body = "咨询电话0851-12345678,热线12351。1. 建成站点30个;2. 培训职工500人次。连续5年举办,第五届大赛。"
    a = Article(article_id="x", file_id="f", source_file="s", seq=1, title="t", body=body)
    got = [(f.number_text, f.unit) for f in extract_facts(a)]
    assert got == [("30", "个"), ("500", "人次"), ("5", "年")]  # 连续5年: a length of time (issue 14)


def test_a_long_sentence_dates_every_clause_from_its_opening() -> None:
    """The as-of words at a sentence's start reach every number of its clauses, and no further."""
    body = "截至2023年6月," + "建成驿站12个," * 2000 + "。新建驿站3个。"
    a = Article(article_id="x", file_id="f", source_file="s", seq=1, title=None, body=body,
                publish_date="2023-10-08")
    facts = extract_facts(a)
    assert len(facts) == 2001
    assert {(f.as_of, f.as_of_text) for f in facts[:-1]} == {("2023-06-30", "截至2023年6月")}
    assert (facts[-1].as_of, facts[-1].as_of_text, facts[-1].value) == (None, None, 3.0)


def _hk(body: str) -> Article:
    return Article(article_id="a1", file_id="f1", source_file="x.txt", seq=1, title=None, body=body,
                   region="香港", publish_date="2020-01-30")


def test_subject_is_the_head_noun_and_joined_figures_share_it() -> None:
    """Issue 14 (real-text gold): the shortest noun phrase naming what is counted."""
    facts = extract_facts(_hk("但资产限额竟然定于大约14万元。月薪约2.9万元至3.1万元。87.5%受访者的分数较高。"
                              "工会已接获3,230名医护签署罢工宣言。二手住宅价格分别下跌0.2%和0.1%。"))
    got = [(f.value, f.subject, f.measure) for f in facts]
    assert got == [(140000, "资产限额", "level"), (29000, "月薪", "level"), (31000, "月薪", "level"),
                   (87.5, "受访者", "share"), (3230, "医护", "level"), (0.2, "二手住宅价格", "change"),
                   (0.1, "二手住宅价格", "change")]
    assert all(f.currency == "HKD" for f in facts if f.unit == "元")


# --- issue 14, session 6: subject, as_of and base rules (sentences written for these tests) ---------------
def _art(body: str, publish_date: str = "2020-03-16", region: str | None = "香港") -> Article:
    return Article(article_id="a2", file_id="f2", source_file="y.txt", seq=1, title=None, body=body,
                   region=region, publish_date=publish_date)


def _got(body: str, *fields: str, **kw: str) -> list[tuple]:  # type: ignore[type-arg]
    return [tuple(getattr(f, k) for k in ("value", *fields)) for f in extract_facts(_art(body, **kw))]


def test_noun_after_a_relative_clause_and_de_is_what_is_counted() -> None:
    """Number + measure word + relative clause + 的 + noun: the noun is counted; a bare noun before 的
    is a possessor and the short phrase is kept whole; a change's result (增加到十天的方案) counts no noun."""
    assert _got("工地上有3名穿着雨衣的搬运工人。", "subject") == [(3, "搬运工人")]
    assert _got("全港有12个经社会福利署资助的长者中心。", "subject") == [(12, "长者中心")]
    assert _got("这个28年历史的商会昨日解散。", "subject") == [(28, "商会")]
    assert _got("协会共有40个地区的分会。", "subject") == [(40, "地区的分会")]
    assert _got("调查发现62%住户的月入低于中位数。", "subject") == [(62, "住户")]
    assert _got("工会建议将年假增加到十天的方案。", "subject") == [(10, "年假")]


def test_a_run_that_opens_with_a_change_word_or_adverb_is_no_noun() -> None:
    assert _got("会员人数由800人增至950人。", "subject") == [(800, "会员人数"), (950, "会员人数")]
    assert _got("本地工人的日薪只有500元仍未能追上通胀。", "subject") == [(500, "日薪")]


def test_zhong_ends_a_noun_only_as_among_and_quoted_groups_after_a_share() -> None:
    assert _got("共有12间中学参加比赛。", "subject") == [(12, "中学")]
    got = _got("调查显示,41.2%「在职家长」不知道该计划、27.9%不知道申请方法。", "subject")
    assert got == [(41.2, "在职家长"), (27.9, "在职家长")]  # the second share carries the group
    assert _got("约六成表示支持加薪。", "subject", region=None) == [(60, None)]  # nothing named: no subject
    assert _got("参加者当中,六成为女性,一成属于退休人士。", "subject") == [(60, "女性"), (10, "退休人士")]


def test_votes_gloss_change_to_and_date_leads() -> None:
    assert _got("议案以20票赞成、15票反对被否决。", "subject") == [(20, "赞成票"), (15, "反对票")]
    assert _got("政府注资50亿元(以2010年价格计算)的基金。", "subject") == [(5e9, "基金")]
    assert _got("失业人数跌至最低的3,000人。", "subject") == [(3000, "失业人数")]
    got = _got("今年首三个月出口总额按年跌5.2%。", "subject", "as_of", "measure", "base_text")
    assert got == [(5.2, "出口总额", "2020-03-31", "change", "按年")]


def test_fenbie_spreads_figures_over_things_and_places() -> None:
    """分别 pairs a list of figures with a list before it: places give each figure its region, things
    its subject; a list of places is no subject (the thing measured is the one before)."""
    body = "零售价格按月上涨0.3%。其中,杭州和南京分别上涨0.2%和0.4%。"
    got = _got(body, "subject", "region", region=None)
    assert got == [(0.3, "零售价格", None), (0.2, "零售价格", "浙江"), (0.4, "零售价格", "江苏")]
    got = _got("新车和二手车销售量,按年分别下跌8.5%和3.2%。", "subject", region=None)
    assert got == [(8.5, "新车"), (3.2, "二手车销售量")]
    # a noun after the figures counts them all (分别有26名及15名护士)
    assert _got("两间医院分别有30名及12名护士表示支持。", "subject") == [(2, "医院"), (30, "护士"), (12, "护士")]


def test_a_clause_with_no_noun_takes_the_topic_clause_before_it() -> None:
    assert _got("全港住户入息中位数,按年上升2.1%。", "subject") == [(2.1, "住户入息中位数")]
    assert _got("工会截至昨晚收到超过800宗入会申请,当中500人已入会。", "subject")[0] == (800, "入会申请")


def test_as_of_reaches_the_clauses_of_its_sentence_from_an_opening_date() -> None:
    got = _got("今年首两个月零售总额下跌10.5%,当中网上销售额300亿元。", "as_of")
    assert got == [(10.5, "2020-02-29"), (3e10, "2020-02-29")]
    # a date inside a modifier (入职的) dates only its own clause
    assert _got("2019年入职的车长,月薪约2万元。", "as_of") == [(20000, None)]
    # 截至 anywhere in its clause bounds the sentence
    assert _got("工会截至昨晚收到5,000份申请,当中3,200人已入会。", "as_of") == [
        (5000, "2020-03-15"), (3200, "2020-03-15")]


def test_as_of_ten_day_periods_quarters_last_month_and_relative_days() -> None:
    assert _got("3月上旬,120种产品价格上涨。", "as_of") == [(120, "2020-03-10")]
    assert _got("第二季失业率为5.8%。", "as_of", publish_date="2020-08-15") == [(5.8, "2020-06-30")]
    assert _got("2月份价格指数按月持平,上月为上涨0.6%。", "as_of") == [(0.6, "2020-01-31")]
    assert _got("工会在12月1日宣布结束谈判。翌日有300人入会。", "as_of", publish_date="2020-12-05") == [
        (300, "2020-12-02")]
    assert _got("政府自3月4日起公布数字,当日有600人接种。", "as_of") == [(600, "2020-03-04")]
    assert _got("20名工人今到劳工处求助。", "as_of") == [(20, "2020-03-16")]
    assert _got("按2018年资料,行政费约为五百万元。", "as_of") == [(5e6, "2018-12-31")]
    assert _got("8间学校在本周一(9日)停课。", "as_of") == [(8, "2020-03-09")]


def test_a_change_or_share_keeps_its_base() -> None:
    got = _got("入境旅客较2019年同月下跌98.1%。", "measure", "base_text", "as_of")
    assert got == [(98.1, "change", "2019年同月", None)]  # the base never dates the claim
    assert _got("求职人数较去年同期激增25%。", "base_text") == [(25, "去年同期")]
    assert _got("失业率亦只下跌1.8%。", "measure", "base_text") == [(1.8, "change", None)]
    assert _got("涨幅比上月分别回落0.5和0.3个百分点。", "base_text") == [(0.5, "上月"), (0.3, "上月")]
    assert _got("环比上涨0.2%。", "base_text") == [(0.2, "环比")]
    assert _got("工会会员占全体雇员约三成。", "measure", "base_text") == [(30, "share", "全体雇员")]


def test_money_found_by_its_noun_counts_that_noun_and_a_relative_clause_may_hold_a_figure() -> None:
    got = _got("三位年薪过百万的董事表示反对。", "subject", "currency")
    assert got == [(3, "董事", None), (1_000_000, "年薪", "HKD")]


def test_money_found_by_its_noun_takes_that_noun_and_a_bare_now_word_is_no_subject() -> None:
    assert _got("新店首日营业额超过800万。", "subject") == [(8_000_000, "营业额")]
    assert _got("记者原有6人,现在只剩下一人。", "subject") == [(6, "记者"), (1, "记者")]


def test_spot_check_fixes_locative_modifier_conjunction_and_counted_group() -> None:
    """From the by-eye check of random real-text subjects: 在X的Y is a modifier of Y, a conjunction
    alone is no topic, and N人是X names the group when nothing before does."""
    assert _got("该公司在越南的厂房投资便达5亿元。", "subject") == [(5e8, "厂房投资")]
    assert _got("虽然,仍有300名从外地来的工人留下。", "subject")[0][1] != "虽然"
    assert _got("被捕者中,有4人是外籍人士。", "subject") == [(4, "外籍人士")]


def test_a_length_or_count_of_times_measures_the_activity_after_its_agent() -> None:
    # Sentences written for this test: the agent and adverbials before a duration are cut off at the
    # last passive / cause / aspect marker (被, 因, 曾 ...), leaving the activity.
    assert _got("全厂工人曾经停产两星期。", "subject") == [(2, "停产")]
    assert _got("新入职文员陈小姐被延长试用期90天。", "subject") == [(90, "延长试用期")]
    # a short subject is kept whole
    assert _got("工人罢工5天。", "subject") == [(5, "工人罢工")]
    # counts with no measure word, a pair of figures: each is its own fact
    assert _got("该工会现有3.5万会员。", "subject", "unit") == [(35000, "会员", "人")]
    assert _got("只是一、两天的休假。", "unit") == [(1, "天"), (2, "天")]


def test_a_count_of_places_hands_the_statistic_after_it_to_the_figures_that_follow() -> None:
    # Sentences written for this test (a statistics release's shape).
    assert _got("本月36个主要城市二手住宅销售价格上涨0.3%。", "subject", region=None) == [
        (36, "主要城市"), (0.3, "主要城市二手住宅销售价格")]
    assert _got("12个大城市城镇失业率为4.1%。", "subject", region=None) == [(12, "大城市"), (4.1, "大城市城镇失业率")]
    # a statistic word that opens the noun is part of it
    assert _got("5万名城镇职工参保。", "subject", region=None)[0][1].startswith("城镇职工")
    # a verb of holding before a figure: the holder is the subject
    assert _got("自由党手握9票。", "subject") == [(9, "自由党")]


def test_a_verb_of_having_ends_the_noun_and_a_partner_is_cut_from_an_activity() -> None:
    # Sentences written for this test.
    assert _got("58岁的李伯育有三子。", "subject")[0] == (58, "李伯")
    assert _got("工会代表上周与管理层谈判了三次。", "subject") == [(3, "管理层谈判")]


def test_qianri_is_the_day_before_yesterday_and_a_dated_report_dates_what_it_says() -> None:
    # Sentences written for this test.
    assert _got("工会主席前日下午指,现有2.4万会员。", "as_of", publish_date="2021-05-10") == [(24000, "2021-05-08")]
    assert _got("会议提前日期,有300人出席。", "as_of", publish_date="2021-05-10") == [(300, None)]


def test_ages_of_a_range_describe_the_people_named_after_them() -> None:
    # Sentences written for this test.
    assert _got("年龄介乎60岁至64岁而未有工作人士,须登记。", "subject") == [(60, "未有工作人士"), (64, "未有工作人士")]
    assert _got("一名62岁的男子被捕。", "subject") == [(62, "男子")]


def test_shares_of_people_passed_bills_conditions_and_shrinks() -> None:
    # Sentences written for this test.
    body = "是次调查访问了800名学生。近6成人支持罢课。"
    assert _got(body, "subject") == [(800, "学生"), (60, "学生")]
    assert _got("公司削减三成人手。", "subject") == [(30, "人手")]  # 人手 is a noun
    assert _got("议会通过男士侍产假由三天增加到五天。", "subject") == [(3, "男士侍产假"), (5, "男士侍产假")]
    assert _got("团体过去一年维持运作便符合资格。", "subject") == [(1, "维持运作")]
    assert _got("出口总值仍缩两成。", "subject") == [(20, "出口总值")]


def test_adjacent_figures_share_a_noun_and_a_survey_is_dated_by_the_clause_after_shows() -> None:
    # Sentences written for this test (a statistics release's shape).
    got = _got("对8大类40种商品价格监测显示,5月上旬与4月下旬相比,9种商品价格上涨。", "subject", "as_of",
               publish_date="2021-05-20", region=None)
    assert got[:2] == [(8, "商品", "2021-05-10"), (40, "商品", "2021-05-10")]


def test_dou_ends_a_counted_noun_ages_after_a_bare_measure_word_and_changes_that_lasted() -> None:
    # Sentences written for this test.
    assert _got("三任校长都反对。", "subject") == [(3, "校长")]
    assert _got("三个首都机场。", "subject") == [(3, "首都机场")]  # 首都 is a word
    assert _got("一位70岁仍坚持上班的清洁工受访。", "subject")[0][1].startswith("清洁工")
    assert _got("零售额连续5个月下跌,均是连续5个月回落。", "subject")[1] == (5, "回落")
    assert _got("工人每一转平均需要用上两小时。", "subject") == [(2, "工人每一转")]


def test_a_currency_declared_for_the_rest_of_the_text_prices_every_bare_yuan_after_it() -> None:
    """Macau and mainland writing declares a currency once (34元(澳门币,下同), 1.2亿元(美元,下同)): the amount
    it follows and every bare 元 after it are in it, whatever the article's region; 港元 says its own."""
    body = ("最低工资由每小时34元(澳门币,下同)调升至35元,每月由7,072元调升至7,280元。"
            "香港则由每小时40港元调升至42.1港元。")
    assert _got(body, "currency", region="澳门") == [(34, "MOP"), (35, "MOP"), (7072, "MOP"), (7280, "MOP"),
                                                     (40, "HKD"), (42.1, "HKD")]
    assert _got("公司投资1.2亿元(美元,下同),另有3000万元贷款。", "currency", region=None) == [
        (120_000_000, "USD"), (30_000_000, "USD")]
    assert _got("公司投资1.2亿元,另有3000万元贷款。", "currency", region=None) == [
        (120_000_000, "CNY"), (30_000_000, "CNY")]


def test_a_change_verb_a_rate_or_a_currency_word_is_no_subject() -> None:
    """Wage news (mainland, Macau, Hong Kong): 由A调升至B, 订为每小时N元, 为港币N元 and descriptions listed
    before 的 — what is counted is the noun before 由/从 or the copula, or after the list's 的."""
    got = _got("法案建议将最低工资由现时每小时34元(澳门币,下同)调升至35元。", "subject", "metric", region="澳门")
    assert got == [(34, "最低工资", "minimum_wage"), (35, "最低工资", "minimum_wage")]
    assert _got("公司将投资成本由75亿元下调至13亿元。", "subject") == [(7_500_000_000, "投资成本"),
                                                                    (1_300_000_000, "投资成本")]
    assert _got("工会建议法定最低工资水平订为每小时33元。", "subject", "metric") == [
        (33, "法定最低工资水平", "minimum_wage")]
    assert _got("当时时薪为港币28元。", "subject") == [(28, "当时时薪")]  # (a time word before the noun stays)
    assert _got("全县已建成25个环境舒适、功能齐全、富有特色的工会驿站。", "subject", "metric", region="福建") == [
        (25, "工会驿站", "outdoor_worker_stations")]
    # a list of kinds before 的 is what is counted, not the noun after it
    assert _got("全国31个省、自治区、直辖市的工会已完成换届。", "subject", region=None)[0][1] != "工会"


def test_an_amount_per_head_is_no_tracked_total() -> None:
    """A figure paid per head or household is the rate each got, not the relief total relief_funds sums;
    the total in the same text is, and a wage per hour stays minimum_wage."""
    got = _got("市总工会共发放慰问金300万元,为每名困难职工发放1500元慰问金,人均慰问金800元。", "subject", "metric",
               region="江苏")
    assert [(v, m) for v, _s, m in got] == [(3_000_000, "relief_funds"), (1500, None), (800, None)]
    assert _got("法定最低工资为每小时42元。", "metric", region="香港") == [(42, "minimum_wage")]

