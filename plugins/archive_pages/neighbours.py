"""Stories that sit next to an article: previous/next in its desk, and related stories.

Both are computed once per build from lists sorted by date. Related stories are drawn
from the stories nearest in time under each of the article's tags and in its desk, and
scored by tag and desk overlap, so the cost grows with tags per article, not with the
size of the archive.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from operator import itemgetter
from typing import Any, Sequence

Article = Any  # a pelican.contents.Article

# A shared tag counts for more than a shared desk: tags are the narrower topic (and `_best`
# relies on DESK_WEIGHT < TAG_WEIGHT: one tag window less is never made up by the desk).
TAG_WEIGHT = 2
DESK_WEIGHT = 1
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_COUNT = itemgetter(1)


def _tags_of(article: Article) -> list[str]:
    return [tag.slug for tag in getattr(article, "tags", None) or []]


def _microseconds(moment: datetime) -> int:
    """An aware time as whole microseconds since 1970: differences compare as timedeltas do."""
    return (moment - EPOCH) // timedelta(microseconds=1)


def attach_neighbours(articles: Sequence[Article], related_count: int, window: int) -> None:
    """Set `desk_older`, `desk_newer` and `related` (best first) on every article.

    Related stories are the candidates with the highest score (TAG_WEIGHT per shared tag
    window, DESK_WEIGHT for the same desk), then the nearest in time, then by slug, then in
    the order they were met (the article's tags in order, each window oldest first, then its
    desk's window). Stories are handled by their number in `articles`, each one's desk, time
    and slug read once.
    """
    count = len(articles)
    desk_of = [article.category.slug for article in articles]
    tags_of = [_tags_of(article) for article in articles]
    dates = [article.date for article in articles]
    slug = [article.slug for article in articles]
    moment = [_microseconds(date) for date in dates]
    # One stable sort by (date, slug) (datetimes compared as Python does, wall time under one
    # zone): every desk's and tag's list, filled in that order, comes out sorted as if sorted
    # on its own. A story whose tags repeat a slug sits in that tag's list twice, and its
    # place there is the later one.
    desk_members: dict[str, list[int]] = defaultdict(list)
    tag_members: dict[str, list[int]] = defaultdict(list)
    desk_place = [0] * count
    tag_place: list[dict[str, int]] = [{} for _ in range(count)]
    for number in sorted(range(count), key=list(zip(dates, slug)).__getitem__):
        members = desk_members[desk_of[number]]
        desk_place[number] = len(members)
        members.append(number)
        places = tag_place[number]
        for tag in tags_of[number]:
            members = tag_members[tag]
            places[tag] = len(members)
            members.append(number)
    for me, article in enumerate(articles):
        own_desk = desk_of[me]
        desk = desk_members[own_desk]
        index = desk_place[me]
        article.desk_older = articles[desk[index - 1]] if index > 0 else None
        article.desk_newer = articles[desk[index + 1]] if index + 1 < len(desk) else None
        met: list[int] = []  # the tag windows in order: counted at once, first met first
        places = tag_place[me]
        for tag in tags_of[me]:
            members, place = tag_members[tag], places[tag]
            met += members[max(0, place - window):place]
            met += members[place + 1:place + 1 + window]
        shared: Counter[int] = Counter(met)
        article.related = [articles[other] for other in _best(
            shared, desk[max(0, index - window):index] + desk[index + 1:index + 1 + window],
            own_desk, desk_of, related_count, _nearest(moment, slug, moment[me]))]


def _nearest(moment: list[int], slug: list[str], mine: int) -> Any:
    """The order among stories of one score: nearest in time to `mine`, then by slug."""
    return lambda other: (abs(moment[other] - mine), slug[other])


def _best(shared: Counter[int], desk_window: list[int], own_desk: str, desk_of: list[str],
          wanted: int, nearest: Any) -> list[int]:
    """The `wanted` best candidates, best first: those sharing tag windows (`shared` counts
    them) by score — count × TAG_WEIGHT, plus DESK_WEIGHT on the story's own desk — then the
    rest of the desk's window (DESK_WEIGHT alone). Only the scores that decide are ordered
    by `nearest`; a sort on the count alone (stable: met order kept) finds them."""
    best: list[int] = []
    ranked = sorted(shared.items(), key=_COUNT, reverse=True)
    at, total = 0, len(ranked)
    while at < total and len(best) < wanted:
        level = ranked[at][1]
        same_desk: list[int] = []
        other_desk: list[int] = []
        while at < total and ranked[at][1] == level:
            other = ranked[at][0]
            (same_desk if desk_of[other] == own_desk else other_desk).append(other)
            at += 1
        # Score level × TAG_WEIGHT + DESK_WEIGHT comes before level × TAG_WEIGHT, and both
        # before any lower level (DESK_WEIGHT < TAG_WEIGHT).
        for bucket in (same_desk, other_desk):
            if bucket and len(best) < wanted:
                best += sorted(bucket, key=nearest)[:wanted - len(best)]
    if len(best) < wanted:
        desk_only = [other for other in desk_window if other not in shared]
        best += sorted(desk_only, key=nearest)[:wanted - len(best)]
    return best
