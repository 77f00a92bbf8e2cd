"""An incremental build writes exactly what a clean build writes, and only rewrites what changed.

Real Pelican builds (pelicanconf.py, every plugin) of a small fictional archive: the fixture
archive plus a few dozen generated stories, three to a listing page so that numbered pages exist.
A newsroom day is simulated — a new story, a correction, a story taken down — and the rebuilt
output is compared byte for byte with a clean build of the same content. Caches that were cut
short or tampered with must be noticed, never trusted.
"""

from __future__ import annotations

import re
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from archive_format import article_relpath, render_article
from archive_speed.render_cache import CHECK_SOURCES_SETTING, MANIFEST_FILE
from conftest import FIXTURES, REPO, Build, run_build

KYIV = ZoneInfo("Europe/Kyiv")
DESKS = ["news", "business", "culture", "sport"]
TOPICS = ["harbour", "tram fares", "council budget", "ferry", "library"]
# Small pages, so the archive has numbered listing pages that must keep their bytes.
SETTINGS = {"DEFAULT_PAGINATION": 3}
SEARCH_EXPORT = "search/"  # archive_search's exported index (SEARCH_OUTPUT_DIR)
START = datetime(2024, 3, 1, 9, 30, tzinfo=KYIV)  # the first generated story


def story(number: int, when: datetime, desk: str = "", topic: str = "") -> tuple[str, str]:
    """A fictional story: (path inside content/, file text)."""
    topic = topic or TOPICS[number % len(TOPICS)]
    meta = {
        "headline": f"Harbour City {topic} update number {number}",
        "date": when,
        "desk": desk or DESKS[number % len(DESKS)],
        "byline": [["Mira Osei"], ["Tomas Reyes", "Mira Osei"]][number % 2],
        "tags": [topic.title()],
        "summary": f"What changed for the {topic} this week, part {number}.",
        "slug": f"harbour-city-{topic.replace(' ', '-')}-{number}",
    }
    body = f"The {topic} committee met on day {number}.\n\nResidents asked about {topic} again.\n"
    return article_relpath(meta), render_article(meta, body)


def write_story(content: Path, number: int, when: datetime, desk: str = "", topic: str = "") -> Path:
    relpath, text = story(number, when, desk, topic)
    path = content / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def make_archive(folder: Path) -> Path:
    """The fixture archive plus 30 generated stories, one every 40 hours from March 2024, in
    `folder`/content (returned)."""
    content = folder / "content"
    shutil.copytree(FIXTURES / "archive", content)
    for number in range(30):
        write_story(content, number, START + timedelta(hours=40 * number))
    return content


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """make_archive's archive in tmp_path."""
    return make_archive(tmp_path)


def files_of(output: Path, part: str) -> dict[str, bytes]:
    """The files of a build, by path inside the output: the search export (part "search") or
    every other file (part "pages")."""
    files = {}
    for path in sorted(output.rglob("*")):
        name = str(path.relative_to(output))
        if path.is_file() and (name.startswith(SEARCH_EXPORT) == (part == "search")):
            files[name] = path.read_bytes()
    return files


def assert_same_site(incremental: Build, clean: Build, part: str = "pages") -> None:
    """Same files, same bytes; on failure name the files that differ."""
    ours, theirs = files_of(incremental.output, part), files_of(clean.output, part)
    assert sorted(ours) == sorted(theirs), (
        f"only in incremental: {sorted(set(ours) - set(theirs))}; only in clean: {sorted(set(theirs) - set(ours))}")
    differing = sorted(name for name in ours if ours[name] != theirs[name])
    assert not differing, f"files with other bytes than a clean build: {differing}"


def build(content: Path, output: Path, verbose: bool = False) -> Build:
    result = run_build(content, output, settings=SETTINGS, verbose=verbose)
    assert result.returncode == 0, result.log
    return result


def newsroom_day(content: Path) -> None:
    """A new story, a correction to an old one, and a story taken down.

    The new story is on the culture desk under a topic of its own, so the business desk's stories keep their
    neighbours and related stories: their pages must be kept as they are.
    """
    write_story(content, 30, datetime(2024, 6, 1, 12, 0, tzinfo=KYIV), desk="culture", topic="lighthouse")
    corrected = content / story(7, START + timedelta(hours=280))[0]
    corrected.write_text(corrected.read_text(encoding="utf-8") + "\nCorrection: the committee met on a Tuesday.\n",
                         encoding="utf-8")
    (content / story(12, START + timedelta(hours=480))[0]).unlink()


def test_incremental_build_equals_clean_build(archive: Path, tmp_path: Path) -> None:
    output = tmp_path / "site"
    build(archive, output)
    untouched = next(output.glob("2024/*/*/harbour-city-tram-fares-1/index.html"))
    oldest_page = output / "desk" / "business" / "page" / "1" / "index.html"
    before = {path: path.stat().st_mtime_ns for path in (untouched, oldest_page)}

    newsroom_day(archive)
    incremental = build(archive, output)
    clean = build(archive, tmp_path / "clean")

    assert_same_site(incremental, clean)
    # An old story and the oldest page of its desk were kept, not written again.
    assert {path: path.stat().st_mtime_ns for path in before} == before


def test_incremental_search_export_equals_clean_build(archive: Path, tmp_path: Path) -> None:
    output = tmp_path / "site"
    build(archive, output)
    newsroom_day(archive)
    incremental = build(archive, output, verbose=True)
    assert_same_site(incremental, build(archive, tmp_path / "clean"), part="search")
    # The day's three stories, and only they, went through the index: what an editor's verbose
    # build says, with the seconds the update and the export took.
    stories = len(list(archive.rglob("*.md")))
    said = re.search(r"Search index: 1 added, 1 re-indexed, 1 removed, (\d+) unchanged \((\d+\.\d) s\); "
                     r"exported (\d+) articles .* \((\d+\.\d) s\)", incremental.log)
    assert said, incremental.log
    assert int(said[1]) + 2 == int(said[3]) <= stories  # the unchanged, the new and the corrected


def test_a_rebuild_with_no_change_writes_no_page(archive: Path, tmp_path: Path) -> None:
    output = tmp_path / "site"
    build(archive, output)
    pages = {p: p.stat().st_mtime_ns for p in output.rglob("index.html") if "search" not in p.parts}
    build(archive, output)
    rewritten = sorted(str(p.relative_to(output)) for p, mtime in pages.items() if p.stat().st_mtime_ns != mtime)
    assert rewritten == []


def retitle(content: Path, number: int, headline: str) -> None:
    """Give generated story `number` a new headline (its file keeps its name)."""
    path = content / story(number, START + timedelta(hours=40 * number))[0]
    text = path.read_text(encoding="utf-8")
    old = f"Harbour City {TOPICS[number % len(TOPICS)]} update number {number}"
    assert old in text
    path.write_text(text.replace(old, headline), encoding="utf-8")


@pytest.mark.parametrize("change", ["a neighbour's new headline", "a new story under an old topic"])
def test_stories_shown_on_other_pages_reach_those_pages(archive: Path, tmp_path: Path, change: str) -> None:
    """A page keeps its file only when nothing it shows changed, including other stories: the
    headline of a related or previous/next story, a related list that a new story joins."""
    output = tmp_path / "site"
    build(archive, output)
    if change == "a neighbour's new headline":
        retitle(archive, 11, "Harbour City ferry timetable rewritten")
    else:
        write_story(archive, 31, START + timedelta(hours=40 * 10 + 1), topic=TOPICS[10 % len(TOPICS)])
    incremental = build(archive, output)
    assert_same_site(incremental, build(archive, tmp_path / "clean"))


def test_a_template_change_reaches_every_page_using_it(archive: Path, tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    shutil.copytree(REPO / "theme", theme)
    settings = {**SETTINGS, "THEME": str(theme)}
    output = tmp_path / "site"
    assert run_build(archive, output, settings=settings).returncode == 0
    macros = theme / "templates" / "macros.html"
    macros.write_text(macros.read_text(encoding="utf-8").replace('<ol class="stories">', '<ol class="stories list">'),
                      encoding="utf-8")
    incremental = run_build(archive, output, settings=settings)
    clean = run_build(archive, tmp_path / "clean", settings=settings)
    assert incremental.returncode == clean.returncode == 0, incremental.log + clean.log
    assert_same_site(incremental, clean)
    assert b'class="stories list"' in (incremental.output / "desk" / "news" / "index.html").read_bytes()


def test_a_setting_change_reaches_every_page_showing_it(archive: Path, tmp_path: Path) -> None:
    """Tags move to other addresses: no story changed, yet every link to a tag must follow."""
    output = tmp_path / "site"
    build(archive, output)
    settings = {**SETTINGS, "TAG_URL": "topic/{slug}/"}
    incremental = run_build(archive, output, settings=settings)
    clean = run_build(archive, tmp_path / "clean", settings=settings)
    assert incremental.returncode == clean.returncode == 0, incremental.log + clean.log
    assert_same_site(incremental, clean)
    story_page = next(incremental.output.glob("2024/*/*/harbour-city-tram-fares-1/index.html"))
    assert b'topic/tram-fares/' in story_page.read_bytes()


@pytest.mark.parametrize("damage", ["story cache cut short", "page manifest garbled", "page edited by hand",
                                    "page edited by hand, same size"])
def test_damaged_caches_and_pages_are_not_trusted(archive: Path, tmp_path: Path, damage: str) -> None:
    output = tmp_path / "site"
    build(archive, output)
    cache = output.parent / (output.name + "-cache")
    if damage == "story cache cut short":
        reader_cache = next((cache / "archive_speed").glob("kept-stories-*"))
        reader_cache.write_bytes(reader_cache.read_bytes()[:100])
    elif damage == "page manifest garbled":
        (cache / "archive_speed" / MANIFEST_FILE).write_bytes(b"\xe9\x03key\x00garbled")
    else:
        page = output / "2024" / "03" / "01" / "harbour-city-harbour-0" / "index.html"
        # The same size: only the file's time tells that it is no longer what the build wrote.
        edit = "Harbxur" if damage.endswith("same size") else "Harbor"
        page.write_text(page.read_text(encoding="utf-8").replace("Harbour", edit), encoding="utf-8")

    newsroom_day(archive)
    incremental = build(archive, output)
    assert_same_site(incremental, build(archive, tmp_path / "clean"))


def test_stories_found_without_fingerprints_are_the_ones_fingerprints_read(archive: Path, tmp_path: Path) -> None:
    """A page the last build did not write records the stories it reads without its fingerprint
    (render_cache.PageSources); with the check on, every such page is fingerprinted too and the
    two sets compared (the build fails on a difference): in a clean build (every page) and in a
    newsroom day's rebuild (its new pages), then the rebuild equals a clean build."""
    output = tmp_path / "site"
    settings = {**SETTINGS, CHECK_SOURCES_SETTING: True}
    first = run_build(archive, output, settings=settings)
    assert first.returncode == 0, first.log
    newsroom_day(archive)
    incremental = run_build(archive, output, settings=settings)
    assert incremental.returncode == 0, incremental.log
    assert_same_site(incremental, build(archive, tmp_path / "clean"))
