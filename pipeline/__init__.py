"""zhnews: figures, places, dates and programmes from Chinese news text.

`pipeline.extract(text, published)` is the extraction API; the `zhnews`
command (pipeline.cli) wraps ingest, cleaning, extraction and evaluation.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .entities import Entity


def extract(text: str, published: date | None = None) -> list[Entity]:
    """FIGURE, PLACE, DATE and PROGRAMME mentions of `text` (see pipeline.extract)."""
    from .extract import extract as _extract

    return _extract(text, published)


__all__ = ["__version__", "extract"]
