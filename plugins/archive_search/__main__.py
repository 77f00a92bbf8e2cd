"""Editors' command line: query the archive's Whoosh index directly.

    python -m archive_search [--index cache/search-index] [--sort newest] [--page 2] [--exact] words to find

Prints rank, score, date, headline and URL of each result, with the same all-words /
corrected / any-words behaviour as the search page (`--exact`: words as typed, never
respelled, as the page's link to the original spelling).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from whoosh import index

from .query import ArchiveSearcher

DEFAULT_INDEX = Path("cache/search-index")


def _whole_number(text: str) -> int:
    """A page number or size: a whole number of 1 or more (argparse names the option)."""
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of 1 or more, not {text!r}")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    """Run one query and print its results; return the exit status (2: no usable index, nothing
    to search for, or a page past the last)."""
    parser = argparse.ArgumentParser(prog="python -m archive_search", description=__doc__.split("\n\n")[0])
    parser.add_argument("query", nargs="+", help="the query, in the search page's language")
    parser.add_argument("--index", type=Path, default=DEFAULT_INDEX,
                        help=f"folder of the Whoosh index (default: {DEFAULT_INDEX})")
    parser.add_argument("--sort", choices=("relevance", "newest"), default="relevance")
    parser.add_argument("--page", type=_whole_number, default=1, help="page of results (make: PAGE=2)")
    parser.add_argument("--page-size", type=_whole_number, default=10)
    parser.add_argument("--exact", action="store_true", help="search the words as typed, without respelling them")
    args = parser.parse_args(argv)
    try:
        found = index.exists_in(str(args.index))
        searcher = index.open_dir(str(args.index)).searcher() if found else None
    except Exception as error:  # noqa: BLE001 - a half-written or damaged folder, as indexer.open_index says
        print(f"{args.index}: the search index cannot be read ({type(error).__name__}: {error}); delete the "
              "folder and build the site again (make html) to make a new one", file=sys.stderr)
        return 2
    if searcher is None:
        print(f"{args.index}: no search index here; build the site first (make html) "
              f"or point --index at the folder SEARCH_INDEX_PATH names", file=sys.stderr)
        return 2
    with searcher:
        archive = ArchiveSearcher(searcher)
        query = " ".join(args.query)
        typed = archive.as_typed(query) if args.exact else query
        result = archive.search(typed, sort=args.sort, page=args.page, page_size=args.page_size)
        searchable = archive.parse(typed) is not None
    if not searchable:  # empty, or only very common words: there is nothing to look up
        print(f"{result.message} (the query was {query!r})", file=sys.stderr)
        return 2
    pages = -(-result.total // args.page_size)
    if result.total and args.page > pages:
        print(f"--page {args.page}: the {result.total} result(s) for {query!r} fill {pages} page(s) of "
              f"{args.page_size}; ask for a page from 1 to {pages}", file=sys.stderr)
        return 2
    if result.message:
        print(result.message)
    if result.corrected:
        print(f"Showing results for: {result.corrected} (add --exact to search {query!r} as typed)")
    if result.mode == "any":
        few = (f"Only {result.all_total} {'story has' if result.all_total == 1 else 'stories have'}"
               if result.all_total else "No story has")
        print(f"{few} all of the words; showing results for any of the words, best matches first.")
    print(f"{result.total} articles for {result.query!r}")
    first = (args.page - 1) * args.page_size
    for rank, (score, _, record) in enumerate(result.hits, start=first + 1):
        shown = f"{score:9.4f}" if score is not None else " " * 9
        print(f"{rank:4d} {shown}  {record['date'][:10]}  {record['headline']}  {record['url']}")
    if result.total:
        print("desks: " + json.dumps(result.facets["desk"], sort_keys=True) +
              "  years: " + json.dumps(result.facets["year"], sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
