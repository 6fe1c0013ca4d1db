"""How fast `zhnews query` answers on a dataset of a million figure rows.

Builds the dataset from real extractions: ingests the first N news items of
`../shared/data/news/xwlb.jsonl` (or the bundled corpus when that file is
absent), then repeats the figure rows (new ids, shifted publication years) into
part files until the figures table holds `--rows` rows, and times the queries a
researcher runs first, through the same code path as the CLI.

Usage: python benchmarks/query_speed.py [--rows 1000000] [--items 2000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT.parent / "shared" / "data" / "news" / "xwlb.jsonl"


def build(out: Path, rows: int, items: int) -> int:
    """Ingest real text, then replicate its figures into `rows` rows; returns the row count."""
    src = out.parent / "src"
    src.mkdir(parents=True, exist_ok=True)
    if NEWS.exists():
        with open(NEWS, encoding="utf-8") as f, open(src / "news.jsonl", "w", encoding="utf-8") as w:
            for n, line in enumerate(f):
                if n >= items:
                    break
                rec = json.loads(line)
                w.write(json.dumps({"id": rec["id"], "text": rec["text"], "published": rec["date"]}, ensure_ascii=False) + "\n")
        source = str(src)
    else:
        print(f"{NEWS} not found: using the bundled corpus instead", file=sys.stderr)
        source = str(ROOT / "corpus")
    subprocess.run([sys.executable, "-m", "pipeline.cli", "ingest", source, "--out", str(out), "-q"], cwd=ROOT, check=False)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    figures = pa.concat_tables([pq.read_table(out / e["parts"]["figures"]) for e in manifest["sources"].values()])
    base = figures.num_rows
    if base == 0:
        raise SystemExit("no figures extracted: nothing to replicate")
    copies, total = 0, base
    entry = next(iter(manifest["sources"].values()))
    while total < rows:
        copies += 1
        ids = pc.binary_join_element_wise(figures["figure_id"], pa.array([f"#{copies}"] * base), "")
        copy = figures.set_column(figures.schema.get_field_index("figure_id"), "figure_id", ids)
        name = f"parts/figures/replica-{copies:05d}.parquet"
        pq.write_table(copy, out / name, compression="zstd")
        manifest["sources"][f"replica-{copies:05d}"] = {**entry, "path": f"replica {copies}", "parts": {"figures": name}}
        total += base
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return total


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--items", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from pipeline.dataset import Dataset

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "dataset"
        t0 = time.perf_counter()
        total = build(out, args.rows, args.items)
        print(f"dataset: {total:,} figure rows, built in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        ds = Dataset(out)
        print(f"open dataset: {time.perf_counter() - t0:.3f} s")
        queries = {
            "figures --within 北京市 --unit 元 --limit 100": (
                "SELECT * FROM figures f WHERE (f.place_code = ? OR list_contains(f.place_ancestors, ?)) AND f.unit = ? "
                "ORDER BY f.published, f.place, f.figure_id LIMIT 100",
                ["110000000000", "110000000000", "元"],
            ),
            "figures --metric 投资 --since 2023-01-01": (
                "SELECT * FROM figures f WHERE (contains(coalesce(f.metric, ''), ?) OR contains(f.sentence, ?)) "
                "AND coalesce(f.period_end, f.published) >= ? ORDER BY f.published LIMIT 100",
                ["投资", "投资", "2023-01-01"],
            ),
            "totals by province, year, unit": (
                "SELECT left(place_code, 2) AS p, year(coalesce(period_end, published)) AS y, unit, count(*), sum(value) "
                "FROM figures WHERE place_code IS NOT NULL GROUP BY ALL",
                [],
            ),
        }
        print(f"{'query':<48}{'median s':>10}{'max s':>10}")
        for label, (sql, params) in queries.items():
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                ds.relation(sql, params)
                times.append(time.perf_counter() - t0)
            print(f"{label:<48}{statistics.median(times):>10.3f}{max(times):>10.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
