"""Temporary files of records: values written with marshal, each behind its length.

The indexer spills posting runs and keeps a first build's postings for the export in files
read back once, in order. `marshal.load` on a file reads a value a few bytes at a time
through Python-level file calls (0.34 s for 30,000 short records); reading the length, then
the record, through a buffered file and `marshal.loads` takes a fifteenth of that.
"""

from __future__ import annotations

import marshal
import struct
from collections.abc import Iterator
from typing import Any, BinaryIO

_LENGTH = struct.Struct("<I")


def write_record(stream: BinaryIO, value: Any) -> None:
    """Append `value` (what marshal can write: numbers, text, bytes, lists, tuples) to `stream`."""
    data = marshal.dumps(value)
    stream.write(_LENGTH.pack(len(data)) + data)


def read_records(stream: BinaryIO) -> Iterator[Any]:
    """The values of `stream` in the order they were written (a cut-short record ends them
    with an EOFError)."""
    read, unpack, size, loads = stream.read, _LENGTH.unpack, _LENGTH.size, marshal.loads
    while True:
        head = read(size)
        if not head:
            return
        if len(head) < size:
            raise EOFError("a record file ends inside a record's length")
        length = unpack(head)[0]
        data = read(length)
        if len(data) < length:
            raise EOFError("a record file ends inside a record")
        yield loads(data)
