"""Property-based tests: cleaning and every extractor on hostile text never crash and keep their offsets honest.

Inputs are arbitrary Unicode (CJK, full-width digits, zero-width and control
characters, lone surrogates) mixed with fragments the rules react to, and seed
pages with random insertions, deletions and line breaks (tests/fuzz/strategies.py).
The example counts add up to 3,600 (with the 150 fuzzed reader files of tests/test_fuzz_regressions.py);
the environment variable PROPERTY_SCALE multiplies them for a longer run.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.clean import HALF_TO_FULL, clean, normalise_char
from pipeline.extraction import default_extractor, extract

from .fuzz.strategies import any_text, check_clean, check_entities, hostile_text, mutated_seed, published_dates

SCALE = float(os.environ.get("PROPERTY_SCALE", "1"))


def _settings(n: int) -> settings:
    return settings(
        max_examples=max(1, int(n * SCALE)),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,  # CI runs are reproducible from the seed hypothesis prints; nothing is stored in the tree
    )


@_settings(1000)
@given(any_text)
def test_clean_offset_map_is_monotonic_and_in_range(raw):
    c = clean(raw)
    check_clean(raw, c)
    for ch, o in zip(c.text, c.offsets, strict=True):
        if ch == "\n":
            continue  # a paragraph break points at the line break (or the end) it stands for
        src = normalise_char(raw[o])
        assert ch == src or ch == HALF_TO_FULL.get(src) or (ch == " " and src in " \t"), (ch, raw[o])


@_settings(1000)
@given(any_text, published_dates)
def test_extract_offsets_point_into_the_input(text, published):
    entities = extract(text, published)
    check_entities(text, entities)
    assert [(e.start, e.end) for e in entities] == sorted((e.start, e.end) for e in entities)


@_settings(800)
@given(any_text, published_dates)
def test_every_extractor_on_clean_text(raw, published):
    text = clean(raw).text
    ex = default_extractor()
    check_entities(text, ex.on_clean(text, published))
    known = ex.programmes.names(text)
    programmes = ex.programmes.find(text, known)
    check_entities(text, programmes)
    check_entities(text, ex.dates.find(text, published, []))
    check_entities(text, ex.figures.find(text, []))
    check_entities(text, ex.places.find(text, []))


@_settings(500)
@given(hostile_text, published_dates)
def test_on_clean_survives_uncleaned_text(text, published):
    """`on_clean` meant for clean text; raw text (controls, surrogates, CR) must still not crash it."""
    check_entities(text, default_extractor().on_clean(text, published))


@_settings(300)
@given(mutated_seed(max_window=6000), st.dates().map(lambda d: d if d.year > 1 else None))
def test_articles_keep_offsets_into_the_page(raw, published):
    for art, entities in default_extractor().articles(raw, published):
        assert len(art.offsets) == len(art.text)
        assert all(0 <= o < len(raw) for o in art.offsets)
        check_entities(raw, entities)
