"""Keeps the Whoosh index of the archive up to date between builds.

Only articles whose fingerprint changed are re-indexed; articles no longer in the archive leave
the index. Whoosh counts deleted documents in its statistics until the index is optimized, and
optimizing rewrites the whole index (half a minute at 10,000 articles), so it is optimized when
deleted documents pass OPTIMIZE_DELETED_SHARE of the index or on request; in between the
export mirrors Whoosh's statistics as they are, so the browser still scores exactly as Whoosh.
"""

from __future__ import annotations

import json
import shutil
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index
from whoosh.index import FileIndex
from whoosh.writing import SegmentWriter

from whoosh.fields import Schema

from .documents import SearchDocument
from .schema import TEXT_FIELDS, build_schema

#: Memory Whoosh's writer may use before spilling postings to disk (MB).
WRITER_LIMIT_MB = 256
#: Optimize once deleted (replaced or removed) documents are this share of the index.
OPTIMIZE_DELETED_SHARE = 0.05
#: Indexed fields whose text is kept (compressed) to know which terms an edit touches.
SOURCE_FIELDS = ("headline", "summary", "body", "byline", "desk", "tag")


class SearchIndexError(Exception):
    """The index folder cannot be used; the message says which folder and what to do."""


@dataclass
class UpdateReport:
    """What one update did: keys added, re-indexed, removed, and how many were already current."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    #: Term keys (as exported: "word", "desk:slug", "tag:slug") whose postings changed.
    affected: set[str] = field(default_factory=set)
    #: True when deleted documents were purged (optimized or merged): every statistic changed.
    optimized: bool = False

    @property
    def changed(self) -> bool:
        """True when the index content differs from before the update."""
        return bool(self.added or self.updated or self.removed)

    def __str__(self) -> str:
        return (f"{len(self.added)} added, {len(self.updated)} re-indexed, "
                f"{len(self.removed)} removed, {self.unchanged} unchanged")


def open_index(path: Path) -> FileIndex:
    """Open the index at `path`, creating it (and the folder) when there is none yet.

    An index written with another schema (fields, field types, boosts) is rebuilt from scratch:
    its documents would be analyzed or weighted differently from new ones.
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
            type(existing.schema[name]) is type(schema[name])
            and getattr(existing.schema[name].format, "field_boost", None)
            == getattr(schema[name].format, "field_boost", None)
            for name in schema.names()
        ):
            return existing
        shutil.rmtree(path)
        path.mkdir(parents=True)
    return index.create_in(str(path), schema)


def _index_fields(document: SearchDocument) -> dict[str, object]:
    # Whoosh dates are naive: index the archive's local wall-clock time, which is what
    # `date:2023-03` means to a reader of the archive.
    fields: dict[str, object] = {
        "key": document.key,
        "fingerprint": document.fingerprint(),
        "headline": document.headline,
        "summary": document.summary,
        "body": document.body,
        "byline": "\n".join(document.byline),
        "desk": document.desk,
        "tag": ",".join(document.tags),
        "date": document.date.replace(tzinfo=None),
        # The words as written, for spelling corrections (the stemmed fields keep only stems).
        "spelling": "\n".join([document.headline, document.summary, document.body, *document.byline]),
        "record": json.dumps(document.record(), ensure_ascii=False, sort_keys=True),
    }
    source = {name: fields[name] for name in SOURCE_FIELDS}
    fields["source"] = zlib.compress(json.dumps(source, ensure_ascii=False).encode("utf-8"))
    return fields


def term_keys(schema: Schema, fields: dict[str, object]) -> set[str]:
    """Return the exported term keys of an article's indexed text (Whoosh's own analysis)."""
    keys: set[str] = set()
    for name in SOURCE_FIELDS:
        value = fields.get(name)
        if not value:
            continue
        terms = schema[name].process_text(str(value), mode="index")
        keys.update(terms if name in TEXT_FIELDS else (f"{name}:{term}" for term in terms))
    return keys


def _stored_source(stored: dict[str, object]) -> dict[str, object]:
    blob = stored.get("source")
    return json.loads(zlib.decompress(blob)) if isinstance(blob, bytes) else {}


def _current_fingerprints(ix: FileIndex) -> dict[str, str]:
    with ix.reader() as reader:
        return {
            stored["key"]: stored["fingerprint"]
            for stored in reader.all_stored_fields()
        }


def update_index(path: Path, documents: Iterable[SearchDocument], optimize: bool = False,
                 optimize_share: float = OPTIMIZE_DELETED_SHARE) -> UpdateReport:
    """Bring the index at `path` in line with `documents` (the whole archive) and return what changed.

    `optimize` forces Whoosh to merge the index into one segment without deleted documents;
    otherwise that happens once deleted documents reach `optimize_share` of the index.
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
    schema = ix.schema
    if known:  # an edit touches the terms of the old text and of the new
        with ix.searcher() as searcher:
            for key in report.removed + report.updated:
                docnum = searcher.document_number(key=key)
                if docnum is not None:
                    report.affected |= term_keys(schema, _stored_source(searcher.stored_fields(docnum)))
    writer: SegmentWriter = ix.writer(limitmb=WRITER_LIMIT_MB)
    try:
        for key in report.removed + report.updated:
            writer.delete_by_term("key", key)
        for document in to_write:
            fields = _index_fields(document)
            if known:
                report.affected |= term_keys(schema, fields)
            writer.add_document(**fields)
    except BaseException:
        writer.cancel()
        raise
    with ix.reader() as reader:
        expected = reader.doc_count_all() + len(to_write)
    writer.commit()
    with ix.reader() as reader:
        deleted = reader.doc_count_all() - reader.doc_count()
        total = reader.doc_count_all()
    if optimize or (deleted and deleted >= optimize_share * total):
        ix.optimize()
        report.optimized = True
    elif total != expected:
        # Whoosh merged segments and purged deleted documents: statistics moved everywhere.
        report.optimized = True
    return report
