"""Build `rules/places/divisions.tsv`, the administrative-division gazetteer.

Why a script: the gazetteer has about 660,000 rows derived by rule from the
official statistical division codes (国家统计局 统计用区划代码). Nobody can
review such a file by hand, so the rules that turn an official name into the
name and the short forms used in news text live here, and the file is rebuilt
from `../shared/data/divisions/` (outside the repo; see its SOURCES.md)
whenever a rule changes. The hand-kept lists beside the output (zones,
regions, water, foreign) are edited directly and are not touched.

Usage: python scripts/build_gazetteer.py [--src DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import jieba

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT.parent / "shared" / "data" / "divisions"
OUT = ROOT / "rules" / "places" / "divisions.tsv"
HEADER = ("code", "name", "level", "parent", "aliases")

# City rows that group counties statistically but are not places: the urban
# districts of the municipalities (市辖区), Chongqing's counties (县) and the
# county-level units a province administers directly. Their counties hang
# directly under the province.
PLACEHOLDER_CITIES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})

# The 55 minority nationalities. Autonomous units carry one or more of them
# before 自治区/自治州/自治县/自治旗; news drops them (`延边朝鲜族自治州` → `延边`).
ETHNIC = (
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶",
    "白", "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜",
    "水", "东乡", "纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗",
    "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克",
    "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春",
    "赫哲", "门巴", "珞巴", "基诺",
)  # fmt: skip
# `各族` (all nationalities: 龙胜各族自治县) is stripped like one of them.
# Official names write one-character nationalities always with 族 (壮族), but
# longer ones sometimes without (伊犁哈萨克自治州); only the latter may be
# stripped bare, or 族-less stripping would eat name characters (大理白族 ok,
# but 白沙 must not lose 白).
_ETHNIC_RE = re.compile(
    "(?:"
    + "|".join(sorted((e + "族" for e in (*ETHNIC, "各")), key=len, reverse=True))
    + "|"
    + "|".join(sorted((e for e in ETHNIC if len(e) > 1), key=len, reverse=True))
    + ")$"
)

# Township- and county-level units that are development zones, industrial
# parks or new areas rather than administrative areas. Matched against the
# name with trailing notes (parentheses, 管委会) removed. Farms, forestry
# bureaus, prisons, scenic areas and 管理区 are not zones.
ZONE_RE = re.compile(
    r"(开发区|园区|工业园|产业园|科技园|新区|新城|科技城|示范区|试验区|实验区|保税区|保税港区"
    r"|工业区|经济区|合作区|集聚区|聚集区|集中区|投资区|加工区|物流区|贸易区|食品区|自贸区)$"
)
_TRAILING_NOTE_RE = re.compile(r"(?:（[^（）]*）|\([^()]*\))+$")
_STATUS_NOTE_RE = re.compile(r"(?:（(?:省级|国家级|镇|乡)）)+$")
_OFFICE_RE = re.compile(r"(管理委员会|管委会)$")

# Zone short forms used in news: `赣州经济技术开发区` → `赣州经开区`.
ZONE_SHORT = (
    ("经济技术开发区", "经开区"),
    ("经济开发区", "经开区"),
    ("高新技术产业开发区", "高新区"),
    ("高新技术开发区", "高新区"),
    ("高新技术产业园区", "高新区"),
)

# County suffixes, tried in order; (suffix, the fewest characters that must
# remain). The two-character type words come first so that `浦东新区` gives
# `浦东`; a short remainder falls through to the plain suffix, so `清新区`
# gives `清新` and `万柏林区` gives `万柏林` (林区 is a type only in 神农架林区).
COUNTY_SUFFIXES = (
    ("自治县", 1),
    ("自治旗", 1),
    ("特区", 2),
    ("矿区", 2),
    ("新区", 2),
    ("林区", 3),
    ("县", 2),
    ("区", 2),
    ("市", 2),
    ("旗", 2),
)
# `土默特左旗` minus 旗 is no name; news writes 土左旗. Such banners get no short form.
_BANNER_PART_RE = re.compile(r"(左|右|前|中|后|翼|联合)$")

# jieba's main dictionary decides whether a two-character short form is an
# ordinary word (`和平区` → `和平`, `资源县` → `资源`). Its tags are too noisy to
# use alone: 信丰, 合肥, 烟台, 拉萨 are tagged nz/n/n/nrt, so "anything not
# tagged ns is a word" would drop over a thousand real short forms. A word
# counts as ordinary when jieba lists it, not as ns, with at least this
# frequency; rarer entries are names or obscure words that news does not use.
ORDINARY_MIN_FREQ = 100
# A township's bare form is looked up only near its county, but such forms are many
# (`城关`, `新华`, `胜利`): any jieba word this frequent is dropped, whatever its tag.
TOWNSHIP_WORD_MIN_FREQ = 5
# Short forms that pass that test but are what news means by them (the place
# sense dominates; jieba tags them n/nr/nz/v/d). Reviewed by hand.
KEEP_SHORT = frozenset(
    """
    石首 仙桃 黄石 孝感 恩施 开封 洪湖 桂林 太康 洪山 麻城 监利 大连 大理 赤壁 罗田 阳新 保定 梁山 常德
    日照 拉萨 石狮 大同 大冶 应城 钟祥 金台 南通 烟台 海口 宁远 石林 六合 嘉兴 合肥 龙亭 龙泉 全州 当阳
    古田 文昌 三门 秦安 五峰 银川 方城 凤山 峰峰 永福 华容 石龙 红安 保康 商丘 许昌 平遥 哈密 无为 河间
    金华 玄武 河源 酒泉 和田 包头 万安 宝鸡 武威 定远 遵义 昌平 玉林 信阳 马尾 金门 天水 常熟 蓬莱 弥勒
    诸城 余姚 崇仁 融水 蓝田 安龙 承德 疏勒 新野 如皋 镇远 灵台 龙口 临清 宝应 永嘉 凤翔 库车 金昌 营口
    文成 顺德 高平 金平 高陵 竹溪
    """.split()
)
# Two-character short forms that jieba does not flag but that are dropped:
# generic positions found as district names in many cities (城关, 市中), common
# words (新建, 大关, 安宁), and names that news uses for a mountain, lake, sea
# or country of the hand-kept lists (泰山, 太湖, 南海, 黑山). Reviewed by hand.
DROP_SHORT = frozenset(
    """
    城关 市中 城中 城东 城西 城南 城北 新城 老城 市南 市北 路南 路北 桥东 桥西 铁东 铁西
    平原 长安 江南 中原 东湖 南湖 西湖 北湖 古城 河口 江口 江北 商城 江山 太平 甘泉 新建 东海
    龙门 恒山 泰山 天山 太湖 衡山 路桥 故城 天桥 安宁 西山 河西 河东 牡丹 滨海 东坡 海港 沙河
    大城 江城 长寿 江海 上街 兴隆 龙山 南城 青山 大关 清河 青龙 盐湖 山城 三江 东山 南关 湖滨
    临江 白河 黑山 南海 庐山
    """.split()
)


@dataclass
class Unit:
    """One gazetteer row; `code` and `parent` are 12-digit codes."""

    code: str
    name: str
    level: str
    parent: str
    aliases: list[str] = field(default_factory=list)


def pad(code: str) -> str:
    """Pad a 2/4/6/9-digit division code to the 12-digit statistical code."""
    return code.ljust(12, "0")


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of one source CSV (names are quoted in some files, not in others)."""
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def load_jieba_dict() -> dict[str, tuple[int, str]]:
    """jieba's main dictionary as word → (frequency, tag)."""
    words: dict[str, tuple[int, str]] = {}
    with jieba.get_dict_file() as f:
        for raw in f:
            parts = raw.decode("utf-8").split()
            if len(parts) >= 2:
                words[parts[0]] = (int(parts[1]), parts[2] if len(parts) > 2 else "")
    return words


def strip_ethnic(stem: str) -> str:
    """Remove trailing nationality names, keeping at least two characters.

    `海西蒙古族藏族` → `海西`; `内蒙古` stays (`内` alone is no name).
    """
    while (m := _ETHNIC_RE.search(stem)) and m.start() >= 2:
        stem = stem[: m.start()]
    return stem


def is_ethnic_name(text: str) -> bool:
    """True for a bare nationality name (`鄂伦春`, `鄂温克族`), never a place alias."""
    return text.removesuffix("族") in ETHNIC


def province_short(name: str) -> str | None:
    """`江西省` → `江西`, `广西壮族自治区` → `广西`, `北京市` → `北京`."""
    for suffix in ("自治区", "省", "市"):
        if name.endswith(suffix):
            return strip_ethnic(name.removesuffix(suffix))
    return None


def city_short(name: str) -> str | None:
    """`赣州市` → `赣州`, `大兴安岭地区` → `大兴安岭`, `延边朝鲜族自治州` → `延边`.

    For autonomous prefectures the nationality names are stripped rather than
    cutting to two characters, which would give 黔西 for 黔西南 or 西双 for 西双版纳.
    """
    if name.endswith("自治州"):
        short = strip_ethnic(name.removesuffix("自治州"))
        return None if is_ethnic_name(short) else short
    for suffix in ("地区", "市", "盟"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name.removesuffix(suffix)
    return None


def county_short(name: str) -> str | None:
    """`章贡区` → `章贡`, `信丰县` → `信丰`, `白沙黎族自治县` → `白沙`, `浦东新区` → `浦东`."""
    for suffix, keep in COUNTY_SUFFIXES:
        if not name.endswith(suffix):
            continue
        stem = name.removesuffix(suffix)
        if suffix.startswith("自治"):
            stem = strip_ethnic(stem)
            if is_ethnic_name(stem) or len(stem) < 2:
                return None
        elif len(stem) < keep:
            continue
        # A banner part (`土默特左旗`, `喀喇沁左翼蒙古族自治县`) cut off is no name.
        return None if suffix in ("旗", "自治旗", "自治县") and _BANNER_PART_RE.search(stem) else stem
    return None


def zone_core(name: str, notes: re.Pattern[str] = _TRAILING_NOTE_RE) -> str:
    """A zone's name without trailing notes: `X开发区管理委员会` → `X开发区`."""
    core = notes.sub("", name)
    return _OFFICE_RE.sub("", core) or name


@dataclass(frozen=True)
class ZoneNamer:
    """Makes the news forms of a zone's name.

    `provinces` are province names and short forms, longest first; `heads` the
    names and short forms of cities and counties, so that a province prefix is
    only dropped before a place (`河北衡水` → `衡水`, but `上海湾区` stays).
    """

    provinces: tuple[str, ...]
    heads: frozenset[str]

    def _starts_with_place(self, text: str) -> bool:
        return any(text[:n] in self.heads for n in range(2, min(len(text), 8) + 1)) or text.startswith(self.provinces)

    def aliases(self, name: str) -> list[str]:
        """The name without office words or a status note, and `X经开区`/`X高新区`.

        X is also given without a leading province (`河北衡水高新技术产业开发区` →
        `衡水高新区`), without a trailing 国家 or 市 (`昆明国家高新区` → `昆明高新区`,
        `秦皇岛市经济技术开发区` → `秦皇岛经开区`), as news writes it. A note naming
        a part (`天津经济技术开发区（其他片区）`) is kept: the bare name is the whole zone.
        """
        core = zone_core(name, _STATUS_NOTE_RE)
        # `工业园区管委会` minus its office word is a generic word, not a name.
        out = [core] if core != name and self._starts_with_place(core) else []
        for long, short in ZONE_SHORT:
            prefix = core.removesuffix(long)
            if prefix == core or len(prefix) < 2:
                continue
            forms = [prefix]
            for province in self.provinces:
                rest = prefix.removeprefix(province)
                if rest != prefix and self._starts_with_place(rest):
                    forms.append(rest)
                    break
            for end in ("国家", "市"):
                forms += [f.removesuffix(end) for f in forms if f.endswith(end) and len(f) - len(end) >= 2]
            out += [f + short for f in forms]
            break
        return out


def is_zone_township(code: str, name: str) -> bool:
    """Development zones among township-level units (codes 400–599 are 类似乡级单位)."""
    return code[6] in "45" and bool(ZONE_RE.search(zone_core(name)))


def is_zone_county(code: str, name: str) -> bool:
    """Development zones among county-level units (codes xxxx71–79 are 类似县级单位)."""
    return code[4] == "7" and bool(ZONE_RE.search(zone_core(name)))


# Village committee suffixes, longest first, with the word that names the
# place: a villagers' committee is a 村, a residents' committee a 社区.
# Truncated forms (村委, 居民委员) occur in the source.
_COMMITTEE = (
    ("村民委员会", "村"),
    ("居民委员会", "社区"),
    ("村民委会", "村"),
    ("居民委会", "社区"),
    ("村委员会", "村"),
    ("居委员会", "社区"),
    ("村民委员", "村"),
    ("居民委员", "社区"),
    ("村委会", "村"),
    ("居委会", "社区"),
    ("村委", "村"),
    ("居委", "社区"),
    ("人民委员会", ""),
    ("牧民委员会", ""),
    ("委员会", ""),
    ("牧委会", ""),
    ("渔委会", ""),
    ("委会", ""),
)
_VILLAGE_HEAD_RE = re.compile(r"(村|社区|嘎查)$")
# Typos in the source suffixes, fixed before stripping.
_VILLAGE_FIXES = (
    (re.compile(r"委会委会$"), "委会"),
    (re.compile(r"委会会$"), "委会"),
    (re.compile(r"委委会$"), "委会"),
    (re.compile(r"居名委员会$"), "居民委员会"),
    (re.compile(r"（[村居]）委会$"), "委会"),
)


def village_name(raw: str) -> str:
    """The name news uses for a village-level unit.

    `火燃村委会` → `火燃村`, `西津路社区居委会` → `西津路社区`, `XX居委会` → `XX社区`,
    `XX村民委员会` → `XX村`, `XX村村委会` → `XX村`. Names without a committee
    suffix (`XX村`, `XX生活区`, `XX嘎查`) are kept. A bare 委员会/委会 is stripped
    only after 村/社区/嘎查; otherwise (`锦江渔委会`, `XX家委会`) stripping would
    leave no name, and the official name is kept.
    """
    name = _TRAILING_NOTE_RE.sub("", raw) or raw
    for pattern, repl in _VILLAGE_FIXES:
        name = pattern.sub(repl, name)
    for suffix, head in _COMMITTEE:
        if not name.endswith(suffix):
            continue
        stem = name.removesuffix(suffix)
        if _VILLAGE_HEAD_RE.search(stem):
            return stem if len(stem) > len(_VILLAGE_HEAD_RE.search(stem).group(1)) else raw
        if not head or not stem:
            return raw
        return stem + head
    return name


def township_name(raw: str) -> str:
    """`X街道办事处` → `X街道`; other township names are used as given."""
    return raw.removesuffix("办事处") if raw.endswith("街道办事处") else raw


def township_short(name: str) -> str | None:
    """An ethnic township without its nationalities, as news writes it.

    `大雪山彝族拉祜族傣族乡` → `大雪山乡`, `长哨营满族乡` → `长哨营乡`; the stem keeps
    at least two characters (`回族乡` alone is no name).
    """
    for suffix in ("乡", "镇"):
        stem = name.removesuffix(suffix)
        if stem != name and stem.endswith("族"):
            short = strip_ethnic(stem)
            return short + suffix if short != stem and not is_ethnic_name(short) else None
    return None


def township_bare(name: str) -> str | None:
    """A township without 镇/乡/街道, as local news names it after its county (`顺德北滘` for 北滘镇).

    Ethnic townships lose their nationalities too (`长哨营满族乡` → `长哨营`). The
    resolver takes such a form only where the county or city above it is named
    (pipeline/places.py), and `AliasFilter.keep_township` drops ordinary words.
    """
    for suffix in ("街道", "镇", "乡"):
        stem = name.removesuffix(suffix)
        if stem != name:
            if stem.endswith("族"):
                stem = strip_ethnic(stem)
            if len(stem) < 2 or is_ethnic_name(stem) or stem.endswith(("族", "乡", "镇", "路", "街", "道", "巷")):
                return None  # `盐州路街道` minus 街道 is a street
            return stem
    return None


class AliasFilter:
    """Drops short forms that would make the resolver misread ordinary text.

    A two-character short form of a city or county is dropped when it is an
    ordinary word (see ORDINARY_MIN_FREQ, KEEP_SHORT, DROP_SHORT), and any
    short form is dropped when it equals the name or short form of a unit at
    a higher level (county `吉林` vs the province, `通化县` vs `通化市`).
    """

    def __init__(self, words: dict[str, tuple[int, str]]) -> None:
        self.words = words
        self.higher: dict[str, set[str]] = {"province": set(), "city": set(), "county": set()}
        self.stems: set[str] = set()
        self.dropped: Counter[str] = Counter()
        self.examples: dict[str, list[str]] = {}

    def ordinary_word(self, short: str) -> str | None:
        """Why a two-character form counts as an ordinary word, or None if it does not."""
        if len(short) != 2 or short in KEEP_SHORT:
            return None
        if short in DROP_SHORT:
            return "in DROP_SHORT"
        freq, tag = self.words.get(short, (0, "ns"))
        return f"a jieba word (not ns, freq >= {ORDINARY_MIN_FREQ})" if tag != "ns" and freq >= ORDINARY_MIN_FREQ else None

    def keep_township(self, short: str | None) -> str | None:
        """A township's bare form (`北滘`) unless it is a word jieba knows, or a higher unit's name.

        Any tag counts: jieba tags ordinary words `ns` too (`大桥`, `河畔`, `英雄`, `山口`),
        so bare forms that survive are names nobody writes for anything else.
        """
        if not short:
            return None
        if any(short in names for names in self.higher.values()) or short in self.stems or short in KEEP_SHORT:
            self.dropped["township: same as a higher unit"] += 1
            return None
        freq, tag = self.words.get(short, (0, "ns"))
        if short in DROP_SHORT or freq >= TOWNSHIP_WORD_MIN_FREQ:
            self.dropped["township: an ordinary word"] += 1
            return None
        return short

    def register(self, level: str, name: str, aliases: Iterable[str]) -> None:
        """Remember a province's, city's or county's names, which outrank lower units.

        Its name without 市/县/区… counts too, even where that short form was dropped
        as a word: `日照` stays the city 日照市, never the bare form of 日照街道.
        """
        self.higher[level].update([name, *aliases])
        self.stems.add(name[:-1])

    def keep(self, level: str, short: str | None) -> str | None:
        """The short form of a city or county if it survives the filters, else None."""
        if not short or len(short) < 2:
            return None
        above = ("province",) if level == "city" else ("province", "city")
        if any(short in self.higher[lv] for lv in above):
            self.dropped[f"{level}: same as a higher unit"] += 1
            return None
        if reason := self.ordinary_word(short):
            self.dropped[f"{level}: {reason}"] += 1
            self.examples.setdefault(f"{level}: {reason}", []).append(short)
            return None
        return short


class Builder:
    """Reads the source tables level by level, top down, into 12-digit units.

    Top down because each level needs the one above: parents, and the names a
    lower unit's short form must not repeat.
    """

    def __init__(self, src: Path) -> None:
        self.src = src
        self.units: dict[str, Unit] = {}
        self.problems: Counter[str] = Counter()
        self.chain_only: list[tuple[str, str]] = []  # short forms dropped as words, for chain_only.tsv
        self.filter = AliasFilter(load_jieba_dict())
        self.city_of: dict[str, str] = {}  # 4-digit city code → 12-digit unit its counties hang under
        self.city_name: dict[str, str] = {}
        self.county_of: dict[str, str] = {}  # 6-digit county code → 12-digit unit standing for it
        self.streets: set[str] = set()  # 9-digit codes kept as units
        self.placeholder_streets: set[str] = set()
        self.zones = ZoneNamer((), frozenset())

    def read(self, name: str) -> list[dict[str, str]]:
        """Rows of one source table."""
        return read_csv(self.src / name)

    def add(self, unit: Unit) -> bool:
        """Keep a unit unless its 12-digit code is taken (金门县 repeats as a township)."""
        if unit.code in self.units:
            self.problems[f"{unit.level} row whose 12-digit code is already taken: skipped"] += 1
            return False
        self.units[unit.code] = unit
        return True

    def provinces(self) -> None:
        """Provinces with their short form (`江西省` → `江西`), which no lower unit may take."""
        for row in self.read("provinces.csv"):
            short = province_short(row["name"])
            unit = Unit(pad(row["code"]), row["name"], "province", "", [short] if short else [])
            self.filter.register("province", unit.name, unit.aliases)
            self.add(unit)

    def cities(self) -> None:
        """Prefecture-level units; placeholder rows only route their counties to the province."""
        for row in self.read("cities.csv"):
            if row["name"] in PLACEHOLDER_CITIES:
                self.city_of[row["code"]] = pad(row["provinceCode"])
                self.problems[f"placeholder city row `{row['name']}`: skipped, its counties put under the province"] += 1
                continue
            stem = city_short(row["name"])
            short = self.filter.keep("city", stem)
            if stem and not short and self.filter.ordinary_word(stem):
                self.chain_only.append((stem, pad(row["code"])))
            aliases = [short] if short else []
            if short and row["name"].endswith("自治州"):
                aliases.append(short + "州")  # news writes `凉山州`, `黔东南州` as often as `凉山`
            unit = Unit(pad(row["code"]), row["name"], "city", pad(row["provinceCode"]), aliases)
            self.add(unit)
            self.city_of[row["code"]] = unit.code
            self.city_name[row["code"]] = row["name"]
        for unit in self.units.values():
            if unit.level == "city":
                self.filter.register("city", unit.name, unit.aliases)

    def counties(self) -> None:
        """County-level units; those coded 71–79 that are development zones become `zone`."""
        rows = self.read("areas.csv")
        provinces = [u for u in self.units.values() if u.level == "province"]
        cities = [u.name for u in self.units.values() if u.level == "city"]
        counties = [r["name"] for r in rows]
        heads = {*cities, *map(city_short, cities), *counties, *map(county_short, counties)} - {None}
        prefixes = sorted({n for u in provinces for n in (u.name, *u.aliases)}, key=len, reverse=True)
        self.zones = ZoneNamer(tuple(prefixes), frozenset(heads))
        for row in rows:
            parent = self.city_of[row["cityCode"]]
            if row["name"] == self.city_name.get(row["cityCode"]):
                # 东莞市, 中山市, 儋州市, 嘉峪关市 have no counties; the tables
                # repeat the city at county level. The city stands for it.
                self.county_of[row["code"]] = parent
                self.problems["county row repeating its city (no county level): skipped, townships put under the city"] += 1
                continue
            if is_zone_county(row["code"], row["name"]):
                unit = Unit(pad(row["code"]), row["name"], "zone", parent, self.zones.aliases(row["name"]))
            else:
                stem = county_short(row["name"])
                short = self.filter.keep("county", stem)
                if stem and not short and self.filter.ordinary_word(stem):
                    self.chain_only.append((stem, pad(row["code"])))
                aliases = [short] if short else []
                for suffix in ("县", "旗"):
                    if stem and row["name"].endswith("自治" + suffix):
                        aliases.append(stem + suffix)  # news writes `北川县`, `耿马县` for 北川羌族自治县, 耿马傣族佤族自治县
                unit = Unit(pad(row["code"]), row["name"], "county", parent, aliases)
            if self.add(unit):
                self.county_of[row["code"]] = unit.code
                self.filter.register("county", unit.name, unit.aliases)

    def townships(self) -> None:
        """Township-level units; zones among them (codes 400–599) become `zone`."""
        for row in self.read("streets.csv"):
            name = row["name"]
            if name.endswith("直辖村级区划"):
                self.placeholder_streets.add(row["code"])
                self.problems["township placeholder `…直辖村级区划`: skipped, its villages put under the county"] += 1
                continue
            parent = self.county_of.get(row["areaCode"], self.city_of[row["cityCode"]])
            if is_zone_township(row["code"], name):
                unit = Unit(pad(row["code"]), name, "zone", parent, self.zones.aliases(name))
            else:
                aliases = [a for a in (township_short(name), self.filter.keep_township(township_bare(name))) if a]
                unit = Unit(pad(row["code"]), township_name(name), "township", parent, aliases)
            if self.add(unit):
                self.streets.add(row["code"])

    def villages(self) -> None:
        """Village-level units (2021 vintage), named as news names them, under the nearest known unit."""
        for row in self.read("villages_2021.csv"):
            if row["streetCode"] in self.streets:
                parent = pad(row["streetCode"])
            elif row["streetCode"] in self.placeholder_streets:
                parent = self.county_of.get(row["areaCode"], self.city_of[row["cityCode"]])
            elif row["areaCode"] in self.county_of:
                # 2021 vintage: townships merged or renumbered by 2023.
                parent = self.county_of[row["areaCode"]]
                self.problems["village whose township is not in streets.csv: put under its county"] += 1
            else:
                parent = self.city_of[row["cityCode"]]
                self.problems["village whose township and county are not in the 2023 tables: put under its city"] += 1
            name = village_name(row["name"])
            if name == row["name"] and re.search(r"委员?会$", name):
                self.problems["village committee name with no place name left after stripping: kept as given"] += 1
            self.add(Unit(row["code"], name, "village", parent))

    def build(self) -> list[Unit]:
        """All units, sorted by code."""
        self.provinces()
        self.cities()
        self.counties()
        self.townships()
        self.villages()
        for reason, n in self.filter.dropped.items():
            self.problems[f"short form dropped, {reason}"] += n
        return sorted(self.units.values(), key=lambda u: u.code)


def write_chain_only(pairs: list[tuple[str, str]], out: Path) -> None:
    """The short forms dropped as ordinary words, with their unit's code: places only right after their parent."""
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write(
            "# Short forms of cities and counties that are also ordinary words (长治, 白云, 大兴, 来宾), generated by\n"
            "# scripts/build_gazetteer.py: do not edit by hand. They are no surface of divisions.tsv; the place\n"
            "# finder takes one only right after the unit above it (`山西长治`, `北京大兴`, `广州白云`).\n"
        )
        f.write("short\tcode\n")
        for short, code in sorted(set(pairs)):
            f.write(f"{short}\t{code}\n")


def write(units: list[Unit], out: Path) -> None:
    """Write the TSV: UTF-8, LF line ends, header first, aliases `|`-joined."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write("\t".join(HEADER) + "\n")
        for u in units:
            f.write("\t".join((u.code, u.name, u.level, u.parent, "|".join(dict.fromkeys(u.aliases)))) + "\n")


def main(argv: list[str] | None = None) -> int:
    """Build, write, and print per-level counts and the data problems seen."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", type=Path, default=SRC, help="folder with provinces.csv … villages_2021.csv")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    needed = ("provinces.csv", "cities.csv", "areas.csv", "streets.csv", "villages_2021.csv")
    missing = [n for n in needed if not (args.src / n).is_file()]
    if missing:
        print(
            f"build_gazetteer: source data not found in {args.src} (missing: {', '.join(missing)}).\n"
            "It lives outside the repo in ../shared/data/divisions/; the committed "
            "rules/places/divisions.tsv is still usable.",
            file=sys.stderr,
        )
        return 1
    builder = Builder(args.src)
    units = builder.build()
    problems = builder.problems
    write(units, args.out)
    write_chain_only(builder.chain_only, args.out.with_name("chain_only.tsv"))
    levels = Counter(u.level for u in units)
    print(f"wrote {args.out} ({len(units)} rows, {args.out.stat().st_size:,} bytes)")
    for level in ("province", "city", "county", "zone", "township", "village"):
        print(f"  {level:<9} {levels[level]:>7}")
    print(f"  with aliases {sum(1 for u in units if u.aliases):>5}")
    print("data notes:")
    for reason, n in sorted(problems.items()):
        print(f"  {n:>6}  {reason}")
    print("short forms dropped as ordinary words (review KEEP_SHORT / DROP_SHORT):")
    for reason, forms in sorted(builder.filter.examples.items()):
        print(f"  {reason}: {' '.join(sorted(set(forms)))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
