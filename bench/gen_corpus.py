#!/usr/bin/env python3
"""Generate a benchmark corpus of N articles with known ground truth, recombined from the sample files.

Source text: the cleaned Simplified articles of data/samples (transforms.clean.clean_document +
transforms.segment.segment_document), cut into sentences. Each generated article is about one
province P: its sentences are place-neutral ones, ones naming only a province (renamed to P) and,
when P is a sample province, ones naming that province's own cities. Paragraphs are 2-4 sentences
drawn at random, so no paragraph repeats verbatim across files (a line repeated in 5+ files of a batch
would be learned as boilerplate). Key facts are the hand-made gold facts (tests/gold/facts.yaml): the
number in each is redrawn with the same digit shape, so facts differ from article to article and the
truth carries the new value.

Files re-apply every artifact class of the samples at known rates (constants below):

* people_com_cn: Traditional script (OpenCC s2t) with inline pinyin 字(pīn) on a share of the characters
  whose Traditional form differs, breadcrumb, dateline "YYYY年MM月DD日HH:MM  來源:《工人日報》", editor
  line, SEO footer, and GBK phase-shift mojibake spans exactly as tests/gold/mojibake.yaml describes.
* epaper_trailer: Simplified, optional masthead, byline, CMS trailer "--> DATE P P PAPER content_N.html 1
  TITLE /enpproperty-->" (the only place the date and the paper are named).
* multi_article_page: 2-5 articles with 本报讯(记者… 通讯员…) bylines, no date, no source (so they must be
  quarantined), paragraphs cut mid-sentence by blank lines (column breaks).

Layout: OUT/corpus/s<seed>/<dir>/<file>.txt (the pipeline's --input is OUT/corpus) and OUT/truth.jsonl,
one JSON object per file (see bench/README.md). Output is byte-identical for a seed: every file draws
from its own random.Random(f"{seed}:{index}"), so files can be generated in parallel.

    /tmp/v1/bin/python bench/gen_corpus.py --n 1000 --seed 1 --out bench/out/n1000-s1
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import sys
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from multiprocessing import get_context
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SAMPLES = ROOT / "data" / "samples"
GOLD_FACTS = ROOT / "tests" / "gold" / "facts.yaml"
READINGS = ROOT / "transforms" / "data" / "pinyin_readings.tsv"
ADMIN = ROOT / "transforms" / "data" / "admin_divisions.csv"

# --- rates (per file unless said otherwise); tests/test_bench_corpus.py checks them at N=200 -----------
# Format mix: the samples are 2 people.com.cn pages, 2 e-paper pages, 1 whole page (of 5).
FORMAT_SHARES: dict[str, float] = {"people_com_cn": 0.40, "epaper_trailer": 0.40, "multi_article_page": 0.20}
MULTI_ARTICLES = (2, 5)  # articles on a whole-page file (004 has 7; smaller pages are common)
PINYIN_SHARE = 0.5  # of the characters whose Traditional form differs (001 annotates most of them)
MOJIBAKE_RATE = 0.35  # of people_com_cn pages carry 1-2 GBK phase-shift spans (both Traditional samples do)
SEO_FOOTER_RATE = 0.7  # of people_com_cn pages end in an SEO footer of place names
SEO_FOOTER_ITEMS = 40  # items in a footer (the samples: 40)
MASTHEAD_RATE = 0.5  # of epaper_trailer pages open with the paper's masthead
COLUMN_BREAK_RATE = 0.3  # of the paragraphs (>= COLUMN_BREAK_MIN chars) on multi-article pages
COLUMN_BREAK_MIN = 40
KICKER_RATE = 0.3  # of articles have a kicker (引题)
SUBTITLE_RATE = 0.2  # of people_com_cn articles have a subtitle (副题, "——…")
TITLE_DECK_MAX = 9  # two-deck titles are two short phrases (the samples: 4-8 characters each)
FACT_SENTENCES = (1, 3)  # sentences holding a gold fact, per article
PARAGRAPHS = (3, 8)  # body paragraphs per article
SENTENCES_PER_PARAGRAPH = (2, 3)
FILES_PER_DIR = 1000  # files per folder (dated-folder style; keeps directories small)
DATE_RANGE = ("2018-01-01", "2024-12-31")  # publish dates (all in the past: none may be out of range)
# Province-level units an article can be about (mainland; 香港/澳门/台湾 read differently).
PROVINCES = ("北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽",
             "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南",
             "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆")
PEOPLE_SOURCES = (("工人日报", 0.7), ("人民日报", 0.2), ("中国青年报", 0.1))
SEO_JUNK = ("手游", "搜索", "星座", "汽车", "应用必备", "SHOW", "游戏", "视频")
EDITOR_POOL = ("刘琼", "黄瑾", "皮博", "王震", "李昉", "张三", "陈健", "杨光", "赵婷", "周宁")

_SENT_RE = re.compile(r"[^。！？!?]*?(?:[。！？!?]+[”’」』)]*|$)")
_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
_ANNOT_STRIP_RE = re.compile(r"\([a-zü\u00c0-\u024f]+\)")
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
_TONE_MARKS = {"a": "āáǎà", "e": "ēéěè", "i": "īíǐì", "o": "ōóǒò", "u": "ūúǔù", "ü": "ǖǘǚǜ"}


# --- the source pool -------------------------------------------------------------------------------------
@dataclass
class FactSlot:
    start: int  # the number's span in the sentence
    end: int
    scale: float  # value = number * scale (万 -> 1e4 ...)
    decimals: int
    int_digits: int
    unit: str
    metric: str | None
    qualifier: str | None
    fixed_value: float | None  # not redrawable (近千, 3-digit percent): the gold value


@dataclass
class Sentence:
    text: str
    kind: str  # neutral | prov (names only one province: renamed) | local (names one province's cities)
    province: str | None
    places: list[tuple[int, int, bool]]  # province-name spans to rename: (start, end, full form)
    facts: list[FactSlot] = field(default_factory=list)


@dataclass
class Pool:
    sentences: list[Sentence]
    by_kind: dict[str, list[int]]
    local_by_prov: dict[str, list[int]]
    fact_ids: list[int]
    title_phrases: list[str]
    short_phrases: list[str]  # <= TITLE_DECK_MAX chars: one deck of a two-deck title
    kickers: list[Sentence]
    surnames: list[str]
    given: list[str]
    counties: list[str]
    readings: dict[str, str]  # Traditional char -> toned syllable


def _split_sentences(para: str) -> list[str]:
    return [s for s in _SENT_RE.findall(para) if s]


def _number_slot(sentence: str, ev_start: int, evidence: str, fact: dict[str, Any]) -> FactSlot | None:
    value = float(fact["value"])
    for m in _NUMBER_RE.finditer(evidence):
        n = float(m.group(0))
        if n <= 0:
            continue
        ratio = value / n
        power = round(ratio)
        if power >= 1 and abs(ratio - power) < 1e-6 * ratio and str(power).strip("0") == "1":
            text = m.group(0)
            decimals = len(text.split(".")[1]) if "." in text else 0
            int_digits = len(text.split(".")[0])
            fixed = None
            if fact["unit"] == "%" and int_digits >= 3:
                fixed = value  # 100%: a redrawn 3-digit share would exceed 100
            return FactSlot(ev_start + m.start(), ev_start + m.end(), float(power), decimals, int_digits,
                            fact["unit"], fact.get("metric"), fact.get("qualifier"), fixed)
    # No Arabic number carries the value (近千项): the fact stays as written.
    return FactSlot(-1, -1, 1.0, 0, 0, fact["unit"], fact.get("metric"), fact.get("qualifier"), value)


def _toned(syllable: str, tone: int) -> str:
    for v in ("a", "e"):
        if v in syllable:
            i = syllable.index(v)
            break
    else:
        if "ou" in syllable:
            i = syllable.index("o")
        else:
            i = max(syllable.rfind(v) for v in "iouü")
    if i < 0:
        return syllable
    return syllable[:i] + _TONE_MARKS[syllable[i]][tone] + syllable[i + 1:]


@cache
def s2t() -> Any:
    from opencc import OpenCC

    return OpenCC("s2t")


@cache
def t2s() -> Any:
    from opencc import OpenCC

    return OpenCC("t2s")


@cache
def load_pool() -> Pool:
    """Sentences, title phrases, names and readings from the samples (built once per process)."""
    import yaml

    from gonghui.transforms.clean import clean_document
    from gonghui.transforms.decode import decode_bytes
    from gonghui.transforms.regions import find_places, full_name
    from gonghui.transforms.segment import segment_document

    full_to_short = {full_name(p): p for p in PROVINCES}
    sentences: list[Sentence] = []
    heads: list[str] = []
    authors: list[str] = []
    for p in sorted(SAMPLES.glob("*.txt")):
        data = p.read_bytes()
        doc = clean_document(hashlib.sha256(data).hexdigest(), p.name, decode_bytes(data).text or "")
        for a in segment_document(doc):
            heads += [x for x in (a.title, a.kicker, a.subtitle) if x] + list(a.section_headings)
            authors += [*a.authors, *a.correspondents, *a.photographers, *a.editors]
            skip = set(a.section_headings) | set(a.captions)
            for para in a.body.split("\n"):
                if para in skip:
                    continue
                sentences += [_classify(s, find_places, full_to_short) for s in _split_sentences(para)
                              if len(s) >= 12]
    sentences = [s for s in sentences if s.kind != "multi"]
    gold = yaml.safe_load(GOLD_FACTS.read_text(encoding="utf-8"))["facts"]
    for fact in gold:
        for s in sentences:
            i = s.text.find(fact["evidence"])
            if i >= 0:
                slot = _number_slot(s.text, i, fact["evidence"], fact)
                if slot is not None and not any(f.start == slot.start and slot.start >= 0 for f in s.facts):
                    s.facts.append(slot)
                break
    by_kind: dict[str, list[int]] = {"neutral": [], "prov": [], "local": []}
    local_by_prov: dict[str, list[int]] = {}
    fact_ids: list[int] = []
    for i, s in enumerate(sentences):
        if s.facts:
            fact_ids.append(i)
            continue
        by_kind[s.kind].append(i)
        if s.kind == "local" and s.province:
            local_by_prov.setdefault(s.province, []).append(i)
    phrases: list[str] = []
    kickers: list[Sentence] = []
    for h in heads:
        h = re.sub(r"^\d+\s*", "", h).strip()
        if h.startswith("——"):
            h = h[2:]
        c = _classify(h, find_places, full_to_short)
        if h.endswith("——"):
            if c.kind in ("neutral", "prov"):
                kickers.append(c)
            continue
        if c.kind == "neutral":
            phrases += [x for x in re.split(r"[ ,]", h) if 4 <= len(x) <= 16 and x != "省总工会"
                        and x.count("“") == x.count("”") and x.count("‘") == x.count("’")]
    surnames = [x for x in _read_lines(ROOT / "transforms" / "data" / "facts_surnames.txt") if len(x) == 1][:120]
    given = sorted({ch for name in authors for ch in name[1:]})
    readings = _load_readings()
    surnames = [c for c in surnames if _roundtrips(c)]
    given = [c for c in given if _roundtrips(c)]
    counties = [row.split(",")[0] for row in ADMIN.read_text(encoding="utf-8").splitlines()[1:]
                if row.split(",")[3] == "county" and len(row.split(",")[0]) in (3, 4)]
    phrases = sorted(set(phrases))
    return Pool(sentences, by_kind, local_by_prov, fact_ids, phrases, [x for x in phrases if len(x) <= TITLE_DECK_MAX],
                kickers, surnames, given, counties, readings)


def _classify(text: str, find_places: Any, full_to_short: dict[str, str]) -> Sentence:
    places = find_places(text)
    provs = {p[0] for p in places}
    if not places:
        return Sentence(text, "neutral", None, [])
    if len(provs) > 1:
        return Sentence(text, "multi", None, [])
    prov = next(iter(provs))
    spans = []
    local = False
    for _p, start, end, name in places:
        if name == prov:
            spans.append((start, end, False))
        elif full_to_short.get(name) == prov:
            spans.append((start, end, True))
        else:
            local = True
    if local:
        return Sentence(text, "local", prov, [])
    return Sentence(text, "prov", prov, spans)


def _read_lines(path: Path) -> list[str]:
    return [x.strip() for x in path.read_text(encoding="utf-8").splitlines() if x.strip() and not x.startswith("#")]


def _roundtrips(ch: str) -> bool:
    """A name character survives Simplified -> Traditional -> Simplified (so Traditional pages are fair)."""
    from gonghui.transforms.chinese import to_simplified

    return bool(to_simplified(s2t().convert(ch))[0] == ch) if _CJK_RE.match(ch) else False


def _load_readings() -> dict[str, str]:
    out: dict[str, str] = {}
    for line in _read_lines(READINGS):
        syllable, chars = line.split("\t")
        if not syllable.isalpha():
            continue
        for ch in chars:
            if ch not in out:
                out[ch] = _toned(syllable, ord(ch) % 4)
    return out


# --- page assembly ---------------------------------------------------------------------------------------
class Page:
    """The text of one file, built piece by piece, with artifact spans as absolute character offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.boilerplate: list[dict[str, Any]] = []
        self.mojibake: list[dict[str, Any]] = []
        self.column_breaks: list[dict[str, Any]] = []

    def emit(self, text: str, kind: str | None = None) -> int:
        start = self.pos
        if kind:
            self.boilerplate.append({"kind": kind, "offset": start, "text": text})
        self.parts.append(text)
        self.pos += len(text)
        return start

    def text(self) -> str:
        return "".join(self.parts)


def _redraw(rng: random.Random, slot: FactSlot) -> tuple[str, float]:
    lo = 10 ** (slot.int_digits - 1) if slot.int_digits > 1 else 1
    hi = 10 ** slot.int_digits - 1
    ip = rng.randint(lo, hi)
    if slot.decimals:
        frac = rng.randint(0, 10 ** slot.decimals - 1)
        frac = frac or 1  # 184.30 would be written 184.3
        if frac % 10 == 0:
            frac += 1
        text = f"{ip}.{frac:0{slot.decimals}d}"
    else:
        text = str(ip)
    return text, round(float(text) * slot.scale, 6)


def _render_sentence(rng: random.Random, s: Sentence, prov: str) -> tuple[list[str], list[dict[str, Any]]]:
    """The sentence with its province renamed to `prov` and its fact numbers redrawn (as pieces split at
    the edits, so their Traditional forms can be memoised); and its facts."""
    from gonghui.transforms.regions import full_name

    edits: list[tuple[int, int, str]] = []
    for start, end, full in s.places:
        edits.append((start, end, full_name(prov) if full else prov))
    facts = []
    for f in s.facts:
        if f.fixed_value is not None:
            facts.append({"value": f.fixed_value, "unit": f.unit, "metric": f.metric, "qualifier": f.qualifier})
            continue
        text, value = _redraw(rng, f)
        edits.append((f.start, f.end, text))
        facts.append({"value": value, "unit": f.unit, "metric": f.metric, "qualifier": f.qualifier,
                      "number_text": text})
    pieces: list[str] = []
    last = 0
    for start, end, rep in sorted(edits):
        pieces += [s.text[last:start], rep]
        last = end
    pieces.append(s.text[last:])
    return [x for x in pieces if x], facts


def _name(rng: random.Random, pool: Pool) -> str:
    return rng.choice(pool.surnames) + "".join(rng.choice(pool.given) for _ in range(rng.choice((1, 2, 2))))


def _date(rng: random.Random) -> str:
    lo = _ordinal(DATE_RANGE[0])
    hi = _ordinal(DATE_RANGE[1])
    import datetime as dt

    return dt.date.fromordinal(rng.randint(lo, hi)).isoformat()


@cache
def _ordinal(iso: str) -> int:
    import datetime as dt

    return dt.date.fromisoformat(iso).toordinal()


@dataclass
class Draft:
    """One generated article, Simplified, before it is laid out on a page."""

    title: str
    kicker: str | None
    subtitle: str | None
    region: str
    pieces: list[list[str]]  # per paragraph: the pieces it is made of (see _render_sentence)
    facts: list[dict[str, Any]]
    authors: list[str]
    correspondents: list[str] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[str]:
        return ["".join(p) for p in self.pieces]


def _article(rng: random.Random, pool: Pool, *, subtitle: bool) -> Draft:
    from gonghui.transforms.regions import full_name

    local_provs = sorted(pool.local_by_prov)
    prov = rng.choice(local_provs) if rng.random() < 0.3 else rng.choice(PROVINCES)
    n_para = rng.randint(*PARAGRAPHS)
    n_sent = sum(rng.randint(*SENTENCES_PER_PARAGRAPH) for _ in range(n_para))
    chosen: list[int] = []
    fact_pool = [i for i in pool.fact_ids
                 if pool.sentences[i].kind != "local" or pool.sentences[i].province == prov]
    chosen += rng.sample(fact_pool, rng.randint(*FACT_SENTENCES))
    place_pool = pool.by_kind["prov"] + pool.local_by_prov.get(prov, [])
    chosen += rng.sample(place_pool, 2)
    rest = n_sent - len(chosen)
    if rest > 0:
        chosen += rng.sample(pool.by_kind["neutral"], min(rest, len(pool.by_kind["neutral"])))
    rng.shuffle(chosen)
    facts: list[dict[str, Any]] = []
    texts: list[list[str]] = []
    for i in chosen:
        t, f = _render_sentence(rng, pool.sentences[i], prov)
        texts.append(t)
        facts += f
    paragraphs: list[list[str]] = []
    k = 0
    while k < len(texts):
        n = rng.randint(*SENTENCES_PER_PARAGRAPH)
        paragraphs.append([piece for t in texts[k:k + n] for piece in t])
        k += n
    # Titles must not repeat in 5+ files of a batch (they would be learned as boilerplate, as a real
    # site's furniture is): a single phrase always carries its province, two decks do half the time.
    prefixes = (full_name(prov) + "总工会", prov + "工会", prov + "各级工会", prov)
    if rng.random() < 0.5:
        parts = [rng.choice(prefixes) + rng.choice(pool.title_phrases)]
    else:  # two short decks, as in 灾后清淤 重建家园 / 源头维护 参与治理
        parts = rng.sample(pool.short_phrases, 2)
        if rng.random() < 0.5:
            parts.insert(0, rng.choice(prefixes[:2]))
    title = " ".join(parts)
    kicker = None
    if pool.kickers and rng.random() < KICKER_RATE:
        kicker = "".join(_render_sentence(rng, rng.choice(pool.kickers), prov)[0])
    sub = None
    if subtitle and rng.random() < SUBTITLE_RATE:
        sub = "——" + prov + "工会" + rng.choice(pool.title_phrases)
    authors = [_name(rng, pool) for _ in range(rng.choice((1, 1, 2)))]
    return Draft(title, kicker, sub, prov, paragraphs, facts, authors)


def _truth_article(seq: int, d: Draft, source: str | None, date: str | None, time_: str | None,
                   expect: str, editors: list[str] | None = None) -> dict[str, Any]:
    return {"seq": seq, "title": d.title, "kicker": d.kicker, "subtitle": d.subtitle, "source": source,
            "publish_date": date, "publish_time": time_, "region": d.region, "authors": d.authors,
            "correspondents": d.correspondents, "editors": editors or [], "expect": expect, "facts": d.facts}


# --- Traditional + pinyin + mojibake ------------------------------------------------------------------------
@lru_cache(maxsize=1 << 16)
def _s2t_marks(text: str) -> tuple[str, tuple[tuple[int, str], ...]]:
    """OpenCC s2t of a piece of text (memoised: the pool's pieces recur) and the positions whose
    Traditional form differs and has a reading: where an annotation may go."""
    trad = s2t().convert(text)
    if len(trad) != len(text):
        return trad, ()
    readings = load_pool().readings
    return trad, tuple((i, "(" + readings[b] + ")") for i, (a, b) in enumerate(zip(text, trad, strict=True))
                       if a != b and b in readings)


def _traditional(rng: random.Random, pieces: list[str]) -> tuple[str, int]:
    """OpenCC s2t, then 字(pīn) after a share of the characters whose Traditional form differs."""
    out: list[str] = []
    count = 0
    for piece in pieces:
        trad, marks = _s2t_marks(piece)
        last = 0
        for i, ann in marks:
            if rng.random() < PINYIN_SHARE:
                out.append(trad[last:i + 1])
                out.append(ann)
                last = i + 1
                count += 1
        out.append(trad[last:])
    return "".join(out), count


# Full-width punctuation (not letters or digits) folded to ASCII, as the pages were: ！-> ! ；-> ;
_FOLD = {c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F) if not chr(c - 0xFEE0).isalnum()}
# A mojibake run ends where an ASCII byte re-aligns the decoder; these ASCII characters follow CJK text
# on the pages (the comma is folded full-width punctuation, digits start a number).
_REALIGN = ",;:0123456789%"
_RUN_RE = re.compile(r"[^\x00-\x7f]{2,}(?=[" + re.escape(_REALIGN) + "])")


def gbk_phase_shift(span: str) -> str | None:
    """The span read one byte out of phase (tests/gold/mojibake.yaml); None when it cannot happen cleanly.

    The first byte is lost ("?"); every following byte pair is read across two characters until an ASCII
    byte re-aligns the decoder (a character's trail byte in 0x40-0x7E, as 籌 = BB 49 -> "I"; after it the
    rest decodes as written), and a lone last byte before the ASCII text that follows becomes "?".
    Full-width punctuation is then folded to ASCII. "。”日前" -> "?!比涨?", "。籌" -> "?;I".
    """
    try:
        b = span.encode("gbk")
    except UnicodeEncodeError:
        return None
    if len(b) != 2 * len(span):
        return None
    out = ["?"]
    i = 1
    while i < len(b):
        if b[i] < 0x80:  # re-aligned: this byte is ASCII, the rest reads as written
            out.append(chr(b[i]) + b[i + 1:].decode("gbk"))
            break
        if i + 1 == len(b):
            out.append("?")
            break
        try:
            c = b[i:i + 2].decode("gbk")
        except UnicodeDecodeError:
            return None
        if len(c) != 1 or ord(c) < 0x80 or unicodedata.category(c) in ("Co", "Cn", "Cc"):
            return None
        out.append(c)
        i += 2
    return "".join(out).translate(_FOLD)


def _apply_mojibake(rng: random.Random, line: str) -> tuple[str, list[dict[str, Any]]]:
    runs = [m for m in _RUN_RE.finditer(line) if not _ANNOT_STRIP_RE.search(m.group(0))]
    rng.shuffle(runs)
    for m in runs:
        k = rng.randint(2, 4)
        if m.end() - m.start() < k:
            continue
        start = m.end() - k
        span = line[start:m.end()]
        raw = gbk_phase_shift(span)
        if raw is None:
            continue
        before = _ANNOT_STRIP_RE.sub("", line[:start])[-6:]
        return (line[:start] + raw + line[m.end():],
                [{"col": start, "raw": raw, "was": span, "expect_simplified": t2s().convert(before + span)}])
    return line, []


# --- the three formats ------------------------------------------------------------------------------------
def _people_page(rng: random.Random, pool: Pool, page: Page) -> dict[str, Any]:
    d = _article(rng, pool, subtitle=True)
    date = _date(rng)
    hm = f"{rng.randint(6, 22):02d}:{rng.randint(0, 59):02d}"
    source = rng.choices([s for s, _ in PEOPLE_SOURCES], [w for _, w in PEOPLE_SOURCES])[0]
    editors = rng.sample(EDITOR_POOL, 2)
    pinyin = 0

    def trad(text: str | list[str]) -> str:
        nonlocal pinyin
        t, n = _traditional(rng, [text] if isinstance(text, str) else text)
        pinyin += n
        return t

    page.emit(trad("中国共产党新闻网>>中国工会新闻"), "breadcrumb")
    page.emit("\n\n")
    for head in (d.kicker, d.title, d.subtitle, " ".join(d.authors)):
        if head:
            page.emit(trad(head) + "\n\n")
    y, m, dd = date.split("-")
    page.emit(f"{y}年{m}月{dd}日{hm}  " + s2t().convert(f"来源:《{source}》"), "dateline")
    page.emit("\n\n")
    lines = [trad(p) for p in d.pieces]
    moji: list[tuple[int, dict[str, Any]]] = []
    if rng.random() < MOJIBAKE_RATE:
        want = rng.choice((1, 2))
        order = list(range(len(lines)))
        rng.shuffle(order)
        for li in order:
            if len(moji) >= want:
                break
            lines[li], spans = _apply_mojibake(rng, lines[li])
            moji += [(li, s) for s in spans]
    for li, line in enumerate(lines):
        start = page.emit(line)
        for lj, s in moji:
            if lj == li:
                col = s.pop("col")
                page.mojibake.append({"offset": start + col, **s})
        page.emit("\n\n")
    page.emit(s2t().convert(f"(责编:{'、'.join(editors)})"), "editor_line")
    if rng.random() < SEO_FOOTER_RATE:
        items = [rng.choice(SEO_JUNK) if rng.random() < 0.1 else rng.choice(pool.counties)
                 for _ in range(SEO_FOOTER_ITEMS)]
        page.emit("\n")
        page.emit("| ".join(items) + "|", "seo_footer")
    return {"format": "people_com_cn", "expect": "loaded", "traditional": True, "pinyin": pinyin,
            "articles": [_truth_article(1, d, source, date, hm, "loaded", editors)]}


def _epaper_page(rng: random.Random, pool: Pool, page: Page, index: int) -> dict[str, Any]:
    d = _article(rng, pool, subtitle=False)
    date = _date(rng)
    paper = rng.choice((f"{d.region}日报", f"{d.region}工人报", "工人日报"))
    if rng.random() < MASTHEAD_RATE:
        cn = f"CN{rng.randint(11, 65)}-{rng.randint(1, 99):04d}"
        page.emit(f"{paper}报刊社 出版 国内统一刊号:{cn} 代号{rng.randint(1, 89)}-{rng.randint(1, 99)}", "masthead")
        page.emit("\n" * rng.randint(2, 6))
    if d.kicker:
        page.emit(d.kicker + "\n\n")
    page.emit(d.title + "\n\n")
    style = rng.random()
    if style < 0.4:
        page.emit("■ " + " ".join(d.authors) + "\n\n")
    elif style < 0.7:
        page.emit("本报记者 " + " ".join(d.authors) + "\n\n")
    else:
        d.authors = []
    for p in d.paragraphs:
        page.emit(p + "\n\n")
    pg = rng.randint(1, 12)
    original = f"content_{index}.html" if rng.random() < 0.5 else f"c{index}.html"
    page.emit(f"--> {date} {pg} {pg} {paper} {original} 1 {d.title} /enpproperty-->", "cms_trailer")
    return {"format": "epaper_trailer", "expect": "loaded", "traditional": False, "pinyin": 0,
            "original_id": original, "articles": [_truth_article(1, d, paper, date, None, "loaded")]}


def _column_break(rng: random.Random, para: str) -> int | None:
    """A cut inside a sentence, between two Han characters, away from both ends."""
    if len(para) < COLUMN_BREAK_MIN:
        return None
    for _ in range(8):
        i = rng.randint(10, len(para) - 10)
        if _CJK_RE.match(para[i - 1]) and _CJK_RE.match(para[i]):
            return i
    return None


def _multi_page(rng: random.Random, pool: Pool, page: Page, n_articles: int) -> dict[str, Any]:
    arts = []
    page.emit("\n\n")
    for seq in range(1, n_articles + 1):
        d = _article(rng, pool, subtitle=False)
        if d.kicker:
            page.emit(d.kicker + "\n\n")
        page.emit(d.title + "\n\n")
        paras = list(d.paragraphs)
        if rng.random() < 0.8:
            inner = "记者" + " ".join(d.authors)
            if rng.random() < 0.5:
                d.correspondents = [_name(rng, pool) for _ in range(rng.choice((1, 2)))]
                inner += " 通讯员" + " ".join(d.correspondents)
            paras[0] = f"本报讯({inner})" + paras[0]
        else:
            page.emit("本报记者 " + " ".join(d.authors) + "\n\n")
        for p in paras:
            cut = _column_break(rng, p) if rng.random() < COLUMN_BREAK_RATE else None
            if cut is None:
                page.emit(p + "\n\n")
                continue
            start = page.emit(p[:cut])
            page.emit("\n\n")
            page.emit(p[cut:] + "\n\n")
            page.column_breaks.append({"offset": start + cut, "joined": p[max(0, cut - 8):cut + 8]})
        arts.append(_truth_article(seq, d, None, None, None, "quarantined"))
    return {"format": "multi_article_page", "expect": "quarantined", "traditional": False, "pinyin": 0,
            "articles": arts}


# --- the plan and the writer -------------------------------------------------------------------------------
def _file_rng(seed: int, index: int) -> random.Random:
    return random.Random(f"{seed}:{index}")


def _draw_shape(rng: random.Random) -> tuple[str, int]:
    fmt = rng.choices(list(FORMAT_SHARES), list(FORMAT_SHARES.values()))[0]
    return fmt, (rng.randint(*MULTI_ARTICLES) if fmt == "multi_article_page" else 1)


def _shape(seed: int, index: int) -> tuple[str, int]:
    return _draw_shape(_file_rng(seed, index))


def plan(n_articles: int, seed: int) -> list[tuple[str, int]]:
    """(format, articles) per file until the files hold exactly n_articles (the last page may be smaller)."""
    out: list[tuple[str, int]] = []
    total = 0
    i = 0
    while total < n_articles:
        fmt, k = _shape(seed, i)
        k = min(k, n_articles - total)
        if fmt == "multi_article_page" and k < MULTI_ARTICLES[0]:
            fmt = "epaper_trailer"  # a one-article remainder is not a whole page
        out.append((fmt, k))
        total += k
        i += 1
    return out


def rel_path(seed: int, index: int) -> str:
    return f"s{seed}/{index // FILES_PER_DIR:04d}/s{seed}-{index:07d}.txt"


def render_file(seed: int, index: int, fmt: str, n_articles: int) -> tuple[str, dict[str, Any]]:
    """The text of file `index` and its truth record."""
    pool = load_pool()
    rng = _file_rng(seed, index)
    _draw_shape(rng)  # the draws that decided the shape (plan() made them too)
    page = Page()
    if fmt == "people_com_cn":
        info = _people_page(rng, pool, page)
    elif fmt == "epaper_trailer":
        info = _epaper_page(rng, pool, page, 100000 + index)
    else:
        info = _multi_page(rng, pool, page, n_articles)
    text = page.text()
    truth = {"file": rel_path(seed, index), "format": info["format"], "expect": info["expect"],
             "chars": len(text), "bytes": len(text.encode("utf-8")),
             "articles": info["articles"],
             "artifacts": {"traditional": info["traditional"], "pinyin": info["pinyin"],
                           "mojibake": page.mojibake, "boilerplate": page.boilerplate,
                           "column_breaks": page.column_breaks}}
    if "original_id" in info:
        truth["original_id"] = info["original_id"]
    return text, truth


def _write_chunk(args: tuple[str, int, int, list[tuple[str, int]]]) -> list[str]:
    corpus, seed, first, shapes = args
    lines = []
    made: set[str] = set()
    for k, (fmt, n) in enumerate(shapes):
        index = first + k
        text, truth = render_file(seed, index, fmt, n)
        path = Path(corpus) / truth["file"]
        if path.parent.as_posix() not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent.as_posix())
        path.write_text(text, encoding="utf-8")
        lines.append(json.dumps(truth, ensure_ascii=False, sort_keys=True))
    return lines


CHUNK_FILES = 250  # files per worker task: large enough to amortise the pool, small enough to stream


def generate(out_dir: str | Path, n_articles: int, seed: int = 0, *, workers: int | None = None) -> dict[str, Any]:
    """Write n_articles articles (deterministic for `seed`) under out_dir/corpus/s<seed>/ and the truth to
    out_dir/truth.jsonl. Returns a summary (files, articles, bytes, seconds, paths)."""
    t0 = time.perf_counter()
    out = Path(out_dir)
    corpus = out / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    shapes = plan(n_articles, seed)
    tasks = [(str(corpus), seed, i, shapes[i:i + CHUNK_FILES]) for i in range(0, len(shapes), CHUNK_FILES)]
    workers = workers or min(os.cpu_count() or 1, 8)
    load_pool()  # once, before the workers fork
    truth_path = out / "truth.jsonl"
    n_bytes = 0
    with truth_path.open("w", encoding="utf-8") as fh:
        if workers <= 1 or len(tasks) <= 1:
            results: Iterator[list[str]] = map(_write_chunk, tasks)
            for lines in results:
                n_bytes += _write_truth(fh, lines)
        else:
            with get_context("fork").Pool(workers) as mp:
                for lines in mp.imap(_write_chunk, tasks):
                    n_bytes += _write_truth(fh, lines)
    return {"files": len(shapes), "articles": sum(k for _, k in shapes), "bytes": n_bytes, "seed": seed,
            "corpus": str(corpus), "truth": str(truth_path), "seconds": time.perf_counter() - t0}


def _write_truth(fh: Any, lines: list[str]) -> int:
    n = 0
    for line in lines:
        fh.write(line + "\n")
        n += json.loads(line)["bytes"]
    return n


def read_truth(path: str | Path) -> list[dict[str, Any]]:
    with Path(path).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="articles to generate")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True, help="output folder (corpus/ and truth.jsonl go inside)")
    ap.add_argument("--workers", type=int, default=None)
    a = ap.parse_args(argv)
    s = generate(a.out, a.n, a.seed, workers=a.workers)
    print(f"{s['articles']} articles in {s['files']} files, {s['bytes'] / 1e6:.1f} MB, "
          f"{s['seconds']:.1f} s -> {s['corpus']} (truth: {s['truth']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
