"""The Whoosh schema of the archive's search index, and the names the export and client share.

Whoosh is the reference for search: this schema decides how articles are analyzed and scored,
and the browser client mirrors it field for field.
"""

from __future__ import annotations

from typing import Any

from whoosh.analysis import IDAnalyzer, StemmingAnalyzer
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from .tokens import postings_of

#: Scored text fields, in the order the query parser searches them by default.
TEXT_FIELDS: tuple[str, ...] = ("headline", "summary", "body", "byline")

#: Headline words count this many times their frequency (Whoosh multiplies posting weights).
#: 5 finds a story from its rarest headline words most often on the BBC corpus (2, 3, 5, 8
#: and 12 tried: 5 and up are level); the benchmark prints the known-item figures.
HEADLINE_BOOST = 5.0

#: Words typed without a field score this many times higher in these fields (Whoosh's
#: MultifieldParser `fieldboosts`: the field's BM25F score is multiplied, after saturation).
#: HEADLINE_BOOST alone cannot make a headline outweigh the body: BM25 saturates term
#: frequency, so a headline word is worth at most (K1 + 1) idf however it is weighted, and a
#: story with one of the words in its headline and all of them throughout its text came
#: before the story whose headline has every word ("rap row" found "Rap boss arrested over
#: drug find" before "England coach faces rap after row"). Tripled, a headline holding all
#: the words comes first; 3 to 20 measure alike on the known-item benchmark.
QUERY_FIELD_BOOSTS: dict[str, float] = {"headline": 3.0}

#: Fields a reader may name in a query (`desk:sport`), mapped to the index field.
FILTER_FIELDS: dict[str, str] = {"desk": "desk", "tag": "tag", "byline": "byline", "date": "date"}


class PublicationDate(DATETIME):
    """Whoosh's DATETIME field with each date indexed as one term, not eight.

    DATETIME indexes every value at eight precisions (its shift_step of 8 bits), so that a
    range over years can match a few coarse terms instead of every date in it. An archive's
    dates are nearly all distinct, so that made about five terms per article, more than a
    third of the index's terms at 10,000 articles, each costing the writer a term entry. With
    one term per date (shift_step 0, which Whoosh's numeric ranges support), `date:2023-03`
    matches the same articles by walking the month's dates.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.shift_step = 0


class AnalyzedText(TEXT):
    """Whoosh's TEXT field that also takes its text already analyzed (a tokens.FieldAnalysis):
    the indexer analyzes each text once for the stemmed field and the spelling list. Queries
    and plain text go through the field's analyzer as usual."""

    def index(self, value: Any, **kwargs: Any) -> Any:
        postings = postings_of(value)
        return postings if postings is not None else super().index(value, **kwargs)


def build_schema() -> Schema:
    """Return a fresh schema: stemmed text fields, exact-match desk/tag keys, a sortable date.

    `key` is the article's site URL (unique), `fingerprint` the hash of what was indexed (kept,
    not searched), so an unchanged article is never re-indexed; `record` is the JSON shown on a results page;
    `source` the compressed indexed text, to tell which terms an edit touches; `lengths` the
    words in each text field (Whoosh keeps them only rounded to a byte per article), so the
    statistics of live articles can be told apart from those of deleted ones (livestats.py).
    The spelling word list is kept beside the index, not in it (spelling.py).
    """
    # An unbounded stem cache: Whoosh's bounded one costs more than the archive's vocabulary.
    analyzer = StemmingAnalyzer(cachesize=-1)
    return Schema(
        key=ID(unique=True, stored=True),
        fingerprint=STORED(),
        headline=AnalyzedText(analyzer=analyzer, field_boost=HEADLINE_BOOST),
        summary=AnalyzedText(analyzer=analyzer),
        body=AnalyzedText(analyzer=analyzer),
        byline=AnalyzedText(analyzer=analyzer),
        desk=ID(analyzer=IDAnalyzer(lowercase=True)),
        tag=KEYWORD(commas=True, lowercase=True),
        date=PublicationDate(sortable=True, stored=True),
        record=STORED(),
        source=STORED(),
        lengths=STORED(),
    )
