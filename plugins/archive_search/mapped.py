"""Whoosh's segment files read straight from the memory map, without a copy per reader.

Whoosh (2.7's CompoundStorage.open_file) maps a segment file and wraps each file inside it in
a BufferFile, whose `io.BytesIO(memoryview)` copies the whole file: every reader opened held
a private copy of the index's postings (96 MB at 10,000 articles, 600 MB at 50,000) on top of
the mapped pages. `MappedFile` keeps BufferFile's direct slicing (`get`, used for posting
blocks) and reads sequentially through Whoosh's own SubFile over the map, so nothing is
copied. `use_mapped_files()` installs it; archive_search calls it on import.
"""

from __future__ import annotations

import io
import pickle
from typing import Any

from whoosh.filedb import compound
from whoosh.filedb.structfile import BufferFile

_original_open_file = compound.CompoundStorage.open_file


class MappedFile(BufferFile):
    """A file inside a mapped segment file: BufferFile without the copy."""

    def __init__(self, source: Any, offset: int, length: int, name: str | None = None) -> None:
        self._buf = memoryview(source)[offset:offset + length]
        self._name = name
        self.file = compound.SubFile(source, offset, length, name=name)
        self.onclose = None
        self.is_real = False
        self.is_closed = False

    def read_pickle(self) -> Any:
        """Read a pickle at the current position. (Unpickling from SubFile reads opcode by opcode
        through Python calls; a small copied window unpickles in C. Whoosh's pickles here are
        posting-block headers of a few dozen bytes: the window grows if one is longer.)"""
        start = self.file.tell()
        window = 256
        while True:
            chunk = io.BytesIO(self._buf[start:start + window])
            try:
                value = pickle.Unpickler(chunk).load()
            except (EOFError, pickle.UnpicklingError):
                if start + window >= len(self._buf):
                    raise
                window *= 4
                continue
            self.file.seek(start + chunk.tell())
            return value


def _open_file(self: compound.CompoundStorage, name: str, *args: Any, **kwargs: Any) -> Any:
    if self._source and not self.is_closed:
        offset, length = self.range(name)
        return MappedFile(self._source, offset, length, name=name)
    return _original_open_file(self, name, *args, **kwargs)


def use_mapped_files() -> None:
    """Make Whoosh open files inside mapped segment files as MappedFile (idempotent)."""
    compound.CompoundStorage.open_file = _open_file
