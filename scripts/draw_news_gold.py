"""Draw the random sample of news documents that `corpus/gold/news.jsonl` annotates.

Why a script: the gold beyond the seeds must be a random draw, not a choice, and
the draw must be repeatable. Reads the big corpora in ../shared/data/news (not
part of the repo); says so and exits when they are absent.

Usage: python scripts/draw_news_gold.py [--seed 20261123] [--xwlb 14] [--reports 4] [--must-contain 县 村]
                                      [--out corpus/gold/news_unannotated.jsonl]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

NEWS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "news"


def draw_xwlb(rng: random.Random, n: int, must_contain: tuple[str, ...] = ()) -> list[dict]:
    """Items of ordinary length (200–1,500 characters), drawn uniformly.

    `must_contain` narrows the draw to items holding every one of those strings
    (`县 村`: local reporting, where villages and townships are named).
    """
    items = []
    with open(NEWS / "xwlb.jsonl", encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            if 200 <= len(rec["text"]) <= 1500 and all(w in rec["text"] for w in must_contain):
                items.append(rec)
    picked = rng.sample(items, n)
    return [
        {
            "id": rec["id"],
            "published": f"{rec['date'][:4]}-{rec['date'][4:6]}-{rec['date'][6:]}",
            "text": rec["text"],
        }
        for rec in picked
    ]


def draw_reports(rng: random.Random, n: int, paragraphs: int = 3) -> list[dict]:
    """A few consecutive paragraphs from reports of 1978 or later.

    A report is delivered in early March of its year; its publication date is
    taken as 5 March of `year` (recorded in corpus/gold/DECISIONS.md).
    """
    reports = []
    with open(NEWS / "government_work_reports.jsonl", encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            if rec.get("year") and int(rec["year"]) >= 1978:
                reports.append(rec)
    out = []
    for rec in rng.sample(reports, n):
        paras = [p for p in rec["content"].split("\n") if len(p.strip()) >= 60]
        start = rng.randrange(0, max(1, len(paras) - paragraphs))
        text = "\n".join(paras[start : start + paragraphs])
        out.append({"id": f"gwr-{rec['year']}-p{start}", "published": f"{rec['year']}-03-05", "text": text})
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--xwlb", type=int, default=14)
    ap.add_argument("--reports", type=int, default=4)
    ap.add_argument("--out", default="corpus/gold/news_unannotated.jsonl")
    ap.add_argument("--must-contain", nargs="*", default=[], help="draw only xwlb items holding all of these strings")
    args = ap.parse_args()
    if not NEWS.is_dir():
        print(f"news corpora not found at {NEWS}: this script needs ../shared/data/news", file=sys.stderr)
        return 1
    rng = random.Random(args.seed)
    docs = draw_xwlb(rng, args.xwlb, tuple(args.must_contain)) + draw_reports(rng, args.reports)
    with open(args.out, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    print(f"drew {len(docs)} documents with seed {args.seed} into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
