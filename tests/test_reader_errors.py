"""Article files the reader cannot take as they are: each stops the build with the file, the
field and what to do, never a traceback, never a story quietly left out of the archive."""
from __future__ import annotations

from pathlib import Path

import pytest
from pelican.settings import read_settings

from archive_reader import ArchiveReader, InvalidArticle
from conftest import FIXTURES, REPO, run_build

STORY = "---\nheadline: Café owners back the tram\ndate: 2023-03-20\ndesk: news\n---\nThe café on Elm Street.\n"


@pytest.fixture(scope="module")
def reader() -> ArchiveReader:
    settings = read_settings(str(REPO / "pelicanconf.py"), override={"PATH": str(FIXTURES / "archive")})
    return ArchiveReader(settings)


@pytest.mark.parametrize(("encoding", "line", "byte"), [("latin-1", 2, "e9"), ("utf-16", 1, "ff")])
def test_a_file_not_in_utf8_names_its_line(reader: ArchiveReader, tmp_path: Path, encoding: str,
                                           line: int, byte: str) -> None:
    path = tmp_path / "2023-03-20-cafe.md"
    path.write_bytes(STORY.encode(encoding))
    with pytest.raises(InvalidArticle) as caught:
        reader.read(str(path))
    [problem] = caught.value.problems
    assert (problem.field, problem.line) == ("file", line)
    assert f"is not UTF-8 text (byte 0x{byte} on line {line}); save it as UTF-8" in problem.message


def test_a_link_to_a_missing_file_is_named(reader: ArchiveReader, tmp_path: Path) -> None:
    path = tmp_path / "2023-03-20-gone.md"
    path.symlink_to(tmp_path / "moved-away.md")
    with pytest.raises(InvalidArticle, match=r"file: cannot be read \(No such file or directory\); fix or remove"):
        reader.read(str(path))


def test_unreadable_articles_stop_the_build_instead_of_dropping_out(fixture_archive: Path, tmp_path: Path) -> None:
    # Pelican's default is to log "Could not process" and build the archive without the story.
    (fixture_archive / "news/2023/2023-03-20-cafe.md").write_bytes(STORY.encode("latin-1"))
    (fixture_archive / "news/2023/2023-03-21-gone.md").symlink_to(tmp_path / "moved-away.md")
    build = run_build(fixture_archive, tmp_path / "out")
    assert build.returncode != 0
    assert "2 article file(s) are invalid; nothing was written" in build.log
    assert "2023-03-20-cafe.md:2: file: is not UTF-8 text" in build.log
    assert "2023-03-21-gone.md: file: cannot be read" in build.log
    assert "Traceback" not in build.log
    assert not any((tmp_path / "out").rglob("*.html"))


def test_two_stories_at_one_address_stop_the_build_before_any_page_is_written(
        fixture_archive: Path, tmp_path: Path) -> None:
    # The same story filed under a second desk: same day, same slug, same address.
    story = fixture_archive / "news/2023/2023-03-16-tram-line-vote.md"
    copy = fixture_archive / "business/2023/2023-03-16-tram-line-vote.md"
    copy.parent.mkdir(parents=True)
    copy.write_text(story.read_text(encoding="utf-8").replace("desk: news", "desk: business"), encoding="utf-8")
    build = run_build(fixture_archive, tmp_path / "out")
    assert build.returncode != 0
    assert "1 article file(s) are invalid; nothing was written" in build.log
    # Either file may be met first; the message names both.
    assert 'slug: "tram-line-vote" gives the address 2023/03/16/tram-line-vote/, which' in build.log
    assert "news/2023/2023-03-16-tram-line-vote.md" in build.log
    assert "business/2023/2023-03-16-tram-line-vote.md" in build.log
    assert "another slug (e.g. slug: tram-line-vote-2)" in build.log
    assert "Traceback" not in build.log
    assert not any((tmp_path / "out").rglob("*.html"))


@pytest.mark.parametrize(("setting", "value", "message"), [
    # A list of desks: every story used to be "Could not process", then a template traceback.
    ("DESKS", ["news", "business", "culture", "sport"],
     "pelicanconf.py: DESKS = ['news', 'business', 'culture', 'sport']: expected each desk's slug and display name"),
    ("TIMEZONE", "Europe/Kiev-Harbour",
     "pelicanconf.py: TIMEZONE = 'Europe/Kiev-Harbour': not a zoneinfo name; write one such as \"Europe/Kyiv\""),
])
def test_a_setting_the_reader_cannot_use_stops_the_build_naming_it(
        fixture_archive: Path, tmp_path: Path, setting: str, value: object, message: str) -> None:
    build = run_build(fixture_archive, tmp_path / "out", settings={setting: value})
    assert build.returncode != 0
    assert message in build.log
    assert "Traceback" not in build.log and "Could not process" not in build.log
    assert not any((tmp_path / "out").rglob("*.html"))
