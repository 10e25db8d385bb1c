"""Extract people named with their posts (省总工会党组书记、常务副主席李毅) from an article body."""

from __future__ import annotations

import re
from pathlib import Path

from gonghui.transforms.records import Article, Person

try:  # regions is another step's module; without it abbreviated orgs stay as written
    from gonghui.transforms.regions import full_name
except ImportError:  # pragma: no cover - only while regions is absent
    def full_name(short: str) -> str:
        return short

SURNAMES_PATH = Path(__file__).parent / "data" / "facts_surnames.txt"


def _load_surnames(path: Path) -> tuple[frozenset[str], frozenset[str]]:
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
    names = [ln for ln in lines if ln and not ln.startswith("#")]
    return frozenset(n for n in names if len(n) == 1), frozenset(n for n in names if len(n) == 2)


SINGLE_SURNAMES, DOUBLE_SURNAMES = _load_surnames(SURNAMES_PATH)

# Post vocabulary: a post is [party-group prefix][rank prefix][副]CORE (党组副书记, 常务副主席).
POST_CORES: tuple[str, ...] = (
    "书记", "主席", "主任", "厂长", "总经理", "经理", "会长", "局长", "厅长", "部长", "处长", "科长",
    "院长", "校长", "市长", "省长", "县长", "区长", "州长", "镇长", "乡长", "董事长", "秘书长",
    "理事长", "总监", "组长", "站长", "队长", "班长", "所长", "馆长", "社长", "总编辑", "检察长",
    "庭长", "委员", "成员", "总工程师", "主任委员",
)
POST_PARTY_PREFIXES: tuple[str, ...] = ("党组", "党委", "党工委", "党总支", "党支部")
POST_RANK_PREFIXES: tuple[str, ...] = ("常务", "执行", "专职", "兼职", "名誉")


def _alt(words: tuple[str, ...]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


POST_RE = f"(?:{_alt(POST_PARTY_PREFIXES)})?(?:{_alt(POST_RANK_PREFIXES)})?副?(?:{_alt(POST_CORES)})"
# Every post starts with the first character of a prefix, of 副 or of a core word. Scanning a body
# for posts with that guard in front rejects most positions with one test instead of a try of each
# of the ~50 words there: 5x faster.
_POST_FIRST = "".join(sorted({w[0] for w in POST_PARTY_PREFIXES + POST_RANK_PREFIXES + ("副",) + POST_CORES}))
_POST = re.compile(f"(?=[{_POST_FIRST}])(?:{POST_RE})")
_POST_AT_END = re.compile(f"(?:{POST_RE})$")

# What may follow a name: a speech or action verb, a conjunction, or punctuation.
NAME_FOLLOWERS: tuple[str, ...] = (
    "说", "介绍", "表示", "要求", "强调", "指出", "认为", "带领", "和", "与", "及", "同", "对", "在",
    "等", "率", "一行", "出席", "主持", "讲话", "致辞", "告诉", "共同", "为", "代表", "作", "参加",
    "看望", "调研", "到", "前往", "宣布", "会见", "陪同", "也", "还", "就", "向", "表态", "提出",
    "寄语", "透露", "坦言", "感慨", "分享", "自豪", "回忆", "称", "道", "深入", "来到", "走进",
)
_FOLLOW_PUNCT = frozenset(",，、。；;：:“”\"(（）) \n!！?？")
# A name is 2-3 Han characters (4 with a two-character surname); a given name has 1-2.
_HAN = re.compile(r"[\u4e00-\u9fff]")
# Where a chain of posts cannot reach back past: sentence ends, quotes, brackets.
_HARD_BOUNDARY = re.compile(r"[。！!？?；;：:“”‘’\"()（）《》\n]")
_CHAIN_SEP = re.compile(r"[、,，]")
# Longest segment (org + post) accepted in a chain: longer runs are clauses, not titles.
MAX_SEGMENT_CHARS = 24
# Dropped from the front of an organisation: prepositions and reporting words (据…介绍).
_ORG_LEAD = re.compile(r"^(?:据|由|在|经|记者|近日|日前|今年|当天|随后|其中)+")
_ORG_SPLIT = re.compile(r"[和与及同]")
# Province-level abbreviations in an organisation name, expanded with the article's region.
ORG_PREFIXES_BY_LEVEL: tuple[str, ...] = ("自治区", "省")
MUNICIPALITIES = frozenset({"北京", "天津", "上海", "重庆"})


# Words that start with a surname character and follow posts in running text (各成员单位).
NOT_NAMES = frozenset({"单位", "同志", "一行", "代表", "人员", "干部", "职工", "委员", "成员"})


def _name_at(text: str, pos: int) -> str | None:
    """A person's name starting at `pos`, judged by a surname and what follows it."""
    for sur_len, surnames in ((2, DOUBLE_SURNAMES), (1, SINGLE_SURNAMES)):
        surname = text[pos : pos + sur_len]
        if surname not in surnames:
            continue
        for given in (1, 2):
            end = pos + sur_len + given
            cand = text[pos:end]
            if len(cand) != sur_len + given or not all(_HAN.match(c) for c in cand):
                continue
            rest = text[end : end + 4]
            if cand in NOT_NAMES:
                continue
            if not rest or rest[0] in _FOLLOW_PUNCT or rest.startswith(NAME_FOLLOWERS):
                return cand
    return None


def _expand_org(org: str, region: str | None) -> str:
    if not region:
        return org
    full = full_name(region)
    for prefix in ORG_PREFIXES_BY_LEVEL:
        if org.startswith(prefix) and full.endswith(prefix):
            return full + org[len(prefix) :]
    if org.startswith("市") and region in MUNICIPALITIES:
        return full + org[1:]
    return org


def _chain(text: str, post_end: int) -> tuple[int, str | None, list[str]] | None:
    """(evidence start, org, posts) for the run of posts ending at `post_end`, or None."""
    window_start = max(0, post_end - 120)
    hard = [m.end() for m in _HARD_BOUNDARY.finditer(text, window_start, post_end)]
    start = hard[-1] if hard else window_start
    pieces: list[tuple[int, int]] = []
    seg_start = start
    for m in _CHAIN_SEP.finditer(text, start, post_end):
        pieces.append((seg_start, m.start()))
        seg_start = m.end()
    pieces.append((seg_start, post_end))
    accepted: list[tuple[int, int]] = []
    for a, b in reversed(pieces):
        seg = text[a:b]
        if not seg or len(seg) > MAX_SEGMENT_CHARS or not _POST_AT_END.search(seg):
            break
        accepted.append((a, b))
        if _ORG_SPLIT.search(seg):
            break  # 胡焯和临夏州委副书记: a conjunction opens a new person's chain
    if not accepted:
        return None
    accepted.reverse()
    first_a, first_b = accepted[0]
    first = text[first_a:first_b]
    post_m = _POST_AT_END.search(first)
    assert post_m is not None
    org_text = first[: post_m.start()]
    lead = _ORG_LEAD.match(org_text)
    cut = lead.end() if lead else 0
    joins = [m.end() for m in _ORG_SPLIT.finditer(org_text, cut)]
    if joins:
        cut = joins[-1]
    org = org_text[cut:] or None
    posts = [post_m.group(0)] + [text[a:b].strip() for a, b in accepted[1:]]
    return first_a + cut, org, posts


def extract_people(article: Article) -> list[Person]:
    """People named with their posts in the body, in text order, once per (name, posts, org).

    Shapes: 省总工会党组书记、常务副主席李毅 / …主席王东说 / 据…副主席张驰介绍 /
    省人大常委会党组副书记、副主任,省总工会主席胡焯 / 玉门市委书记王超. The organisation is the
    one the first post belongs to, with 省/自治区 expanded to the article's province (省总工会 in a
    甘肃 article → 甘肃省总工会). Later posts are kept as written (省总工会主席).
    """
    body = article.body
    out: list[Person] = []
    seen: set[tuple[str, tuple[str, ...], str | None]] = set()
    for m in _POST.finditer(body):
        name = _name_at(body, m.end())
        if name is None:
            continue
        chain = _chain(body, m.end())
        if chain is None:
            continue
        start, org, posts = chain
        if org is not None:
            org = _expand_org(org, article.region)
        key = (name, tuple(posts), org)
        if key in seen:
            continue
        seen.add(key)
        end = m.end() + len(name)
        out.append(
            Person(
                article_id=article.article_id,
                name=name,
                titles=tuple(posts),
                org=org,
                char_start=start,
                char_end=end,
                evidence=body[start:end],
            )
        )
    return out
