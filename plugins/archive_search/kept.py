"""Files kept beside the Whoosh index that describe one generation of it.

What the indexer and the export would otherwise read back from every stored article on each
build (fingerprints, the spelling word counts, the exported numbering) is kept in small JSON
files in the index folder. Each names the index generation it describes; a file written for
another generation, cut short or garbled is never trusted: the caller rebuilds it from the
index itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from archive_format import write_atomic

#: What the last export kept about itself (export.py), beside the index it was made from.
EXPORT_STATE_FILE = "export-state.json"


def read_kept(folder: Path | None, name: str, generation: int) -> Any | None:
    """The value kept in `folder/name` for index `generation`, or None (missing, stale, garbled)."""
    if folder is None:
        return None
    try:
        kept = json.loads((folder / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(kept, dict) or kept.get("generation") != generation or "value" not in kept:
        return None
    return kept["value"]


def write_kept(folder: Path, name: str, generation: int, value: Any) -> None:
    """Keep `value` (JSON data) in `folder/name` for index `generation`, atomically."""
    text = json.dumps({"generation": generation, "value": value}, ensure_ascii=False, separators=(",", ":"))
    write_atomic(folder / name, text)
