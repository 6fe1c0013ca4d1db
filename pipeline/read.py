"""Sources → raw documents: file formats, encodings and input errors.

Every input path yields either documents (`RawDoc`) or one `ReadError` per
problem, never an exception: a batch must go on past a bad file and report it.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import charset_normalizer

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


@dataclass(frozen=True)
class ReadError:
    """A source, or part of one, that could not be read; `reason` is one line."""

    source: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.reason}"


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes of Chinese text, detecting the encoding; raise ValueError if none fits.

    BOMs decide first; then strict UTF-8; then the CJK legacy encodings, where
    charset-normalizer arbitrates between those that decode without error
    (GB18030 decodes almost anything, so a clean decode alone proves little).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    fitting = []
    for enc in CJK_ENCODINGS:
        try:
            fitting.append((enc, data.decode(enc)))
        except UnicodeDecodeError:
            continue
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


def looks_binary(data: bytes) -> bool:
    """True for data that is no text file: NUL bytes, or a known binary signature."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 carries NULs legitimately
    signatures = (b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"%PDF", b"PK\x03\x04", b"\x7fELF")
    return data.startswith(signatures) or b"\x00" in data[:8192]


def html_main_text(html: str) -> tuple[str, str | None, date | None]:
    """Main text, title and date of an HTML page, boilerplate removed (trafilatura)."""
    import trafilatura  # imported here: it is slow to load and only HTML needs it

    doc = trafilatura.bare_extraction(html, favor_recall=True, with_metadata=True, include_comments=False)
    if doc is None or not (doc.text or "").strip():
        return "", None, None
    published = None
    if doc.date:
        try:
            published = date.fromisoformat(doc.date[:10])
        except ValueError:
            published = None
    return doc.text, doc.title, published


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


def read_jsonl(source: str, text: str) -> Iterator[RawDoc | ReadError]:
    """One article per line: `text` required; `id`, `title`, `published`/`date`, `source` optional."""
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as err:
            yield ReadError(source, f"not valid JSON ({err.msg})", n)
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
        yield RawDoc(
            source=str(rec.get("source") or source),
            text=body,
            doc_id=str(rec["id"]) if rec.get("id") is not None else None,
            title=rec.get("title") if isinstance(rec.get("title"), str) else None,
            published=_parse_date(rec.get("published", rec.get("date"))),
            line=n,
            fmt="jsonl",
        )


def read_bytes(source: str, data: bytes, suffix: str) -> Iterator[RawDoc | ReadError]:
    """Read one source's bytes according to its suffix."""
    if not data.strip():
        yield ReadError(source, "empty file")
        return
    if looks_binary(data):
        yield ReadError(source, "binary file, not text")
        return
    try:
        text, encoding = decode(data)
    except ValueError as err:
        yield ReadError(source, str(err))
        return
    if suffix in JSONL_SUFFIXES:
        yield from read_jsonl(source, text)
        return
    if suffix in HTML_SUFFIXES or (suffix not in TEXT_SUFFIXES and text.lstrip()[:15].lower().startswith(("<!doctype", "<html"))):
        body, title, published = html_main_text(text)
        if not body.strip():
            yield ReadError(source, "HTML page without main text")
            return
        yield RawDoc(source, body, title=title, published=published, encoding=encoding, fmt="html")
        return
    if not text.strip():
        yield ReadError(source, "no text")
        return
    yield RawDoc(source, text, encoding=encoding)


def iter_files(path: Path) -> Iterator[Path | ReadError]:
    """Files under `path`, recursively, in a stable order; symlink loops are reported, not followed."""
    if not path.exists():
        yield ReadError(str(path), "no such file or directory")
        return
    if path.is_file():
        yield path
        return
    seen: set[str] = set()
    for root, dirs, files in os.walk(path, followlinks=True):
        real = os.path.realpath(root)
        if real in seen:
            yield ReadError(root, "directory symlink loop, not followed")
            dirs[:] = []
            continue
        seen.add(real)
        dirs.sort()
        dirs[:] = [d for d in dirs if not d.startswith(".") and not (Path(root) / d / SKIP_MARKER).exists()]
        for name in sorted(files):
            if name.startswith(".") or name in IGNORED_NAMES:
                continue
            yield Path(root) / name  # unknown suffixes are read too: a binary is reported, not skipped


def iter_sources(paths: list[str]) -> Iterator[tuple[str, bytes] | ReadError]:
    """(path, bytes) of every source file under the input paths (`-` is standard input), or why not."""
    for raw in paths:
        if raw == "-":
            yield "-", sys.stdin.buffer.read()
            continue
        root = Path(raw)
        files = iter_files(root) if root.is_dir() else [root]
        for item in files:
            if isinstance(item, ReadError):
                yield item
                continue
            try:
                yield str(item), item.read_bytes()
            except FileNotFoundError:
                yield ReadError(str(item), "no such file or directory")
            except IsADirectoryError:
                yield ReadError(str(item), "is a directory")
            except OSError as err:
                yield ReadError(str(item), f"cannot read ({err.strerror or err})")


def read_sources(paths: list[str]) -> Iterator[RawDoc | ReadError]:
    """Every document of every input path (`-` is standard input)."""
    for item in iter_sources(paths):
        if isinstance(item, ReadError):
            yield item
        else:
            path, data = item
            yield from read_bytes(path, data, Path(path).suffix.lower() if path != "-" else ".txt")
