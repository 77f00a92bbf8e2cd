"""Each source file's stamp (its SHA-256) taken once per build, not once per cache asking.

Pelican's content caches stamp a file by reading and hashing all of it on every question: the
reader cache when it looks a story up and again when it stores it, and the generator's cache
when it stores it too. Three opens and three hashes of every story on a clean build (about
0.25 CPU s per 2,000 stories, most of it opening files). The stamp of one file under one
CHECK_MODIFIED_METHOD is the same for the whole build, so `remembered_file_stamps()` takes it
once and answers the other questions from a memo. Should a file change while the build runs,
the stamp stored with its story is then the one of the bytes that were read, so the next build
reads it again (Pelican's own way could store the newer stamp with the older story).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pelican.cache import FileStampDataCacher

_PELICANS = FileStampDataCacher._get_file_stamp


@contextmanager
def remembered_file_stamps() -> Iterator[None]:
    """While inside, every FileStampDataCacher stamps each file once per method."""
    memo: dict[tuple[Any, str], Any] = {}

    def _get_file_stamp(self: FileStampDataCacher, filename: str) -> Any:
        if getattr(self, "_filestamp_func", None) is None:
            return _PELICANS(self, filename)
        key = (self.settings.get("CHECK_MODIFIED_METHOD"), filename)
        if key not in memo:
            memo[key] = _PELICANS(self, filename)
        return memo[key]

    _get_file_stamp.__doc__ = _PELICANS.__doc__
    FileStampDataCacher._get_file_stamp = _get_file_stamp  # type: ignore[method-assign]
    try:
        yield
    finally:
        FileStampDataCacher._get_file_stamp = _PELICANS  # type: ignore[method-assign]
