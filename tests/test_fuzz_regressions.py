"""Crashes and losses found by fuzzing the readers and cleaning (benchmarks/fuzz_readers.py,
tests/test_properties.py), each kept as the minimal input that showed it; and a short fuzz run.
"""

from __future__ import annotations

import json
import time

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings

from pipeline.clean import clean
from pipeline.extraction import default_extractor, extract
from pipeline.read import RawDoc, ReadError, decode, read_bytes

from .fuzz.strategies import check_clean, check_entities, check_read, reader_input


def _read(data: bytes, suffix: str) -> list:
    items = list(read_bytes(f"x{suffix}", data, suffix))
    check_read(f"x{suffix}", items)
    return items


# --- JSON Lines ---------------------------------------------------------------------------------


def test_jsonl_integer_of_more_than_4300_digits():
    # Was: ValueError out of json.loads (Python's int_max_str_digits), ending the whole ingest.
    data = b'{"text": "x", "id": ' + b"9" * 4301 + b"}\n" + '{"text": "今年投入5亿元。"}'.encode()
    err, doc = _read(data, ".jsonl")
    assert str(err) == "x.jsonl:1: not valid JSON for zhnews (a number of more than 4,300 digits)"
    assert doc.text == "今年投入5亿元。"


def test_jsonl_nested_too_deeply():
    # Was: RecursionError out of json.loads, ending the whole ingest.
    data = b'{"text": "x", "id": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    [err] = _read(data, ".jsonl")
    assert str(err) == "x.jsonl:1: not valid JSON for zhnews (nested too deeply)"


@pytest.mark.parametrize("field", ["text", "title", "id", "source"])
def test_jsonl_lone_surrogate_escape(field):
    # Was: `\ud800` decoded by json into a lone surrogate, which pyarrow refuses (UnicodeEncodeError) when
    # the ingest writes the documents table: the whole run ended with a traceback.
    rec = {"text": "今年投入5亿元。", field: "前\\ud800后"} if field != "text" else {"text": "今年投入5亿元\\udfff。"}
    line = json.dumps(rec, ensure_ascii=False).replace("\\\\u", "\\u")
    [doc] = _read(line.encode(), ".jsonl")
    value = {"text": doc.text, "title": doc.title, "id": doc.doc_id, "source": doc.source}[field]
    assert "\ufffd" in value
    pa.Table.from_pylist([{"v": value}])  # storable


def test_jsonl_record_holding_a_line_separator_is_one_record():
    # Was: str.splitlines() broke the line at U+2028 inside the JSON string: two "not valid JSON" errors.
    data = json.dumps({"text": "第一段\u2028第二段今年投入5亿元。"}, ensure_ascii=False).encode()
    [doc] = _read(data, ".jsonl")
    assert doc.text == "第一段\u2028第二段今年投入5亿元。"


# --- encodings ----------------------------------------------------------------------------------


def test_utf16_bom_with_broken_body_gets_a_clear_error():
    # Was: the raw codec message ('utf-16-le' codec can't decode bytes in position 2-3: illegal UTF-16 surrogate).
    data = b"\xff\xfe" + "今年".encode("utf-16-le") + b"\x00\xdc" + "投入".encode("utf-16-le")
    with pytest.raises(ValueError, match="^starts with a UTF-16 byte-order mark but is not valid UTF-16 ") as info:
        decode(data)
    assert not isinstance(info.value, UnicodeError)
    [err] = _read(data, ".txt")
    assert err.reason.startswith("starts with a UTF-16 byte-order mark")


def test_utf16_bom_and_one_odd_byte():
    # The fuzzer's minimal input: was the raw codec error "'utf-16-le' codec can't decode byte 0x30 in position 2: truncated data".
    assert decode(b"\xff\xfe0") == ("", "utf-16")
    [err] = _read(b"\xff\xfe0", ".txt")
    assert err.reason == "no text"


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16"])
def test_truncated_file_is_read_without_its_cut_character(encoding):
    # Was: `not decodable as UTF-8, GB18030/GBK or Big5` (or GB18030 mojibake for UTF-8): the file was lost.
    text = "今年以来，兴国县新增就业1200人。全县投入资金3亿元"
    data = text.encode(encoding)
    cut = data[:-1]
    got, enc = decode(cut)
    assert got == text[:-1] and enc == encoding


def test_utf8_mark_on_gbk_text_and_a_corrupt_byte_in_utf8():
    text = "今年以来，兴国县新增就业1200人。" * 20
    assert decode(b"\xef\xbb\xbf" + text.encode("gbk")) == (text, "gb18030")  # a wrong mark does not decide
    data = text.encode()
    corrupt = data[:36] + b"\xff" + data[36:]  # between 业 and 1
    got, enc = decode(corrupt)  # one bad byte in UTF-8 is one U+FFFD, not a whole file of GB18030 mojibake
    assert enc == "utf-8" and got.replace("\ufffd", "") == text


# --- HTML ---------------------------------------------------------------------------------------


def test_html_nested_deeper_than_lxml_parses_keeps_its_text():
    # Was: "HTML page without main text" (lxml stops at depth ~255, trafilatura then finds nothing).
    html = "<html><body>" + "<div>" * 3000 + "<p>今年以来，石城县投入资金3.2亿元。</p>" + "</div>" * 3000 + "</body></html>"
    [doc] = _read(html.encode(), ".html")
    assert doc.text == "今年以来，石城县投入资金3.2亿元。"


def test_html_fallback_leaves_out_scripts_styles_and_an_unclosed_head():
    html = "<html><head><title>标题</title><script>var a='999亿元'</script><body>" + "<b>" * 400
    html += "<p>正文5亿元</p><style>p{}</style><noscript>不要</noscript><p>第二段</p>"
    [doc] = _read(html.encode(), ".html")
    assert doc.text == "正文5亿元\n第二段"


# --- cleaning -----------------------------------------------------------------------------------


def test_line_separators_are_line_breaks():
    # Was: U+2028 kept inside the clean text, so on_clean returned the PROGRAMME `三个一\u2028` (white space in
    # an entity); CR-only (old Mac) line ends were deleted as control characters, gluing lines together.
    raw = "建立“三个一\u2028”机制"
    c = clean(raw)
    check_clean(raw, c)
    assert "\u2028" not in c.text
    check_entities(c.text, default_extractor().on_clean(c.text, None))
    assert clean("第一行\r第二行\r\n第三行\x85第四行\u2029五\x0c六").text == "第一行\n第二行\n第三行\n第四行\n五\n六"
    assert clean("今年\u2003投入\u202f5亿元").text == "今年投入5亿元"  # every kind of space is a space


def test_clean_is_linear_in_spaces_on_a_line():
    # Was: quadratic (each space scanned the rest of its line): 80,000 characters took 8 s, 5 MB hours.
    raw = "中 " * 200_000
    t = time.perf_counter()
    c = clean(raw)
    assert time.perf_counter() - t < 20 and c.text == "中" * 200_000


def test_extract_on_a_lone_surrogate_and_controls():
    text = "赣州市\ud800今年投入\x00５亿元\u200b，\r\n章贡区\x1b新增1200人"
    check_entities(text, extract(text, None))


# --- a short fuzz run in CI ---------------------------------------------------------------------


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(reader_input())
def test_readers_on_fuzzed_files(case):
    data, suffix = case
    try:
        decode(data)
    except ValueError as err:
        assert not isinstance(err, UnicodeError) and "\n" not in str(err)
    items = _read(data, suffix)
    assert all(isinstance(i, RawDoc | ReadError) for i in items)
