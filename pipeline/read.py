"""Sources → raw documents: file formats, encodings and input errors.

Every input path yields either documents (`RawDoc`) or one `ReadError` per
problem, never an exception: a batch must go on past a bad file and report it.

Resource limits (set in the environment, or by assigning the module constants):

- `ZHNEWS_MAX_DOC_CHARS` (`MAX_DOC_CHARS`, default 5,000,000 characters, 5 MB of
  ASCII text): a document longer than this is split into parts of at most that
  many characters, cut at a blank line, else at a line break, else at a sentence
  end; one with no such break within the limit (a 50 MB single line of junk) is
  rejected with a one-line error. Parts are documents of their own (`RawDoc.part`).
- `ZHNEWS_MAX_FILE_BYTES` (`MAX_FILE_BYTES`, default 256 MiB): a larger file is
  rejected before it is read, so no single input can exhaust memory.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import AnyStr

import charset_normalizer
import regex

TEXT_SUFFIXES = {".txt", ".md", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
# Files that may sit beside articles in a corpus directory and are not articles.
IGNORED_NAMES = {"README.md", "metadata.json", "metadata.jsonl", "sources.json"}
# A directory holding this file is not read when a directory above it is ingested
# (corpus/gold holds annotations, not sources).
SKIP_MARKER = ".zhnews-skip"
# Encodings tried in order when a file is not valid UTF-8 (GB18030 is a superset of GBK and GB2312).
CJK_ENCODINGS = ("gb18030", "big5")


def _env_int(name: str, default: int) -> int:
    """A positive integer from the environment; the default when unset or not a positive integer."""
    try:
        value = int(os.environ.get(name, "").replace("_", "").replace(",", ""))
    except ValueError:
        return default
    return value if value > 0 else default


# See the module docstring. Read at call time from these constants, so tests (and callers) may assign them.
MAX_DOC_CHARS = _env_int("ZHNEWS_MAX_DOC_CHARS", 5_000_000)
MAX_FILE_BYTES = _env_int("ZHNEWS_MAX_FILE_BYTES", 256 * 1024 * 1024)
# UTF-8 with a few bad bytes is still UTF-8 (replaced by U+FFFD) when it has at least this many
# valid non-ASCII characters per bad byte; GBK read as UTF-8 has almost none.
UTF8_GOOD_PER_BAD = 50
SURROGATES = regex.compile(r"[\ud800-\udfff]")
# Where a too-long document may be cut, best first: a blank line, a line break after a sentence
# end, any line break, a sentence end. Searched backwards from the limit.
SPLIT_POINTS = [
    regex.compile(p, regex.REVERSE)
    for p in (r"\n[ \t\u3000\r]*\n", r"[。！？!?；;…][”’」』\"]?[ \t\u3000\r]*\n", r"\n", r"[。！？!?；;][”’」』\"]?")
]


UTF8_BOM = b"\xef\xbb\xbf"
UTF8_CHUNK = 1 << 18  # decoding a chunk of UTF-8 briefly takes ~5 times its size


@dataclass(frozen=True)
class RawDoc:
    """One source document before cleaning. `text` is what offsets refer to."""

    source: str  # path of the file ("-" for stdin)
    text: str
    doc_id: str | None = None  # id given by the source (JSON Lines `id`)
    title: str | None = None
    published: date | None = None
    line: int | None = None  # line number in a JSON Lines file
    encoding: str = "utf-8"
    fmt: str = "text"  # text | html | jsonl
    part: int | None = None  # 1, 2, … when a document longer than MAX_DOC_CHARS was split; else None
    part_start: int = 0  # where this part's text starts in the whole document's text


@dataclass(frozen=True)
class ReadError:
    """A source, or part of one, that could not be read; `reason` is one line."""

    source: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.reason}"


def _decode_strict(data: bytes, encoding: str) -> str:
    """Decode strictly, except that a character cut off at the very end (a truncated file) is dropped."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        if err.end >= len(data) and err.reason in ("unexpected end of data", "truncated data", "incomplete multibyte sequence"):
            return data[: err.start].decode(encoding)
        raise


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few corrupt bytes (each replaced by U+FFFD), or None when it does not look like UTF-8 at all."""
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    good = len(text) - len(text.encode("ascii", "ignore")) - text.count("\ufffd")  # valid non-ASCII characters
    return text if bad * UTF8_GOOD_PER_BAD <= good else None


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes of Chinese text, detecting the encoding; raise ValueError (one line) if none fits.

    BOMs decide first; then strict UTF-8; then the CJK legacy encodings, where
    charset-normalizer arbitrates between those that decode without error
    (GB18030 decodes almost anything, so a clean decode alone proves little);
    then UTF-8 with a few corrupt bytes replaced. A file cut short inside its
    last character is read without that character.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _decode_strict(data, "utf-16"), "utf-16"
        except UnicodeDecodeError as err:
            raise ValueError(
                f"starts with a UTF-16 byte-order mark but is not valid UTF-16 ({err.reason} at byte {err.start})"
            ) from None
    if data.startswith(UTF8_BOM):
        try:
            return _decode_strict(data[3:], "utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            data = data[3:]  # a UTF-8 mark on a file that is not UTF-8 (a mislabelled GBK file): detect the rest
    try:
        return _decode_strict(data, "utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    fitting = []
    for enc in CJK_ENCODINGS:
        try:
            fitting.append((enc, _decode_strict(data, enc)))
        except UnicodeDecodeError:
            continue
    mostly = _mostly_utf8(data)
    if mostly is not None:
        return mostly, "utf-8"  # a UTF-8 file with a few corrupt bytes, not mojibake in another encoding
    if not fitting:
        raise ValueError("not decodable as UTF-8, GB18030/GBK or Big5")
    if len(fitting) == 1:
        return fitting[0][1], fitting[0][0]
    best = charset_normalizer.from_bytes(data, cp_isolation=list(CJK_ENCODINGS)).best()
    if best is not None:
        name = best.encoding.replace("_", "").lower()
        for enc, text in fitting:
            if enc.replace("_", "") == name:
                return text, enc
    return fitting[0][1], fitting[0][0]


BINARY_SIGNATURES = {
    b"\x89PNG": "PNG image",
    b"GIF8": "GIF image",
    b"\xff\xd8\xff": "JPEG image",
    b"%PDF": "PDF document",
    b"PK\x03\x04": "ZIP archive or Office document",
    b"\x7fELF": "executable",
    b"\x1f\x8b": "gzip archive",
}


def binary_kind(data: bytes) -> str | None:
    """What binary data is ("PNG image", "NUL bytes"…), or None for data that may be text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # UTF-16 carries NULs legitimately
    for signature, kind in BINARY_SIGNATURES.items():
        if data.startswith(signature):
            return kind
    return "NUL bytes" if b"\x00" in data[:8192] else None


def looks_binary(data: bytes) -> bool:
    """True for data that is no text file: NUL bytes, or a known binary signature."""
    return binary_kind(data) is not None


class _VisibleText(HTMLParser):
    """All text a browser would show outside scripts and styles, a line per block; any nesting depth."""

    HIDDEN = {"script", "style", "noscript", "template", "head", "svg", "math", "iframe", "object", "select"}
    BLOCKS = {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure", "footer",
        "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
        "table", "td", "th", "tr", "ul",
    }  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.in_title = False
        self.parts: list[str] = []
        self.title: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:  # noqa: ARG002
        if tag == "body":
            self.hidden = 0  # a <head> left open ends where the body starts
        elif tag == "title":
            self.in_title = True
        elif tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> tuple[str, str | None]:
    """Text and title of an HTML page without trafilatura: every visible line, white space collapsed."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    title = " ".join("".join(parser.title).split()) or None
    return "\n".join(line for line in lines if line), title


def html_main_text(html: str) -> tuple[str, str | None, date | None]:
    """Main text, title and date of an HTML page, boilerplate removed (trafilatura).

    When trafilatura finds nothing — markup nested deeper than lxml parses
    (about 255 levels), a page over its size limit, markup it cannot parse —
    the page's visible text outside scripts and styles is used instead, so
    text is never dropped for the page's shape alone. Raises no exception.
    """
    import trafilatura  # imported here: it is slow to load and only HTML needs it

    try:
        doc = trafilatura.bare_extraction(html, favor_recall=True, with_metadata=True, include_comments=False)
    except (Exception, RecursionError):  # noqa: BLE001 - any parser failure falls back to the plain reading below
        doc = None
    if doc is None or not (doc.text or "").strip():
        try:
            text, title = visible_text(html)
        except (Exception, RecursionError):  # noqa: BLE001
            return "", None, None
        return text, title, None
    published = None
    if doc.date:
        try:
            published = date.fromisoformat(doc.date[:10])
        except ValueError:
            published = None
    from .html_text import drop_furniture

    return drop_furniture(doc.text)[0], doc.title, published


def _parse_date(value: object) -> date | None:
    if not isinstance(value, str) or not value.strip():
        return None
    s = value.strip()
    if len(s) == 8 and s.isdigit():
        s = f"{s[:4]}-{s[4:6]}-{s[6:]}"
    try:
        return date.fromisoformat(s[:10])
    except ValueError:
        return None


def _storable(value: str) -> str:
    """`value` with lone surrogates (from JSON escapes like \\ud800) replaced by U+FFFD: UTF-8 and Parquet refuse them."""
    return SURROGATES.sub("\ufffd", value)


def _one_line(message: str, limit: int = 200) -> str:
    line = " ".join(str(message).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def read_jsonl(source: str, lines: Iterable[str]) -> Iterator[RawDoc | ReadError]:
    """One article per line: `text` required; `id`, `title`, `published`/`date`, `source` optional.

    Lines are separated by line feeds only (JSON strings may hold U+2028 and
    other characters `str.splitlines` would break at); line numbers count them.
    """
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as err:
            yield ReadError(source, f"not valid JSON ({err.msg})", n)
            continue
        except RecursionError:
            yield ReadError(source, "not valid JSON for zhnews (nested too deeply)", n)
            continue
        except ValueError as err:  # an integer of more than 4,300 digits (Python's int_max_str_digits)
            why = "a number of more than 4,300 digits" if "digits" in str(err) else _one_line(err)
            yield ReadError(source, f"not valid JSON for zhnews ({why})", n)
            continue
        if not isinstance(rec, dict):
            yield ReadError(source, "a JSON Lines record must be an object", n)
            continue
        body = rec.get("text", rec.get("content"))
        if not isinstance(body, str):
            yield ReadError(source, "record has no `text` string", n)
            continue
        if not body.strip():
            yield ReadError(source, "record has an empty `text`", n)
            continue
        doc_id = rec.get("id")
        title = rec.get("title")
        yield RawDoc(
            source=_storable(str(rec.get("source") or source)),
            text=_storable(body),
            doc_id=_storable(str(doc_id)) if doc_id is not None and isinstance(doc_id, str | int | float) else None,
            title=_storable(title) if isinstance(title, str) else None,
            published=_parse_date(rec.get("published", rec.get("date"))),
            line=n,
            fmt="jsonl",
        )


def _lines(text: AnyStr, feed: AnyStr) -> Iterator[AnyStr]:
    """The lines of `text` between line feeds, one at a time: a whole archive split at once would be a second copy of it."""
    start = 0
    while (end := text.find(feed, start)) >= 0:
        yield text[start:end]
        start = end + 1
    yield text[start:]


def _valid_utf8(data: bytes) -> bool:
    """Whether `data` is strict UTF-8, checked a chunk at a time: decoding 30 MB whole holds twice that again for a moment."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(data), UTF8_CHUNK):
            decoder.decode(view[start : start + UTF8_CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def split_points(text: str, limit: int) -> list[int] | None:
    """Offsets at which to cut `text` into parts of at most `limit` characters; None when it cannot be cut."""
    cuts: list[int] = []
    start = 0
    while len(text) - start > limit:
        hi = start + limit
        cut = None
        for lo in (start + limit // 2, start + 1):  # prefer a good break in the second half of the window
            for point in SPLIT_POINTS:
                m = point.search(text, lo, hi)
                if m:
                    cut = m.end()
                    break
            if cut:
                break
        if cut is None:
            return None
        cuts.append(cut)
        start = cut
    return cuts


def limit_size(doc: RawDoc, limit: int | None = None, source: str | None = None) -> Iterator[RawDoc | ReadError]:
    """`doc` itself, or its parts when its text is longer than `limit` (MAX_DOC_CHARS), or a ReadError naming `source`."""
    limit = limit or MAX_DOC_CHARS
    if len(doc.text) <= limit:
        yield doc
        return
    cuts = split_points(doc.text, limit)
    if cuts is None:
        yield ReadError(
            source or doc.source,
            f"document of {len(doc.text):,} characters is over the {limit:,}-character limit (ZHNEWS_MAX_DOC_CHARS) "
            "and has no line break or sentence end to split it at",
            doc.line,
        )
        return
    bounds = [0, *cuts, len(doc.text)]
    for k, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False), 1):
        yield replace(doc, text=doc.text[a:b], part=k, part_start=a)


def _read(source: str, data: bytes, suffix: str) -> Iterator[RawDoc | ReadError]:
    if not data or data.isspace():  # not `data.strip()`: a copy of the whole file
        yield ReadError(source, "empty file")
        return
    kind = binary_kind(data)
    if kind:
        yield ReadError(source, f"binary file, not text ({kind})")
        return
    if suffix in JSONL_SUFFIXES and not data.startswith(UTF8_BOM) and _valid_utf8(data):
        # What `decode` gives, split and decoded a line at a time (a UTF-8 line feed is never part of another character).
        yield from read_jsonl(source, (line.decode("utf-8") for line in _lines(data, b"\n")))
        return
    try:
        text, encoding = decode(data)
    except ValueError as err:
        yield ReadError(source, _one_line(err))
        return
    del data
    if suffix in JSONL_SUFFIXES:
        yield from read_jsonl(source, _lines(text, "\n"))
        return
    if suffix in HTML_SUFFIXES or (
        suffix not in TEXT_SUFFIXES and text[:1000].lstrip()[:15].lower().startswith(("<!doctype", "<html"))
    ):
        body, title, published = html_main_text(text)
        if not body.strip():
            yield ReadError(source, "HTML page without main text")
            return
        yield RawDoc(
            source, _storable(body), title=_storable(title) if title else None, published=published, encoding=encoding, fmt="html"
        )
        return
    if not text.strip():
        yield ReadError(source, "no text")
        return
    yield RawDoc(source, text, encoding=encoding)


def read_bytes(source: str, data: bytes, suffix: str) -> Iterator[RawDoc | ReadError]:
    """Read one source's bytes according to its suffix: documents no longer than MAX_DOC_CHARS, or errors."""
    items = _read(source, data, suffix)
    del data  # `_read` drops the bytes once it has decoded them; this frame must not keep them alive
    yield from _limited(source, items)


def _limited(source: str, items: Iterable[RawDoc | ReadError]) -> Iterator[RawDoc | ReadError]:
    """`items` with every document longer than MAX_DOC_CHARS split (or rejected): bytes read whole or a line at a time."""
    for item in items:
        if isinstance(item, ReadError):
            yield item
        else:
            yield from limit_size(item, source=source)


def iter_files(path: Path) -> Iterator[Path | ReadError]:
    """Files under `path`, recursively, in a stable order; symlink loops and unreadable directories are reported."""
    if not path.exists():
        yield ReadError(str(path), "no such file or directory")
        return
    if path.is_file():
        yield path
        return
    seen: dict[str, str] = {}  # real path → the path it was first read under
    errors: list[OSError] = []
    for root, dirs, files in os.walk(path, followlinks=True, onerror=errors.append):
        while errors:
            err = errors.pop(0)
            yield ReadError(str(err.filename or root), f"cannot read directory ({err.strerror or err})")
        real = os.path.realpath(root)
        if real in seen:
            parent = os.path.realpath(os.path.dirname(root.rstrip(os.sep)))
            looped = parent == real or parent.startswith(real.rstrip(os.sep) + os.sep)
            reason = "directory symlink loop, not followed" if looped else f"same directory as {seen[real]}, already read"
            yield ReadError(root, reason)
            dirs[:] = []
            continue
        seen[real] = root
        dirs.sort()
        dirs[:] = [d for d in dirs if not d.startswith(".") and not (Path(root) / d / SKIP_MARKER).exists()]
        for name in sorted(files):
            if name.startswith(".") or name in IGNORED_NAMES:
                continue
            yield Path(root) / name  # unknown suffixes are read too: a binary is reported, not skipped
    while errors:
        err = errors.pop(0)
        yield ReadError(str(err.filename or path), f"cannot read directory ({err.strerror or err})")


def _readable(path: Path) -> ReadError | None:
    """Why `path` cannot be read as a source (not a regular file, over MAX_FILE_BYTES), or None; raises OSError."""
    st = path.stat()
    if stat.S_ISDIR(st.st_mode):
        return ReadError(str(path), "is a directory")
    if not stat.S_ISREG(st.st_mode):
        return ReadError(str(path), "not a regular file (device, FIFO or socket)")
    if st.st_size > MAX_FILE_BYTES:
        return ReadError(
            str(path), f"file of {st.st_size:,} bytes is over the {MAX_FILE_BYTES:,}-byte limit (ZHNEWS_MAX_FILE_BYTES)"
        )
    return None


def read_file(path: Path) -> bytes | ReadError:
    """The bytes of one regular file no larger than MAX_FILE_BYTES, or why not (never blocks on a FIFO)."""
    try:
        if why := _readable(path):
            return why
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)  # a file growing while read stays within the limit
        if len(data) > MAX_FILE_BYTES:
            return ReadError(str(path), f"file is over the {MAX_FILE_BYTES:,}-byte limit (ZHNEWS_MAX_FILE_BYTES)")
        return data
    except FileNotFoundError:
        return ReadError(str(path), "no such file or directory")
    except IsADirectoryError:
        return ReadError(str(path), "is a directory")
    except OSError as err:
        return ReadError(str(path), f"cannot read ({_one_line(err.strerror or err)})")


@dataclass
class JsonlFile:
    """A UTF-8 JSON Lines file, read from disk a line at a time instead of being held in memory (an archive may be large).

    `scan_jsonl` reads it once for its SHA-256 and to check that it is valid
    UTF-8, which is what lets it be decoded a line at a time; `docs()` reads it
    again and yields what `read_bytes` yields for its bytes. A file that changed
    between the two readings, or could not be read again, sets `failure` once
    `docs()` is exhausted: its documents may then be a mix of two versions.
    """

    path: str
    sha256: str
    size: int
    failure: str | None = None

    def docs(self) -> Iterator[RawDoc | ReadError]:
        yield from _limited(self.path, read_jsonl(self.path, (line.decode("utf-8", "replace") for line in self._lines())))

    def _lines(self) -> Iterator[bytes]:
        """The file's lines between line feeds, hashing what is read; sets `failure` when it is not what was scanned."""
        digest = hashlib.sha256()
        size = 0
        pending: list[bytes] = []  # the start of a line longer than a chunk
        try:
            with open(self.path, "rb") as f:
                while size <= self.size and (chunk := f.read(UTF8_CHUNK)):
                    digest.update(chunk)
                    size += len(chunk)
                    start = 0
                    while (end := chunk.find(b"\n", start)) >= 0:
                        pending.append(chunk[start:end])
                        yield b"".join(pending)
                        pending = []
                        start = end + 1
                    pending.append(chunk[start:])
        except OSError as err:
            self.failure = f"cannot read ({_one_line(err.strerror or err)})"
            return
        yield b"".join(pending)
        if size != self.size or digest.hexdigest() != self.sha256:
            self.failure = "file changed while it was read; ingest it again"


def scan_jsonl(path: Path) -> JsonlFile | None:
    """`path` as a `JsonlFile` when it can be read a line at a time (text, UTF-8 without a byte-order mark); else None.

    None also for a file that cannot be read, is empty or binary: `read_file`
    and `read_bytes` then say why, as for any other source.
    """
    try:
        if _readable(path):
            return None
        digest = hashlib.sha256()
        decoder = codecs.getincrementaldecoder("utf-8")()
        size = 0
        blank = True
        with open(path, "rb") as f:
            while chunk := f.read(UTF8_CHUNK):
                if not size and (chunk.startswith(UTF8_BOM) or binary_kind(chunk)):
                    return None
                size += len(chunk)
                if size > MAX_FILE_BYTES:
                    return None
                digest.update(chunk)
                decoder.decode(chunk)
                blank = blank and chunk.isspace()
        decoder.decode(b"", final=True)
    except (OSError, UnicodeDecodeError):
        return None
    if blank:
        return None
    return JsonlFile(str(path), digest.hexdigest(), size)


def _with_path(path: Path, data: bytes | ReadError) -> tuple[str, bytes] | ReadError:
    return data if isinstance(data, ReadError) else (str(path), data)


def _read_stdin() -> tuple[str, bytes] | ReadError:
    data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        return ReadError("-", f"standard input is over the {MAX_FILE_BYTES:,}-byte limit (ZHNEWS_MAX_FILE_BYTES)")
    return "-", data


def iter_sources(paths: list[str], stream_jsonl: bool = False) -> Iterator[tuple[str, bytes] | JsonlFile | ReadError]:
    """(path, bytes) of every source file under the input paths (`-` is standard input), or why not.

    With `stream_jsonl`, a JSON Lines file that can be read a line at a time
    is a `JsonlFile` instead, its bytes not held in memory.
    """
    for raw in paths:
        if raw == "-":
            yield _read_stdin()
            continue
        root = Path(raw)
        files = iter_files(root) if root.is_dir() else [root]
        for item in files:
            if isinstance(item, ReadError):
                yield item
                continue
            streamed = scan_jsonl(item) if stream_jsonl and item.suffix.lower() in JSONL_SUFFIXES else None
            # No local name for the bytes: this suspended frame would keep them while the caller reads the file.
            yield streamed or _with_path(item, read_file(item))


def read_sources(paths: list[str]) -> Iterator[RawDoc | ReadError]:
    """Every document of every input path (`-` is standard input)."""
    for item in iter_sources(paths):
        if isinstance(item, ReadError):
            yield item
        else:
            path, data = item
            item = None
            docs = read_bytes(path, data, Path(path).suffix.lower() if path != "-" else ".txt")
            del data  # the reader drops the bytes once decoded; so must this frame
            yield from docs
