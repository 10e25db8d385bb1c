"""Numbers in Chinese text: parse numerals (Arabic, Chinese, mixed) and find number-with-unit spans."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import cn2an

# --- character classes -------------------------------------------------------------------------

# Full-width digits and the full-width point map 1:1 onto ASCII, so offsets never shift.
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－", "0123456789.,-")
# Typeset and Taiwanese text write zero with the white circle ○ (U+25CB) in numbers read digit by digit
# (二萬九五○○元, 一九○元); it is 〇 there. Same length: offsets keep their meaning.
_CIRCLE_ZERO = str.maketrans("○", "〇")

# 廿 (20) and 卅 (30) are Hong Kong writing's one-character tens (廿几年, 卅多万外佣).
CN_DIGITS = "零〇○一二三四五六七八九两兩壹贰貳叁參肆伍陆陸柒捌玖幺廿卅"
# The value of each everyday Chinese digit, one table for every reader of digits written one by one
# (一九九八年, 二四七万) and of digit pairs (八九亿): ○ is typesetting's zero, 两/兩 a spoken two.
CN_DIGIT_VALUE: dict[str, int] = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {
    "○": 0, "零": 0, "两": 2, "兩": 2}
CN_SCALES = "十百千万亿拾佰仟萬億"
# Scale words that may follow an Arabic number: 1.19万, 3千万亿, 9佰.
_ARABIC = r"[0-9０-９]+(?:[,，][0-9０-９]{3})*(?:[.．][0-9０-９]+)?"
# After 万 or 亿 the rest of the number may follow in digits: 2万3100元, 2萬4,000元, 1亿2000万 (Hong Kong and
# Taiwan write amounts so, mainland text now and then).
_SCALE_TAIL = r"(?:(?<=[万亿萬億])[0-9０-９]{1,4}(?:[,，][0-9０-９]{3})?)"
# 另 for 零 between a scale word and a digit (四千另六十 = 4060: the older writing, in mainland papers of the
# 1950s, tests/gold/pages_facts.yaml); 另一 / 另外 stay words (no scale word before them).
_CN_NUM = (rf"[{CN_DIGITS}{CN_SCALES}](?:[{CN_DIGITS}{CN_SCALES}]|点(?=[{CN_DIGITS}])"
           r"|(?<=[千百万亿仟佰萬億])另(?=[一二三四五六七八九]))*")
_SCALE_RUN = rf"[{CN_SCALES}]+"

_THOUSANDS_SEP = re.compile(r"(?<=\d)[,，](?=\d{3}(?:\D|$))")
_PLAIN_ARABIC = re.compile(r"^-?\d+(?:\.\d+)?$")
_ONLY_SCALES = re.compile(rf"^[{CN_SCALES}]+$")
_CURRENCY_TAIL = re.compile(r"(?:元整|圆整|元|圆)$")
_SPACE_BEFORE_SCALE = re.compile(r"(?<=\d)\s+(?=[十百千万亿拾佰仟萬億])")

# --- units ---------------------------------------------------------------------------------------

# Counting units, longest first (the regex alternation tries them in this order). Written forms
# map to the stored unit: "人(次)" is 人次, "％" is %. Units of time (年 月 日 天 周 小时 ...) are
# deliberately absent: a number followed by them is a date or a duration, never a counted claim.
UNIT_FORMS: dict[str, str] = {
    "人(次)": "人次", "人（次）": "人次", "个(次)": "个次", "个（次）": "个次",
    "户(次)": "户次", "户（次）": "户次", "家(次)": "家次", "家（次）": "家次",
    "人次": "人次", "户次": "户次", "个次": "个次", "场次": "场次", "家次": "家次", "件次": "件次",
    "平方公里": "平方公里", "平方米": "平方米", "公里": "公里", "千米": "公里", "千瓦": "千瓦",
    # Money: every amount is stored in 元 (the unit of account of 港元, 美元, 欧元 ... alike); the
    # currency as written is Quantity.currency (UNIT_TEXT_CURRENCY), so 35港元 is 35 元, HKD.
    "美元": "元", "港元": "元", "港币": "元", "欧元": "元", "日元": "元", "英镑": "元",
    "澳元": "元", "韩元": "元", "卢布": "元", "泰铢": "元",
    # 70元港币 / 100元人民币: the currency written after 元 belongs to the amount.
    "元港币": "元", "元港元": "元", "元人民币": "元", "元美金": "元", "元澳门币": "元",
    "元新台币": "元", "元台币": "元",
    "澳门元": "元", "澳门币": "元", "葡币": "元", "新台币": "元",
    "台币": "元", "人民币": "元", "美金": "元", "日圆": "元",
    "欧": "元",  # 4欧请兼职: Hong Kong writing shortens 欧元 to 欧
    "元": "元", "%": "%", "％": "%",
    # A change in a rate, in percentage points (回落0.3个百分点).
    "个百分点": "百分点", "百分点": "百分点",
    # Lengths of time and ages are claims when they are what the sentence states (连续居港满七年,
    # 罢工40日, 65岁或以上): the guards below keep dates (6月12日, 2019年) and time references that
    # only date a sentence (五年前, 20多年来, 三日内) out.
    "个多月": "个月", "个月": "个月", "个多小时": "小时", "个小时": "小时", "小时": "小时", "分钟": "分钟", "天": "天", "日": "日", "年": "年",
    "岁": "岁", "周": "周", "星期": "星期", "个星期": "星期",  # 一个星期 = 一星期 (Hong Kong writing)  # as written, like 日 and 天 (the real-text gold's unit rule)
    "个": "个", "名": "名", "项": "项", "户": "户", "件": "件", "条": "条", "家": "家", "人": "人",
    "场": "场", "张": "张", "支": "支", "期": "期", "座": "座", "所": "所", "篇": "篇", "台": "台",
    "辆": "辆", "套": "套", "处": "处", "批": "批", "份": "份", "位": "位", "次": "次", "届": "届",
    "吨": "吨", "亩": "亩", "栋": "栋", "间": "间", "部": "部", "本": "本", "米": "米", "盏": "盏",
    "宗": "宗", "票": "票", "种": "种", "班": "班", "架": "架", "层": "层",
    # Times and blows: 三度自杀 / 两度发声明 (度 = times after a Chinese digit, Hong Kong and formal
    # writing; temperatures and angles are written with Arabic digits and left out, see _to_quantity),
    # 掌掴约10下 (下 = strokes, blows).
    "度": "度", "下": "下",
    # 9大类50种 (categories in a statistics release), 四任特首 (terms of an office)
    "大类": "大类", "任": "任",
    # Seats in a legislature or an election committee (取得327席), and charges laid (加控两罪).
    "席": "席", "罪": "罪",
    # Mainland papers of 1946-1986 (tests/gold/pages_facts.yaml): multiples (效率提高九十倍), old and foreign
    # measures (宽八呎, 十公尺, 二百英里, 七百四十公斤), guns and rounds (炮七千零六十九门, 炮击...二千一百六十六发),
    # pages of a paper (八版中的六版), stages (三节火箭) and coal seams (四、五槽是可采煤层).
    "倍": "倍", "呎": "呎", "英尺": "英尺", "公尺": "公尺", "英里": "英里", "海里": "海里", "公斤": "公斤",
    "公顷": "公顷", "门": "门", "发": "发", "版": "版", "节": "节", "槽": "槽",
}
MONEY_UNITS = frozenset({"元"})
# ISO 4217 code of each stored money unit. A bare 元 has no code of its own: the fact takes it from
# a currency word around the number (港币28元) or from its region (transforms/facts.py).
# Longest currency word looked for before a number (新台币 plus a space).
_CURRENCY_BEFORE_MAX = 4
# The currency each written money unit names (a bare 元 names none).
UNIT_TEXT_CURRENCY: dict[str, str] = {
    "美元": "USD", "美金": "USD", "元美金": "USD", "港元": "HKD", "港币": "HKD", "元港币": "HKD", "元港元": "HKD",
    "欧元": "EUR", "欧": "EUR", "日元": "JPY", "日圆": "JPY", "英镑": "GBP", "澳元": "AUD", "韩元": "KRW",
    "卢布": "RUB", "泰铢": "THB", "澳门元": "MOP", "澳门币": "MOP", "葡币": "MOP", "元澳门币": "MOP",
    "新台币": "TWD", "台币": "TWD", "元新台币": "TWD", "元台币": "TWD", "人民币": "CNY", "元人民币": "CNY",
}
# A currency word written right before the number (港币28元, 人民币100元, HK$5,800), its code.
CURRENCY_BEFORE: dict[str, str] = {
    "港币": "HKD", "港元": "HKD", "HK$": "HKD", "HKD": "HKD", "人民币": "CNY", "RMB": "CNY", "CNY": "CNY",
    "美元": "USD", "美金": "USD", "US$": "USD", "USD": "USD", "澳门币": "MOP", "澳门元": "MOP", "葡币": "MOP",
    "MOP$": "MOP", "MOP": "MOP", "新台币": "TWD", "台币": "TWD", "NT$": "TWD", "欧元": "EUR",
}

# A currency declared once for the rest of a text: 34元(澳门币,下同), 1.2亿元(美元，下同): the amount before
# it and every bare 元 after it are in that currency (Chinese news' convention for a foreign or regional
# currency, so the rest of the text can write 元).
_DECLARED_CURRENCY_RE = re.compile(
    r"[(（]\s*(?P<cur>" + "|".join(sorted(map(re.escape, UNIT_TEXT_CURRENCY), key=len, reverse=True))
    + r")\s*[,，、;；]\s*下同\s*[)）]")


def declared_currencies(text: str) -> list[tuple[int, str]]:
    """(offset of the declaration, ISO code) for each 下同 currency declaration in text, in order."""
    if "下同" not in text:
        return []
    return [(m.start(), UNIT_TEXT_CURRENCY[m["cur"]]) for m in _DECLARED_CURRENCY_RE.finditer(text)]


def declared_currency_at(declared: list[tuple[int, str]], start: int, end: int) -> str | None:
    """The declared currency of a bare amount at [start, end): the last declaration before it, or one
    written right after it (34元(澳门币,下同) declares its own amount too)."""
    code = None
    for pos, cur in declared:
        if pos >= end and pos - end <= 1:
            return cur
        if pos < start:
            code = cur
    return code


# A unit must not be the first character of a longer word that makes the number a duration or
# something else: 两个月 / 3个小时 (durations), 5人民币, 3米长 is fine. Kept short on purpose.
_UNIT_GUARDS: dict[str, str] = {
    # 两个月 / 3个小时 are durations; Cantonese 3个钟 (three hours), 两个骨 (half an hour) too.
    "个": r"(?!多?(?:月|小时|钟|星期|礼拜|工作日|季度|年头|半月|骨|字))",
    "人": r"(?!民币|民)",
    "名": r"(?!次|单|义|称|字|额)",
    "次": r"(?!日|年|月)",
    "期": r"(?!间|限|刊|望)",
    "本": r"(?!地|级|次|届|年|月|来|打算|应|身|人|土|港|质|着|以为)",
    "部": r"(?!门|分|署)",
    "间": r"(?!隔)",
    "处": r"(?!理|长|级)",
    "位": r"(?!于|置)",
    "条": r"(?!件|例)",
    "家": r"(?!庭|园|属|乡|长)",
    "米": r"(?!饭)",
    "欧": r"(?!洲|盟|美|式|陆|亚)",
    # Time references date a sentence, they state no length: 五年前, 20多年来, 三日内, 一个月后, 3日起.
    # (60多年过去: time gone by; 30年嚟 is Cantonese 30年来; 四年班 is a school grade)
    # 以前 / 以后 as 前 / 后 (早在十天以前); 五年计划 / 十年规划 name a plan, they state no length.
    "年": r"(?!前|后|內|内|来|嚟|以来|以前|以后|间|代|底|初|中|级|度|龄|纪|终|薪|报|会|青|轻|长|份|月|半|过去|班|计划|规划|培养计划)",
    "个月": r"(?!前|后|内|来|以来|以前|以后|间)",
    "个多月": r"(?!前|后|内|来|以来|间)",
    "个多小时": r"(?!前|后|内)",
    "个小时": r"(?!前|后|内)",
    "天": r"(?!前|后|内|来|以来|以前|以后|间|起|然|气|地|空|下|堂|津|主|水|文|价)",
    "日": r"(?!前|后|内|来|以来|间|起|至|到|止|期|报|本|常|益|子|夜|间|用|记|军|语|元|圆|后|晚|早|上|下|及)",
    "小时": r"(?!前|后|内|候)",
    "分钟": r"(?!前|后|内)",
    "周": r"(?!年|前|后|内|来|边|末|刊|日|一|二|三|四|五|六|七)",
    "星期": r"(?!前|后|内|来|日|一|二|三|四|五|六|七|天)",
    "个星期": r"(?!前|后|内|来|以来|间)",
    "岁": r"(?!月|末)",
    "宗": r"(?!教|旨|师|族|亲)",
    "种": r"(?!子|植|类|族|田|地)",
    "班": r"(?!子|长|级|主|车|机|底)",
    "层": r"(?!次|面|级|楼)",
    "票": r"(?!价|据|房|务)",
    "席": r"(?!位|卷|间|上|之|次|话|地)",
    "罪": r"(?!名|行|案|犯|证|责|恶|人)",
    "度": r"(?!假|过|日|数|量|身|的|高|角|空|紧|以|上|下|半|左右|至|到|C|c|℃|°)",
    "任": r"(?!何|由|职|命|务|期|意|教|内|用|免|性|凭|人|之|后|满|上|主|选|期)",
    # 下 is a count of strokes only when no word it starts follows (下午, 下旬, 下跌, 下个月, 以下 ...)
    "下": r"(?![午旬半跌降调滑列属来去面次届一个周星月年季期令放班车岗台场手载游层任滑五])",
    "倍": r"(?!数|率)",
    # 门 and 发 begin many words (门口, 门票, 发现, 发表): a count of guns or rounds only at a clause end or
    # before the word for the gun or shell.
    "门": r"(?:(?![\u3400-\u9fff])|(?=大炮|火炮|炮))",
    "发": r"(?:(?![\u3400-\u9fff])|(?=炮弹|子弹|导弹|火箭|炮))",
    "版": r"(?!本|权|税|面|图|画|块|主|次|号|式|样|型|社|纳|头)",
    "节": r"(?!日|约|省|能|目|奏|制|点|俭|庆|假|前|后|气|食|余|拍|操|骨|外|令|选)",
    "槽": r"(?!位|车|子|口)",
}


def _unit_alternation() -> str:
    forms = sorted(UNIT_FORMS, key=len, reverse=True)
    return "|".join(re.escape(f) + _UNIT_GUARDS.get(f, "") for f in forms)


# --- qualifiers ----------------------------------------------------------------------------------

# What the text says about precision, mapped onto the stored qualifier words.
PREFIX_QUALIFIERS: dict[str, str] = {
    "将近": "近", "接近": "近", "近": "近",
    # an approximating word with 有 between it and the figure (差不多有一个星期, 大约有一百票) says the same
    "差不多有": "近", "差不多": "近",
    "大约有": "约", "大约": "约", "约": "约",
    "超过": "超过", "超": "超过", "逾": "超过", "多于": "超过", "高于": "超过",
    "不足": "不足", "不到": "不足", "少于": "不足", "低于": "不足",
    # "at least" (≥) is its own word, not 以上 "more than" (the real-text gold keeps them apart)
    "至少": "至少", "最少": "至少", "不少于": "至少", "不低于": "至少",
}
INNER_QUALIFIERS: dict[str, str] = {"余": "余", "多": "多", "几": "多"}
SUFFIX_QUALIFIERS: dict[str, str] = {"或以上": "以上", "或以下": "不足", "以上": "以上", "左右": "约", "上下": "约",
                                     "以下": "不足"}
# 超过 / 以上 / 余 / 多 all say "more than": when several stand together (超过100余万人) they are
# redundant, and the first written one is kept (the gold stores 超过 for that case). Words from
# different families (约100多) are kept in reading order, joined with "+".
LOWER_BOUND = frozenset({"超过", "以上", "余", "多", "至少"})

_PREFIX_Q = "|".join(sorted(PREFIX_QUALIFIERS, key=len, reverse=True))
_SUFFIX_Q = "|".join(sorted(SUFFIX_QUALIFIERS, key=len, reverse=True))

# Every quantity starts with one of these (a prefix qualifier, a digit, a Chinese numeral). As a
# lookahead in front of the pattern it rejects most positions with one test, where the engine would
# otherwise try each qualifier and numeral branch there: finding quantities in a text is 2x faster.
_QUANTITY_FIRST = ("".join(sorted({w[0] for w in PREFIX_QUALIFIERS})) + "0-9０-９" + CN_DIGITS + CN_SCALES)
QUANTITY_RE = re.compile(
    rf"(?=[{_QUANTITY_FIRST}])"
    rf"(?P<q1>{_PREFIX_Q})?"
    # A number starts where its run of digits or numerals starts, never inside one (issue 20 class 7: a
    # 20,000-digit run followed by no unit was tried from each of its positions, each try reading the rest
    # of the run: 63 s, quadratic). From the run's start every end of the number is tried already, so a
    # start inside the run could only find what that try found.
    # ... nor at a group of three digits after a digit and a comma (999,999,99元: the groups of a
    # thousands-separated run, tried from the run's start).
    rf"(?P<num>(?<![0-9０-９])(?!(?<=[0-9０-９][,，])[0-9０-９]{{3}}(?![0-9０-９]))(?:{_ARABIC})(?:\s?{_SCALE_RUN}{_SCALE_TAIL}?)?|(?<![{CN_DIGITS}{CN_SCALES}])(?<![{CN_DIGITS}]点){_CN_NUM})"
    r"(?P<q2>[余多几])?"
    rf"(?P<scale>[万亿]+)?"
    r"(?P<q3>[余多])?"
    r"(?:(?<=[0-9])\s)?"  # 12 个月: a space after Arabic digits
    rf"(?P<unit>{_unit_alternation()})"
    rf"(?P<q4>{_SUFFIX_Q})?"
)

_TEN = frozenset({"十", "拾"})
# A bare scale word counts only after an approximating word: 近千项, 上万人 — never 万家, 百人以上.
_BARE_SCALE_OK_BEFORE = ("近", "上", "逾", "约", "超过", "将近", "接近", "过")
# 几 / 数 before a scale word make a vague quantity (几十票, 数千名会员, 数以千计): no figure (the real-text
# gold's rule: vague quantities with no number are no claims).
_VAGUE_BEFORE = ("几", "数")
# A lone 一 (一个来回, 一张网, 一户一策) is idiom, not a claim.
_IDIOM_ONE = frozenset({"一", "壹", "零", "〇"})  # ... and a lone 零 is a word (零件, 零售), not zero
# Chinese digits with no scale word are not a written quantity: 唯一一个 (一一 is not eleven), 三五个
# and 两三家 are "a few". (Years written so, 二〇二三, are followed by 年, never by a unit.)
_CN_DIGITS_ONLY = re.compile(rf"^[{CN_DIGITS}]{{2,}}$")
# ... but a run of three or more is a number read digit by digit (一九○元 = 190, 二四七万人: typeset and
# Taiwanese text): "a few" is always a pair of neighbouring digits (两三, 三五, 七八).
DIGIT_RUN_MIN = 3
# ... and at most this many digits before the point: a year (4) or an amount in 元 up to the billions; a
# longer run is a code or a flattened table, not a figure (and would cost cn2an time: issue 20 class 7).
DIGIT_RUN_MAX = 12
# A Chinese digit after these names a weekday (周六本打算, 星期三), not a count.
_WEEKDAY_BEFORE = ("周", "星期", "礼拜")
_SET_PHRASES_PATH = Path(__file__).parent / "data" / "facts_set_phrases.txt"
# Fixed political and civic phrases that hold a number and a unit (三个代表, 八项规定, 五位一体): a
# name, not a count. One per line in data/facts_set_phrases.txt.
SET_PHRASES: tuple[str, ...] = tuple(
    ln.strip() for ln in _SET_PHRASES_PATH.read_text(encoding="utf-8").splitlines()
    if ln.strip() and not ln.startswith("#")
)
_SET_PHRASE_RE = re.compile("|".join(re.escape(p) for p in sorted(SET_PHRASES, key=len, reverse=True)))
_ORDINAL_BEFORE = ("第", "首")  # 第三, 首两宗: a rank or "the first N", not a count
# A number glued to letters, digits or a point belongs to a code or a list label, not a claim.
_GLUED_BEFORE = re.compile(r"[0-9A-Za-z.．\-_/]")
# A numeral right after an opening quote is a slogan: “两个确立”, “三个逻辑”.
_OPEN_QUOTES = "“‘「『\"'"


# Units a date is written with: 2019年, 6月12日, (1日).
_DATE_UNITS = frozenset({"年", "日", "天"})
_YEAR_DIGITS = re.compile(r"^[0-9０-９]{4}$")
# A two-digit year: 97年回归, 03年沙士. Counts of years this high are rare in news (a length of
# 40 years or more is written with 多/余 or in full), a year of the 1940s-1990s is common.
_SHORT_YEAR = re.compile(r"^(?:[4-9][0-9]|0[0-9])$")  # 97年回归, 03年沙士


# A length of time right after these dates the sentence (过去两日, 未来两年, 首两个月, 今明两日): it
# says when, not how much. Units of time only.
# 头 as 首 (今年头4个月, 头三天: the first months / days of a period, mainland writing).
TIME_REFERENCE_BEFORE = ("过去", "未来", "首", "今明", "头")
_TIME_UNITS = frozenset({"年", "日", "天", "个月", "个多月", "周", "星期", "个星期"})
# A day of the month written alone (23日通知员工, 到 23 日为止): 日 after a bare number up to 31, with
# spaces allowed around the digits as some sites set dates (2021 年 5 月 29 日).
_MONTH_AFTER = re.compile(r"\s*(?:[0-9０-９]{1,2}|十[一二]?|[一二三四五六七八九])\s*月")
_DAY_OF_MONTH = re.compile(r"^(?:[1-9]|[12][0-9]|3[01])$")
_DAY_FOLLOWERS = ("为止", "通知", "起", "晚", "早", "上午", "下午", "凌晨", "期间", "及")
# A day of the month in wire copy and dated reports (mainland papers 1946-1986, tests/gold/pages_facts.yaml:
# 55 of its 66 false claims before this rule): the dateline 【新华社二十七日电】 / 【路透社台北7日电】 / 据新华社
# 二十七日讯 / 【日本广播协会电台16日广播】, and a day before what happened on it or who said what (十六日说,
# 五日在记者招待会上, 十一日午夜闭幕, 在二十三日签订). A length of days is followed by the thing that lasted
# (三日罢工, 为期4日) or a clause end, never by a dateline word or a verb of saying; a length is also led by a
# word of duration (_DAY_LENGTH_BEFORE), which keeps 一连五日在街头 a length.
_DATELINE_AFTER = ("电", "讯", "专电", "广播", "航讯")
_DAY_EVENT_AFTER = ("说", "宣布", "发表", "报道", "表示", "指出", "证实", "声称", "在", "对", "向", "举行", "签订",
                    "签署", "闭幕", "开幕", "午夜", "深夜", "中午", "傍晚", "夜间", "夜里", "清晨", "以前")
_DAY_LENGTH_BEFORE = ("连续", "一连", "为期", "历时", "前后", "共", "达", "近", "满", "约", "多")


def _is_date(text: str, num_start: int, num: str, unit_end: int, qualified: str | None) -> bool:
    """True when a number with 年 / 日 is a date (2019年, 97年, 6月12日, 周二(3日)), not a length."""
    unit = text[unit_end - 1]
    if unit == "年" and text[max(0, num_start - 2) : num_start] == "民国":
        return True  # 民国100年: a year of the Republic of China's era (transforms/asof.py converts it)
    if unit == "年":
        if _MONTH_AFTER.match(text, unit_end):
            return True  # N年M月: a date whatever N is (109年9月7日: a year of Taiwan's era, written bare)
        if len(num) == 4 and _digit_run(num) is not None:
            return True  # 一九九八年, 二〇二三年: a year written digit by digit
        return bool(_YEAR_DIGITS.match(num)) or (not qualified and bool(_SHORT_YEAR.match(num)))
    # the last character before the number, spaces skipped (a walk back over the spaces only: copying
    # text[:num_start] for every number made a page of dates quadratic — issue 20 class 7)
    i = num_start - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    before = text[i] if i >= 0 else ""
    if before == "、" and _neighbour_pair(text, num_start, num):
        return False  # 一、两天: "one or two days", not a list of dates
    if before in ("月", "(", "（", "今", "号", "、", "及", "和") or text[unit_end : unit_end + 1] in (")", "）"):
        return True
    if unit == "日" and not qualified and _DAY_OF_MONTH.match(num) and text.startswith(_DAY_FOLLOWERS, unit_end):
        return True
    if unit == "日" and not qualified:
        day = parse_number(num)
        if day is None or not (day.is_integer() and 1 <= day <= 31):
            return False
        if before in ("至", "到") and i >= 1 and text[i - 1] == "日":
            return True  # 五月十八日至二十六日: the end of a span of dates
        if text.startswith(_DATELINE_AFTER, unit_end):
            return True
        lead = text[max(0, i - 1) : i + 1]
        if text.startswith(_DAY_EVENT_AFTER, unit_end) and not lead.endswith(_DAY_LENGTH_BEFORE):
            return True
    return False


def _normalise(text: str) -> str:
    """Full-width digits to ASCII, ○ to 〇, thousands separators removed, outer whitespace stripped."""
    s = text.translate(_FULLWIDTH).translate(_CIRCLE_ZERO).strip().replace("另", "零")
    s = _THOUSANDS_SEP.sub("", s)
    return _SPACE_BEFORE_SCALE.sub("", s)


# Numerals repeat across a corpus (3, 10, 1.2万); cn2an is the slow part of reading one. The cache
# bound keeps memory flat on a long run while holding a batch's distinct numerals.
PARSE_CACHE_SIZE = 16384


@lru_cache(maxsize=PARSE_CACHE_SIZE)
def parse_number(text: str) -> float | None:
    """The value of a numeral: `1.19万` → 11900, `两千六` → 2600, `２０１２` → 2012, `千` → 1000.

    Arabic numbers are parsed directly; anything with Chinese numerals or scale words goes through
    cn2an's "smart" mode (which also accepts cn2an's "normal" inputs). A run of scale words alone
    (`千`, `万`, `百万`) is read as one of them (1000, 10000, 1000000). Returns None when the text
    is not a numeral.
    """
    s = _normalise(text)
    if not s:
        return None
    if _PLAIN_ARABIC.match(s):
        return float(s)
    if s.startswith("点") or s.endswith("点"):  # 零点 / 点零: a point needs digits on both sides
        return None
    if _ONLY_SCALES.match(s):
        s = "一" + s
    if "卅" in s:  # cn2an reads 廿 but not 卅 (30): spelt out for it (卅五 = 三十五; the offsets are the caller's)
        s = re.sub("卅(?=[一二三四五六七八九])", "三十", s).replace("卅", "三十")
    try:
        value = cn2an.cn2an(s, "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        return _positional(s)
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):
        return None


_SCALE_VALUE = {"万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8, "十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000,
                "仟": 1000}
_MANTISSA_SCALE = re.compile(r"^(?P<mant>.+?)(?P<scale>[万亿萬億]+)$")
_SCALE_THEN_RUN = re.compile(r"^(?P<head>.+[万亿萬億])(?P<run>[〇零一二三四五六七八九]{2,})$")


def _digit_run(s: str) -> float | None:
    """A number written digit by digit (二四七 = 247, 一七三点九五 = 173.95, 九五〇〇 = 9500), else None.

    DIGIT_RUN_MIN digits at least, or a decimal point: a pair of digits is "a few" (两三, 七八)."""
    whole, _, frac = s.partition("点")
    if not whole or any(c not in CN_DIGIT_VALUE for c in whole + frac) or whole[0] in "〇○零":
        return None
    if (len(whole) < DIGIT_RUN_MIN and not frac) or len(whole) > DIGIT_RUN_MAX or len(frac) > DIGIT_RUN_MAX:
        return None
    return float("".join(str(CN_DIGIT_VALUE[c]) for c in whole)
                 + ("." + "".join(str(CN_DIGIT_VALUE[c]) for c in frac) if frac else ""))


def _positional(s: str) -> float | None:
    """Forms cn2an does not read: digit by digit (一九〇), a decimal before a scale (七十二点九八万,
    一七三点九五万), a scale then the rest digit by digit (二万九五〇〇 = 29500)."""
    run = _digit_run(s)
    if run is not None:
        return run
    m = _SCALE_THEN_RUN.match(s)
    if m:
        head, tail = parse_number(m["head"]), _digit_run(m["run"]) if len(m["run"]) >= DIGIT_RUN_MIN else None
        unit = _SCALE_VALUE[m["head"][-1]]
        if head is not None and tail is not None and tail < unit:
            return head + tail
        return None
    m = _MANTISSA_SCALE.match(s)
    if m:
        mant = m["mant"]
        base = _digit_run(mant)
        if base is None and "点" in mant:
            try:
                base = float(cn2an.cn2an(mant, "smart"))
            except (ValueError, KeyError, IndexError, TypeError):
                base = None
        if base is None:
            return None
        for ch in m["scale"]:
            base *= _SCALE_VALUE[ch]
        return base
    return None


@dataclass(frozen=True)
class Quantity:
    """A number with its counting unit, as found in a text (offsets into that text)."""

    start: int  # the whole expression: qualifier … unit … trailing qualifier
    end: int
    num_start: int  # the number as written (digits and scale words, incl. an inner 余/多)
    num_end: int
    number_text: str
    value: float  # in the base unit: 6922万元 → 69220000
    unit: str  # stored unit (人(次) → 人次)
    unit_text: str  # the unit as written
    qualifier: str | None
    # ISO 4217 code when the text names the currency (港币28元, 35港元, HK$5,800); None for a bare
    # 元 or $ (its currency comes from the region) and for every non-money unit.
    currency: str | None = None


def combine_qualifiers(words: list[str]) -> str | None:
    """Qualifiers in reading order → the stored form (see LOWER_BOUND)."""
    kept: list[str] = []
    for w in words:
        if w in kept:
            continue
        if w in LOWER_BOUND and any(k in LOWER_BOUND for k in kept):
            continue
        kept.append(w)
    return "+".join(kept) if kept else None


def find_quantities(text: str) -> list[Quantity]:
    """Every number-with-unit in `text`, left to right, skipping dates, ordinals, codes, slogans."""
    out: list[Quantity] = []
    for m in QUANTITY_RE.finditer(text):
        q = _to_quantity(text, m)
        if q is not None:
            out.append(q)
    extra: list[Quantity] = []
    if "$" in text:  # dollar amounts (HK$5,800, $2亿) have their currency sign in front
        extra += _dollar_quantities(text)
    extra += _share_quantities(text)
    if extra:
        # A fraction (六份之五, 4分1人手) is read whole: a count it overlaps (六份, 1人) is part of it.
        fractions = [(q.start, q.end) for q in extra if q.unit_text[0] in "分份"]
        out = [q for q in out if not any(a < q.end and q.start < b for a, b in fractions)]
        taken = [(q.start, q.end) for q in out]
        extra = [q for q in extra if not any(a < q.end and q.start < b for a, b in taken)]
        out = sorted(out + extra, key=lambda q: q.start)
    if "万" in text or "亿" in text:
        taken = [(q.start, q.end) for q in out]
        bare = [q for q in _bare_money_quantities(text) if not any(a < q.end and q.start < b for a, b in taken)]
        if bare:
            out = sorted(out + bare, key=lambda q: q.start)
    if "万" in text or "千" in text or "亿" in text:
        taken = [(q.start, q.end) for q in out]
        counts = [q for q in _bare_count_quantities(text) if not any(a < q.end and q.start < b for a, b in taken)]
        if counts:
            out = sorted(out + counts, key=lambda q: q.start)
    if "月" in text:
        taken = [(q.start, q.end) for q in out]
        months = [q for q in _month_lengths(text) if not any(a < q.end and q.start < b for a, b in taken)]
        if months:
            out = sorted(out + months, key=lambda q: q.start)
    if "、" in text and out:
        pairs = _pair_lows(text, out)
        if pairs:
            out = sorted(out + pairs, key=lambda q: q.start)
    if out:
        lows = _range_lows(text, out)
        if lows:
            out = sorted(out + lows, key=lambda q: q.start)
    return out


# Money written without 元 right after a word for pay, revenue or cost (年薪过百万, 营业额超过1000万,
# 每人每年支薪过百万): the scale word is the amount's and the noun says it is money. Only 万 / 亿 scales
# (a bare 300 after 工资 is a count or a code as often as money).
MONEY_NOUNS: tuple[str, ...] = (
    "年薪", "月薪", "薪酬", "薪金", "薪津", "支薪", "工资", "人工", "营业额", "收入", "成本", "开支", "市值", "盈利",
    "亏损", "利润", "捐款", "赔偿", "罚款", "牌照费", "费用", "拨款",
)
_BARE_MONEY_RE = re.compile(
    "(?:" + "|".join(sorted(MONEY_NOUNS, key=len, reverse=True)) + r")(?:每[年月]|共|已|达|都|亦|也|只|仅)?"
    r"(?P<q1>超过|过|逾|近|约|接近|高达|达)?(?P<num>[0-9][0-9,]*(?:\.[0-9]+)?|[一二两三四五六七八九十百千]+)"
    r"(?P<scale>千万|百万|万亿|万|亿)(?P<q2>多|余)?(?![0-9元圆块人名个位宗间次票港美日英澳台欧])")


def _bare_money_quantities(text: str) -> list[Quantity]:
    out: list[Quantity] = []
    for m in _BARE_MONEY_RE.finditer(text):
        value = parse_number(m.group("num") + m.group("scale"))
        if value is None:
            continue
        start = m.start("q1") if m.group("q1") else m.start("num")
        qual = combine_qualifiers([w for w in (m.group("q1"), m.group("q2")) if w and w != "达"])
        out.append(Quantity(start=start, end=m.end(), num_start=m.start("num"), num_end=m.end("scale"),
                            number_text=m.group("num") + m.group("scale"), value=value, unit="元",
                            unit_text="", qualifier=qual))
    return out


# A large count written without a measure word before a noun for people (暂有1.2万会员, 200万香港人,
# 卅多万外佣, 近六千会员): news and Hong Kong writing drop the classifier after a scale word. Only with 万 /
# 千 / 亿 (a bare 300 before 会员 is a name or a code as often as a count) and before a people noun of
# this list; the unit is 人 (the real-text gold's rule for a count with no classifier).
PEOPLE_NOUNS: tuple[str, ...] = (
    "会员", "香港人", "港人", "市民", "员工", "职工", "工人", "外佣", "选民", "医护", "学生", "居民", "长者",
    "雇员", "护士", "劳工", "同事", "工友", "家庭佣工", "雇佣劳工", "司机", "病人", "患者", "旅客", "游客",
    # mainland papers of 1946-1986 (tests/gold/pages_facts.yaml): 十四万五千农民, 二万失业工人, 党员约五万
    "农民", "失业工人", "党员", "人口",
)
# A Chinese mantissa before the scale may hold 千 and 零 (一百零五万会员, 一千二百万工人), and a 万 may be
# followed by its thousands (十四万五千农民).
_BARE_CN_MANTISSA = r"[一二两三四五六七八九十百廿卅](?:[一二两三四五六七八九十百千零〇廿卅]*[一二两三四五六七八九十百廿卅])?"
_BARE_COUNT_RE = re.compile(
    r"(?<![0-9０-９.．数几第])(?P<q1>超过|过|逾|近|约|接近|将近|大约|上)?"
    rf"(?P<num>{_ARABIC}|{_BARE_CN_MANTISSA})(?P<q2>多|余)?(?P<scale>千万|百万|万|千|亿)"
    r"(?P<tail>(?<=万)[一二三四五六七八九]千)?(?P<q3>多|余)?"
    r"(?=名?(?:" + "|".join(sorted(PEOPLE_NOUNS, key=len, reverse=True)) + "))")
# The same count written after the noun, ending its clause (人口七十九万, 荷共现有党员约五万, 解放人口九百六十万).
_BARE_COUNT_AFTER_RE = re.compile(
    "(?:(?<=" + ")|(?<=".join(sorted(PEOPLE_NOUNS, key=len, reverse=True)) + r"))(?:共|达|有)?"
    r"(?P<q1>超过|逾|近|约|接近|将近|大约)?"
    rf"(?P<num>{_ARABIC}|{_BARE_CN_MANTISSA})(?P<q2>多|余)?(?P<scale>千万|百万|万|亿)"
    r"(?P<tail>(?<=万)[一二三四五六七八九]千)?(?P<q3>多|余)?(?=[，,。；;)）、]|$)")
_BARE_COUNT_SCALES = ("万", "千", "亿")


def _bare_count_quantities(text: str) -> list[Quantity]:
    out: list[Quantity] = []
    for m in (*_BARE_COUNT_RE.finditer(text), *_BARE_COUNT_AFTER_RE.finditer(text)):
        if text.startswith("名", m.end()):
            continue  # 三万名同事 has its measure word: QUANTITY_RE reads it
        num, scale = m.group("num"), m.group("scale")
        if num.startswith(("十", "百")) and m.group("q1") is None and m.start("num") > 0 and \
                text[m.start("num") - 1] in "数几":
            continue  # 数十万外佣: a vague quantity
        num_end = m.end("tail") if m.group("tail") else m.end("scale")
        value = parse_number(num + scale + (m.group("tail") or ""))
        if value is None:
            continue
        start = m.start("q1") if m.group("q1") else m.start("num")
        qual = combine_qualifiers([PREFIX_QUALIFIERS.get(w, w) if w not in ("过", "上") else "超过"
                                   for w in (m.group("q1"), m.group("q2"), m.group("q3")) if w])
        out.append(Quantity(start=start, end=m.end(), num_start=m.start("num"), num_end=num_end,
                            number_text=text[m.start("num") : num_end], value=value, unit="人",
                            unit_text="", qualifier=qual))
    return out


# A number of months written without 个 (formal and older writing: 存款逾三月者, 中断二月以上者 — 冀南银行's 1948
# terms in tests/gold/pages_facts.yaml) is a length only with a bound: 逾 / 满 / 超过 before it, or 以上 / 以下 /
# 以内 after it; a month of the calendar never takes one (二月以上 is no "February and above"). Chinese
# numerals 1-12 only, not after a year or a digit (一九四八年二月 is a date).
_MONTH_LENGTH_RE = re.compile(
    r"(?<![年0-9０-９一二三四五六七八九十〇零])(?P<q1>逾|满|超过)?(?P<num>十[一二]?|[一二两三四五六七八九])月"
    r"(?P<q4>以上|以下|以内)?(?![份底初中末旬])")


def _month_lengths(text: str) -> list[Quantity]:
    out: list[Quantity] = []
    for m in _MONTH_LENGTH_RE.finditer(text):
        if not (m.group("q1") or m.group("q4")):
            continue
        value = parse_number(m.group("num"))
        if value is None:
            continue
        words = [PREFIX_QUALIFIERS[m.group("q1")]] if m.group("q1") in PREFIX_QUALIFIERS else []  # (满: exact)
        if m.group("q4"):
            words.append(SUFFIX_QUALIFIERS.get(m.group("q4"), "内"))
        start = m.start("q1") if m.group("q1") else m.start("num")
        out.append(Quantity(start=start, end=m.end(), num_start=m.start("num"), num_end=m.end("num"),
                            number_text=m.group("num"), value=value, unit="月", unit_text="月",
                            qualifier=combine_qualifiers(words)))
    return out


# A pair of neighbouring Chinese digits written with 、 (一、两天, 两、三个, 三、四名) is "one or two":
# both are figures (the real-text gold keeps both), and the 、 is no list of dates (dates are written
# in Arabic digits or whole: 12、13日, 十二日、十三日).
# (三、五年 is "a few years", no figure: 五 is no neighbour of 三.)
_NEIGHBOUR_DIGITS = {"一": "二两", "二": "三", "两": "三", "三": "四", "四": "五", "五": "六", "六": "七",
                     "七": "八", "八": "九"}


def _neighbour_pair(text: str, num_start: int, num: str) -> bool:
    """True when `num` at num_start is the high end of 一、两 / 两、三 (see _NEIGHBOUR_DIGITS)."""
    if num_start < 2 or text[num_start - 1] != "、":
        return False
    low = text[num_start - 2]
    before = text[num_start - 3] if num_start >= 3 else ""
    return num in _NEIGHBOUR_DIGITS.get(low, "") and before not in CN_DIGITS + CN_SCALES + "第"


def _pair_lows(text: str, found: list[Quantity]) -> list[Quantity]:
    out: list[Quantity] = []
    for q in found:
        if q.num_end - q.num_start == 1 and _neighbour_pair(text, q.num_start, q.number_text):
            i = q.num_start - 2
            value = parse_number(text[i])
            if value is None or any(f.start <= i < f.end for f in found):
                continue
            out.append(Quantity(start=i, end=i + 1, num_start=i, num_end=i + 1, number_text=text[i], value=value,
                                unit=q.unit, unit_text=q.unit_text, qualifier=None, currency=q.currency))
    return out


# Shares written in tenths (三成, 9成几, 四成多: 成 is a tenth) and as fractions (三分之二, 六份之五,
# Cantonese 3分1, 三份一; 半成 is half a tenth, 5%: 缩半成). Stored as percentages. 成 after a numeral is a word of its own before these
# (一成不变, 七成员, 三成立): the guard lists them.
_TENTHS_RE = re.compile(
    rf"(?P<q1>{_PREFIX_Q})?(?P<num>[0-9]|[一二两三四五六七八九十半])(?P<unit>成)(?P<q2>[多几余])?"
    r"(?!立|员|本|功|果|绩|就|长|熟|交|年|都|效|品|分|型|份|语|千|百|万|不变|群|事|全|器|材|形|因)")
_FRACTION_RE = re.compile(
    rf"(?P<q1>{_PREFIX_Q})?(?P<den>[0-9]|[一二两三四五六七八九十])(?P<unit>[分份]之?)(?P<num>[0-9]|[一二两三四五六七八九])"
    r"(?![0-9一二三四五六七八九十百千万])")


# A share's unit word (成 分 份) is looked up first and the pattern tried only just before it: a
# scan of the whole text with an optional leading qualifier tried at every position cost a fifth of
# extraction. The window is the longest prefix qualifier plus a numeral and the unit.
_SHARE_NUMERALS = frozenset("0123456789一二两三四五六七八九十半")
HALF = "半"
# ... 半 after these is "half" (一半, 多半, 大半, 过半, 减半, 对半, 折半), never half a tenth.
_HALF_WORD_BEFORE = frozenset("一多大过减对折")
_SHARE_WINDOW = 4


def _near_share_units(pattern: re.Pattern[str], text: str, units: str) -> list[re.Match[str]]:
    found: list[re.Match[str]] = []
    for unit in units:
        end = 0
        i = text.find(unit, 1)
        while i != -1:
            if text[i - 1] in _SHARE_NUMERALS:
                m = pattern.search(text, max(end, i - _SHARE_WINDOW), i + 3)
                if m is not None and m.start("unit") == i:
                    found.append(m)
                    end = m.end()
            i = text.find(unit, i + 1)
    return sorted(found, key=lambda m: m.start())


# A percentage written in words (百分之三十, 百分之三点一八, 百分之5): formal mainland and Taiwanese text.
_PERCENT_WORDS = "百分之"
_PERCENT_WORDS_RE = re.compile(
    rf"(?P<q1>{_PREFIX_Q})?{_PERCENT_WORDS}(?P<num>{_ARABIC}|{_CN_NUM})(?P<q4>{_SUFFIX_Q})?")
# 百分之 with more than this is no share of a whole (百分之百 = 100 is the most a share says; growth can run
# higher: 增长百分之三百). A bound only against a misread.
PERCENT_WORDS_MAX = 10000


def _percent_words(text: str) -> list[Quantity]:
    out: list[Quantity] = []
    for m in _PERCENT_WORDS_RE.finditer(text):
        n = parse_number(m.group("num"))
        if n is None or not 0 < n <= PERCENT_WORDS_MAX:
            continue
        words = [PREFIX_QUALIFIERS[m.group("q1")]] if m.group("q1") else []
        if m.group("q4"):
            words.append(SUFFIX_QUALIFIERS[m.group("q4")])
        start = m.start("num") - len(_PERCENT_WORDS)
        out.append(Quantity(start=m.start(), end=m.end(), num_start=start, num_end=m.end("num"),
                            number_text=text[start : m.end("num")], value=n, unit="%", unit_text=_PERCENT_WORDS,
                            qualifier=combine_qualifiers(words) if words else None))
    return out


def _share_quantities(text: str) -> list[Quantity]:
    out: list[Quantity] = []
    if "成" not in text and "分" not in text and "份" not in text:
        return out
    if _PERCENT_WORDS in text:
        out += _percent_words(text)
    for m in _near_share_units(_TENTHS_RE, text, "成"):
        if m.start("num") > 0 and _GLUED_BEFORE.match(text[m.start("num") - 1]):
            continue
        if m.group("num") == HALF and m.start("num") > 0 and text[m.start("num") - 1] in _HALF_WORD_BEFORE:
            continue  # 一半成为, 过半成员: 半 is a word of its own (half), 成 starts the next
        n = 0.5 if m.group("num") == HALF else parse_number(m.group("num"))
        if n is None or not 0.5 <= n <= 10:
            continue
        words = [PREFIX_QUALIFIERS[m.group("q1")]] if m.group("q1") else []
        if m.group("q2"):
            words.append("多")
        out.append(Quantity(start=m.start(), end=m.end(), num_start=m.start("num"), num_end=m.end("unit"),
                            number_text=m.group("num") + "成", value=n * 10, unit="%", unit_text="成",
                            qualifier=combine_qualifiers(words) if words else None))
    for m in _near_share_units(_FRACTION_RE, text, "分份"):
        if m.start("den") > 0 and _GLUED_BEFORE.match(text[m.start("den") - 1]):
            continue
        den, num = parse_number(m.group("den")), parse_number(m.group("num"))
        if den is None or num is None or not 0 < num < den:
            continue
        out.append(Quantity(start=m.start(), end=m.end(), num_start=m.start("den"), num_end=m.end("num"),
                            number_text=text[m.start("den") : m.end("num")], value=round(100 * num / den, 1),
                            unit="%", unit_text=m.group("unit"),
                            qualifier=PREFIX_QUALIFIERS[m.group("q1")] if m.group("q1") else None))
    return out


# The low end of a range or the first item of a list that shares the next figure's scale and unit
# (1.3至1.4万元, 14至36%, 15亿至20亿港元, 三至四小时, 回落0.7和0.4个百分点): a bare number right
# before a joining word and a found quantity is a claim of its own in that unit.
_RANGE_JOIN = r"(?:至|到|和|及|或|-|~|～|—)"
_BARE_LOW = re.compile(rf"(?P<num>{_ARABIC}|[一二两三四五六七八九十]+)(?P<scale>[万亿]+)?\s?{_RANGE_JOIN}\s?$")
# How far back from a quantity its bare low end is looked for (the longest number plus a join).
_RANGE_LOOKBACK = 16


def _range_lows(text: str, found: list[Quantity]) -> list[Quantity]:
    out: list[Quantity] = []
    for q in found:
        m = _BARE_LOW.search(text, max(0, q.start - _RANGE_LOOKBACK), q.num_start)
        if m is None or any(f.start < m.end("num") and m.start("num") < f.end for f in found):
            continue
        start = m.start("num")
        if start > 0 and (_GLUED_BEFORE.match(text[start - 1]) or text[start - 1] in _ORDINAL_BEFORE
                          or text[start - 1] in "年月日"):
            continue
        num, scale = m.group("num"), m.group("scale")
        if num in _IDIOM_ONE and scale is None and q.unit != "%":
            continue  # 一至两成 is a range; 一和 before a count is an article
        high_scale = text[q.num_start : q.num_end].lstrip("0123456789.,，０１２３４５６７８９．"
                                                          "零〇一二三四五六七八九十两百千")
        if scale is None and high_scale:
            scale = high_scale if set(high_scale) <= set("万亿") else None
        value = parse_number(num + scale if scale else num)
        if value is None:
            continue
        if q.unit == "%" and q.unit_text == "成":
            value *= 10
        elif q.unit == "%" and q.unit_text not in ("%", "％"):
            continue  # 三分之一至二: a fraction's low end is not written bare
        q1 = next((w for w in sorted(PREFIX_QUALIFIERS, key=len, reverse=True) if text.endswith(w, 0, start)), None)
        if q1:
            start -= len(q1)
        low_end = m.end("scale") if m.group("scale") else m.end("num")
        # The number as written: the low end alone, or up to the high end's scale word when it takes
        # that scale (1.3至1.4万: read_back reads it as 1.3万).
        written_end = q.num_end if (scale and not m.group("scale")) or q.unit_text == "成" else low_end
        out.append(Quantity(start=start, end=low_end,
                            num_start=m.start("num"), num_end=written_end,
                            number_text=text[m.start("num") : written_end],
                            value=value, unit=q.unit, unit_text=q.unit_text,
                            qualifier=PREFIX_QUALIFIERS[q1] if q1 else None,
                            currency=q.currency))
    return out


# Dollar signs, as Hong Kong, Taiwan and Macau writing uses them. A bare $ is the local dollar: its
# currency comes from the region, as a bare 元's does. A unit written after the amount wins
# ($5 万美元 is US dollars).
DOLLAR_SIGNS: dict[str, str | None] = {"HK$": "HKD", "US$": "USD", "NT$": "TWD", "MOP$": "MOP", "$": None}
_DOLLAR_RE = re.compile(
    r"(?P<sign>HK\$|US\$|NT\$|MOP\$|\$)\s?"
    rf"(?P<num>{_ARABIC})(?:\s?(?P<scale>[万亿]))?(?:\s?(?P<unit>美元|港元|元))?"
    r"(?!\s?[A-Za-z0-9])"  # US$47 mil, $6 Bil: an English scale word this reader does not parse
)


def _dollar_quantities(text: str) -> list[Quantity]:
    out: list[Quantity] = []
    for m in _DOLLAR_RE.finditer(text):
        if m.start() > 0 and text[m.start() - 1].isascii() and text[m.start() - 1].isalpha() and m.group("sign") == "$":
            continue  # C$, S$, A$: a dollar this table does not name
        num, scale = m.group("num"), m.group("scale")
        value = parse_number(num + scale if scale else num)
        if value is None:
            continue
        unit, currency = "元", DOLLAR_SIGNS[m.group("sign")]
        if m.group("unit"):
            currency = UNIT_TEXT_CURRENCY.get(m.group("unit"), currency)
        num_end = m.end("scale") if scale else m.end("num")
        out.append(Quantity(start=m.start(), end=m.end(), num_start=m.start("num"), num_end=num_end,
                            number_text=text[m.start("num") : num_end], value=value, unit=unit,
                            unit_text=m.group("unit") or m.group("sign"), qualifier=None, currency=currency))
    return out


def _currency_of(text: str, start: int, unit: str, unit_text: str) -> str | None:
    """The currency a quantity's own words name: its unit (35港元), or a currency word before it."""
    code = UNIT_TEXT_CURRENCY.get(unit_text)
    if code or unit != "元":
        return code
    before = text[max(0, start - _CURRENCY_BEFORE_MAX) : start].rstrip()
    for word, code in CURRENCY_BEFORE.items():
        if before.endswith(word):
            return code
    return None


# 一 + measure word is an article (一名车长因一宗医疗事故) unless the count itself is asserted: bounded by
# a qualifier (至少一名理事, 排队一小时以上) or after a word that states how many (只剩下一人, 只得一次,
# 多一个月的赔偿金, 停工一星期, 运作满一年, 刚好差一票) — the real-text gold's rule for 一.
ONE_ASSERTED_BEFORE: tuple[str, ...] = (
    "只剩下", "只剩", "剩下", "只得", "只有", "仅有", "仅得", "只", "仅", "差", "多", "满", "长达", "为期", "停工", "过去",
)


def _one_asserted(text: str, num: str, num_start: int, qualified: str | None) -> bool:
    if num != "一":
        return False
    if qualified:
        return True
    return text[max(0, num_start - 3) : num_start].endswith(ONE_ASSERTED_BEFORE)


# A length after 过去 that a verb of keeping up follows (只要过去一年维持运作, 过去两年持续亏损) is the length
# of a condition, stated as such, not the time a sentence happens in (过去两日,不论…): the verbs of
# continuing in news prose.
CONTINUING_AFTER = ("维持", "持续", "连续", "一直", "不断", "运作")
# 度 counts times after a single Chinese digit (两度, 三度): Hong Kong and formal writing of "N times";
# 任 terms of an office the same way (四任特首; 第三任 is an ordinal, 1任 is no usage).
_TIMES_NUMERALS = frozenset("二两三四五六七八九")


def _to_quantity(text: str, m: re.Match[str]) -> Quantity | None:
    q1, num, q2, scale, q3, unit_text, q4 = m.group("q1", "num", "q2", "scale", "q3", "unit", "q4")
    num_start = m.start("num")
    if q1 is None and num_start > 0:
        before = text[num_start - 1]
        if before in _ORDINAL_BEFORE or before in _OPEN_QUOTES or _GLUED_BEFORE.match(before):
            return None
    if (num in _IDIOM_ONE and not _one_asserted(text, num, num_start, q1 or q2 or q3 or q4)) or (
            _CN_DIGITS_ONLY.match(num) and _digit_run(num) is None):
        return None
    if num[0] in CN_DIGITS and text[max(0, num_start - 2) : num_start].endswith(_WEEKDAY_BEFORE):
        return None
    if _SET_PHRASE_RE.match(text, num_start):
        return None
    if unit_text in _DATE_UNITS and _is_date(text, num_start, num, m.end("unit"), q1 or q2 or q3 or q4):
        return None
    if (len(num) == 1 and num_start >= 2 and text[num_start - 1] == "、" and text[num_start - 2] in _NEIGHBOUR_DIGITS
            and num in "三四五六七八九十" and not _neighbour_pair(text, num_start, num)
            and (num_start < 3 or text[num_start - 3] not in CN_DIGITS + CN_SCALES)):
        return None  # 三、五年, 一、三个: two digits apart written as a pair are "a few", like 三五个
    # (the time word stands before the pair's low end in 未来一、两天)
    ref_at = num_start - 2 if _neighbour_pair(text, num_start, num) else num_start
    if (UNIT_FORMS[unit_text] in _TIME_UNITS and not q1
            and text[max(0, ref_at - 2) : ref_at].endswith(TIME_REFERENCE_BEFORE)
            and not text.startswith(CONTINUING_AFTER, m.end())):
        return None
    if UNIT_FORMS[unit_text] in _TIME_UNITS and not q1 and num_start > 0 and text[num_start - 1] == "每":
        return None  # 每两日去医院: "every two days", how often, not a length
    if unit_text in ("度", "任") and num not in _TIMES_NUMERALS:
        return None  # 30度, 十度: a temperature or an angle (see UNIT_FORMS), not a number of times
    if _ONLY_SCALES.match(num) and num_start > 0 and text[num_start - 1] in _VAGUE_BEFORE:
        return None
    # 十年, 十多小时: 十 is a number of its own, and so it is before a larger scale word (十万元 = 100000:
    # 冀南银行's 1948 terms in tests/gold/pages_facts.yaml); a bare 万 / 百万 still needs an approximating word.
    if _ONLY_SCALES.match(num) and num[0] not in _TEN:
        preceding = text[max(0, num_start - 2) : num_start]
        if not preceding.endswith(_BARE_SCALE_OK_BEFORE):
            return None
    base = parse_number(num + scale if scale else num)
    if base is None:
        return None
    words: list[str] = []
    if q1:
        words.append(PREFIX_QUALIFIERS[q1])
    if q2:
        words.append(INNER_QUALIFIERS[q2])
    if q3:
        words.append(INNER_QUALIFIERS[q3])
    if q4:
        words.append(SUFFIX_QUALIFIERS[q4])
    if "多" in unit_text:  # 两个多小时, 一个多月
        words.append("多")
    num_end = m.end("scale") if scale else m.end("num")
    unit = UNIT_FORMS[unit_text]
    return Quantity(
        start=m.start(),
        end=m.end(),
        num_start=num_start,
        num_end=num_end,
        number_text=text[num_start:num_end],
        value=base,
        unit=unit,
        unit_text=unit_text,
        qualifier=combine_qualifiers(words) if words else None,
        currency=_currency_of(text, m.start(), unit, unit_text),
    )


_READ_RANGE = re.compile(rf"^(?P<lo>.+?)\s?{_RANGE_JOIN}\s?(?P<hi>.+?)$")


# 多 / 余 between a number and its scale word (300多万, 卅多万) says "more than"; the value is without it.
_INNER_APPROX = re.compile(r"(?<=[0-9一二两三四五六七八九十百千廿卅])[多余](?=[万亿])")


def read_back(number_text: str) -> float | None:
    """The value a Quantity's number_text stands for, as find_quantities read it: a numeral
    (parse_number), a percentage in words (百分之三十 → 30), a share in tenths (9成 → 90), a fraction (三分之二 → 66.7, 3分1 → 33.3) or the low
    end of a range written with the high end's scale (1.3至1.4万 → 13000)."""
    s = _INNER_APPROX.sub("", number_text.strip())  # 300多万, 廿多万: the 多 is the qualifier's
    if s.startswith(_PERCENT_WORDS):  # 百分之三点一八 → 3.18
        return parse_number(s[len(_PERCENT_WORDS):])
    rng = _READ_RANGE.match(s)
    if rng and rng.group("hi").endswith("成"):  # 五至六成: the low end of a share in tenths
        n = parse_number(rng.group("lo"))
        return n * 10 if n is not None else None
    if s.endswith("成"):
        n = 0.5 if s[:-1] == HALF else parse_number(s[:-1])
        return n * 10 if n is not None else None
    frac = re.fullmatch(r"(.+?)[分份]之?(.+)", s)
    if frac:
        den, num = parse_number(frac.group(1)), parse_number(frac.group(2))
        return round(100 * num / den, 1) if den and num is not None else None
    if rng:
        hi = _normalise(rng.group("hi"))
        scale = hi.lstrip("0123456789.零〇一二三四五六七八九十两百千")
        return parse_number(rng.group("lo") + scale)
    return parse_number(s)


# --- money, in JioNLP's output shape (for running its test vectors and the peer bench) -----------

CURRENCY_NAMES: dict[str, str] = {
    "人民币": "元", "元": "元", "圆": "元", "块": "元", "块钱": "元",
    "美元": "美元", "美金": "美元", "港元": "港元", "港币": "港元", "欧元": "欧元",
    "日元": "日元", "日币": "日元", "英镑": "英镑", "澳元": "澳元", "韩元": "韩元",
    "卢布": "卢布", "泰铢": "泰铢", "新台币": "新台币", "台币": "新台币",
}
_CURRENCY_ALT = "|".join(sorted(CURRENCY_NAMES, key=len, reverse=True))
# Definition words JioNLP uses: accurate, blur (≈ or a range), blur+ (at least), blur- (at most).
_BLUR: dict[str | None, str] = {
    None: "accurate", "约": "blur", "余": "blur", "近": "blur-", "不足": "blur-",
    "超过": "blur+", "以上": "blur+", "至少": "blur+",
}
# Money text also writes thousands as k and ten-thousands as w (15k, 30w).
_LATIN_SCALE = {"k": "千", "K": "千", "w": "万", "W": "万"}
_AMOUNT = rf"(?:{_ARABIC})(?:\s?(?:{_SCALE_RUN}|[kKwW]))?|[几数]?{_CN_NUM}"
_INCL = r"(?:[(（]含[)）])?"
_RANGE_DASH = r"(?:[-~～—]+|到|至)"
MONEY_RE = re.compile(
    rf"(?P<pre>{_CURRENCY_ALT})?\s?"
    rf"(?P<q1>{_PREFIX_Q}|小于|大于)?"
    rf"(?:(?P<lo>{_AMOUNT})\s?{_INCL}(?:元|块)?\s?{_RANGE_DASH}\s?)?"
    rf"(?P<num>{_AMOUNT})"
    r"(?P<q2>[余多几])?"
    r"个?(?P<scale>[万亿]+)?\s?"
    r"(?P<q3>[余多])?"
    rf"(?P<cur>{_CURRENCY_ALT})?(?P<cur2>{_CURRENCY_ALT})?"
    r"(?P<sub>(?:[0-9一二三四五六七八九零两]+[角毛](?:[0-9一二三四五六七八九零两]+分)?)|(?:[0-9一二三四五六七八九零两]+分))?"
    rf"(?P<tail>整|钱)?{_INCL}"
    rf"(?P<q4>{_SUFFIX_Q})?"
)
_SUB_UNIT = re.compile(r"([0-9一二三四五六七八九零两]+)([角毛分])")
# 八九亿, 三五百: two neighbouring digits before a scale word give a range.
_DIGIT_PAIR = re.compile(r"^([一二三四五六七八九])([二三四五六七八九])([十百千万亿]+)$")
_MONEY_PREFIX_EXTRA = {"小于": "不足", "大于": "超过"}


def _amount(text: str) -> float | None:
    t = text.strip()
    if t and t[-1] in _LATIN_SCALE:
        t = t[:-1] + _LATIN_SCALE[t[-1]]
    return parse_number(t)


def _step(value: float) -> float:
    """The place of the last non-zero digit: 3000 → 1000, 10 → 10 (for 3000多 → 3000–4000)."""
    n = int(value)
    step = 1
    while n and n % 10 == 0:
        n //= 10
        step *= 10
    return float(step)


def _money_values(m: re.Match[str]) -> list[float] | None:
    """One value, or [low, high] for a range (1万-5万, 八九亿, 3000多, 几十万)."""
    num = m.group("num")
    scale_word = m.group("scale") or ""
    mult = 1.0
    if scale_word:
        mult_value = parse_number(scale_word)
        if mult_value is None:
            return None
        mult = mult_value
    pair = _DIGIT_PAIR.match(num)
    if pair:
        unit = parse_number(pair.group(3))
        if unit is None:
            return None
        a, b = CN_DIGIT_VALUE[pair.group(1)], CN_DIGIT_VALUE[pair.group(2)]
        return [a * unit * mult, b * unit * mult]
    if num[0] in "几数":
        unit = parse_number(num[1:])
        if unit is None:
            return None
        return [unit * mult, unit * 10 * mult]
    base = _amount(num)
    if base is None:
        return None
    for digits, sub in _SUB_UNIT.findall(m.group("sub") or ""):
        v = parse_number(digits)
        if v is None:
            return None
        base += v * (0.01 if sub == "分" else 0.1)
    if m.group("lo"):
        lo_text = m.group("lo").strip()
        lo = _amount(lo_text)
        if lo is None:
            return None
        # 两到三万, 10~15k: the low end borrows the high end's scale word, unless it then
        # exceeds the high end (从8500到3万 is 8500 to 30000).
        if not re.search(r"[万亿kKwW]", lo_text) and num[-1] in CN_SCALES + "kKwW":
            borrowed = _amount(lo_text + num[-1])
            if borrowed is not None and borrowed <= base:
                lo = borrowed
        return [lo * mult, base * mult]
    if m.group("q2") in ("多", "几"):
        return [base * mult, (base + _step(base)) * mult]
    return [base * mult]


def _money_currency(m: re.Match[str]) -> str:
    names = [m.group(g) for g in ("pre", "cur", "cur2") if m.group(g)]
    for n in names:  # a named foreign currency wins over 元/人民币 (三万元欧元, 9000元日币)
        if CURRENCY_NAMES[n] != "元":
            return CURRENCY_NAMES[n]
    return "元"


def _money_qualifier(m: re.Match[str]) -> str | None:
    words: list[str] = []
    if m.group("q1"):
        q1 = m.group("q1")
        words.append(_MONEY_PREFIX_EXTRA.get(q1) or PREFIX_QUALIFIERS[q1])
    words += [INNER_QUALIFIERS[m.group(g)] for g in ("q2", "q3") if m.group(g) in INNER_QUALIFIERS]
    if m.group("q4"):
        words.append(SUFFIX_QUALIFIERS[m.group("q4")])
    return combine_qualifiers(words)


def parse_money(text: str) -> dict[str, Any] | None:
    """A money amount in JioNLP's shape: {"num": "12000.00", "case": "元", "definition": "accurate"}.

    One amount or a range ("num" is then [low, high]) with an optional currency before or after,
    scale words (万 亿, k w), 角/分, and approximating words (约 → blur, 超过/以上 → blur+,
    近/不足 → blur-; 3000多 and 几十万 are ranges, as JioNLP reads them). A bare numeral is read
    as 元, as JioNLP does. Returns None when the text is not one amount.
    """
    s = text.strip()
    if s.startswith("从"):  # 从8500到3万港元: "from" opens a range
        s = s[1:]
    m = MONEY_RE.fullmatch(s)
    if m is None:
        return None
    values = _money_values(m)
    if values is None:
        return None
    qual = _money_qualifier(m)
    if len(values) == 2:
        return {"num": [f"{v:.2f}" for v in values], "case": _money_currency(m), "definition": "blur"}
    first = qual.split("+")[0] if qual else None
    definition = _BLUR.get(first, "blur")
    if qual and "+" in qual and first == "约":
        definition = "blur"
    return {"num": f"{values[0]:.2f}", "case": _money_currency(m), "definition": definition}


def extract_money(text: str) -> list[dict[str, Any]]:
    """Money spans in JioNLP's shape: [{"text": "6922万元", "offset": [start, end], "type": "money"}].

    A span needs a currency word, or a k/w amount (10k~15k); it starts at the number (or at a
    currency word written before it) and ends at the currency, its 角/分 and 整/钱.
    """
    out: list[dict[str, Any]] = []
    for m in MONEY_RE.finditer(text):
        has_currency = bool(m.group("cur") or m.group("pre"))
        latin = bool(re.search(r"[kKwW]$", m.group("num")))
        if not has_currency and not latin:
            continue
        start = m.start("pre") if m.group("pre") and not m.group("q1") else m.start("lo") if m.group("lo") else m.start("num")
        if m.group("pre") and m.group("q1"):
            start = m.start("lo") if m.group("lo") else m.start("num")
        before = text[max(0, start - 1) : start]
        if before and _GLUED_BEFORE.match(before) and before not in ".．":
            continue
        if m.group("num") in _IDIOM_ONE and not m.group("sub"):
            continue
        if _money_values(m) is None:
            continue
        end = max(m.end(g) for g in ("num", "scale", "q3", "cur", "cur2", "sub", "tail") if m.group(g))
        if m.group("pre") and not m.group("cur") and not latin:
            continue
        out.append({"text": text[start:end], "offset": [start, end], "type": "money"})
    return out


# --- plausibility (issue 20 class 7) -----------------------------------------------------------------------
def _load_bounds() -> tuple[dict[str, tuple[float, str]], tuple[float, str]]:
    import yaml

    doc = yaml.safe_load((Path(__file__).parent / "data" / "plausibility.yaml").read_text(encoding="utf-8"))
    bounds = {str(u): (float(b["max"]), str(b["reason"])) for u, b in doc["bounds"].items()}
    return bounds, (float(doc["default"]["max"]), str(doc["default"]["reason"]))


# unit -> (largest plausible value, why): named data in transforms/data/plausibility.yaml
PLAUSIBLE_MAX, PLAUSIBLE_DEFAULT = _load_bounds()


def implausible_reason(value: float, unit: str) -> str | None:
    """Why `value` (in `unit`) is beyond reason, or None when it is plausible.

    Not a finite number (a 400-digit count reads as inf), or above its unit's bound in
    transforms/data/plausibility.yaml (99999999999999999999个 stations: 10^20)."""
    if not math.isfinite(value):
        return "not a finite number"
    bound, reason = PLAUSIBLE_MAX.get(unit, PLAUSIBLE_DEFAULT)
    if value > bound:
        return f"above {bound:g} {unit}: {reason}"
    return None
