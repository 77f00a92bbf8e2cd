"""The settings of archive_speed, checked before the build starts.

`ARCHIVE_SPEED_FIXES` (pelicanconf.py) lists the fixes a build uses; unset means all of them.
Switching one off is how the benchmark measures what each fix is worth.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SETTING = "ARCHIVE_SPEED_FIXES"
FIXES = {
    "listings": "tag, desk and byline listings without Pelican's quadratic filter",
    "translations": "stories grouped by slug without Pelican's quadratic scan",
    "source_paths": "a story's path inside content/ worked out once per build",
    "file_stamps": "each source file read and hashed once per build by Pelican's caches",
    "pinned_urls": "article and page URLs computed once per build",
    "cache_guard": "content caches checked against code, settings and their own bytes",
    "render_cache": "pages re-rendered only when what they show has changed",
    "collector": "Python's cycle collector run less often while the archive is in memory",
    "page_text": "a story's text resolved for its own page let go once the page is written",
    "dates": "each date a template formats with strftime formatted once per build",
    "reader_cache": "Pelican's reader cache let go once it is saved",
    "shared_names": "one desk, tag or byline object per name, shared by its stories",
    "template_checks": "templates not checked on disk at every render",
    "story_tokens": "what Pelican made of a story's file tokened once per file, across builds",
    "kept_stories": "what Pelican made of each unchanged story file loaded, not made again",
    "theme_jinja": "template look-ups in plain dictionaries and striptags on plain text read directly (archive_pages)",
}


class ArchiveSpeedSettingError(ValueError):
    """A setting archive_speed depends on has a value it cannot work with."""


def enabled_fixes(settings: Mapping[str, Any]) -> frozenset[str]:
    """The fixes this build uses; raises ArchiveSpeedSettingError naming the bad entry."""
    chosen = settings.get(SETTING)
    if chosen is None:
        return frozenset(FIXES)
    if isinstance(chosen, str) or not all(isinstance(name, str) for name in chosen):
        raise ArchiveSpeedSettingError(f"{SETTING} must be a list of fix names, e.g. {sorted(FIXES)}")
    unknown = sorted(set(chosen) - set(FIXES))
    if unknown:
        raise ArchiveSpeedSettingError(
            f"{SETTING}: unknown fix {', '.join(map(repr, unknown))}; known fixes: {', '.join(FIXES)}")
    return frozenset(chosen)


def check_settings(settings: Mapping[str, Any]) -> frozenset[str]:
    """All of archive_speed's settings checks; returns the enabled fixes."""
    fixes = enabled_fixes(settings)
    if ("cache_guard" in fixes and settings.get("CACHE_CONTENT")
            and settings.get("CHECK_MODIFIED_METHOD") == "mtime"):
        raise ArchiveSpeedSettingError(
            'CHECK_MODIFIED_METHOD = "mtime" throws the content cache away on every fresh checkout '
            '(all files look new); set CHECK_MODIFIED_METHOD = "sha256" in pelicanconf.py')
    return fixes
