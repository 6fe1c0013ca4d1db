"""Cleaning of real OCR pages: reflow, stray spaces, widths, and the offset map."""

from __future__ import annotations

import regex

from pipeline.clean import UNCHANGED, clean, normalise_char
from pipeline.read import decode

from .conftest import SEEDS


def test_offset_map_gives_back_the_source_on_every_seed(seed_texts):
    for name, raw in seed_texts.items():
        c = clean(raw)
        assert len(c.offsets) == len(c.text)
        assert list(c.offsets) == sorted(c.offsets), name
        # Every span of clean text maps back to the same characters, up to white space
        # and width normalisation.
        for start in range(0, len(c.text) - 40, 37):
            end = start + 40
            s, t = c.source_span(start, end)
            src = regex.sub(r"\s", "", raw[s:t])
            got = regex.sub(r"\s", "", c.text[start:end])
            assert len(src) == len(got), (name, start)


def test_numbers_and_names_broken_across_lines_are_joined(seed_texts):
    text = clean(seed_texts["000_68595efd59d74f49"]).text
    for mention in ("6581.67万元", "党建质量过硬行动", "沙石镇沙石村", "“一天一调度”", "在章贡区，不管是项目建设"):
        assert mention in text, mention
    text = clean(seed_texts["001_8bcd468c6917aff9"]).text
    assert "贯彻好党的二十大精神" in text


def test_stray_spaces_go_between_chinese_but_stay_between_latin_words():
    assert clean("换届 前 分 别 提 高 了 1.2 万余次").text == "换届前分别提高了1.2万余次"
    assert clean("Hello world 中文").text == "Hello world中文"


def test_a_gap_of_dropped_characters_and_spaces_keeps_one_space_at_its_first_space():
    c = clean("Hello\u200b \t\u3000world，A\u00ad 股")
    assert c.text == "Hello world，A股"
    assert c.offsets[5] == 6  # the space after the zero-width one
    assert c.offsets[6] == 9  # `w`, after the gap


def test_characters_the_fast_path_skips_are_left_alone_by_normalisation():
    """A page made only of UNCHANGED characters is not translated, which is right only if none of them changes."""
    skipped = regex.compile(f"[{UNCHANGED}]")
    chars = [chr(c) for c in range(0x10000) if skipped.match(chr(c))]
    assert len(chars) > 20000  # ASCII, CJK punctuation and the unified ideographs
    assert [ch for ch in chars if normalise_char(ch) != ch] == []


def test_full_width_digits_and_half_width_chinese_punctuation():
    assert clean("１９８４年,全省增长(初步统计)").text == "1984年，全省增长（初步统计）"
    assert clean("共1,200人").text == "共1,200人"


def test_headlines_stay_their_own_paragraphs(seed_texts):
    lines = clean(seed_texts["000_68595efd59d74f49"]).text.split("\n")
    for title in ("南外街道项目建设提速增效", "水西联三特色街区年底开街", "解放街道“邻里之家”宣讲热", "沙石镇多举措打造模范机关"):
        assert title in lines, title


def test_gb18030_copy_cleans_to_the_same_text():
    raw = SEEDS[0].read_text(encoding="utf-8")
    text, enc = decode(raw.encode("gb18030"))
    assert enc == "gb18030"
    assert clean(text).text == clean(raw).text


def test_a_clock_time_after_a_date_keeps_its_space():
    assert clean("发布时间：2023-06-12 09:30 来源：县融媒体中心").text == "发布时间：2023-06-12 09:30来源：县融媒体中心"
    assert clean("增长 1 2.6%").text == "增长12.6%"


def test_without_reflow_every_line_stays_a_paragraph():
    # An HTML page's date line is as long as its paragraphs and ends without a full stop.
    text = (
        "发布时间：2023-06-12 来源：永德县融媒体中心 作者：李明 浏览次数：1024\n近年来，全乡种植坚果12.6万亩，覆盖农户3200余户。"
    )
    assert "1024\n近年来" in clean(text, reflow=False).text
