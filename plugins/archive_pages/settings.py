"""Settings of the archive pages plugin: defaults, and checks that name the setting to fix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

# Pelican writes these listings itself unless told not to; this plugin writes them with
# pagination numbered from the oldest story, so Pelican's copies would collide with ours.
LISTINGS_PELICAN_MUST_NOT_WRITE = (
    "CATEGORY_SAVE_AS",
    "TAG_SAVE_AS",
    "AUTHOR_SAVE_AS",
    "YEAR_ARCHIVE_SAVE_AS",
    "MONTH_ARCHIVE_SAVE_AS",
    "DAY_ARCHIVE_SAVE_AS",
)

# Byline and tag feeds at Pelican's default paths collide with desk feeds and with each other.
FEEDS_THAT_COLLIDE = ("AUTHOR_FEED_ATOM", "AUTHOR_FEED_RSS", "TAG_FEED_ATOM", "TAG_FEED_RSS")


def speed_fixes(settings: Mapping[str, Any]) -> frozenset[str] | None:
    """The archive_speed fixes this build uses (ARCHIVE_SPEED_FIXES), or None when archive_speed
    is not in PLUGINS: the theme's own shortcuts follow the switches of the fixes they lean on."""
    names = {getattr(plugin, "__name__", plugin) for plugin in settings.get("PLUGINS") or []}
    if "archive_speed" not in names:
        return None
    from archive_speed.settings import enabled_fixes

    return enabled_fixes(settings)


class ArchivePagesSettingError(SystemExit):
    """A pelicanconf.py setting that the archive pages plugin cannot work with.

    A SystemExit, as the reader's InvalidArchive: the build stops with the message alone,
    since a setting to change is the editor's to fix, not a crash worth a traceback.
    """


@dataclass(frozen=True)
class ArchivePagesSettings:
    """The plugin's settings, read once per build from Pelican's settings.

    Addresses and page size come from Pelican's own settings (DEFAULT_PAGINATION,
    YEAR/MONTH/DAY_ARCHIVE_URL, ARCHIVES_SAVE_AS, CNAME); the rest from ARCHIVE_* settings.
    """

    per_page: int = 20
    front_stories_per_desk: int = 5
    related_stories: int = 3
    related_window: int = 12
    news_sitemap_days: int = 2
    sitemap_max_urls: int = 50_000
    cname: str = ""
    archive_url: str = "archive/"
    year_url: str = "{date:%Y}/"
    month_url: str = "{date:%Y}/{date:%m}/"
    day_url: str = "{date:%Y}/{date:%m}/{date:%d}/"
    page_url: str = "{base}page/{number}/"

    @classmethod
    def from_pelican(cls, settings: Mapping[str, Any]) -> "ArchivePagesSettings":
        """Read the settings, raising ArchivePagesSettingError naming a bad one."""
        for name in LISTINGS_PELICAN_MUST_NOT_WRITE:
            if settings.get(name):
                raise ArchivePagesSettingError(
                    f"pelicanconf.py: {name} = {settings[name]!r}: the archive_pages plugin "
                    f'writes these pages itself, paginated from the oldest story; set {name} = ""'
                )
        if "archives" in (settings.get("DIRECT_TEMPLATES") or []):
            raise ArchivePagesSettingError(
                "pelicanconf.py: DIRECT_TEMPLATES: the archive_pages plugin writes the archive root "
                "itself; remove 'archives' from DIRECT_TEMPLATES"
            )
        for name in FEEDS_THAT_COLLIDE:
            if settings.get(name):
                raise ArchivePagesSettingError(
                    f"pelicanconf.py: {name} = {settings[name]!r}: byline and tag feeds collide "
                    f"with desk feeds at Pelican's default paths; set {name} = None"
                )
        values: dict[str, Any] = {
            "per_page": _positive(settings, "DEFAULT_PAGINATION", cls.per_page),
            "front_stories_per_desk": _positive(settings, "ARCHIVE_FRONT_STORIES_PER_DESK", cls.front_stories_per_desk),
            "related_stories": _positive(settings, "ARCHIVE_RELATED_STORIES", cls.related_stories),
            "related_window": _positive(settings, "ARCHIVE_RELATED_WINDOW", cls.related_window),
            "news_sitemap_days": _positive(settings, "ARCHIVE_NEWS_SITEMAP_DAYS", cls.news_sitemap_days),
            "sitemap_max_urls": _positive(settings, "ARCHIVE_SITEMAP_MAX_URLS", cls.sitemap_max_urls),
            "cname": _text(settings, "CNAME", cls.cname),
            "year_url": _text(settings, "YEAR_ARCHIVE_URL", cls.year_url),
            "month_url": _text(settings, "MONTH_ARCHIVE_URL", cls.month_url),
            "day_url": _text(settings, "DAY_ARCHIVE_URL", cls.day_url),
        }
        archive_save_as = _text(settings, "ARCHIVES_SAVE_AS", "")
        if archive_save_as.endswith("/index.html"):
            values["archive_url"] = archive_save_as[: -len("index.html")]
        return cls(**values)


def _positive(settings: Mapping[str, Any], name: str, default: int) -> int:
    value = settings.get(name)
    if value is None or value is False:  # Pelican's DEFAULT_PAGINATION = False: our default size
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ArchivePagesSettingError(f"pelicanconf.py: {name} = {value!r}: expected a whole number of 1 or more")
    return value


def _text(settings: Mapping[str, Any], name: str, default: str) -> str:
    value = settings.get(name)
    if value is None or value is False:
        return default
    if not isinstance(value, str):
        raise ArchivePagesSettingError(f"pelicanconf.py: {name} = {value!r}: expected a string")
    return value
