"""Whoosh's posting pool and posting-list writing, a term at a time instead of a posting at a time.

Whoosh's SegmentWriter puts every posting in a PostingPool (a sorted run of 5-tuples, spilled
to disk and merged back), then hands them one by one to the codec, which calls four methods
per posting (field length look-up, type checks, block buffering). Half the CPU of indexing
10,000 articles went there. `GroupingPool` keeps each term's postings together as they are
added (articles arrive in number order, so a term's list is already sorted), as three columns
(document numbers, weights, values) rather than a tuple per posting, and spills whole terms
when it passes its memory limit; an analyzed text field (tokens.FieldAnalysis) adds its
postings a field at a time, each to one list of its term (document number, weight and value
in turn; one list grown per posting rather than three), cut into columns when the term is
written or spilled. `write_postings` gives the codec each term's postings a block at a time,
filling the posting writer's block buffer as its `add_posting` would and letting Whoosh's
own code write the blocks and term infos. The index files are Whoosh's format, read by any
Whoosh reader.
"""

from __future__ import annotations

import heapq
import zlib
from array import array
from collections.abc import Iterator, Sequence
from pickle import dumps
from itertools import chain
from operator import sub
from typing import Any

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.filedb.filetables import _lengths as _TABLE_ROW
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import length_to_byte

from .fresh_postings import FreshPostings
from .records import read_records, write_record
from .tokens import ONE_PLACE, FieldAnalysis, encoded_places

#: A posting as Whoosh's writer makes it: (field name, term bytes, document number, weight, value bytes).
Posting = tuple[str, bytes, int, float, bytes]
#: One term's postings in document order: document numbers, weights, values (b"" for none).
Group = tuple[Sequence[int], Sequence[float], list[bytes]]
#: What the pool counts per posting (its number, weight and value's reference; the value
#: bytes are counted by their length) and per term (its key and three columns).
POSTING_BYTES = 24
TERM_BYTES = 400
#: Counts of a term in a field whose weights the pool makes once.
WEIGHTS = 1024
#: W3TermInfo's fixed part: flags, total weight, documents, least and greatest length
#: bytes, greatest weight, first and last id.
_TERM_INFO = W3TermInfo._struct
# (_TABLE_ROW: a term table row's key and value lengths, as HashWriter.add writes them.)


def _group_of(postings: list[Any]) -> Group:
    """The columns of a term's postings kept as [document, weight, value, document, ...]."""
    return postings[0::3], postings[1::3], postings[2::3]


#: Terms per record of a spilled run, at most: one marshal call and one read per so many terms.
RUN_TERMS = 256
#: ... and postings per record (past this, the record ends with the term that passed it): a
#: merge holds one record of each run, so this bounds what reading runs adds to memory.
RUN_POSTINGS = 2048


class GroupingPool:
    """A drop-in for Whoosh's PostingPool (add, iter_postings, cleanup) that groups postings by
    term, spilling the groups to a run file in the writer's temporary storage past `limitmb`.

    Each term's postings are one list of document number, weight and value in turn, as they
    came; a spill writes them so, sorted by term, RUN_TERMS terms to a record, and reading a
    run back gives the same lists (marshal keeps a value met twice in one record one object,
    as the pool had it), so merging runs is joining lists and cutting columns happens once,
    when a term is written. A record holds at most RUN_TERMS terms and, but for its last term,
    RUN_POSTINGS postings.
    """

    def __init__(self, tempstore: Any, limitmb: int = 128) -> None:
        self.tempstore = tempstore
        self.limit = limitmb * 1024 * 1024
        self.size = 0
        #: field name → term bytes → the term's postings so far (added one by one).
        self.fields: dict[str, dict[bytes, list[Any]]] = {}
        #: field name → term text → the term's postings so far from analyses.
        self.analyzed: dict[str, dict[str, list[Any]]] = {}
        #: boost → the weight of a posting of each count up to WEIGHTS, so that postings share
        #: their weights' float objects (an array of weights took 8 bytes a posting, a new float 24).
        self._weights: dict[float, list[float]] = {}
        self.runs: list[str] = []
        # Whether documents came in ascending number (as add_document adds them), so every
        # term's list is already in order; the highest number so far.
        self._ordered = True
        self._highest = -1

    def add(self, item: Posting) -> None:
        """Add one posting (as PostingPool.add)."""
        fieldname, btext, docnum, weight, value = item
        self._came(docnum)
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
        group = terms.get(btext)
        if group is None:
            group = terms[btext] = []
            self.size += TERM_BYTES + len(btext)
        # (A weight is a float, as Whoosh's pool and the writer's blocks have it.)
        group += (docnum, float(weight), value or b"")
        self.size += POSTING_BYTES + len(value or b"")
        if self.size > self.limit:
            self._spill()

    def add_analysis(self, fieldname: str, docnum: int, analysis: FieldAnalysis) -> None:
        """Add the postings of one document's analyzed field: what `add` would be given for
        each of `analysis.postings()`, without making them one by one."""
        self._came(docnum)
        terms = self.analyzed.get(fieldname)
        if terms is None:
            terms = self.analyzed[fieldname] = {}
        boost = float(analysis.boost)  # weights are floats, as Whoosh's are
        weights = self._weights.get(boost)
        if weights is None:
            weights = self._weights[boost] = [count * boost for count in range(WEIGHTS)]
        size = self.size + POSTING_BYTES * len(analysis.positions)
        one_place = ONE_PLACE
        for term, places in analysis.positions.items():
            postings = terms.get(term)
            if postings is None:
                postings = terms[term] = []
                size += TERM_BYTES + len(term.encode("utf-8"))
            # encoded_places, without a call for the common one-place value
            count = len(places)
            value = one_place.get(places[0]) if count == 1 else None
            if value is None:
                value = encoded_places(places)
            postings += (docnum, weights[count] if count < WEIGHTS else count * boost, value)
            size += len(value)
        self.size = size
        if size > self.limit:
            self._spill()

    def _came(self, docnum: int) -> None:
        if docnum < self._highest:
            self._ordered = False
        else:
            self._highest = docnum

    def _spill(self) -> None:
        name = f"grouped{len(self.runs)}.run"
        with self.tempstore.create_file(name).raw_file() as run:
            chunk: list[tuple[tuple[str, bytes], list[Any]]] = []
            items = 0  # (three a posting)
            for item in self._sorted_groups():
                chunk.append(item)
                items += len(item[1])
                if len(chunk) == RUN_TERMS or items >= 3 * RUN_POSTINGS:
                    write_record(run, chunk)
                    chunk, items = [], 0
            if chunk:
                write_record(run, chunk)
        self.runs.append(name)
        self.fields, self.analyzed, self.size = {}, {}, 0

    def _sorted_groups(self) -> Iterator[tuple[tuple[str, bytes], list[Any]]]:
        """((field name, term bytes), postings as [document, weight, value, ...]) per term in
        memory, in term order."""
        for fieldname in sorted(self.fields.keys() | self.analyzed.keys()):
            terms = self.fields.get(fieldname, {})
            analyzed = self.analyzed.get(fieldname, {})
            # (Each term's UTF-8 bytes in order, as Whoosh's term table needs them.)
            keys = sorted(terms.keys() | {term.encode("utf-8") for term in analyzed})
            for btext in keys:
                postings = terms.get(btext)
                made = analyzed.get(btext.decode("utf-8")) if analyzed else None
                if made is not None:
                    if postings is None:
                        postings = made
                    else:  # both ways in one field: merged in document order
                        postings = _flat(_in_document_order(_group_of(postings + made)))
                yield (fieldname, btext), postings

    def _read_run(self, name: str, number: int) -> Iterator[tuple[tuple[str, bytes], int, list[Any]]]:
        with self.tempstore.open_file(name).raw_file() as run:
            for chunk in read_records(run):
                for key, postings in chunk:
                    yield key, number, postings

    def iter_groups(self) -> Iterator[tuple[tuple[str, bytes], Group]]:
        """((field name, term bytes), postings in document order) per term, in term order."""
        # Each source's items carry its number, so the merge compares keys, then sources in
        # the order they were made: runs hold earlier documents than later runs and memory,
        # so a term's parts are joined in order.
        memory = ((key, len(self.runs), postings) for key, postings in self._sorted_groups())
        sources = [self._read_run(name, number) for number, name in enumerate(self.runs)] + [memory]
        current: tuple[str, bytes] | None = None
        postings: list[Any] | None = None
        for key, _, part in heapq.merge(*sources) if len(sources) > 1 else memory:
            if key != current:
                if postings is not None:
                    yield current, self._columns(postings)
                current, postings = key, part
                continue
            postings += part
        if postings is not None:
            yield current, self._columns(postings)

    def _columns(self, postings: list[Any]) -> Group:
        group = _group_of(postings)
        return group if self._ordered else _in_document_order(group)

    def iter_postings(self) -> Iterator[Posting]:
        """Every posting in (field, term, document) order, as PostingPool.iter_postings."""
        for (fieldname, btext), (ids, weights, values) in self.iter_groups():
            for docnum, weight, value in zip(ids, weights, values):
                yield fieldname, btext, docnum, weight, value

    def cleanup(self) -> None:
        """Remove the run files (PostingPool.cleanup) and let go of the postings in memory."""
        for name in self.runs:
            self.tempstore.delete_file(name)
        self.runs = []
        self.fields, self.analyzed, self.size = {}, {}, 0


def _flat(group: Group) -> list[Any]:
    """A term's columns as one list of document, weight and value in turn."""
    return list(chain.from_iterable(zip(*group)))


def _in_document_order(postings: Group) -> Group:
    # Only when documents came out of order (GroupingPool._came): merging segments adds each
    # segment's postings after the new documents', still ascending, but that is not relied on.
    ids, weights, values = postings
    if any(ids[at] >= ids[at + 1] for at in range(len(ids) - 1)):
        order = sorted(range(len(ids)), key=ids.__getitem__)
        return ([ids[at] for at in order], [weights[at] for at in order], [values[at] for at in order])
    return postings


def write_postings(fieldwriter: Any, schema: Any, lengths: Any, groups: Iterator[tuple[tuple[str, bytes], Group]],
                   doc_count: int, fresh: FreshPostings | None = None) -> None:
    """Write every term's postings into Whoosh's W3 field writer's files, a term at a time.

    `lengths` is the segment's per-document reader (field lengths for block statistics) or
    None; `fresh`, when given, also keeps each term's postings for the export. Each term's
    blocks and term info are what Whoosh's W3PostingsWriter and W3FieldWriter write for the
    same postings (TermWriter); the term table is Whoosh's own.
    """
    field_lengths: dict[str, list[int] | None] = {}
    current_field = None
    terms = TermWriter(fieldwriter)
    for (fieldname, btext), (ids, weights, values) in groups:
        if fieldname != current_field:
            if current_field is not None:
                fieldwriter.finish_field()
            fieldobj = schema[fieldname]
            fieldwriter.start_field(fieldname, fieldobj)
            terms.start_field(fieldobj.format.fixed_value_size())
            current_field = fieldname
            if fieldname not in field_lengths:
                field_lengths[fieldname] = (
                    [lengths.doc_field_length(docnum, fieldname) for docnum in range(doc_count)]
                    if lengths is not None and fieldobj.scorable else None)
        known = field_lengths[fieldname]
        terms.write(btext, ids, weights, values, known)
        if fresh is not None:
            fresh.add(fieldname, btext, ids, weights, values, fieldobj.format.field_boost, known)
    if current_field is not None:
        fieldwriter.finish_field()


class _Float32(dict):
    """A weight → the same weight as an array of 4-byte floats holds it (made once each)."""

    def __missing__(self, weight: float) -> float:
        stored = self[weight] = array("f", (weight,))[0]
        return stored


class TermWriter:
    """Writes one term's posting blocks and term info as Whoosh 2.7's W3 codec does.

    W3PostingsWriter takes postings one call at a time and W3FieldWriter makes a term-info
    object per term; at 10,000 articles, with about 100,000 terms, those calls were most of
    writing the index. This writes the same bytes straight from a term's columns: per block
    of `blocklimit` postings, the header (a negative length for the last block), the pickled
    block info (count, last id, greatest weight, compression, least and greatest length
    bytes) and the pickled (id gaps, weights, values) in Whoosh's minified forms; then the
    term info (W3TermInfo.to_bytes) as a row of Whoosh's term table (OrderedHashWriter.add:
    the row, its position in the ordered index, its hash in a bucket; keys come in order).
    tests/test_search_index.py compares the files with those Whoosh writes posting by posting.
    """

    def __init__(self, fieldwriter: Any) -> None:
        codec = fieldwriter._codec
        self._fieldwriter = fieldwriter
        self._postfile = fieldwriter._postfile.file
        self._table = fieldwriter._tindex
        self._tablefile = self._table.dbfile.file
        # Where the next term's postings and row go: only this writer writes to the two files
        # until the field writer closes them, so their positions are counted here rather than
        # asked for (a buffered file's tell() is a system call, two per term).
        self._post_at = self._postfile.tell()
        self._table_at = self._tablefile.tell()
        self._limit = codec._blocklimit
        self._compression = codec._compression
        self._fixedsize: int | None = None
        self._prefix = b""
        self._last_key = b""
        #: length → length byte (Whoosh's length_to_byte, a bisection).
        self._bytes: dict[int | None, int] = {}
        #: weight → the weight as a block stores it (a 4-byte float).
        self._float32 = _Float32()

    def start_field(self, fixedsize: int | None) -> None:
        """The next terms are of the field the field writer was started on, whose format's
        values have `fixedsize` bytes (None: variable; 0: none)."""
        self._fixedsize = fixedsize
        self._prefix = pack_ushort(self._fieldwriter._fieldid)

    def _byte(self, length: int | None) -> int:
        found = self._bytes.get(length)
        if found is None:
            found = self._bytes[length] = length_to_byte(length)
        return found

    def write(self, btext: bytes, ids: Sequence[int], weights: Sequence[float], values: Sequence[bytes],
              known: list[int] | None) -> None:
        """Write term `btext`'s postings (ids ascending; `known`: field length by document)."""
        limit, fixedsize, compression, byte = self._limit, self._fixedsize, self._compression, self._byte
        offset = self._post_at
        parts = [WHOOSH3_HEADER_MAGIC]
        total = 0
        minlength: int | None = None
        maxlength = maxweight = 0
        count = len(ids)
        if count == 1:  # a third to a half of all terms: the same bytes with less work
            parts, total, minlength, maxlength, maxweight = self._one(ids[0], weights[0], values[0], known)
        for start in range(0, count if count > 1 else 0, limit):
            end = start + limit
            # (A list of one block is read whole, not copied.)
            block_ids = ids[start:end] if count > limit else ids
            block_weights = weights[start:end] if count > limit else weights
            stored_weights = array("f", block_weights)
            block_weight = max(0, max(block_weights))
            if known is not None:
                present = list(filter(None, map(known.__getitem__, block_ids)))
                block_min = min(present) if present else None
                block_max = max(present) if present else 0
            else:
                block_min, block_max = None, 0
            first = stored_weights[0]
            if stored_weights.count(first) != len(stored_weights):
                mini_weights: Any = tuple(stored_weights)
            else:
                mini_weights = None if first == 1.0 else first
            block_values = values[start:end] if count > limit else values
            if fixedsize is None or fixedsize < 0:
                mini_values: Any = tuple(filter(None, block_values))
            elif fixedsize == 0:
                mini_values = None
            else:
                mini_values = b"".join(filter(None, block_values))
            gaps = tuple(map(sub, block_ids, (0, *block_ids[:-1])))
            data = dumps((gaps, mini_weights, mini_values), 2)
            if compression:
                data = zlib.compress(data, compression)
            info = dumps((len(block_ids), block_ids[-1], block_weight, compression, byte(block_min), byte(block_max)), 2)
            size = len(info) + len(data)
            parts += (pack_int(-size if end >= count else size), info, data)
            # W3TermInfo.add_block
            total += sum(stored_weights)
            minlength = block_min if minlength is None else min(minlength, block_min)
            maxlength = max(maxlength, block_max)
            maxweight = max(maxweight, block_weight)
        postings = b"".join(parts)
        self._postfile.write(postings)
        self._post_at += len(postings)
        value = (_TERM_INFO.pack(False, total, count, 0 if minlength is None else byte(minlength), byte(maxlength),
                                 maxweight, ids[0], ids[-1]) + pack_long(offset) + pack_int(len(postings)))
        key = self._prefix + btext
        table = self._table
        position = self._table_at
        table.index.append(position)
        row = _TABLE_ROW.pack(len(key), len(value)) + key + value
        self._tablefile.write(row)
        self._table_at += len(row)
        hashed = table.hashfn(key)
        table.buckets[hashed & 255].append((hashed, position))
        table.lastkey = key

    def _one(self, docnum: int, weight: float, value: bytes, known: list[int] | None) -> tuple[list[bytes], float, int | None, int, float]:
        """The block of a term with one posting, as write's loop makes it: (parts, total
        weight, least and greatest length, greatest weight)."""
        stored = self._float32[weight]
        block_weight = max(0, weight)
        length = known[docnum] if known is not None else None
        block_min, block_max = (length, length) if length else (None, 0)
        fixedsize = self._fixedsize
        if fixedsize is None or fixedsize < 0:
            mini_values: Any = (value,) if value else ()
        elif fixedsize == 0:
            mini_values = None
        else:
            mini_values = value or b""
        data = dumps(((docnum,), None if stored == 1.0 else stored, mini_values), 2)
        compression = self._compression
        if compression:
            data = zlib.compress(data, compression)
        info = dumps((1, docnum, block_weight, compression, self._byte(block_min), self._byte(block_max)), 2)
        parts = [WHOOSH3_HEADER_MAGIC, pack_int(-(len(info) + len(data))), info, data]
        return parts, 0 + stored, block_min, max(0, block_max), max(0, block_weight)
