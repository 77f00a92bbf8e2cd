"""Stories that sit next to an article: previous/next in its desk, and related stories.

Both are computed once per build from lists sorted by date. Related stories are drawn
from the stories nearest in time under each of the article's tags and in its desk, and
scored by tag and desk overlap, so the cost grows with tags per article, not with the
size of the archive.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable, Sequence

Article = Any  # a pelican.contents.Article

# A shared tag counts for more than a shared desk: tags are the narrower topic.
TAG_WEIGHT = 2
DESK_WEIGHT = 1
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class _SortedGroup:
    """Stories of one desk or tag, oldest first, with each story's position; `numbers` holds
    each story's place in the list given to attach_neighbours, in the same order."""

    def __init__(self, articles: list[Article], number: dict[int, int]) -> None:
        articles.sort(key=lambda article: (article.date, article.slug))
        self.articles = articles
        self.numbers = [number[id(article)] for article in articles]
        self.position = {id(article): index for index, article in enumerate(articles)}

    def around(self, article: Article, size: int) -> list[int]:
        """The numbers of up to `size` stories on each side of `article` in time."""
        index = self.position[id(article)]
        return [*self.numbers[max(0, index - size) : index], *self.numbers[index + 1 : index + 1 + size]]

    def before_after(self, article: Article) -> tuple[Article | None, Article | None]:
        """The story just older and the story just newer than `article`, if any."""
        index = self.position[id(article)]
        older = self.articles[index - 1] if index > 0 else None
        newer = self.articles[index + 1] if index + 1 < len(self.articles) else None
        return older, newer


def _group(articles: Iterable[Article], keys: Callable[[Article], list[str]],
           number: dict[int, int]) -> dict[str, _SortedGroup]:
    """Stories grouped under each key `keys` gives them (a story may sit in several groups)."""
    lists: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        for key in keys(article):
            lists[key].append(article)
    return {key: _SortedGroup(members, number) for key, members in lists.items()}


def _desk_of(article: Article) -> list[str]:
    return [article.category.slug]


def _tags_of(article: Article) -> list[str]:
    return [tag.slug for tag in getattr(article, "tags", None) or []]


def _microseconds(moment: datetime) -> int:
    """An aware time as whole microseconds since 1970: differences compare as timedeltas do."""
    return (moment - EPOCH) // timedelta(microseconds=1)


def attach_neighbours(articles: Sequence[Article], related_count: int, window: int) -> None:
    """Set `desk_older`, `desk_newer` and `related` (best first) on every article.

    Related stories are the candidates with the highest score (TAG_WEIGHT per shared tag
    window, DESK_WEIGHT for the same desk), then the nearest in time, then by slug. Stories
    are handled by their number in `articles`, and each one's desk, time and slug read once:
    the loop meets every story once for each neighbour it is a candidate of.
    """
    number = {id(article): index for index, article in enumerate(articles)}
    desks = _group(articles, _desk_of, number)
    tags = _group(articles, _tags_of, number)
    desk_of = [article.category.slug for article in articles]
    moment = [_microseconds(article.date) for article in articles]
    slug = [article.slug for article in articles]
    for me, article in enumerate(articles):
        own_desk = desk_of[me]
        desk = desks[own_desk]
        article.desk_older, article.desk_newer = desk.before_after(article)
        shared_tags: Counter[int] = Counter()
        for tag in _tags_of(article):
            shared_tags.update(tags[tag].around(article, window))
        scores = {other: TAG_WEIGHT * count for other, count in shared_tags.items()}
        for other in desk.around(article, window):
            scores.setdefault(other, 0)
        by_score: dict[int, list[int]] = defaultdict(list)
        for other, score in scores.items():
            by_score[score + DESK_WEIGHT if desk_of[other] == own_desk else score].append(other)
        related: list[int] = []
        # The best few of sorted(...)[:related_count]: ties broken only where they matter.
        for score in sorted(by_score, reverse=True):
            wanted = related_count - len(related)
            if wanted <= 0:
                break
            related += heapq.nsmallest(wanted, by_score[score],
                                       key=lambda other: (abs(moment[other] - moment[me]), slug[other]))
        article.related = [articles[other] for other in related]
