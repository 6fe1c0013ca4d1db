"""Splitting pages into news items with their headlines."""

from __future__ import annotations

from pipeline.articles import split_articles
from pipeline.clean import clean


def test_page_000_splits_into_items_with_their_headlines(seed_texts):
    arts = split_articles(clean(seed_texts["000_68595efd59d74f49"]), "000")
    titles = [a.title for a in arts]
    for title in ("南外街道项目建设提速增效", "水西联三特色街区年底开街", "解放街道“邻里之家”宣讲热", "沙石镇多举措打造模范机关"):
        assert title in titles, title
        art = arts[titles.index(title)]
        body = art.text.split("\n", 1)[1]
        assert title not in body  # a title, not body text
    brief = arts[titles.index("水西联三特色街区年底开街")]
    assert brief.byline == "本报讯（王为民）"
    assert "联三特色街区" in brief.text


def test_captions_are_kept_and_marked(seed_texts):
    arts = split_articles(clean(seed_texts["000_68595efd59d74f49"]), "000")
    captions = [c for a in arts for c in a.captions]
    assert any(c.startswith("图为章贡区沙石镇火燃村") for c in captions)


def test_article_offsets_point_into_the_source(seed_texts):
    raw = seed_texts["004_1580354c982c9352"]
    for art in split_articles(clean(raw), "004"):
        assert len(art.offsets) == len(art.text)
        for i in range(0, len(art.text), 50):
            ch = art.text[i]
            if ch != "\n" and ch.isdigit() is False and ch not in "，（）：；？！":
                assert raw[art.offsets[i]] == ch
        assert len({a.id for a in split_articles(clean(raw), "004")}) == len(split_articles(clean(raw), "004"))
