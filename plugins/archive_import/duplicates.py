"""Recognise the same story arriving twice: same headline and day, or a near-identical body."""

from __future__ import annotations

import re
import heapq
from dataclasses import dataclass, field
from pathlib import Path

from archive_format import FrontMatterSyntaxError, parse_article

__all__ = ["DuplicateIndex"]

_TOKEN = re.compile(r"\w+")
SKETCH_SIZE = 24
"""How many of a body's smallest shingle hashes stand for it (a bottom-k sketch)."""
NEAR_IDENTICAL = 0.8
"""Estimated Jaccard similarity of 5-word shingles above which two bodies are one story."""


def _headline_key(headline: str, date: str) -> str:
    return " ".join(_TOKEN.findall(headline.lower())) + "|" + str(date)[:10]


def _sketch(body: str) -> frozenset[int]:
    """The SKETCH_SIZE smallest hashes of the body's 5-word shingles.

    Python's string hash differs between processes, which is fine: sketches are only compared
    within one run (stories already in content/ are sketched again when the run starts).
    """
    tokens = _TOKEN.findall(body.lower())
    hashes = {hash(tuple(tokens[i: i + 5])) for i in range(max(1, len(tokens) - 4))}
    return frozenset(heapq.nsmallest(SKETCH_SIZE, hashes))


def _similarity(one: frozenset[int], other: frozenset[int]) -> float:
    """Bottom-k estimate of Jaccard similarity: shared share of the k smallest of the union."""
    union = sorted(one | other)[:SKETCH_SIZE]
    if not union:
        return 0.0
    return sum(1 for value in union if value in one and value in other) / len(union)


@dataclass
class DuplicateIndex:
    """The stories already in content/ (read lazily) and those written in this run."""

    content_dir: Path
    _by_headline: dict[str, str] = field(default_factory=dict)
    _by_hash: dict[int, set[str]] = field(default_factory=dict)
    _sketches: dict[str, frozenset[int]] = field(default_factory=dict)
    _origin: dict[str, str] = field(default_factory=dict)
    """Article path → the raw source it was imported from (source.path)."""
    _loaded: bool = False
    _last: tuple[str, frozenset[int]] | None = None

    def _load(self) -> None:
        self._loaded = True
        if not self.content_dir.is_dir():
            return
        for path in sorted(self.content_dir.rglob("*.md")):
            relpath = path.relative_to(self.content_dir).as_posix()
            if relpath.startswith("pages/"):
                continue
            try:
                meta, body = parse_article(path.read_text(encoding="utf-8"), relpath)
            except (FrontMatterSyntaxError, UnicodeDecodeError, OSError):
                continue
            if meta.get("headline") and meta.get("date"):
                origin = (meta.get("source") or {}).get("path", "") if isinstance(meta.get("source"), dict) else ""
                self.add(relpath, str(meta["headline"]), str(meta["date"]), body, origin)

    def find(self, relpath: str, headline: str, date: str, body: str, origin: str) -> str | None:
        """The path of an earlier copy of this story from another source, or None.

        The same source imported again (same `origin`) is not a duplicate: it is re-imported.
        """
        if not self._loaded:
            self._load()
        earlier = self._by_headline.get(_headline_key(headline, date))
        if earlier and (earlier != relpath or self._origin.get(earlier, origin) != origin):
            return earlier
        sketch = self._sketch_of(body)
        candidates: set[str] = set()
        for value in sketch:
            candidates.update(self._by_hash.get(value, ()))
        for other in sorted(candidates):
            if other == relpath and self._origin.get(other, origin) == origin:
                continue
            if _similarity(sketch, self._sketches[other]) >= NEAR_IDENTICAL:
                return other
        return None

    def _sketch_of(self, body: str) -> frozenset[int]:
        # find() then add() see the same body: sketch it once
        if self._last is None or self._last[0] is not body:
            self._last = (body, _sketch(body))
        return self._last[1]

    def add(self, relpath: str, headline: str, date: str, body: str, origin: str) -> None:
        """Remember a story now in content/ (so a later copy in the same run is caught)."""
        self._origin.setdefault(relpath, origin)
        self._by_headline.setdefault(_headline_key(headline, date), relpath)
        sketch = self._sketch_of(body)
        self._sketches[relpath] = sketch
        for value in sketch:
            self._by_hash.setdefault(value, set()).add(relpath)
