"""One analysis pass per text field, giving both the index terms (stems) and the words as written.

Whoosh's analyzers are chains of generators run token by token, and the index analyzed every
text twice: stemmed for the scored fields, unstemmed for the spelling list. `FieldAnalysis`
runs the same steps once — the schema analyzer's own tokenizer expression, lowercasing, its
stop list and minimum size, then its stemmer through a cache — and hands Whoosh the postings it
would have made itself (terms, frequencies, weights, encoded positions), plus the words as
written for the spelling list. tests/test_search_index.py checks the result against Whoosh's
analyzer on every text of an archive.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pickle import dumps
from typing import Any

from whoosh.analysis import CompositeAnalyzer, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.system import pack_uint


class Analyzer:
    """The steps of a schema's StemmingAnalyzer, run in one loop (see the module docstring)."""

    def __init__(self, analyzer: CompositeAnalyzer) -> None:
        steps = list(analyzer.items)
        kinds = [type(step) for step in steps]
        if kinds != [RegexTokenizer, LowercaseFilter, StopFilter, StemFilter] or steps[0].gaps:
            raise TypeError(f"expected Whoosh's StemmingAnalyzer chain, not {kinds}")
        self._finditer = steps[0].expression.finditer
        self._stops = steps[2].stops
        self._min = steps[2].min
        self._max = steps[2].max
        if not steps[2].renumber:
            raise TypeError("the stop filter must renumber positions, as StemmingAnalyzer's does")
        stem_filter = steps[3]
        self._stemfn = stem_filter.stemfn
        self._ignore = stem_filter.ignore
        self._stems: dict[str, str] = {}

    def stem(self, word: str) -> str:
        """Return the index term of a lowercased word (Whoosh's stemmer, cached)."""
        term = self._stems.get(word)
        if term is None:
            term = word if word in self._ignore else self._stemfn(word)
            self._stems[word] = term
        return term

    def words(self, text: str) -> tuple[list[str], int]:
        """Return the words as written (lowercased, stop words removed) and the position of the
        first: Whoosh's stop filter keeps the first kept word's position and numbers the
        following ones consecutively."""
        stops, low, high = self._stops, self._min, self._max
        kept: list[str] = []
        first = 0
        for position, match in enumerate(self._finditer(text)):
            word = match.group(0).lower()
            if len(word) >= low and (high is None or len(word) <= high) and word not in stops:
                if not kept:
                    first = position
                kept.append(word)
        return kept, first

    def field(self, text: str, boost: float = 1.0) -> FieldAnalysis:
        """Return the analysis of one field's text (`boost`: the field's boost in the schema)."""
        words, first = self.words(text)
        stem = self.stem
        positions: dict[str, list[int]] = defaultdict(list)
        for offset, word in enumerate(words):
            positions[stem(word)].append(first + offset)
        return FieldAnalysis(positions, len(words), frozenset(words), boost)


@dataclass(frozen=True)
class FieldAnalysis:
    """One field's index terms with their positions, its length in words, its words as written."""

    positions: dict[str, list[int]]
    length: int
    surface: frozenset[str]
    boost: float = 1.0

    def postings(self) -> list[tuple[bytes, int, float, bytes]]:
        """Return (term bytes, frequency, weight, encoded positions) per term, as Whoosh's
        Positions format makes them for its posting pool."""
        items = []
        boost = self.boost
        for term, places in self.positions.items():
            gaps, base = [], 0
            for place in places:
                gaps.append(place - base)
                base = place
            items.append((term.encode("utf-8"), len(places), len(places) * boost,
                          pack_uint(len(gaps)) + dumps(gaps, 2)))
        return items


def postings_of(value: Any) -> list[tuple[bytes, int, float, bytes]] | None:
    """The postings of an already analyzed field value, or None for plain text."""
    return value.postings() if isinstance(value, FieldAnalysis) else None
