"""spaCy integration: zhnews entities as spans of a spaCy `Doc`, from registered pipeline components.

Importing this module registers everything with spaCy::

    import spacy
    import pipeline.nlp  # noqa: F401 - registers the components

    nlp = spacy.blank("zh")            # any Chinese pipeline, any tokenizer
    nlp.add_pipe("zhnews_figures")     # or zhnews_places, zhnews_dates, zhnews_programmes, zhnews (all four)
    doc = nlp("…")
    doc.user_data["published"] = "2023-07-15"   # optional, before the components run (see below)
    for span in doc.spans["FIGURE"]:
        print(span.text, span._.value, span._.unit)

or, with this project's jieba segmentation and all four types,
`pipeline.nlp.to_doc(text, published)`; `make_nlp()` returns that pipeline.

Components. `zhnews_figures`, `zhnews_places`, `zhnews_dates` and
`zhnews_programmes` each add one entity type; `zhnews` adds all four. All of
them run the project's extractor on `doc.text` (it finds the four types
together, in the guideline's order, and attributes every figure to a place,
period and programme), so a FIGURE span carries its attribution whichever
component added it. The extraction of one text is shared by the components
that run on it one after another, so adding the four single-type components
costs one extraction, as `zhnews` does. Config (all components):

- `published` ("YYYY-MM-DD" or null): publication date against which relative
  dates (`今年以来`) are resolved. `doc.user_data["published"]` (a `date` or
  an ISO string), when set, wins over it. Without either, relative dates stay
  unresolved, as with `pipeline.extract(text)`.
- `clean` (default true): `doc.text` is a source text as `pipeline.extract`
  takes it (OCR line breaks, several articles): it is cleaned and split into
  articles, and entity offsets are mapped back to `doc.text`; the spans are
  exactly `pipeline.extract(doc.text, published)`. False: `doc.text` is one
  clean article, given to `Extractor.on_clean` as it is.
- `split_tokens` (default true): a token that an entity starts or ends
  inside (jieba's `两国关系` for the figure `两国`, `市委` after the place
  `赣州市`) is split there, so every span is exactly its entity; span groups
  already on the doc are rebuilt on the new tokens (extension values are kept:
  spaCy keys them by character offsets). False: no token is changed and the
  span is widened to whole tokens (`alignment_mode="expand"`), so its text may
  be longer than the entity's.

Spans. Every entity is a `Span` labelled with its type (`FIGURE`, `PLACE`,
`DATE`, `PROGRAMME`), in `doc.spans["zhnews"]` (all types, in text order) and
in `doc.spans[TYPE]`. A PLACE span's `kb_id_` is its 12-digit division code
when it has one. Span extension attributes:

- `span._.zhnews`: the entity in the gold format of docs/ANNOTATION.md
  (`Entity.gold_dict()`: type, text without white space, offset into
  `doc.text`, and the type's values, attribution included). It is the only
  stored value, so it survives `Doc.to_bytes`/`DocBin` with user data;
- read-only views of it, None where the type has no such value:
  `value`, `max`, `unit`, `qualifier` (FIGURE; 214.46亿元 → value
  21446000000.0, unit "元"), `kind` (FIGURE unit kind or PROGRAMME kind),
  `name`, `level`, `parent`, `code` (PLACE; `name` also PROGRAMME),
  `start_date`, `end_date` (DATE, as `datetime.date`), `place`,
  `place_code`, `programme`, `period` (FIGURE attribution: place name and
  code, programme name, and the period dict {"start", "end"} that the gold
  format calls `date`).

An extension name already registered on `Span` by other code is left to it
(with a warning); `span._.zhnews` still has every value.

Tokenizer. `make_nlp()` uses `zhnews.jieba_tokenizer.v1`, registered here:
spaCy's own `{"segmenter": "jieba"}` cuts with the global `jieba` module, so it
could only see our place names by loading them into jieba's global dictionary
for the whole process; this tokenizer cuts with the dedicated
`pipeline.segment.place_tokenizer()` instead, whose dictionary keeps place
names whole (`沙石镇 / 火燃村`, `章贡区`). Its dictionary is loaded on the first
text, not when the pipeline is made.
"""

import bisect
import warnings
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

import jieba
from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup
from spacy.util import DummyTokenizer, get_words_and_spaces, registry
from spacy.vocab import Vocab

from .entities import Entity
from .extraction import default_extractor

TYPES = ("FIGURE", "PLACE", "DATE", "PROGRAMME")
SPANS_KEY = "zhnews"
TOKENIZER = "zhnews.jieba_tokenizer.v1"
COMPONENTS = {
    "zhnews": TYPES,
    "zhnews_figures": ("FIGURE",),
    "zhnews_places": ("PLACE",),
    "zhnews_dates": ("DATE",),
    "zhnews_programmes": ("PROGRAMME",),
}
DEFAULT_CONFIG: dict[str, Any] = {"published": None, "clean": True, "split_tokens": True}


# --- tokenizer ----------------------------------------------------------------------------------


class JiebaTokenizer(DummyTokenizer):
    """Chinese tokenizer cutting with a dedicated jieba instance (the place dictionary by default).

    It cuts as spaCy's `ChineseTokenizer` with `segmenter = "jieba"` does (jieba's
    accurate mode, HMM on, white space kept as spaCy's `spaces`), only with
    its own `jieba_seg` instead of the global `jieba` module.
    """

    def __init__(self, vocab: Vocab, places: bool = True) -> None:
        self.vocab = vocab
        self.places = places
        self._jieba: jieba.Tokenizer | None = None

    @property
    def jieba_seg(self) -> jieba.Tokenizer:
        """The jieba instance, loaded on first use: `place_tokenizer()`, or plain jieba without `places`."""
        if self._jieba is None:
            from .segment import place_tokenizer

            self._jieba = place_tokenizer() if self.places else jieba.Tokenizer()
        return self._jieba

    def __call__(self, text: str) -> Doc:
        words = [w for w in self.jieba_seg.cut(text, cut_all=False) if w]
        words, spaces = get_words_and_spaces(words, text)
        return Doc(self.vocab, words=words, spaces=spaces)


@registry.tokenizers(TOKENIZER)
def create_jieba_tokenizer(places: bool = True) -> Callable[[Language], JiebaTokenizer]:
    """`[nlp.tokenizer] @tokenizers = "zhnews.jieba_tokenizer.v1"`; `places = false` for plain jieba."""

    def make(nlp: Language) -> JiebaTokenizer:
        return JiebaTokenizer(nlp.vocab, places)

    return make


# --- span extensions ----------------------------------------------------------------------------


def _iso(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


# Read-only views of `span._.zhnews`: extension name → how to read it from the gold dict.
VIEWS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "value": lambda d: d.get("value"),
    "max": lambda d: d.get("max"),
    "unit": lambda d: d.get("unit"),
    "qualifier": lambda d: d.get("qualifier"),
    "kind": lambda d: d.get("kind"),
    "name": lambda d: d.get("name"),
    "level": lambda d: d.get("level"),
    "parent": lambda d: d.get("parent"),
    "code": lambda d: d.get("code"),
    "start_date": lambda d: _iso(d.get("start")) if d.get("type") == "DATE" else None,
    "end_date": lambda d: _iso(d.get("end")) if d.get("type") == "DATE" else None,
    "place": lambda d: d.get("place") if d.get("type") == "FIGURE" else None,
    "place_code": lambda d: d.get("place_code"),
    "programme": lambda d: d.get("programme"),
    "period": lambda d: d.get("date"),
}


def _view(read: Callable[[dict[str, Any]], Any]) -> Callable[[Span], Any]:
    def getter(span: Span) -> Any:
        data = span._.zhnews
        return read(data) if data else None

    getter.zhnews_view = True  # type: ignore[attr-defined]  # marks our own getters, for re-registration
    return getter


def _register_extensions() -> None:
    if not Span.has_extension(SPANS_KEY):
        Span.set_extension(SPANS_KEY, default=None)
    for name, read in VIEWS.items():
        if Span.has_extension(name):
            getter = Span.get_extension(name)[2]
            if not getattr(getter, "zhnews_view", False):
                warnings.warn(
                    f"Span extension {name!r} is already registered by other code; zhnews leaves it "
                    f"(read span._.zhnews[...] instead)",
                    stacklevel=3,
                )
                continue
        Span.set_extension(name, getter=_view(read), force=True)


_register_extensions()


# --- extraction -------------------------------------------------------------------------------


def _published(doc: Doc, default: str | date | None) -> date | None:
    value = doc.user_data.get("published", default)
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


_LAST: tuple[tuple[str, date | None, bool], list[Entity]] | None = None


def _entities(text: str, published: date | None, clean: bool) -> list[Entity]:
    """The extractor's entities for `text`; the last result is kept for the next component on the same text."""
    global _LAST
    key = (text, published, clean)
    if _LAST is not None and _LAST[0] == key:
        return _LAST[1]
    ex = default_extractor()
    found = ex.extract(text, published) if clean else ex.on_clean(text, published)
    _LAST = (key, found)
    return found


# --- spans and tokens -------------------------------------------------------------------------


def _span_records(group: SpanGroup) -> list[tuple[int, int, str, str, str]]:
    return [(s.start_char, s.end_char, s.label_, s.kb_id_, s.id_) for s in group]


def _split_tokens(doc: Doc, cuts: Iterable[int]) -> None:
    """Split the tokens of `doc` that one of the character offsets `cuts` falls inside."""
    todo: dict[int, list[int]] = {}
    cut_set = sorted(set(cuts))
    if not cut_set:
        return
    starts = [t.idx for t in doc]
    for c in cut_set:
        i = bisect.bisect_right(starts, c) - 1
        if i < 0:
            continue
        tok = doc[i]
        if tok.idx < c < tok.idx + len(tok.text):
            todo.setdefault(i, []).append(c)
    if not todo:
        return
    saved = {name: (dict(group.attrs), _span_records(group)) for name, group in doc.spans.items()}
    with doc.retokenize() as retok:
        for i, inner in todo.items():
            tok = doc[i]
            bounds = [tok.idx, *inner, tok.idx + len(tok.text)]
            orths = [tok.text[a - tok.idx : b - tok.idx] for a, b in zip(bounds, bounds[1:], strict=False)]
            last = len(orths) - 1
            # The pieces hang from the last one, which keeps the token's own head (a blank pipeline has none).
            heads: list[Any] = [(tok, last)] * last + [tok.head if tok.head.i != tok.i else (tok, last)]
            retok.split(tok, orths, heads)
    for name, (attrs, records) in saved.items():
        spans = [doc.char_span(s, e, label=label, kb_id=kb, span_id=sid) for s, e, label, kb, sid in records]
        doc.spans[name] = SpanGroup(doc, name=name, attrs=attrs, spans=[s for s in spans if s is not None])


def _add_spans(doc: Doc, key: str, spans: list[Span]) -> None:
    """Add `spans` to the group `key` (kept in text order, without duplicates)."""
    old = list(doc.spans[key]) if key in doc.spans else []
    attrs = dict(doc.spans[key].attrs) if key in doc.spans else {}
    seen = {(s.start_char, s.end_char, s.label_) for s in old}
    merged = old + [s for s in spans if (s.start_char, s.end_char, s.label_) not in seen]
    merged.sort(key=lambda s: (s.start_char, s.end_char))
    doc.spans[key] = SpanGroup(doc, name=key, attrs=attrs, spans=merged)


class ZhnewsComponent:
    """Adds the entities of some types to `doc.spans` (see the module docstring)."""

    def __init__(
        self,
        name: str,
        types: Iterable[str],
        published: str | None = None,
        clean: bool = True,
        split_tokens: bool = True,
    ) -> None:
        self.name = name
        self.types = tuple(types)
        self.published = published
        self.clean = clean
        self.split_tokens = split_tokens

    def __call__(self, doc: Doc) -> Doc:
        published = _published(doc, self.published)
        entities = [e for e in _entities(doc.text, published, self.clean) if e.type in self.types and e.end > e.start]
        if self.split_tokens:
            _split_tokens(doc, (x for e in entities for x in (e.start, e.end)))
        spans: dict[str, list[Span]] = {}
        for e in entities:
            kb_id = (e.code or "") if e.type == "PLACE" else ""
            span = doc.char_span(e.start, e.end, label=e.type, kb_id=kb_id, alignment_mode="expand")
            if span is None:
                continue
            span._.zhnews = e.gold_dict()
            spans.setdefault(e.type, []).append(span)
        for key, found in spans.items():
            _add_spans(doc, key, found)
        _add_spans(doc, SPANS_KEY, [s for found in spans.values() for s in found])
        return doc


@Language.factory("zhnews", default_config=DEFAULT_CONFIG)
def make_zhnews(nlp: Language, name: str, published: str | None, clean: bool, split_tokens: bool) -> ZhnewsComponent:
    """All four types: FIGURE, PLACE, DATE and PROGRAMME."""
    return ZhnewsComponent(name, COMPONENTS["zhnews"], published=published, clean=clean, split_tokens=split_tokens)


@Language.factory("zhnews_figures", default_config=DEFAULT_CONFIG)
def make_figures(nlp: Language, name: str, published: str | None, clean: bool, split_tokens: bool) -> ZhnewsComponent:
    """FIGURE spans, with their values and attribution."""
    return ZhnewsComponent(name, COMPONENTS["zhnews_figures"], published=published, clean=clean, split_tokens=split_tokens)


@Language.factory("zhnews_places", default_config=DEFAULT_CONFIG)
def make_places(nlp: Language, name: str, published: str | None, clean: bool, split_tokens: bool) -> ZhnewsComponent:
    """PLACE spans, resolved against the gazetteer."""
    return ZhnewsComponent(name, COMPONENTS["zhnews_places"], published=published, clean=clean, split_tokens=split_tokens)


@Language.factory("zhnews_dates", default_config=DEFAULT_CONFIG)
def make_dates(nlp: Language, name: str, published: str | None, clean: bool, split_tokens: bool) -> ZhnewsComponent:
    """DATE spans, resolved against the publication date."""
    return ZhnewsComponent(name, COMPONENTS["zhnews_dates"], published=published, clean=clean, split_tokens=split_tokens)


@Language.factory("zhnews_programmes", default_config=DEFAULT_CONFIG)
def make_programmes(nlp: Language, name: str, published: str | None, clean: bool, split_tokens: bool) -> ZhnewsComponent:
    """PROGRAMME spans."""
    return ZhnewsComponent(name, COMPONENTS["zhnews_programmes"], published=published, clean=clean, split_tokens=split_tokens)


# --- convenience ------------------------------------------------------------------------------


def make_nlp(pipes: Iterable[str] = ("zhnews",), published: str | date | None = None) -> Language:
    """`spacy.blank("zh")` with the jieba place tokenizer and the components `pipes` (none: `pipes=()`)."""
    import spacy

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER}}})
    day = published.isoformat() if isinstance(published, date) else published
    for name in pipes:
        nlp.add_pipe(name, config={"published": day})
    return nlp


_NLP: Language | None = None


def to_doc(text: str, published: date | str | None = None) -> Doc:
    """`text` as a spaCy Doc with all four entity types in `doc.spans` (jieba tokens, place dictionary)."""
    global _NLP
    if _NLP is None:
        _NLP = make_nlp()
    doc = _NLP.make_doc(text)
    if published is not None:
        doc.user_data["published"] = published.isoformat() if isinstance(published, date) else str(published)
    return _NLP(doc)
