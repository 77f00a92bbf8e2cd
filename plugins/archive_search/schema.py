"""The Whoosh schema of the archive's search index, and the names the export and client share.

Whoosh is the reference for search: this schema decides how articles are analyzed and scored,
and the browser client mirrors it field for field.
"""

from __future__ import annotations

from whoosh.analysis import IDAnalyzer, StemmingAnalyzer
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema

#: Scored text fields, in the order the query parser searches them by default.
TEXT_FIELDS: tuple[str, ...] = ("headline", "summary", "body", "byline")

#: Headline words count this many times their frequency (Whoosh multiplies posting weights).
HEADLINE_BOOST = 2.0

#: Fields a reader may name in a query (`desk:sport`), mapped to the index field.
FILTER_FIELDS: dict[str, str] = {"desk": "desk", "tag": "tag", "byline": "byline", "date": "date"}


def build_schema() -> Schema:
    """Return a fresh schema: stemmed text fields, exact-match desk/tag keys, a sortable date.

    `key` is the article's site URL (unique), `fingerprint` the hash of what was indexed, so an
    unchanged article is never re-indexed; `record` is the JSON shown on a results page;
    `source` the compressed indexed text, to tell which terms an edit touches.
    """
    analyzer = StemmingAnalyzer()
    return Schema(
        key=ID(unique=True, stored=True),
        fingerprint=ID(stored=True),
        headline=TEXT(analyzer=analyzer, field_boost=HEADLINE_BOOST),
        summary=TEXT(analyzer=analyzer),
        body=TEXT(analyzer=analyzer),
        byline=TEXT(analyzer=analyzer),
        desk=ID(analyzer=IDAnalyzer(lowercase=True)),
        tag=KEYWORD(commas=True, lowercase=True),
        date=DATETIME(sortable=True, stored=True),
        record=STORED(),
        source=STORED(),
    )
