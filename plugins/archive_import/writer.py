"""Write articles into content/: atomic, idempotent, and never over a hand edit without --force.

The writer remembers the bytes it wrote (content/.archive-import.json: path → sha256). A file
whose bytes still match is the importer's own and may be replaced when its source changes; a file
whose bytes differ was edited by hand and is kept unless the run is forced.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from archive_format import write_atomic

__all__ = ["ArticleWriter", "WriteOutcome"]

MANIFEST_NAME = ".archive-import.json"


@dataclass(frozen=True)
class WriteOutcome:
    """What happened to one article file: imported, unchanged, updated or kept (hand-edited)."""

    status: str
    relpath: str
    detail: str = ""


class ArticleWriter:
    """Writes rendered articles under one content folder and keeps the manifest of what it wrote."""

    def __init__(self, content_dir: Path, dry_run: bool = False, force: bool = False) -> None:
        self.content_dir = content_dir
        self.dry_run = dry_run
        self.force = force
        self._manifest_path = content_dir / MANIFEST_NAME
        self._manifest: dict[str, str] = {}
        if self._manifest_path.is_file():
            try:
                self._manifest = json.loads(self._manifest_path.read_text(encoding="utf-8"))
            except (ValueError, OSError):
                self._manifest = {}
        self._changed = False

    def write(self, relpath: str, text: str) -> WriteOutcome:
        """Put `text` at content/`relpath` unless that would change nothing or lose a hand edit."""
        data = text.encode("utf-8")
        path = self.content_dir / relpath
        digest = hashlib.sha256(data).hexdigest()
        status = "imported"
        if path.is_file():
            existing = path.read_bytes()
            if existing == data:
                self._remember(relpath, digest)
                return WriteOutcome("unchanged", relpath)
            ours = self._manifest.get(relpath) == hashlib.sha256(existing).hexdigest()
            if not ours and not self.force:
                return WriteOutcome("kept", relpath, "the file was edited by hand; use --force to overwrite it")
            status = "updated"
        if not self.dry_run:
            write_atomic(path, data)
            self._remember(relpath, digest)
        return WriteOutcome(status, relpath)

    def _remember(self, relpath: str, digest: str) -> None:
        if self._manifest.get(relpath) != digest:
            self._manifest[relpath] = digest
            self._changed = True

    def close(self) -> None:
        """Save the manifest (atomically) when this run wrote anything."""
        if self._changed and not self.dry_run:
            data = json.dumps(self._manifest, indent=0, sort_keys=True).encode("utf-8") + b"\n"
            write_atomic(self._manifest_path, data)
            self._changed = False
