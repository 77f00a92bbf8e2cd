"""Listing pagination numbered from the oldest story (plugins/archive_pages/paging.py)."""

from __future__ import annotations

import pytest

from archive_pages.paging import paginate

PATTERN = "{base}page/{number}/"


@pytest.mark.parametrize("count", range(0, 13))
def test_every_story_is_on_a_page_and_pages_link_in_a_chain(count):
    stories = list(range(count, 0, -1))  # newest first: story n is the n-th oldest
    pages = paginate(stories, "desk/news/", 3, PATTERN)
    assert sorted({story for page in pages for story in page.stories}) == sorted(stories)
    by_url = {page.url: page for page in pages}
    url, seen = "desk/news/", []
    while url:
        seen.append(url)
        url = by_url[url].older_url
    numbered = [page.url for page in pages[1:]]
    assert set(numbered) - set(seen) <= {f"desk/news/page/{count // 3}/"}  # only a page equal to the front may be skipped
    for page in pages[1:]:
        assert by_url[page.newer_url]  # newer links always land on a written page


@pytest.mark.parametrize("count", range(3, 12))
def test_full_pages_do_not_change_when_a_story_is_added(count):
    before = {page.url: page for page in paginate(list(range(count, 0, -1)), "tag/x/", 3, PATTERN)}
    after = {page.url: page for page in paginate(list(range(count + 1, 0, -1)), "tag/x/", 3, PATTERN)}
    for url, page in before.items():
        if page.number and page.number < count // 3:
            assert after[url] == page
        if page.number:
            assert after[url].stories == page.stories
