"""The templates' remembered `strftime` filter prints what Pelican's own filter prints."""
from __future__ import annotations

import locale
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from pelican.utils import DateFormatter, SafeDatetime

from archive_speed.dates import RememberedDates, pelican_strftime

KYIV = ZoneInfo("Europe/Kyiv")


def test_each_date_prints_as_pelicans_filter_prints_it() -> None:
    """Equal instants in other zones, the two sides of an autumn hour that happens twice
    (equal under one zone, apart from their fold) and plain dates all print
    as Pelican's filter prints them, however often and in whatever order they are asked."""
    pelican = DateFormatter()
    remembered = RememberedDates(pelican)
    evening = SafeDatetime(2023, 3, 16, 21, 8, tzinfo=KYIV)
    values = [
        evening,
        evening.astimezone(timezone.utc),  # the same instant, another zone
        SafeDatetime(2023, 10, 29, 3, 30, tzinfo=KYIV),  # summer time
        SafeDatetime(2023, 10, 29, 3, 30, fold=1, tzinfo=KYIV),  # an hour later, winter time
        datetime(2023, 3, 16, 21, 8),
        date(2023, 3, 16),
    ]
    formats = ["%-d %B %Y, %H:%M", "%Y-%m-%dT%H:%M%z %Z", "%B"]
    for _ in range(2):
        for value in values + list(reversed(values)):
            for form in formats:
                assert remembered(value, form) == pelican(value, form), (value, form)
    assert remembered(values[2], "%z") != remembered(values[3], "%z")


def test_pelicans_filter_the_quick_way_prints_what_it_prints() -> None:
    """Every directive, stripped or not, literal text, `%%`, candidates that are not
    directives and text around them: the quick way prints what DateFormatter prints, for
    Pelican's SafeDatetime, plain datetimes (aware or not) and dates."""
    pelican = DateFormatter()
    locales = (locale.setlocale(locale.LC_TIME), locale.setlocale(locale.LC_CTYPE))
    values = [
        SafeDatetime(2023, 3, 6, 9, 8, 7, 5, tzinfo=KYIV),
        SafeDatetime(2023, 10, 29, 3, 30, fold=1, tzinfo=KYIV),
        datetime(2024, 1, 1, 0, 0, tzinfo=timezone.utc),
        datetime(2009, 12, 31, 23, 59, 59),
        date(2023, 3, 6),
    ]
    directives = [f"%{letter}" for letter in "aAbBcdfGHIjmMpSUuVwWxXyYzZ"]
    formats = [*directives, *(f"%-{d[-1]}" for d in directives), "%%", "%-%", "%q", "%-q", "%",
               "%-d %B %Y, %H:%M", "%Y-%m-%d", "%-d %b %Y", "Updated %-d.%-m. at %-H h (%Z) 100%%",
               "%Y%m%d", "no directive", ""]
    for value in values:
        for form in formats:
            try:
                expected = pelican(value, form)
            except (ValueError, TypeError) as error:
                # Pelican's filter leaves the locale switched when a format fails; ours does not.
                locale.setlocale(locale.LC_TIME, locales[0])
                locale.setlocale(locale.LC_CTYPE, locales[1])
                with pytest.raises(type(error)):
                    pelican_strftime(pelican, value, form)
                assert (locale.setlocale(locale.LC_TIME), locale.setlocale(locale.LC_CTYPE)) == locales
                continue
            assert pelican_strftime(pelican, value, form) == expected, (value, form)
            assert (locale.setlocale(locale.LC_TIME), locale.setlocale(locale.LC_CTYPE)) == locales
