"""The sample archive as browsers, validators and crawlers see it: axe-core in Chromium
(light and dark), keyboard focus, narrow screens, layout shift, other hosts, vnu.jar,
linkinator under a sub-path, feeds and JSON-LD. Lighthouse scores: `make quality`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import feedparser
import pytest

from browser.checks import axe_violations, broken_links, keyboard_focus_problems, vnu_errors
from browser.site import ServedArchive, served_archive
from conftest import REPO, run_build, serve_directory

pytestmark = pytest.mark.browser

PAGES = ["front", "article", "desk", "tag", "byline", "archive", "year", "month", "day", "search", "404"]


def story_pages(output: Path) -> list[Path]:
    """Every story page of a build (alias redirects live at the same depth, so look inside)."""
    return [
        path for path in sorted(output.glob("20*/*/*/*/index.html"))
        if '<meta property="og:type" content="article">' in path.read_text(encoding="utf-8")
    ]


def sample_pages(output: Path) -> dict[str, str]:
    """Site paths of one page of each kind in a build of the sample archive."""
    articles = story_pages(output)
    with_image = [path for path in articles if 'class="lead-image"' in path.read_text(encoding="utf-8")]
    article = (with_image or articles)[0].parent
    day = article.parent
    pages = {
        "front": "",
        "article": article.relative_to(output).as_posix() + "/",
        "desk": "desk/news/",
        "tag": sorted(output.glob("tag/*/index.html"))[0].parent.relative_to(output).as_posix() + "/",
        "byline": sorted(output.glob("byline/*/index.html"))[0].parent.relative_to(output).as_posix() + "/",
        "archive": "archive/",
        "year": day.parent.parent.relative_to(output).as_posix() + "/",
        "month": day.parent.relative_to(output).as_posix() + "/",
        "day": day.relative_to(output).as_posix() + "/",
        "404": "404.html",
    }
    if (output / "search/index.html").exists():
        pages["search"] = "search/"
    return pages


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    """The sample archive, built as for publishing and served under a sub-path."""
    with served_archive(REPO / "content", tmp_path_factory.mktemp("quality") / "output") as served:
        yield served


@pytest.fixture(scope="module")
def pages(site: ServedArchive) -> dict[str, str]:
    return sample_pages(site.build.output)


def open_page(browser, site: ServedArchive, pages: dict[str, str], kind: str, **options):
    if kind not in pages:
        pytest.fail(f"the build has no {kind} page")
    page = browser.new_page(**options)
    page.goto(site.url(pages[kind]))
    return page


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", PAGES)
def test_axe_finds_no_violations(browser, site, pages, kind, scheme):
    page = open_page(browser, site, pages, kind, color_scheme=scheme)
    try:
        assert axe_violations(page) == []
    finally:
        page.close()


def test_dark_mode_toggle_is_remembered_and_stays_accessible(browser, site, pages):
    context = browser.new_context(color_scheme="light")
    page = context.new_page()
    page.goto(site.url(pages["article"]))
    toggle = page.locator(".theme-toggle")
    assert toggle.get_attribute("aria-pressed") == "false"
    light_background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    page.goto(site.url(pages["front"]))
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != light_background
    assert axe_violations(page) == []
    context.close()


@pytest.mark.parametrize("kind", ["front", "article", "desk", "404"])
def test_every_control_is_reachable_by_keyboard_and_visibly_focused(browser, site, pages, kind):
    page = open_page(browser, site, pages, kind)
    stops, problems = keyboard_focus_problems(page)
    page.close()
    assert stops >= 5  # skip link, masthead, sections, ...
    assert problems == []


@pytest.mark.parametrize("kind", ["front", "article", "desk", "tag", "month", "search", "404"])
def test_pages_fit_a_320_pixel_screen(browser, site, pages, kind):
    page = open_page(browser, site, pages, kind, viewport={"width": 320, "height": 640})
    width = page.evaluate("document.documentElement.scrollWidth")
    page.close()
    assert width <= 320


@pytest.mark.parametrize("kind", ["front", "article"])
def test_no_layout_shift_and_nothing_from_other_hosts(browser, site, pages, kind):
    page = browser.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(site.url(pages[kind]), wait_until="load")
    shift = page.evaluate(
        """() => new Promise(resolve => {
             let total = 0;
             new PerformanceObserver(list => { for (const e of list.getEntries()) total += e.value; })
               .observe({type: 'layout-shift', buffered: true});
             setTimeout(() => resolve(total), 500);
           })"""
    )
    page.close()
    assert shift == 0
    assert [url for url in requested if not url.startswith(site.base_url)] == []
    assert not [url for url in requested if re.search(r"\.(woff2?|ttf|otf)$", url)]


def test_every_page_is_valid_html(site):
    assert vnu_errors(site.build.output) == []


def test_no_broken_links_or_fragments_under_a_sub_path(site):
    checked, broken = broken_links(site.base_url)
    assert checked > 100
    assert broken == []


def test_no_broken_links_in_the_relative_local_build(tmp_path):
    build = run_build(REPO / "content", tmp_path / "output")
    assert build.returncode == 0, build.log
    with serve_directory(build.output, prefix="/newsroom-archive") as base_url:
        checked, broken = broken_links(base_url)
    assert checked > 100
    assert broken == []


def test_feeds_parse_with_absolute_links(site):
    feeds = sorted((site.build.output / "feeds").rglob("*.atom.xml"))
    assert len(feeds) >= 5  # the site-wide feed and one per desk
    for feed_path in feeds:
        feed = feedparser.parse(feed_path)
        assert not feed.bozo, f"{feed_path}: {feed.bozo_exception}"
        assert feed.entries and all(entry.link.startswith(site.base_url) for entry in feed.entries)


def test_every_article_carries_news_article_json_ld(site):
    articles = story_pages(site.build.output)
    assert len(articles) >= 30
    for path in articles:
        html = path.read_text(encoding="utf-8")
        (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        data = json.loads(block)
        assert data["@type"] == "NewsArticle", path
        for field in ("headline", "datePublished", "author", "articleSection", "publisher", "url"):
            assert data.get(field), f"{path}: {field}"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", data["datePublished"]), path
        assert data["url"].startswith(site.base_url)


def test_articles_print_without_navigation(browser, site, pages):
    page = open_page(browser, site, pages, "article")
    page.emulate_media(media="print", color_scheme="dark")
    shown = page.evaluate(
        """() => Object.fromEntries(['.secs', '.theme-toggle', '.related', '.desk-nav', '.story h1', '.story-body']
             .map(s => [s, getComputedStyle(document.querySelector(s)).display !== 'none']))"""
    )
    ink = page.evaluate("getComputedStyle(document.body).color")
    page.close()
    assert shown == {".secs": False, ".theme-toggle": False, ".related": False, ".desk-nav": False,
                     ".story h1": True, ".story-body": True}
    assert ink == "rgb(0, 0, 0)"  # black ink on paper even when the screen is dark
