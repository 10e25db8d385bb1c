"""Extract numeric facts (number + unit + subject + verb + as-of + metric) from an article's text."""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from dataclasses import replace
from datetime import date
from functools import lru_cache

from gonghui.transforms import metrics
from gonghui.transforms.asof import AS_OF_RE, AsOfIndex, is_base, month_before, relative_day
from gonghui.transforms.numbers import (
    CURRENCY_BEFORE,
    MONEY_NOUNS,
    Quantity,
    declared_currencies,
    declared_currency_at,
    find_quantities,
)
from gonghui.transforms.records import Article, Fact
from gonghui.transforms.regions import (
    NATIONAL_SCOPE,
    SENTENCE_BREAK,
    find_places,
    is_locative,
    sentence_scope,
)

# A clause (a fact's evidence) ends at these; 、 does not end one (it joins a list).
# A comma between digits with three after it is a thousands separator (3,400元), not a break.
CLAUSE_BREAK = re.compile(r"[，；;。！!？?﹔：:\n…]|,(?!(?<=\d,)\d{3}(?!\d))")
# The same breaks as CLAUSE_BREAK, for searching the reversed text (where 3,400 reads 004,3).
CLAUSE_BREAK_REV = re.compile(r"[，；;。！!？?﹔：:\n…]|,(?!\d)|(?<!(?<!\d)\d\d\d),")
# A sentence (the span searched for an as-of date) ends at these.

# Verbs that state what was done to the counted thing, longest first where they overlap.
VERBS: tuple[str, ...] = (
    "新建", "建成", "建立", "建设", "组建", "创建", "成立", "设立", "开设", "挂牌", "建会", "建",
    "筹集", "投入", "补助", "资助", "发放", "返还", "挽回", "帮助解决", "解决", "慰问", "走访",
    "培训", "组织", "举办", "开展", "服务", "帮扶", "实施", "提供", "聘请", "选派", "发展",
    "提出", "采纳", "推广", "评选", "表彰", "选树", "命名", "培育", "培养", "产生", "创造", "节创",
    "创效", "撬动", "带动", "吸引", "汇集", "摸排", "签订", "输出", "发表", "获得", "获", "完成",
    "办理", "参加", "参与", "参赛", "覆盖", "推动", "出台", "制定", "印发", "设置", "推出", "打造",
    "销售", "投放", "派出", "涌现", "注册", "达到", "突破", "荣获",
    # mainland union reports of relief and rights work (送去慰问金, 追回欠薪493万元, 涉及农民工22454人,
    # 筹措资金二十余万元, 改造户外劳动者驿站200家): session 8's probe of modern union news
    "送去", "送上", "送出", "捐赠", "捐助", "追回", "讨回", "追讨", "涉及", "筹措", "救助", "改造", "进行",
    "实现", "净增", "看望",
    # … and of mutual-aid insurance and job fairs (赔付互助保障金7.28万元, 惠及职工1.68万人次, 派发宣传资料7000份,
    # 发动参保52.3万人次, 达成就业意向500余人: 达成 before the copula 达)
    "赔付", "惠及", "派发", "发动", "达成", "接受",
    # a legislature passing a measure (立法会通过男士侍产假由三天增加到五天): the measure is what changed
    "通过",
)
# Linking words: they separate the subject from the number but say nothing about the action.
COPULAS: tuple[str, ...] = ("多达", "达到", "共计", "总计", "合计", "累计", "达", "共", "为")
_COPULA_SET = frozenset(COPULAS)
# 共 "in all" is a copula, but not inside 中共 / 亲共 / 反共 / 公共 / 总共 / 一共 (中共的铁票加亲共商界票:
# the pro-Communist votes are one noun).
# (中共 is the Party when 的 / 党 / 中央 / 政权 … follow; 行动中共拘捕230人 is 中 "in" + 共 "in all".)
# 建 "build" is a verb alone, but not inside 福建 (a province: 命名23家福建省示范性劳模工作室 lost all but 福)
# or before the nouns it opens in mainland union news (建档困难职工 "registered", 建筑工人, 建材, 建国 / 建党 /
# 建军 anniversaries): session 8's probe of modern union reports.
_VERB_PATTERNS = {"共": "(?<![亲反公总一])(?:(?<!中)共|共(?![的党产中政官军当铁]))",
                  "建": "(?<![福在])建(?![档筑材国党军])"}
_VERB_RE = re.compile("|".join(_VERB_PATTERNS.get(v, v) for v in sorted(VERBS + COPULAS, key=len, reverse=True)))
# Nouns that contain a verb (服务, 组织, 建设 ...): a verb inside one of them does not split a subject.
NOUN_COMPOUNDS: tuple[str, ...] = (
    "服务站", "服务点", "服务中心", "服务阵地", "服务体系", "服务项目", "服务品牌", "工会组织",
    "新业态工会组织", "社会组织", "培训班", "建设项目", "参赛职工", "参赛选手", "参赛企业", "发展规划",
    "达标", "创效", "服务职工", "帮扶中心", "获得者", "建议", "发明创造", "创新成果", "创新工作室",
    # statistics and Hong Kong usage: 销售 / 新建 / 服务 / 建 inside a noun (二手住宅销售价格,
    # 新建商品住宅, 紧急服务岗位, 建制派)
    "销售价格", "销售额", "零售额", "新建商品住宅", "服务岗位", "服务人员", "建制派",
    # union rates and counts named by their verb (建会率 of enterprises that founded a union, 服务人次)
    "建会率", "入会率", "服务人次",
)
# A verb of aid followed by a money or goods noun is that noun (发放慰问品, 送去慰问金14680元, 共发放补助款
# 40.7万元, 帮扶资金): mainland union reports of relief name what was given so (session 8's probe).
# (… and the groups sent with it and its standard: 组成5个慰问组, 帮扶队, 慰问标准每人500元.)
_AID_NOUN = r"(?:慰问|帮扶|救助|补助|资助|奖励|助学|抚恤|救济)(?:资金|物资|经费|标准|金|款|品|组|团|队)"
# 申请 is the noun (入会申请) when a break or a bracket follows it, the verb (护士申请病假) otherwise.
_NOUN_VERB_AS_NOUN = r"申请(?=[，,。；;(（、])"
_COMPOUND_RE = re.compile("|".join(sorted(NOUN_COMPOUNDS, key=len, reverse=True)) + "|" + _NOUN_VERB_AS_NOUN + "|" + _AID_NOUN)
# Trimmed from the edges of a subject: scope words, aspect particles, prepositions.
# 在 + one character is a status modifier, not "at" (在职, 在册困难职工, 在档, 在建项目, 在华企业, 在岗, 在校, 在读,
# 在编, 在押, 在逃, 在役: mainland union and labour reports; session 8's probe).
_AT_STATUS = "职华校岗册档建读编押逃役"
_SUBJECT_LEAD = re.compile(rf"^(?:[、和及与]|全省|全市|全区|全国|各级|已|了|共|对|为|向|给|在(?![{_AT_STATUS}])|与|将|把|让|有|先后|均|年均|每年|以)+")
_SUBJECT_TAIL = re.compile(r"(?:已|了|共|均|年均|的|等|便)+$")
# The noun after a number stops at these (a verb, a particle, a preposition, another list item).
_AFTER_STOP_CHARS = "的在被于从向与和及、“”‘’《》()（）「」|"
# 中 ends a counted noun as "among" (300名工人中有), not where it opens one (中学生, 社区疫苗接种中心,
# 大中城市): the characters it forms nouns with in news prose.
_ZHONG_STOP = "中(?![心学国文层小央环部东西南医药华期专标午旬级等型城])"
# 都 "all" after a counted noun (四任特首都经历, 三间公司都拒绝) ends it; not inside 首都 (but 特首 + 都 is
# "the chief executives all"), 京都, 成都, 都市, 都会.
_DOU_STOP = "(?<![京国古成帝])(?<!(?<!特)首)都(?![市会城])"
# Predicates that follow a counted noun in news prose (3,230名医护签署罢工宣言, 14.8%受访者使用,
# 91.3%护老者需照顾): the noun ends where one starts. Multi-character words only (a single 会 or 是
# would cut 工会, 会员).
AFTER_STOP_WORDS: tuple[str, ...] = (
    # 包括 "includes" opens the predicate (这个30人代表团包括…秘书人员: tests/gold/pages_facts.yaml)
    "包括",
    "签署", "申请", "回应", "响应", "参与", "参加", "出战", "表示", "认为", "使用", "需要", "不知道", "知道",
    "取回", "接收", "接获", "聚集", "同住", "送院", "应讯", "分别", "今到", "今日", "昨日", "已经", "仍然",
    "只得", "只有", "正在", "需", "须", "愿意", "都是", "表明", "表态", "认同", "支持", "反对",
    "赞成", "弃权", "举行", "毋须", "无须", "不用", "不会", "未能", "仍未", "受到", "遭到", "获批",
    "一定", "计算", "唔", "按月", "按年", "按季", "环比", "同比",
    # verbs of having after a person or a place (63岁的兰姐育有两子, 该区设有3间诊所)
    "育有", "拥有", "设有", "共有", "还有",
    # a condition met (过去一年维持运作便符合资格): what was kept up ends before it
    "符合",
    # a share per head after the people counted (133名特困职工每人发放600元, 50名职工子女每人受资助):
    # the distributive opens the predicate
    "每人", "每户",
    # what counted places or units have or did in mainland union reports (2万多个驿站具备法律服务功能,
    # 11万个驿站配备应急药品, 10家单位上榜, 6家服务站名列其中, 5家企业工会牵头筹建): session 8's probe
    "具备", "配备", "配齐", "安装", "上榜", "名列", "牵头", "入选", "获评",
    # verbs of sending a thing somewhere (一颗740公斤的卫星送入轨道, 物资运往灾区): tests/gold/pages_facts.yaml
    "送入", "送往", "运往", "送进",
)
# Guarded by the characters a stop can start with, so a scan tests one class per position instead
# of every verb.
_AFTER_STOP_FIRST = re.escape("".join(sorted(set(_AFTER_STOP_CHARS + "中都则") | {v[0] for v in VERBS + COPULAS + AFTER_STOP_WORDS})))
# 则 "then" after a counted noun (三年运作要求则不适用) ends it; not inside 规则, 原则, 准则, 细则, 否则, 法则.
_ZE_STOP = "(?<![规原准细否法守总])则"
_AFTER_STOP = re.compile(f"(?=[{_AFTER_STOP_FIRST}])(?:[{re.escape(_AFTER_STOP_CHARS)}]|{_ZHONG_STOP}|{_DOU_STOP}|{_ZE_STOP}|(?:{_VERB_RE.pattern})|"
                         + "|".join(sorted(AFTER_STOP_WORDS, key=len, reverse=True)) + ")")
# A run after a number that opens with one of these is the rest of the predicate, not a noun: a
# change or result (增至1500人, 调高至大约30万元, 裁至约20人), a conjunction, an adverb or a copula
# (所谓加薪三成是误导公众, 署任两年多仍未能坐正), a time word (三年之后).
NOT_NOUN_LEAD_WORDS: tuple[str, ...] = (
    "增至", "跌至", "降至", "升至", "减至", "裁至", "调高至", "调低至", "增加到", "增加至", "延长到", "延长至",
    "回升到", "跌到", "提高至", "提高到", "上升至", "下降至", "增加", "减少", "上升", "下降", "上涨", "下跌",
    "增长", "回落", "调高", "调低", "持平", "至", "到", "或", "是", "为", "仍", "都", "也", "亦", "就",
    "才", "又", "再", "更", "被", "将", "把", "于", "多", "余", "以上", "以下", "左右", "之后", "之前",
    "以后", "以前", "以来", "后", "内", "间", "而", "则", "即", "均", "不是", "不会", "不能", "不再", "不足",
    "不到", "不可", "不少于", "不超过", "未", "没有", "来自", "起", "半",
)
# 便 "then" opens a predicate (14岁便入厂) but 便利店, 便当, 便服 … are nouns.
_NOT_NOUN_LEAD = re.compile("^(?:" + "|".join(sorted(map(re.escape, NOT_NOUN_LEAD_WORDS), key=len, reverse=True))
                            + "|便(?![利当宜条服衣民捷餐饭])" + ")")
# After 的 these do not start a noun (的话 "if"; a break).
_NOT_NOUN_START = frozenset("话，,。；;：:、\n")
_PAREN_CLOSE = re.compile(r"[)）]")
# What is between a measure word and 的 is a relative clause (the 的-noun is counted: 2名穿着便服的职员,
# 5个经劳工处登记的工会, 五位年薪过百万的议员, 70岁或以上的人士) when it holds an aspect particle, a
# preposition, a comparison or a 有/无; a bare noun there is itself what is counted and 的 makes it a
# possessor (87.5%受访者的分数, 500名会员的工会, 八十五个相关协会的成员).
# Words that open a relative clause right after a measure word (经劳工处登记的, 由政府资助的, 穿着…的,
# 参加培训的, 正在排队的) and the characters no relative clause runs over (a break, a quote, a figure).
_RELATIVE_OPENER = re.compile(r"经(?![理济费验营常纪典])|由(?![于此])|从|受到|获得|正在|曾经|曾|已经|穿着|参加|参与|来自|"
                              r"接受|持有|领取|"
                              # 与…相关的 / 与…有关的 (3宗疑与接种疫苗相关的个案): a relation clause
                              r"(?:怀疑|疑似|疑)?(?:与|跟|和)(?=[^，,。；;：:\n的]{1,12}(?:相关|有关)的)")
_HARD_STOP = re.compile(r"[，,。；;：:！!？?、“”「」《》()（）0-9\n]")
_RELATIVE_CLAUSE = re.compile(r"[着了过经或被有仍曾未已在从于]|以上|以下|登记|超过|不足|历史")
_QUOTE_CLOSE = {"「": "」", "『": "』", "“": "”", "《": "》"}
# A possessive noun phrase kept whole (职工盟的成员工会, 8 characters); longer, the possessor alone.
MAX_POSSESSIVE_NP_CHARS = 8
# A gloss in parentheses after an amount (以1994年港元计算) is at most this long; a longer one is prose.
MAX_GLOSS_CHARS = 24
# Longest subject kept (characters): longer runs are whole predicates, not noun phrases.
MAX_SUBJECT_CHARS = 16
# ... and after an amount or a percentage: the gold's longest such noun (年长护老者) is 5 characters.
MAX_AFTER_MONEY_CHARS = 5
# Clause openings repeat across articles (全省各级工会, 截至目前,全市已建成): their (subject, verb) is
# worked out once. The bound keeps memory flat on a long run.
SEGMENT_CACHE_SIZE = 16384
# A passive relative clause right after people counted (5名被监禁的美国人, 86名被拖欠工资的农民工: tests/gold/
# pages_facts.yaml, union news) runs to its 的 too; after other measure words 被 is the predicate's (10万件被
# 职工领取), and 被告 "the defendant" is a noun.
_PASSIVE_OPENER = re.compile(r"被(?!告)")
# ... and only openings this short are kept (a 10 MB single-line text must not fill the cache).
SEGMENT_CACHE_MAX_CHARS = 80
_NUMBER_IN = re.compile(r"[0-9０-９]")


# What stands between a subject and its number without naming what is counted: adverbs, modal and
# linking verbs, change words and comparison markers (资产限额竟然定于14万元, 底薪调整后只有15,365元,
# 销售价格环比上涨0.2%, 每月可领取3,400元). Stripped repeatedly from the end of the text before a
# number; the vocabulary is the function words of news prose (mainland and Hong Kong usage alike).
SUBJECT_TAIL_WORDS: tuple[str, ...] = (
    "竟然", "仍然", "仍", "亦", "也", "都", "就", "才", "则", "只", "仅仅", "仅", "刚好", "恰好", "已经", "已",
    "大约是", "大约", "约为", "约", "大概", "接近", "将近", "超过", "超", "逾", "不足", "不到", "至少", "最少",
    "只有", "只得", "只剩下", "剩下", "尚余", "余下", "尚欠", "还有", "共有", "共", "有", "是", "为", "达到", "达",
    "定于", "定为", "订于", "介乎", "由", "从", "到", "至", "增至", "跌至", "降至", "升至", "减至", "增加到",
    "延长到", "回升到", "跌到", "去到", "上涨", "下跌", "增加", "减少", "上升", "下降", "增长", "回落", "大跌",
    "下调", "上调", "调高至", "调高", "调低", "按年", "按月", "环比", "同比", "分别", "实质", "每月", "每年",
    "每人", "每日", "每天", "每星期", "每周", "可以", "可能", "可", "能够", "能", "会", "要", "须", "需要", "需",
    "领取", "获得", "获发", "获", "取得", "录得", "估计", "预计", "相信", "平均", "合共", "总共", "累计",
    # change words right before a figure (固定资产投资按年跌24.5%), a Cantonese 不够 (唔够), a length
    # reached (居港满七年), a time after (调整后只有)
    "大跌", "大升", "急升", "急跌", "回升", "飙升", "跌", "升", "增", "减", "涨", "唔够", "满", "调整后", "后",
    "来说", "上升至", "持平", "只不过", "不过", "不", "原有", "原本", "原来", "本来", "便",
    # a list or a run of time left open before the figure (雇员及至少7人, 加入或, 均是连续10个月)
    "及", "和", "与", "或", "以及", "连续",
    # a shrink (经济仍缩半成): a change word like 跌 / 减
    "收缩", "萎缩", "缩",
    # a verb of holding before the figure (劳工界,手握60票; 坐拥300万会员): the holder is named before it
    "手握", "坐拥", "握有", "拥有",
    # time spent (每一转平均需要用上三至四小时): the verb of spending is no part of what takes the time
    "用上", "花上", "需时", "历时", "耗时",
    # 以 "at / by" right before the figure (每次存入起码金额以一千元以上, 以十万元为限: tests/gold/pages_facts.yaml)
    "以",
)
# 会 "will" is stripped, but not as the head of a noun it completes: 大会, 工会, 协会, 委员会, 代表会, 年会
# (迪化市第一次工人代表大会历时四天 lost its 会 to the modal: tests/gold/pages_facts.yaml; in union news the
# noun is everywhere). The characters before 会 that make such a noun:
_HUI_NOUN_BEFORE = ("大工协学社委议年晚机体都国总商理事董盛舞酒宴庙聚例约代联合"
                    # mainland meetings named by what is done at them (宣讲会7场, 专场招聘会84场次, 推进会, 座谈会,
                    # 交流会, 见面会, 运动会, 展销会, 报告会, 表彰会): session 8's probe of union news
                    "讲聘进谈流面动销告彰")
# 才 "only then" is stripped, but not from 人才 "talent" (高技能人才超过6000万人, 选树工匠人才1444名: session 8's
# probe of mainland union news, where the noun is everywhere).
_GUARDED_TAIL_WORDS = {"会": f"(?<![{_HUI_NOUN_BEFORE}])会", "才": "(?<!人)才"}
_SUBJECT_TAIL_WORDS_RE = re.compile(
    "(?:" + "|".join(re.escape(w) if w not in _GUARDED_TAIL_WORDS else _GUARDED_TAIL_WORDS[w]
                     for w in sorted(SUBJECT_TAIL_WORDS, key=len, reverse=True)) + ")+$")
# Clause openers that are no part of a noun phrase (conjunctions, discourse and scope words).
SUBJECT_LEAD_WORDS: tuple[str, ...] = (
    "但是", "但", "而且", "而", "惟", "另外", "此外", "其中", "当中", "即使", "只是", "凡", "如果", "其实",
    "就是", "然而", "因此", "所以", "并且", "并", "且", "以及", "及", "再", "连", "今年", "去年", "目前", "现时",
    "现在", "如今", "本身", "该", "这个", "这些", "那些", "合资格的", "只要", "连续", "单是", "突然", "一直",
    "即使", "就连", "至于", "虽然", "不过", "可是", "同时", "即系", "即是", "就系", "亦即",
    # "the rest" of what the sentence counted (建成服务站2个，其余4个正在建设): no noun of its own, so the
    # figure takes the sentence's subject (session 8's probe). (Not 其他 "other", which opens a noun:
    # 这些其他界别, real-text gold.)
    "其余",
)
_SUBJECT_LEAD_WORDS_RE = re.compile(
    "^(?:" + "|".join(sorted(map(re.escape, SUBJECT_LEAD_WORDS), key=len, reverse=True)) + ")+")
# A noun phrase's head follows its last modifier marker: 职业司机的平均薪酬 names 平均薪酬, and a
# quoted term closes before the head it modifies (「年长护老者」长期病中位数). Only taken when at least
# this many characters remain after it (两字 is the shortest Chinese noun that names a count).
_MODIFIER_MARK = re.compile(r"[的」』”》]")
MIN_HEAD_CHARS = 2
# The part of a span after 的 before a length (执政的最初一百天, 罢工的头三天, 任期的最后两年): the length
# is of the thing before 的 (tests/gold/pages_facts.yaml).
_SPAN_HEAD = re.compile(r"最初|最后|头|首|开头|开始")
# An ordinal before a noun (第一次工人代表大会, 第十四次代表大会, 第三届职工技能大赛: mainland meeting and
# contest names; tests/gold/pages_facts.yaml): which of a series, no part of the shortest noun phrase.
_ORDINAL = re.compile(r"第[0-9一二三四五六七八九十百]+(?:次|届|期|批)")
# A bracketed gloss (GDP), (生果金) inside the text before a number.
_GLOSS = re.compile(r"[(（][^()（）]{0,24}[)）]")
_OPENERS = (("(", ")"), ("（", "）"), ("「", "」"), ("“", "”"), ("『", "』"))
# Verbs of change to a new figure (跌至, 增加到, 调升至, 提高到): one vocabulary for the subject rules that
# read them — _CHANGE_TO (what changed stands before it) and _NAMES_NOTHING (the verb alone, with or without
# its 至 / 到 / 为, names nothing). The union of the two lists those rules kept before (session 8).
CHANGE_VERBS: tuple[str, ...] = (
    "跌", "增", "降", "升", "减", "裁", "涨", "加", "回升", "上升", "下降", "增加", "减少", "提高", "提升", "调高",
    "调低", "调升", "调降", "调整", "延长", "缩短", "上调", "下调", "回落", "上涨", "下跌",
)
_CHANGE_VERB = "(?:" + "|".join(sorted(CHANGE_VERBS, key=len, reverse=True)) + ")"
# A change to a figure (跌至, 增加到): what changed stands before it.
_CHANGE_TO = re.compile(_CHANGE_VERB + "(?:至|到)")
# A change verb, its object, then 到 / 至 and the figure (增加侍产假到七天, 延长试用期至90天): the
# object is what changed. The object is a noun of 2-8 characters (MAX_POSSESSIVE_NP_CHARS).
_CHANGE_OBJ_TO = re.compile(r"(?:增加|延长|提高|减少|缩短|调高|调低|上调|下调)(?P<obj>[^，,的\d]{2,8}?)(?:到|至)$")
# 底薪的跌幅, 工资的增幅: a change named as a noun; what changed is before it.
_CHANGE_OF = re.compile(r"的?(?:最高|最低|平均)?(?:跌幅|升幅|增幅|涨幅|降幅|增长率|增长|(?:收缩|萎缩|下跌|上升)?幅度)$")
# 较 / 比 open a comparison base (销售价格较去年同期); not inside 环比, 对比, 相比, 比例, 比率, 比较.
_COMPARE = re.compile(r"(?<![环对相同])(?:较|比)(?![例率较如])")
_CHANGE_NOUN = re.compile(r"(?:涨幅|跌幅|升幅|增幅|降幅|幅度)")
# The highest / lowest / average of changes just listed (由14至36%(…为最高跌幅36%)); a bare 涨幅 may be
# a claim of its own (涨幅比上月回落0.3个百分点: the change itself changed).
_CHANGE_NOUN_ONLY = re.compile(r"(?:最高|最低|平均)(?:涨幅|跌幅|升幅|增幅|降幅|幅度)")
# Disposal 将 / 把 (政府只愿意将男士侍产假增加到): its object is what the figure is about
# (将近, 将会, 将来, 把握 are other words).
_DISPOSAL = re.compile(r"[将把](?![近会来要握])")
# A duty stated with 须 (团体须运作三年): the figure measures the activity after it.
_MODAL = re.compile(r"(?:必须|毋须|无须|须)")
# 在 as a preposition after a topic (吴敏儿在新西初选); not inside 现在, 正在, 存在, 所在, 实在, 在于, 在职.
_AT = re.compile(rf"(?<![现正存所实自])在(?![于场内{_AT_STATUS}])")
# A dating phrase opening the text before a number (今年首两个月固定资产投资, 1至2月全国网上零售额,
# 2月份, 第二季): the date is as_of's, not part of what is counted.
_CN_NUM = "0-9０-９一二两三四五六七八九十"
_TIME_LEAD = re.compile(
    r"^(?:今年|去年|明年|前年|上年|本年|上月|本月|今个月|本周|上周|昨日|今日|昨天|今天|目前|现时|现在|如今|当时|"
    r"先前|此前|翌日|同日|当日|"
    rf"(?:[0-9]{{4}}年)?(?:首[{_CN_NUM}]+个?月|[{_CN_NUM}]+(?:至[{_CN_NUM}]+)?月份?|第[一二三四]季度?|上半年|下半年)|"
    r"全国|全港|本港|全省|全市)+")


def _trim(subject: str) -> str:
    s = subject.strip()
    lead = _SUBJECT_LEAD.match(s)  # anchored at the start: one match at most
    if lead:
        s = s[lead.end() :]
    s = _SUBJECT_TAIL.sub("", s)
    return s.strip()


def _last(rx: re.Pattern[str], s: str) -> re.Match[str] | None:
    """The last match of `rx` in `s`."""
    found = None
    for found in rx.finditer(s):  # noqa: B007 (the loop keeps the last)
        pass
    return found


def _head(subject: str) -> str:
    """The shortest noun phrase in a run of text before a number (see SUBJECT_TAIL_WORDS)."""
    s = _GLOSS.sub("", subject)  # 本地生产总值(GDP)按年实质下跌: a gloss in brackets names nothing new
    for opener, closer in _OPENERS:
        # the number sits inside an open bracket or quote (「加薪30%」, (该区票王朱凯廸取得48,479票):
        # what it counts is inside too
        i = s.rfind(opener)
        if i != -1 and closer not in s[i:]:
            inner = _SUBJECT_TAIL_WORDS_RE.sub("", s[i + 1 :])
            s = s[i + 1 :] if len(inner) >= MIN_HEAD_CHARS else s[:i]  # 津贴金额(每月2,495元): before it
    obj = _CHANGE_OBJ_TO.search(s)
    if obj is not None:
        return obj.group("obj")  # 支持增加侍产假到(七天): the object of the change is what changed
    change_to = _last(_CHANGE_TO, s)
    if change_to is not None and change_to.start() >= MIN_HEAD_CHARS:
        s = s[: change_to.start()]  # 接种人数跌至最低纪录的1,000人: what fell to the figure
        if s.endswith((")", "）")) and "(" not in s and "（" not in s:
            return ""  # 34元(澳门币,下同)调升至35元: the clause began inside a bracket; nothing before names a noun
    s = _SUBJECT_TAIL_WORDS_RE.sub("", s)
    compare = _COMPARE.search(s)
    if compare:  # 销售价格比上月: the base is base_text's, not the subject's
        s = s[: compare.start()]
    change_of = _CHANGE_OF.search(s)
    if change_of and change_of.start() >= MIN_HEAD_CHARS:
        s = s[: change_of.start()]  # 底薪的跌幅: the base pay is what changed
    for rx in (_DISPOSAL, _MODAL):
        cut = _last(rx, s)
        if cut is not None and len(s) - cut.end() >= MIN_HEAD_CHARS:
            s = s[cut.end() :]
    at = _AT.search(s)
    if at and at.start() >= MIN_HEAD_CHARS and "的" not in s[at.end() :]:  # (在柬埔寨的道路工程: a modifier)
        s = _SUBJECT_TAIL_WORDS_RE.sub("", s[: at.start()])  # 吴敏儿在新西初选只取得: the topic before 在
    ordinal = _last(_ORDINAL, s)
    if ordinal is not None and len(s) - ordinal.end() >= MIN_HEAD_CHARS:
        s = s[ordinal.end() :]  # 迪化市第一次工人代表大会: the ordinal says which of a series; the head follows
    marks = list(_MODIFIER_MARK.finditer(s))
    if marks and _SPAN_HEAD.fullmatch(s, marks[-1].end()):
        s = s[: marks[-1].start()]  # 执政的最初(一百天): a part of a span says which part; the span is of 执政
    elif marks and len(s) - marks[-1].end() >= MIN_HEAD_CHARS:
        s = s[marks[-1].end() :]
    if _SUBJECT_LEAD_WORDS_RE.fullmatch(s):
        return ""  # a conjunction alone (虽然, 但是) names nothing
    for rx in (_SUBJECT_LEAD_WORDS_RE, _TIME_LEAD):
        lead = rx.match(s)
        if lead and len(s) - lead.end() >= MIN_HEAD_CHARS:
            s = s[lead.end() :]
        elif lead and rx is _TIME_LEAD and lead.end() == len(s):
            return ""  # a date alone (2月份, 今年) says when, not what
    s = _trim(s.strip("「」『』“”\"'()（）|-— "))
    return s if len(s) >= MIN_HEAD_CHARS else ""


_head_cached = lru_cache(maxsize=SEGMENT_CACHE_SIZE)(_head)


def _after_run(text: str, start: int, end: int) -> int:
    """Where the noun run starting at `start` stops (a verb, a particle, a figure: see _AFTER_STOP)."""
    stop = end
    pos = start
    while True:  # the first stop that does not open a noun compound (a finditer, one search at a time)
        m = _AFTER_STOP.search(text, pos, end)
        if m is None:
            break
        if _COMPOUND_RE.match(text, m.start()) is None:
            stop = m.start()
            break
        pos = m.end()
    digit = _NUMBER_IN.search(text, start, stop)
    return digit.start() if digit else stop


# A run after a figure that opens with another numeral and measure word (距离不足15米一处, 3个一组)
# counts something of its own: it is not the noun the figure counts.
_COUNTED_AGAIN = re.compile(r"[一二两三四五六七八九十几每][处个名位间宗只条件项组批次]")
# Measure words that count only people (名, 位; 人 as a unit is its own noun).
PERSON_CLASSIFIERS = "名位"
# ... and the last characters of the person nouns they count (会员, 记者, 工人, 学生, 护士 …): a run
# after 名 that ends otherwise is a relative clause (5名偷渡台湾的港人), and its 的-noun is counted.
PERSON_NOUN_ENDS = (*"员者人生师友士长民众属户客匠手家官警护医",
                    # 工 ends people only in these (罢工, 复工 are verbs: 7,000位罢工的医护员工)
                    "员工", "职工", "劳工", "社工", "义工", "女工", "技工", "民工", "童工", "散工",
                    # 代表 "delegate(s)" (城市的代表共八百余人出席: tests/gold/pages_facts.yaml); 子女 "children"
                    # (困难职工子女: union relief news)
                    "代表", "子女")


# A list of four-character descriptions joined by 、 before 的 (25个环境舒适、功能齐全、富有特色的工会驿站: mainland
# reports describe what they built so): the noun after 的 is counted. Four characters, the set-phrase length
# of such descriptions; a list of kinds (省、自治区、直辖市的) has shorter items and is what is counted.
_DESCRIPTOR_LIST = re.compile(r"(?:[\u4e00-\u9fff]{4}、){1,4}[\u4e00-\u9fff]{4}的(?=[\u4e00-\u9fff])")


def _after_noun(text: str, start: int, end: int, complement: bool = False) -> tuple[str, int]:
    """The noun phrase a number-with-unit counts, read after it, and where that phrase ends.

    为187.45万名职工 → 职工. Number + measure word + modifiers + 的 + noun: the noun after the last 的
    is what is counted (5个经劳工处登记的工会 → 工会, 16岁的女儿 → 女儿, 70岁或以上的人士 → 人士),
    unless the number is the result of a change (增加到七天的修正案: 七天 is what 侍产假 became, the
    修正案 is not counted — `complement`). A parenthesis right after the number is a gloss and is
    skipped (100亿元(以1994年港元计算)的注资); a quoted name right after it is the group counted
    (74.7%「年长护老者」不知道) or a modifier of the noun that follows (15名《苹果日报》前员工).
    Returns ("", start) when no noun follows.
    """
    pos = start
    if pos < end and text[pos] in "(（":
        gloss = _PAREN_CLOSE.search(text, pos, min(end, pos + MAX_GLOSS_CHARS))
        if gloss is not None:
            pos = gloss.end()
    for _ in range(2):  # at most one modifier (…的 or a quoted name) before the head noun
        listed = None if complement else _DESCRIPTOR_LIST.match(text, pos, end)
        if listed is not None:  # 25个环境舒适、功能齐全、富有特色的工会驿站: the noun after the list's 的
            pos = listed.end()
            continue
        if pos < end and text[pos] in _QUOTE_CLOSE:
            close = text.find(_QUOTE_CLOSE[text[pos]], pos + 1, min(end, pos + 1 + MAX_SUBJECT_CHARS))
            if close == -1:
                return "", start
            rest = _after_run(text, close + 1, end)
            if rest - (close + 1) >= MIN_HEAD_CHARS:
                return text[close + 1 : rest].strip(), rest
            quoted = text[pos + 1 : close].strip()
            return quoted, close + 1
        stop = _after_run(text, pos, end)
        passive = (pos == start and start > 0 and text[start - 1] in PERSON_CLASSIFIERS
                   and _PASSIVE_OPENER.match(text, pos) is not None)
        if stop < end and text[stop] != "的" and (passive or _RELATIVE_OPENER.match(text, pos)):
            # a relative clause that opens with 经 / 由 / 穿着 … runs over its own verbs to its 的
            # (12个经社会福利署资助的长者中心)
            de = text.find("的", stop, min(end, pos + MAX_SUBJECT_CHARS + 1))
            if de != -1 and not _HARD_STOP.search(text, pos, de):
                stop = de
        if (not complement and stop < end and text[stop] == "的" and stop - pos <= MAX_SUBJECT_CHARS
                and stop + 1 < end and text[stop + 1] not in _NOT_NOUN_START
                and (stop == pos or _RELATIVE_CLAUSE.search(text, pos, stop) or _RELATIVE_OPENER.match(text, pos))):
            pos = stop + 1
            continue
        run = text[pos:stop].strip()
        if _NOT_NOUN_LEAD.match(run) or _COUNTED_AGAIN.match(run):
            return "", start
        if (stop + 1 < end and text[stop] in "及和与" and start > 0 and text[start - 1] in PERSON_CLASSIFIERS
                and run.endswith(PERSON_NOUN_ENDS)):
            # people joined by 及 / 和 after 名 (50余名困难职工及农民工子女每人受资助): one group counted, when the
            # second is people too (a figure after 及 — 26名及15名护士 — is another count: no noun run)
            second = _after_run(text, stop + 1, end)
            if second - (stop + 1) >= MIN_HEAD_CHARS and text[stop + 1 : second].endswith(PERSON_NOUN_ENDS):
                return text[pos:second].strip(), second
        if (not complement and stop < end and text[stop] == "的" and run and start > 0
                and text[start - 1] in PERSON_CLASSIFIERS and not _RELATIVE_CLAUSE.search(run)
                and run.endswith(PERSON_NOUN_ENDS)):
            # 近500名会员的港铁新工会: 名 / 位 count people, so the bare noun right after them is the
            # people counted and 的 makes them the possessor of what follows (not counted)
            return run, stop
        if not complement and stop < end and text[stop] == "的" and run:
            # noun 的 noun (受访者的分数, 同行的朋友, 职工盟的成员工会): either may be what is counted,
            # so the noun phrase is kept whole when it is short
            head_end = _after_run(text, stop + 1, end)
            nominal = _VERB_RE.match(text, stop + 1) if head_end == stop + 1 else None
            if (nominal is not None and nominal.group(0) not in _COPULA_SET
                    and _after_run(text, nominal.end(), end) == nominal.end()):
                # a verb right after 的 that ends the noun run heads a noun phrase (电视文化的组织,
                # 工友的服务); followed by more noun (公司的注册地址) it is a modifier and the possessor
                # alone is counted, as before
                head_end = nominal.end()
            if head_end - (stop + 1) >= MIN_HEAD_CHARS and head_end - pos <= MAX_POSSESSIVE_NP_CHARS:
                return text[pos:head_end].strip(), head_end
        return run, stop
    return "", start


def _verb_matches(segment: str) -> list[re.Match[str]]:
    """Verb matches that are not inside a noun compound (服务站点, 工会组织)."""
    shielded: list[tuple[int, int]] = [m.span() for m in _COMPOUND_RE.finditer(segment)]
    if not shielded:
        return list(_VERB_RE.finditer(segment))
    return [
        m for m in _VERB_RE.finditer(segment) if not any(a <= m.start() < b for a, b in shielded)
    ]


def _before(segment: str) -> tuple[str, str | None]:
    """(subject, verb) from the text before a number: the last noun run and the last verb."""
    if len(segment) > SEGMENT_CACHE_MAX_CHARS:
        return _before_uncached(segment)
    return _before_cached(segment)


def _before_uncached(segment: str) -> tuple[str, str | None]:
    found = _verb_matches(segment)
    verb: str | None = None
    for m in reversed(found):
        if m.group(0) not in _COPULA_SET:
            verb = m.group(0)
            break
    else:
        if found:
            verb = found[-1].group(0)
    # The runs between verbs, from the last one back: the first that trims to something wins.
    end = len(segment)
    for m in reversed(found):
        s = _trim(segment[m.end() : end])
        if s:
            return s, verb
        end = m.start()
    return _trim(segment[:end]), verb


_before_cached = lru_cache(maxsize=SEGMENT_CACHE_SIZE)(_before_uncached)


# A number right after one of these is the result of a change (增加到七天, 调高至大约30万元), not
# the count of a noun that follows it (see _after_noun). 到 ending a verb of reaching or getting (达到,
# 得到, 收到, 拿到 …) is no change: 达到601票的当选门槛 names the threshold the figure is.
_COMPLEMENT_BEFORE = re.compile(r"(?<![达得收做拿找见接等遇听看])(?:至|到)(?:大约|约|近|逾|超过|多|了)?$|(?:低于|高于|少于|多于|等于|不超过|不少于|不低于|不高于)$")
# Legislative votes are written 15票赞成 / 18票反对: the count is of 赞成票 / 反对票.
VOTE_WORDS: tuple[str, ...] = ("赞成", "反对", "弃权")
# A share followed by 为 / 属于 names the part it is (七成为护士, 七成属于紧急服务岗位); a run that
# opens with a superlative is a comparison (30%为历来最高), not a part.
_SHARE_IS = re.compile(r"(?:属于|为|是)(?![最历新全])")
MAX_SHARE_PART_CHARS = 8


def _only_places(subject: str) -> bool:
    """True when a subject is only place names joined by 和 / 及 / 、 (北京和广州, 上海)."""
    if len(subject) > MAX_PLACE_LIST_CHARS:
        return False
    return _only_places_cached(subject)


@lru_cache(maxsize=SEGMENT_CACHE_SIZE)
def _only_places_cached(subject: str) -> bool:
    covered = 0
    for _, start, end, _ in find_places(subject):
        if subject[covered:start].strip("和及、与 "):
            return False
        covered = end
    return covered > 0 and not subject[covered:].strip()


# A list of places as long as 北京、上海、广州和深圳; a longer subject is not only places.
MAX_PLACE_LIST_CHARS = 12


_MONEY_NOUN_END = re.compile("(" + "|".join(sorted(MONEY_NOUNS, key=len, reverse=True)) + r")(?:每[年月]|共|已|达|都|亦|也|只|仅)?$")


def verb_of(text: str, seg_start: int, q: Quantity) -> str | None:
    """The verb before quantity `q` in its clause segment (see _before)."""
    return _before(text[seg_start : q.start])[1]


# Statistics releases count places or goods and name, right after them, the statistic measured over
# them (70个大中城市房地产市场价格涨幅, 4个一线城市新建商品住宅销售价格, 31个大城市城镇失业率, 50种重要生产资料
# 市场价格): the count's noun ends where one of these words of what is measured starts (at least
# MIN_HEAD_CHARS in: 城镇职工 keeps its 城镇).
STATISTIC_WORDS: tuple[str, ...] = (
    "房地产", "新建商品住宅", "二手住宅", "商品住宅", "城镇", "市场价格", "销售价格", "价格", "失业率", "涨幅",
    "跌幅", "增幅", "监测", "零售额", "平均工资",
)
_STATISTIC_AFTER = re.compile("|".join(sorted(STATISTIC_WORDS, key=len, reverse=True)))


# 人 right after a share is "people" (6成人选择) unless it opens a noun (人士, 人员, 人手, 人口, 人数 ...).
_SHARE_OF_PEOPLE = re.compile(r"人(?![士员手口数工力才民事均次类权情心])")
# An age stated of 年龄 (年龄介乎65岁至69岁而未有供款人士): the people the age describes are named after it,
# ending with one of these person nouns within MAX_SUBJECT_CHARS.
AGE_WORDS: tuple[str, ...] = ("年龄", "年纪", "岁数")
_AGED_PERSON = re.compile(r"(?:或以上|或以下|以上|以下)?(?:而|的)?(?P<who>[^，,。；;：:、()（）「」]{0,12}?(?:人士|长者|人))")


# A change word right after a length of time (连续10个月回落) names what lasted.
_CHANGE_AFTER_LENGTH = re.compile(r"回落|回升|上升|下降|上涨|下跌|增长|减少|增加|下滑")
# A numeral and a measure word alone (一位, 一名, 该名) name no one.
_MEASURE_ONLY = re.compile(r"[一两二三四五六七八九十该这那][位名个]")
_PERCENT_AFTER = re.compile(r"的?百分之")
# X(约)占Y的N%: X is the part counted, Y the whole (written to base_text, see _share_base)
# (and a count right after the whole, 占全市职工一万二千七百余人的…, counts the whole: 职工)
_SHARE_OF_IN_SUBJECT = re.compile(r"(?:约|近|逾|只|仅|已)?(?<![所合霸])占(?:了|据)?(?![有用比领的])(?P<whole>.*)$")


# A Latin-letter word inside a Chinese noun phrase (1个Editorial Engineer) is one word: a length limit
# in characters counts it as one.
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:[ .-][A-Za-z]+)*")


def _word_len(s: str) -> int:
    """Length in characters, a run of Latin words counting as one."""
    return len(_LATIN_WORD.sub("x", s)) if s.isascii() or _LATIN_WORD.search(s) else len(s)


# Measure words that count things of any kind (not people, not a length): after them a one-character
# noun that ends its clause is what is counted (两个牌, 三间店).
GENERIC_CLASSIFIERS = frozenset({"个", "间", "只", "条", "件", "项", "张", "块", "台", "辆", "所", "家"})
# Words that end a noun compound about the noun before them (侍产假修正案表决结果, 最低工资检讨报告):
# documents, decisions and their results.
_ABOUT_HEADS = re.compile(r"修正案|修订案|议案|草案|方案|表决结果|结果|报告|检讨|条例")


def _subject_verb(text: str, q: Quantity, seg_start: int, clause_end: int, limit: int | None = None,
                  joined_next: Quantity | None = None,
                  topic: str | None = None) -> tuple[str | None, str | None, int, bool, str | None]:
    """(subject, verb, end of the claim phrase, predicate follows, statistic) for quantity `q` in the clause.

    "statistic" is the whole noun run when a statistic follows the counted noun (70个大中城市房地产市场价格:
    the count is of 大中城市, the figures that follow in the sentence are of the whole run); else None.

    `limit` is where the next figure of the clause starts (a noun after this one ends there).
    "predicate follows" is True when the number itself is the subject of a verb (74.7%不知道,
    约9成表明支持): the group counted was named earlier (see facts_in_text)."""
    end = clause_end if limit is None else min(clause_end, limit)
    complement = (_COMPLEMENT_BEFORE.search(text, max(seg_start, q.start - 5), q.start) is not None
                  or _COMPLEMENT_BEFORE.search(text, max(seg_start, q.start - 5), q.num_start) is not None)
    after, after_end = _after_noun(text, q.end, end, complement)
    if end < clause_end:
        # a relative clause may hold the next figure (五位年薪过百万的立法会议员): its 的-noun is counted
        full, full_end = _after_noun(text, q.end, clause_end, complement)
        # (Not when a 的 stands before the next figure: 一颗七百四十公斤的海洋气象观测卫星送入离地球九百公里的轨道 —
        # the satellite is this figure's noun, and the next figure's clause is its own: tests/gold/pages_facts.yaml.)
        if full and full_end > end and "的" in text[q.end : full_end - len(full)] and "的" not in text[q.end : end]:
            after, after_end = full, full_end
    if _PERCENT_AFTER.match(text, q.end) or text.startswith("者", q.end):
        # 职工一万二千七百余人的百分之八十二: a percentage in words after a figure is the next figure, no noun;
        # 者 right after a figure makes the phrase a noun (逾三月者 "those of over three months", 年满65岁者:
        # 1948 bank terms in tests/gold/pages_facts.yaml): what is counted is named before it
        after, after_end = "", q.end
    if not after and joined_next is not None:
        # the low end of a range or the first of a list (26名及15名护士, 1.3至1.4万名): the noun
        # after the last figure counts them all
        after, noun_end = _after_noun(text, joined_next.end, clause_end, complement)
        # (a figure written right against the next shares its whole phrase, and so its time after it)
        after_end = noun_end if joined_next.start == q.end else q.end
    before_text = text[seg_start : q.start]
    if "以" in before_text:
        before_text = _FRAME.sub("", before_text)  # 以现时的物价来说: a standard of comparison, not a noun
    before_subject, verb = _before(before_text)
    phrase_end = q.end
    if text[q.end - 1 : q.end] in "人名位" and q.start > 0 and text[q.start - 1] == "等" and text.startswith("为", q.end):
        # names, 等 + N people + 为 + a role (选出李楚离、刘云等二十三人为省总工会筹备委员会委员): the people are
        # counted as the role they were made (tests/gold/pages_facts.yaml: 2 of its subject misses, session 8)
        role_end = _after_run(text, q.end + 1, end)
        if MIN_HEAD_CHARS <= role_end - (q.end + 1) <= MAX_SUBJECT_CHARS:
            return text[q.end + 1 : role_end], verb, role_end, False, None
    if (after and text[q.end - 1 : q.end] == "人" and (people := _head_of(before_subject)).endswith(PERSON_NOUN_ENDS)
            and not before_text[: before_text.rfind(people)].endswith("有")):
        # N人 + what they did (青年工人已有八千余人报名参加…, 各界人民约三万人的热烈欢迎, 城市的代表共八百余人
        # 出席了): 人 is itself the noun, so the run after it is the predicate and the people counted are the
        # person noun before the figure (tests/gold/pages_facts.yaml: 3 of its subject misses, session 8). Not
        # people introduced by an existential 有 (连续3天有医生及患者等共5人确诊: there were N who V-ed, and
        # the event is what the real-text gold counts).
        after = ""
        before_subject = people
    subject: str | None = None
    statistic: str | None = None
    predicate = False
    # After an amount or a percentage the noun is what is counted only when it is short (87.5%受访者,
    # 1062万元津贴); a longer run is the rest of the predicate (30%的工资用于 ...).
    max_after = MAX_AFTER_MONEY_CHARS if q.unit in ("元", "%") else MAX_SUBJECT_CHARS
    if q.unit == "元" and not q.unit_text:
        # money read from the noun before it (年薪过百万, 首天营业额超过1000万: numbers.MONEY_NOUNS): that
        # noun is what the amount is
        noun = _MONEY_NOUN_END.search(text, max(seg_start, q.start - 8), q.start)
        if noun is not None:
            return noun.group(1), verb_of(text, seg_start, q), q.end, False, None
        after = ""
    if q.unit == "%" and _SHARE_OF_PEOPLE.match(text, q.end):
        # 近6成人选择…, 逾7成人来年将…: a share of "people" followed by what they do counts the group
        # the paragraph named (受访者, 中学生), as 74.7%不知道 does
        return None, verb, q.end + 1, True, None
    if len(after) > max_after and "的" in after:
        after = after.split("的", 1)[0]  # a possessive phrase too long to follow a share: its possessor
    if text[q.end - 1 : q.end] == "人" and not after:
        # 人 is the noun itself: N人在X+V (约100人在站外聚集) counts the people doing V, the verb ending
        # the locative phrase (two characters, a Chinese verb's most common length: see _activity_before)
        loc = _LOCATIVE_ACTIVITY.match(text, q.end, end)
        if loc is not None:
            return loc.group(0)[-MIN_HEAD_CHARS:], verb, loc.end(), False, None
    if q.unit in TIME_LENGTH_UNITS or q.unit in ACTIVITY_UNITS:
        activity = _activity(text, q, seg_start, end, after, clause_end)
        if activity is not None:
            return activity, verb, q.end, False, None
    if (len(after) == 1 and q.unit in GENERIC_CLASSIFIERS and after_end < len(text)
            and CLAUSE_BREAK.match(text, after_end) and not _NOT_NOUN_LEAD.match(after)):
        subject, phrase_end = after, after_end  # 要拿两个牌,: a one-character noun ending the clause
    elif (q.unit in TIME_LENGTH_UNITS and _word_len(after) > MAX_ACTIVITY_CHARS
          and (about := _ABOUT_HEADS.search(after, MIN_HEAD_CHARS)) is not None):
        # 7日侍产假修正案表决结果: a length before a noun compound measures its first noun; the
        # document or result words that end the compound (修正案, 表决结果) are about that noun
        subject, phrase_end = after[: about.start()], after_end
    elif q.unit == "票" and text.startswith(VOTE_WORDS, q.end):
        subject = text[q.end : q.end + 2] + "票"
    elif len(after) >= 2 and _word_len(after) <= max_after:
        stat = _STATISTIC_AFTER.search(after, MIN_HEAD_CHARS)
        if stat is not None and q.unit not in ("元", "%"):
            statistic = _trim(_SUBJECT_TAIL_WORDS_RE.sub("", after)) or None  # (销售价格上涨: the price)
            after = after[: stat.start()]  # 70个大中城市房地产市场价格: the cities are counted
        subject = _trim(after) or None
        phrase_end = after_end
        vm = _VERB_RE.match(text, phrase_end)
        if vm and vm.group(0) not in _COPULA_SET:
            verb = vm.group(0)
    elif len(after) < MIN_HEAD_CHARS and (q.unit == "%" or not after):
        # a part named after 为 / 属于 / 是 (七成为护士, 就有7人是外籍教师), only when nothing before names
        # the whole (所谓加薪三成是误导公众: 加薪 is measured)
        share = None if _head_of(before_subject) else _SHARE_IS.match(text, q.end)
        if share:
            stop = _after_run(text, share.end(), end)
            part = text[share.end() : stop].strip()
            if MIN_HEAD_CHARS <= len(part) <= MAX_SHARE_PART_CHARS:
                subject, phrase_end = part, stop
        elif q.unit == "%":
            predicate = _AFTER_STOP.match(text, q.end) is not None and text[q.end] not in _AFTER_STOP_CHARS
    if subject is None and topic is not None and q.unit not in ACTIVITY_UNITS and _YEAR_LED.match(_head_of(before_subject)):
        subject = topic  # (津贴金额方面,1994年建议每月可获得2,300元: see _TOPIC_FANGMIAN)
    if subject is None:
        subject = _head_of(before_subject) or None
        in_brackets_age = q.unit == "岁" and q.start > 0 and text[q.start - 1] in "(（"
        agent = (_AGENT_PRONOUN.match(subject) if subject is not None
                 and (in_brackets_age or q.unit in ACTIVITY_UNITS) else None)
        if subject is not None and agent is not None and len(subject) - agent.end() >= MIN_HEAD_CHARS + 1:
            subject = subject[agent.end() :]  # 她喂被告麦佩珊(35岁): the pronoun is the clause's agent
        if subject is not None and q.unit in ACTIVITY_UNITS:
            subject = _activity_before(subject, before_text[-MAX_SUBJECT_CHARS - 2 :], q.unit)
            if subject in HOLDING_VERBS and (held := _head_of(_before(before_text[: before_text.rfind(subject)])[0])):
                # 大会将举行四天: a verb of holding an event names no activity of its own; the event held is
                # what lasted (tests/gold/pages_facts.yaml)
                subject = held
    if subject is None and q.unit in ACTIVITY_UNITS and not after:
        # 连续10个月回落, 连续三年上升: what went on for the length is the change written after it
        change = _CHANGE_AFTER_LENGTH.match(text, q.end)
        if change is not None:
            subject = change.group(0)
    if q.unit == "岁" and _MEASURE_ONLY.fullmatch(_head_of(before_subject) or "x"):
        # 一位63岁仍愿意…的长者: an age after a bare measure word describes the 的-noun after it
        de = text.find("的", q.end, min(clause_end, q.end + MAX_SUBJECT_CHARS))
        if de != -1 and not _HARD_STOP.search(text, q.end, de):
            described = text[de + 1 : _after_run(text, de + 1, clause_end)].strip()
            if len(described) >= MIN_HEAD_CHARS:
                subject = described
    if q.unit == "岁" and (_head_of(before_subject) in AGE_WORDS
                          or (subject is None and _JOINED.fullmatch(text, seg_start, q.start))):
        # (the high end of 介乎60岁至64岁 has only 至 before it: the range's people are its too)
        aged = _AGED_PERSON.match(text, joined_next.end if joined_next is not None else q.end, clause_end)
        if aged is not None and len(aged.group("who")) >= MIN_HEAD_CHARS:
            subject = aged.group("who")
    return subject, verb, phrase_end, predicate, statistic


# A frame of reference before a figure (以现时的物价来说, 以1994年港元计算, 以人数而言) says by what
# standard the figure is given, not what it counts: it is left out of the text a subject is read from.
_FRAME = re.compile(r"以[^，,。；;：:以]{1,12}?(?:来说|而言|计算|来计|计)")
# A sentence opening with "X方面," (津贴金额方面,…; 薪酬方面,…) names its topic: a figure of that
# sentence with no noun after it is about X, not about a word of its own clause (1994年建议每月可获得).
# X is a noun phrase of 2-8 characters (MAX_POSSESSIVE_NP_CHARS).
# The rule applies to the clause right after the topic, and only when the noun read before the figure
# opens with a year (1994年建议 is a date and a verb, no noun: the topic is the sentence's subject); a
# clause with a noun of its own (底薪的跌幅, 全体有表决权会员) keeps it.
_YEAR_LED = re.compile(r"[0-9]{4}年")
_TOPIC_FANGMIAN = re.compile(r"\s*(?P<t>[^，,。；;：:！!？?\n\d]{2,8}?)方面[，,]")


# A run before an age in brackets or a length or count of an activity that opens with a subject pronoun
# (她喂被告麦佩珊(35岁), 她在国泰工作6年) holds the clause's agent: the bracketed age is of the noun right
# before it, the length of the activity after the agent, so the pronoun is dropped. (Before a plain
# age the pronoun is the person: 他案发时18岁.)
_AGENT_PRONOUN = re.compile(r"(?:她们|他们|它们|我们|你们|我哋|佢哋|她|他|它|我|你|佢)(?!们|哋|的|和|及|与|同|跟)")  # (他和妻子: a pair, kept)


# Units that measure an activity (how long, how often): a length of time, a number of times or blows.
ACTIVITY_UNITS = frozenset({"年", "个月", "天", "日", "星期", "周", "小时", "分钟", "次", "度", "下"})
# An activity named before such a figure is a short verb phrase (停工, 入住, 延长试用期: the real-text
# gold's longest is 7 characters); a longer run holds its agent and adverbials too, and is cut after the
# last of these markers (passive 被, 曾 / 曾经, cause 因, 已 / 已经, 之后, 又, 再, 仍, and 与 / 跟 of
# whom it was done with: 员工代表周三与资方会面了两次 -> 资方会面).
MAX_ACTIVITY_CHARS = 7
# (同 is left out: it is as often inside a name, 陈同佳, as "with".)
_ACTIVITY_CUT = re.compile(r"被|曾经|曾|因为|因|已经|已|之后|又|再|仍|与|跟")


# Lengths of time (not counts of times): the units an interval before an event is measured in.
TIME_LENGTH_UNITS = frozenset({"年", "个月", "天", "日", "星期", "周", "小时", "分钟"})
# Verbs of holding an event (大会将举行四天, 会议召开三天): the event is what lasts, not the verb.
HOLDING_VERBS = frozenset({"举行", "召开", "举办", "进行"})
# Personal pronouns: an object pronoun after a verb of acting on someone (掌掴她两边面颊约10下, 打了他
# 三拳) ends the activity; what follows it is the part acted on.
_OBJECT_PRONOUN = re.compile(r"(?:她们|他们|它们|我们|你们|她|他|它|我|你)")
# A length of time after "event + 前 / 后" (在登记前12个月, 退休后3年) is the interval before or after
# that event: the event and its 前 / 后 are what is measured. Not 以前 / 之前 / 目前 / 此后 (time words).
# The event starts the clause or follows 在 / 于 / a bracket or quote (a run cut out of a longer clause,
# 聂德权上任公务员事务局后, would be half a word); it is a short verb phrase, at most MAX_ACTIVITY_CHARS - 1
# characters before its 前 / 后 (用场前, 传媒报道前).
_BEFORE_EVENT = re.compile(r"(?:^|(?<=[在于」』”)）\s]))(?P<x>[^\W\d_之以目此然其事最在于]{2,6}[前后])$")
# After a length of time or a count of times, 在 + place + verb (连续10年在香港居住, 三次在街道上游行)
# is the activity; it ends at the clause end or a conjunction. Its longest shape in news prose is a
# 2-4 character place and a 2-character verb, MAX_ACTIVITY_CHARS + 1 in all.
_LOCATIVE_ACTIVITY = re.compile(r"在[^，,。；;：:！!？?\n、0-9的]{3,7}?(?=[，,。；;：:！!？?\n]|甚至|并且|并|而且|然后|之后|$)")


# A clause that is only a verb of spending time before a length (用了29分钟罗列…): the time was spent
# on the event the clause before names (首轮发言,用了29分钟…), not on the predicate after the length.
_TIME_SPENT = re.compile(r"(?:用了|花了|用咗|花咗|历时|耗时)")
# A length followed by an existential clause ending its sentence's clause (连续3天有5人确诊): what went
# on for the length is the event verb that ends it (two characters: see _activity_before).
_EXISTENTIAL_AFTER_LENGTH = re.compile(r"有[^，,。；;：:！!？?\n]{1,12}?(?=[，,。；;：:！!？?\n])")


def _activity(text: str, q: Quantity, seg_start: int, end: int, after: str, clause_end: int) -> str | None:
    """What a length of time or count of times measures, when the syntax says so (else None)."""
    before = text[seg_start : q.start]
    if q.unit in TIME_LENGTH_UNITS:
        event = _BEFORE_EVENT.search(before)
        if event is not None:
            return event.group("x")
    loc = _LOCATIVE_ACTIVITY.match(text, q.end, end)
    if loc is not None and not after:
        return loc.group(0)
    if q.unit in TIME_LENGTH_UNITS:
        exist = _EXISTENTIAL_AFTER_LENGTH.match(text, q.end, min(len(text), clause_end + 1))
        if exist is not None:
            return exist.group(0)[-MIN_HEAD_CHARS:]
        if _TIME_SPENT.fullmatch(before.strip()):
            # (a clause of time names the event that took it: 首轮发言时,用了29分钟)
            topic = _topic_before(text, seg_start, text.rfind("。", 0, seg_start) + 1, when_ok=True)
            head = _head(topic) if topic else ""
            if head:
                return head
    return None


# What shows that the last word of a long run is its verb (see _activity_before): a preposition or a
# directional verb opening a phrase before it, or a list of agents.
_BEFORE_FINAL_VERB = re.compile(r"(?<=[送转前运寄飞开驶押移])往|向|对(?!于)|跟|、")
# 用 "with" opening an instrument before the verb of acting (雇主用木棍殴打他); not inside 使用, 费用,
# 采用, 利用, 应用, 作用, 运用, 享用, 信用, 录用, 聘用, 雇用, 动用, 用户, 用品, 用途.
_INSTRUMENT = re.compile(r"(?<![使费采利应作运享信录聘雇动])用(?![户品途])")


# Counts of strokes or times (掌掴她约10下, 打了他三次): the pronoun after the verb is the one acted on.
# (Before a length of time a pronoun is often the subject of a second verb: 安排他们隔离14天.)
STROKE_UNITS = frozenset({"下", "次"})


def _activity_before(subject: str, raw: str | None = None, unit: str = "") -> str:
    """The activity in a run of text before a length or count: the verb phrase, not its agent."""
    if len(subject) > MAX_ACTIVITY_CHARS:
        # 整间公司曾因疫情停工一星期, 员工被延长试用期120天: what lasted or recurred is the verb
        # phrase after the last passive, cause or aspect marker, not the agent before it
        cut = _last(_ACTIVITY_CUT, subject)
        if cut is not None and len(subject) - cut.end() >= MIN_HEAD_CHARS:
            subject = subject[cut.end() :]
    pronoun = _OBJECT_PRONOUN.search(subject, MIN_HEAD_CHARS) if unit in STROKE_UNITS else None
    if pronoun is not None:
        subject = subject[: pronoun.start()]  # 用双手掌掴她两边面颊: the acting, not the part acted on
        instrument = _INSTRUMENT.search(subject)
        if instrument is not None and len(subject) - instrument.start() > MIN_HEAD_CHARS:
            subject = subject[instrument.start() :]  # (雇主用木棍殴打: the agent before 用 is cut)
    if len(subject) > MAX_ACTIVITY_CHARS and _BEFORE_FINAL_VERB.search(raw or subject):
        # still a clause whose last word is the verb the length or count complements: after a
        # prepositional or directional phrase (送往医院精神科入住, 向老年退休金计划供款) or a list of
        # its agents (司库、行政主任署任); a Chinese verb is most often two characters
        subject = subject[-MIN_HEAD_CHARS:]
    return subject


def _head_of(before_subject: str) -> str:
    """_head of the text before a number, cached like _before (openings repeat across articles)."""
    if not before_subject:
        return ""
    head = _head_cached(before_subject) if len(before_subject) <= SEGMENT_CACHE_MAX_CHARS else _head(before_subject)
    return head[-MAX_SUBJECT_CHARS:]


# 分别 ("respectively") spreads a list of figures over a list of things named before it, in order
# (北京和广州分别下跌0.2%和0.1%: 0.1% is 广州's; 新建商品住宅和二手住宅销售价格,按年分别上涨6.2%和3.0%:
# 3.0% is 二手住宅销售价格's). The list's items are split at these.
_LIST_SPLIT = re.compile(r"[和及与、]")
# A topic clause before a clause of figures (二手住宅销售价格,按年分别上涨…) is this short at most
# and holds no figure; the look-back is bounded so a long unbroken text stays linear.
MAX_TOPIC_CHARS = 24


def _topic_before(text: str, c_start: int, sentence_start: int, q_starts: list[int] | None = None,
                  when_ok: bool = False) -> str:
    """The clause before the one starting at c_start, in the same sentence, when it has no figure.

    With `q_starts` (the text's quantity starts, sorted) "no figure" means no quantity: a date in the
    topic (去年8月5日的大罢工) is no figure of its own. Without it, any digit counts as one."""
    j = c_start - 1
    lo = max(sentence_start, j - MAX_TOPIC_CHARS)
    if j <= lo:
        return ""
    prev = _last(CLAUSE_BREAK, text[lo:j])
    topic = text[lo + (prev.end() if prev else 0) : j]
    if prev is None and lo > sentence_start:
        return ""  # the clause before is longer than a topic
    t_start = lo + (prev.end() if prev else 0)
    if q_starts is not None:
        k = bisect_left(q_starts, t_start)
        has_figure = k < len(q_starts) and q_starts[k] < j
        # (a number with no unit — 人口62万, a name like 728 — is a figure too; only dates are not)
        has_figure = has_figure or _NUMBER_IN.search(_DATE_IN_TOPIC.sub("", topic)) is not None
    else:
        has_figure = _NUMBER_IN.search(topic) is not None
    if has_figure or _REPORTING_CLAUSE.search(topic) or (not when_ok and _WHEN_CLAUSE.search(topic)):
        return ""
    if _CAUSE_CLAUSE.match(topic) and t_start > sentence_start and q_starts is not None:
        # a clause of cause or condition (因父亲失业) says why, not who: the topic is the clause before
        # it (1937年在香港出世的容国团,因父亲失业,13岁被迫辍学), looked up once (no chain of them)
        return "" if _CAUSE_CLAUSE.match(before := _topic_before(text, t_start, sentence_start, q_starts)) else before
    return topic


# Dates inside a topic clause (去年8月5日的大罢工): no figure of its own.
_DATE_IN_TOPIC = re.compile(r"[0-9]{1,4}(?:年|月|日|号)")
_WHEN_CLAUSE = re.compile(r"(?:后|时|期间|前)$")
_CAUSE_CLAUSE = re.compile(r"因为|因|由于|如果|若|假如|只要")
# A clause that introduces what follows (初步测算, 据了解, 数据显示, 他说, 处长昨日指, 按2018年资料) is no
# topic of it, nor is a clause of time (晚会过后, 开会时, 疫情期间, 登记前): it says when, not what.
_REPORTING_CLAUSE = re.compile(r"(?:测算|了解|显示|表示|指出|透露|说|称|估计|统计|所知|认为|看来|而言|来说|发现|(?<!手)指)$|^[据根]|^[按依].{0,10}(?:资料|数字|数据|统计|估算)$")


# Distributive adverbs (前员工陆续登记申索, 工人纷纷离职) say a group acted one by one: in a topic clause
# with one, the group is the clause's subject, before the adverb, and the next clause's figure counts
# its members. (Other adverbs — 都会举办游行,有2500人参加 — leave the figure counting the event's people.)
_PREDICATE_ADVERB = re.compile(r"陆续|纷纷|相继|先后")


def _topic_subject(head: str) -> str:
    """The subject of a topic clause: its noun before a predicate adverb, else the whole head."""
    adverb = _PREDICATE_ADVERB.search(head, MIN_HEAD_CHARS)
    return head[: adverb.start()] if adverb is not None else head


def _shared_head(part: str, last: str) -> str:
    """新建商品住宅 + 二手住宅销售价格 → 新建商品住宅销售价格: an earlier list item takes the head the
    last one ends with, after the word they share."""
    for n in range(min(len(part), len(last)) - 1, 1, -1):
        at = last.find(part[-n:])
        if at != -1:
            return part + last[at + n :]
    return part


def _distribution(text: str, c_start: int, c_end: int, in_clause: list[Quantity],
                  sentence_start: int) -> dict[int, tuple[str | None, str | None]]:
    """{index in the clause: (subject, province)} for figures spread over a list by 分别."""
    fenbie = text.find("分别", c_start, in_clause[0].start)
    if fenbie == -1:
        return {}
    group = [0]
    for k in range(1, len(in_clause)):
        if not _JOINED.fullmatch(text, in_clause[k - 1].end, in_clause[k].start):
            break
        group.append(k)
    if len(group) < 2:
        return {}
    topic = _head(text[c_start:fenbie]) or _head(_topic_before(text, c_start, sentence_start))
    parts = [p.strip() for p in _LIST_SPLIT.split(topic)]
    if len(parts) != len(group) or any(len(p) < MIN_HEAD_CHARS for p in parts):
        return {}
    out: dict[int, tuple[str | None, str | None]] = {}
    last = in_clause[group[-1]]
    counted_after = len(_after_noun(text, last.end, min(c_end, last.end + MAX_SUBJECT_CHARS))[0]) >= MIN_HEAD_CHARS
    for k, part in zip(group, parts, strict=True):
        if _only_places(part) or counted_after:  # 分别有26名及15名护士: the figures count 护士
            places = find_places(part)
            out[k] = (None, places[0][0] if places and _only_places(part) else None)
        else:
            out[k] = (_shared_head(part, parts[-1]), None)
    return out


# Hong Kong, Macau and Taiwan writing names the mainland as a whole with these: a clause saying one
# (内地工人月薪3000元) is about no province of its article's region (the gold's rule: the province if
# the clause names one, else none), and its bare 元 is renminbi.
MAINLAND_WORDS = re.compile(r"内地|大陆|全国|中国|国家统计局")
# A clause stating a national statistic (全国城镇调查失业率, 全国社会消费品零售总额, 国家统计局's
# figures) is about no province in any article (issue 14: 中国/全国 is national, not a province).
# 全国 alone is not enough in a mainland article: it opens names and titles (中华全国总工会,
# 全国最美工会户外劳动者服务站点, 全国和省五一劳动奖), so only the statistical heads that follow it in
# national statistics releases count.
NATIONAL_WORDS = re.compile(r"国家统计局|全国(?:今年|首两月|[0-9一二三四五六七八九十]+月)?"
                            r"(?:城镇|居民|社会消费品|网上零售|固定资产|规模以上|平均|总人口|就业|失业)")
# (A total of the whole country, 全国共有工会会员四百九十余万人, 全国现有 / 已有, is regions.national_clause's:
# sentence_scope below.) A greater region of several provinces (the 大区 of 1949-1954 and today's 东北地区,
# 华东各省) is no one province either (the gold's rule for 全国).
GREATER_REGIONS = re.compile(r"(?:东北|华东|华北|华南|华中|中南|西南|西北)(?:区|地区|各省|各地)")
_SAR_REGIONS = frozenset({"香港", "澳门", "台湾"})
# A clause about a foreign country (日本上调最低时薪至930日元) is about no province (gold: null).
FOREIGN_PLACES = re.compile(r"日本|美国|英国|德国|法国|加拿大|澳洲|澳大利亚|新加坡|韩国|欧盟|欧洲|印度|越南|泰国|"
                            r"菲律宾|印尼|马来西亚|缅甸|俄罗斯")
# The currency of a bare 元 or $ by the region the amount is about; elsewhere (a mainland
# province, or no region) renminbi.
REGION_CURRENCY: dict[str, str] = {"香港": "HKD", "澳门": "MOP", "台湾": "TWD"}
DEFAULT_CURRENCY = "CNY"


def _region(text: str, article: Article, places: list[tuple[str, int, int, str]], place_starts: list[int],
            c_start: int, c_end: int, sentence_start: int) -> str | None:
    """The article's region, unless the clause [c_start, c_end) is about one other province.

    A clause is about a place it names as a place (在深圳, 广东各地, 深圳有300名工人: see
    regions.is_locative), not one it names in passing (北京要求, 武汉肺炎). In a Hong Kong, Macau or
    Taiwan article a clause about the mainland as a whole (内地, 全国) has no region.
    `places` are found once over the whole text (find_places is the costly part of extraction)."""
    named = set()
    for i in range(bisect_left(place_starts, c_start), len(places)):
        prov, start, end, _ = places[i]
        if start >= c_end:
            break
        if end <= c_end and is_locative(text, start, end, c_start):
            named.add(prov)
    others = named - {article.region}
    if len(others) == 1 and article.region not in named:
        return others.pop()
    if not named and FOREIGN_PLACES.search(text, c_start, c_end):
        return None
    if article.region in _SAR_REGIONS and not named and MAINLAND_WORDS.search(text, c_start, c_end):
        return None
    if not named and (NATIONAL_WORDS.search(text, c_start, c_end) or GREATER_REGIONS.search(text, c_start, c_end)):
        return None
    scope = sentence_scope(text, c_start, c_end, places, place_starts, sentence_start) if not named else None  # (全国…; 在广东,…)
    if scope is not None:
        return None if scope == NATIONAL_SCOPE else scope
    return article.region


# What joins two figures of one claim: a range (14至36%) or a list (0.2%和0.1%, 26名及15名).
_JOINED = re.compile(r"\s?(?:至|到|和|及|或|、|-|~|～|—)\s?")

# Measures (what kind of figure a fact is), in the order they are tried:
#   change      a difference against a base: the number right after a word of change (下跌98.1%,
#               加薪30%, 增约5,000元), not one after 至/到 (调高至30万元 is the new level)
#   share       a part of a whole or a rate: a percentage that is not a change
#   new         added or happening within a period (新建, 新增; lay-offs, applications: 裁员约30人)
#   cumulative  a running total (累计, 截至 ...)
#   level       everything else: a stock, size, amount, price, length or age at a time
MEASURE_LEVEL, MEASURE_CHANGE, MEASURE_SHARE = "level", "change", "share"
CHANGE_WORDS: tuple[str, ...] = (
    "增加", "减少", "上升", "下降", "下跌", "上涨", "增长", "回落", "回升", "急升", "急跌", "大跌", "大升", "飙升",
    "加薪", "减薪", "削减", "上调", "下调", "调高", "调低", "提高", "降低", "多了", "少了", "增幅", "跌幅", "升幅",
    "跌", "升", "增", "减", "涨", "加", "削",
    # a sown area widened, a date brought forward (扩大了二十多万亩, 提前了十多天: mainland farm reports,
    # tests/gold/pages_facts.yaml)
    # (提前 / 推迟 with 了 only: 提前两年兑现 says when a thing was done, not by how much it moved)
    "扩大", "缩小", "提前了", "推迟了",
)
# Between the change word and the number: an aspect particle or a linking word (增加了, 下跌达).
_CHANGE_BEFORE = re.compile(
    "(?:" + "|".join(sorted(CHANGE_WORDS, key=len, reverse=True)) + ")(?:了|达|逾|近|约|多|幅|为|超过|由)?$"
)
# How far before a number its change word is looked for (the longest word plus a particle).
_CHANGE_WINDOW = 5
# 较2019年同月, 比去年同期, 按年: the base a change is measured against (up to the change word).
# 比 inside 比率, 比例, 环比 (比率亦只不过下跌1.8%, 环比上涨0.2%) opens no base; a change word of
# two characters (激增, 大跌) ends the base before its first one (去年同期激增31%: base 去年同期).
_BASE_END_WORDS = CHANGE_WORDS + ("激增", "急增", "大增", "暴增", "锐减", "大减", "暴跌", "急降", "回落")
_BASE_RE = re.compile(r"(?:(?<![环对相同])(?:较|比)(?![例率较如重])|相比|对比|(?<![参给])与)"
                      r"(?P<base>[^，,。；;：:较比]{1,16}?)(?:相比|比较)?(?=" +
                      "|".join(sorted(_BASE_END_WORDS, key=len, reverse=True)) + ")")
# Adverbs between a base and its change word (比上月分别回落, 相比去年底仅上升) are not the base's.
_BASE_ADVERBS = re.compile(r"(?:分别|仅|只|亦|也|都|再|均|仍|已|更|大幅|略|稍|轻微)+$")
_BASE_WORDS = re.compile(r"按年|按月|按季|同比|环比|按周")
# Right before a number these say it was added or happened (新增8宗, 裁减约5900人), though 增 / 减
# alone are words of change.
_NEW_BEFORE = re.compile(r"(?:新增|裁减|裁员|裁走)(?:了|约|近|逾|超过)?$")
# A running total is stated as one (累计确诊355人, 至今共, 总共支取) whatever was counted.
_RUNNING_TOTAL = re.compile(r"累计|至今共|总共|合共")
# ... and what a war bulletin or a battle report counts: what was destroyed, taken, killed or freed in the
# period it covers (共消灭敌军六十一个整师, 缴获炮七千零六十九门, 打死越军三十五人, 解放了二十五个村庄, 伤亡达
# 八十六名: tests/gold/pages_facts.yaml), and the unemployed given work (一万一千余人合理解决了就业问题).
NEW_EVENT_WORDS = re.compile(r"裁员|裁走|遣散|解雇|辞退|新增|确诊|申请|辞职|离职|被捕|拘捕|入会|登记"
                             r"|消灭|歼灭|俘虏|俘掳|俘获|缴获|击落|击毁|击沉|打死|打伤|毙伤|毙敌|解放了|伤亡|解决了就业")
# 超过(原)计划的百分之五点七 / 超额完成计划百分之十: a figure above the plan, a change against it (while 完成计划的
# 百分之一百零二 is a share of it).
_ABOVE_PLAN = re.compile(r"(?:超过|超出|超额完成)[^，,。；;：:]{0,6}?(?P<base>计划|指标|定额)的?$")
_PLAN_BASES = frozenset({"计划", "指标", "定额"})
_ABOVE_PLAN_IN_SUBJECT = re.compile(r"(?:超过|超出|超额完成)[^，,。；;：:]{0,6}?(?:计划|指标|定额)的?$")


# The whole a share is of, when the text names it right before the figure with 占 (占医管局员工逾两成,
# 占了总开支约三成). Written to base_text like a change's base. 占 inside 占有, 占用率, 占比, 所占 is
# another word.
_SHARE_OF = re.compile(r"(?<![所合霸])占(?:了|据)?(?![有用比领的])(?P<of>[^，,。；;：:占\d]{2,16}?)的?"
                       r"(?:约|逾|近|超过|不足|大约|接近|多于|少于|差不多)?$")


def _share_base(text: str, c_start: int, q: Quantity) -> str | None:
    m = _SHARE_OF.search(text, max(c_start, q.start - 20), q.start)
    return (m.group("of").strip(" 的)）") or None) if m else None


def _measure(text: str, c_start: int, q: Quantity, phrase_end: int, lexicon_measure: str | None,
             as_of_text: str | None) -> tuple[str, str | None]:
    """(measure, base_text) of quantity `q` in the clause starting at c_start."""
    before = text[max(c_start, q.start - _CHANGE_WINDOW) : q.start]
    if _NEW_BEFORE.search(before):
        return metrics.MEASURE_NEW, None
    above_plan = _ABOVE_PLAN.search(text, max(c_start, q.start - 16), q.start)
    if above_plan:
        return MEASURE_CHANGE, above_plan.group("base")
    if q.unit == "百分点" or _CHANGE_BEFORE.search(before):
        head = text[c_start : q.start]
        base = _BASE_RE.search(head)
        if base:
            return MEASURE_CHANGE, _BASE_ADVERBS.sub("", base.group("base")).strip() or None
        words = _BASE_WORDS.search(head)
        return MEASURE_CHANGE, words.group(0) if words else None
    if q.unit == "%":
        return MEASURE_SHARE, _share_base(text, c_start, q)
    if lexicon_measure == metrics.MEASURE_NEW:
        return lexicon_measure, None
    if (lexicon_measure == metrics.MEASURE_CUMULATIVE or (as_of_text and as_of_text.startswith(("截至", "截止")))
            or _RUNNING_TOTAL.search(text, c_start, q.start)):
        return metrics.MEASURE_CUMULATIVE, None
    if NEW_EVENT_WORDS.search(text, c_start, min(len(text), phrase_end + 2)):
        return metrics.MEASURE_NEW, None
    return MEASURE_LEVEL, None


# A clause that is only a dating phrase (截至2023年6月, 2020年初, 今年以来) dates every clause of its
# sentence; a date inside another clause (1999年入职的车长, 月薪约2.9万元) dates only its own clause.
# This many characters besides the dating words still make a clause "only" one (其中/全省/已 ...).
DATING_CLAUSE_SLACK = 4
# 以1994年港元计算, 按2010年价格计算: the year whose money an amount is stated in dates the amount.
_PRICE_YEAR = re.compile(r"[以按]([0-9]{4})年(?:港元|港币|人民币|美元|价格|物价|币值|不变价)?计算")


def _as_of(text: str, index: AsOfIndex, sentence_start: int, c_start: int, c_end: int,
           q: Quantity, phrase_end: int) -> tuple[str | None, str | None]:
    """(as_of, as_of_text) of quantity `q` in the clause [c_start, c_end) of its sentence."""
    m = index.match_at(c_start, q.start)
    if m is not None and m.group("now") and m.group(0).startswith("现") and sentence_start < c_start:
        # 主席前日下午指,现有2.4万会员: the "now" of a reported statement is the day it was made
        said = index.match_at(sentence_start, c_start)
        if said is not None and not said.group("now"):
            brk = CLAUSE_BREAK.search(text, said.end())
            if _dated_report(text, said, brk.start() if brk else len(text)):
                m = said
    if m is None:
        price = _PRICE_YEAR.search(text, q.end, min(c_end + 16, q.end + 24))  # it must start within 2
        if price and price.start() - q.end <= 2:
            return f"{price.group(1)}-12-31", price.group(0)
    if m is None and sentence_start < c_start:
        m = index.match_at(sentence_start, c_start)
        if m is not None:
            brk = CLAUSE_BREAK.search(text, m.end())
            clause_end = brk.start() if brk else len(text)
            if (clause_end - m.end() > DATING_CLAUSE_SLACK and not _opens_sentence_clause(text, m, sentence_start)
                    and not _dated_report(text, m, clause_end)):
                # (8月27日,区总工会2013年金秋助学金发放,共发放…: a bare year naming an edition of an event in a middle
                # clause does not hide the date that opens the sentence; a day there does: 在今日的记者会上)
                first = CLAUSE_BREAK.search(text, sentence_start, m.start()) if _bare_year(m) else None
                m = index.match_at(sentence_start, first.start()) if first else None
                if m is not None and not _opens_sentence_clause(text, m, sentence_start):
                    m = None
    if m is None:
        # 11间大专院校在本周一(12日)罢课, 15名前员工今到审裁处: a time adverbial right after the counted
        # subject, in its clause
        gap = 1 if text.startswith(("在", "于"), phrase_end) else 0
        later = AS_OF_RE.match(text, phrase_end + gap, c_end)
        if later is not None and not is_base(text, later):
            m = later
    if m is None and c_end < len(text) and text[c_end] in "，,:：" and _SHOWS_END.search(text, max(c_start, c_end - 4), c_end):
        # 50种重要生产资料市场价格监测显示,3月上旬与2月下旬相比…: a survey's figures are of the period the
        # clause after "shows" opens with
        after_shows = AS_OF_RE.match(text, c_end + 1, min(len(text), c_end + 1 + DATING_OPENER_SLACK + 8))
        if after_shows is not None and not is_base(text, after_shows):
            m = after_shows
    if m is not None and (m.group("nextday") or m.group("sameday")):
        # 翌日即公布裁员40人, 当日有5,900人接种: the day after / of the last day named before it
        named = index.match_at(max(0, m.start() - RELATIVE_DAY_LOOKBACK), m.start())
        if named is not None and any(named.group(g) for g in ("d", "rd", "md_d", "wdd", "wd", "yday", "dbyday", "now")):
            iso, _ = index.answer(named)
            if iso is not None:
                day = relative_day(m, date.fromisoformat(iso))
                return (day.isoformat() if day else None), m.group(0)
        return None, m.group(0)
    if m is not None and m.group("lastm") and sentence_start < m.start():
        # 上月 after a month named earlier in the sentence (2月份…持平,上月为上涨0.4%) is the month
        # before that one, not before publication
        named = index.match_at(sentence_start, m.start())
        if named is not None and any(named.group(g) for g in ("m", "rm", "md_m", "fm")) and named.group("mdsuf") is None:
            iso, _ = index.answer(named)
            if iso is not None:
                return month_before(iso), m.group(0)
    return index.answer(m)


# A dating phrase that opens its clause (at most this many characters after the clause's start:
# 此外, 全国, 当中 ...) is the sentence's time (今年首两个月消费品零售总额大跌20.5%,当中城镇消费品零售额
# 44,881亿元 — both figures are of the first two months); one followed by 的 or a verb and 的 is a
# modifier (1999年入职的车长, 2019年的数字) and dates nothing else.
DATING_OPENER_SLACK = 4
# 翌日 / 当日 refer to a day named shortly before, within the paragraph or the one before it.
RELATIVE_DAY_LOOKBACK = 300
_MODIFIER_AFTER_DATE = re.compile(r".{0,3}的")


# A clause that reports a statement and dates it (主席前日下午指, 工会昨日表示) dates what the statement says
# in the clauses after it (…指,暂有1.2万会员: the union had them that day). The reporting verb ends the
# clause, at most this many characters after the date (前日下午指: 下午 and 指).
_REPORT_VERB_END = re.compile(r"(?:指出|表示|透露|宣布|公布|称|指|说)$")
REPORT_AFTER_DATE_CHARS = 6


# A clause ending "the survey shows" (监测显示, 数据显示, 统计显示): what it shows is dated after it.
_SHOWS_END = re.compile(r"(?:显示|表明)$")


def _bare_year(m: re.Match[str]) -> bool:
    return bool(m.group("y") and not (m.group("m") or m.group("ysuf") or m.group("cut")))


def _dated_report(text: str, m: re.Match[str], clause_end: int) -> bool:
    return (clause_end - m.end() <= REPORT_AFTER_DATE_CHARS
            and _REPORT_VERB_END.search(text, m.end(), clause_end) is not None)


def _opens_sentence_clause(text: str, m: re.Match[str], sentence_start: int) -> bool:
    if _MODIFIER_AFTER_DATE.match(text, m.end()) and CLAUSE_BREAK.search(text, m.end(), m.end() + 4) is None:
        return False
    if m.group("cut").startswith(("截至", "截止")):
        return True  # "up to" a time bounds the whole sentence (…截至昨晚收到1.75万宗申请,当中9,600人已入会)
    lo = max(sentence_start, m.start() - DATING_OPENER_SLACK)
    return lo == sentence_start or CLAUSE_BREAK.search(text, lo, m.start()) is not None


# "I" inside a quote (K同学坦言,…:「我今年17岁…) is its speaker, named at the head of the sentence before
# a verb of saying; the pronoun may carry a time word (我今年, 我而家).
_FIRST_PERSON = re.compile(r"(?:我|我们|本人|我哋)(?:今年|现在|现时|而家|目前|已经|已)?")
_SPEAKER = re.compile(r"\s*(?P<who>[^，,。：:「」\n]{2,8}?)(?:坦言|直言|坦承|表示|指出|透露|强调|认为|说|称|指)")
# How far the quote may open before the figure: a clause of news prose (the real-text gold's longest
# clause is ~120 characters, see CLAIM_WINDOW).
MAX_QUOTE_LOOKBACK = 120


def _speaker(text: str, sentence_start: int, at: int) -> str | None:
    """Who says the quote holding position `at`: the sentence's head before a verb of saying (else None)."""
    lo = max(sentence_start, at - MAX_QUOTE_LOOKBACK)
    opened = text.rfind("「", lo, at)
    if opened == -1 or text.find("」", opened, at) != -1:
        return None  # not inside a quote
    m = _SPEAKER.match(text, sentence_start, opened)
    return m.group("who") if m is not None else None


# A table cell written over two lines (| 反对⏎31人 | 民建联(13)…): the figure opens the cell's second
# line and the first holds its label. A label is a short name (出席但不投票 is 6 characters; 12 at most).
_OPEN_CELL = re.compile(r"\|\s*(?P<label>[^|\d\n]{2,12}?)\s*$")


def _table_label(text: str, c_start: int) -> str | None:
    """The label of a two-line table cell whose second line opens with the figure (else None)."""
    if c_start == 0 or text[c_start - 1] != "\n":
        return None
    line_start = text.rfind("\n", 0, c_start - 1) + 1
    m = _OPEN_CELL.fullmatch(text, line_start, c_start - 1)
    return m.group("label") if m is not None else None


# An amount given per head or household before its figure (为每名困难职工发放1500元慰问金, 每户补助,
# 人均): the rate paid each, not the total a tracked metric such as relief_funds adds up across regions
# (a probe of modern relief news, session 8: every per-head 慰问金 had been filed as relief_funds and
# the second equal one as a restatement). Per hour or month stays: 最低工资每小时34元 IS the metric.
_PER_HEAD = re.compile(r"每(?:人|名|户|位|个家庭)|人均|户均")

# Generic words for an amount (金额, 款额, 数额), alone or per head or period (每人金额): they name no
# thing; the thing is the one the text named before (申索金额 … 每人金额; 缴付频谱使用费,金额).
_GENERIC_AMOUNT = re.compile(r"(?:每人|每名|每月|每年|总|涉及)?(?:金额|款额|数额|款项)")
# ... a compound of the same word earlier in the paragraph (the nearest; its modifier 2-4 characters) ...
_AMOUNT_COMPOUND = re.compile(r"(?P<n>[^\W\d的每总_]{2,4}(?:金额|款额|数额|款项))")
# ... else the object of a verb of paying ending the clause before (缴付频谱使用费, 领取津贴).
_PAID_OBJECT = re.compile(r"(?:缴付|缴交|缴纳|支付|付出|收取|领取|获发|花费)(?P<n>[^\W\d_]{2,8})$")
# How far back the compound is looked for: a paragraph of news prose, bounded (the gold's longest
# distance from 申索金额 to 每人金额 is under 100 characters).
AMOUNT_LOOKBACK = 300


def _amount_of(text: str, paragraph_start: int, c_start: int) -> str | None:
    """What a generic amount word (金额) is the amount of, from the text before its clause."""
    lo = max(paragraph_start, c_start - AMOUNT_LOOKBACK)
    compound = _last(_AMOUNT_COMPOUND, text[lo:c_start])
    if compound is not None and not _GENERIC_AMOUNT.fullmatch(compound.group("n")):
        return compound.group("n")
    prev = text[lo : max(lo, c_start - 1)]
    brk = _last(CLAUSE_BREAK, prev)
    paid = _PAID_OBJECT.search(prev[brk.end() if brk else 0 :])
    return paid.group("n") if paid is not None else None


# Units of a count of people (see carried_people in facts_in_text).
PEOPLE_UNITS = frozenset({"人", "名", "位"})


def _fact_id(article_id: str, field: str, start: int, end: int) -> str:
    return hashlib.sha256(f"{article_id}:{field}:{start}:{end}".encode()).hexdigest()[:16]


def _clause_groups(text: str, rev: str, quantities: list[Quantity]) -> list[tuple[int, int, list[Quantity]]]:
    """(clause start, clause end, its quantities) for each clause holding a whole quantity.

    A quantity belongs to the clause its start is in, and counts only when it ends there too (1,000人
    runs over a clause break). Clause edges are looked up around each quantity — forwards in the
    text, backwards in `rev` (the text reversed) — so a long text with few numbers is never split
    whole, and a text's clause edges are each found once (linear: a 10 MB single-line file costs
    seconds, not hours).
    """
    n = len(text)
    groups: list[tuple[int, int, list[Quantity]]] = []
    c_end = -1
    in_clause: list[Quantity] = []
    for q in quantities:
        if q.start >= c_end:  # past the current clause (its end is a break, never a quantity start)
            after = CLAUSE_BREAK.search(text, q.start)
            c_end = after.start() if after else n
            before = CLAUSE_BREAK_REV.search(rev, n - q.start)
            in_clause = []
            groups.append((n - before.start() if before else 0, c_end, in_clause))
        if q.end <= c_end:
            in_clause.append(q)
    return [g for g in groups if g[2]]


def _last_sentence_break_end(rev: str, lo: int, hi: int) -> int | None:
    """The end of the last sentence break in text[lo:hi], searched backwards in `rev`."""
    n = len(rev)
    m = SENTENCE_BREAK.search(rev, n - hi, n - lo)
    return n - m.start() if m else None


# What a fact reads around its number: at most this many characters either side, within its clause. A
# clause of prose is far shorter (the real-text gold's longest evidence is 30 characters, its longest
# clause ~120); a longer "clause" is a flattened table or a run of figures with no break (issue 20
# class 7: 4,000 percentages in one clause took 1.9 s, every fact re-reading the whole clause), and
# bounding the window keeps extraction linear in the text's length.
CLAIM_WINDOW = 200


# Runs that name nothing counted (mainland and Macau wage news, 由X调升至Y and 每月澳门元7,280元): a change verb
# with its 至/到/为, a rate word with a currency word, or the tail of a bracket before them. The thing counted
# is then the one the sentence or its topic named (the caller's carried subject, topic clause).
# (A bare change verb, 提高 of 每人从700元提高到900元, names nothing either: the clause's 从/由 noun is the
# thing changed, see _changed_thing. Not one that is an event a length measures — 均是连续10个月回落: the
# falling went on for 10 months, _CHANGE_AFTER_LENGTH — which names what went on.)
_NAMES_NOTHING = re.compile(
    r"(?:调|上|下)?" + _CHANGE_VERB + r"(?:至|到|为)"
    r"|(?!(?:" + _CHANGE_AFTER_LENGTH.pattern + r")$)(?:调|上|下)?" + _CHANGE_VERB
    + r"|(?:每|按)?(?:月|周|日|天|小时|年)?(?:" + "|".join(map(re.escape, sorted(CURRENCY_BEFORE, key=len, reverse=True))) + r")"
    r"|每(?:月|周|日|天|小时|年)")
# A change written 由 + the old figure (最低工资由现时每小时34元调升至35元): the subject ends before 由.
# (… or a year: 职工由2017年的60多万人增加到100多万人.)
_FROM_TAIL = re.compile(r"^(?P<n>[\u4e00-\u9fff]{2,}?)(?:已经|已|将)?由(?:现时|现在|目前|原来|原先|此前|去年|今年|上年|每|[0-9]{4}年)")
# What such a figure measures is the noun before 由/从 (a change: 将深水港的投资成本由75亿美元下调至13亿美元 ->
# 投资成本; 人工由八十元加至一百五十元 -> 人工) or before a copula (法定最低工资水平订为每小时28元 -> 最低工资水平,
# 时薪为港币28元 -> 时薪) in the clause, after its last 的, without the adverbs before the verb.
_CHANGED_THING = re.compile(r"(?P<n>[\u4e00-\u9fff]{2,8}?)(?:已经|已|将|会|划一|可|仅|约|高)*"
                            r"(?:由|从|订为|定为|调整为|为|是|达)[^由从为是达]*$")
_CHANGED_LEAD = ("将", "把", "并", "而", "亦", "也", "再")


def _changed_thing(text: str, c_start: int, q_start: int) -> str | None:
    """The thing a 由/从…至 change changes, named before 由/从 in the clause (see _CHANGED_THING), or None."""
    m = _CHANGED_THING.search(text, max(c_start, q_start - 2 * MAX_SUBJECT_CHARS), q_start)
    if m is None:
        return None
    n = re.split("[的将把]", m["n"])[-1]  # 公司将投资成本由…: what is moved is after 将/把 and the last 的
    while n.startswith(_CHANGED_LEAD):
        n = n[1:]
    n = _SUBJECT_TAIL_WORDS_RE.sub("", n) or n  # 标准每人从700元提高到: a distributive 每人 is no part of it
    return n if len(n) >= MIN_HEAD_CHARS and not _NAMES_NOTHING.fullmatch(n) else None


def _named(subject: str) -> str | None:
    """The subject without what names nothing (see _NAMES_NOTHING, _FROM_TAIL), or None."""
    close = max(subject.rfind(")"), subject.rfind("）"))
    if close != -1 and "(" not in subject[:close] and "（" not in subject[:close]:
        subject = subject[close + 1 :].lstrip("、,，及和与")  # 下同)调: a bracket's end the clause began inside
        if len(subject) < MIN_HEAD_CHARS:
            return None
    m = _FROM_TAIL.match(subject)
    if m:
        subject = m["n"]
    subject = subject.lstrip("、,，及和与")
    if not subject or _NAMES_NOTHING.fullmatch(subject):
        return None
    return subject


def facts_in_text(article: Article, text: str, field: str) -> list[Fact]:
    """Facts in one field's text; offsets are into `text`."""
    facts: list[Fact] = []
    quantities = find_quantities(text)
    if not quantities:
        return facts
    places = find_places(text)
    place_starts = [p[1] for p in places]
    quantities = sorted(quantities, key=lambda q: q.start)
    q_starts = [q.start for q in quantities]
    as_of_index = AsOfIndex(text, article.publish_date, quantities[-1].start)
    declared = declared_currencies(text)  # 34元(澳门币,下同): the writer's currency for every bare 元 after it
    rev = text[::-1]
    # Every sentence break is a clause break, so a clause's numbers share its sentence; clauses come
    # in text order, so each looks back for a sentence break only as far as the one before it.
    sentence_start = 0
    looked_to = 0
    carried_subject: str | None = None
    carried_topic: str | None = None
    carried_people: str | None = None
    carried_people_paragraph = -1
    prev_measure: tuple[str, str | None] = (MEASURE_LEVEL, None)
    carried_sentence = -1
    paragraph_start = 0
    carried_paragraph = -1
    for c_start, c_end, in_clause in _clause_groups(text, rev, quantities):
        seg_start = c_start
        found = _last_sentence_break_end(rev, looked_to, c_start)
        if found is not None:
            sentence_start = found
        newline = text.rfind("\n", looked_to, c_start)
        if newline != -1:
            paragraph_start = newline + 1
        looked_to = c_start
        region = _region(text, article, places, place_starts, c_start, c_end, sentence_start)
        spread = _distribution(text, c_start, c_end, in_clause, sentence_start)
        for i, q in enumerate(in_clause):
            w_start = max(c_start, q.start - CLAIM_WINDOW)  # the claim's window (CLAIM_WINDOW)
            w_end = min(c_end, q.end + CLAIM_WINDOW)
            seg_start = max(seg_start, w_start)
            nxt = in_clause[i + 1] if i + 1 < len(in_clause) else None
            # (a figure written right against the next, 9大类50种重要生产资料, groups what the next counts)
            joined_next = nxt if nxt is not None and (nxt.start == q.end or _JOINED.fullmatch(text, q.end, nxt.start)) else None
            topic_m = _TOPIC_FANGMIAN.fullmatch(text, sentence_start, c_start)
            subject, verb, phrase_end, predicate, statistic = _subject_verb(
                text, q, seg_start, w_end, nxt.start if nxt is not None else None, joined_next,
                topic_m.group("t") if topic_m is not None else None)
            if subject is not None:
                subject = _named(subject) or _changed_thing(text, c_start, q.start)
            if subject is not None and carried_sentence == sentence_start and _CHANGE_NOUN_ONLY.fullmatch(subject):
                # (机舱服务长为最高跌幅36%): the top of a range of changes is of the thing the sentence
                # measured before (底薪的跌幅由14至36%)
                subject = carried_subject
            if subject is None and predicate and carried_people_paragraph == paragraph_start:
                # a share that is itself the subject of a verb (六成人选择…, 74.7%不知道) is a share of
                # people: of the last people counted in the paragraph (19473位中学生), not of a place or
                # a thing counted since (350间中学)
                subject = carried_people
            elif subject is None and carried_sentence == sentence_start:
                # A figure with no noun of its own in the sentence of an earlier one (月薪约2.9万元至3.1万元,
                # 由1200人增至1500人, 分别上涨0.2%和0.5%) counts the same thing.
                subject = carried_subject
            elif (predicate or (subject is not None and _only_places(subject))) and carried_paragraph == paragraph_start:
                # A share that is itself the subject of a verb (74.7%「年长护老者」不知道…、36.3%不知道…; 约9成表明
                # 支持) counts the group the paragraph already named; a list of places before a figure
                # (北京和广州分别下跌0.2%和0.1%) says where, and the thing measured is the one before.
                subject = carried_topic
            if subject is None and carried_sentence != sentence_start:
                # no noun in the clause: the topic clause before it (二手住宅销售价格,按年上涨2.2%)
                subject = _topic_subject(_head(_topic_before(text, c_start, sentence_start, q_starts))) or None
            if subject is not None and _FIRST_PERSON.fullmatch(subject):
                subject = _speaker(text, sentence_start, q.start) or subject
            if subject is None:
                subject = _table_label(text, c_start)
            elif _GENERIC_AMOUNT.fullmatch(subject):
                subject = _amount_of(text, paragraph_start, c_start) or subject
            fact_region = region
            if i in spread:
                spread_subject, spread_region = spread[i]
                subject = spread_subject or subject
                fact_region = spread_region or region
            if subject is not None:
                carried = statistic or subject  # (a count of cities hands on the statistic measured over them)
                carried_subject, carried_sentence = carried, sentence_start
                if not _CHANGE_NOUN.fullmatch(carried) and not _only_places(carried):
                    # (涨幅比上月回落0.3个百分点 is a change of the thing named before; that stays the topic)
                    carried_topic, carried_paragraph = carried, paragraph_start
                if q.unit in PEOPLE_UNITS or (predicate and subject == carried_people):
                    carried_people, carried_people_paragraph = subject, paragraph_start
            # Evidence: the whole clause for its last fact; an earlier fact in the same clause
            # ends at its own phrase, so every fact keeps a span (and an id) of its own.
            # (It stops before the next figure, so two facts of a clause never share a span.)
            ev_end = w_end if i == len(in_clause) - 1 else max(q.end, q.num_end, min(phrase_end, in_clause[i + 1].start, w_end))
            ev_start = w_start
            if i < len(in_clause) - 1 and ev_end == w_end:
                # a range's low end written up to the high end (四至六成) reaches the clause end: its
                # span starts at its own number, so the two facts keep distinct spans and ids
                ev_start = q.start
            evidence = text[ev_start:ev_end]
            as_of, as_of_text = _as_of(text, as_of_index, sentence_start, c_start, c_end, q, phrase_end)
            metric, lexicon_measure = metrics.classify(subject or "", evidence, q.unit, text[w_start:w_end])
            measure, base_text = _measure(text, w_start, q, phrase_end, lexicon_measure, as_of_text)
            if subject and measure == MEASURE_SHARE and base_text and (cut := _SHARE_OF_IN_SUBJECT.search(subject)):
                subject = subject[: cut.start()] or subject  # 会员约占全市职工的百分之八十二: the members
            elif subject and measure != MEASURE_SHARE and (cut := _SHARE_OF_IN_SUBJECT.search(subject)):
                subject = _trim(cut.group("whole")) or subject
            if subject and base_text in _PLAN_BASES and (cut := _ABOVE_PLAN_IN_SUBJECT.search(subject)):
                subject = subject[: cut.start()] or subject  # 总产量超过原生产计划的百分之五点七: the output
            if i > 0 and _JOINED.fullmatch(text, in_clause[i - 1].end, q.start):
                # 分别下跌0.2%和0.1%, 由14至36%: a figure joined to the one before is the same kind
                measure, base_text = prev_measure
            prev_measure = (measure, base_text)
            if measure in (MEASURE_CHANGE, MEASURE_SHARE):
                metric = None  # a tracked metric is a level or a count; its change is not it
            elif metric is not None and _PER_HEAD.search(text, w_start, q.start):
                metric = None  # an amount per head is a rate, not the total the metric tracks
            currency = None
            if q.unit == "元":
                currency = (q.currency or declared_currency_at(declared, q.start, q.end)
                            or REGION_CURRENCY.get(fact_region or "", DEFAULT_CURRENCY))
            facts.append(
                Fact(
                    fact_id=_fact_id(article.article_id, field, ev_start, ev_end),
                    article_id=article.article_id,
                    evidence=evidence,
                    char_start=ev_start,
                    char_end=ev_end,
                    value=q.value,
                    unit=q.unit,
                    number_text=q.number_text,
                    subject=subject,
                    verb=verb,
                    metric=metric,
                    qualifier=q.qualifier,
                    region=fact_region,
                    as_of=as_of,
                    as_of_text=as_of_text,
                    measure=measure,
                    field=field,
                    currency=currency,
                    base_text=base_text,
                )
            )
            # (a phrase that runs over the next figure — 五位年薪过百万的立法会议员 — leaves it its own words)
            seg_start = max(q.end if nxt is not None and phrase_end > nxt.start else phrase_end, q.end)
    return facts


def extract_facts(article: Article) -> list[Fact]:
    """Every number-with-unit claim in the body (field="body") and the captions (field="captions").

    Caption offsets are into "\\n".join(article.captions). For every fact,
    `<field text>[char_start:char_end] == evidence` and `number_text` is inside `evidence`.
    """
    facts = facts_in_text(article, article.body, "body")
    if article.captions:
        facts += facts_in_text(article, "\n".join(article.captions), "captions")
    return mark_restatements(facts)


def mark_restatements(facts: list[Fact]) -> list[Fact]:
    """An article that states a tracked figure twice (建成站点2911个 … 建成2911个驿站) makes one claim.

    The first mention keeps the metric; later mentions of the same (metric, value, unit, region)
    stay as facts but lose the metric and are marked measure="restatement", so a query over a
    metric counts each claim once.
    """
    seen: set[tuple[str, float, str, str | None]] = set()
    out = []
    for f in facts:
        if f.metric is not None:
            key = (f.metric, f.value, f.unit, f.region)
            if key in seen:
                f = replace(f, metric=None, measure="restatement")
            seen.add(key)
        out.append(f)
    return out
