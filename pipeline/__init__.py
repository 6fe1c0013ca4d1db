"""zhnews: figures, places, dates and programmes from Chinese news text.

`pipeline.extract(text, published)` is the extraction API (it lives in
pipeline.extraction); the `zhnews` command (pipeline.cli) wraps ingest,
cleaning, extraction, evaluation and queries.
"""

from __future__ import annotations

from .extraction import extract

__version__ = "0.1.0"

__all__ = ["__version__", "extract"]
