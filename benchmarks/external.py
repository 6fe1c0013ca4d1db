"""Score zhnews against other people's test suites (issue 3, "External suites").

The suites live outside the repository, in `../shared/data/external/` (each folder's
SOURCES.md says where it comes from):

- Microsoft Recognizers-Text, Chinese spec cases (Number, Percent, NumberRange,
  Currency, Dimension, Age, DateTime): does `extract` find a FIGURE (DATE for
  DateTime) at the expected place whose value agrees with the expected resolution?
- JioNLP's money and time unit-test cases: the same question, money → FIGURE in
  元 or a foreign currency, time → DATE start/end.
- MSRA and People's Daily NER test sets: recall of the LOC mentions that are
  Chinese administrative units, as PLACE mentions with the same text.

These suites MEASURE. Nothing under pipeline/ or rules/ is tuned to them. Each
suite follows its own conventions; a case is scored only where our guideline
(docs/ANNOTATION.md) defines the same thing, after its expected value has been
normalised to the guideline's convention. Everything else is counted as out of
scope, with the reason. The normalisations and reasons are listed in
benchmarks/README.md and in the `OUT_*` constants below.

    python benchmarks/external.py [--limit N] [--json OUT] [--external DIR] [--show-failures N]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import regex

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from pipeline.entities import Entity  # noqa: E402

DEFAULT_EXTERNAL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "external"

ExtractFn = Callable[[str, date | None], list[Entity]]


class _Any:
    """A DATE bound that is not compared (the suite and the guideline disagree on it, or it is open)."""

    def __repr__(self) -> str:
        return "*"


ANY = _Any()
Bound = date | None | _Any

# ---------------------------------------------------------------------------------------------
# Reasons a case is out of scope. Each names the guideline rule or the convention clash.
# ---------------------------------------------------------------------------------------------
OUT_NEGATIVE = "negative case of the suite's model (nothing to agree with)"
OUT_BARE = "bare number without unit or measure word (not a FIGURE in the guideline)"
OUT_ORDINAL = "ordinal or rank (not a FIGURE in the guideline)"
OUT_YEAR_DAY = "number is part of a date (a DATE, not a FIGURE)"
OUT_CLOCK = "点/时 next to it: time of day, or a decimal the spec splits at 点"
OUT_ARTICLE = "一 + measure word alone: the guideline counts it only when it quantifies; no context to decide"
OUT_LATIN = "Latin multiplier or scientific notation (k, M, e, ^): not a guideline number form"
OUT_ZHAO = "兆 is ambiguous (10^6 or 10^12) and not a guideline multiplier"
OUT_MIXED = "mixed number (整数又分数): neither a count with a unit nor a share"
OUT_IMPROPER = "fraction outside 0..1 (16/5, 负3分之负157): not a share, so not the guideline's fraction → %"
OUT_NAME = "number inside a name (五台山): not a FIGURE in the guideline"
OUT_DISCOUNT = "折 (discount): the guideline defines no value convention for it"
OUT_RANGE_END = "one end of a range: the spec resolves only one end, the guideline gives the range one figure"
OUT_COMPARISONS = "range stated by two comparisons (大于…小于, 最多…最少, …之间): guideline ranges are X至Y / X—Y"
OUT_NO_AMOUNT = "currency name without an amount"
OUT_COMPOUND = "compound amount (元+角/分, 美元又美分): the guideline defines compound units only for time"
OUT_NO_CURRENCY = "amount without a currency word: the suite assumes 元, the guideline gives unit null"
OUT_ERRATUM = "expected value contradicts the input (listed in ERRATA)"
OUT_DURATION = "duration: a FIGURE in the guideline, not a DATE"
OUT_SET = "recurrence (每天, 每周一): not a DATE in the guideline"
OUT_TIME = "time of day without a date: not a DATE in the guideline"
OUT_TIME_SPAN = "time range across days: the guideline's DATE has no time of day"
OUT_RELATIVE = "span of N units counted from the reference time (N天前, 未来两天): no guideline rule (only 近N年)"
OUT_ORDINAL_DAY = "ordinal day or year counted from the reference (第三天, 第七年): no guideline rule"
OUT_LUNAR = "lunar date: the spec gives the lunar month-day as if it were a calendar date"
OUT_SPRING = "春节: a holiday period in the guideline, one day in the suite"
OUT_SEASON = "season or school holiday: no guideline extent"
OUT_NUMERIC_DATE = "numeric date not year-first (3-7-2017, 12/1, 6·30): ambiguous, not a Chinese news convention"
OUT_BARE_YEAR = "bare year number without 年: not a DATE in the guideline"
OUT_UNRESOLVED = "the suite leaves it unresolved (invalid date, season)"
OUT_NEAR = "最近: the spec gives the reference day; no guideline rule"
OUT_AFTER_BEFORE = "X之后Y之前: two DATEs in the guideline, one range in the spec"
OUT_ENUMERATION = "enumeration of days (10号，11号，12号) as one span: several DATEs in the guideline"
OUT_NO_BOUND = "no bound both conventions share (open, or 初/底 extents differ)"
OUT_NO_REFERENCE = "no reference time"
OUT_PARTIAL_BASE = "reference given as a year or month only: a date without its own year has no day to resolve against"
OUT_TITLE = "inside a 《title》: not a PLACE in the guideline"
OUT_FUTURE = "the suite asks for the future reading (ret_future=True); news dates resolve against publication"

# Inputs whose expected value contradicts the input itself, with why.
ERRATA: dict[str, str] = {
    "还有20万次以上来观影的呀？": "NumberRangeModel gives (20000,) for 20万次以上 (= 200000); no platform passes it",
    "八到九百亿泰铢": "test_money_parser reads 八 as 8亿 (800000000); 八到九百亿 is 800亿–900亿",
}

# Inputs where the spec reads a number inside a proper name.
NAMES: dict[str, str] = {"这不是四川这是五台山": "五台山 is a mountain"}

# ---------------------------------------------------------------------------------------------
# Numbers: what follows a number decides whether the guideline sees a FIGURE.
# ---------------------------------------------------------------------------------------------
CN_NUMERAL = "零〇一二两俩倆三四五六七八九十百千万亿壹贰貳叁参參肆伍陆陸柒捌玖拾佰仟萬億兩廿卅幾几"
NUMERAL_CHAR = regex.compile(rf"[\d０-９{CN_NUMERAL}点點.．]")
# The scorer's own measure words and units (not the project's rules/figures/units.toml, so a unit
# the project lacks still counts as in scope).
MEASURE_WORDS = sorted(
    """个百分点 個百分點 百分点 百分點 平方英尺 平方公里 平方米 公里 公斤 千克 千米 厘米 公分 个月 個月 小时 小時 钟头 鐘頭 周岁 週歲
    个 個 只 隻 斤 吨 噸 双 雙 对 對 打 章 台 块 塊 元 圆 次 人 名 户 戶 项 項 家 米 克 天 周 週 倍 件 条 條 本 张 張 辆 輛 头 頭 亩 畝
    度 岁 歲 位 座 所 篇 部 届 屆 种 種 类 類 年""".split(),
    key=len,
    reverse=True,
)
CLASSIFIERS = set("个個只隻双雙对對打块塊件条條本张張辆輛头頭位座所篇部届屆种種")
ONE = {"一", "壹", "弌"}
MULTIPLIER_END = regex.compile(r"[万亿萬億][余餘多]?$")  # 1200万, 十余万: the multiplier closes the number
LATIN = regex.compile(r"[kKmMeE^]")
PERCENT_IN_SPAN = regex.compile(r"(?<![一二两三四五六七八九十壹贰叁肆伍陆柒捌玖拾\d])百\s*分\s*之")
FRACTION = regex.compile(r"分\s*之|\d\s*[/／]\s*\d")
MIXED = regex.compile(r"又|(?:^|\D)\d+\s+\d+\s*[/／]\s*\d")
RANGE_BEFORE = regex.compile(r"[\d０-９]\s*[-~～—–－至到]\s*$")
RANGE_CONNECTOR = regex.compile(rf"[\d０-９{CN_NUMERAL}]\s*[-~～—–－至到]")  # not a leading minus sign
QUALIFIER_TAIL = regex.compile(r"^\s*(多|余|餘|几|幾|以上|以下|左右|或者以上|或者更多)?\s*")


@dataclass
class Expect:
    """One entity a case expects, already in the guideline's convention.

    `span` is [start, end) in the case's text. `unit` is what the unit check asks for:
    None (value only), "元", "foreign" (any unit but 元), "%" or "个百分点".
    `dates` holds the acceptable (start, end) pairs of a DATE; ANY is a bound not compared.
    `span_only` asks only for an entity of the type at that place (suites without values).
    """

    type: str
    span: tuple[int, int]
    value: float | None = None
    max: float | None = None
    unit: str | None = None
    dates: list[tuple[Bound, Bound]] = field(default_factory=list)
    span_only: bool = False
    money: bool = False
    abs_tol: float = 1e-9
    cover: int | None = None  # a character the entity must include (the 初/底 of 年初, 年底)
    label: str = ""

    def describe(self) -> str:
        if self.type == "DATE" and self.dates:
            return " | ".join(f"{_iso(s)}..{_iso(e)}" for s, e in self.dates)
        if self.span_only:
            return f"{'money ' if self.money else ''}{self.type} at {self.span}"
        rng = f"–{_num(self.max)}" if self.max is not None else ""
        return f"{_num(self.value)}{rng} {self.unit or ''}".strip()


@dataclass
class Case:
    """One input of a suite: the text, its reference date, and what it expects (or why it is not scored)."""

    source: str
    text: str
    published: date | None
    expects: list[Expect] = field(default_factory=list)
    negative: str | None = None  # "DATE" or "money": the case expects no such entity
    out: str | None = None


@dataclass
class SuiteResult:
    """Counts of one suite: in-scope cases (or gold mentions), how many agreed, why others were skipped."""

    name: str
    metric: str  # "agreement" or "recall"
    in_scope: int = 0
    agreed: int = 0
    out: Counter = field(default_factory=Counter)
    failures: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def out_total(self) -> int:
        return sum(self.out.values())

    @property
    def share(self) -> float | None:
        return self.agreed / self.in_scope if self.in_scope else None

    def as_json(self) -> dict[str, Any]:
        return {
            "suite": self.name,
            "metric": self.metric,
            "in_scope": self.in_scope,
            "agreed": self.agreed,
            "share": self.share,
            "out_of_scope": self.out_total,
            "out_reasons": dict(self.out.most_common()),
            "failure_categories": dict(Counter(f["category"] for f in self.failures).most_common()),
            "failures": self.failures,
            "seconds": round(self.seconds, 2),
        }


def _num(v: float | None) -> str:
    return "None" if v is None else f"{v:.10g}"


def _iso(b: Bound) -> str:
    return "*" if isinstance(b, _Any) else (b.isoformat() if b else "null")


def _close(a: float | None, b: float | None, abs_tol: float = 1e-9) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=abs_tol)


def _overlaps(e: Entity, span: tuple[int, int]) -> bool:
    return e.start < span[1] and span[0] < e.end


def _load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8-sig"))


def _ref_date(ctx: dict | None) -> date | None:
    ref = (ctx or {}).get("ReferenceDateTime")
    return datetime.fromisoformat(ref).date() if ref else None


# ---------------------------------------------------------------------------------------------
# Scoring: one case against the extractor's output.
# ---------------------------------------------------------------------------------------------
def _figure_agrees(e: Entity, x: Expect) -> bool:
    if not (_close(e.value, x.value, x.abs_tol) and _close(e.max, x.max, x.abs_tol)):
        return False
    if x.unit is None:
        return True
    unit = (e.unit or "").replace("個百分點", "个百分点").replace("百分點", "百分点")
    if x.unit == "foreign":
        return bool(unit) and unit not in {"元", "圆", "块"}
    if x.unit == "个百分点":
        return unit in {"个百分点", "百分点"}
    return unit == x.unit


def _date_agrees(e: Entity, x: Expect) -> bool:
    if x.cover is not None and not e.start <= x.cover < e.end:
        return False
    for s, t in x.dates:
        if (isinstance(s, _Any) or e.date_start == s) and (isinstance(t, _Any) or e.date_end == t):
            return True
    return False


def _is_money(e: Entity) -> bool:
    return e.type == "FIGURE" and (e.kind in {"money", "money_foreign"} or e.unit in {"元", "块"})


def _matches(e: Entity, x: Expect) -> bool:
    if e.type != x.type or not _overlaps(e, x.span):
        return False
    if x.span_only:
        return not x.money or _is_money(e)
    return _date_agrees(e, x) if x.type == "DATE" else _figure_agrees(e, x)


def _summary(e: Entity) -> str:
    if e.type == "DATE":
        return f"DATE {e.text} {_iso(e.date_start)}..{_iso(e.date_end)}"
    if e.type == "FIGURE":
        rng = f"–{_num(e.max)}" if e.max is not None else ""
        return f"FIGURE {e.text} {_num(e.value)}{rng} {e.unit or ''}".strip()
    return f"{e.type} {e.text}"


def _diagnose(x: Expect, entities: list[Entity]) -> str:
    """A failure category for the rule authors: missing, taken as another type, split, or a wrong value."""
    same = [e for e in entities if e.type == x.type and _overlaps(e, x.span)]
    if not same:
        other = sorted({e.type for e in entities if _overlaps(e, x.span)})
        return f"taken as {'/'.join(other)}" if other else f"no {x.type}"
    if x.span_only:
        return "not money" if x.money else "other"
    if len(same) > 1:
        return f"split into {len(same)} {x.type}s"
    e = same[0]
    if x.type == "DATE":
        if x.cover is not None and not e.start <= x.cover < e.end:
            return "初/底 left out of the DATE"
        return "bounds differ"
    if not _close(e.value, x.value, x.abs_tol):
        return "value differs"
    if not _close(e.max, x.max, x.abs_tol):
        return "range max differs" if x.max is not None else "range where one value expected"
    return "unit differs"


def safe_extract(extract_fn: ExtractFn, text: str, published: date | None) -> tuple[list[Entity], str | None]:
    """The extractor's entities, or none and the error: a crash on one input is a failure of that case, not of the run."""
    try:
        return extract_fn(text, published), None
    except Exception as err:  # noqa: BLE001 - any exception of the extractor is reported as a failure
        return [], f"extractor error: {type(err).__name__}: {err}"


def score_case(case: Case, extract_fn: ExtractFn) -> tuple[bool, list[Entity], list[str]]:
    """Does the extractor agree with every in-scope expectation of the case? Returns (ok, entities, failure categories)."""
    entities, error = safe_extract(extract_fn, case.text, case.published)
    if error:
        return False, [], [error]
    if case.negative:
        bad = [e for e in entities if (_is_money(e) if case.negative == "money" else e.type == case.negative)]
        return (not bad), entities, ([f"false {case.negative}"] if bad else [])
    used: set[int] = set()
    problems = []
    for x in case.expects:
        hit = next((i for i, e in enumerate(entities) if i not in used and _matches(e, x)), None)
        if hit is None:
            problems.append(_diagnose(x, entities))
        else:
            used.add(hit)
    return not problems, entities, problems


def run_cases(name: str, cases: list[Case], extract_fn: ExtractFn) -> SuiteResult:
    """Score a list of cases; out-of-scope ones are only counted, by reason."""
    t0 = time.perf_counter()
    res = SuiteResult(name, "agreement")
    for case in cases:
        if case.out:
            res.out[case.out] += 1
            continue
        res.in_scope += 1
        ok, entities, problems = score_case(case, extract_fn)
        if ok:
            res.agreed += 1
            continue
        near = [e for e in entities if any(_overlaps(e, x.span) for x in case.expects)] if case.expects else entities
        res.failures.append(
            {
                "source": case.source,
                "text": case.text,
                "published": case.published.isoformat() if case.published else None,
                "expected": [x.describe() for x in case.expects] or [f"no {case.negative}"],
                "got": [_summary(e) for e in near],
                "category": problems[0],
            }
        )
    res.seconds = time.perf_counter() - t0
    return res


def _case_from_items(source: str, text: str, published: date | None, items: list[Expect | str]) -> Case:
    """A case from per-result decisions: in scope when any result is; else out with the first result's reason."""
    expects = [i for i in items if isinstance(i, Expect)]
    if expects:
        return Case(source, text, published, expects)
    reasons = [i for i in items if isinstance(i, str)]
    return Case(source, text, published, out=reasons[0] if reasons else OUT_NEGATIVE)


# ---------------------------------------------------------------------------------------------
# Recognizers-Text: numbers and numbers with units.
# ---------------------------------------------------------------------------------------------
def _rt_span(r: dict) -> tuple[int, int]:
    if "End" in r:
        return r["Start"], r["End"] + 1
    return r["Start"], r["Start"] + r["Length"]


def _unit_after(text: str, start: int, end: int) -> str | None:
    """The measure word after the last numeral of text[start:end] (qualifiers 多/余/以上 skipped), if any."""
    last = max((i for i in range(start, end) if NUMERAL_CHAR.match(text[i])), default=end - 1)
    tail = text[last + 1 :]
    tail = tail[QUALIFIER_TAIL.match(tail).end() :]
    tail = regex.sub(r"\s+", "", tail)
    return next((w for w in MEASURE_WORDS if tail.startswith(w)), None)


def _number_scope(text: str, r: dict, value: float) -> Expect | str:
    """A number of NumberModel/NumberRangeModel: in scope when the guideline sees a FIGURE there."""
    s, t = _rt_span(r)
    span_text = r["Text"]
    before = regex.sub(r"\s+", "", text[:s])
    if text in ERRATA:
        return OUT_ERRATUM
    if text in NAMES:
        return OUT_NAME
    if before.endswith("第") or "第" in span_text:
        return OUT_ORDINAL
    if LATIN.search(span_text):
        return OUT_LATIN
    if "兆" in span_text:
        return OUT_ZHAO
    if before.endswith("百分之") or PERCENT_IN_SPAN.search(span_text):
        return Expect("FIGURE", (s, t), value, unit="%")
    if FRACTION.search(span_text):
        if MIXED.search(span_text):
            return OUT_MIXED
        if not 0 < value <= 1:
            return OUT_IMPROPER
        return Expect("FIGURE", (s, t), value * 100, unit="%", label="fraction → %")
    if regex.search(rf"[{CN_NUMERAL}\d][点點]$", before):
        return OUT_CLOCK
    unit = _unit_after(text, s, t)
    if span_text.endswith("打"):
        unit = "打"
    if unit is not None:
        digits = regex.sub(r"\s+", "", span_text)
        if unit == "年" and (value >= 1000 or regex.fullmatch(r"[\d０-９]{4}", digits)):
            return OUT_YEAR_DAY
        if unit in CLASSIFIERS and regex.sub(r"[打\s]", "", digits) in ONE:
            return OUT_ARTICLE
        if unit == "打":  # the spec multiplies by twelve; the guideline keeps the measure word as written
            value /= 12
        return Expect("FIGURE", (s, t), value, unit="个百分点" if "百分" in unit else None)
    after = regex.sub(r"\s+", "", text[t:])
    if after[:1] in {"年", "月", "日", "号", "號"}:
        return OUT_YEAR_DAY
    if after[:1] in {"点", "點", "时", "時"}:
        return OUT_CLOCK
    if MULTIPLIER_END.search(regex.sub(r"\s+", "", span_text)):
        return Expect("FIGURE", (s, t), value, label="bare 万/亿 count")
    return OUT_BARE


def rt_number_cases(path: Path) -> list[Case]:
    """NumberModel.json: bare numbers are out of scope; counts with a measure word, 万/亿 counts, 百分之 and fractions are in."""
    cases = []
    for i, c in enumerate(_load_json(path)):
        items: list[Expect | str] = [_number_scope(c["Input"], r, float(r["Resolution"]["value"])) for r in c["Results"]]
        cases.append(_case_from_items(f"{path.name}#{i}", c["Input"], None, items))
    return cases


def rt_percent_cases(path: Path) -> list[Case]:
    """PercentModel.json: %, 百分之, 成, 千分之 agree as percent numbers; 个百分点 keeps its own unit (guideline)."""
    cases = []
    for i, c in enumerate(_load_json(path)):
        items: list[Expect | str] = []
        text = c["Input"]
        for r in c["Results"]:
            s, t = _rt_span(r)
            span_text = regex.sub(r"\s+", "", r["Text"])
            if "折" in span_text:
                items.append(OUT_DISCOUNT)
            elif LATIN.search(span_text):
                items.append(OUT_LATIN)
            elif RANGE_BEFORE.search(text[:s]):
                items.append(OUT_RANGE_END)
            else:
                value = float(r["Resolution"]["value"].rstrip("%"))
                points = "百分点" in span_text or "百分點" in span_text
                items.append(Expect("FIGURE", (s, t), value, unit="个百分点" if points else "%"))
        cases.append(_case_from_items(f"{path.name}#{i}", text, None, items))
    return cases


def _interval(value: str) -> tuple[float | None, float | None]:
    lo, hi = value.strip("[]()").split(",")
    return (float(lo) if lo else None, float(hi) if hi else None)


def rt_range_cases(path: Path) -> list[Case]:
    """NumberRangeModel.json: X至Y with a unit is one figure (value, max); one-sided bounds give the value.

    Only value and max are compared: the spec's brackets say whether a bound is inclusive,
    the guideline's qualifiers (以上 → at_least, 多 → more_than) follow the words instead.
    """
    cases = []
    for i, c in enumerate(_load_json(path)):
        items: list[Expect | str] = []
        text = c["Input"]
        for r in c["Results"]:
            lo, hi = _interval(r["Resolution"]["value"])
            first = lo if lo is not None else hi
            both = lo is not None and hi is not None and lo != hi
            if both and not RANGE_CONNECTOR.search(r["Text"]):
                items.append(OUT_COMPARISONS)
                continue
            scoped = _number_scope(text, r, first)
            if isinstance(scoped, Expect):
                factor = 100.0 if scoped.label == "fraction → %" else 1.0
                scoped.max = hi * factor if both else None
            items.append(scoped)
        cases.append(_case_from_items(f"{path.name}#{i}", text, None, items))
    return cases


CURRENCY_COMPOUND = regex.compile(r"(元|块|塊|美元|日元).*[角毛分銭]|又")


def rt_currency_cases(path: Path) -> list[Case]:
    """CurrencyModel.json: the spec already scales 亿元 to yuan like the guideline; CNY must be 元, others unconverted."""
    cases = []
    for i, c in enumerate(_load_json(path)):
        items: list[Expect | str] = []
        for r in c["Results"]:
            res = r["Resolution"]
            if res.get("value") is None:
                items.append(OUT_NO_AMOUNT)
            elif "兆" in r["Text"]:
                items.append(OUT_ZHAO)
            elif CURRENCY_COMPOUND.search(r["Text"]):
                items.append(OUT_COMPOUND)
            else:
                unit = "元" if res.get("isoCurrency") == "CNY" else "foreign"
                items.append(Expect("FIGURE", _rt_span(r), float(res["value"]), unit=unit))
        cases.append(_case_from_items(f"{path.name}#{i}", c["Input"], None, items))
    return cases


KILO_IN_NUMBER = regex.compile(r"[一二两三四五六七八九十]千(比特|字节)")


def rt_unit_cases(path: Path) -> list[Case]:
    """DimensionModel.json / AgeModel.json: a measure keeps its unit as written, so only the value is compared.

    三千比特 is 3000 比特 in the guideline (the 千 belongs to the number); the spec says 3 Kilobit.
    """
    cases = []
    for i, c in enumerate(_load_json(path)):
        items: list[Expect | str] = []
        text = c["Input"]
        for r in c["Results"]:
            s, t = _rt_span(r)
            value = float(r["Resolution"]["value"])
            compact = regex.sub(r"\s+", "", r["Text"])
            if RANGE_BEFORE.search(text[:s]):
                items.append(OUT_RANGE_END)
            elif compact[:1] in ONE and compact[1:2] in CLASSIFIERS:
                items.append(OUT_ARTICLE)
            else:
                if KILO_IN_NUMBER.search(compact) and str(r["Resolution"].get("unit", "")).startswith("Kilo"):
                    value *= 1000
                items.append(Expect("FIGURE", (s, t), value))
        cases.append(_case_from_items(f"{path.name}#{i}", text, None, items))
    return cases


# ---------------------------------------------------------------------------------------------
# Dates: shared helpers for both suites.
# ---------------------------------------------------------------------------------------------
DATE_WORD = regex.compile(
    r"[\d０-９]+\s*[年月日号號]|[〇零一二两三四五六七八九十廿卅初]+\s*[年月日号號]|[昨今明前后後][天日晚晨早]|大+[前后後]天"
    r"|[今去明]年|[上下本这這][个個]?(星期|礼拜|禮拜|周|週|月|季度|年)|(星期|礼拜|禮拜|周|週)[一二三四五六日天末]"
    r"|\d{4}\s*[-/.．]\s*\d|\d{8}|节|節|除夕|元旦|腊月|正月"
)
NUM = r"(?:[1-9]\d*|[一二两三四五六七八九十百千几数俩仨]+)"
UNIT = r"(?:年|个月|個月|月|周|週|星期|礼拜|天|日|小时|小時|个小时|钟头|鐘頭|刻钟|分钟|分|秒|季度|工作日|交易日)"
RELATIVE_AGO = regex.compile(
    rf"(?<![\d〇零一二两三四五六七八九十百千])(?P<n>{NUM}|半)(?P<more>多)?(?:个|個)?(?:多|半)?(?:个|個)?\s*(?P<u>{UNIT})(?:半)?(?:多)?"
    r"\s*(?:前|后|後|以前|以后|之前|之后|以内|之内|内|以来|来)"
)
RELATIVE_LEAD = regex.compile(
    rf"^(?:从|在)?(?:(?P<lead>近|最近|过去的?|未来|今后|再过|过|还剩)\s*(?P<n>{NUM}|半)|(?P<lead>前|后|後|上|下)\s*(?P<n>{NUM}))"
    rf"\s*(?P<ge>个|個)?\s*(?P<u>{UNIT})"
)
NEAR_YEARS = regex.compile(r"^近\s*(?P<n>[1-9]\d*|[一二两三四五六七八九十]+)\s*年来?$")
NUMERIC_NOT_YEAR_FIRST = regex.compile(r"^(?:\D*?)(?<!\d)\d{1,2}\s*[-/.·／]\s*\d{1,2}(?!\d)")
LUNAR = regex.compile(r"农历|農曆|阴历|陰曆|正月|腊月|臘月|大年|初[一二三四五六七八九十]|廿")
LUNAR_FESTIVAL = regex.compile(r"春节|除夕|元宵|中秋|端午|重阳|七夕|大年|腊八")
SEASON = regex.compile(r"[春夏秋冬](天|季)|[春夏秋冬]$|暑假|寒假")
ENUMERATION = regex.compile(r"[号號日][，,、]\s*\d")
CN_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2, "〇": 0}


def _cn_small(n: str) -> int:
    """A small number written in Arabic or Chinese digits (十 to 九十九)."""
    if n.isdigit():
        return int(n)
    if "十" in n:
        a, _, b = n.partition("十")
        return (CN_DIGIT.get(a, 1) if a else 1) * 10 + (CN_DIGIT.get(b, 0) if b else 0)
    return CN_DIGIT.get(n, 0)


def _is_relative(text: str) -> bool:
    """N units before/after/within the reference time (not a 4-digit year: 2025年前 is a year)."""
    compact = regex.sub(r"\s+", "", text)
    m = RELATIVE_LEAD.search(compact)
    if m and not (m["lead"] in {"上", "下"} and m["n"] == "一") and not (m["lead"] == "前" and m["u"] == "季度"):
        return True  # 上一个月 is last month and 前三季度 January–September: named periods, not spans from now
    for m in RELATIVE_AGO.finditer(compact):
        n, u, tail = m["n"], m["u"], compact[m.end() - 2 : m.end()]
        if u == "年" and not m["more"] and (n.isdigit() and (len(n) >= 4 or n.startswith("0"))):
            continue  # 2025年前: a year
        if u == "年" and not n.isdigit() and len(n) >= 2 and not regex.search("[十百千几数]", n):
            continue  # 五八年前七个月: 1958, written digit by digit
        if u == "月" and n != "半" and "个" not in m[0] and "個" not in m[0]:
            continue  # 6月之前: June, not six months
        if u == "日" and not tail.endswith("内"):
            continue  # 9日前: the 9th
        return True
    return False


def _end_of(d: date, unit: str) -> date:
    """Last day of the period of granularity `unit` (Y, M, W, D) that starts at `d`."""
    if unit == "Y":
        return date(d.year, 12, 31)
    if unit == "M":
        nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        return nxt - timedelta(days=1)
    if unit == "W":
        return d + timedelta(days=6)
    return d


def _anchor(timex: str) -> tuple[date, date] | None:
    """The period a plain timex names: YYYY, YYYY-MM or YYYY-MM-DD."""
    m = regex.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", timex)
    if not m:
        return None
    y, mo, d = int(m[1]), m[2], m[3]
    if d:
        day = date(y, int(mo), int(d))
        return day, day
    if mo:
        first = date(y, int(mo), 1)
        return first, _end_of(first, "M")
    return date(y, 1, 1), date(y, 12, 31)


def _d(s: str) -> date:
    return date.fromisoformat(s[:10])


# ---------------------------------------------------------------------------------------------
# Recognizers-Text: DateTime.
# ---------------------------------------------------------------------------------------------
RT_DATE_FILES = ("DateTimeModel.json", "DateParser.json", "DatePeriodParser.json", "HolidayParser.json")


def _rt_date_expect(text: str, kind: str, values: list[dict], ref: date | None, span: tuple[int, int]) -> Expect | str:
    """One datetimeV2 result → the guideline's DATE bounds, or why it is out of scope.

    Normalisations: the spec's range end is exclusive for single periods (2018-10 → end
    2018-11-01) and the start of the last-named unit for X到Y ranges (三月到五月 → 05-01);
    both become inclusive ends. A bare year is the whole calendar year (the spec ends 今年
    at the reference time; the guideline does not). A datetime is scored on its date part.
    Relative dates with no year (29日, 星期一) accept the spec's past or future reading.
    """
    compact = regex.sub(r"\s+", "", text)
    if ref is None:
        return OUT_NO_REFERENCE
    if kind == "set":
        return OUT_SET
    if kind == "duration":
        return OUT_DURATION
    if kind in {"time", "timerange"}:
        return OUT_TIME
    if any(v.get("value") == "not resolved" for v in values) or not values:
        return OUT_UNRESOLVED
    if any(v.get("isLunar") for v in values) or LUNAR.search(compact) or LUNAR_FESTIVAL.search(compact):
        return OUT_LUNAR
    if NUMERIC_NOT_YEAR_FIRST.search(text.strip()):
        return OUT_NUMERIC_DATE
    if regex.fullmatch(r"\D{0,2}\d{4}", compact):
        return OUT_BARE_YEAR
    if compact == "最近":
        return OUT_NEAR
    if regex.search(r"(之后|以后).*(之前|以前)", compact):
        return OUT_AFTER_BEFORE
    m = NEAR_YEARS.match(compact)
    if m:  # guideline: 近N年 runs from 1 January of (publication year − N) to publication
        return Expect("DATE", span, dates=[(date(ref.year - _cn_small(m["n"]), 1, 1), ref)], label="近N年")
    if _is_relative(compact):
        return OUT_RELATIVE
    if kind in {"datetime", "datetimerange"}:
        if not DATE_WORD.search(compact):
            return OUT_TIME
        alts: list[tuple[Bound, Bound]] = []
        for v in values:
            start = v.get("value") or v.get("start")
            end = v.get("value") or v.get("end")
            if v.get("Mod") or not start or not end:
                return OUT_TIME
            if _d(start) != _d(end):
                return OUT_TIME_SPAN
            alts.append((_d(start), _d(start)))
        return Expect("DATE", span, dates=list(dict.fromkeys(alts)), label="date part")
    alts = []
    for v in values:
        timex = v.get("timex", "")
        mod = v.get("Mod")
        if mod:
            anchor = _anchor(timex)
            if anchor is None:
                return OUT_UNRESOLVED
            alts.append(anchor)
            if mod in {"before", "until"}:
                alts.append((None, anchor[1]))
            elif mod == "since":  # 自X以来 → X..publication (guideline); 从X开始 → X
                alts.append((anchor[0], ANY))
            elif mod == "after" and v.get("start"):  # X之后: X (之后 outside the span), or the spec's next day/year on
                alts.append((_d(v["start"]), ANY))
            else:
                return OUT_UNRESOLVED
            continue
        if kind == "date":
            alts.append((_d(v["value"]), _d(v["value"])))
            continue
        start, end = _d(v["start"]), _d(v["end"])
        if regex.fullmatch(r"\d{4}", timex):
            alts.append((date(start.year, 1, 1), date(start.year, 12, 31)))
            continue
        pm = regex.fullmatch(r"\(([^,]+),([^,]+),P(\d*\.?\d*)([YMWD])\)", timex)
        if pm and regex.search(r"[到至~～\-–—－]|[与和].*间", compact):
            alts.append((start, _end_of(end, pm[4])))
        else:
            alts.append((start, end - timedelta(days=1)))
    return Expect("DATE", span, dates=list(dict.fromkeys(alts)))


def _rt_parser_values(r: dict) -> tuple[str, list[dict]]:
    """A *Parser.json result in the model's shape: kind and the distinct future/past resolutions."""
    kind = r.get("Type", "")
    value = r.get("Value") or {}
    out = []
    for res in (value.get("PastResolution"), value.get("FutureResolution")):
        if not res:
            continue
        if "date" in res:
            v = {"timex": value.get("Timex", ""), "value": res["date"]}
        else:
            v = {"timex": value.get("Timex", ""), "start": res.get("startDate"), "end": res.get("endDate")}
        if res.get("date", "").startswith("0001-01-01"):
            v = {"value": "not resolved"}
        if v not in out:
            out.append(v)
    return kind, out


def rt_datetime_cases(folder: Path) -> list[Case]:
    """DateTimeModel.json plus the date parsers' specs (DateParser, DatePeriodParser, HolidayParser).

    A parser case already in DateTimeModel (same input and reference) is dropped. The
    reference time of each case is passed as the publication date.
    """
    cases = []
    seen: set[tuple[str, date | None]] = set()
    for fname in RT_DATE_FILES:
        path = folder / fname
        if not path.exists():
            continue
        for i, c in enumerate(_load_json(path)):
            text, ref = c["Input"], _ref_date(c.get("Context"))
            if fname != "DateTimeModel.json" and (text, ref) in seen:
                continue
            seen.add((text, ref))
            items: list[Expect | str] = []
            for r in c["Results"]:
                if "TypeName" in r:
                    kind, values = r["TypeName"].removeprefix("datetimeV2."), r["Resolution"].get("values", [])
                else:
                    kind, values = _rt_parser_values(r)
                items.append(_rt_date_expect(r["Text"], kind, values, ref, _rt_span(r)))
            cases.append(_case_from_items(f"{fname}#{i}", text, ref, items))
    return cases


# ---------------------------------------------------------------------------------------------
# JioNLP: money and time.
# ---------------------------------------------------------------------------------------------
JIO_LATIN = regex.compile(r"\d\s*[kKwW]")
CURRENCY_WORD = regex.compile(r"[元圆圓块塊钱錢币幣铢銖镑鎊卢盧郎]|美金|日币")
JIO_COMPOUND = regex.compile(r"[元块塊圆].*[角毛分]")
JIO_RANGE = regex.compile(r"[到至~～\-—－–]|[两二三四五六七八][三四五六七八九](?=[十百千万亿萬億]|块|元)")
SHANGHAI = timezone(timedelta(hours=8))


def _jio_cases(data: dict, file_suffix: str) -> list[tuple[str, dict, str]]:
    """(source, case, the call the test makes) for every case of one JioNLP test file."""
    out = []
    for fname, lists in data["files"].items():
        if fname.endswith(file_suffix):
            for lst in lists:
                out.extend((f"{Path(fname).name}:{lst['line']}", c, lst.get("call", "")) for c in lst["cases"])
    return out


def jio_money_parser_cases(data: dict) -> list[Case]:
    """test_money_parser.py: value in yuan (the suite's `num`), unit 元 or the foreign currency.

    Vague amounts are [min, max] in the suite (3000多 → 3000..4000); the guideline gives the
    smallest value with `more_than` (数百名 → 100), so only min is compared. Real ranges
    (1万-5万, 两到三万, 八九亿) compare min and max. The suite rounds to cents, so values
    agree within 0.006.
    """
    cases = []
    for i, (src, c, _) in enumerate(_jio_cases(data, "test_money_parser.py")):
        text, exp = c["text"], c["expected"]
        case = Case(f"{src}#{i}", text, None)
        if text in ERRATA:
            case.out = OUT_ERRATUM
        elif JIO_LATIN.search(text):
            case.out = OUT_LATIN
        elif not CURRENCY_WORD.search(text):
            case.out = OUT_NO_CURRENCY
        elif JIO_COMPOUND.search(text):
            case.out = OUT_COMPOUND
        else:
            num = exp["num"]
            lo, hi = (float(num[0]), float(num[1])) if isinstance(num, list) else (float(num), None)
            is_range = hi is not None and bool(JIO_RANGE.search(text))
            unit = "元" if exp["case"] == "元" else "foreign"
            case.expects = [Expect("FIGURE", (0, len(text)), lo, hi if is_range else None, unit, abs_tol=0.006)]
        cases.append(case)
    return cases


def jio_money_extractor_cases(data: dict) -> list[Case]:
    """test_money_extractor.py: spans only, so a money FIGURE must overlap each expected span; `[]` means no money FIGURE."""
    cases = []
    for i, (src, c, _) in enumerate(_jio_cases(data, "test_money_extractor.py")):
        text = c["text"]
        case = Case(f"{src}#{i}", text, None)
        items = c["expected"]
        if not items:
            case.negative = "money"
        elif all(JIO_LATIN.search(x["text"]) for x in items):
            case.out = OUT_LATIN
        else:
            spans = [tuple(x["offset"]) for x in items if not JIO_LATIN.search(x["text"])]
            case.expects = [Expect("FIGURE", s, span_only=True, money=True) for s in spans]
        cases.append(case)
    return cases


def _jio_partial(tb: Any) -> bool:
    """The suite gave only a year or a year and month ({"year": 2021}, [2019, 6])."""
    return (isinstance(tb, dict) and "day" not in tb) or (isinstance(tb, list) and len(tb) < 3)


def _jio_base(tb: Any) -> datetime | None:
    """The suite's time_base (unix seconds, [y,m,d,…], {year:…}, or a placeholder) as a Beijing-time datetime."""
    if tb is None:
        return None
    if isinstance(tb, (int, float)):
        return datetime.fromtimestamp(tb, SHANGHAI).replace(tzinfo=None)
    if isinstance(tb, list):
        parts = list(tb) + [1] * (3 - len(tb))
        return datetime(*parts[:6])
    if isinstance(tb, dict):
        keys = ("year", "month", "day", "hour", "minute", "second")
        defaults = (2000, 1, 1, 0, 0, 0)
        return datetime(*[tb.get(k, d) for k, d in zip(keys, defaults, strict=True)])
    m = regex.fullmatch(r"<datetime\.datetime\(([\d, ]+)\)>", str(tb))
    if m:
        return datetime(*[int(x) for x in m[1].split(",")])
    return datetime.now()  # "<time.time()>": the test's own clock; these cases name their year


START_ONLY = regex.compile(r"初(?![一二三四五六七八九十\d])|伊始|前期")  # 年初, 月初; not the lunar day 初十
END_ONLY = regex.compile(r"底|末")


def _jio_time_expect(text: str, exp: dict, base: datetime | None) -> Expect | str:
    """A parse_time result → the guideline's DATE bounds (only the bounds both conventions share)."""
    compact = regex.sub(r"\s+", "", text)
    kind = exp["type"]
    if kind == "time_delta":
        return OUT_DURATION
    if kind == "time_period":
        return OUT_SET
    if base is None:
        return OUT_NO_REFERENCE
    if ENUMERATION.search(compact):
        return OUT_ENUMERATION
    if "春节" in compact:
        return OUT_SPRING
    if SEASON.search(compact):
        return OUT_SEASON
    if regex.fullmatch(r"\d{4}", compact):
        return OUT_BARE_YEAR
    if compact == "全天":
        return OUT_TIME
    if NUMERIC_NOT_YEAR_FIRST.search(text.strip()):
        return OUT_NUMERIC_DATE
    if compact.startswith("第"):
        return OUT_ORDINAL_DAY
    if _is_relative(compact):
        return OUT_RELATIVE
    s, t = exp["time"]
    ref = base.strftime("%Y-%m-%d %H:%M:%S")
    start: Bound = ANY if s in {"-inf", ref} else _d(s)
    end: Bound = ANY if t in {"inf", ref} else _d(t)
    clock = (s not in {"-inf", ref} and not s.endswith("00:00:00")) or (t not in {"inf", ref} and not t.endswith("23:59:59"))
    if clock:
        if not DATE_WORD.search(compact):
            return OUT_TIME
        if isinstance(start, date) and isinstance(end, date) and start != end:
            return OUT_TIME_SPAN
        day = start if isinstance(start, date) else end
        start, end = (day if isinstance(start, date) else ANY), (day if isinstance(end, date) else ANY)
    cover = None
    if m := START_ONLY.search(text):
        end, cover = ANY, m.start()
    elif m := END_ONLY.search(text):
        start, cover = ANY, m.start()
    if isinstance(start, _Any) and isinstance(end, _Any):
        return OUT_NO_BOUND
    return Expect("DATE", (0, len(text)), dates=[(start, end)], cover=cover)


def jio_time_parser_cases(data: dict) -> list[Case]:
    """test_time_parser.py: the suite's [start, end] (second resolution) against the DATE's inclusive days.

    Normalisations: the suite's time_base is the publication date. A bound at the reference
    instant or at ±inf is open (年底前 runs from "now"; the guideline's DATE is 年底), so it
    is not compared. 初/伊始 expressions compare only the start, 底/末 only the end: the suite's
    年底 is November–December, the guideline's December; the shared bound is the end.
    A time with a date word is scored on its date part.
    """
    cases = []
    for i, (src, c, call) in enumerate(_jio_cases(data, "test_time_parser.py")):
        base = _jio_base(c.get("time_base"))
        if "ret_future=True" in call:
            item: Expect | str = OUT_FUTURE
        elif _jio_partial(c.get("time_base")) and "年" not in c["text"] and c["expected"]["type"] != "time_delta":
            item = OUT_PARTIAL_BASE
        else:
            item = _jio_time_expect(c["text"], c["expected"], base)
        published = base.date() if base else None
        cases.append(_case_from_items(f"{src}#{i}", c["text"], published, [item]))
    return cases


def jio_time_extractor_cases(data: dict) -> list[Case]:
    """test_time_extractor.py: spans only (time_base is the test's clock); `[]` means no DATE at all."""
    cases = []
    today = date.today()
    for i, (src, c, _) in enumerate(_jio_cases(data, "test_time_extractor.py")):
        text = c["text"]
        case = Case(f"{src}#{i}", text, today)
        items: list[Expect | str] = []
        for x in c["expected"]:
            compact = regex.sub(r"\s+", "", x["text"])
            if regex.fullmatch(r"\d{4}", compact):
                items.append(OUT_BARE_YEAR)
            elif _is_relative(compact):
                items.append(OUT_RELATIVE)
            elif not DATE_WORD.search(compact):
                items.append(OUT_TIME)
            else:
                items.append(Expect("DATE", tuple(x["offset"]), span_only=True))
        if not c["expected"]:
            case.negative = "DATE"
        else:
            case = _case_from_items(case.source, text, today, items)
        cases.append(case)
    return cases


# ---------------------------------------------------------------------------------------------
# NER test sets: PLACE recall on administrative units.
# ---------------------------------------------------------------------------------------------
ADMIN_LEVELS = {"province", "city", "county", "township"}
TITLE = regex.compile(r"《[^《》\n]{1,80}》")


@dataclass
class NerSentence:
    source: str
    text: str
    locs: list[tuple[int, int]]  # [start, end) of gold LOC mentions


def _bio_spans(tags: list[str], kind: str, offsets: list[int]) -> list[tuple[int, int]]:
    """[start, end) character spans of BIO `kind` chunks; `offsets[i]` is token i's first character (plus a final end)."""
    spans, start = [], None
    for i, tag in enumerate(tags + ["O"]):
        inside = tag == f"I-{kind}" and start is not None
        if start is not None and not inside:
            spans.append((offsets[start], offsets[i]))
            start = None
        if tag == f"B-{kind}" or (tag == f"I-{kind}" and start is None):
            start = i
    return spans


def read_msra(folder: Path) -> list[NerSentence]:
    """MSRA test set, version A: one sentence of space-separated tokens per line, BIO tags aligned."""
    sents = (folder / "test_sentences.txt").read_text(encoding="utf-8").split("\n")
    tags = (folder / "test_tags.txt").read_text(encoding="utf-8").split("\n")
    out = []
    for i, (s, t) in enumerate(zip(sents, tags, strict=False)):
        tokens, labels = s.split(), t.split()
        if not tokens or len(tokens) != len(labels):
            continue
        offsets = [0]
        for tok in tokens:
            offsets.append(offsets[-1] + len(tok))
        out.append(NerSentence(f"msra:{i + 1}", "".join(tokens), _bio_spans(labels, "LOC", offsets)))
    return out


def read_peoples_daily(path: Path) -> list[NerSentence]:
    """People's Daily NER: `char TAG` per line, a blank line between sentences."""
    out = []
    for i, block in enumerate(path.read_text(encoding="utf-8").split("\n\n")):
        pairs = [line.split() for line in block.split("\n") if line.strip()]
        pairs = [p for p in pairs if len(p) == 2]
        if not pairs:
            continue
        offsets = list(range(len(pairs) + 1))
        text = "".join(p[0] for p in pairs)
        out.append(NerSentence(f"pd:{i + 1}", text, _bio_spans([p[1] for p in pairs], "LOC", offsets)))
    return out


def admin_reason(surface: str, gaz: Any) -> str | None:
    """None when the gazetteer knows `surface` as a province/city/county/township; else why the mention is skipped."""
    if len(surface) < 2:
        return "single character (京, 欧): no gazetteer surface"
    keys = gaz.surfaces.get(surface)
    if not keys:
        return "not a gazetteer surface (countries, chains, facilities, other names)"
    levels = {gaz.units[k].level for k in keys if k in gaz.units}
    if levels & ADMIN_LEVELS:
        return None
    return f"gazetteer level {'/'.join(sorted(levels))}"


def place_recall(name: str, sentences: Iterable[NerSentence], extract_fn: ExtractFn, gaz: Any) -> SuiteResult:
    """Share of gold LOC mentions that are administrative units which `extract` gives as PLACE with the same text."""
    t0 = time.perf_counter()
    res = SuiteResult(name, "recall")
    for sent in sentences:
        titles = [m.span() for m in TITLE.finditer(sent.text)]
        gold = []
        for s, t in sent.locs:
            reason = admin_reason(sent.text[s:t], gaz)
            if reason is None and any(a <= s and t <= b for a, b in titles):
                reason = OUT_TITLE
            if reason:
                res.out[reason] += 1
            else:
                gold.append((s, t))
        if not gold:
            continue
        entities, error = safe_extract(extract_fn, sent.text, None)
        places = [e for e in entities if e.type == "PLACE"]
        # Same text in the sentence is a hit; pairing same-position mentions first only makes
        # the failure listing point at the right mention (the count is min(gold, found) per text).
        exact = {(e.start, e.end) for e in places}
        found = Counter(e.text for e in places)
        for s, t in gold:
            if (s, t) in exact and found[sent.text[s:t]] > 0:
                found[sent.text[s:t]] -= 1
        for s, t in gold:
            surface = sent.text[s:t]
            res.in_scope += 1
            if (s, t) in exact:
                res.agreed += 1
                continue
            if found[surface] > 0:
                found[surface] -= 1
                res.agreed += 1
                continue
            near = [e for e in entities if e.start < t and s < e.end]
            if error:
                category = error
            elif any(e.type == "PLACE" for e in near):
                category = "PLACE with other text"
            elif near:
                category = f"inside a {near[0].type}"
            else:
                category = "no PLACE"
            res.failures.append(
                {
                    "source": sent.source,
                    "text": sent.text,
                    "expected": [surface],
                    "got": [_summary(e) for e in near],
                    "category": category,
                }
            )
    res.seconds = time.perf_counter() - t0
    return res


# ---------------------------------------------------------------------------------------------
# The suites, one function each.
# ---------------------------------------------------------------------------------------------
def _limited(items: list, limit: int | None) -> list:
    return items[:limit] if limit else items


def suite_rt_number(ext: Path, fn: ExtractFn, limit: int | None) -> SuiteResult:
    """Recognizers-Text NumberModel."""
    return run_cases(
        "Recognizers-Text Number",
        _limited(rt_number_cases(ext / "recognizers_text_zh/Number/Chinese/NumberModel.json"), limit),
        fn,
    )


def suite_rt_percent(ext: Path, fn: ExtractFn, limit: int | None) -> SuiteResult:
    """Recognizers-Text PercentModel."""
    return run_cases(
        "Recognizers-Text Percent",
        _limited(rt_percent_cases(ext / "recognizers_text_zh/Number/Chinese/PercentModel.json"), limit),
        fn,
    )


def suite_rt_range(ext: Path, fn: ExtractFn, limit: int | None) -> SuiteResult:
    """Recognizers-Text NumberRangeModel (the ExperimentalMode copy differs only in bracket inclusivity, which is not compared)."""
    path = ext / "recognizers_text_zh/Number/Chinese/NumberRangeModel.json"
    return run_cases("Recognizers-Text NumberRange", _limited(rt_range_cases(path), limit), fn)


def suite_rt_currency(ext: Path, fn: ExtractFn, limit: int | None) -> SuiteResult:
    """Recognizers-Text CurrencyModel."""
    path = ext / "recognizers_text_zh/NumberWithUnit/Chinese/CurrencyModel.json"
    return run_cases("Recognizers-Text Currency", _limited(rt_currency_cases(path), limit), fn)


def suite_rt_dimension(ext: Path, fn: ExtractFn, limit: int | None) -> SuiteResult:
    """Recognizers-Text DimensionModel."""
    path = ext / "recognizers_text_zh/NumberWithUnit/Chinese/DimensionModel.json"
    return run_cases("Recognizers-Text Dimension", _limited(rt_unit_cases(path), limit), fn)


def suite_rt_age(ext: Path, fn: ExtractFn, limit: int | None) -> SuiteResult:
    """Recognizers-Text AgeModel."""
    path = ext / "recognizers_text_zh/NumberWithUnit/Chinese/AgeModel.json"
    return run_cases("Recognizers-Text Age", _limited(rt_unit_cases(path), limit), fn)


def suite_rt_datetime(ext: Path, fn: ExtractFn, limit: int | None) -> SuiteResult:
    """Recognizers-Text DateTimeModel + DateParser + DatePeriodParser + HolidayParser."""
    cases = rt_datetime_cases(ext / "recognizers_text_zh/DateTime/Chinese")
    return run_cases("Recognizers-Text DateTime", _limited(cases, limit), fn)


def _jio(ext: Path) -> dict:
    return _load_json(ext / "jionlp_tests/jionlp_test_cases.json")


def suite_jio_money(ext: Path, fn: ExtractFn, limit: int | None) -> SuiteResult:
    """JioNLP parse_money cases (values)."""
    return run_cases("JioNLP money (parse_money)", _limited(jio_money_parser_cases(_jio(ext)), limit), fn)


def suite_jio_money_spans(ext: Path, fn: ExtractFn, limit: int | None) -> SuiteResult:
    """JioNLP extract_money cases (spans and negatives)."""
    return run_cases("JioNLP money (extract_money)", _limited(jio_money_extractor_cases(_jio(ext)), limit), fn)


def suite_jio_time(ext: Path, fn: ExtractFn, limit: int | None) -> SuiteResult:
    """JioNLP parse_time cases (values)."""
    return run_cases("JioNLP time (parse_time)", _limited(jio_time_parser_cases(_jio(ext)), limit), fn)


def suite_jio_time_spans(ext: Path, fn: ExtractFn, limit: int | None) -> SuiteResult:
    """JioNLP extract_time cases (spans and negatives)."""
    return run_cases("JioNLP time (extract_time)", _limited(jio_time_extractor_cases(_jio(ext)), limit), fn)


def suite_msra(ext: Path, fn: ExtractFn, limit: int | None) -> SuiteResult:
    """MSRA NER test set: PLACE recall on administrative LOC mentions."""
    from pipeline.gazetteer import load_gazetteer

    return place_recall("MSRA NER test, admin LOC", _limited(read_msra(ext / "msra_ner"), limit), fn, load_gazetteer())


def suite_peoples_daily(ext: Path, fn: ExtractFn, limit: int | None) -> SuiteResult:
    """People's Daily 1998 NER test set: PLACE recall on administrative LOC mentions."""
    from pipeline.gazetteer import load_gazetteer

    sents = read_peoples_daily(ext / "peoples_daily_ner/example.test")
    return place_recall("People's Daily NER test, admin LOC", _limited(sents, limit), fn, load_gazetteer())


SUITES = (
    suite_rt_number,
    suite_rt_percent,
    suite_rt_range,
    suite_rt_currency,
    suite_rt_dimension,
    suite_rt_age,
    suite_rt_datetime,
    suite_jio_money,
    suite_jio_money_spans,
    suite_jio_time,
    suite_jio_time_spans,
    suite_msra,
    suite_peoples_daily,
)


def format_table(results: list[SuiteResult]) -> str:
    """The one table: suite, in-scope cases, out of scope, agreed (or found), and the share."""
    lines = [f"{'suite':<38} {'in scope':>8} {'out of scope':>12} {'agreed':>7} {'share':>7}  metric"]
    for r in results:
        share = f"{r.share:.3f}" if r.share is not None else "-"
        lines.append(f"{r.name:<38} {r.in_scope:>8} {r.out_total:>12} {r.agreed:>7} {share:>7}  {r.metric}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description="Score zhnews against external test suites (Recognizers-Text, JioNLP, MSRA, People's Daily)."
    )
    ap.add_argument(
        "--external", type=Path, default=DEFAULT_EXTERNAL, help="folder of the suites (default: ../shared/data/external)"
    )
    ap.add_argument("--limit", type=int, default=None, help="score only the first N cases (sentences) of each suite")
    ap.add_argument("--json", type=Path, default=None, help="write counts, out-of-scope reasons and failures to this file")
    ap.add_argument("--show-failures", type=int, default=0, metavar="N", help="after the table, print N failures per suite")
    args = ap.parse_args(argv)

    ext = args.external
    if not ext.is_dir():
        print(
            f"external suites not found: {ext}\n"
            "They are kept outside the repository (../shared/data/external in the project's workspace);"
            " pass --external DIR if you have a copy.",
            file=sys.stderr,
        )
        return 1

    from pipeline import extract  # the package-level API (pipeline/extraction.py since 1805e2c)

    t0 = time.perf_counter()
    results = [suite(ext, extract, args.limit) for suite in SUITES]
    print(format_table(results))
    print(f"({time.perf_counter() - t0:.0f} s; {args.external})", file=sys.stderr)
    if args.show_failures:
        for r in results:
            cats = Counter(f["category"] for f in r.failures)
            print(f"\n== {r.name}: {len(r.failures)} failures {dict(cats.most_common())}")
            for f in r.failures[: args.show_failures]:
                print(f"  [{f['category']}] {f['text'][:80]!r} expected {f['expected']} got {f['got']}")
    if args.json:
        payload = {"external": str(ext), "limit": args.limit, "suites": [r.as_json() for r in results]}
        args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
