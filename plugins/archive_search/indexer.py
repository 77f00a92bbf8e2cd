"""Keeps the Whoosh index of the archive up to date between builds.

Only articles whose fingerprint changed are re-indexed; articles no longer in the archive leave
the index. Whoosh counts deleted documents in its statistics until the index is optimized, and
optimizing rewrites the whole index (half a minute at 10,000 articles), so it is optimized only
when deleted documents pass OPTIMIZE_DELETED_SHARE of the index (they cost disk and reading
time) or on request. In between, the export and the reference searcher use the statistics of
the live articles (livestats.py): the same figures as a clean index of the same articles.

Each text is analyzed once (tokens.py) for its stemmed field and the spelling word list; the
word list and the articles' fingerprints are kept beside the index (kept.py), updated by what
an update adds and removes, so an update reads back only the articles it replaces or removes.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from whoosh import index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.columns import CompressedBytesColumn
from whoosh.index import FileIndex
from whoosh.reading import IndexReader
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from whoosh.analysis import IDTokenizer
from whoosh.fields import ID, KEYWORD, Schema
from whoosh.formats import Existence

from .documents import SOURCE_FIELDS, SearchDocument, compact_json, pack_source, stored_source
from .kept import EXPORT_STATE_FILE, FORMER_NAMES, read_kept, write_kept
from .livestats import LENGTHS_FILE, live_lengths
from .schema import TEXT_FIELDS, build_schema
from .fresh_postings import FreshPostings
from .postings import GroupingPool, write_postings
from .spelling import SPELLING_FILE, article_words, live_counts
from .tokens import Analyzer, FieldAnalysis

#: Memory Whoosh's writer may use before spilling postings to disk (MB, by Whoosh's count, which
#: is about half what the postings take in Python). Indexing 10,000 articles on their own peaked
#: at 410 MB with 256 and at 140 MB with 32, for the same CPU: the spilled runs are merged as
#: the segment is written.
WRITER_LIMIT_MB = 32
#: zlib level of each article's stored fields (Whoosh's CompressedBytesColumn uses 3): level 1
#: takes half the time (44 against 86 µs for an article of the benchmark) for 1 % more bytes
#: (1,384 against 1,366), and Whoosh's reader decompresses any level.
STORED_LEVEL = 1
#: Field values whose postings the writer remembers (ArchiveWriter._recurring), at most.
RECURRING_VALUES = 100_000
#: How ArchiveWriter indexes a plain field: a whole value as one term (an ID field without
#: filters, as the article key), or remembering each value's postings (desks, tag lists).
WHOLE, RECURRING = "whole", "recurring"
#: Optimize once deleted (replaced or removed) documents are this share of the index.
OPTIMIZE_DELETED_SHARE = 0.05
#: The articles' fingerprints (key → fingerprint), kept beside the index.
FINGERPRINTS_FILE = "fingerprints.marshal"
#: Files kept beside the index that describe it: an index made again starts without them.
#: (known_documents.py's file is not one: it depends on the articles and the code alone.)
KEPT_FILES = (FINGERPRINTS_FILE, SPELLING_FILE, LENGTHS_FILE, EXPORT_STATE_FILE)
#: How Whoosh names the files of the archive's index ("MAIN", its default index name):
#: tables of contents `_MAIN_<generation>.toc`, segments `MAIN_<id>.seg`, the lock `MAIN_WRITELOCK`.
WHOOSH_PREFIXES = ("_MAIN_", "MAIN_")

logger = logging.getLogger(__name__)


@dataclass
class UpdateReport:
    """What one update did: keys added, re-indexed, removed, and how many were already current."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    #: Term keys (as exported: "word", "desk:slug", "tag:slug") whose postings changed.
    affected: set[str] = field(default_factory=set)
    #: The affected keys whose postings changed for articles indexed before (re-indexed or
    #: removed ones); the others only gained postings of added articles.
    rewritten: set[str] = field(default_factory=set)
    #: (word, text field) of the rewritten keys whose places in a re-indexed article moved: the
    #: export leaves the other fields' positions of a corrected article's words as they were.
    moved: set[tuple[str, str]] = field(default_factory=set)
    #: (word, text field) where an added, re-indexed or removed article has the word, had it,
    #: or has other words after it: the export keeps a common word's other follower sets.
    followed: set[tuple[str, str]] = field(default_factory=set)
    #: The index generation the update started from: `affected` lists what changed since then,
    #: so an export may rely on it only if it was itself made from that generation.
    since: int | None = None
    #: True when Whoosh purged deleted documents (optimized, or merged segments). The export
    #: does not depend on it: it uses live statistics and its own numbering either way.
    optimized: bool = False
    #: A first build's postings as the export encodes them (the export reads them once, then
    #: removes them); None for any other update.
    fresh: FreshPostings | None = field(default=None, repr=False, compare=False)

    @property
    def changed(self) -> bool:
        """True when the index content differs from before the update."""
        return bool(self.added or self.updated or self.removed)

    def __str__(self) -> str:
        return (f"{len(self.added)} added, {len(self.updated)} re-indexed, "
                f"{len(self.removed)} removed, {self.unchanged} unchanged")


class ArchiveWriter(SegmentWriter):
    """Whoosh's segment writer, writing the same index format with two costs taken out.

    Postings are pooled and written a term at a time (postings.py), not a posting at a time
    through Whoosh's sorting pool and codec calls. And posting blocks are written without zlib
    (each block says whether it is compressed, so any Whoosh reader reads them): compressing
    them took a tenth of the build, to save disk space in a cache folder; stored fields are
    compressed at STORED_LEVEL.
    """

    def __init__(self, ix: FileIndex, limitmb: int = 128, fresh: FreshPostings | None = None,
                 **options: Any) -> None:
        super().__init__(ix, codec=W3Codec(compression=0), limitmb=limitmb, **options)
        stored = getattr(self.perdocwriter, "_colwriters", {}).get("_stored")
        if isinstance(getattr(stored, "_child", None), CompressedBytesColumn.Writer):
            stored._child._level = STORED_LEVEL
        self.pool = GroupingPool(self._tempstorage, limitmb=limitmb)
        #: Keeps the postings for the export as they are written (fresh_postings.py).
        self.fresh = fresh
        #: Per set of field names: each field with what add_document asks of it, or None when
        #: Whoosh's own add_document must take such documents. (Every article has the same.)
        self._plans: dict[tuple[str, ...], list[tuple[str, Any, bool, bool, bool, Any, str | None]] | None] = {}
        #: (field name, value) → the field's postings of that value, for fields whose values
        #: recur from article to article (desks, tag lists): Whoosh's analysis of a value
        #: costs more than the rest of indexing it.
        self._recurring: dict[tuple[str, str], list[tuple[bytes, int, float, bytes]]] = {}

    def _plan(self, names: tuple[str, ...]) -> list[tuple[str, Any, bool, bool, bool, Any, str | None]] | None:
        schema = self.schema
        if any(name.startswith("_") or name not in schema or schema[name].vector
               or schema[name].separate_spelling() for name in names):
            return None
        return [(name, field, field.indexed, field.scorable, field.stored, field.column_type,
                 WHOLE if type(field) is ID and type(field.analyzer) is IDTokenizer and type(field.format) is Existence
                 else RECURRING if type(field) in (ID, KEYWORD) and not field.unique else None)
                for name in names for field in (schema[name],)]

    def add_document(self, **fields: Any) -> None:
        """SegmentWriter.add_document, adding an analyzed text field's postings to the pool a
        field at a time (tokens.FieldAnalysis) instead of one posting per call. Documents with
        what this does not cover (boost or stored-value keywords, term vectors, spelling
        fields) go through Whoosh's own method."""
        names = tuple(sorted(fields))
        if names not in self._plans:
            self._plans[names] = self._plan(names)
        plan = self._plans[names]
        if plan is None:
            super().add_document(**fields)
            return
        self._check_state()
        perdocwriter, pool, docnum = self.perdocwriter, self.pool, self.docnum
        perdocwriter.start_doc(docnum)
        recurring = self._recurring
        try:
            for name, field, indexed, scorable, stored, column_type, recurs in plan:
                value = fields[name]
                if value is None:
                    continue
                length = 0
                if indexed:
                    if isinstance(value, FieldAnalysis):
                        pool.add_analysis(name, docnum, value)
                        length = value.length if scorable else 0
                    else:
                        if recurs is WHOLE and isinstance(value, str):
                            # IDTokenizer's one token, the value itself, as Existence indexes it.
                            postings = [(value.encode("utf-8"), 1, field.format.field_boost, b"")]
                        else:
                            recurs = recurs is RECURRING and isinstance(value, str)
                            postings = recurring.get((name, value)) if recurs else None
                            if postings is None:
                                postings = list(field.index(value))
                                if recurs and len(recurring) < RECURRING_VALUES:
                                    recurring[(name, value)] = postings
                        for btext, frequency, weight, encoded in postings:
                            if scorable:
                                length += frequency
                            pool.add((name, btext, docnum, weight * 1.0, encoded))
                perdocwriter.add_field(name, field, value if stored else None, length)
                if column_type:
                    perdocwriter.add_column_value(name, column_type, field.to_column_value(value))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        # SegmentWriter._flush_segment, writing the pool's postings term by term.
        self.perdocwriter.close()
        lengths = self.per_document_reader() if self.codec.length_stats else None
        write_postings(self.fieldwriter, self.schema, lengths, self.pool.iter_groups(), self.docnum, self.fresh)
        # Whoosh's writer sits in reference cycles, so the pool it holds would keep every
        # posting in memory until the cycle collector next ran.
        self.pool.cleanup()
        if self.fresh is not None:
            self.fresh.close()
        self.fieldwriter.close()
        if lengths:
            lengths.close()


def open_index(path: Path) -> FileIndex:
    """Open the index at `path`, creating it (and the folder) when there is none yet.

    An index written with another schema (fields, field types, boosts) is rebuilt from scratch:
    its documents would be analyzed or weighted differently from new ones. So is an index
    Whoosh cannot read (a table of contents or segment garbled, cut short or missing), with a
    warning naming the folder and what was wrong: the index is a cache of the articles, and
    the next update indexes every one of them again, as in a clean build.
    """
    path.mkdir(parents=True, exist_ok=True)
    schema = build_schema()
    existing, reading = None, "its table of contents (_MAIN_<n>.toc) is damaged"
    try:
        if index.exists_in(str(path)):
            existing = index.open_dir(str(path))
            reading = "a segment file (MAIN_<id>.seg) is missing or damaged"
            existing.reader().close()  # opens every segment file
    except Exception as error:  # noqa: BLE001 - Whoosh raises whatever its reading of a damaged file meets
        logger.warning("%s: the search index kept there cannot be read: %s (%s: %s); it is made again from "
                       "the articles", path, reading, type(error).__name__, error)
        existing = None
        _clear_index(path)
    if existing is not None:
        if existing.schema.names() == schema.names() and all(
            type(existing.schema[name]) is type(schema[name])
            and getattr(existing.schema[name].format, "field_boost", None)
            == getattr(schema[name].format, "field_boost", None)
            for name in schema.names()
        ):
            return existing
        _clear_index(path)
    return index.create_in(str(path), schema)


def _clear_index(path: Path) -> None:
    """Remove the index in `path` and the files kept beside it, and nothing else: the folder is
    the one SEARCH_INDEX_PATH names, which may hold files that are not ours."""
    for entry in path.iterdir():
        if entry.name.startswith(WHOOSH_PREFIXES) or entry.name in KEPT_FILES or entry.name in FORMER_NAMES:
            entry.unlink()


def _index_fields(schema: Schema, analyzer: Analyzer, document: SearchDocument) -> tuple[dict[str, object], set[str]]:
    """Return the fields Whoosh indexes for `document` (text fields already analyzed) and the
    article's words as written (for the spelling list)."""
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
        "record": compact_json(document.record()),
    }
    fields["source"] = pack_source(fields)
    words: set[str] = set()
    lengths: dict[str, int] = {}
    for name in TEXT_FIELDS:
        analysis = analyzer.field(str(fields[name]), schema[name].format.field_boost)
        words |= analysis.surface
        lengths[name] = analysis.length
        fields[name] = analysis
    fields["lengths"] = lengths
    return fields, words


def entry_signatures(schema: Schema, analyzer: Analyzer, fields: dict[str, object]) -> dict[str, tuple[Any, ...]]:
    """Return, per exported term key ("word", "desk:slug", "tag:slug"), what one article adds
    to that term's exported postings (`fields`: index field → text or its FieldAnalysis).

    For a word: per text field, the article's length byte there, the word's positions (the
    export writes both, and the weight is the number of positions) and the word after each
    (a common word's follower sets); for desk and tag, that the article has it. A key whose
    signature an edit leaves alone keeps its exported entry.
    """
    signatures: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for name in SOURCE_FIELDS:
        value = fields.get(name)
        if name in TEXT_FIELDS:
            analysis = value if isinstance(value, FieldAnalysis) else analyzer.field(str(value or ""))
            byte = length_to_byte(analysis.length)
            nexts = analysis.next_terms()
            for term, places in analysis.positions.items():
                signatures[term].append((name, byte, tuple(places), nexts[term]))
        elif value:
            for term in schema[name].process_text(str(value), mode="index"):
                signatures[f"{name}:{term}"].append((name,))
    return {key: tuple(parts) for key, parts in signatures.items()}


def term_keys(schema: Schema, analyzer: Analyzer, fields: dict[str, object]) -> set[str]:
    """Return the exported term keys of an article's indexed text (see entry_signatures)."""
    return set(entry_signatures(schema, analyzer, fields))


def _current_fingerprints(ix: FileIndex) -> tuple[dict[str, str], bool]:
    """key → fingerprint of the indexed articles: the kept file (True), or read from the index."""
    folder = Path(ix.storage.folder)
    kept = read_kept(folder, FINGERPRINTS_FILE, ix.latest_generation())
    if isinstance(kept, dict):
        return kept, True
    with ix.reader() as reader:
        return {stored["key"]: stored["fingerprint"] for stored in reader.all_stored_fields()}, False


def update_index(path: Path, documents: Iterable[SearchDocument], optimize: bool = False,
                 optimize_share: float = OPTIMIZE_DELETED_SHARE) -> UpdateReport:
    """Bring the index at `path` in line with `documents` (the whole archive) and return what changed.

    `optimize` forces Whoosh to merge the index into one segment without deleted documents;
    otherwise that happens once deleted documents reach `optimize_share` of the index.
    New and changed articles are added oldest first, so Whoosh's document order follows
    publication order and ties in scoring fall the same way in the browser. A sequence of
    documents is read by position, each document once for its key and date (and fingerprint,
    if its key is indexed) and once more when it is indexed, so it may make them on demand
    (pelican_plugin.ArticleDocuments).
    """
    ix = open_index(path)
    folder = Path(ix.storage.folder)
    schema = ix.schema
    analyzer = Analyzer(schema[TEXT_FIELDS[0]].analyzer)
    known, fresh = _current_fingerprints(ix)
    report = UpdateReport(since=ix.latest_generation())
    if not isinstance(documents, Sequence):
        documents = list(documents)
    # Positions in `documents`, not the documents: a build's documents are made one at a time
    # from its articles (pelican_plugin.py), so their text is never all in memory at once.
    # Only an article already indexed is fingerprinted here: a new one is added whatever its
    # fingerprint, which is taken when it is indexed (a document made on demand is then made
    # once, and an article's HTML read to text once per build).
    wanted: dict[str, tuple[int, str | None, datetime]] = {}
    for position, document in enumerate(documents):
        key = document.key
        wanted[key] = (position, document.fingerprint() if key in known else None, document.date)
    fingerprints = dict(known)
    to_write: list[tuple[datetime, str, int]] = []
    for key, (position, new, date) in wanted.items():
        old = known.get(key)
        if old is None:
            report.added.append(key)
        elif old != new:
            report.updated.append(key)
        else:
            report.unchanged += 1
            continue
        to_write.append((date.replace(tzinfo=None), key, position))
    report.removed = sorted(set(known) - set(wanted))
    for key in report.removed:
        del fingerprints[key]
    with ix.reader() as reader:
        generation = reader.generation()
        if not report.changed:
            # Nothing to write unless a kept file was missing or stale.
            if not fresh or any(read_kept(folder, name, generation) is None for name in (SPELLING_FILE, LENGTHS_FILE)):
                _keep(folder, generation, known, live_counts(reader, folder, analyzer), live_lengths(reader, folder))
            return report
        words = live_counts(reader, folder, analyzer)
        lengths = live_lengths(reader, folder)
        # The old text's words and lengths leave the counts; the export must rewrite the terms
        # whose postings the old and new text differ on (all of a removed article's).
        before: dict[str, dict[str, tuple[Any, ...]]] = {}
        for key in report.removed + report.updated:
            docnum = _document_number(reader, key)
            if docnum is None:
                continue
            stored = reader.stored_fields(docnum)
            source = stored_source(stored)
            words.subtract(article_words(analyzer, source))
            for name, length in (stored.get("lengths") or {}).items():
                lengths[name] -= length
            before[key] = entry_signatures(schema, analyzer, source)
            if key in report.removed:
                report.affected |= set(before[key])
                report.rewritten |= set(before[key])
                report.followed |= {(term, part[0]) for term, parts in before[key].items() for part in parts if len(part) == 4}
        expected = reader.doc_count_all() + len(to_write)
    to_write.sort()
    # Into an empty index, articles go in publication order: Whoosh's numbers are the export's,
    # so the export can take the postings as they are written instead of reading them back.
    fresh = FreshPostings(folder) if expected == len(to_write) else None
    writer = ArchiveWriter(ix, limitmb=WRITER_LIMIT_MB, fresh=fresh)
    try:
        for key in report.removed + report.updated:
            writer.delete_by_term("key", key)
        for _, _, position in to_write:
            document = documents[position]
            fields, surface = _index_fields(schema, analyzer, document)
            fingerprints[document.key] = str(fields["fingerprint"])
            if fresh is not None:
                fresh.add_article(fields["date"], document.key, str(fields["record"]), document.desk)
                fresh.add_words([fields[name].in_order() for name in TEXT_FIELDS])
            words.update(surface)
            for name, length in fields["lengths"].items():
                lengths[name] += length
            if known:  # a first build exports everything anyway
                after = entry_signatures(schema, analyzer, fields)
                old = before.get(document.key, {})
                differing = {term for term in old.keys() | after.keys() if old.get(term) != after.get(term)}
                report.affected |= differing
                if document.key in before:
                    report.rewritten |= differing
                for term in differing:
                    # Per text field: (places, next words) before and after, None where absent.
                    was = {part[0]: part[2:] for part in old.get(term, ()) if len(part) == 4}
                    now = {part[0]: part[2:] for part in after.get(term, ()) if len(part) == 4}
                    for name in was.keys() | now.keys():
                        then, later = was.get(name), now.get(name)
                        if then is None or later is None or then[1] != later[1]:
                            report.followed.add((term, name))
                        if document.key in before and (then or (None,))[0] != (later or (None,))[0]:
                            report.moved.add((term, name))
            writer.add_document(**fields)
    except BaseException:
        writer.cancel()
        if fresh is not None:
            fresh.cleanup()
        raise
    writer.commit()
    with ix.reader() as reader:
        deleted = reader.doc_count_all() - reader.doc_count()
        total = reader.doc_count_all()
        segments = len(reader.leaf_readers()) if total else 0
    if optimize or (deleted and deleted >= optimize_share * total):
        ArchiveWriter(ix, limitmb=WRITER_LIMIT_MB).commit(optimize=True)
        report.optimized = True
    elif total != expected:
        # Whoosh merged segments and purged deleted documents: numbers moved everywhere.
        report.optimized = True
    if fresh is not None:
        if report.optimized or segments != 1 or deleted:
            fresh.cleanup()
        else:
            fresh.generation = ix.latest_generation()
            report.fresh = fresh
    _keep(folder, ix.latest_generation(), fingerprints, words, lengths)
    return report


def _document_number(reader: IndexReader, key: str) -> int | None:
    """Whoosh's number of the live article `key`, or None."""
    for docnum in reader.postings("key", key).all_ids() if ("key", key) in reader else ():
        return docnum
    return None


def _keep(folder: Path, generation: int, fingerprints: dict[str, str], words: Counter[str],
          lengths: dict[str, int]) -> None:
    """Keep the fingerprints, spelling word counts and field lengths of index `generation`."""
    write_kept(folder, LENGTHS_FILE, generation, lengths)
    write_kept(folder, FINGERPRINTS_FILE, generation, dict(sorted(fingerprints.items())))
    write_kept(folder, SPELLING_FILE, generation, {word: count for word, count in sorted(words.items()) if count > 0})
    for name in FORMER_NAMES:  # left by a version that kept them as JSON
        (folder / name).unlink(missing_ok=True)
