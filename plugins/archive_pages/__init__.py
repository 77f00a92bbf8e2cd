"""Archive pages: the newsroom theme's extras as a Pelican plugin.

Date archives, desk/tag/byline listings paginated from the oldest story, related and
previous/next stories, NewsArticle JSON-LD, alias redirects, the 404 page, sitemaps,
a Google News sitemap, robots.txt, .nojekyll and CNAME. Feeds are Pelican's own,
at the paths set in pelicanconf.py.
"""

from __future__ import annotations

from typing import Any

from pelican import signals

from .generator import ArchiveContentError, ArchivePagesGenerator
from .jinja_shortcuts import quicker_jinja
from .settings import ArchivePagesSettingError, ArchivePagesSettings
from .template_cache import keep_compiled_templates

__all__ = ["ArchiveContentError", "ArchivePagesGenerator", "ArchivePagesSettingError", "ArchivePagesSettings", "register"]


def _generators(pelican: Any) -> type[ArchivePagesGenerator]:
    return ArchivePagesGenerator


def _check_settings(pelican: Any) -> None:
    # Fail before any article is read, naming the setting to change.
    ArchivePagesSettings.from_pelican(pelican.settings)


def register() -> None:
    """Wire the plugin into Pelican's signals."""
    signals.initialized.connect(_check_settings)
    signals.get_generators.connect(_generators)
    signals.generator_init.connect(keep_compiled_templates)
    signals.generator_init.connect(quicker_jinja)
