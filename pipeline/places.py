"""PLACE extraction and resolution: gazetteer matches, filtered by context, resolved by chain and document.

Every surface form is found in one pass (the gazetteer's automaton); the
longest match wins at each position, so a chain `章贡区沙石镇火燃村` falls into
its units. A village name is accepted only in a chain under its township or
county, or when a unit above it is named elsewhere in the document: village
names repeat across China (9 `岭上村` in Jiangxi alone) and many are ordinary
words. An ambiguous name is resolved by its chain, then by the document's other
places; otherwise it is reported with its candidates, never guessed.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import regex

from .entities import Entity
from .gazetteer import Gazetteer, Unit, is_village
from .rules import Rules

LEVEL_RANK = {
    "province": 0,
    "region": 0,
    "foreign": 0,
    "river": 0,
    "city": 1,
    "zone": 2,
    "county": 2,
    "township": 3,
    "village": 4,
}
# A place followed by these is a street or point of interest, not the place (`南康路`, `赣州大道`).
STREET_AFTER = regex.compile(r"^(?:路|大道|大街|街(?!道|头)|巷|弄|胡同|广场|小区|花园|公寓|大厦|美食街|景区|公园|站(?!在))")


# A township named without one of these is named by its bare form (`北滘` for 北滘镇).
TOWNSHIP_SUFFIXES = ("镇", "乡", "街道")
# After a county or township of a chain, an unknown township or village by its suffix
# (`昭觉县支尔莫乡`, `西江镇某某村`): the gazetteer is from 2021–2023 and names change.
FUNCTION_CHARS = set("的了和与及等在各全该本共是为把将对从向于并也都还又就被让给所有这那之其某每一两")
# Region short forms that, right after a place, only say which part of it is meant.
DIRECTION_REGIONS = {"东部", "西部", "南部", "北部", "中部", "东北", "西北", "西南", "东南"}
# A landscape word after a compass region is part of its name (`西南山区`, `东部沿海`, `西部地带`).
REGION_TAIL = regex.compile(r"沿海地区|沿海|山区|地带|丘陵地区|丘陵|腹地")
# A country's long form whose last word opens an institution's name gives way to the short one.
LONG_FOREIGN = regex.compile(r"(?:国|联邦)$")
INSTITUTION_AFTER = regex.compile(r"国(?:防|会|家|民|内|务院)|联邦(?:议会|政府|法院|众议院|参议院|警察)")
# `北京市民`, `深圳市场`: 市 belongs to the next word; the place is the short form.
CITY_WORD_AFTER = set("民场值面郊直")
# Name characters exclude function words, so `章贡区共清理社区` or `各乡镇` make no unit.
NAME_CHAR = r"[^\P{Han}的了和与及等在各全该本共是为把将对从向于并也都还又就被让给所有这那之其我你他她它们个乡镇村区县市省]"
UNKNOWN_TOWNSHIP = regex.compile(rf"{NAME_CHAR}{{2,3}}?(?:镇|乡|街道)")
# After a foreign place, a county, town or island by its suffix (`夏威夷州毛伊县`), not a plural (`多州`).
FOREIGN_CHILD = regex.compile(
    rf"(?![多数几州县省市岛东西南北中]|其他|部分)(?:(?!政府|磋商|强推|郊|部){NAME_CHAR}){{2,5}}?(?:县|州|岛|镇|郡)"
)
# A reservoir by name: two to four name characters after a boundary, then 水库.
RESERVOIR = regex.compile(rf"(?P<name>{NAME_CHAR}{{2,4}}?)水库")
DASH = regex.compile(r"——|—")
UNKNOWN_VILLAGE = regex.compile(rf"{NAME_CHAR}{{1,7}}?(?:村|社区|嘎查)(?!民|委|级|干部|集体)")
# What may follow a run of one-character abbreviations for it to stand alone.
ABBREVIATION_AFTER = regex.compile(
    r"(?:两地|三地|四地|等地|地区|两省|三省|四省|五省|之间|同胞|居民|各界|侨|更好|融入|合作|交流|的|、|，|。|和|与|及|$)"
)
VILLAGE_SUFFIX = regex.compile(r"(?:村|嘎查)$")
# Words a village suffix rule must not take for a village name.
GENERIC_VILLAGES = {"农村", "乡村", "本村", "全村", "各村", "该村", "行政村", "自然村", "山村", "渔村", "邻村"}


class PlaceFinder:
    """Place filters from `rules/places/not_places.toml` over a loaded gazetteer."""

    def __init__(self, rules: Rules, gazetteer: Gazetteer) -> None:
        self.gaz = gazetteer
        self._levels: dict[str, str] = {}
        with open(rules.root / "places" / "not_places.toml", "rb") as f:
            data = tomllib.load(f)
        self.not_places = set(data["words"]["words"])
        self.phrases = regex.compile("|".join(map(regex.escape, data["phrases"]["words"] + data["comparatives"]["words"])))
        self.language_after = regex.compile("|".join(map(regex.escape, data["language"]["after"])))
        self.min_village = int(data["village"]["min_length"])
        self.generic_reservoirs = set(data["reservoir"]["not_names"])
        self.chain_only: dict[str, list[str]] = {}
        for short, code in _two_columns(rules.root / "places" / "chain_only.tsv", "short"):
            self.chain_only.setdefault(short, []).append(code)
        words_file = rules.root / "places" / data["crossing"]["words_file"]
        product = data["product"]
        not_before = "|".join(map(regex.escape, product["not_before"]))
        self.product_after = regex.compile(rf"(?:{'|'.join(map(regex.escape, product['after']))})(?!{not_before})")
        lines = words_file.read_text(encoding="utf-8").splitlines()
        self.common_words = {w.strip() for w in lines if w.strip() and not w.startswith("#")}
        self.abbreviations = dict(_two_columns(rules.root / "places" / "abbreviations.tsv", "abbreviation"))
        chars = "".join(self.abbreviations)
        # `港澳` (and `港澳台`) name the two (three) places wherever they stand, but in `港澳办`.
        # Three or more in a row name as many places (`国家防总针对辽川滇启动…`), but before a line's name.
        self.abbreviation_run = regex.compile(
            rf"[{chars}]{{2,4}}(?={ABBREVIATION_AFTER.pattern})|港澳台?(?!办|事务)|[{chars}]{{3,4}}(?![铁高公线电航管])"
        )
        # Province keys of the abbreviated names (looked up by name: scanning every unit is slow).
        self.by_name = {
            name: next((k for k in gazetteer.surfaces.get(name, []) if gazetteer.units[k].level == "province"), None)
            for name in set(self.abbreviations.values())
        }
        with open(rules.root / "places" / "standalone.toml", "rb") as f:
            cues = tomllib.load(f)["cues"]
        self.cue_before = regex.compile(rf"(?:{'|'.join(map(regex.escape, cues['before']))})$")
        self.cue_after = regex.compile(rf"(?:{'|'.join(map(regex.escape, cues['after']))})")
        self.boundary = set(cues["boundary"])
        self.list_closer = regex.compile(rf"(?:{'|'.join(map(regex.escape, cues['list_closer']))})")
        closers = sorted(cues["township_list_closer"] + cues["township_after"], key=len, reverse=True)
        self.township_closer = regex.compile(rf"(?:{'|'.join(map(regex.escape, closers))})")

    def _matches(self, text: str, excluded: list[tuple[int, int]]) -> list[tuple[int, int, str, tuple[str, ...]]]:
        """Longest non-overlapping matches, left to right, outside fixed phrases (`大江南北`).

        A township's bare form (`北滘`) is taken only where no other name is: `成平` (成平乡)
        must not cut 平远县 out of `造成平远县`.
        """
        excluded = excluded + [m.span() for m in self.phrases.finditer(text)]
        found = []
        for end, (surface, keys) in self.gaz.iter(text):
            start = end - len(surface) + 1
            found.append((start, end + 1, surface, keys))
        found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
        primary, bare = [], []
        for m in found:
            (bare if self._bare_only(m[2], m[3]) else primary).append(m)
        if bare:
            # A bare form is taken only after another name or in a list of townships: look no further elsewhere.
            after = {e for _, e, _, _ in primary}
            bare = [
                m for m in bare if m[0] in after or text[m[1] : m[1] + 1] in "、和与及" or self.township_closer.match(text, m[1])
            ]
            # …and a longer bare form wins over a two-character short form at its start (`饶阳店两镇`, not 饶阳).
            longer = {(m[0], m[1]) for m in bare}
            primary = [m for m in primary if not (m[1] - m[0] <= 2 and any(a == m[0] and b > m[1] for a, b in longer))]
        out = self._longest(text, primary, excluded, bare_forms=False)
        if bare:
            out = sorted(out + self._longest(text, bare, excluded + [(s, e) for s, e, _, _ in out], bare_forms=True))
        return out

    def _level(self, key: str) -> str:
        """A unit's level, told from the key alone for a village (reading a village row is slow), else remembered."""
        if is_village(key):
            return "village"
        level = self._levels.get(key)
        if level is None:
            level = self._levels[key] = self.gaz.units[key].level
        return level

    def _bare_only(self, surface: str, keys: tuple[str, ...]) -> bool:
        """Every unit of this surface is a township named without its 镇/乡/街道."""
        return not surface.endswith(TOWNSHIP_SUFFIXES) and all(self._level(k) == "township" for k in keys)

    def _longest(
        self,
        text: str,
        found: list[tuple[int, int, str, tuple[str, ...]]],
        excluded: list[tuple[int, int]],
        bare_forms: bool,
    ) -> list[tuple[int, int, str, tuple[str, ...]]]:
        """The leftmost longest of `found` (sorted by start, longest first) that pass the context filters.

        `bare_forms`: `found` holds townships' bare forms only (`_matches` has sorted them out).
        """
        out: list[tuple[int, int, str, tuple[str, ...]]] = []
        last = -1
        for s, e, surface, keys in found:
            if s < last or surface in self.not_places or self._at_word_seam(text, s, e):
                continue
            if bare_forms and (text.startswith(TOWNSHIP_SUFFIXES, e) or text[e - 1 : e + 1] in self.common_words):
                continue  # `六堡镇` missing from the gazetteer is no bare 六堡; `郴州对山洪灾害` holds no 对山
            if any(a < e and s < b for a, b in excluded):
                continue
            if STREET_AFTER.match(text[e : e + 3]) and not (
                text.startswith("景区", e) and any(self._level(k) == "river" for k in keys)
            ):
                continue  # a street or a point of interest; but `青海湖景区`, `黄山景区` lie at the lake, the mountain
            if self.language_after.match(text, e) and all(self._level(k) == "foreign" for k in keys):
                continue  # `西班牙文`, `越南语`: a language
            if self.product_after.match(text, e):
                continue  # `六堡茶`, `南丰蜜桔`: a product
            if surface.endswith("乡") and text.startswith("村", e):
                continue  # `美丽宜居乡村`: 乡村 (countryside) holds no 宜居乡
            if out and out[-1][1] == s and surface.removesuffix("地区") in DIRECTION_REGIONS:
                continue  # `西藏中部`, `广西中部地区`: a part of the place before it, not the region 中部地区
            if all(self._level(k) == "region" for k in keys) and (tail := REGION_TAIL.match(text, e)):
                surface, e = surface + tail.group(0), tail.end()
            elif text.startswith("地区", e) and all(self._level(k) == "foreign" for k in keys):
                surface, e = surface + "地区", e + 2  # `英格兰地区`: the region, with its word
            elif text.startswith("水库", e) and any(self._level(k) == "river" for k in keys):
                surface, e = surface + "水库", e + 2  # `上犹江水库`: the reservoir on the river, one water body
            short = LONG_FOREIGN.sub("", surface)
            if short != surface and short in self.gaz.surfaces and INSTITUTION_AFTER.match(text, s + len(short)):
                # `以色列国防军`, `澳大利亚联邦议会`: the country, then its army or parliament.
                surface, e = short, s + len(short)
                keys = tuple(self.gaz.surfaces[surface])
            elif surface.endswith("市") and text[e : e + 1] in CITY_WORD_AFTER and surface[:-1] in self.gaz.surfaces:
                surface, e = surface[:-1], e - 1
                keys = tuple(self.gaz.surfaces[surface])
            elif surface.endswith("县") and text[e : e + 1] in "域级" and self._names_province(surface[:-1]):
                # `河南县域经济`: the province and 县域, not 河南县 (河南蒙古族自治县).
                surface, e = surface[:-1], e - 1
                keys = tuple(self.gaz.surfaces[surface])
            out.append((s, e, surface, keys))
            last = e
        return out

    def _plain_village(self, surface: str, keys: tuple[str, ...]) -> bool:
        """A village name that says it is one (`龙王庙村`, `哈拉黑嘎查`): three characters before its suffix.

        Shorter ones are mostly words run together (`发展村集体经济`, `城中村`, `和农村党员`).
        """
        return (
            len(surface) >= 4
            and bool(VILLAGE_SUFFIX.search(surface))
            and not surface.endswith(("农村", "乡村"))
            and surface not in GENERIC_VILLAGES
            and all(is_village(k) for k in keys)
        )

    def _at_word_seam(self, text: str, s: int, e: int) -> bool:
        """A two-character name whose characters end one common word and start the next (`重大理论`: no 大理)."""
        return e - s == 2 and s > 0 and text[s - 1 : s + 1] in self.common_words and text[e - 1 : e + 1] in self.common_words

    def _names_province(self, surface: str) -> bool:
        return any(self._level(k) == "province" for k in self.gaz.surfaces.get(surface, ()))

    def find(self, text: str, excluded: list[tuple[int, int]]) -> list[Entity]:
        """Every place of `text` (excluded spans are programme names and titles)."""
        matches = self._matches(text, excluded)
        # Units named unambiguously above village level form the document's context.
        context: set[str] = set()
        for _, _, surface, keys in matches:
            upper = [k for k in keys if not is_village(k) and not self._needs_context(surface, self.gaz.units[k])]
            if len(upper) == 1:
                context.add(upper[0])
                context.update(self.gaz.ancestors(upper[0]))
        out: list[Entity] = []
        prev_key: str | None = None
        prev_end = -2
        # Names the text gives after a township or county (`壶瓶山镇天坪村`): there the chain says where they are.
        chain_named = {surface for s, _, surface, _ in matches if s and text[s - 1] in "镇乡县区道"}
        for i, (s, e, surface, keys) in enumerate(matches):
            chained = prev_key if s == prev_end else None
            key, candidates = self._resolve(keys, chained, context, surface, surface not in chain_named)
            if key is None and not candidates:
                if not chained and self._plain_village(surface, keys):
                    # `遭受洪涝灾害的龙王庙村`: a village by its suffix, though the text does not say which of its namesakes.
                    out.append(Entity("PLACE", surface, s, e, name=surface, level="village"))
                prev_key, prev_end = None, e
                continue
            if chained and all(is_village(k) for k in keys) and (key is None or chained not in self.gaz.ancestors(key)):
                # `希勤满族乡新兴村`: the chain says where the village is; a namesake
                # elsewhere is not it. The suffix rule below takes it as a village
                # missing from the gazetteer (renamed or merged since 2021).
                prev_key, prev_end = None, e
                continue
            unit = self.gaz.units[key] if key else self.gaz.units[candidates[0]]
            # A chain runs downwards: `大雪山乡永康河村` does not hold the county 永康 after a township.
            down = chained is not None and key is not None and chained in self.gaz.ancestors(key)
            bare = unit.level == "township" and not surface.endswith(TOWNSHIP_SUFFIXES)
            # `顺德北滘`, `郑口、饶阳店两镇`: a bare township right after its county, or in a list of townships.
            placed = down or (bare and self._township_alone(text, i, matches))
            if (
                (unit.level == "village" and key is None and not candidates)
                or (bare and not placed)
                or (
                    self._needs_context(surface, unit)
                    and not (placed or self._parent_named(unit, context) or self._stands_alone(text, i, unit, key, matches))
                )
            ):
                prev_key, prev_end = None, e
                continue
            name = unit.name + "水库" if surface.endswith("水库") and not unit.name.endswith("水库") else unit.name
            if key:
                ent = self._unit_entity(surface, s, e, key, name)
            else:
                ent = Entity("PLACE", surface, s, e, name=name, level=unit.level)
                ent.candidates = [self.gaz.units[c].code or c for c in candidates]
            out.append(ent)
            prev_key, prev_end = key, e
            if key:
                context.add(key)
        out += self._chain_only(text, out, excluded)
        out += self._reservoirs(text, out, excluded)
        out += self._unknown_units(text, out, excluded)
        out += self._abbreviations(text, out, excluded)
        out.sort(key=lambda p: p.start)
        return out

    def _unit_entity(self, surface: str, s: int, e: int, key: str, name: str | None = None) -> Entity:
        """The PLACE of a resolved unit: its name (or `name`), level, parent, code and the codes above it."""
        unit = self.gaz.units[key]
        ent = Entity("PLACE", surface, s, e, name=name or unit.name, level=unit.level)
        ent.parent, ent.code = self.gaz.parent_name(key), unit.code or None
        ent.ancestors = [c for c in (self.gaz.units[a].code for a in self.gaz.ancestors(key)) if c]
        return ent

    def _chain_only(self, text: str, found: list[Entity], excluded: list[tuple[int, int]]) -> list[Entity]:
        """A short form that is also a word (rules/places/chain_only.tsv) right after the unit above it (`北京大兴`)."""
        taken = [(p.start, p.end) for p in found] + excluded
        out = []
        for p in found:
            if not p.code or p.level not in ("province", "city", "county"):
                continue
            for n in (3, 2):
                codes = self.chain_only.get(text[p.end : p.end + n], ())
                key = next((c for c in codes if p.code in self.gaz.ancestors(c)), None)
                if key is None or any(a < p.end + n and p.end < b for a, b in taken):
                    continue
                ent = self._unit_entity(text[p.end : p.end + n], p.end, p.end + n, key)
                out.append(ent)
                taken.append((ent.start, ent.end))
                break
        return out

    def _reservoirs(self, text: str, found: list[Entity], excluded: list[tuple[int, int]]) -> list[Entity]:
        """A named reservoir missing from water.tsv, by its suffix (`——解放山水库`, `横州市六蓝水库`): a water body."""
        if "水库" not in text:
            return []
        taken = [(p.start, p.end) for p in found] + excluded
        # A reservoir's name starts right after a dash of apposition or a place (`横州市六蓝水库`, `大安的月亮泡水库`).
        starts = {m.end() for m in DASH.finditer(text)}
        starts |= {p.end + (1 if text.startswith("的", p.end) else 0) for p in found if p.level != "river"}
        out = []
        for s in sorted(starts):
            m = RESERVOIR.match(text, s)
            if m is None or any(w in m.group("name") for w in self.generic_reservoirs):
                continue
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            out.append(Entity("PLACE", m.group(0), m.start(), m.end(), name=m.group(0), level="river"))
            taken.append(m.span())
        return out

    def _unknown_units(self, text: str, found: list[Entity], excluded: list[tuple[int, int]]) -> list[Entity]:
        """Townships and villages missing from the gazetteer, when they continue a chain, and their later mentions."""
        taken = [(p.start, p.end) for p in found] + excluded
        extra: list[Entity] = []
        tails = sorted((p for p in found if p.level in ("county", "township", "foreign")), key=lambda p: p.start)
        queue = list(tails)
        while queue:
            head = queue.pop(0)
            if head.level == "foreign":
                # `美国夏威夷州毛伊县`: a county, town or island abroad the gazetteer lacks, in its country's chain.
                m = FOREIGN_CHILD.match(text, head.end)
                if self._free(m, taken):
                    country = head.parent or head.name
                    ent = Entity("PLACE", m.group(0), m.start(), m.end(), name=m.group(0), level="foreign", parent=country)
                    extra.append(ent)
                    taken.append(m.span())
                    queue.append(ent)  # `美国肯塔基州特里格县`: the chain goes on
                continue
            pattern = UNKNOWN_TOWNSHIP if head.level == "county" else UNKNOWN_VILLAGE
            m = pattern.match(text, head.end)
            if not self._free(m, taken):
                continue
            level = "township" if pattern is UNKNOWN_TOWNSHIP else "village"
            ent = Entity("PLACE", m.group(0), m.start(), m.end(), name=m.group(0), level=level, parent=head.name)
            ent.ancestors = ([head.code] if head.code else []) + (head.ancestors or [])
            extra.append(ent)
            taken.append((m.start(), m.end()))
            if level == "township":
                queue.append(ent)
        # Named once in its chain, the unit is the same place where the article names it alone again.
        for ent in [e for e in extra if len(e.text) >= 3]:
            s = text.find(ent.text)
            while s >= 0:
                e = s + len(ent.text)
                if not any(a < e and s < b for a, b in taken):
                    again = Entity("PLACE", ent.text, s, e, name=ent.name, level=ent.level, parent=ent.parent)
                    again.ancestors = ent.ancestors
                    extra.append(again)
                    taken.append((s, e))
                s = text.find(ent.text, e)
        return extra

    def _free(self, m: regex.Match[str] | None, taken: list[tuple[int, int]]) -> bool:
        """A suffix-rule match that overlaps nothing found and is no generic word."""
        if m is None or any(a < m.end() and m.start() < b for a, b in taken):
            return False
        word = m.group(0)
        return word not in GENERIC_VILLAGES and not (m.re is UNKNOWN_TOWNSHIP and word in self.not_places)

    def _abbreviations(self, text: str, found: list[Entity], excluded: list[tuple[int, int]]) -> list[Entity]:
        """`京沪两地`, `支持港澳`: one place per one-character abbreviation."""
        taken = [(p.start, p.end) for p in found] + excluded
        extra: list[Entity] = []
        for m in self.abbreviation_run.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            for i, ch in enumerate(m.group(0)):
                name = self.abbreviations[ch]
                key = self.by_name.get(name)
                unit = self.gaz.units.get(key) if key else None
                extra.append(
                    Entity(
                        "PLACE",
                        ch,
                        m.start() + i,
                        m.start() + i + 1,
                        name=name,
                        level="province",
                        code=unit.code if unit and unit.code else None,
                    )
                )
        return extra

    def _resolve(
        self, keys: tuple[str, ...], chained: str | None, context: set[str], surface: str = "", by_city: bool = True
    ) -> tuple[str | None, list[str]]:
        """One unit for a surface form, or (None, candidates) when the text cannot decide."""
        bare = [] if surface.endswith(TOWNSHIP_SUFFIXES) else [k for k in keys if self._level(k) == "township"]
        if bare and len(bare) < len(keys) and not (chained and any(chained in self.gaz.ancestors(k) for k in bare)):
            # `中山`, `长江`, `巴西`: a city, river or country before any township's bare form.
            keys = tuple(k for k in keys if k not in bare)
        if not chained:
            # Villages matter only when nothing else has the name and a unit above them is named:
            # checked on the codes first, so the village table is read only when it can help.
            upper = [k for k in keys if not is_village(k)]
            if not upper and not any(
                k[:9] + "000" in context or k[:6] + "000000" in context or k[:4] + "00000000" in context for k in keys
            ):
                return None, []
            keys = tuple(upper) or keys
        units: list[Unit] = [self.gaz.units[k] for k in keys]
        villages = [u for u in units if u.level == "village"]
        others = [u for u in units if u.level != "village"]
        if chained:
            under = [u for u in units if chained in self.gaz.ancestors(u.key)]
            if len(under) == 1:
                return under[0].key, []
            if under:
                units, villages, others = (
                    under,
                    [u for u in under if u.level == "village"],
                    [u for u in under if u.level != "village"],
                )
        if others:
            pool = others
        else:
            near = [u for u in villages if len(u.name) >= self.min_village and set(self.gaz.ancestors(u.key)) & context]
            pool = [u for u in near if self._village_supported(u, chained, context)]
            if not pool:
                # `杭州…新港村`: the only village of that name in a city the document names is that village.
                in_city = [u for u in near if self._city_named(u, context)] if by_city else []
                if not in_city or not surface.endswith(("村", "嘎查")):
                    return None, []
                if len(in_city) > 1:
                    return None, [u.key for u in in_city]  # a village of that city, which of its namesakes the text says not
                pool = in_city
        if len(pool) == 1:
            return pool[0].key, []
        scored = sorted(pool, key=lambda u: (-self._support(u, context), LEVEL_RANK.get(u.level, 5)))
        best = scored[0]
        if self._support(best, context) > self._support(scored[1], context):
            return best.key, []
        top = [
            u
            for u in scored
            if LEVEL_RANK.get(u.level, 5) == LEVEL_RANK.get(best.level, 5)
            and self._support(u, context) == self._support(best, context)
        ]
        if len(top) == 1:
            return top[0].key, []
        return None, [u.key for u in top]

    def _needs_context(self, surface: str, unit: Unit) -> bool:
        """A county or township named by a short form (`章贡`, `和县`) needs its city or province nearby.

        Two-character short forms are often ordinary words or parts of them
        (`江山`, `惠民`, `和政` in `党和政府`); with a unit above them named in the
        same document they are places.
        """
        if unit.level == "county" and surface == unit.name and surface[-1] in "县旗" and surface[0] not in FUNCTION_CHARS:
            return False  # `曹县`, `易县`: a full county name, even of two characters
        if unit.level == "township" and not surface.endswith(TOWNSHIP_SUFFIXES):
            return True  # `北滘` for 北滘镇: a bare form, a place only near its county or city
        return unit.level in ("county", "township", "zone") and len(surface) <= 2

    def _stands_alone(
        self, text: str, i: int, unit: Unit, key: str | None, matches: list[tuple[int, int, str, tuple[str, ...]]]
    ) -> bool:
        """A county's short form that its surroundings mark as a place (rules/places/standalone.toml).

        National news names counties by short form alone (`来到恭城`, `宜兴人`);
        the cue words around it or a list closed by a count of counties tell
        the place from a homonymous word. After a cue before it, the name must
        end there: `到宝丰湿地` names a wetland, not 宝丰县.
        """
        if key is None or unit.level != "county":
            return False
        s, e = matches[i][0], matches[i][1]
        if self.cue_after.match(text, e):
            return True
        if self.cue_before.search(text, max(0, s - 2), s) and (e == len(text) or text[e] in self.boundary):
            return True
        # `安化、新化两县`: walk the list of matches joined by 、 to its closer.
        return bool(self.list_closer.match(text, _list_end(text, i, matches)))

    def _township_alone(self, text: str, i: int, matches: list[tuple[int, int, str, tuple[str, ...]]]) -> bool:
        """A township's bare form in a list closed by a count of townships (`郑口、饶阳店两镇`), before 辖区,
        or whole after a word of travel (`李希还来到西柏坡，`; not after 在)."""
        s, e = matches[i][0], matches[i][1]
        cue = self.cue_before.search(text, max(0, s - 2), s)
        if cue and cue.group(0) != "在" and (e == len(text) or text[e] in "，。、；：！？）”\n"):
            return True
        return bool(self.township_closer.match(text, _list_end(text, i, matches)))

    def _parent_named(self, unit: Unit, context: set[str]) -> bool:
        """The unit directly above `unit` is named in the document; for a township, or the city above its county.

        News names a township with its city and skips the district (`江苏无锡的梅村`).
        """
        return any(a in context for a in self.gaz.ancestors(unit.key)[: 2 if unit.level == "township" else 1])

    def _city_named(self, u: Unit, context: set[str]) -> bool:
        """The city (prefecture) above a unit is named in the document."""
        return any(a in context and self.gaz.units[a].level == "city" for a in self.gaz.ancestors(u.key))

    def _village_supported(self, u: Unit, chained: str | None, context: set[str]) -> bool:
        """A village needs its township or county in the chain or in the document."""
        anc = self.gaz.ancestors(u.key)
        return bool(chained and chained in anc) or any(
            a in context and self.gaz.units[a].level in ("township", "county") for a in anc
        )

    def _support(self, u: Unit, context: set[str]) -> int:
        """How specific the document's support for this unit is (deeper shared ancestor = more)."""
        best = 0
        for depth, a in enumerate(reversed(self.gaz.ancestors(u.key)), 1):
            if a in context:
                best = depth
        return best


def _list_end(text: str, i: int, matches: list[tuple[int, int, str, tuple[str, ...]]]) -> int:
    """Where the list of matches joined by 、/和/与/及 that match `i` starts ends (`安化、新化|两县`)."""
    while i + 1 < len(matches) and text[matches[i][1] : matches[i + 1][0]] in ("、", "和", "与", "及"):
        i += 1
    return matches[i][1]


def _two_columns(path: Path, header: str) -> list[tuple[str, str]]:
    """The rows of a two-column TSV of rules/places, without comment lines and the header row."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if len(cells) == 2 and not line.startswith("#") and cells[0] != header:
            rows.append((cells[0], cells[1]))
    return rows
