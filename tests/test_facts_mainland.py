"""Facts of mainland papers' shapes (tests/gold/pages_facts.yaml: 人民日报 1946-1964, 参考消息 1958-1986).

Every sentence here is composed for these tests in the shape of a phenomenon the gold showed (never the
pages' wording); bench/eval_pages.py measures the rules on the pages themselves (mainland_facts.*).
"""

from __future__ import annotations

from gonghui.transforms.asof import AsOfIndex, resolve_as_of
from gonghui.transforms.facts import extract_facts
from gonghui.transforms.records import Article


def _facts(body: str, pub: str = "1958-11-08") -> list[tuple[float, str, str | None, str | None]]:
    art = Article(article_id="m", file_id="f", source_file="m.txt", seq=1, title=None, body=body, region=None,
                  publish_date=pub)
    return [(f.value, f.unit, f.measure, f.as_of) for f in extract_facts(art)]


def test_a_wire_items_now_is_its_datelines_day() -> None:
    text = "【路透社上海6日电】工厂今天复工,有三百名工人。"
    index = AsOfIndex(text, "1958-11-08", len(text))
    assert index.at(0, text.index("三百")) == ("1958-11-06", "今天")
    # a day later than the paper's is of the month before; a month written in the dateline is kept
    text = "【新华社北京二十八日电】目前有三百名工人。"
    assert AsOfIndex(text, "1958-11-08", len(text)).at(0, text.index("三百"))[0] == "1958-10-28"
    text = "【法新社巴黎十月三十日电】今天有三百名工人。"
    assert AsOfIndex(text, "1958-11-08", len(text)).at(0, text.index("三百"))[0] == "1958-10-30"
    # no dateline: the publish date, as before
    text = "工厂今天复工,有三百名工人。"
    assert AsOfIndex(text, "1958-11-08", len(text)).at(0, text.index("三百"))[0] == "1958-11-08"
    # (已有 N: a running total, as the real-text gold reads 目前已有…签署)
    assert _facts("【新华社北京七日电】该厂现已有工人三千余人。") == [(3000, "人", "cumulative", "1958-11-07")]


def test_now_words_halves_of_a_year_and_its_middle() -> None:
    assert resolve_as_of("该市现已成立了", "1950-06-04") == ("1950-06-04", "现已")
    assert resolve_as_of("该党现有党员", "1946-11-11") == ("1946-11-11", "现有")
    assert resolve_as_of("现有的设备", "1946-11-11") == (None, None)  # 现有的: "existing"
    assert resolve_as_of("调查发现有", "1946-11-11") == (None, None)  # 发现有 is another word
    assert resolve_as_of("去年上半年总产量", "1951-01-07") == ("1950-06-30", "去年上半年")
    assert resolve_as_of("明年年中发射", "1986-06-18") == ("1987-06-30", "明年年中")
    assert resolve_as_of("今年年底回升到", "1986-06-18") == ("1986-12-31", "今年年底")
    assert resolve_as_of("自今年年初以来", "1986-06-18") == ("1986-06-18", "今年年初以来")


def test_what_a_war_bulletin_counts_is_new_in_its_period() -> None:
    found = _facts("本月共消灭敌军十二个师,缴获大炮三百门,击落飞机五架。", pub="1949-03-01")
    assert [(v, u, m) for v, u, m, _ in found] == [(12, "个", "new"), (300, "门", "new"), (5, "架", "new")]
    assert [m for _, _, m, _ in _facts("游击队打死敌军四十人,打伤十五人。")] == ["new", "new"]


def test_a_figure_above_the_plan_is_a_change_and_areas_widened_are_too() -> None:
    assert [(v, m) for v, _, m, _ in _facts("全厂产量超过原生产计划的百分之八点二。")] == [(8.2, "change")]
    assert [(v, m) for v, _, m, _ in _facts("全厂完成计划的百分之一百零二。")] == [(102, "share")]
    assert [(v, u, m) for v, u, m, _ in _facts("全县插秧面积扩大了三万亩,插秧时间提前了五天。")] == [
        (30000, "亩", "change"), (5, "天", "change")]
    assert [m for _, _, m, _ in _facts("该厂提前两年完成任务。")] == ["level"]  # when, not by how much


def _subjects(body: str) -> list[tuple[float, str | None]]:
    art = Article(article_id="m", file_id="f", source_file="m.txt", seq=1, title=None, body=body, region=None,
                  publish_date="1955-01-01")
    return [(f.value, f.subject) for f in extract_facts(art)]


def test_subjects_of_mainland_shapes() -> None:
    # 会 heading a noun (大会, 工会) is no modal "will" to strip
    assert _subjects("全省职工代表大会历时五天。") == [(5, "职工代表大会")]  # (全省: a scope word, stripped)
    # 包括 opens the predicate after the counted noun
    assert _subjects("这个12人代表团包括两名翻译。")[0] == (12, "代表团")
    # X约占Y的N%: X is the part; a count of the whole right after 占 counts Y; a percentage in words after a
    # figure is the next figure, not its noun
    assert _subjects("会员约占全厂职工四千余人的百分之七十。") == [(4000, "全厂职工"), (70, "会员")]
    # 超过原计划的N%: the output, not the comparison
    assert _subjects("全厂总产量超过原计划的百分之六。") == [(6, "全厂总产量")]


def test_bank_terms_months_with_a_bound_and_a_hebei_border_region() -> None:
    # 逾三月者: a length of months (no date of March), counted of the noun named before 者
    assert resolve_as_of("存款逾三月者", "1948-04-07") == (None, None)
    assert _subjects("存款逾一月者月息三分,逾三月者月息四分。") == [(1, "存款"), (3, "存款")]
    # 冀南 (the southern part of 冀 = 河北) names the province
    art = Article(article_id="m", file_id="f", source_file="m.txt", seq=1, title=None, body="冀南银行规定每次存入一千元以上。",
                  region="河北", publish_date="1948-04-07")
    assert [(f.value, f.region, f.currency) for f in extract_facts(art)] == [(1000, "河北", "CNY")]
    from gonghui.transforms.regions import province_of

    assert province_of("冀南银行规定每次存入一千元以上。", None, None) == "河北"


def test_a_national_total_and_a_greater_region_are_no_province() -> None:
    body = "杭州市有工人十万。全国共有工会会员三百万人。华东区现已有百分之七十的工人参加了工会。杭州有二万失业工人。"
    art = Article(article_id="m", file_id="f", source_file="m.txt", seq=1, title=None, body=body, region="浙江",
                  publish_date="1951-01-07")
    assert [(f.value, f.region) for f in extract_facts(art)] == [
        (100000, "浙江"), (3000000, None), (70, None), (20000, "浙江")]


def test_a_year_in_chinese_digits_dates_a_claim() -> None:
    assert resolve_as_of("一九四一年,教职学员曾达四千余人", "1949-01-25") == ("1941-12-31", "一九四一年")
    assert resolve_as_of("一九五○年全国工会工作", "1951-01-07") == ("1950-12-31", "一九五○年")
    assert resolve_as_of("一九四九年一月份总结", "1949-03-01") == ("1949-01-31", "一九四九年一月份")
    assert _facts("一九四一年,该校教职学员曾达四千余人。", pub="1949-01-25") == [(4000, "人", "level", "1941-12-31")]
