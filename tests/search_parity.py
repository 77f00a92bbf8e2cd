"""Runs the same queries through Whoosh (archive_search.query) and the browser engine (node).

Used by the parity tests and the search benchmark.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh.index import FileIndex

from archive_search.documents import SearchDocument
from archive_search.query import ArchiveSearcher

REPO_ROOT = Path(__file__).resolve().parent.parent
RUNNER = REPO_ROOT / "tests" / "js" / "run_engine.mjs"
NODE = shutil.which("node") or "node"
_WORD = re.compile(r"[A-Za-z]{3,}")


@dataclass(frozen=True)
class Case:
    """A query with its options, and what kind of query it is (for reports)."""

    query: str
    kind: str
    sort: str = "relevance"
    page: int = 1

    def options(self) -> dict[str, Any]:
        return {"query": self.query, "sort": self.sort, "page": self.page, "pageSize": 10}


def engine_answers(export_dir: Path, cases: list[Case], tmp: Path, cold: bool = False,
                   latency_ms: int = 0) -> list[dict[str, Any]]:
    """Return engine.js's answers to `cases`, run in node against the exported files.

    One engine answers all cases in turn, or (`cold`) a fresh engine answers each. With
    `latency_ms`, files arrive that much later and each answer counts its `roundTrips`.
    """
    queries = tmp / "queries.json"
    queries.write_text(json.dumps([case.options() for case in cases]), encoding="utf-8")
    completed = subprocess.run(
        [NODE, "--no-warnings", str(RUNNER), str(export_dir), str(queries)] + (["--cold"] if cold else [])
        + (["--latency", str(latency_ms)] if latency_ms else []),
        capture_output=True, text=True, check=False, timeout=600,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"engine.js failed:\n{completed.stderr}")
    return json.loads(completed.stdout)


def whoosh_answer(searcher: ArchiveSearcher, case: Case) -> dict[str, Any]:
    """Return Whoosh's answer to `case` in the engine's shape (urls instead of records)."""
    result = searcher.search(case.query, sort=case.sort, page=case.page)
    return {
        "query": result.query, "mode": result.mode, "corrected": result.corrected,
        "total": result.total, "allTotal": result.all_total, "facets": result.facets, "message": result.message,
        "urls": [record["url"] for _, _, record in result.hits],
        "scores": [score for score, _, _ in result.hits],
    }


def differences(case: Case, whoosh: dict[str, Any], engine: dict[str, Any]) -> list[str]:
    """Return how the engine's answer differs from Whoosh's (empty when they agree)."""
    problems = []
    for key in ("query", "mode", "corrected", "total", "allTotal", "facets", "message"):
        if whoosh[key] != engine[key]:
            problems.append(f"{key}: whoosh {whoosh[key]!r} != engine {engine[key]!r}")
    urls = [hit["doc"]["url"] for hit in engine["hits"]]
    if urls != whoosh["urls"]:
        problems.append(f"top hits differ: whoosh {whoosh['urls']} != engine {urls}")
    elif case.sort == "relevance":
        for rank, (expected, hit) in enumerate(zip(whoosh["scores"], engine["hits"]), start=1):
            if abs(expected - hit["score"]) > 1e-6 * max(abs(expected), 1e-12):
                problems.append(f"score at rank {rank}: whoosh {expected!r} != engine {hit['score']!r}")
    return [f"{case.query!r} ({case.kind}, {case.sort}, page {case.page}): {p}" for p in problems]


def compare(ix: FileIndex, export_dir: Path, cases: list[Case], tmp: Path) -> list[str]:
    """Run every case both ways; return all differences."""
    answers = engine_answers(export_dir, cases, tmp)
    problems: list[str] = []
    with ix.searcher() as searcher:
        archive = ArchiveSearcher(searcher)
        for case, engine in zip(cases, answers):
            problems += differences(case, whoosh_answer(archive, case), engine)
    return problems


def typo(word: str, rng: random.Random) -> str:
    """`word` with one edit (replace, delete, insert or swap a letter), first letter kept."""
    while True:
        i = rng.randrange(1, len(word))
        letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
        kind = rng.choice(("replace", "delete", "insert", "swap"))
        if kind == "replace":
            changed = word[:i] + letter + word[i + 1:]
        elif kind == "delete":
            changed = word[:i] + word[i + 1:]
        elif kind == "insert":
            changed = word[:i] + letter + word[i:]
        elif i + 1 < len(word):
            changed = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        else:
            changed = word[:i] + letter
        if changed.lower() != word.lower() and len(changed) > 1:
            return changed


def generate_cases(documents: list[SearchDocument], count: int, seed: int = 7) -> list[Case]:
    """Return about `count` queries of every kind drawn from the articles' own words."""
    rng = random.Random(seed)
    headlines = [_WORD.findall(doc.headline) for doc in documents]
    headlines = [words for words in headlines if len(words) >= 2]
    bodies = [_WORD.findall(doc.body)[:60] for doc in documents]
    desks = sorted({doc.desk for doc in documents})
    tags = sorted({tag for doc in documents for tag in doc.tags})
    bylines = sorted({name for doc in documents for name in doc.byline})
    years = sorted({doc.date.year for doc in documents})
    months = sorted({f"{doc.date:%Y-%m}" for doc in documents})
    days = sorted({f"{doc.date:%Y-%m-%d}" for doc in documents})
    common = ["said", "year", "people", "government", "new", "world", "time", "market", "council"]
    cases: list[Case] = []

    def word() -> str:
        return rng.choice(rng.choice(headlines))

    def body_word() -> str:
        words = rng.choice([b for b in bodies if b] or headlines)
        return rng.choice(words)

    def consecutive(n: int) -> str:
        words = rng.choice([h for h in headlines if len(h) >= n])
        start = rng.randrange(0, len(words) - n + 1)
        return " ".join(words[start:start + n])

    makers = [
        ("word", lambda: word()),
        ("common word", lambda: rng.choice(common)),
        ("body word", lambda: body_word()),
        ("two words", lambda: f"{word()} {body_word()}"),
        ("headline words", lambda: consecutive(2)),
        ("three headline words", lambda: consecutive(3)),
        ("phrase", lambda: f'"{consecutive(2)}"'),
        ("phrase in text", lambda: f'{word()} "{consecutive(2)}"'),
        ("one-word phrase", lambda: f'"{word()}"'),
        ("headline field", lambda: f"headline:{word()} {word()}"),
        ("word or in headline", lambda: (lambda w: f"{w} OR headline:{w}")(word())),
        ("prefix", lambda: (lambda w: f"{w[:max(3, len(w) - 2)].lower()}*")(word())),
        ("prefix and word", lambda: (lambda w: f"{body_word()} {w[:max(4, len(w) - 1)]}*")(word())),
        ("desk", lambda: f"{word()} desk:{rng.choice(desks)}"),
        ("tag", lambda: f"{rng.choice(common)} tag:{rng.choice(tags)}"),
        ("byline", lambda: f'byline:{rng.choice(bylines).split()[-1]} {rng.choice(common)}'),
        ("byline phrase", lambda: f'byline:"{rng.choice(bylines)}"'),
        ("year", lambda: f"{word()} date:{rng.choice(years)}"),
        ("month", lambda: f"{rng.choice(common)} date:{rng.choice(months)}"),
        ("day", lambda: f"date:{rng.choice(days)}"),
        ("date range", lambda: (lambda a, b: f"{body_word()} date:[{a} to {b}]")(*sorted(rng.sample(months, 2)))),
        ("open range", lambda: f"{word()} date:[{rng.choice(months)} to]"),
        ("or", lambda: f"{word()} OR {word()}"),
        ("or and word", lambda: f"{body_word()} {word()} OR {word()}"),
        ("and or", lambda: f"{word()} AND {body_word()} OR {word()}"),
        ("minus", lambda: f"{rng.choice(common)} -{body_word()}"),
        ("not", lambda: f"{word()} NOT {rng.choice(common)}"),
        ("typo", lambda: " ".join(w if w != max(ws, key=len) else typo(w.lower(), rng)
                                  for ws in [rng.choice(headlines)[:3]] for w in ws)),
        ("question", lambda: "what did the " + " ".join(rng.sample(rng.choice(bodies) or ["news"], min(6, len(rng.choice(bodies) or ["x"]))))),
        ("stop words", lambda: "the of and"),
        ("unpaired quote", lambda: f'"{word()} {word()}'),
        ("punctuation", lambda: f"{word()}? ({body_word()}) [x] +{word()} ^2 \\ $"),
    ]
    kinds = len(makers)
    for number in range(count):
        kind, make = makers[number % kinds]
        query = make()
        sort = "newest" if number % 7 == 3 else "relevance"
        page = 2 if number % 11 == 5 else 1
        cases.append(Case(query, kind, sort, page))
    cases += [
        Case("x" * 10_000, "10,000 characters"),
        Case(" ".join(f"w{i}" for i in range(500)), "500 terms"),
        Case(".*+?[](){}|^$\\", "regex characters"),
        Case("", "empty"),
        Case("-" + word(), "only excluded"),
    ]
    return cases
