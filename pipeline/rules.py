"""Load the rule files under `rules/` once into one object passed to the extractors.

Rules are data (TOML and TSV a linguist can edit); nothing is read at import
time, and the rules version is a hash of the files, stored with every output row.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"


class RulesError(ValueError):
    """A rule file that cannot be read; the message names the file and the place in it."""


def _load_toml(path: Path) -> dict[str, Any]:
    """One TOML rule file; a linguist's typo becomes one line naming file, line and column."""
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as err:
        raise RulesError(f"rule file {path}: {err}") from err


@dataclass
class Rules:
    """All rule files of one rules directory, parsed lazily and cached."""

    root: Path = RULES_DIR

    @cached_property
    def units(self) -> dict[str, Any]:
        return _load_toml(self.root / "figures" / "units.toml")

    @cached_property
    def qualifiers(self) -> dict[str, Any]:
        return _load_toml(self.root / "figures" / "qualifiers.toml")

    @cached_property
    def not_figures(self) -> dict[str, Any]:
        return _load_toml(self.root / "figures" / "not_figures.toml")

    @cached_property
    def dates(self) -> dict[str, Any]:
        return _load_toml(self.root / "dates" / "dates.toml")

    @cached_property
    def festivals(self) -> dict[str, Any]:
        return _load_toml(self.root / "dates" / "festivals.toml")

    @cached_property
    def programmes(self) -> dict[str, Any]:
        return _load_toml(self.root / "programmes" / "programmes.toml")

    @cached_property
    def version(self) -> str:
        """Hash of every rule file: rows extracted with other rules can be told apart."""
        h = hashlib.sha1()
        for p in sorted(self.root.rglob("*")):
            if p.is_file():
                h.update(str(p.relative_to(self.root)).encode())
                h.update(p.read_bytes())
        return h.hexdigest()[:12]


_DEFAULT: Rules | None = None


def default_rules() -> Rules:
    """The repository's rules, loaded on first use."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Rules()
    return _DEFAULT
