"""RSS and Atom feeds → one ExtractedStory per entry (feedparser).

The full content (content:encoded, Atom content) is preferred over the teaser (description,
summary); the entry's link and guid are kept in `source`. Dates keep the offset the feed wrote.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import feedparser

from archive_import.dates import parse_date
from archive_import.html_markdown import html_to_markdown, html_to_text
from archive_import.records import ExtractedStory, RejectedSource
from archive_import.settings import ImportSettings
from archive_import.tagging import summarize

__all__ = ["read_feed"]


def _entry_date(raw: str | None, settings: ImportSettings) -> datetime | None:
    """An entry's date with the offset the feed wrote; None when the feed gives none."""
    if not raw:
        return None
    try:
        return parsedate_to_datetime(raw)  # RSS: RFC 822 with its zone
    except (TypeError, ValueError):
        return parse_date(raw, settings.timezone, settings.captured_at)  # Atom: ISO 8601


def read_feed(path: Path, text: str, settings: ImportSettings) -> list[ExtractedStory | RejectedSource]:
    """Every entry of a feed; entries without title, date or text come back as RejectedSource."""
    feed = feedparser.parse(text)
    if not feed.entries:
        reason = f"not a readable feed ({feed.bozo_exception})" if feed.bozo else "the feed has no entries"
        raise RejectedSource(str(path), reason)
    results: list[ExtractedStory | RejectedSource] = []
    for number, entry in enumerate(feed.entries, start=1):
        where = f"{path}#entry-{number}"
        results.append(_story(where, entry, settings))
    return results


def _story(where: str, entry: Any, settings: ImportSettings) -> ExtractedStory | RejectedSource:
    headline = html_to_text(entry.get("title", ""))
    if not headline:
        return RejectedSource(where, "the entry has no title")
    # read "updated" only when the feed has it: feedparser otherwise aliases it to "published"
    updated = entry["updated"] if "updated" in entry.keys() else None
    try:
        date = _entry_date(entry.get("published") or updated, settings)
        modified = _entry_date(updated, settings) if entry.get("published") else None
    except ValueError as error:
        return RejectedSource(where, f"date: {error}")
    if date is None:
        return RejectedSource(where, "the entry has no date (pubDate, published or updated)")
    contents = [item.get("value", "") for item in entry.get("content", []) if item.get("value")]
    teaser = entry.get("summary", "")
    body = html_to_markdown(max(contents, key=len) if contents else teaser)
    if not body:
        return RejectedSource(where, "the entry has no text")
    byline = [author.get("name") for author in entry.get("authors", []) if author.get("name")]
    if not byline and entry.get("author"):
        byline = [entry["author"]]
    tags = [tag.get("term") for tag in entry.get("tags", []) if tag.get("term")]
    summary = html_to_text(teaser) if contents and teaser else summarize([html_to_text(body)])
    meta: dict[str, Any] = {
        "headline": headline,
        "date": date,
        "modified": modified,
        "desk": settings.desk_for(*tags, *byline),
        "byline": byline,
        "tags": list(dict.fromkeys(tags)),
        "summary": summary or None,
        "source": {"url": entry.get("link"), "guid": entry.get("id")},
    }
    notes = [] if contents else ["the feed gives only a teaser for this entry"]
    return ExtractedStory(meta=meta, body=body, source_path=where, notes=notes, confidence=1.0 if contents else 0.6)
