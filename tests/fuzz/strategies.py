"""Hypothesis strategies for hostile text and bytes, and the oracles the property tests and fuzzers share.

Text: arbitrary Unicode (CJK, full-width digits, zero-width and control
characters, lone surrogates, odd line separators) mixed with fragments the
extractors react to (units, places, dates, quote and title marks, bylines), so
generated text reaches the rules instead of bouncing off them; and seed pages
with random insertions, deletions and line breaks.

Bytes: the same text in every encoding the readers meet (UTF-8, GB18030, Big5,
UTF-16 with BOM), truncated, spliced with random bytes, wrapped in HTML or
JSON Lines, and raw random bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

import regex
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus" / "seeds").glob("*.txt"))]

# Characters that have broken text pipelines before: zero-width, BOM, soft hyphen, controls,
# line and paragraph separators, ideographic and no-break spaces, lone surrogates, private use.
SPECIAL_CHARS = [
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\x00", "\x01", "\x07", "\x0b", "\x0c", "\r",
    "\x1b", "\x7f", "\x85", "\u2028", "\u2029", "\u3000", "\u00a0", "\t", "\n", "\n\n", "\r\n", " ",
    "\ud800", "\udfff", "\udc80", "\ue000", "\U0010ffff", "\ufffd", "\ufffe", "\U0001f600", "\u0301",
]  # fmt: skip
FULL_WIDTH_DIGITS = "０１２３４５６７８９"
# Fragments the extractors look for: numbers in every script, units, qualifiers, places,
# date words, programme marks, titles, bylines and headings.
FRAGMENTS = [
    "１９８４年", "2023年", "二〇二三年", "今年以来", "上年", "年底", "1—4月", "近日", "去年同期", "春节", "7月1日",
    "12.57亿元", "34.57万\n元", "1,200", "两三个", "三分之一", "5%", "６８.８２％", "万余次", "多", "约", "超过",
    "亿", "万", "元", "人", "个", "千米", "公顷", "户", "村", "赣州市", "章贡区", "赣州", "信丰县", "沙石镇沙石村",
    "江西省", "北京", "臺灣省", "凉山州", "赣州经开区", "“", "”", "《", "》", "「", "」", "（", "）", "(", ")",
    "“一天一调度”", "《政府工作报告》", "党建+政务服务", "+", "——", "、", "，", "。", "；", "！", "？", "…",
    "本报讯（曾镜明）", "□邱福林", "# ", "## ", "图为", "特约记者胡江涛 摄", "新华社", "记者 张三 报道",
    "-", "/", ".", "%", "~", "０", "一", "十", "百", "千", "零", "两", "第", "号", "期", "届",
]  # fmt: skip

_cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
_any_char = st.characters(codec=None, exclude_categories=())  # every code point Python str allows, surrogates too
_piece = st.one_of(
    _any_char,
    _cjk,
    st.sampled_from(SPECIAL_CHARS),
    st.sampled_from(FULL_WIDTH_DIGITS),
    st.sampled_from(FRAGMENTS),
    st.integers(0, 10**12).map(str),
    st.decimals(0, 10**6, places=2, allow_nan=False, allow_infinity=False).map(str),
)

hostile_text = st.lists(_piece, max_size=60).map("".join)
"""Arbitrary Unicode mixed with extractor fragments; lone surrogates included."""

published_dates = st.one_of(st.none(), st.dates())
"""A publication date or none; every year Python's `date` allows, since JSON Lines carries it from outside."""


@st.composite
def mutated_seed(draw: st.DrawFn, max_window: int = 1500) -> str:
    """A window of a seed page with random insertions, deletions and line breaks."""
    text = draw(st.sampled_from(SEED_TEXTS))
    size = draw(st.integers(0, max_window))
    start = draw(st.integers(0, max(0, len(text) - size)))
    text = text[start : start + size]
    for _ in range(draw(st.integers(0, 12))):
        pos = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "break", "break", "space"]))
        if op == "insert":
            text = text[:pos] + draw(_piece) + text[pos:]
        elif op == "delete":
            text = text[:pos] + text[pos + draw(st.integers(1, 30)) :]
        elif op == "break":
            text = text[:pos] + draw(st.sampled_from(["\n", "\n\n", "\r\n", "\n \n", "\u2028"])) + text[pos:]
        else:
            text = text[:pos] + draw(st.sampled_from([" ", "\u3000", "\u200b", "\t"])) + text[pos:]
    return text


any_text = st.one_of(hostile_text, mutated_seed())

# --- bytes for the readers ------------------------------------------------------------------

_encodable_text = st.one_of(hostile_text, mutated_seed(max_window=600)).map(
    lambda s: s.encode("utf-16", "surrogatepass").decode("utf-16", "replace")  # no lone surrogates: they encode nowhere
)


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16":
        return text.encode("utf-16")  # with BOM
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode(encoding, "replace")


@st.composite
def encoded_text(draw: st.DrawFn) -> bytes:
    """Text in one of the encodings the readers detect, sometimes truncated or spliced with junk."""
    data = _encode(draw(_encodable_text), draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "big5", "utf-16"])))
    damage = draw(st.sampled_from(["none", "none", "truncate", "splice", "bom"]))
    if damage == "truncate" and data:
        data = data[: draw(st.integers(0, len(data) - 1))]
    elif damage == "splice":
        pos = draw(st.integers(0, len(data)))
        data = data[:pos] + draw(st.binary(max_size=8)) + data[pos:]
    elif damage == "bom":
        data = draw(st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"])) + data
    return data


_json_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(_any_char, max_size=20), _encodable_text)
_json_value = st.recursive(
    _json_scalar,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=10,
)


@st.composite
def jsonl_line(draw: st.DrawFn) -> str:
    """One JSON Lines record: well-formed, odd fields, broken JSON, surrogate escapes, huge numbers, deep nesting."""
    kind = draw(st.sampled_from(["record", "record", "odd", "broken", "escape", "bignum", "deep", "value"]))
    if kind == "record":
        rec = {"text": draw(_encodable_text)}
        for key in draw(st.sets(st.sampled_from(["id", "title", "published", "date", "source", "content"]))):
            rec[key] = draw(st.one_of(_json_value, st.dates().map(str), st.just("20230715")))
        return json.dumps(rec, ensure_ascii=draw(st.booleans()))
    if kind == "odd":
        return json.dumps({draw(st.sampled_from(["text", "content", "id", "title", "published"])): draw(_json_value)})
    if kind == "broken":
        good = json.dumps({"text": draw(_encodable_text)}, ensure_ascii=False)
        return good[: draw(st.integers(0, max(0, len(good) - 1)))]
    if kind == "escape":
        field = draw(st.sampled_from(["text", "title", "id", "source", "published"]))
        esc = draw(st.sampled_from(["\\ud800", "\\udfff", "\\u0000", "\\ud83d\\ude00", "\\ufeff"]))
        return f'{{"text": "今年投入5亿元。", "{field}": "前{esc}后"}}'
    if kind == "bignum":
        return '{"text": "今年投入5亿元。", "id": ' + "9" * draw(st.integers(4000, 6000)) + "}"
    if kind == "deep":
        depth = draw(st.integers(500, 200_000))
        return '{"text": "x", "id": ' + "[" * depth + "]" * depth + "}"
    return json.dumps(draw(_json_value))


@st.composite
def jsonl_bytes(draw: st.DrawFn) -> bytes:
    lines = draw(st.lists(jsonl_line(), max_size=6))
    sep = draw(st.sampled_from(["\n", "\r\n", "\n\n", "\u2028"]))
    return _encode(sep.join(lines), draw(st.sampled_from(["utf-8", "utf-8", "gb18030", "utf-16"])))


@st.composite
def html_bytes(draw: st.DrawFn) -> bytes:
    """HTML pages: a body with Chinese text, scripts and styles, broken tags, deep nesting, odd declarations."""
    body = draw(_encodable_text)
    parts = [draw(st.sampled_from(["<!DOCTYPE html>", "<html>", "", "<?xml version='1.0'?>", "<!doctype html><html lang=zh>"]))]
    parts.append(f"<head><title>{draw(_encodable_text)[:30]}</title>")
    if draw(st.booleans()):
        parts.append(f"<meta name='date' content='{draw(st.text(max_size=12))}'>")
    if draw(st.booleans()):
        parts.append("<script>var x = '<p>不是正文</p>';</script><style>p {color: red}</style>")
    parts.append("</head><body>")
    tag = draw(st.sampled_from(["div", "p", "span", "b", "table", "ul"]))
    depth = draw(st.sampled_from([0, 1, 3, 50, 300, 3000]))
    parts.append(f"<{tag}>" * depth)
    parts.append(f"<article><h1>{body[:20]}</h1><p>{body}</p></article>")
    parts.append(f"</{tag}>" * depth if draw(st.booleans()) else "")
    for _ in range(draw(st.integers(0, 3))):
        pos = draw(st.integers(0, len(parts)))
        parts.insert(
            pos,
            draw(st.sampled_from(["<", ">", "</p>", "<![CDATA[", "<!--", "&#0;", "&#xD800;", "&bogus;", "\x00", "<p", "]]>"])),
        )
    text = "".join(parts)
    data = _encode(text, draw(st.sampled_from(["utf-8", "utf-8", "gb18030", "big5", "utf-16"])))
    if draw(st.integers(0, 9)) == 0 and data:
        data = data[: draw(st.integers(0, len(data)))]
    return data


reader_suffixes = st.sampled_from([".txt", ".md", ".html", ".htm", ".xhtml", ".jsonl", ".ndjson", ".json", "", ".bin", ".csv"])


@st.composite
def reader_input(draw: st.DrawFn) -> tuple[bytes, str]:
    """(bytes, suffix): a source file for `read_bytes`, its content not always matching its suffix."""
    kind = draw(st.sampled_from(["text", "jsonl", "html", "random"]))
    data = {
        "text": encoded_text(),
        "jsonl": jsonl_bytes(),
        "html": html_bytes(),
        "random": st.binary(max_size=400),
    }[kind]
    data = draw(data)
    matching = {"text": [".txt", ".md"], "jsonl": [".jsonl", ".ndjson"], "html": [".html", ".htm"], "random": [".txt"]}[kind]
    suffix = draw(st.one_of(st.sampled_from(matching), reader_suffixes))
    return data, suffix


# --- oracles ----------------------------------------------------------------------------------

SPACE = regex.compile(r"\s+")
SURROGATE = regex.compile(r"[\ud800-\udfff]")


def check_entities(text: str, entities: list) -> None:
    """Every entity lies inside `text`, is not empty, and its `text` is its slice without white space."""
    for e in entities:
        assert 0 <= e.start < e.end <= len(text), (e.type, e.start, e.end, len(text))
        assert e.text == SPACE.sub("", text[e.start : e.end]), (e.type, e.text, text[e.start : e.end])
        assert e.text, (e.type, e.start, e.end)


def check_clean(raw: str, c) -> None:  # noqa: ANN001 - pipeline.clean.CleanText
    """The offset map has one entry per clean character, never goes back, and points into `raw`."""
    assert c.source_length == len(raw)
    assert len(c.offsets) == len(c.text)
    assert all(a <= b for a, b in zip(c.offsets, c.offsets[1:], strict=False)), "offset map goes back"
    assert all(0 <= o < len(raw) for o in c.offsets), "offset outside the source"


def check_read(source: str, items: list) -> None:
    """Readers yield documents or one-line errors; documents hold text a Parquet file can store."""
    from pipeline.read import RawDoc, ReadError

    for item in items:
        assert isinstance(item, RawDoc | ReadError), type(item)
        if isinstance(item, ReadError):
            assert item.reason and "\n" not in str(item) and "\r" not in str(item), repr(str(item))
            continue
        assert isinstance(item.text, str) and item.text.strip()
        for value in (item.text, item.title, item.doc_id, item.source):
            if value is not None:
                assert isinstance(value, str)
                value.encode("utf-8")  # UnicodeEncodeError here means Parquet would fail on it later
