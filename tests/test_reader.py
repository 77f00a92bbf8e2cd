"""The reader plugin on real files: metadata mapping, timezone, sanitizing, {filename} links."""
from __future__ import annotations

from pathlib import Path

import pytest
from pelican.settings import read_settings

from archive_reader import ArchiveReader, InvalidArticle
from conftest import FIXTURES, REPO


@pytest.fixture(scope="module")
def reader() -> ArchiveReader:
    settings = read_settings(str(REPO / "pelicanconf.py"), override={"PATH": str(FIXTURES / "archive")})
    return ArchiveReader(settings)


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "news" / "2023" / "2023-03-16-story.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_fields_map_onto_pelican(reader: ArchiveReader) -> None:
    html, meta = reader.read(str(FIXTURES / "archive/news/2023/2023-03-16-tram-line-vote.md"))
    assert meta["title"] == meta["headline"] == "Council backs the Elm Street tram line after a late-night vote"
    assert (meta["category"].slug, meta["category"].name) == ("news", "News")
    assert [a.name for a in meta["authors"]] == ["Mira Okafor", "Ledger news desk"]
    assert [t.name for t in meta["tags"]] == ["Harbour Council", "Transport", "Elm Street"]
    # A time without offset is Kyiv wall-clock time: +02:00 in March before the DST change.
    assert meta["date"].isoformat() == "2023-03-16T21:08:00+02:00"
    assert meta["corrections"][0]["date"].isoformat() == "2023-03-18T10:00:00+02:00"
    assert meta["summary"] == "Councillors voted 31 to 12 for the <strong>tram line</strong>."
    assert meta["lang"] == "en"
    assert '<td style="text-align:right">31</td>' in html


def test_bare_date_after_dst_change(reader: ArchiveReader) -> None:
    _, meta = reader.read(str(FIXTURES / "archive/news/2023/2023-03-27-budget-debate.md"))
    assert meta["date"].isoformat() == "2023-03-27T00:00:00+03:00"
    assert meta["aliases"] == ["/2023/03/27/old-cms-budget-url/"]


def test_raw_html_from_scraped_pages_is_sanitized(reader: ArchiveReader) -> None:
    html, _ = reader.read(str(FIXTURES / "archive/news/2023/2023-03-27-budget-debate.md"))
    assert "<script" not in html and "tracker" not in html
    assert "<iframe" not in html
    assert "onclick" not in html and "javascript:" not in html
    assert "A scraped paragraph with an event handler." in html  # the text itself stays


def test_internal_links_keep_pelicans_placeholder(reader: ArchiveReader) -> None:
    html, _ = reader.read(str(FIXTURES / "archive/news/2023/2023-03-16-tram-line-vote.md"))
    assert 'href="{filename}/news/2023/2023-03-27-budget-debate.md"' in html
    assert 'href="https://example.org/ferry" title="timetable"' in html


def test_image_and_modified(reader: ArchiveReader) -> None:
    _, meta = reader.read(str(FIXTURES / "archive/business/2024/2024-07-04-port-cranes.md"))
    assert meta["image"] == {"src": "images/crane.svg", "caption": "A crane at the fictional east quay.",
                             "credit": "Ledger graphics", "alt": "Outline of a harbour crane"}
    assert meta["modified"].isoformat() == "2024-07-05T12:00:00+03:00"


def test_invalid_article_lists_every_problem(reader: ArchiveReader, tmp_path: Path) -> None:
    path = write(tmp_path, "---\nheadline: x\ndate: 16/03/2023\ndesk: nws\n---\nBody\n")
    with pytest.raises(InvalidArticle) as caught:
        reader.read(path)
    fields = [p.field for p in caught.value.problems]
    assert fields == ["date", "desk"]
    assert all(p.source.endswith("news/2023/2023-03-16-story.md") for p in caught.value.problems)
    assert caught.value.problems[0].line == 3
    assert caught.value.problems[0] in reader.problems


@pytest.mark.parametrize(("text", "phrase"), [
    ("No front matter at all.\n", "is missing: start the file with a '---' line"),
    ("---\nheadline: [broken\n---\nBody\n", "is not valid YAML"),
    ("---\n- a list\n---\nBody\n", "must be a mapping"),
])
def test_broken_front_matter(reader: ArchiveReader, tmp_path: Path, text: str, phrase: str) -> None:
    with pytest.raises(InvalidArticle, match="front matter: " + phrase.replace("[", r"\[")):
        reader.read(write(tmp_path, text))


def test_byte_order_mark_is_accepted(reader: ArchiveReader, tmp_path: Path) -> None:
    path = write(tmp_path, "\ufeff---\nheadline: x\ndate: 2023-03-16\ndesk: news\n---\nBody\n")
    _, meta = reader.read(path)
    assert meta["title"] == "x"
