"""The theme's templates compiled once, not on every build: Jinja's bytecode cache, kept where
archive_speed's cache guard vouches for it.

Every Pelican generator has a Jinja environment of its own, and each compiled the templates it
uses on every build: 23 compilations, about 0.1 CPU s of each build (a "+1 article" included),
for templates that rarely change. Jinja's bytecode cache keeps each compiled template in a file
named after the template, under a header holding Jinja's and Python's versions and the SHA-1 of
the template's source: an edited template is compiled again. What the header does not cover is
guarded by the cache guard (archive_speed/cache_guard.py), which holds every file in its folder:
a change of code, packages or settings (Jinja's options among them) deletes the files before the
build, and so does a file whose bytes are not what the last successful build left.
Without the guard (archive_speed or its cache_guard fix off) nothing is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import FileSystemBytecodeCache

from .settings import speed_fixes

# The files kept in the cache guard's folder, one per template.
FILE_PATTERN = "template-%s.cache"


def _guarded_folder(settings: Mapping[str, Any]) -> Path | None:
    """The folder archive_speed's cache guard checks in this build, or None when it checks none."""
    fixes = speed_fixes(settings)
    if fixes is None or "cache_guard" not in fixes or not settings.get("CACHE_PATH"):
        return None
    from archive_speed.cache_guard import STATE_DIR

    return Path(settings["CACHE_PATH"]) / STATE_DIR


def keep_compiled_templates(generator: Any) -> None:
    """`generator_init` receiver: the generator's Jinja environment loads compiled templates
    from the guarded cache folder, and stores there the ones it compiles."""
    folder = _guarded_folder(generator.settings)
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    generator.env.bytecode_cache = FileSystemBytecodeCache(str(folder), FILE_PATTERN)
