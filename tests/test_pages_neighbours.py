"""Previous/next and related stories: the theme's quick ranking against the ranking written
the long way (every candidate scored, the whole list sorted), on random archives of real
Pelican articles with the awkward cases — equal times, an hour that repeats when the clocks
go back, stories without tags, a tag given twice under two spellings, tiny desks."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import Category, Tag

from archive_pages.neighbours import DESK_WEIGHT, EPOCH, TAG_WEIGHT, attach_neighbours

KYIV = ZoneInfo("Europe/Kyiv")
SETTINGS = dict(DEFAULT_CONFIG)
DESKS = ["news", "sport", "culture"]
TAGS = ["Port", "port", "Trams", "Council", "Budget", "Ferry", "Harbour", "Elections"]


def _story(number: int, chooser: random.Random) -> Article:
    """A story on a random desk and day; some share a time, some fall in the repeated hour
    of 29 October 2023 (03:00–04:00 twice in Kyiv), some share a slug."""
    kind = chooser.random()
    if kind < 0.15:  # the hour the clocks go back: same wall time, two instants
        date = datetime(2023, 10, 29, 3, chooser.choice([0, 15, 30, 45]), tzinfo=KYIV, fold=chooser.randint(0, 1))
    elif kind < 0.3:
        date = datetime(2023, 3, 16, 9, 0, tzinfo=KYIV)
    else:
        date = datetime(2023, 1, 1, 8, 0, tzinfo=KYIV) + timedelta(hours=chooser.randint(0, 24 * 400))
    tags = [Tag(name, SETTINGS) for name in chooser.sample(TAGS, chooser.randint(0, 4))]
    metadata = {
        "title": f"Story {number}",
        "date": date,
        "slug": chooser.choice([f"story-{number}", "same-slug"]),
        "category": Category(chooser.choice(DESKS[: chooser.randint(1, 3)]), SETTINGS),
    }
    if tags:
        metadata["tags"] = tags
    return Article("<p>Text.</p>", metadata=metadata, settings=SETTINGS)


def _the_long_way(articles: list[Article], related_count: int, window: int) -> list[tuple]:
    """(older, newer, related) of each story: every candidate scored in the order met (its
    tags in order, each window oldest first, then its desk's), all sorted."""
    def sorted_group(members: list[Article]) -> list[Article]:
        return sorted(members, key=lambda story: (story.date, story.slug))

    def place(group: list[Article], story: Article) -> int:
        return max(index for index, member in enumerate(group) if member is story)  # the later copy

    def around(group: list[Article], story: Article) -> list[Article]:
        index = place(group, story)
        return group[max(0, index - window):index] + group[index + 1:index + 1 + window]

    desks = {slug: sorted_group([a for a in articles if a.category.slug == slug]) for slug in DESKS}
    tag_slugs = {tag.slug for a in articles for tag in getattr(a, "tags", [])}
    tags = {slug: sorted_group([a for a in articles for tag in getattr(a, "tags", []) if tag.slug == slug])
            for slug in tag_slugs}
    results = []
    for story in articles:
        desk = desks[story.category.slug]
        index = place(desk, story)
        older = desk[index - 1] if index > 0 else None
        newer = desk[index + 1] if index + 1 < len(desk) else None
        scores: dict[int, int] = {}
        by_id = {}
        for tag in getattr(story, "tags", []):
            for other in around(tags[tag.slug], story):
                scores[id(other)] = scores.get(id(other), 0) + TAG_WEIGHT
                by_id[id(other)] = other
        for other in around(desk, story):
            scores.setdefault(id(other), 0)
            by_id[id(other)] = other
        for key, other in by_id.items():
            if other.category.slug == story.category.slug:
                scores[key] += DESK_WEIGHT
        ranked = sorted(scores, key=lambda key: (-scores[key], abs((by_id[key].date - EPOCH) - (story.date - EPOCH)), by_id[key].slug))
        results.append((older, newer, [by_id[key] for key in ranked[:related_count]]))
    return results


@pytest.mark.parametrize("seed", range(12))
def test_quick_ranking_is_the_long_way(seed: int) -> None:
    chooser = random.Random(seed)
    articles = [_story(number, chooser) for number in range(chooser.choice([1, 2, 7, 60, 250]))]
    related_count, window = chooser.choice([1, 3, 5]), chooser.choice([1, 2, 12])
    expected = _the_long_way(articles, related_count, window)
    attach_neighbours(articles, related_count, window)
    for story, (older, newer, related) in zip(articles, expected):
        assert story.desk_older is older and story.desk_newer is newer, story.title
        assert [other.title for other in story.related] == [other.title for other in related], story.title
        assert all(a is b for a, b in zip(story.related, related))
