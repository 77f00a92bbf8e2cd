"""Readable, stable slugs and the path of an article inside content/."""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from unidecode import unidecode

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# Apostrophes join a word ("don't" → "dont"); transliteration also yields them (ь → ').
_APOSTROPHES = re.compile(r"['’ʼ`]")
MAX_SLUG_LENGTH = 80


def slugify(text: str, max_length: int = MAX_SLUG_LENGTH) -> str:
    """Return a lowercase ASCII slug of ``text``, cut at a word boundary.

    Non-Latin scripts are transliterated ("Київ" → "kiiv") so every headline gets a
    readable slug; an empty result becomes "story".
    """
    words = _NOT_SLUG.sub(" ", _APOSTROPHES.sub("", unidecode(text).lower())).split()
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    return slug or (words[0][:max_length] if words else "story")


def _day(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return str(value).strip()[:10]


def article_relpath(meta: Mapping[str, Any]) -> str:
    """Return where an article lives in content/: ``<desk>/<yyyy>/<yyyy-mm-dd>-<slug>.md``.

    The day is the story's own calendar day as written in its date (its local day).
    """
    day = _day(meta["date"])
    slug = meta.get("slug") or slugify(str(meta["headline"]))
    return f"{meta['desk']}/{day[:4]}/{day}-{slug}.md"
