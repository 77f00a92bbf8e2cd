"""One import run: find raw files, read each with the reader for its kind, validate, write, report.

A file that cannot be understood is rejected with its reason and the batch goes on; every story
that is written is valid against the front-matter contract (archive_format).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive_format import (
    article_relpath, format_datetime, render_article, slugify, validate_front_matter, write_atomic,
)

from archive_import.decoding import decode_bytes
from archive_import.duplicates import DuplicateIndex
from archive_import.records import ExtractedStory, RejectedSource, SkippedItem
from archive_import.settings import ImportSettings
from archive_import.writer import ArticleWriter

__all__ = ["ImportRun", "RunSummary", "detect_format", "readers"]

Reader = Callable[[Path, str, ImportSettings], list["ExtractedStory | RejectedSource | SkippedItem"]]

_EXTENSIONS = {
    ".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".xhtml": "html",
    ".wxr": "wxr", ".rss": "feed", ".atom": "feed", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
}
PROGRESS_THRESHOLD = 20
"""Runs over more files than this show a progress bar."""


def readers() -> dict[str, Reader]:
    """The reader for each input kind (text, html, wxr, feed, jsonl)."""
    # imported here so `--help` does not pay for loading trafilatura, lxml and feedparser
    from archive_import.source_feed import read_feed
    from archive_import.source_html import read_html_page
    from archive_import.source_jsonl import read_json_lines
    from archive_import.source_text import read_text_dump
    from archive_import.source_wxr import read_wxr

    return {"text": read_text_dump, "html": read_html_page, "wxr": read_wxr, "feed": read_feed,
            "jsonl": read_json_lines}


class UnsupportedFile(ValueError):
    """A file of a kind the importer does not read (by its extension and its first characters)."""


def detect_format(path: Path, text: str) -> str:
    """The input kind of a raw file, from its extension, else from its first characters.

    Files without an extension are read as page dumps; other unknown extensions (an .md, a .py)
    raise UnsupportedFile unless their content is plainly HTML, XML or JSON.
    """
    head = text[:2000].lstrip("\ufeff \t\r\n").lower()
    suffix = path.suffix.lower()
    if suffix == ".xml" or (suffix not in _EXTENSIONS and head.startswith("<?xml")):
        if "wordpress.org/export" in text[:5000].lower():
            return "wxr"
        return "feed"
    if suffix in _EXTENSIONS:
        kind = _EXTENSIONS[suffix]
        if kind == "feed" and "wordpress.org/export" in text[:5000].lower():
            return "wxr"
        return kind
    if head.startswith(("<!doctype html", "<html")):
        return "html"
    if head.startswith("{"):
        return "jsonl"
    if suffix:
        known = ", ".join(sorted(_EXTENSIONS))
        raise UnsupportedFile(f'"{suffix}" files are not raw articles the importer reads ({known}, .xml)')
    return "text"


@dataclass
class RunSummary:
    """Counts of one run, and the report lines it wrote."""

    counts: Counter[str] = field(default_factory=Counter)
    records: list[dict[str, Any]] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.counts["imported"] + self.counts["updated"]

    @property
    def unchanged(self) -> int:
        return self.counts["unchanged"]

    @property
    def duplicates(self) -> int:
        return self.counts["duplicate"]

    @property
    def rejected(self) -> int:
        return self.counts["rejected"]

    def line(self) -> str:
        text = (f"imported {self.imported}, unchanged {self.unchanged}, duplicates {self.duplicates}, "
                f"rejected {self.rejected}")
        if self.counts["kept"]:
            text += f", kept (edited by hand) {self.counts['kept']}"
        if self.counts["skipped"]:
            text += f", skipped (not stories) {self.counts['skipped']}"
        return text


def iter_sources(paths: Iterable[Path]) -> Iterator[Path]:
    """Every raw file under the given files and folders, in a stable order (hidden files skipped)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(part.startswith(".") for part in child.relative_to(path).parts):
                    yield child
        else:
            yield path


class ImportRun:
    """Imports raw files into one content folder with one settings object."""

    def __init__(self, settings: ImportSettings, progress: bool = True) -> None:
        self.settings = settings
        self.progress = progress
        self.writer = ArticleWriter(settings.content_dir, settings.dry_run, settings.force)
        self.duplicates = DuplicateIndex(settings.content_dir)
        self.summary = RunSummary()
        self.readers = readers()

    def run(self, sources: Iterable[Path]) -> RunSummary:
        """Import every file under `sources`; write the JSON-lines report; return the counts."""
        files = list(iter_sources(sources))
        try:
            if self.progress and len(files) > PROGRESS_THRESHOLD:
                from rich.progress import track

                for path in track(files, description="Importing", transient=True):
                    self.import_file(path)
            else:
                for path in files:
                    self.import_file(path)
        finally:
            self.writer.close()
            if not self.settings.dry_run:
                self.duplicates.save()
            self._write_report()
        return self.summary

    def import_file(self, path: Path) -> None:
        """Read one raw file and import each story in it; failures become report lines."""
        try:
            raw = path.read_bytes()
        except OSError as error:
            self._record({"source": str(path), "status": "rejected", "reason": f"cannot be read: {error.strerror}"})
            return
        digest = hashlib.sha256(raw).hexdigest()
        try:
            text = decode_bytes(raw)
        except ValueError as error:
            self._record({"source": str(path), "status": "rejected", "reason": str(error), "sha256": digest})
            return
        try:
            kind = detect_format(path, text)
        except UnsupportedFile as error:
            self._record({"source": str(path), "status": "skipped", "reason": str(error)})
            return
        try:
            results = self.readers[kind](path, text, self.settings)
        except RejectedSource as rejection:
            self._record({"source": rejection.source_path, "status": "rejected", "format": kind,
                          "reason": rejection.reason, "encoding": text.encoding, "sha256": digest})
            return
        except Exception as error:  # noqa: BLE001 - one odd file must not stop a batch of thousands
            self._record({"source": str(path), "status": "rejected", "format": kind, "encoding": text.encoding,
                          "sha256": digest, "reason": f"the {kind} reader failed on this file "
                          f"({type(error).__name__}: {error}); please report it with the file"})
            return
        if not results:
            self._record({"source": str(path), "status": "rejected", "format": kind,
                          "reason": "no story found in the file", "encoding": text.encoding, "sha256": digest})
        for result in results:
            if isinstance(result, RejectedSource):
                self._record({"source": result.source_path, "status": "rejected", "format": kind,
                              "reason": result.reason, "encoding": text.encoding, "sha256": digest})
            elif isinstance(result, SkippedItem):
                self._record({"source": result.source_path, "status": "skipped", "format": kind, "reason": result.reason})
            else:
                self.import_story(result, kind, digest, text.encoding)

    def import_story(self, story: ExtractedStory, kind: str, digest: str, encoding: str) -> None:
        """Validate, de-duplicate and write one story; record what happened."""
        meta = self._front_matter(story, kind, digest)
        record: dict[str, Any] = {
            "source": story.source_path, "format": kind, "encoding": encoding, "sha256": digest,
            "confidence": story.confidence, "removed": [block.as_dict() for block in story.removed],
        }
        if story.notes:
            record["notes"] = list(story.notes)
        relpath = article_relpath(meta)
        record["article"] = relpath
        shown = f"{self.settings.content_dir.name}/{relpath}"
        # DESKS as the build checks it: a desk the archive does not have is refused here, not
        # written for the next build to stop on.
        problems = validate_front_matter(meta, shown, desks=self.settings.desks, tz_name=self.settings.timezone)
        if problems:
            record.update(status="rejected", reason="; ".join(str(problem) for problem in problems))
            self._record(record)
            return
        earlier = self.duplicates.find(relpath, meta["headline"], meta["date"], story.body, meta["source"]["path"])
        if earlier:
            record.update(status="duplicate", reason=f"the same story as {self.settings.content_dir / earlier}")
            self._record(record)
            return
        outcome = self.writer.write(relpath, render_article(meta, story.body))
        if outcome.status != "kept":  # a kept hand edit still says what the editor wrote
            self.duplicates.add(relpath, meta["headline"], meta["date"], story.body, meta["source"]["path"])
        record["status"] = outcome.status
        if self.settings.dry_run and outcome.status in ("imported", "updated"):
            record["dry_run"] = True
        if outcome.detail:
            record["reason"] = outcome.detail
        self._record(record)

    def _front_matter(self, story: ExtractedStory, kind: str, digest: str) -> dict[str, Any]:
        """The story's fields in their written form: ISO dates, slug, source, defaults filled."""
        meta = {key: value for key, value in story.meta.items() if value not in (None, "", [], {})}
        for key in ("date", "modified"):
            if key in meta and not isinstance(meta[key], str):
                meta[key] = format_datetime(meta[key])
        if meta.get("modified") == meta.get("date"):
            meta.pop("modified", None)
        # the reader gives url/guid; the run adds the format, the raw file's hash and which file
        # (and item) it was: re-importing that source updates the story, another source duplicates it
        found = {key: value for key, value in dict(meta.get("source") or {}).items() if value}
        meta["source"] = {**found, "format": kind, "sha256": digest, "path": story.source_path}
        meta.setdefault("lang", self.settings.lang)
        meta.setdefault("status", "published")
        meta.setdefault("slug", slugify(str(meta.get("headline", ""))))
        return meta

    def _record(self, record: dict[str, Any]) -> None:
        self.summary.counts[record["status"]] += 1
        self.summary.records.append(record)

    def _write_report(self) -> None:
        path = self.settings.report_path
        if path is None:
            return
        lines = "".join(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n" for record in self.summary.records)
        write_atomic(path, lines)
