"""The search page in a real browser, on a real build of fictional stories.

The fixture archive (tests/fixtures/search_browser) is built with Pelican and the
project's settings, served on 127.0.0.1 under a sub-path as GitHub Pages serves a
project site, and driven in Chromium. What the page shows is compared with what
Whoosh itself returns for the same query on the index the same build kept
(archive_search.query, the editors' command line), so nothing here is hard-coded
from a previous run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from archive_search.query import ArchiveSearcher, SearchResult
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from whoosh import index as whoosh_index
from whoosh.analysis import StemmingAnalyzer

from browser.checks import axe_violations, keyboard_focus_problems
from conftest import FIXTURES, Build, run_build, serve_directory

STORIES = FIXTURES / "search_browser" / "content"
HOSTILE_HEADLINE = "<img src=x onerror=alert(1)>"
PAGE_SIZE = 10  # ui.js shows ten results a page


@pytest.fixture(scope="module")
def search_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Build, Path]:
    """The fixture stories built once, with the Whoosh index kept beside the output."""
    root = tmp_path_factory.mktemp("search-browser")
    index_dir = root / "whoosh-index"
    build = run_build(STORIES, root / "output", settings={"SEARCH_INDEX_PATH": str(index_dir)})
    assert build.returncode == 0, build.log
    assert (build.output / "search" / "index.html").is_file(), "the build wrote no search page"
    assert (build.output / "search" / "manifest.json").is_file(), "the build exported no search index"
    return build, index_dir


@pytest.fixture(scope="module")
def site(search_build: tuple[Build, Path]) -> Iterator[str]:
    """Base URL of the built site, served under /archive/."""
    with serve_directory(search_build[0].output, prefix="/archive") as base_url:
        yield base_url


@pytest.fixture(scope="module")
def whoosh(search_build: tuple[Build, Path]) -> Iterator[ArchiveSearcher]:
    """Whoosh's own answers on the index the build kept."""
    with whoosh_index.open_dir(str(search_build[1])).searcher() as searcher:
        yield ArchiveSearcher(searcher)


@pytest.fixture
def page(browser: Any) -> Iterator[Page]:
    """A fresh browser tab that fails the test on script errors or dialogs (alert = injected markup ran)."""
    context = browser.new_context()
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    tab.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    yield tab
    context.close()
    assert not problems, problems


def search_url(site: str, **params: str | int) -> str:
    return f"{site}search/?{urlencode(params)}" if params else f"{site}search/"


def url_params(page: Page) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(page.url).query).items()}


def expect_params(page: Page, expected: dict[str, str]) -> None:
    """Wait until the address has the query parameters `expected`: the page records a search's
    address once its results are on screen, a frame after they are in the document."""
    def matches(url: str) -> bool:
        return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()} == expected

    try:
        page.wait_for_url(matches, timeout=5000)
    except PlaywrightTimeout:
        pass
    assert url_params(page) == expected


def headlines(result: SearchResult) -> list[str]:
    return [record["headline"] for _, _, record in result.hits]


def expect_results(page: Page, site: str, result: SearchResult) -> None:
    """The page lists Whoosh's results for the query, in Whoosh's order, linked to the stories."""
    expect(page.locator(".search-result__headline")).to_have_text(headlines(result))
    links = page.locator(".search-result__headline a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [
        f"{site}{record['url']}" for _, _, record in result.hits
    ]
    expect(page.locator("#search-status")).to_contain_text(f"{result.total} stor")


def test_typed_query_shows_whooshs_results_highlighted(page: Page, site: str, whoosh: ArchiveSearcher) -> None:
    page.goto(search_url(site))
    status = page.locator("#search-status")
    assert status.get_attribute("aria-live") == "polite"
    page.get_by_label("Words, names or a question").fill("ferries")
    page.keyboard.press("Enter")

    expected = whoosh.search("ferries")
    assert expected.total > PAGE_SIZE, "the fixture should need two pages for this word"
    expect_results(page, site, expected)
    expect_params(page, {"q": "ferries"})
    expect(status).to_have_text(re.compile(rf"^{expected.total} stories found for “ferries”"))
    # The page records its timings for the benchmark (figures are printed there, not asserted).
    measured = page.evaluate("performance.getEntriesByType('measure').map(m => m.name)")
    assert {"archive-search:open", "archive-search:query"} <= set(measured)

    # Every result line shows its date, desk and byline as the index has them.
    first = expected.hits[0][2]
    meta = page.locator(".search-result__meta").first
    expect(meta.locator("time")).to_have_attribute("datetime", first["date"])
    expect(meta).to_contain_text(", ".join(first["byline"]))
    expect(meta.get_by_role("link")).to_have_attribute("href", f"{site}desk/{first['desk']}/")
    assert page.request.get(f"{site}desk/{first['desk']}/").ok
    assert page.request.get(f"{site}{first['url']}").ok

    # Exactly the snippet words that analyze to the query's term are marked.
    analyzer = StemmingAnalyzer()
    wanted = {token.text for token in analyzer("ferries")}
    snippets = page.locator(".search-result__snippet")
    for i in range(snippets.count()):
        snippet = snippets.nth(i)
        words = re.findall(r"[\w*]+(?:\.[\w*]+)*", snippet.inner_text())
        should_mark = [w for w in words if {t.text for t in analyzer(w)} & wanted]
        assert snippet.locator("mark").all_text_contents() == should_mark
    assert page.locator(".search-result__snippet mark").count() >= PAGE_SIZE


def test_warm_up_renders_nothing_on_the_page(page: Page, site: str, whoosh: ArchiveSearcher) -> None:
    """Before a first query the page runs the engine and renders its answers on a made-up index,
    into a copy of its parts: the page itself stays empty, and a query afterwards is Whoosh's."""
    page.goto(search_url(site))
    title = page.title()
    page.wait_for_function(
        "performance.getEntriesByName('archive-search:warm-up').length > 0", timeout=10000)
    for selector in ("#search-results", "#search-notices", "#search-pages", "#search-facets"):
        assert page.locator(selector).inner_html().strip() == "", selector
    assert page.locator("#search-status").inner_text().strip() == ""
    assert page.title() == title
    assert url_params(page) == {}
    page.get_by_label("Words, names or a question").fill("ferries")
    page.keyboard.press("Enter")
    expect_results(page, site, whoosh.search("ferries"))


def filtered(words: str, desks: list[str], desk: str = "", year: str = "") -> str:
    """The query a desk/year filter means in the query language: every other desk and the
    years around the chosen one excluded (a mask in Whoosh, so scores are unchanged)."""
    terms = [f"-desk:{slug}" for slug in desks if desk and slug != desk]
    if year:
        terms += [f"-date:[to {int(year) - 1}]", f"-date:[{int(year) + 1} to]"]
    return " ".join([*terms, words])


def page_desks(page: Page) -> list[str]:
    return [slug for slug, _ in json.loads(page.locator("#search-desks").text_content() or "[]")]


def test_pages_filters_sorting_and_back_button(page: Page, site: str, whoosh: ArchiveSearcher) -> None:
    page.goto(search_url(site, q="ferry"))
    unfiltered = whoosh.search("ferry")
    expect_results(page, site, unfiltered)
    desks = page_desks(page)
    assert {"news", "business", "sport"} <= set(desks)

    # Facet counts are Whoosh's counts for all the query's matches.
    desk_links = page.locator('nav[aria-label="Filter by desk"] a')
    expect(desk_links).to_have_text([
        f"{name} ({unfiltered.facets['desk'][slug]})"
        for slug, name in json.loads(page.locator("#search-desks").text_content() or "[]")
        if slug in unfiltered.facets["desk"]
    ])

    page.get_by_role("link", name="Next page").click()
    expect_results(page, site, whoosh.search("ferry", page=2))
    expect_params(page, {"q": "ferry", "page": "2"})
    expect(page.locator("#search-results-title")).to_be_focused()

    page.locator('nav[aria-label="Filter by desk"] a', has_text="Business").click()
    by_desk = whoosh.search(filtered("ferry", desks, desk="business"))
    expect_results(page, site, by_desk)
    expect_params(page, {"q": "ferry", "desk": "business"})
    assert by_desk.total == unfiltered.facets["desk"]["business"]
    assert {record["desk"] for _, _, record in by_desk.hits} == {"business"}

    year = max(by_desk.facets["year"])
    page.locator('nav[aria-label="Filter by year"] a', has_text=year).click()
    by_year = whoosh.search(filtered("ferry", desks, desk="business", year=year))
    expect_results(page, site, by_year)
    assert by_year.total == by_desk.facets["year"][year]
    assert {record["date"][:4] for _, _, record in by_year.hits} == {year}
    expect(page.locator('nav[aria-label="Filter by year"] a[aria-current="true"]')).to_contain_text(year)

    page.get_by_label("Newest first").check()
    expect_results(page, site, whoosh.search(filtered("ferry", desks, desk="business", year=year), sort="newest"))
    expect_params(page, {"q": "ferry", "desk": "business", "year": year, "sort": "newest"})
    page.get_by_label("Best match").check()
    page.locator('nav[aria-label="Filter by year"] a', has_text="Any year").click()
    page.locator('nav[aria-label="Filter by desk"] a', has_text="Any desk").click()
    page.get_by_label("Newest first").check()
    newest = whoosh.search("ferry", sort="newest")
    expect_results(page, site, newest)
    dates = page.locator(".search-result__meta time").evaluate_all("ts => ts.map(t => t.dateTime)")
    assert dates == sorted(dates, reverse=True)
    expect_params(page, {"q": "ferry", "sort": "newest"})

    # The back button walks the same steps backwards, form included.
    page.go_back()
    expect_results(page, site, unfiltered)
    expect(page.get_by_label("Best match")).to_be_checked()
    page.go_back()
    expect_results(page, site, by_desk)
    for _ in range(3):
        page.go_back()
    expect_results(page, site, by_year)
    page.go_back()
    page.go_back()
    expect_results(page, site, whoosh.search("ferry", page=2))
    page.go_back()
    expect_results(page, site, unfiltered)
    expect(page.get_by_label("Words, names or a question")).to_have_value("ferry")

    # A reloaded or shared URL shows the same results.
    page.goto(search_url(site, q="ferry", desk="sport", sort="newest"))
    expect_results(page, site, whoosh.search(filtered("ferry", desks, desk="sport"), sort="newest"))

    # A page number past the end shows the last page, and the URL says so.
    page.goto(search_url(site, q="ferry", page=40))
    expect_results(page, site, whoosh.search("ferry", page=2))
    expect_params(page, {"q": "ferry", "page": "2"})


def test_filters_hold_when_any_word_may_match(page: Page, site: str, whoosh: ArchiveSearcher) -> None:
    question = "lighthouse keeper swimmers"
    assert whoosh.search(question).mode == "any"
    page.goto(search_url(site, q=question, desk="sport"))
    expected = whoosh.search(filtered(question, page_desks(page), desk="sport"))
    expect_results(page, site, expected)
    assert {record["desk"] for _, _, record in expected.hits} == {"sport"}


def test_filters_that_leave_nothing_offer_the_whole_archive(page: Page, site: str,
                                                            whoosh: ArchiveSearcher) -> None:
    page.goto(search_url(site, q="lighthouse", desk="sport"))
    assert whoosh.search(filtered("lighthouse", page_desks(page), desk="sport")).total == 0
    expect(page.locator("#search-status")).to_have_text("No stories found for “lighthouse”.")
    page.get_by_role("link", name="Search every desk and year").click()
    expect_results(page, site, whoosh.search("lighthouse"))
    expect_params(page, {"q": "lighthouse"})


def test_year_filter_agrees_with_the_year_facet(page: Page, site: str, whoosh: ArchiveSearcher) -> None:
    # A story just after midnight on 1 January (Kyiv time) is still 2022 in UTC: the year a
    # reader filters by is the one the facet counted, the story's own calendar day.
    unfiltered = whoosh.search("ferry")
    assert len(unfiltered.facets["year"]) > 1
    for year, count in sorted(unfiltered.facets["year"].items()):
        page.goto(search_url(site, q="ferry", year=year))
        expected = whoosh.search(filtered("ferry", page_desks(page), year=year))
        expect_results(page, site, expected)
        assert expected.total == count
        assert {record["date"][:4] for _, _, record in expected.hits} == {year}


def test_markup_in_the_index_shows_as_text(page: Page, site: str, whoosh: ArchiveSearcher) -> None:
    page.goto(search_url(site, q="readers saw markup"))
    expected = whoosh.search("readers saw markup")
    expect_results(page, site, expected)
    expect(page.locator(".search-result__snippet")).to_contain_text(["<img src=x onerror=alert(2)>"])
    assert page.locator(".search-results img").count() == 0


def test_hostile_headline_shows_as_text(page: Page, site: str, whoosh: ArchiveSearcher) -> None:
    expected = whoosh.search("lighthouse")
    assert HOSTILE_HEADLINE in headlines(expected), (
        "the index lost the headline's text: a headline is plain text and must be kept as "
        f"typed, not read as HTML (index has {headlines(expected)!r})")
    page.goto(search_url(site, q="lighthouse"))
    expect_results(page, site, expected)
    expect(page.locator(".search-result__headline", has_text="onerror")).to_have_text(HOSTILE_HEADLINE)
    assert page.locator(".search-results img").count() == 0


def test_misspelled_name_is_corrected_with_a_way_back(page: Page, site: str, whoosh: ArchiveSearcher) -> None:
    expected = whoosh.search("Odile Branagh")
    assert expected.corrected and expected.total, "the fixture should have the correctly spelled name"
    page.goto(search_url(site, q="Odile Branagh"))
    expect_results(page, site, expected)
    notice = page.locator(".search-notice", has_text=re.compile("^Showing results for"))
    expect(notice).to_contain_text(expected.corrected)

    # The original spelling, searched as typed: quoted words are never respelled by Whoosh either.
    as_typed = whoosh.search('"Odile" "Branagh"')
    assert as_typed.corrected is None
    notice.get_by_role("link", name="Odile Branagh").click()
    expect_results(page, site, as_typed)
    expect_params(page, {"q": "Odile Branagh", "exact": "1"})
    expect(page.locator(".search-notice", has_text=re.compile("^Showing results for"))).to_have_count(0)
    expect(page.get_by_label("Words, names or a question")).to_have_value("Odile Branagh")


def test_long_question_returns_ranked_results_for_any_word(page: Page, site: str, whoosh: ArchiveSearcher) -> None:
    question = "when do the ferries sail from the harbour in the evening"
    expected = whoosh.search(question)
    assert expected.mode == "any" and expected.total
    page.goto(search_url(site, q=question))
    expect_results(page, site, expected)
    expect(page.locator(".search-notice", has_text="any of the words")).to_have_count(1)


def test_question_few_stories_answer_widens_to_any_word(page: Page, site: str, whoosh: ArchiveSearcher) -> None:
    # Few stories have all these words; a question gets the others too, and is told why.
    question = "ferry strike ends after pay deal"
    expected = whoosh.search(question)
    assert expected.mode == "any" and 0 < expected.all_total < expected.total
    page.goto(search_url(site, q=question))
    expect_results(page, site, expected)
    few = f"Only {expected.all_total} {'story has' if expected.all_total == 1 else 'stories have'} all of the words"
    expect(page.locator(".search-notice", has_text=few)).to_have_count(1)


@pytest.mark.parametrize("query", [
    "harbour " * 1250,
    ".*+?^$()[]{}|\\ (((( ]]]] ferry",
    " ".join(f"word{i}" for i in range(500)),
    '"ferry harbour',
    'desk: date:[2030 to 2020] -',
    "*",
])
def test_hostile_query_answers_with_a_message_or_results(page: Page, site: str, query: str) -> None:
    page.goto(search_url(site, q=query))
    expect(page.locator("#search-status")).not_to_be_empty()
    expect(page.locator("#search-results")).not_to_have_attribute("aria-busy", "true")


def test_results_follow_the_search_box_while_typing(page: Page, site: str, whoosh: ArchiveSearcher) -> None:
    page.goto(search_url(site))
    page.get_by_label("Words, names or a question").press_sequentially("shipyard elec", delay=40)
    expect_results(page, site, whoosh.search("shipyard elec*"))
    assert url_params(page) == {}, "typing alone must not add history entries"
    expect(page.get_by_label("Words, names or a question")).to_have_value("shipyard elec")

    page.keyboard.press("Enter")
    expect_results(page, site, whoosh.search("shipyard elec"))
    expect_params(page, {"q": "shipyard elec"})


@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_enter_finds_the_typed_words_records_in_hand(page: Page, site: str, whoosh: ArchiveSearcher, sort: str) -> None:
    """While the reader types, the records of the page Enter would show (by relevance or
    newest first) are fetched ahead (engine.js pageAhead), so Enter asks for none."""
    page.clock.install(time=datetime(2026, 1, 1, tzinfo=timezone.utc))
    # The box follows the typing once the index's manifest is in: letters typed before go
    # unseen by the look-ahead, as on a slow connection. The desk codes are asked for in the
    # same task as the page starts following the box (engine.js openArchiveSearch, ui.js main).
    with page.expect_request(lambda request: "/search/desks-" in request.url):
        page.goto(search_url(site, sort=sort) if sort != "relevance" else search_url(site))
    # The page's clock stopped (timers due by then run first): the typing pause never ends, so
    # no preview fetches anything, and what comes before Enter is the look-ahead alone.
    page.clock.pause_at(datetime(2026, 1, 2, tzinfo=timezone.utc))
    records: list[str] = []
    page.on("request", lambda request: records.append(request.url) if "/search/docs/" in request.url else None)
    expected = whoosh.search("ferry crew", sort=sort)
    assert len(expected.hits) >= 2
    page.get_by_label("Words, names or a question").press_sequentially("ferry crew", delay=20)
    # Until no record has been asked for in a quarter of a second (five seconds at most).
    seen, quiet = -1, 0
    for _ in range(100):
        quiet = quiet + 1 if len(records) == seen else 0
        seen = len(records)
        if seen and quiet >= 5:
            break
        page.wait_for_timeout(50)
    assert len(set(records)) >= len(expected.hits), records
    before = len(records)
    page.keyboard.press("Enter")
    expect_results(page, site, expected)
    assert records[before:] == [], "Enter fetched records the typing had not"


def test_keyboard_alone_runs_filters_and_pages(page: Page, site: str, whoosh: ArchiveSearcher) -> None:
    page.goto(search_url(site))
    page.get_by_label("Words, names or a question").focus()
    page.keyboard.type("harbour")
    page.keyboard.press("Enter")
    expect_results(page, site, whoosh.search("harbour"))

    page.get_by_label("Best match").focus()
    page.keyboard.press("ArrowDown")  # moves the radio choice to "Newest first"
    expect_results(page, site, whoosh.search("harbour", sort="newest"))

    page.locator('nav[aria-label="Filter by desk"] a', has_text="News").focus()
    page.keyboard.press("Enter")
    expect_results(page, site, whoosh.search(filtered("harbour", page_desks(page), desk="news"), sort="newest"))


def test_without_javascript_the_form_still_submits_and_explains(browser: Any, site: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(search_url(site))
        expect(tab.locator(".search-noscript")).to_be_visible()
        tab.get_by_label("Words, names or a question").fill("ferry")
        tab.get_by_role("button", name="Search").click()
        tab.wait_for_url(re.compile(r"/archive/search/\?q=ferry&sort=relevance$"))
        expect(tab.locator(".search-noscript")).to_contain_text("needs JavaScript")
    finally:
        context.close()


# Results with every part shown: pages and filters, then the respelling and any-words notices.
FULL_RESULTS = [{"q": "ferry"}, {"q": "Odile Branagh ferries"}]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("params", FULL_RESULTS, ids=["paged", "notices"])
def test_results_pass_axe_and_keyboard_focus_checks(browser: Any, site: str, scheme: str,
                                                    params: dict[str, str]) -> None:
    tab = browser.new_page(color_scheme=scheme)
    try:
        tab.goto(search_url(site, **params))
        expect(tab.locator(".search-result").first).to_be_visible()
        assert axe_violations(tab) == []
        stops, problems = keyboard_focus_problems(tab, max_stops=80)
        assert stops > 10 and problems == []
    finally:
        tab.close()


def test_results_fit_a_320_pixel_screen(browser: Any, site: str) -> None:
    tab = browser.new_page(viewport={"width": 320, "height": 640})
    try:
        tab.goto(search_url(site, q="ferry"))
        expect(tab.locator(".search-result").first).to_be_visible()
        assert tab.evaluate("document.documentElement.scrollWidth") <= 320
    finally:
        tab.close()


def test_a_missing_index_is_said_plainly(browser: Any, site: str) -> None:
    context = browser.new_context()
    try:
        tab = context.new_page()
        tab.route("**/search/manifest.json", lambda route: route.fulfill(status=404, body="gone"))
        tab.goto(search_url(site, q="ferry"))
        expect(tab.locator("#search-status")).to_have_text(
            "The search index could not be loaded. Please try again later.")
        expect(tab.locator(".search-result")).to_have_count(0)
    finally:
        context.close()


def test_plain_form_search_gets_the_scripts_address(page: Page, site: str, whoosh: ArchiveSearcher) -> None:
    """Enter pressed before the script is ready sends the plain form (every field); the page
    then shows the same results under the address the script would have written."""
    page.goto(search_url(site, q="ferries", sort="relevance"))
    expect_results(page, site, whoosh.search("ferries"))
    expect_params(page, {"q": "ferries"})
