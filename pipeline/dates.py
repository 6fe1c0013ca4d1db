"""DATE extraction: absolute and relative expressions, resolved against the publication date.

One compiled pattern finds candidates; `resolve` turns each into inclusive
start/end dates. Relative words and their meanings are data in
`rules/dates/dates.toml`; calendar arithmetic is here.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import regex

from .entities import Entity
from .numbers import NumberError, chinese
from .rules import Rules

YEAR = r"(?:19|20)\d{2}"
MON = r"(?:1[0-2]|0?[1-9])"
DAY = r"(?:3[01]|[12]\d|0?[1-9])"
CN_MON = r"(?:十[一二]?|[一二三四五六七八九])"
CN_DAY = r"(?:三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])"
DAYX = rf"(?:{DAY}|{CN_DAY})"
N = r"[一二两三四五六七八九十\d]{1,2}"
# A year: any 19xx/20xx; an earlier one only where the context shows a year, not a
# duration (`1840年鸦片战争`, `1357年6月`, `在789年`; not `1200年的历史`).
Y4 = (
    rf"(?:(?:19|20)\d{{2}}"
    rf"|(?<![\d.]|距今|约|近|长达|历经|超过|逾|有|了)1[0-8](?:[1-9]\d|0[1-9])(?=年)(?!年(?:的?历史|前|间|来|多))"
    rf"|(?<!\d)1[0-8]\d{{2}}(?=年(?:{MON}|{CN_MON})月)"
    rf"|(?<=在|于|公元)[1-9]\d{{2,3}}(?=年))"
)
# A two-digit year (`08年`, `15年3月2日`, `19年底`): zero-padded, or followed by a
# month or a part of the year; `用了15年` stays a duration.
Y2 = (
    rf"(?<![\d.%％])(?:0\d(?=年)"
    rf"|[1-9]\d(?=年(?:{MON}|{CN_MON})月|年(?:年?底|年?初|年?末|伊始|上半年|下半年|第?[一二三四1-4]季度"
    rf"|第[一二三四五六七八九十\d]{{1,3}}(?:个月|周|个星期|个礼拜|天)|{{festival}})))"
)
# A year in Chinese digits: four (`二〇〇四`), two that are not a vague pair
# (`零八年`, `九七年`; `七八年` is "seven or eight years"), or 两千零四 before a month.
CN_Y = (
    r"(?:[零〇一二三四五六七八九]{4}"
    r"|(?<![零〇一二三四五六七八九十百千万两第几])(?!一二|二三|三四|四五|五六|六七|七八|八九)[零〇一二三四五六七八九]{2}(?=年)"
    rf"|(?:两|二)千(?:零[一二三四五六七八九]|零?[一二]?十[一二三四五六七八九]?)?(?=年(?:{MON}|{CN_MON})月))"
)
YREL = r"(?:大前年|大后年|今年|去年|明年|前年|后年|次年|上年|本年|同年)"
ZODIAC = "鼠牛虎兔龙蛇马羊猴鸡狗猪"  # the animal of lunar year Y is ZODIAC[(Y - 4) % 12]
MREL = r"(?:本月|这个月|当月|同月|上个月|上一个月|上月|下个月|下一个月|下月)"
# A day after a month without 日/号 (`1月3`, `四月十三`) only where nothing follows that would make it a count.
BARE_END = r"(?=$|[\s，。、；;,！？!?）)」”]|[上下中]午|早上|早晨|晚上|晚|夜|凌晨|傍晚|半夜|[至到~～]|[—–\-－]|\d{1,2}[:：点时])"
CONN = r"(?:[至到~～]|[—–\-－]{1,2})"
QUARTER = r"(?:第?[一二三四1-4]季度|首季度?)"
LUNAR_MON = r"(?:十[一二]?|[一二三四五六七八九]|1[0-2]|[1-9])"
LUNAR_DAY = r"(?:初(?:十|[一二三四五六七八九]|\d)|廿[一二三四五六七八九]?|二十[一二三四五六七八九]?|三十|十[一二三四五六七八九]?|[12]\d|30|[1-9])"
# Groups of the calendar expressions that 截至 can open (`截至19年底`, `截至本月9日`).
PREFIXABLE = ("rel", "y", "y2", "cy", "m", "mrel", "yrel", "ny", "n8", "dd", "lm", "ld")
WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
LUNAR_NAMED = {"正": 1, "冬": 11, "腊": 12}
DIGIT = {ch: i for i, ch in enumerate("零一二三四五六七八九")} | {"〇": 0}


# What a `去年同期` compared with the period under discussion follows (`低于去年同期`).
SAME_PERIOD_BEFORE = regex.compile(r"(?:比|较|同比|相比|相较|低于|高于|超过|于|与)$")
# `当天` and `当日` mean the day the text named last, when it named one (else publication).
SAME_DAY_WORDS = {"当天", "当日", "同一天", "同日"}
# Between two days of one range (`昨天8时至今天8时`, `今天到27日`): hours, then 到/至.
HOURS = r"(?:\d{1,2}(?:时|点)(?:\d{1,2}分)?|凌晨|早晨|上午|中午|下午|傍晚|晚上|夜间)"
DAY_RANGE_JOIN = regex.compile(rf"{HOURS}?(?:到|至)")
DAY_RANGE_END = regex.compile(HOURS)
# A year right after these is the base of a comparison (`比1978年增长`), not the year under discussion.
COMPARED = regex.compile(r"(?:比|较|同比|相比|相较)$")
# A season with a year is a date (`今年入夏以来`); without one it is not (docs/ANNOTATION.md).
SEASON_START = {"春": 3, "夏": 6, "秋": 9, "冬": 12}
SEASON_TERM = {"春": "spring_begins", "夏": "summer_begins", "秋": "autumn_begins", "冬": "winter_begins"}
# After a bare festival name these make it an occasion, not a date (`国庆招待会`, `七夕节的诗意`).
OCCASION_AFTER = ("的", "招", "晚会", "联欢", "戏曲", "祝", "活", "氛", "气", "档", "文", "慰问")
# Relative words resolved against the year under discussion rather than the publication year.
DISCUSSED_YEAR_WORDS = {
    "上年": "previous",
    "上一年": "previous",
    "前一年": "previous",
    "年底": "same",
    "年末": "same",
    "年初": "same",
}
# Relative year words before a month or part of the year: offset from the publication
# year, or (次年, 同年) from the year under discussion.
YEAR_SHIFT = {"大前年": -3, "前年": -2, "去年": -1, "上年": -1, "今年": 0, "本年": 0, "明年": 1, "后年": 2, "大后年": 3}
DISCUSSED_SHIFT = {"次年": 1, "同年": 0}
# 8-digit dates (`20240307`) are not read after these words: they are numbers there.
NUMBER_CONTEXT = ("电话", "热线", "编号", "号码", "代码", "账号", "邮编", "编码", "QQ", "传真")


class DateFinder:
    """Date patterns compiled once from `rules/dates/dates.toml`."""

    def __init__(self, rules: Rules) -> None:
        self.relative: dict[str, str] = rules.dates["relative"]
        self.week_shift: dict[str, int] = rules.dates["week_shift"]
        fest = rules.festivals
        self.lunar: dict[str, dict[int, str]] = {k: {int(y): md for y, md in v.items()} for k, v in fest["lunar"].items()}
        self.festivals: dict[str, dict] = {n: f for f in fest["festival"] for n in f["names"]}
        self.zodiac: str = fest["zodiac"]["animals"]
        self.rat_year = int(fest["zodiac"]["rat_year"])
        self.windows: dict[str, str] = fest["windows"]
        self.lunar_calendar: dict[int, dict] = {int(y): v for y, v in fest["lunar_calendar"].items()}
        fest_names = "|".join(regex.escape(n) for n in sorted(self.festivals, key=len, reverse=True))
        fest_suffix = "|".join(regex.escape(w) for w in sorted(self.windows, key=len, reverse=True) if w)
        self.farm_seasons = {k: tuple(v.split("..")) for k, v in rules.dates["farm_seasons"].items()}
        farm_names = "|".join(regex.escape(n) for n in sorted(self.farm_seasons, key=len, reverse=True))
        self.holiday_back: dict[str, str] = rules.dates["holiday_back"]
        holiday_back = "|".join(regex.escape(w) for w in sorted(self.holiday_back, key=len, reverse=True))
        self.future_words = set(rules.dates["future"]["words"])
        self.future_cue = regex.compile("|".join(map(regex.escape, rules.dates["future"]["cues"])))
        self.not_dates = set(rules.dates["not_dates"]["words"])
        label = rules.dates["edition_label"]
        nouns = "|".join(regex.escape(w) for w in label["nouns"])
        self.edition_label = regex.compile(rf"[^\s，。、；：！？“”《》（）]{{0,8}}?(?:{nouns})")
        self.occasion_before = regex.compile(rf"(?:{'|'.join(map(regex.escape, label['occasion_before']))})$")
        self.definition_after = tuple(label["definition_after"])
        self.fused: dict[str, str] = {k: "".join(v) for k, v in rules.dates["fused"].items()}
        events = rules.dates["founding_events"]
        self.founding = {name: date.fromisoformat(day) for name, day in events.items()}
        self.founding_before = regex.compile(
            rf"(?:{'|'.join(map(regex.escape, sorted(events, key=len, reverse=True)))})[^，。；！？\n]{{0,6}}$"
        )
        rel = "|".join(regex.escape(w) for w in sorted(self.relative, key=len, reverse=True))
        wrel = "|".join(regex.escape(w) for w in sorted(self.week_shift, key=len, reverse=True))
        y2 = Y2.replace("{festival}", fest_names)
        year = rf"(?:(?P<y>{Y4})|(?P<y2>{y2})|(?P<cy>{CN_Y}))年"
        # A connector, or none between the end of one month and the start of the next (`7月底8月初`).
        tail = rf"""(?:{CONN}|(?P<and>和|与)|(?<=[底末])(?=(?:{MON}|{CN_MON})月初))
            (?: (?:(?P<ty>{YEAR}|[零〇一二三四五六七八九]{{4}})年|(?<!\d)(?P<ty2>\d\d)年|(?P<tyrel>今年|去年|明年|前年))(?:(?P<tm>{MON}|{CN_MON})月份?(?:(?P<td>{DAYX})(?:[日号]|{BARE_END})|(?P<tmp>上旬|中旬|下旬|初|底|末))?)?
              | (?:(?P<tm>{MON}|{CN_MON})月份?|(?P<tmrel>下个?月|上个?月|本月))(?:(?P<td>{DAYX})(?:[日号]|{BARE_END})|(?P<tmp>上旬|中旬|下旬|初|底|末))?
              | (?P<td>{DAYX})[日号]
            )(?(and)(?=之?间))"""
        month = rf"""(?<!星期|礼拜|周|週)(?:(?P<mfrom>{MON}|{CN_MON}){CONN})?(?:(?P<m>{MON}|{CN_MON})月份?|(?P<mrel>{MREL}))
            (?: (?P<d>{DAYX})(?:[日号]|{BARE_END})
              | (?P<mp>上旬|中旬|下旬|月初|月底|月末|初|底|末)
              | 的?(?P<mnth>第[一二三四五1-5]个|最后一个)(?:星期|礼拜|周)(?P<mwd>[一二三四五六日天])
              | 的?第(?P<mwk>[一二三四五1-5])(?:周|个星期|个礼拜)
              | 的?(?P<mfirst>前|头|最后)(?P<mfn>{N})天
            )?"""
        ypart = rf"""(?: (?P<q>{QUARTER})(?P<qp>初|末|底)?
              | (?P<yfirst>前|头|后|最后|最後)(?P<yfn>{N})个?(?P<yfu>月|季度|周|週|星期|天)
              | (?P<yp>上半年|下半年|前半年|后半年|前三季度|年初|年底|年末|初|底|末|年伊始|伊始|度)
              | 第(?P<ymo>{N})个月|(?P<ymo1>首月)
              | 第(?P<ywk>[一二三四五六七八九十\d]{{1,3}})(?:周|个星期|个礼拜)
              | 第(?P<yday>[一二三四五六七八九十百\d]{{1,3}})天
              | (?P<season>春季|夏季|秋季|冬季|春天|夏天|秋天|冬天|入春|入夏|入秋|入冬)
              | (?:“(?P<farm>{farm_names})”|(?P<farm>{farm_names}))(?:繁忙|大忙|生产)?(?:时节|期间|时期|季节)?
              | (?:“(?P<yfest>{fest_names})”(?={fest_suffix})|(?P<yfest>{fest_names}))(?P<yfwin>{fest_suffix})?
            )"""
        # Every match starts with one of these characters, or with the first two
        # characters of a listed word: one cheap test rejects the other positions
        # before any alternative is tried.
        firsts = set("0123456789零〇一二两三四五六七八九十截上本下这這今去明前后大次同当星礼禮周週第首近临农阴闰正冬腊" + ZODIAC)
        quoted = [f"“{n}" for n in (*self.festivals, *self.farm_seasons)]  # `“五一”假期`, `今年“三夏”期间`
        since = ["入春", "入夏", "入秋", "入冬", "过去"]  # `入秋以来`, `过去5年`
        words = [*self.relative, *self.festivals, *self.week_shift, *self.holiday_back, *quoted, *since]
        starts = sorted({w[:2] for w in words if w[0] not in firsts}, key=len, reverse=True)
        first = "".join(sorted(firsts)) + "]|" + "|".join(regex.escape(w) for w in starts)
        self.pattern = regex.compile(
            rf"""
            (?=[{first})
            (?P<prefix>截至|截止到|截止|截至到)?
            (?:
              (?=\d)(?<![\d.])(?P<ny>(?:1[5-9]|20)\d{{2}})(?P<nsep>[-/.])(?P<nm>{MON})
                (?:(?P=nsep)(?P<nd>{DAY})(?:(?!\d)|(?=\d{{1,2}}:\d{{2}}))|(?={CONN}{YEAR}(?P=nsep){MON}(?!\d)))
                (?:起?{CONN}(?P<ny2>{YEAR})(?P=nsep)(?P<nm2>{MON})(?:(?P=nsep)(?P<nd2>{DAY}))?(?!\d))?
            | (?=\d)(?<![\d.])(?P<ny>{YEAR})\x20(?P<nm>0[1-9]|1[0-2])\x20(?P<nd>0[1-9]|[12]\d|3[01])(?!\d)
            | (?=\d)(?<![\d.A-Za-z-])(?P<n8>{YEAR}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(?!\d)
            | (?P<yr1>{YEAR})年?\s*[—–\-至到~]\s*(?P<yr2>{YEAR})年(?P<yrdu>度)?
            | (?P<cent>上世纪|上个世纪|本世纪|(?P<cn>\d{{1,2}}|二十一|二十|十[一二三四五六七八九]?)世纪)?(?P<dec>(?:19|20)?[1-9]0|[一二三四五六七八九]十)年代(?P<decp>初期|末期|中期|前期|后期|初|末)?
            | (?=[\d二十])(?<=在|于|到|进入|自|从|至|^)(?P<cn2>\d{{1,2}}|二十一|二十|十[一二三四五六七八九]?)世纪(?P<centp>初|末)?
            | (?=[\d二十])(?<!\d)(?P<cn2>\d{{1,2}}|二十一|二十|十[一二三四五六七八九]?)世纪(?P<centp>初|末|(?=以来))
            | (?=[\d零〇一二两三四五六七八九十今去明前后大次上本同当这下农阴闰正冬腊])
              (?: (?:{year}|(?P<yrel>{YREL}))?(?P<lmark>农历|阴历)(?:{year})?(?P<lleap>闰)?(?P<lm>{LUNAR_MON}|[正冬腊])月
                  (?:(?P<ld>{LUNAR_DAY})[日号]?)?
              | (?:{year}|(?P<yrel>{YREL}))?(?:(?P<lleap>闰)?(?P<lm>[正冬腊])月(?:(?P<ld>{LUNAR_DAY})[日号]?)?
                  | (?P<lleap>闰)(?P<lm>{LUNAR_MON})月(?P<ld>{LUNAR_DAY})?
                  | (?P<lm>{CN_MON})月(?P<ld>初(?:十|[一二三四五六七八九])|廿[一二三四五六七八九]?)
                  | 大年(?P<ld>初(?:十|[一二三四五六七八九])))
              | (?:{year}|(?P<yrel>{YREL}))?的?{month}(?:{tail})?
              | {year}(?:的?{ypart})?(?:{tail})?
              | (?P<yrel>{YREL})(?:的|这个)?{ypart}
              )
            | (?=[上下这這本])(?<![日基根资成版样文剧课账赶跟遇碰])(?P<wrel>{wrel})(?:星期|礼拜|周|週)(?:(?:星期|礼拜|周|週)?(?P<wd>[一二三四五六日天末]))?(?![边期转围年刊报])
            | (?=[星礼禮週周])(?<![一二三四五六七八九十两几每\d个周])(?:星期|礼拜|禮拜|週|周)(?P<wd>[一二三四五六日天]|末(?!端|梢))
            | (?P<qrel>上上个|下下个|上个|下个|这个|上|下|本|当)季度(?P<qp>初|末|底)?
            | (?=[第首一二三四1-4])(?<![\d年])(?P<q>{QUARTER})(?P<qp>初|末|底)?
            | (?:这个)?(?:“(?P<fest>{fest_names})”(?={fest_suffix})|(?P<fest>{fest_names}))(?P<fwin>{fest_suffix})?
            | (?P<hback>{holiday_back})
            | (?<!\p{{Han}})(?P<zodiac>[鼠牛虎兔龙蛇马羊猴鸡狗猪])年(?![代级份度底末初终])
            | (?P<ahead>临近)(?P<fest2>{fest_names})
            | (?:近|过去(?!一年))(?P<nyears>[一二两三四五六七八九十\d]{{1,2}})年来?
            | (?<![\p{{Han}}\d])前(?P<fmonths>[一二两三四五六七八九十\d]{{1,2}})个(?P<fmunit>月|季度)
            | (?<=^|[，。；：！？\n])(?P<lastyears>[两三四五六七八九十])年(?=[里间中内])
            | 未来(?P<fyears>[一二两三四五六七八九十\d]{{1,2}})年
            | (?=[一二两三四五六七八九十\d])(?<![\d年第])(?P<nyears2>[一二两三四五六七八九十\d]{{1,3}})年(?P<nmore>多)?来
            | (?P<sseason>入春|入夏|入秋|入冬)(?=以来)
            | (?P<rel>{rel})
            | (?=\d)(?<![\d年月个第.]|历时|为期|用时|连续|持续|经过|每|仅|需要|需|用了)(?P<dd>{DAY})日(?![内以之余多左游])(?:{tail})?
            )
            (?P<since>以来)?
            """,
            regex.VERBOSE,
        )

    def find(self, text: str, published: date | None, excluded: list[tuple[int, int]]) -> list[Entity]:
        """Every date of `text`; values stay empty when there is no publication date to resolve against."""
        out: list[Entity] = []
        discussed: int | None = None  # the year the text is talking about, for 上年 and 年底
        month: date | None = None  # the first day of the month it is talking about, for 当月 and 同月
        holiday: tuple[date, date] | None = None  # the festival holiday named last, for `假期里`, `节日期间`
        day: date | None = None  # the day named last, for `当天` (`27日称，当天…`)
        for m in self.pattern.finditer(text):
            s, e = m.span()
            if e == s or any(a < e and s < b for a, b in excluded):
                continue
            if (
                (m.group("y") or m.group("yr1"))
                and e < len(text)
                and (text[e] in "级届“《" or (text[e - 1] == "度" and regex.match(r"\p{Han}", text[e])))
            ):
                continue  # `2026届`, `2022年度乡村振兴模范党组织`, `2023年第一季度“中国好人榜”`: labels
            if m.group("y") and e == m.end("y") + 1 and e < len(text) and text[e] == "版":
                continue
            if m.group("prefix") and not any(m.group(k) for k in PREFIXABLE):
                continue
            if m.group("n8") and (text[e : e + 1] == "号" or any(w in text[max(0, s - 6) : s] for w in NUMBER_CONTEXT)):
                continue
            span_text = text[s:e]
            if span_text in self.not_dates or (s and text[s - 1] in self.fused.get(span_text[0], "")):
                continue  # `目前`; `目前年均` holds no 前年
            if m.group("y") and self.edition_label.match(text, e):
                continue  # `2024年新春招待会`: an edition label
            if (m.group("fest") or m.group("yfest")) and (
                self.occasion_before.search(text, max(0, s - 2), s) or text.startswith(self.definition_after, e)
            ):
                continue  # `欢庆龙年春节`, `每逢春节前夕`, `春节是…节日`: an occasion, a recurrence, a definition
            if (m.group("fest") and not m.group("fwin") or m.group("yfest") and not m.group("yfwin")) and text.startswith(
                OCCASION_AFTER, e
            ):
                continue  # `春节联欢晚会`, `《2023年春节戏曲晚会》`: an occasion, or an edition label
            if m.group("hback"):
                if holiday is None:
                    continue  # `假期` with no holiday named before it says not which
                first = self.holiday_back[m.group("hback")] == "first_day"
                out.append(Entity("DATE", text[s:e], s, e, date_start=holiday[0], date_end=holiday[0] if first else holiday[1]))
                continue
            start, end, vague = self.resolve(m, published, discussed, month)
            if m.group("mrel") in ("上月", "上个月") and month is not None and COMPARED.search(text, max(0, s - 3), s):
                # `4月份…较上月提高`: the month before the one under discussion.
                y, mo = divmod(month.year * 12 + month.month - 2, 12)
                start, end = date(y, mo + 1, 1), _month_end(y, mo + 1)
            if m.group("rel") in SAME_DAY_WORDS and day is not None:
                start = end = day  # `叙利亚反对派27日称，当天…`: the day just named, not publication
            if m.group("rel") in self.future_words and published and self.future_cue.search(text, max(0, s - 6), s):
                start, end, vague = _relative(f"ahead:{(published - start).days}", published)  # `计划近日择机发射`
            if (
                (m.group("fwin") or m.group("yfwin"))
                and self.windows[m.group("fwin") or m.group("yfwin")] == "holiday"
                and start
                and end
            ):
                holiday = (start, end)
            if m.group("nyears2") and start and (event := self._founding(text, s, start.year)):
                start, vague = event, False  # `新中国成立74年来`: from the founding day
            if (m.group("n8") or m.group("zodiac")) and start is None:
                continue  # not a valid calendar day: a number; an animal's year far from publication
            if m.group("prefix"):
                start = None
            whole_year = (
                start and end and (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year
            )
            year_end = start and end and end.month == 12 and end.day == 31 and start.month == 12  # `2023年底`
            if (
                (whole_year or year_end)
                and (m.group("rel") or "") not in DISCUSSED_YEAR_WORDS
                and not COMPARED.search(text, 0, s)
            ):
                discussed = end.year  # a whole calendar year or its end: `2019年`, `去年`, `2023年底`
            if m.group("rel") in ("去年同期", "上年同期") and SAME_PERIOD_BEFORE.search(text, max(0, s - 3), s):
                # `7月份…低于去年同期`: the same month a year before; `全年…比上年同期`: the year before.
                if month is not None and (discussed is None or month.year == discussed):
                    start, end = date(month.year - 1, month.month, 1), _month_end(month.year - 1, month.month)
                elif discussed is not None and discussed < (published.year if published else discussed + 1):
                    start, end = date(discussed - 1, 1, 1), date(discussed - 1, 12, 31)
            if start and end and (start.year, start.month) == (end.year, end.month):
                month = start.replace(day=1)  # `9月份`, `5月3日`
            if start and start == end and not vague:
                day = start
            out.append(Entity("DATE", span_text, s, e, date_start=start, date_end=end, vague=vague or None))
        return _join_day_ranges(text, out)

    def _founding(self, text: str, s: int, year: int) -> date | None:
        """The day of the founding event named just before `N年来` (rules/dates/dates.toml), if its year fits."""
        m = self.founding_before.search(text, max(0, s - 16), s)
        if m is None:
            return None
        day = next(d for name, d in self.founding.items() if m.group(0).startswith(name))
        return day if abs(day.year - year) <= 1 else None

    def resolve(
        self, m: regex.Match[str], p: date | None, discussed: int | None = None, month: date | None = None
    ) -> tuple[date | None, date | None, bool]:
        """Inclusive bounds of one match; (None, None, False) when it cannot be resolved.

        `上年`, `前一年` and a bare `年底`/`年初` refer to the year the text is
        discussing (docs/ANNOTATION.md), when an earlier date set one.
        """
        g = m.groupdict()
        rel = g["rel"] or ""
        if discussed and p and rel in DISCUSSED_YEAR_WORDS:
            year = discussed - 1 if DISCUSSED_YEAR_WORDS[rel] == "previous" else discussed
            return _relative(
                self.relative[rel], date(year, 12, 31) if DISCUSSED_YEAR_WORDS[rel] == "same" else date(year + 1, 12, 31)
            )
        try:
            start, end, vague = self._bounds(g, p, discussed, month)
        except (ValueError, KeyError, NumberError, OverflowError):
            return None, None, False  # an expression the rules cannot resolve stays a DATE without bounds
        if g["since"] and start is not None:
            end = p
        return start, end, vague

    def _year(self, g: dict[str, str | None], p: date | None, discussed: int | None) -> int | None:
        """The year a calendar expression names, or None when it names none."""
        if g["y"]:
            return int(g["y"])
        if g["y2"]:
            return _two_digit_year(int(g["y2"]), p)
        if g["cy"]:
            cy = g["cy"]
            if all(ch in DIGIT for ch in cy):
                n = int("".join(str(DIGIT[ch]) for ch in cy))
                return _two_digit_year(n, p) if len(cy) == 2 else n
            return int(chinese(cy))
        if g["yrel"] and p is not None:
            if g["yrel"] in DISCUSSED_SHIFT:
                return (discussed or p.year) + DISCUSSED_SHIFT[g["yrel"]]
            return p.year + YEAR_SHIFT[g["yrel"]]
        return None

    def _bounds(
        self, g: dict[str, str | None], p: date | None, discussed: int | None, month: date | None
    ) -> tuple[date | None, date | None, bool]:
        if g["yr1"]:
            return date(int(g["yr1"]), 1, 1), date(int(g["yr2"]), 12, 31), False
        if g["ny"]:
            if g["nd"]:
                start = date(int(g["ny"]), int(g["nm"]), int(g["nd"]))
            else:
                start = date(int(g["ny"]), int(g["nm"]), 1)
            end = start if g["nd"] else _month_end(start.year, start.month)
            if g["ny2"]:
                y2, m2 = int(g["ny2"]), int(g["nm2"])
                end = date(y2, m2, int(g["nd2"])) if g["nd2"] else _month_end(y2, m2)
            return start, end, False
        if g["n8"]:
            d = date(int(g["n8"][:4]), int(g["n8"][4:6]), int(g["n8"][6:]))
            return d, d, False
        if g["dec"]:
            return _decade(g)
        if g["cn2"]:
            c = _number(g["cn2"])
            first = (c - 1) * 100
            start, end = date(max(first, 1), 1, 1), date(first + 99, 12, 31)
            if g["centp"] == "初":
                end = date(first + 9, 12, 31)
            elif g["centp"] == "末":
                start = date(first + 90, 1, 1)
            return start, end, False
        year = self._year(g, p, discussed)
        if g["ld"] or g["lm"]:
            return self._lunar(g, p, year)
        if g["m"] or g["mrel"]:
            return self._month_level(g, p, year, month)
        if year is not None:
            start, end, vague = self._year_level(g, year)
            return self._tail(g, start, end, vague, p)
        if g["wrel"] or g["wd"]:
            if p is None:
                return None, None, False
            return _week(p, self.week_shift.get(g["wrel"] or "", 0), g["wd"])
        if g["qrel"] or g["q"]:
            if p is None:
                return None, None, False
            if g["qrel"]:
                shift = {"上上个": -2, "下下个": 2, "上个": -1, "下个": 1, "上": -1, "下": 1}.get(g["qrel"], 0)
                y, q = divmod(p.year * 4 + (p.month - 1) // 3 + shift, 4)
                return _quarter(y, q + 1, g["qp"])
            return _quarter(p.year, _quarter_number(g["q"]), g["qp"])
        if p is None:
            return None, None, False
        if g["zodiac"]:
            return self._zodiac_year(g["zodiac"], p)
        if g["fest"] or g["fest2"]:
            name = g["fest"] or g["fest2"]
            bare = self.festivals[name].get("bare", "day")
            window = "eve" if g["ahead"] else self.windows[g["fwin"]] if g["fwin"] else bare
            return self._festival(name, window, p)
        if g["nyears2"]:
            if g["nmore"]:
                return None, p, True  # `一年多来`, like `十多年来`: the start is not stated
            return date(p.year - _number(g["nyears2"]), 1, 1), p, True
        if g["sseason"]:
            # `入秋以来` in the publication year's season, or last year's before its term.
            season = g["sseason"][1]
            for year in (p.year, p.year - 1):
                term = self.lunar[SEASON_TERM[season]].get(year)
                if term and (start := date.fromisoformat(f"{year}-{term}")) <= p:
                    return start, p, False
            return None, p, False
        if g["nyears"]:
            return date(p.year - _number(g["nyears"]), 1, 1), p, True
        if g["fmonths"]:
            # `前5个月`: January to the end of the N-th month, of this year once that month has ended.
            n = _number(g["fmonths"]) * (3 if g["fmunit"] == "季度" else 1)
            year = (discussed or p.year) if discussed else (p.year if _month_end(p.year, n) < p else p.year - 1)
            return date(year, 1, 1), _month_end(year, n), False
        if g["lastyears"]:
            # `五年里，…` at a clause's head: the N years up to now; a report in spring looks back on full years.
            n = _number(g["lastyears"])
            last = p.year - 1 if p.month <= 3 else p.year
            return date(last - n + 1, 1, 1), date(last, 12, 31), True
        if g["fyears"]:
            return p, date(p.year + _number(g["fyears"]), 12, 31), True  # `未来五年`: a plan's horizon
        if g["dd"]:
            day = int(g["dd"])
            y, mo = p.year, p.month
            if day > calendar.monthrange(y, mo)[1]:  # `30日` in February: the previous month's
                y, mo = divmod(y * 12 + mo - 2, 12)
                mo += 1
            d = date(y, mo, day)
            return self._tail(g, d, d, False, p)
        if g["rel"]:
            return _relative(self.relative[g["rel"]], p)
        return None, None, False

    def _month_level(
        self, g: dict[str, str | None], p: date | None, year: int | None, discussed: date | None
    ) -> tuple[date | None, date | None, bool]:
        """A month (`5月`, `本月`), with its year, day or part, and a range tail.

        `当月`/`同月` is the month the text discusses (`9月份当月`), else the publication month.
        """
        if g["mrel"] in ("当月", "同月") and (discussed or p):
            ref = discussed or p
            year, month = ref.year, ref.month
        elif g["mrel"]:
            if p is None:
                return None, None, False
            shift = {"上个月": -1, "上一个月": -1, "上月": -1, "下个月": 1, "下一个月": 1, "下月": 1}.get(g["mrel"], 0)
            y, mo = divmod(p.year * 12 + p.month - 1 + shift, 12)
            year, month = (y if year is None else year), mo + 1  # `去年本月十日`: this month of last year
        else:
            month = _number(g["m"])
            if year is None:
                if p is None:
                    return None, None, False
                year = p.year
                if g["mfrom"] and month > p.month:
                    year -= 1  # `1—11月` reported in January: the months already past, of last year
                if g["d"] and month == 2 and _number(g["d"]) == 29:
                    while not calendar.isleap(year):  # `2月29日` without a year: the last leap year
                        year -= 1
        if g["d"]:
            start = end = date(year, month, _number(g["d"]))
        elif g["mp"]:
            start, end = _month_part(year, month, g["mp"])
        elif g["mnth"]:
            start = end = _nth_weekday(year, month, g["mnth"], WEEKDAY[g["mwd"]])
        elif g["mwk"]:
            start, end = _week_of_month(year, month, _number(g["mwk"]))
        elif g["mfirst"]:
            n = _number(g["mfn"])
            last = _month_end(year, month)
            start, end = (
                (date(year, month, 1), date(year, month, n)) if g["mfirst"] != "最后" else (last - timedelta(days=n - 1), last)
            )
        else:
            start, end = date(year, month, 1), _month_end(year, month)
        if g["mfrom"]:
            start = date(year, _number(g["mfrom"]), 1)
        return self._tail(g, start, end, False, p)

    def _lunar(self, g: dict[str, str | None], p: date | None, year: int | None) -> tuple[date | None, date | None, bool]:
        """A lunar month or day (`农历八月十五`, `腊月初十`); without a year, the occurrence nearest publication."""
        lm = g["lm"] or "正"  # `大年初三` is in the first month
        month = LUNAR_NAMED[lm] if lm in LUNAR_NAMED else _number(lm)
        day = None
        if g["ld"]:
            ld = g["ld"].removeprefix("初")
            day = 20 + (_number(ld[1:]) if len(ld) > 1 else 0) if ld.startswith("廿") else _number(ld)
        leap = bool(g["lleap"])
        if year is not None:
            return self._lunar_span(year, month, leap, day)
        if p is None:
            return None, None, False
        spans = [s for y in (p.year - 1, p.year, p.year + 1) if (s := self._lunar_span(y, month, leap, day))[0]]
        if not spans:
            return None, None, False
        return min(spans, key=lambda s: abs((s[0] - p).days))

    def _lunar_span(self, year: int, month: int, leap: bool, day: int | None) -> tuple[date | None, date | None, bool]:
        """Gregorian bounds of a lunar month (or one day of it) from `[lunar_calendar]`."""
        row = self.lunar_calendar.get(year)
        if row is None or (leap and row["leap"] != month):
            return None, None, False
        index = month - 1 + (1 if row["leap"] and (month > row["leap"] or leap) else 0)
        lengths = [30 if ch == "1" else 29 for ch in row["months"]]
        first = date.fromisoformat(f"{year}-{row['new_year']}") + timedelta(days=sum(lengths[:index]))
        if day is None:
            return first, first + timedelta(days=lengths[index] - 1), False
        if day > lengths[index]:
            return None, None, False
        return (d := first + timedelta(days=day - 1)), d, False

    def _tail(
        self, g: dict[str, str | None], start: date | None, end: date | None, vague: bool, p: date | None
    ) -> tuple[date | None, date | None, bool]:
        """The second half of a range (`至8月22日`, `到五月`) inherits the first half's year and month."""
        named_year = g["ty"] or g["ty2"] or g["tyrel"]
        if start is None or end is None or not (named_year or g["tm"] or g["tmrel"] or g["td"]):
            return start, end, vague
        year, month = start.year, start.month
        if g["ty"]:
            year = int(g["ty"]) if g["ty"].isdigit() else int("".join(str(DIGIT[ch]) for ch in g["ty"]))
        elif g["ty2"]:
            year = _two_digit_year(int(g["ty2"]), p)
        elif g["tyrel"] and p is not None:
            year = p.year + YEAR_SHIFT[g["tyrel"]]
        if g["tmrel"] and p is not None:
            shift = {"下个月": 1, "下月": 1, "上个月": -1, "上月": -1}.get(g["tmrel"], 0)
            y, mo = divmod(p.year * 12 + p.month - 1 + shift, 12)
            year, month = y, mo + 1
        elif g["tm"]:
            month = _number(g["tm"])
            if not named_year and month < start.month:
                year += 1  # `8月至2月`: the next February
        if g["td"]:
            last = date(year, month, _number(g["td"]))
        elif g["tmp"]:
            last = _month_part(year, month, g["tmp"])[1]
        elif g["tm"] or g["tmrel"]:
            last = _month_end(year, month)
        else:
            last = date(year, 12, 31)
        return start, max(last, end), vague

    def _year_level(self, g: dict[str, str | None], year: int) -> tuple[date | None, date | None, bool]:
        """A year with an optional part: quarter, half, first months, week, day, season, festival."""
        if g["q"]:
            return _quarter(year, _quarter_number(g["q"]), g["qp"])
        if g["yfirst"]:
            return _first_or_last(year, g["yfirst"] in ("后", "最后", "最後"), _number(g["yfn"]), g["yfu"] or "")
        if g["ymo"] or g["ymo1"]:
            n = _number(g["ymo"]) if g["ymo"] else 1
            return date(year, n, 1), _month_end(year, n), False
        if g["ywk"]:
            return (*_week_of_month(year, 1, _number(g["ywk"])), False)
        if g["yday"]:
            d = date(year, 1, 1) + timedelta(days=_number(g["yday"]) - 1)
            return d, d, False
        if g["season"]:
            season = next(ch for ch in g["season"] if ch in SEASON_START)  # 春季, 入夏, 秋天
            first = SEASON_START[season]
            start = date(year, first, 1)
            if g["season"].startswith("入"):
                term = self.lunar[SEASON_TERM[season]].get(year)
                start = date.fromisoformat(f"{year}-{term}") if term else start
            end_month = first + 2
            return start, _month_end(year + (end_month - 1) // 12, (end_month - 1) % 12 + 1), False
        if g["farm"]:
            first, last = self.farm_seasons[g["farm"]]
            return date.fromisoformat(f"{year}-{first}"), date.fromisoformat(f"{year}-{last}"), True
        if g["yfest"]:
            d = self._festival_day(g["yfest"], year)
            if d is None:
                raise KeyError(g["yfest"])
            window = self.windows[g["yfwin"]] if g["yfwin"] else self.festivals[g["yfest"]].get("bare", "day")
            return self._window(g["yfest"], window, d)
        yp = g["yp"] or ""
        if yp in ("年初", "初", "年伊始", "伊始"):
            return date(year, 1, 1), date(year, 1, 31), yp.endswith("伊始")
        if yp in ("年底", "年末", "底", "末"):
            return date(year, 12, 1), date(year, 12, 31), False
        if yp in ("上半年", "前半年"):
            return date(year, 1, 1), date(year, 6, 30), False
        if yp in ("下半年", "后半年"):
            return date(year, 7, 1), date(year, 12, 31), False
        if yp == "前三季度":
            return date(year, 1, 1), date(year, 9, 30), False
        return date(year, 1, 1), date(year, 12, 31), False

    def _zodiac_year(self, animal: str, p: date) -> tuple[date | None, date | None, bool]:
        """`龙年` alone: the lunar year of that animal next to publication, 正月初一 to the eve of the next.

        Only the year before, of or after publication can be meant without a number; another
        animal's year is left unresolved (and dropped).
        """
        for year in (p.year, p.year + 1, p.year - 1):
            if ZODIAC[(year - 4) % 12] == animal:
                start, following = self._festival_day("春节", year), self._festival_day("春节", year + 1)
                if start and following:
                    return start, following - timedelta(days=1), False
        return None, None, False

    def _festival_day(self, name: str, year: int) -> date | None:
        f = self.festivals[name]
        if "lunar_date" in f:
            month, day = f["lunar_date"]
            d = self._lunar_span(year, month, False, day)[0]
            if d is None:
                return None
        elif "lunar" in f:
            md = self.lunar[f["lunar"]].get(year)
            if md is None:
                return None
            d = date.fromisoformat(f"{year}-{md}")
        elif "nth" in f:
            month, nth, weekday = f["nth"]  # 母亲节: the 2nd Sunday (weekday 6) of May
            first = date(year, month, 1)
            d = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
        else:
            d = date.fromisoformat(f"{year}-{f['day']}")
        return d + timedelta(days=int(f.get("offset", 0)))

    def _festival(self, name: str, window: str, p: date) -> tuple[date | None, date | None, bool]:
        """The festival occurrence nearest the publication date, and the window around it.

        A zodiac year in the name (`龙年春节`) picks the lunar year: the nearest of that animal.
        """
        years = [p.year - 1, p.year, p.year + 1]
        animal = self.zodiac.find(name[0]) if name[1:2] == "年" else -1
        if animal >= 0:
            first = p.year - (p.year - self.rat_year - animal) % 12
            years = [first] if p.year - first <= 6 else [first + 12]
        days = [d for y in years if (d := self._festival_day(name, y))]
        if not days:
            return None, None, False
        return self._window(name, window, min(days, key=lambda x: abs((x - p).days)))

    def _window(self, name: str, window: str, d: date) -> tuple[date | None, date | None, bool]:
        """The period a festival window (`期间`, `前`, `前夕`) gives around the festival day D."""
        if window == "holiday":
            fest = self.festivals[name]
            n = int(fest.get("holiday_days", 1))
            # `holiday_from` = {year: offset}: the latest year not after D's shifts the start (2025: 除夕).
            since = [(int(y), off) for y, off in fest.get("holiday_from", {}).items() if int(y) <= d.year]
            shift = max(since)[1] if since else 0
            start = d + timedelta(days=shift)
            return start, start + timedelta(days=n - 1), False
        if window == "before":
            return None, d - timedelta(days=1), False
        if window == "around":
            return d, d, True
        if window == "eve":
            return d - timedelta(days=14), d - timedelta(days=1), True
        return d, d, False


def _number(text: str) -> int:
    """A small count in Arabic or Chinese digits (`12`, `十二`, `两`)."""
    return int(text) if text.isdigit() else int(chinese(text))


def _two_digit_year(n: int, p: date | None) -> int:
    """`08年` → 2008: the century that puts the year within 89 years before to 10 after publication."""
    base = p.year if p else date.today().year
    year = base - base % 100 + n
    if year > base + 10:
        year -= 100
    return year


def _same_day(year: int, p: date) -> date:
    last = calendar.monthrange(year, p.month)[1]
    return date(year, p.month, min(p.day, last))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _month_part(year: int, month: int, part: str) -> tuple[date, date]:
    """上旬/月初 the first ten days, 中旬 the middle ten, 下旬/月底 from the 21st."""
    if part in ("上旬", "初", "月初"):
        return date(year, month, 1), date(year, month, 10)
    if part == "中旬":
        return date(year, month, 11), date(year, month, 20)
    return date(year, month, 21), _month_end(year, month)


def _week_of_month(year: int, month: int, n: int) -> tuple[date, date]:
    """The N-th Monday-to-Sunday week that starts in the month (`五月第一周`)."""
    first = date(year, month, 1)
    monday = first + timedelta(days=(7 - first.weekday()) % 7) + timedelta(weeks=n - 1)
    return monday, monday + timedelta(days=6)


def _nth_weekday(year: int, month: int, nth: str, weekday: int) -> date:
    """`第二个星期日` (nth = `第二个`) or `最后一个星期一` of a month; weekday 0 is Monday."""
    if nth == "最后一个":
        last = _month_end(year, month)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (_number(nth[1:-1]) - 1))


def _first_or_last(year: int, last: bool, n: int, unit: str) -> tuple[date, date, bool]:
    """`前五个月`, `后三月`, `前2周`, `最后10天` of a year; weeks are whole Monday-to-Sunday weeks."""
    if unit in ("月", "季度"):
        months = n * (3 if unit == "季度" else 1)
        if last:
            return date(year, 13 - months, 1), date(year, 12, 31), False
        return date(year, 1, 1), _month_end(year, months), False
    days = n if unit == "天" else n * 7
    if unit == "天":
        first, final = date(year, 1, 1), date(year, 12, 31)
    else:
        first = _week_of_month(year, 1, 1)[0]
        final = date(year, 12, 31) - timedelta(days=(date(year, 12, 31).weekday() + 1) % 7)  # the last Sunday
    if last:
        return final - timedelta(days=days - 1), final, False
    return first, first + timedelta(days=days - 1), False


def _week(p: date, shift: int, day: str | None) -> tuple[date, date, bool]:
    """A week (`上周`) or a weekday of it (`下周六`, `星期天`) counted from the publication week."""
    monday = p - timedelta(days=p.weekday()) + timedelta(weeks=shift)
    if not day:
        return monday, monday + timedelta(days=6), False
    if day == "末":
        return monday + timedelta(days=5), monday + timedelta(days=6), False
    d = monday + timedelta(days=WEEKDAY[day])
    return d, d, False


def _quarter_number(q: str) -> int:
    core = q.strip("第季度")
    return 1 if core.startswith("首") or not core else _number(core)


def _quarter(year: int, n: int, part: str | None) -> tuple[date, date, bool]:
    """Quarter N of a year; 初 its first month, 末/底 its last."""
    start, end = date(year, 3 * n - 2, 1), _month_end(year, 3 * n)
    if part == "初":
        end = _month_end(year, 3 * n - 2)
    elif part in ("末", "底"):
        start = date(year, 3 * n, 1)
    return start, end, False


def _decade(g: dict[str, str | None]) -> tuple[date, date, bool]:
    """`九十年代` (the 1990s unless a century says otherwise), with 初/中期/末 as its thirds."""
    dec = g["dec"] or ""
    if len(dec) == 4:
        first = int(dec)
    else:
        century = 1900
        if g["cent"] == "本世纪":
            century = 2000
        elif g["cn"]:
            century = (_number(g["cn"]) - 1) * 100
        first = century + _number(dec)
    start, end = date(first, 1, 1), date(first + 9, 12, 31)
    part = g["decp"] or ""
    if part in ("初", "初期", "前期"):
        end = date(first + 2, 12, 31)
    elif part == "中期":
        start, end = date(first + 3, 1, 1), date(first + 6, 12, 31)
    elif part in ("末", "末期", "后期"):
        start = date(first + 7, 1, 1)
    return start, end, False


def _relative(rule: str, p: date) -> tuple[date | None, date | None, bool]:
    """Apply one named rule of `rules/dates/dates.toml` to the publication date."""
    name, _, arg = rule.partition(":")
    n = int(arg) if arg.lstrip("-").isdigit() else 0
    if name == "day":
        d = p + timedelta(days=n)
        return d, d, False
    if name == "from_day":
        return p + timedelta(days=n), None, False
    if name == "recent":
        return p - timedelta(days=n), p, True
    if name == "months_back":
        y, mo = divmod(p.year * 12 + p.month - 1 - n, 12)
        return date(y, mo + 1, min(p.day, calendar.monthrange(y, mo + 1)[1])), p, True
    if name == "years_back":
        return date(p.year - n, 1, 1), p, True
    if name == "open_to_pub":
        return None, p, False
    if name == "year":
        return date(p.year + n, 1, 1), date(p.year + n, 12, 31), False
    if name == "ytd":
        return date(p.year, 1, 1), p, False
    if name == "same_period":
        return date(p.year + n, 1, 1), _same_day(p.year + n, p), False
    if name == "month_of_year":
        return date(p.year, n, 1), _month_end(p.year, n), False
    if name == "half":
        return (date(p.year, 1, 1), date(p.year, 6, 30), False) if n == 1 else (date(p.year, 7, 1), date(p.year, 12, 31), False)
    if name == "quarters":
        return date(p.year, 1, 1), _month_end(p.year, 3 * n), False
    if name == "year_span":
        return date(p.year, 1, 1), date(p.year + n, 12, 31), False
    if name == "months":
        first, _, last = arg.partition("-")
        return date(p.year, int(first), 1), _month_end(p.year, int(last)), True
    if name == "ahead":
        return p + timedelta(days=1), p + timedelta(days=n), True
    if name == "days":
        first, _, last = arg.partition("-")
        return p + timedelta(days=int(first)), p + timedelta(days=int(last)), False
    if name in ("month_end", "month_start"):
        y, mo = divmod(p.year * 12 + p.month - 1 + n, 12)
        if name == "month_start":
            return date(y, mo + 1, 1), date(y, mo + 1, 10), False
        return date(y, mo + 1, 21), _month_end(y, mo + 1), False
    raise ValueError(f"unknown date rule {rule!r}")


def _join_day_ranges(text: str, dates: list[Entity]) -> list[Entity]:
    """Two days joined by 到/至, hours allowed around them, are one range (`昨天8时至今天8时` → P-1..P)."""
    out: list[Entity] = []
    for d in dates:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.date_start is not None
            and prev.date_start == prev.date_end
            and d.date_start is not None
            and d.date_start == d.date_end
            and prev.date_start <= d.date_start
            and DAY_RANGE_JOIN.fullmatch(text, prev.end, d.start)
        ):
            tail = DAY_RANGE_END.match(text, d.end)
            end = tail.end() if tail else d.end
            out[-1] = Entity("DATE", text[prev.start : end], prev.start, end, date_start=prev.date_start, date_end=d.date_end)
            continue
        out.append(d)
    return out
