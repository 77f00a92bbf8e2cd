"""Search benchmark: build and export cost, transfer per query, parity and quality, on the BBC
corpus (../shared/corpus/bbc) repeated to size.

    python tests/bench/bench_search.py [--n 10000 50000] [--quality 300] [--parity 100]
    python tests/bench/bench_search.py --n --work /tmp/bench   # quality figures only (2,225 stories)
    python tests/bench/bench_search.py --n --work /tmp/bench --seed 1 --misses   # another split, misses named

Prints figures, asserts nothing. Sizes above 2,225 articles repeat the BBC stories with
"(copy N)" headlines, new URLs and later dates. Transfer is measured as gzip would send the
fetched files (GitHub Pages compresses JSON); times are medians of several runs, next to the
CPU seconds, because the machine is shared.

`figures(archive)` gives the build benchmark (tests/bench/bench_build.py) the same transfer
and size figures for an archive it has built.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "plugins"), str(REPO / "tests")]

from archive_search.export import export_index  # noqa: E402
from archive_search.indexer import open_index, update_index  # noqa: E402
from search_corpus import BBC_ROOT, bbc_documents  # noqa: E402
from search_parity import Case, compare, engine_answers, generate_cases, typo  # noqa: E402

#: The search engine's modules (the page's own ui.js, url_state.js and highlight.js apart).
SCRIPTS = [REPO / "theme" / "static" / "js" / "search" / name for name in (
    "engine.js", "analysis.js", "corrections.js", "index_files.js", "numbers.js", "query_parser.js",
    "result_sets.js", "scoring.js")]
#: Reader queries for the transfer figures: common and rare words, phrases, filters, typos.
TRANSFER_QUERIES = [
    "said", "government", "election campaign", "mobile phone", '"prime minister"', "champion*",
    "oil prices desk:business", "music tag:film", "date:2020-03 economy", "gordon brown budget",
    "chelsea arsenal", "broadband", "iraq war", "microsoft software", "blair", "tennis open",
    "goverment spending", "what did the chancellor say about interest rates", "film awards", "euro",
]
#: Figures the issue reports for Pagefind 1.5 on the same kind of data (for comparison only).
PAGEFIND_REPORTED = {
    "first query KB (10k)": "352-369", "first query KB (50k)": "776-876",
    "common word query s (10k)": "1.2", "common word query s (50k)": "5.9",
    "index CPU s (10k)": "68", "index RAM GB (10k)": "3.2", "index RAM GB (50k)": "13.6",
}
_WORD = re.compile(r"[A-Za-z]+")
#: The known-item sample's seed: the README's figures are this split; --seed draws another.
QUALITY_SEED = 2026


def gzip_size(path: Path, cache: dict[Path, int]) -> int:
    """Bytes `path` takes gzip-compressed (level 6, as web servers commonly send)."""
    if path not in cache:
        cache[path] = len(gzip.compress(path.read_bytes(), compresslevel=6, mtime=0))
    return cache[path]


#: Simulated network delay of each file for counting round trips (longer than any computing).
ROUND_TRIP_MS = 40


def transfer(export_dir: Path, queries: list[str], work: Path) -> dict[str, list[float]]:
    """Compressed KB fetched per query: first query of a visit (cold) and later ones (warm);
    and ("first trips", "further trips") how many requests each made one after another (each
    costs a network round trip), with files delayed by ROUND_TRIP_MS."""
    cases = [Case(query, "transfer") for query in queries]
    sizes: dict[Path, int] = {}
    result: dict[str, list[float]] = {}
    for label, cold in (("first", True), ("further", False)):
        answers = engine_answers(export_dir, cases, work, cold=cold)
        kb = [sum(gzip_size(export_dir / name, sizes) for name in answer["fetched"]) / 1024 for answer in answers]
        result[label] = kb if cold else kb[1:]  # the session's first query is a cold one
        result[f"{label} ms"] = [answer["ms"] for answer in answers]
        trips = [answer["roundTrips"] for answer in engine_answers(export_dir, cases, work, cold, ROUND_TRIP_MS)]
        result[f"{label} trips"] = trips if cold else trips[1:]
    return result


#: Corrections made one after another to measure re-indexing (each a different story).
EDITS = 5
#: What each correction appends to its story's body (numbered, so each is new text).
CORRECTION = (" Correction {}: an earlier version of this story gave the wrong date for the council"
              " meeting, which is on Tuesday.")


def corrected(documents: list[Any], attempt: int) -> list[Any]:
    """`documents` with correction number `attempt` appended to one story's body (a different
    story for each attempt): a new list, the others' objects shared."""
    changed = list(documents)
    target = (attempt * 7919) % len(changed)
    # A correction as a newsroom appends one: a sentence, which changes the body's length as
    # Whoosh keeps it (one byte, about 3 % wide), and so every posting of the story's words.
    # (Two words, as this measure appended before, left it unchanged most times.)
    changed[target] = replace(changed[target], body=changed[target].body + CORRECTION.format(attempt))
    return changed


def build_worker(n: int, folder: Path) -> dict[str, float]:
    """(In a child process) index and export `n` articles; then re-index one changed article."""
    documents = bbc_documents(copies=math.ceil(n / 2225))[:n]
    started, cpu = time.perf_counter(), time.process_time()
    update = update_index(folder / "index", documents)
    indexed = time.perf_counter() - started
    # With the update's report, as a site build exports: a first build's postings, articles
    # and terms are taken as the indexer kept them (fresh_postings.py), not read back.
    report = export_index(open_index(folder / "index"), folder / "search", update)
    figures = {"index s": indexed, "build+export s": time.perf_counter() - started,
               "build+export cpu s": time.process_time() - cpu,
               "peak rss MB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
               "exported bytes": report.bytes, "exported files": report.files}
    reindex, reindex_cpu = [], []
    for attempt in range(EDITS):
        changed = corrected(documents, attempt)
        started, cpu = time.perf_counter(), time.process_time()
        report = update_index(folder / "index", changed)
        export_index(open_index(folder / "index"), folder / "search", report)
        reindex.append(time.perf_counter() - started)
        reindex_cpu.append(time.process_time() - cpu)
        documents = changed
    figures["reindex one s"] = statistics.median(reindex)
    figures["reindex one cpu s"] = statistics.median(reindex_cpu)
    figures["reindex one max s"] = max(reindex)
    return figures


def run_build(n: int, folder: Path) -> dict[str, float]:
    """Run build_worker in a fresh Python so its memory peak is its own."""
    completed = subprocess.run([sys.executable, __file__, "--worker", str(n), str(folder)],
                               capture_output=True, text=True, check=True)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def disk_bytes(folder: Path) -> int:
    """Bytes the export occupies on disk (allocated blocks)."""
    return sum(path.stat().st_blocks * 512 for path in folder.rglob("*") if path.is_file())


def _rare_words(headline: str, frequency: dict[str, int], analyze: Any, count: int) -> list[str]:
    words = []
    seen = set()
    for word in _WORD.findall(headline):
        terms = analyze(word)
        if len(terms) == 1 and terms[0] not in seen and len(word) > 2:
            seen.add(terms[0])
            words.append((frequency.get(terms[0], 0), word))
    words.sort()
    return [word for _, word in words[:count]] if len(words) >= count else []


def known_item_query(headline: str, frequency: dict[str, int], analyze: Any, words: int, spelled: str,
                     rng: random.Random) -> str | None:
    """The known-item query for a story: its `words` rarest headline words, the longest of them
    misspelt once when `spelled` is "one typo"; None when the headline has too few words."""
    chosen = _rare_words(headline, frequency, analyze, words)
    if not chosen:
        return None
    if spelled == "one typo":
        longest = max(chosen, key=len)
        chosen = [typo(w, rng) if w is longest else w for w in chosen]
    return " ".join(chosen)


#: Two texts of one desk sharing this share of their 5-word sequences are one story revised.
REVISED_TEXT_SHARE = 0.8


def _sequences(text: str) -> set[int]:
    words = text.lower().split()
    return {hash(tuple(words[i:i + 5])) for i in range(len(words) - 4)}


def revised_texts(documents: list[Any]) -> list[tuple[str, str]]:
    """(URL, URL) of texts of one desk that are near-identical (REVISED_TEXT_SHARE of their
    5-word sequences shared) but not the same: one story re-filed with its text revised. In
    the BBC corpus, 3 pairs, each under a changed headline ("Domain system scam fear" /
    "Domain system opens door to scams", 0.98); the next most alike pair shares 0.74."""
    sequences = {doc.url: _sequences(doc.body) for doc in documents}
    holders: dict[tuple[str, int], list[str]] = {}
    for doc in documents:
        for sequence in sequences[doc.url]:
            holders.setdefault((doc.desk, sequence), []).append(doc.url)
    pairs = []
    for doc in documents:
        shared: dict[str, int] = {}
        for sequence in sequences[doc.url]:
            for other in holders[(doc.desk, sequence)]:
                if other > doc.url:
                    shared[other] = shared.get(other, 0) + 1
        for other, count in shared.items():
            union = len(sequences[doc.url]) + len(sequences[other]) - count
            if count < union and count >= REVISED_TEXT_SHARE * union:
                pairs.append((doc.url, other))
    return pairs


def same_stories(documents: list[Any]) -> dict[str, set[str]]:
    """URL -> URLs of the same story. The BBC corpus carries some stories twice: 135 texts
    twice (35 of them under another headline), 29 headlines over two versions of a text
    (same desk, text revised) and 3 near-identical texts under another headline
    (revised_texts); finding either copy finds the story."""
    groups: dict[Any, set[str]] = {}
    for doc in documents:
        for key in (("text", doc.body), ("headline", doc.desk, doc.headline)):
            groups.setdefault(key, set()).add(doc.url)
    stories = {doc.url: groups[("text", doc.body)] | groups[("headline", doc.desk, doc.headline)]
               for doc in documents}
    for one, other in revised_texts(documents):
        joined = stories[one] | stories[other]
        for url in joined:
            stories[url] = joined
    return stories


def shared_headline_words(query_terms: list[str], story: set[str], headlines: dict[str, set[str]]) -> bool:
    """Whether another story's headline holds every term of the query: the words cannot tell
    the two stories apart, and which comes first depends on the rest of their text."""
    wanted = set(query_terms)
    return any(wanted <= terms for url, terms in headlines.items() if url not in story)


def written_words(text: str) -> set[str]:
    """The words of `text` as written (lowercased, not stemmed)."""
    return {word.lower() for word in _WORD.findall(text)}


def miss_row(query: str, wanted: Any, first: Any, written: bool, shared: bool) -> tuple[str, str]:
    """A row naming a spelled-right known-item miss: the story wanted, the one ranked first, and
    whether another story's headline has the query's words as `written`, or only in another
    form (`shared`: the same index terms)."""
    if written:
        kind = "another headline has the words as written"
    elif shared:
        kind = "another headline has the words, in another form"
    else:
        kind = "no other headline has the words"
    return (f"  miss {query!r}", f"wanted {wanted.headline!r}, first {first.headline!r} ({kind})")


def quality(export_dir: Path, index_dir: Path, documents: list[Any], count: int, work: Path,
            seed: int = QUALITY_SEED, misses: bool = False) -> list[tuple[str, str]]:
    """Known-item success@1, success@10 and MRR (and success@1 on the queries whose words are in
    no other story's headline, stemmed or as written); long questions that find nothing. With
    `misses`, a row for each spelled-right query whose story is not first."""
    from archive_search.query import ArchiveSearcher

    ix = open_index(index_dir)
    with ix.searcher() as searcher:
        archive = ArchiveSearcher(searcher)
        frequency = archive.lexicon()
        analyze = archive.analyze
    rng = random.Random(seed)
    sample = rng.sample(documents, min(count, len(documents)))
    stories = same_stories(documents)
    headlines = {doc.url: set(analyze(doc.headline)) for doc in documents}
    written = {doc.url: written_words(doc.headline) for doc in documents}
    by_url = {doc.url: doc for doc in documents}
    rows = []
    for words in (2, 3):
        for spelled in ("right", "one typo"):
            cases, targets, shared, as_written, wanted_docs = [], [], [], [], []
            for doc in sample:
                query = known_item_query(doc.headline, frequency, analyze, words, spelled, rng)
                if query is None:
                    continue
                cases.append(Case(query, "known item"))
                targets.append(stories[doc.url])
                wanted_docs.append(doc)
                # judged on the words as spelled right (the typo is the engine's to undo)
                right = _rare_words(doc.headline, frequency, analyze, words)
                shared.append(shared_headline_words(analyze(" ".join(right)), stories[doc.url], headlines))
                as_written.append(shared_headline_words(sorted(written_words(" ".join(right))), stories[doc.url], written))
            answers = engine_answers(export_dir, cases, work)
            ranks, missed = [], []
            for case, answer, wanted, doc, other, same in zip(cases, answers, targets, wanted_docs, shared, as_written):
                urls = [hit["doc"]["url"] for hit in answer["hits"]]
                found = [rank for rank, url in enumerate(urls, start=1) if url in wanted]
                ranks.append(found[0] if found else None)
                if misses and spelled == "right" and ranks[-1] != 1 and urls:
                    missed.append(miss_row(case.query, doc, by_url[urls[0]], same, other))
            s1 = sum(rank == 1 for rank in ranks) / len(ranks)
            s10 = sum(rank is not None for rank in ranks) / len(ranks)
            mrr = sum(1 / rank for rank in ranks if rank) / len(ranks)
            empty = sum(answer["total"] == 0 for answer in answers) / len(answers)
            distinct = [rank for rank, other in zip(ranks, shared) if not other]
            d1 = sum(rank == 1 for rank in distinct) / max(1, len(distinct))
            unique = [rank for rank, same in zip(ranks, as_written) if not same]
            u1 = sum(rank == 1 for rank in unique) / max(1, len(unique))
            rows.append((f"known item, {words} words, {spelled} ({len(ranks)} queries)",
                         f"success@1 {s1:.3f}  success@10 {s10:.3f}  MRR {mrr:.3f}  empty {empty:.3f}  "
                         f"| words in no other headline ({len(distinct)}): success@1 {d1:.3f}  "
                         f"| as written ({len(unique)}): {u1:.3f}"))
            rows += missed
    questions = []
    for doc in rng.sample(documents, min(100, len(documents))):
        body = _WORD.findall(doc.body)
        picked = rng.sample(body, min(7, len(body))) if body else ["news"]
        questions.append(Case("what did the " + " ".join(picked) + " say about it", "question"))
    answers = engine_answers(export_dir, questions, work)
    empty = sum(answer["total"] == 0 for answer in answers)
    any_mode = sum(answer["mode"] == "any" for answer in answers)
    rows.append(("long questions (100): empty / any-words mode", f"{empty} / {any_mode}"))
    return rows


def figures(archive: Any) -> list[tuple[str, str]]:
    """Search figures for an archive the build benchmark built (its output/search export)."""
    export_dir = Path(archive.output) / "search"
    if not (export_dir / "manifest.json").exists():
        return [("search export", "missing (archive_search not in PLUGINS?)")]
    with tempfile.TemporaryDirectory() as work:
        kb = transfer(export_dir, TRANSFER_QUERIES, Path(work))
    total = sum(path.stat().st_size for path in export_dir.rglob("*") if path.is_file())
    return [
        ("search index KB/article", f"{total / 1024 / archive.articles:.2f}"),
        ("search first query KB gz (median/max)", f"{statistics.median(kb['first']):.1f} / {max(kb['first']):.1f}"),
        ("search further query KB gz (median/max)", f"{statistics.median(kb['further']):.1f} / {max(kb['further']):.1f}"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, nargs="*", default=[10_000, 50_000],
                        help="archive sizes to build (none: only the quality figures)")
    parser.add_argument("--quality", type=int, default=300, help="known-item queries per variant")
    parser.add_argument("--parity", type=int, default=100, help="parity queries per size")
    parser.add_argument("--seed", type=int, default=QUALITY_SEED,
                        help=f"draw the known-item stories with this seed (default {QUALITY_SEED}: the README's split)")
    parser.add_argument("--misses", action="store_true",
                        help="list each spelled-right known-item query whose story is not ranked first")
    parser.add_argument("--work", type=Path, default=None,
                        help="keep the built indexes here (the quality index is brought up to date, not rebuilt)")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(build_worker(int(args.worker[0]), Path(args.worker[1]))))
        return
    if not BBC_ROOT.exists():
        print(f"{BBC_ROOT} is missing: the search benchmark needs the BBC corpus")
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-search-"))
    scripts_kb = sum(len(gzip.compress(p.read_bytes(), 6, mtime=0)) for p in SCRIPTS) / 1024
    print(f"Search benchmark (BBC corpus repeated to size; transfer gzip-compressed; scripts "
          f"engine.js and its modules = {scripts_kb:.1f} KB gz, cached after the first visit, not in the figures below)")
    rows: list[tuple[str, str, str]] = []
    for n in args.n:
        folder = work / f"n{n}"
        shutil.rmtree(folder, ignore_errors=True)
        built = run_build(n, folder)
        export_dir = folder / "search"
        kb = transfer(export_dir, TRANSFER_QUERIES, folder)
        label = f"{n:,}"
        first_row = len(rows)
        rows += [
            (label, "index build + export s (wall / CPU)", f"{built['build+export s']:.1f} / {built['build+export cpu s']:.1f}  (index alone {built['index s']:.1f})"),
            (label, "peak memory MB", f"{built['peak rss MB']:.0f}"),
            (label, f"re-index one corrected article s (wall / CPU median of {EDITS}, wall max)", f"{built['reindex one s']:.2f} / {built['reindex one cpu s']:.2f}, {built['reindex one max s']:.2f}"),
            (label, "exported KB/article (bytes / on disk)", f"{built['exported bytes'] / 1024 / n:.2f} / {disk_bytes(export_dir) / 1024 / n:.2f}  ({built['exported files']:.0f} files)"),
            (label, "first query KB gz (median / max of 20)", f"{statistics.median(kb['first']):.1f} / {max(kb['first']):.1f}"),
            (label, "further query KB gz (median / max of 19)", f"{statistics.median(kb['further']):.1f} / {max(kb['further']):.1f}"),
            (label, "node ms per query, cold / warm (median)", f"{statistics.median(kb['first ms']):.0f} / {statistics.median(kb['further ms'][1:]):.0f}"),
            (label, "round trips per query, first / further (median / max)", f"{statistics.median(kb['first trips']):.0f} / {max(kb['first trips'])}, {statistics.median(kb['further trips']):.0f} / {max(kb['further trips'])}"),
        ]
        if args.parity:
            documents = bbc_documents(copies=math.ceil(n / 2225))[:n]
            cases = generate_cases(documents, args.parity, seed=n)
            problems = compare(open_index(folder / "index"), export_dir, cases, folder)
            rows.append((label, f"parity with Whoosh ({len(cases)} queries)", f"{len(cases) - len({p.split(' (')[0] for p in problems})} agree"))
            rows += [(label, "  differs:", problem[:300]) for problem in problems]
        print_rows(rows[first_row:])
    if args.quality:
        folder = work / "quality"
        if not args.work:
            shutil.rmtree(folder, ignore_errors=True)
        documents = bbc_documents()
        update_index(folder / "index", documents)
        export_index(open_index(folder / "index"), folder / "search")
        quality_rows = [("2,225", label, value) for label, value in
                        quality(folder / "search", folder / "index", documents, args.quality, folder,
                                         args.seed, args.misses)]
        print_rows(quality_rows)
    print("Pagefind 1.5 as reported in the issue (same kind of data; not re-run here):")
    for label, value in PAGEFIND_REPORTED.items():
        print(f"  {label:40s} {value}")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


def print_rows(rows: list[tuple[str, str, str]]) -> None:
    for size, label, value in rows:
        print(f"  {size:>7s}  {label:48s} {value}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
