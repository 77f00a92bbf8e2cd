"""A story's page text let go of once its page is written.

`Content.content` is memoized by Pelican for the rest of the build, per site URL it was asked
with: with relative URLs each story's page keeps a copy of the story's HTML with its links
resolved for that page's depth, beside the HTML as read (`_content`). Nothing else renders a
story's whole text at that depth after its own page (listings show summaries; feeds are written
first), so the copy is dropped when the page is written: at 50,000 stories those copies were
about 150 MB of the build's peak memory. Should anything ask again, Pelican makes the text anew
from `_content`, so the pages are the same bytes either way.
"""

from __future__ import annotations

from typing import Any

from pelican.contents import Content


def release_page_text(path: str, context: dict[str, Any]) -> None:
    """`content_written` receiver: forget the page's own story text Pelican memoized for it."""
    story = context.get("article") or context.get("page")
    if not isinstance(story, Content):
        return
    memo = type(story).get_content.cache  # Pelican's memoized: keyed by (story, site URL)
    for siteurl in {context.get("localsiteurl"), story.get_siteurl()}:
        memo.pop((story, siteurl), None)
