"""Shortcuts of the rebuild path (archive_speed, archive_search) give what the long way gives.

Each test runs the shortcut and the code it stands in for on the same real objects and
compares the results, so a shortcut that drops or reorders something fails here.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from markupsafe import Markup
from pelican import signals
from pelican.contents import Article, Content
from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import Author, Category, Tag
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.utils import process_translations as pelican_process_translations

from archive_pages.sitemaps import SitemapEntry, _urlset, _urlset_xml
from archive_search.documents import SearchDocument, from_article
from archive_search.kept import load_file, save_file
from archive_search.known_documents import KNOWN_FILE, KnownDocument, KnownDocuments
from archive_speed import _note_story, _notes
from archive_speed.added_attributes import quick_digest
from archive_speed.fingerprint import hash_parts
from archive_speed.page_paths import PagePaths
from archive_speed.page_keys import _attributes_digest, _References, _TokenPickler, made_digest
from archive_speed.source_paths import remembered_source_paths
from archive_speed.story_tokens import CHECK_SETTING, GONE, TOKENS_FILE, MadeStoryChanged, StoryNotes
from archive_speed.translations import process_translations
from conftest import FIXTURES, run_build
from test_incremental_build import START, assert_same_site, newsroom_day, write_story

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
    kept = load_file(tmp_path / KNOWN_FILE)
    save_file(tmp_path / KNOWN_FILE, {**kept, "code": "other"})
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


def _noted(notes: StoryNotes, slug: str) -> Article:
    """A story with tags, made while `notes` listens, as the build makes it."""
    signals.content_object_init.connect(_note_story)
    _notes.append(notes)
    settings = copy.deepcopy(DEFAULT_CONFIG)
    metadata = {"title": f"Story {slug}", "slug": slug, "date": datetime(2024, 3, 1, 9, 30, tzinfo=KYIV),
                "tags": [Tag("Harbour", settings)], "summary": "<p>What changed.</p>"}
    try:
        return Article(f"<p>{slug}</p>", metadata=metadata, settings=settings, source_path=f"/content/{slug}.md")
    finally:
        _notes.clear()


@pytest.mark.parametrize("change", ["metadata changed in place", "tag list changed in place"])
def test_a_story_changed_in_place_after_it_was_made_is_caught(change: str, tmp_path: Path) -> None:
    """Story tokens keep the digest of what a story was made with across builds: a generator
    changing one of those objects in place would make a kept token lie, so the check fails."""
    settings = {"CACHE_PATH": str(tmp_path), CHECK_SETTING: True}
    notes = StoryNotes(settings, "key", made_digest)
    unchanged, changed = _noted(notes, "harbour"), _noted(notes, "ferry")
    if change == "metadata changed in place":
        changed.metadata["summary"] = "<p>Added after the story was made.</p>"
    else:
        changed.tags.append(Tag("Lighthouse", changed.settings))
    assert notes.made_digest(unchanged, "Article:harbour.md") is not None
    with pytest.raises(MadeStoryChanged, match="changed in place"):
        notes.made_digest(changed, "Article:ferry.md")


def test_stories_are_made_from_their_files_alone(tmp_path: Path) -> None:
    """Every generator and plugin of the archive leaves what each story was made with as it
    was, and a kept digest is what the same file makes again: builds checking both succeed,
    and the rebuild after a newsroom day is what a clean build writes."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "archive", content)
    for number in range(16):  # the newsroom day corrects story 7 and takes down story 12
        write_story(content, number, START + timedelta(hours=40 * number))
    settings = {"DEFAULT_PAGINATION": 3, CHECK_SETTING: True}
    output = tmp_path / "site"
    first = run_build(content, output, settings=settings)
    assert first.returncode == 0, first.log
    kept = json.loads((tmp_path / "site-cache" / "archive_speed" / TOKENS_FILE).read_text(encoding="utf-8"))
    assert len(kept["stories"]) >= 16 and all(len(entry) == 2 for entry in kept["stories"].values())
    newsroom_day(content)
    incremental = run_build(content, output, settings=settings)
    clean = run_build(content, tmp_path / "clean", settings=settings)
    assert incremental.returncode == clean.returncode == 0, incremental.log + clean.log
    assert_same_site(incremental, clean)


def _added_attributes(change: str = "") -> dict[str, object]:
    """What the generators add to a story (its desk and byline as shared objects, neighbours,
    related stories, JSON-LD, pinned address), made anew on each call, with one `change`."""
    harbour, ferry, budget = _article("harbour"), _article("ferry", number=1), _article("budget", number=2)
    settings = harbour.settings
    related = [ferry, budget, _article("council", number=3)]
    added: dict[str, object] = {
        "category": Category("news", settings), "author": Author("Mira Osei", settings),
        "desk_name": "News", "desk_older": ferry, "desk_newer": None, "related": related,
        "jsonld": Markup('{"headline": "Harbour"}'), "override_url": "2024/03/01/harbour/",
        "translations": [], "number": 1,
    }
    changes = {
        "": lambda: None,
        "JSON-LD text": lambda: added.update(jsonld=Markup('{"headline": "Harbour!"}')),
        "JSON-LD not marked safe": lambda: added.update(jsonld='{"headline": "Harbour"}'),
        "related order": lambda: added.update(related=[related[1], related[0], related[2]]),
        "related story": lambda: added.update(related=[ferry, budget, harbour]),
        "related as a tuple": lambda: added.update(related=tuple(related)),
        "desk": lambda: added.update(category=Category("business", settings)),
        "byline": lambda: added.update(author=Author("Mira Osei-Bello", settings)),
        "neighbour": lambda: added.update(desk_older=budget),
        "neighbour gone": lambda: added.update(desk_older=None),
        "number as truth": lambda: added.update(number=True),
        "number as decimal": lambda: added.update(number=1.0),
        "one more": lambda: added.update(pinned=True),
        "one less": lambda: added.pop("translations"),
        "attribute removed": lambda: added.update(translations=GONE),
    }
    changes[change]()
    return added


def test_added_attributes_digest_tells_apart_what_pickling_does() -> None:
    """A story's token hashes what generators added to it without pickle (added_attributes.py):
    the same attributes in other objects give the same digest, and every change the pickled
    token tells apart is told apart too."""
    references = _References()
    changes = ["", "JSON-LD text", "JSON-LD not marked safe", "related order", "related story",
               "related as a tuple", "desk", "byline", "neighbour", "neighbour gone", "number as truth",
               "number as decimal", "one more", "one less", "attribute removed"]
    quick = {change: quick_digest("Article", b"made", _added_attributes(change), references.of) for change in changes}
    pickled = {change: _attributes_digest(_TokenPickler(references), {"(kind)": "Article", "(made)": b"made",
                                                                      **_added_attributes(change)})
               for change in changes}
    assert None not in quick.values() and None not in pickled.values()
    assert quick[""] == quick_digest("Article", b"made", _added_attributes(), references.of)  # other objects
    assert pickled[""] == _attributes_digest(_TokenPickler(references), {"(kind)": "Article", "(made)": b"made",
                                                                         **_added_attributes()})
    for first in changes:
        for second in changes:
            assert (quick[first] == quick[second]) == (pickled[first] == pickled[second]), (first, second)
    assert len(set(quick.values())) == len(changes)
    assert quick_digest("Article", b"other", _added_attributes(), references.of) != quick[""]
    assert quick_digest("Page", b"made", _added_attributes(), references.of) != quick[""]
    # A kind it does not write (a mapping) leaves the token to pickle.
    assert quick_digest("Article", b"made", {**_added_attributes(), "extra": {"a": 1}}, references.of) is None


def test_equal_parts_hash_alike_however_shared() -> None:
    """Page keys and tokens are compared across builds: equal parts must hash alike whether a
    build holds them as one shared object or as equal copies."""
    reference = "story:" + str(12345)
    digest = b"\x01" * 16
    shared = hash_parts(reference, reference, (reference, digest), digest)
    copies = hash_parts("story:12345", "story:" + "12345", ("story:" + str(12345), bytes(digest)), b"\x01" * 16)
    assert shared == copies
    assert hash_parts("story:1", "2345") != hash_parts("story:12", "345")


@pytest.mark.parametrize("output", ["site", "site/", "/"], ids=["relative", "trailing slash", "root"])
def test_page_paths_are_pelicans(output: str, tmp_path: Path) -> None:
    """A page's file and relative site URL are what Pelican's writer works out, for plain
    names and for names Pelican normalizes (empty, `.` and `..` parts, absolute, trailing slash)."""
    names = ["index.html", "404.html", "tag/harbour/index.html", "2024/03/01/ferry-fares/index.html",
             "tag/harbour/page/2/index.html", "tag/x y/é.html", "a//b.html", "./a.html", "a/./b.html",
             "a/../b.html", "a/", "feeds/desk/news.atom.xml", "..a/b..html", ".well-known/x"]
    working_folder = os.getcwd()
    os.chdir(tmp_path)
    try:
        paths = PagePaths(output)
        for name in names:
            assert paths.file(name) == sanitised_join(output, name), name
            assert paths.site_url(name) == path_to_url(get_relative_path(name)), name
        if output != "/":  # nothing is outside the root
            with pytest.raises(RuntimeError, match="break out"):
                paths.file("../elsewhere.html")
        assert paths.site_url("2024/03/01/ferry-fares/index.html") == "../../../.."
    finally:
        os.chdir(working_folder)
