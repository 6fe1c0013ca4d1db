"""zhnews: figures, places, dates and programmes from Chinese news text.

`pipeline.extract(text, published)` is the extraction API (it lives in
pipeline.extraction); the `zhnews` command (pipeline.cli) wraps ingest,
cleaning, extraction, evaluation and queries.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "extract"]


def __getattr__(name: str) -> Any:
    """`pipeline.extract`, imported on first use: `zhnews query` and `zhnews sql` never load the extractors."""
    if name == "extract":
        from .extraction import extract

        globals()["extract"] = extract
        return extract
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
