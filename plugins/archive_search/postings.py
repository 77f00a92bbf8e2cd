"""Whoosh's posting pool and posting-list writing, a term at a time instead of a posting at a time.

Whoosh's SegmentWriter puts every posting in a PostingPool (a sorted run of 5-tuples, spilled
to disk and merged back), then hands them one by one to the codec, which calls four methods
per posting (field length look-up, type checks, block buffering). Half the CPU of indexing
10,000 articles went there. `GroupingPool` keeps each term's postings together as they are
added (articles arrive in number order, so a term's list is already sorted), as three columns
(document numbers, weights, values) rather than a tuple per posting, and spills whole terms
when it passes its memory limit; an analyzed text field (tokens.FieldAnalysis) adds its
postings a field at a time. `write_postings` gives the codec each term's postings a block at a
time, filling the posting writer's block buffer as its `add_posting` would and letting Whoosh's
own code write the blocks and term infos. The index files are Whoosh's format, read by any
Whoosh reader.
"""

from __future__ import annotations

import heapq
import marshal
from array import array
from collections.abc import Iterator
from operator import itemgetter
from typing import Any

from .fresh_postings import FreshPostings
from .tokens import FieldAnalysis, encoded_places

#: A posting as Whoosh's writer makes it: (field name, term bytes, document number, weight, value bytes).
Posting = tuple[str, bytes, int, float, bytes]
#: One term's postings in document order: document numbers, weights, values (b"" for none).
Group = tuple[array, array, list[bytes]]
#: What the pool counts per posting (its number, weight and value's reference; the value
#: bytes are counted by their length) and per term (its key and three columns).
POSTING_BYTES = 24
TERM_BYTES = 400


def _new_group() -> Group:
    return array("I"), array("d"), []


class GroupingPool:
    """A drop-in for Whoosh's PostingPool (add, iter_postings, cleanup) that groups postings by
    term, spilling the groups to a run file in the writer's temporary storage past `limitmb`."""

    def __init__(self, tempstore: Any, limitmb: int = 128) -> None:
        self.tempstore = tempstore
        self.limit = limitmb * 1024 * 1024
        self.size = 0
        #: field name → term bytes → the term's postings so far.
        self.fields: dict[str, dict[bytes, Group]] = {}
        self.runs: list[str] = []
        # Term text → UTF-8 bytes, for analyzed fields (each term is encoded once per build).
        self._encoded: dict[str, bytes] = {}

    def add(self, item: Posting) -> None:
        """Add one posting (as PostingPool.add)."""
        fieldname, btext, docnum, weight, value = item
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
        group = terms.get(btext)
        if group is None:
            group = terms[btext] = _new_group()
            self.size += TERM_BYTES + len(btext)
        group[0].append(docnum)
        group[1].append(weight)
        group[2].append(value or b"")
        self.size += POSTING_BYTES + len(value or b"")
        if self.size > self.limit:
            self._spill()

    def add_analysis(self, fieldname: str, docnum: int, analysis: FieldAnalysis) -> None:
        """Add the postings of one document's analyzed field: what `add` would be given for
        each of `analysis.postings()`, without making them one by one."""
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
        encoded = self._encoded
        boost = analysis.boost
        size = self.size
        for term, places in analysis.positions.items():
            btext = encoded.get(term)
            if btext is None:
                btext = encoded[term] = term.encode("utf-8")
            group = terms.get(btext)
            if group is None:
                group = terms[btext] = _new_group()
                size += TERM_BYTES + len(btext)
            value = encoded_places(places)
            group[0].append(docnum)
            group[1].append(len(places) * boost)
            group[2].append(value)
            size += POSTING_BYTES + len(value)
        self.size = size
        if size > self.limit:
            self._spill()

    def _spill(self) -> None:
        name = f"grouped{len(self.runs)}.run"
        with self.tempstore.create_file(name).raw_file() as run:
            for key, (ids, weights, values) in self._sorted_groups():
                marshal.dump((key, ids.tobytes(), weights.tobytes(), values), run)
        self.runs.append(name)
        self.fields, self.size = {}, 0

    def _sorted_groups(self) -> Iterator[tuple[tuple[str, bytes], Group]]:
        for fieldname in sorted(self.fields):
            terms = self.fields[fieldname]
            for btext in sorted(terms):
                yield (fieldname, btext), terms[btext]

    def _read_run(self, name: str) -> Iterator[tuple[tuple[str, bytes], Group]]:
        with self.tempstore.open_file(name).raw_file() as run:
            while True:
                try:
                    key, ids, weights, values = marshal.load(run)
                except EOFError:
                    return
                group = _new_group()
                group[0].frombytes(ids)
                group[1].frombytes(weights)
                group[2].extend(values)
                yield key, group

    def iter_groups(self) -> Iterator[tuple[tuple[str, bytes], Group]]:
        """((field name, term bytes), postings in document order) per term, in term order."""
        sources = [self._read_run(name) for name in self.runs] + [self._sorted_groups()]
        current: tuple[str, bytes] | None = None
        postings: Group | None = None
        # Runs hold earlier documents than later runs and memory, so a term's parts are in order.
        for key, part in heapq.merge(*sources, key=itemgetter(0)):
            if key != current:
                if postings is not None:
                    yield current, _in_document_order(postings)
                current, postings = key, part
                continue
            postings[0].extend(part[0])
            postings[1].extend(part[1])
            postings[2].extend(part[2])
        if postings is not None:
            yield current, _in_document_order(postings)

    def iter_postings(self) -> Iterator[Posting]:
        """Every posting in (field, term, document) order, as PostingPool.iter_postings."""
        for (fieldname, btext), (ids, weights, values) in self.iter_groups():
            for docnum, weight, value in zip(ids, weights, values):
                yield fieldname, btext, docnum, weight, value

    def cleanup(self) -> None:
        """Remove the run files (PostingPool.cleanup)."""
        for name in self.runs:
            self.tempstore.delete_file(name)
        self.runs = []


def _in_document_order(postings: Group) -> Group:
    # Merging segments adds each segment's postings after the new documents': still ascending,
    # but sort (linear on sorted data) rather than rely on it.
    ids, weights, values = postings
    if any(ids[at] >= ids[at + 1] for at in range(len(ids) - 1)):
        order = sorted(range(len(ids)), key=ids.__getitem__)
        return (array("I", [ids[at] for at in order]), array("d", [weights[at] for at in order]),
                [values[at] for at in order])
    return postings


def write_postings(fieldwriter: Any, schema: Any, lengths: Any, groups: Iterator[tuple[tuple[str, bytes], Group]],
                   doc_count: int, fresh: FreshPostings | None = None) -> None:
    """Write every term's postings through Whoosh's W3 field writer, a block at a time.

    `lengths` is the segment's per-document reader (field lengths for block statistics) or
    None; `fresh`, when given, also keeps each term's postings for the export. Each block is buffered as W3PostingsWriter.add_posting buffers it (ids, weights,
    non-empty values, least non-zero and greatest length, greatest weight) and written by
    Whoosh; the last block is left for finish_term, as Whoosh leaves it.
    """
    field_lengths: dict[str, list[int] | None] = {}
    current_field = None
    for (fieldname, btext), (ids, weights, values) in groups:
        if fieldname != current_field:
            if current_field is not None:
                fieldwriter.finish_field()
            fieldobj = schema[fieldname]
            fieldwriter.start_field(fieldname, fieldobj)
            current_field = fieldname
            if fieldname not in field_lengths:
                field_lengths[fieldname] = (
                    [lengths.doc_field_length(docnum, fieldname) for docnum in range(doc_count)]
                    if lengths is not None and fieldobj.scorable else None)
        known = field_lengths[fieldname]
        fieldwriter.start_term(btext)
        writer = fieldwriter._postwriter
        limit = writer._blocklimit
        for start in range(0, len(ids), limit):
            if start:
                writer._write_block()  # the previous block, full; it starts the next one
            end = start + limit
            block_ids = ids[start:end]
            block_weights = weights[start:end]
            writer._ids = block_ids
            writer._weights = array("f", block_weights)
            writer._values = [value for value in values[start:end] if value]
            writer._maxweight = max(0, max(block_weights))
            if known is not None:
                present = [length for length in map(known.__getitem__, block_ids) if length]
                writer._minlength = min(present) if present else None
                writer._maxlength = max(present) if present else 0
        fieldwriter.finish_term()
        if fresh is not None:
            fresh.add(fieldname, btext, ids, weights, values, fieldobj.format.field_boost, known)
    if current_field is not None:
        fieldwriter.finish_field()
