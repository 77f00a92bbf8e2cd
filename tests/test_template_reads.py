"""What archive_speed finds a template reads, and the page fingerprints built on it.

The incremental writer keeps a page only when everything its template reads is unchanged, so
these cases pin down the reading: attributes, loops, macro arguments, truth tests, inherited
and included templates, and what makes a template impossible to follow.
"""

from __future__ import annotations

from types import SimpleNamespace

import jinja2
import pytest

from archive_speed.fingerprint import PageFingerprints
from archive_speed.template_reads import template_reads

TEMPLATES = {
    "base.html": "{% for desk in front_desks %}{{ desk.url }}{{ desk.title }}{% endfor %}"
                 "{% block content %}{% endblock %}",
    "macros.html": "{% macro story_list(stories) %}{% for story in stories %}{{ story.title }}"
                   "{% endfor %}{% endmacro %}",
    "article.html": '{% extends "base.html" %}{% from "macros.html" import story_list %}'
                    "{% block content %}{{ article.title }}{% if article.modified %}updated{% endif %}"
                    "{{ story_list(article.related) }}{% endblock %}",
    "dynamic.html": "{% include article.template_name %}",
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
