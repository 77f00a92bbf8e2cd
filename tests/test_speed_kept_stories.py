"""Kept stories (archive_speed/kept_stories.py): a story loaded from the last build is what
Pelican makes of the same file, and a kept story that is stale, damaged or not Pelican's is
never used.

Real Pelican builds of a small fictional archive (the fixture archive, generated stories, a
hidden story and a translation), with ARCHIVE_SPEED_CHECK_KEPT_STORIES on where Pelican's own
making is compared with every kept story.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import pickle
import shutil
import time
from datetime import timedelta
from pathlib import Path

import pytest
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import Author, Category, Tag

from archive_format import article_relpath, render_article
from archive_speed.cache_guard import STATE_DIR
from archive_speed.kept_stories import CHECK_SETTING, KEPT_PREFIX, SETTLED_NS, KeptStories, shard_of
from conftest import FIXTURES, run_build
from test_incremental_build import START, assert_same_site, newsroom_day, write_story

SETTINGS = {"DEFAULT_PAGINATION": 3}
CHECKED = {**SETTINGS, CHECK_SETTING: True}


def _extra_story(content: Path, slug: str, **fields: object) -> Path:
    meta = {"headline": f"Harbour City {slug}", "date": START + timedelta(days=3), "desk": "news",
            "byline": ["Mira Osei"], "tags": ["Harbour"], "slug": slug, **fields}
    path = content / article_relpath(meta)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_article(meta, f"The {slug} story.\n"), encoding="utf-8")
    return path


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """The fixture archive (with its draft), 16 generated stories, a hidden story and a story
    with a translation."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "archive", content)
    for number in range(16):  # the newsroom day corrects story 7 and takes down story 12
        write_story(content, number, START + timedelta(hours=40 * number))
    _extra_story(content, "harbour-unlisted", status="hidden")
    _extra_story(content, "harbour-ferry-tariffs", lang="en")
    # A translation: the same slug (Pelican's translation id), published a day later.
    _extra_story(content, "harbour-ferry-tariffs", lang="uk", headline="Тарифи на пороми",
                 date=START + timedelta(days=4))
    return content


def _build(content: Path, output: Path, settings: dict[str, object] = SETTINGS, *, ok: bool = True):
    # Wide enough that the log's lines keep file names and messages whole.
    result = run_build(content, output, settings=settings, env={"COLUMNS": "1000"})
    assert (result.returncode == 0) == ok, result.log
    return result


def _cache(output: Path) -> Path:
    return output.parent / (output.name + "-cache")


def _kept(output: Path) -> dict[str, tuple]:
    stories: dict[str, tuple] = {}
    for shard in sorted((_cache(output) / STATE_DIR).glob(f"{KEPT_PREFIX}*")):
        stories.update(pickle.loads(shard.read_bytes())["stories"])
    return stories


def test_kept_stories_are_what_pelican_makes(archive: Path, tmp_path: Path) -> None:
    """Every story of the archive is kept (drafts, hidden stories and translations too), each
    kept story is what Pelican makes of its file (compared in a checking build), and the
    rebuild after a newsroom day is what a clean build writes."""
    output = tmp_path / "site"
    # Settings are in the caches' key: every build of the site checks, or none would be kept.
    _build(archive, output, CHECKED)
    kept = _kept(output)
    stories = sorted(str(p.relative_to(archive)) for p in archive.rglob("*.md") if "pages" not in p.parts)
    assert sorted(kept) == stories
    assert not (_cache(output) / "ArticlesGenerator-Readers").exists()

    _build(archive, output, CHECKED)  # every kept story compared with Pelican's own
    newsroom_day(archive)
    incremental = _build(archive, output, CHECKED)
    assert_same_site(incremental, _build(archive, tmp_path / "clean"))
    assert len(_kept(output)) == len(stories)  # one new, one taken down


def _record(output: Path, shard: Path) -> None:
    """Record `shard`'s bytes as the last build's, as the guard would have."""
    state_path = _cache(output) / STATE_DIR / "state.json"
    state = json.loads(state_path.read_text(encoding="utf-8"))
    state["files"][shard.name] = hashlib.sha256(shard.read_bytes()).hexdigest()
    state_path.write_text(json.dumps(state), encoding="utf-8")


def _forge(output: Path, into: str, source: str) -> None:
    """Give story `into` the kept bytes of story `source`, and record the shard's new hash as
    the last build's: only the checking build can then tell."""
    shard = _cache(output) / STATE_DIR / f"{KEPT_PREFIX}{shard_of(into):02d}.pickle"
    data = pickle.loads(shard.read_bytes())
    data["stories"][into] = (*data["stories"][into][:2], _kept(output)[source][2], *data["stories"][into][3:])
    shard.write_bytes(pickle.dumps(data))
    _record(output, shard)


def test_a_kept_story_that_is_not_pelicans_is_caught(archive: Path, tmp_path: Path) -> None:
    """A kept story that Pelican would not make of its file fails the checking build, which
    names the file and the attributes that differ."""
    output = tmp_path / "site"
    _build(archive, output, CHECKED)
    kept = sorted(_kept(output))
    into, source = kept[0], kept[1]
    _forge(output, into, source)
    failed = _build(archive, output, CHECKED, ok=False)
    assert "KeptStoryDiffers" in failed.log and into in failed.log
    assert "source_path" in failed.log and "title" in failed.log


def test_an_edit_keeping_size_and_time_is_seen(archive: Path, tmp_path: Path) -> None:
    """A file's size and times only stand in for its hash: an edit of the same length with
    the old modification time restored is still read again."""
    an_hour_ago = time.time_ns() - 3600 * 10**9
    for path in archive.rglob("*.md"):
        os.utime(path, ns=(an_hour_ago, an_hour_ago))
    output = tmp_path / "site"
    _build(archive, output)
    # A file's size and times are recorded once its change time is older than the build by
    # a margin: the next build after it records them.
    time.sleep(SETTLED_NS / 10**9)
    _build(archive, output)
    assert all(entry[1] is not None for entry in _kept(output).values())
    story = next(archive.rglob("*harbour-city-ferry-3.md"))
    before = story.stat()
    text = story.read_text(encoding="utf-8")
    story.write_text(text.replace("committee met", "committee sat"), encoding="utf-8")
    os.utime(story, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert story.stat().st_size == before.st_size and story.stat().st_mtime_ns == before.st_mtime_ns

    incremental = _build(archive, output)
    assert_same_site(incremental, _build(archive, tmp_path / "clean"))
    page = next(output.glob("2024/*/*/harbour-city-ferry-3/index.html"))
    assert "committee sat" in page.read_text(encoding="utf-8")


def test_a_fresh_checkout_keeps_every_story(archive: Path, tmp_path: Path) -> None:
    """Content copied anew (every file's times and inode new) with the cache restored: each
    story is found by its file's hash, not made again. One kept story is marked (its reader's
    name, which no page shows) to tell a kept story from one made again."""
    output = tmp_path / "site"
    _build(archive, output)
    marked = sorted(_kept(output))[0]
    shard = _cache(output) / STATE_DIR / f"{KEPT_PREFIX}{shard_of(marked):02d}.pickle"
    data = pickle.loads(shard.read_bytes())
    sha256, stamp, story, *rest = data["stories"][marked]
    assert story.count(b"\x8c\x07archive") == 1
    data["stories"][marked] = (sha256, stamp, story.replace(b"\x8c\x07archive", b"\x8c\x07MARKED!"), *rest)
    shard.write_bytes(pickle.dumps(data))
    _record(output, shard)
    first = _kept(output)

    moved = tmp_path / "checkout"
    shutil.move(archive, moved)
    shutil.copytree(moved, archive)  # new inodes and times, same bytes, same place
    _build(archive, output)
    second = _kept(output)
    assert sorted(second) == sorted(first)
    assert all(second[path][0] == first[path][0] for path in first)
    assert b"MARKED!" in second[marked][2]


def test_a_story_made_invalid_fails_with_its_field_named(archive: Path, tmp_path: Path) -> None:
    """A kept story whose file becomes invalid is read again and fails the build as any
    invalid story does: the file and the field are named, and no traceback is printed."""
    output = tmp_path / "site"
    _build(archive, output)
    story = next(archive.rglob("*harbour-city-ferry-3.md"))
    text = story.read_text(encoding="utf-8")
    story.write_text(text.replace("date: 2024", "date: 16/03/2024 #", 1), encoding="utf-8")
    failed = _build(archive, output, ok=False)
    assert f'{story}:3: date: "16/03/2024" is not ISO 8601' in failed.log
    assert "Traceback" not in failed.log


def test_a_kept_story_loads_as_it_was_made(tmp_path: Path) -> None:
    """A story kept and loaded has the same attributes in the same order, its tags list is its
    metadata's, and stories with the same desk, tag or byline share one object."""
    settings = copy.deepcopy(DEFAULT_CONFIG) | {"CACHE_PATH": str(tmp_path), "PATH": str(tmp_path),
                                                 "OUTPUT_PATH": str(tmp_path / "out"), "CACHE_CONTENT": True,
                                                 "LOAD_CONTENT_CACHE": True}
    context: dict[str, object] = {"generated_content": {}}

    def made(slug: str) -> Article:
        tags = [Tag("Harbour", settings), Tag(slug.title(), settings)]
        metadata = {"title": f"Story {slug}", "slug": slug, "date": START, "tags": tags,
                    "category": Category("news", settings), "authors": [Author("Mira Osei", settings)]}
        return Article(f"<p>{slug}</p>", metadata=metadata, settings=settings,
                       source_path=str(tmp_path / f"{slug}.md"), context=context)

    writer = KeptStories(settings, "key")
    generator = _Generator(tmp_path, context)
    writer.attach(generator)
    for slug in ("ferry", "budget"):
        (tmp_path / f"{slug}.md").write_text(slug, encoding="utf-8")
        assert generator.get_cached_data(f"{slug}.md") is None
        generator.cache_data(f"{slug}.md", made(slug))
    generator.save_cache()

    reader = KeptStories(settings, "key")
    reader.attach(generator)
    ferry, budget = (generator.get_cached_data(f"{slug}.md") for slug in ("ferry", "budget"))
    original = made("ferry")
    assert list(vars(ferry)) == list(vars(original))
    assert ferry.settings is settings and ferry._context is context
    assert ferry.tags is ferry.metadata["tags"] and ferry.tags == original.tags
    assert ferry.tags[0] is budget.tags[0] and ferry.category is budget.category
    assert ferry.date == original.date and ferry.date.tzinfo is original.date.tzinfo

    other_key = KeptStories(settings, "another key")
    other_key.attach(generator)
    assert generator.get_cached_data("ferry.md") is None


def test_a_shared_desk_is_kept_with_the_fields_it_had_for_each_story(tmp_path: Path) -> None:
    """Stories share one desk, tag or byline object, whose reference is worked out once while
    its fields stay the same objects: a desk whose slug is worked out (and copied in by
    as_dict) or which is renamed between two stories is kept, for each, as it was then."""
    settings = copy.deepcopy(DEFAULT_CONFIG) | {"CACHE_PATH": str(tmp_path), "PATH": str(tmp_path),
                                                 "OUTPUT_PATH": str(tmp_path / "out"), "CACHE_CONTENT": True,
                                                 "LOAD_CONTENT_CACHE": True}
    context: dict[str, object] = {"generated_content": {}}
    desk = Category("news", settings)
    slugs = ("ferry", "budget", "tram", "port")
    changes = [lambda: None, lambda: desk.as_dict(), lambda: None, lambda: setattr(desk, "name", "News desk")]
    writer = KeptStories(settings, "key")
    generator = _Generator(tmp_path, context)
    writer.attach(generator)
    states = {}
    for slug, change in zip(slugs, changes):
        change()
        states[slug] = dict(vars(desk))
        (tmp_path / f"{slug}.md").write_text(slug, encoding="utf-8")
        assert generator.get_cached_data(f"{slug}.md") is None
        story = Article(f"<p>{slug}</p>", metadata={"title": slug, "slug": slug, "date": START, "category": desk},
                        settings=settings, source_path=str(tmp_path / f"{slug}.md"), context=context)
        generator.cache_data(f"{slug}.md", story)
    generator.save_cache()
    reader = KeptStories(settings, "key")
    reader.attach(generator)
    for slug in slugs:
        kept = generator.get_cached_data(f"{slug}.md")
        assert vars(kept.category) == states[slug], slug
    assert len({repr([item for item in state.items() if item[0] != "settings"]) for state in states.values()}) == 3


class _Generator:
    """What KeptStories uses of Pelican's articles generator."""

    def __init__(self, path: Path, context: dict[str, object]) -> None:
        self.path, self.context = str(path), context
        self.readers = type("Readers", (), {"_cache_path": None})()
