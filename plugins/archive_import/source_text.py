"""Plain-text page dumps (.txt) → one ExtractedStory, through the page-text extractor."""

from __future__ import annotations

from pathlib import Path

from archive_import.html_markdown import text_block_to_markdown
from archive_import.pagetext import extract_page_text
from archive_import.records import ExtractedStory, RejectedSource
from archive_import.settings import ImportSettings
from archive_import.tagging import suggest_tags, summarize

__all__ = ["read_text_dump"]


def read_text_dump(path: Path, text: str, settings: ImportSettings) -> list[ExtractedStory]:
    """The story in one page dump; RejectedSource when its headline, date or body cannot be found."""
    page = extract_page_text(text, settings.timezone, settings.captured_at, settings.hints_for(path))
    if page.problems or page.headline is None or page.published is None:
        raise RejectedSource(str(path), "; ".join(page.problems))
    if not page.paragraphs:
        raise RejectedSource(str(path), "no article paragraphs found")
    meta: dict[str, object] = {
        "headline": page.headline,
        "date": page.published,
        "modified": page.updated,
        "desk": settings.desk_for(*page.byline, page.section),
        "byline": page.byline,
        "tags": suggest_tags(page.headline, page.paragraphs),
        "summary": summarize(page.paragraphs, page.dek),
        "source": {"format": "text"},
    }
    if page.caption or page.credit:
        meta["image"] = {"caption": page.caption or "", "credit": page.credit or ""}
    body = "\n\n".join(text_block_to_markdown(paragraph) for paragraph in page.paragraphs)
    return [ExtractedStory(meta=meta, body=body, source_path=str(path), removed=list(page.removed),
                           confidence=page.confidence)]

