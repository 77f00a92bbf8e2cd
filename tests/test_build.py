"""Real Pelican builds of the fixture archive with the project's settings, theme and plugins."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from conftest import Build, run_build


def test_articles_land_at_their_dated_addresses(built_fixture_archive: Build) -> None:
    out = built_fixture_archive.output
    for relative in ("2023/03/16/tram-line-vote/index.html", "2023/03/27/budget-debate/index.html",
                     "2024/07/04/port-cranes/index.html", "2022/01/15/rowing-final/index.html",
                     "2025/05/03/museum-hours/index.html"):
        assert (out / relative).is_file(), relative
    # A draft is built for editors to preview, away from the archive's addresses.
    assert (out / "drafts/festival-draft/index.html").is_file()
    assert not (out / "2025/05/02/festival-draft").exists()


def test_listing_pages_and_feeds(built_fixture_archive: Build) -> None:
    out = built_fixture_archive.output
    for relative in ("index.html", "desk/news/index.html", "desk/business/index.html",
                     "tag/harbour-council/index.html", "byline/ana-lima/index.html",
                     "archive/index.html", "2023/index.html", "2023/03/index.html",
                     "2023/03/16/index.html", "about/index.html",
                     "feeds/all.atom.xml", "feeds/desk/news.atom.xml", "images/crane.svg"):
        assert (out / relative).is_file(), relative


def test_internal_link_is_resolved_relative(built_fixture_archive: Build) -> None:
    page = built_fixture_archive.page("2023/03/16/tram-line-vote/")
    assert "{filename}" not in page
    assert 'href="../../../../2023/03/27/budget-debate/"' in page


def test_no_script_from_article_bodies_reaches_the_output(built_fixture_archive: Build) -> None:
    page = built_fixture_archive.page("2023/03/27/budget-debate/")
    assert "tracker" not in page and "<iframe" not in page and "onclick" not in page
    assert "A scraped paragraph with an event handler." in page


def test_no_root_relative_links(built_fixture_archive: Build) -> None:
    """The archive must work under /<repo>/ on GitHub Pages: no href="/..." anywhere."""
    for page in built_fixture_archive.output.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r'(?:href|src|action)="/(?!/)', text), page


def test_invalid_articles_fail_the_build_listing_every_file(fixture_archive: Path, tmp_path: Path) -> None:
    bad = fixture_archive / "news/2023/2023-03-20-bad-date.md"
    bad.write_text("---\nheadline: x\ndate: 16/03/2023\ndesk: news\n---\nBody\n")
    worse = fixture_archive / "sport/2022/2022-01-16-no-desk.md"
    worse.write_text("---\nheadline: y\ndate: 2022-01-16\ntagz: [a]\n---\nBody\n")
    output = tmp_path / "out"
    build = run_build(fixture_archive, output)
    assert build.returncode != 0
    assert re.search(r"2023-03-20-bad-date\.md:3: date: \"16/03/2023\" is not ISO 8601 with an offset", build.log)
    assert re.search(r"2022-01-16-no-desk\.md: desk: is missing", build.log)
    assert re.search(r"2022-01-16-no-desk\.md:4: tagz: is not a known field", build.log)
    assert "2 article file(s) are invalid; nothing was written" in build.log
    assert "Traceback" not in build.log
    assert not output.exists() or not any(output.rglob("*.html"))


def test_publish_build_uses_absolute_addresses(fixture_archive: Path, tmp_path: Path) -> None:
    build = run_build(fixture_archive, tmp_path / "public", conf="publishconf.py",
                      env={"SITEURL": "https://newsroom.example/archive"})
    assert build.returncode == 0, build.log
    feed = (build.output / "feeds/all.atom.xml").read_text()
    assert 'href="https://newsroom.example/archive/2023/03/16/tram-line-vote/"' in feed
    page = build.page("2023/03/16/tram-line-vote/")
    assert 'href="https://newsroom.example/archive/2023/03/27/budget-debate/"' in page


def test_sample_archive_builds(tmp_path: Path) -> None:
    """The archive shipped in content/ is valid and builds (what `make html` does)."""
    from conftest import REPO

    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    old_umask = os.umask(0o022)  # the usual one, so the check below does not depend on the machine
    try:
        build = run_build(content, tmp_path / "out")
    finally:
        os.umask(old_umask)
    assert build.returncode == 0, build.log
    articles = list((build.output).glob("20*/*/*/*/index.html"))
    assert len(articles) >= 40
    # Every file can be read by whatever serves the site (the search index and the files the
    # plugins write were 0600, which a web server running as another user cannot read).
    unreadable = [path for path in build.output.rglob("*") if path.is_file() and not path.stat().st_mode & 0o004]
    assert not unreadable, unreadable[:5]
    assert (build.output / "search" / "manifest.json").exists()
