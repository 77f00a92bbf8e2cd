"""Figures of the theme's output for `make bench`: how much the archive's pages, feeds and
sitemaps weigh per article, apart from the search export (which has its own budget).

The theme's budget (issue "The newsroom theme"): at 10,000 articles, all pages, feeds and
sitemaps together at most 10 KB per article, so 100,000 stories fit GitHub Pages' 1 GB.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

PAGES_BUDGET_KB = 10.0


def _kind(relative: Path) -> str:
    """The kind of page a file of the output is, by its address."""
    parts = relative.parts
    if parts[0].isdigit():
        depth = {2: "year", 3: "month", 4: "day", 5: "article"}.get(len(parts), "date archive")
        return f"{depth} pages" if "page" not in parts else "date archive pages"
    if len(parts) == 1:
        return "front page, sitemaps, host files"
    return {"tag": "tag pages", "desk": "desk pages", "byline": "byline pages",
            "feeds": "feeds"}.get(parts[0], "other")


def figures(archive: Any) -> list[tuple[str, str]]:
    """KB per article of everything but search/, and of its largest kinds of pages."""
    output = Path(archive.output)
    sizes: Counter[str] = Counter()
    for path in output.rglob("*"):
        relative = path.relative_to(output)
        if path.is_file() and relative.parts[0] != "search":
            sizes[_kind(relative)] += path.stat().st_size
    per_article = {kind: size / 1024 / archive.articles for kind, size in sizes.items()}
    total = sum(per_article.values())
    # Small archives carry the fixed pages (front page, feeds) over few stories: the budget is
    # the theme's at 10,000 articles, so the verdict is only given there and above.
    verdict = "" if archive.articles < 10_000 else (
        f" ({'within' if total <= PAGES_BUDGET_KB else 'over'} the {PAGES_BUDGET_KB:g} KB budget)")
    rows = [("pages, feeds, sitemaps KB/article (no search)", f"{total:.2f}{verdict}")]
    rows += [(f"  of which {kind}", f"{kb:.2f}") for kind, kb in sorted(per_article.items(), key=lambda i: -i[1])[:4]]
    return rows
