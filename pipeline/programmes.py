"""PROGRAMME extraction: quoted and titled names, decided by the guideline's order.

Candidates are “…”, ‘…’ and 《…》 spans. Each is decided in order: speech →
not; programme evidence (a head noun after it, a trigger verb before it, a head
noun ending it; shared along a list of quotes) → PROGRAMME; else not. Names
accepted once are found again unquoted in the same document.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from .entities import Entity
from .rules import Rules

QUOTES = regex.compile(
    r"“(?P<q>[^“”\n]{1,40}(?:“[^“”\n]{1,20}”[^“”\n]{0,20})*)”|‘(?P<s>[^‘’“”\n]{1,30})’|《(?P<t>[^《》\n]{1,80})》"
)
SENTENCE_PUNCT = set("。！？!?…；")
MAX_NAME = 24
# A count inside an unquoted name makes it a description (`六大林业生态工程`, `三峡三期工程`).
NUMBERED = regex.compile(r"[0-9一二三四五六七八九十两百千]+(?:批|大|期|名|个|项|类)")
# A quoted numeral formula (`“三牛”`, `“三懂”`) names a programme only with a head right after it (`“三化”建设`).
NUMERAL_FORMULA = regex.compile(r"^[一二三四五六七八九十两百千万]+\p{Han}{1,2}$")
# Five-year plans are programmes of kind document, quoted or not (docs/ANNOTATION.md): `“十四五”`, `十四五规划`,
# and quoted the earlier ones (`“七五”计划`, 1986–1990).
FIVE_YEAR_PLAN = regex.compile(r"(?:十[一二三四五六七八九]|[六七八九十])五(?:规划|计划)?")
UNQUOTED_PLAN = regex.compile(
    r"(?<![“‘\"])(?:十[一二三四五六七八九]五(?:规划)?|第[一二三四五六七八九十]{1,3}个五年(?:计划|规划))(?![”’\"])"
)
# A quoted “X+Y” working model is a programme of kind model by its form (docs/ANNOTATION.md: `“5G+智慧港口”`).
PLUS_MODEL = regex.compile(r"^[^+＋]*\p{Han}[^+＋]*(?:[+＋][^+＋]*\p{Han}[^+＋]*)+$")
# …unless it only says how something is held (`以“线上+线下”的方式`, `“现场+视频”形式`).
FORMAT_AFTER = regex.compile(r"^的?(?:方式|形式)")
# `“一国两制”的方针`: a principle named with 的 before its head.
POLICY_AFTER = regex.compile(r"的(?P<h>方针|原则|政策|战略)")
# A list of quotes closed by one more item and its head (`…、高度自治的方针`).
LIST_TAIL_HEAD = regex.compile(r"、[^，。；：“”《》\s]{1,8}?的(?P<h>方针|原则|政策|战略|制度|机制)")
# What may stand between quotes of one list: `“书记讲坛”“红动星期六”、`.
LIST_GLUE = regex.compile(r"^(?:[、和及与]|以及)?$")
# The heads of an unquoted full name (`…专项行动`), not inside a quote, and the Han run that reaches one.
# Not 工程师/工程院, and not a plan's document (`三年行动方案` is a 方案, no 行动).
FULL_NAME_HEAD = regex.compile(r"(?:行动|工程(?!师|院|学|兵)|计划)(?![”’》]|方案|纲要|实施方案|意见)")
HAN_TAIL = regex.compile(r"\p{Han}+\Z")
YEAR_BEFORE = regex.compile(r"(?:19|20)\d\d\Z")


@dataclass
class Candidate:
    start: int  # offsets of the name, without the marks
    end: int
    name: str
    title: bool  # 《…》
    kind: str | None = None
    speech: bool = False


class ProgrammeFinder:
    """Programme word lists compiled once from `rules/programmes/programmes.toml`."""

    def __init__(self, rules: Rules) -> None:
        r = rules.programmes
        self.heads: dict[str, str] = r["heads"]
        self.stop = set(r["stop"]["words"])
        head_alt = "|".join(regex.escape(h) for h in sorted(self.heads, key=len, reverse=True))
        self.head_after = regex.compile(rf"^[^\s，。、；：！？“”《》,;的等]{{0,8}}?(?P<h>{head_alt})")
        self.weak_heads = set(r["weak_heads"]["words"])
        self.concept_endings = tuple(r["concept_endings"]["words"])
        self.known: dict[str, str] = r["known"]
        self.construction = regex.compile("|".join(regex.escape(w) for w in r["construction"]["words"]))
        keep = r["name_boundaries"]["word_continues"]  # `乡` is no boundary in `乡村振兴`
        bounds = "|".join(
            regex.escape(w) + (f"(?![{regex.escape(keep[w])}])" if w in keep else "")
            for w in sorted(r["name_boundaries"]["words"], key=len, reverse=True)
        )
        joined = "|".join(regex.escape(w) for w in r["name_boundaries"]["joined"])
        self.name_boundary = regex.compile(rf"(?P<joined>{joined})|(?:{bounds})")
        self.generic_starts = tuple(r["generic_starts"]["words"])
        self.plan_as_verb = tuple(r["plan_as_verb"]["next"])
        self.head_end = regex.compile(rf"(?P<h>{head_alt})$")
        trig = "|".join(regex.escape(t) for t in sorted(r["triggers"]["words"], key=len, reverse=True))
        self.trigger_before = regex.compile(rf"(?:{trig})[^，。；：！？“”\n]{{0,8}}$")
        speech = "|".join(regex.escape(v) for v in r["speech"]["verbs"])
        self.speech_after = regex.compile(rf"^[^，。；！？“”\n]{{0,10}}?(?:{speech})")
        self.doc_starts = tuple(r["document_titles"]["starts"])
        self.doc_ends = tuple(r["document_titles"]["ends"])

    def _candidates(self, text: str) -> list[Candidate]:
        out = []
        for m in QUOTES.finditer(text):
            if m.group("t") is not None:
                s, e = m.span("t")
                out.append(Candidate(s, e, m.group("t"), True))
            else:
                grp = "q" if m.group("q") is not None else "s"
                s, e = m.span(grp)
                out.append(Candidate(s, e, m.group(grp), False))
        return out

    def _decide_title(self, c: Candidate) -> None:
        name = regex.sub(r"[（(][^（）()]*[）)]$", "", c.name)  # `…规划（2026—2030年）`
        if name.startswith(self.doc_starts) or name.endswith(self.doc_ends):
            c.kind = "document"

    def _evidence(self, text: str, c: Candidate) -> str | None:
        """The kind the context gives this quoted name, or None without evidence.

        A list of parallel phrases (`作示范、勇争先`) is a slogan unless a strong
        head noun follows it.
        """
        after = text[c.end + 1 : c.end + 12]
        m = self.head_after.match(after) or (POLICY_AFTER.match(after) if "，" not in c.name else None)
        if NUMERAL_FORMULA.match(c.name):
            return self.heads[m.group("h")] if m and m.start("h") == 0 else None
        if "、" in c.name or "，" in c.name:
            return self.heads[m.group("h")] if m and m.group("h") not in self.weak_heads else None
        if m:
            return self.heads[m.group("h")]
        if c.name in self.known:
            return self.known[c.name]  # `共建“一带一路”国家`: a programme everyone knows by name
        if c.name.endswith(self.concept_endings):
            return None  # `构建“首发经济”`: an idea, not something carried out
        if PLUS_MODEL.match(c.name) and not FORMAT_AFTER.match(after):
            return "model"
        m = self.head_end.search(c.name)
        if m and len(c.name) > len(m.group("h")) + 1:
            return self.heads[m.group("h")]
        if self.trigger_before.search(text[max(0, c.start - 12) : c.start - 1]):
            return "initiative"
        return None

    def names(self, text: str, analysis: Analysis | None = None) -> dict[str, str]:
        """Names quoted as programmes anywhere in `text` (a whole page), with their kinds."""
        return {e.name: e.kind for e in self.find(text, analysis=analysis) if e.name and e.kind}

    def find(self, text: str, known: dict[str, str] | None = None, analysis: Analysis | None = None) -> list[Entity]:
        """Every programme mention of `text`, quoted or not.

        `known` are programme names accepted elsewhere in the same document
        (another item of the page); their unquoted mentions here count too.
        `analysis` is `self.analyse(text)` when the caller has it already.
        """
        a = analysis or self.analyse(text)
        out = [Entity("PROGRAMME", c.name, c.start, c.end, name=_bare(c.name), kind=c.kind) for c in a.accepted]
        out += self._unquoted(text, out, a, known or {})
        out.sort(key=lambda e: e.start)
        return out

    def analyse(self, text: str) -> Analysis:
        """What `find` decides from `text` alone, whatever names are known: the quoted names and the full names.

        A page of one item is that item's text too; analysing it once serves
        both the page's `names` and the item's `find`.
        """
        cands = self._candidates(text)
        for c in cands:
            if c.title:
                self._decide_title(c)
                continue
            name = c.name
            if name in self.stop or len(name) < 2 or len(name) > MAX_NAME or any(ch in SENTENCE_PUNCT for ch in name):
                c.speech = True
                continue
            c.kind = "document" if FIVE_YEAR_PLAN.fullmatch(name) else self._evidence(text, c)
            if c.kind is None and self.speech_after.match(text[c.end + 1 : c.end + 12]):
                c.speech = True
        # A list of quotes shares the evidence of any of its members.
        groups: list[list[Candidate]] = []
        for c in cands:
            if c.title or c.speech:
                groups.append([])
                continue
            if groups and groups[-1] and LIST_GLUE.match(text[groups[-1][-1].end + 1 : c.start - 1]):
                groups[-1].append(c)
            else:
                groups.append([c])
        for g in groups:
            kinds = [c.kind for c in g if c.kind]
            if not kinds and len(g) > 1 and (tail := LIST_TAIL_HEAD.match(text, g[-1].end + 1)):
                # `“一国两制”、“港人治港”、“澳人治澳”、高度自治的方针`: the list ends in its head.
                kinds = [self.heads[tail.group("h")]]
            if kinds:
                for c in g:
                    c.kind = c.kind or kinds[-1]
        accepted = [c for c in cands if c.kind and not c.speech]
        # Nested quotes inside an accepted name are not annotated separately.
        accepted = [c for c in accepted if not any(o is not c and o.start <= c.start and c.end <= o.end for o in accepted)]
        return Analysis([(c.start, c.end) for c in cands], accepted, self._full_names(text))

    def _full_names(self, text: str) -> list[tuple[int, int]]:
        """Spans of unquoted full names ending in 行动/工程/计划 that pass the word lists (overlaps are `find`'s to judge)."""
        out = []
        for s, e in _han_before_heads(text):
            cut = [b.end() for b in self.name_boundary.finditer(text, s, e - 2) if not b.group("joined")]
            s = max(cut) if cut else s
            if s and text[s - 1] in "”’":
                continue  # `“万人下乡·单产提升”农技服务行动`: the quoted name is the programme, the rest describes it
            if text[s] == "年" and (year := YEAR_BEFORE.search(text, max(0, s - 4), s)):
                s = year.start()  # `1980年国民经济计划`: a yearly plan is named with its year
            name = text[s:e]
            if len(name) < 6 or name.startswith(self.generic_starts) or NUMBERED.search(name) or self.construction.search(name):
                continue
            if name.endswith("计划") and text.startswith(self.plan_as_verb, e):
                continue
            out.append((s, e))
        return out

    def _unquoted(self, text: str, found: list[Entity], a: Analysis, known: dict[str, str]) -> list[Entity]:
        """Later unquoted mentions of accepted names, full names ending in 行动/工程/计划, and five-year plans."""
        taken = [(e.start, e.end) for e in found]
        extra: list[Entity] = []
        names = {n: k for n, k in known.items() if len(n) >= 3 and k != "document"}
        names.update({e.name: e.kind for e in found if e.name and len(e.name) >= 3 and not e.kind == "document"})
        for name, kind in names.items():
            s = text.find(name)
            while s >= 0:
                e = s + len(name)
                if not any(lo <= s and e <= hi for lo, hi in a.quoted + taken):
                    extra.append(Entity("PROGRAMME", name, s, e, name=name, kind=kind))
                    taken.append((s, e))
                s = text.find(name, e)
        for s, e in a.full_names:
            if any(lo < e and s < hi for lo, hi in a.quoted + taken):
                continue
            extra.append(Entity("PROGRAMME", text[s:e], s, e, name=text[s:e], kind="initiative"))
            taken.append((s, e))
        if "五" in text:
            for m in UNQUOTED_PLAN.finditer(text):
                if not any(lo < m.end() and m.start() < hi for lo, hi in a.quoted + taken):
                    extra.append(Entity("PROGRAMME", m.group(0), m.start(), m.end(), name=m.group(0), kind="document"))
        return extra


@dataclass
class Analysis:
    """`ProgrammeFinder.analyse` of one text: spans of all quoted candidates, the accepted ones, and full-name spans."""

    quoted: list[tuple[int, int]]
    accepted: list[Candidate]
    full_names: list[tuple[int, int]]


def _han_before_heads(text: str) -> list[tuple[int, int]]:
    """What `(\\p{Han}{2,16}?(?:行动|工程|计划))(?![”’》])` finds, found from the heads backwards.

    That pattern tries up to 16 lengths at every Han character; a head is rare,
    so finding the heads first and reaching back over the Han run before each
    gives the same matches for a fraction of the work. The leftmost start that
    reaches a head begins the match, and the first head it reaches ends it.
    """
    out = []
    pos = 0
    for h in FULL_NAME_HEAD.finditer(text):
        q = h.start()
        if q < pos + 2:
            continue
        start = HAN_TAIL.search(text, max(pos, q - 16), q)
        if start and start.start() <= q - 2:
            out.append((start.start(), h.end()))
            pos = h.end()
    return out


def _bare(name: str) -> str:
    """The name without nested quote marks or white space."""
    return regex.sub(r"[“”‘’\s]", "", name)
