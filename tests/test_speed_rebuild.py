"""Shortcuts of the rebuild path (archive_speed, archive_search) give what the long way gives.

Each test runs the shortcut and the code it stands in for on the same real objects and
compares the results, so a shortcut that drops or reorders something fails here.
"""

from __future__ import annotations

import copy
import json
import os
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pelican.contents import Article, Content
from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import Author, Category, Tag
from pelican.utils import process_translations as pelican_process_translations

from archive_pages.sitemaps import SitemapEntry, _urlset, _urlset_xml
from archive_search.documents import SearchDocument, from_article
from archive_search.known_documents import KNOWN_FILE, KnownDocument, KnownDocuments
from archive_speed.source_paths import remembered_source_paths
from archive_speed.translations import process_translations

KYIV = ZoneInfo("Europe/Kyiv")


def _article(slug: str, lang: str = "en", translation: str | None = None, number: int = 0) -> Article:
    settings = copy.deepcopy(DEFAULT_CONFIG)
    metadata = {"title": f"Story {slug} {lang} {number}", "slug": slug, "lang": lang,
                "date": datetime(2024, 3, 1 + number % 27, 9, 30, tzinfo=KYIV)}
    if translation is not None:
        metadata["translation"] = translation
    return Article(f"<p>{slug} {lang}</p>", metadata=metadata, settings=settings,
                   source_path=f"/content/{slug}-{lang}-{number}.md")


def _stories() -> list[Article]:
    """Stories alone, an original with its Ukrainian translation, a group marked as all
    translations, a group without a story in the default language, and a duplicated slug."""
    return [
        _article("tram-fares", number=1), _article("harbour"), _article("harbour", "uk"),
        _article("ferry", "uk", translation="true"), _article("ferry", "de", translation="true"),
        _article("library", "uk"), _article("library", "de", number=2),
        _article("budget", number=3), _article("budget", number=4), _article("council", number=5),
    ]


def test_linear_translations_match_pelicans() -> None:
    ours, theirs = _stories(), _stories()
    our_index, our_translations = process_translations(ours, "slug")
    their_index, their_translations = pelican_process_translations(theirs, "slug")

    def named(stories: list[Article]) -> list[str]:
        return [story.source_path for story in stories]

    assert named(our_index) == named(their_index)
    assert named(our_translations) == named(their_translations)
    assert named(ours) == named(theirs)  # sorted in place the same way
    for mine, pelicans in zip(ours, theirs, strict=True):
        assert named(mine.translations) == named(pelicans.translations)
    assert named(our_translations)  # the stories above do have translations to find


def _desked(article: Article, desk: str = "news", tags: tuple[str, ...] = ("Harbour", "Ferry"),
            authors: tuple[str, ...] = ("Mira Osei",)) -> Article:
    """A story with desk, tags and bylines as the reader gives them."""
    article.category = Category(desk, article.settings)
    article.tags = [Tag(name, article.settings) for name in tags]
    article.authors = [Author(name, article.settings) for name in authors]
    return article


# Each change to what from_article reads, made to a fresh story.
INPUT_CHANGES = {
    "headline": lambda story: setattr(story, "title", "Another headline"),
    "address": lambda story: setattr(story, "override_url", "2024/03/01/moved/"),
    "date": lambda story: setattr(story, "date", datetime(2024, 3, 2, 9, 30, tzinfo=KYIV)),
    "offset": lambda story: setattr(story, "date", story.date.astimezone(ZoneInfo("UTC"))),
    "desk": lambda story: _desked(story, desk="business"),
    "text": lambda story: setattr(story, "_content", story._content + "<p>Correction.</p>"),
    "summary": lambda story: story.metadata.__setitem__("summary", "<p>A new summary.</p>"),
    "tags": lambda story: _desked(story, tags=("Harbour",)),
    "tag name": lambda story: _desked(story, tags=("Harbour", "FERRY")),
    "bylines": lambda story: _desked(story, authors=("Mira Osei", "Tomas Reyes")),
}


@pytest.mark.parametrize("change", sorted(INPUT_CHANGES))
def test_known_search_documents_follow_every_input(change: str, tmp_path: Path) -> None:
    """A story changed in anything its search document is made from is made again, never
    given the fingerprint kept from the last build; an unchanged one is given it."""
    last = KnownDocuments(tmp_path)
    kept = last.document(_desked(_article("harbour")))
    assert isinstance(kept, SearchDocument)
    last.save()

    unchanged, changed = _desked(_article("harbour")), _desked(_article("harbour"))
    INPUT_CHANGES[change](changed)
    known = KnownDocuments(tmp_path)
    same = known.document(unchanged)
    assert isinstance(same, KnownDocument)
    assert same.fingerprint() == from_article(unchanged).fingerprint() == kept.fingerprint()
    assert same.record() == kept.record()  # the rest of the document is made when read
    assert from_article(changed).fingerprint() != kept.fingerprint()  # the change shows in search
    made = known.document(changed)
    assert not isinstance(made, KnownDocument)
    assert made.fingerprint() == from_article(changed).fingerprint()


def test_known_search_documents_of_other_code_are_not_used(tmp_path: Path) -> None:
    last = KnownDocuments(tmp_path)
    last.document(_desked(_article("harbour")))
    last.save()
    kept = json.loads((tmp_path / KNOWN_FILE).read_text(encoding="utf-8"))
    (tmp_path / KNOWN_FILE).write_text(json.dumps({**kept, "code": "other"}), encoding="utf-8")
    assert not isinstance(KnownDocuments(tmp_path).document(_desked(_article("harbour"))), KnownDocument)


@pytest.mark.parametrize("entries", [
    [],
    [SitemapEntry("")],
    [SitemapEntry("https://example.org/news/", datetime(2024, 3, 1, 9, 30, tzinfo=KYIV)),
     SitemapEntry("2024/03/01/a&b<c>d\"e'f-é/"), SitemapEntry("tag/x/", datetime(2019, 8, 2, 4, 39))],
], ids=["empty", "empty address", "escaped"])
def test_sitemap_text_is_what_elementtree_writes(entries: list[SitemapEntry]) -> None:
    tree = ET.tostring(_urlset(entries), encoding="utf-8", xml_declaration=True)
    assert _urlset_xml(entries) == tree


def test_remembered_source_paths_answer_as_pelican_does(tmp_path: Path) -> None:
    """Same answers inside as outside, for each story, each content folder and each folder
    the build runs in; Pelican's own method is back afterwards."""
    pelicans = Content.get_relative_source_path
    stories = []
    for content in (tmp_path / "content", tmp_path / "content" / "news", Path("content")):
        for source in (content / "news" / "2024" / "a.md", tmp_path / "elsewhere" / "b.md", Path("c.md")):
            story = _article(source.stem)
            story.settings["PATH"] = str(content)
            story.source_path = str(source)
            stories.append(story)
    asked = [(story, None) for story in stories] + [(story, "pages/about.md") for story in stories]
    working_folder = os.getcwd()
    try:
        answers = {}
        for folder in (tmp_path, tmp_path / "elsewhere"):
            folder.mkdir(exist_ok=True)
            os.chdir(folder)
            answers[folder] = [story.get_relative_source_path(path) for story, path in asked]
        with remembered_source_paths():
            assert Content.get_relative_source_path is not pelicans
            for folder in (tmp_path, tmp_path / "elsewhere", tmp_path):
                os.chdir(folder)
                assert [story.get_relative_source_path(path) for story, path in asked] == answers[folder]
    finally:
        os.chdir(working_folder)
    assert Content.get_relative_source_path is pelicans
    assert len({answer for answers_of in answers.values() for answer in answers_of}) > 6
