"""Recognise the same story arriving twice: same headline and day, or a near-identical body.

Every story in content/ is known by its headline key and a small sketch of its body. Reading
100,000 articles for that on every import would dominate a daily run, so the keys are kept in
content/.archive-import-index.json, reused for each file whose size and modification time are
unchanged, and saved again (atomically) when the run ends.
"""

from __future__ import annotations

import heapq
import json
import os
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from archive_format import FrontMatterSyntaxError, parse_article, write_atomic


__all__ = ["DuplicateIndex"]

_TOKEN = re.compile(r"\w+")
SKETCH_SIZE = 24
"""How many of a body's smallest shingle hashes stand for it (a bottom-k sketch)."""
NEAR_IDENTICAL = 0.8
"""Estimated Jaccard similarity of 5-word shingles above which two bodies are one story."""
CACHE_NAME = ".archive-import-index.json"


def _headline_key(headline: str, date: str) -> str:
    return " ".join(_TOKEN.findall(headline.lower())) + "|" + str(date)[:10]


def _sketch(body: str) -> frozenset[int]:
    """The SKETCH_SIZE smallest hashes (CRC-32, stable across runs) of the body's 5-word shingles."""
    tokens = _TOKEN.findall(body.lower())
    hashes = {zlib.crc32(" ".join(tokens[i: i + 5]).encode()) for i in range(max(1, len(tokens) - 4))}
    return frozenset(heapq.nsmallest(SKETCH_SIZE, hashes))


def _similarity(one: frozenset[int], other: frozenset[int]) -> float:
    """Bottom-k estimate of Jaccard similarity: shared share of the k smallest of the union."""
    union = sorted(one | other)[:SKETCH_SIZE]
    if not union:
        return 0.0
    return sum(1 for value in union if value in one and value in other) / len(union)


@dataclass
class _Known:
    """What the index keeps of one article in content/."""

    key: str
    origin: str
    sketch: frozenset[int]


@dataclass
class DuplicateIndex:
    """The stories already in content/ (read on first use) and those written in this run."""

    content_dir: Path
    _known: dict[str, _Known] = field(default_factory=dict)
    _by_headline: dict[str, str] = field(default_factory=dict)
    _by_hash: dict[int, set[str]] = field(default_factory=dict)
    _stamps: dict[str, list[int]] = field(default_factory=dict)
    """Article path → [size, mtime_ns] the cached entry was read at."""
    _loaded: bool = False
    _last: tuple[str, frozenset[int]] | None = None

    def _load(self) -> None:
        self._loaded = True
        if not self.content_dir.is_dir():
            return
        cache = self._read_cache()
        for path in sorted(self.content_dir.rglob("*.md")):
            relpath = path.relative_to(self.content_dir).as_posix()
            if relpath.startswith("pages/"):
                continue
            try:
                stat = path.stat()
            except OSError:  # a link to a missing file: the build names it; it holds no story to match
                continue
            stamp = [stat.st_size, stat.st_mtime_ns]
            cached = cache.get(relpath)
            if cached and cached["stamp"] == stamp:
                self._remember(relpath, _Known(cached["key"], cached["origin"], frozenset(cached["sketch"])))
            else:
                self._read_article(path, relpath)
            self._stamps[relpath] = stamp

    def _read_cache(self) -> dict[str, dict]:
        try:
            data = json.loads((self.content_dir / CACHE_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _read_article(self, path: Path, relpath: str) -> None:
        try:
            meta, body = parse_article(path.read_text(encoding="utf-8"), relpath)
        except (FrontMatterSyntaxError, UnicodeDecodeError, OSError):
            return
        if meta.get("headline") and meta.get("date"):
            source = meta.get("source")
            origin = str(source.get("path", "")) if isinstance(source, dict) else ""
            self._remember(relpath, _Known(_headline_key(str(meta["headline"]), str(meta["date"])), origin, _sketch(body)))

    def _remember(self, relpath: str, known: _Known) -> None:
        self._known[relpath] = known
        self._by_headline.setdefault(known.key, relpath)
        for value in known.sketch:
            self._by_hash.setdefault(value, set()).add(relpath)

    def _sketch_of(self, body: str) -> frozenset[int]:
        # find() then add() see the same body: sketch it once
        if self._last is None or self._last[0] is not body:
            self._last = (body, _sketch(body))
        return self._last[1]

    def find(self, relpath: str, headline: str, date: str, body: str, origin: str) -> str | None:
        """The path of an earlier copy of this story from another source, or None.

        The same source imported again (same `origin`) is not a duplicate: it is re-imported.
        """
        if not self._loaded:
            self._load()
        earlier = self._by_headline.get(_headline_key(headline, date))
        if earlier and (earlier != relpath or self._known[earlier].origin not in ("", origin)):
            return earlier
        sketch = self._sketch_of(body)
        candidates: set[str] = set()
        for value in sketch:
            candidates.update(self._by_hash.get(value, ()))
        for other in sorted(candidates):
            if other == relpath and self._known[other].origin in ("", origin):
                continue
            if _similarity(sketch, self._known[other].sketch) >= NEAR_IDENTICAL:
                return other
        return None

    def add(self, relpath: str, headline: str, date: str, body: str, origin: str) -> None:
        """Remember a story just written to content/ (so a later copy in the same run is caught)."""
        old = self._known.pop(relpath, None)
        if old is not None:  # the article was rewritten: forget what it said before
            if self._by_headline.get(old.key) == relpath:
                del self._by_headline[old.key]
            for value in old.sketch:
                self._by_hash.get(value, set()).discard(relpath)
        self._remember(relpath, _Known(_headline_key(headline, date), origin, self._sketch_of(body)))
        self._stamps.pop(relpath, None)  # stamped when the cache is saved

    def save(self) -> None:
        """Keep the index for the next run (only when the content folder exists)."""
        if not self._loaded or not self.content_dir.is_dir():
            return
        entries = {}
        for relpath, known in self._known.items():
            path = self.content_dir / relpath
            if relpath not in self._stamps:
                try:
                    stat = os.stat(path)
                except OSError:
                    continue  # a dry run did not write it
                self._stamps[relpath] = [stat.st_size, stat.st_mtime_ns]
            entries[relpath] = {"stamp": self._stamps[relpath], "key": known.key, "origin": known.origin,
                                "sketch": sorted(known.sketch)}
        write_atomic(self.content_dir / CACHE_NAME, json.dumps(entries, sort_keys=True).encode("utf-8"))
