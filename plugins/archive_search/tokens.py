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

import re
import sys
from dataclasses import dataclass
from operator import sub
from pickle import dumps
from typing import Any

from whoosh.analysis import CompositeAnalyzer, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.system import pack_uint

#: Whoosh's default token expression, and the same tokens found by an expression without its
#: capturing group, so `findall` returns the tokens themselves (in C) instead of a match object
#: per token. A token is a run of word characters (or `*`) joined by single dots: the optional
#: dot of Whoosh's group only ever adds a dot and more word characters, since its word
#: characters alone were already taken by the first run; and as nothing follows, nothing is
#: ever given back, so the runs are taken possessively (no backtracking state kept per
#: character: a third less time). tests/test_search_index.py compares the tokens with Whoosh's
#: own analyzer's.
WHOOSH_TOKENS = r"[\w\*]+(\.?[\w\*]+)*"
WHOOSH_TOKENS_UNGROUPED = r"[\w*]++(?:\.[\w*]++)*+"


class Analyzer:
    """The steps of a schema's StemmingAnalyzer, run in one loop (see the module docstring)."""

    def __init__(self, analyzer: CompositeAnalyzer) -> None:
        steps = list(analyzer.items)
        kinds = [type(step) for step in steps]
        if kinds != [RegexTokenizer, LowercaseFilter, StopFilter, StemFilter] or steps[0].gaps:
            raise TypeError(f"expected Whoosh's StemmingAnalyzer chain, not {kinds}")
        expression = steps[0].expression
        #: True when a text of ASCII may be lowercased before it is cut into tokens: the known
        #: expression's word characters are the same in either case there, and lowercasing
        #: the text once makes each token lowercased (elsewhere lowercasing can change what a
        #: word character is: "İ" becomes "i" and a combining dot).
        self._lower_first = expression.pattern == WHOOSH_TOKENS
        if self._lower_first:
            self._tokens = re.compile(WHOOSH_TOKENS_UNGROUPED, expression.flags).findall
        else:
            finditer = expression.finditer
            self._tokens = lambda text: [match.group(0) for match in finditer(text)]
        self._stops = steps[2].stops
        self._min = steps[2].min
        self._max = sys.maxsize if steps[2].max is None else steps[2].max
        if not steps[2].renumber:
            raise TypeError("the stop filter must renumber positions, as StemmingAnalyzer's does")
        stem_filter = steps[3]
        self._stemfn = stem_filter.stemfn
        self._ignore = stem_filter.ignore
        self._stems: dict[str, str] = {}
        self._terms = _TermOf(self)

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
        tokens = list(map(str.lower, self._tokens(text)))
        kept = [word for word in tokens if low <= len(word) <= high and word not in stops]
        if not kept:
            return kept, 0
        first = next(position for position, word in enumerate(tokens)
                     if low <= len(word) <= high and word not in stops)
        return kept, first

    def field(self, text: str, boost: float = 1.0) -> FieldAnalysis:
        """Return the analysis of one field's text (`boost`: the field's boost in the schema).

        The same as stemming `words(text)`, with the stop filter and the stemmer answered by
        one look-up per token (`_terms`: word → term, None for a dropped word) in C.
        """
        if self._lower_first and text.isascii():
            lowered = self._tokens(text.lower())
        else:
            lowered = list(map(str.lower, self._tokens(text)))
        term_of = self._terms
        terms = list(map(term_of.__getitem__, lowered))
        kept = [term for term in terms if term is not None]
        if not kept:
            return FieldAnalysis({}, 0, frozenset(), boost)
        first = 0 if terms[0] is not None else next(at for at, term in enumerate(terms) if term is not None)
        positions: dict[str, list[int]] = {}
        found = positions.get  # (a look-up and an append: a quarter faster than a defaultdict)
        for offset, term in enumerate(kept, first):
            places = found(term)
            if places is None:
                positions[term] = [offset]
            else:
                places.append(offset)
        surface = frozenset(lowered).difference(term_of.dropped)
        return FieldAnalysis(positions, len(kept), surface, boost)


class _TermOf(dict):
    """Lowercased token → its index term, or None when the stop filter drops it (too short,
    too long or a stop word); filled as tokens are met."""

    def __init__(self, analyzer: Analyzer) -> None:
        super().__init__()
        self._analyzer = analyzer
        #: The words met that map to None, so a text's kept words are a set difference (in C).
        self.dropped: set[str] = set()

    def __missing__(self, word: str) -> str | None:
        analyzer = self._analyzer
        kept = analyzer._min <= len(word) <= analyzer._max and word not in analyzer._stops
        term = self[word] = analyzer.stem(word) if kept else None
        if term is None:
            self.dropped.add(word)
        return term


@dataclass(frozen=True)
class FieldAnalysis:
    """One field's index terms with their positions, its length in words, its words as written."""

    positions: dict[str, list[int]]
    length: int
    surface: frozenset[str]
    boost: float = 1.0

    def in_order(self) -> tuple[str | None, ...]:
        """The term at each place of the field, in order (None at a place without one)."""
        order: list[str | None] = [None] * (max(map(max, self.positions.values())) + 1 if self.positions else 0)
        for term, places in self.positions.items():
            for place in places:
                order[place] = term
        return tuple(order)

    def next_terms(self) -> dict[str, tuple[str | None, ...]]:
        """term → the term after each of its places (None after the field's last word). The
        stop filter renumbers the words it keeps, so the next place is the next kept word
        whatever was dropped between, as Whoosh's phrase matching counts it."""
        order = self.in_order()
        last = len(order) - 1
        return {term: tuple(order[place + 1] if place < last else None for place in places)
                for term, places in self.positions.items()}

    def postings(self) -> list[tuple[bytes, int, float, bytes]]:
        """Return (term bytes, frequency, weight, encoded positions) per term, as Whoosh's
        Positions format makes them for its posting pool."""
        boost = self.boost
        return [(term.encode("utf-8"), len(places), len(places) * boost, encoded_places(places))
                for term, places in self.positions.items()]


#: The Positions value of a term at one place, by place. Most terms occur once in a field:
#: their values repeat across the archive (and are shared, not made again).
ONE_PLACE: dict[int, bytes] = {}


def encoded_places(places: list[int]) -> bytes:
    """Whoosh's Positions value of a term's ascending positions in a field: their count, then
    the pickled gaps between them."""
    if len(places) == 1:
        value = ONE_PLACE.get(places[0])
        if value is None:
            value = ONE_PLACE[places[0]] = pack_uint(1) + dumps(places, 2)
        return value
    gaps = list(map(sub, places, [0, *places]))
    return pack_uint(len(gaps)) + dumps(gaps, 2)


def postings_of(value: Any) -> list[tuple[bytes, int, float, bytes]] | None:
    """The postings of an already analyzed field value, or None for plain text."""
    return value.postings() if isinstance(value, FieldAnalysis) else None
