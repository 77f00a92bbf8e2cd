"""Dates in front matter: ISO 8601 strings, made timezone-aware with the site's TIMEZONE."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class NotIsoDate(ValueError):
    """A front-matter date that ISO 8601 parsing rejects (e.g. "2023-02-30")."""


@cache
def _zone(tz_name: str) -> ZoneInfo:
    return ZoneInfo(tz_name)


def known_zone(name: Any) -> bool:
    """Whether `name` is a time zone zoneinfo knows (a TIMEZONE setting that can be used)."""
    try:
        _zone(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return False
    return True


def text_mapping(value: Any) -> bool:
    """Whether `value` maps text to text, as DESKS (desk slug → display name) must."""
    return isinstance(value, Mapping) and all(isinstance(key, str) and isinstance(item, str)
                                              for key, item in value.items())


def localize(value: str | date | datetime, tz_name: str) -> datetime:
    """Return ``value`` as an aware datetime.

    An explicit offset is kept as written. A bare date means midnight, and a time without
    offset means that wall-clock time, both in ``tz_name`` with its daylight saving rules
    (Europe/Kyiv: 2023-03-16 is +02:00, 2023-03-27 is +03:00).
    Raises NotIsoDate for a string that is not an ISO 8601 date or date-time.
    """
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime.combine(value, time())
    else:
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError as error:
            raise NotIsoDate(f"{value!r} is not an ISO 8601 date: {error}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_zone(tz_name))
    return parsed


def format_datetime(moment: datetime) -> str:
    """Return the front-matter spelling of an aware datetime: 2023-03-16T21:08:00+02:00."""
    return moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds")
