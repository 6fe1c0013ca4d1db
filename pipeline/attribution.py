"""Figure → place, period and programme, each with how it was found.

Place: the most specific place in the figure's sentence (nearest before it,
else after); else the nearest preceding place in the paragraph; else the
document's subject place (the most named place). Date: a DATE in the sentence;
else the last one earlier in the paragraph; else the document's governing
period (its first `…以来`/year expression). Programme: one named in the sentence.
"""

from __future__ import annotations

from collections import Counter

import regex

from .entities import Entity

SENTENCE_END = regex.compile(r"[。！？!?；;\n]")
LEVEL_RANK = {"village": 5, "township": 4, "zone": 3, "county": 3, "city": 2, "province": 1}


def _bounds(text: str, pos: int, pattern: regex.Pattern[str]) -> tuple[int, int]:
    starts = [m.end() for m in pattern.finditer(text, 0, pos)]
    start = starts[-1] if starts else 0
    m = pattern.search(text, pos)
    return start, m.start() if m else len(text)


def _date_dict(d: Entity) -> dict[str, str | None]:
    return {
        "start": d.date_start.isoformat() if d.date_start else None,
        "end": d.date_end.isoformat() if d.date_end else None,
    }


def attribute(text: str, entities: list[Entity]) -> None:
    """Fill place/date/programme of every FIGURE in place (offsets are into `text`)."""
    places = [e for e in entities if e.type == "PLACE" and e.name]
    dates = [e for e in entities if e.type == "DATE" and (e.date_start or e.date_end)]
    programmes = [e for e in entities if e.type == "PROGRAMME"]
    admin = [p for p in places if p.level in LEVEL_RANK]
    subject = None
    if admin:
        counts = Counter(p.name for p in admin)
        subject = max(admin, key=lambda p: (counts[p.name], -p.start))
    governing = next((d for d in dates if d.text.endswith("以来") or d.vague is None and d.date_start and d.date_end), None)
    para_end = regex.compile(r"\n")
    for f in (e for e in entities if e.type == "FIGURE"):
        s_lo, s_hi = _bounds(text, f.start, SENTENCE_END)
        p_lo, _ = _bounds(text, f.start, para_end)
        in_sentence = [p for p in admin if s_lo <= p.start < s_hi]
        if in_sentence:
            before = [p for p in in_sentence if p.start < f.start]
            pool = before or in_sentence
            best = max(pool, key=lambda p: (LEVEL_RANK.get(p.level or "", 0), p.start))
            f.place, f.place_code, f.attribution["place"] = best.name, best.code, "sentence"
        else:
            earlier = [p for p in admin if p_lo <= p.start < f.start]
            if earlier:
                f.place, f.place_code, f.attribution["place"] = earlier[-1].name, earlier[-1].code, "paragraph"
            elif subject is not None:
                f.place, f.place_code, f.attribution["place"] = subject.name, subject.code, "article"
        sentence_dates = [d for d in dates if s_lo <= d.start < s_hi]
        if sentence_dates:
            before = [d for d in sentence_dates if d.start < f.start]
            d = (before or sentence_dates)[-1]
            f.date, f.attribution["date"] = _date_dict(d), "sentence"
        else:
            earlier_d = [d for d in dates if p_lo <= d.start < f.start]
            if earlier_d:
                f.date, f.attribution["date"] = _date_dict(earlier_d[-1]), "paragraph"
            elif governing is not None and governing.start < f.start:
                f.date, f.attribution["date"] = _date_dict(governing), "article"
        progs = [p for p in programmes if s_lo <= p.start < s_hi]
        if progs:
            f.programme, f.attribution["programme"] = progs[0].name, "sentence"
