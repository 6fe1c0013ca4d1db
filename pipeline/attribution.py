"""Figure → place, period and programme, each with how it was found.

Runs on one article at a time (its title first, then its body), because a
page's items each have their own subject and period.

Place: a deictic word before the figure in its sentence (`该区`, `全县`)
resolves to the nearest preceding place of that level; else the place named
nearest before the figure in its sentence (the one that modifies what is counted:
`拉萨500千伏输变电工程`), else the most specific after it, or the place
of an organisation's name before it when the sentence names no other; else the
nearest preceding place in the paragraph; else the nearest named in a paragraph
before (a page of several stories moves from place to place); else the article's
subject place (the first place of its title or lead, else its most named place). Places
named as members of a list (`舒兰、榆树等地`) are none of these: a figure of
their sentence is a sum over them and gets no place.

Date: a DATE in the sentence that is not a comparison base (`比上年`, `去年同期`),
or a five-year plan's period (`“十四五”时期` → 2021..2025);
else the last such DATE earlier in the paragraph; else the article's governing
period (its first `…以来` or whole-period expression). A period followed by
`起`/`开始`/`以来` runs to the publication date.

Programme: one named in the same sentence.
"""

from __future__ import annotations

import bisect
from collections import Counter
from datetime import date

import regex

from .entities import Entity

SENTENCE_END = regex.compile(r"[。！？!?；;\n]")
PARAGRAPH_END = regex.compile(r"\n")
LEVEL_RANK = {"village": 5, "township": 4, "zone": 3, "county": 3, "city": 2, "province": 1, "region": 1, "foreign": 1}
# How much a mention counts towards an article's main place: a zone, township or
# village is usually a part the article visits, the county or city its subject.
SUBJECT_WEIGHT = {"village": 0.6, "township": 0.8, "zone": 0.8}
# Deictic words and the levels of the place they point back to.
DEICTIC = regex.compile(r"(?:该|全|本|此)(区|县|市|镇|乡|街道|村|社区|省)|(村|镇|乡|县|市)里(?!程)")
DEICTIC_LEVELS = {
    "区": ("county", "zone"),  # in order of preference
    "县": ("county",),
    "市": ("city", "county"),
    "镇": ("township",),
    "乡": ("township",),
    "街道": ("township",),
    "村": ("village",),
    "社区": ("village",),
    "省": ("province",),
}
# Province-level cities: `全市` after them means them.
MUNICIPALITIES = frozenset({"北京市", "上海市", "天津市", "重庆市"})
# How far before a figure a deictic word may stand (bounded, so long sentences stay linear).
DEICTIC_REACH = 40
# A date right after these is the base of a comparison, not the figure's period.
ORGANISATION_AFTER = regex.compile(
    r"[^，。、；：！？\n“”借通在对向为和与是的了把将从以及等由被]{0,8}?(?:公司|集团|有限|银行|大学|学院|医院|学校|酒店|商会|协会|研究院|研究所|总队|支队)"
)
# Places joined like this name several places at once (`舒兰、榆树、扶余等地`): a figure
# of their sentence is a sum over them, and none of them is the place of what follows.
LIST_JOINER = regex.compile(r"[、和与及]")
LIST_CLOSER = regex.compile(r"等(?:地|国|省|市|县|区|\p{Han}{0,2}(?:地区|国家|城市))?")
COMPARISON_BEFORE = regex.compile(r"(?:比|较|同比|相比|超|高于|低于|与)$")
# `“十四五”时期`: a five-year plan is a PROGRAMME, never a DATE, but a figure stated
# for its period gets the plan's years (docs/ANNOTATION.md). Plans from the third on
# run five years from 1966.
PLAN_PERIOD = regex.compile(r"[“\"]?十(?P<n>[一二三四五六七八九])五[”\"]?(?:规划)?(?:时期|期间)")
PLAN_NUMBER = {c: 10 + i for i, c in enumerate("一二三四五六七八九", 1)}
# `在1978年粮食丰收的基础上`: the date of the basis, not the figure's period.
BASIS_AFTER = regex.compile(r"[^，。；！？\n]{0,12}?的?基础上")
# `是1950年到1997年投入总和的1.7倍`, `相当于2012年的3倍`: the date is the base of a multiple.
MULTIPLE_BEFORE = regex.compile(r"(?:是|为|相当于)$")
MULTIPLE_AFTER = regex.compile(r"[^，。；！？\n]{0,12}?的[^，。；！？\n]{0,8}?倍")
# A paragraph this long is running text, not a title, byline or caption.
LEAD_MIN_CHARS = 30
OPEN_AFTER = regex.compile(r"(?:起|开始|以来|之后|以后)")  # used with .match(text, pos): no ^
# `累计培育龙头企业9.8万家`: a running total up to the end of the period it is stated in.
CUMULATIVE = regex.compile(r"累计")
SINCE_BEFORE = regex.compile(r"(?:自|从)$")
SINCE_AFTER = regex.compile(r"[^，。；！？\n]{0,20}?(?:以来|起|开始)")


class Breaks:
    """Positions of one kind of break in a text, scanned once; the unit around any offset by bisection.

    Attribution asks for the sentence and paragraph of every figure: scanning
    the text each time made an article of 20,000 figures take minutes.
    """

    def __init__(self, text: str, pattern: regex.Pattern[str]) -> None:
        self.starts = [m.start() for m in pattern.finditer(text)]
        self.ends = [m.end() for m in pattern.finditer(text)] if self.starts else []
        self.length = len(text)

    def around(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.ends, pos)  # breaks that end at or before pos
        lo = self.ends[i - 1] if i else 0
        j = bisect.bisect_left(self.starts, pos)
        hi = self.starts[j] if j < len(self.starts) else self.length
        return lo, hi


def _between(items: list[Entity], starts: list[int], lo: int, hi: int) -> list[Entity]:
    """Entities (sorted by start) that start in [lo, hi)."""
    return items[bisect.bisect_left(starts, lo) : bisect.bisect_left(starts, hi)]


def _period(d: Entity, text: str, published: date | None) -> dict[str, str | None]:
    """The figure's period from a DATE; `从2019年开始`, `自2024年…实施以来`, `立春之后` run to publication."""
    end = d.date_end
    opens = OPEN_AFTER.match(text, d.end) or (
        SINCE_BEFORE.search(text, max(0, d.start - 1), d.start) and SINCE_AFTER.match(text, d.end)
    )
    if published and opens and d.date_start and d.date_start <= published and not d.text.endswith("以来"):
        end = published
    return {"start": d.date_start.isoformat() if d.date_start else None, "end": end.isoformat() if end else None}


def plan_periods(text: str) -> list[Entity]:
    """The periods of five-year plans named as periods (`“十四五”时期` → 2021..2025), for attribution only."""
    out = []
    for m in PLAN_PERIOD.finditer(text):
        first = 1966 + 5 * (PLAN_NUMBER[m.group("n")] - 3)
        period = Entity("DATE", m.group(0), m.start(), m.end())
        period.date_start, period.date_end = date(first, 1, 1), date(first + 4, 12, 31)
        out.append(period)
    return out


def _is_comparison(d: Entity, text: str) -> bool:
    """A date that a figure is compared with, not the figure's own period."""
    if d.text.endswith("同期") or COMPARISON_BEFORE.search(text, max(0, d.start - 2), d.start):
        return True
    if BASIS_AFTER.match(text, d.end) and text[max(0, d.start - 1) : d.start] == "在":
        return True  # `这是在1978年粮食丰收的基础上`: the year built on
    return bool(MULTIPLE_BEFORE.search(text, max(0, d.start - 3), d.start) and MULTIPLE_AFTER.match(text, d.end))


def _subject(admin: list[Entity], levels: tuple[str, ...] | None = None) -> Entity | None:
    """The article's main place (of the given levels): its most named, the earliest on a tie."""
    pool = [p for p in admin if levels is None or p.level in levels]
    if not pool:
        return None
    counts = Counter(p.name for p in pool)
    return max(pool, key=lambda p: (counts[p.name] * SUBJECT_WEIGHT.get(p.level or "", 1.0), -p.start))


def _lead_end(text: str) -> int:
    """End of an article's lead: its first two paragraphs of running text (titles and bylines are short)."""
    seen, pos = 0, 0
    for m in regex.finditer(r"[^\n]+", text):
        pos = m.end()
        if len(m.group(0)) >= LEAD_MIN_CHARS:
            seen += 1
            if seen == 2:
                break
    return pos


def _is_period(d: Entity) -> bool:
    """A stretch of time that governs what follows: `今年以来`, `近年来`, a whole year."""
    whole_year = (
        d.date_start and d.date_end and (d.date_start.month, d.date_start.day, d.date_end.month, d.date_end.day) == (1, 1, 12, 31)
    )
    return d.text.endswith(("以来", "年来")) or bool(whole_year)


def governing_period(text: str, dates: list[Entity]) -> Entity | None:
    """The article's own period: a `…以来` or a holiday its lead opens with, else its first `…以来`,
    else the first period of its lead, else its first date there.

    `“五一”假期，…` at the head of a holiday story frames its figures, not a `今年以来` paragraphs later.
    """
    lead_end = _lead_end(text)
    in_lead = [d for d in dates if d.start < lead_end]
    opening = next((d for d in in_lead if d.text.endswith("以来") or _is_holiday(d)), None)
    if opening is not None:
        return opening
    since = next((d for d in dates if d.text.endswith("以来")), None)
    if since is not None:
        return since
    periods = [d for d in in_lead if _is_period(d)]
    return (periods or in_lead or [None])[0]


def _is_holiday(d: Entity) -> bool:
    """A festival's holiday of several days (`“五一”假期`, `春节期间`)."""
    return bool(
        d.text.endswith(("假期", "期间", "长假", "黄金周"))
        and d.date_start
        and d.date_end
        and 1 <= (d.date_end - d.date_start).days <= 10
    )


def attribute(
    text: str, entities: list[Entity], published: date | None = None, inherited: dict[str, str | None] | None = None
) -> dict[str, str | None] | None:
    """Fill place/date/programme of every FIGURE in place (offsets are into `text`, one article).

    `inherited` is the period of the item before on the same page, used when
    this one sets none (a page continues an article in another column).
    Returns this article's governing period for the next item.
    """
    places = [e for e in entities if e.type == "PLACE" and e.name]
    # A place inside an organisation's name (`赣州百草健康管理有限公司`) says where the
    # organisation is registered, not what a figure is about.
    admin, organisations = [], []
    for p in places:
        if p.level in LEVEL_RANK:
            (organisations if ORGANISATION_AFTER.match(text, p.end) else admin).append(p)
    listed = _listed(text, admin)
    # …but when its sentence names no other place, the figure is the organisation's (`华能大庆热电公司…新增23部`).
    organisations.sort(key=lambda p: p.start)
    organisation_starts = [p.start for p in organisations]
    dates = [e for e in entities if e.type == "DATE" and (e.date_start or e.date_end) and not _is_comparison(e, text)]
    dates += plan_periods(text)
    # `由去年的3.3%提升到3.7%`: a date written onto one figure is that figure's alone.
    figure_at = {e.start: e for e in entities if e.type == "FIGURE"}
    bound: dict[int, Entity] = {}
    for d in dates:
        g = figure_at.get(d.end) or (figure_at.get(d.end + 1) if text[d.end : d.end + 1] == "的" else None)
        if g is not None:
            bound[id(g)] = d
    bound_ids = {id(d) for d in bound.values()}
    dates = [d for d in dates if id(d) not in bound_ids]
    programmes = [e for e in entities if e.type == "PROGRAMME"]
    subject = _subject(admin)
    governing = governing_period(text, dates)
    paragraph_starts = {0} | {m.end() for m in PARAGRAPH_END.finditer(text)}
    governing_dict = _period(governing, text, published) if governing is not None else inherited
    sentences, paragraphs = Breaks(text, SENTENCE_END), Breaks(text, PARAGRAPH_END)
    admin.sort(key=lambda e: e.start)
    dates.sort(key=lambda e: e.start)
    programmes.sort(key=lambda e: e.start)
    admin_starts, date_starts, programme_starts = (
        [p.start for p in admin],
        [d.start for d in dates],
        [p.start for p in programmes],
    )
    openers = [d for d in dates if d.start in paragraph_starts and _is_period(d)]
    opener_starts = [d.start for d in openers]
    for f in (e for e in entities if e.type == "FIGURE"):
        s_lo, s_hi = sentences.around(f.start)
        p_lo, _ = paragraphs.around(f.start)
        nearby = _between(admin, admin_starts, p_lo, s_hi)
        if not nearby:  # no other place in the paragraph so far: the figure is the organisation's
            nearby = _between(organisations, organisation_starts, s_lo, f.start)
        _attribute_place(f, text, nearby, subject, s_lo, s_hi, p_lo, admin, admin_starts, listed)
        sentence_dates = _between(dates, date_starts, s_lo, s_hi)
        if id(f) in bound:
            f.date, f.attribution["date"] = _period(bound[id(f)], text, published), "sentence"
        elif sentence_dates:
            before = [d for d in sentence_dates if d.start < f.start]
            d = (before or sentence_dates)[-1]
            f.date, f.attribution["date"] = _period(d, text, published), "sentence"
        else:
            earlier = _between(dates, date_starts, p_lo, f.start)
            prior_openers = openers[: bisect.bisect_left(opener_starts, p_lo)]
            if earlier:
                f.date, f.attribution["date"] = _period(earlier[-1], text, published), "paragraph"
            elif prior_openers and (governing is None or prior_openers[-1].start > governing.start):
                # A paragraph opening with a period (`近年来，…`) sets it for the paragraphs after it.
                f.date, f.attribution["date"] = _period(prior_openers[-1], text, published), "article"
            elif governing is not None and governing.start < f.start or governing is None and governing_dict:
                f.date, f.attribution["date"] = governing_dict, "article"
            closed = f.date and f.date.get("start") and (published is None or f.date.get("end") != published.isoformat())
            if closed and CUMULATIVE.search(text, s_lo, f.start):
                # A running total stated without a period of its own, in a closed period (`2025年`),
                # counts up to that period's end; in a period up to now (`近年来`) it is that period's.
                f.date = {"start": None, "end": f.date.get("end")}
        progs = _between(programmes, programme_starts, s_lo, s_hi)
        if progs:
            f.programme, f.attribution["programme"] = progs[0].name, "sentence"
    return governing_dict


def _listed(text: str, admin: list[Entity]) -> set[int]:
    """Ids of the places named as members of a list (`A、B、C等地`, `A和B`, `A等地`); a chain is one member."""
    groups: list[list[Entity]] = []  # `江西省赣州市` is one member
    for p in sorted(admin, key=lambda p: p.start):
        if groups and groups[-1][-1].end == p.start:
            groups[-1].append(p)
        else:
            groups.append([p])
    listed: set[int] = set()
    for a, b in zip(groups, groups[1:], strict=False):
        if LIST_JOINER.fullmatch(text, a[-1].end, b[0].start):
            listed.update(id(p) for p in a + b)
    for g in groups:
        if LIST_CLOSER.match(text, g[-1].end):
            listed.update(id(p) for p in g)
    return listed


def _deictic_level(p: Entity) -> str | None:
    """The level a deictic word sees: `重庆全市`, `北京全市` — a municipality is a 市 too."""
    return "city" if p.level == "province" and p.name in MUNICIPALITIES else p.level


def _deictic_place(
    m: regex.Match[str], admin: list[Entity], admin_starts: list[int], subject: Entity | None, p_lo: int
) -> Entity | None:
    """`全区`/`本市` mean the place of that level the paragraph is about, else the article's main one;
    `该区`/`此县`/`村里` the nearest one named before."""
    levels = DEICTIC_LEVELS[m.group(1) or m.group(2)]
    if m.group(0)[0] in "全本":
        in_paragraph = admin[bisect.bisect_left(admin_starts, p_lo) : bisect.bisect_left(admin_starts, m.start())]
        same = [p for p in in_paragraph if _deictic_level(p) in levels]
        if same:
            return same[-1]
        main = _subject(admin, levels)
        if main is not None:
            return main
    before = admin[: bisect.bisect_left(admin_starts, m.start())]
    for level in levels:
        prior = [p for p in before if _deictic_level(p) == level]
        if prior:
            return prior[-1]
    if subject is not None and subject.level in levels:
        return subject
    return None


def _attribute_place(
    f: Entity,
    text: str,
    admin: list[Entity],
    subject: Entity | None,
    s_lo: int,
    s_hi: int,
    p_lo: int,
    all_admin: list[Entity],
    all_starts: list[int],
    listed: set[int],
) -> None:
    """`admin` holds the places of the figure's paragraph up to the end of its sentence.

    Members of a list (`listed`) are never the place: a figure in their sentence is
    a sum over them (null, as the guideline says), and a figure after them
    belongs to the place named before the list or to the article's subject.
    """
    deictic = list(DEICTIC.finditer(text, max(s_lo, f.start - DEICTIC_REACH), f.start))
    if deictic:
        m = deictic[-1]
        named = [p for p in admin if m.end() <= p.start < f.start and p.level in DEICTIC_LEVELS[m.group(1) or m.group(2)]]
        best = None if named else _deictic_place(m, all_admin, all_starts, subject, p_lo)
        if best is not None:
            f.place, f.place_code, f.ancestors, f.attribution["place"] = best.name, best.code, best.ancestors, "deictic"
            return
    in_sentence = [p for p in admin if s_lo <= p.start < s_hi]
    single = [p for p in in_sentence if id(p) not in listed]
    if single:
        before = [p for p in single if p.start < f.start]
        if before:
            best = max(before, key=lambda p: p.start)  # the nearest: `以拉萨为中心…，西藏公路…12万公里` is Tibet's
        else:
            best = max(single, key=lambda p: (LEVEL_RANK.get(p.level or "", 0), p.start))
        f.place, f.place_code, f.ancestors, f.attribution["place"] = best.name, best.code, best.ancestors, "sentence"
        return
    if in_sentence:
        f.attribution["place"] = "list"  # a sum over the places listed: no one place
        return
    earlier = [p for p in admin if p_lo <= p.start < f.start and id(p) not in listed]
    if earlier:
        f.place, f.place_code, f.ancestors, f.attribution["place"] = (
            earlier[-1].name,
            earlier[-1].code,
            earlier[-1].ancestors,
            "paragraph",
        )
    elif before := [p for p in all_admin[: bisect.bisect_left(all_starts, p_lo)] if id(p) not in listed]:
        best = before[-1]
        f.place, f.place_code, f.ancestors, f.attribution["place"] = best.name, best.code, best.ancestors, "article"
    elif subject is not None:
        f.place, f.place_code, f.ancestors, f.attribution["place"] = subject.name, subject.code, subject.ancestors, "article"
