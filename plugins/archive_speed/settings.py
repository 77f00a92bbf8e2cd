"""The one setting of archive_speed: which of its fixes a build uses.

`ARCHIVE_SPEED_FIXES` (pelicanconf.py) lists fix names; unset means all of them. Switching one off
is how the benchmark measures what each fix is worth.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SETTING = "ARCHIVE_SPEED_FIXES"
FIXES = {
    "listings": "tag, desk and byline pages without the quadratic filter",
    "pinned_urls": "article and page URLs computed once",
}


class ArchiveSpeedSettingError(ValueError):
    """ARCHIVE_SPEED_FIXES names something that is not a fix."""


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
