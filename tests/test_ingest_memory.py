"""Ingest memory does not grow with the size of a source (issue 8).

A JSON Lines archive is read from disk a line at a time (`pipeline.read.JsonlFile`)
and must give exactly what reading its bytes gives; its rows are written in row
groups of bounded size. The extraction itself is replaced here by an engine that
only stores the documents, so a large archive takes seconds. `reextract` reads
the stored documents a batch at a time and must write what ingest writes.
"""

from __future__ import annotations

import json
import os
import tracemalloc
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline import ingest as ingest_mod
from pipeline import read
from pipeline.dataset import Dataset
from pipeline.ingest import DOC_TABLES, Part, Task, ingest, reextract
from pipeline.parallel import InlineEngine
from pipeline.read import RawDoc, ReadError, read_bytes, scan_jsonl
from pipeline.records import SCHEMAS

from .conftest import SEEDS

NEWS = "今年以来，章贡区沙石镇投入资金214.46亿元，建设项目12个，带动就业三千多人。赣州市新增就业岗位1200个，同比增长5%。"


def _record(n: int, text: str = NEWS) -> str:
    return json.dumps({"id": f"a{n}", "date": "20230715", "title": f"新闻{n}", "text": f"{n}：{text}"}, ensure_ascii=False)


SEPARATED = "第一段\u2028第二段\u2029第三段\x85第四段"
# JSON Lines files a line-at-a-time reader could get wrong: CRLF line ends, blank and bad lines,
# U+2028 inside a string (not a line break for JSON Lines), no final line feed, a line longer
# than the reader's chunk, a document over MAX_DOC_CHARS, an empty text.
STREAMED = {
    "plain.jsonl": "\n".join(_record(n) for n in range(50)) + "\n",
    "crlf.jsonl": "\r\n".join(_record(n) for n in range(5)),
    "blank_and_bad.jsonl": f"\n{_record(1)}\n\n{{not json\n[1, 2]\n{_record(2)}\n   \n",
    "separators.jsonl": _record(1, SEPARATED) + "\n" + _record(2),
    "long_line.jsonl": f"{_record(1)}\n{_record(2, '赣州市新增就业岗位1200个。' * 120_000)}\n{_record(3)}\n",
    "over_limit.jsonl": f"{_record(1, ('今年以来新增就业1200人。' * 300 + chr(10)) * 20)}\n{_record(2, '无' * 9_000)}\n",
    "empty_text.jsonl": json.dumps({"id": "x", "text": ""}) + "\n" + _record(3) + "\n",
}
# Files read whole instead (their encoding is found on the whole file, or they are rejected).
NOT_STREAMED = {
    "bom.jsonl": b"\xef\xbb\xbf" + _record(1).encode(),
    "gbk.jsonl": _record(1).encode("gb18030"),
    "utf16.jsonl": _record(1).encode("utf-16"),
    "truncated.jsonl": _record(1).encode()[:-2] + "章".encode()[:2],
    "empty.jsonl": b"",
    "blank.jsonl": b"\n \n\t\n",
    "nul.jsonl": _record(1).encode() + b"\x00",
}


@pytest.mark.parametrize("name", sorted(STREAMED))
def test_a_streamed_jsonl_file_reads_as_its_bytes(tmp_path, monkeypatch, name):
    monkeypatch.setattr(read, "MAX_DOC_CHARS", 8_000)
    path = tmp_path / name
    path.write_text(STREAMED[name], encoding="utf-8")
    streamed = scan_jsonl(path)
    assert streamed is not None and streamed.size == path.stat().st_size
    got = list(streamed.docs())
    assert streamed.failure is None
    assert got == list(read_bytes(str(path), path.read_bytes(), ".jsonl"))
    assert any(isinstance(d, RawDoc) for d in got)


def test_the_tricky_files_give_what_they_should():
    """The comparison above is not vacuous: parts, errors and separators are there."""
    items = list(read_bytes("x.jsonl", STREAMED["blank_and_bad.jsonl"].encode(), ".jsonl"))
    assert [(type(d).__name__, d.line) for d in items] == [
        ("RawDoc", 2),
        ("ReadError", 4),
        ("ReadError", 5),
        ("RawDoc", 6),
    ]
    [doc, _] = read_bytes("x.jsonl", STREAMED["separators.jsonl"].encode(), ".jsonl")
    assert "\u2028第二段\u2029" in doc.text


@pytest.mark.parametrize("name", sorted(NOT_STREAMED))
def test_other_jsonl_files_are_read_whole(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(NOT_STREAMED[name])
    assert scan_jsonl(path) is None


def test_a_file_changed_while_read_is_rejected(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(STREAMED["plain.jsonl"], encoding="utf-8")
    streamed = scan_jsonl(path)
    assert streamed is not None
    path.write_text(STREAMED["plain.jsonl"].replace("1200", "1300"), encoding="utf-8")  # same size, other bytes
    assert all(isinstance(d, RawDoc) for d in streamed.docs())
    assert streamed.failure == "file changed while it was read; ingest it again"


def test_ingest_rejects_a_jsonl_file_that_changes_while_read(tmp_path, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.jsonl").write_text(STREAMED["plain.jsonl"], encoding="utf-8")
    (src / "b.jsonl").write_text(STREAMED["crlf.jsonl"], encoding="utf-8")
    real = read.scan_jsonl

    def scan_then_append(path: Path):  # noqa: ANN202 - another program appends to a.jsonl after it was hashed
        found = real(path)
        if path.name == "a.jsonl":
            with open(path, "a", encoding="utf-8") as f:
                f.write(_record(99) + "\n")
        return found

    monkeypatch.setattr(read, "scan_jsonl", scan_then_append)
    summary = ingest([str(src)], tmp_path / "ds", engine=_Documents())
    assert [str(e) for e in summary.rejected] == [f"{src / 'a.jsonl'}: file changed while it was read; ingest it again"]
    assert summary.sources == 1
    assert list(Dataset(tmp_path / "ds").sql("SELECT doc_id FROM documents ORDER BY doc_index")["doc_id"]) == [
        f"a{n}" for n in range(5)
    ]
    monkeypatch.undo()
    summary = ingest([str(src)], tmp_path / "ds", engine=_Documents())  # read again, as it now is
    assert (summary.sources, summary.unchanged, summary.rejected) == (1, 1, [])


class _Documents(InlineEngine):
    """Stores each task's documents and no extraction: the ingest's own reading and writing, fast."""

    def submit(self, fn, task: Task, ctx):  # noqa: ANN001, ANN201, ARG002
        rows = [
            {"source_id": task.src_id, "doc_index": i, "doc_id": d.doc_id, "line": d.line, "title": d.title, "text": d.text}
            for i, d in task.docs
            if isinstance(d, RawDoc)
        ]
        tables = {t: pa.Table.from_pylist(rows if t == "documents" else [], schema=SCHEMAS[t]) for t in DOC_TABLES}
        return super().submit(lambda: Part(tables, [], "jsonl", "utf-8"))


def test_ingest_does_not_hold_a_jsonl_source(tmp_path):
    """Python memory at the peak of ingesting a 12 MB archive is a fraction of it (it was the whole file and more)."""
    path = tmp_path / "big.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for n in range(60_000):
            f.write(_record(n) + "\n")
    size = path.stat().st_size
    assert size > 12_000_000
    warm = tmp_path / "warm.jsonl"
    warm.write_text(_record(1) + "\n", encoding="utf-8")
    ingest([str(warm)], tmp_path / "warm", engine=_Documents())  # the modules ingest imports on first use
    tracemalloc.start()
    try:
        summary = ingest([str(path)], tmp_path / "ds", engine=_Documents())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert summary.documents == 60_000 and not summary.errors
    assert peak < size / 10, f"peak {peak:,} bytes of Python objects for a {size:,}-byte source"


def test_row_groups_are_bounded_and_the_dataset_the_same(tmp_path, monkeypatch):
    """Rows are written a row group of about ROW_GROUP_BYTES at a time; cutting them smaller changes no row."""
    path = tmp_path / "a.jsonl"
    path.write_text("".join(_record(n) + "\n" for n in range(3_000)), encoding="utf-8")
    ingest([str(path)], tmp_path / "whole", engine=_Documents())
    monkeypatch.setattr(ingest_mod, "ROW_GROUP_BYTES", 50_000)
    ingest([str(path)], tmp_path / "cut", engine=_Documents())
    [part] = (tmp_path / "cut" / "parts" / "documents").glob("*.parquet")
    meta = pq.ParquetFile(part).metadata
    assert meta.num_row_groups > 10
    sizes = [meta.row_group(i).total_byte_size for i in range(meta.num_row_groups)]
    assert max(sizes) < 2 * 50_000 + 300_000  # one task's rows at most over the bound
    q = "SELECT * FROM documents ORDER BY doc_index"
    assert Dataset(tmp_path / "cut").sql(q).equals(Dataset(tmp_path / "whole").sql(q))


def test_errors_of_a_streamed_file_are_line_errors(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(STREAMED["blank_and_bad.jsonl"], encoding="utf-8")
    summary = ingest([str(path)], tmp_path / "ds", engine=_Documents())
    assert summary.documents == 2
    assert [(e.line, e.reason) for e in summary.line_errors] == [
        (4, "not valid JSON (Expecting property name enclosed in double quotes)"),
        (5, "a JSON Lines record must be an object"),
    ]
    assert all(isinstance(e, ReadError) for e in summary.errors)


def test_reextract_writes_what_ingest_writes(tmp_path, monkeypatch):
    """A source extracted with other rules is extracted again a batch of stored documents at a time: same rows as ingesting it now."""
    src = tmp_path / "src"
    src.mkdir()
    for p in SEEDS[:2]:
        (src / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    paras = [x for p in SEEDS[2:5] for x in p.read_text(encoding="utf-8").splitlines() if x.strip()]
    records = [{"id": f"p{i}", "date": "20221201", "text": "\n".join(paras[i : i + 3])} for i in range(0, len(paras), 3)]
    (src / "archive.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    fresh = ingest([str(src)], tmp_path / "fresh")
    old = tmp_path / "old"
    ingest([str(src)], old)
    manifest = json.loads((old / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["sources"].values():  # as if ingested with other rules
        for table, name in entry["parts"].items():
            entry["parts"][table] = name.replace(f"-{entry['rules_version']}.parquet", "-old.parquet")
            os.replace(old / name, old / entry["parts"][table])
        entry["rules_version"] = "old"
    (old / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    monkeypatch.setattr(ingest_mod, "CHUNK_DOCS", 4)
    monkeypatch.setattr(ingest_mod, "ROW_GROUP_BYTES", 20_000)
    again = reextract(old)
    assert (again.sources, again.unchanged) == (3, 0)
    assert [again.documents, again.articles, again.entities, again.figures] == [
        fresh.documents,
        fresh.articles,
        fresh.entities,
        fresh.figures,
    ]
    assert fresh.documents > len(records) and fresh.figures > 100
    assert not list(old.rglob("*-old.parquet"))
    for t in ("sources", "documents", "articles", "entities", "figures"):
        q = f"SELECT * FROM {t} ORDER BY ALL"
        assert Dataset(old).sql(q).equals(Dataset(tmp_path / "fresh").sql(q)), t
