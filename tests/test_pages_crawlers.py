"""What crawlers, feed readers and the host read, in real builds: Atom feeds, sitemaps,
the Google News sitemap, alias redirects, the 404 page, .nojekyll and CNAME."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import feedparser
import pytest

from theme_stories import START, write_desk_run, write_story

SITE_URL = "https://example.org/archive"
SITE = {"SITEURL": SITE_URL, "RELATIVE_URLS": False, "FEED_DOMAIN": SITE_URL}
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def test_site_and_desk_feeds_parse_with_absolute_links_and_no_byline_feeds(tmp_path, build_site):
    content = tmp_path / "content"
    write_desk_run(content, 2, desk="news")
    write_desk_run(content, 1, desk="sport")
    build = build_site(content, settings=SITE)
    assert build.returncode == 0, build.log
    everything = feedparser.parse(build.output / "feeds/all.atom.xml")
    sport = feedparser.parse(build.output / "feeds/desk/sport.atom.xml")
    assert not everything.bozo and not sport.bozo
    assert len(everything.entries) == 3 and [e.title for e in sport.entries] == ["Sport story 1"]
    assert all(entry.link.startswith(SITE_URL + "/2023/03/") for entry in everything.entries)
    assert not (build.output / "feeds/ada-fenwick.atom.xml").exists()
    assert '<link rel="alternate" type="application/atom+xml"' in build.page("")


def test_sitemap_lists_every_story_and_becomes_an_index_past_the_limit(tmp_path, build_site):
    content = tmp_path / "content"
    write_desk_run(content, 4)
    build = build_site(content, settings=SITE)
    assert build.returncode == 0, build.log
    urls = [loc.text for loc in ET.parse(build.output / "sitemap.xml").iter(f"{SITEMAP}loc")]
    stories = [url for url in urls if url.startswith(SITE_URL + "/2023/03/") and url.count("/") == 8]
    assert len(stories) == 4 and f"{SITE_URL}/desk/news/" in urls

    split = build_site(content, settings={**SITE, "ARCHIVE_SITEMAP_MAX_URLS": 5})
    assert split.returncode == 0, split.log
    index = ET.parse(split.output / "sitemap.xml").getroot()
    assert index.tag == f"{SITEMAP}sitemapindex"
    parts = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert parts[0] == f"{SITE_URL}/sitemap-1.xml" and len(parts) == -(-len(urls) // 5)
    split_urls = [loc.text for name in parts for loc in ET.parse(split.output / name.rsplit("/", 1)[1]).iter(f"{SITEMAP}loc")]
    assert sorted(split_urls) == sorted(urls)


def test_news_sitemap_holds_only_the_last_two_days(tmp_path, build_site):
    content = tmp_path / "content"
    now = datetime.now().astimezone().replace(microsecond=0)
    write_story(content, "Fresh from the harbour", now - timedelta(hours=20))
    write_story(content, "Last week's news", now - timedelta(days=5))
    build = build_site(content, settings=SITE)
    assert build.returncode == 0, build.log
    root = ET.parse(build.output / "news-sitemap.xml").getroot()
    assert [title.text for title in root.iter(f"{NEWS}title")] == ["Fresh from the harbour"]
    assert root.find(f"{SITEMAP}url/{NEWS}news/{NEWS}publication/{NEWS}name").text
    assert "Sitemap: https://example.org/archive/news-sitemap.xml" in (build.output / "robots.txt").read_text()


def test_aliases_redirect_with_refresh_and_canonical_to_the_story(tmp_path, build_site):
    content = tmp_path / "content"
    write_story(content, "Ferry fares rise", START, aliases=["/news/ferry-fares.html", "/old-cms/12345/"])
    build = build_site(content, settings=SITE)
    assert build.returncode == 0, build.log
    target = f"{SITE_URL}/2023/03/16/ferry-fares-rise/"
    for alias in ("news/ferry-fares.html", "old-cms/12345/"):
        html = build.page(alias)
        assert f'<meta http-equiv="refresh" content="0; url={target}">' in html
        assert f'<link rel="canonical" href="{target}">' in html


@pytest.mark.parametrize(
    ("alias", "what"),
    [
        ("/2023/03/16/ferry-fares-rise/", "the address of a story"),
        ("/desk/news/", "the address of a listing page"),
        ("/old/ferry/", "an alias of"),
    ],
)
def test_alias_that_would_overwrite_a_page_stops_the_build_naming_the_file(tmp_path, build_site, alias, what):
    content = tmp_path / "content"
    write_story(content, "Ferry fares rise", START, aliases=["/old/ferry/"])
    path = write_story(content, "Ferry fares fall", START.replace(day=17), aliases=[alias])
    build = build_site(content)
    log = " ".join(build.log.split())
    assert build.returncode != 0
    assert f"aliases: '{alias}' is {what}" in log and path.name in log
    assert "Traceback" not in log


def test_host_files_and_a_404_page_with_absolute_links(tmp_path, build_site):
    content = tmp_path / "content"
    write_story(content, "Ferry fares rise", START)
    build = build_site(content, settings={**SITE, "CNAME": "archive.example.org"})
    assert build.returncode == 0, build.log
    assert (build.output / ".nojekyll").exists()
    assert (build.output / "CNAME").read_text() == "archive.example.org\n"
    not_found = build.page("404.html")
    assert f'href="{SITE_URL}/theme/css/archive.css"' in not_found and "Page not found" in not_found
    assert not (build_site(content).output / "CNAME").exists()
