"""The reader's paths relative to the project and to PATH: os.path.relpath's, once per folder."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from archive_reader.reader import relative_path

PARTS = ["content", "news", "2024", ".", "..", "", "a b", "é", "story.md", "x.md", "..md", ".hidden"]


def _paths(count: int, seed: int) -> list[str]:
    chance = random.Random(seed)
    paths = []
    for _ in range(count):
        path = "/".join(chance.choice(PARTS) for _ in range(chance.randint(1, 5)))
        paths.append(chance.choice(["", "/", "/tmp/", "./", "../"]) + path)
    return paths


@pytest.mark.parametrize("seed", range(3))
def test_relative_path_is_relpath(seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "content" / "news").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "content")
    starts = [os.curdir, "content", str(tmp_path), str(tmp_path / "content"), "/", "..", "news/.."]
    for path in _paths(3000, seed):
        for start in starts:
            if not path:
                with pytest.raises(ValueError):
                    relative_path(path, start)
                continue
            assert relative_path(path, start) == os.path.relpath(path, start), (path, start)


def test_a_new_working_folder_is_not_taken_from_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a").mkdir()
    monkeypatch.chdir(tmp_path)
    assert relative_path(str(tmp_path / "a" / "x.md"), os.curdir) == os.path.join("a", "x.md")
    monkeypatch.chdir(tmp_path / "a")
    assert relative_path(str(tmp_path / "a" / "x.md"), os.curdir) == "x.md"
