"""Extract numeric facts (number + unit + subject + verb + as-of + metric) from an article's text."""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from dataclasses import replace
from functools import lru_cache

from transforms import metrics
from transforms.asof import AsOfIndex
from transforms.numbers import Quantity, find_quantities
from transforms.records import Article, Fact

try:  # regions is another step's module; facts still work (article region only) without it
    from transforms.regions import find_places
except ImportError:  # pragma: no cover - only while regions is absent
    find_places = None  # type: ignore[assignment]

# A clause (a fact's evidence) ends at these; 、 does not end one (it joins a list).
CLAUSE_BREAK = re.compile(r"[，,；;。！!？?﹔：:\n…]")
# A sentence (the span searched for an as-of date) ends at these.
SENTENCE_BREAK = re.compile(r"[。！!？?\n]")

# Verbs that state what was done to the counted thing, longest first where they overlap.
VERBS: tuple[str, ...] = (
    "新建", "建成", "建立", "建设", "组建", "创建", "成立", "设立", "开设", "挂牌", "建",
    "筹集", "投入", "补助", "资助", "发放", "返还", "挽回", "帮助解决", "解决", "慰问", "走访",
    "培训", "组织", "举办", "开展", "服务", "帮扶", "实施", "提供", "聘请", "选派", "发展",
    "提出", "采纳", "推广", "评选", "表彰", "选树", "命名", "培育", "培养", "产生", "创造", "节创",
    "创效", "撬动", "带动", "吸引", "汇集", "摸排", "签订", "输出", "发表", "获得", "获", "完成",
    "办理", "参加", "参与", "参赛", "覆盖", "推动", "出台", "制定", "印发", "设置", "推出", "打造",
    "销售", "投放", "派出", "涌现", "注册", "达到", "突破", "荣获",
)
# Linking words: they separate the subject from the number but say nothing about the action.
COPULAS: tuple[str, ...] = ("多达", "达到", "共计", "总计", "合计", "累计", "达", "共", "为")
_COPULA_SET = frozenset(COPULAS)
_VERB_RE = re.compile("|".join(sorted(VERBS + COPULAS, key=len, reverse=True)))
# Nouns that contain a verb (服务, 组织, 建设 ...): a verb inside one of them does not split a subject.
NOUN_COMPOUNDS: tuple[str, ...] = (
    "服务站", "服务点", "服务中心", "服务阵地", "服务体系", "服务项目", "服务品牌", "工会组织",
    "新业态工会组织", "社会组织", "培训班", "建设项目", "参赛职工", "参赛选手", "参赛企业", "发展规划",
    "达标", "创效", "服务职工", "帮扶中心", "获得者", "建议", "发明创造", "创新成果", "创新工作室",
)
_COMPOUND_RE = re.compile("|".join(sorted(NOUN_COMPOUNDS, key=len, reverse=True)))
# Trimmed from the edges of a subject: scope words, aspect particles, prepositions.
_SUBJECT_LEAD = re.compile(r"^(?:[、和及与]|全省|全市|全区|全国|各级|已|了|共|对|为|向|给|在|与|将|把|让|有|先后|均|年均|每年)+")
_SUBJECT_TAIL = re.compile(r"(?:已|了|共|均|年均|的|等|总数|数量|人数)+$")
# The noun after a number stops at these (a verb, a particle, a preposition, another list item).
_AFTER_STOP_CHARS = "的在被中于从向与和及、“”‘’《》()（）"
# Guarded by the characters a stop can start with, so a scan tests one class per position instead
# of every verb.
_AFTER_STOP_FIRST = re.escape("".join(sorted(set(_AFTER_STOP_CHARS) | {v[0] for v in VERBS + COPULAS})))
_AFTER_STOP = re.compile(f"(?=[{_AFTER_STOP_FIRST}])(?:[{re.escape(_AFTER_STOP_CHARS)}]|(?:{_VERB_RE.pattern}))")
# Longest subject kept (characters): longer runs are whole predicates, not noun phrases.
MAX_SUBJECT_CHARS = 16
# Clause openings repeat across articles (全省各级工会, 截至目前,全市已建成): their (subject, verb) is
# worked out once. The bound keeps memory flat on a long run.
SEGMENT_CACHE_SIZE = 16384
# ... and only openings this short are kept (a 10 MB single-line text must not fill the cache).
SEGMENT_CACHE_MAX_CHARS = 80
_NUMBER_IN = re.compile(r"[0-9０-９]")


def _trim(subject: str) -> str:
    s = subject.strip()
    lead = _SUBJECT_LEAD.match(s)  # anchored at the start: one match at most
    if lead:
        s = s[lead.end() :]
    s = _SUBJECT_TAIL.sub("", s)
    return s.strip()


def _after_noun(text: str, start: int, end: int) -> str:
    """The noun phrase right after a number-with-unit (为187.45万名职工 → 职工)."""
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
    if digit:
        stop = digit.start()
    return text[start:stop].strip()


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


def _subject_verb(text: str, q: Quantity, seg_start: int, clause_end: int) -> tuple[str | None, str | None, int]:
    """(subject, verb, end of the claim phrase) for quantity `q` in the clause."""
    after = _after_noun(text, q.end, clause_end)
    before_subject, verb = _before(text[seg_start : q.start])
    phrase_end = q.end
    subject: str | None = None
    if len(after) >= 2 and q.unit not in ("元", "%") and len(after) <= MAX_SUBJECT_CHARS:
        subject = _trim(after) or None
        phrase_end = q.end + len(after)
        vm = _VERB_RE.match(text, phrase_end)
        if vm and vm.group(0) not in _COPULA_SET:
            verb = vm.group(0)
    if subject is None and before_subject:
        subject = before_subject[-MAX_SUBJECT_CHARS:]
    return subject, verb, phrase_end


def _region(article: Article, places: list[tuple[str, int, int, str]], place_starts: list[int],
            c_start: int, c_end: int) -> str | None:
    """The article's region, unless the clause [c_start, c_end) names exactly one other province.

    `places` are found once over the whole text (find_places is the costly part of extraction)."""
    named = set()
    for i in range(bisect_left(place_starts, c_start), len(places)):
        prov, start, end, _ = places[i]
        if start >= c_end:
            break
        if end <= c_end:
            named.add(prov)
    others = named - {article.region}
    if len(others) == 1 and article.region not in named:
        return others.pop()
    return article.region


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
            before = CLAUSE_BREAK.search(rev, n - q.start)
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


def facts_in_text(article: Article, text: str, field: str) -> list[Fact]:
    """Facts in one field's text; offsets are into `text`."""
    facts: list[Fact] = []
    quantities = find_quantities(text)
    if not quantities:
        return facts
    places = find_places(text) if find_places is not None else []
    place_starts = [p[1] for p in places]
    quantities = sorted(quantities, key=lambda q: q.start)
    as_of_index = AsOfIndex(text, article.publish_date, quantities[-1].start)
    rev = text[::-1]
    # Every sentence break is a clause break, so a clause's numbers share its sentence; clauses come
    # in text order, so each looks back for a sentence break only as far as the one before it.
    sentence_start = 0
    looked_to = 0
    for c_start, c_end, in_clause in _clause_groups(text, rev, quantities):
        seg_start = c_start
        region = _region(article, places, place_starts, c_start, c_end)
        found = _last_sentence_break_end(rev, looked_to, c_start)
        if found is not None:
            sentence_start = found
        looked_to = c_start
        for i, q in enumerate(in_clause):
            subject, verb, phrase_end = _subject_verb(text, q, seg_start, c_end)
            # Evidence: the whole clause for its last fact; an earlier fact in the same clause
            # ends at its own phrase, so every fact keeps a span (and an id) of its own.
            ev_end = c_end if i == len(in_clause) - 1 else max(phrase_end, q.end)
            evidence = text[c_start:ev_end]
            as_of, as_of_text = as_of_index.at(sentence_start, q.start)
            metric, measure = metrics.classify(subject or "", evidence, q.unit)
            if measure is None and as_of_text and as_of_text.startswith(("截至", "截止")):
                measure = metrics.MEASURE_CUMULATIVE
            facts.append(
                Fact(
                    fact_id=_fact_id(article.article_id, field, c_start, ev_end),
                    article_id=article.article_id,
                    evidence=evidence,
                    char_start=c_start,
                    char_end=ev_end,
                    value=q.value,
                    unit=q.unit,
                    number_text=q.number_text,
                    subject=subject,
                    verb=verb,
                    metric=metric,
                    qualifier=q.qualifier,
                    region=region,
                    as_of=as_of,
                    as_of_text=as_of_text,
                    measure=measure,
                    field=field,
                )
            )
            seg_start = max(phrase_end, q.end)
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
