"""Search compared with Pagefind on the same built archive: index cost, bytes, time, quality.

    PYTHONPATH=plugins:tests python -m bench.pagefind_compare [--n 1000 10000] [--runs 3] [--quality 300]
    make bench-search-compare [N="1000 10000"]

For each N, an archive of N BBC-derived stories (tests/bench/corpus.py) is built with our
pelicanconf.py (search included); Pagefind 1.5 then indexes the same output's article pages.
Printed side by side, with the ratio ours / Pagefind's:
- index time, CPU and peak memory (ours: the Whoosh index and its export of the same stories,
  in a child process of its own; the whole build is printed too), index bytes per article;
- re-indexing after one story is corrected (ours: that index updated and exported, a new
  process each time as a build is; Pagefind has no incremental mode, so its figure is its
  whole index made again);
- in headless Chromium, per query kind (a rare word, a common word, two words, a misspelled
  name): bytes of the first query of a visit and of each further query, and the time from the
  query submitted to its results rendered, cold and warm (browser_search_timing.py);
- known-item quality on the 2,225 BBC stories, bench_search.py's queries (pagefind_quality.py).
Budgets from the issue are printed beside the figures. Timings are medians; nothing is asserted.
Pagefind is optional: without it, ours is printed alone.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parents[1]
for folder in (BENCH_DIR, REPO / "tests", REPO / "plugins"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import corpus  # noqa: E402
from bench_build import BUILDERS  # noqa: E402
from measure import Usage, run_measured, tree_size  # noqa: E402
from pagefind_tool import bundle_index_bytes, pagefind_binary, pagefind_version, run_pagefind  # noqa: E402

#: One query of each kind a reader types: a rare word, a common word, two words, a misspelled name.
QUERIES = {"rare word": "schwarzenegger", "common word": "government", "two words": "oil prices",
           "misspelled name": "mourinio"}
#: The issue's budgets for ours, by figure (the 50k ones are the binding ones for time).
BUDGETS = {"first": {10_000: 60.0, 50_000: 100.0}, "further": 30.0, "cold ms": 100.0, "warm ms": 20.0,
           "re-index s": 3.0}
#: Corrections timed one after another on our index alone (each a new process, as a build is).
REINDEX_RUNS = 3


@dataclass
class Table:
    """Rows of figures: label, ours, Pagefind's, ratio and budget, printed as aligned columns."""

    title: str
    rows: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, label: str, ours: float | str, theirs: float | str | None, fmt: str = "{:.1f}",
            budget: str = "") -> None:
        """One row; the ratio is ours / Pagefind's when both are numbers."""
        def show(value: float | str | None) -> str:
            if value is None:
                return "-"
            return value if isinstance(value, str) else fmt.format(value)

        ratio = ""
        if isinstance(ours, (int, float)) and isinstance(theirs, (int, float)) and theirs:
            ratio = f"{ours / theirs:.2f}x"
        self.rows.append((label, show(ours), show(theirs), ratio, budget))

    def lines(self) -> list[str]:
        header = ("", "ours", "Pagefind 1.5", "ours/PF", "budget (ours)")
        widths = [max(len(row[i]) for row in [header, *self.rows]) for i in range(5)]
        out = [self.title]
        for row in [header, *self.rows]:
            out.append("  " + "  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                                        for i, cell in enumerate(row)).rstrip())
        return out + [f"  ({note})" for note in self.notes]


def search_documents(n: int) -> list:
    """The N benchmark articles as our indexer receives them (same text as their built pages)."""
    from archive_format import slugify
    from archive_search.documents import SearchDocument

    documents = []
    for article in corpus.iter_articles(n):
        url = f"{article.date:%Y/%m/%d}/{article.slug}/"
        documents.append(SearchDocument(
            key=url, url=url, headline=article.headline, date=article.date, desk=article.desk,
            body=article.body, summary=article.summary, byline=article.byline,
            tags=tuple(slugify(tag) for tag in article.tags), tag_names=article.tags))
    return documents


def index_worker(n: int, folder: Path) -> None:
    """(In a child process) index and export the N articles, as the build's search plugin does."""
    from archive_search.export import export_index
    from archive_search.indexer import open_index, update_index

    shutil.rmtree(folder, ignore_errors=True)
    report = update_index(folder / "index", search_documents(n))
    # With the update's report, as the build's plugin exports: a first build's postings are
    # taken as the indexer kept them, not read back from the index.
    export_index(open_index(folder / "index"), folder / "search", report)


def reindex_worker(n: int, folder: Path, attempt: int) -> None:
    """(In a child process) the N articles with corrections 0..`attempt` (bench_search.py's),
    the index in `folder` updated and exported with them; prints the seconds that took."""
    from archive_search.export import export_index
    from archive_search.indexer import open_index, update_index
    from bench_search import corrected

    documents = search_documents(n)
    for number in range(attempt + 1):  # the earlier corrections are in the index already
        documents = corrected(documents, number)
    started = time.perf_counter()
    # As a build does: every story's fingerprint compared with the index's, the changed one
    # indexed again, the export brought up to date from the update's report.
    report = update_index(folder / "index", documents)
    export_index(open_index(folder / "index"), folder / "search", report)
    print(json.dumps({"seconds": time.perf_counter() - started}))


def child_env() -> dict[str, str]:
    """Environment of measured children: this checkout's plugins and tests come first."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "plugins"), str(REPO / "tests")])
    env.setdefault("PYTHONHASHSEED", "0")
    return env


@dataclass(frozen=True)
class IndexAlone:
    """Our search index of the N stories made on its own, and re-indexed after corrections."""

    usage: Usage  # the index and its export made from nothing, in a child of its own
    reindex_s: list[float]  # each correction's update and export, in the order they ran


def index_alone(n: int, root: Path) -> IndexAlone:
    """Index and export the N stories in a child of their own under `root`, then correct
    REINDEX_RUNS of them one after another, each in a new child; the folder is removed after."""
    folder = root / "index-alone"
    usage = run_measured([sys.executable, __file__, "--index-worker", str(n), str(folder)],
                         cwd=REPO, env=child_env(), log=root / "index-alone.log")
    seconds = []
    for attempt in range(REINDEX_RUNS):
        log = root / f"reindex-{attempt}.log"
        run_measured([sys.executable, __file__, "--reindex-worker", str(n), str(folder), str(attempt)],
                     cwd=REPO, env=child_env(), log=log)
        seconds.append(json.loads(log.read_text(encoding="utf-8").splitlines()[-1])["seconds"])
    shutil.rmtree(folder, ignore_errors=True)
    return IndexAlone(usage, seconds)


def build_archive(n: int, root: Path, alone: bool = True) -> tuple[Usage, IndexAlone | None]:
    """Write and build the N-story archive under `root`; returns the whole build's usage and,
    unless `alone` is False (None), the search index measured alone (`index_alone`)."""
    shutil.rmtree(root, ignore_errors=True)
    corpus.write_corpus(root / "content", n, "archive")
    ours = BUILDERS["ours"]
    build = run_measured(ours.argv(root / "content", root / "output", root / "cache"), cwd=REPO,
                         env=ours.env(), log=root / "build.log")
    return build, index_alone(n, root) if alone else None


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def size_table(n: int, root: Path, runs: int, binary: Path | None, measure_alone: bool = True) -> Table:
    """Build, index with Pagefind, measure in Chromium; the table of figures for N stories."""
    from browser_search_timing import measure_in_browser

    build, alone = build_archive(n, root, measure_alone)
    not_run = "not run"
    site = root / "output"
    pagefind = run_pagefind(binary, site, root / "pagefind.log") if binary else None
    table = Table(f"Search compared with Pagefind: {n:,} articles (medians; KB as gzip sends them)")
    table.add("whole build with search, wall s", build.wall_s, None)
    table.add("index: wall s", alone.usage.wall_s if alone else not_run, pagefind and pagefind.wall_s)
    table.add("index: CPU s", alone.usage.cpu_s if alone else not_run, pagefind and pagefind.cpu_s)
    table.add("index: peak RSS MB", alone.usage.peak_rss_mb if alone else not_run, pagefind and pagefind.peak_rss_mb,
              "{:.0f}", "<= 1024 at 10k")
    table.add("re-index one corrected story: wall s", median(alone.reindex_s) if alone else not_run,
              pagefind and pagefind.wall_s, "{:.2f}", f"<= {BUDGETS['re-index s']:.0f}")
    if alone:
        table.notes.append(f"re-index: ours {REINDEX_RUNS} corrections in turn, a new process each ("
                           + ", ".join(f"{s:.2f}" for s in alone.reindex_s) + " s); Pagefind's is its whole index again")
    ours_bytes = tree_size(site / "search").bytes
    table.add("index bytes / article", ours_bytes / n, bundle_index_bytes(site) / n if binary else None,
              "{:.0f}", "<= 3072")
    engines = ("ours", "pagefind") if binary else ("ours",)
    figures = measure_in_browser(site, list(QUERIES.values()), runs, engines, progress=lambda line: None)
    theirs = figures.get("pagefind")
    first_budget = next((f"<= {kb:.0f}" for size, kb in sorted(BUDGETS["first"].items()) if n <= size), "")
    for kind, query in QUERIES.items():
        o, t = figures["ours"].queries[query], theirs.queries[query] if theirs else None
        table.add(f"{kind} '{query}': first query KB (index)", median(o.first_index_kb),
                  t and median(t.first_index_kb), budget=first_budget)
    table.add("of which loaded with the page, before the query KB", figures["ours"].median("load_index_kb"),
              theirs and theirs.median("load_index_kb"))
    code = (median(figures["ours"].queries[QUERIES["common word"]].first_code_kb),
            theirs and median(theirs.queries[QUERIES["common word"]].first_code_kb))
    table.add("search code KB, once per visit (scripts, wasm)", code[0], code[1])
    for kind, query in QUERIES.items():
        o, t = figures["ours"].queries[query], theirs.queries[query] if theirs else None
        table.add(f"{kind} '{query}': further query KB", median(o.further_kb), t and median(t.further_kb),
                  budget=f"<= {BUDGETS['further']:.0f}")
    for kind, query in QUERIES.items():
        o, t = figures["ours"].queries[query], theirs.queries[query] if theirs else None
        table.add(f"{kind} '{query}': query->rendered ms cold", median(o.cold_ms), t and median(t.cold_ms),
                  "{:.0f}", f"<= {BUDGETS['cold ms']:.0f} at 50k")
        table.add(f"{kind} '{query}': query->rendered ms warm", median(o.warm_ms), t and median(t.warm_ms),
                  "{:.0f}", f"<= {BUDGETS['warm ms']:.0f} at 50k")
        table.add(f"{kind} '{query}': same query again ms", median(o.repeat_ms), t and median(t.repeat_ms), "{:.0f}")
    for kind, query in QUERIES.items():
        table.add(f"{kind} '{query}': results found", float(figures["ours"].queries[query].results),
                  theirs and float(theirs.queries[query].results), "{:.0f}")
    runs_each = len(figures["ours"].queries[QUERIES["rare word"]].cold_ms)
    table.notes.append(f"cold: {runs_each} fresh visits per query; warm: {runs_each * (len(QUERIES) - 1)} later "
                       "queries of other kinds on the same page; KB (index) includes what the page loads first")
    return table


def quality_table(count: int, root: Path, binary: Path | None, seed: int | None = None) -> Table:
    """Known-item success@1 / success@10 / MRR / empty share, both engines, same pages and queries."""
    from bench_search import same_stories
    from pagefind_quality import known_item_variants, ours_scores, pagefind_scores, save_queries, write_documents
    from search_corpus import bbc_documents

    shutil.rmtree(root, ignore_errors=True)
    documents = bbc_documents()
    write_documents(documents, root / "content")
    ours = BUILDERS["ours"]
    run_measured(ours.argv(root / "content", root / "output", root / "cache"), cwd=REPO, env=ours.env(),
                 log=root / "build.log")
    site = root / "output"
    variants = known_item_variants(root / "cache" / "search-index", documents, count,
                                   *([] if seed is None else [seed]))
    save_queries(variants, root / "known_item_queries.json")  # engine_answers writes queries.json
    stories = same_stories(documents)
    mine = ours_scores(site / "search", variants, root, stories)
    theirs = None
    if binary:
        run_pagefind(binary, site, root / "pagefind.log")
        theirs = pagefind_scores(site, variants, stories)
    table = Table(f"Known-item quality, {len(documents):,} BBC stories: success@1 / success@10 / MRR / empty")
    targets = {(2, "right"): ">= 0.99 s@1", (3, "right"): ">= 0.99 s@1",
               (2, "one typo"): ">= 0.85 s@1", (3, "one typo"): ">= 0.95 s@1"}
    for index, variant in enumerate(variants):
        table.add(f"{variant.label} ({len(variant.queries)} queries)", mine[index].cell(),
                  theirs[index].cell() if theirs else None, budget=targets[(variant.words, variant.spelled)])
    return table


def figures(archive) -> list[tuple[str, str]]:
    """Pagefind next to ours for an archive tests/bench/bench_build.py has built.

    The figures hook of tests/bench/figures.py (`archive` is its BuiltArchive): Pagefind indexes
    `archive.output`, then both searches are measured in Chromium (3 visits per query kind).
    Returns (label, "ours | Pagefind") rows, medians over the query kinds.
    """
    from browser_search_timing import measure_in_browser

    binary = pagefind_binary()
    if binary is None:
        return [("Pagefind", "not installed (pip install 'pagefind[bin]'==1.5.2)")]
    site = Path(archive.output)
    usage = run_pagefind(binary, site, site.parent / "pagefind.log")
    n = archive.articles
    alone = index_alone(n, site.parent)
    rows = [("search index alone wall / CPU s, peak RSS MB, ours | Pagefind",
             f"{alone.usage.wall_s:.1f} / {alone.usage.cpu_s:.1f}, {alone.usage.peak_rss_mb:.0f}"
             f" | {usage.wall_s:.1f} / {usage.cpu_s:.1f}, {usage.peak_rss_mb:.0f}"),
            (f"re-index one corrected story wall s, ours (median of {REINDEX_RUNS}) | Pagefind (its whole index)",
             f"{median(alone.reindex_s):.2f} | {usage.wall_s:.1f}"),
            ("index bytes/article, ours | Pagefind",
             f"{tree_size(site / 'search').bytes / n:.0f} | {bundle_index_bytes(site) / n:.0f}")]
    measured = measure_in_browser(site, list(QUERIES.values()), 3, ("ours", "pagefind"), progress=lambda line: None)
    for label, attribute, fmt in (("first query KB (index)", "first_index_kb", "{:.1f}"),
                                  ("further query KB", "further_kb", "{:.1f}"),
                                  ("query->rendered ms cold", "cold_ms", "{:.0f}"),
                                  ("query->rendered ms warm", "warm_ms", "{:.0f}")):
        ours, theirs = (fmt.format(measured[engine].median(attribute)) for engine in ("ours", "pagefind"))
        rows.append((f"{label}, ours | Pagefind (median of 4 kinds)", f"{ours} | {theirs}"))
    return rows


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, nargs="*", default=[1000, 10_000],
                        help="archive sizes (default: 1000 10000; 50000 on request; none: quality only)")
    parser.add_argument("--runs", type=int, default=3, help="fresh browser visits per query (median)")
    parser.add_argument("--quality", type=int, default=300, help="known-item queries per variant (0: skip)")
    parser.add_argument("--seed", type=int, default=None,
                        help="draw the known-item stories with this seed (default: bench_search.py's split)")
    parser.add_argument("--no-index-alone", action="store_true",
                        help="skip timing our search index on its own and its re-indexing (saves a long run at 50,000)")
    parser.add_argument("--work", type=Path, default=None, help="keep the built archives here")
    parser.add_argument("--index-worker", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--reindex-worker", nargs=3, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(argv)
    if args.index_worker:
        index_worker(int(args.index_worker[0]), Path(args.index_worker[1]))
        return 0
    if args.reindex_worker:
        count, folder, attempt = args.reindex_worker
        reindex_worker(int(count), Path(folder), int(attempt))
        return 0
    binary = pagefind_binary()
    if binary is None:
        print("Pagefind not installed (pip install 'pagefind[bin]'==1.5.2): printing ours alone")
    else:
        print(f"Comparing with {pagefind_version(binary)} ({binary})")
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-pagefind-"))
    try:
        for n in args.n:
            print("\n".join(size_table(n, work / f"n{n}", args.runs, binary, not args.no_index_alone).lines()), flush=True)
            print(flush=True)
        if args.quality:
            print("\n".join(quality_table(args.quality, work / "quality", binary, args.seed).lines()), flush=True)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
