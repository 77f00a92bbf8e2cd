"""The reader's paths relative to the project and to PATH (os.path.relpath's, once per folder)
and its byline and tag wrappers (Pelican's, slugified once per name)."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from pelican.settings import read_settings
from pelican.urlwrappers import Author, Tag

from archive_reader import ArchiveReader
from archive_reader.reader import relative_path
from conftest import REPO

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


NAMES = ["Internet Explorer", "Mozilla Foundation", "Ravi Menon", "Ann O'Neil", "Київ", "日本", "C++", "!!!", "",
         "  spaced  ", "Émile Zola", "AT&T", "a/b", "Ravi Menon"]


def test_bylines_and_tags_get_pelicans_own_wrappers(tmp_path: Path) -> None:
    """Each wrapper the reader makes is, field for field, the one Pelican makes and slugifies
    itself, for names met once and again, and for names with no slug (left for Pelican); a name
    met again is given the same object, unless it has no slug."""
    # Tags slugified by rules of their own: a byline and a tag of one name differ.
    tag_rules = [*read_settings(None)["SLUG_REGEX_SUBSTITUTIONS"], ("ravi", "tagged")]
    settings = read_settings(str(REPO / "pelicanconf.py"),
                             override={"PATH": str(tmp_path), "TAG_REGEX_SUBSTITUTIONS": tag_rules})
    assert Tag("Ravi Menon", settings).slug != Author("Ravi Menon", settings).slug
    reader = ArchiveReader(settings)
    chance = random.Random(5)
    for _ in range(300):
        kind = chance.choice([Tag, Author])
        name = chance.choice(NAMES)
        met = (kind, name) in reader._unslugged
        before = reader._wrappers.get((kind, name))
        ours, theirs = reader._named(kind, name), kind(name, settings)
        assert type(ours) is kind
        if met and not theirs.slug:
            assert ours._slug is None  # Pelican makes it, and warns, when it is used
        assert (ours is before) == bool(theirs.slug and before is not None)
        assert ours is reader._named(kind, name) or not theirs.slug
        assert ours.slug == theirs.slug
        assert vars(ours) == vars(theirs), name


def test_stories_of_one_desk_byline_and_tag_share_their_objects(tmp_path: Path) -> None:
    """Two stories read by one reader hold the same desk, byline and tag objects, each what
    Pelican would make for it (the desk's slug is the desk, its name the display name)."""
    settings = read_settings(str(REPO / "pelicanconf.py"), override={"PATH": str(tmp_path)})
    reader = ArchiveReader(settings)
    metas = []
    for number, tags in enumerate((["Ferries", "Port"], ["Port"])):
        path = tmp_path / f"2024-03-1{number}-story-{number}.md"
        path.write_text(f"---\nheadline: Story {number}\ndate: 2024-03-1{number}T09:00:00+02:00\ndesk: news\n"
                        f"byline: [Ada Fenwick]\ntags: [{', '.join(tags)}]\n---\n\nText.\n", encoding="utf-8")
        metas.append(reader.read(str(path))[1])
    first, second = metas
    assert first["category"] is second["category"]
    assert (first["category"].slug, first["category"].name) == ("news", settings["DESKS"]["news"])
    assert first["authors"][0] is second["authors"][0]
    assert first["tags"][1] is second["tags"][0] and first["tags"][0] is not second["tags"][0]
    assert vars(first["tags"][1]) == vars(Tag("Port", settings)) | {"_slug": "port"}


def test_markdown_files_are_not_reported_to_a_missing_python_markdown(monkeypatch: pytest.MonkeyPatch,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    """Python-Markdown is not among the archive's packages: Pelican's own Markdown reader is
    then disabled, and must not warn for each article the archive's reader reads."""
    from pelican import readers as pelican_readers
    from pelican import signals

    import archive_reader

    monkeypatch.setattr(pelican_readers.MarkdownReader, "enabled", False)
    # A receiver of this test's own, connected only while the readers are made.
    with signals.readers_init.connected_to(lambda readers: archive_reader.use_archive_reader(readers)):
        found = pelican_readers.Readers(read_settings(str(REPO / "pelicanconf.py")))
    assert isinstance(found.readers["md"], ArchiveReader)
    with caplog.at_level("WARNING"):
        found.check_file("news/2024/story.md")
        found.check_file("pages/about.markdown")
    assert not caplog.records
