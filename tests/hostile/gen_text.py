"""Hostile text-level inputs (issue 20 classes 1, 2, 3, 6; issue 16 point 6): each case in its own folder.

Each case says what gonghui must make of its file: loaded (with the title, text, counts, issues and flags
the checks name) or quarantined with a reason. The synthetic articles are written here, one per case, every
line its own (numbers, places and dates vary), so that repetition learning over the whole batch sees no
line in five documents but where a case puts it there on purpose (the quoted-article case).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from opencc import OpenCC

from gonghui.transforms.chinese import to_simplified
from gonghui.transforms.pinyin import strip_pinyin_annotations
from tests.badinputs import GUIZHOU, SICHUAN, _big5_ok, _text

GUIZHOU_TITLE = "省总工会 凝聚磅礴力量 建功伟大事业"
SICHUAN_TITLE = "奋进在治蜀兴川的新征程上"

PLACES = ("贵州", "甘肃", "四川", "宁夏", "江苏", "浙江", "广东", "湖南", "湖北", "河南", "山东", "山西", "陕西",
          "云南", "福建", "江西", "安徽", "河北", "辽宁", "吉林", "广西", "海南", "青海", "新疆", "重庆", "天津",
          "上海", "北京", "西藏", "内蒙古", "黑龙江")
PAPERS = ("工人日报", "贵州日报", "甘肃工人报", "四川工人日报", "宁夏日报", "江苏工人报", "浙江工人日报")


@dataclass(frozen=True)
class Synthetic:
    title: str
    lines: tuple[str, ...]  # title, date/source line, body paragraphs
    fact_phrase: str  # a phrase of the body a fact is read from

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def synthetic(i: int, *, date: str | None = None) -> Synthetic:
    """The i-th article: a title, a date/source line and four body paragraphs, every line unique to i."""
    place = PLACES[i % len(PLACES)]
    n, k, money, homes = 1000 + 37 * i, 12 + i, 3000 + 211 * i, 400 + 13 * i
    month, day = 1 + i % 12, 1 + (3 * i) % 28
    title = f"{place}各级工会第{i + 1}季建成服务站点{n}个"
    date_line = f"{date or f'2023年{month}月{day}日'} 来源:{PAPERS[i % len(PAPERS)]}"
    body = (
        f"本报讯 今年以来,{place}各级工会累计建成户外劳动者服务站点{n}个,惠及职工{k}万人次。",
        f"{place}省总工会还筹集帮扶资金{money}万元,走访慰问困难职工{homes}户,第{i + 1}批帮扶项目已全部落地。",
        f"据介绍,{place}工会今年第{i + 1}次开展“送清凉”活动,为一线职工送去防暑降温物资{k * 3}批次。",
        f"下一步,{place}工会将以第{i + 1}批站点为样板,持续推进服务站点建设,让{k}万职工感受到“娘家人”的温暖。",
    )
    return Synthetic(title, (title, date_line, *body), f"建成户外劳动者服务站点{n}个")


@dataclass(frozen=True)
class HostileCase:
    name: str  # folder of the case; its main file is `file`
    cls: str  # issue class: "20.1", "20.2", "20.3", "20.6", "16.6"
    what: str
    file: str  # path of the file checked, relative to the input root
    expect: str  # "loaded" or a quarantine reason
    title: str | None = None  # the loaded article's title
    contains: tuple[str, ...] = ()  # phrases the article's body holds
    excludes: tuple[str, ...] = ()  # phrases neither body nor title holds
    encoding: str | None = None  # raw_files.encoding
    removed: tuple[str, ...] = ()  # kinds that raw_files.removed_counts must count
    issues: tuple[str, ...] = ()  # kinds of text_issues rows the file must have
    flags: tuple[str, ...] = ()  # flags the article carries
    origin: dict[str, str] = field(default_factory=dict)  # metadata_origin entries
    facts_min: int = 0  # facts loaded from the article at least
    files: dict[str, bytes] = field(default_factory=dict)  # every file the case writes


def _insert_at_line(data: bytes, line_no: int, extra: bytes, *, at: int = 6) -> bytes:
    """`extra` inserted into line `line_no` after `at` bytes of it (a character boundary: kept so)."""
    lines = data.split(b"\n")
    line = lines[line_no]
    cut = at
    while cut < len(line) and (line[cut] & 0xC0) == 0x80:
        cut += 1
    lines[line_no] = line[:cut] + extra + line[cut:]
    return b"\n".join(lines)


def _modest_line(text: str) -> int:
    """Index of a body line of 20+ characters that is not among the text's three longest (a change there
    keeps the page's fingerprint for repetition learning: its copies in the batch still count once)."""
    lines = text.split("\n")
    longest = sorted(set(lines), key=len, reverse=True)[:3]
    return next(j for j, ln in enumerate(lines) if len(ln) >= 20 and ln not in longest and j > 10)


def _big5_lines(text: str) -> list[str]:
    trad, _ = strip_pinyin_annotations(text.replace("\xa0", " "))
    return [ln for ln in trad.split("\n") if _big5_ok(ln)]


def text_cases() -> list[HostileCase]:
    out: list[HostileCase] = []
    counter = iter(range(1000))

    def case(name: str, cls: str, what: str, data: bytes, expect: str = "loaded", *, art: Synthetic | None = None,
             fname: str = "page.txt", extra: dict[str, bytes] | None = None, **kw: object) -> None:
        files = {f"{name}/{fname}": data, **{f"{name}/{k}": v for k, v in (extra or {}).items()}}
        if art is not None and expect == "loaded":
            kw.setdefault("title", art.title)
            kw.setdefault("contains", (art.fact_phrase,))
            kw.setdefault("facts_min", 1)
        out.append(HostileCase(name, cls, what, f"{name}/{fname}", expect, files=files, **kw))  # type: ignore[arg-type]

    def art() -> Synthetic:
        return synthetic(next(counter))

    # --- 20.1: a little damage costs only the damaged part --------------------------------------------
    a = art()
    case("cp1252-smart-quote", "20.1", "one Windows-1252 smart-quote byte in UTF-8 text",
         _insert_at_line(a.text.encode(), 3, b"\x93"), art=a, encoding="utf-8", removed=("undecodable_bytes",),
         issues=("replacement_chars",), flags=("mojibake_left",))
    a = art()
    case("cp1252-quote-pair", "20.1", "a pair of Windows-1252 quotes around a word",
         _insert_at_line(_insert_at_line(a.text.encode(), 4, b"\x93"), 4, b"\x94", at=18), art=a,
         removed=("undecodable_bytes",), issues=("replacement_chars",))
    a = art()
    case("lone-high-surrogate", "20.1", "a lone high surrogate written as WTF-8 (ED A0 80)",
         _insert_at_line(a.text.encode(), 3, b"\xed\xa0\x80"), art=a, encoding="utf-8",
         removed=("undecodable_bytes",), issues=("replacement_chars",))
    a = art()
    case("lone-low-surrogate", "20.1", "a lone low surrogate written as WTF-8 (ED B2 80)",
         _insert_at_line(a.text.encode(), 4, b"\xed\xb2\x80"), art=a, removed=("undecodable_bytes",))
    a = art()
    cesu = "\U0001f600".encode("utf-16-be")  # 😀 as two surrogates, each written as UTF-8 (CESU-8)
    cesu8 = b"".join(chr(int.from_bytes(cesu[j:j + 2], "big")).encode("utf-8", "surrogatepass") for j in (0, 2))
    case("cesu8-pair", "20.1", "an emoji written as a CESU-8 surrogate pair", _insert_at_line(a.text.encode(), 5, cesu8),
         art=a, contains=(a.fact_phrase, "\U0001f600"))
    a = art()
    case("nul-padding-4k", "20.1", "4 KB of NUL padding after a good article (a crashed writer)",
         a.text.encode() + b"\x00" * 4096, art=a, encoding="utf-8", removed=("nul_padding",))
    a = art()
    case("nul-padding-64k", "20.1", "64 KB of NUL padding (a pre-allocated block)",
         a.text.encode() + b"\x00" * 65536, art=a, removed=("nul_padding",))
    a = art()
    case("nul-padding-gbk", "20.1", "NUL padding after GBK text", a.text.encode("gbk") + b"\x00" * 2048, art=a,
         encoding="gb18030", removed=("nul_padding",))
    a = art()
    case("nul-padding-utf16", "20.1", "NUL padding after UTF-16 text", a.text.encode("utf-16") + b"\x00" * 1000,
         art=a, encoding="utf-16", removed=("nul_padding",))
    a = art()
    case("truncated-last-char", "20.1", "a file cut inside its last character",
         (a.text.rstrip("\n") + "温").encode()[:-1], art=a, removed=("undecodable_bytes",))
    a = art()
    data = a.text.encode()
    for line_no in (2, 3, 4, 5):
        data = _insert_at_line(data, line_no, b"\xa0")
    case("scattered-bad-bytes", "20.1", "four stray bytes in four paragraphs", data, art=a,
         removed=("undecodable_bytes",), issues=("replacement_chars",))
    a = art()
    damaged = "".join(c if j % 6 else "\udc80" for j, c in enumerate(a.text))  # every 6th character lost
    case("heavy-damage", "20.1", "one character in six unreadable (real damage: held back)",
         damaged.encode("utf-8", "surrogateescape"), "damaged_text")
    a = art()
    case("latin1-word", "20.1", "a Windows-1252 word (café) inside UTF-8 text",
         _insert_at_line(a.text.encode(), 5, "café".encode("cp1252")), art=a, removed=("undecodable_bytes",))
    case("sample-cp1252", "20.1", "a real page with one Windows-1252 byte in a short line",
         _insert_at_line(_text(GUIZHOU).encode(), _modest_line(_text(GUIZHOU)), b"\x92", at=9), title=GUIZHOU_TITLE,
         removed=("undecodable_bytes",), facts_min=5)

    # --- 20.2: the encoding chosen by evidence -----------------------------------------------------------
    a = art()
    case("utf16le-bom-utf8", "20.2", "a stray UTF-16 LE BOM in front of UTF-8 text", b"\xff\xfe" + a.text.encode(),
         art=a, encoding="utf-8", removed=("misleading_bom",))
    a = art()
    case("utf16be-bom-utf8", "20.2", "a stray UTF-16 BE BOM in front of UTF-8 text", b"\xfe\xff" + a.text.encode(),
         art=a, encoding="utf-8")
    a = art()
    case("utf8-bom-gbk", "20.2", "GBK text behind a UTF-8 BOM", b"\xef\xbb\xbf" + a.text.encode("gbk"), art=a,
         encoding="gb18030", removed=("misleading_bom",))
    trad = _big5_lines(_text(SICHUAN))
    case("utf8-bom-big5", "20.2", "Big5 text behind a UTF-8 BOM", b"\xef\xbb\xbf" + "\n".join(trad).encode("big5"),
         title=SICHUAN_TITLE, encoding="big5")
    a = art()
    brief = f"{a.title}\n{a.lines[1]}\n{a.lines[2]}\n"
    case("gbk-short-brief", "20.2", "a short GBK brief: headline, date line, one sentence (a generic detector "
         "calls it Korean)",
         brief.encode("gbk"), art=a, encoding="gb18030")
    a = art()
    brief = f"{a.title}\n{a.lines[1]}\n{a.lines[2]}\n"
    case("big5-short-brief", "20.2", "a short Big5 brief (Traditional)", OpenCC("s2t").convert(brief).encode("big5"),
         art=a, encoding="big5")
    lines = [ln for ln in trad if ln.strip()]
    mixed = b"\n".join(ln.encode("utf-8") if j % 2 == 0 else ln.encode("big5") for j, ln in enumerate(lines))
    case("utf8-big5-lines", "20.2", "a page of UTF-8 lines and Big5 lines, alternating", mixed,
         title=SICHUAN_TITLE, encoding="mixed:utf-8+big5", issues=("mixed_encoding",),
         contains=(to_simplified(next(ln for j, ln in enumerate(lines) if j % 2 and len(ln) > 40)[:12])[0],),
         excludes=("\ufffd", "〓"))
    half = len(lines) // 2
    mixed = "\n".join(lines[:half]).encode("big5") + b"\n" + "\n".join(lines[half:]).encode("utf-8")
    case("big5-then-utf8", "20.2", "a Big5 first half and a UTF-8 second half", mixed, title=SICHUAN_TITLE,
         encoding="mixed:utf-8+big5", issues=("mixed_encoding",), excludes=("\ufffd", "〓"))
    a = art()
    trad_paras = sorted((ln for ln in lines if len(ln) > 40), key=len)[:2]  # Traditional paragraphs
    mixed = a.text.encode("gbk") + "\n".join(trad_paras).encode("big5") + b"\n"
    case("gbk-then-big5", "20.2", "GBK lines followed by Big5 lines (Traditional)", mixed, art=a,
         encoding="mixed:big5+gb18030", issues=("mixed_encoding",), excludes=("\ufffd", "〓"),
         contains=(a.fact_phrase, to_simplified(trad_paras[0][:12])[0]))
    a = art()
    data = "\n".join(a.lines[:3]).encode("utf-8") + b"\n" + "\n".join(a.lines[3:]).encode("gbk") + b"\n"
    case("utf8-then-gbk", "20.2", "UTF-8 lines followed by GBK lines", data, art=a, encoding="mixed:utf-8+gb18030",
         issues=("mixed_encoding",))
    a = art()
    case("utf16le-no-bom", "20.2", "UTF-16 LE without a BOM", a.text.encode("utf-16-le"), art=a, encoding="utf-16")
    a = art()
    case("utf16be-no-bom", "20.2", "UTF-16 BE without a BOM", a.text.encode("utf-16-be"), art=a, encoding="utf-16")
    a = art()
    case("utf16-bom", "20.2", "UTF-16 with its BOM (the bytes agree)", a.text.encode("utf-16"), art=a,
         encoding="utf-16")
    a = art()
    four_byte = a.text.replace("温暖", "温暖€")  # € is four bytes in GB18030
    case("gb18030-four-byte", "20.2", "GB18030 text with a four-byte character", four_byte.encode("gb18030"), art=a,
         encoding="gb18030")
    a = art()
    case("gbk-plain", "20.2", "a whole GBK page", a.text.encode("gbk"), art=a, encoding="gb18030")
    japanese = "労働組合の定期大会が開かれ、来年度の活動方針が決まりました。" * 20
    case("shift-jis", "20.2", "Japanese in Shift-JIS: read as Japanese, never as Chinese garbage (held: no date)",
         japanese.encode("shift_jis"), "missing_publish_date", encoding="cp932")
    korean = "노동조합 정기 대회가 열려 내년도 활동 방침이 결정되었습니다. " * 20
    case("cp949-korean", "20.2", "Korean in CP949: never loaded as Chinese garbage", korean.encode("cp949"),
         "not_chinese_text")

    # --- 20.3: text forms read -----------------------------------------------------------------------
    a = art()
    kangxi = a.text.replace("工会", "\u2f2f\u4f1a").replace("人次", "\u2f08次")  # ⼯会, ⼈次 (PDF extraction)
    case("kangxi-radicals", "20.3", "Kangxi radicals from PDF extraction (⼯⼈)", kangxi.encode(), art=a,
         excludes=("\u2f2f", "\u2f08"))
    a = art()
    supp = a.text.replace("长", "\u2ed3").replace("门", "\u2ed4").replace("见", "\u2ec5").replace("贝", "\u2ec9")
    supp = supp.replace("下一步", "下一步,见习\u2ed3期")  # ⻓ (C-simplified long) in a phrase of its own
    case("cjk-radicals-supplement", "20.3", "CJK Radicals Supplement forms (⻓⻔⻅)", supp.encode(), art=a,
         contains=(a.fact_phrase, "见习长期"), excludes=("\u2ed3",))
    a = art()
    pua = a.text.replace("走访慰问", "走访\ue3c5慰问")  # a rare character an e-paper font put in the PUA
    case("private-use-glyph", "20.3", "a private-use glyph (a rare character of an e-paper font)", pua.encode(),
         art=a, issues=("private_use_chars",), flags=("private_use_chars",))
    a = art()
    ents = "\n".join("".join(f"&#{ord(c)};" if "\u4e00" <= c <= "\u9fff" else c for c in ln) for ln in a.lines)
    case("numeric-entities", "20.3", "text written as HTML numeric entities (&#24037;&#20250;)", ents.encode(),
         art=a, removed=("html_entities",))
    a = art()
    ents = "\n".join("".join(f"&#x{ord(c):x};" if c in "工会职站点" else c for c in ln) for ln in a.lines)
    case("hex-entities", "20.3", "some characters as hex entities (&#x5de5;)", ents.encode(), art=a,
         removed=("html_entities",))
    a = art()
    named = a.text.replace("“", "&ldquo;").replace("”", "&rdquo;").replace(" 来源", "&nbsp;来源")
    case("named-entities", "20.3", "named entities (&ldquo; &nbsp;) left in scraped text", named.encode(), art=a,
         removed=("html_entities",), contains=(a.fact_phrase, "“娘家人”"))
    a = art()
    script = "<script type=\"text/javascript\">var stats = {sites: 98765};document.write('累计建成服务站点98765个');</script>"
    body = "\n".join([*a.lines[:3], script, *a.lines[3:]])
    case("script-block", "20.3", "a <script> block with a number left in scraped text", body.encode(), art=a,
         removed=("script_block",), excludes=("98765", "document.write"))
    a = art()
    style = "<style>\n.article{width:960px}\n.box{margin:20px}\n</style>"
    case("style-block", "20.3", "a <style> block left in scraped text",
         "\n".join([a.lines[0], style, *a.lines[1:]]).encode(), art=a, removed=("style_block",),
         excludes=("960px", "margin"))
    a = art()
    case("script-unclosed", "20.3", "a <script> block cut off at the end of the file",
         (a.text + "<script>var n = 54321; function f(){ return 54321; }").encode(), art=a,
         removed=("script_block",), excludes=("54321",))

    # --- 16.6: invisible characters, combining marks, impossible dates, front matter ------------------
    g = _text(GUIZHOU)
    zw = g.replace("贵州日报", "贵\u200b州\u200d日报", 1).replace("。", "。\u200b", 20).replace("工会", "工\ufeff会", 5)
    case("zero-width-marks", "16.6", "zero-width spaces/joiners and BOMs sprinkled in a real page", zw.encode(),
         title=GUIZHOU_TITLE, removed=("invisible_format_chars",), facts_min=5)
    bidi = g.replace("贵州日报", "\u202e贵州日报\u202c", 2).replace("省总工会", "\u200f省总工会", 3)
    case("bidi-marks", "16.6", "direction overrides and marks (U+202E, U+200F) in a real page", bidi.encode(),
         title=GUIZHOU_TITLE, removed=("invisible_format_chars",), facts_min=5)
    a = art()
    wj = a.text.replace("工会", "工\u2060会").replace("职工", "职\u2063工")
    case("word-joiners", "16.6", "word joiners and invisible operators (U+2060-U+2064)", wj.encode(), art=a,
         removed=("invisible_format_chars",))
    a = art()
    comb = a.text.replace("服务", "服\u0301务").replace("。", "。\u0308\u0304")
    case("stray-combining-marks", "16.6", "combining marks with no letter to sit on", comb.encode(), art=a,
         removed=("stray_combining_marks",), excludes=("\u0301", "\u0308"))
    long_line = "".join(f"第{j}条:职工服务站点建设持续推进,各级工会累计建成服务站点{j}个。" for j in range(1, 200))[:5000]
    case("long-first-line", "16.6", "a 5,000-character first line above a real page's headline",
         (long_line + "\n" + g).encode(), title=GUIZHOU_TITLE, contains=(long_line[:40], long_line[-40:]), facts_min=5)
    for n_, date_text in (("invalid-date-feb30", "2023年2月30日"), ("invalid-date-1850", "1850年1月1日"),
                          ("invalid-date-2099", "2099年1月1日")):
        a = synthetic(next(counter), date=date_text)
        case(n_, "16.6", f"{date_text} as the only date", a.text.encode(), "invalid_publish_date")
    a = art()
    fm = "\n".join([a.lines[0], *a.lines[2:]])  # the text has no date line: the front matter has it
    front = f"---\ntitle: {a.title}\ndate: 2023-06-18\nsource: 工人日报\ntags: [工会]\n---\n"
    case("front-matter", "16.6", "Markdown front matter (title, date, source) above the text",
         (front + fm + "\n").encode(), art=a, fname="page.md", removed=("front_matter",),
         origin={"publish_date": "front_matter"})

    # --- 20.6: a page other pages quote keeps its headline and facts -------------------------------------
    home = art()
    quote = f"相关新闻\n{home.title}\n{home.lines[2]}\n"
    quoting = {f"quoting-{j}.txt": (art().text + quote).encode() for j in range(5)}
    case("quoted-article", "20.6", "five pages quote a page's headline and a paragraph in a 相关新闻 box",
         home.text.encode(), art=home, fname="home.txt", extra=quoting, contains=(home.lines[2][4:24],),
         facts_min=3)

    # --- 20.6: versions of one article in one batch keep their lines; a site's footer is still learned ---
    # The versions sit in folders of their own: repetition is learned over the whole batch.
    story = art()
    for j in range(5):  # the same story saved from five sites, each with its own chrome
        case(f"article-version-{j}", "20.6", f"one story saved from five sites: the copy of site {j}",
             in_chrome(j, story.text).encode(), art=story, contains=(story.lines[2][4:24], story.lines[5][4:24]),
             facts_min=3)
    story = art()
    revised = story.text.replace(story.lines[5], story.lines[5].replace("持续推进", "加快推进") + "另有三处站点正在建设。")
    for j, text in enumerate((story.text, story.text, revised)):
        case(f"revised-version-{j}", "20.6", "three versions of a story (one revised) and two pages quoting it",
             in_chrome(j, text).encode(), art=story, contains=(story.lines[3][4:24], story.lines[2][4:24]),
             facts_min=3)
    quote = f"相关新闻\n{story.title}\n{story.lines[3]}\n"
    for j in range(2):
        a = art()
        case(f"revised-quoting-{j}", "20.6", "a page quoting a story that has versions", (a.text + quote).encode(), art=a)
    footer = ("每一位职工群众的来信我们都会认真阅读,并在十个工作日内及时回复。\n"
              "示例市的职工朋友们可以在每周三下午来到市职工服务中心当面咨询。\n")
    for j in range(5):  # a site's footer of plain sentences under five different articles: furniture
        a = art()
        case(f"site-footer-{j}", "20.6", "a footer of plain sentences under five articles of one site",
             (a.text + footer).encode(), art=a, excludes=("十个工作日内", "每周三下午"), removed=("repeated_line",))
    return out


SITES = ("示例工会网", "职工之家网", "劳动新闻在线", "工运资讯网", "职工服务网", "劳模风采网")


def in_chrome(site: int, text: str) -> str:
    """A page of one site: its channel bar on top, its long copyright line (longer than any body line, so
    the page's longest lines differ from site to site) at the foot."""
    s = SITES[site]
    return (f"{s} > 新闻中心 > 正文\n{text}版权所有 {s} 2023 本站所刊登的各种新闻、信息和各种专题专栏资料均为{s}"
            f"版权所有,未经协议授权禁止下载使用 联系电话010-{6000000 + site}\n")


def write_text_cases(root: Path) -> list[HostileCase]:
    cases = text_cases()
    for c in cases:
        for rel, data in c.files.items():
            p = root / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
    return cases
