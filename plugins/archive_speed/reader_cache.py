"""Pelican's reader cache let go of once it is saved.

The articles and pages generators save their readers' content cache (CONTENT_CACHING_LAYER =
"reader") at the end of `generate_context` and never read it again, yet keep it to the end of
the build: on a clean build a dictionary, a tuple and a copy of the front matter's metadata
dictionary per story (the story's HTML is shared with the story itself); on a rebuild everything
the last build cached, stories since removed included. Nothing is lost: the file on disk is what
the next build loads.
"""

from __future__ import annotations

from typing import Any


def release_reader_cache(generator: Any) -> None:
    """`*_generator_finalized` receiver: empty the generator's reader cache, already saved."""
    readers = getattr(generator, "readers", None)
    if isinstance(getattr(readers, "_cache", None), dict):
        # A fresh dictionary, not clear(): the saved cache stays whole should anything hold it.
        readers._cache = {}
