"""Listing pages numbered from the oldest story, so a page once written never shifts.

A listing of n stories with p per page has f = n // p full pages of stories counted from
the oldest. Page 1 holds the p oldest stories. The listing's own address (its "front")
shows the newest full page together with the r = n - f*p stories past it (p to 2p-1
stories, fewer only while the listing has under p), and pages 1..f-1 are written as
numbered pages. Adding a story changes the front; once every p stories the front's older
page moves out to its own numbered page and the page before it gains a "newer" link.
No story is ever on two pages, and old pages never change their stories.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Sequence, TypeVar

Story = TypeVar("Story")


@dataclass(frozen=True)
class ListingPage(Generic[Story]):
    """One page of a listing, stories newest first.

    number: 0 for the listing's front, else the page number counted from the oldest.
    url / save_as: where the page lives; newer_url / older_url: neighbours, or "" at the ends.
    """

    number: int
    stories: Sequence[Story]
    url: str
    save_as: str
    newer_url: str
    older_url: str


def page_url(base_url: str, number: int, pattern: str) -> str:
    """The address of numbered page `number` of the listing at `base_url` (0: the front)."""
    if number == 0:
        return base_url
    return pattern.format(base=base_url, number=number)


def save_path(url: str) -> str:
    """The output file for a page address ending in a slash."""
    return url + "index.html" if url.endswith("/") or not url else url


def paginate(
    stories_newest_first: Sequence[Story], base_url: str, per_page: int, pattern: str
) -> list[ListingPage[Story]]:
    """The listing's front followed by its numbered pages from the newest to the oldest."""
    oldest_first = list(reversed(stories_newest_first))
    full_pages = len(oldest_first) // per_page
    # The front holds the newest full page and everything after it.
    front_starts = max(full_pages - 1, 0) * per_page
    written = max(full_pages - 1, 0)
    pages: list[ListingPage[Story]] = [
        ListingPage(
            number=0,
            stories=oldest_first[front_starts:][::-1],
            url=base_url,
            save_as=save_path(base_url),
            newer_url="",
            older_url=page_url(base_url, written, pattern) if written else "",
        )
    ]
    for number in range(written, 0, -1):
        url = page_url(base_url, number, pattern)
        pages.append(
            ListingPage(
                number=number,
                stories=oldest_first[(number - 1) * per_page : number * per_page][::-1],
                url=url,
                save_as=save_path(url),
                newer_url=page_url(base_url, number + 1 if number < written else 0, pattern),
                older_url=page_url(base_url, number - 1, pattern) if number > 1 else "",
            )
        )
    return pages
