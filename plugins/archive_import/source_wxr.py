"""WordPress WXR exports → one ExtractedStory per post (lxml).

Statuses map onto the archive's: publish → published, draft/pending → draft, future → draft with
its scheduled date, private → hidden; trashed posts are rejected. The date is post_date_gmt (the
local post_date when WordPress left the GMT date empty, as it does for drafts), authors are their
display names, the first category the desk mapping knows (else the first category) is the desk.
A broken item is rejected on its own while the other items import.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from lxml import etree

from archive_format import localize
from archive_import.html_markdown import html_to_markdown, html_to_text, strip_shortcodes
from archive_import.records import ExtractedStory, RejectedSource, RemovedBlock, SkippedItem
from archive_import.settings import ImportSettings

__all__ = ["read_wxr"]

_STATUS = {"publish": "published", "draft": "draft", "pending": "draft", "future": "draft",
           "private": "hidden", "inherit": "published"}
_ITEM = re.compile(r"<item\b.*?</item>", re.S)
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _text(node: Any, name: str) -> str:
    """Text of the first child whose local name (any namespace prefix) is `name`."""
    for child in node:
        if isinstance(child.tag, str) and etree.QName(child).localname == name.split(":")[-1] \
                and (":" not in name or _prefix(child) == name.split(":")[0]):
            return (child.text or "").strip()
    return ""


def _prefix(node: Any) -> str:
    uri = etree.QName(node).namespace or ""
    if "excerpt" in uri:
        return "excerpt"
    if "wordpress.org/export" in uri:
        return "wp"
    if "purl.org/rss/1.0/modules/content" in uri:
        return "content"
    if "purl.org/dc" in uri:
        return "dc"
    return ""


def _authors(channel: Any) -> dict[str, str]:
    names = {}
    for node in channel:
        if isinstance(node.tag, str) and etree.QName(node).localname == "author" and _prefix(node) == "wp":
            login, display = _text(node, "wp:author_login"), _text(node, "wp:author_display_name")
            if login:
                names[login] = display or login
    return names


def _parse_items(path: Path, text: str) -> tuple[list[Any], list[RejectedSource], dict[str, str]]:
    """The <item> elements, the items that could not be parsed, and the author display names."""
    data = text.encode("utf-8")
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, huge_tree=True))
    except etree.XMLSyntaxError:
        root = None
    if root is not None:
        channel = root.find("channel")
        if channel is None:
            raise RejectedSource(str(path), "not a WordPress export (no <channel>)")
        return channel.findall("item"), [], _authors(channel)
    # the file is not well-formed: read each item on its own so one broken post does not sink the rest
    head = text[: text.find("<item")] if "<item" in text else text
    opening = re.search(r"<rss\b[^>]*>", head)
    if not opening:
        raise RejectedSource(str(path), "the WXR file is not well-formed XML and has no <rss> element")
    wrapper = opening.group(0)
    authors: dict[str, str] = {}
    channel_head = head[opening.end():]
    try:
        channel = etree.fromstring((wrapper + channel_head + "</channel></rss>").encode("utf-8")).find("channel")
        authors = _authors(channel) if channel is not None else {}
    except etree.XMLSyntaxError:
        pass
    items, broken = [], []
    for number, match in enumerate(_ITEM.finditer(text), start=1):
        try:
            doc = etree.fromstring((wrapper + "<channel>" + match.group(0) + "</channel></rss>").encode("utf-8"))
            items.append(doc.find("channel/item"))
        except etree.XMLSyntaxError as error:
            broken.append(RejectedSource(f"{path}#item-{number}", f"the item is not well-formed XML ({error.msg}); fix it in the export"))
    if not items and not broken:
        raise RejectedSource(str(path), "the WXR file is not well-formed XML and no <item> could be read")
    return items, broken, authors


def _date(item: Any, tz_name: str) -> datetime | None:
    gmt = _text(item, "wp:post_date_gmt")
    if gmt and not gmt.startswith("0000"):
        return datetime.fromisoformat(gmt).replace(tzinfo=timezone.utc).astimezone(ZoneInfo(tz_name))
    local = _text(item, "wp:post_date")
    if local and not local.startswith("0000"):
        return localize(datetime.fromisoformat(local), tz_name)
    return None


def _story(path: Path, number: int, item: Any, authors: dict[str, str],
           settings: ImportSettings) -> ExtractedStory | RejectedSource | SkippedItem:
    where = f"{path}#item-{number}"
    kind = _text(item, "wp:post_type") or "post"
    if kind != "post":
        return SkippedItem(where, f'a WordPress {kind}, not a post')
    status = _text(item, "wp:status") or "publish"
    if status == "trash":
        return RejectedSource(where, "the post is in the WordPress trash")
    headline = html_to_text(_text(item, "title"))
    if not headline:
        return RejectedSource(where, "the post has no title; give it one in WordPress and export again")
    try:
        date = _date(item, settings.timezone)
    except ValueError as error:
        return RejectedSource(where, f"post_date_gmt: {error}")
    if date is None:
        return RejectedSource(where, "the post has no date (post_date_gmt and post_date are empty)")
    categories = [(node.text or "").strip() for node in item.findall("category") if node.get("domain") == "category"]
    nicenames = [node.get("nicename") or "" for node in item.findall("category") if node.get("domain") == "category"]
    tags = [(node.text or "").strip() for node in item.findall("category") if node.get("domain") == "post_tag"]
    desk = settings.default_desk
    for label in categories + nicenames:
        mapped = settings.desk_for(label)
        if mapped != settings.default_desk or label.lower() in (settings.default_desk, settings.desks.get(settings.default_desk, "").lower()):
            desk = mapped
            break
    login = _text(item, "dc:creator")
    content, shortcodes = strip_shortcodes(_text(item, "content:encoded"))
    body = html_to_markdown(content)
    if not body:
        return RejectedSource(where, "the post has no content")
    slug = _text(item, "wp:post_name")
    excerpt = next((html_to_text(child.text or "") for child in item
                    if isinstance(child.tag, str) and etree.QName(child).localname == "encoded"
                    and "excerpt" in (etree.QName(child).namespace or "")), "")
    meta: dict[str, Any] = {
        "headline": headline,
        "date": date,
        "desk": desk,
        "byline": [authors.get(login, login)] if login else [],
        "tags": list(dict.fromkeys(tags)),
        "summary": excerpt or None,
        "status": _STATUS.get(status, "draft"),
        "slug": slug if _SLUG.match(slug or "") else None,
        "source": {"url": _text(item, "link") or None, "guid": _text(item, "guid") or None},
    }
    notes = [f'WordPress status "{status}" imported as {meta["status"]}'] if status in ("future", "private", "pending") else []
    removed = [RemovedBlock(0, code, "WordPress shortcode") for code in shortcodes]
    comments = [child for child in item if isinstance(child.tag, str) and etree.QName(child).localname == "comment"]
    if comments:
        removed.append(RemovedBlock(0, f"{len(comments)} reader comment(s)", "reader comments (not part of the story)"))
    return ExtractedStory(meta=meta, body=body, source_path=where, notes=notes, removed=removed)


def read_wxr(path: Path, text: str, settings: ImportSettings) -> list[ExtractedStory | RejectedSource | SkippedItem]:
    """Every item of a WXR export: posts as stories, broken or unusable posts as RejectedSource,
    attachments, pages and menu items as SkippedItem."""
    items, broken, authors = _parse_items(path, text)
    results: list[ExtractedStory | RejectedSource | SkippedItem] = list(broken)
    results.extend(_story(path, number, item, authors, settings) for number, item in enumerate(items, start=1))
    return results
