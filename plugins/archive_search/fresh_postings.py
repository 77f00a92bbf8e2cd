"""A clean build's postings in the export's encoding, kept as the index segment is written.

The export writes each term's postings in its own encoding (export.py), and on a clean build
it used to read every one of them back through Whoosh (a term look-up, a matcher and its
blocks per term: a fifth of the export's time) right after the indexer had every list in hand
to write it. `FreshPostings` takes each list as the indexer writes it (postings.write_postings)
and stores what the export makes of it, a field at a time, in temporary files in term order
(the order the export asks for them), so the export reads them back in one pass and memory
does not grow with the archive.

It is used only where it is exact: a single new segment whose Whoosh numbers are the
export's numbering (a first build adds articles in publication order); any other index is
read back through Whoosh as before. tests/test_search_index.py compares both exports.
"""

from __future__ import annotations

import io
import tempfile
from array import array
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import datetime
from itertools import chain
from operator import itemgetter, sub
from pathlib import Path
from pickle import loads
from typing import Any, BinaryIO

from whoosh.util.numeric import length_to_byte

from .encoding import encode_numbers
from .records import read_records, write_record
from .schema import TEXT_FIELDS

#: Fields the client filters on, after the scored text fields, in this order: the export
#: writes their (article, weight) postings.
FILTER_FIELDS: tuple[str, ...] = ("desk", "tag")
#: The file of the articles' stored fields the export reads (FreshPostings.add_article).
ARTICLES = ".articles"
#: The file of the articles' words in order (FreshPostings.add_words).
WORDS = ".words"


class ExportError(Exception):
    """The index cannot be exported as it is; the message says why and what to do."""


class EncodedPlaces(dict):
    """Whoosh Positions values (the frequency in 4 bytes, then the pickled position gaps) →
    (frequency, the export's text of the frequency and gaps), each short value decoded and
    encoded once: most postings are a word's one or two places in a field, and the same few
    thousand values recur across the archive. (encode_numbers of a list is its numbers' texts
    joined, so a term's positions text is its postings' texts joined.)"""

    #: Values up to this many bytes are remembered (one or two small gaps; a bounded set).
    REMEMBERED_BYTES = 16

    def __missing__(self, value: bytes) -> tuple[int, str]:
        gaps = loads(value[4:])
        found = (len(gaps), encode_numbers([len(gaps), *gaps]))
        if len(value) <= self.REMEMBERED_BYTES:
            self[value] = found
        return found


def text_postings(field: str, articles: Sequence[int], values: Sequence[bytes], boost: float,
                  lengths: Sequence[int], places: EncodedPlaces) -> tuple[list[int], str]:
    """The export's postings of one term in one text field: (article gap, weight, length byte)
    per article, and the encoded positions ((count, gaps...) per article).

    `articles` ascending, `values` their Whoosh Positions values, `lengths` the field's
    length byte by article number, `places` the values' decoding (shared by a build's terms).
    """
    found = list(map(places.__getitem__, values))
    if len(articles) == 1:  # nearly half of all lists: the same, without the maps
        article, (count, text) = articles[0], found[0]
        weight = count * boost
        if weight != int(weight):
            raise ExportError(f"{field}: boost {boost} gives a fractional weight; use a whole number")
        return [article, int(weight), lengths[article]], text
    counts = list(map(itemgetter(0), found))
    if boost == 1:
        weights = counts
    else:
        weights = [count * boost for count in counts]
        if any(weight != int(weight) for weight in weights):
            raise ExportError(f"{field}: boost {boost} gives a fractional weight; use a whole number")
        weights = list(map(int, weights))
    gaps = map(sub, articles, [0, *articles[:-1]])
    numbers = list(chain.from_iterable(zip(gaps, weights, map(lengths.__getitem__, articles))))
    return numbers, "".join(map(itemgetter(1), found))


def filter_postings(field: str, pairs: Sequence[tuple[int, float]]) -> str:
    """The export's postings of one desk or tag: (article gap, weight) per (article, weight),
    articles ascending."""
    numbers: list[int] = []
    previous = 0
    for article, weight in pairs:
        if weight != int(weight):
            raise ExportError(f"{field}: fractional weight {weight} cannot be exported")
        numbers += (article - previous, int(weight))
        previous = article
    return encode_numbers(numbers)


class FreshPostings:
    """The export's postings of every term of one new segment, stored as the segment is written.

    The indexer calls `add_article` for each article in document order, and the writer `add`
    for each term in (field, term) order; `close` ends the writing. The export then takes the
    articles (`articles`) and the dictionary (`dictionary`) from here rather than reading
    every article's stored fields and every term of the index back, and asks
    `text(field, term)` and `filter(field, term)` in ascending term order per field.
    `generation` is the index generation the segment was committed in (set by the indexer),
    so a later index is never exported from it.
    """

    def __init__(self, beside: Path | None = None) -> None:
        # In the index's folder when given (`beside`): on disk, not in a temporary folder
        # that may be kept in memory.
        self._folder = tempfile.TemporaryDirectory(prefix=".postings-", dir=beside)
        self._files: dict[str, BinaryIO] = {}
        self._lengths: dict[str, list[int]] = {}
        self._places = EncodedPlaces()
        # Reading: each field's file and records, and the record read past the last term asked for.
        self._streams: dict[str, BinaryIO] = {}
        self._readers: dict[str, Iterator[Any]] = {}
        self._pending: dict[str, tuple[str, Any] | None] = {}
        self._ended: set[str] = set()
        self.generation: int | None = None
        self._articles: BinaryIO | None = None
        self._words: BinaryIO | None = None
        #: Per exported field: its terms in order and their document frequencies.
        self._terms: dict[str, tuple[list[str], array]] = {}

    def add_article(self, date: datetime, key: str, record: str, desk: str) -> None:
        """Note the next article (Whoosh's next document number) with what the export reads
        of its stored fields: naive date, key, record (compact JSON) and desk."""
        if self._articles is None:
            self._articles = open(Path(self._folder.name) / ARTICLES, "wb")
        write_record(self._articles, (date.isoformat(), key, record, desk))

    def add_words(self, orders: Sequence[tuple[str | None, ...]]) -> None:
        """Note the next article's terms of each text field in order (FieldAnalysis.in_order,
        TEXT_FIELDS order): the export finds the common words' followers in them
        (export._followers) instead of analyzing every article's stored text again."""
        if self._words is None:
            self._words = open(Path(self._folder.name) / WORDS, "wb")
        write_record(self._words, tuple(orders))

    def words(self) -> Iterator[tuple[tuple[str | None, ...], ...]]:
        """Each article's terms per text field in order (add_words), in document order;
        nothing when no article's were noted."""
        path = Path(self._folder.name) / WORDS
        if path.exists():
            with open(path, "rb") as stream:
                yield from read_records(stream)

    def articles(self) -> list[tuple[datetime, str, int, tuple[str, str]]]:
        """(date, key, document number, (record, desk)) of each article, in document order, as
        the export reads them from the stored fields (export._read_articles)."""
        path = Path(self._folder.name) / ARTICLES
        if not path.exists():
            return []
        with open(path, "rb") as stream:
            return [(datetime.fromisoformat(date), key, docnum, (record, desk))
                    for docnum, (date, key, record, desk) in enumerate(read_records(stream))]

    def dictionary(self) -> tuple[dict[str, int], dict[str, list[str]]]:
        """Every exported term key with its estimated size, and the text fields of each word:
        what export._dictionary finds in the index, in the same order."""
        sizes: dict[str, int] = defaultdict(int)
        fields_of: dict[str, list[str]] = defaultdict(list)
        for field in TEXT_FIELDS + FILTER_FIELDS:
            scored = field in TEXT_FIELDS
            terms, frequencies = self._terms.get(field, ((), ()))
            for term, frequency in zip(terms, frequencies):
                key = term if scored else f"{field}:{term}"
                sizes[key] += len(key) + 4 + frequency * (4 if scored else 2)
                if scored:
                    fields_of[key].append(field)
        return sizes, fields_of

    def add(self, fieldname: str, btext: bytes, ids: Sequence[int], weights: Sequence[float],
            values: Sequence[bytes], boost: float, field_lengths: Sequence[int] | None) -> None:
        """Store one term's postings (in document order) of `fieldname`, as the export encodes
        them; `field_lengths` is each document's length in a scored field."""
        if fieldname in TEXT_FIELDS:
            lengths = self._lengths.get(fieldname)
            if lengths is None:
                lengths = self._lengths[fieldname] = [length_to_byte(length) for length in field_lengths or ()]
            numbers, places = text_postings(fieldname, ids, values, boost, lengths, self._places)
            term = btext.decode("utf-8")
            record: Any = (term, (numbers, places, len(ids)))
        elif fieldname in FILTER_FIELDS:
            term = btext.decode("utf-8")
            record = (term, filter_postings(fieldname, list(zip(ids, weights))))
        else:
            return
        terms = self._terms.get(fieldname)
        if terms is None:
            terms = self._terms[fieldname] = ([], array("I"))
        terms[0].append(term)
        terms[1].append(len(ids))
        stream = self._files.get(fieldname)
        if stream is None:
            stream = self._files[fieldname] = open(Path(self._folder.name) / fieldname, "wb")
        write_record(stream, record)

    def close(self) -> None:
        """End the writing: the stored postings can now be read."""
        for stream in [*self._files.values(), *(file for file in (self._articles, self._words) if file)]:
            stream.close()
        self._files, self._articles, self._words = {}, None, None
        self._lengths = {}

    def _find(self, fieldname: str, term: str) -> Any | None:
        # Terms are asked for in ascending order: read forward to `term`, keep what is past it.
        pending = self._pending.get(fieldname)
        while pending is None or pending[0] < term:
            if fieldname in self._ended:
                return None
            records = self._readers.get(fieldname)
            if records is None:
                path = Path(self._folder.name) / fieldname
                stream = self._streams[fieldname] = open(path, "rb") if path.exists() else io.BytesIO()
                records = self._readers[fieldname] = read_records(stream)
            pending = self._pending[fieldname] = next(records, None)
            if pending is None:
                self._ended.add(fieldname)
                return None
        if pending[0] != term:
            return None
        self._pending[fieldname] = None
        return pending[1]

    def text(self, fieldname: str, term: str) -> tuple[list[int], str, int] | None:
        """(postings, encoded positions, document frequency) of `term` in a text field, or None."""
        return self._find(fieldname, term)

    def filter(self, fieldname: str, term: str) -> str | None:
        """The encoded postings of a desk or tag, or None."""
        return self._find(fieldname, term)

    def cleanup(self) -> None:
        """Remove the stored postings."""
        for stream in [*self._files.values(), *self._streams.values(),
                       *(file for file in (self._articles, self._words) if file)]:
            stream.close()
        self._files, self._streams, self._readers, self._articles, self._words, self._terms = {}, {}, {}, None, None, {}
        self._folder.cleanup()
