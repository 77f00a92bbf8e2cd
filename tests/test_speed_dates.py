"""The templates' remembered `strftime` filter prints what Pelican's own filter prints, the quick
ways (each format read once, one `strftime` call for all its directives) included."""
from __future__ import annotations

import locale
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone, tzinfo
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from pelican import signals
from pelican.utils import DateFormatter, SafeDatetime

from archive_speed import dates
from archive_speed.dates import SEPARATOR, RememberedDates, pelican_strftime, quick_strftime, remember_dates

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


class _OddZone(tzinfo):
    """A zone whose name holds the separator the one-call way joins directives with."""

    def utcoffset(self, value: datetime | None) -> timedelta:
        return timedelta(hours=2)

    def dst(self, value: datetime | None) -> timedelta:
        return timedelta(0)

    def tzname(self, value: datetime | None) -> str:
        return f"EET{SEPARATOR}odd"


class _OwnStrftime(datetime):
    """A datetime type with a strftime of its own: it is asked directive by directive."""

    def strftime(self, form: str) -> str:
        return f"<{form}>"


@pytest.fixture
def kept_locale() -> Iterator[tuple[str, str]]:
    """The test's LC_TIME and LC_CTYPE, as found, put back after the test."""
    found = (locale.setlocale(locale.LC_TIME), locale.setlocale(locale.LC_CTYPE))
    yield found
    locale.setlocale(locale.LC_TIME, found[0])
    locale.setlocale(locale.LC_CTYPE, found[1])


ONE_CALL_VALUES = [
    SafeDatetime(2023, 3, 6, 9, 8, 7, 5, tzinfo=KYIV),
    SafeDatetime(2023, 10, 29, 3, 30, fold=1, tzinfo=KYIV),
    SafeDatetime(2023, 10, 29, 3, 30, tzinfo=KYIV),
    datetime(2024, 1, 1, 0, 0, tzinfo=timezone.utc),
    datetime(2009, 12, 31, 23, 59, 59),
    datetime(5, 1, 2, 3, 4, 5),
    date(2023, 3, 6),
    _OwnStrftime(2023, 3, 6, 9, 8),
    SafeDatetime(2023, 3, 6, 9, 8, tzinfo=_OddZone()),
]
ONE_CALL_FORMATS = [
    *(f"%{letter}" for letter in "aAbBcdfGHIjmMpSUuVwWxXyYzZ"),
    *(f"%-{letter}" for letter in "aAbBcdfGHIjmMpSUuVwWxXyYzZ"),
    "%%", "%-%", "%q", "%-q", "%", "no directive", "", "%d%", "%d\n%",
    "%-d %B %Y, %H:%M", "%Y-%m-%d", "%-d %b %Y", "Updated %-d.%-m. at %-H h (%Z) 100%%", "%Y%m%d",
    "%Y-%m-%dT%H:%M:%S.%f%z %Z", "%-j/%-U/%-W/%-y %p", f"a{SEPARATOR}%d{SEPARATOR}b",
]


def _pelicans_way(pelican: DateFormatter, value: object, form: str) -> tuple[str, object]:
    """What Pelican's filter gives: ("text", result) or ("error", exception type); the locale
    put back as it was (Pelican's filter leaves it switched when a format fails)."""
    found = (locale.setlocale(locale.LC_TIME), locale.setlocale(locale.LC_CTYPE))
    try:
        return "text", pelican(value, form)
    except (ValueError, TypeError) as error:
        return "error", type(error)
    finally:
        locale.setlocale(locale.LC_TIME, found[0])
        locale.setlocale(locale.LC_CTYPE, found[1])


def _check_quick_way(pelican: DateFormatter) -> None:
    found = (locale.setlocale(locale.LC_TIME), locale.setlocale(locale.LC_CTYPE))
    for value in ONE_CALL_VALUES:
        for form in ONE_CALL_FORMATS:
            kind, expected = _pelicans_way(pelican, value, form)
            if kind == "error":
                with pytest.raises(expected):
                    quick_strftime(pelican, value, form)
            else:
                assert quick_strftime(pelican, value, form) == expected, (value, form)
            assert (locale.setlocale(locale.LC_TIME), locale.setlocale(locale.LC_CTYPE)) == found


def test_one_strftime_call_prints_what_pelicans_filter_prints(kept_locale: tuple[str, str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """With the locale already the filter's, every directive (stripped or not), literal text,
    `%%`, candidates kept as written, broken formats and a zone whose name holds the separator
    print (or fail) as Pelican's filter has them; the locale is left as found, and the long way
    is taken only where the one call cannot answer."""
    locale.setlocale(locale.LC_TIME, kept_locale[1])
    pelican = DateFormatter()
    assert pelican.locale == locale.setlocale(locale.LC_CTYPE)
    _check_quick_way(pelican)
    long_way: list[tuple[object, str]] = []
    monkeypatch.setattr(dates, "pelican_strftime",
                        lambda formatter, value, form: long_way.append((value, form)) or "")
    for value in ONE_CALL_VALUES[:-2]:
        quick_strftime(pelican, value, "%-d %B %Y, %H:%M")
        quick_strftime(pelican, value, "%Y-%m-%d")
    assert long_way == []
    quick_strftime(pelican, ONE_CALL_VALUES[-1], "%Z %d")  # the separator in the zone's name
    quick_strftime(pelican, ONE_CALL_VALUES[-2], "%d %B")  # a strftime of its own
    quick_strftime(pelican, ONE_CALL_VALUES[0], "%q %d")  # a candidate kept as written
    assert [form for _, form in long_way] == ["%Z %d", "%d %B", "%q %d"]


def test_a_locale_other_than_the_filters_is_switched_as_pelican_switches_it(
        kept_locale: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """When LC_TIME or LC_CTYPE is not the filter's locale, dates print as Pelican's filter
    prints them, the long way (which switches both for each date), and both are put back."""
    other = "C.UTF-8" if kept_locale[1] != "C.UTF-8" else "C"
    locale.setlocale(locale.LC_TIME, other)
    pelican = DateFormatter()
    assert pelican.locale == other != locale.setlocale(locale.LC_CTYPE)
    _check_quick_way(pelican)
    locale.setlocale(locale.LC_TIME, kept_locale[1])
    _check_quick_way(pelican)
    long_way: list[str] = []

    def recorded(formatter: DateFormatter, value: object, form: str) -> str:
        long_way.append(form)
        return pelican_strftime(formatter, value, form)

    monkeypatch.setattr(dates, "pelican_strftime", recorded)
    for switched in (locale.LC_TIME, locale.LC_CTYPE):
        locale.setlocale(locale.LC_TIME, other)
        locale.setlocale(locale.LC_CTYPE, other)
        locale.setlocale(switched, kept_locale[1])
        assert quick_strftime(pelican, ONE_CALL_VALUES[0], "%Y-%m-%d") == "2023-03-06"
    assert long_way == ["%Y-%m-%d", "%Y-%m-%d"]


def _generator(context: dict[str, object], formatter: DateFormatter) -> SimpleNamespace:
    """What `remember_dates` reads of a Pelican generator: its Jinja filters and the build's context."""
    return SimpleNamespace(env=SimpleNamespace(filters={"strftime": formatter}), context=context)


def test_the_generators_of_a_build_share_what_they_format() -> None:
    """The filters of one build's generators, Pelican's with one locale, share their texts (and
    print as Pelican's filter); another locale, another filter type and the next build do not."""
    build, other_locale = {}, DateFormatter()
    other_locale.locale = "POSIX"

    class OwnFilter(DateFormatter):
        pass

    generators = [_generator(build, DateFormatter()), _generator(build, DateFormatter()),
                  _generator(build, other_locale), _generator(build, OwnFilter())]
    for generator in generators:
        remember_dates(generator)
    articles, listings, posix, own = (generator.env.filters["strftime"] for generator in generators)
    evening = SafeDatetime(2023, 3, 16, 21, 8, tzinfo=KYIV)
    assert articles(evening, "%-d %b %Y") == DateFormatter()(evening, "%-d %b %Y") == listings(evening, "%-d %b %Y")
    assert articles._formatted is listings._formatted and len(listings._formatted) == 1
    assert posix._formatted is not articles._formatted and own._formatted is not articles._formatted
    next_build = _generator({}, DateFormatter())
    remember_dates(next_build)
    assert next_build.env.filters["strftime"]._formatted == {}
    signals.finalized.send(None)
    assert dates._shared == []
