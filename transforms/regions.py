"""Place names in text -> province-level units, from the shipped administrative-division table."""

from __future__ import annotations

import csv
import re
import sys
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

_DATA = Path(__file__).parent / "data" / "admin_divisions.csv"
_CUES = Path(__file__).parent / "data" / "region_cues.yaml"

# Administrative suffixes a county stem may carry in running text when the table has an older
# form (南通海门区 while the table still lists 海门市).
_ALT_SUFFIXES = ("市", "区", "县", "旗")

# Evidence weights for province_of: a name written with its administrative suffix (宁夏回族自治区,
# 大兴安岭地区) is stronger evidence than a bare stem (兴安 inside 大小兴安岭); province-level
# mentions count most, because they are what an article names when it is about a province.
_W_PROVINCE = 3
_W_FULL = 2
_W_BARE = 1
# A place in the title is the article's subject far more often than one in passing in the body.
_TITLE_BONUS = 5
# A cue word (港府, 劳工处, 九龙 ... in data/region_cues.yaml) is as strong as the place's own name.
_W_CUE = _W_PROVINCE

_CUE_DATA = yaml.safe_load(_CUES.read_text(encoding="utf-8"))
# cue word -> the province-level unit it says a text is about
REGION_CUES: dict[str, str] = {w: prov for prov, words in _CUE_DATA["cues"].items() for w in words}
# A place name right before one of these is part of another name (武汉肺炎, 北京大学, 山东钢铁集团).
DISEASE_SUFFIXES: tuple[str, ...] = tuple(_CUE_DATA["disease_suffixes"])
TRAP_SUFFIXES: tuple[str, ...] = tuple(_CUE_DATA["trap_suffixes"]) + DISEASE_SUFFIXES
_DISEASE_RE = re.compile("|".join(map(re.escape, DISEASE_SUFFIXES)))
_CUE_RE = re.compile("|".join(re.escape(w) for w in sorted(REGION_CUES, key=len, reverse=True)))
_TRAP_MAX = max(len(w) for w in TRAP_SUFFIXES)
# ... and with one of these between them: 山东钢铁集团, 北京同仁堂公司 (at most this many characters).
_TRAP_GAP = 4
_TRAP_RE = re.compile(rf"[\u4e00-\u9fff]{{0,{_TRAP_GAP}}}?(?:{'|'.join(map(re.escape, TRAP_SUFFIXES))})")
# The whole country (中国, 全国, 国家统计局, 内地) and foreign countries compete with the provinces for an
# article (region_cues.yaml: national, foreign): an article that names them more than any province is
# about no province. A national word followed by a name or title word (全国总工会, 中国共产党) is no
# evidence: it names an organisation, not the country's figures.
NATIONAL_WORDS: tuple[str, ...] = tuple(_CUE_DATA["national"])
NATIONAL_NOT: tuple[str, ...] = tuple(_CUE_DATA["national_not"])
FOREIGN_WORDS: tuple[str, ...] = tuple(_CUE_DATA["foreign"])
_NOT_NAME = "(?!" + "|".join(map(re.escape, NATIONAL_NOT)) + ")"
_NATIONAL_RE = re.compile("(?:" + "|".join(map(re.escape, sorted(NATIONAL_WORDS, key=len, reverse=True)))
                          + ")" + _NOT_NAME)
_FOREIGN_RE = re.compile("|".join(map(re.escape, sorted(FOREIGN_WORDS, key=len, reverse=True))))
# Contenders that stand for "no province" in province_of's ranking.
NATIONAL, FOREIGN = "(national)", "(foreign)"
# A publication's home region (region_cues.yaml: source_home), by the source's name.
SOURCE_HOME: dict[str, str] = {w: prov for prov, words in _CUE_DATA["source_home"].items() for w in words}
# A known home is evidence of this weight before any text is read: the weight of a place named in the
# title (a local paper's story is about its place unless the text names another one more often).
_W_HOME = _TITLE_BONUS + _W_PROVINCE
# The words around a place name in a clause that make the clause about that place: a preposition
# of place before it (在深圳, 来自广东), or an administrative or locative word after it (深圳市,
# 广东各地). A clause that names a place without them (北京要求, 与台湾相比) keeps its article's region.
_LOCATIVE_BEFORE = ("在", "于", "赴", "往", "到", "来自", "位于", "全", "驻")
_LOCATIVE_AFTER = ("省", "市", "区", "县", "各地", "地区", "当地", "境内", "全省", "全市", "有", "共有")


UNION_SUFFIX = "总工会"


@dataclass(frozen=True)
class _Entry:
    name: str
    provinces: frozenset[str]
    level: str  # province | prefecture | county
    full: bool  # written with its suffix


def _load() -> tuple[dict[str, str], dict[str, list[_Entry]], dict[str, set[str]]]:
    full_names: dict[str, str] = {}
    by_surface: dict[str, dict[tuple[str, bool], set[str]]] = defaultdict(lambda: defaultdict(set))
    county_stems: dict[str, set[str]] = defaultdict(set)
    with _DATA.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            name, short, level, prov = row["name"], row["short"], row["level"], row["province"]
            if level == "province":
                full_names[short] = name
            if level == "county" and not short:
                continue  # 城区, 郊区, 涉县: too short to tell from ordinary words
            by_surface[name][(level, True)].add(prov)
            if short and level in ("province", "prefecture"):
                by_surface[short][(level, False)].add(prov)
            if short and level == "county":
                county_stems[short].add(prov)
                # 石狮总工会, 晋江总工会: a county-level city's union named by its stem alone (a bare stem is too
                # often an ordinary word to count, 石狮 / 长安, but before 总工会 it is the place's union)
                by_surface[short + UNION_SUFFIX][(level, True)].add(prov)
    for prov, words in _CUE_DATA["aliases"].items():  # 金门, 北平 (region_cues.yaml: aliases)
        for w in words:
            by_surface[w][("prefecture", True)].add(prov)
    index: dict[str, list[_Entry]] = {}
    for surface, kinds in by_surface.items():
        index[surface] = [_Entry(surface, frozenset(p), lv, full) for (lv, full), p in kinds.items()]
    return full_names, index, county_stems


_FULL_NAMES, _INDEX, _COUNTY_STEMS = _load()
SHORT_NAMES: tuple[str, ...] = tuple(_FULL_NAMES)
_LEVEL_RANK = {"province": 0, "prefecture": 1, "county": 2}
_SURFACES = sorted(_INDEX, key=len, reverse=True)


# Leftmost-longest matching of ~3,500 names. A regex alternation (even shaped as a trie) makes
# Python's engine try hundreds of branches at every character; instead the positions where a name
# can start are found for the whole text at once, and dictionary probes by two-character prefix
# pick the longest name there.
_NAMES = frozenset(w for w in _SURFACES if len(w) >= 2)  # one-character names (县) are too ambiguous
_LENGTHS_BY_PREFIX: dict[str, list[int]] = {}
for _w in _NAMES:
    _LENGTHS_BY_PREFIX.setdefault(_w[:2], []).append(len(_w))
for _k in _LENGTHS_BY_PREFIX:
    _LENGTHS_BY_PREFIX[_k] = sorted(set(_LENGTHS_BY_PREFIX[_k]), reverse=True)
# A name starts where two characters open one (some name begins with them). Characters that open
# names get small ids (0: none), and a table of id pairs says which pairs open a name, so numpy
# tests every pair of a text in one step. A regex pre-filter ("a first character followed by a
# second one") passed 18 positions for each real one, each then probed in Python: 4x slower.
_PAIR_CHARS = sorted({c for prefix in _LENGTHS_BY_PREFIX for c in prefix})
_PAIR_ID = {c: k for k, c in enumerate(_PAIR_CHARS, start=1)}
_PAIR_WIDTH = len(_PAIR_CHARS) + 1
assert _PAIR_WIDTH * _PAIR_WIDTH < np.iinfo(np.int32).max
_CHAR_ID = np.zeros(sys.maxunicode + 1, dtype=np.int16)  # 2.2 MB: one id per code point
_CHAR_ID[[ord(c) for c in _PAIR_ID]] = list(_PAIR_ID.values())
# Flat: pair (a, b) of ids at a * _PAIR_WIDTH + b (1-D takes are faster than 2-D fancy indexing).
_OPENS_NAME = np.zeros(_PAIR_WIDTH * _PAIR_WIDTH, dtype=bool)
_OPENS_NAME[[_PAIR_ID[p[0]] * _PAIR_WIDTH + _PAIR_ID[p[1]] for p in _LENGTHS_BY_PREFIX]] = True


# Below this length (a title, a caption) numpy's fixed cost per call exceeds a probe per position.
_PAIR_TABLE_MIN_CHARS = 48


def _name_starts(text: str) -> list[int]:
    """Every i where text[i:i + 2] opens a table name, ascending."""
    if len(text) < _PAIR_TABLE_MIN_CHARS:
        return [i for i in range(len(text) - 1) if text[i : i + 2] in _LENGTHS_BY_PREFIX]
    # surrogatepass: a lone surrogate is a code point like any other here (it opens no name).
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    ids = _CHAR_ID.take(codes).astype(np.int32)
    pairs = ids[:-1] * _PAIR_WIDTH
    pairs += ids[1:]
    starts: list[int] = _OPENS_NAME.take(pairs).nonzero()[0].tolist()
    return starts


# County stems (all two characters or more) by their first two characters, longest first: the
# same probe as for names. A regex alternation of the ~2,700 stems tried ~5 µs at each position.
assert all(len(w) >= 2 for w in _COUNTY_STEMS), "the stem probe reads two characters"
_STEM_LENGTHS_BY_PREFIX: dict[str, list[int]] = {}
for _w in _COUNTY_STEMS:
    _STEM_LENGTHS_BY_PREFIX.setdefault(_w[:2], []).append(len(_w))
for _k in _STEM_LENGTHS_BY_PREFIX:
    _STEM_LENGTHS_BY_PREFIX[_k] = sorted(set(_STEM_LENGTHS_BY_PREFIX[_k]), reverse=True)
_SUFFIX_CHARS = frozenset(_ALT_SUFFIXES)


def _stem_at(text: str, i: int) -> tuple[str, int] | None:
    """(stem, end after its suffix) for the longest county stem at text[i] written with a suffix."""
    for length in _STEM_LENGTHS_BY_PREFIX.get(text[i : i + 2], ()):
        stem = text[i : i + length]
        if stem in _COUNTY_STEMS and text[i + length : i + length + 1] in _SUFFIX_CHARS:
            return stem, i + length + 1
    return None


def _name_at(text: str, i: int) -> str | None:
    """The longest table name starting at text[i], if any."""
    for length in _LENGTHS_BY_PREFIX.get(text[i:i + 2], ()):
        cand = text[i:i + length]
        if cand in _NAMES:
            return cand
    return None


def full_name(short: str) -> str:
    """The full name of a province-level unit: 宁夏 -> 宁夏回族自治区; unknown names come back as given."""
    return _FULL_NAMES.get(short, short)


def _best_entry(surface: str) -> _Entry:
    # 吉林 is a province and a prefecture; 海南 a province and a 青海 prefecture: the higher level wins.
    return min(_INDEX[surface], key=lambda e: (_LEVEL_RANK[e.level], not e.full))


_BEST_ENTRY = {name: _best_entry(name) for name in _NAMES}


def _raw_matches(text: str) -> list[tuple[int, int, str, _Entry]]:
    """Leftmost-longest, non-overlapping matches of table names, plus county stems with a suffix."""
    out: list[tuple[int, int, str, _Entry]] = []
    pos = 0
    names = _NAMES
    best_entry = _BEST_ENTRY
    lengths_by_prefix = _LENGTHS_BY_PREFIX
    for i in _name_starts(text):
        if i < pos:
            continue
        for length in lengths_by_prefix[text[i : i + 2]]:
            name = text[i : i + length]
            if name in names:
                break
        else:
            continue
        out.append((i, i + len(name), name, best_entry[name]))
        pos = i + len(name)
        # 南通海门区: a stem with another suffix counts only right after a place of its province.
        # (Most places are followed by no stem at all: the prefix test ends the loop without probes.)
        while text[pos : pos + 2] in _STEM_LENGTHS_BY_PREFIX and _name_at(text, pos) is None:
            found = _stem_at(text, pos)
            if found is None:
                break
            stem, end = found
            provs = _COUNTY_STEMS[stem] & out[-1][3].provinces
            if not provs:
                break
            written = text[pos:end]
            out.append((pos, end, written, _Entry(written, frozenset(provs), "county", True)))
            pos = end
    return out


def _resolve(matches: list[tuple[int, int, str, _Entry]]) -> list[tuple[str, int, int, str]]:
    """Pick one province per match; ambiguous names follow the unambiguous evidence around them."""
    evidence: dict[str, int] = {}  # unambiguous mentions per province
    only = [next(iter(e.provinces)) if len(e.provinces) == 1 else None for _, _, _, e in matches]
    for p in only:
        if p is not None:
            evidence[p] = evidence.get(p, 0) + 1
    out: list[tuple[str, int, int, str]] = []
    prev_prov: str | None = None
    for (start, end, name, e), prov in zip(matches, only, strict=True):
        if prov is None:
            if prev_prov in e.provinces and out and out[-1][2] == start:
                prov = prev_prov  # 南京市鼓楼区: the place written right before decides
            else:
                ranked = sorted(e.provinces, key=lambda p: (-evidence.get(p, 0), p))
                top = evidence.get(ranked[0], 0)
                prov = ranked[0] if top > 0 and (len(ranked) == 1 or top > evidence.get(ranked[1], 0)) else None
        if prov is None:
            continue  # still ambiguous: better no answer than a wrong province
        out.append((prov, start, end, name))
        prev_prov = prov
    return out


def find_places(text: str) -> list[tuple[str, int, int, str]]:
    """Place names in `text`: (province short name, start, end, name as matched), in text order."""
    if not text:
        return []
    return _resolve(_raw_matches(text))


def is_trap(text: str, end: int) -> bool:
    """True when the place name ending at `end` is part of a disease, company, school or product name."""
    return _TRAP_RE.match(text, end, end + _TRAP_GAP + _TRAP_MAX) is not None


def is_locative(text: str, start: int, end: int, clause_start: int) -> bool:
    """True when the place at text[start:end] is what its clause is about (see _LOCATIVE_BEFORE)."""
    if is_trap(text, end):
        return False
    if text[max(clause_start, start - 2) : start].endswith(_LOCATIVE_BEFORE):
        return True
    if start - clause_start <= 1:  # the clause opens with it: 深圳有300名工人
        return True
    return text.startswith(_LOCATIVE_AFTER, end)


def find_cues(text: str) -> list[tuple[str, int, int, str]]:
    """Cue words (港府, 劳工处, 九龙 ...): (province, start, end, word), in text order."""
    return [(REGION_CUES[m.group(0)], m.start(), m.end(), m.group(0)) for m in _CUE_RE.finditer(text)]


def home_region(source: str | None) -> str | None:
    """The home region of a publication named `source` (region_cues.yaml: source_home), if known; else the
    place its name opens with (福建日报 -> 福建, 乐山市总工会 -> 四川, 邳州市融媒体中心 -> 江苏): a provincial or
    city paper, site or union is named after its place, and reports it most (issue 14 point 4)."""
    if not source:
        return None
    for name, prov in SOURCE_HOME.items():
        if name in source:
            return prov
    places = find_places(source)
    if places and places[0][1] == 0:  # (日报 after the place is a trap in a body, not in the name itself)
        return places[0][0]
    return None


def _weights(text: str) -> tuple[Counter[str], Counter[str]]:
    """(evidence per province, evidence from trap mentions only: 武汉肺炎, 北京大学).

    The country as a whole and foreign countries are counted too, as NATIONAL and FOREIGN."""
    score: dict[str, int] = {}  # a plain dict while counting (Counter's missing-key hook is slow)
    traps: dict[str, int] = {}
    national = len(_NATIONAL_RE.findall(text))
    if national:
        score[NATIONAL] = national * _W_PROVINCE
    foreign = len(_FOREIGN_RE.findall(text))
    if foreign:
        score[FOREIGN] = foreign * _W_PROVINCE
    for prov, _s, _e, _w in find_cues(text):
        score[prov] = score.get(prov, 0) + _W_CUE
    matches = _raw_matches(text)
    if not matches:
        return Counter(score), Counter()
    levels = {(s, e_): ent for s, e_, _, ent in matches}
    for prov, start, end, _name in _resolve(matches):
        ent = levels[(start, end)]
        w = _W_PROVINCE if ent.level == "province" else _W_FULL if ent.full else _W_BARE
        if not is_trap(text, end):
            score[prov] = score.get(prov, 0) + w
        elif _DISEASE_RE.match(text, end) is None:  # a disease name is no evidence at all
            traps[prov] = traps.get(prov, 0) + w
    return Counter(score), Counter(traps)


# A national outlet's dateline opening the text (人民日报北京12月16日电, 新华社北京1月17日电, region_cues.yaml:
# national_outlets) names Beijing because the outlet is there, not because the story is: in a paper with no
# home region it is no evidence (a Beijing dateline of a Beijing paper is: its home is 北京).
_CAPITAL_DATELINE = re.compile(
    rf"\s*(?:{'|'.join(map(re.escape, sorted(_CUE_DATA['national_outlets'], key=len, reverse=True)))})(?:记者)?"
    r"(?P<capital>北京)(?=[^\n，,。]{0,10}?日(?:电|讯))")


def province_of(text: str, title: str | None = None, home: str | None = None) -> str | None:
    """The province-level unit an article is about, or None when the text names no place.

    `home` is the publication's own region (home_region): evidence of weight _W_HOME, and the answer
    when the text names no place. An article naming the whole country (国家统计局, 全国) or a foreign
    country more than any province is about no province (None).

    Evidence: place names from the table (a province's name counts most), cue words of places the
    table names only by themselves (港府, 劳工处: Hong Kong), a title's places above the body's. A
    place that is part of another name (武汉肺炎, 北京大学, 山东钢铁集团) decides only when nothing
    else names a place.
    """
    if home is None and text and (m := _CAPITAL_DATELINE.match(text)):
        text = text[: m.start("capital")] + "  " + text[m.end("capital") :]  # no evidence (see _CAPITAL_DATELINE)
    score, traps = _weights(text or "")
    if title:
        t_score, t_traps = _weights(title)
        for prov, w in t_score.items():
            score[prov] += w + _TITLE_BONUS
        for prov, w in t_traps.items():
            traps[prov] += w + _TITLE_BONUS
    if home:
        score[home] += _W_HOME
    if not score:
        score = traps
    if not score:
        return None
    ranked = score.most_common()
    if ranked[0][0] in (NATIONAL, FOREIGN):
        return None
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        # Tie: the place named first is usually the subject (datelines and leads come first).
        first = {p: i for i, (p, *_rest) in enumerate(reversed(find_places((title or "") + "\n" + text)))}
        tied = [p for p, s in ranked if s == ranked[0][1] and p not in (NATIONAL, FOREIGN)]
        return max(tied, key=lambda p: first.get(p, -1))
    return ranked[0][0]


# --- a clause's scope beyond its own place names (mainland union news) -----------------------------------
_SCOPE = _CUE_DATA["national_scope"]
_SCOPE_BREAKS = "，,；;。！!？?：:\n"
# A sentence ends at a full stop, exclamation or question mark, or a line break (facts uses the same).
SENTENCE_BREAK = re.compile("[。！!？?\n]")
_SCOPE_BREAK_RE = re.compile(f"[{_SCOPE_BREAKS}]")


def _alt(words: list[str]) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


# 全国 / 我国 as the scope of a count (region_cues.yaml: national_scope): not after a comparison (比全国), not before
# an honour or rank (全国‘最美站点’, 全国首家); a quotation mark may stand between.
# (The first-character guard rejects most positions with one test, before the look-behinds are tried: 3x faster.)
_NATIONAL_SCOPE_FIRST = "".join(sorted({w[0] for w in _SCOPE["words"] + _SCOPE["actors"]}))
_NATIONAL_SCOPE_RE = re.compile(
    rf"(?=[{_NATIONAL_SCOPE_FIRST}])"
    rf"(?:(?<!{')(?<!'.join(map(re.escape, _SCOPE['not_after']))})(?:{_alt(_SCOPE['words'])})"
    rf"(?![‘“「『\"']?(?:{_alt(_SCOPE['not_before'])}))"
    rf"|(?:{_alt(_SCOPE['actors'])})(?=[^{_SCOPE_BREAKS}]{{0,2}}(?:{_alt(_SCOPE['actor_verbs'])})))")
NATIONAL_SCOPE = NATIONAL


def national_clause(text: str, start: int, end: int) -> bool:
    """True when text[start:end] states a figure of the whole country (全国工会驿站已超过18万个, 我国共有…)."""
    return _NATIONAL_SCOPE_RE.search(text, start, end) is not None


# A sentence that opens with a clause naming only a place (在广东,省总工会本级投入200万元; 在天津,…): a national
# roundup's way of going round the provinces, each sentence about the one it opens with. The opener is 在 /
# 从 + the place (+ 方面): at most TOPIC_MAX_CHARS characters (在黑龙江省 is 5, 在内蒙古自治区 7).
TOPIC_MAX_CHARS = 8
_WHOLE_SUFFIXES = ("省", "市", "自治区", "区", "县", "旗", "州", "盟")
_WHOLE_AFTER = ("全省", "全市", "全区", "全县", "各地", "各级", "境内", "地区", "省", "市")
_TOPIC_WORDS = re.compile(r"^(?:在|从|于)?|(?:方面|来看|看)?$")


@lru_cache(maxsize=4)
def _sentence_breaks(text: str) -> list[int]:
    """Positions of the sentence breaks of `text` (found once per text: a clause's look back for its sentence's
    start with rfind scanned to the text's start for every break character the text lacks, ~15 % of extraction)."""
    return [m.start() for m in SENTENCE_BREAK.finditer(text)]


def sentence_scope(text: str, c_start: int, c_end: int, places: list[tuple[str, int, int, str]] | None = None,
                   place_starts: list[int] | None = None, sentence_start: int | None = None) -> str | None:
    """The scope of the clause [c_start, c_end) when it names no place itself: NATIONAL_SCOPE when it (or the
    clause opening its sentence) states a figure of the whole country, a province when its sentence opens
    with a clause that is only that place (在广东,…) or is about a province as a whole, else None (the article's
    region holds). `places` / `place_starts`: find_places over the whole text, when the caller has them (facts
    has: finding them again in every opener was ~7 % of extraction)."""
    if national_clause(text, c_start, c_end):
        return NATIONAL_SCOPE
    if sentence_start is None:  # (facts passes the start it tracks; other callers have it found here)
        breaks = _sentence_breaks(text)
        i = bisect_left(breaks, c_start)
        sentence_start = breaks[i - 1] + 1 if i else 0
    s = sentence_start
    if s >= c_start:
        return None  # the clause opens its sentence
    brk = _SCOPE_BREAK_RE.search(text, s, c_start)
    if brk is None:
        return None
    if national_clause(text, s, brk.start()):
        return NATIONAL_SCOPE  # 2020年全国各级工会投入…,慰问…507万人次: the later clauses share its subject
    if places is None or place_starts is None:
        found = [(p, st + s, en + s, n) for p, st, en, n in find_places(text[s : brk.start()])]
    else:
        found = places[bisect_left(place_starts, s) : bisect_left(place_starts, brk.start())]
        found = [p for p in found if p[2] <= brk.start()]
    found = [p for p in found if not is_trap(text, p[2])]
    if not found:
        return None
    rest = text[s : brk.start()]
    for _p, st, en, _n in reversed(found):
        rest = rest[: st - s] + rest[en - s :]
    if (brk.start() - s <= TOPIC_MAX_CHARS and not _TOPIC_WORDS.sub("", rest.strip())
            and len({p[0] for p in found}) == 1):
        return found[0][0]  # 在广东,…
    # 辽宁全省的插秧面积…增加了20%,达到…的65%; 黑龙江省主要产稻的地区,…提前了十多天: an opener about a province
    # as a whole (its name with its suffix, or 全省 / 各地 after it) is the subject of the sentence's later clauses
    # too. A bare name that opens a clause (北京要求…, 深圳有…) is not enough: it is the place of that clause only.
    whole = {p for p, _st, en, name in found
             if name.endswith(_WHOLE_SUFFIXES) or text.startswith(_WHOLE_AFTER, en, brk.start())}
    return whole.pop() if len(whole) == 1 else None
