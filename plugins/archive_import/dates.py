"""Find and parse the dates news pages print: datelines, bylines, "Updated ..." notes.

Callers get aware datetimes. An explicit zone on the page ("ET", "GMT", "+02:00") wins over the
site TIMEZONE; a bare date or time is placed in the site TIMEZONE, DST-aware. Relative dates
("2 hours ago") need the capture time of the page, otherwise they are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from archive_format import localize

__all__ = ["FoundDate", "RelativeDateError", "find_dates", "parse_date", "looks_like_dateline"]


class RelativeDateError(ValueError):
    """A relative date ("3 hours ago") was found but no capture time was given to anchor it."""


@dataclass(frozen=True)
class FoundDate:
    """One date found in a line of text."""

    value: datetime
    """Aware datetime (explicit zone, else the site TIMEZONE)."""
    role: str
    """"published", "updated" or "" when the page does not say."""
    start: int
    """Offset of the first character of the date (or of its time, when the time comes first)."""
    end: int
    """Offset just past the date and its time/zone."""
    has_time: bool
    """Whether the page gave a time of day (a bare date is placed at midnight)."""


_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "okt": 10, "nov": 11, "dec": 12, "dez": 12,
}
# Month names of the newsroom's other languages (Ukrainian and Russian in both cases, German,
# French, Spanish, Portuguese), whole words only.
_LOCAL_MONTHS = {
    **dict.fromkeys(["січня", "січень", "января", "январь", "januar", "janvier", "enero", "janeiro"], 1),
    **dict.fromkeys(["лютого", "лютий", "февраля", "февраль", "februar", "février", "febrero", "fevereiro"], 2),
    **dict.fromkeys(["березня", "березень", "марта", "март", "märz", "mars", "marzo", "março"], 3),
    **dict.fromkeys(["квітня", "квітень", "апреля", "апрель", "avril", "abril"], 4),
    **dict.fromkeys(["травня", "травень", "мая", "май", "mai", "mayo", "maio"], 5),
    **dict.fromkeys(["червня", "червень", "июня", "июнь", "juni", "juin", "junio", "junho"], 6),
    **dict.fromkeys(["липня", "липень", "июля", "июль", "juli", "juillet", "julio", "julho"], 7),
    **dict.fromkeys(["серпня", "серпень", "августа", "август", "août", "agosto"], 8),
    **dict.fromkeys(["вересня", "вересень", "сентября", "сентябрь", "septembre", "septiembre", "setembro"], 9),
    **dict.fromkeys(["жовтня", "жовтень", "октября", "октябрь", "oktober", "octobre", "octubre", "outubro"], 10),
    **dict.fromkeys(["листопада", "листопад", "ноября", "ноябрь", "novembre", "noviembre", "novembro"], 11),
    **dict.fromkeys(["грудня", "грудень", "декабря", "декабрь", "dezember", "décembre", "diciembre", "dezembro"], 12),
}
_MONTH = (
    r"(?P<mon>"
    + "|".join(sorted(_LOCAL_MONTHS, key=len, reverse=True))
    + r"|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|o[ck]t(?:ober)?|nov(?:ember)?|de[cz](?:ember)?)(?!\w)\.?"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"

# Explicit standard/daylight abbreviations are fixed offsets; the generic ones follow DST.
_FIXED_ZONES = {
    "utc": 0, "gmt": 0, "z": 0, "est": -300, "edt": -240, "cst": -360, "cdt": -300,
    "mst": -420, "mdt": -360, "pst": -480, "pdt": -420, "bst": 60, "cet": 60, "cest": 120,
    "eet": 120, "eest": 180, "msk": 180, "ist": 330, "jst": 540, "kst": 540, "aest": 600,
    "aedt": 660, "wib": 420, "sgt": 480, "hkt": 480,
}
_REGIONAL_ZONES = {
    "et": "America/New_York", "ct": "America/Chicago", "mt": "America/Denver",
    "pt": "America/Los_Angeles", "kyiv time": "Europe/Kyiv",
}
_ZONE = (
    r"(?P<zone>(?:utc|gmt)\s?[+-]\s?\d{1,2}(?::?\d\d)?|[+-]\d\d:?\d\d|kyiv time|"
    + "|".join(sorted(list(_FIXED_ZONES) + [z for z in _REGIONAL_ZONES if " " not in z], key=len, reverse=True))
    + r")\b"
)
_TIME = (
    r"(?P<hour>[0-2]?\d)(?:[:.h](?P<minute>[0-5]\d))(?::(?P<second>[0-5]\d))?"
    r"(?:\s*(?P<ampm>[ap]\.?\s?m\.?))?(?:\s*(?:" + _ZONE + r"))?"
    r"|(?P<hour2>[01]?\d)\s*(?P<ampm2>[ap]\.?m\.?)(?:\s*(?:" + _ZONE.replace("?P<zone>", "?P<zone2>") + r"))?"
)

_DATE_FORMS = [
    # March 16, 2023 / Nov. 19, 2019 / November 20th, 2019 / Nov 20 2019
    re.compile(_WEEKDAY + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR + r"\b", re.I),
    # 16 March 2023 / 18 Nov 2019 / 16. März is not covered
    re.compile(_WEEKDAY + _DAY + r"\.?\s+(?:de\s+)?" + _MONTH + r",?\s+(?:de\s+)?" + _YEAR + r"\b(?:\s*(?:р\.|г\.|року|года)(?!\w))?", re.I),
    # 2023-03-16, 2023/03/16, 2016.12.01 (optionally ISO with T time)
    re.compile(r"\b(?P<year>(?:19|20)\d\d)(?P<sep>[-/.])(?P<mnum>[01]?\d)(?P=sep)(?P<day>[0-3]?\d)\b"),
    # 11/13/19, 03/16/2023, 11.14.2019: American order unless the first number cannot be a month
    re.compile(r"\b(?P<mnum>[0-3]?\d)/(?P<day>[0-3]?\d)/(?P<year>(?:19|20)?\d\d)\b"),
    re.compile(r"\b(?P<mnum>[0-3]?\d)\.(?P<day>[0-3]?\d)\.(?P<year>(?:19|20)\d\d)\b"),
]
_ZONE_AFTER = re.compile(r"\s*(?:" + _ZONE + r")", re.I)
_TIME_RE = re.compile(r"(?<![\d:])(?:" + _TIME + r")(?![\d:])", re.I)
_ISO_RE = re.compile(
    r"\b(?:19|20)\d\d-[01]\d-[0-3]\d[T ][0-2]\d:[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-][0-2]\d:?[0-5]\d)?\b"
)
_RELATIVE_RE = re.compile(
    r"\b(?:(?P<n>\d+|an?|one)\s+(?P<unit>sec(?:ond)?|min(?:ute)?|hour|hr|day|week)s?\s+ago|(?P<word>yesterday|just now))\b",
    re.I,
)
_ROLE_UPDATED = re.compile(r"(updated|modified|last edited|changed)\W*(?:on|at)?\W*$", re.I)
_ROLE_PUBLISHED = re.compile(r"(published|posted|first published|released|created)\W*(?:on|at)?\W*$", re.I)
# how far a time may sit from its date ("March 16, 2023 at 9:08 PM", "10:48, Tue, Nov 19, 2019")
_TIME_AFTER_GAP = re.compile(r"^[\s,|\-–—•·]*(?:at|às|um|a las|à|о|в|,)?[\s,|\-–—]*$", re.I)
_TIME_BEFORE_GAP = re.compile(r"^[\s,|\-–—•·]*(?:on|,)?[\s,]*$", re.I)


def _zone_of(name: str | None) -> tzinfo | None:
    """The tzinfo for a zone written on the page, or None when none was written."""
    if not name:
        return None
    key = re.sub(r"\s+", "", name.lower())
    if key in _FIXED_ZONES:
        return timezone(timedelta(minutes=_FIXED_ZONES[key]))
    if name.lower() in _REGIONAL_ZONES:
        return ZoneInfo(_REGIONAL_ZONES[name.lower()])
    match = re.fullmatch(r"(?:utc|gmt)?([+-])(\d{1,2}):?(\d\d)?", key)
    if match:
        minutes = int(match.group(2)) * 60 + int(match.group(3) or 0)
        return timezone(timedelta(minutes=minutes if match.group(1) == "+" else -minutes))
    return None


def _aware(naive: datetime, zone: tzinfo | None, site_tz: str) -> datetime:
    """Attach the page's zone if it named one, else the site TIMEZONE (DST-aware)."""
    return localize(naive, site_tz) if zone is None else naive.replace(tzinfo=zone)


def _time_parts(match: re.Match[str]) -> tuple[int, int, int, str | None] | None:
    """(hour, minute, second, zone) from a time match, or None when it is not a valid time."""
    if match.group("hour") is not None:
        hour, minute = int(match.group("hour")), int(match.group("minute"))
        second = int(match.group("second") or 0)
        ampm, zone = match.group("ampm"), match.group("zone")
    else:
        hour, minute, second = int(match.group("hour2")), 0, 0
        ampm, zone = match.group("ampm2"), match.group("zone2")
    if ampm:
        if not 1 <= hour <= 12:
            return None
        is_pm = ampm.lower().startswith("p")
        hour = hour % 12 + (12 if is_pm else 0)
    if hour > 23:
        return None
    return hour, minute, second, zone


def _role(prefix: str) -> str:
    if _ROLE_UPDATED.search(prefix):
        return "updated"
    if _ROLE_PUBLISHED.search(prefix):
        return "published"
    return ""


def _calendar_date(match: re.Match[str]) -> tuple[int, int, int] | None:
    groups = match.groupdict()
    year = int(groups["year"])
    if year < 100:
        year += 2000
    if groups.get("mon"):
        name = groups["mon"].lower()
        month = _LOCAL_MONTHS.get(name) or _MONTHS[name[:3]]
        day = int(groups["day"])
    else:
        month, day = int(groups["mnum"]), int(groups["day"])
        # 13/11/2019 is day first; a year-first form (2019-11-13) never swaps
        if month > 12 and day <= 12 and "sep" not in groups:
            month, day = day, month
    try:
        datetime(year, month, day)
    except ValueError:
        return None
    return year, month, day


def _with_time(line: str, start: int, end: int) -> tuple[int, int, tuple[int, int, int, str | None] | None]:
    """Widen a date's span to the time printed next to it ("March 16, 2023 9:08 PM",
    "10:48, Tue, Nov 19, 2019"); return (start, end, (hour, minute, second, zone) or None)."""
    for time_match in _TIME_RE.finditer(line):
        gap_after = line[end: time_match.start()]
        gap_before = line[time_match.end(): start]
        after = time_match.start() >= end and len(gap_after) <= 6 and _TIME_AFTER_GAP.match(gap_after)
        before = time_match.end() <= start and len(gap_before) <= 8 and _TIME_BEFORE_GAP.match(gap_before)
        if after or before:
            parts = _time_parts(time_match)
            if parts:
                return (start, time_match.end(), parts) if after else (time_match.start(), end, parts)
    return start, end, None


# copied page text loses the space between adjacent elements: "NOV 20 20194:29 AM ESTUPDATED"
_GLUED_YEAR_TIME = re.compile(r"\b((?:19|20)\d\d)(?=[0-2]?\d:[0-5]\d)")
_GLUED_ROLE = re.compile(r"(?<=[A-Za-z])(?=(?:UPDATED|PUBLISHED|Updated|Published)\b)")


def find_dates(line: str, site_tz: str, captured_at: datetime | None = None) -> list[FoundDate]:
    """Every date in one line of text, in order, with its role and span.

    Raises RelativeDateError for "N hours ago" style dates when no capture time is given.
    Spans refer to the line with glued elements separated (a year and its time, a zone and
    "UPDATED"), which only differs from `line` inside or after such a date.
    """
    line = _GLUED_ROLE.sub(" ", _GLUED_YEAR_TIME.sub(r"\1 ", line))
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for iso in _ISO_RE.finditer(line):
        text = iso.group(0).replace(" ", "T")
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if value.tzinfo is None:
            value = localize(value, site_tz)
        found.append(FoundDate(value, _role(line[: iso.start()][-30:]), iso.start(), iso.end(), True))
        taken.append(iso.span())

    for form in _DATE_FORMS:
        for match in form.finditer(line):
            if not free(*match.span()):
                continue
            calendar = _calendar_date(match)
            if calendar is None:
                continue
            start, end, clock = _with_time(line, *match.span())
            hour, minute, second, zone_name = clock or (0, 0, 0, None)
            has_time = clock is not None
            if zone_name is None:
                # "Nov. 19, 2019 ET" or a zone after the time when the time came first
                zone_after = _ZONE_AFTER.match(line, end)
                if zone_after:
                    zone_name = zone_after.group("zone")
                    end = zone_after.end()
            naive = datetime(*calendar, hour, minute, second)
            value = _aware(naive, _zone_of(zone_name), site_tz)
            found.append(FoundDate(value, _role(line[:start][-30:]), start, end, has_time))
            taken.append((start, end))

    if not found:
        relative = _RELATIVE_RE.search(line)
        if relative:
            if captured_at is None:
                raise RelativeDateError(
                    f'"{relative.group(0)}" is a relative date; give the capture time (--captured-at) to import it'
                )
            found.append(
                FoundDate(_resolve_relative(relative, captured_at), _role(line[: relative.start()][-30:]),
                          relative.start(), relative.end(), True)
            )
    found.sort(key=lambda item: item.start)
    return found


def _resolve_relative(match: re.Match[str], captured_at: datetime) -> datetime:
    if match.group("word"):
        return captured_at - (timedelta(days=1) if match.group("word").lower() == "yesterday" else timedelta(0))
    count_text = match.group("n").lower()
    count = 1 if count_text in ("a", "an", "one") else int(count_text)
    unit = match.group("unit").lower()
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[unit[0]]
    return captured_at - timedelta(seconds=count * seconds)


def parse_date(text: str, site_tz: str, captured_at: datetime | None = None) -> datetime:
    """The first date in `text` as an aware datetime.

    Raises ValueError (or RelativeDateError) with a message a person can act on.
    """
    text = text.strip()
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    else:
        return value if value.tzinfo else localize(value, site_tz)
    dates = find_dates(text, site_tz, captured_at)
    if not dates:
        raise ValueError(f'"{text}" is not a date this importer understands (e.g. "March 16, 2023 9:08 PM")')
    return dates[0].value


def looks_like_dateline(line: str) -> bool:
    """True when the line is little more than a date (and maybe a time, a zone, a role word)."""
    try:
        dates = find_dates(line, "UTC")
    except RelativeDateError:
        return True
    if not dates:
        return False
    rest = line
    for found in reversed(dates):
        rest = rest[: found.start] + rest[found.end :]
    return len(re.findall(r"\w+", rest)) <= 3
