"""Dates formatted once per build: the `strftime` filter of every template, remembered.

Pelican's `strftime` Jinja filter (pelican.utils.DateFormatter) switches the locale twice,
parses the format with regular expressions and formats each directive on its own: 15 µs a
call, and the listings show a story's date on every page that lists it (230,000 calls for
10,000 stories, 3.4 s). `RememberedDates` wraps a generator's filter and formats each
(date, format) once; what it returns is the wrapped filter's own result.

Even once each, a build asks for about three new (date, format) pairs per story. For Pelican's
own filter `pelican_strftime` does what it does, step for step (the same locale switches, the
same directives, the same zero stripping), with each format's directives found once per build
instead of by two regular expressions on every call and without two context managers per call:
12-20 µs a date becomes about 5.

That still cost each new (date, format) six `setlocale` calls and one `strftime` per directive
(about 15 µs; 50,000 new pairs at 10,000 stories). `quick_strftime` asks the locale twice and
switches it only when it is not already the filter's (it is, unless something changed it after
the generators were made), and formats all the directives of a format in one `strftime` call:
joined by a separator no directive prints, the result split on it (should a piece hold the
separator after all, e.g. a time zone's name, the count tells and the long way answers).
Every generator has a filter of its own; those of one build that are Pelican's with the same
locale share what they format (a story's date is formatted for its page, its neighbours' pages
and its listings, by two generators).
"""

from __future__ import annotations

import datetime
import locale
import re
from collections.abc import Callable, Hashable
from functools import cache
from typing import Any

from pelican import signals
from pelican.utils import DateFormatter, SafeDatetime

# Values whose formatting follows from the key below (others are passed through).
REMEMBERED_KINDS = (datetime.date,)

# pelican.utils.strftime's candidates, and the directives of C89 (and ISO) it formats.
_CANDIDATE = "%[-]?."
_C89_DIRECTIVES = "aAbBcdfGHIjmMpSUuVwWxXyYzZ%"


@cache
def _parsed(date_format: str) -> tuple[str, tuple[tuple[str, bool] | str, ...]]:
    """pelican.utils.strftime's reading of a format: the text with `%s` for each candidate, and
    per candidate either (directive, strip leading zeros) or the candidate kept as written."""
    parts: list[tuple[str, bool] | str] = []
    for candidate in re.findall(_CANDIDATE, date_format):
        if candidate[-1] not in _C89_DIRECTIVES:
            parts.append(candidate)
        elif len(candidate) == 3:  # "%-d": the day without its leading zero
            parts.append((f"%{candidate[-1]}", True))
        else:
            parts.append((candidate, False))
    return re.sub(_CANDIDATE, "%s", date_format), tuple(parts)


def _pelicans_locale(category: int) -> str:
    """The locale temporary_locale restores (its name for Windows' Turkish included)."""
    current = locale.setlocale(category)
    return "Turkish" if current == "Turkish_Türkiye.1254" else current


def pelican_strftime(formatter: DateFormatter, date: Any, date_format: str) -> str:
    """What `formatter(date, date_format)` returns, for Pelican's own DateFormatter."""
    template, parts = _parsed(date_format)
    time_locale = _pelicans_locale(locale.LC_TIME)
    if formatter.locale:
        locale.setlocale(locale.LC_TIME, formatter.locale)
    ctype_locale = _pelicans_locale(locale.LC_CTYPE)
    if formatter.locale:
        locale.setlocale(locale.LC_CTYPE, formatter.locale)
    try:
        # SafeDatetime.strftime(safe=False) is datetime's own strftime.
        own = datetime.datetime.strftime if isinstance(date, SafeDatetime) else type(date).strftime
        values = []
        for part in parts:
            if isinstance(part, str):
                values.append(part)
            else:
                directive, strip_zeros = part
                formatted = own(date, directive)
                values.append((formatted.lstrip("0") or "0") if strip_zeros else formatted)
        return template % tuple(values)
    finally:
        locale.setlocale(locale.LC_CTYPE, ctype_locale)
        locale.setlocale(locale.LC_TIME, time_locale)


# Joins the directives of a format for one `strftime` call (a control character: no month, day
# or zone name holds it, and `quick_strftime` checks the count of pieces anyway).
SEPARATOR = "\x1f"
# The types `quick_strftime` formats in one call: strftime is datetime's own for them (Pelican's
# SafeDatetime asked with safe=False, as its filter asks it); any other type has its own say.
_ONE_CALL_TYPES = frozenset({SafeDatetime, datetime.datetime, datetime.date})


@cache
def _one_call(date_format: str) -> tuple[str, int, tuple[int, ...]] | None:
    """A format's directives joined by SEPARATOR, their count and the places of those whose
    leading zeros go; None when the format has no directive or a candidate kept as written."""
    _, parts = _parsed(date_format)
    if not parts or any(isinstance(part, str) for part in parts):
        return None
    stripped = tuple(place for place, (_, strip_zeros) in enumerate(parts) if strip_zeros)
    return SEPARATOR.join(directive for directive, _ in parts), len(parts), stripped


def quick_strftime(formatter: DateFormatter, date: Any, date_format: str) -> str:
    """What `formatter(date, date_format)` returns, for Pelican's own DateFormatter: one
    `strftime` call when the locale is already the formatter's, else `pelican_strftime`."""
    wanted = formatter.locale
    plan = _one_call(date_format)
    if (plan is None or type(date) not in _ONE_CALL_TYPES or not wanted
            or locale.setlocale(locale.LC_TIME) != wanted or locale.setlocale(locale.LC_CTYPE) != wanted):
        return pelican_strftime(formatter, date, date_format)
    joined, count, stripped = plan
    own = datetime.datetime.strftime if type(date) is SafeDatetime else type(date).strftime
    values = own(date, joined).split(SEPARATOR)
    if len(values) != count:
        return pelican_strftime(formatter, date, date_format)
    for place in stripped:
        values[place] = values[place].lstrip("0") or "0"
    return _parsed(date_format)[0] % tuple(values)


class RememberedDates:
    """A `strftime` filter that formats each (date, format) once with `formatter`."""

    def __init__(self, formatter: Callable[[Any, str], str], formatted: dict[Hashable, str] | None = None) -> None:
        """`formatted`: the texts formatted so far, when shared with filters that print alike."""
        self.formatter = formatter
        self._formatted: dict[Hashable, str] = {} if formatted is None else formatted
        # Pelican's own filter is formatted the quick way; any other (a subclass too) as it is.
        self._format: Callable[[Any, str], str] = (
            (lambda date, date_format: quick_strftime(formatter, date, date_format))
            if type(formatter) is DateFormatter else formatter)

    def __call__(self, date: Any, date_format: str) -> str:
        if not isinstance(date, REMEMBERED_KINDS) or not isinstance(date_format, str):
            return self.formatter(date, date_format)
        # Aware datetimes are equal when they are the same instant, whatever their zone, and
        # equal under one zone whatever their fold (the offset an ambiguous hour shows): both
        # are part of the key, so equal keys print the same.
        key = (type(date), date, getattr(date, "tzinfo", None), getattr(date, "fold", 0), date_format)
        formatted = self._formatted.get(key)
        if formatted is None:
            formatted = self._formatted[key] = self._format(date, date_format)
        return formatted


# The dates formatted by the generators of the build under way, shared by those whose filter is
# Pelican's own with the same locale (each generator has a filter of its own, and a story's date
# is shown by its page, its neighbours' pages and its listings): (the build's context, texts by
# locale). Let go when the build ends.
_shared: list[tuple[Any, dict[str, dict[Hashable, str]]]] = []


def _shared_texts(context: Any, formatter: Any) -> dict[Hashable, str] | None:
    """The texts this build's filters formatting as `formatter` does share; None for a filter
    other than Pelican's own."""
    if type(formatter) is not DateFormatter:
        return None
    if not _shared or _shared[0][0] is not context:
        _shared[:] = [(context, {})]
        signals.finalized.connect(_forget_shared)
    return _shared[0][1].setdefault(formatter.locale, {})


def _forget_shared(pelican: Any) -> None:
    """`finalized` receiver: the build's dates are let go with it."""
    _shared.clear()


def remember_dates(generator: Any) -> None:
    """`generator_init` receiver: the generator's `strftime` filter formats each date once
    per build (Pelican's own filter only: one set in JINJA_FILTERS may not give the same text
    twice), sharing what it formats with the build's other generators that print alike."""
    filters = generator.env.filters
    formatter = filters.get("strftime")
    if isinstance(formatter, DateFormatter):
        filters["strftime"] = RememberedDates(formatter, _shared_texts(generator.context, formatter))
