"""Numerals → numbers: Arabic, Chinese and mixed, shared by figures and dates.

cn2an converts a well-formed Chinese numeral (`三千零五`, `二十二`); the
cases it gets wrong or does not take are handled here first: approximate pairs
(`两三`, `十几`, `一两`), bare unit numerals (`百`, `千`), full-width digits and
thousands separators.
"""

from __future__ import annotations

from functools import lru_cache

import cn2an
import regex

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
# 万万 is an older way of writing 亿 (`四万万同胞`).
MULTIPLIERS = {
    "百": 100.0,
    "千": 1000.0,
    "万": 10_000.0,
    "亿": 100_000_000.0,
    "万亿": 1e12,
    "千万": 1e7,
    "百万": 1e6,
    "万万": 1e8,
}
CN_CHARS = "零〇一二两三四五六七八九十百千万亿"
# Two adjacent digits stating an approximate pair: 两三个, 三五天, 七八十.
APPROX_PAIR = regex.compile(r"^([一二两三四五六七八九])([二两三四五六七八九])(十|百|千|万|亿)?$")
VAGUE = regex.compile(r"^(数|几|上|成)(十|百|千|万|亿)$|^(十|百|千|万)几$|^几$")
PLAIN = regex.compile(r"\d+(?:\.\d+)?")
WITH_MULT = regex.compile(r"(\d+(?:\.\d+)?)(万亿|千万|百万|万万|百|千|万|亿)")


class NumberError(ValueError):
    """A numeral that cannot be read; reported, never guessed."""


def arabic(text: str) -> float:
    """`1,200.5` → 1200.5 (full-width digits are normalised before this)."""
    return float(text.replace(",", "").replace("，", ""))


@lru_cache(maxsize=4096)
def chinese(text: str) -> float:
    """A Chinese numeral (`二十二`, `三千零五`, `两`, `十`, `1.2万` is not one) → number."""
    if not text:
        raise NumberError("empty numeral")
    if len(text) == 1:
        if text in DIGITS:
            return float(DIGITS[text])
        if text in UNITS:
            return float(UNITS[text])
    if all(ch in DIGITS for ch in text) and len(text) > 2:
        # Digit-by-digit reading (`二〇二二`), used for years.
        return float("".join(str(DIGITS[ch]) for ch in text))
    if text[0] in "百千万亿":
        text = "一" + text  # `百万分之五`: a leading multiplier counts one of it; cn2an wants the 一
    try:
        return float(cn2an.cn2an(text.replace("两", "二").replace("〇", "零").replace("万万", "亿"), "normal"))
    except (ValueError, KeyError, TypeError) as err:
        raise NumberError(f"cannot read numeral {text!r}") from err


def approx_pair(text: str) -> tuple[float, float] | None:
    """`两三` → (2, 3); `七八十` → (70, 80); `三五` → (3, 5). None if not such a pair."""
    m = APPROX_PAIR.match(text)
    if not m:
        return None
    lo, hi = DIGITS[m.group(1)], DIGITS[m.group(2)]
    if hi <= lo:
        return None
    scale = UNITS[m.group(3)] if m.group(3) else 1
    return float(lo * scale), float(hi * scale)


def vague(text: str) -> float | None:
    """`数百` → 100, `十几` → 10, `上千` → 1000, `几` → 1: the smallest value of the magnitude."""
    m = VAGUE.match(text)
    if not m:
        return None
    unit = m.group(2) or m.group(3)
    return float(UNITS[unit]) if unit else 1.0


def parse_number(text: str) -> float:
    """Any numeral token the figure pattern finds: Arabic, Chinese or mixed (`1.2万`)."""
    t = text.replace(",", "").replace("，", "")
    if not t:
        raise NumberError("empty numeral")
    if PLAIN.fullmatch(t):
        return float(t)
    m = WITH_MULT.fullmatch(t)
    if m:
        return float(m.group(1)) * MULTIPLIERS[m.group(2)]
    v = vague(t)
    if v is not None:
        return v
    if all(ch in CN_CHARS for ch in t):
        return chinese(t)
    if "点" in t and all(ch in CN_CHARS + "点" for ch in t):
        whole, _, frac = t.partition("点")
        return chinese(whole) + float("0." + "".join(str(DIGITS[c]) for c in frac))
    raise NumberError(f"cannot read numeral {text!r}")
