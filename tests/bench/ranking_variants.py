"""Known-item success@1 of ranking changes a newsroom might make, tried in Whoosh alone on
several splits of the BBC corpus before any of them is built into the index and the client.

    python tests/bench/ranking_variants.py [--seeds 2026 1 2 3] [--work /tmp/variants]

The queries are bench_search.py's spelled-right known-item queries (the 2 or 3 rarest headline
words of 300 stories drawn with each seed; 2026 is the README's split), and a story the corpus
carries twice counts once (bench_search.same_stories). The archive's scoring is rebuilt in a
plain Whoosh index of the 2,225 stories (same analyzers, headline boost and query field boosts,
Whoosh's BM25F, which a clean index's live statistics equal), so "as shipped" gives the
benchmark's own figures. Each variant prints success@1 per split and the queries it wins and
loses against "as shipped". Typo queries are left out: the variants change scoring, not the
corrector. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "plugins"), str(REPO / "tests"), str(REPO / "tests" / "bench")]

from whoosh import index  # noqa: E402
from whoosh.analysis import StandardAnalyzer  # noqa: E402
from whoosh.fields import ID, TEXT  # noqa: E402
from whoosh.qparser import AndGroup, MultifieldParser  # noqa: E402
from whoosh.query import AndMaybe, Or, Phrase, Query  # noqa: E402
from whoosh.scoring import BM25F  # noqa: E402

from archive_search.schema import QUERY_FIELD_BOOSTS, TEXT_FIELDS, build_schema  # noqa: E402
from bench_search import QUALITY_SEED, known_item_query, same_stories  # noqa: E402
from search_corpus import bbc_documents  # noqa: E402

#: The headline's words as written (lowercased, stop words out, not stemmed): a query word in
#: this field scores again only where the headline has it in the very form typed.
WRITTEN = "headline_written"


@dataclass(frozen=True)
class Variant:
    """A ranking change: the headline's words as written scored `written` times (0: not at all),
    adjacent query words next to each other in the headline (either order) scoring again
    `phrase` times, and the headline's BM25 length normalization `headline_b`."""

    label: str
    written: float = 0.0
    phrase: float = 0.0
    headline_b: float = 0.75


VARIANTS = (
    Variant("as shipped"),
    Variant("headline words as written x1", written=1.0),
    Variant("headline words as written x2", written=2.0),
    Variant("headline words as written x3", written=3.0),
    Variant("adjacent words in the headline x1", phrase=1.0),
    Variant("as written x2 + adjacent x1", written=2.0, phrase=1.0),
    Variant("headline B 0 (no length normalization)", headline_b=0.0),
    Variant("headline B 1 (full length normalization)", headline_b=1.0),
)


def build(folder: Path, documents: list[Any]) -> Any:
    """A plain Whoosh index of `documents` with the archive's text fields and WRITTEN."""
    schema = build_schema()
    schema.add(WRITTEN, TEXT(analyzer=StandardAnalyzer()))
    schema.add("url", ID(stored=True))
    ix = index.create_in(str(folder), schema)
    writer = ix.writer(limitmb=64)
    for doc in sorted(documents, key=lambda doc: (doc.date, doc.key)):  # the archive's order
        writer.add_document(url=doc.url, headline=doc.headline, summary=doc.summary, body=doc.body,
                            byline="\n".join(doc.byline), **{WRITTEN: doc.headline})
    writer.commit()
    return ix


def query_of(variant: Variant, parser: MultifieldParser, text: str, analyze: Any) -> Query:
    """The variant's Whoosh query for the plain words `text`."""
    query = parser.parse(text)
    terms = analyze(text)
    if variant.phrase and len(terms) > 1:
        pairs = [terms[i:i + 2] for i in range(len(terms) - 1)]
        pairs += [pair[::-1] for pair in pairs]
        query = AndMaybe(query, Or([Phrase("headline", pair, boost=variant.phrase) for pair in pairs]))
    return query


def ranks(ix: Any, variant: Variant, queries: list[tuple[str, set[str]]]) -> list[int | None]:
    """Rank of the wanted story (any of its copies) in the top 10 of each query, or None."""
    fields = list(TEXT_FIELDS) + ([WRITTEN] if variant.written else [])
    boosts = dict(QUERY_FIELD_BOOSTS, **({WRITTEN: variant.written} if variant.written else {}))
    parser = MultifieldParser(fields, ix.schema, fieldboosts=boosts, group=AndGroup)
    analyzer = ix.schema["headline"].analyzer
    analyze = lambda text: [token.text for token in analyzer(text)]  # noqa: E731
    found = []
    with ix.searcher(weighting=BM25F(headline_B=variant.headline_b)) as searcher:
        for text, story in queries:
            urls = [hit["url"] for hit in searcher.search(query_of(variant, parser, text, analyze), limit=10)]
            found.append(next((rank for rank, url in enumerate(urls, start=1) if url in story), None))
    return found


def known_item_queries(ix: Any, documents: list[Any], seed: int, words: int) -> list[tuple[str, set[str]]]:
    """bench_search.quality's spelled-right queries of `words` words for split `seed`."""
    stories = same_stories(documents)
    analyzer = ix.schema["headline"].analyzer
    with ix.searcher() as searcher:
        reader = searcher.reader()
        frequency: dict[str, int] = {}
        for name in TEXT_FIELDS:  # as ArchiveSearcher.lexicon: articles, summed over the fields
            for termbytes in reader.lexicon(name):
                term = termbytes.decode("utf-8")
                frequency[term] = frequency.get(term, 0) + reader.doc_frequency(name, term)
    analyze = lambda text: [token.text for token in analyzer(text)]  # noqa: E731
    rng = random.Random(seed)
    queries = []
    for doc in rng.sample(documents, min(300, len(documents))):
        text = known_item_query(doc.headline, frequency, analyze, words, "right", rng)
        if text is not None:
            queries.append((text, stories[doc.url]))
    return queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[QUALITY_SEED, 1, 2, 3])
    parser.add_argument("--work", type=Path, default=None, help="keep the Whoosh index here")
    args = parser.parse_args()
    documents = bbc_documents()
    work = args.work or Path(tempfile.mkdtemp(prefix="ranking-variants-"))
    folder = work / "variants-index"
    if index.exists_in(str(folder)):
        ix = index.open_dir(str(folder))
    else:
        folder.mkdir(parents=True, exist_ok=True)
        ix = build(folder, documents)
    try:
        for words in (2, 3):
            splits = {seed: known_item_queries(ix, documents, seed, words) for seed in args.seeds}
            shipped = {seed: ranks(ix, VARIANTS[0], queries) for seed, queries in splits.items()}
            print(f"{words} words, spelled right: success@1 per split (seed), queries won / lost against as shipped")
            for variant in VARIANTS:
                cells, won, lost = [], [], []
                for seed, queries in splits.items():
                    found = shipped[seed] if variant is VARIANTS[0] else ranks(ix, variant, queries)
                    cells.append(f"{seed}: {sum(rank == 1 for rank in found) / len(found):.3f}")
                    for (text, _), mine, theirs in zip(queries, found, shipped[seed]):
                        if (mine == 1) != (theirs == 1):
                            (won if mine == 1 else lost).append(text)
                print(f"  {variant.label:42s} {'  '.join(cells)}   +{len(won)} -{len(lost)}"
                      + (f"  lost: {', '.join(sorted(set(lost)))}" if lost else ""))
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
