"""Jieba segmentation that keeps place names whole: a user dictionary generated from the gazetteer.

jieba alone cuts `沙石镇火燃村` as `沙石 / 镇火 / 燃村` and knows few township
or village names. `place_tokenizer()` returns a dedicated `jieba.Tokenizer`
(never the global `jieba.dt`, so other users of jieba in the process are
unaffected) whose dictionary also holds the gazetteer's place names:

- every surface form (name or alias) of a unit at level province, city,
  county, township, zone, region, river or foreign, of 3 characters or more;
  2-character forms only at province, city, region, river and foreign level.
  Two-character county and township short forms (`江山`, `惠民`, `和政`) are
  ordinary words as often as places, and the extractor itself only accepts
  them with a parent nearby, so they are not forced on the segmenter;
- village names of 3 characters or more (two-character ones are mostly words,
  the same cut-off as `[village] min_length` in rules/places/not_places.toml).

Each is written with frequency `PLACE_FREQ` (or jieba's own frequency when
that is higher, so `北京` keeps its 34,488) and POS tag `ns`.

Why 100: jieba's own three-character `ns` words have a median frequency of
248. Measured when this was written, on the gold corpus (23 documents): any
frequency from 10 to 1000 keeps the same place names whole (316 of 341 PLACE
mentions are exactly one token, 185 with plain jieba); 100 is the lowest that also keeps `幸福村` whole in
`在幸福村里`, while ordinary word pairs still win over a village name that
straddles them (`团结 / 村民`, not `团结村 / 民`, which 1000 gives). It moves
219 of 21,825 token boundaries of plain jieba on that corpus.

The dictionary has about 332,000 entries (294,000 of them village names).
`Tokenizer.load_userdict` on it takes about 2 s on top of jieba's own 0.8 s
start, so all of it is kept rather than cut down, and loaded only once per
gazetteer: both files below are written under `pipeline.gazetteer.CACHE_DIR`,
keyed by the gazetteer's fingerprint (plus this module's settings and the jieba
version):

- `jieba-userdict-KEY.txt`: the user dictionary itself, in jieba's format
  (`word freq ns`), which any jieba can load (`jieba.load_userdict(path)`);
- `jieba-KEY.pkl`: the tokenizer's prefix dictionary after loading it (the
  `FREQ`/`total` pair jieba itself caches for its main dictionary, plus the
  POS tags), so later runs restore it in about 0.8 s instead of 2.8 s and do
  not need the gazetteer at all.

A read-only cache directory still works, only slower to start.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import pickle
from collections.abc import Iterator
from pathlib import Path

import jieba

from .gazetteer import CACHE_DIR, Gazetteer, _fingerprint, load_gazetteer
from .rules import RULES_DIR

PLACE_FREQ = 100
PLACE_TAG = "ns"
LEVELS = ("province", "city", "county", "township", "zone", "region", "river", "foreign")
SHORT_OK = frozenset({"province", "city", "region", "river", "foreign"})  # levels whose 2-character forms go in
MIN_LENGTH = 3
FORMAT = 1  # bump when what goes into the dictionary changes

_TOKENIZERS: dict[Path, jieba.Tokenizer] = {}


def _wanted(word: str, level: str) -> bool:
    return (len(word) >= MIN_LENGTH and (level in LEVELS or level == "village")) or (len(word) == 2 and level in SHORT_OK)


def place_words(gaz: Gazetteer) -> list[str]:
    """The place names (canonical names and aliases) of `gaz` that the segmenter should keep whole, sorted."""
    words = {u.name for u in gaz.units.values() if _wanted(u.name, u.level)}
    for surface, keys in gaz.surfaces.items():
        if surface not in words and any(k in gaz.units and _wanted(surface, gaz.units[k].level) for k in keys):
            words.add(surface)
    return sorted(w for w in words if " " not in w and "\t" not in w)


def _key(root: Path) -> str:
    h = hashlib.sha1()
    h.update(f"{_fingerprint(root)}|{FORMAT}|{PLACE_FREQ}|{PLACE_TAG}|{LEVELS}|{sorted(SHORT_OK)}|{MIN_LENGTH}".encode())
    h.update(f"|jieba {getattr(jieba, '__version__', '?')}".encode())
    return h.hexdigest()[:16]


@contextlib.contextmanager
def _quiet_jieba() -> Iterator[None]:
    """jieba logs its dictionary building to stderr at DEBUG level; keep that out of our output."""
    logger = logging.getLogger("jieba")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _userdict_text(root: Path, main: dict[str, int]) -> str:
    """The user dictionary's lines; `main` is jieba's main dictionary, whose higher frequencies are kept."""
    words = place_words(load_gazetteer(root))
    return "".join(f"{w} {max(PLACE_FREQ, main.get(w, 0))} {PLACE_TAG}\n" for w in words)


def _main_tokenizer() -> jieba.Tokenizer:
    tok = jieba.Tokenizer()
    with _quiet_jieba():
        tok.initialize()
    return tok


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def userdict_path(root: Path | None = None, main: jieba.Tokenizer | None = None) -> Path:
    """The jieba user dictionary of the gazetteer of `root` (default `rules/places`), written if missing.

    Raises OSError when the cache directory cannot be written.
    """
    root = root or RULES_DIR / "places"
    path = CACHE_DIR / f"jieba-userdict-{_key(root)}.txt"
    if not path.exists():
        main = main or _main_tokenizer()
        _write(path, _userdict_text(root, main.FREQ).encode("utf-8"))
    return path


def _build(root: Path) -> jieba.Tokenizer:
    """jieba's main dictionary plus the place words, through jieba's own `load_userdict`."""
    tok = _main_tokenizer()
    with _quiet_jieba():
        try:
            tok.load_userdict(str(userdict_path(root, tok)))
        except OSError:
            tok.load_userdict(io.StringIO(_userdict_text(root, tok.FREQ)))
    return tok


def place_tokenizer(root: Path | None = None) -> jieba.Tokenizer:
    """A `jieba.Tokenizer` whose dictionary keeps the places of `root` (default `rules/places`) whole.

    Built once per gazetteer and cached on disk (see the module docstring);
    in a process, the same instance is returned on every call.
    """
    root = root or RULES_DIR / "places"
    if root in _TOKENIZERS:
        return _TOKENIZERS[root]
    cache = CACHE_DIR / f"jieba-{_key(root)}.pkl"
    tok = None
    if cache.exists():
        try:
            with open(cache, "rb") as f:
                freq, total, tags = pickle.load(f)
            tok = jieba.Tokenizer()
            # What Tokenizer.initialize does with jieba's own cache file, plus the POS tags of the user words.
            tok.FREQ, tok.total, tok.user_word_tag_tab = freq, total, tags
            tok.initialized = True
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
            tok = None
    if tok is None:
        tok = _build(root)
        state = (tok.FREQ, tok.total, dict(tok.user_word_tag_tab))
        with contextlib.suppress(OSError):
            _write(cache, pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
    _TOKENIZERS[root] = tok
    return tok


def cut(text: str, root: Path | None = None) -> list[str]:
    """`text` segmented by `place_tokenizer()` (jieba's accurate mode with HMM)."""
    return list(place_tokenizer(root).cut(text))
