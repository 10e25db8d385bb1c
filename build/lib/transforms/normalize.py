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
   handling is `transforms.paragraphs`' job.
5. No control or invisible format characters: NUL and every other C0/C1 control except ``\\n`` are
   removed (tab became a space), as are zero-width spaces/joiners, BOM, soft hyphen, bidi marks.
"""

from __future__ import annotations

import re
import unicodedata

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
for _cp in (0x00AD, 0x034F, 0x061C, 0x180E, 0xFEFF, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064):
    _FOLD[_cp] = ""
for _cp in range(0x200B, 0x2010):  # ZWSP, ZWNJ, ZWJ, LRM, RLM
    _FOLD[_cp] = ""
for _cp in range(0x202A, 0x202F):  # bidi embeddings/overrides
    _FOLD[_cp] = ""
for _cp in range(0x2066, 0x206A):  # bidi isolates
    _FOLD[_cp] = ""
# C0/C1 controls other than \n (tab, VT, FF, CR, NEL are mapped above).
for _cp in list(range(0x00, 0x20)) + [0x7F] + list(range(0x80, 0xA0)):
    _FOLD.setdefault(_cp, "")
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


_MULTI_SPACE = re.compile(" {2,}")
_LINE_EDGES = re.compile(r"^ +| +$", re.MULTILINE)


def only_spaces_to_tidy(text: str) -> bool:
    """True when normalize_text would at most collapse runs of spaces and strip them at line edges.

    Such a text holds no character the fold table rewrites, so "\\n" is its only line break and " " its
    only whitespace besides (every other str.isspace character is folded); its lines are NFC as it is.
    """
    return "\r" not in text and unicodedata.is_normalized("NFC", text) and _FOLD_CHAR_RE.search(text) is None


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
    if "  " in text:
        text = _MULTI_SPACE.sub(" ", text)
    if text.startswith(" ") or text.endswith(" ") or " \n" in text or "\n " in text:
        text = _LINE_EDGES.sub("", text)
    return text
