"""The export's shortcuts against the long way, on real indexes: each test exports the same
index twice, once with a shortcut and once with the plain loop it replaces, and compares
every file."""

from __future__ import annotations

import math
from collections import defaultdict
from itertools import accumulate
from pathlib import Path
from typing import Any

import pytest

from archive_search import export as export_module
from archive_search.encoding import ListedArticles, article_set, encode_articles, encode_numbers
from archive_search.export import _ShardBuilder, export_index
from archive_search.indexer import open_index, update_index
from archive_search.schema import QUERY_FIELD_BOOSTS
from search_corpus import BBC_ROOT, bbc_documents, fixture_documents


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


class LongWay(_ShardBuilder):
    """The shard builder scoring, bounding and cutting each long list one posting at a time."""

    def _word_scores(self, lists: list[tuple[int, str, list[int], int]]) -> tuple[dict[int, float], list[list[float]]]:
        if all(len(numbers) <= 3 * export_module.BLOCK_POSTINGS for _, _, numbers, _ in lists):
            return {}, [[] for _ in lists]
        totals: dict[int, float] = {}
        scored = []
        for _, field, numbers, frequency in lists:
            boost = QUERY_FIELD_BOOSTS.get(field, 1.0)
            scores = self._scorer.scores(field, frequency)
            values = [scores[weight, length] for weight, length in zip(numbers[1::3], numbers[2::3])]
            scored.append(values)
            article = 0
            for gap, value in zip(numbers[0::3], values):
                article += gap
                totals[article] = totals.get(article, 0.0) + (boost * value if boost != 1.0 else value)
        return totals, scored

    @staticmethod
    def _word_bounds(totals: dict[int, float], top: set[int]) -> str:
        width = export_module.WORD_RANGE
        bests = [-math.inf] * (max(totals) // width + 1)
        for article, total in totals.items():
            if article not in top:
                bests[article // width] = max(bests[article // width], total)
        return encode_numbers([0 if best == -math.inf else max(0, math.ceil(best * 1000) + 1) for best in bests])

    def _blocked(self, field: str, numbers: list[int], frequency: int, top_articles: set[int],
                 values: list[float]) -> list[Any]:
        size = export_module.BLOCK_POSTINGS
        if len(numbers) <= 3 * size:
            return [encode_numbers(numbers), frequency]
        articles = list(accumulate(numbers[0::3]))
        pairs = list(zip(numbers[1::3], numbers[2::3]))
        scores = self._scorer.scores(field, frequency)
        top = [at for at, article in enumerate(articles) if article in top_articles]
        best: list[int] = []
        texts: list[str] = []
        for start in range(0, len(pairs), size):
            rest = [pair for at, pair in enumerate(pairs[start:start + size], start) if at not in top]
            best += max(rest, key=scores.__getitem__) if rest else (0, 0)
            texts.append('"' + encode_numbers([number for pair in pairs[start:start + size] for number in pair]) + '"')
        folder = self._write_blocks(texts, [export_module._digest(text) for text in texts])
        top_numbers: list[int] = []
        previous = 0
        for at in top:
            top_numbers += (at - previous, *pairs[at])
            previous = at
        return [encode_articles(articles), frequency, encode_numbers(best), folder, encode_numbers(top_numbers)]


@pytest.mark.parametrize("sizes", [(4, 8, 3), (128, 512, 512)])
def test_long_lists_are_scored_bounded_and_cut_as_the_long_way_does(tmp_path: Path, monkeypatch,
                                                                      sizes: tuple[int, int, int]) -> None:
    """Each long list's scores added up per article in C, its word bounds laid out in C, its
    blocks cut from the list without a pair per posting: the same files as the plain loops,
    with small blocks (most lists cut, ties among the top) and the export's own sizes."""
    block, top, width = sizes
    monkeypatch.setattr(export_module, "BLOCK_POSTINGS", block)
    monkeypatch.setattr(export_module, "TOP_POSTINGS", top)
    monkeypatch.setattr(export_module, "WORD_RANGE", width)
    documents = fixture_documents() + (bbc_documents()[:300] if BBC_ROOT.is_dir() else [])
    update_index(tmp_path / "index", documents)
    export_index(open_index(tmp_path / "index"), tmp_path / "short")
    monkeypatch.setattr(export_module, "_ShardBuilder", LongWay)
    export_index(open_index(tmp_path / "index"), tmp_path / "long")
    short, long = _tree(tmp_path / "short"), _tree(tmp_path / "long")
    assert sum(name.startswith("scores/") for name in short) > 20
    assert short == long


def test_follower_sets_patched_in_places_are_the_sets_encoded_whole() -> None:
    """An export that updates the previous one patches a common word's follower sets in places
    (_patched_field); the result must be what _encoded_field writes from every article's
    followers, in every case: edited articles staying in the word's list, joining it, leaving
    it or added after the last (the others' places move), a set an edited article joins or
    leaves, one that crosses half the list (and so changes form, places held or "!" and
    places not held), one that empties, a new one, an edited article no longer followed by
    anything, and lists written as bitmaps (article_set does not list them)."""
    random = __import__("random").Random(5)
    words = ["minister", "of", "said", "the", "was"]
    forms_changed = emptied = bitmaps = moved = 0
    for _ in range(4000):
        span = random.choice((24, 400))
        before_list = sorted(random.sample(range(span), random.randint(0, 12)))
        share = {word: random.random() for word in words}

        def followed() -> set[str]:
            return {word for word in words if random.random() < share[word]}

        before = {article: followed() for article in before_list}
        # Edited: some of the list, some outside it, and stories added after the last article.
        edited = set(random.sample(range(span), random.randint(1, 3))) | {span + random.randint(0, 2)}
        after = {article: followers for article, followers in before.items() if article not in edited}
        after.update({article: followed() for article in edited if random.random() < 0.6})
        after_list = sorted(after)
        if not after_list:
            continue

        def sets(followers: dict[int, set[str]], articles: list[int]) -> dict[str, list[int]]:
            return {word: [article for article in articles if word in followers[article]]
                    for word in words if any(word in followers[article] for article in articles)}

        old = export_module._encoded_field(sets(before, before_list), before_list)
        new = export_module._encoded_field(sets(after, after_list), after_list)
        now = {word: [article for article in sorted(edited) if article in after and word in after[article]]
               for word in words}
        now = {word: holding for word, holding in now.items() if holding}
        for then_listed, now_listed in ((ListedArticles(before_list), ListedArticles(after_list)),
                                        (article_set(encode_articles(before_list)), article_set(encode_articles(after_list)))):
            assert export_module._patched_field(old, then_listed, now_listed, edited, now) == new
        bitmaps += encode_articles(after_list).startswith("~")
        moved += before_list != after_list and any(word in new and old[word] != new[word] for word in old)
        forms_changed += any(word in new and old[word].startswith("!") != new[word].startswith("!") for word in old)
        emptied += any(word not in new for word in old)
    # The cases named above all came up.
    assert forms_changed > 100 and emptied > 20 and bitmaps > 100 and moved > 100
