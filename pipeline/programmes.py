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
# What may stand between quotes of one list: `“书记讲坛”“红动星期六”、`.
LIST_GLUE = regex.compile(r"^(?:[、和及与]|以及)?$")


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
        self.construction = regex.compile("|".join(regex.escape(w) for w in r["construction"]["words"]))
        bounds = "|".join(regex.escape(w) for w in sorted(r["name_boundaries"]["words"], key=len, reverse=True))
        self.name_boundary = regex.compile(rf"(?:{bounds})")
        self.generic_starts = tuple(r["generic_starts"]["words"])
        self.head_end = regex.compile(rf"(?P<h>{head_alt})$")
        trig = "|".join(regex.escape(t) for t in sorted(r["triggers"]["words"], key=len, reverse=True))
        self.trigger_before = regex.compile(rf"(?:{trig})[^，。；：！？“”\n]{{0,8}}$")
        speech = "|".join(regex.escape(v) for v in r["speech"]["verbs"])
        self.speech_after = regex.compile(rf"^[^，。；！？“”\n]{{0,10}}?(?:{speech})")
        self.doc_starts = tuple(r["document_titles"]["starts"])
        self.doc_ends = tuple(r["document_titles"]["ends"])
        self.full_name = regex.compile(r"(?P<n>\p{Han}{2,16}?(?:行动|工程|计划))(?![”’》])")

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
        m = self.head_after.match(after)
        if NUMERAL_FORMULA.match(c.name):
            return self.heads[m.group("h")] if m and m.start("h") == 0 else None
        if "、" in c.name or "，" in c.name:
            return self.heads[m.group("h")] if m and m.group("h") not in self.weak_heads else None
        if m:
            return self.heads[m.group("h")]
        m = self.head_end.search(c.name)
        if m and len(c.name) > len(m.group("h")) + 1:
            return self.heads[m.group("h")]
        if self.trigger_before.search(text[max(0, c.start - 12) : c.start - 1]):
            return "initiative"
        return None

    def names(self, text: str) -> dict[str, str]:
        """Names quoted as programmes anywhere in `text` (a whole page), with their kinds."""
        return {e.name: e.kind for e in self.find(text) if e.name and e.kind}

    def find(self, text: str, known: dict[str, str] | None = None) -> list[Entity]:
        """Every programme mention of `text`, quoted or not.

        `known` are programme names accepted elsewhere in the same document
        (another item of the page); their unquoted mentions here count too.
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
            c.kind = self._evidence(text, c)
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
            if kinds:
                for c in g:
                    c.kind = c.kind or kinds[-1]
        accepted = [c for c in cands if c.kind and not c.speech]
        # Nested quotes inside an accepted name are not annotated separately.
        accepted = [c for c in accepted if not any(o is not c and o.start <= c.start and c.end <= o.end for o in accepted)]
        out = [Entity("PROGRAMME", c.name, c.start, c.end, name=_bare(c.name), kind=c.kind) for c in accepted]
        out += self._unquoted(text, out, cands, known or {})
        out.sort(key=lambda e: e.start)
        return out

    def _unquoted(self, text: str, found: list[Entity], cands: list[Candidate], known: dict[str, str]) -> list[Entity]:
        """Later unquoted mentions of accepted names, and full names ending in 行动/工程/计划."""
        quoted = [(c.start, c.end) for c in cands]
        taken = [(e.start, e.end) for e in found]
        extra: list[Entity] = []
        names = {n: k for n, k in known.items() if len(n) >= 3 and k != "document"}
        names.update({e.name: e.kind for e in found if e.name and len(e.name) >= 3 and not e.kind == "document"})
        for name, kind in names.items():
            for m in regex.finditer(regex.escape(name), text):
                s, e = m.span()
                if any(a <= s and e <= b for a, b in quoted + taken):
                    continue
                extra.append(Entity("PROGRAMME", name, s, e, name=name, kind=kind))
                taken.append((s, e))
        for m in self.full_name.finditer(text):
            s, e = m.span("n")
            cut = [b.end() for b in self.name_boundary.finditer(text, s, e - 2)]
            s = max(cut) if cut else s
            name = text[s:e]
            if (
                len(name) < 6
                or name.startswith(self.generic_starts)
                or NUMBERED.search(name)
                or self.construction.search(name)
                or any(a < e and s < b for a, b in quoted + taken)
            ):
                continue
            extra.append(Entity("PROGRAMME", name, s, e, name=name, kind="initiative"))
            taken.append((s, e))
        return extra


def _bare(name: str) -> str:
    """The name without nested quote marks or white space."""
    return regex.sub(r"[“”‘’\s]", "", name)
