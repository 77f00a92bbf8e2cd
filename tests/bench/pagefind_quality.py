"""Known-item quality, ours and Pagefind's, on the same built pages and the same queries.

The queries are the search benchmark's (tests/bench/bench_search.py `quality`): a fixed seed
(2026) picks up to `count` BBC stories; each gives a query of its 2 or 3 rarest headline words,
spelled right or with one edit in the longest word (first letter kept) — bench_search's own
`_rare_words` and `_typo`, drawing from the random generator in the same order. The archive is
the 2,225 BBC stories of `bbc_documents()` built with our pelicanconf.py, so both engines search
the same article pages: ours through engine.js (in node, on the build's exported index), Pagefind
through pagefind.js in Chromium on the same build. Finding either copy of a story the corpus
carries twice finds it, for both engines (bench_search.same_stories).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from archive_format import render_article

#: bench_search.quality's seed, variants and order.
SEED = 2026
VARIANTS = tuple((words, spelled) for words in (2, 3) for spelled in ("right", "one typo"))


@dataclass(frozen=True)
class Variant:
    """One row of issue 6's table: its label and its (query, wanted article URL) pairs."""

    words: int
    spelled: str
    queries: tuple[tuple[str, str], ...]

    @property
    def label(self) -> str:
        return f"known item, {self.words} words, {self.spelled}"


@dataclass(frozen=True)
class Scores:
    """What readers get for one variant: success@1, success@10, MRR, share of empty answers."""

    success1: float
    success10: float
    mrr: float
    empty: float

    @classmethod
    def from_ranks(cls, ranks: list[int | None], totals: list[int]) -> Scores:
        """Scores from each query's rank of the wanted article (None: not in the top 10)."""
        count = len(ranks) or 1
        return cls(sum(rank == 1 for rank in ranks) / count, sum(rank is not None for rank in ranks) / count,
                   sum(1 / rank for rank in ranks if rank) / count, sum(total == 0 for total in totals) / count)

    def cell(self) -> str:
        return f"{self.success1:.3f} / {self.success10:.3f} / {self.mrr:.3f} / {self.empty:.3f}"


def write_documents(documents: list, content: Path) -> None:
    """Write search documents as archive articles whose pages keep the documents' URLs.

    Our ARTICLE_URL is `{date:%Y}/{date:%m}/{date:%d}/{slug}/`, so the slug is the URL's last part.
    """
    for doc in documents:
        slug = doc.url.rstrip("/").rsplit("/", 1)[-1]
        meta = {"headline": doc.headline, "date": doc.date, "desk": doc.desk, "byline": list(doc.byline),
                "tags": list(doc.tag_names or doc.tags), "summary": doc.summary, "lang": "en",
                "slug": slug, "status": "published"}
        path = content / doc.desk / f"{doc.date:%Y}" / f"{doc.date:%Y-%m-%d}-{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_article(meta, doc.body + "\n"), encoding="utf-8")


def known_item_variants(index_dir: Path, documents: list, count: int, seed: int = SEED) -> list[Variant]:
    """bench_search.quality's known-item queries (the split drawn with `seed`), from the
    vocabulary of the index at `index_dir`."""
    from archive_search.indexer import open_index
    from archive_search.query import ArchiveSearcher
    from bench_search import known_item_query

    with open_index(index_dir).searcher() as searcher:
        archive = ArchiveSearcher(searcher)
        frequency = archive.lexicon()
        analyze = archive.analyze
    rng = random.Random(seed)
    sample = rng.sample(documents, min(count, len(documents)))
    variants = []
    for words, spelled in VARIANTS:
        queries = []
        for doc in sample:
            query = known_item_query(doc.headline, frequency, analyze, words, spelled, rng)
            if query is not None:
                queries.append((query, doc.url))
        variants.append(Variant(words, spelled, tuple(queries)))
    return variants


def rank_of(story: set[str], urls: list[str]) -> int | None:
    """1-based rank of the first result URL that is one of `story`'s (compared without leading
    slashes), or None."""
    wanted = {url.strip("/") for url in story}
    for rank, found in enumerate(urls, start=1):
        if found.strip("/") in wanted:
            return rank
    return None


def ours_scores(export_dir: Path, variants: list[Variant], work: Path, stories: dict[str, set[str]]) -> list[Scores]:
    """engine.js's scores for each variant, on the exported index (one reader session each);
    `stories` gives each wanted URL the URLs of the same story (bench_search.same_stories)."""
    from search_parity import Case, engine_answers

    scores = []
    for variant in variants:
        answers = engine_answers(export_dir, [Case(query, "known item") for query, _ in variant.queries], work)
        ranks = [rank_of(stories[url], [hit["doc"]["url"] for hit in answer["hits"]])
                 for answer, (_, url) in zip(answers, variant.queries)]
        scores.append(Scores.from_ranks(ranks, [answer["total"] for answer in answers]))
    return scores


# Every query of a variant in one page visit: search, then the top ten results' URLs.
PAGEFIND_BATCH = """async (queries) => {
  const answers = [];
  for (const query of queries) {
    const search = await window.pagefindApi.search(query);
    const data = await Promise.all(search.results.slice(0, 10).map((result) => result.data()));
    answers.push({ total: search.results.length, urls: data.map((page) => page.url) });
  }
  return answers;
}"""


def pagefind_scores(site: Path, variants: list[Variant], stories: dict[str, set[str]]) -> list[Scores]:
    """Pagefind's scores for each variant, searching site/pagefind/ through pagefind.js in Chromium
    (a result counts when it is the same story, as in ours_scores)."""
    from playwright.sync_api import sync_playwright

    from browser_search_timing import PAGEFIND_PAGE, write_pagefind_page
    from conftest import CHROMIUM_FLAGS, chromium_executable, serve_directory

    write_pagefind_page(site)
    scores = []
    with serve_directory(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page()
            page.goto(base + PAGEFIND_PAGE)
            page.wait_for_function("window.benchReady === true")
            page.evaluate("async () => { window.pagefindApi = await import('../pagefind/pagefind.js'); }")
            for variant in variants:
                answers = page.evaluate(PAGEFIND_BATCH, [query for query, _ in variant.queries])
                ranks = [rank_of(stories[url], answer["urls"]) for answer, (_, url) in zip(answers, variant.queries)]
                scores.append(Scores.from_ranks(ranks, [answer["total"] for answer in answers]))
        finally:
            browser.close()
    return scores


def save_queries(variants: list[Variant], path: Path) -> None:
    """Keep the queries next to the figures, so a surprising score can be looked into."""
    path.write_text(json.dumps({v.label: v.queries for v in variants}, indent=1), encoding="utf-8")
