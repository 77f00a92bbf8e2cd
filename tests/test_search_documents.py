"""A build's articles become search documents once: the shortcuts against the long way.

The plugin hands the indexer each article as a stand-in that reads the article's HTML to text
only when the indexer needs more than its key and date (known_documents.KnownDocument); the
long way makes every document up front. Both must index and keep the same things.
"""

from __future__ import annotations

import copy
import dataclasses
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from random import Random
from zoneinfo import ZoneInfo

import pytest
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import Author, Category, Tag

from archive_search import documents, known_documents
from archive_search.documents import EXCERPT_CHARS, excerpt, from_article, html_to_text
from archive_search.indexer import FINGERPRINTS_FILE, update_index
from archive_search.kept import load_file
from archive_search.known_documents import KNOWN_FILE, KnownDocuments
from archive_search.pelican_plugin import ArticleDocuments

KYIV = ZoneInfo("Europe/Kyiv")


def _story(number: int, body: str = "") -> Article:
    """A story as the reader gives it: HTML, desk, tags, bylines, a summary on some."""
    settings = copy.deepcopy(DEFAULT_CONFIG)
    metadata = {"title": f"Harbour ferry timetable {number}", "slug": f"ferry-{number}",
                "date": datetime(2024, 3, 1, 9, 30, tzinfo=KYIV) + timedelta(hours=7 * number)}
    if number % 3 == 0:
        metadata["summary"] = f"<p>Summary of change {number}.</p>"
    html = body or f"<p>The ferry to Larkmere sails at {number} o'clock.</p><ul><li>Pier {number}</li></ul>"
    article = Article(html, metadata=metadata, settings=settings, source_path=f"/content/ferry-{number}.md")
    article.category = Category(("news", "business", "sport")[number % 3], settings)
    article.tags = [Tag(name, settings) for name in ("Harbour", f"Route {number % 4}")]
    article.authors = [Author(name, settings) for name in ("Mira Osei", "Tomas Reyes")[: 1 + number % 2]]
    return article


@pytest.fixture
def made(monkeypatch) -> Counter[str]:
    """Counts the documents made from articles, by key."""
    counts: Counter[str] = Counter()

    def counting(article):
        counts[article.url] += 1
        return from_article(article)

    monkeypatch.setattr(known_documents, "from_article", counting)
    return counts


def _build(folder: Path, articles: list[Article]) -> tuple[dict, dict]:
    """One build's search update as the plugin runs it; the kept fingerprints and known documents."""
    known = KnownDocuments(folder)
    report = update_index(folder, ArticleDocuments(articles).knowing(known))
    known.save()
    kept = load_file(folder / FINGERPRINTS_FILE)
    return report, kept["value"]


def test_each_article_is_made_into_a_document_once_and_indexed_as_the_long_way_does(tmp_path: Path,
                                                                                      made: Counter[str]) -> None:
    articles = [_story(number) for number in range(12)]
    report, kept = _build(tmp_path / "ours", articles)
    assert len(report.added) == len(articles)
    assert made == Counter({article.url: 1 for article in articles})  # HTML read to text once

    long_way = update_index(tmp_path / "long", [from_article(article) for article in articles])
    assert long_way.added == report.added
    assert (tmp_path / "ours" / FINGERPRINTS_FILE).read_bytes() == (tmp_path / "long" / FINGERPRINTS_FILE).read_bytes()
    assert {key: value[1] for key, value in
            load_file(tmp_path / "ours" / KNOWN_FILE)["documents"].items()} \
        == {article.url: from_article(article).fingerprint() for article in articles}

    # The next build makes only the edited story's document (to fingerprint it, then to index
    # it: documents are not held between the two) and re-indexes only it.
    made.clear()
    again = [_story(number) for number in range(12)]
    again[5] = _story(5, body="<p>The ferry to Larkmere is cancelled.</p>")
    report, _ = _build(tmp_path / "ours", again)
    assert report.updated == [again[5].url] and report.unchanged == 11 and not report.added
    assert set(made) == {again[5].url}
    long_again = update_index(tmp_path / "long", [from_article(article) for article in again])
    assert long_again.updated == report.updated
    assert (tmp_path / "ours" / FINGERPRINTS_FILE).read_bytes() == (tmp_path / "long" / FINGERPRINTS_FILE).read_bytes()


def test_a_new_story_beside_kept_ones_is_made_once(tmp_path: Path, made: Counter[str]) -> None:
    articles = [_story(number) for number in range(6)]
    _build(tmp_path, articles)
    made.clear()
    report, kept = _build(tmp_path, [_story(number) for number in range(7)])
    assert report.added == [_story(6).url] and report.unchanged == 6
    assert made == Counter({_story(6).url: 1})
    assert kept[_story(6).url] == from_article(_story(6)).fingerprint()


def test_a_record_has_the_snippets_text_and_a_new_form_of_record_reaches_a_kept_index(tmp_path: Path,
                                                                                     monkeypatch) -> None:
    with_summary = from_article(_story(3))
    record = with_summary.record()
    assert "summary" not in record and record["excerpt"] == excerpt(with_summary.body)
    no_body = dataclasses.replace(with_summary, body="")
    assert no_body.record()["excerpt"] == "Summary of change 3."  # a story without a body

    # Records are stored in the index as articles are indexed: a record of a new form changes
    # every fingerprint, so the kept index re-indexes every article and keeps no old record.
    stories = [from_article(_story(number)) for number in range(4)]
    update_index(tmp_path, stories)
    monkeypatch.setattr(documents, "RECORD_FORMAT", documents.RECORD_FORMAT + 1)
    again = [from_article(_story(number)) for number in range(4)]
    assert update_index(tmp_path, again).updated == sorted(story.key for story in stories)


def test_an_excerpt_from_the_opening_of_a_body_is_the_whole_bodys() -> None:
    """documents.excerpt reads only an opening of a long body: the same as cutting the whole
    body's words joined, on random texts with long runs of spaces and long words."""
    def long_way(body: str, limit: int = EXCERPT_CHARS) -> str:
        text = " ".join(body.split())
        if len(text) <= limit:
            return text
        cut = text.rfind(" ", 0, limit)
        return text[: cut if cut > 0 else limit] + "…"

    random = Random(11)
    pieces = ["ferry", "Larkmere", " ", "  ", "\n", "\t \n", " " * 900, "x" * 400, "é", "pier,", "\u00a0"]
    for _ in range(3000):
        body = "".join(random.choice(pieces) for _ in range(random.randrange(0, 400)))
        assert excerpt(body) == long_way(body), repr(body[:120])
        limit = random.randrange(1, 40)
        assert excerpt(body, limit) == long_way(body, limit), (limit, repr(body[:120]))


def test_html_of_bare_tags_is_read_to_text_as_the_parser_reads_it(monkeypatch) -> None:
    """html_to_text reads HTML whose only markup is known tags without attributes with one
    split instead of Python's HTML parser: the same text on random fragments of paragraphs,
    entities, inline tags, tags with attributes, scripts and stray `<` and `&`; and most
    fragments of plain paragraphs do take the short way."""
    def long_way(html: str) -> str:
        collector = documents._TextCollector()
        collector.feed(html)
        collector.close()
        lines = "".join(collector.parts).split("\n")
        return "\n".join(" ".join(line.split()) for line in lines if line.strip())

    short = Counter()
    bare_parts = documents._bare_parts

    def counted(html: str):
        parts = bare_parts(html)
        short[parts is not None] += 1
        return parts

    monkeypatch.setattr(documents, "_bare_parts", counted)
    random = Random(7)
    pieces = ["<p>", "</p>", "\n", "Ferry", " sails ", "&amp;", "&lt;b&gt;", "&quot;", "&#39;", "&nbsp;", "&amp",
              "&", "&#x", ";", "<P>", "</P>", "<br>", "<em>", "</em>", "<b>", "<li>", "</li>", "<ul>", "<p class=x>",
              "<script>", "</script>", "<style>", "<textarea>", "<unknown>", "<br/>", "<!-- c -->", " < ", ">",
              "a<b", "é", "\u00a0", "\t", "  ", "<a>", "</a>", "<h2>", "<h2 id=\"x\">", "</ h2>", "<3"]
    for _ in range(4000):
        html = "".join(random.choice(pieces) for _ in range(random.randrange(0, 30)))
        assert html_to_text(html) == long_way(html), repr(html)
    short.clear()
    for _ in range(300):
        html = "".join(f"<p>{random.choice(pieces[4:11])} {random.choice(pieces[4:11])}</p>\n"
                       for _ in range(random.randrange(1, 6)))
        assert html_to_text(html) == long_way(html), repr(html)
    assert short[True] == 300
