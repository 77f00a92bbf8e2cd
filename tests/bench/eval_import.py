"""Measure the page-text extractor: dev-set F1 and import throughput (prints figures, asserts nothing).

    PYTHONPATH=plugins python tests/bench/eval_import.py [--eval DIR] [--pages N] [--worst K]

F1 follows ../shared/eval/README.md: 4-word shingles of `\\w+` tokens, precision and recall per page
(counts normalised per page), macro-averaged over pages, F1 of the two means. Throughput runs the
whole import (decode, extract, render, validate, write) on N page dumps made from our own fictional
fixture, into a temporary folder, medians of three runs on one core.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from archive_import.pagetext import extract_page_text
from archive_import.pagetext.lines import BYLINE_START, has_date
from archive_import.pipeline import ImportRun
from archive_import.settings import ImportSettings
from archive_format import write_atomic

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_EVAL = ROOT.parent / "shared" / "eval" / "pagetext-dev"
FIXTURE = ROOT / "tests" / "fixtures" / "import" / "text" / "harbour-ferry.txt"
BBC = ROOT.parent / "shared" / "corpus" / "bbc"
CHROME_TOP = "Skip to content\nHome\nNews\nBusiness\nCulture\nSport\n\n"
CHROME_BOTTOM = "\nRelated\nMore stories from the desk\n\nNews Feed\n\n6:10 AM\n\nEnter your email to subscribe\nSubscribe\n* indicates required\n"
_TOKEN = re.compile(r"\w+")
# words a URL slug adds that say nothing about the headline
_SLUG_NOISE = {"a", "an", "the", "of", "to", "in", "on", "for", "and", "is", "at", "by", "with", "as", "s",
               "html", "htm", "php", "index", "article", "articles", "news", "story", "www", "com"}
# "Written by", "Author: Jane Roe", "Posted by": how pages print a byline
_BYLINE_SHOWN = re.compile(r"^(?:author|authors|written by|posted by|words by)\s*:?\s+\S", re.I)


def _words(text: str) -> list[str]:
    """Lowercased \\w+ words of a text (an apostrophe's "s" and pure numbers dropped)."""
    return [word for word in _TOKEN.findall(text.lower()) if not word.isdigit() and word != "s"]


def slug_words(url: str) -> set[str]:
    """The words of a URL's wordiest path segment, minus ids ("n1086531") and filler words."""
    path = re.sub(r"^\w+://[^/]+", "", url).split("?")[0]
    segments = [re.sub(r"\.\w{2,4}$", "", part) for part in path.split("/") if part]
    best = max(segments, key=lambda part: len(re.findall(r"[a-z]+", part.lower())), default="")
    words = re.split(r"[-_]+", best.lower())
    return {word for word in words if word.isalpha() and word not in _SLUG_NOISE and len(word) > 1}


def slug_overlap(headline: str | None, slug: set[str]) -> float:
    """Share of the slug's words that the headline holds (0 when there is no headline)."""
    if not headline or not slug:
        return 0.0
    return len(slug & set(_words(headline))) / len(slug)


def body_start_line(page_lines: list[str], marked_body: str) -> int:
    """Index of the page line where the marked body begins (its first 8 words), else 0."""
    first = _words(marked_body)[:8]
    for index, line in enumerate(page_lines):
        words = _words(line)
        if words and words[: len(first)] == first[: len(words)] and len(words) >= min(3, len(first)):
            return index
    return 0


def expected_headline(page_lines: list[str], body_start: int, slug: set[str]) -> tuple[str | None, float]:
    """The line above the body (3-30 words) that holds most of the slug's words, and that share;
    of equal lines the first (a headline comes before its share bar and photo caption). A sentence-case
    line ending in a period is a dek or a caption, not a headline."""
    best: tuple[float, str | None] = (0.0, None)
    for line in page_lines[:body_start]:
        text = line.strip()
        words = text.split()
        sentence_case = sum(word[:1].isupper() for word in words) < 0.5 * len(words) if words else True
        if 3 <= len(_TOKEN.findall(text)) <= 30 and not (text.endswith(".") and sentence_case):
            share = slug_overlap(text, slug)
            if share > best[0]:
                best = (share, text)
    return best[1], best[0]


def shows_date(page_lines: list[str], body_start: int) -> bool:
    """A short line above the body holds a date (relative ones, "2 hours ago", count too)."""
    return any(len(_TOKEN.findall(line)) <= 30 and any(ch.isdigit() for ch in line) and has_date(line)
               for line in page_lines[max(0, body_start - 80): body_start] if line.strip())


def shows_byline(page_lines: list[str], body_start: int) -> bool:
    """A short line above the body opens like a byline ("By Jane Roe", "Author: Jane Roe")."""
    return any(len(_TOKEN.findall(line)) <= 24 and (BYLINE_START.match(line.strip()) or _BYLINE_SHOWN.match(line.strip()))
               for line in page_lines[max(0, body_start - 80): body_start])


def shingles(text: str, size: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of `size`-word shingles of a text (tokens are \\w+ runs, lowercased)."""
    tokens = _TOKEN.findall(text.lower())
    return Counter(tuple(tokens[i: i + size]) for i in range(len(tokens) - size + 1))


def page_scores(expected: str, extracted: str) -> tuple[float, float]:
    """(precision, recall) of one page's extracted body against the marked body."""
    truth, guess = shingles(expected), shingles(extracted)
    true_positive = sum((truth & guess).values())
    false_positive = sum((guess - truth).values())
    false_negative = sum((truth - guess).values())
    precision = true_positive / (true_positive + false_positive) if true_positive + false_positive else 0.0
    recall = true_positive / (true_positive + false_negative) if true_positive + false_negative else 0.0
    return precision, recall


def evaluate(eval_dir: Path, worst: int, tz_name: str, fail_below: float = 0.8) -> float:
    """Print per-page figures for the worst pages (and every page under `fail_below`) and the
    set's macro P/R/F1; return F1."""
    truth = json.loads((eval_dir / "ground-truth.json").read_text(encoding="utf-8"))
    rows = []
    found = Counter()
    headline_checks: list[tuple[bool, str, str, str | None, str | None]] = []
    field_misses: list[str] = []
    for page_id, marked in sorted(truth.items()):
        text = (eval_dir / "pages" / f"{page_id}.txt").read_text(encoding="utf-8")
        page = extract_page_text(text, tz_name)
        precision, recall = page_scores(marked["articleBody"], "\n\n".join(page.paragraphs))
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        page_lines = text.splitlines()
        start = body_start_line(page_lines, marked["articleBody"])
        date_shown, byline_shown = shows_date(page_lines, start), shows_byline(page_lines, start)
        found.update(headline=page.headline is not None, date=page.published is not None, byline=bool(page.byline),
                     date_shown=date_shown, byline_shown=byline_shown,
                     date_found_shown=date_shown and page.published is not None,
                     byline_found_shown=byline_shown and bool(page.byline))
        slug = slug_words(marked.get("url", ""))
        expected, best_share = expected_headline(page_lines, start, slug)
        # the slug speaks for the headline when it has 3+ words and a line above the body holds half of them
        if len(slug) >= 3 and best_share >= 0.5:
            hit = slug_overlap(page.headline, slug) >= max(0.5, best_share - 0.25)
            headline_checks.append((hit, page_id, marked.get("url", ""), page.headline, expected))
        if date_shown and page.published is None:
            field_misses.append(f"date {page_id[:12]}")
        if byline_shown and not page.byline:
            field_misses.append(f"byline {page_id[:12]}")
        rows.append((f1, precision, recall, page_id, marked.get("url", ""), page.headline))
    mean_p = statistics.fmean(row[1] for row in rows)
    mean_r = statistics.fmean(row[2] for row in rows)
    f1 = 2 * mean_p * mean_r / (mean_p + mean_r) if mean_p + mean_r else 0.0
    failures = [row for row in rows if row[0] < fail_below]
    print(f"pages under F1 {fail_below}: {len(failures)}; worst pages (F1  P  R  id  url  headline found):")
    for row in sorted(rows)[: max(worst, len(failures))]:
        print(f"  {row[0]:.3f} {row[1]:.3f} {row[2]:.3f}  {row[3][:12]}  {row[4][:70]}  | {row[5]!r:.60}")
    print(f"pages: {len(rows)}  found headline {found['headline']}, date {found['date']}, byline {found['byline']}")
    hits = sum(check[0] for check in headline_checks)
    print(f"headline accuracy {hits}/{len(headline_checks)} ({hits / max(1, len(headline_checks)):.0%}) "
          f"on the pages whose URL slug names the story; misses (id  picked  |  expected):")
    for hit, page_id, url, picked, expected in headline_checks:
        if not hit:
            print(f"  {page_id[:12]}  {picked!r:.70}  |  {expected!r:.70}")
    print(f"date found on {found['date_found_shown']} of the {found['date_shown']} pages that show one above the body "
          f"(found on {found['date']} pages in all); byline found on {found['byline_found_shown']} of the "
          f"{found['byline_shown']} that show one (found on {found['byline']} in all)")
    print(f"shown but not found: {', '.join(field_misses) or 'none'}")
    print(f"dev-set precision {mean_p:.4f}  recall {mean_r:.4f}  F1 {f1:.4f}")
    return f1


def _page_dumps(pages: int) -> list[str]:
    """`pages` distinct page dumps: BBC corpus stories (../shared) wrapped in site chrome, else
    our fictional fixture with numbered headlines (then most come out as duplicates)."""
    dumps = []
    stories = sorted(BBC.glob("*/*.txt"))[:pages] if BBC.is_dir() else []
    for number, path in enumerate(stories):
        lines = path.read_bytes().decode("latin-1").strip().splitlines()
        body = "\n".join(lines[1:]).strip()
        day = 1 + number % 28
        dumps.append(f"{CHROME_TOP}{lines[0].strip()}\n\nBy Ledger staff March {day}, 2023 9:{number % 60:02d} AM 3 min read\n\n"
                     f"{body}\n{CHROME_BOTTOM}")
    raw = FIXTURE.read_text(encoding="utf-8")
    for number in range(len(dumps), pages):
        dumps.append(raw.replace("Harbour ferry", f"Harbour ferry {number}", 1))
    return dumps


def throughput(pages: int) -> float:
    """Median pages/second of a full import of `pages` fictional page dumps (three runs)."""
    rates: list[float] = []
    cpu_rates: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "src"
        source.mkdir()
        for number, text in enumerate(_page_dumps(pages)):
            (source / f"page-{number:04d}.txt").write_text(text, encoding="utf-8")
        baselines = []
        for run in range(3):
            # baseline in the same command: read every dump and write it back atomically, no import
            started = time.perf_counter()
            for path in sorted(source.iterdir()):
                write_atomic(Path(tmp) / f"copy-{run}" / path.name, path.read_bytes())
            baselines.append(time.perf_counter() - started)
            content = Path(tmp) / f"content-{run}"
            settings = ImportSettings(content_dir=content, report_path=Path(tmp) / f"report-{run}.jsonl")
            started, cpu_started = time.perf_counter(), time.process_time()
            summary = ImportRun(settings, progress=False).run([source])
            elapsed = time.perf_counter() - started
            rates.append(pages / elapsed)
            # CPU time of this process: what one core does, whatever else the machine runs
            cpu_rates.append(pages / (time.process_time() - cpu_started))
            print(f"  run {run + 1}: {summary.line()} in {elapsed:.2f} s")
        # the same sources again into the first run's content/: every story unchanged, index reused
        settings = ImportSettings(content_dir=Path(tmp) / "content-0", report_path=Path(tmp) / "report-again.jsonl")
        started = time.perf_counter()
        summary = ImportRun(settings, progress=False).run([source])
        again = time.perf_counter() - started
        print(f"  re-import: {summary.line()} in {again:.2f} s ({pages / again:.0f} page dumps/s)")
    rate = statistics.median(rates)
    ratio = (pages / rate) / statistics.median(baselines)
    print(f"throughput: {rate:.0f} page dumps/s wall clock, {statistics.median(cpu_rates):.0f} per CPU-second "
          f"(medians of 3 runs, {pages} pages, one process); {ratio:.1f}x the time of copying the same files")
    return rate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="folder with pages/ and ground-truth.json")
    parser.add_argument("--pages", type=int, default=1000, help="page dumps for the throughput run")
    parser.add_argument("--worst", type=int, default=12, help="how many worst pages to list at least")
    parser.add_argument("--fail-below", type=float, default=0.8, help="list every page whose F1 is under this")
    parser.add_argument("--timezone", default="Europe/Kyiv")
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args(argv)
    if args.eval.is_dir():
        evaluate(args.eval, args.worst, args.timezone, args.fail_below)
    else:
        print(f"{args.eval}: no evaluation set there; skipping F1", file=sys.stderr)
    if not args.skip_throughput:
        throughput(args.pages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
