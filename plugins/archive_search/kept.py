"""Files kept beside the Whoosh index that describe one generation of it.

What the indexer and the export would otherwise read back from every stored article on each
build (fingerprints, the spelling word counts, the exported numbering) is kept in small files
in the index folder. Each names the index generation it describes; a file written for another
generation, cut short or garbled is never trusted: the caller rebuilds it from the index itself.

They are written with `marshal`, not JSON: at 100,000 articles the fingerprints and the
export's state are 27 MB, and encoding them as JSON took about 0.6 s of every correction
(marshal: 0.04); reading them, 0.35 s against 0.2. Only this code reads them, with the Python
that wrote them (the cache guard keys the cache on Python's version).
"""

from __future__ import annotations

import marshal
from pathlib import Path
from typing import Any

from archive_format import write_atomic

#: What the last export kept about itself (export.py), beside the index it was made from.
EXPORT_STATE_FILE = "export-state.marshal"
#: The names these files had when they were JSON: removed when the index's files are next kept.
FORMER_NAMES = ("fingerprints.json", "spelling.json", "lengths.json", "export-state.json", "known-documents.json")


def load_file(path: Path) -> Any | None:
    """The value kept in the file at `path` (`save_file`), or None when it is missing or garbled."""
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None


def save_file(path: Path, value: Any) -> None:
    """Keep `value` (dicts, lists, tuples, text, numbers) in the file at `path`, atomically."""
    # Format 2 writes a value shared by two places twice (later formats refer back to it), so
    # equal values give the same bytes however the caller's objects are shared.
    write_atomic(path, marshal.dumps(value, 2))


def read_kept(folder: Path | None, name: str, generation: int) -> Any | None:
    """The value kept in `folder/name` for index `generation`, or None (missing, stale, garbled)."""
    if folder is None:
        return None
    kept = load_file(folder / name)
    if not isinstance(kept, dict) or kept.get("generation") != generation or "value" not in kept:
        return None
    return kept["value"]


def write_kept(folder: Path, name: str, generation: int, value: Any) -> None:
    """Keep `value` in `folder/name` for index `generation`, atomically."""
    save_file(folder / name, {"generation": generation, "value": value})
