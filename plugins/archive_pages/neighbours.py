"""Stories that sit next to an article: previous/next in its desk, and related stories.

Both are computed once per build from lists sorted by date. Related stories are drawn
from the stories nearest in time under each of the article's tags and in its desk, and
scored by tag and desk overlap, so the cost grows with tags per article, not with the
size of the archive.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from typing import Any, Callable, Iterable, Sequence

Article = Any  # a pelican.contents.Article

# A shared tag counts for more than a shared desk: tags are the narrower topic.
TAG_WEIGHT = 2
DESK_WEIGHT = 1


class _SortedGroup:
    """Stories of one desk or tag, oldest first, with each story's position."""

    def __init__(self, articles: list[Article]) -> None:
        articles.sort(key=lambda article: (article.date, article.slug))
        self.articles = articles
        self.position = {id(article): index for index, article in enumerate(articles)}

    def around(self, article: Article, size: int) -> Sequence[Article]:
        """Up to `size` stories on each side of `article` in time."""
        index = self.position[id(article)]
        return [*self.articles[max(0, index - size) : index], *self.articles[index + 1 : index + 1 + size]]

    def before_after(self, article: Article) -> tuple[Article | None, Article | None]:
        """The story just older and the story just newer than `article`, if any."""
        index = self.position[id(article)]
        older = self.articles[index - 1] if index > 0 else None
        newer = self.articles[index + 1] if index + 1 < len(self.articles) else None
        return older, newer


def _group(articles: Iterable[Article], keys: Callable[[Article], list[str]]) -> dict[str, _SortedGroup]:
    """Stories grouped under each key `keys` gives them (a story may sit in several groups)."""
    lists: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        for key in keys(article):
            lists[key].append(article)
    return {key: _SortedGroup(members) for key, members in lists.items()}


def _desk_of(article: Article) -> list[str]:
    return [article.category.slug]


def _tags_of(article: Article) -> list[str]:
    return [tag.slug for tag in getattr(article, "tags", None) or []]


def attach_neighbours(articles: Sequence[Article], related_count: int, window: int) -> None:
    """Set `desk_older`, `desk_newer` and `related` (best first) on every article."""
    desks = _group(articles, _desk_of)
    tags = _group(articles, _tags_of)
    # Read once per story: URL wrappers compute `slug` on every access, and this loop looks
    # at each story once for every neighbour it is a candidate of.
    desk_of = {id(article): article.category.slug for article in articles}
    for article in articles:
        own_desk = desk_of[id(article)]
        desk = desks[own_desk]
        article.desk_older, article.desk_newer = desk.before_after(article)
        scores: dict[int, int] = defaultdict(int)
        candidates: dict[int, Article] = {}
        for tag in _tags_of(article):
            for other in tags[tag].around(article, window):
                scores[id(other)] += TAG_WEIGHT
                candidates[id(other)] = other
        for other in desk.around(article, window):
            candidates[id(other)] = other
        for key in candidates:
            if desk_of[key] == own_desk:
                scores[key] += DESK_WEIGHT
        date = article.date
        # The best few of sorted(...)[:related_count], without sorting every candidate.
        article.related = heapq.nsmallest(
            related_count,
            candidates.values(),
            key=lambda other: (-scores[id(other)], abs(other.date - date), other.slug),
        )
