"""Keeps the Whoosh index of the archive up to date between builds.

Only articles whose fingerprint changed are re-indexed; articles no longer in the archive leave
the index. The index is optimized (one segment, deleted documents purged) after every change,
because Whoosh counts deleted documents in its scoring statistics until then and the exported
index must score exactly as Whoosh does.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index
from whoosh.index import FileIndex
from whoosh.writing import SegmentWriter

from .documents import SearchDocument
from .schema import build_schema

#: Memory Whoosh's writer may use before spilling postings to disk (MB).
WRITER_LIMIT_MB = 256


class SearchIndexError(Exception):
    """The index folder cannot be used; the message says which folder and what to do."""


@dataclass
class UpdateReport:
    """What one update did: keys added, re-indexed, removed, and how many were already current."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        """True when the index content differs from before the update."""
        return bool(self.added or self.updated or self.removed)

    def __str__(self) -> str:
        return (f"{len(self.added)} added, {len(self.updated)} re-indexed, "
                f"{len(self.removed)} removed, {self.unchanged} unchanged")


def open_index(path: Path) -> FileIndex:
    """Open the index at `path`, creating it (and the folder) when there is none yet.

    An index written with another schema is rebuilt from scratch: its documents would be
    analyzed differently from new ones.
    """
    path.mkdir(parents=True, exist_ok=True)
    schema = build_schema()
    if index.exists_in(str(path)):
        try:
            existing = index.open_dir(str(path))
        except Exception as error:  # a half-written or foreign folder
            raise SearchIndexError(
                f"{path}: not a readable search index ({error}); delete the folder to rebuild it"
            ) from error
        if existing.schema.names() == schema.names() and all(
            type(existing.schema[name]) is type(schema[name]) for name in schema.names()
        ):
            return existing
        shutil.rmtree(path)
        path.mkdir(parents=True)
    return index.create_in(str(path), schema)


def _index_fields(document: SearchDocument) -> dict[str, object]:
    # Whoosh dates are naive: index the archive's local wall-clock time, which is what
    # `date:2023-03` means to a reader of the archive.
    return {
        "key": document.key,
        "fingerprint": document.fingerprint(),
        "headline": document.headline,
        "summary": document.summary,
        "body": document.body,
        "byline": "\n".join(document.byline),
        "desk": document.desk,
        "tag": ",".join(document.tags),
        "date": document.date.replace(tzinfo=None),
        "record": json.dumps(document.record(), ensure_ascii=False, sort_keys=True),
    }


def _current_fingerprints(ix: FileIndex) -> dict[str, str]:
    with ix.reader() as reader:
        return {
            stored["key"]: stored["fingerprint"]
            for _, stored in reader.iter_docs()
        }


def update_index(path: Path, documents: Iterable[SearchDocument]) -> UpdateReport:
    """Bring the index at `path` in line with `documents` (the whole archive) and return what changed.

    New and changed articles are added oldest first, so Whoosh's document order follows
    publication order and ties in scoring fall the same way in the browser.
    """
    ix = open_index(path)
    known = _current_fingerprints(ix)
    report = UpdateReport()
    wanted: dict[str, SearchDocument] = {}
    for document in documents:
        wanted[document.key] = document
    to_write: list[SearchDocument] = []
    for key, document in wanted.items():
        old = known.get(key)
        if old is None:
            report.added.append(key)
            to_write.append(document)
        elif old != document.fingerprint():
            report.updated.append(key)
            to_write.append(document)
        else:
            report.unchanged += 1
    report.removed = sorted(set(known) - set(wanted))
    if not report.changed:
        return report
    to_write.sort(key=lambda doc: (doc.date.replace(tzinfo=None), doc.key))
    writer: SegmentWriter = ix.writer(limitmb=WRITER_LIMIT_MB)
    try:
        for key in report.removed + report.updated:
            writer.delete_by_term("key", key)
        for document in to_write:
            writer.add_document(**_index_fields(document))
    except BaseException:
        writer.cancel()
        raise
    writer.commit(optimize=True)
    return report
