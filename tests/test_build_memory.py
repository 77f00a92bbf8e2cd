"""What archive_speed lets go of, or shares, so that a build of a large archive fits in memory.

Each case checks both halves: the memory is let go (or shared), and nothing the build shows
changes — the same keys, the same objects' names, a cache the next build still loads.
"""

from __future__ import annotations

import gc
import weakref
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2

from pelican.contents import Article
from pelican.readers import Readers
from pelican.settings import read_settings
from pelican.urlwrappers import Author, Category, Tag

from archive_speed.page_keys import PageKeys
from archive_speed.reader_cache import release_reader_cache
from archive_speed.shared_names import share_names
from archive_speed.template_reads import template_reads


def _story(settings: dict, slug: str, tags: list[str], byline: str) -> Article:
    metadata = {"title": slug.title(), "slug": slug, "date": datetime(2024, 3, 16, 9, 30, tzinfo=ZoneInfo("Europe/Kyiv")),
                "category": Category("news", settings), "tags": [Tag(name, settings) for name in tags],
                "authors": [Author(byline, settings)]}
    return Article("<p>Text.</p>", metadata, settings=settings)


def test_stories_share_one_desk_tag_and_byline_object_per_name() -> None:
    settings = read_settings(override={"TIMEZONE": "Europe/Kyiv"})
    first = _story(settings, "ferry-strike", ["Harbour", "Transport"], "Olena Koval")
    second = _story(settings, "harbour-reopens", ["Harbour"], "Olena Koval")
    third = _story(settings, "harbour-vote", ["harbour"], "Taras Melnyk")  # same slug, other name
    before = [(str(tag), tag.slug, tag.url) for story in (first, second, third) for tag in story.tags]

    share_names([first, second, third])

    assert first.tags[0] is second.tags[0]
    assert third.tags[0] is not first.tags[0] and str(third.tags[0]) == "harbour"
    assert first.authors[0] is second.authors[0] is second.author
    assert first.category is second.category is third.category is third.metadata["category"]
    assert first.metadata["tags"] is first.tags
    assert [(str(tag), tag.slug, tag.url) for story in (first, second, third) for tag in story.tags] == before


def test_a_listing_pages_own_reads_are_let_go_and_its_key_is_the_same() -> None:
    environment = jinja2.Environment(loader=jinja2.DictLoader({
        "listing.html": "{{ listing.title }}{% for story in page.stories %}{{ story.title }}{% endfor %}"
                        "{{ page.url }}{{ listing.stories|length }}",
    }))
    reads = template_reads(environment, "listing.html")

    class Listing:
        def __init__(self, title: str, stories: list[str]) -> None:
            self.title, self.stories = title, stories

    class Page:
        def __init__(self, url: str, stories: list[str]) -> None:
            self.url, self.stories = url, stories

    listing = Listing("Harbour", ["Ferry strike", "Tram vote", "Harbour reopens"])
    pages = [Page(f"tag/harbour/page/{number}/", listing.stories[number:number + 1]) for number in range(3)]
    contexts = [{"listing": listing, "page": page, "localsiteurl": "../../.."} for page in pages]
    alone = [PageKeys({}).context_key("listing.html", reads, context) for context in contexts]

    keys = PageKeys({})
    built = [keys.context_key("listing.html", reads, context) for context in contexts]
    first_page = weakref.ref(pages[0])
    del pages, contexts
    gc.collect()

    assert built == alone
    assert first_page() is None  # not held to the end of the build by what was remembered of it


def test_the_reader_cache_is_let_go_once_saved_and_the_next_build_loads_it(tmp_path: Path) -> None:
    source = tmp_path / "story.md"
    source.write_text("---\nheadline: Ferry strike\n---\nText.\n", encoding="utf-8")
    settings = read_settings(override={"CACHE_PATH": str(tmp_path / "cache"), "CACHE_CONTENT": True,
                                       "LOAD_CONTENT_CACHE": True, "CONTENT_CACHING_LAYER": "reader",
                                       "GZIP_CACHE": False, "CHECK_MODIFIED_METHOD": "sha256"})
    readers = Readers(settings, cache_name="ArticlesGenerator-Readers")
    readers.cache_data(str(source), ("<p>Text.</p>", {"title": "Ferry strike"}))
    readers.save_cache()

    class Generator:
        pass

    generator = Generator()
    generator.readers = readers
    release_reader_cache(generator)

    assert readers.get_cached_data(str(source)) is None
    again = Readers(settings, cache_name="ArticlesGenerator-Readers")
    assert again.get_cached_data(str(source)) == ("<p>Text.</p>", {"title": "Ferry strike"})
