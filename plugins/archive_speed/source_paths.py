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
from collections.abc import Hashable
from contextlib import AbstractContextManager
from typing import Any

from pelican.contents import Content

from archive_speed.method_memo import remembered_method


def _path_key(content: Content, source_path: str | None = None) -> Hashable | None:
    """What the answer depends on: the path, the content folder and the working folder."""
    path = source_path or content.source_path
    if path is None:
        return None
    return (path, content.settings["PATH"], os.getcwd())


def remembered_source_paths() -> AbstractContextManager[None]:
    """While inside, Content.get_relative_source_path answers from a memo."""
    return remembered_method(Content, "get_relative_source_path", _path_key)
