"""Parallel and distributed ingest: the same dataset whatever runs the extraction, and failures reported, never half-written.

The local tests run the ingest API in this process (the extractor is loaded
once for all of them); the Dask tests share one LocalCluster of two worker
processes on loopback.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import threading
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline import ingest as ingest_mod
from pipeline.dataset import Dataset
from pipeline.ingest import ingest
from pipeline.parallel import InlineEngine, ProcessEngine

from .conftest import SEEDS
from .conftest import tree_digest as _tree_digest


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> Path:
    """Seed pages, a JSON Lines archive of their paragraphs (with a bad line), an HTML page and a binary file."""
    src = tmp_path_factory.mktemp("src")
    for p in SEEDS:
        (src / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    lines = []
    for n, p in enumerate(SEEDS):
        paras = [x for x in p.read_text(encoding="utf-8").splitlines() if x.strip()]
        for i in range(0, len(paras), 4):
            rec = {"id": f"s{n}-{i}", "date": f"2022120{n + 1}", "title": f"第{i}段", "text": "\n".join(paras[i : i + 4])}
            lines.append(json.dumps(rec, ensure_ascii=False))
    lines.insert(7, "{not json")
    (src / "archive.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (src / "page.html").write_text(
        "<html><head><title>章贡区新闻</title></head><body><article><h1>章贡区新闻</h1>"
        "<p>今年以来，章贡区沙石镇投入资金214.46亿元，建设项目12个，带动就业三千多人。</p></article></body></html>",
        encoding="utf-8",
    )
    (src / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    return src


@pytest.fixture
def small_batches(monkeypatch):
    """Cut the archive into many tasks and write several row groups, as a large corpus would."""
    monkeypatch.setattr(ingest_mod, "CHUNK_CHARS", 3000)
    monkeypatch.setattr(ingest_mod, "ROW_GROUP_BYTES", 20_000)


@pytest.fixture(scope="module")
def reference(sources, tmp_path_factory) -> tuple[Path, ingest_mod.Summary]:
    """The dataset written in this process, one task at a time, with the default batch sizes."""
    out = tmp_path_factory.mktemp("ref") / "ds"
    return out, ingest([str(sources)], out, workers=1)


def _check_summary(summary: ingest_mod.Summary) -> None:
    assert summary.sources == 7 and summary.unchanged == 0
    assert [e.source.rsplit("/", 1)[1] for e in summary.rejected] == ["image.txt"]
    assert [(e.source.rsplit("/", 1)[1], e.line) for e in summary.line_errors] == [("archive.jsonl", 8)]


def test_reference_dataset(reference):
    out, summary = reference
    _check_summary(summary)
    ds = Dataset(out)
    assert ds.sql("SELECT count(*) AS n FROM documents")["n"][0] == summary.documents
    assert ds.sql("SELECT count(*) AS n FROM figures")["n"][0] == summary.figures > 500


def test_two_workers_write_the_same_bytes_as_one(sources, small_batches, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    s1 = ingest([str(sources)], one, workers=1)
    s2 = ingest([str(sources)], two, workers=2)
    _check_summary(s2)
    assert (s1.documents, s1.articles, s1.entities, s1.figures) == (s2.documents, s2.articles, s2.entities, s2.figures)
    assert _tree_digest(one) == _tree_digest(two)
    # The archive went in many tasks and was written in several row groups.
    manifest = json.loads((one / "manifest.json").read_text())
    (entry,) = [e for e in manifest["sources"].values() if e["path"].endswith("archive.jsonl")]
    assert pq.ParquetFile(one / entry["parts"]["documents"]).num_row_groups > 1
    tables = ("documents", "articles", "entities", "figures")
    ds1, ds2 = Dataset(one), Dataset(two)
    for t in tables:
        assert ds1.sql(f"SELECT count(*) AS n FROM {t}")["n"][0] > 0
        q = f"SELECT * FROM {t} ORDER BY ALL"
        assert ds1.sql(q).equals(ds2.sql(q))


def test_batched_rows_equal_one_batch(sources, reference, small_batches, tmp_path):
    out = tmp_path / "ds"
    ingest([str(sources)], out, workers=2)
    ref, ds = Dataset(reference[0]), Dataset(out)
    for t in ("sources", "documents", "articles", "entities", "figures"):
        q = f"SELECT * FROM {t} ORDER BY ALL"
        assert ds.sql(q).equals(ref.sql(q)), t


class _Failing(InlineEngine):
    """Runs tasks here, but the task of one source raises (a bug in an extractor)."""

    def submit(self, fn, task, ctx):  # noqa: ANN001, ANN201
        if task.path.endswith("001_8bcd468c6917aff9.txt"):
            return super().submit(_raise, task)
        return super().submit(fn, task, ctx)


def _raise(task) -> None:  # noqa: ANN001
    raise ValueError(f"boom in {Path(task.path).name}")


def test_a_failed_task_is_its_sources_error(sources, reference, tmp_path):
    out = tmp_path / "ds"
    messages: list[str] = []
    summary = ingest([str(sources)], out, engine=_Failing(), warn=messages.append)
    failed = [e for e in summary.rejected if "extraction failed" in e.reason]
    assert len(failed) == 1 and failed[0].source.endswith("001_8bcd468c6917aff9.txt")
    assert "ValueError: boom in 001_8bcd468c6917aff9.txt" in failed[0].reason
    assert any("extraction failed" in m for m in messages)
    assert summary.sources == 6
    manifest = json.loads((out / "manifest.json").read_text())
    assert not any(e["path"].endswith("001_8bcd468c6917aff9.txt") for e in manifest["sources"].values())
    # Every other source's files are those of the full run; no stray file is left.
    ref = _tree_digest(reference[0])
    got = _tree_digest(out)
    live = {p for e in manifest["sources"].values() for p in e["parts"].values()}
    assert set(got) - {"manifest.json"} == live
    assert all(ref[name] == digest for name, digest in got.items() if name != "manifest.json")


def test_a_document_the_extractor_fails_on_is_a_line_error(sources, monkeypatch, tmp_path):
    real = ingest_mod._document_rows

    def flaky(extractor, src_id, path, doc_index, item, ctx, tables):  # noqa: ANN001, ANN202
        if item.doc_id == "s1-4":
            tables["documents"].append({"half": "written"})
            raise KeyError("天")
        return real(extractor, src_id, path, doc_index, item, ctx, tables)

    monkeypatch.setattr(ingest_mod, "_document_rows", flaky)
    summary = ingest([str(sources)], tmp_path / "ds", workers=1)
    failed = [e for e in summary.line_errors if "extraction failed" in e.reason]
    assert len(failed) == 1 and failed[0].source.endswith("archive.jsonl")
    assert "KeyError: '天'" in failed[0].reason
    assert summary.sources == 7
    docs = Dataset(tmp_path / "ds").sql("SELECT doc_id FROM documents WHERE doc_id IS NOT NULL")["doc_id"]
    assert "s1-4" not in set(docs) and "s1-0" in set(docs)


def _die_once(marker: str, fn, task, ctx):  # noqa: ANN001, ANN201
    """Task wrapper: the worker running the first task of the archive dies (killed, out of memory)."""
    if task.path.endswith("archive.jsonl") and not os.path.exists(marker):
        Path(marker).touch()
        os._exit(1)
    return fn(task, ctx)


class _DyingOnce(ProcessEngine):
    def __init__(self, marker: Path) -> None:
        super().__init__(2)
        self.marker = str(marker)

    def submit(self, fn, *args):  # noqa: ANN001, ANN201
        return super().submit(functools.partial(_die_once, self.marker, fn), *args)


def test_a_killed_local_worker_is_replaced_and_its_tasks_rerun(sources, reference, tmp_path):
    out = tmp_path / "ds"
    summary = ingest([str(sources)], out, engine=_DyingOnce(tmp_path / "died"))
    assert (tmp_path / "died").exists()
    _check_summary(summary)
    assert _tree_digest(out) == _tree_digest(reference[0])


# ---- Dask


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    import dask

    # A task whose worker dies is retried once, then reported (the default is 3 retries).
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        cluster = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        )
        client = distributed.Client(cluster)
        try:
            yield client
        finally:
            client.close()
            cluster.close()


def _engine(client, wrap=None):  # noqa: ANN001, ANN202
    from pipeline.parallel import DaskEngine

    class Engine(DaskEngine):
        def submit(self, fn, *args):  # noqa: ANN001, ANN202
            return super().submit(functools.partial(wrap, fn) if wrap else fn, *args)

    return Engine(client=client)


def test_dask_cluster_writes_the_same_dataset(sources, reference, dask_client, tmp_path):
    out = tmp_path / "ds"
    summary = ingest([str(sources)], out, engine=_engine(dask_client))
    _check_summary(summary)
    assert _tree_digest(out) == _tree_digest(reference[0])


def _slow_source(pid_file: str, fn, task, ctx):  # noqa: ANN001, ANN201
    """Task wrapper: the task of one seed page says which process runs it, then takes its time."""
    if task.path.endswith("002_d406b882b0ef86b2.txt"):
        Path(pid_file).write_text(str(os.getpid()))
        time.sleep(3)
    return fn(task, ctx)


def _crash_always(fn, task, ctx):  # noqa: ANN001, ANN201
    if task.path.endswith("003_f1b1c68b1ec32733.txt"):
        os._exit(1)
    return fn(task, ctx)


def test_dask_worker_killed_mid_task_is_retried(sources, reference, dask_client, tmp_path):
    out = tmp_path / "ds"
    pid_file = tmp_path / "pid"
    result: dict = {}
    engine = _engine(dask_client, functools.partial(_slow_source, str(pid_file)))
    run = threading.Thread(target=lambda: result.setdefault("summary", ingest([str(sources)], out, engine=engine)))
    run.start()
    deadline = time.time() + 60
    while not (pid_file.exists() and pid_file.read_text().strip()) and time.time() < deadline:
        time.sleep(0.05)
    pid = int(pid_file.read_text())
    assert pid in dask_client.run(os.getpid).values()
    os.kill(pid, signal.SIGKILL)
    run.join(120)
    assert not run.is_alive()
    summary = result["summary"]
    _check_summary(summary)  # the task was rerun on a live worker
    assert _tree_digest(out) == _tree_digest(reference[0])


def test_dask_task_that_keeps_killing_workers_is_reported(sources, reference, dask_client, tmp_path):
    out = tmp_path / "ds"
    summary = ingest([str(sources)], out, engine=_engine(dask_client, _crash_always))
    failed = [e for e in summary.rejected if "extraction failed" in e.reason]
    assert [e.source.rsplit("/", 1)[1] for e in failed] == ["003_f1b1c68b1ec32733.txt"]
    assert "KilledWorker" in failed[0].reason
    assert summary.sources == 6
    manifest = json.loads((out / "manifest.json").read_text())
    assert len(manifest["sources"]) == 6
    live = {p for e in manifest["sources"].values() for p in e["parts"].values()}
    assert set(_tree_digest(out)) - {"manifest.json"} == live


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(c) for c in (task / "children").read_text().split()}
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_workers_die_with_a_killed_ingest(sources, tmp_path):
    import subprocess
    import sys

    from .conftest import ROOT

    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "ingest", str(sources), "--out", str(tmp_path / "ds"), "-q", "--workers", "2"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 90
        workers: set[int] = set()
        while len(workers) < 2 and time.time() < deadline and proc.poll() is None:
            workers = _children(proc.pid)
            time.sleep(0.05)
        assert len(workers) >= 2, "the worker processes did not start"
    finally:
        proc.kill()
        proc.wait()
    deadline = time.time() + 10
    while any(_alive(w) for w in workers) and time.time() < deadline:
        time.sleep(0.05)
    assert not any(_alive(w) for w in workers)
