"""Pages kept on their key over several builds stay what a clean build writes.

A page's key compares each story it shows with that story's token in the last build
(page_keys.py): a story changed two builds ago and changed back, a page kept in one build whose
story changes in the next, must each reach the page. Real Pelican builds of the fictional
archive of test_incremental_build.py, each rebuild compared byte for byte with a clean build.
"""

from __future__ import annotations

import copy
import random
from datetime import timedelta
from pathlib import Path

import jinja2
import pytest
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import Category, Tag

from archive_speed.fingerprint import PageFingerprints, PageSources, Unfingerprintable, source_identity
from archive_speed.page_keys import PageKeys, _StoryReferences, made_digest
from archive_speed.render_cache import PageManifest
from archive_speed.story_tokens import StoryNotes
from archive_speed.template_reads import KeptReads, TemplateReads, template_reads
from test_incremental_build import archive  # noqa: F401 - the fixture archive of those tests
from test_incremental_build import START, assert_same_site, build, retitle, story, write_story

ORIGINAL_HEADLINE = "Harbour City tram fares update number 11"


def _rebuild_equals_clean(content: Path, output: Path, clean: Path) -> None:
    assert_same_site(build(content, output), build(content, clean))


def test_a_story_changed_and_changed_back_reaches_its_pages_each_time(archive: Path, tmp_path: Path) -> None:
    """Story 11's headline is shown on its neighbours' pages, its listings and the day archive:
    changed, then changed back, then its neighbour corrected, each rebuild is a clean build."""
    output = tmp_path / "site"
    build(archive, output)
    retitle(archive, 11, "Harbour City ferry timetable rewritten")
    _rebuild_equals_clean(archive, output, tmp_path / "clean-1")
    path = archive / story(11, START + timedelta(hours=440))[0]
    path.write_text(path.read_text(encoding="utf-8").replace("Harbour City ferry timetable rewritten",
                                                             ORIGINAL_HEADLINE), encoding="utf-8")
    _rebuild_equals_clean(archive, output, tmp_path / "clean-2")
    # A page kept in the last two builds (story 10's, a neighbour of 11) must follow a change now.
    neighbour = archive / story(10, START + timedelta(hours=400))[0]
    neighbour.write_text(neighbour.read_text(encoding="utf-8").replace("update number 10", "update number ten"),
                         encoding="utf-8")
    _rebuild_equals_clean(archive, output, tmp_path / "clean-3")


def test_a_new_story_then_its_removal_reach_every_listing(archive: Path, tmp_path: Path) -> None:
    """A story added between two others (new neighbours, related lists, a shifted listing
    front), then taken down: pages kept in the first rebuild must change in the second."""
    output = tmp_path / "site"
    build(archive, output)
    added = write_story(archive, 40, START + timedelta(hours=40 * 20 + 1), topic="ferry")
    _rebuild_equals_clean(archive, output, tmp_path / "clean-1")
    added.unlink()
    _rebuild_equals_clean(archive, output, tmp_path / "clean-2")
    pages = {page: page.stat().st_mtime_ns for page in output.rglob("index.html") if "search" not in page.parts}
    build(archive, output)  # nothing changed since: every page kept
    assert [page for page, mtime in pages.items() if page.stat().st_mtime_ns != mtime] == []


def _article(slug: str, title: str) -> Article:
    return Article(f"<p>{title}</p>", metadata={"title": title, "slug": slug}, settings=copy.deepcopy(DEFAULT_CONFIG),
                   source_path=f"/content/{slug}.md")


def test_a_story_counts_as_unchanged_only_with_the_token_it_had_last_build() -> None:
    """`unchanged` holds for stories tokened alike in both builds; a story retitled, a story
    new to the build, one gone from it and one without a token are all changed."""
    stories = {"Article:a.md": _article("a", "Ferry"), "Article:b.md": _article("b", "Tram")}
    for identity, article in stories.items():
        article.relative_source_path = identity.split(":", 1)[1]
    first = PageKeys(stories)
    assert first.unchanged([]) and not first.unchanged(["Article:a.md"])  # nothing was tokened before
    again = PageKeys(stories, previous=first.tokens)
    assert again.unchanged(["Article:a.md", "Article:b.md"])
    stories["Article:b.md"].title = "Tram fares"
    retitled = PageKeys(stories, previous=again.tokens)
    assert retitled.unchanged(["Article:a.md"]) and not retitled.unchanged(["Article:a.md", "Article:b.md"])
    # Changed back: compared with the last build's token, not the first one's.
    stories["Article:b.md"].title = "Tram"
    back = PageKeys(stories, previous=retitled.tokens)
    assert not back.unchanged(["Article:b.md"])
    gone = PageKeys({"Article:a.md": stories["Article:a.md"]}, previous=back.tokens)
    assert not gone.unchanged(["Article:b.md"]) and not gone.tokened(["Article:b.md"])
    stories["Article:a.md"]._content = '<p><a href="{filename}b.md">Tram</a></p>'  # links: no token
    linking = PageKeys(stories, previous=gone.tokens)
    assert not linking.tokened(["Article:a.md"]) and not linking.unchanged(["Article:a.md"])


def test_the_manifest_keeps_pages_and_tokens_and_refuses_other_code(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    manifest = PageManifest.load(str(cache), "key")
    assert manifest.pages == {} and manifest.tokens == {}
    manifest.tokens = {"Article:a.md": b"\x01" * 16}
    manifest.save()
    assert PageManifest.load(str(cache), "key").tokens == manifest.tokens
    assert PageManifest.load(str(cache), "other key").tokens == {}
    manifest.path.write_bytes(manifest.path.read_bytes()[:-3])  # cut short
    assert PageManifest.load(str(cache), "key").tokens == {}


def test_a_story_pointed_at_an_equal_desk_keeps_its_token(tmp_path: Path) -> None:
    """shared_names.py points a story at the first desk or byline object of its name in the
    build, which depends on the order stories were made in: the token must not, or pages are
    fingerprinted again for nothing (and a story changed back would never look unchanged)."""
    def tokens(category: str | None) -> bytes:
        notes = StoryNotes({"CACHE_PATH": str(tmp_path)}, "key", made_digest)
        article = _article("a", "Ferry")
        article.relative_source_path = "a.md"
        article.category = Category("news", article.settings)
        notes.note(article)
        if category is not None:
            article.category = Category(category, article.settings)
        return PageKeys({"Article:a.md": article}, notes).tokens["Article:a.md"]

    assert tokens(None) == tokens("news")
    assert tokens("business") != tokens("news")


def test_lists_of_stories_read_in_one_pass_key_as_the_long_way() -> None:
    """A listing's stories are read as references in one pass (page_keys.py `_items`): over
    random lists (lists and tuples, repeats, a list holding something else than stories), the
    context key is the one the long way gives, and two pages share a key only when they list
    the same stories in the same order."""
    environment = jinja2.Environment(loader=jinja2.DictLoader({
        "list.html": "{% for story in stories %}{{ story.title }}{% endfor %}{{ stories[-1].date }}"
                     "{{ stories|length }}{% for item in mixed %}{{ item.title }}{% endfor %}"}))
    reads = template_reads(environment, "list.html")
    pool = [_article(f"story-{number}", f"Story {number % 3}") for number in range(6)]
    for number, article in enumerate(pool):
        article.relative_source_path = f"story-{number}.md"

    class LongWay(_StoryReferences):
        _items = PageFingerprints._items

    chooser = random.Random(11)
    fast, slow = _StoryReferences(), LongWay()
    seen: dict[bytes, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for _ in range(300):
        stories = [chooser.choice(pool) for _ in range(chooser.randrange(1, 6))]
        mixed = [*chooser.sample(pool, 2), {"title": chooser.choice("ab")}]
        context = {"stories": stories if chooser.random() < 0.5 else tuple(stories), "mixed": mixed,
                   "localsiteurl": ""}
        key = fast.of("list.html", reads, context)
        assert key == slow.of("list.html", reads, context)
        listed = (tuple(map(source_identity, stories)), (*map(source_identity, mixed[:2]), mixed[2]["title"]))
        assert seen.setdefault(key, listed) == listed
    assert len(seen) > 100


def test_stories_found_without_fingerprints_are_the_ones_fingerprints_read() -> None:
    """PageSources walks pages as PageFingerprints does without hashing what it reads: over
    random pages reading stories by attribute, whole (printed, filtered), through other stories
    (related lists, a story in another's metadata) and through values without a fingerprint, it
    finds the same stories, and fails on the same pages."""
    environment = jinja2.Environment(loader=jinja2.DictLoader({
        "page.html": "{{ article.title }}{% for other in article.related %}{{ other.title }}{% endfor %}"
                     "{% if shown %}{{ shown }}{{ shown|length }}{% endif %}{{ article.metadata.linked.slug }}"
                     "{% for story in stories %}{{ story.summary }}{{ story.extra }}{% endfor %}"
                     "{{ article.category.url }}{% for tag in article.tags %}{{ tag }}{% endfor %}"
                     "{{ desk.name }}{% for story in desk.stories %}{{ story.title }}{% endfor %}"
                     "{% if article.flag %}{{ article.slug }}{% endif %}"}))
    reads = template_reads(environment, "page.html")
    chooser = random.Random(7)
    pool = [_article(f"story-{number}", f"Story {number}") for number in range(8)]
    for number, article in enumerate(pool):
        article.relative_source_path = f"story-{number}.md"
        article.related = chooser.sample(pool[:number], min(number, 2))
        if chooser.random() < 0.4:
            article.metadata["linked"] = chooser.choice(pool)
        article.extra = chooser.choice([None, "text", [chooser.choice(pool)], {"words": ["a", "b"]}])
    for article in pool:
        article.category = Category(chooser.choice(["news", "sport"]), article.settings)
        article.tags = [Tag(name, article.settings) for name in chooser.sample(["ferry", "tram", "port"], 2)]
        if chooser.random() < 0.5:
            article.flag = chooser.choice([True, chooser.choice(pool)])  # a story some stories lack
    pool[3].extra = object()  # no fingerprint: the page fails either way
    failed = 0
    for _ in range(200):
        fingerprints, walk = PageFingerprints(), PageSources()  # nothing remembered between pages
        desk = Category("news", pool[0].settings)
        desk.stories = chooser.sample(pool, chooser.randrange(0, 3))  # a desk holding stories: read into
        context = {"article": chooser.choice(pool), "stories": chooser.sample(pool, chooser.randrange(0, 4)),
                   "desk": desk,
                   "shown": chooser.choice([None, chooser.choice(pool), chooser.sample(pool, 2), "words"]),
                   "localsiteurl": ""}
        long_way: set[str] = set()
        found: set[str] = set()
        try:
            fingerprints.of("page.html", reads, context, long_way)
        except Unfingerprintable:
            failed += 1
            with pytest.raises(Unfingerprintable):
                walk.of("page.html", reads, context, found)
            continue
        assert walk.of("page.html", reads, context, found) == b""
        assert found == long_way
    assert 0 < failed < 200


def test_template_reads_are_kept_only_while_every_template_involved_is_the_same(tmp_path: Path) -> None:
    """Reads kept from the last build are the ones parsing gives, and an edit to any template
    involved (an imported macro, a base template), a template found elsewhere, other code or
    a file cut short make the templates be read again."""
    templates = {
        "base.html": "{{ SITENAME }}{% block content %}{% endblock %}",
        "macros.html": "{% macro story_list(stories) %}{% for story in stories %}{{ story.title }}{% endfor %}"
                       "{% endmacro %}",
        "listing.html": '{% extends "base.html" %}{% from "macros.html" import story_list %}'
                        "{% block content %}{{ story_list(stories) }}{% endblock %}",
    }
    path = tmp_path / "template-reads.pickle"

    def kept_build(loader: jinja2.BaseLoader, key: str = "key") -> TemplateReads:
        kept = KeptReads(path, key)
        reads = kept.reads(jinja2.Environment(loader=loader), "listing.html")
        assert reads == template_reads(jinja2.Environment(loader=loader), "listing.html")
        kept.save()
        return reads

    first = kept_build(jinja2.DictLoader(templates))
    assert kept_build(jinja2.DictLoader(templates)) == first
    templates["macros.html"] = templates["macros.html"].replace("story.title", "story.title }}{{ story.url")
    assert "url" in kept_build(jinja2.DictLoader(templates)).uses["story"].attrs
    templates["base.html"] = "{{ SITESUBTITLE }}" + templates["base.html"]
    assert "SITESUBTITLE" in kept_build(jinja2.DictLoader(templates)).uses
    theme = jinja2.DictLoader({"base.html": "{{ THEME_NOTE }}{% block content %}{% endblock %}"})
    assert "THEME_NOTE" in kept_build(jinja2.ChoiceLoader([theme, jinja2.DictLoader(templates)])).uses
    kept_build(jinja2.DictLoader(templates), key="other code")
    path.write_bytes(path.read_bytes()[:20])
    assert "SITESUBTITLE" in kept_build(jinja2.DictLoader(templates)).uses
