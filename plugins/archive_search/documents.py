"""What the search index holds about one article, and how a Pelican article becomes that.

A `SearchDocument` is plain data so the index can be built from a Pelican build or from any list
of articles (tests, benchmarks) the same way.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from dataclasses import dataclass
from datetime import datetime
from html import unescape
from html.parser import HTMLParser
from itertools import chain
from typing import Any

#: Indexed fields whose text is stored with each article, to know which terms and words an
#: edit or a removal takes away.
SOURCE_FIELDS = ("headline", "summary", "body", "byline", "desk", "tag")

#: Characters of body text kept in the record for the results page's snippet.
EXCERPT_CHARS = 320
#: The form of `SearchDocument.record`, part of every fingerprint (2: without the summary).
RECORD_FORMAT = 2

#: Tags that end a block of text: their text must not run into the next block's words.
_BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote pre table tr td th figure figcaption "
    "section article header footer aside hr dd dt dl".split()
)
_SKIPPED_TAGS = frozenset({"script", "style", "template"})


@dataclass(frozen=True)
class SearchDocument:
    """One article as the index sees it.

    key: the article's site URL, unique in the archive; url: the link shown in results;
    date: aware publication datetime; desk: desk slug; tags: tag slugs (what `tag:` matches);
    tag_names: the tags as shown; body: plain text (no markup).
    """

    key: str
    url: str
    headline: str
    date: datetime
    desk: str
    body: str = ""
    summary: str = ""
    byline: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    tag_names: tuple[str, ...] = ()

    def record(self) -> dict[str, Any]:
        """Return what a results page shows for this article (the exported document record):
        headline, url, date, desk, byline, tags and the snippet's text, `excerpt` (the body's
        opening, or the summary's for a story without a body)."""
        # No summary: the page's snippet is the excerpt, and a standfirst is most often the
        # body's first sentence, so it was the excerpt's opening again, a fifth of a record.
        return {
            "headline": self.headline,
            "url": self.url,
            "date": self.date.isoformat(),
            "desk": self.desk,
            "byline": list(self.byline),
            "tags": list(self.tag_names or self.tags),
            "excerpt": excerpt(self.body or self.summary),
        }

    def fingerprint(self) -> str:
        """Return a hash of everything indexed: equal hashes mean re-indexing can be skipped."""
        # A build asks for it up to three times (known documents, the update, the stored
        # fields): the text is hashed once.
        known = self.__dict__.get("_fingerprint")
        if known is not None:
            return known
        parts = [self.key, self.url, self.headline, self.date.isoformat(), self.desk, self.body, self.summary,
                 *self.byline, *self.tags, *self.tag_names]
        # Lengths first, so no two different articles join to the same text. (Plain joining:
        # every build hashes every article, and JSON-encoding each body cost twice as much.)
        # RECORD_FORMAT too: a record is stored in the index when its article is indexed, so a
        # new form of record must make every article's fingerprint new to reach the export.
        shape = (f"{RECORD_FORMAT};{len(self.byline)},{len(self.tags)},{len(self.tag_names)}:"
                 + ",".join(str(len(p)) for p in parts))
        known = hashlib.sha256("\x00".join([shape, *parts]).encode("utf-8")).hexdigest()
        object.__setattr__(self, "_fingerprint", known)  # frozen: set as a cache, not a field
        return known


def compact_json(value: Any) -> str:
    """JSON as the export writes it: keys sorted, no spaces, text as written (not escaped).

    An article's stored record is in this form too, so a clean build's export writes it as
    the indexer made it (fresh_postings.py) and decoding it gives it back unchanged."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def pack_source(fields: dict[str, object]) -> str:
    """Return the stored form of an article's indexed text (`fields`: index field → text).

    JSON text: Whoosh compresses each article's stored fields together, and compressing the
    text here first cost a second pass over every body (and a larger index).
    """
    return json.dumps({name: fields[name] for name in SOURCE_FIELDS}, ensure_ascii=False)


def stored_source(stored: dict[str, Any]) -> dict[str, Any]:
    """Return the indexed text (index field → text) from an article's stored fields."""
    blob = stored.get("source")
    if isinstance(blob, str):
        return json.loads(blob)
    # An index written before the text was stored as it is: compressed JSON.
    return json.loads(zlib.decompress(blob)) if isinstance(blob, bytes) else {}


def excerpt(body: str, limit: int = EXCERPT_CHARS) -> str:
    """Return the opening of `body`, cut at a word boundary, with an ellipsis if cut."""
    # The words of an opening of the body, joined, are an opening of the whole body's words
    # joined (a word cut at its end is a prefix of the word): when that is already past the
    # limit, the rest of the body cannot change what is kept.
    text = " ".join(body[:4 * limit].split())
    if len(text) <= limit and len(body) > 4 * limit:
        text = " ".join(body.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > 0 else limit] + "…"


class _TextCollector(HTMLParser):
    """Collects the text of an HTML fragment, keeping block boundaries as line breaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


#: A tag with no attributes (what a story of plain paragraphs is made of: `<p>`, `</p>`); its name.
_BARE_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)>")
#: Tags html_to_text reads without the parser: blocks, and inline tags that only wrap text.
_BARE_TAGS_READ = _BLOCK_TAGS | frozenset("a b i em strong u s small sub sup span mark abbr cite q code".split())
#: What html_to_text reads each of those tags as: a line break for a block, nothing for the others.
_TAG_BREAK = {name: "\n" if name in _BLOCK_TAGS else "" for name in _BARE_TAGS_READ}


def html_to_text(html: str) -> str:
    """Return the readable text of an HTML fragment: tags removed, entities decoded, blocks kept apart."""
    parts = _bare_parts(html or "")
    if parts is None:
        collector = _TextCollector()
        collector.feed(html or "")
        collector.close()
        parts = collector.parts
    lines = ("".join(parts)).split("\n")
    # Each line with text, its words joined by one space (a map over the lines, in C).
    return "\n".join(map(" ".join, map(str.split, filter(str.strip, lines))))


def _bare_parts(html: str) -> list[str] | None:
    """What _TextCollector collects of `html` when its only markup is tags without attributes
    that it knows (nearly every story: `<p>` paragraphs), found with one regular expression
    split instead of Python's HTML parser; None for anything else.

    The parser passes the text between two tags to handle_data whole, entities decoded with
    html.unescape, and a tag's name lowercased; with no other `<` in the text and no tag that
    switches it to raw text (script, style), it does nothing else."""
    pieces = _BARE_TAG.split(html)
    texts, names = pieces[0::2], pieces[1::2]
    if html.count("<") != len(names):  # a `<` in the text between the tags (each tag has one)
        return None
    names = list(map(str.lower, names))
    if not _BARE_TAGS_READ.issuperset(names):
        return None
    if "&" in html:  # (html.unescape returns a text without `&` as it is)
        texts = list(map(unescape, texts))
    # The texts in turn with what each tag stands for: a line break for a block, else nothing.
    return [texts[0], *chain.from_iterable(zip(map(_TAG_BREAK.__getitem__, names), texts[1:]))]


def _body_html(article: Any) -> str:
    """The article's HTML as read, before Pelican resolves its links for a page.

    `article.content` would be the same text (links are resolved inside tags only), but
    Pelican keeps every `content` it makes, per page depth, for the rest of the build: read
    for every article, that is one more copy of the archive's HTML in memory.
    """
    html = getattr(article, "_content", None)
    return html if isinstance(html, str) else (article.content or "")


def from_article(article: Any) -> SearchDocument:
    """Return the search document of a Pelican article (title, content, summary, authors, ...).

    The summary Pelican makes when an article has none is the opening of the body; only an
    explicit `summary` from the front matter (rendered inline HTML) is indexed as a summary.
    """
    metadata = getattr(article, "metadata", {}) or {}
    summary = metadata.get("summary", "")
    authors = getattr(article, "authors", None) or []
    tags = getattr(article, "tags", None) or []
    category = getattr(article, "category", None)
    return SearchDocument(
        key=article.url,
        url=article.url,
        headline=str(article.title),  # plain text as typed (the reader does not render it)
        date=article.date,
        desk=getattr(category, "slug", "") or "",
        body=html_to_text(_body_html(article)),
        summary=html_to_text(str(summary)) if summary else "",
        byline=tuple(str(author) for author in authors),
        tags=tuple(tag.slug for tag in tags),
        tag_names=tuple(str(tag) for tag in tags),
    )
