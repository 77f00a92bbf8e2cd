"""archive_speed: where Pelican itself is slow at archive scale, small fixes wired by signals.

- listings: tag, desk and byline pages without Pelican's quadratic filter (listings.py)
- pinned_urls: article and page URLs computed once per build (urls.py)
- cache_guard: caches keyed by content hashes, dropped when code, settings or bytes change
  (cache_guard.py)
- render_cache: a page is re-rendered only when what it shows has changed (render_cache.py)

Each fix can be switched off with `ARCHIVE_SPEED_FIXES` (settings.py); the README's
"Benchmarks" section gives each one's measured effect.
"""

from __future__ import annotations

from typing import Any

from pelican import signals
from pelican.generators import ArticlesGenerator

from archive_speed.cache_guard import CacheGuard
from archive_speed.listings import use_listing_generator
from archive_speed.render_cache import IncrementalWriter
from archive_speed.settings import check_settings, enabled_fixes
from archive_speed.urls import pin_urls


# The attribute of the Pelican instance holding the build's CacheGuard.
GUARD = "archive_speed_guard"


def _start(pelican: Any) -> None:
    """Before any work: fail on wrong settings, drop caches that cannot be trusted.

    The guard's key is taken now, before readers add their defaults to the settings.
    """
    fixes = check_settings(pelican.settings)
    guard = CacheGuard(pelican.settings)
    setattr(pelican, GUARD, guard)
    if "cache_guard" in fixes:
        guard.check()


def _listings(generator: ArticlesGenerator) -> None:
    if "listings" in enabled_fixes(generator.settings):
        use_listing_generator(generator)


def _pinned_urls(generators: list[Any]) -> None:
    if generators and "pinned_urls" in enabled_fixes(generators[0].settings):
        pin_urls(generators)


def _pinned_urls_of(generator: Any) -> None:
    """`*_generator_finalized` receiver: pin one generator's URLs before others read them."""
    _pinned_urls([generator])


def _writer(pelican: Any) -> type[IncrementalWriter] | None:
    if "render_cache" not in enabled_fixes(pelican.settings):
        return None
    return IncrementalWriter.bound_to(getattr(pelican, GUARD))


def _finish(pelican: Any) -> None:
    """Record the caches of a successful build (the incremental writer does it when in use)."""
    fixes = enabled_fixes(pelican.settings)
    if "cache_guard" in fixes and "render_cache" not in fixes:
        getattr(pelican, GUARD).record()


def register() -> None:
    """Connect the fixes to Pelican's signals."""
    signals.initialized.connect(_start)
    signals.article_generator_init.connect(_listings)
    signals.article_generator_finalized.connect(_pinned_urls_of)
    signals.page_generator_finalized.connect(_pinned_urls_of)
    signals.all_generators_finalized.connect(_pinned_urls)
    signals.get_writer.connect(_writer)
    signals.finalized.connect(_finish)
