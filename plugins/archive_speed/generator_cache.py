"""Source files hashed once per build, not three times.

With CONTENT_CACHING_LAYER = "reader" (pelicanconf.py) the stories are cached by the readers,
yet the articles and pages generators still ask their own content cache, which is switched off
and empty, about every file: `get_cached_data` reads and hashes the file to compare it with a
stamp the empty cache cannot hold, and `cache_data` reads and hashes it again to store nothing.
With the readers' own check that is three SHA-256s of every source file per build where one is
used (20,000 needless file reads at 10,000 stories). A generator whose cache is off and empty
answers as Pelican's would — nothing cached, nothing kept — without touching the file.
"""

from __future__ import annotations

from typing import Any


def _nothing_cached(filename: str, default: Any = None) -> Any:
    """What a switched-off, empty generator cache answers for every file."""
    return default


def _cache_nothing(filename: str, data: Any) -> None:
    """What a switched-off generator cache does with a story: nothing."""


def skip_unused_generator_cache(generator: Any) -> None:
    """`*_generator_init` receiver: the generator's own cache, when off and empty, no longer
    hashes files (the readers' cache, which holds the stories, still does)."""
    if getattr(generator, "_cache_data_policy", True) or getattr(generator, "_cache", None) != {}:
        return
    generator.get_cached_data = _nothing_cached
    generator.cache_data = _cache_nothing
