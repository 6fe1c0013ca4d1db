"""The bad-input corpus (tests/bad_inputs/ plus big and special files made at test time).

Each input is read correctly or rejected with one clear line, and `zhnews ingest`
over all of them ingests the rest, with summary counts that add up: inputs =
ingested + unchanged + rejected, and every file is either in the dataset or named
on stderr.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import read
from pipeline.read import RawDoc, ReadError, read_bytes, read_sources

from .conftest import ROOT

BAD = ROOT / "tests" / "bad_inputs"
NEWS = "今年以来，章贡区沙石镇投入资金214.46亿元，建设项目12个，带动就业三千多人。\n赣州市新增就业岗位1200个，同比增长5%。\n"

# What reading each committed file gives: the error, or a piece of the text and the encoding.
EXPECTED_ERRORS = {
    "empty.txt": "empty file",
    "binary.png": "binary file, not text (PNG image)",
    "nul_bytes.txt": "binary file, not text (NUL bytes)",
}
EXPECTED_DOCS = {
    "good.txt": ("章贡区新闻\n" + NEWS, "utf-8"),
    "truncated_utf8.txt": ("信丰县新闻\n" + NEWS.rstrip("\n")[:-1], "utf-8"),
    "gbk_no_marker.txt": ("会昌县新闻\n" + NEWS, "gb18030"),
    "big5.txt": ("臺灣省政府今年舉辦三場活動，參加者達五千人。", "big5"),
    "utf16_bom.txt": ("瑞金市新闻\n" + NEWS, "utf-16"),
    "script_style.html": ("今年以来，于都县投入资金5.6亿元", "utf-8"),
    "deep_nested.html": ("今年以来，石城县投入资金3.2亿元，新建道路18公里，带动就业两千多人。", "utf-8"),
}


def _by_name(items: list) -> dict[str, list]:
    out: dict[str, list] = {}
    for item in items:
        out.setdefault(Path(item.source).name, []).append(item)
    return out


def test_every_committed_bad_input_is_read_or_clearly_rejected():
    got = _by_name(list(read_sources([str(BAD)])))
    names = {p.name for p in BAD.iterdir()} - {"README.md"}
    assert set(got) == names  # nothing silently skipped
    for name, reason in EXPECTED_ERRORS.items():
        [err] = got[name]
        assert isinstance(err, ReadError) and err.reason == reason
    for name, (text, encoding) in EXPECTED_DOCS.items():
        [doc] = got[name]
        assert isinstance(doc, RawDoc), str(doc)
        assert text in doc.text and doc.encoding == encoding, (name, doc.text[:80], doc.encoding)
    page = got["script_style.html"][0]
    assert "脚本" not in page.text and "样式" not in page.text and "1200个" in page.text
    assert got["deep_nested.html"][0].title == "石城县新闻"
    jsonl = got["broken_middle.jsonl"]
    assert [d.doc_id for d in jsonl if isinstance(d, RawDoc)] == ["a1", "a3"]
    [err] = [e for e in jsonl if isinstance(e, ReadError)]
    assert str(err).endswith("broken_middle.jsonl:2: not valid JSON (Unterminated string starting at)")
    for items in got.values():
        for item in items:
            assert "\n" not in str(item) or isinstance(item, RawDoc)


def _make_special_inputs(src: Path) -> dict[str, str]:
    """The inputs made at test time; returns name → the reason each is rejected ('' when it is read)."""
    made = {}
    # 50 MB on one line, without a line break or sentence end to split at.
    with open(src / "one_line_50mb.txt", "wb") as f:
        chunk = ("没有标点也没有换行的一行" * 10_000).encode()
        for _ in range(50 * 1024 * 1024 // len(chunk) + 1):
            f.write(chunk)
    made["one_line_50mb.txt"] = "over the 5,000,000-character limit (ZHNEWS_MAX_DOC_CHARS) and has no line break or sentence end"
    (src / "loop").mkdir()
    (src / "loop" / "inner.txt").write_text("今年以来，兴国县新增就业1200人。", encoding="utf-8")
    os.symlink("..", src / "loop" / "back")  # loop/back → the directory holding loop: a cycle
    made["back"] = "directory symlink loop, not followed"
    made["inner.txt"] = ""
    os.mkfifo(src / "pipe.txt")
    made["pipe.txt"] = "not a regular file (device, FIFO or socket)"
    locked = src / "unreadable.txt"
    locked.write_text("今年以来，宁都县新增就业800人。", encoding="utf-8")
    locked.chmod(0)
    made["unreadable.txt"] = "" if os.access(locked, os.R_OK) else "cannot read (Permission denied)"
    return made


def test_fifo_symlink_loop_and_fifty_megabyte_line(tmp_path):
    made = _make_special_inputs(tmp_path)
    got = _by_name(list(read_sources([str(tmp_path)])))
    assert set(got) == set(made)
    for name, reason in made.items():
        [item] = got[name]
        if reason:
            assert isinstance(item, ReadError) and reason in item.reason, str(item)
        else:
            assert isinstance(item, RawDoc), str(item)
    (tmp_path / "unreadable.txt").chmod(0o644)


def test_unreadable_file_is_reported(tmp_path):
    path = tmp_path / "unreadable.txt"
    path.write_text("今年以来，宁都县新增就业800人。", encoding="utf-8")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root (or with CAP_DAC_OVERRIDE): a chmod 000 file is still readable here")
        [err] = read_sources([str(path)])
        assert str(err) == f"{path}: cannot read (Permission denied)"
    finally:
        path.chmod(0o644)


def test_ingest_over_the_whole_bad_directory(tmp_path):
    src = tmp_path / "in"
    shutil.copytree(BAD, src)
    made = _make_special_inputs(src)
    out = tmp_path / "out"
    r = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "ingest", str(src), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    (src / "unreadable.txt").chmod(0o644)
    assert r.returncode == 3, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    rejected = dict(EXPECTED_ERRORS, **{k: v for k, v in made.items() if v})
    read_ok = set(EXPECTED_DOCS) | {"broken_middle.jsonl"} | {k for k, v in made.items() if not v}
    # Every rejected input is named on stderr with its reason, once as it happens and once in the summary.
    for name, reason in rejected.items():
        lines = [line for line in r.stderr.splitlines() if f"{name}: " in line and reason in line]
        assert len(lines) == 2, (name, reason, r.stderr)
    assert "broken_middle.jsonl:2: not valid JSON" in r.stderr
    summary = r.stdout.strip().splitlines()[-1]
    expected = f"{len(rejected) + len(read_ok)} inputs: {len(read_ok)} ingested, 0 unchanged (already in the dataset), {len(rejected)} rejected;"
    assert summary.startswith(expected), summary
    from pipeline.dataset import Dataset

    ds = Dataset(out)
    assert {Path(p).name for p in ds.sources()["path"]} == read_ok  # the rest of the batch is in, nothing dropped
    texts = set(ds.figures()["text"])
    assert {"214.46亿元", "5.6亿元", "3.2亿元", "2亿元"} <= texts
    assert "999亿元" not in texts and "8000万元" not in texts  # script contents are not article text
    # A second run: the readable inputs are unchanged, the rejected ones are rejected again; the counts still add up.
    r2 = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "ingest", str(src), "--out", str(out), "-q"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    again = f"{len(rejected) + len(read_ok)} inputs: 0 ingested, {len(read_ok)} unchanged (already in the dataset), {len(rejected)} rejected;"
    assert r2.stdout.strip().splitlines()[-1].startswith(again), r2.stdout


def test_a_long_document_is_split_at_paragraphs(monkeypatch):
    paragraph = "今年以来，章贡区新增就业1200人，投入资金3亿元。" * 4 + "\n"
    text = paragraph * 30
    monkeypatch.setattr(read, "MAX_DOC_CHARS", len(paragraph) * 7 + 5)
    docs = list(read_bytes("long.txt", text.encode(), ".txt"))
    assert all(isinstance(d, RawDoc) for d in docs) and len(docs) == 5
    assert "".join(d.text for d in docs) == text  # nothing lost, nothing doubled
    assert [d.part for d in docs] == [1, 2, 3, 4, 5]
    for d in docs:
        assert len(d.text) <= read.MAX_DOC_CHARS and d.text.endswith("\n")  # cut at paragraph ends
        assert text[d.part_start : d.part_start + len(d.text)] == d.text
    # No line break: cut at sentence ends. Nothing to cut at: rejected, with the limit named.
    one_line = text.replace("\n", "")
    docs = list(read_bytes("line.txt", one_line.encode(), ".txt"))
    assert "".join(d.text for d in docs) == one_line and all(d.text.endswith("。") for d in docs)
    [err] = read_bytes("junk.txt", ("无" * (read.MAX_DOC_CHARS + 1)).encode(), ".txt")
    assert err.reason.startswith(
        f"document of {read.MAX_DOC_CHARS + 1:,} characters is over the {read.MAX_DOC_CHARS:,}-character limit"
    )
    # JSON Lines records are limited one by one; their errors carry the line number.
    import json

    lines = [json.dumps({"id": "big", "text": text}, ensure_ascii=False), json.dumps({"id": "junk", "text": "无" * 10**4})]
    monkeypatch.setattr(read, "MAX_DOC_CHARS", 2_000)
    items = list(read_bytes("big.jsonl", "\n".join(lines).encode(), ".jsonl"))
    assert [d.part for d in items if isinstance(d, RawDoc)] == [1, 2]
    [err] = [e for e in items if isinstance(e, ReadError)]
    assert err.line == 2 and err.source == "big.jsonl"


def test_file_size_limit(tmp_path, monkeypatch):
    path = tmp_path / "big.txt"
    path.write_bytes(("今年以来新增就业1200人。\n" * 100).encode())
    monkeypatch.setattr(read, "MAX_FILE_BYTES", 1000)
    [err] = read_sources([str(path)])
    assert str(err) == f"{path}: file of {path.stat().st_size:,} bytes is over the 1,000-byte limit (ZHNEWS_MAX_FILE_BYTES)"


def test_limits_come_from_the_environment(tmp_path):
    src = tmp_path / "long.txt"
    src.write_text(("今年以来，章贡区新增就业1200人，投入资金3亿元。" * 10 + "\n") * 12, encoding="utf-8")
    env = dict(os.environ, ZHNEWS_MAX_DOC_CHARS="1000")
    r = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "ingest", str(src), "--out", str(tmp_path / "out"), "-q"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    from pipeline.dataset import Dataset

    docs = Dataset(tmp_path / "out").sql("SELECT text FROM documents ORDER BY doc_index")["text"].tolist()
    assert len(docs) == 4 and all(len(t) <= 1000 for t in docs) and "".join(docs) == src.read_text(encoding="utf-8")
