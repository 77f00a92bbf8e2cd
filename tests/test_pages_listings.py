"""Desk, tag, byline and date-archive listings in real builds: pages numbered from the
oldest story that never change as stories are added, and every story reachable."""

from __future__ import annotations

import re
from pathlib import Path

from theme_stories import START, headlines, write_desk_run, write_story

PER_PAGE = {"DEFAULT_PAGINATION": 3}


def older_link(html: str) -> str | None:
    match = re.search(r'<a rel="next" href="\.\./\.\./\.\./([^"]*)">Older stories</a>', html) or re.search(
        r'<a rel="next" href="(?:\.\./)*([^"]*)">Older stories</a>', html
    )
    return match.group(1) if match else None


def test_desk_pages_are_numbered_from_the_oldest_and_do_not_change_when_stories_arrive(tmp_path, build_site):
    content = tmp_path / "content"
    write_desk_run(content, 7)
    first = build_site(content, settings=PER_PAGE)
    assert first.returncode == 0, first.log
    assert headlines(first.page("desk/news/page/1/")) == ["News story 3", "News story 2", "News story 1"]
    assert headlines(first.page("desk/news/")) == ["News story 7", "News story 6", "News story 5", "News story 4"]
    assert not (first.output / "desk/news/page/2").exists()
    page_one = first.page("desk/news/page/1/")

    for day in (23, 24):  # stories 8 and 9: the front's older page moves out to page 2
        write_story(content, f"News story {day - 15}", START.replace(day=day))
    second = build_site(content, settings=PER_PAGE)
    assert second.returncode == 0, second.log
    assert headlines(second.page("desk/news/")) == ["News story 9", "News story 8", "News story 7"]
    assert headlines(second.page("desk/news/page/2/")) == ["News story 6", "News story 5", "News story 4"]
    assert headlines(second.page("desk/news/page/1/")) == headlines(page_one)
    assert "Older stories" in second.page("desk/news/page/2/")


def test_every_story_is_reachable_by_following_older_links(tmp_path, build_site):
    content = tmp_path / "content"
    for count in (5, 6):  # a remainder, and an exact multiple of the page size
        write_desk_run(content, count)
        build = build_site(content, settings=PER_PAGE)
        assert build.returncode == 0, build.log
        seen, url = [], "desk/news/"
        while url:
            html = build.page(url)
            seen += headlines(html)
            url = older_link(html)
        assert sorted(set(seen)) == sorted(f"News story {n}" for n in range(1, count + 1))
        for path in content.rglob("*.md"):
            path.unlink()


def test_tag_and_byline_listings_hold_only_their_stories(tmp_path, build_site):
    content = tmp_path / "content"
    write_story(content, "Ferry fares rise", START, tags=["Ferries"], byline=["Ada Fenwick"])
    write_story(content, "Tram fares frozen", START.replace(day=17), tags=["Trams"], byline=["Bo Lindell"])
    build = build_site(content)
    assert build.returncode == 0, build.log
    assert headlines(build.page("tag/ferries/")) == ["Ferry fares rise"]
    assert headlines(build.page("byline/bo-lindell/")) == ["Tram fares frozen"]
    assert "Tagged: Ferries" in build.page("tag/ferries/")
    assert "By Bo Lindell" in build.page("byline/bo-lindell/")
    assert "Ferries" in build.page("tag/") and "Bo Lindell" in build.page("byline/")


def test_date_archive_has_root_year_month_and_day_pages(tmp_path, build_site):
    content = tmp_path / "content"
    write_story(content, "Spring budget passed", START)
    write_story(content, "Budget row continues", START.replace(day=27))
    write_story(content, "Winter storm closes port", START.replace(year=2022, month=1, day=15))
    build = build_site(content)
    assert build.returncode == 0, build.log
    root = build.page("archive/")
    assert root.index('href="../2023/"') < root.index('href="../2022/"')
    assert 'href="../2023/03/"' in build.page("2023/")
    month = build.page("2023/03/")
    assert headlines(month) == ["Budget row continues", "Spring budget passed"]
    assert 'href="../../2023/03/16/"' in month and 'href="../../2023/03/27/"' in month
    assert headlines(build.page("2023/03/16/")) == ["Spring budget passed"]
    assert headlines(build.page("2022/01/15/")) == ["Winter storm closes port"]


def test_front_page_shows_desks_in_the_configured_order(tmp_path, build_site):
    content = tmp_path / "content"
    write_story(content, "Shipyard hires", START, desk="business")
    write_story(content, "Council meets", START, desk="news")
    write_story(content, "Cup final", START, desk="sport")
    build = build_site(content)
    assert build.returncode == 0, build.log
    front = build.page("")
    positions = [front.index(f'id="desk-{desk}"') for desk in ("news", "business", "sport")]
    assert positions == sorted(positions)
    assert "Council meets" in front and "Cup final" in front


def test_pelican_writing_desk_pages_itself_is_refused_with_the_setting_named(tmp_path, build_site):
    content = tmp_path / "content"
    write_story(content, "Council meets", START)
    build = build_site(content, settings={"CATEGORY_SAVE_AS": "desk/{slug}/index.html"})
    assert build.returncode != 0
    log = " ".join(build.log.split())
    assert 'CATEGORY_SAVE_AS' in log and 'set CATEGORY_SAVE_AS = ""' in log
    assert "Traceback" not in log
    assert not Path(build.output / "desk/news/index.html").exists()


def test_listings_sorted_by_place_in_the_archive_are_sorted_on_date_and_slug() -> None:
    """NewestFirst gives what sorting each listing on (date, slug), newest first, gives: on random
    archives with times shared and repeated when the clocks go back, slugs shared, two stories
    sharing both (then every listing is sorted the long way), and a story outside the archive."""
    import random
    from datetime import datetime, timedelta
    from operator import attrgetter
    from zoneinfo import ZoneInfo

    from archive_pages.listings import NewestFirst

    class Story:  # compared and hashed by identity, as Pelican's stories are
        def __init__(self, date: datetime, slug: str, number: int) -> None:
            self.date, self.slug, self.number = date, slug, number

    kyiv = ZoneInfo("Europe/Kyiv")
    long_way = attrgetter("date", "slug")
    for seed in range(20):
        chance = random.Random(seed)
        stories = []
        for number in range(chance.choice([1, 5, 40, 300])):
            if chance.random() < 0.2:
                date = datetime(2023, 10, 29, 3, 30, tzinfo=kyiv, fold=chance.randint(0, 1))
            else:
                date = datetime(2023, 1, 1, tzinfo=kyiv) + timedelta(hours=chance.randint(0, 300))
            stories.append(Story(date=date, slug=chance.choice([f"story-{number}", "same-slug"]),
                                           number=number))
        if seed % 4 == 0:  # two stories sharing a date and a slug
            stories.append(Story(date=stories[0].date, slug=stories[0].slug, number=-1))
        newest_first = NewestFirst(stories)
        outsider = Story(date=stories[0].date, slug="outsider", number=-2)
        for listing in [stories, *(chance.sample(stories, chance.randint(0, len(stories))) for _ in range(20)),
                        [*stories[:3], outsider]]:
            expected = sorted(listing, key=long_way, reverse=True)
            assert [story.number for story in newest_first(listing)] == [story.number for story in expected]
