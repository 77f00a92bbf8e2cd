"""A story's path inside content/ worked out once, not on every URL Pelican formats.

`Content.get_relative_source_path()` makes both paths absolute and takes `os.path.relpath`
between them each time it is called, and Pelican calls it for every URL and output path it
formats (`url_format`), for the story's place in the context and at creation: five times per
story per build, about 0.6 CPU s of every build at 10,000 stories. The answer depends only on
the two paths and the working folder, so `remembered_source_paths()` answers each question
once per build from a memo and asks Pelican's own method otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pelican.contents import Content

_PELICANS = Content.get_relative_source_path


@contextmanager
def remembered_source_paths() -> Iterator[None]:
    """While inside, Content.get_relative_source_path answers from a memo."""
    memo: dict[tuple[str, Any, str], str | None] = {}

    def get_relative_source_path(self: Content, source_path: str | None = None) -> str | None:
        path = source_path or self.source_path
        if path is None:
            return None
        key = (path, self.settings["PATH"], os.getcwd())
        if key not in memo:
            memo[key] = _PELICANS(self, path)
        return memo[key]

    get_relative_source_path.__doc__ = _PELICANS.__doc__
    Content.get_relative_source_path = get_relative_source_path  # type: ignore[method-assign]
    try:
        yield
    finally:
        Content.get_relative_source_path = _PELICANS  # type: ignore[method-assign]
