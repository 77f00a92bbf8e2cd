"""The article format: schema validation messages, dates and DST, slugs, reading and writing."""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
import yaml

from archive_format import (
    SCHEMA_PATH,
    FrontMatterSyntaxError,
    article_relpath,
    front_matter_lines,
    load_front_matter,
    localize,
    parse_article,
    render_article,
    slugify,
    validate_front_matter,
)

CASES = yaml.safe_load((Path(__file__).parent / "fixtures" / "front_matter" / "cases.yaml").read_text())
DESKS = ["news", "business", "culture", "sport", "opinion"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_front_matter_case(case: dict) -> None:
    meta = load_front_matter(case["front_matter"])
    problems = validate_front_matter(meta, "content/news/2023/x.md", desks=DESKS, tz_name="Europe/Kyiv",
                                     lines=front_matter_lines(case["front_matter"]))
    if case.get("valid"):
        assert problems == []
        return
    found = [(p.field, str(p)) for p in problems]
    for field, phrase in case["problems"]:
        assert any(f == field and phrase in text for f, text in found), (field, phrase, found)
    # Every message names the file, so a list of problems from many files stays readable.
    assert all(text.startswith("content/news/2023/x.md") for _, text in found)


def test_message_gives_the_line_of_the_field() -> None:
    block = 'headline: "x"\ndesk: news\ndate: 16/03/2023\n'
    (problem,) = validate_front_matter(load_front_matter(block), "content/a.md", desks=DESKS,
                                       lines=front_matter_lines(block))
    # The block starts on line 2 of the file, after the opening '---'.
    assert str(problem).startswith('content/a.md:4: date: "16/03/2023" is not ISO 8601 with an offset')


def test_schema_file_is_a_valid_json_schema_for_editors() -> None:
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    assert set(schema["required"]) == {"headline", "date", "desk"}


@pytest.mark.parametrize(("written", "expected"), [
    ("2023-03-16 21:08", "2023-03-16T21:08:00+02:00"),  # before the DST change: EET
    ("2023-03-27", "2023-03-27T00:00:00+03:00"),        # after it: EEST
    ("2023-03-26T02:30", "2023-03-26T02:30:00+02:00"),  # in the gap: the earlier offset
    ("2023-10-29T03:30", "2023-10-29T03:30:00+03:00"),  # the repeated hour: the first one
    ("2023-03-16T21:08:00Z", "2023-03-16T21:08:00+00:00"),  # an explicit zone wins
    ("2023-03-16T21:08:00-05:00", "2023-03-16T21:08:00-05:00"),
])
def test_localize_uses_site_timezone_with_dst(written: str, expected: str) -> None:
    assert localize(written, "Europe/Kyiv").isoformat() == expected


def test_localize_keeps_the_instant_of_an_explicit_offset() -> None:
    moment = localize("2023-03-16T21:08:00+02:00", "America/New_York")
    assert moment.utcoffset() == timedelta(hours=2)


def test_render_then_parse_round_trips_and_is_stable() -> None:
    meta = {
        "tags": ["China", "Russia"], "desk": "news", "headline": 'Quotes "and" colons: yes',
        "date": datetime.fromisoformat("2023-03-16T21:08:00+02:00"),
        "image": {"credit": "AFP", "src": "images/a.jpg"}, "summary": "Київ, café, مرحبا",
    }
    text = render_article(meta, "\n\nFirst paragraph.\n\nSecond.\n\n")
    assert text.startswith('---\nheadline: \'Quotes "and" colons: yes\'\ndate: 2023-03-16T21:08:00+02:00\ndesk: news\n')
    parsed, body = parse_article(text)
    assert parsed["date"] == "2023-03-16T21:08:00+02:00"
    assert parsed["summary"] == "Київ, café, مرحبا"
    assert list(parsed["image"]) == ["src", "credit"]
    assert body.strip() == "First paragraph.\n\nSecond."
    assert render_article(parsed, body) == text


def test_parse_article_without_front_matter_says_how_to_fix_it() -> None:
    with pytest.raises(FrontMatterSyntaxError, match="start the file with a '---' line"):
        parse_article("# Just a heading\n")


def test_yaml_errors_carry_the_file_line() -> None:
    with pytest.raises(FrontMatterSyntaxError) as caught:
        load_front_matter('headline: "x"\ntags: [unclosed\n')
    assert caught.value.line is not None and caught.value.line >= 3


@pytest.mark.parametrize(("headline", "slug"), [
    ("Politico: China sends rifles, body armor to Russian entities",
     "politico-china-sends-rifles-body-armor-to-russian-entities"),
    ("Київ готується до зими", "kiyiv-gotuietsia-do-zimi"),
    ("Don't panic", "dont-panic"),
    ("Café & Bar — “déjà vu”", "cafe-bar-deja-vu"),
    ("!!!", "story"),
])
def test_slugify(headline: str, slug: str) -> None:
    assert slugify(headline) == slug


def test_slugify_cuts_long_headlines_at_a_word() -> None:
    slug = slugify("word " * 40)
    assert len(slug) <= 80 and not slug.endswith("-") and slug.endswith("word")


def test_article_relpath_uses_the_local_day() -> None:
    meta = {"headline": "Late vote", "date": "2023-03-16T23:30:00+02:00", "desk": "news"}
    assert article_relpath(meta) == "news/2023/2023-03-16-late-vote.md"
    assert article_relpath({**meta, "slug": "custom"}) == "news/2023/2023-03-16-custom.md"
