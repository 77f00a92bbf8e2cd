"""Searching the archive with Whoosh: the query language, and the all-words / corrected /
any-words strategy that the browser client (theme/static/js/search/engine.js) mirrors.

This module is the reference: the editors' command line uses it, and the parity tests
require the browser client to return what it returns. It scores a kept index as Whoosh scores
a clean index of the same articles (livestats.LiveBM25F) and lets ties fall in publication
order, as the export does, so edits between optimizations change nothing a reader sees.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from whoosh.qparser import (
    AndGroup, BoostPlugin, EveryPlugin, GroupPlugin, MultifieldParser, OperatorsPlugin, OrGroup,
    PlusMinusPlugin, PrefixPlugin, SingleQuotePlugin, WildcardPlugin,
)
from whoosh.matching import Matcher, NullMatcher, WrappingMatcher
from whoosh.query import And, AndNot, NullQuery, NumericRange, Or, Phrase, Prefix, Query, Term
from whoosh.searching import Results, Searcher

from .livestats import LiveBM25F, LiveStatistics
from .schema import FILTER_FIELDS, QUERY_FIELD_BOOSTS, TEXT_FIELDS
from .spelling import group_name, spelling_groups

#: Limits shared with engine.js (MAX_QUERY_CHARS, MAX_QUERY_WORDS).
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 32
#: A query of at least this many plain words (as typed, see plain_words) is a question: when
#: fewer than FEW_RESULTS stories have all of its words, any of the words are searched instead.
#: Shorter queries keep all-words precision: a reader's two or three words name what they want.
QUESTION_WORDS = 4
FEW_RESULTS = 3
#: Shorter words are never corrected: too many real words lie within two edits of them.
MIN_CORRECTED_LENGTH = 4
MAX_EDIT_DISTANCE = 2
#: Shorter prefixes (after stemming) would expand to much of the dictionary: refused.
MIN_PREFIX_CHARS = 3
#: Words in fewer articles than this may be misspellings when all the words find nothing.
RARE_FREQUENCY = 3
#: Candidates tried per misspelled word before settling for the closest.
MAX_CORRECTION_TRIES = 3
OPERATORS = frozenset({"OR", "AND", "NOT"})
NOTHING_TO_SEARCH = (
    "Nothing to search for: add a specific word (very common words, and excluded words alone, find nothing)."
)


class ScoredPrefix(Prefix):
    """Whoosh's Prefix, scored: each expanded word adds its BM25F score.

    Whoosh's default (constant score) gives 1 or the summed weights depending on which Or
    matcher it picks per index segment, so a prefix's rank would depend on segment history.
    """

    def __init__(self, fieldname: str, text: str, boost: float = 1.0, constantscore: bool = False) -> None:
        super().__init__(fieldname, text, boost=boost, constantscore=constantscore)

    def matcher(self, searcher: Searcher, context: Any = None) -> Matcher:
        """The expanded words' summed scores times the boost. (Whoosh's own drops the boost
        when the prefix expands to a single word, so `head*` in a boosted field would score
        differently depending on how many words start with it.)"""
        terms = [Term(self.fieldname, word) for word in self._btexts(searcher.reader()) if word]
        if not terms:
            return NullMatcher()
        matcher = terms[0].matcher(searcher, context) if len(terms) == 1 else Or(terms).matcher(searcher, context)
        return WrappingMatcher(matcher, boost=self.boost) if self.boost != 1.0 else matcher


class ScoredPrefixPlugin(PrefixPlugin):
    """`word*` as a ScoredPrefix."""

    class PrefixNode(PrefixPlugin.PrefixNode):
        qclass = ScoredPrefix

    nodetype = PrefixNode


class BoostedPhrase(Phrase):
    """Whoosh's Phrase, keeping its boost when it holds a single word. (Whoosh's normalize
    makes a one-word phrase an unboosted Term, so `"oil"` would score below `oil`.)"""

    def normalize(self) -> Query:
        query = super().normalize()
        if isinstance(query, Term) and self.boost != 1.0:
            query = query.with_boost(self.boost)
        return query


def build_parser(schema: Any, any_words: bool = False) -> MultifieldParser:
    """Return Whoosh's parser configured for the archive's query language.

    Words are searched in every text field and all required (any of them with `any_words`),
    scoring QUERY_FIELD_BOOSTS times higher in the boosted fields (a word named with its
    field, `headline:word`, is not boosted);
    `OR`, `-word`/`NOT word`, "phrases", `prefix*` and `field:` work; boosts, wildcards other
    than a trailing `*`, parentheses and `*:*` are plain text, so a reader's `?` or `(`
    never changes the meaning of a question.
    """
    # Only the text and filter fields can be named in a query; `spelling:`, `record:`, `key:`
    # and the other internal fields are plain text, as in engine.js (a stored-only field named
    # in a query would otherwise stop Whoosh's parser with an error).
    searchable = set(TEXT_FIELDS) | set(FILTER_FIELDS.values())
    schema = schema.copy()
    for name in [name for name in schema.names() if name not in searchable]:
        schema.remove(name)
    parser = MultifieldParser(list(TEXT_FIELDS), schema, fieldboosts=QUERY_FIELD_BOOSTS,
                              group=OrGroup if any_words else AndGroup, phraseclass=BoostedPhrase)
    for plugin in (BoostPlugin, EveryPlugin, SingleQuotePlugin, GroupPlugin, WildcardPlugin):
        parser.remove_plugin_class(plugin)
    parser.add_plugin(ScoredPrefixPlugin())
    parser.replace_plugin(OperatorsPlugin(AndNot=None, AndMaybe=None, Not=None, Require=None))
    # `-word` and `NOT word` both exclude; `+` is ordinary text (every word is required anyway).
    parser.add_plugin(PlusMinusPlugin(plusexpr=r"(?!)", minusexpr=r"(?<!\S)-|(?<!\S)NOT\s+"))
    return parser


def limit_query(query: str) -> tuple[str, str | None]:
    """Return the part of `query` that is searched and a message if it had to be cut."""
    message = None
    if len(query) > MAX_QUERY_CHARS:
        query = query[:MAX_QUERY_CHARS]
        message = f"Only the first {MAX_QUERY_CHARS} characters were searched."
    words = query.split()
    if len(words) > MAX_QUERY_WORDS:
        query = " ".join(words[:MAX_QUERY_WORDS])
        message = f"Only the first {MAX_QUERY_WORDS} words were searched."
    return query, message


def plain_words(query: str) -> list[tuple[int, int, str]]:
    """Return (start, end, text) of the words a correction may replace.

    Operators, negated words, `field:` values, phrases and prefixes are left as typed.
    """
    masked = list(query)
    inside = None
    for index, char in enumerate(query):
        if char == '"':
            if inside is None:
                if query.find('"', index + 1) < 0:
                    continue  # an unpaired quote is ordinary text
                inside = index
            else:
                for k in range(inside, index + 1):
                    masked[k] = " "
                inside = None
    text = "".join(masked)
    words = []
    after_not = False
    position = 0
    for chunk in text.split():
        start = text.index(chunk, position)
        position = start + len(chunk)
        skip = (after_not or chunk in OPERATORS or chunk.startswith("-") or ":" in chunk
                or '"' in chunk or chunk.endswith("*"))
        after_not = chunk == "NOT"
        if not skip:
            words.append((start, position, chunk))
    return words


def edit_distance(a: str, b: str, limit: int) -> int:
    """Edit distance of `a` and `b` counting a swap of neighbours as one edit (optimal string
    alignment), or limit + 1 when the lengths alone put it past `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, before[j - 2] + 1)
            current.append(value)
        before, previous = previous, current
    return min(previous[len(b)], limit + 1)


def _replace_spots(query: str, spots: list[tuple[int, int]], words: list[str]) -> str:
    pieces, cursor = [], 0
    for (start, end), word in zip(spots, words):
        pieces += [query[cursor:start], word]
        cursor = end
    return "".join(pieces) + query[cursor:]


def _is_filter(node: Query) -> bool:
    return (isinstance(node, Term) and node.fieldname in ("desk", "tag")) or (
        isinstance(node, NumericRange) and node.fieldname == "date")


def _filters_required(query: Query) -> Query:
    """Any of the words, but desk:, tag: and date: still required: a reader who asked for a
    desk or a year wants only those articles, however few words match."""
    if isinstance(query, AndNot):
        return AndNot(_filters_required(query.a), query.b)
    if not isinstance(query, Or):
        return query
    filters = [item for item in query.subqueries if _is_filter(item)]
    words = [item for item in query.subqueries if not _is_filter(item)]
    if not filters or not words:
        return query
    return And([Or(words), *filters]).normalize()


@dataclass(frozen=True)
class Parsed:
    """A parsed reader query: what to find, and what to leave out (None: nothing)."""

    query: Query
    excluded: Query | None


@dataclass
class SearchResult:
    """One page of results, the same shape as engine.js's search() answer.

    hits: (score, Whoosh document number, record) for the page; facets count all matches.
    all_total: the stories that have all the words (in "any" mode none, or too few for a
    question); equal to total in "all" mode.
    """

    query: str
    mode: str = "all"
    corrected: str | None = None
    total: int = 0
    all_total: int = 0
    hits: list[tuple[float | None, int, dict[str, Any]]] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=lambda: {"desk": {}, "year": {}})
    message: str | None = None


class ArchiveSearcher:
    """Runs reader queries against an open Whoosh searcher, the way the browser client does."""

    def __init__(self, searcher: Searcher) -> None:
        self.reader = searcher.reader()
        self.statistics = LiveStatistics(self.reader)
        # Whoosh's own searcher on the same reader, scoring with the live articles' statistics.
        self.searcher = Searcher(self.reader, weighting=LiveBM25F(self.statistics), closereader=False)
        self.all_parser = build_parser(searcher.schema)
        self.any_parser = build_parser(searcher.schema, any_words=True)
        self.analyzer = searcher.schema[TEXT_FIELDS[0]].analyzer
        self._lexicon: dict[str, int] | None = None
        self._spelling: dict[str, dict[str, int]] | None = None
        self.notes: dict[str, None] = {}

    def analyze(self, text: str) -> list[str]:
        """Return the index terms of `text` (Whoosh's StemmingAnalyzer)."""
        return [token.text for token in self.analyzer(text)]

    def frequency(self, term: str) -> int:
        """Documents containing `term`, summed over the text fields (what the term shards export)."""
        return sum(self.statistics.doc_frequency(name, term) for name in TEXT_FIELDS)

    def lexicon(self) -> dict[str, int]:
        """Index terms (stems) with their frequencies summed over the text fields."""
        if self._lexicon is None:
            words: dict[str, int] = defaultdict(int)
            for name in TEXT_FIELDS:
                for termbytes in self.reader.lexicon(name):
                    term = termbytes.decode("utf-8")
                    words[term] += self.statistics.doc_frequency(name, term)
            self._lexicon = {term: frequency for term, frequency in words.items() if frequency}
        return self._lexicon

    def surface(self, text: str) -> list[str]:
        """Return the words of `text` as the spelling list has them (lowercased, not stemmed)."""
        return self.statistics.analyzer.words(text)[0]

    def spelling(self) -> dict[str, dict[str, int]]:
        """The spelling word list (words as written, articles using each), grouped as exported."""
        if self._spelling is None:
            self._spelling = spelling_groups(self.statistics.spelling())
        return self._spelling

    def candidates(self, word: str, term: str) -> list[str]:
        """Words as written within two edits of a suspect `word` (same first letter) whose index
        term is not `term`: closest, then most frequent, then alphabetical; one per index term
        (the best-ranked), at most MAX_CORRECTION_TRIES."""
        ranked = []
        for length in range(len(word) - MAX_EDIT_DISTANCE, len(word) + MAX_EDIT_DISTANCE + 1):
            for known, frequency in self.spelling().get(group_name(word[0], length), {}).items():
                distance = edit_distance(word, known, MAX_EDIT_DISTANCE)
                if known != word and distance <= MAX_EDIT_DISTANCE:
                    ranked.append((distance, -frequency, known))
        kept: list[str] = []
        stems = {term}
        for _, _, known in sorted(ranked):
            if len(kept) == MAX_CORRECTION_TRIES:
                break
            # Another inflection of the typed word would search the same term: no correction.
            terms = self.analyze(known)
            if len(terms) == 1 and terms[0] not in stems:
                stems.add(terms[0])
                kept.append(known)
        return kept

    def as_typed(self, query: str) -> str:
        """`query` with each word a correction could replace put in quotes (url_state.js's
        uncorrectable): a quoted word is the same query but is never respelled."""
        spots = [(start, end) for start, end, text in plain_words(query) if len(self.analyze(text)) == 1]
        return _replace_spots(query, spots, [f'"{query[start:end]}"' for start, end in spots])

    def corrected(self, query: str) -> str | None:
        """`query` with misspelled plain words replaced, or None if nothing was replaced.

        A word is suspect when the index has its term in fewer than RARE_FREQUENCY articles.
        It is corrected as written ("shoppign" to "shopping", whose term is "shop"): each
        suspect takes, of its options (itself if known, then its candidates) with which all
        the words find something (the others at their current choice), the one whose best
        story scores highest among those as close as the first such option; failing that,
        its first option. The words around a misspelling pick its meaning: "strike penson"
        is "strike pension", not the more common "strike person".
        """
        spots, options = [], []
        for start, end, text in plain_words(query):
            terms = self.analyze(text)
            if len(terms) != 1:
                continue
            word = self.surface(text)[0]
            if len(word) < MIN_CORRECTED_LENGTH:
                continue
            frequency = self.frequency(terms[0])
            if frequency >= RARE_FREQUENCY:
                continue
            found = self.candidates(word, terms[0])
            if found:
                spots.append((start, end))
                options.append(([(text, 0)] if frequency else [])
                               + [(known, edit_distance(word, known, MAX_EDIT_DISTANCE)) for known in found])
        if not spots:
            return None
        original = [query[start:end] for start, end in spots]
        choice = [found[0][0] for found in options]
        for index, found in enumerate(options):
            best: tuple[float, int] | None = None  # (top score, edit distance) of the choice
            for candidate, distance in found:
                if best is not None and distance > best[1]:
                    break
                trial = choice[:index] + [candidate] + choice[index + 1:]
                top = self.top_score(self.parse(_replace_spots(query, spots, trial)))
                if top is not None and (best is None or top > best[0]):
                    best, choice = (top, distance), trial
        return None if choice == original else _replace_spots(query, spots, choice)

    def _without_short_prefixes(self, node: Query) -> Query:
        if isinstance(node, Prefix) and len(node.text) < MIN_PREFIX_CHARS:
            self.notes[f"“{node.text}*” is too short to search as a beginning; type at least "
                       f"{MIN_PREFIX_CHARS} letters."] = None
            return NullQuery
        return node

    def parse(self, query: str, any_words: bool = False) -> Parsed | None:
        """Return the Whoosh query for `query` and the query of excluded articles, or None."""
        parsed = (self.any_parser if any_words else self.all_parser).parse(query)
        if parsed is not None and parsed is not NullQuery:
            parsed = parsed.accept(self._without_short_prefixes).normalize()
            if any_words:
                parsed = _filters_required(parsed)
        if parsed is None or parsed is NullQuery:
            return None
        # `-word` gives AndNot(wanted, excluded). Whoosh's AndNotMatcher lets the first wanted
        # article through when the excluded list starts before it, so exclusions are applied
        # as a search mask, which Whoosh computes exactly.
        if isinstance(parsed, AndNot):
            return Parsed(parsed.a, parsed.b)
        return Parsed(parsed, None)

    def run(self, parsed: Parsed, **options: Any) -> Results:
        """Return Whoosh's results for a parsed query (options go to Searcher.search)."""
        return self.searcher.search(parsed.query, mask=parsed.excluded, **options)

    def publication_ties(self, ranked: list[tuple[Any, int]], newest: bool) -> list[tuple[Any, int]]:
        """Whoosh's ranked (score or date, document number) list with ties in publication order,
        (date, key), as in a clean index: oldest first among equal scores, newest first when
        sorted by date. A kept index numbers a re-indexed article after all others."""
        ordered: list[tuple[Any, int]] = []
        start = 0
        while start < len(ranked):
            end = start + 1
            while end < len(ranked) and ranked[end][0] == ranked[start][0]:
                end += 1
            tied = ranked[start:end]
            if len(tied) > 1:
                keys = self.statistics.publication_keys([docnum for _, docnum in tied])
                tied = sorted(tied, key=lambda item: keys[item[1]], reverse=newest)
            ordered += tied
            start = end
        return ordered

    def count(self, parsed: Parsed | None) -> int:
        """Stories `parsed` finds, exactly (exclusions and date ranges applied).

        Not `len()` of a limited search: Whoosh then counts the query's documents again
        without the mask, and a date range's only approximately (56 for 4,062 at 10,000).
        """
        return 0 if parsed is None else len(self.run(parsed, limit=None, scored=False))

    def top_score(self, parsed: Parsed | None) -> float | None:
        """The best story's score for `parsed`, or None when it finds nothing."""
        if parsed is None:
            return None
        # scored_length(), not len(): see count() for what len() of a limited search counts.
        results = self.run(parsed, limit=1)
        return results[0].score if results.scored_length() else None

    def search(self, query: str, sort: str = "relevance", page: int = 1, page_size: int = 10) -> SearchResult:
        """Search all words; if nothing matches, corrected words; then any of the words.

        A question (QUESTION_WORDS or more words) that finds fewer than FEW_RESULTS stories
        with all its words is searched for any of them too, when that finds more.
        """
        query, message = limit_query(query)
        result = SearchResult(query=query)
        if not query.strip():
            result.message = "Type a word to search for."
            return result
        # Notes for the reader, in the order they arise (engine.js keeps the same order).
        self.notes = dict.fromkeys([message] if message else [])
        parsed = self.parse(query)
        if parsed is None:
            result.message = " ".join([*self.notes, NOTHING_TO_SEARCH])
            return result
        all_total = self.count(parsed)
        if not all_total:
            fixed = self.corrected(query)
            retry = self.parse(fixed) if fixed else None
            all_total = self.count(retry)
            if all_total:
                parsed, result.corrected = retry, fixed
            else:
                any_parsed = self.parse(fixed or query, any_words=True)
                if any_parsed is not None and self.count(any_parsed):
                    parsed, result.mode, result.corrected = any_parsed, "any", fixed
        elif all_total < FEW_RESULTS and len(plain_words(query)) >= QUESTION_WORDS:
            any_parsed = self.parse(query, any_words=True)
            if any_parsed is not None and self.count(any_parsed) > all_total:
                parsed, result.mode = any_parsed, "any"
        result.all_total = all_total
        if sort == "newest":
            results = self.run(parsed, limit=None, sortedby="date", reverse=True)
        else:
            results = self.run(parsed, limit=None)
        result.total = len(results)
        result.message = " ".join(self.notes) or None
        ranked = self.publication_ties(results.top_n, newest=sort == "newest")
        for score, docnum in ranked[(page - 1) * page_size: page * page_size]:
            record = json.loads(self.searcher.stored_fields(docnum)["record"])
            result.hits.append((score if sort != "newest" else None, docnum, record))
        for docnum in results.docs():
            record = json.loads(self.searcher.stored_fields(docnum)["record"])
            desk = result.facets["desk"]
            desk[record["desk"]] = desk.get(record["desk"], 0) + 1
            year = result.facets["year"]
            year[record["date"][:4]] = year.get(record["date"][:4], 0) + 1
        return result
