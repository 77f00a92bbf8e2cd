"""What archive_speed finds a template reads, and the page fingerprints built on it.

The incremental writer keeps a page only when everything its template reads is unchanged, so
these cases pin down the reading: attributes, loops, macro arguments, truth tests, inherited
and included templates, and what makes a template impossible to follow.
"""

from __future__ import annotations

from types import SimpleNamespace

import jinja2
import pytest

from pelican.contents import Content

from archive_speed.fingerprint import PageFingerprints
from archive_speed.page_keys import PageKeys
from archive_speed.template_reads import COUNTED_ITEMS, template_reads

TEMPLATES = {
    "base.html": "{% for desk in front_desks %}{{ desk.url }}{{ desk.title }}{% endfor %}"
                 "{% block content %}{% endblock %}",
    "macros.html": "{% macro story_list(stories) %}{% for story in stories %}{{ story.title }}"
                   "{% endfor %}{% endmacro %}",
    "article.html": '{% extends "base.html" %}{% from "macros.html" import story_list %}'
                    "{% block content %}{{ article.title }}{% if article.modified %}updated{% endif %}"
                    "{{ story_list(article.related) }}{% endblock %}",
    "dynamic.html": "{% include article.template_name %}",
    "desks.html": "{% for desk in front_desks %}{{ desk.title }} ({{ desk.stories|length }}){% endfor %}",
    "front.html": '{% from "macros.html" import story_list %}{% for desk in front_desks %}'
                  "{{ story_list(desk.stories[:PER_DESK]) }}{% endfor %}",
}


@pytest.fixture
def environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.DictLoader(TEMPLATES))


def test_reads_follow_extends_imports_loops_and_macro_arguments(environment: jinja2.Environment) -> None:
    reads = template_reads(environment, "article.html")
    article = reads.uses["article"]
    assert not article.whole
    assert article.attrs["title"].whole
    assert article.attrs["modified"].truth and not article.attrs["modified"].whole
    assert article.attrs["related"].aliases == {"stories"}
    assert reads.uses["stories"].loops == {"story"}
    assert set(reads.uses["story"].attrs) == {"title"}
    assert reads.uses["front_desks"].loops == {"desk"}
    assert set(reads.uses["desk"].attrs) == {"url", "title"}
    assert not reads.opaque


def test_a_template_chosen_at_render_time_is_opaque(environment: jinja2.Environment) -> None:
    assert template_reads(environment, "dynamic.html").opaque


def story(title: str, summary: str) -> SimpleNamespace:
    return SimpleNamespace(title=title, summary=summary)


def test_fingerprint_changes_with_what_the_page_shows_only(environment: jinja2.Environment) -> None:
    reads = template_reads(environment, "article.html")
    related = [story("Tram vote", "old summary")]

    def fingerprint(**changes: object) -> bytes:
        values = {"title": "Harbour reopens", "modified": None, "related": related} | changes
        context = {"article": SimpleNamespace(**values),
                   "front_desks": [SimpleNamespace(url="desk/news/", title="News", stories=[1, 2])]}
        return PageFingerprints().of("article.html", reads, context)

    same = fingerprint()
    assert fingerprint() == same
    # Not read by the templates: a related story's summary, a desk's stories.
    assert fingerprint(related=[story("Tram vote", "new summary")]) == same
    # Read: the headline, a related story's title, whether the story was updated.
    assert fingerprint(title="Harbour reopens early") != same
    assert fingerprint(related=[story("Tram vote passes", "old summary")]) != same
    assert fingerprint(modified="2024-03-02") != same


def test_a_slice_reads_its_own_items_every_item_counted_and_its_bounds(environment: jinja2.Environment) -> None:
    reads = template_reads(environment, "front.html")
    stories = reads.uses["desk"].attrs["stories"]
    assert not stories.whole and not stories.aliases
    assert stories.slices[(None, "PER_DESK", None)].aliases == {"stories"}
    assert reads.uses["PER_DESK"].whole and reads.bound_names == {"PER_DESK"}

    def fingerprint(stories: list[SimpleNamespace], per_desk: int = 1) -> bytes:
        context = {"front_desks": [SimpleNamespace(stories=stories)], "PER_DESK": per_desk}
        return PageFingerprints().of("front.html", reads, context)

    same = fingerprint([story("Tram vote", "a"), story("Ferry strike", "b")])
    # Not read: summaries, titles past the slice. Read: titles in it, the bounds, the count.
    assert fingerprint([story("Tram vote", "x"), story("Ferry strike", "y")]) == same
    assert fingerprint([story("Tram vote", "a"), story("Ferry strike ends", "b")]) == same
    assert fingerprint([story("Tram vote passes", "a"), story("Ferry strike", "b")]) != same
    assert fingerprint([story("Tram vote", "a"), story("Ferry strike", "b")], per_desk=2) != same
    assert fingerprint([story("Tram vote", "a"), story("Ferry strike", "b"), story("Tram vote", "a")]) != same


SLICED = {
    "macros.html": TEMPLATES["macros.html"],
    "named.html": '{% from "macros.html" import story_list %}{{ story_list(items[FIRST:LAST]) }}',
    "numbers.html": '{% from "macros.html" import story_list %}{{ story_list(items[-3::2]) }}'
                    "{% for story in items[1:2] %}{{ story.summary }}{% endfor %}",
    # Stories read on many pages (remembered by what is read of them), each with a sliced list.
    "nested.html": '{% from "macros.html" import story_list %}{% for article in articles %}'
                   "{{ story_list(article.related[FIRST:LAST]) }}{% endfor %}",
    # LAST is bound by the template: the slice is not known before rendering.
    "local.html": '{% from "macros.html" import story_list %}{% set LAST = 2 %}'
                  "{{ story_list(items[:LAST]) }}",
}


def _related(number: int, titles: list[str]) -> Content:
    article = Content(f"<p>{number}</p>", {"title": f"Story {number}", "slug": f"story-{number}"},
                      source_path=f"/content/story-{number}.md", context={})
    article.relative_source_path = f"story-{number}.md"
    article.related = [story(title, "") for title in titles]
    return article


@pytest.mark.parametrize("name", sorted(set(SLICED) - {"macros.html"}))
def test_pages_with_one_fingerprint_render_alike(name: str) -> None:
    """The shortcut against the long way: over random lists and bounds, any two pages of one
    fingerprint render to the same text, and each page's fingerprint and key in a build (with
    reads remembered from earlier pages, the same lists read under other bounds) are those it
    has alone."""
    import random

    environment = jinja2.Environment(loader=jinja2.DictLoader(SLICED))
    reads = template_reads(environment, name)
    template = environment.get_template(name)
    chooser = random.Random(7)
    lists = [[story(chooser.choice("ABC"), chooser.choice("xy")) for _ in range(size)] for size in range(6)]
    articles = [_related(number, [chooser.choice("ABC") for _ in range(number % 5)]) for number in range(6)]
    build, keys = PageFingerprints(), PageKeys({})
    seen: dict[bytes, str] = {}
    for _ in range(400):
        context = {"items": chooser.choice(lists), "articles": chooser.sample(articles, 2),
                   "FIRST": chooser.choice([None, 0, 1, -2]), "LAST": chooser.choice([None, 1, 3, -1])}
        page = build.of(name, reads, context)
        assert page == PageFingerprints().of(name, reads, context)
        context["localsiteurl"] = ""
        assert keys._references.of(name, reads, context) == PageKeys({})._references.of(name, reads, context)
        text = template.render(context)
        assert seen.setdefault(page, text) == text
    # The fingerprint is not just every story read: pages differing past a slice share one.
    assert len(seen) < 400


def test_a_bound_the_template_sets_itself_reads_the_whole_list() -> None:
    environment = jinja2.Environment(loader=jinja2.DictLoader(SLICED))
    reads = template_reads(environment, "local.html")
    assert not reads.bound_names
    items = reads.uses["items"]
    assert not items.slices and items.aliases == {"stories"} and items.loops == {COUNTED_ITEMS}

def test_a_story_read_on_many_pages_gives_each_page_the_fingerprint_it_has_alone(
        environment: jinja2.Environment) -> None:
    """Reads of a shared story are remembered per shape of read: a page's fingerprint must not
    depend on which pages were fingerprinted before it in the same build."""
    article_reads = template_reads(environment, "article.html")
    front_reads = template_reads(environment, "front.html")
    shared = Content("<p>Harbour reopens.</p>", {"title": "Harbour reopens", "slug": "harbour-reopens"})
    other = Content("<p>Tram vote.</p>", {"title": "Tram vote", "slug": "tram-vote"})
    article = SimpleNamespace(title="Ferry strike", modified=None, related=[shared, other])
    front = {"front_desks": [SimpleNamespace(url="desk/news/", title="News", stories=[shared, other])],
             "PER_DESK": 1}

    build = PageFingerprints()
    first = build.of("front.html", front_reads, front)
    second = build.of("article.html", article_reads, {"article": article, **front})
    assert first == PageFingerprints().of("front.html", front_reads, front)
    assert second == PageFingerprints().of("article.html", article_reads, {"article": article, **front})
    # The next build, the shared story has a new headline: both pages change.
    shared.title = "Harbour reopens early"
    assert PageFingerprints().of("front.html", front_reads, front) != first
    assert PageFingerprints().of("article.html", article_reads, {"article": article, **front}) != second


def test_a_length_reads_how_many_items_not_the_items(environment: jinja2.Environment) -> None:
    reads = template_reads(environment, "desks.html")
    assert not reads.uses["desk"].attrs["stories"].whole

    def fingerprint(*titles: str) -> bytes:
        desk = SimpleNamespace(title="News", stories=[story(title, "") for title in titles])
        return PageFingerprints().of("desks.html", reads, {"front_desks": [desk]})

    same = fingerprint("Tram vote", "Ferry strike")
    assert fingerprint("Tram vote passes", "Ferry strike") == same
    assert fingerprint("Tram vote", "Ferry strike", "Harbour reopens") != same


def test_a_sorted_loop_unpacking_pairs_reads_each_part_and_what_it_is_sorted_by() -> None:
    """The tags page: `for tag, stories in tags|sort(attribute='0.name')` reads each tag and how
    many stories it has — not every story whole — and the names that set the order."""
    environment = jinja2.Environment(loader=jinja2.DictLoader({
        "tags.html": "{% for tag, stories in tags|sort(attribute='0.name') %}{{ tag.url }}"
                     "({{ stories|length }}){% endfor %}",
        "days.html": "{% for day in periods|reverse %}{{ day.url }}{% endfor %}",
    }))
    reads = template_reads(environment, "tags.html")
    assert not reads.uses["tags"].whole and reads.uses["tags"].unpacks == {("tag", "stories")}
    assert reads.uses["tag"].attrs["name"].whole
    assert not reads.uses["stories"].whole

    def fingerprint(*tags: tuple[str, str, list[str]]) -> bytes:
        pairs = [(SimpleNamespace(name=name, url=url), [story(title, "") for title in titles])
                 for name, url, titles in tags]
        return PageFingerprints().of("tags.html", reads, {"tags": pairs})

    same = fingerprint(("Ferry", "tag/ferry/", ["Ferry strike"]), ("Tram", "tag/tram/", ["Tram vote"]))
    # Not shown: a story's headline. Shown: how many stories, a tag's address, the order.
    assert fingerprint(("Ferry", "tag/ferry/", ["Ferry strike ends"]), ("Tram", "tag/tram/", ["Tram vote"])) == same
    assert fingerprint(("Ferry", "tag/ferry/", ["a", "b"]), ("Tram", "tag/tram/", ["Tram vote"])) != same
    assert fingerprint(("Ferry", "tag/ferries/", ["a"]), ("Tram", "tag/tram/", ["Tram vote"])) != same
    assert fingerprint(("Zebra crossing", "tag/ferry/", ["a"]), ("Tram", "tag/tram/", ["Tram vote"])) != same

    days = template_reads(environment, "days.html")
    assert not days.uses["periods"].whole and days.uses["periods"].loops == {"day"}
