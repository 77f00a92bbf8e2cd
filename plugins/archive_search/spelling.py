"""The spelling word list: the archive's words as written, that misspelled query words are
corrected against, in the groups the export writes and the browser client fetches.

Corrections work on words as written, not on index terms (stems), so that a typo in an
inflected word ("shoppign") can reach its word ("shopping", whose term is "shop").
"""

from __future__ import annotations

from collections import defaultdict

from whoosh.reading import IndexReader

from .schema import SPELLING_FIELD


def group_name(first: str, length: int) -> str:
    """Name of the group of words starting with `first` that are `length` code points long.

    A word within two edits keeping the first letter lies in one of five groups, so a
    correction fetches five small files, never the whole list.
    """
    return f"{first}{length}"


def spelling_groups(reader: IndexReader) -> dict[str, dict[str, int]]:
    """Return {group: {word: articles using it}} from the index's spelling field.

    Counts are Whoosh's document frequencies (deleted articles count until it optimizes).
    """
    if SPELLING_FIELD not in reader.schema:
        return {}
    # Segment by segment: a multi-segment reader merges every term's statistics across
    # segments, several times slower than summing the segments' counts here.
    counts: dict[str, int] = defaultdict(int)
    for segment, _ in reader.leaf_readers():
        for termbytes, info in segment.iter_field(SPELLING_FIELD):
            word = termbytes.decode("utf-8") if isinstance(termbytes, bytes) else termbytes
            counts[word] += info.doc_frequency()
    groups: dict[str, dict[str, int]] = defaultdict(dict)
    for word in sorted(counts):
        groups[group_name(word[0], len(word))][word] = counts[word]
    return dict(groups)
