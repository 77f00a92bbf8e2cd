"""Writing into content/: same bytes on re-import, duplicates reported, hand edits kept, dry runs."""

from __future__ import annotations

import json
from pathlib import Path

from archive_import.pipeline import ImportRun, RunSummary
from archive_import.settings import ImportSettings

FIXTURES = Path(__file__).parent / "fixtures" / "import"
FERRY = FIXTURES / "text" / "harbour-ferry.txt"
DESKS = {"news": "News", "culture": "Culture", "sport": "Sport"}


def _run(tmp_path: Path, *sources: Path, **options: object) -> RunSummary:
    settings = ImportSettings(content_dir=tmp_path / "content", report_path=tmp_path / "report.jsonl",
                              desks=DESKS, **options)
    return ImportRun(settings, progress=False).run(list(sources))


def _articles(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "content").rglob("*.md"))


def test_article_path_and_reimport_changes_no_byte(tmp_path: Path) -> None:
    first = _run(tmp_path, FERRY)
    assert first.imported == 1
    [article] = _articles(tmp_path)
    assert article.relative_to(tmp_path / "content").as_posix() == (
        "news/2023/2023-03-14-harbour-ferry-returns-to-service-after-winter-repairs-at-northpoint-yard.md")
    before, stamp = article.read_bytes(), article.stat().st_mtime_ns
    again = _run(tmp_path, FERRY)
    assert (again.imported, again.unchanged) == (0, 1)
    assert article.read_bytes() == before and article.stat().st_mtime_ns == stamp
    assert not [p for p in article.parent.iterdir() if p.name.endswith(".tmp")]


def test_same_story_from_another_source_is_a_duplicate(tmp_path: Path) -> None:
    copy = tmp_path / "elsewhere" / "ferry-copy.txt"
    copy.parent.mkdir()
    copy.write_text(FERRY.read_text(encoding="utf-8").replace("Skip to content", "Another site"), encoding="utf-8")
    summary = _run(tmp_path, FERRY, copy)
    assert (summary.imported, summary.duplicates) == (1, 1)
    duplicate = next(r for r in summary.records if r["status"] == "duplicate")
    assert duplicate["source"].endswith("ferry-copy.txt")
    assert duplicate["reason"].startswith(f"the same story as {tmp_path / 'content' / 'news' / '2023'}/")
    assert len(_articles(tmp_path)) == 1


def test_near_identical_body_under_a_new_headline_is_a_duplicate(tmp_path: Path) -> None:
    retitled = tmp_path / "retitled.txt"
    retitled.write_text(FERRY.read_text(encoding="utf-8").replace(
        "Harbour ferry returns to service after winter repairs at Northpoint yard",
        "Marigold is back on the water"), encoding="utf-8")
    summary = _run(tmp_path, FERRY, retitled)
    assert (summary.imported, summary.duplicates) == (1, 1)


def test_hand_edited_article_is_kept_unless_forced(tmp_path: Path) -> None:
    _run(tmp_path, FERRY)
    [article] = _articles(tmp_path)
    edited = article.read_text(encoding="utf-8").replace("four months", "four long months")
    article.write_text(edited, encoding="utf-8")
    kept = _run(tmp_path, FERRY)
    assert kept.counts["kept"] == 1 and "--force" in kept.records[0]["reason"]
    assert article.read_text(encoding="utf-8") == edited
    forced = _run(tmp_path, FERRY, force=True)
    assert forced.imported == 1 and "four long months" not in article.read_text(encoding="utf-8")


def test_dry_run_writes_no_article(tmp_path: Path) -> None:
    summary = _run(tmp_path, FERRY, dry_run=True)
    assert summary.imported == 1 and summary.records[0]["dry_run"] is True
    assert _articles(tmp_path) == []


def test_report_lists_every_story_and_every_removed_block(tmp_path: Path) -> None:
    _run(tmp_path, FERRY, FIXTURES / "bad" / "empty.txt")
    lines = [json.loads(line) for line in (tmp_path / "report.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [line["status"] for line in lines] == ["imported", "rejected"]
    imported, rejected = lines
    assert rejected["source"].endswith("empty.txt") and rejected["reason"] == "the file is empty"
    assert 0 < imported["confidence"] <= 1 and imported["encoding"] == "utf-8"
    reasons = {block["reason"] for block in imported["removed"]}
    assert {"navigation", "reading time", "audio notice", "newsletter form", "news feed item"} <= reasons
    assert all(block["line"] > 0 and block["text"] for block in imported["removed"])


def test_duplicates_are_found_across_runs_through_the_kept_index(tmp_path: Path) -> None:
    _run(tmp_path, FERRY)
    assert (tmp_path / "content" / ".archive-import-index.json").is_file()
    copy = tmp_path / "later" / "ferry.txt"
    copy.parent.mkdir()
    copy.write_text(FERRY.read_text(encoding="utf-8"), encoding="utf-8")
    later = _run(tmp_path, copy)
    assert (later.imported, later.duplicates) == (0, 1)


def test_an_article_edited_since_the_last_run_is_read_again(tmp_path: Path) -> None:
    _run(tmp_path, FERRY)
    [article] = _articles(tmp_path)
    article.write_text(article.read_text(encoding="utf-8").replace(
        "headline: Harbour ferry returns to service after winter repairs at Northpoint yard",
        "headline: Marigold sails again"), encoding="utf-8")
    other = tmp_path / "other" / "marigold.txt"
    other.parent.mkdir()
    other.write_text("Home\n\nMarigold sails again\n\nMarch 14, 2023 9:00 AM\n\n"
                     "A different story about the ferry, written by another paper on the same morning.\n\n"
                     "It says little that the first story did not, but in other words entirely.\n", encoding="utf-8")
    summary = _run(tmp_path, other)
    assert summary.duplicates == 1 and article.name in summary.records[0]["reason"]


def test_files_of_other_kinds_are_skipped_with_the_reason(tmp_path: Path) -> None:
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "notes.md").write_text("# Notes\n\nMarch 14, 2023\n\nNot a story to import, just notes.\n", encoding="utf-8")
    (folder / "ferry").write_text(FERRY.read_text(encoding="utf-8"), encoding="utf-8")  # no extension: a page dump
    summary = _run(tmp_path, folder)
    assert summary.imported == 1 and summary.counts["skipped"] == 1 and summary.rejected == 0
    skipped = next(r for r in summary.records if r["status"] == "skipped")
    assert skipped["source"].endswith("notes.md") and '".md" files are not raw articles' in skipped["reason"]
