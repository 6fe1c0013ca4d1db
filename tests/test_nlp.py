"""spaCy integration (pipeline.nlp) and the jieba place dictionary (pipeline.segment), on the bundled seed pages."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jieba
import pytest
import spacy
from spacy.tokens import DocBin

import pipeline.nlp as zn
from pipeline.extraction import default_extractor
from pipeline.segment import PLACE_FREQ, place_tokenizer, userdict_path

ROOT = Path(__file__).resolve().parent.parent
SEED_000 = "000_68595efd59d74f49"  # 章贡区 page: 图为章贡区沙石镇火燃村 … 总投资额 214.46亿元
SEED_004 = "004_1580354c982c9352"  # 赣州经开区 page, a paragraph with all four types
PUBLISHED = {
    k: v["published"] for k, v in json.loads((ROOT / "corpus" / "metadata.json").read_text("utf-8")).items() if k != "_about"
}


@pytest.fixture(scope="module")
def nlp():
    return zn.make_nlp()


def _first_line_with(text: str, needle: str) -> str:
    return next(line for line in text.splitlines() if needle in line)


# --- pipeline.segment -------------------------------------------------------------------------


def test_place_dictionary_keeps_places_whole():
    tok = place_tokenizer()
    assert list(tok.cut("沙石镇火燃村")) == ["沙石镇", "火燃村"]
    assert list(tok.cut("章贡区")) == ["章贡区"]
    assert list(tok.cut("图为章贡区沙石镇火燃村。")) == ["图为", "章贡区", "沙石镇", "火燃村", "。"]
    # The frequency is low enough that ordinary words still win over a village name across them.
    assert list(tok.cut("团结村民")) == ["团结", "村民"]
    assert place_tokenizer() is tok  # one instance per process


def test_dictionary_is_built_once_then_loaded_from_cache(tmp_path, monkeypatch):
    from pipeline import gazetteer, segment

    root = tmp_path / "places"
    root.mkdir()
    rows = [
        ("code", "name", "level", "parent", "aliases"),
        ("360000000000", "江西省", "province", "", "江西"),
        ("360702000000", "章贡区", "county", "360000000000", "章贡"),
        ("360702100000", "沙石镇", "township", "360702000000", ""),
        ("360702100200", "火燃村", "village", "360702100000", ""),
        ("360702100201", "桐梓村", "village", "360702100000", ""),
        ("360702100202", "岭下", "village", "360702100000", ""),
    ]
    (root / "divisions.tsv").write_text("".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    monkeypatch.setattr(gazetteer, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(segment, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(segment, "_TOKENIZERS", {})

    built = segment.place_tokenizer(root)
    words = [line.split(" ")[0] for line in segment.userdict_path(root).read_text("utf-8").splitlines()]
    assert sorted(words) == sorted(["江西", "江西省", "章贡区", "沙石镇", "火燃村", "桐梓村"])  # not 章贡 nor 岭下
    assert len(list((tmp_path / "cache").glob("jieba-*.pkl"))) == 1

    monkeypatch.setattr(segment, "_TOKENIZERS", {})
    monkeypatch.setattr(segment, "_build", lambda root: pytest.fail("the cached dictionary was not used"))
    loaded = segment.place_tokenizer(root)
    assert loaded is not built
    assert (loaded.FREQ, loaded.total, loaded.user_word_tag_tab) == (built.FREQ, built.total, built.user_word_tag_tab)
    assert list(loaded.cut("沙石镇火燃村桐梓村")) == ["沙石镇", "火燃村", "桐梓村"]


def test_place_dictionary_is_not_loaded_into_global_jieba():
    tok = place_tokenizer()
    assert tok is not jieba.dt
    assert jieba.dt.FREQ.get("火燃村") is None


def test_userdict_file_is_jieba_format_with_ns_tags():
    lines = userdict_path().read_text("utf-8").splitlines()
    entries = {w: (int(f), t) for w, f, t in (line.split(" ") for line in lines)}
    assert entries["火燃村"] == (PLACE_FREQ, "ns")
    assert entries["章贡区"] == (PLACE_FREQ, "ns")
    assert entries["北京"][0] > PLACE_FREQ  # jieba's own higher frequency is kept
    assert "和政" not in entries  # two-character county short forms are left to jieba
    assert place_tokenizer().user_word_tag_tab["沙石镇"] == "ns"


# --- components in a user's own pipeline ------------------------------------------------------


def test_add_pipe_in_fresh_blank_zh(seed_texts):
    nlp = spacy.blank("zh")  # spaCy's default character segmentation: the component does not need ours
    nlp.add_pipe("zhnews_figures")
    assert nlp.pipe_names == ["zhnews_figures"]
    doc = nlp.make_doc(seed_texts[SEED_000])
    doc.user_data["published"] = PUBLISHED[SEED_000]
    doc = nlp(doc)
    figures = list(doc.spans["FIGURE"])
    assert figures and {s.label_ for s in doc.spans["zhnews"]} == {"FIGURE"}
    money = next(s for s in figures if s._.zhnews["text"] == "214.46亿元")
    assert money.text == "214.46亿元"
    assert money._.value == 21446000000
    assert money._.unit == "元"
    assert money._.kind == "money"
    assert "PLACE" not in doc.spans


def test_each_component_adds_its_type_once(seed_texts):
    line = _first_line_with(seed_texts[SEED_004], "中国好人榜")
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": zn.TOKENIZER}}})
    for name in ("zhnews_places", "zhnews_dates", "zhnews_programmes", "zhnews_figures", "zhnews"):
        nlp.add_pipe(name, config={"published": PUBLISHED[SEED_004]})
    doc = nlp(line)
    spans = list(doc.spans["zhnews"])
    assert {s.label_ for s in spans} == {"FIGURE", "PLACE", "DATE", "PROGRAMME"}
    assert len(spans) == len({(s.start_char, s.end_char, s.label_) for s in spans})  # `zhnews` added no duplicates
    for label in ("FIGURE", "PLACE", "DATE", "PROGRAMME"):
        assert [s.text for s in doc.spans[label]] == [s.text for s in spans if s.label_ == label]
    (period,) = doc.spans["DATE"]
    assert (period.text, period._.start_date, period._.end_date) == ("今年6月", date(2023, 6, 1), date(2023, 6, 30))
    (programme,) = doc.spans["PROGRAMME"]
    assert (programme.text, programme._.name) == ("中国好人榜", "中国好人榜")
    (place,) = doc.spans["PLACE"]
    assert (place.text, place._.name, place._.level) == ("赣州经开区", "赣州经济技术开发区", "zone")
    (figure,) = doc.spans["FIGURE"]
    assert (figure.text, figure._.value, figure._.unit) == ("18年", 18, "年")


def test_doc_published_wins_over_config():
    nlp = spacy.blank("zh")
    nlp.add_pipe("zhnews_dates", config={"published": "2020-05-01"})
    doc = nlp.make_doc("今年以来，全区新增就业")
    doc.user_data["published"] = date(2023, 7, 15)
    doc = nlp(doc)
    (period,) = doc.spans["DATE"]
    assert period._.start_date == date(2023, 1, 1)
    doc = nlp("今年以来，全区新增就业")
    (period,) = doc.spans["DATE"]
    assert period._.start_date == date(2020, 1, 1)


# --- to_doc: jieba tokens, exact spans --------------------------------------------------------


def test_places_are_whole_tokens(seed_texts):
    line = _first_line_with(seed_texts[SEED_000], "沙石镇火燃村")
    doc = zn.to_doc(line, PUBLISHED[SEED_000])
    tokens = [t.text for t in doc]
    assert tokens[tokens.index("章贡区") : tokens.index("章贡区") + 3] == ["章贡区", "沙石镇", "火燃村"]
    places = {s.text: s for s in doc.spans["PLACE"]}
    for name in ("章贡区", "沙石镇", "火燃村"):
        assert len(places[name]) == 1, [t.text for t in places[name]]
    village = places["火燃村"]
    assert (village._.name, village._.level, village._.parent) == ("火燃村", "village", "沙石镇")
    assert village._.code == village.kb_id_ and len(village._.code) == 12


@pytest.mark.parametrize("stem", sorted(PUBLISHED))
def test_spans_are_exactly_the_extractor_entities(seed_texts, stem):
    text, published = seed_texts[stem], date.fromisoformat(PUBLISHED[stem])
    entities = default_extractor().extract(text, published)
    doc = zn.to_doc(text, published)
    assert [(s.start_char, s.end_char, s.label_) for s in doc.spans["zhnews"]] == [(e.start, e.end, e.type) for e in entities]
    for span, e in zip(doc.spans["zhnews"], entities, strict=True):
        # On these OCR pages an entity may run over a line break: the span is the source slice, the entity text has no white space.
        assert "".join(span.text.split()) == e.text
        assert span._.zhnews == e.gold_dict()
        assert [s.text for s in doc.spans[e.type]].count(span.text) >= 1


def test_span_text_equals_entity_text_on_clean_text(seed_texts):
    line = _first_line_with(seed_texts[SEED_000], "沙石镇火燃村")
    entities = default_extractor().extract(line, date(2022, 12, 1))
    doc = zn.to_doc(line, "2022-12-01")
    assert entities
    assert [s.text for s in doc.spans["zhnews"]] == [e.text for e in entities]


def test_tokens_are_split_at_entity_bounds_and_other_spans_survive(nlp):
    text = "中方珍视两国间悠久友谊。赣州市委组织部在章贡区召开会议。"
    assert "市委" in [t.text for t in nlp.make_doc(text)]  # jieba's word runs past the place 赣州市
    doc = nlp.make_doc(text)
    doc.spans["mine"] = [doc.char_span(0, 2, label="X")]
    doc = nlp(doc)
    assert [(s.text, s.label_) for s in doc.spans["mine"]] == [("中方", "X")]
    assert "赣州市" in [s.text for s in doc.spans["PLACE"]]
    tokens = [t.text for t in doc]
    assert tokens[tokens.index("赣州") : tokens.index("赣州") + 3] == ["赣州", "市", "委"]
    assert [s.text for s in doc.spans["zhnews"]] == [s._.zhnews["text"] for s in doc.spans["zhnews"]]


def test_expand_mode_leaves_tokens_alone():
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": zn.TOKENIZER}}})
    nlp.add_pipe("zhnews_places", config={"split_tokens": False})
    text = "赣州市委组织部召开会议。"
    before = [t.text for t in nlp.make_doc(text)]
    doc = nlp(text)
    assert [t.text for t in doc] == before
    (place,) = doc.spans["PLACE"]
    assert place._.zhnews["text"] == "赣州市" and place.text.startswith("赣州市")


def test_values_survive_docbin(nlp):
    doc = zn.to_doc("总投资额214.46亿元，章贡区沙石镇火燃村。", "2022-12-01")
    data = DocBin(store_user_data=True, docs=[doc]).to_bytes()
    (back,) = DocBin().from_bytes(data).get_docs(nlp.vocab)
    assert [(s.text, s.label_, s._.value, s._.code) for s in back.spans["zhnews"]] == [
        (s.text, s.label_, s._.value, s._.code) for s in doc.spans["zhnews"]
    ]


def test_plain_jieba_mode_cuts_as_spacys_jieba_segmenter(seed_texts):
    text = seed_texts[SEED_004]
    ours = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": zn.TOKENIZER, "places": False}}})
    spacys = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    assert [(t.text, t.whitespace_) for t in ours(text)] == [(t.text, t.whitespace_) for t in spacys(text)]
