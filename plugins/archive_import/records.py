"""What every input reader hands the writer: one extracted story, or a rejection with its reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["RemovedBlock", "ExtractedStory", "RejectedSource", "SkippedItem"]


@dataclass(frozen=True)
class RemovedBlock:
    """A line or block of the raw source that did not go into the article, and why."""

    line: int
    """1-based line of the raw source (0 when the source has no lines, e.g. a feed entry)."""
    text: str
    reason: str
    """What it was: navigation, newsletter form, related link, news feed item, caption..."""

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "text": self.text, "reason": self.reason}


@dataclass
class ExtractedStory:
    """One story as a reader understood it: front-matter fields plus the Markdown body.

    `meta` uses the contract's field names (headline, date, desk, byline, tags, summary, image,
    source, status...), with dates as aware datetimes; the writer fills defaults and validates.
    """

    meta: dict[str, Any]
    body: str
    source_path: str
    """The raw file the story came from (plus `#item-N` for one item of an export)."""
    removed: list[RemovedBlock] = field(default_factory=list)
    confidence: float = 1.0
    """0..1: how sure the reader is that headline, date and body are right."""
    notes: list[str] = field(default_factory=list)
    """Things a person may want to check (encoding guessed, zone assumed, ...)."""


class RejectedSource(Exception):
    """A raw file (or one item of it) that cannot be imported; the message says why and what to do."""

    def __init__(self, source_path: str, reason: str) -> None:
        super().__init__(f"{source_path}: {reason}")
        self.source_path = source_path
        self.reason = reason


@dataclass(frozen=True)
class SkippedItem:
    """An item of an export that is not a story (a WordPress attachment, page or menu item)."""

    source_path: str
    reason: str
