"""The statistics a clean index of the live articles would have, read from a kept Whoosh index.

Whoosh keeps deleted (removed or replaced) articles in its statistics until the index is
optimized, and optimizing rewrites the whole index (half a minute at 10,000 articles), too much
for every build. So the export and the reference searcher both use the figures a freshly built
index of the same articles would report, and an edit costs what it touches:

- article count: the live articles;
- document frequency of a term: its live postings (Whoosh's matchers skip deleted articles);
- total length of a field: the live articles' exact word counts, kept beside the index
  (Whoosh's own total counts deleted articles, and after a merge it sums lengths rounded to
  the byte it keeps per article, so it differs from a clean index's even without deletions);
- spelling word counts: kept beside the index for live articles (spelling.py);
- ties: publication order, (date, key), the order the indexer adds a clean index in.

`LiveBM25F` is Whoosh's BM25F with those figures, so `make search` and the browser client
score a kept index exactly as Whoosh scores a clean one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from math import log
from pathlib import Path
from typing import Any

from whoosh.reading import IndexReader
from whoosh.scoring import BM25F, BM25FScorer, WeightScorer
from whoosh.searching import Searcher

from .kept import read_kept
from .schema import TEXT_FIELDS
from .spelling import live_counts
from .tokens import Analyzer


def index_folder(reader: IndexReader) -> Path | None:
    """The folder of a reader's on-disk index (None for an index in memory)."""
    for segment, _ in reader.leaf_readers():
        folder = getattr(getattr(segment, "_storage", None), "folder", None)
        if folder:
            return Path(folder)
    return None


#: Total words per text field of the live articles, kept beside the index.
LENGTHS_FILE = "lengths.marshal"


def live_lengths(reader: IndexReader, folder: Path | None) -> dict[str, int]:
    """Total words per text field of the live articles: the kept totals when they match the
    reader's generation, otherwise summed from every live article's stored word counts."""
    kept = read_kept(folder, LENGTHS_FILE, reader.generation())
    if isinstance(kept, dict) and set(kept) == set(TEXT_FIELDS):
        return kept
    totals = dict.fromkeys(TEXT_FIELDS, 0)
    for docnum in reader.all_doc_ids():
        stored = reader.stored_fields(docnum).get("lengths") or {}
        for name in TEXT_FIELDS:
            totals[name] += stored.get(name, 0)
    return totals


def deleted_docs(reader: IndexReader) -> Iterator[int]:
    """Document numbers of the deleted articles Whoosh still counts."""
    for segment, offset in reader.leaf_readers():
        if segment.has_deletions():
            for docnum in sorted(set(segment.segment().deleted_docs())):
                yield offset + docnum


class LiveStatistics:
    """Counts of the live articles of `reader`, as a clean index of them would report."""

    def __init__(self, reader: IndexReader, folder: Path | None = None) -> None:
        self.reader = reader
        self.folder = folder if folder is not None else index_folder(reader)
        self.doc_count = reader.doc_count()
        self.deleted = list(deleted_docs(reader))
        self.analyzer = Analyzer(reader.schema[TEXT_FIELDS[0]].analyzer)
        self._lengths: dict[str, int] | None = None
        self._spelling: Counter[str] | None = None

    def field_length(self, field: str) -> int:
        """Total words of `field` in live articles."""
        if self._lengths is None:
            self._lengths = live_lengths(self.reader, self.folder)
        return self._lengths.get(field, 0)

    def doc_frequency(self, field: str, term: str) -> int:
        """Live articles whose `field` has `term`."""
        frequency = self.reader.doc_frequency(field, term)
        if not frequency or not self.deleted:
            return frequency
        # Whoosh's count includes deleted articles: those holding the term are taken off,
        # each found by skipping to it (a correction leaves a few deleted articles; walking
        # every live posting of a common word took 20 ms at 100,000 articles).
        for segment, offset in self.reader.leaf_readers():
            if not segment.has_deletions():
                continue
            if (field, term) not in segment:
                continue
            # The segment's own postings: SegmentReader.postings wraps them in a FilterMatcher
            # that steps over the deleted articles as it starts.
            matcher = segment._terms.matcher(field, segment._text_to_bytes(field, term), segment.schema[field].format)
            for docnum in sorted(segment.deleted_docs_set):
                if not matcher.is_active():
                    break
                if matcher.id() < docnum:
                    matcher.skip_to(docnum)
                if matcher.is_active() and matcher.id() == docnum:
                    frequency -= 1
        return frequency

    def spelling(self) -> Counter[str]:
        """Words as written with the number of live articles using each."""
        if self._spelling is None:
            self._spelling = live_counts(self.reader, self.folder, self.analyzer)
        return self._spelling

    def publication_keys(self, docnums: list[int]) -> dict[int, tuple[Any, str]]:
        """(date, key) of the given articles: the order ties fall in."""
        keys = {}
        for docnum in docnums:
            stored = self.reader.stored_fields(docnum)
            keys[docnum] = (stored["date"], stored["key"])
        return keys


def whoosh_idf(count: int, frequency: int) -> float:
    """Whoosh's idf (WeightingModel.idf) for `frequency` articles of `count`."""
    return log(count / (frequency + 1)) + 1


class LiveBM25F(BM25F):
    """Whoosh's BM25F scoring with the live statistics (see the module docstring)."""

    def __init__(self, statistics: LiveStatistics, **options: Any) -> None:
        super().__init__(**options)
        self.statistics = statistics

    def idf(self, searcher: Searcher, fieldname: str, text: str) -> float:
        stats = self.statistics
        return whoosh_idf(stats.doc_count, stats.doc_frequency(fieldname, text))

    def scorer(self, searcher: Searcher, fieldname: str, text: str, qf: int = 1) -> Any:
        if not searcher.schema[fieldname].scorable:
            return WeightScorer.for_(searcher, fieldname, text)
        B = self._field_B.get(fieldname, self.B)
        scorer = BM25FScorer(searcher, fieldname, text, B, self.K1, qf=qf)
        # As Searcher.avg_field_length, over the live articles.
        stats = self.statistics
        scorer.avgfl = stats.field_length(fieldname) / (stats.doc_count or 1) or 1
        return scorer
