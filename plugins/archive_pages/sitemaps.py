"""sitemap.xml (an index of numbered sitemaps past the protocol's URL limit) and the
Google News sitemap of the last days' stories, written with ElementTree; the list of every
page's address, rewritten on every build, is written as ElementTree writes it but as text
(`_urlset_xml`: ElementTree took half a CPU second per build at 10,000 stories)."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Sequence

from archive_format import write_atomic

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
# Google reads at most this many stories from one news sitemap.
NEWS_SITEMAP_MAX_URLS = 1000

ET.register_namespace("", SITEMAP_NS)
ET.register_namespace("news", NEWS_NS)


@dataclass(frozen=True)
class SitemapEntry:
    """One page address (absolute when publishing) and when it last changed."""

    loc: str
    lastmod: datetime | None = None


@dataclass(frozen=True)
class NewsEntry:
    """One recent story for the Google News sitemap."""

    loc: str
    title: str
    published: datetime
    language: str


def _write(tree_root: ET.Element | bytes, path: str) -> None:
    """Write XML atomically, so a failed build never leaves half a sitemap."""
    xml = tree_root if isinstance(tree_root, bytes) else ET.tostring(tree_root, encoding="utf-8", xml_declaration=True)
    write_atomic(path, xml)


def _text(text: str) -> str:
    """Element text escaped as ElementTree escapes it."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _urlset_xml(entries: Sequence[SitemapEntry]) -> bytes:
    """The bytes ElementTree writes for `_urlset(entries)` (declaration included)."""
    head = "<?xml version='1.0' encoding='utf-8'?>\n" f'<urlset xmlns="{SITEMAP_NS}"'
    if not entries:
        return (head + " />").encode("utf-8")
    parts = [head, ">"]
    for entry in entries:
        parts.append(f"<url><loc>{_text(entry.loc)}</loc>" if entry.loc else "<url><loc />")
        if entry.lastmod:
            parts.append(f"<lastmod>{_text(entry.lastmod.isoformat())}</lastmod>")
        parts.append("</url>")
    parts.append("</urlset>")
    return "".join(parts).encode("utf-8")


def _urlset(entries: Iterable[SitemapEntry]) -> ET.Element:
    """The sitemap as an ElementTree: what `_urlset_xml` writes as text (tests compare them)."""
    urlset = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    for entry in entries:
        url = ET.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = entry.loc
        if entry.lastmod:
            ET.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = entry.lastmod.isoformat()
    return urlset


def write_sitemaps(
    output_path: str, site_url: str, entries: Sequence[SitemapEntry], max_urls: int
) -> list[str]:
    """Write sitemap.xml, as an index of sitemap-N.xml files past `max_urls`; return the files."""
    if len(entries) <= max_urls:
        _write(_urlset_xml(entries), os.path.join(output_path, "sitemap.xml"))
        return ["sitemap.xml"]
    index = ET.Element(f"{{{SITEMAP_NS}}}sitemapindex")
    written = ["sitemap.xml"]
    for number, start in enumerate(range(0, len(entries), max_urls), start=1):
        name = f"sitemap-{number}.xml"
        _write(_urlset_xml(entries[start : start + max_urls]), os.path.join(output_path, name))
        sitemap = ET.SubElement(index, f"{{{SITEMAP_NS}}}sitemap")
        ET.SubElement(sitemap, f"{{{SITEMAP_NS}}}loc").text = f"{site_url}/{name}"
        written.append(name)
    _write(index, os.path.join(output_path, "sitemap.xml"))
    return written


def write_news_sitemap(output_path: str, publication: str, entries: Sequence[NewsEntry]) -> str:
    """Write news-sitemap.xml for the given recent stories (newest first); return its name."""
    urlset = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    for entry in entries[:NEWS_SITEMAP_MAX_URLS]:
        url = ET.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = entry.loc
        news = ET.SubElement(url, f"{{{NEWS_NS}}}news")
        source = ET.SubElement(news, f"{{{NEWS_NS}}}publication")
        ET.SubElement(source, f"{{{NEWS_NS}}}name").text = publication
        ET.SubElement(source, f"{{{NEWS_NS}}}language").text = entry.language
        ET.SubElement(news, f"{{{NEWS_NS}}}publication_date").text = entry.published.isoformat()
        ET.SubElement(news, f"{{{NEWS_NS}}}title").text = entry.title
    name = "news-sitemap.xml"
    _write(urlset, os.path.join(output_path, name))
    return name
