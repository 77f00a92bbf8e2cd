"""The archive pages plugin's settings: defaults from Pelican's own, and errors naming the setting."""

from __future__ import annotations

import pytest

from archive_pages.settings import ArchivePagesSettingError, ArchivePagesSettings

QUIET = {"CATEGORY_SAVE_AS": "", "TAG_SAVE_AS": "", "AUTHOR_SAVE_AS": ""}


def test_addresses_and_page_size_come_from_pelicans_settings():
    options = ArchivePagesSettings.from_pelican(
        {**QUIET, "DEFAULT_PAGINATION": 30, "ARCHIVES_SAVE_AS": "past/index.html", "MONTH_ARCHIVE_URL": "{date:%Y}/m{date:%m}/",
         "CNAME": "archive.example.org", "ARCHIVE_RELATED_STORIES": 5}
    )
    assert (options.per_page, options.archive_url, options.month_url) == (30, "past/", "{date:%Y}/m{date:%m}/")
    assert (options.cname, options.related_stories, options.news_sitemap_days) == ("archive.example.org", 5, 2)


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"TAG_SAVE_AS": "tag/{slug}/index.html"}, 'set TAG_SAVE_AS = ""'),
        ({"DIRECT_TEMPLATES": ["index", "archives"]}, "remove 'archives' from DIRECT_TEMPLATES"),
        ({"AUTHOR_FEED_ATOM": "feeds/{slug}.atom.xml"}, "set AUTHOR_FEED_ATOM = None"),
        ({"ARCHIVE_RELATED_STORIES": 0}, "ARCHIVE_RELATED_STORIES = 0: expected a whole number"),
        ({"DEFAULT_PAGINATION": "20"}, "DEFAULT_PAGINATION = '20'"),
        ({"CNAME": ["a.example.org"]}, "CNAME = ['a.example.org']: expected a string"),
    ],
)
def test_a_setting_the_plugin_cannot_use_is_named_with_what_to_do(settings, named):
    with pytest.raises(ArchivePagesSettingError) as raised:
        ArchivePagesSettings.from_pelican({**QUIET, **settings})
    assert named in str(raised.value)
    assert str(raised.value).startswith("pelicanconf.py: ")
