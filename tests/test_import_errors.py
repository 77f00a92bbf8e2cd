"""Raw articles and import settings an editor got wrong: each refused with the file (or line),
the field and what to do, while the rest of the batch imports and nothing is half-written."""
from __future__ import annotations

import json
from pathlib import Path

from archive_import.pipeline import ImportRun, RunSummary
from archive_import.settings import ImportSettings

DESKS = {"news": "News", "sport": "Sport"}


def _import(tmp_path: Path, *sources: Path) -> tuple[RunSummary, list[str]]:
    """Import `sources` into tmp_path/content; the summary and the articles written (relative paths)."""
    settings = ImportSettings(content_dir=tmp_path / "content", report_path=tmp_path / "report.jsonl", desks=DESKS,
                              desk_map={"sport": "sport"})
    summary = ImportRun(settings, progress=False).run(list(sources))
    written = sorted(str(p.relative_to(tmp_path / "content")) for p in (tmp_path / "content").rglob("*.md"))
    return summary, written


def _lines(tmp_path: Path, *rows: dict) -> Path:
    path = tmp_path / "export.jsonl"
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def _reasons(summary: RunSummary) -> dict[str, str]:
    return {r["source"].rsplit("/", 1)[-1]: r["reason"] for r in summary.records if r["status"] == "rejected"}


def test_a_desk_the_archive_does_not_have_is_refused_not_written(tmp_path: Path) -> None:
    # Written, it would stop the next build ("not a desk of this archive") and open a new desk folder.
    export = _lines(tmp_path,
                    {"headline": "Rovers win the cup", "date": "2023-05-01", "desk": "sport", "body": "They won."},
                    {"headline": "Rowers win the regatta", "date": "2023-05-02", "desk": "sprot", "body": "They won."})
    summary, written = _import(tmp_path, export)
    assert written == ["sport/2023/2023-05-01-rovers-win-the-cup.md"]
    assert summary.imported == 1 and summary.rejected == 1
    assert ('desk: "sprot" is not a desk of this archive (known: news, sport; add new desks to DESKS in '
            "pelicanconf.py)") in _reasons(summary)["export.jsonl#line-2"]


def test_a_json_line_with_a_field_of_the_wrong_kind_is_rejected_on_its_own(tmp_path: Path) -> None:
    # A source given as a bare address used to fail the whole file: "the jsonl reader failed".
    export = _lines(tmp_path,
                    {"headline": "Rovers win the cup", "date": "2023-05-01", "body": "They won."},
                    {"headline": "Ferry returns", "date": "2023-05-02", "source": "https://example.org/ferry",
                     "body": "The ferry is back."},
                    {"headline": "Museum reopens", "date": "2023-05-03", "html": 5},
                    {"headline": "Bridge opens", "date": None, "body": "The bridge is open."})
    summary, written = _import(tmp_path, export)
    assert written == ["news/2023/2023-05-01-rovers-win-the-cup.md"]
    assert _reasons(summary) == {
        "export.jsonl#line-2": 'source: must be an object such as {"url": "https://...", "guid": "..."}, '
                               'not "https://example.org/ferry"',
        "export.jsonl#line-3": "html: must be HTML text, not 5",
        "export.jsonl#line-4": "date: is missing; every story needs one",
    }


def test_an_unreadable_article_already_in_content_does_not_stop_the_import(tmp_path: Path) -> None:
    # The archive is read for duplicates; a link to a moved file made every import fail.
    folder = tmp_path / "content" / "news" / "2023"
    folder.mkdir(parents=True)
    (folder / "2023-03-17-gone.md").symlink_to(tmp_path / "moved-away.md")
    (folder / "2023-03-18-cafe.md").write_bytes("---\nheadline: Café\n---\nThe café.\n".encode("latin-1"))
    export = _lines(tmp_path, {"headline": "Rovers win the cup", "date": "2023-05-01", "body": "They won."})
    summary, written = _import(tmp_path, export)
    assert summary.imported == 1 and "news/2023/2023-05-01-rovers-win-the-cup.md" in written
