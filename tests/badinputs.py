"""Generators for the broken inputs a scheduled pipeline meets (each returns what gonghui must do with it)."""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from gonghui.transforms.pinyin import strip_pinyin_annotations
from tests.conftest import SAMPLES

GUIZHOU = SAMPLES / "000_7e7ea642b88fe6f6.txt"  # has a CMS trailer: date + source, loads
GANSU = SAMPLES / "002_bdbddf47cf01ef19.txt"  # has a CMS trailer too
SICHUAN = SAMPLES / "003_21340ad4f150d7d2.txt"  # people.com.cn, Traditional


@dataclass(frozen=True)
class BadInput:
    name: str  # path relative to the input folder
    expect: str  # "loaded" or a quarantine reason
    what: str  # the README's "Failure modes" wording


def _text(p: Path) -> str:
    return p.read_text(encoding="utf-8")


def _big5_ok(line: str) -> bool:
    try:
        line.encode("big5")
        return True
    except UnicodeEncodeError:
        return False


def _pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("news.txt", _text(GUIZHOU))
    return buf.getvalue()


def write_bad_inputs(root: Path) -> list[BadInput]:
    """Write every kind of bad input under root; return what each must become."""
    root.mkdir(parents=True, exist_ok=True)
    g, s = _text(GUIZHOU), _text(GANSU)
    out: list[BadInput] = []

    def put(name: str, data: bytes, expect: str, what: str) -> None:
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        out.append(BadInput(name, expect, what))

    put("empty.txt", b"", "empty_file", "empty file")
    put("photo.txt", b"\x89PNG\r\n\x1a\n" + os.urandom(2048), "binary_content", "PNG bytes named .txt")
    put("archive.txt", _zip(), "binary_content", "zip archive named .txt")
    put("scan.txt", _pdf(), "binary_content", "PDF named .txt")
    put("photo.png", b"\x89PNG\r\n\x1a\n" + os.urandom(64), "unsupported_file_type", "a .png file")
    put("gbk.txt", g.encode("gbk"), "loaded", "GBK-encoded text")
    put("gb18030.txt", s.encode("gb18030"), "loaded", "GB18030-encoded text")
    # A Big5 page carries no pinyin annotations and no Simplified-only characters (Big5 cannot encode
    # them): strip the annotations, and keep the lines Big5 can hold.
    trad, _ = strip_pinyin_annotations(_text(SICHUAN).replace("\xa0", " "))
    put("big5.txt", "\n".join(ln for ln in trad.split("\n") if _big5_ok(ln)).encode("big5"), "loaded",
        "Big5-encoded Traditional text")
    put("utf8-bom.txt", b"\xef\xbb\xbf" + s.replace("甘肃工人报发布", "甘肃工人报再发布").encode("utf-8"),
        "loaded", "UTF-8 with BOM")
    put("utf16-bom.txt", g.replace("凝聚磅礴力量", "凝聚磅礴之力").encode("utf-16"), "loaded", "UTF-16 with BOM")
    half = len(s) // 2
    put("mixed.txt", s[:half].encode("utf-8") + s[half:].replace("十大新闻", "十大要闻").encode("gbk"),
        "loaded", "UTF-8 and GBK mixed in one file")
    put("nul.txt", g.replace("。", "。\x00", 3).replace("建功伟大事业", "建功伟大事业!").encode("utf-8"),
        "loaded", "NUL bytes inside text")
    line = "职工服务站点建设持续推进,各级工会累计建成服务站点1000个。" * 180_000  # ~10 MB, no newline
    put("one-line.txt", line.encode("utf-8"), "missing_publish_date", "one 10 MB line")
    put("english.txt", ("The union held a meeting. " * 200).encode(), "not_chinese_text", "English-only text")
    html = ("<!DOCTYPE html><html><head><title>x</title><script>var x='<p>no</p>';</script></head><body>"
            + "".join(f"<p>{para}</p>" for para in g.replace("建功伟大事业", "建功伟大事业 网页版").split("\n"))
            + "</body></html>")
    put("saved page 工会 新闻.html", html.encode("utf-8"), "loaded", "an HTML page (name with spaces and CJK)")
    put("子目录/名字 有 空格.txt", g.replace("劳动和技能竞赛", "劳动与技能竞赛").encode("utf-8"), "loaded",
        "file name with spaces and CJK, in a CJK folder")
    big = root / "huge.txt"
    with big.open("wb") as fh:  # sparse: 200 MB on paper, nothing on disk
        fh.truncate(200 * 1024 * 1024)
    out.append(BadInput("huge.txt", "file_too_large", "a 200 MB file"))
    (root / "loop").symlink_to(".", target_is_directory=True)  # symlink loop: root/loop -> root
    out.append(BadInput("loop", "symlink_loop", "symlink loop: a link to the input folder itself"))
    (root / "outside.txt").symlink_to("/etc/hostname")
    out.append(BadInput("outside.txt", "link_outside_input", "symlink pointing outside the input folder"))
    return out
