"""Compaction merges small part files into segments without changing what the dataset holds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pipeline.compact import needs_compaction
from pipeline.dataset import TABLES, Dataset, Manifest

from .conftest import ROOT, SEEDS
from .conftest import tree_digest as _tree_digest

EXTRA = {
    "xinfeng.txt": "今年以来，信丰县新增就业岗位1200个，完成固定资产投资3.5亿元，同比增长8.2%。",
    "yongxin.txt": "2023年，永新县村集体经济收入超过10万元的村达到120个，占全县行政村的65%。",
}


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True, cwd=ROOT)


def _contents(root: Path) -> dict[str, list[str]]:
    """Every row of every table, as sorted text: equal contents whatever the files they sit in."""
    ds = Dataset(root)
    return {t: sorted(repr(row) for row in ds.relation(f"SELECT * FROM {t}")[1]) for t in TABLES}


def _sources(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    for p in SEEDS:
        (src / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    for name, text in EXTRA.items():
        (src / name).write_text(text, encoding="utf-8")
    return src


def test_compaction_keeps_every_row_and_a_replaced_source_leaves_its_segment(tmp_path):
    src = _sources(tmp_path)
    ds = tmp_path / "ds"
    assert _run("ingest", str(src), "--out", str(ds), "--published", "2023-05-01", "-q").returncode == 0
    before = _contents(ds)
    assert needs_compaction(ds, threshold=len(SEEDS)) and not needs_compaction(ds)

    r = _run("compact", str(ds))
    assert r.returncode == 0, r.stderr
    n = len(SEEDS) + len(EXTRA)
    assert r.stdout.strip() == f"compacted {n * len(TABLES)} part files into {len(TABLES)} segments"
    manifest = Manifest.load(ds)
    for table in TABLES:
        assert len(manifest.files(table)) == 1 and len(list((ds / "parts" / table).iterdir())) == 1
    assert _contents(ds) == before
    assert not needs_compaction(ds, threshold=1)

    # Unchanged sources stay unchanged, byte for byte; a second compaction has nothing to merge.
    digest = _tree_digest(ds)
    assert "0 ingested, 7 unchanged" in _run("ingest", str(src), "--out", str(ds), "--published", "2023-05-01", "-q").stdout
    assert _run("compact", str(ds)).stdout.strip() == "compacted 0 part files into 0 segments"
    assert _tree_digest(ds) == digest

    # A changed source replaces its rows inside the segment: the dataset equals a fresh ingest of the same files.
    (src / "xinfeng.txt").write_text("今年以来，信丰县新增就业岗位1300个。", encoding="utf-8")
    assert "1 ingested, 6 unchanged" in _run("ingest", str(src), "--out", str(ds), "--published", "2023-05-01", "-q").stdout
    fresh = tmp_path / "fresh"
    assert _run("ingest", str(src), "--out", str(fresh), "--published", "2023-05-01", "-q").returncode == 0
    after = _contents(ds)
    assert after == _contents(fresh)
    assert any("1300个" in row for row in after["figures"]) and not any("1200个" in row for row in after["figures"])
    # Only files the manifest names are left: the old segments went with the old manifest.
    live = {f for t in TABLES for f in Manifest.load(ds).files(t)}
    assert {p.relative_to(ds).as_posix() for p in (ds / "parts").rglob("*.parquet")} == live


def test_compact_refuses_a_directory_without_a_dataset(tmp_path):
    r = _run("compact", str(tmp_path))
    assert r.returncode == 2 and "no dataset here" in r.stderr


def test_a_compaction_that_fails_midway_leaves_the_dataset_as_it_was(tmp_path, monkeypatch):
    import pipeline.compact as compact_module

    src = _sources(tmp_path)
    ds = tmp_path / "ds"
    assert _run("ingest", str(src), "--out", str(ds), "--published", "2023-05-01", "-q").returncode == 0
    before, manifest = _contents(ds), (ds / "manifest.json").read_bytes()
    real, written = compact_module.write_segment, []

    def fail_on_the_third(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        if len(written) == 2:
            raise OSError(28, "No space left on device")
        written.append(real(*args, **kwargs))
        return written[-1]

    monkeypatch.setattr(compact_module, "write_segment", fail_on_the_third)
    try:
        compact_module.compact(ds)
    except OSError:
        pass
    else:
        raise AssertionError("the failure was swallowed")
    assert (ds / "manifest.json").read_bytes() == manifest and _contents(ds) == before
    monkeypatch.undo()
    compact_module.compact(ds)  # the next run succeeds and removes the failed run's segments
    assert _contents(ds) == before
    live = {f for t in TABLES for f in Manifest.load(ds).files(t)}
    assert {p.relative_to(ds).as_posix() for p in (ds / "parts").rglob("*.parquet")} == live


def test_reextract_of_compacted_sources_reads_each_source_s_own_rows(tmp_path):
    import json

    src = _sources(tmp_path)
    ds = tmp_path / "ds"
    assert _run("ingest", str(src), "--out", str(ds), "--published", "2023-05-01", "-q").returncode == 0
    assert _run("compact", str(ds)).returncode == 0
    before = _contents(ds)
    # As if the rules had changed since: every source is extracted again from its stored documents.
    manifest = json.loads((ds / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["sources"].values():
        entry["rules_version"] = "older"
    (ds / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    r = _run("reextract", str(ds))
    assert r.returncode == 0, r.stderr
    assert _contents(ds) == before
