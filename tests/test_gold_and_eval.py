"""The project's gold follows the format, and `zhnews eval` scores, lists errors and catches regressions."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parent.parent
GOLD = sorted((ROOT / "corpus" / "gold").glob("*.jsonl"))
TYPES = {"FIGURE", "PLACE", "DATE", "PROGRAMME"}
LEVELS = {"province", "city", "county", "township", "village", "zone", "region", "river", "foreign"}
QUALIFIERS = {None, "approx", "more_than", "at_least", "less_than", "at_most"}


def _iso(v):
    return v is None or bool(datetime.date.fromisoformat(v))


def test_gold_files_pass_the_format_checks():
    """The checks of shared/tools/check_gold.py, kept here so the repo stands alone."""
    assert {p.name for p in GOLD} >= {"seeds.jsonl", "news.jsonl"}
    for path in GOLD:
        docs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        assert docs, path
        for doc in docs:
            text = regex.sub(r"\s+", "", doc["text"])
            seen = Counter()
            for e in doc["entities"]:
                assert e["type"] in TYPES
                assert e["text"] and regex.sub(r"\s+", "", e["text"]) == e["text"]
                if e["type"] == "FIGURE":
                    assert isinstance(e["value"], (int, float)) and e.get("qualifier") in QUALIFIERS
                if e["type"] == "PLACE":
                    assert e["level"] in LEVELS
                if e["type"] == "DATE":
                    assert _iso(e.get("start")) and _iso(e.get("end"))
                seen[(e["type"], e["text"])] += 1
            for (_t, s), k in seen.items():
                assert text.count(s) >= k, (path.name, doc["id"], s)


def test_seed_gold_covers_every_seed_page():
    ids = {json.loads(line)["id"] for line in (ROOT / "corpus" / "gold" / "seeds.jsonl").read_text(encoding="utf-8").splitlines()}
    assert ids == {p.stem for p in (ROOT / "corpus" / "seeds").glob("*.txt")}


def _run(*args):
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True, cwd=ROOT)


def test_eval_on_a_gold_file_it_has_never_seen(tmp_path):
    gold = tmp_path / "mine.jsonl"
    doc = {
        "id": "t1",
        "published": "2023-07-15",
        "text": "今年以来，信丰县新增就业岗位1200个，投资3.5亿元。",
        "entities": [
            {"type": "DATE", "text": "今年以来", "start": "2023-01-01", "end": "2023-07-15"},
            {"type": "PLACE", "text": "信丰县", "name": "信丰县", "level": "county"},
            {"type": "FIGURE", "text": "1200个", "value": 1200, "unit": "个"},
            {"type": "FIGURE", "text": "3.5亿元", "value": 350000000, "unit": "元"},
        ],
    }
    gold.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    r = _run("eval", "--gold", str(gold), "--errors", "--json", str(tmp_path / "s.json"))
    assert r.returncode == 0, r.stderr
    scores = json.loads((tmp_path / "s.json").read_text())
    assert scores["FIGURE"]["gold"] == 2 and scores["FIGURE"]["recall"] == 1.0
    assert scores["DATE"]["f1"] == 1.0
    assert "FIGURE" in r.stdout and "PROGRAMME" in r.stdout


def test_errors_list_figures_attributed_to_another_place_or_period(tmp_path):
    """A matched figure whose gold place or period differs is listed with both values."""
    gold = tmp_path / "attr.jsonl"
    doc = {
        "id": "t2",
        "published": "2023-07-15",
        "text": "今年以来，信丰县新增就业岗位1200个。去年，大余县新建厂房5栋。",
        "entities": [
            # Deliberately wrong attributions: the extractor must disagree and say so.
            {"type": "FIGURE", "text": "1200个", "value": 1200, "unit": "个", "place": "大余县"},
            {"type": "FIGURE", "text": "5栋", "value": 5, "unit": "栋", "date": {"start": "2023-01-01", "end": "2023-07-15"}},
        ],
    }
    gold.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    r = _run("eval", "--gold", str(gold), "--errors")
    assert r.returncode == 0, r.stderr
    assert "## FIGURE attribution mismatches (2)" in r.stdout
    assert "place: gold '大余县' got '信丰县'" in r.stdout
    assert "date: gold 2023-01-01..2023-07-15 got 2022-01-01..2022-12-31" in r.stdout


def test_baseline_check_fails_on_a_regression(tmp_path):
    gold = str(ROOT / "corpus" / "gold" / "seeds.jsonl")
    r = _run("eval", "--gold", gold, "--json", str(tmp_path / "now.json"))
    assert r.returncode == 0
    scores = json.loads((tmp_path / "now.json").read_text())
    better = json.loads(json.dumps(scores))
    better["FIGURE"]["f1"] = scores["FIGURE"]["f1"] + 0.05  # above 1 when the score is near 1: still a regression
    (tmp_path / "base.json").write_text(json.dumps(better))
    r = _run("eval", "--gold", gold, "--baseline", str(tmp_path / "base.json"))
    assert r.returncode == 1
    assert "FIGURE f1" in r.stderr


def test_deleting_a_rule_is_caught_by_the_baseline(tmp_path):
    """Remove the money unit 元 from a copy of the rules: FIGURE accuracy must fall below the committed baseline."""
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    units = rules / "figures" / "units.toml"
    original = units.read_text(encoding="utf-8")
    edited = original.replace('canonical = "元"\nwords = ["元"]', 'canonical = "元"\nwords = ["圆"]')
    assert edited != original, "the money unit rule moved: update this test"
    units.write_text(edited, encoding="utf-8")
    from pipeline.evaluate import evaluate, load_gold, regressions
    from pipeline.extraction import Extractor
    from pipeline.rules import Rules

    ex = Extractor(Rules(rules))
    docs = [d for p in GOLD for d in load_gold(p)]
    scores = evaluate(docs, ex.extract).scores()
    baseline = json.loads((ROOT / "corpus" / "gold" / "baseline.json").read_text())
    assert any(line.startswith("FIGURE") for line in regressions(scores, baseline, 0.005))


def test_accuracy_has_not_regressed_against_the_committed_baseline():
    """Raising the baseline is a deliberate commit of its own (zhnews eval --write-baseline)."""
    gold = [str(p) for p in GOLD]
    args = ["eval"] + [a for g in gold for a in ("--gold", g)] + ["--baseline", str(ROOT / "corpus" / "gold" / "baseline.json")]
    r = _run(*args)
    assert r.returncode == 0, r.stdout + r.stderr


def test_eval_takes_several_files_after_one_gold_flag():
    """`zhnews eval --gold A B` as the issue writes it (and as shell globs expand)."""
    r = _run("eval", "--gold", str(GOLD[0]), str(GOLD[1]))
    assert r.returncode == 0, r.stderr
    n = sum(1 for g in GOLD[:2] for line in g.read_text(encoding="utf-8").splitlines() if line.strip())
    assert f"{n} documents from {GOLD[0]}, {GOLD[1]}" in r.stdout
