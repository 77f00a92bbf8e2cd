"""Fictional stories written on the fly for the theme's build tests, in the archive's own
format (archive_format.render_article), so each test states exactly the archive it needs."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from archive_format import article_relpath, render_article, slugify

START = datetime.fromisoformat("2023-03-16T09:00:00+02:00")


def write_story(content: Path, headline: str, date: datetime, desk: str = "news", **fields: Any) -> Path:
    """Write one story under `content` and return its path."""
    meta: dict[str, Any] = {"headline": headline, "date": date.isoformat(), "desk": desk, "slug": slugify(headline), **fields}
    meta.setdefault("byline", ["Ada Fenwick"])
    path = content / article_relpath(meta)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_article(meta, f"{headline}. A fictional story for the archive's tests."), encoding="utf-8")
    return path


def write_desk_run(content: Path, count: int, desk: str = "news", start: datetime = START, **fields: Any) -> list[Path]:
    """Write `count` stories on `desk`, one a day from `start`, headlines "<Desk> story 1".."""
    return [
        write_story(content, f"{desk.title()} story {number}", start + timedelta(days=number - 1), desk, **fields)
        for number in range(1, count + 1)
    ]


def headlines(html: str) -> list[str]:
    """Headlines in a page's story lists (listings, related stories), in page order."""
    lists = re.findall(r'<ol class="stories">(.*?)</ol>', html, re.S)
    return [title for block in lists for title in re.findall(r'<li><a href="[^"]*">([^<]*)</a>', block)]
