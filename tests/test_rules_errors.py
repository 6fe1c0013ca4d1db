"""A typo in a rule file is reported in one line naming the file, not as a traceback."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

import pipeline.extraction as extraction
from pipeline.cli import main
from pipeline.rules import RULES_DIR, Rules, RulesError


@pytest.fixture
def broken_rules(tmp_path):
    root = tmp_path / "rules"
    root.mkdir()
    for part in RULES_DIR.iterdir():
        if part.name != "dates":
            (root / part.name).symlink_to(part)
    shutil.copytree(RULES_DIR / "dates", root / "dates")
    with open(root / "dates" / "dates.toml", "a", encoding="utf-8") as f:
        f.write('\n[relative]\n"今天" = "day:0"\n')  # a table defined twice: what a hand edit easily does
    return root


def test_a_broken_rule_file_names_itself(broken_rules):
    with pytest.raises(RulesError, match=r"dates\.toml.*line \d+"):
        _ = Rules(broken_rules).dates


def test_the_cli_reports_a_broken_rule_file_in_one_line(broken_rules, monkeypatch):
    monkeypatch.setattr(extraction, "_EXTRACTOR", extraction.Extractor(Rules(broken_rules)))
    r = CliRunner().invoke(main, ["extract", "-", "--published", "2023-07-15"], input="今年以来，全县新增就业1200人。")
    assert r.exit_code == 2
    assert "dates.toml" in r.output and "Traceback" not in r.output
