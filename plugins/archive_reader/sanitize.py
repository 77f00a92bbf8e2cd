"""The allowlist that article HTML passes through: scraped pages carry scripts, trackers,
embeds and inline styles, and none of them may reach the archive's readers."""
from __future__ import annotations

from functools import cache

import nh3

ALLOWED_TAGS = frozenset(nh3.ALLOWED_TAGS) - {"center", "acronym", "tt", "strike", "map", "area"}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"lang", "dir", "title", "id"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"style", "colspan", "rowspan"},
    "th": {"style", "colspan", "rowspan", "scope"},
    "ol": {"start", "reversed"},
    "time": {"datetime"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
}
# Whole elements removed with their content (not just unwrapped).
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "noscript", "template"})


@cache
def _cleaner() -> nh3.Cleaner:
    # Built once: nh3.clean converts every option to its own form again on each call.
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes=ALLOWED_ATTRIBUTES,
        filter_style_properties={"text-align"},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel=None,
    )


def sanitize_html(html: str) -> str:
    """Return ``html`` keeping only allowed tags and attributes; scripts, iframes, styles,
    event handlers and javascript: URLs are removed. Table cell alignment survives."""
    return _cleaner().clean(html)
