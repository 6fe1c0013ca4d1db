"""How fast `zhnews query` answers on a dataset of a million figure rows.

Builds the dataset from real extractions: ingests the first N news items of
`../shared/data/news/xwlb.jsonl` (or the bundled corpus when that file is
absent), then copies its rows until the figures table holds `--rows` rows, and
times the queries a researcher runs first: in process, through the SQL the CLI
builds (`pipeline.cli.figures_query`, `pipeline.cli.totals`), and as whole
`zhnews query` commands (a new Python process each: start-up, place lookup,
DuckDB, output).

Each copy stands for another source of the same size: its figures, entities and
articles get new ids, and its dates move to one of `--periods` consecutive spans
as long as the ingested items' span (copy k to span k mod N), as in a dataset
that daily ingests from several publishers filled over a few years. With
`--periods 1` every copy keeps the original dates. The copies' part files are
then merged into segments, as `zhnews ingest` does past 64 small files
(`--no-compact` leaves them).

Usage: python benchmarks/query_speed.py [--rows 1000000] [--items 2000] [--periods 15] [--keep DIR | --dataset DIR]
"""

from __future__ import annotations

import argparse
import json
import os
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


COPIED = ("articles", "entities", "figures")
ID_COLUMNS = ("article_id", "entity_id", "figure_id")
DATE_COLUMNS = ("published", "period_start", "period_end", "date_start", "date_end")


def _shifted(table: pa.Table, suffix: str, days: int) -> pa.Table:
    """A copy of a table with `suffix` added to its ids and its dates moved `days` later."""
    for name in table.column_names:
        i = table.schema.get_field_index(name)
        if name in ID_COLUMNS:
            column = pc.binary_join_element_wise(table[name], pa.array([suffix] * table.num_rows), "")
        elif name in DATE_COLUMNS and days:
            column = pc.add(table[name].cast(pa.int32()), pa.scalar(days, pa.int32())).cast(pa.date32())
        else:
            continue
        table = table.set_column(i, name, column)
    return table


def build(out: Path, rows: int, items: int, periods: int, compact: bool) -> int:
    """Ingest real text, then copy its rows until figures holds `rows` rows; returns the row count."""
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
    entry = next(iter(manifest["sources"].values()))
    tables = {t: pq.read_table(out / entry["parts"][t]) for t in COPIED}
    base = tables["figures"].num_rows
    if base == 0:
        raise SystemExit("no figures extracted: nothing to replicate")
    published = tables["articles"]["published"]
    span = (pc.max(published).as_py() - pc.min(published).as_py()).days + 1
    copies, total = 0, base
    while total < rows:
        copies += 1
        parts = {}
        for name, table in tables.items():
            copy = _shifted(table, f"#{copies}", (copies % periods) * span)
            parts[name] = f"parts/{name}/replica-{copies:05d}.parquet"
            pq.write_table(copy, out / parts[name], compression="zstd")
        manifest["sources"][f"replica-{copies:05d}"] = {**entry, "path": f"replica {copies}", "parts": parts}
        total += base
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    if compact:  # what `zhnews ingest` does once a table has more than 64 small part files
        from pipeline.compact import compact as merge

        print(merge(out).line())
    return total


QUERIES = {
    "figures --within 北京市 --unit 元": ("figures", {"within": "北京市", "unit": "元"}),
    "figures --metric 投资 --since 2023-01-01": ("figures", {"metric": "投资", "since": "2023-01-01"}),
    "figures": ("figures", {}),
    "totals --within 北京市": ("totals", {"within": "北京市"}),
    "totals --level province": ("totals", {"level": "province"}),
    "places --level county": ("places", {"level": "county"}),
    "programmes": ("programmes", {}),
}


def _argv(kind: str, options: dict[str, str]) -> list[str]:
    return ["query", kind, *(x for k, v in options.items() for x in (f"--{k}", v))]


def _timed(run, repeat: int) -> tuple[float, float]:  # noqa: ANN001 - a callable without arguments
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), max(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--items", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--periods", type=int, default=15, help="spans the copies' dates are spread over (1: keep the dates)")
    ap.add_argument(
        "--no-compact", action="store_true", help="leave the copies' part files as they are (ingest would merge them)"
    )
    ap.add_argument("--dataset", type=Path, help="Time an existing dataset instead of building one (e.g. one kept by --keep).")
    ap.add_argument("--keep", type=Path, help="Build the dataset in this directory and leave it there.")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from datetime import date

    from pipeline.cli import figures_query, totals
    from pipeline.dataset import Dataset

    with tempfile.TemporaryDirectory() as tmp:
        out = args.dataset or args.keep or Path(tmp) / "dataset"
        if not args.dataset:
            t0 = time.perf_counter()
            total = build(out, args.rows, args.items, args.periods, not args.no_compact)
            print(f"dataset: {total:,} figure rows, built in {time.perf_counter() - t0:.1f} s")
        print("load average: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        env = {**os.environ, "PYTHONPATH": str(ROOT)}

        def cli(*argv: str) -> None:
            subprocess.run([sys.executable, *argv], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)

        print(f"{'start-up':<44}{'median s':>10}{'max s':>10}")
        for label, code in (("python -c pass", "pass"), ("python -c 'import pipeline.cli'", "import pipeline.cli")):
            median, worst = _timed(lambda: cli("-c", code), args.repeat)  # noqa: B023 - run at once
            print(f"{label:<44}{median:>10.3f}{worst:>10.3f}")
        t0 = time.perf_counter()
        ds = Dataset(out)
        print(f"{'import duckdb, open the dataset (in process)':<44}{time.perf_counter() - t0:>10.3f}")
        print()
        print(f"{'zhnews query …':<44}{'in process':>20}{'whole command':>20}")
        print(f"{'':<44}{'median s':>10}{'max s':>10}{'median s':>10}{'max s':>10}")
        for label, (kind, options) in QUERIES.items():
            typed = {k: date.fromisoformat(v) if k == "since" else v for k, v in options.items()}
            if kind == "figures":
                inproc = "{:>10.3f}{:>10.3f}".format(*_timed(lambda: ds.relation(*figures_query(**typed)), args.repeat))  # noqa: B023
            elif kind == "totals":
                inproc = "{:>10.3f}{:>10.3f}".format(*_timed(lambda: totals(ds, **typed), args.repeat))  # noqa: B023
            else:
                inproc = f"{'-':>10}{'-':>10}"
            argv = ["-m", "pipeline.cli", *_argv(kind, options), "--dataset", str(out), "--format", "csv"]
            whole = _timed(lambda: cli(*argv), args.repeat)  # noqa: B023 - run at once
            print(f"{label:<44}{inproc}{whole[0]:>10.3f}{whole[1]:>10.3f}")
        print("load average: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
