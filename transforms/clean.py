"""Clean one decoded document: repair, strip annotations, convert to Simplified, normalise, de-boilerplate."""

from __future__ import annotations

import unicodedata
from collections import Counter
from typing import Any

from transforms.boilerplate import KIND_REPEATED_LINE, remove_boilerplate
from transforms.normalize import normalize_text
from transforms.paragraphs import rejoin_paragraphs, split_paragraphs
from transforms.pinyin import strip_pinyin_annotations
from transforms.records import CleanDoc, TextIssue

SCRIPT_SIMPLIFIED = "simplified"

# --- TEMPORARY fallbacks until transforms/mojibake.py and transforms/chinese.py land (other owner). ---
try:
    from transforms.mojibake import repair_mojibake
except ImportError:  # pragma: no cover - removed once mojibake.py exists

    def repair_mojibake(text: str) -> tuple[str, list[TextIssue]]:  # type: ignore[misc]
        return text, []


try:
    from transforms.chinese import to_simplified
except ImportError:  # pragma: no cover - removed once chinese.py exists
    import opencc

    _T2S = opencc.OpenCC("t2s")

    def to_simplified(text: str, variant: str | None = None) -> tuple[str, Any]:  # type: ignore[misc]
        converted = _T2S.convert(text)
        return converted, ("t2s" if converted != text else None)


# ------------------------------------------------------------------------------------------------------


def prepare_text(raw_text: str) -> tuple[str, list[TextIssue], str]:
    """Steps 1-4: repair mojibake, strip pinyin annotations, convert to Simplified, normalise.

    Returns (text, issues, script). Mojibake goes first: a corrupted span can hide an annotation
    (``9。▍^(qū))`` is ``9省(區(qū))``), so annotations are stripped only from repaired text.
    """
    text, issues = repair_mojibake(raw_text)
    text, _ = strip_pinyin_annotations(text)
    # NFC before converting: it maps CJK compatibility ideographs (U+F900..) to the unified ones, which
    # may be Traditional (豈 -> 豈); converting first would leave them for the final normalisation.
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text, config = to_simplified(text)
    # chinese.to_simplified reports "none" when nothing was converted; CleanDoc.script says "simplified".
    script = config if isinstance(config, str) and config not in ("", "none") else SCRIPT_SIMPLIFIED
    return normalize_text(text), list(issues), script


def prepare_line(line: str) -> str:
    """One line through steps 1-4 (used to match learned repeated lines against cleaned text)."""
    return prepare_text(line)[0].strip()


def clean_document(
    file_id: str,
    source_file: str,
    raw_text: str,
    *,
    repeated_lines: frozenset[str] = frozenset(),
) -> CleanDoc:
    """Clean one file's decoded text into a CleanDoc (paragraphs joined by a single "\\n").

    Order: repair mojibake -> strip pinyin annotations -> Traditional to Simplified -> normalise ->
    remove boilerplate (metadata kept in the hits) -> rejoin paragraphs cut by column breaks.
    """
    text, issues, script = prepare_text(raw_text)
    result = remove_boilerplate(text, repeated_lines)
    paragraphs, _ = rejoin_paragraphs(split_paragraphs(result.text))
    counts: dict[str, int] = dict(Counter(h.kind for h in result.hits))
    if repeated_lines:
        counts.setdefault(KIND_REPEATED_LINE, 0)
    return CleanDoc(
        file_id=file_id,
        source_file=source_file,
        text="\n".join(paragraphs),
        script=script,
        boilerplate=result.hits,
        issues=tuple(issues),
        removed_counts=counts,
        summary=result.summary,
    )
