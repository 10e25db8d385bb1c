"""Generate transforms/data/admin_divisions.csv from cpca's adcode table (run once; cpca is a dev tool only).

Usage: python tools/gen_admin_divisions.py  (needs the `cpca` package installed)

Columns: name, short, adcode, level (province | prefecture | county), province (short name of the
province-level unit). `short` is the name without its administrative suffix and ethnic qualifier
(宁夏回族自治区 -> 宁夏, 凉山彝族自治州 -> 凉山, 青铜峡市 -> 青铜峡); it is empty when stripping
would leave fewer than two characters (城区, 郊区), because one-character stems match everywhere.
"""

from __future__ import annotations

import csv
import sys
from importlib import resources
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "transforms" / "data" / "admin_divisions.csv"

# Longest first, so 自治县 is stripped before 县.
SUFFIXES = (
    "特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "特区",
    "省", "市", "县", "区", "旗", "盟", "州",
)


def _nations() -> list[str]:
    text = resources.files("cpca").joinpath("resources/56_nations.csv").read_text(encoding="utf-8")
    names = [n.strip() for n in text.splitlines() if n.strip()]
    # The tables drop 族 inside names (新疆维吾尔自治区, 博尔塔拉蒙古自治州), so strip both forms.
    out = set(names) | {n[:-1] for n in names if n.endswith("族") and len(n) > 2}
    return sorted(out, key=len, reverse=True)


def short_name(name: str, nations: list[str]) -> str:
    stem = name
    for suf in SUFFIXES:
        if stem.endswith(suf) and len(stem) > len(suf):
            stem = stem[: -len(suf)]
            break
    if stem != name and ("自治" in name):
        changed = True
        while changed:  # 黔东南苗族侗族 -> 黔东南
            changed = False
            for n in nations:
                if stem.endswith(n) and len(stem) - len(n) >= 2:
                    stem = stem[: -len(n)]
                    changed = True
                    break
    return stem if len(stem) >= 2 else ""


def level_of(adcode: str) -> str:
    if adcode[2:] == "0" * 10:
        return "province"
    if adcode[4:] == "0" * 8:
        return "prefecture"
    return "county"


def main() -> int:
    nations = _nations()
    text = resources.files("cpca").joinpath("resources/adcodes.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    provinces = {r["adcode"][:2]: r["name"] for r in rows if level_of(r["adcode"]) == "province"}
    prov_short = {k: short_name(v, nations) for k, v in provinces.items()}
    out = []
    for r in rows:
        code = r["adcode"]
        if code[:2] not in prov_short:
            continue
        out.append((r["name"], short_name(r["name"], nations), code, level_of(code), prov_short[code[:2]]))
    out.sort(key=lambda t: t[2])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["name", "short", "adcode", "level", "province"])
        w.writerows(out)
    print(f"wrote {len(out)} rows to {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
