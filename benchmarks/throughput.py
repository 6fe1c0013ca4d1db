"""Throughput, memory and start-up of zhnews against bare segmentation and a peer (issue 8).

    python benchmarks/throughput.py [--limit N] [--repeat N] [--data PATH] [--workers N] [--cold-runs N]
                                    [--skip jieba|zhnews|ingest|jionlp|cold] [--json OUT]

On the same items of `../shared/data/news/xwlb.jsonl` (the first N with --limit),
each measured in a process of its own, after its start-up:

  (a) bare jieba: `list(jieba.cut(text))` per item;
  (b) zhnews extraction on one core: `pipeline.extraction.default_extractor().extract(text, published)` per item;
  (c) ingest of those items (one JSON Lines file) into a new dataset (`pipeline.ingest.ingest`, what
      `zhnews ingest` runs), with 1 worker and with every core;
  (d) JioNLP's `extract_money` + `extract_time` per item, when jionlp can be imported;

then the cold start of `zhnews extract` on one short article (a new process each run).
Rates are characters and items (one JSON Lines record, one news item) per second of
wall time, and per second of CPU time of the measuring process (less sensitive to
other load on the machine). Peak memory: the largest resident set of any one
process (ru_maxrss from wait4), and for ingest the largest sum of proportional set
sizes (PSS, shared pages counted once) over the process and its workers, sampled
from /proc. The data file is not part of the repository; without it this exits 1.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "news" / "xwlb.jsonl"
SHORT_ARTICLE = "今年以来，信丰县新增就业岗位1200个，投资3.5亿元，比去年增长12.5%。"
RESULT = "RESULT "


# ---- what runs in each measuring process


def _items(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _published(item: dict[str, Any]) -> date | None:
    d = str(item.get("date") or "")
    try:
        return date(int(d[:4]), int(d[4:6]), int(d[6:8]))
    except ValueError:
        return None


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _count(path: Path) -> dict[str, int]:
    """Items and characters of `path`, read a line at a time (the ingest process must not hold them: it measures its own memory)."""
    items = chars = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                items += 1
                chars += len(json.loads(line)["text"])
    return {"items": items, "chars": chars}


def _measure(kind: str, path: Path, workers: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    out: dict[str, Any] = _count(path)
    texts = [] if kind == "ingest" else [(it["text"], _published(it)) for it in _items(path)]
    if kind == "jieba":
        import jieba

        jieba.setLogLevel(60)
        jieba.initialize()
        setup, c0, w0 = time.perf_counter() - t0, _cpu(), time.perf_counter()
        for text, _ in texts:
            list(jieba.cut(text))
    elif kind == "zhnews":
        from pipeline.extraction import default_extractor
        from pipeline.parallel import warm_up

        warm_up()
        extractor = default_extractor()
        setup, c0, w0 = time.perf_counter() - t0, _cpu(), time.perf_counter()
        n = failed = 0
        for text, pub in texts:
            try:
                n += len(extractor.extract(text, pub))
            except Exception:  # noqa: BLE001 - counted (ingest reports such a document as an input error)
                failed += 1
        out.update(entities=n, failed=failed)
    elif kind == "ingest":
        from pipeline.ingest import ingest
        from pipeline.parallel import warm_up

        warm_up()  # start-up is reported apart; the workers (forked) inherit the loaded extractor
        setup = time.perf_counter() - t0
        with tempfile.TemporaryDirectory() as tmp:
            c0, w0 = _cpu(), time.perf_counter()
            summary = ingest([str(path)], Path(tmp) / "ds", workers=workers)
            out.update(articles=summary.articles, entities=summary.entities, figures=summary.figures)
            out["failed"] = len([e for e in summary.errors if "extraction failed" in e.reason])
    elif kind == "jionlp":
        import contextlib
        import io

        with contextlib.redirect_stdout(io.StringIO()):  # its banner
            import jionlp

        import logging

        logging.disable(logging.CRITICAL)  # its time parser logs a traceback for every phrase it cannot parse
        money, when = jionlp.ner.extract_money, jionlp.ner.extract_time
        money(SHORT_ARTICLE)
        when(SHORT_ARTICLE, time_base=time.time())
        setup, c0, w0 = time.perf_counter() - t0, _cpu(), time.perf_counter()
        n = failed = 0
        for text, pub in texts:
            base = time.mktime(datetime(pub.year, pub.month, pub.day, 12).timetuple()) if pub else time.time()
            try:
                n += len(money(text)) + len(when(text, time_base=base))
            except Exception:  # noqa: BLE001 - a peer's failure on one text is counted, not fatal
                failed += 1
        out.update(entities=n, failed=failed)
    else:
        raise SystemExit(f"unknown measurement {kind}")
    out.update(seconds=time.perf_counter() - w0, cpu_seconds=_cpu() - c0, setup_seconds=setup)
    return out


# ---- the driver


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except OSError:
            continue
    return pids


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _run_measure(kind: str, path: Path, workers: int = 1) -> dict[str, Any]:
    """Run one measurement in a new process; add its peak memory."""
    cmd = [sys.executable, __file__, "--measure", kind, "--input", str(path), "--workers", str(workers)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = {"pss": 0}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak["pss"] = max(peak["pss"], sum(_pss_kb(p) for p in _tree(proc.pid)))
            done.wait(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    if Path("/proc/self/smaps_rollup").exists():
        sampler.start()
    out_chunks: list[str] = []
    err_tail: list[str] = []

    def drain_stderr() -> None:  # read as it comes (a peer may log a lot), keep the end
        for line in proc.stderr:
            err_tail.append(line)
            del err_tail[:-20]

    readers = [
        threading.Thread(target=lambda: out_chunks.append(proc.stdout.read()), daemon=True),
        threading.Thread(target=drain_stderr, daemon=True),
    ]
    for r in readers:
        r.start()
    _, status, usage = os.wait4(proc.pid, 0)
    done.set()
    for r in readers:
        r.join()
    err = "".join(err_tail)
    proc.returncode = os.waitstatus_to_exitcode(status)
    lines = [line for line in "".join(out_chunks).splitlines() if line.startswith(RESULT)]
    if proc.returncode != 0 or not lines:
        return {"error": (err.strip().splitlines() or [f"exit {proc.returncode}"])[-1]}
    result = json.loads(lines[-1][len(RESULT) :])
    result["max_rss_mb"] = usage.ru_maxrss / 1024  # KB on Linux: the largest single process
    result["peak_pss_mb"] = peak["pss"] / 1024 or None  # the whole process tree, shared pages once
    return result


def _spin(n: int) -> int:
    x = 0
    for i in range(n):
        x += i * i
    return x


def _control(cores: int, n: int = 5_000_000) -> float | None:
    """How much faster `cores` processes finish `cores` equal CPU-bound tasks than one process does one:
    the parallel speed-up the machine offers right now (other load lowers it), the ceiling for c(all)/c(1)."""
    if cores < 2:
        return None
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(cores) as pool:
        list(pool.map(_spin, [1000] * cores))  # started
        t = time.perf_counter()
        pool.submit(_spin, n).result()
        one = time.perf_counter() - t
        t = time.perf_counter()
        list(pool.map(_spin, [n] * cores))
        many = time.perf_counter() - t
    return cores * one / many


def _jionlp_available() -> str | None:
    """None when jionlp imports here, else why not."""
    r = subprocess.run([sys.executable, "-c", "import jionlp"], capture_output=True, text=True)
    if r.returncode == 0:
        return None
    last = (r.stderr.strip().splitlines() or ["import failed"])[-1]
    return f"jionlp cannot be imported ({last}); pip install jionlp"


def _cold_start(runs: int) -> dict[str, Any]:
    """Wall time of `zhnews extract` on one short article, each run a new process (after one untimed run)."""
    with tempfile.TemporaryDirectory() as tmp:
        art = Path(tmp) / "short.txt"
        art.write_text(SHORT_ARTICLE, encoding="utf-8")
        cmd = [sys.executable, "-m", "pipeline.cli", "extract", str(art), "--published", "2023-07-15"]
        first = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if first.returncode != 0:
            return {"error": (first.stderr.strip().splitlines() or ["failed"])[-1]}
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True)
            times.append(time.perf_counter() - t)
        imp = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import pipeline.cli"], cwd=ROOT, capture_output=True, text=True
        )
        import_s = None
        for line in imp.stderr.splitlines():
            if line.rstrip().endswith("| pipeline.cli"):
                import_s = int(line.split("|")[1]) / 1e6
    return {"runs": runs, "median": statistics.median(times), "min": min(times), "max": max(times), "import_cli": import_s}


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            mem = f"{int(f.readline().split()[1]) / 1024**2:.0f} GiB"
    except OSError:
        pass
    return f"{cpu}; {os.cpu_count()} cores; {mem}; Python {platform.python_version()}; {platform.system()} {platform.release()}"


def _load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def _fmt_rate(x: float | None, unit: str = "") -> str:
    if x is None:
        return "n/a"
    return f"{x / 1000:,.1f} k{unit}" if x >= 10_000 else f"{x:,.1f}{unit}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="JSON Lines news items (default: %(default)s)")
    ap.add_argument("--limit", type=int, help="take the first N items only")
    ap.add_argument("--workers", type=int, help="workers for the parallel ingest (default: every core)")
    ap.add_argument("--cold-runs", type=int, default=5, help="timed runs of the cold start (default: 5)")
    ap.add_argument("--repeat", type=int, default=1, help="run each measurement N times, keep the fastest (default: 1)")
    ap.add_argument("--skip", action="append", default=[], choices=["jieba", "zhnews", "ingest", "jionlp", "cold"])
    ap.add_argument("--json", type=Path, help="also write the results as JSON here")
    ap.add_argument("--measure", help=argparse.SUPPRESS)
    ap.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.measure:  # a measuring process
        print(RESULT + json.dumps(_measure(args.measure, args.input, args.workers or 1)), flush=True)
        return 0

    if not args.data.is_file():
        print(f"throughput: {args.data} not found: the benchmark corpus is not in this checkout (see --data)", file=sys.stderr)
        return 1
    from pipeline.parallel import default_workers

    cores = args.workers or default_workers()
    results: dict[str, Any] = {"machine": _machine(), "data": str(args.data), "limit": args.limit, "load_before": _load()}
    with tempfile.TemporaryDirectory() as tmp:
        sample = Path(tmp) / "items.jsonl"
        with open(args.data, encoding="utf-8") as src, open(sample, "w", encoding="utf-8") as dst:
            dst.writelines(itertools.islice((line for line in src if line.strip()), args.limit))
        results.update(_count(sample))
        print(f"{results['items']:,} items, {results['chars']:,} characters from {args.data}", flush=True)
        print(f"machine: {results['machine']}; load average {results['load_before']}", flush=True)
        runs: list[tuple[str, str, int]] = []
        if "jieba" not in args.skip:
            runs.append(("a", "jieba", 1))
        if "zhnews" not in args.skip:
            runs.append(("b", "zhnews", 1))
        if "ingest" not in args.skip:
            runs.append(("c1", "ingest", 1))
            runs.append((f"c{cores}", "ingest", cores))
        jio_missing = None
        if "jionlp" not in args.skip:
            jio_missing = _jionlp_available()
            if jio_missing is None:
                runs.append(("d", "jionlp", 1))
        rows = {}
        controls = []
        for key, kind, workers in runs:
            print(f"  measuring {key} ({kind}{f', {workers} workers' if kind == 'ingest' else ''}) …", flush=True)
            if kind == "ingest" and workers > 1:
                controls.append(_control(cores))
            tries = [_run_measure(kind, sample, workers) for _ in range(args.repeat)]
            good = [t for t in tries if "error" not in t] or tries
            best = min(good, key=lambda t: t.get("seconds", 0))  # the run least disturbed by other load
            if len(good) > 1:
                best["max_rss_mb"] = max(t["max_rss_mb"] for t in good)
                best["peak_pss_mb"] = max((t.get("peak_pss_mb") or 0) for t in good) or None
                best["runs_seconds"] = [round(t["seconds"], 2) for t in good]
            rows[key] = best
            if kind == "ingest" and workers > 1:
                controls.append(_control(cores))
        results["control_speedup"] = [c for c in controls if c]
        results["runs"] = rows
        if jio_missing:
            rows["d"] = {"error": jio_missing}
        if "cold" not in args.skip:
            print(f"  measuring cold start ({args.cold_runs} runs) …", flush=True)
            results["cold_start"] = _cold_start(args.cold_runs)
    results["load_after"] = _load()
    _report(results, cores)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


def _rate(r: dict[str, Any] | None, what: str = "chars", clock: str = "seconds") -> float | None:
    if not r or "error" in r or not r.get(clock):
        return None
    return r[what] / r[clock]


def _report(results: dict[str, Any], cores: int) -> None:
    rows = results["runs"]
    labels = {
        "a": "(a) jieba.cut",
        "b": "(b) zhnews extract, 1 core",
        "c1": "(c) zhnews ingest, 1 worker",
        f"c{cores}": f"(c) zhnews ingest, {cores} workers",
        "d": "(d) JioNLP money+time",
    }
    head = f"{'':<34}{'chars/s':>11}{'items/s':>10}{'chars/CPU-s':>13}{'wall s':>9}{'start s':>9}{'max RSS':>9}{'peak PSS':>10}"
    print()
    print(head)
    for key, label in labels.items():
        r = rows.get(key)
        if r is None:
            continue
        if "error" in r:
            print(f"{label:<34}{'n/a':>11}  {r['error']}")
            continue
        pss = f"{r['peak_pss_mb']:.0f} MB" if r.get("peak_pss_mb") else "-"
        print(
            f"{label:<34}{_fmt_rate(_rate(r)):>11}{_rate(r, 'items'):>10.1f}{_fmt_rate(_rate(r, clock='cpu_seconds')):>13}"
            f"{r['seconds']:>9.1f}{r['setup_seconds']:>9.1f}{r['max_rss_mb']:>6.0f} MB{pss:>10}"
        )
    if "c1" in rows and "articles" in rows["c1"]:
        print(f"({results['items']:,} items; zhnews splits them into {rows['c1']['articles']:,} articles)")
    for key, label in labels.items():
        if rows.get(key, {}).get("failed"):
            print(f"{label}: {rows[key]['failed']} items raised an exception (counted in the time, no result)")

    def ratio(x: float | None, y: float | None) -> str:
        return f"{x / y:.2f}" if x and y else "n/a"

    a, b, d = _rate(rows.get("a")), _rate(rows.get("b")), _rate(rows.get("d"))
    ca, cb, cd = (_rate(rows.get(k), clock="cpu_seconds") for k in ("a", "b", "d"))
    c1, cn = _rate(rows.get("c1")), _rate(rows.get(f"c{cores}"))
    print()
    print(f"b/a  zhnews vs jieba, per core:      {ratio(b, a)} wall, {ratio(cb, ca)} CPU   (target >= 0.6)")
    ctl = results.get("control_speedup") or []
    ceiling = (
        f"; a pure CPU-bound control on {cores} processes got {' and '.join(f'{c:.2f}' for c in ctl)} around it" if ctl else ""
    )
    print(f"c{cores}/c1 ingest scaling:               {ratio(cn, c1)}   (target >= 1.8 with 2 workers){ceiling}")
    print(f"b/d  zhnews vs JioNLP, per core:     {ratio(b, d)} wall, {ratio(cb, cd)} CPU   (target >= 1.5)")
    cold = results.get("cold_start")
    if cold and "error" not in cold:
        imp = f"; importing pipeline.cli {cold['import_cli']:.2f} s" if cold.get("import_cli") else ""
        print(
            f"cold `zhnews extract` of one short article: median {cold['median']:.2f} s "
            f"(min {cold['min']:.2f}, max {cold['max']:.2f}, {cold['runs']} runs){imp}   (target <= 1.5 s)"
        )
    elif cold:
        print(f"cold start: n/a ({cold['error']})")
    print(f"load average before {results['load_before']}, after {results['load_after']}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
