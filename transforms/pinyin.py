"""Strip the inline pinyin annotations people.com.cn pages carry (產(chǎn)業(yè) -> 產業), and only them."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).parent / "data"

# Tone-marked vowels of Hanyu Pinyin (incl. ü with tones, ḿ/ń/ň/ǹ of the nasal interjections).
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN_LETTERS = "a-zA-ZüÜêÊ" + _TONED + _TONED.upper()
# Tone marks removed when normalising a syllable (grave, acute, macron, caron); U+0308 stays so ü survives.
_TONE_COMBINING = frozenset("\u0300\u0301\u0304\u030c")

# A CJK ideograph, then ASCII or full-width parentheses around 1..7 pinyin letters (longest syllable is
# "zhuang"/"chuang"/"shuang": 6, plus an optional tone digit), nothing else inside. The ideograph is looked
# behind from after the parenthesis: a pattern that opens with the parenthesis is scanned for in C.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A space may pad the syllable before the closing parenthesis (職(zhí )工: content farms' copies print it so).
_CANDIDATE_RE = re.compile(rf"([(（])(?<=[{_CJK}][(（])([{_PINYIN_LETTERS}]{{1,7}}[1-5]?)( ?[)）])")

# What the clean-stage expectation looks for: an ideograph followed by a parenthesised syllable that carries
# a tone mark. Toneless ones are left out on purpose: 人(an) may be legitimate text, and the stripper
# accepts a toneless annotation only when it is a reading of the character (see _is_annotation).
INLINE_PINYIN_REGEX: str = rf"[{_CJK}][(（][a-zü]*[{_TONED}][a-zü]* ?[)）]"
_INLINE_RE = re.compile(INLINE_PINYIN_REGEX)


def _load_syllables() -> frozenset[str]:
    lines = (_DATA / "pinyin_syllables.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(s for s in lines if s and not s.startswith("#"))


def _load_readings() -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    for line in (_DATA / "pinyin_readings.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            syllable, chars = line.split("\t")
            out[syllable] = frozenset(chars)
    return out


SYLLABLES: frozenset[str] = _load_syllables()
_READINGS: dict[str, frozenset[str]] = _load_readings()


def normalise_syllable(text: str) -> tuple[str, bool]:
    """(toneless lower-case syllable with v -> ü and the tone digit dropped, whether it carried a tone)."""
    s = text.lower()
    toned = s[-1:].isdigit()
    if toned:
        s = s[:-1]
    decomposed = unicodedata.normalize("NFD", s)
    stripped = "".join(c for c in decomposed if c not in _TONE_COMBINING)
    toned = toned or len(stripped) != len(decomposed)
    return unicodedata.normalize("NFC", stripped).replace("v", "ü"), toned


# Candidates repeat heavily (a page annotates the same syllables again and again: 144k candidates in 2000
# articles, a few thousand distinct), so what a parenthesised content means is worked out once per content.
# Bounded so that odd input cannot grow the cache without limit; 8192 holds every syllable in every spelling
# the corpus uses.
_MAX_CACHED_CONTENTS = 8192


@lru_cache(maxsize=_MAX_CACHED_CONTENTS)
def _annotation_readings(content: str) -> frozenset[str] | bool:
    """True: an annotation after any character; False: never one; a set: only after one of these characters."""
    # Upper case never appears in the annotations (and (SHOW), (APP) are English).
    if content != content.lower():
        return False
    syllable, toned = normalise_syllable(content)
    if syllable not in SYLLABLES:
        return False
    if toned:
        return True
    # Toneless: only when the syllable is a reading of the character before it (安(an), not 人(an)).
    return _READINGS.get(syllable, frozenset())


def _is_annotation(char: str, content: str) -> bool:
    accepted = _annotation_readings(content)
    return accepted if isinstance(accepted, bool) else char in accepted


def strip_pinyin_annotations(text: str) -> tuple[str, int]:
    """Remove 產(chǎn)-style annotations; returns (text, number stripped). Other parentheses stay."""
    if "(" not in text and "（" not in text:
        return text, 0
    # split hands over text, "(", content, ")", text, ... without a Python call per candidate; the piece
    # before a candidate ends with its ideograph (a candidate never ends with one).
    parts = _CANDIDATE_RE.split(text)
    if len(parts) == 1:
        return text, 0
    contents = parts[2::4]
    verdicts = {c: _annotation_readings(c) for c in set(contents)}
    if all(v is True for v in verdicts.values()):  # the usual page: tone-marked annotations only
        return "".join(parts[::4]), len(contents)
    kept = [parts[0]]
    count = 0
    for i in range(1, len(parts), 4):
        accepted = verdicts[parts[i + 1]]  # _is_annotation(parts[i - 1][-1], content)
        if accepted is True or (accepted is not False and parts[i - 1][-1] in accepted):
            count += 1
        else:
            kept += parts[i : i + 3]
        kept.append(parts[i + 3])
    return "".join(kept), count


def has_inline_pinyin(text: str) -> bool:
    """True when a tone-marked inline annotation (產(chǎn)) is still in the text."""
    return _INLINE_RE.search(text) is not None


def reading_chars(syllable: str) -> frozenset[str]:
    """The characters that can be read as this toneless syllable (empty when it is not a syllable)."""
    return _READINGS.get(syllable, frozenset())


# --- decoys a content farm injects into a copied article ------------------------------------------------
# A farm that republishes an article puts a pictograph in parentheses between its characters ((🙁), (✡),
# (🈲)) and pads pinyin annotations (職(zhí )工), so that duplicate detectors miss the copy; a decoy can sit
# inside an annotation (才(cá(🐃)i )). Pictographs: the emoji and symbol blocks, with variation selector and
# joiner.
_DECOY_RE = re.compile("[(（][\U0001F000-\U0001FAFF\u2300-\u23FF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D]{1,4}[)）]")
# One parenthesised emoji may be the writer's own ((笑) is not one, (😂) might be); a farm injects them by
# the dozen (the farm copy read had 20 in 600 characters). Three in one text are the pattern.
DECOY_MIN = 3


def strip_decoys(text: str) -> tuple[str, int]:
    """Remove parenthesised pictographs injected as decoys when a text holds DECOY_MIN or more: (text, count)."""
    if "(" not in text and "（" not in text:
        return text, 0
    found = _DECOY_RE.findall(text)
    if len(found) < DECOY_MIN:
        return text, 0
    return _DECOY_RE.sub("", text), len(found)
