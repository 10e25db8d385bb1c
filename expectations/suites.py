"""Great Expectations suites, one per stage output; each expectation's name is its quarantine reason or flag.

Every expectation carries a GX severity: critical ones hold a record back, warning ones flag it (see
CRITICAL / WARNING below). Unless stated, an expectation is critical: the record cannot be used without it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from gonghui.transforms.dates import latest_today
from gonghui.transforms.records import TextIssue

if TYPE_CHECKING:  # GX costs ~2.5 s to import: only a run that validates something pays for it
    from great_expectations.expectations import Expectation
else:
    Expectation = Any


class _LazyGX:
    def __getattr__(self, name: str) -> Any:
        import great_expectations

        return getattr(great_expectations, name)


gx = _LazyGX()

# No Chinese daily is older than 申报 (1872-04-30): the floor of a printed publish date (transforms/dates.py).
EARLIEST_PUBLISH_DATE = "1872-04-30"
# Chinese news text is mostly Han characters (the samples: 80-90% of non-space characters); a page
# under 20% is English, code, or a table of numbers, not an article this pipeline can read.
MIN_CJK_SHARE = 0.2
# ... unless the text holds a Chinese article's worth of Han characters anyway: a news brief (消息) runs from
# about 150 characters up. On the Hong Kong dev set, English-language articles carry 20-60 Han characters
# (names, captions); a Chinese joint statement printed with its English version carries ~650.
MIN_HAN_CHARS = 200


@dataclass(frozen=True)
class SuiteSpec:
    """A suite over one stage's output frame: `id_column` names the record each row stands for."""

    stage: str
    name: str
    record_kind: str
    id_column: str
    build: Callable[[], list[Expectation]]


# GX 1.x severities. CRITICAL: the record is unusable and is held back (quarantine). WARNING: the record
# is usable but doubtful; it passes on with the expectation's name among its `flags`, and the finding is
# kept in dq_results (and, for text, in text_issues).
CRITICAL = "critical"
WARNING = "warning"
# Damage that covers this share of a text's characters makes it unusable: a news sentence runs ~30
# characters, so past one lost character in 30 the typical sentence has a hole, and the numbers and names
# read from it cannot be trusted. Below it the article loads, flagged `mojibake_left`.
MAX_DAMAGE_SHARE = 1 / 30


def _named(exp: Expectation, name: str, why: str, severity: str = CRITICAL) -> Expectation:
    exp.meta = {"name": name, "severity": severity}
    exp.description = why
    from great_expectations.expectations.metadata_types import FailureSeverity

    exp.severity = FailureSeverity(severity)
    return exp


def severity_of(exp: Any) -> str:
    """The severity an expectation (or its configuration) carries: GX's own field."""
    sev = getattr(exp, "severity", None)
    return str(getattr(sev, "value", sev) or CRITICAL)


def _staged_files() -> list[Expectation]:
    E = gx.expectations
    # All critical: a file with no readable text, or a second copy of one, has nothing to load.
    return [
        _named(E.ExpectColumnValuesToBeBetween(column="size_bytes", min_value=1), "empty_file",
               "a raw file has at least one byte"),
        _named(E.ExpectColumnValuesToBeInSet(column="decodable", value_set=[True]), "undecodable_bytes",
               "the bytes decode as text in a detected encoding"),
        _named(E.ExpectColumnValuesToBeInSet(column="looks_textual", value_set=[True]), "binary_content",
               "decoded text is mostly printable characters, not a binary format"),
        _named(E.ExpectColumnValuesToBeBetween(column="text_chars", min_value=1), "blank_text",
               "the decoded text holds something other than whitespace"),
        # Not ExpectColumnValuesToBeUnique: that fails every copy, and the first copy must load.
        _named(E.ExpectColumnValuesToBeInSet(column="is_first_copy", value_set=[True]), "duplicate_file_hash",
               "each content hash is staged once: later copies under other paths are held back"),
        _named(E.ExpectColumnValuesToMatchRegex(column="file_id", regex=r"^[0-9a-f]{64}$"), "bad_file_hash",
               "file_id is a sha256 hex digest"),
    ]


def _clean_documents() -> list[Expectation]:
    from gonghui.transforms.boilerplate import BOILERPLATE_MARKERS_REGEX
    from gonghui.transforms.chinese import TRADITIONAL_ONLY_REGEX
    from gonghui.transforms.normalize import PRIVATE_USE_REGEX
    from gonghui.transforms.pinyin import INLINE_PINYIN_REGEX

    E = gx.expectations
    return [
        # Warnings: a leftover annotation, Traditional character, marked or raw damaged character or
        # boilerplate-looking line leaves the text readable; the article loads, flagged, and the span is
        # listed in text_issues for a person to look at.
        _named(E.ExpectColumnValuesToNotMatchRegex(column="text", regex=INLINE_PINYIN_REGEX), "inline_pinyin_left",
               "no inline pinyin annotation such as 产(chǎn) is left", WARNING),
        _named(E.ExpectColumnValuesToNotMatchRegex(column="text", regex=TRADITIONAL_ONLY_REGEX),
               "traditional_chars_left", "no Traditional-only character is left after conversion", WARNING),
        _named(E.ExpectColumnValuesToBeBetween(column="damage_left", max_value=0), "mojibake_left",
               "no damaged character is left: none raw, none the repair had to mark 〓 (listed in text_issues)",
               WARNING),
        _named(E.ExpectColumnValuesToNotMatchRegex(column="text", regex=BOILERPLATE_MARKERS_REGEX),
               "boilerplate_left", "no known boilerplate (CMS trailer, masthead, editor line, SEO footer) is left",
               WARNING),
        # Private-use code points: rare characters an e-paper font drew from its own slots; no other reader
        # sees them (issue 20, class 3). Kept, flagged, listed in text_issues.
        _named(E.ExpectColumnValuesToNotMatchRegex(column="text", regex=PRIVATE_USE_REGEX), "private_use_chars",
               "no private-use character (a glyph only the source's font can show) is in the text", WARNING),
        # Critical: nothing usable is left.
        _named(E.ExpectColumnValuesToBeBetween(column="damage_share", max_value=MAX_DAMAGE_SHARE), "damaged_text",
               f"damaged characters (U+FFFD, 〓) cover less than 1/{round(1 / MAX_DAMAGE_SHARE)} of the text"),
        _named(E.ExpectColumnValuesToBeBetween(column="text_chars", min_value=1), "empty_after_cleaning",
               "cleaning leaves some text"),
        # Either share or size: a bilingual statement or an article quoting English at length can be under
        # 20 % Han by character count (an English word takes five letters where Chinese takes two
        # characters) and still hold a whole Chinese article.
        _named(E.ExpectColumnValuesToBeBetween(column="chinese_share", min_value=MIN_CJK_SHARE),
               "not_chinese_text",
               f"at least {MIN_CJK_SHARE:.0%} of the non-space characters are Chinese, "
               f"or at least {MIN_HAN_CHARS} Han characters stand in it"),
    ]


def _articles() -> list[Expectation]:
    E = gx.expectations
    # All critical: an article without a title, a date or a source cannot be found, dated or attributed
    # by an analyst (the questions gonghui answers are "who reported what, when"); a manifest supplies
    # what a file lacks.
    return [
        _named(E.ExpectColumnValuesToNotBeNull(column="title"), "missing_title", "every article has a title"),
        _named(E.ExpectColumnValuesToBeInSet(column="publish_date_found", value_set=[True]), "missing_publish_date",
               "every article has a publish date"),
        _named(E.ExpectColumnValuesToBeInSet(column="publish_date_valid", value_set=[True]), "invalid_publish_date",
               "the date found for an article names a real day between 1872-04-30 and today "
               "(the text found is in metadata_origin.publish_date_invalid)"),
        _named(E.ExpectColumnValuesToNotBeNull(column="source"), "missing_source",
               "every article names its source (paper or site)"),
        _named(E.ExpectColumnValuesToBeBetween(column="publish_date",
                                               min_value=dt.date.fromisoformat(EARLIEST_PUBLISH_DATE),
                                               max_value=latest_today()),
               "publish_date_out_of_range",
               "the publish date lies between 1872-04-30 and today (today where it is latest: UTC+14)"),
        _named(E.ExpectColumnValuesToBeBetween(column="body_chars", min_value=1), "empty_body",
               "every article has body text"),
        _named(E.ExpectColumnValuesToBeUnique(column="article_id"), "duplicate_article_id",
               "article ids are unique"),
        # Warning: two places an archive keeps metadata (manifest, export column, page metadata, text, path)
        # give different values for one field. The precedence (README) chose one; the article loads, and the
        # disagreement is counted in dq_results with the other value in metadata_origin["<field>_conflict"].
        _named(E.ExpectColumnValuesToBeBetween(column="metadata_conflicts", max_value=0), "metadata_conflict",
               "the places that give a field (manifest, export, page metadata, text, path) agree", WARNING),
    ]


def _facts() -> list[Expectation]:
    from gonghui.transforms.numbers import UNIT_FORMS

    E = gx.expectations
    # All critical, per fact (the article still loads): a figure that cannot be read back from its
    # evidence, or counts in no known unit, would be a number nobody can check.
    return [
        _named(E.ExpectColumnValuesToBeBetween(column="value", min_value=0, strict_min=True), "nonpositive_value",
               "a counted or measured value is greater than zero"),
        _named(E.ExpectColumnValuesToBeInSet(column="unit", value_set=sorted(set(UNIT_FORMS.values()))), "unit_not_allowed",
               "the unit is one of the known counting units"),
        _named(E.ExpectColumnValuesToBeInSet(column="evidence_matches_span", value_set=[True]),
               "evidence_span_mismatch", "evidence equals the article text at [char_start, char_end)"),
        _named(E.ExpectColumnValuesToBeInSet(column="value_in_evidence", value_set=[True]),
               "value_not_in_evidence", "the value can be read back from the number written in the evidence"),
        _named(E.ExpectColumnValuesToBeInSet(column="value_plausible", value_set=[True]), "implausible_value",
               "the value is finite and within its unit's bound (transforms/data/plausibility.yaml)"),
        _named(E.ExpectColumnValuesToBeUnique(column="fact_id"), "duplicate_fact_id", "fact ids are unique"),
    ]


def _people() -> list[Expectation]:
    E = gx.expectations
    # All critical, per person (the article still loads): a name that is not a name, or a person with no
    # post, is not a fact about who holds which office.
    return [
        _named(E.ExpectColumnValueLengthsToBeBetween(column="name", min_value=2, max_value=4), "implausible_name",
               "a Chinese personal name has 2 to 4 characters"),
        _named(E.ExpectColumnValuesToBeInSet(column="evidence_matches_span", value_set=[True]),
               "evidence_span_mismatch", "evidence equals body[char_start:char_end]"),
        _named(E.ExpectColumnValuesToBeBetween(column="title_count", min_value=1), "no_titles",
               "a person is recorded with at least one post"),
    ]


# Spans a warning's finding lists per document in text_issues (the first ones: a page full of one finding
# says what it needs to in a few rows).
FINDINGS_PER_DOCUMENT = 20


@cache
def _finding_patterns() -> dict[str, re.Pattern[str]]:
    from gonghui.transforms.boilerplate import BOILERPLATE_MARKERS_REGEX
    from gonghui.transforms.chinese import TRADITIONAL_ONLY_REGEX
    from gonghui.transforms.normalize import PRIVATE_USE_REGEX
    from gonghui.transforms.pinyin import INLINE_PINYIN_REGEX

    # compiled without flags, as GX's pandas backend applies them (Series.str.contains)
    return {"inline_pinyin_left": re.compile(INLINE_PINYIN_REGEX),
            "private_use_chars": re.compile(PRIVATE_USE_REGEX),
            "traditional_chars_left": re.compile(TRADITIONAL_ONLY_REGEX),
            "boilerplate_left": re.compile(BOILERPLATE_MARKERS_REGEX)}


def finding_issues(reason: str, text: str) -> list[TextIssue]:
    """The spans of a cleaned text that a clean-suite warning found, as text_issues (kind = the warning's
    name; offsets index the cleaned text). 〓 markers are not repeated: the repair listed them already."""
    from gonghui.transforms.mojibake import MOJIBAKE_MARKER, damage_left_spans

    out: list[TextIssue] = []
    if reason == "mojibake_left":
        spans = damage_left_spans(text)
    elif reason in _finding_patterns():
        spans = [m.span() for m in _finding_patterns()[reason].finditer(text)]
    else:
        return out
    for start, end in spans:
        if end == start or text[start:end] == MOJIBAKE_MARKER:
            continue
        out.append(TextIssue(kind=reason, offset=start, raw=text[start:end], repaired=None, marker_offset=start))
        if len(out) >= FINDINGS_PER_DOCUMENT:
            break
    return out


SUITES: dict[str, SuiteSpec] = {
    s.name: s
    for s in (
        SuiteSpec("stage", "staged_files", "file", "path", _staged_files),
        SuiteSpec("clean", "clean_documents", "document", "file_id", _clean_documents),
        SuiteSpec("segment", "articles", "article", "article_id", _articles),
        SuiteSpec("extract", "facts", "fact", "fact_id", _facts),
        SuiteSpec("extract", "people", "person", "person_key", _people),
    )
}
