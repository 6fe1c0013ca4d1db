"""Raw page text → clean text with an offset map back to the source.

OCR'd newspaper pages break lines inside words and numbers (`34.57万\\n元`),
scatter spaces between characters (`换届 前 分 别`), and sometimes put a blank
line after every line. Cleaning reflows lines into paragraphs, removes stray
spaces, normalises widths, and records for every clean character the offset of
the source character it came from, so every extracted fact points back into the
source file.

Reflow is decided per page from its own line lengths: a line that fills its
column (compared with the lines around it) and does not end a sentence is
joined to the next; a short line or a sentence end closes the paragraph.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import regex

# Characters that end a sentence, so a line ending with them ends a paragraph.
SENTENCE_END = set("。！？!?；;…")
CLOSING_QUOTES = set('”’」』"')
# A line ending with one of these is mid-sentence whatever its length.
MID_SENTENCE = set("，,、“‘「《（(：:—-")
# Punctuation that a headline does not contain (quotes, dashes and colons it may).
TITLE_BREAKERS = regex.compile("[，,。、；;！!？?]")
# Line breaks: those `str.splitlines` knows (CR alone, CR LF, NEL, line and paragraph separators,
# vertical tab, form feed, file/group/record separators), not only LF.
LINE_BREAK = regex.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}
HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
# A line starting like this opens a news item (so the line before it ends a paragraph).
BYLINE_START = regex.compile(r"^(本报讯|本报记者|□|■|◎|新华社|央视网消息|人民网|记者\s*\p{Han}{2,4}\s*(报道|摄))")
# A photo credit ends a caption: `特约记者胡江涛 摄`, `（张三 摄）`.
PHOTO_CREDIT = regex.compile(r"\p{Han}{2,4}\s*摄[）)]?$")
# How many non-blank lines on each side give the local column width.
WIDTH_WINDOW = 3
FULL_LINE_SHARE = 0.75
MID_SENTENCE_SHARE = 0.4
# A line without punctuation must fill more of its column to count as a continued line.
TITLE_LINE_SHARE = 0.8


def is_cjk(ch: str) -> bool:
    """True for Han characters and CJK punctuation (not for ASCII)."""
    o = ord(ch)
    return 0x3000 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF or 0x20000 <= o <= 0x2FFFF


def normalise_char(ch: str) -> str:
    """Full-width ASCII to half-width, every space (ideographic, no-break, thin…) to space, zero-width and controls to ''.

    Line breaks are not characters here: `clean` splits lines at them first.
    """
    if ch in ZERO_WIDTH:
        return ""
    o = ord(ch)
    if 0xFF01 <= o <= 0xFF5E:
        half = chr(o - 0xFEE0)
        if half.isalnum() or half in "%.+-/~":
            return half
        return ch
    if ch in "\n\t ":
        return ch
    category = unicodedata.category(ch)
    if category == "Zs":
        return " "
    if category in ("Cc", "Cs", "Co", "Cn"):
        return ""
    return ch


@dataclass(frozen=True)
class CleanText:
    """Clean text; `offsets[i]` is the source offset of clean character `i`."""

    text: str
    offsets: tuple[int, ...]
    source_length: int

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Source offsets of the clean span [start, end) (end exclusive)."""
        if end <= start:
            pos = self.offsets[start] if start < len(self.offsets) else self.source_length
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1


@dataclass
class _Line:
    text: str
    offsets: list[int]  # source offset of each character of `text`
    heading: bool


DROPPED = "\x00"


class _Normalised(dict):
    """Code point → `normalise_char` of it, computed on first sight, for `str.translate`.

    A dropped character maps to NUL (itself dropped), not to nothing, so the
    translated page keeps the source's length and positions; line breaks map to
    themselves, so lines are split on the translated page.
    """

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        n = ch if LINE_BREAK.fullmatch(ch) else (normalise_char(ch) or DROPPED)
        self[code] = n
        return n


_NORMALISED = _Normalised()
# Characters `normalise_char` leaves alone (ASCII, CJK punctuation and ideographs, full-width punctuation,
# common symbols; tests/test_clean.py checks every one): a page with nothing else skips the translation.
UNCHANGED = (
    "\n\x20-\x7e\u00b0\u00b1\u00b7\u00d7\u2010-\u2027\u2103\u2160-\u216b\u3001-\u303f\u4e00-\u9fff"
    "\uff01-\uff04\uff06-\uff0a\uff0c\uff1a-\uff20\uff3b-\uff40\uff5b-\uff5d"
)
NEEDS_NORMALISING = regex.compile(f"[^{UNCHANGED}]")
# What goes between characters: dropped characters, and spaces (one survives between Latin words).
GAP = regex.compile(r"[ \t\x00]+")
SPACE = regex.compile(r"[ \t]")
CLOCK_TIME = regex.compile(r"\d{1,2}[:：]\d{2}(?!\d)")
HALF_WIDTH = regex.compile("[" + regex.escape("".join(HALF_TO_FULL)) + "]")


def _keep_space(text: str, s: int, e: int) -> bool:
    """Whether the gap `text[s:e]` stays a space: between Latin words (`Hello world`) and before a clock time.

    `298 KW` and `A 股` lose it; `2023-06-12 09:30` keeps it, or the day and the
    hour would run together into one number.
    """
    left, right = text[s - 1], text[e]
    if left.isascii() and right.isascii() and left.isalpha() and right.isalpha():
        return True
    return left.isdigit() and bool(CLOCK_TIME.match(text, e))


def _normalise(raw: str) -> tuple[str, list[int]]:
    """The page with widths normalised, dropped characters and stray spaces removed, and each character's source offset.

    Line breaks stay. A gap (a run of spaces and dropped characters) becomes one
    space, at the offset of its first space, when it separates Latin words, and
    nothing otherwise. The work is per gap and per half-width mark, not per character.
    """
    marked = raw.translate(_NORMALISED) if NEEDS_NORMALISING.search(raw) else raw
    pieces: list[str] = []
    offsets: list[int] = []
    prev = 0
    for m in GAP.finditer(marked):
        s, e = m.span()
        pieces.append(marked[prev:s])
        offsets.extend(range(prev, s))
        if s and e < len(marked) and _keep_space(marked, s, e):
            space = SPACE.search(marked, s, e)
            if space:
                pieces.append(" ")
                offsets.append(space.start())
        prev = e
    if pieces:
        pieces.append(marked[prev:])
        offsets.extend(range(prev, len(marked)))
        text = "".join(pieces)
    else:
        text = marked
        offsets.extend(range(len(marked)))
    return _full_width_marks(text), offsets


def _full_width_marks(text: str) -> str:
    """Half-width Chinese punctuation next to Chinese text becomes full-width (left to right: a changed mark counts as Chinese for the next)."""
    if not HALF_WIDTH.search(text):
        return text
    chars = list(text)
    for m in HALF_WIDTH.finditer(text):
        i = m.start()
        ch = chars[i]
        left = chars[i - 1] if i else ""
        right = text[i + 1] if i + 1 < len(text) else ""
        if ch == "," and left.isdigit() and right.isdigit():
            continue  # thousands separator
        if (left and is_cjk(left)) or (right and is_cjk(right)) or (ch == ")" and left.isdigit()):
            chars[i] = HALF_TO_FULL[ch]
    return "".join(chars)


def _ends_sentence(text: str) -> bool:
    t = text.rstrip()
    if not t:
        return True
    if t[-1] in SENTENCE_END:
        return True
    return t[-1] in CLOSING_QUOTES and len(t) > 1 and t[-2] in SENTENCE_END


def _column_width(lines: list[_Line], i: int) -> float:
    """Typical length of the lines around line i (their median).

    The median, not the maximum: a caption or headline set across columns can
    be far longer than the body lines around it.
    """
    lo, hi = max(0, i - WIDTH_WINDOW), min(len(lines), i + WIDTH_WINDOW + 1)
    lengths = sorted(len(line.text) for line in lines[lo:hi] if not line.heading)
    return lengths[len(lengths) // 2] if lengths else len(lines[i].text)


def _title_like(text: str) -> bool:
    """A line with no sentence punctuation inside: a headline, a byline, a caption label."""
    return not TITLE_BREAKERS.search(text)


def _joins(lines: list[_Line], i: int) -> bool:
    """Whether line i continues into line i+1 (an OCR break, not a paragraph end)."""
    a, b = lines[i], lines[i + 1]
    if a.heading or b.heading:
        return False
    ta, tb = a.text, b.text
    if _ends_sentence(ta) or BYLINE_START.match(tb) or PHOTO_CREDIT.search(ta):
        return False
    width = _column_width(lines, i)
    share = MID_SENTENCE_SHARE if ta[-1] in MID_SENTENCE else FULL_LINE_SHARE
    if _title_like(ta):
        if (_title_like(tb) and len(tb) < FULL_LINE_SHARE * width) or tb[0] in '“"':
            return False  # a headline over another headline or over a quote
        share = TITLE_LINE_SHARE
    return len(ta) >= share * width and len(ta) >= 6


def clean(raw: str, reflow: bool = True) -> CleanText:
    """Clean a page: normalise, remove stray spaces, reflow OCR line breaks, keep offsets.

    `reflow=False` keeps every line break: the lines of an HTML page's text are
    its blocks (paragraphs, headings, the date line), never OCR breaks, and a
    paragraph as long as its neighbours must not run into the next.
    """
    text, source = _normalise(raw)
    lines: list[_Line] = []
    breaks: list[int] = []  # source offset of the line break after each kept line
    pos = 0
    for m in LINE_BREAK.finditer(text + "\n"):
        end = m.start()
        if end > pos:
            lines.append(_Line(text[pos:end], source[pos:end], text[pos] == "#"))
            breaks.append(source[end] if end < len(source) else len(raw))
        pos = m.end()
    out: list[str] = []
    offsets: list[int] = []
    for i, line in enumerate(lines):
        out.append(line.text)
        offsets.extend(line.offsets)
        if i + 1 < len(lines) and not (reflow and _joins(lines, i)):
            out.append("\n")
            offsets.append(min(breaks[i], len(raw) - 1) if raw else 0)
    return CleanText("".join(out), tuple(offsets), len(raw))
