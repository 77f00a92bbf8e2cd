"""Listing pagination numbered from the oldest story (plugins/archive_pages/paging.py)."""

from __future__ import annotations

import pytest

from archive_pages.paging import paginate

PATTERN = "{base}page/{number}/"


@pytest.mark.parametrize("count", range(0, 14))
def test_every_story_is_on_exactly_one_page_and_pages_link_in_a_chain(count):
    stories = list(range(count, 0, -1))  # newest first: story n is the n-th oldest
    pages = paginate(stories, "desk/news/", 3, PATTERN)
    listed = [story for page in pages for story in page.stories]
    assert sorted(listed) == sorted(stories)
    by_url = {page.url: page for page in pages}
    url, chain = "desk/news/", []
    while url:
        chain.append(url)
        url = by_url[url].older_url
    assert chain == [page.url for page in pages]
    for page in pages[1:]:
        assert len(page.stories) == 3
        assert by_url[page.newer_url].older_url == page.url
    assert len(pages[0].stories) < 6


@pytest.mark.parametrize("count", range(0, 14))
def test_numbered_pages_keep_their_stories_when_stories_arrive(count):
    before = paginate(list(range(count, 0, -1)), "tag/x/", 3, PATTERN)
    for added in range(1, 7):
        after = {page.url: page for page in paginate(list(range(count + added, 0, -1)), "tag/x/", 3, PATTERN)}
        for page in before[1:]:
            assert after[page.url].stories == page.stories
            if page.number < len(before) - 1:  # all but the newest numbered page are untouched
                assert after[page.url] == page
