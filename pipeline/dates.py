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
QUARTER = r"(?:第?[一二三四1-4]季度)"
PART = r"(?:上半年|下半年|前三季度|年初|年底|年末|初|底|末|度)"
MONTH_PART = r"(?:上旬|中旬|下旬|初|底|末|份)"


# A season with a year is a date (`今年入夏以来`); without one it is not (docs/ANNOTATION.md).
SEASON_START = {"春": 3, "夏": 6, "秋": 9, "冬": 12}
SEASON_TERM = {"春": "spring_begins", "夏": "summer_begins", "秋": "autumn_begins", "冬": "winter_begins"}
# After a bare festival name these make it an occasion, not a date (`国庆招待会`, `七夕节的诗意`).
OCCASION_AFTER = set("的招晚祝活氛气档文")
# Relative words resolved against the year under discussion rather than the publication year.
DISCUSSED_YEAR_WORDS = {
    "上年": "previous",
    "上一年": "previous",
    "前一年": "previous",
    "年底": "same",
    "年末": "same",
    "年初": "same",
}


class DateFinder:
    """Date patterns compiled once from `rules/dates/dates.toml`."""

    def __init__(self, rules: Rules) -> None:
        self.relative: dict[str, str] = rules.dates["relative"]
        fest = rules.festivals
        self.lunar: dict[str, dict[int, str]] = {k: {int(y): md for y, md in v.items()} for k, v in fest["lunar"].items()}
        self.festivals: dict[str, dict] = {n: f for f in fest["festival"] for n in f["names"]}
        self.windows: dict[str, str] = fest["windows"]
        fest_names = "|".join(regex.escape(n) for n in sorted(self.festivals, key=len, reverse=True))
        fest_suffix = "|".join(regex.escape(w) for w in sorted(self.windows, key=len, reverse=True) if w)
        self.not_dates = set(rules.dates["not_dates"]["words"])
        rel = "|".join(regex.escape(w) for w in sorted(self.relative, key=len, reverse=True))
        self.pattern = regex.compile(
            rf"""
            (?P<prefix>截至|截止到|截止|截至到)?
            (?:
              (?P<ny>{YEAR})(?P<nsep>[-/.])(?P<nm>{MON})(?P=nsep)(?P<nd>{DAY})(?![\d.])
            | (?P<cny>[零〇一二三四五六七八九]{{4}})年(?:(?P<cnm>{CN_MON}|{MON})月(?:(?P<cnd>[一二三]?十?[一二三四五六七八九十]|{DAY})[日号])?)?
            | (?P<yr1>{YEAR})年?\s*[—–\-至到~]\s*(?P<yr2>{YEAR})年(?P<yrdu>度)?
            | (?P<sy>今年|去年|明年|{YEAR}年)(?P<season>春季|夏季|秋季|冬季|春天|夏天|秋天|冬天|入春|入夏|入秋|入冬)
            | (?P<y>{YEAR})年(?:(?:(?P<mfrom>{MON})[至到—–\-~])?(?P<m>{MON}|{CN_MON})月(?:(?P<d>{DAY})[日号](?:[至到—\-](?:(?P<m_to>{MON})月)?(?P<d2>{DAY})[日号])?|(?P<mp>{MONTH_PART}))?|(?P<q>{QUARTER})|(?P<yp>{PART}))?
            | (?P<reltop>今年|去年|明年|前年|上年)(?:(?:(?P<rmfrom>{MON})[至到—–\-~])?(?P<rm>{MON})月(?:(?P<rd>{DAY})[日号]|(?P<rmp>{MONTH_PART}))?|(?P<rq>{QUARTER})|(?P<rp>上半年|下半年|前三季度|年初|年底|年末|同期|以来))
            | (?:(?P<m2from>{MON})[至到—–\-~])?(?P<m2>{MON}|{CN_MON})月(?:(?P<d3>{DAY})[日号](?:[至到—\-](?:(?P<m4>{MON})月)?(?P<d4>{DAY})[日号])?|(?P<mp2>{MONTH_PART})|[至到—\-](?P<m2to>{MON}|{CN_MON})月)?
            | (?P<cent>上世纪|20世纪|二十世纪)(?P<dec>[一二三四五六七八九]十)年代
            | (?P<festyear>今年|去年|明年)?(?P<fest>{fest_names})(?P<fwin>{fest_suffix})?
            | (?P<ahead>临近)(?P<fest2>{fest_names})
            | (?P<thismonth>这个月|本月|上个月|上月|下个月)
            | 近(?P<nyears>[一二两三四五六七八九十\d]{{1,2}})年来?
            | (?<![\d年第])(?P<nyears2>[一二两三四五六七八九十\d]{{1,3}})年来
            | (?P<rel>{rel})
            | (?<![\d年月个第])(?P<dd>{DAY})日(?=[上下]午|晚|电|讯|消息|在|，|起|至|前后|凌晨|早)
            )
            (?P<since>以来)?
            """,
            regex.VERBOSE,
        )

    def find(self, text: str, published: date | None, excluded: list[tuple[int, int]]) -> list[Entity]:
        """Every date of `text`; values stay empty when there is no publication date to resolve against."""
        out: list[Entity] = []
        discussed: int | None = None  # the year the text is talking about, for 上年 and 年底
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
            if m.group("y") and not (m.group("m") or m.group("q") or m.group("yp") or m.group("since")):
                if e < len(text) and text[e] == "版":
                    continue
            if m.group("prefix") and not (m.group("rel") or m.group("y") or m.group("m2") or m.group("reltop")):
                continue
            span_text = text[s:e]
            if span_text in self.not_dates:
                continue
            if m.group("fest") and not m.group("fwin") and not m.group("festyear") and text[e : e + 1] in OCCASION_AFTER:
                continue
            start, end, vague = self.resolve(m, published, discussed)
            if m.group("prefix"):
                start = None
            whole_year = (
                start and end and (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year
            )
            if whole_year and (m.group("rel") or "") not in DISCUSSED_YEAR_WORDS:
                discussed = start.year  # a whole calendar year: `2019年`, `去年`
            out.append(Entity("DATE", span_text, s, e, date_start=start, date_end=end, vague=vague or None))
        return out

    def resolve(self, m: regex.Match[str], p: date | None, discussed: int | None = None) -> tuple[date | None, date | None, bool]:
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
            start, end, vague = self._bounds(g, p)
        except (ValueError, KeyError, NumberError, OverflowError):
            return None, None, False  # an expression the rules cannot resolve stays a DATE without bounds
        if g["since"] and start is not None:
            end = p
        return start, end, vague

    def _bounds(self, g: dict[str, str | None], p: date | None) -> tuple[date | None, date | None, bool]:
        if g["yr1"]:
            return date(int(g["yr1"]), 1, 1), date(int(g["yr2"]), 12, 31), False
        if g["ny"]:
            d = date(int(g["ny"]), int(g["nm"]), int(g["nd"]))
            return d, d, False
        if g["cny"]:
            year = int(chinese(g["cny"]))
            month = None if g["cnm"] is None else str(int(g["cnm"]) if g["cnm"].isdigit() else int(chinese(g["cnm"])))
            day = None if g["cnd"] is None else str(int(g["cnd"]) if g["cnd"].isdigit() else int(chinese(g["cnd"])))
            return _calendar(year, month, day, None, None, None, None)
        if g["y"]:
            month = g["m"] if g["m"] is None or g["m"].isdigit() else str(int(chinese(g["m"])))
            start, end, vague = _from_month(_calendar(int(g["y"]), month, g["d"], g["d2"], g["mp"], g["q"], g["yp"]), g["mfrom"])
            if g["m_to"] and g["d2"] and start:
                end = date(start.year, int(g["m_to"]), int(g["d2"]))
            return start, end, vague
        if g["cent"]:
            decade = 1900 + int(chinese(g["dec"]))
            return date(decade, 1, 1), date(decade + 9, 12, 31), False
        if p is None:
            return None, None, False
        if g["reltop"]:
            year = p.year + {"今年": 0, "去年": -1, "上年": -1, "明年": 1, "前年": -2}[g["reltop"]]
            if g["rp"] == "以来":
                return date(year, 1, 1), p, False
            if g["rp"] == "同期":
                return date(year, 1, 1), _same_day(year, p), False
            return _from_month(_calendar(year, g["rm"], g["rd"], None, g["rmp"], g["rq"], g["rp"]), g["rmfrom"])
        if g["m2"]:
            month = int(g["m2"]) if g["m2"].isdigit() else int(chinese(g["m2"]))
            start, end, vague = _from_month(_calendar(p.year, str(month), g["d3"], g["d4"], g["mp2"], None, None), g["m2from"])
            if g["m4"] and g["d4"] and start:
                end = date(start.year, int(g["m4"]), int(g["d4"]))
            if g["m2to"]:
                to = int(g["m2to"]) if g["m2to"].isdigit() else int(chinese(g["m2to"]))
                end = _month_end(p.year, to)
            return start, end, vague
        if g["season"]:
            year = int(g["sy"][:4]) if g["sy"][0].isdigit() else p.year + {"今年": 0, "去年": -1, "明年": 1}[g["sy"]]
            season = next(ch for ch in g["season"] if ch in SEASON_START)  # 春季, 入夏, 秋天
            first = SEASON_START[season]
            start = date(year, first, 1)
            if g["season"].startswith("入"):
                term = self.lunar[SEASON_TERM[season]].get(year)
                start = date.fromisoformat(f"{year}-{term}") if term else start
            end_month = first + 2
            end = _month_end(year + (end_month - 1) // 12, (end_month - 1) % 12 + 1)
            return start, end, False
        if g["fest"] or g["fest2"]:
            shift = {"去年": -1, "明年": 1}.get(g["festyear"] or "", 0)
            name = g["fest"] or g["fest2"]
            bare = self.festivals[name].get("bare", "day")
            window = "eve" if g["ahead"] else self.windows[g["fwin"]] if g["fwin"] else bare
            return self._festival(name, window, p, shift)
        if g["thismonth"]:
            shift = {"上个月": -1, "上月": -1, "下个月": 1}.get(g["thismonth"], 0)
            y, mo = divmod(p.year * 12 + p.month - 1 + shift, 12)
            return date(y, mo + 1, 1), _month_end(y, mo + 1), False
        if g["nyears2"]:
            n = int(g["nyears2"]) if g["nyears2"].isdigit() else int(chinese(g["nyears2"]))
            return date(p.year - n, 1, 1), p, True
        if g["nyears"]:
            n = int(g["nyears"]) if g["nyears"].isdigit() else int(chinese(g["nyears"]))
            return date(p.year - n, 1, 1), p, True
        if g["dd"]:
            return (d := date(p.year, p.month, int(g["dd"]))), d, False
        if g["rel"]:
            return _relative(self.relative[g["rel"]], p)
        return None, None, False

    def _festival_day(self, name: str, year: int) -> date | None:
        f = self.festivals[name]
        if "lunar" in f:
            md = self.lunar[f["lunar"]].get(year)
            if md is None:
                return None
            d = date.fromisoformat(f"{year}-{md}")
        else:
            d = date.fromisoformat(f"{year}-{f['day']}")
        return d + timedelta(days=int(f.get("offset", 0)))

    def _festival(self, name: str, window: str, p: date, shift: int) -> tuple[date | None, date | None, bool]:
        """The festival occurrence nearest the publication date, and the window around it."""
        days = [d for y in (p.year - 1, p.year, p.year + 1) if (d := self._festival_day(name, y + shift))]
        if not days:
            return None, None, False
        d = min(days, key=lambda x: abs((x - p).days)) if not shift else self._festival_day(name, p.year + shift)
        if d is None:
            return None, None, False
        f = self.festivals[name]
        if window == "holiday":
            n = int(f.get("holiday_days", 1))
            return d, d + timedelta(days=n - 1), False
        if window == "before":
            return None, d - timedelta(days=1), False
        if window == "eve":
            return d - timedelta(days=14), d - timedelta(days=1), True
        return d, d, False


def _from_month(bounds: tuple[date | None, date | None, bool], month_from: str | None) -> tuple[date | None, date | None, bool]:
    """`1—4月`: a month range starts on the first of its first month."""
    start, end, vague = bounds
    if month_from and end is not None:
        start = date(end.year, int(month_from), 1)
    return start, end, vague


def _same_day(year: int, p: date) -> date:
    last = calendar.monthrange(year, p.month)[1]
    return date(year, p.month, min(p.day, last))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _calendar(
    year: int, m: str | None, d: str | None, d2: str | None, mp: str | None, q: str | None, yp: str | None
) -> tuple[date, date, bool]:
    """Bounds of a calendar expression within one year."""
    if m:
        month = int(m)
        if d:
            day = date(year, month, int(d))
            return day, date(year, month, int(d2)) if d2 else day, False
        if mp in ("上旬", "初"):
            return date(year, month, 1), date(year, month, 10), False
        if mp == "中旬":
            return date(year, month, 11), date(year, month, 20), False
        if mp in ("下旬", "底", "末"):
            return date(year, month, 21), _month_end(year, month), False
        return date(year, month, 1), _month_end(year, month), False
    if q:
        n = int(q.strip("第季度")) if q.strip("第季度").isdigit() else int(chinese(q.strip("第季度")))
        return date(year, 3 * n - 2, 1), _month_end(year, 3 * n), False
    if yp in ("年初", "初"):
        return date(year, 1, 1), date(year, 1, 31), False
    if yp in ("年底", "年末", "底", "末"):
        return date(year, 12, 1), date(year, 12, 31), False
    if yp == "上半年":
        return date(year, 1, 1), date(year, 6, 30), False
    if yp == "下半年":
        return date(year, 7, 1), date(year, 12, 31), False
    if yp == "前三季度":
        return date(year, 1, 1), date(year, 9, 30), False
    return date(year, 1, 1), date(year, 12, 31), False


def _relative(rule: str, p: date) -> tuple[date | None, date | None, bool]:
    """Apply one named rule of `rules/dates/dates.toml` to the publication date."""
    name, _, arg = rule.partition(":")
    n = int(arg) if arg.lstrip("-").isdigit() else 0
    if name == "day":
        d = p + timedelta(days=n)
        return d, d, False
    if name == "recent":
        return p - timedelta(days=n), p, True
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
    if name == "week":
        monday = p - timedelta(days=p.weekday()) + timedelta(weeks=n)
        return monday, monday + timedelta(days=6), False
    if name in ("month_end", "month_start"):
        y, mo = divmod(p.year * 12 + p.month - 1 + n, 12)
        if name == "month_start":
            return date(y, mo + 1, 1), date(y, mo + 1, 10), False
        return date(y, mo + 1, 21), _month_end(y, mo + 1), False
    if name == "quarter":
        return date(p.year, 3 * n - 2, 1), _month_end(p.year, 3 * n), False
    raise ValueError(f"unknown date rule {rule!r}")
