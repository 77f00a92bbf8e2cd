"""A story's path inside content/ worked out once, not on every URL Pelican formats.

`Content.get_relative_source_path()` makes both paths absolute and takes `os.path.relpath`
between them each time it is called, and Pelican calls it for every URL and output path it
formats (`url_format`), for the story's place in the context and at creation: five times per
story per build, about 0.6 CPU s of every build at 10,000 stories. The answer depends only on
the two paths and the working folder, so `remembered_source_paths()` answers each question
once per build from a memo and asks Pelican's own method otherwise. A story loaded rather than
made (kept_stories.py) brings its answer along: `relative_source_path`, which Content set from
this very method when it made the story, in the same folders.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager

from pelican.contents import Content

from archive_speed.method_memo import remembered_method


def _path_key(content: Content, source_path: str | None = None) -> Hashable | None:
    """What the answer depends on: the path, the content folder and the working folder."""
    path = source_path or content.source_path
    if path is None:
        return None
    return (path, content.settings["PATH"], os.getcwd())


@contextmanager
def remembered_source_paths() -> Iterator[Callable[[Content], None]]:
    """While inside, Content.get_relative_source_path answers from a memo; the `with` gives a
    function telling the memo a story's answer (its `relative_source_path`, as Content made it)."""
    with remembered_method(Content, "get_relative_source_path", _path_key) as memo:

        def remember(story: Content) -> None:
            key = _path_key(story)
            if key is not None:
                memo.setdefault(key, story.relative_source_path)

        yield remember
