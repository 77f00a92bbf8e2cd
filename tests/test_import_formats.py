"""HTML pages, WordPress WXR, RSS/Atom feeds and JSON lines, each from our fictional fixtures."""

from __future__ import annotations

from pathlib import Path

from archive_format import parse_article, validate_front_matter
from archive_import.pipeline import ImportRun, RunSummary
from archive_import.settings import ImportSettings

FIXTURES = Path(__file__).parent / "fixtures" / "import"
DESKS = {"news": "News", "business": "Business", "culture": "Culture", "sport": "Sport"}


def _run(tmp_path: Path, *sources: Path) -> tuple[RunSummary, dict[str, tuple[dict, str]]]:
    """Import the sources; return the summary and {headline: (front matter, body)} of what was written."""
    settings = ImportSettings(content_dir=tmp_path / "content", report_path=tmp_path / "report.jsonl", desks=DESKS,
                              desk_map={"business": "business", "sport": "sport"})
    summary = ImportRun(settings, progress=False).run(list(sources))
    stories = {}
    for path in sorted((tmp_path / "content").rglob("*.md")):
        meta, body = parse_article(path.read_text(encoding="utf-8"), str(path))
        assert validate_front_matter(meta, str(path)) == [], path
        stories[meta["headline"]] = (meta, body.strip())
    return summary, stories


def test_html_page_fields_come_from_its_own_metadata(tmp_path: Path) -> None:
    summary, stories = _run(tmp_path, FIXTURES / "html" / "museum-roof.html")
    assert summary.imported == 1
    meta, body = stories["Museum roof fixed before the spring season"]
    assert meta["date"] == "2023-04-02T10:15:00+03:00"
    assert meta["modified"] == "2023-04-03T08:00:00+03:00"
    assert meta["byline"] == ["Irene Vale"]
    assert meta["desk"] == "culture"
    assert meta["tags"] == ["museums", "Eastbank"]
    assert meta["image"] == {"src": "https://ledger.example/images/museum-roof.jpg"}
    assert meta["source"]["url"] == "https://ledger.example/2023/04/02/museum-roof/"
    assert "ship models" in body and "Most read" not in body and "Copyright" not in body
    removed = {block["text"]: block["reason"] for block in summary.records[0]["removed"]}
    assert removed["Sport"] == "navigation" and removed["Tram works"] == "related link"
    assert removed["By Irene Vale"] == "byline (in the front matter)"
    assert removed["Copyright 2023 The Harbour City Ledger. All rights reserved."] == "footer"


def test_truncated_html_is_rejected_and_the_batch_goes_on(tmp_path: Path) -> None:
    summary, stories = _run(tmp_path, FIXTURES / "bad" / "truncated.html", FIXTURES / "html" / "museum-roof.html")
    assert summary.rejected == 1 and summary.imported == 1
    rejected = next(r for r in summary.records if r["status"] == "rejected")
    assert rejected["source"].endswith("truncated.html") and "truncated" in rejected["reason"]


def test_wordpress_export_statuses_dates_authors_desks(tmp_path: Path) -> None:
    summary, stories = _run(tmp_path, FIXTURES / "wxr" / "ledger-export.xml")
    assert summary.imported == 4 and summary.rejected == 0
    skipped = [r for r in summary.records if r["status"] == "skipped"]
    assert [(r["source"][-7:], r["reason"]) for r in skipped] == [("#item-5", "a WordPress attachment, not a post")]
    festival, body = stories["Harbour festival adds a second weekend"]
    assert festival["date"] == "2023-02-10T14:30:00+02:00"  # post_date_gmt 12:30 UTC in Kyiv
    assert festival["status"] == "published" and festival["desk"] == "culture"
    assert festival["byline"] == ["Irene Vale"]  # display name, not the login
    assert festival["tags"] == ["festival", "harbour"]
    assert festival["summary"] == "The festival grows to two weekends in May."
    assert festival["slug"] == "harbour-festival-second-weekend"
    assert festival["source"]["guid"] == "https://ledger.example/?p=101"
    assert "wp:" not in body and "<!--" not in body and "finally" not in body
    record = next(r for r in summary.records if r.get("article", "").endswith("harbour-festival-second-weekend.md"))
    assert {"line": 0, "text": "1 reader comment(s)", "reason": "reader comments (not part of the story)"} in record["removed"]
    assert "## More boats, more music" in body and "- Tall ships on both Saturdays" in body
    assert "**two weekends**" in body and "[the festival page](https://ledger.example/festival)" in body
    draft, _ = stories["Draft: new timetable for the tram"]
    assert draft["status"] == "draft" and draft["date"] == "2023-02-11T09:00:00+02:00" and draft["desk"] == "news"
    scheduled, scheduled_body = stories["Stadium vote scheduled"]
    assert scheduled["status"] == "draft" and scheduled["date"] == "2023-06-01T08:00:00+03:00"
    assert scheduled["desk"] == "sport"
    assert scheduled_body.split("\n\n") == [
        "Councillors will vote on the stadium plan next week.",
        "![The stadium site](https://ledger.example/images/stadium.jpg) The stadium site in Northpoint.",
        "The vote was postponed twice last year.",
    ]
    stadium = next(r for r in summary.records if r.get("article", "").endswith("stadium-vote-scheduled.md"))
    assert stadium["removed"] == [{"line": 0, "text": '[gallery ids="7,8,9"]', "reason": "WordPress shortcode"}]
    private, _ = stories["Internal: staff rota for March"]
    assert private["status"] == "hidden"


def test_broken_wxr_item_is_rejected_while_the_other_posts_import(tmp_path: Path) -> None:
    summary, stories = _run(tmp_path, FIXTURES / "wxr" / "broken-item.xml")
    assert summary.imported == 3 and summary.rejected == 1
    rejected = next(r for r in summary.records if r["status"] == "rejected")
    assert rejected["source"].endswith("broken-item.xml#item-3") and "not well-formed" in rejected["reason"]
    assert "Stadium vote scheduled" not in stories


def test_rss_full_content_over_teaser_link_and_guid(tmp_path: Path) -> None:
    summary, stories = _run(tmp_path, FIXTURES / "feed" / "ledger.rss")
    assert summary.imported == 2 and summary.rejected == 1  # the entry without a title
    cafe, body = stories["Lighthouse keeper's cottage becomes a café"]
    assert cafe["date"] == "2023-05-05T09:30:00+03:00"
    assert cafe["source"]["url"] == "https://ledger.example/2023/05/05/lighthouse-cafe/"
    assert cafe["source"]["guid"] == "ledger-2023-0505-lighthouse"
    assert cafe["byline"] == ["Tomas Reyes"] and cafe["desk"] == "business"
    assert "logbooks" in body and cafe["summary"] == "The old cottage opens as a café."
    teaser_only, teaser_body = stories["Ferry timetable for the holiday weekend"]
    assert teaser_body == "Ferries run every half hour on Monday, the transit board said."
    assert teaser_only["date"] == "2023-05-06T07:00:00+00:00"


def test_atom_published_and_updated_kept_apart(tmp_path: Path) -> None:
    _, stories = _run(tmp_path, FIXTURES / "feed" / "ledger.atom")
    meta, body = stories["Rowing club wins the harbour regatta"]
    assert meta["date"] == "2023-05-07T17:20:00+03:00" and meta["modified"] == "2023-05-07T18:00:00+03:00"
    assert meta["desk"] == "sport" and meta["source"]["guid"] == "urn:ledger:2023:regatta"
    assert body.startswith("The Eastbank rowing club won")


def test_json_lines_good_lines_import_and_bad_lines_are_rejected_one_by_one(tmp_path: Path) -> None:
    summary, stories = _run(tmp_path, FIXTURES / "jsonl" / "cms-export.jsonl")
    assert summary.imported == 2 and summary.rejected == 3
    bridge, body = stories["Bridge repairs finish early"]
    assert bridge["byline"] == ["Mykola Dorosh"] and body.endswith("finish the deck.")
    kyiv, kyiv_body = stories["Київ і Харбор-Сіті підписали угоду про обмін"]
    assert kyiv["date"] == "2023-07-04T09:30:00+03:00" and kyiv["lang"] == "uk"
    assert kyiv_body == "Міста домовилися про обмін виставками музеїв."
    assert (tmp_path / "content" / "culture" / "2023").is_dir()
    reasons = [r["reason"] for r in summary.records if r["status"] == "rejected"]
    assert any("relative date" in reason for reason in reasons)
    assert any("no text" in reason for reason in reasons)
    assert any("not valid JSON" in reason for reason in reasons)


def test_html_page_with_open_graph_only_and_a_time_without_zone(tmp_path: Path) -> None:
    summary, stories = _run(tmp_path, FIXTURES / "html" / "tram-og-only.html")
    meta, body = stories["Tram line 4 back on the bridge"]
    assert meta["date"] == "2023-03-16T09:30:00+02:00"  # the site TIMEZONE fills the missing offset
    assert meta["byline"] == ["Olena Marsh"] and meta["desk"] == "news" and meta["lang"] == "uk"
    assert meta["tags"] == ["trams", "bridges"]
    assert meta["source"]["url"] == "https://ledger.example/2023/03/16/tram-4/"
    assert body.startswith("Tram line 4 will run across the bridge")


def test_html_page_without_a_date_is_rejected(tmp_path: Path) -> None:
    summary, stories = _run(tmp_path, FIXTURES / "bad" / "undated.html")
    assert summary.rejected == 1 and stories == {}
    assert "no publication date" in summary.records[0]["reason"]
