"""Convert Traditional Chinese text to Simplified (OpenCC t2s/hk2s/tw2s plus phrase overrides), only where needed."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from opencc import OpenCC

_DATA = Path(__file__).parent / "data"

# Configs of opencc-python-reimplemented 0.1.7 that go to Simplified: hk2s, t2s, tw2s, tw2sp (checked in
# its config/ directory). tw2sp also rewrites Taiwanese vocabulary (軟體 -> 软件); we only pick it when
# asked for explicitly, detection never does (it rewrites words, not just characters).
CONFIGS: frozenset[str] = frozenset({"t2s", "hk2s", "tw2s", "tw2sp"})
NO_CONVERSION = "none"

# Words that say a text comes from Hong Kong or Taiwan. Checked in the source hint (file name, paper name,
# URL: one hit decides) and in the text (in Traditional and Simplified spelling).
HK_MARKERS: tuple[str, ...] = (
    "香港", "港府", "港澳", "特區政府", "特区政府", "立法會", "立法会", "九龍", "九龙", "新界", "港鐵", "港铁",
    "明報", "明报", "文匯報", "文汇报", "大公報", "大公报", "東方日報", "东方日报", "星島", "星岛", "信報",
    "hk01", ".hk",
)
TW_MARKERS: tuple[str, ...] = (
    "臺灣", "台灣", "台湾", "中央社", "聯合報", "联合报", "自由時報", "自由时报", "中國時報", "中国时报",
    "行政院", "立法院", "臺北", "台北", "高雄", "新北", ".tw",
)
# A mainland article may mention Hong Kong or Taiwan once or twice in passing; a local one names them
# again and again. Three mentions (and more than the other region) is where a text becomes "local".
MIN_REGION_MENTIONS = 3


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


# Characters OpenCC's T->S tables change that are never valid Simplified (generated from OpenCC's own
# dictionaries by tools/gen_char_traditional.py).
TRADITIONAL_ONLY_CHARS: frozenset[str] = _load_traditional_only()
TRADITIONAL_ONLY_REGEX: str = "[" + "".join(sorted(TRADITIONAL_ONLY_CHARS)) + "]"
_TRADITIONAL_RE = re.compile(TRADITIONAL_ONLY_REGEX)

OVERRIDES: dict[str, str] = _load_overrides()
# Longest first so the alternation is leftmost-longest.
_OVERRIDE_RE = re.compile("|".join(re.escape(p) for p in sorted(OVERRIDES, key=len, reverse=True)))
_LINE_RE = re.compile(r"[^\n]+")


@cache
def _converter(config: str) -> OpenCC:
    return OpenCC(config)


def has_traditional(text: str) -> bool:
    """True when the text holds at least one Traditional-only character."""
    return _TRADITIONAL_RE.search(text) is not None


def detect_variant(text: str, source_hint: str | None = None) -> str:
    """hk2s or tw2s when the source hint or the wording points to Hong Kong / Taiwan, else t2s."""
    if source_hint:
        hint = source_hint.lower()
        hk_hint = any(m.lower() in hint for m in HK_MARKERS)
        tw_hint = any(m.lower() in hint for m in TW_MARKERS)
        if hk_hint != tw_hint:
            return "hk2s" if hk_hint else "tw2s"
    hk = sum(text.count(m) for m in HK_MARKERS)
    tw = sum(text.count(m) for m in TW_MARKERS)
    if max(hk, tw) >= MIN_REGION_MENTIONS and hk != tw:
        return "hk2s" if hk > tw else "tw2s"
    return "t2s"


def apply_overrides(text: str) -> str:
    """Apply the phrase overrides (leftmost-longest) to already converted text."""
    return _OVERRIDE_RE.sub(lambda m: OVERRIDES[m.group(0)], text)


def to_simplified(text: str, variant: str | None = None) -> tuple[str, str]:
    """(Simplified text, config used). Lines without Traditional-only characters are not touched.

    config is "none" when the text had no Traditional-only character (returned unchanged). The overrides
    (t2s_overrides.tsv) are applied after OpenCC, on the converted lines only.
    """
    if not has_traditional(text):
        return text, NO_CONVERSION
    config = variant if variant is not None else detect_variant(text)
    if config not in CONFIGS:
        raise ValueError(f"unknown OpenCC config {config!r}; expected one of {sorted(CONFIGS)}")
    converter = _converter(config)

    def _convert_line(m: re.Match[str]) -> str:
        line = m.group(0)
        if _TRADITIONAL_RE.search(line) is None:
            return line
        return apply_overrides(converter.convert(line))

    return _LINE_RE.sub(_convert_line, text), config
