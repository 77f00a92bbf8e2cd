"""Listing pages numbered from the oldest story, so a page once full never changes.

A listing of n stories with p per page has floor(n / p) numbered pages, page 1 holding
the p oldest stories. The listing's own address (its "front") shows the p newest stories.
Adding a story rewrites the front, and once every p stories a new numbered page appears
(and the page before it gains a "newer" link): old pages never shift.
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
    # When the count is a multiple of per_page the newest full page repeats the front.
    first_older = full_pages if len(oldest_first) % per_page else full_pages - 1
    pages: list[ListingPage[Story]] = [
        ListingPage(
            number=0,
            stories=list(stories_newest_first[:per_page]),
            url=base_url,
            save_as=save_path(base_url),
            newer_url="",
            older_url=page_url(base_url, first_older, pattern) if first_older > 0 else "",
        )
    ]
    for number in range(full_pages, 0, -1):
        chunk = oldest_first[(number - 1) * per_page : number * per_page]
        url = page_url(base_url, number, pattern)
        pages.append(
            ListingPage(
                number=number,
                stories=chunk[::-1],
                url=url,
                save_as=save_path(url),
                newer_url=page_url(base_url, number + 1 if number < full_pages else 0, pattern),
                older_url=page_url(base_url, number - 1, pattern) if number > 1 else "",
            )
        )
    return pages
