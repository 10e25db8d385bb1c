"""The one record shape that flows between pipeline steps (frozen dataclasses, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

# Stable, snake_case reasons. Every drop names one; tests count and assert them.
REASON_EMPTY_FILE = "empty_file"
REASON_UNDECODABLE = "undecodable_bytes"
REASON_BINARY = "binary_content"
REASON_DUPLICATE_FILE = "duplicate_file_hash"
REASON_UNREADABLE = "unreadable_file"
REASON_NO_ARTICLES = "no_articles_found"
REASON_TRANSFORM_ERROR = "transform_error"


@dataclass(frozen=True)
class StagedFile:
    """Stage output: one raw input file, decoded."""

    file_id: str  # sha256 of the raw bytes
    path: str  # path as given (relative to the input root when possible)
    size_bytes: int
    encoding: str | None  # detected encoding; None when the bytes could not be decoded
    text: str | None  # decoded text; None when undecodable
    decode_problem: str | None = None  # empty_file | binary_content | undecodable_bytes
    is_copy: bool = False  # an earlier file of the same run has the same bytes (its first copy loads)
    # a crawler export's row: its columns as metadata (field, value, "export_column")
    supplied: tuple[tuple[str, str, str], ...] = ()
    parent_id: str | None = None  # an export row: sha256 of the export file it was read from
    row: int | None = None  # an export row: its 1-based row number (header excluded)
    # decoding's findings: regions read in another encoding (text_issues rows, offsets into `text`) and
    # what it removed or could not read, per kind (nul_padding, undecodable_bytes ...: removed_counts)
    decode_issues: tuple[TextIssue, ...] = ()
    decode_removed: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class TextIssue:
    """A span of the text that was damaged (mojibake, U+FFFD ...): repaired or marked."""

    kind: str  # e.g. gbk_phase_shift, utf8_as_gbk, utf8_as_latin1, replacement_chars
    offset: int  # character offset in the *raw* decoded text
    raw: str  # the span as it stood
    repaired: str | None  # what it was repaired to; None when it could not be repaired
    marker_offset: int | None = None  # where the unrepaired marker stands in the cleaned text


@dataclass(frozen=True)
class BoilerplateHit:
    """One piece of boilerplate removed during cleaning; `fields` feed article metadata."""

    kind: str  # breadcrumb, masthead, cms_trailer, editor_line, seo_footer, reading_tip, repeated_line ...
    text: str  # the removed text as it stood (after conversion to Simplified)
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CleanDoc:
    """Clean output: one file's text, repaired, converted to Simplified, stripped, normalised.

    `text` holds paragraphs separated by a single "\n" (column breaks already rejoined).
    """

    file_id: str
    source_file: str
    text: str
    script: str  # "simplified" or the OpenCC config used: "t2s", "hk2s", "tw2s"
    boilerplate: tuple[BoilerplateHit, ...] = ()
    issues: tuple[TextIssue, ...] = ()
    removed_counts: dict[str, int] = field(default_factory=dict)  # per boilerplate kind
    summary: str | None = None  # 阅读提示 box, kept apart from the body
    captions: tuple[str, ...] = ()  # paragraphs recognised as photo captions (also still in text)
    flags: tuple[str, ...] = ()  # warnings of the clean suite (mojibake_left ...): every article inherits them
    # metadata found outside the text: (field, value, origin) with origin html_meta | export_column
    supplied: tuple[tuple[str, str, str], ...] = ()
    parent_id: str | None = None  # an export row: sha256 of the export file it was read from
    # paragraphs the source set apart from the one before by a wider run of blank lines than the file's usual
    # spacing (text keeps single "\n"s, so the segmenter reads a page's blank-line item breaks from here)
    gap_before: tuple[str, ...] = ()


@dataclass(frozen=True)
class Article:
    """Segment output: one article with its metadata. Lists are tuples (frozen)."""

    article_id: str  # stable: sha256(file_id + ":" + seq)[:16]
    file_id: str
    source_file: str
    seq: int  # 1-based order of the article within its file
    title: str | None
    body: str  # paragraphs joined with "\n"
    kicker: str | None = None
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    correspondents: tuple[str, ...] = ()
    photographers: tuple[str, ...] = ()
    editors: tuple[str, ...] = ()
    publish_date: str | None = None  # ISO yyyy-mm-dd
    publish_time: str | None = None  # HH:MM
    source: str | None = None  # paper / site name, e.g. 工人日报
    page: str | None = None
    page_name: str | None = None  # the page's name in an e-paper header (第4版:要闻 -> 要闻)
    channel: str | None = None
    region: str | None = None  # province-level short name: 贵州, 宁夏, 香港 ...
    url: str | None = None
    captions: tuple[str, ...] = ()
    summary: str | None = None
    section_headings: tuple[str, ...] = ()
    section_banner: str | None = None
    format: str = "plain"  # people_com_cn | epaper_trailer | multi_article_page | plain
    original_id: str | None = None  # e.g. content_74878.html from the CMS trailer
    metadata_origin: dict[str, str] = field(default_factory=dict)  # field -> text|header|trailer|html_meta|export_column|path|manifest
    flags: tuple[str, ...] = ()  # e.g. orphan_fragment


@dataclass(frozen=True)
class Fact:
    """Extract output: one numeric claim with its evidence span."""

    fact_id: str  # sha256(article_id + field + char_start + char_end)[:16]
    article_id: str
    evidence: str  # == <field text>[char_start:char_end]
    char_start: int
    char_end: int
    value: float  # in the base unit (6922万元 -> 69220000)
    unit: str  # 个, 元, 人次, %, 公里 ...
    number_text: str  # the number as written: 6922万
    subject: str | None = None  # what is counted: 户外劳动者服务站点
    verb: str | None = None  # 建成, 筹集 ...
    metric: str | None = None  # canonical metric key from the lexicon
    qualifier: str | None = None  # 余 多 近 超过 以上 约 (combined with "+")
    region: str | None = None
    as_of: str | None = None  # ISO date the claim is dated to
    as_of_text: str | None = None  # the original words: 截至2023年6月
    measure: str | None = None  # level | change | share | new | cumulative | restatement
    field: str = "body"  # body | captions  (captions: offsets into "\n".join(captions))
    currency: str | None = None  # ISO 4217 code of a money amount (unit 元): CNY, HKD, USD, MOP, TWD ...
    base_text: str | None = None  # what a change is measured against, as written: 2019年同月, 去年同期


@dataclass(frozen=True)
class Person:
    """Extract output: a person named with their posts."""

    article_id: str
    name: str
    titles: tuple[str, ...]
    org: str | None
    char_start: int  # span of the evidence in articles.body
    char_end: int
    evidence: str


@dataclass(frozen=True)
class Rejection:
    """A record that did not pass: it goes to quarantine with its reasons, never away."""

    stage: str  # stage | clean | segment | extract | load
    record_kind: str  # file | document | article | fact | person
    record_id: str
    source_file: str | None
    reasons: tuple[str, ...]
    payload: dict[str, Any] = field(default_factory=dict)


def to_dict(record: Any) -> dict[str, Any]:
    """A plain dict of a record (tuples become lists, dicts are copied), for DataFrames and JSON.

    Shallow on purpose: records hold only scalars, tuples of scalars and flat dicts, and
    dataclasses.asdict's recursive deep copy was a tenth of the load time.
    """
    out: dict[str, Any] = {}
    for name in _field_names(type(record)):
        v = getattr(record, name)
        if isinstance(v, tuple):
            v = list(v)
        elif isinstance(v, dict):
            v = dict(v)
        out[name] = v
    return out


# One entry per record class: dataclasses.fields() rebuilds its tuple on every call.
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return names
