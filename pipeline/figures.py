"""FIGURE extraction: find quantities with one compiled pattern, then resolve value, unit, qualifier.

Finding and resolving are separate: `FigureFinder.find` scans the text once;
`resolve` turns one match into value/max/unit/qualifier and can be tested on a
string alone (`parse_quantity("1.2万余次")`).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import regex

from .entities import Entity
from .numbers import MULTIPLIERS, NumberError, approx_pair, parse_number
from .rules import Rules

AR = r"\d+(?:[,，]\d{3})*(?:\.\d+)?"
DIG = "零〇一二三四五六七八九"
CN_NUMERALS = set("零〇一二两三四五六七八九十百千万亿")
CN_RE = regex.compile(r"[零〇一二两三四五六七八九十百千万亿]+")
VAGUE_RE = regex.compile(r"(?:数|几|上|成)(?:十|百|千|万|亿)|(?:十|百|千)几|几")
YEAR_RE = regex.compile(r"(?:19|20)\d\d")
CN_YEAR = regex.compile(r"[一二][〇零一二三四五六七八九]{3}")  # `一九五四年`, read digit by digit
METRIC_TAIL = regex.compile(r"[\p{Han}（）()A-Za-z]{1,12}")
# A bare 几 counts at least one (`几个小时` → 1, more_than; corpus/gold/DECISIONS.md).
VAGUE = r"(?:数|几|上|成)(?:十|百|千|万|亿)|(?:十|百|千)几|几(?![乎何率])"
MULT = r"万亿|千万|百万|万万|万|亿|千|百"
# Words that 多 starts after a figure, where it is no "more than" (`两岸多方面的交往`, `两国多地`).
MANY_WORDS = "方面|种|样|元|彩|层|维|边|领域|措|部门|地|渠道|形式|举|点|线|头|国|个|家|次|项"
# A train's number: four or more digits before 次 and a train (`73003次2万吨重载列车`).
TRAIN_NUMBER = regex.compile(r"\d{4,6}次(?=\d|列车|动车|重载|旅客|货物|高铁|复兴号|和谐号)")
# A rate per unit of time written with a slash after the unit (`450万吨/日`).
PER_TIME = regex.compile(r"/(?:日|天|年|月|小时|秒)")
# Verbs and adverbs that end the noun of `N大 + noun` (`五大行业实现消费金额…` → `五大行业`).
BIG_NOUN_END = "实现|达到|完成|累计|合计|共计|分别|均|已|将|占|同比|增长|总|全部|齐"
# `(含)` marks a bound as included (`60周岁（含）以上`, `1万(含)-5万元`); it stays inside the figure.
INCL = r"(?:[（(]含[）)])"
RANGE_SEP = r"——|--|至|到|—|–|－|-|~|～|〜"
# Inside a numeral, 两 is a digit after 一 (`一两天`) or before a multiplier (`三千两百`); after another
# digit it is the weight unit (`二两`, `三十两`, `两万两`). A numeral may always start with 两.
TWO = r"(?:(?<=一)两|两(?=[十百千万亿]))"
# Characters before a numeral that make it part of a word, not a count (`统一`, `唯一`).
WORD_BEFORE = set("第统唯万之单均专")
# Chinese numerals ending in 万/亿 that are words, not counts (`千万不要`, `亿万人民`).
BARE_NOT_COUNTS = {"千万", "万万", "亿万", "百万", "十万", "千千万万"}
# Count units an article-like 一 goes with (`一项新课题`, `一名基层党员`).
ARTICLE_UNITS_KINDS = {"count"}
# Measures of occasions: `一次` counts when a frequency (每…) leads to it in its clause or it ends the clause.
OCCASION_UNITS = {"次", "趟", "遍", "回"}
OCCASION_COUNT = regex.compile(r"每[^，。；！？、,;!?]*$")
CLAUSE_END = set("，。；！？、,;!?）)”")
TIME_KINDS = {"duration", "age"}
# A short quotation without sentence punctuation is a label; numbers in it are not figures.
QUOTED_LABEL = regex.compile(r"“[^“”\n。！？，]{1,15}”|‘[^‘’\n。！？，]{1,15}’")
MINUS = set("-－−负")
# A minus sign or 负 is a sign after these words (`增速为-2.3%`, `同比增长-0.5%`, `英国为负0.6%`) or
# after punctuation; after other characters it joins a name (`运油-20`) or is a verb (`减负`, `不负`).
SIGN_AFTER = set("为是比至到达约于和及长幅速率值、，,：:；;（(“ \n")
CLAUSE_BREAK = regex.compile(r"[，。、；：！？,;:\n“”]")
HAN = regex.compile(r"\p{Han}")
# Verbs and qualifiers between a subject and its figure, cut from the metric (`总投资额达` → `总投资额`).
HEAD_VERBS = regex.compile(
    r"(近|约|超过|超|逾|突破|不足|不到|达到|达|为|是|共|仅|有|了|高达|累计|总计|合计|增长|提高|下降|减少|增加)+$"
)
TAIL_MULT = {"亿": 1e8, "万": 1e4, "千": 1e3, "百": 100.0}


@dataclass(frozen=True)
class Quantity:
    """A resolved figure: what `parse_quantity` returns for one span."""

    value: float
    max: float | None
    unit: str | None
    qualifier: str | None
    kind: str | None


class FigureFinder:
    """Figure patterns compiled once from the unit and qualifier rule files."""

    def __init__(self, rules: Rules) -> None:
        self.unit_kind: dict[str, str] = {}
        self.canonical: dict[str, str] = {}
        for group in rules.units["unit"]:
            for w in group["words"]:
                self.unit_kind.setdefault(w, group["kind"])
                if "canonical" in group:
                    self.canonical[w] = group["canonical"]
        self.counted_nouns = set(rules.units["counted_nouns"]["words"])
        self.money_before: dict[str, str] = rules.units.get("money_before", {})
        self.leading: dict[str, str] = rules.qualifiers["leading"]
        self.trailing: dict[str, str] = rules.qualifiers["trailing"]
        self.trailing_after = regex.compile(
            "(" + "|".join(regex.escape(w) for w in sorted(self.trailing, key=len, reverse=True)) + ")"
        )
        self.stop_phrases = rules.not_figures["phrases"]["words"]
        labels = rules.not_figures["label_after"]["words"]
        self.label_after = regex.compile("|".join(regex.escape(w) for w in sorted(labels, key=len, reverse=True)))
        # Other written forms of numerals, read one character for one so offsets do not move.
        forms: dict[str, str] = rules.units["numeral_forms"]
        in_numeral: dict[str, str] = rules.units["financial_in_numeral"]
        self.fold = str.maketrans(forms)
        self.fold_in_numeral = str.maketrans(in_numeral)
        self.financial = {k for k, v in forms.items() if v in "一二三四五六七八九十百千"} | set(in_numeral)
        numeral_chars = "".join(sorted(set("零〇一二两三四五六七八九十百千万亿点") | set(forms) | set(in_numeral)))
        ambiguous = "".join(in_numeral)
        self.financial_run = regex.compile(rf"[{numeral_chars}]*[{ambiguous}][{numeral_chars}]*")
        # Most texts hold no other numeral form: a check for any of them decides whether to fold at all.
        self.forms = "".join(forms)
        self.ambiguous = ambiguous
        self.unambiguous = "".join(sorted(self.financial - set(in_numeral)))
        foreign = [w for w, k in self.unit_kind.items() if k == "money_foreign"]
        symbols: dict[str, str] = rules.units["currency_symbols"]
        self.symbols = symbols
        before = sorted(list(symbols) + foreign + ["人民币"], key=len, reverse=True)
        self.currency_before = regex.compile("(?:" + "|".join(regex.escape(w) for w in before) + r")\s?$")
        self.currency_last = {w[-1] for w in before} | {" "}
        self.currency_after_yuan = regex.compile("|".join(regex.escape(w) for w in sorted(foreign, key=len, reverse=True)))
        self.money_context = {
            unit: regex.compile("|".join(regex.escape(w) for w in words)) for unit, words in rules.units["money_context"].items()
        }
        units = sorted(self.unit_kind, key=len, reverse=True)
        starts = regex.escape("".join(sorted({u[0] for u in units if "\u4e00" <= u[0] <= "\u9fff"})))
        not_before: dict[str, list[str]] = rules.units["unit_not_before"]
        only_before: dict[str, list[str]] = rules.units["unit_only_before"]
        unit_alt = "|".join(self._unit_regex(u, starts, not_before.get(u), only_before.get(u)) for u in units)
        nouns = "|".join(sorted(self.counted_nouns, key=len, reverse=True))
        # A unit that starts with a multiplier character (`千米`, `千克`, `千瓦`) is the unit, not 千 + 米;
        # 百 before 分 starts a percentage word (`百分之`, `百分位`), not a numeral.
        mult_units = "|".join(regex.escape(u) for u in units if u[0] in "百千万亿")
        followers = {c: {u[1] for u in units if len(u) > 1 and u[0] == c} for c in "百千万亿"}
        followers["百"].add("分")
        big = "|".join(c + (f"(?![{''.join(sorted(f))}])" if f else "") for c, f in followers.items())
        cn = rf"(?:[{DIG}十两]|{big})(?:[{DIG}十]|{TWO}|{big})*"
        cn_decimal = rf"{cn}(?:点[{DIG}]+)?"
        number = rf"(?:{AR}|{VAGUE}|{cn_decimal})"
        mult = rf"(?!{mult_units}|百分)(?:{MULT})"
        half_not = "".join(rules.units["half_after_unit"]["not_before"])
        self.pattern = regex.compile(
            rf"""
            (?P<pct_cn>百分之(?P<pct_num>{AR}|{cn_decimal})(?:(?:{RANGE_SEP})百分之(?P<pct_num2>{AR}|{cn_decimal}))?)
              (?:{INCL}?(?P<ptrail>以上|以下|以内|左右|上下|多))?
          | (?P<frac>(?P<fnum>\d+)/(?P<fden>\d+))(?:{INCL}?(?P<ptrail>以上|以下|左右|多))?
          | (?P<cfrac>(?P<cden>{AR}|{cn})分之(?P<cnum>{AR}|{cn_decimal}))(?:{INCL}?(?P<ptrail>以上|以下|以内|左右|上下|多))?
          | (?P<half>一半多?|半数)(?:{INCL}?(?P<ptrail>以上|以下|左右|多))?
          | (?P<half_cheng>半成)(?![品熟])
          | (?P<big>(?P<bnum>{cn}|{AR})大(?:(?P<bnoun>类)|(?P<bnoun>\p{{Han}}{{1,8}}?)(?=[，。、；：的和与及等“”（）\s\d]|成为|建设|项目|领域|{BIG_NOUN_END}|$)))
          | (?P<num>{number})(?P<more>多|余|几)?(?:(?P<ge>个)(?=亿))?(?P<mult>{mult})?(?P<more2>多|余)?(?P<mult_hi>亿)?
            (?:{INCL}?(?P<sep>{RANGE_SEP})(?P<num2>{number})(?P<mult2>{mult})?)?
            (?:(?P<unit>{unit_alt})(?P<htail>半(?![{half_not}]))?
               (?:{INCL}?(?P<sep3>{RANGE_SEP})(?P<num3>{number})(?P<mult3>{mult})?(?P=unit))?
              |(?P<noun>{nouns}))?
            (?:{INCL}?(?P<trail>以上|以下|以内|之内|左右|上下|多(?!{MANY_WORDS})|余))?
            """,
            regex.VERBOSE,
        )
        # A phrase inside a longer numeral (`十一` in `二十一个`) is part of that numeral, not the phrase.
        numeral_first = sorted((p for p in self.stop_phrases if p[0] in CN_NUMERALS), key=len, reverse=True)
        others = sorted((p for p in self.stop_phrases if p[0] not in CN_NUMERALS), key=len, reverse=True)
        self.stop_pattern = regex.compile(
            r"(?<![零〇一二两三四五六七八九十百千万亿\d])(?:"
            + "|".join(regex.escape(p) for p in numeral_first)
            + ")|"
            + "|".join(regex.escape(p) for p in others)
        )
        self.leading_pattern = regex.compile(
            "(?:" + "|".join(regex.escape(w) for w in sorted(self.leading, key=len, reverse=True)) + ")$"
        )
        self.group_names = sorted(self.pattern.groupindex, key=self.pattern.groupindex.__getitem__)

    @staticmethod
    def _unit_regex(unit: str, starts: str, not_before: list[str] | None, only_before: list[str] | None = None) -> str:
        """One unit of the unit alternation, with the words it must not open (`18打破`, `310双引擎`)
        or the only words it may stand before (`6.8级地震`, not `三级联动`).

        The weight 两 follows a Chinese numeral (`二两`), or Arabic digits at the end of a clause
        (`1234两。`, not `2023两岸`, `076两栖`); before a measure word or 月 it is the numeral
        itself (`神十五两个乘组`, `一二两月份`).
        """
        if unit == "两":
            return rf"(?:(?<=[一二三四五六七八九十百千万])两(?![{starts}月])|(?<=\d)两(?!\p{{Han}}))"
        if only_before:
            return regex.escape(unit) + "(?=" + "|".join(regex.escape(w) for w in only_before) + ")"
        if not_before:
            return regex.escape(unit) + "(?!" + "|".join(regex.escape(w) for w in not_before) + ")"
        return regex.escape(unit)

    def normalise(self, text: str) -> str:
        """Traditional and financial numerals read as simplified ones, one character for one (`壹仟玖佰圆`)."""
        norm = text.translate(self.fold) if any(c in text for c in self.forms) else text
        if not any(c in text for c in self.unambiguous) and sum(text.count(c) for c in self.ambiguous) < 2:
            return norm
        parts: list[str] = []
        last = 0
        for m in self.financial_run.finditer(text):
            run = text[m.start() : m.end()]
            if sum(c in self.financial for c in run) >= 2:
                parts += [norm[last : m.start()], norm[m.start() : m.end()].translate(self.fold_in_numeral)]
                last = m.end()
        return "".join(parts) + norm[last:] if parts else norm

    def _unit(self, written: str | None) -> tuple[str | None, str | None]:
        if not written:
            return None, None
        return self.canonical.get(written, written), self.unit_kind.get(written, "count")

    def resolve(self, m: regex.Match[str], currency: str | None = None) -> Quantity | None:
        """Value, max, unit and trailing qualifier of one match; None if it is no figure.

        `currency` is a currency named or signed just before the number (`港币`, `$`).
        A numeral that cannot be read (`七十百`) is no figure: it is dropped, never guessed.
        """
        return self._resolve_groups(m, self.groups(m), currency)

    def groups(self, m: regex.Match[str]) -> dict[str, str | None]:
        """The named groups of a match, read in one call (`groupdict` is slow on a pattern with many groups)."""
        return dict(zip(self.group_names, m.groups(), strict=True))

    def _resolve_groups(self, m: regex.Match[str], g: dict[str, str | None], currency: str | None) -> Quantity | None:
        try:
            return self._resolve(m, g, currency)
        except NumberError:
            return None

    def _percent_trail(self, g: dict[str, str | None]) -> str | None:
        """The qualifier a trailing word gives a percentage, fraction or half (`三分之二以上` → at_least)."""
        return self.trailing[g["ptrail"]] or None if g["ptrail"] else None

    def _resolve(self, m: regex.Match[str], g: dict[str, str | None], currency: str | None) -> Quantity | None:
        if g["pct_cn"]:
            lo = parse_number(g["pct_num"])
            hi = parse_number(g["pct_num2"]) if g["pct_num2"] else None
            return Quantity(lo, hi, "%", self._percent_trail(g), "percent")
        if g["frac"]:
            den = float(g["fden"])
            if den == 0 or float(g["fnum"]) > den:
                return None
            return Quantity(_significant(100 * float(g["fnum"]) / den), None, "%", self._percent_trail(g), "percent")
        if g["cfrac"]:
            den, num = parse_number(g["cden"]), parse_number(g["cnum"])
            if den == 0 or num > den:
                return None
            return Quantity(_significant(100 * num / den), None, "%", self._percent_trail(g), "percent")
        if g["half"]:
            qualifier = "more_than" if g["half"].endswith("多") else self._percent_trail(g)
            return Quantity(50.0, None, "%", qualifier, "percent")
        if g["half_cheng"]:
            return Quantity(5.0, None, "%", None, "percent")
        if g["big"]:
            if g["bnum"][0] in "百千万亿":
                return None  # `万亿大关` is a threshold, not a count of kinds
            return Quantity(parse_number(g["bnum"]), None, g["bnoun"], None, "count")
        num = g["num"]
        written_unit = g["unit"] or g["noun"]
        if g["noun"] and not CN_RE.fullmatch(num):
            return None  # `2省` is rare and ambiguous; counted nouns follow Chinese numerals
        pair = approx_pair(num) if CN_RE.fullmatch(num) else None
        lo, hi = pair if pair else (parse_number(num), None)
        mult = MULTIPLIERS[g["mult"]] if g["mult"] else 1.0
        if g["mult_hi"]:
            mult *= MULTIPLIERS["亿"]  # `500万余亿`, `3千万亿`
        if g["ge"]:
            mult = MULTIPLIERS["亿"]  # `两个亿`
        if g["num2"] or g["num3"]:
            upper, upper_mult = (g["num2"], g["mult2"]) if g["num2"] else (g["num3"], g["mult3"])
            hi = parse_number(upper) * (MULTIPLIERS[upper_mult] if upper_mult else 1.0)
            if g["mult"] and not upper_mult:
                hi *= mult  # `5万-10` is rare; `5万-10万` names both
            top = MULTIPLIERS[upper_mult] if upper_mult else _tail_multiplier(upper)
            if not g["mult"] and not pair and top > _tail_multiplier(num) and lo * top <= hi:
                lo *= top  # `两到三万`, `300至500万元`: the lower end shares the upper end's multiplier
        elif g["mult"] and hi is not None:
            hi *= mult  # `两三千`: the multiplier applies to both ends
        if not g["num2"] and not g["num3"]:
            lo *= mult
        elif g["mult"]:
            lo *= mult
        if g["htail"]:
            lo += 0.5  # `一吨半`, `三成半`
        unit, kind = self._unit(written_unit)
        if written_unit in self.money_before and m.string.startswith(self.money_before[written_unit], m.end("unit")):
            unit, kind = "元", "money"
        elif written_unit in self.money_context and self._price_clause(m, written_unit):
            unit, kind = "元", "money"
        if currency and (unit is None or kind == "money"):
            unit = self.symbols.get(currency, currency)
            unit, kind = self.canonical.get(unit, unit), self.unit_kind.get(unit, "money_foreign")
        if written_unit == "成":
            if lo > 10:
                return None  # `2025成都…大会`: tenths stop at ten; a year before 成 starts a name
            lo, hi, unit, kind = lo * 10, hi * 10 if hi is not None else None, "%", "percent"
        qualifier = None
        if g["more"] or g["more2"]:
            qualifier = "more_than"
        if g["trail"]:
            qualifier = self.trailing[g["trail"]] or None
        if VAGUE_RE.fullmatch(num):
            qualifier = "more_than"
        bare_cn_count = CN_RE.fullmatch(num) and num[-1] in "万亿" and len(num) >= 2 and num not in BARE_NOT_COUNTS
        bare_mult_count = g["mult"] and ("万" in g["mult"] or "亿" in g["mult"] or g["mult_hi"])
        if unit is None and kind is None and not bare_mult_count and not bare_cn_count and not g["ge"]:
            return None  # a bare number is a figure only as a 万/亿 count (`新增就业1200万`)
        return Quantity(lo, hi, unit, qualifier, kind)

    def _price_clause(self, m: regex.Match[str], written_unit: str) -> bool:
        """块 closing a clause that speaks of a price (`一斤卖三块`) is money."""
        end = m.end("unit")
        if end < len(m.string) and HAN.match(m.string, end):
            return False
        clause = CLAUSE_BREAK.split(m.string[max(0, m.start() - 15) : m.start()])[-1]
        return bool(self.money_context[written_unit].search(clause))

    def _sign_and_currency(self, text: str, s: int, prev_end: int) -> tuple[int, bool, str | None]:
        """A minus sign or 负 and a currency word or sign just before a figure: (new start, negative, currency)."""
        negative = False
        currency = None
        c = self.currency_before.search(text, max(0, s - 7), s) if s and text[s - 1] in self.currency_last else None
        if c:
            currency = c.group(0).strip()
            if currency in self.symbols:
                s = c.start()  # `$20`: the sign is part of the figure
        if s and text[s - 1] in MINUS and (s < 2 or text[s - 2] in SIGN_AFTER) and s - 1 != prev_end:
            negative, s = True, s - 1
        return s, negative, currency

    def find(self, text: str, excluded: list[tuple[int, int]]) -> list[Entity]:
        """Every figure of `text`, skipping spans in `excluded` (dates, programmes, titles).

        Matching runs on the text with traditional and financial numerals read as simplified
        ones (`normalise`); spans and mention texts are those of `text`.
        Fixed phrases (`四个意识`, `千斤重担`) and short quoted labels (`“三个80%”`,
        `“最后一公里”`) block any figure that overlaps them.
        """
        source = text
        text = self.normalise(text)
        blocked = [(m.start(), m.end()) for m in self.stop_pattern.finditer(text)] if self.stop_phrases else []
        blocked += [m.span() for m in QUOTED_LABEL.finditer(text)]
        spans = SpanIndex(excluded + blocked)
        out: list[Entity] = []
        prev_end = -2
        for m in self.pattern.finditer(text):
            s, e = m.span()
            if e - s == 0:
                continue
            if spans.overlaps(s, e):
                continue
            g = self.groups(m)
            num = g["num"] or g["bnum"] or ""
            if s and text[s - 1] in WORD_BEFORE and (text[s - 1] == "第" or CN_RE.match(num)):
                continue  # `第3轮`, `统一`: ordinals and words, not counts
            if text[max(0, s - 2) : s] in ("星期", "礼拜") or (
                s and text[s - 1] == "每" and self.unit_kind.get(g["unit"] or "") != "duration"
            ):
                continue  # `星期五`; `每三台…`: the base of a rate, not a count (`每3小时一次`: an interval, kept)
            unit_start = m.start("unit") if g["unit"] else e
            if self.label_after.match(text, unit_start):
                continue  # `九年级`, `50周年`, `十四届一次会议`: labels and ordinals
            if text[e : e + 1] == "级" and not g["trail"]:
                if not g["unit"]:
                    continue  # `万亿级产业集群`: a size class, not a figure
                e += 1  # `500吨级推力`: a rating, 级 in its span (corpus/gold/DECISIONS.md)
            if g["unit"] == "年" and (YEAR_RE.fullmatch(num) or num in ("百", "千", "万") or CN_YEAR.fullmatch(num)):
                continue  # a year is a DATE; `千年古村`, `百年变局` are epithets
            if (
                s
                and text[s - 1].isdigit()
                or (e < len(text) and g["num"] and text[e : e + 1] in "年月日号时点" and not g["unit"])
            ):
                continue
            start, negative, currency = self._sign_and_currency(text, s, prev_end)
            q = self._resolve_groups(m, g, currency)
            if q is None:
                continue
            if num == "一" and not g["mult"] and not g["num2"] and q.kind in ARTICLE_UNITS_KINDS:
                if (
                    not self.leading_pattern.search(text[max(0, s - 3) : s])
                    and text[max(0, s - 1) : s] not in ("只", "跑")
                    and not (g["unit"] in OCCASION_UNITS and OCCASION_COUNT.search(text, max(0, s - 10), s))
                    and not (g["unit"] in OCCASION_UNITS and (e == len(text) or text[e] in CLAUSE_END))
                ):
                    continue  # article-like 一: `一项新课题`, `一次偶然的机会`; but `每月召开一次`, `巡查一次。` count
            if g["noun"] and len(num) > 2:
                continue
            if num == "零" and not g["mult"]:
                continue  # `零部件`, `零距离`: 零 alone counts nothing
            if g["unit"] == "次" and TRAIN_NUMBER.match(text, s):
                continue  # `73003次重载列车`: a train's number
            if num == "一" and g["unit"] in ("年", "天", "日", "月") and s and text[s - 1] == "的":
                continue  # `最严重的一年`, `难忘的一天`: a year, not a count of one
            if g["unit"] and (per := PER_TIME.match(text, m.end("unit"))):
                # `450万吨/日以上`: a rate per day; the unit and any qualifier after it are the figure's.
                trail = self.trailing_after.match(text, per.end())
                e = trail.end() if trail else per.end()
                q = Quantity(
                    q.value,
                    q.max,
                    f"{q.unit}{per.group(0)}",
                    self.trailing[trail.group(1)] or None if trail else q.qualifier,
                    q.kind,
                )
            if g["unit"] and q.unit == "元" and not currency:
                after = self.currency_after_yuan.match(text, e)
                if after:  # `9000元日币`: the currency after 元 is the unit
                    e = after.end()
                    q = Quantity(q.value, q.max, after.group(0), q.qualifier, "money_foreign")
            lead = self.leading_pattern.search(text[max(0, start - 3) : start])
            qualifier = q.qualifier
            if lead and qualifier is None:
                qualifier = self.leading[lead.group(0)] or None
            value = -q.value if negative else q.value
            prev_end = e
            out.append(
                Entity(
                    "FIGURE",
                    source[start:e],
                    start,
                    e,
                    value=_tidy(value),
                    max=_tidy(q.max) if q.max is not None else None,
                    unit=q.unit,
                    qualifier=qualifier,
                    kind=q.kind,
                    metric=_metric(source, start, e, q),
                )
            )
        return out


class SpanIndex:
    """Spans to skip, merged and sorted once, so each candidate is checked by bisection, not against all."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for a, b in sorted(spans):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        self.starts = [a for a, _ in merged]
        self.ends = [b for _, b in merged]

    def overlaps(self, s: int, e: int) -> bool:
        """Whether [s, e) overlaps a span (touching ends do not count)."""
        i = bisect.bisect_right(self.starts, e - 1) - 1
        return i >= 0 and self.ends[i] > s


def _tidy(v: float) -> float:
    """Round away float noise (`214.46 * 1e8`), keeping small values (`一百万分之五` → 0.0005 %)."""
    return float(f"{v:.12g}")


def _significant(v: float) -> float:
    """A fraction's percentage to six significant digits (`三分之一` → 33.3333, `四千二分之三` → 0.0714286)."""
    return float(f"{v:.6g}")


def _tail_multiplier(numeral: str) -> float:
    """The multiplier closing a Chinese numeral (`三十万` → 10000, `一百五十` → 1); Arabic numerals have none."""
    if numeral.endswith("万亿"):
        return 1e12
    return TAIL_MULT.get(numeral[-1], 1.0) if numeral else 1.0


def _metric(text: str, s: int, e: int, q: Quantity) -> str | None:
    """What is counted: the noun phrase after a measure word, else the subject before the figure."""
    if q.kind == "count" and q.unit and len(q.unit) <= 2:
        tail = METRIC_TAIL.match(text[e : e + 12])
        if tail:
            words = tail.group(0)
            cut = min((words.find(c) for c in "的和与及等在是为" if words.find(c) > 0), default=len(words))
            phrase = words[:cut]
            if len(phrase) >= 2:
                return phrase
    head = text[max(0, s - 16) : s]
    head = CLAUSE_BREAK.split(head)[-1]
    head = HEAD_VERBS.sub("", head)
    return head[-8:] if len(head) >= 2 else None


def parse_quantity(text: str, rules: Rules | None = None) -> Quantity | None:
    """Resolve a figure written alone: `parse_quantity("1.2万余次")` → 12000 次, more_than."""
    from .rules import default_rules

    finder = FigureFinder(rules or default_rules())
    m = finder.pattern.fullmatch(finder.normalise(text))
    return finder.resolve(m) if m else None
