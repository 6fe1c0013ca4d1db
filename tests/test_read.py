"""Reading sources: formats, encodings and bad input, through the real command."""

from __future__ import annotations

import json
import subprocess
import sys

from pipeline.read import read_sources

from .conftest import SEEDS


def test_encodings_are_detected(tmp_path):
    text = SEEDS[1].read_text(encoding="utf-8")
    (tmp_path / "gbk.txt").write_bytes(text.encode("gb18030"))
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    (tmp_path / "big5.txt").write_bytes("臺灣省政府今年舉辦三場活動，參加者達五千人。".encode("big5"))
    docs = {d.source.rsplit("/", 1)[1]: d for d in read_sources([str(tmp_path)])}
    assert docs["gbk.txt"].text == text
    assert docs["bom.txt"].text == text
    assert "五千人" in docs["big5.txt"].text


def test_jsonl_and_html(tmp_path):
    (tmp_path / "a.jsonl").write_text(
        json.dumps({"id": "x1", "text": "今年以来，章贡区新增就业1200人。", "published": "2023-07-15"}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    html = "<html><head><title>新闻</title><script>var x = '不是正文';</script></head><body><article><h1>章贡区新闻</h1><p>今年以来，章贡区沙石镇投入资金214.46亿元，建设项目12个，带动就业三千多人。</p></article></body></html>"
    (tmp_path / "b.html").write_text(html, encoding="utf-8")
    docs = list(read_sources([str(tmp_path)]))
    assert {d.fmt for d in docs} == {"jsonl", "html"}
    page = next(d for d in docs if d.fmt == "html")
    assert "214.46亿元" in page.text and "不是正文" not in page.text
    rec = next(d for d in docs if d.fmt == "jsonl")
    assert rec.doc_id == "x1" and str(rec.published) == "2023-07-15"


def test_bad_inputs_are_reported_and_the_rest_is_ingested(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for p in SEEDS[:2]:
        (src / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    (src / "empty.txt").write_bytes(b"")
    (src / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (src / "broken.jsonl").write_text('{"text": "今年以来新增3个村。"}\nnot json\n{"title": "无正文"}\n', encoding="utf-8")
    out = tmp_path / "out"
    r = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "ingest", str(src), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 3, r.stderr
    assert "empty.txt: empty file" in r.stderr
    assert "image.png: binary file, not text" in r.stderr
    assert "broken.jsonl:2: not valid JSON" in r.stderr
    assert "broken.jsonl:3: record has no `text`" in r.stderr
    # inputs = ingested + unchanged + rejected: 2 seeds and the JSONL file are in, 2 files rejected.
    assert "5 inputs: 3 ingested, 0 unchanged (already in the dataset), 2 rejected" in r.stdout
    from pipeline.dataset import Dataset

    paths = set(Dataset(out).sources()["path"])
    assert {p.rsplit("/", 1)[1] for p in paths} == {SEEDS[0].name, SEEDS[1].name, "broken.jsonl"}
    r2 = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "ingest", str(tmp_path / "missing.txt"), str(SEEDS[2]), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert r2.returncode == 3
    assert "missing.txt: no such file or directory" in r2.stderr


def test_usage_error_exits_2():
    r = subprocess.run([sys.executable, "-m", "pipeline.cli", "extract"], capture_output=True, text=True)
    assert r.returncode == 2
