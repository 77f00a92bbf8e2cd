"""archive_speed: where Pelican itself is slow at archive scale, small fixes wired by signals.

Each fix is a receiver of a Pelican signal and can be switched off with `ARCHIVE_SPEED_FIXES`
(see settings.py); the README's "Benchmarks" section gives each one's measured effect.
"""

from __future__ import annotations

from typing import Any

from pelican import signals
from pelican.generators import ArticlesGenerator

from archive_speed.listings import use_listing_generator
from archive_speed.settings import enabled_fixes
from archive_speed.urls import pin_urls


def _check_settings(pelican: Any) -> None:
    """Fail the build before any work when ARCHIVE_SPEED_FIXES is wrong."""
    enabled_fixes(pelican.settings)


def _listings(generator: ArticlesGenerator) -> None:
    if "listings" in enabled_fixes(generator.settings):
        use_listing_generator(generator)


def _pinned_urls(generators: list[Any]) -> None:
    if generators and "pinned_urls" in enabled_fixes(generators[0].settings):
        pin_urls(generators)


def register() -> None:
    """Connect the fixes to Pelican's signals."""
    signals.initialized.connect(_check_settings)
    signals.article_generator_init.connect(_listings)
    signals.all_generators_finalized.connect(_pinned_urls)
