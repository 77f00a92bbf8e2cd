"""Whoosh's posting pool and posting-list writing, a term at a time instead of a posting at a time.

Whoosh's SegmentWriter puts every posting in a PostingPool (a sorted run of 5-tuples, spilled
to disk and merged back), then hands them one by one to the codec, which calls four methods
per posting (field length look-up, type checks, block buffering). Half the CPU of indexing
10,000 articles went there. `GroupingPool` keeps each term's postings together as they are
added (articles arrive in number order, so a term's list is already sorted) and spills whole
terms when it passes its memory limit; `write_postings` gives the codec each term's postings
a block at a time, filling the posting writer's block buffer as its `add_posting` would and
letting Whoosh's own code write the blocks and term infos. The index files are Whoosh's
format, read by any Whoosh reader.
"""

from __future__ import annotations

import heapq
import marshal
from array import array
from collections.abc import Iterator
from operator import itemgetter
from typing import Any

#: A posting as Whoosh's writer makes it: (field name, term bytes, document number, weight, value bytes).
Posting = tuple[str, bytes, int, float, bytes]
_DOCNUM = itemgetter(2)


class GroupingPool:
    """A drop-in for Whoosh's PostingPool (add, iter_postings, cleanup) that groups postings by
    term, spilling the groups to a run file in the writer's temporary storage past `limitmb`."""

    def __init__(self, tempstore: Any, limitmb: int = 128) -> None:
        self.tempstore = tempstore
        self.limit = limitmb * 1024 * 1024
        self.size = 0
        self.groups: dict[tuple[str, bytes], list[Posting]] = {}
        self.runs: list[str] = []

    def add(self, item: Posting) -> None:
        """Add one posting (as PostingPool.add)."""
        key = (item[0], item[1])
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = []
            self.size += 120 + len(item[1])
        group.append(item)
        # The tuple, its number, weight and value bytes (the strings are shared).
        self.size += 170 + len(item[4] or b"")
        if self.size > self.limit:
            self._spill()

    def _spill(self) -> None:
        name = f"grouped{len(self.runs)}.run"
        with self.tempstore.create_file(name).raw_file() as run:
            for key in sorted(self.groups):
                marshal.dump((key, self.groups[key]), run)
        self.runs.append(name)
        self.groups, self.size = {}, 0

    def _read_run(self, name: str) -> Iterator[tuple[tuple[str, bytes], list[Posting]]]:
        with self.tempstore.open_file(name).raw_file() as run:
            while True:
                try:
                    yield marshal.load(run)
                except EOFError:
                    return

    def iter_groups(self) -> Iterator[tuple[tuple[str, bytes], list[Posting]]]:
        """((field name, term bytes), postings in document order) per term, in term order."""
        in_memory = ((key, self.groups[key]) for key in sorted(self.groups))
        sources = [self._read_run(name) for name in self.runs] + [in_memory]
        current: tuple[str, bytes] | None = None
        postings: list[Posting] = []
        # Runs hold earlier documents than later runs and memory, so a term's parts are in order.
        for key, part in heapq.merge(*sources, key=itemgetter(0)):
            if key != current:
                if postings:
                    yield current, _in_document_order(postings)
                current, postings = key, []
            postings.extend(part)
        if postings:
            yield current, _in_document_order(postings)

    def iter_postings(self) -> Iterator[Posting]:
        """Every posting in (field, term, document) order, as PostingPool.iter_postings."""
        for _, postings in self.iter_groups():
            yield from postings

    def cleanup(self) -> None:
        """Remove the run files (PostingPool.cleanup)."""
        for name in self.runs:
            self.tempstore.delete_file(name)
        self.runs = []


def _in_document_order(postings: list[Posting]) -> list[Posting]:
    # Merging segments adds each segment's postings after the new documents': still ascending,
    # but sort (linear on sorted data) rather than rely on it.
    if any(postings[at][2] >= postings[at + 1][2] for at in range(len(postings) - 1)):
        postings.sort(key=_DOCNUM)
    return postings


def write_postings(fieldwriter: Any, schema: Any, lengths: Any, groups: Iterator[tuple[tuple[str, bytes], list[Posting]]],
                   doc_count: int) -> None:
    """Write every term's postings through Whoosh's W3 field writer, a block at a time.

    `lengths` is the segment's per-document reader (field lengths for block statistics) or
    None. Each block is buffered as W3PostingsWriter.add_posting buffers it (ids, weights,
    non-empty values, least non-zero and greatest length, greatest weight) and written by
    Whoosh; the last block is left for finish_term, as Whoosh leaves it.
    """
    field_lengths: dict[str, list[int] | None] = {}
    current_field = None
    for (fieldname, btext), postings in groups:
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
        for start in range(0, len(postings), limit):
            block = postings[start:start + limit]
            if start:
                writer._write_block()  # the previous block, full; it starts the next one
            writer._ids = array("I", [posting[2] for posting in block])
            weights = [posting[3] for posting in block]
            writer._weights = array("f", weights)
            writer._values = [posting[4] for posting in block if posting[4]]
            writer._maxweight = max(0, max(weights))
            if known is not None:
                present = [length for length in (known[posting[2]] for posting in block) if length]
                writer._minlength = min(present) if present else None
                writer._maxlength = max(present) if present else 0
        fieldwriter.finish_term()
    if current_field is not None:
        fieldwriter.finish_field()
