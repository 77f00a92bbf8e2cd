"""What phrase data made at index time would add to the exported index, per article.

    PYTHONPATH=plugins:tests python tests/bench/phrase_data.py [--n 10000] [--export DIR/search]

A two-word phrase (`"prime minister"`) now fetches both words' positions whole, because Whoosh
counts a phrase's matches exactly and every article holding both words must be checked. Data
saying which word follows which would spare that fetch; this command sizes the two forms it
could take, on the BBC corpus repeated to size (as bench_search.py builds it), analyzed with
the index's own analyzer:

- *follower sets*: per word and text field, each following word with the places (in the
  word's list of articles for that field) of the articles where it follows, written as gaps,
  or as the gaps of the places where it does not when those are fewer;
- *follower per occurrence*: per word and field, its following words by frequency, and for
  every occurrence the number of its follower in that list (what positions would carry so
  that a phrase of any length needs every word's data but the last);
- *follower sets of common words*: the follower sets of the words with more than
  `--common` postings in a field (all their fields), beside the positions every word keeps:
  a phrase starting with such a word needs no positions, and the others are small.

It prints each in KB per article (the text written, before compression, as the export's
"bytes per article" counts it), the gzip size of a few first words' follower sets, and with
`--export` the export's own bytes per article, to set against the 3 KB per article budget.
With `--index` (a kept index of the same articles: bench_search.py --work DIR, DIR/index) it
times what a full export spends finding the common words' followers (export._followers),
since no index structure says which word follows which: every article's stored text read and
analyzed again. It prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import resource
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "plugins"), str(REPO / "tests")]

from archive_search import export  # noqa: E402
from archive_search.encoding import encode_numbers  # noqa: E402
from archive_search.export import _encoded_field  # noqa: E402
from archive_search.indexer import _index_fields, open_index  # noqa: E402
from archive_search.livestats import LiveStatistics  # noqa: E402
from archive_search.schema import TEXT_FIELDS, build_schema  # noqa: E402
from archive_search.tokens import Analyzer  # noqa: E402
from search_corpus import bbc_documents  # noqa: E402

#: First words of phrases readers search for, whose follower sets are sized.
FIRST_WORDS = ["prime", "gordon", "world", "film", "sai"]


def measure(n: int, common: int) -> dict[str, object]:
    """Follower data of `n` articles: raw bytes of each form and the first words' sets
    (`common`: the postings in a field that make a word common)."""
    documents = sorted(bbc_documents(copies=math.ceil(n / 2225))[:n], key=lambda d: (d.date, d.key))
    schema = build_schema()
    analyzer = Analyzer(schema[TEXT_FIELDS[0]].analyzer)
    # (word, field) → articles holding it; → follower → articles where it follows; and the
    # followers of every occurrence, counted.
    holding: dict[tuple[str, int], list[int]] = defaultdict(list)
    followed: dict[tuple[str, int], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    occurrences: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
    for article, document in enumerate(documents):
        fields, _ = _index_fields(schema, analyzer, document)
        for number, name in enumerate(TEXT_FIELDS):
            for term, nexts in fields[name].next_terms().items():
                holding[term, number].append(article)
                occurrences[term, number].update(follower or "" for follower in nexts)
                for follower in set(nexts) - {None}:
                    followed[term, number][follower].append(article)
    sets_bytes = per_occurrence_bytes = 0
    sets_of_word: dict[str, dict[str, dict[str, str]]] = defaultdict(dict)
    common_words = {term for (term, _), articles in holding.items() if len(articles) > common}
    common_bytes = 0
    for (term, number), followers in followed.items():
        encoded = _encoded_field(followers, holding[term, number])
        sets_of_word[term][TEXT_FIELDS[number]] = encoded
        size = len(json.dumps(encoded, separators=(",", ":")))
        sets_bytes += size
        if term in common_words:
            common_bytes += size
    for counts in occurrences.values():
        order = [follower for follower, _ in counts.most_common()]
        per_occurrence_bytes += len(json.dumps(order, separators=(",", ":")))
        per_occurrence_bytes += sum(counts[follower] * len(encode_numbers([rank])) for rank, follower in enumerate(order))
    first = {word: len(gzip.compress(json.dumps(sets_of_word[word], separators=(",", ":")).encode(), 6))
             for word in FIRST_WORDS if word in sets_of_word}
    return {"articles": len(documents), "sets KB": sets_bytes / len(documents) / 1024,
            "per occurrence KB": per_occurrence_bytes / len(documents) / 1024,
            "common KB": common_bytes / len(documents) / 1024, "common words": len(common_words),
            "first words gz": first}


def index_pass(folder: Path, common: int) -> dict[str, float]:
    """Seconds a full export takes to find the common words' followers in every live article of
    the kept index in `folder` (export._stored_orders: stored text read and analyzed again), and
    the process's peak RSS."""
    ix = open_index(folder)
    with ix.reader() as reader:
        stats = LiveStatistics(reader, folder)
        export.COMMON_POSTINGS = common
        started = time.perf_counter()
        common_words = export._common_words(reader, stats)
        live = ((docnum, docnum) for docnum in range(reader.doc_count_all()) if not reader.is_deleted(docnum))
        export._followers(export._stored_orders(reader, live, common_words, stats.analyzer), common_words)
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak MB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def export_bytes(export: Path) -> tuple[int, int]:
    """(articles, bytes of every file) of an export folder."""
    articles = json.loads((export / "manifest.json").read_text(encoding="utf-8"))["articles"]
    total = sum(os.path.getsize(os.path.join(folder, name)) for folder, _, names in os.walk(export) for name in names)
    return articles, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="articles (the BBC stories repeated to size)")
    parser.add_argument("--export", type=Path, help="an export of the same articles (bench_search.py --work DIR: DIR/search)")
    parser.add_argument("--common", type=int, default=1000, help="postings in a field that make a word common")
    parser.add_argument("--index", type=Path, help="a kept index of the same articles, to time the followers' pass")
    args = parser.parse_args()
    if args.index is not None:
        # First, so the peak memory is the pass's own.
        timed = index_pass(args.index, args.common)
        print(f"{'common followers from the index, s':52s}{timed['seconds']:8.1f}   (peak {timed['peak MB']:.0f} MB)")
    figures = measure(args.n, args.common)
    print(f"{'articles':52s}{figures['articles']:>8,}")
    base = None
    if args.export is not None:
        articles, total = export_bytes(args.export)
        if articles != figures["articles"]:
            sys.exit(f"{args.export} holds {articles:,} articles, not {figures['articles']:,}: export the same --n")
        base = total / articles / 1024
        print(f"{'export now, KB per article':52s}{base:8.2f}   (budget 3.00)")
    common = f"follower sets of {figures['common words']:,} common words"
    for label, key in (("follower sets", "sets KB"), ("follower per occurrence", "per occurrence KB"),
                       (common, "common KB")):
        added = f"   export with it {base + figures[key]:.2f}" if base is not None else ""
        print(f"{label + ', KB per article':52s}{figures[key]:8.2f}{added}")
    for word, size in figures["first words gz"].items():
        print(f"{f'follower sets of `{word}`, gzip KB':52s}{size / 1024:8.1f}")


if __name__ == "__main__":
    main()
