"""HTML pages → one ExtractedStory: trafilatura finds the body, the page's own metadata the fields.

Headline, dates, byline, section, tags and summary come from JSON-LD (NewsArticle and kin) first,
then Open Graph / article: meta tags, then plain meta tags and <title>; dates keep their offsets
(trafilatura's own date finder keeps only the day).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import trafilatura
from lxml import html as lxml_html

from archive_import.chrome import chrome_reason
from archive_import.dates import RelativeDateError, parse_date
from archive_import.records import ExtractedStory, RejectedSource, RemovedBlock
from archive_import.settings import ImportSettings
from archive_import.tagging import suggest_tags, summarize

__all__ = ["read_html_page", "page_metadata"]

_ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "blogposting", "analysisnewsarticle",
                  "opinionnewsarticle", "webpage", "liveblogposting"}


def _json_ld(tree: Any) -> dict[str, Any]:
    """The first article-like JSON-LD object of the page (looking inside @graph and lists)."""
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content())
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                kinds = item.get("@type", [])
                kinds = [kinds] if isinstance(kinds, str) else kinds
                if any(str(kind).lower() in _ARTICLE_TYPES for kind in kinds) and item.get("headline"):
                    return item
                stack.extend(item.get("@graph", []))
    return {}


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in re.split(r"\s*(?:,|\band\b)\s*", value) if part.strip()]
    if isinstance(value, dict):
        return _names(value.get("name", ""))
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    return []


def page_metadata(tree: Any) -> dict[str, Any]:
    """Headline, date strings, byline, section, tags, summary, image and url as the page declares them."""
    meta: dict[str, str] = {}
    for node in tree.xpath("//meta[@content]"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").strip().lower()
        if key and key not in meta:
            meta[key] = node.get("content").strip()
    ld = _json_ld(tree)
    title = tree.findtext(".//title") or ""
    canonical = [str(href) for href in tree.xpath('//link[@rel="canonical"]/@href')]
    time_nodes = [str(value) for value in tree.xpath("//time[@datetime]/@datetime")]
    keywords = ld.get("keywords") or meta.get("news_keywords") or meta.get("keywords") or ""
    tags = keywords if isinstance(keywords, list) else [k.strip() for k in str(keywords).split(",") if k.strip()]
    tags += [node.get("content").strip() for node in tree.xpath('//meta[@property="article:tag"]')]
    image = ld.get("image")
    if isinstance(image, list):
        image = image[0] if image else None
    if isinstance(image, dict):
        image = image.get("url")
    section = ld.get("articleSection") or meta.get("article:section")
    return {
        "headline": ld.get("headline") or meta.get("og:title") or meta.get("twitter:title") or title.strip() or None,
        "date": ld.get("datePublished") or meta.get("article:published_time") or meta.get("date")
        or meta.get("pubdate") or (time_nodes[0] if time_nodes else None),
        "modified": ld.get("dateModified") or meta.get("article:modified_time") or meta.get("og:updated_time"),
        "byline": _names(ld.get("author")) or _names(meta.get("author", "")) or _names(meta.get("article:author", "")),
        "section": section[0] if isinstance(section, list) and section else section,
        "tags": list(dict.fromkeys(tag for tag in tags if isinstance(tag, str) and tag)),
        "summary": ld.get("description") or meta.get("og:description") or meta.get("description"),
        "image": image or meta.get("og:image"),
        "url": (canonical[0] if canonical else None) or meta.get("og:url") or ld.get("url"),
        "lang": next((str(value) for value in tree.xpath("/html/@lang")), None),
    }


def read_html_page(path: Path, text: str, settings: ImportSettings) -> list[ExtractedStory]:
    """The story of one HTML page; RejectedSource for truncated pages or pages without headline/date/body."""
    lowered = text.lower()
    if "<html" in lowered and "</html>" not in lowered[-4000:]:
        raise RejectedSource(str(path), "the HTML is truncated (no closing </html>); save the whole page again")
    # lxml refuses an encoding declaration on text that is already decoded (XHTML pages)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        tree = lxml_html.fromstring(text)
    except (ValueError, lxml_html.etree.ParserError) as error:
        raise RejectedSource(str(path), f"the HTML cannot be parsed: {error}") from None
    found = page_metadata(tree)
    body = trafilatura.extract(text, output_format="markdown", include_comments=False, include_tables=True,
                               include_images=False, include_links=False, deduplicate=False)
    if not body or not body.strip():
        raise RejectedSource(str(path), "no article text found in the page")
    if not found["headline"]:
        raise RejectedSource(str(path), "no headline found (no JSON-LD headline, og:title or <title>)")
    if not found["date"]:
        raise RejectedSource(str(path), "no publication date found (no JSON-LD datePublished, article:published_time or <time>)")
    try:
        date = parse_date(found["date"], settings.timezone, settings.captured_at)
        modified = parse_date(found["modified"], settings.timezone, settings.captured_at) if found["modified"] else None
    except (ValueError, RelativeDateError) as error:
        raise RejectedSource(str(path), f"date: {error}") from None
    headline = re.sub(r"\s+", " ", found["headline"]).strip()
    paragraphs = [part for part in body.split("\n\n") if part.strip()]
    if paragraphs and paragraphs[0].lstrip("# ").strip() == headline:
        # the page's <h1> repeats the headline, which lives in the front matter
        paragraphs = paragraphs[1:]
        body = "\n\n".join(paragraphs)
    meta: dict[str, Any] = {
        "headline": headline,
        "date": date,
        "modified": modified,
        "desk": settings.desk_for(found["section"], *found["byline"]),
        "byline": found["byline"],
        "tags": found["tags"] or suggest_tags(headline, paragraphs),
        "summary": found["summary"] or summarize(paragraphs),
        "source": {"url": found["url"]},
        "lang": found["lang"].split("_")[0] if found["lang"] else None,
    }
    if found["image"]:
        meta["image"] = {"src": found["image"]}
    return [ExtractedStory(meta=meta, body=body.strip(), source_path=str(path),
                           removed=_removed_blocks(tree, body, headline, meta["byline"]), confidence=0.9)]


_TEXT_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "dt", "dd", "figcaption",
                "blockquote", "pre", "caption", "label", "button", "option"}
_REGION_REASONS = (("nav", "navigation"), ("header", "page header"), ("footer", "footer"),
                   ("aside", "related link"), ("form", "form"))
_SPACE = re.compile(r"\s+")


def _removed_blocks(tree: Any, body: str, headline: str, byline: list[str]) -> list[RemovedBlock]:
    """Each text block of the page that is not in the extracted body, with a reason.

    The reason is the block's chrome vocabulary when it has some, else the page region it sits
    in (nav, footer, aside...), else "outside the article" as trafilatura judged it.
    """
    kept = _SPACE.sub(" ", re.sub(r"[*_#>`\[\]]", "", body))
    removed = []
    for element in tree.iter(*_TEXT_BLOCKS):
        if any(child.tag in _TEXT_BLOCKS for child in element.iterdescendants() if isinstance(child.tag, str)):
            continue
        text = _SPACE.sub(" ", element.text_content()).strip()
        if not text or (text in kept and text != headline):
            continue
        if text == headline:
            removed.append(RemovedBlock(element.sourceline or 0, text, "headline (in the front matter)"))
            continue
        regions = {ancestor.tag for ancestor in element.iterancestors()}
        if any(name in text for name in byline) and len(text.split()) <= 12:
            removed.append(RemovedBlock(element.sourceline or 0, text, "byline (in the front matter)"))
            continue
        reason = chrome_reason(text) or next((why for tag, why in _REGION_REASONS if tag in regions),
                                             "outside the article (trafilatura)")
        removed.append(RemovedBlock(element.sourceline or 0, text, reason))
    return removed
