"""Pelican's content caches stamp each file once per build and get Pelican's own stamps."""
from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest
from pelican.cache import FileStampDataCacher
from pelican.settings import DEFAULT_CONFIG

from archive_speed.file_stamps import remembered_file_stamps


def _cacher(tmp_path: Path, method: str, name: str) -> FileStampDataCacher:
    settings = copy.deepcopy(DEFAULT_CONFIG)
    settings.update(CACHE_PATH=str(tmp_path / "cache"), CHECK_MODIFIED_METHOD=method)
    return FileStampDataCacher(settings, name, caching_policy=True, load_policy=False)


@pytest.mark.parametrize("method", ["sha256", "mtime", "md5"])
def test_each_file_is_stamped_once_with_pelicans_stamp(tmp_path: Path, method: str) -> None:
    """Two caches asking three times about two files: the stamps are Pelican's, each file is
    read once, a missing file still gets Pelican's empty stamp, and Pelican's method is back
    afterwards."""
    stories = [tmp_path / "tram-fares.md", tmp_path / "harbour.md"]
    for number, story in enumerate(stories):
        story.write_text(f"---\nheadline: Story {number}\n---\n\nText {number}.\n", encoding="utf-8")
        os.utime(story, (1_700_000_000 + number, 1_700_000_000 + number))  # stamps apart by mtime too
    readers, generator = _cacher(tmp_path, method, "READERS"), _cacher(tmp_path, method, "ARTICLES")
    expected = {str(story): readers._get_file_stamp(str(story)) for story in stories}
    missing = str(tmp_path / "deleted.md")
    pelicans = FileStampDataCacher._get_file_stamp
    asked: list[str] = []
    for cacher in (readers, generator):
        stamp = cacher._filestamp_func

        def counted(filename: str, stamp=stamp) -> object:
            asked.append(filename)
            return stamp(filename)

        cacher._filestamp_func = counted
    with remembered_file_stamps():
        assert FileStampDataCacher._get_file_stamp is not pelicans
        for _ in range(3):
            for cacher in (readers, generator):
                assert {name: cacher._get_file_stamp(name) for name in expected} == expected
        assert readers._get_file_stamp(missing) == ""
    assert FileStampDataCacher._get_file_stamp is pelicans
    assert sorted(asked) == sorted([*expected, missing])
    assert len(set(expected.values())) == 2
