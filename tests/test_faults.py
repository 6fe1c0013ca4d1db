"""Faults while writing the dataset: a full disk leaves the previous dataset intact, readable, and reported.

The disk filling up is simulated by injecting ENOSPC into the writer: into
`os.replace` (the renames that move part files and the manifest into place) at
different points of a run, and into pyarrow's Parquet writer.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.dataset import Dataset
from pipeline.extraction import extract
from pipeline.ingest import ingest

from .conftest import ROOT, SEEDS

ENOSPC = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _digest(root: Path) -> dict[str, str]:
    """The manifest and every file it names (what readers see), by content."""
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    live = ["manifest.json"] + sorted(p for e in manifest["sources"].values() for p in e["parts"].values())
    return {name: hashlib.sha256((root / name).read_bytes()).hexdigest() for name in live}


def _frame(out: Path):  # noqa: ANN202 - a pandas DataFrame
    df = Dataset(out).figures()
    return df.sort_values("figure_id").reset_index(drop=True)


@pytest.fixture()
def dataset(tmp_path):
    """A dataset of two seeds, and a source directory with one of them changed and a third added."""
    src = tmp_path / "src"
    src.mkdir()
    for p in SEEDS[:2]:
        (src / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "ds"
    ingest([str(src)], out, workers=1)
    (src / SEEDS[1].name).write_text(
        SEEDS[1].read_text(encoding="utf-8") + "\n今年以来，信丰县新增就业1300个。\n", encoding="utf-8"
    )
    (src / SEEDS[2].name).write_text(SEEDS[2].read_text(encoding="utf-8"), encoding="utf-8")
    return src, out


def _fail_on(monkeypatch, target, name: str, when) -> list[int]:  # noqa: ANN001
    calls = [0]
    real = getattr(target, name)

    def fake(*args, **kwargs):  # noqa: ANN002, ANN003
        calls[0] += 1
        if when(calls[0], args):
            raise ENOSPC
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, fake)
    return calls


@pytest.mark.parametrize(
    "where",
    ["first part rename", "a later part rename", "manifest rename", "parquet write"],
)
def test_disk_full_while_writing_leaves_the_previous_dataset(dataset, monkeypatch, where):
    src, out = dataset
    before_files, before = _digest(out), _frame(out)
    manifest = (out / "manifest.json").read_bytes()
    if where == "first part rename":
        calls = _fail_on(monkeypatch, os, "replace", lambda n, a: n == 1)
    elif where == "a later part rename":
        calls = _fail_on(monkeypatch, os, "replace", lambda n, a: n == 8)
    elif where == "manifest rename":
        calls = _fail_on(monkeypatch, os, "replace", lambda n, a: str(a[1]).endswith("manifest.json"))
    else:
        calls = _fail_on(monkeypatch, pq.ParquetWriter, "write_table", lambda n, a: n == 3)
    with pytest.raises(OSError) as info:
        ingest([str(src)], out, workers=1)
    assert info.value.errno == errno.ENOSPC and calls[0] >= 1
    monkeypatch.undo()
    # The previous dataset is there, byte for byte, and reads as before (files of the failed run are not in it).
    assert (out / "manifest.json").read_bytes() == manifest
    assert _digest(out) == before_files
    assert _frame(out).equals(before)
    # With space again, the next run completes and leaves no stray files.
    summary = ingest([str(src)], out, workers=1)
    assert (summary.sources, summary.unchanged) == (2, 1)
    assert "1300个" in set(Dataset(out).figures()["text"])
    live = {p for e in json.loads((out / "manifest.json").read_text())["sources"].values() for p in e["parts"].values()}
    assert {str(p.relative_to(out)) for p in (out / "parts").rglob("*") if p.is_file()} == live  # the failed run's files are gone


def test_cli_reports_a_full_disk_in_one_line(dataset):
    src, out = dataset
    manifest = (out / "manifest.json").read_bytes()
    code = (
        "import errno, os, sys\n"
        "real = os.replace\n"
        "def replace(a, b, *args, **kw):\n"
        "    if str(b).endswith('manifest.json'):\n"
        "        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(b))\n"
        "    return real(a, b, *args, **kw)\n"
        "os.replace = replace\n"
        "from pipeline.cli import main\n"
        "sys.argv = ['zhnews', *sys.argv[1:]]\n"
        "main()\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code, "ingest", str(src), "--out", str(out), "--workers", "1", "-q"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert (out / "manifest.json").read_bytes() == manifest
    assert r.returncode not in (0, 1)
    assert "Traceback" not in r.stderr, r.stderr[-2000:]
    assert "zhnews:" in r.stderr and "No space left on device" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_cli_reports_a_damaged_manifest_in_one_line(tmp_path):
    out = tmp_path / "ds"
    out.mkdir()
    (out / "manifest.json").write_text("{broken", encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "ingest", str(SEEDS[0]), "--out", str(out), "--workers", "1", "-q"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert (out / "manifest.json").read_text(encoding="utf-8") == "{broken"
    assert r.returncode not in (0, 1)
    assert "Traceback" not in r.stderr and "unreadable manifest" in r.stderr, r.stderr[-2000:]


def _grows_linearly(unit: str, n: int) -> None:
    """Extraction CPU time on 4n repetitions of `unit` stays near 4× that on n (a quadratic step makes it 16×).

    A ratio of CPU times, not a wall-clock limit: other load on the machine slows both runs alike.
    """
    extract(unit * 10, None)  # load the rules first

    def cpu(k: int) -> float:
        t = time.process_time()
        extract(unit * k, None)
        return time.process_time() - t

    small, large = cpu(n), cpu(4 * n)
    assert large < 8 * max(small, 0.05), f"{unit!r}: {small:.2f}s CPU for {n:,}, {large:.2f}s for {4 * n:,}"


def test_many_figures_in_one_article_take_linear_time():
    """Attribution finds sentences by bisection, not by rescanning the article for every figure."""
    _grows_linearly("万元", 5_000)


def test_many_quoted_labels_take_linear_time():
    """Blocked spans are merged and bisected, not compared with every candidate."""
    _grows_linearly("“一天一调度”", 3_000)
