"""JSON lines (CMS API exports) → one ExtractedStory per line.

Each line is an object with the front-matter field names (headline, date, desk, byline, ...) and
the Markdown body under "body" (or HTML under "html"). A bad line is rejected on its own.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from archive_import.dates import RelativeDateError, parse_date
from archive_import.html_markdown import html_to_markdown
from archive_import.records import ExtractedStory, RejectedSource
from archive_import.settings import ImportSettings

__all__ = ["read_json_lines"]

_FIELDS = {"headline", "date", "modified", "desk", "byline", "tags", "summary", "image", "source", "lang",
           "slug", "aliases", "corrections", "status"}

# (field, kind of value, what to write instead) for the fields read here before validation.
_SHAPES = (
    ("body", str, "Markdown text"),
    ("html", str, "HTML text"),
    ("source", dict, 'an object such as {"url": "https://...", "guid": "..."}'),
)


def read_json_lines(path: Path, text: str, settings: ImportSettings) -> list[ExtractedStory | RejectedSource]:
    """Every story of a JSON-lines file (a single JSON object or array is read too)."""
    stripped = text.strip()
    if stripped.startswith("["):
        try:
            rows = [(number, row) for number, row in enumerate(json.loads(stripped), start=1)]
        except ValueError as error:
            raise RejectedSource(str(path), f"not valid JSON: {error}") from None
    else:
        rows = []
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    rows.append((number, json.loads(line)))
                except ValueError as error:
                    rows.append((number, RejectedSource(f"{path}#line-{number}", f"not valid JSON: {error.args[0]}")))
    return [row if isinstance(row, RejectedSource) else _story(f"{path}#line-{number}", row, settings)
            for number, row in rows]


def _story(where: str, row: Any, settings: ImportSettings) -> ExtractedStory | RejectedSource:
    if not isinstance(row, dict):
        return RejectedSource(where, "each line must be a JSON object of front-matter fields")
    unknown = sorted(set(row) - _FIELDS - {"body", "html"})
    if unknown:
        return RejectedSource(where, f"unknown field(s) {', '.join(unknown)}; known: {', '.join(sorted(_FIELDS))}, body, html")
    # Fields the reader itself takes apart: a wrong kind would fail the whole file, not this line.
    for name, kind, example in _SHAPES:
        if row.get(name) is not None and not isinstance(row[name], kind):
            return RejectedSource(where, f"{name}: must be {example}, not {json.dumps(row[name], ensure_ascii=False)}")
    body = row.get("body") or html_to_markdown(row.get("html") or "")
    if not str(body).strip():
        return RejectedSource(where, 'no text: give the story in "body" (Markdown) or "html"')
    if not row.get("headline"):
        return RejectedSource(where, "headline: is missing; every story needs one")
    meta = {key: row[key] for key in _FIELDS if key in row}
    try:
        if meta.get("date") in (None, ""):
            return RejectedSource(where, "date: is missing; every story needs one")
        meta["date"] = parse_date(str(meta["date"]), settings.timezone, settings.captured_at)
        if meta.get("modified"):
            meta["modified"] = parse_date(str(meta["modified"]), settings.timezone, settings.captured_at)
    except (ValueError, RelativeDateError) as error:
        return RejectedSource(where, f"date: {error}")
    if isinstance(meta.get("byline"), str):
        meta["byline"] = [meta["byline"]]
    meta.setdefault("desk", settings.default_desk)
    source = dict(meta.get("source") or {})
    meta["source"] = {k: v for k, v in source.items() if k in ("url", "guid")}
    return ExtractedStory(meta=meta, body=str(body).strip(), source_path=where)
