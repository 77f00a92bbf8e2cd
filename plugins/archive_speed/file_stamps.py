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

from collections.abc import Hashable
from contextlib import AbstractContextManager

from pelican.cache import FileStampDataCacher

from archive_speed.method_memo import remembered_method


def _stamp_key(cacher: FileStampDataCacher, filename: str) -> Hashable | None:
    """A file's stamp depends on the file and the stamping method; a cacher without one (its
    cache off) is left to Pelican."""
    if getattr(cacher, "_filestamp_func", None) is None:
        return None
    return (cacher.settings.get("CHECK_MODIFIED_METHOD"), filename)


def remembered_file_stamps() -> AbstractContextManager[None]:
    """While inside, every FileStampDataCacher stamps each file once per method."""
    return remembered_method(FileStampDataCacher, "_get_file_stamp", _stamp_key)
