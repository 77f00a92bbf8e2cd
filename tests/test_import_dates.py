"""Dates in the forms news pages print them (cases in tests/fixtures/import/dates.txt)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from archive_import.dates import RelativeDateError, find_dates, parse_date

CASES = Path(__file__).parent / "fixtures" / "import" / "dates.txt"


def _cases() -> list[tuple[str, str, str]]:
    rows = []
    for line in CASES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            text, expected, role = (part.strip() for part in line.split("⟶"))
            rows.append((text, expected, "" if role == "-" else role))
    return rows


@pytest.mark.parametrize(("text", "expected", "role"), _cases())
def test_news_date_forms(text: str, expected: str, role: str) -> None:
    found = find_dates(text, "Europe/Kyiv")
    assert found, f"no date found in {text!r}"
    assert found[0].value.isoformat() == expected
    assert found[0].role == role


def test_published_and_updated_are_kept_apart() -> None:
    found = find_dates("Published Nov 18, 2019 at 4:07 PM | Updated at 5:36 PM CST on Nov 18, 2019", "UTC")
    assert [(item.role, item.value.isoformat()) for item in found] == [
        ("published", "2019-11-18T16:07:00+00:00"),
        ("updated", "2019-11-18T17:36:00-06:00"),
    ]


def test_explicit_zone_wins_over_site_timezone() -> None:
    assert parse_date("March 16, 2023 9:08 PM GMT", "Europe/Kyiv").utcoffset().total_seconds() == 0
    assert parse_date("March 16, 2023 9:08 PM", "Europe/Kyiv").utcoffset().total_seconds() == 7200


def test_relative_date_needs_a_capture_time() -> None:
    with pytest.raises(RelativeDateError, match="capture time"):
        parse_date("2 hours ago", "Europe/Kyiv")
    captured = datetime.fromisoformat("2023-03-16T12:00:00+02:00")
    assert parse_date("2 hours ago", "Europe/Kyiv", captured).isoformat() == "2023-03-16T10:00:00+02:00"


def test_text_without_a_date_is_an_error_a_person_can_act_on() -> None:
    with pytest.raises(ValueError, match="not a date"):
        parse_date("sometime last spring", "Europe/Kyiv")
