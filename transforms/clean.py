"""Clean one decoded document: repair, strip annotations, convert to Simplified, normalise, de-boilerplate."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

from gonghui.transforms import boilerplate
from gonghui.transforms.boilerplate import (
    DEFAULT_MIN_DOCS,
    KIND_REPEATED_LINE,
    LearnedLines,
    remove_boilerplate,
)
from gonghui.transforms.chinese import to_simplified
from gonghui.transforms.dates import parse_publish_date
from gonghui.transforms.html import (
    KIND_ENTITY,
    decode_entities,
    extract_page,
    looks_like_html,
    strip_script_blocks,
)
from gonghui.transforms.mojibake import repair_mojibake
from gonghui.transforms.normalize import fold_radicals, normalize_text, removal_counts
from gonghui.transforms.paragraphs import rejoin_paragraphs, split_paragraphs
from gonghui.transforms.pinyin import strip_decoys, strip_pinyin_annotations
from gonghui.transforms.records import CleanDoc, TextIssue

SCRIPT_SIMPLIFIED = "simplified"

# ------------------------------------------------------------------------------------------------------


# Mojibake can be layered (text mis-decoded twice), and normalising can expose mojibake that control
# characters hid; repair is re-applied while it still changes something. Three passes is beyond anything
# seen in practice; the bound keeps a pathological input cheap.
MAX_REPAIR_PASSES = 3


def _repair(text: str) -> tuple[str, list[TextIssue]]:
    text, found = repair_mojibake(text)
    return text, list(found)


def _after_repair(text: str) -> tuple[str, str]:
    """Steps 2-4 on repaired text: (text, script)."""
    text, _ = strip_pinyin_annotations(text)
    # radical forms before converting: ⾨ (Kangxi radical gate) is 門, which conversion makes 门
    text = fold_radicals(text)
    # NFC before converting: it maps CJK compatibility ideographs (U+F900..) to the unified ones, which
    # may be Traditional (U+F900 -> 豈); converting first would leave them for the final normalisation.
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text, config = to_simplified(text)
    # chinese.to_simplified reports "none" when nothing was converted; CleanDoc.script says "simplified".
    script = config if isinstance(config, str) and config not in ("", "none") else SCRIPT_SIMPLIFIED
    return normalize_text(text), script


def prepare_text(raw_text: str) -> tuple[str, list[TextIssue], str]:
    """Steps 1-4: repair mojibake, strip pinyin annotations, convert to Simplified, normalise.

    Returns (text, issues, script). Mojibake goes first: a corrupted span can hide an annotation
    (``9。▍^(qū))`` is ``9省(區(qū))``), so annotations are stripped only from repaired text.
    When normalising removed control characters that sat between mojibake bytes (``Ã\\x82\\x08\\x88``),
    more mojibake only shows afterwards: documents that had (or show) mojibake go through the steps
    again until nothing changes (bounded), so cleaning stays idempotent.
    """
    text, issues = _repair(raw_text)
    text, script = _after_repair(text)
    # Re-check every document once: steps 2-4 can reveal mojibake the raw text hid. A compatibility
    # ideograph normalises to its unified twin (U+2F8D6 + "{" becomes 肭{, a phase-shifted GBK pair
    # that only the second pass repairs: hypothesis found cleaning not idempotent there). _repair
    # returns at once when nothing looks suspect, so for most documents this is one regex search.
    found = True
    for _ in range(MAX_REPAIR_PASSES - 1):
        if not found:
            break
        repaired, more = _repair(text)
        if repaired == text:
            break
        text, script2 = _after_repair(repaired)
        issues, found = issues + more, bool(more)
        script = script if script != SCRIPT_SIMPLIFIED else script2
    return text, issues, script


def prepare_line(line: str) -> str:
    """One line through steps 1-4 (used to match learned repeated lines against cleaned text)."""
    return prepare_text(line)[0].strip()


# Markdown front matter (a static-site export, a note-taking tool): "---", key: value lines, "---" at the
# very top. At most FRONT_MATTER_MAX_CHARS: front matter is a handful of short fields (Jekyll, Hugo and
# Obsidian write 3-15 lines), and the bound keeps a stray "---" rule far down a page from being read as one.
FRONT_MATTER_MAX_CHARS = 4000
_FRONT_MATTER_RE = re.compile(rf"\A\ufeff?---[ \t]*\r?\n(.{{0,{FRONT_MATTER_MAX_CHARS}}}?)\r?\n---[ \t]*(?:\r?\n|\Z)",
                              re.DOTALL)
_FRONT_MATTER_LINE_RE = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$")
# front-matter keys -> the metadata fields they supply (lower-cased keys)
FRONT_MATTER_KEYS: dict[str, str] = {
    "title": "title", "date": "publish_date", "publish_date": "publish_date", "pubdate": "publish_date",
    "published": "publish_date", "source": "source", "author": "authors", "authors": "authors",
    "url": "url", "link": "url",
}
KIND_FRONT_MATTER = "front_matter"
KIND_DECOY = "decoy_marks"  # pictographs a content farm injected in parentheses (pinyin.strip_decoys)
ORIGIN_FRONT_MATTER = "front_matter"


def read_front_matter(text: str) -> tuple[str, tuple[tuple[str, str, str], ...]] | None:
    """(text without the block, supplied metadata) when `text` opens with Markdown front matter."""
    m = _FRONT_MATTER_RE.match(text)
    if m is None:
        return None
    fields: dict[str, str] = {}
    for line in m.group(1).splitlines():
        lm = _FRONT_MATTER_LINE_RE.match(line)
        if lm is None:
            continue
        key, value = FRONT_MATTER_KEYS.get(lm.group(1).lower()), lm.group(2).strip().strip("\"'")
        if key is None or not value or key in fields:
            continue
        if key == "publish_date":
            iso = parse_publish_date(value)
            if iso is None:
                continue
            value = iso
        elif key != "url":
            value = prepare_line(value)
        fields[key] = value
    return text[m.end():], tuple((k, v, ORIGIN_FRONT_MATTER) for k, v in fields.items())


def _plain_text_markup(raw_text: str) -> tuple[str, dict[str, int], tuple[tuple[str, str, str], ...]]:
    """Front matter, script/style blocks and character references in plain text: (text, counts, supplied)."""
    counts: dict[str, int] = {}
    supplied: tuple[tuple[str, str, str], ...] = ()
    front = read_front_matter(raw_text)
    if front is not None:
        raw_text, supplied = front
        counts[KIND_FRONT_MATTER] = 1
    raw_text, blocks = strip_script_blocks(raw_text)
    counts.update(blocks)
    raw_text, entities = decode_entities(raw_text)
    if entities:
        counts[KIND_ENTITY] = entities
    return raw_text, counts, supplied


def learn_boilerplate(texts: Sequence[str], min_docs: int = DEFAULT_MIN_DOCS) -> LearnedLines:
    """One source's furniture (boilerplate.learn_boilerplate), each line also in the form the cleaner's
    repair/annotation/Simplified steps give it, so it matches the lines clean_document sees. Here, not in
    boilerplate.py: the lower layer never imports the cleaner that uses it."""
    return boilerplate.learn_boilerplate(texts, min_docs, prepare=prepare_line)


def learn_repeated_lines(texts: Sequence[str], min_docs: int = DEFAULT_MIN_DOCS) -> frozenset[str]:
    """Every line learn_boilerplate learns (for all documents alike)."""
    return learn_boilerplate(texts, min_docs).lines


# A page of short items may part them only by blank lines (人民日报 1950 各地简讯: head / paragraph, then three
# blank lines before the next head; tests/fixtures/realpages). The paragraphs keep single "\n"s, so the breaks
# are read here: a line after a wider run of blank lines than the file's most common run (its usual spacing:
# none between the lines of one item there; one blank line everywhere in a file spaced so) stands apart.
def wide_gaps(text: str) -> frozenset[str]:
    """Stripped lines of `text` that follow a wider run of blank lines than the file's usual spacing."""
    runs: list[tuple[int, str]] = []
    blank, seen = 0, False
    for ln in text.split("\n"):
        s = ln.strip()
        if not s:
            blank += 1
            continue
        if seen:
            runs.append((blank, s))
        seen, blank = True, 0
    if not runs:
        return frozenset()
    usual = Counter(n for n, _ in runs).most_common(1)[0][0]
    return frozenset(s for n, s in runs if n > usual)


def clean_document(
    file_id: str,
    source_file: str,
    raw_text: str,
    *,
    repeated_lines: frozenset[str] = frozenset(),
) -> CleanDoc:
    """Clean one file's decoded text into a CleanDoc (paragraphs joined by a single "\\n").

    Order: (HTML pages: extract their text; plain text: read Markdown front matter as metadata, remove
    <script>/<style> blocks, decode character references) -> drop injected decoys -> repair mojibake -> strip
    pinyin annotations ->
    Traditional to Simplified -> normalise -> remove boilerplate (metadata kept in the hits) -> rejoin
    paragraphs cut by column breaks. TextIssue offsets index the text after HTML extraction (plain text:
    after the front matter, script blocks and references). removed_counts counts every kind removed.
    """
    was_html = looks_like_html(raw_text)
    supplied: tuple[tuple[str, str, str], ...] = ()
    markup: dict[str, int] = {}
    if not was_html:  # an HTML page's extraction drops scripts and decodes references itself
        raw_text, markup, supplied = _plain_text_markup(raw_text)
    if was_html:
        page = extract_page(raw_text)
        raw_text = page.text
        # the page's own metadata, through the same steps as its text (a Traditional <title> ...)
        supplied = tuple((k, v if k in ("publish_date", "publish_time", "url") else prepare_line(v), "html_meta")
                         for k, v in page.meta.items() if v)
    chars_removed = removal_counts(raw_text)
    raw_text, decoys = strip_decoys(raw_text)  # before the annotations: a decoy can sit inside one
    if decoys:
        chars_removed[KIND_DECOY] = decoys
    text, issues, script = prepare_text(raw_text)
    result = remove_boilerplate(text, repeated_lines)
    # an end mark the cleaner took off still ends its article: no column join across it (issue 21)
    ends = [str(h.fields["after"]) for h in result.hits if h.fields.get("after")]
    paragraphs, _ = rejoin_paragraphs(split_paragraphs(result.text), ends)
    gaps = wide_gaps(result.text)
    counts: dict[str, int] = {**markup, **chars_removed, **Counter(h.kind for h in result.hits)}
    if repeated_lines:
        counts.setdefault(KIND_REPEATED_LINE, 0)
    if was_html:
        counts["html_markup"] = 1
    return CleanDoc(
        file_id=file_id,
        source_file=source_file,
        text="\n".join(paragraphs),
        gap_before=tuple(p for p in paragraphs if p in gaps),
        script=script,
        boilerplate=result.hits,
        issues=tuple(issues),
        removed_counts=counts,
        summary=result.summary,
        supplied=supplied,
    )
