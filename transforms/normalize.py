"""Character and whitespace normalisation: one width convention, no control characters, tidy lines.

Policy (applied in this order; `normalize_text` is idempotent):

1. Line breaks: ``\\r\\n``, ``\\r``, U+2028/U+2029, VT/FF and NEL become ``\\n``.
2. Unicode NFC (composed forms; pinyin tone letters such as ``ǎ`` stay single code points).
3. One width convention for punctuation, matching the sample data and the gold
   (tests/gold/articles.yaml):

   - ASCII: ``, ( ) : ; ! ?`` and ``%`` — the full-width forms ``，（）：；！？％`` are folded to them,
     as are all other full-width ASCII-range forms (U+FF01–U+FF5E: digits ``０-９``, letters, ``－``,
     ``／``, ``．`` …) and the small forms ``﹐﹔﹕﹖﹗﹙﹚`` (U+FE50–U+FE6B).
   - Full-width (kept as they are): ``。、“”‘’《》〈〉…——`` and ``·``; ``﹑`` (small ideographic
     comma) folds to ``、``, ``｡`` / ``︒`` to ``。``, ``―`` (horizontal bar) to ``—``, ``・`` and
     ``•`` (as a name separator) to ``·``, ``⋯`` to ``…``, ``｢｣`` to ``“”``.
4. Whitespace: runs of spaces, tabs, NBSP, U+3000 and other Unicode spaces become one ASCII space;
   every line is stripped at both ends. Line structure (including blank lines) is kept: paragraph
   handling is `gonghui.transforms.paragraphs`' job.
5. No control or invisible format characters: NUL and every other C0/C1 control except ``\\n`` are
   removed (tab became a space), as are zero-width spaces/joiners, BOM, soft hyphen, bidi marks.
6. Radical forms read as the ideographs they stand for: Kangxi radicals (U+2F00-U+2FD5, by NFKC) and the
   CJK Radicals Supplement (U+2E80-U+2EF3, transforms/data/cjk_radicals.tsv) — PDF extraction emits
   them (``⼯⼈`` for 工人).
7. Combining marks with no letter to sit on (after a Han character, punctuation, a space or a line start:
   scraped text sprinkles them) are removed; on a Latin, Greek or Cyrillic letter they stay (NFC).

`removal_counts` counts, per kind, the characters steps 5 and 7 remove (issue 16, point 6: every
character removed from a document is counted).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

_DATA = Path(__file__).parent / "data"

# Full-width ASCII-range forms U+FF01..U+FF5E map to U+0021..U+007E, except those the gold keeps
# full-width or that have a Chinese-typography meaning (none in this range do: “” and 。 live elsewhere).
_FOLD: dict[int, str] = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}
# Small form variants (U+FE50..U+FE6B): punctuation printed small in CJK layouts.
_FOLD.update(
    {
        0xFE50: ",",  # ﹐ small comma
        0xFE51: "、",  # ﹑ small ideographic comma
        0xFE52: ".",  # ﹒ small full stop
        0xFE54: ";",  # ﹔ small semicolon (common in people.com.cn pages)
        0xFE55: ":",  # ﹕
        0xFE56: "?",  # ﹖
        0xFE57: "!",  # ﹗
        0xFE58: "—",  # ﹘ small em dash
        0xFE59: "(",  # ﹙
        0xFE5A: ")",  # ﹚
        0xFE5B: "{",
        0xFE5C: "}",
        0xFE5D: "〔",
        0xFE5E: "〕",
        0xFE5F: "#",
        0xFE60: "&",
        0xFE61: "*",
        0xFE62: "+",
        0xFE63: "-",
        0xFE64: "<",
        0xFE65: ">",
        0xFE66: "=",
        0xFE68: "\\",
        0xFE69: "$",
        0xFE6A: "%",
        0xFE6B: "@",
        # Vertical presentation forms.
        0xFE10: ",",
        0xFE11: "、",
        0xFE12: "。",
        0xFE13: ":",
        0xFE14: ";",
        0xFE15: "!",
        0xFE16: "?",
        0xFE19: "…",
        0xFE31: "—",
        0xFE35: "(",
        0xFE36: ")",
        # Half-width CJK punctuation and other variants of the kept full-width forms.
        0xFF61: "。",  # ｡
        0xFF62: "“",  # ｢
        0xFF63: "”",  # ｣
        0xFF64: "、",  # ､
        0xFF65: "·",  # ･
        0x30FB: "·",  # ・ katakana middle dot, used as a name separator in Chinese text
        0x2022: "·",  # • bullet used between names
        0x2027: "·",  # ‧ hyphenation point (Taiwan's name separator)
        0x2015: "—",  # ― horizontal bar, printed for the Chinese dash
        0x22EF: "…",  # ⋯ midline ellipsis
        0x3000: " ",  # ideographic space (collapsed below)
        0x00A0: " ",
        0x0009: " ",
        0x000B: "\n",
        0x000C: "\n",
        0x0085: "\n",
        0x2028: "\n",
        0x2029: "\n",
        0x000D: "\n",  # lone CR; CRLF is handled before the table
    }
)
# Invisible format characters removed outright.
INVISIBLE_FORMAT_CHARS: frozenset[int] = frozenset(
    [0x00AD, 0x034F, 0x061C, 0x180E, 0xFEFF, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064]
    + list(range(0x200B, 0x2010))  # ZWSP, ZWNJ, ZWJ, LRM, RLM
    + list(range(0x202A, 0x202F))  # bidi embeddings/overrides
    + list(range(0x2066, 0x206A))  # bidi isolates
)
for _cp in INVISIBLE_FORMAT_CHARS:
    _FOLD[_cp] = ""
# C0/C1 controls other than \n (tab, VT, FF, CR, NEL are mapped above).
CONTROL_CHARS: frozenset[int] = frozenset(
    cp for cp in list(range(0x00, 0x20)) + [0x7F] + list(range(0x80, 0xA0)) if cp not in _FOLD and cp != 0x0A)
for _cp in CONTROL_CHARS:
    _FOLD[_cp] = ""


def _load_radicals() -> dict[int, str]:
    out = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0x2F00, 0x2FD6)}  # Kangxi radicals
    for line in (_DATA / "cjk_radicals.tsv").read_text(encoding="utf-8").split("\n"):
        if line and not line.startswith("#"):
            radical, ideograph = line.split("\t")
            out[ord(radical)] = ideograph
    return out


RADICAL_FORMS: dict[int, str] = _load_radicals()
_FOLD.update(RADICAL_FORMS)
_FOLD[0x0A] = "\n"
# Unicode space separators other than those above.
for _cp in [0x1680, 0x202F, 0x205F, *range(0x2000, 0x200B)]:
    _FOLD[_cp] = " "

# Everything the fold table rewrites, as runs. Matches are sparse in real text, so substituting only them
# is far faster than str.translate over the whole text (slow for non-ASCII strings).
_FOLD_RE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_FOLD) if cp != 0x0A) + "]+")
# Whether there is any: one character, so re scans for it in C (the "+" above makes it try every position).
_FOLD_CHAR_RE = re.compile(_FOLD_RE.pattern[:-1])


def _fold_run(m: re.Match[str]) -> str:
    return "".join(_FOLD[ord(c)] for c in m.group())


# Combining marks (the general-purpose blocks) not preceded by a letter that takes them, nor by a mark that
# sits on one: a run of them after a Han character, punctuation, a digit, a space or at a line start.
_COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_STRAY_COMBINING_RE = re.compile(
    rf"(?<![A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff\u1e00-\u1eff{_COMBINING}])[{_COMBINING}]+")
_COMBINING_CHAR_RE = re.compile(f"[{_COMBINING}]")
_RADICAL_RE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(RADICAL_FORMS)) + "]")

KIND_INVISIBLE = "invisible_format_chars"
KIND_CONTROL = "control_chars"
KIND_COMBINING = "stray_combining_marks"
_INVISIBLE_RE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(INVISIBLE_FORMAT_CHARS)) + "]")
_CONTROL_RE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(CONTROL_CHARS)) + "]")
# Private-use code points (BMP area and planes 15-16): e-paper fonts put rare characters there; no reader
# without that font sees them. They are kept and listed (the clean suite's private_use_chars warning).
PRIVATE_USE_REGEX = "[\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]"


def fold_radicals(text: str) -> str:
    """Radical forms as the ideographs they stand for (before Traditional-to-Simplified conversion)."""
    if _RADICAL_RE.search(text) is None:
        return text
    return _RADICAL_RE.sub(lambda m: RADICAL_FORMS[ord(m.group())], text)


def removal_counts(text: str) -> dict[str, int]:
    """Per kind, the characters normalize_text removes from `text`: invisible format characters, control
    characters, stray combining marks. Kinds with none are left out."""
    counts: Counter[str] = Counter()
    if _FOLD_CHAR_RE.search(text):
        counts[KIND_INVISIBLE] = len(_INVISIBLE_RE.findall(text))
        counts[KIND_CONTROL] = len(_CONTROL_RE.findall(text.replace("\r\n", "\n").replace("\r", "\n")))
    if _COMBINING_CHAR_RE.search(text):
        nfc = unicodedata.normalize("NFC", _FOLD_RE.sub(_fold_run, text))
        counts[KIND_COMBINING] = sum(len(m.group()) for m in _STRAY_COMBINING_RE.finditer(nfc))
    return {k: n for k, n in counts.items() if n}


_MULTI_SPACE = re.compile(" {2,}")
_LINE_EDGES = re.compile(r"^ +| +$", re.MULTILINE)


def only_spaces_to_tidy(text: str) -> bool:
    """True when normalize_text would at most collapse runs of spaces and strip them at line edges.

    Such a text holds no character the fold table rewrites, so "\\n" is its only line break and " " its
    only whitespace besides (every other str.isspace character is folded); its lines are NFC as it is.
    """
    return ("\r" not in text and unicodedata.is_normalized("NFC", text) and _FOLD_CHAR_RE.search(text) is None
            and _COMBINING_CHAR_RE.search(text) is None)


def normalize_text(text: str) -> str:
    """Apply the module policy to `text`; `normalize_text(normalize_text(t)) == normalize_text(t)`."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _FOLD_CHAR_RE.search(text):
        text = _FOLD_RE.sub(_fold_run, text)
        # Folding can bring combining marks next to a new base (e.g. a control char removed between
        # them), so recompose once more.
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
            text = _FOLD_RE.sub(_fold_run, text)
    if _COMBINING_CHAR_RE.search(text):
        text = _STRAY_COMBINING_RE.sub("", text)
    if "  " in text:
        text = _MULTI_SPACE.sub(" ", text)
    if text.startswith(" ") or text.endswith(" ") or " \n" in text or "\n " in text:
        text = _LINE_EDGES.sub("", text)
    return text
