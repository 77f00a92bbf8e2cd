"""The spelling word list: the archive's words as written, that misspelled query words are
corrected against, in the groups the export writes and the browser client fetches.

Corrections work on words as written, not on index terms (stems), so that a typo in an
inflected word ("shoppign") can reach its word ("shopping", whose term is "shop").

The list (each word with the number of live articles using it) is kept beside the Whoosh index
in `spelling.marshal`, not as a Whoosh field: a field of unstemmed words doubled the postings
Whoosh writes, and its counts included deleted articles until the index was optimized. The
indexer adds the words of new articles and subtracts those of removed ones (from their stored
text); the file names the index generation it matches, and a file that does not match the
index is never trusted: the list is then counted again from the articles' stored text.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from whoosh.reading import IndexReader

from .documents import stored_source
from .kept import read_kept
from .schema import TEXT_FIELDS
from .tokens import Analyzer

SPELLING_FILE = "spelling.marshal"


def group_name(first: str, length: int) -> str:
    """Name of the group of words starting with `first` that are `length` code points long.

    A word within two edits keeping the first letter lies in one of five groups, so a
    correction fetches five small files, never the whole list.
    """
    return f"{first}{length}"


def spelling_groups(counts: dict[str, int]) -> dict[str, dict[str, int]]:
    """Return {group: {word: articles using it}} (words sorted) from the word counts."""
    groups: dict[str, dict[str, int]] = defaultdict(dict)
    for word in sorted(counts):
        groups[group_name(word[0], len(word))][word] = counts[word]
    return dict(groups)


def article_words(analyzer: Analyzer, texts: dict[str, object]) -> set[str]:
    """The words as written of one article's text fields (`texts`: field name → text)."""
    words: set[str] = set()
    for name in TEXT_FIELDS:
        value = texts.get(name)
        if value:
            words.update(analyzer.words(str(value))[0])
    return words


def count_words(analyzer: Analyzer, sources: Iterable[dict[str, object]]) -> Counter[str]:
    """Word counts (articles using each word) of the given articles' stored text."""
    counts: Counter[str] = Counter()
    for texts in sources:
        counts.update(article_words(analyzer, texts))
    return counts


def live_counts(reader: IndexReader, folder: Path | None, analyzer: Analyzer) -> Counter[str]:
    """The word counts of the live articles of `reader`: the kept file when it matches the
    reader's generation, otherwise counted again from the articles' stored text."""
    kept = read_kept(folder, SPELLING_FILE, reader.generation())
    if isinstance(kept, dict):
        return Counter(kept)
    return count_words(analyzer, (stored_source(reader.stored_fields(docnum)) for docnum in reader.all_doc_ids()))
