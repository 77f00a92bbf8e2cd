"""The templates' remembered `strftime` filter prints what Pelican's own filter prints."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from pelican.utils import DateFormatter, SafeDatetime

from archive_speed.dates import RememberedDates

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
