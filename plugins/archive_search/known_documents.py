"""Search documents' fingerprints remembered from the last build, by what they were made from.

Every build hands the indexer every article, and the indexer fingerprints each one to find
what changed; making a document means reading the article's HTML back to text (about 1 CPU s
at 10,000 articles, for a "+1" that changes one). `KnownDocuments` keeps, per article key, a
digest of everything `documents.from_article` reads of the article (address, headline, date,
desk, HTML, summary, bylines, tags) with the fingerprint of the document made from it. An
article whose digest is the one kept gets that fingerprint without its document being made;
the document is made only if the indexer reads more of it (a new or changed article).

The digest covers every input of `from_article`, and the kept file names the code that made
the fingerprints (documents.py's source and the Python version): a fingerprint is a function
of those, so a kept one is never stale. A missing, garbled or other code's file is ignored.
"""

from __future__ import annotations

import hashlib
import marshal
import sys
from pathlib import Path
from typing import Any

from . import documents
from .documents import SearchDocument, from_article
from .kept import load_file, save_file

#: The file kept in the search index folder.
KNOWN_FILE = "known-documents.marshal"


def _code_version() -> str:
    """What a document's fingerprint depends on besides the article: the code making it."""
    source = Path(documents.__file__).read_bytes()
    return hashlib.sha256(source + sys.version.encode()).hexdigest()


def inputs_digest(article: Any, url: str | None = None) -> str:
    """A digest of everything from_article reads of `article` (`url`: its address, if known)."""
    metadata = getattr(article, "metadata", None) or {}
    category = getattr(article, "category", None)
    html = getattr(article, "_content", None)
    if not isinstance(html, str):  # no HTML as read: from_article falls back to `content`
        html = str(article.content or "")
    parts = (
        str(article.url) if url is None else url, str(article.title), article.date.isoformat(),
        str(getattr(category, "slug", "") or ""), html, str(metadata.get("summary", "") or ""),
        list(map(str, getattr(article, "authors", None) or ())),
        [(str(tag.slug), str(tag)) for tag in getattr(article, "tags", None) or ()],
    )
    # Version 2: later versions write a value met twice as a reference when it is one object, so
    # equal parts held differently in another build (a tag's slug and name, say) digested apart.
    return hashlib.blake2b(marshal.dumps(parts, 2), digest_size=16).hexdigest()


class KnownDocument:
    """An article's search document, made from the article only when a field other than key,
    date or fingerprint is read (or, for an article not seen before, the fingerprint).

    The fingerprint is the one kept from the last build when the article's inputs are the
    same; otherwise it is the made document's, and `made` records it for the next build.
    """

    __slots__ = ("_article", "_fingerprint", "_document", "_known", "_digest", "key", "date")

    def __init__(self, article: Any, fingerprint: str | None, known: KnownDocuments | None = None,
                 digest: str = "", key: str | None = None) -> None:
        self._article = article
        self._fingerprint = fingerprint
        self._document: SearchDocument | None = None
        # Where to record the fingerprint of a document made here (None: it was kept).
        self._known = known
        self._digest = digest
        self.key = article.url if key is None else key
        self.date = article.date

    def fingerprint(self) -> str:
        """The fingerprint the document made from this article has."""
        known = self._fingerprint
        return known if known is not None else self.made().fingerprint()

    def made(self) -> SearchDocument:
        """The article's search document (made once; an article's HTML is read to text once)."""
        document = self._document
        if document is None:
            document = self._document = from_article(self._article)
            if self._known is not None:
                self._known.current[document.key] = [self._digest, document.fingerprint()]
        return document

    def __getattr__(self, name: str) -> Any:
        return getattr(self.made(), name)


class KnownDocuments:
    """Fingerprints of the last build's documents, and of this build's as they are made."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / KNOWN_FILE
        self.code = _code_version()
        self.previous: dict[str, list[str]] = {}
        kept = load_file(self.path)
        if isinstance(kept, dict) and kept.get("code") == self.code and isinstance(kept.get("documents"), dict):
            self.previous = kept["documents"]
        self.current: dict[str, list[str]] = {}
        # Each article's digest, by the article object's identity: the indexer asks for an
        # article twice in a build (to fingerprint it, then to index it).
        self._digests: dict[int, str] = {}

    def on_demand(self, article: Any) -> KnownDocument:
        """`article`'s search document as a stand-in that makes it only when it is read: with
        the kept fingerprint when the article's inputs are those of the last build."""
        url = str(article.url)
        digest = self._digests.get(id(article))
        if digest is None:
            digest = self._digests[id(article)] = inputs_digest(article, url)
        known = self.previous.get(url)
        if type(known) is list and len(known) == 2 and known[0] == digest:
            self.current[url] = known
            return KnownDocument(article, known[1], key=url)
        return KnownDocument(article, None, self, digest, url)

    def document(self, article: Any) -> SearchDocument | KnownDocument:
        """`article`'s search document, or a stand-in with its known fingerprint."""
        found = self.on_demand(article)
        return found if found._fingerprint is not None else found.made()

    def save(self) -> None:
        """Keep this build's fingerprints for the next build (atomically)."""
        if self.current == self.previous:
            return
        save_file(self.path, {"code": self.code, "documents": dict(sorted(self.current.items()))})
