"""Convert Traditional Chinese text to Simplified (OpenCC 1.4.2 dictionaries, t2s/hk2s/tw2s, plus phrase overrides)."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from opencc import OpenCC

_DATA = Path(__file__).parent / "data"

# The engine is opencc-python-reimplemented's; the dictionaries are OpenCC 1.4.2's (its own 0.1.7 ones are
# years older and fail half of OpenCC's current test cases), generated into transforms/data/opencc_* by
# tools/gen_opencc_data.py. opencc_configs.json holds, per config, the chain of dictionary groups.
_OPENCC_CHAINS: dict[str, list[list[str]]] = {
    name: chain
    for name, chain in json.loads((_DATA / "opencc_configs.json").read_text(encoding="utf-8")).items()
    if not name.startswith("_")
}
# The configs that go to Simplified. tw2sp also rewrites Taiwanese vocabulary (軟體 -> 软件); we only pick
# it when asked for explicitly, detection never does (it rewrites words, not just characters).
CONFIGS: frozenset[str] = frozenset(_OPENCC_CHAINS)
# The dictionaries each config reads, in chain order.
OPENCC_DICT_NAMES: dict[str, tuple[str, ...]] = {
    name: tuple(d for group in chain for d in group) for name, chain in _OPENCC_CHAINS.items()
}
NO_CONVERSION = "none"

CANTONESE_CHARS: tuple[str, ...] = ("嘅", "咗", "喺", "冇", "哋", "啲", "嚟", "睇", "噉")
# Words that say a text comes from Hong Kong or Taiwan. Checked in the source hint (file name, paper name,
# URL: one hit decides) and in the text (in Traditional and Simplified spelling).
HK_MARKERS: tuple[str, ...] = (
    "香港", "港府", "港澳", "特區政府", "特区政府", "立法會", "立法会", "九龍", "九龙", "新界", "港鐵", "港铁",
    "明報", "明报", "文匯報", "文汇报", "大公報", "大公报", "東方日報", "东方日报", "星島", "星岛", "信報",
    "hk01", ".hk", "港人", "港元", "港幣", "港币", "特首", "勞工處", "劳工处",
    # Written Cantonese: particles and pronouns that Mandarin text does not use (嘅 咗 喺 冇 哋 啲 嚟 睇 噉);
    # Hong Kong articles quote speech in them, often more than they name the city (real Hong Kong
    # articles: 347 of 896 had under three place-name markers).
    *CANTONESE_CHARS,
)
TW_MARKERS: tuple[str, ...] = (
    "臺灣", "台灣", "台湾", "中央社", "聯合報", "联合报", "自由時報", "自由时报", "中國時報", "中国时报",
    "行政院", "立法院", "臺北", "台北", "高雄", "新北", ".tw",
)
# A mainland article may mention Hong Kong or Taiwan once or twice in passing; a local one names them
# again and again. Three mentions (and more than the other region) is where a text becomes "local".
MIN_REGION_MENTIONS = 3
# One pass over the text for all markers (a text.count per marker cost 0.6 ms per article). No marker is a
# prefix of another or overlaps itself, so finding the markers starting at every position counts what
# text.count would: a search, then the next search one character after the match's start (the same
# matches as findall of a lookahead "(?=(...))", 7x faster: this alternation opens with literals, which
# re scans for in C, where a lookahead is tried at every position).
_MARKER_SCAN_RE = re.compile("|".join(re.escape(m) for m in HK_MARKERS + TW_MARKERS))


# How often each marker stands in its list (once each).
_HK_WEIGHT = Counter(HK_MARKERS)
_TW_WEIGHT = Counter(TW_MARKERS)


def _marker_mentions(text: str) -> list[str]:
    """Every marker occurrence, overlapping ones included, in text order."""
    found = []
    m = _MARKER_SCAN_RE.search(text)
    while m is not None:
        found.append(m.group())
        m = _MARKER_SCAN_RE.search(text, m.start() + 1)
    return found


def _load_traditional_only() -> frozenset[str]:
    lines = (_DATA / "char_traditional_only.txt").read_text(encoding="utf-8").splitlines()
    return frozenset("".join(line for line in lines if line and not line.startswith("#")))


def _load_overrides() -> dict[str, str]:
    out: dict[str, str] = {}
    for line in (_DATA / "t2s_overrides.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            phrase, replacement = line.split("\t")
            out[phrase] = replacement
    return out


_ASTRAL_RE = re.compile("[\U00010000-\U0010FFFF]")


@dataclass(frozen=True)
class _CharClass:
    """Search for any of a large set of characters, fast.

    Python's re compiles a character class that holds characters beyond the BMP into a list it walks per
    position: 25x slower than a BMP-only class (0.36 ms vs 0.014 ms over a 4,500-character article). So the
    BMP part is a regex and the rest (rare in text, some hundred CJK Extension B-G characters) a set, checked
    only when the text has such a character at all.
    """

    bmp: re.Pattern[str]
    astral: frozenset[str]

    @classmethod
    def of(cls, chars: Iterable[str]) -> _CharClass:
        chars = set(chars)
        bmp = sorted(c for c in chars if ord(c) < 0x10000)
        pattern = "[" + "".join(re.escape(c) for c in bmp) + "]" if bmp else "(?!)"
        return cls(re.compile(pattern), frozenset(c for c in chars if ord(c) >= 0x10000))

    def search(self, text: str) -> bool:
        if self.bmp.search(text) is not None:
            return True
        return bool(self.astral) and _ASTRAL_RE.search(text) is not None and not self.astral.isdisjoint(text)

    def positions(self, text: str) -> list[int]:
        """Every index of a character of the set, in order."""
        found = [m.start() for m in self.bmp.finditer(text)]
        if self.astral and _ASTRAL_RE.search(text) is not None:
            found += [m.start() for m in _ASTRAL_RE.finditer(text) if m.group() in self.astral]
            found.sort()
        return found


# Characters OpenCC's T->S tables change that are never valid Simplified (generated from the dictionaries
# above by tools/gen_char_traditional.py).
TRADITIONAL_ONLY_CHARS: frozenset[str] = _load_traditional_only()
TRADITIONAL_ONLY_REGEX: str = "[" + "".join(sorted(TRADITIONAL_ONLY_CHARS)) + "]"
_TRADITIONAL = _CharClass.of(TRADITIONAL_ONLY_CHARS)

OVERRIDES: dict[str, str] = _load_overrides()
# Longest first so the alternation is leftmost-longest.
_OVERRIDE_RE = re.compile("|".join(re.escape(p) for p in sorted(OVERRIDES, key=len, reverse=True)))


def _hitting_set(phrases: Iterable[str]) -> frozenset[str]:
    """A few characters such that every phrase holds one of them (greedy: most phrases first)."""
    left = set(phrases)
    chosen: set[str] = set()
    while left:
        best = Counter(c for p in left for c in set(p)).most_common(1)[0][0]
        chosen.add(best)
        left = {p for p in left if best not in p}
    return frozenset(chosen)


# The override regex only runs on texts holding one of these (著 with today's table): scanning for the
# whole alternation costs 0.2 ms per article even where nothing matches.
_OVERRIDE_TRIGGER = _CharClass.of(_hitting_set(OVERRIDES))

# opencc-python-reimplemented splits its input at these separators (OpenCC's PhraseExtract list) and converts
# each piece on its own, so no dictionary entry ever matches across one. Copied from its OpenCC.__init__
# (tests/test_chinese.py checks the copy against the installed engine).
ENGINE_SEPARATORS = (
    r"(\s+|-|,|\.|\?|!|\*|　|，|。|、|；|：|？|！|…|“|”|‘|’|『|』|「|」|﹁|﹂|—|－|（|）|《|》|〈|〉|～|．|／|＼|"
    r"︒|︑|︔|︓|︿|﹀|︹|︺|︙|︐|［|﹇|］|﹈|︕|︖|︰|︳|︴|︽|︾|︵|︶|｛|︷|｝|︸|﹃|﹄|【|︻|】|︼)"
)
_SEPARATOR_RE = re.compile(ENGINE_SEPARATORS)


@cache
def opencc_dict(name: str) -> dict[str, str]:
    """One of our OpenCC dictionaries: key -> values as written (space-separated; the engine uses the first)."""
    out: dict[str, str] = {}
    for line in (_DATA / f"opencc_{name}.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, values = line.split("\t")
            out[key] = values
    return out


class ReferenceOpenCC(OpenCC):  # type: ignore[misc]  # the package has no type hints
    """opencc-python-reimplemented's engine, unchanged, fed with our (OpenCC 1.4.2) dictionaries.

    This is the reference: slow (about 10 ms per article), used by the tests and the bench to prove that
    the fast converter below gives exactly the same output.
    """

    def _init_dict(self) -> None:
        # Same data layout the package builds from its own config files: per group, (max key length,
        # min key length, mapping).
        self._dict_chain_data = []
        for group in _OPENCC_CHAINS[self.conversion]:
            tables = []
            for name in group:
                mapping = opencc_dict(name)
                lengths = [len(k) for k in mapping]
                tables.append((max(lengths), min(lengths), mapping))
            self._dict_chain_data.append(tables)
        self._dict_init_done = True


@dataclass(frozen=True)
class _Table:
    """One dictionary, compiled for the fast converter: key -> first value, and where keys can start."""

    mapping: dict[str, str]
    lengths: dict[str, tuple[int, ...]]  # first character -> key lengths starting with it, longest first
    starts: _CharClass  # any first character
    # Where a key can start, narrower: a first character followed by a second one, and the two-character
    # prefixes (only a few hundred of a text's start characters open a key: 1 in 240 in the bench corpus).
    # None when a key has one character, or a character beyond the BMP in its first two.
    openings: re.Pattern[str] | None
    prefixes: frozenset[str]

    @classmethod
    def of(cls, mapping: dict[str, str]) -> _Table:
        lengths: dict[str, set[int]] = {}
        for key in mapping:
            lengths.setdefault(key[0], set()).add(len(key))
        prefixes = frozenset(key[:2] for key in mapping)
        openings = None
        if all(len(p) == 2 and max(map(ord, p)) < 0x10000 for p in prefixes):
            firsts = "".join(re.escape(c) for c in sorted({p[0] for p in prefixes}))
            seconds = "".join(re.escape(c) for c in sorted({p[1] for p in prefixes}))
            openings = re.compile(f"[{firsts}](?=[{seconds}])")
        by_first = {c: tuple(sorted(ls, reverse=True)) for c, ls in lengths.items()}
        return cls(mapping, by_first, _CharClass.of(lengths), openings, prefixes)

    def candidates(self, text: str) -> list[int]:
        """Every index where a key may start, in order (a superset of where one does)."""
        if self.openings is None:
            return self.starts.positions(text)
        prefixes = self.prefixes
        return [i for i in (m.start() for m in self.openings.finditer(text)) if text[i : i + 2] in prefixes]


@dataclass(frozen=True)
class _CharTable:
    """One-character dictionaries merged (earlier wins), applied with str.translate.

    translate with a dict costs ~100 ns per character; with a list indexed by code point (the character
    itself where nothing changes) half that, so BMP text uses the list (~40k entries, a few MB once).
    """

    keys: _CharClass
    table: dict[int, str]
    dense: list[str]

    @classmethod
    def of(cls, table: dict[int, str]) -> _CharTable:
        top = max((k for k in table if k < 0x10000), default=-1) + 1
        dense = list(map(chr, range(top)))
        for k, v in table.items():
            if k < top:
                dense[k] = v
        return cls(_CharClass.of(map(chr, table)), table, dense)

    def apply(self, text: str) -> str:
        if not self.keys.search(text):
            return text
        # A list lookup past its end leaves the character alone, right for BMP text only.
        return text.translate(self.table if _ASTRAL_RE.search(text) else self.dense)


@dataclass(frozen=True)
class _Group:
    phrases: tuple[_Table, ...]  # matched in order, each longest-first over what is still unmatched
    chars: _CharTable  # the trailing one-character dictionaries
    one_to_one: bool  # every chars value is one character: translating the whole text keeps positions


def _compile_group(names: list[str]) -> _Group:
    # Entries that contain a separator can never match in the engine (it never sees one inside a piece).
    mappings = [
        {k: v.split(" ")[0] for k, v in opencc_dict(name).items() if not _SEPARATOR_RE.search(k)}
        for name in names
    ]
    n_phrase = len(mappings)
    while n_phrase and all(len(k) == 1 for k in mappings[n_phrase - 1]):
        n_phrase -= 1
    chars: dict[int, str] = {}
    for mapping in reversed(mappings[n_phrase:]):
        chars.update({ord(k): v for k, v in mapping.items()})
    phrases = [_Table.of(mapping) for mapping in mappings[:n_phrase]]
    return _Group(tuple(phrases), _CharTable.of(chars), all(len(v) == 1 for v in chars.values()))


def _convert_group(text: str, group: _Group) -> str:
    """What the engine does with one dictionary group, on the whole text at once.

    The engine takes, per dictionary, the longest entry found anywhere in a piece (leftmost among equals),
    then does the same to the left and right of it, until nothing matches; the next dictionary of the group
    only sees the still unmatched stretches. Taking all occurrences ordered by (length desc, position) and
    keeping each that does not overlap one already kept gives the same spans. Pieces need no splitting:
    no entry with a separator is kept, so no occurrence crosses one.
    """
    n = len(text)
    taken = bytearray(n)
    spans: list[tuple[int, int, str]] = []
    for table in group.phrases:
        found: list[tuple[int, int]] = []
        mapping = table.mapping
        for i in table.candidates(text):
            for length in table.lengths[text[i]]:
                if i + length <= n and text[i : i + length] in mapping:
                    found.append((-length, i))
        found.sort()
        for neg, i in found:
            end = i - neg
            if taken.find(1, i, end) == -1:
                taken[i:end] = b"\x01" * (end - i)
                spans.append((i, end, mapping[text[i:end]]))
    if not spans:
        return group.chars.apply(text)
    spans.sort()
    # Characters between the phrase matches: one translate of the whole text when that keeps positions.
    source = group.chars.apply(text) if group.one_to_one else text
    out: list[str] = []
    pos = 0
    for start, end, value in spans:
        gap = source[pos:start]
        out.append(gap if group.one_to_one else group.chars.apply(gap))
        out.append(value)
        pos = end
    tail = source[pos:]
    out.append(tail if group.one_to_one else group.chars.apply(tail))
    return "".join(out)


@cache
def _compiled(config: str) -> tuple[_Group, ...]:
    return tuple(_compile_group(group) for group in _OPENCC_CHAINS[config])


@cache
def _reference(config: str) -> ReferenceOpenCC:
    return ReferenceOpenCC(config)


def _check_config(config: str) -> None:
    if config not in CONFIGS:
        raise ValueError(f"unknown OpenCC config {config!r}; expected one of {sorted(CONFIGS)}")


def convert(text: str, config: str) -> str:
    """OpenCC conversion of the whole text (fast path; same output as convert_reference, without overrides)."""
    _check_config(config)
    for group in _compiled(config):
        text = _convert_group(text, group)
    return text


def convert_reference(text: str, config: str) -> str:
    """The reference path: the reimplemented engine with our dictionaries, then the overrides, whole text."""
    _check_config(config)
    return apply_overrides(_reference(config).convert(text))


def has_traditional(text: str) -> bool:
    """True when the text holds at least one Traditional-only character."""
    return _TRADITIONAL.search(text)


def detect_variant(text: str, source_hint: str | None = None) -> str:
    """hk2s or tw2s when the source hint or the wording points to Hong Kong / Taiwan, else t2s."""
    if source_hint:
        hint = source_hint.lower()
        hk_hint = any(m.lower() in hint for m in HK_MARKERS)
        tw_hint = any(m.lower() in hint for m in TW_MARKERS)
        if hk_hint != tw_hint:
            return "hk2s" if hk_hint else "tw2s"
    # Summed over the few mentions, not the markers: sum(count(m) for m in HK_MARKERS), and so for TW.
    mentions = _marker_mentions(text)
    hk = sum(_HK_WEIGHT.get(m, 0) for m in mentions)
    tw = sum(_TW_WEIGHT.get(m, 0) for m in mentions)
    if max(hk, tw) >= MIN_REGION_MENTIONS and hk != tw:
        return "hk2s" if hk > tw else "tw2s"
    # The characters say it too: a variant form only Hong Kong (衞, 枱, 敍) or Taiwan (痺, 簷) writes
    # stays unconverted by t2s (37 such characters were left in 234 real Hong Kong articles that name the
    # city less than three times).
    hk_v, tw_v = _variant_counts(text)
    if hk_v != tw_v:
        return "hk2s" if hk_v > tw_v else "tw2s"
    return "t2s"


@cache
def _variant_re() -> tuple[re.Pattern[str], frozenset[str], frozenset[str]]:
    """Traditional-only single characters that only HK's / TW's variant tables map (t2s leaves them)."""
    standard = set(opencc_dict("TSCharacters")) | set(opencc_dict("TSCharactersExt"))

    def variants(name: str) -> frozenset[str]:
        return frozenset(k for k in opencc_dict(name)
                         if len(k) == 1 and k not in standard and k in TRADITIONAL_ONLY_CHARS)

    hk, tw = variants("HKVariantsRev"), variants("TWVariantsRev")
    return re.compile("[" + re.escape("".join(sorted(hk | tw))) + "]"), hk, tw


def _variant_counts(text: str) -> tuple[int, int]:
    rx, hk, tw = _variant_re()
    found = rx.findall(text)
    return sum(c in hk for c in found), sum(c in tw for c in found)


def apply_overrides(text: str) -> str:
    """Apply the phrase overrides (leftmost-longest) to already converted text."""
    if not _OVERRIDE_TRIGGER.search(text):
        return text
    return _OVERRIDE_RE.sub(lambda m: OVERRIDES[m.group(0)], text)


def to_simplified(text: str, variant: str | None = None) -> tuple[str, str]:
    """(Simplified text, config used).

    Without a variant, a text without Traditional-only characters is returned unchanged with config "none",
    and any other text is converted with detect_variant's config. With a variant (the caller knows the text
    is Traditional, and which kind) the text is always converted with it: OpenCC also rewrites a few
    characters that are valid Simplified elsewhere (相剋 -> 相克, 步步高陞 -> 步步高升).
    Converting means: the whole text through OpenCC, then the overrides (t2s_overrides.tsv); exactly
    convert_reference(text, config), computed by the fast converter (tests/test_chinese.py proves it).
    A detected configuration is then given a second look at the other region's variant forms
    (_convert_variants_left).
    """
    if variant is None:
        if not has_traditional(text):
            return text, NO_CONVERSION
        config = detect_variant(text)
        return _convert_variants_left(apply_overrides(convert(text, config))), config
    return apply_overrides(convert(text, variant)), variant


def _convert_variants_left(text: str) -> str:
    """A Hong Kong text may hold a Taiwan variant (痺, 簷) and the reverse: whichever variant form the
    chosen configuration left Traditional goes through the other region's table, then t2s."""
    rx, _, _ = _variant_re()
    if rx.search(text) is None:
        return text
    table = _variant_table()
    return rx.sub(lambda m: convert(table[m.group(0)].split(" ")[0], "t2s"), text)


@cache
def _variant_table() -> dict[str, str]:
    """Both regions' variant tables in one (built once, not per document)."""
    return {**opencc_dict("TWVariantsRev"), **opencc_dict("HKVariantsRev")}
