"""The article page in real builds: dateline, image, corrections, tags, previous/next
within the desk, related stories, and NewsArticle JSON-LD that a headline cannot break."""

from __future__ import annotations

import json
import re

from theme_stories import START, headlines, write_story

SITE = {"SITEURL": "https://example.org/archive", "RELATIVE_URLS": False, "FEED_DOMAIN": "https://example.org/archive"}


def json_ld(html: str) -> list[dict]:
    """Every JSON-LD block of a page, parsed."""
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def test_article_shows_dateline_image_corrections_and_tags(tmp_path, build_site):
    content = tmp_path / "content"
    write_story(
        content, "Ferry terminal rebuild approved", START, byline=["Ada Fenwick", "Bo Lindell"], tags=["Ferries", "Council"],
        modified="2023-03-17T10:00:00+02:00", summary="The council voted 31 to 12.",
        image={"src": "images/terminal.svg", "alt": "The terminal", "caption": "The 1962 building.", "credit": "Ledger"},
        corrections=[{"date": "2023-03-18T09:00:00+02:00", "text": "The vote was 31 to 12, not 30 to 13."}],
    )
    build = build_site(content, settings=SITE)
    assert build.returncode == 0, build.log
    html = build.page("2023/03/16/ferry-terminal-rebuild-approved/")
    assert '<a href="https://example.org/archive/byline/ada-fenwick/">Ada Fenwick</a> and <a href="https://example.org/archive/byline/bo-lindell/">Bo Lindell</a>' in html
    assert 'Updated <time datetime="2023-03-17T10:00:00+02:00">' in html
    assert '<img src="https://example.org/archive/images/terminal.svg" alt="The terminal">' in html
    assert '<span class="credit">Ledger</span>' in html
    assert "The vote was 31 to 12, not 30 to 13." in html.split('id="corrections"')[1]
    assert 'href="https://example.org/archive/tag/ferries/"' in html
    assert '<link rel="canonical" href="https://example.org/archive/2023/03/16/ferry-terminal-rebuild-approved/">' in html
    assert '<meta name="description" content="The council voted 31 to 12.">' in html
    assert '<meta property="og:image" content="https://example.org/archive/images/terminal.svg">' in html


def test_previous_and_next_stay_within_the_desk(tmp_path, build_site):
    content = tmp_path / "content"
    write_story(content, "News one", START)
    write_story(content, "Sport between", START.replace(day=17), desk="sport")
    write_story(content, "News two", START.replace(day=18))
    build = build_site(content)
    assert build.returncode == 0, build.log
    first, second = build.page("2023/03/16/news-one/"), build.page("2023/03/18/news-two/")
    assert re.search(r'<a rel="next" href="[^"]*2023/03/18/news-two/">', first)
    assert 'rel="prev"' not in first.split('class="desk-nav"')[1].split("</nav>")[0]
    assert re.search(r'<a rel="prev" href="[^"]*2023/03/16/news-one/">', second)
    assert "sport-between" not in first.split('class="desk-nav"')[1].split("</nav>")[0]


def test_related_stories_prefer_shared_tags(tmp_path, build_site):
    content = tmp_path / "content"
    write_story(content, "Tram fares frozen", START, tags=["Trams", "Fares"])
    write_story(content, "Tram depot mural", START.replace(day=20), desk="culture", tags=["Trams"])
    write_story(content, "Council meets", START.replace(day=17))
    write_story(content, "Tram fares rise after all", START.replace(month=9), desk="business", tags=["Trams", "Fares"])
    build = build_site(content, settings={"ARCHIVE_RELATED_STORIES": 2})
    assert build.returncode == 0, build.log
    related = build.page("2023/03/16/tram-fares-frozen/").split('id="related"')[1]
    titles = headlines(related)
    assert titles == ["Tram fares rise after all", "Tram depot mural"]


def test_json_ld_is_a_news_article_even_with_script_tags_in_the_headline(tmp_path, build_site):
    headline = 'Council bans "</script><script>alert(1)</script>" & <!-- tags'
    content = tmp_path / "content"
    write_story(content, headline, START, tags=["Web"], summary="Odd characters.", lang="en",
                modified="2023-03-16T12:00:00+02:00",
                corrections=[{"date": "2023-03-17T09:00:00+02:00", "text": "Fixed the headline."}])
    build = build_site(content, settings=SITE)
    assert build.returncode == 0, build.log
    page = next((build.output / "2023/03/16").glob("*/index.html")).read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page
    (data,) = json_ld(page)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == headline
    assert data["datePublished"] == "2023-03-16T09:00:00+02:00"
    assert data["dateModified"] == "2023-03-16T12:00:00+02:00"
    assert data["author"][0]["name"] == "Ada Fenwick"
    assert data["articleSection"] == "News"
    assert data["keywords"] == ["Web"]
    assert data["publisher"]["@type"] == "Organization"
    assert data["correction"][0]["text"] == "Fixed the headline."
    assert data["url"].startswith("https://example.org/archive/2023/03/16/")


def test_a_draft_renders_for_preview_but_is_not_listed(tmp_path, build_site):
    content = tmp_path / "content"
    write_story(content, "Ferry fares rise", START)
    write_story(content, "Ferry fares fall", START.replace(day=17), status="draft")
    build = build_site(content)
    assert build.returncode == 0, build.log
    draft = build.page("drafts/ferry-fares-fall/")
    assert '<p class="kicker"><a href="../../desk/news/">News</a></p>' in draft
    assert json_ld(draft)[0]["headline"] == "Ferry fares fall"
    assert headlines(build.page("desk/news/")) == ["Ferry fares rise"]
    assert "ferry-fares-fall" not in build.page("2023/03/16/ferry-fares-rise/")


def test_json_ld_text_is_what_json_dumps_writes() -> None:
    """The JSON-LD encoder made once per process writes what json.dumps writes with the same
    options, then escaped for a <script> element."""
    from archive_pages.jsonld import script_safe_json

    values = [{"headline": 'A "</script>" & <!-- x', "n": 1, "f": 1.5, "none": None, "ok": True,
               "list": ["é", "\u2028", "\u2029", {"nested": ["a", 2]}], "ключ": "значення"}, [], {}, "plain"]
    for value in values:
        expected = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
        expected = expected.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        assert str(script_safe_json(value)) == expected
        assert json.loads(str(script_safe_json(value))) == value
