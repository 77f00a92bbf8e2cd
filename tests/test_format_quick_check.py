"""The schema's quick check accepts only front matter the JSON Schema validator accepts.

`validate_front_matter` skips the validator's walk for front matter the quick check accepts,
so a story the quick check let through wrongly would be published unchecked. Every story of
the fixtures, and thousands of damaged copies of them, are put to both.
"""
from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import pytest

from archive_format import parse_article, validate_front_matter
from archive_format.validation import _accepted, _describe, _quick_check, _validator

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent
DESKS = ["news", "business", "culture", "sport", "opinion"]

# Values of every kind YAML can give a field, a few of them near what the schema allows.
ODD_VALUES: list[Any] = [
    None, True, False, 0, 1, 2.5, "", " ", "\t\n", "x" * 301, "x" * 300, "Harbour", "HARBOUR",
    "city-hall", "city--hall", "-city", "2023-03-16", "2023-03-16T21:08:00+02:00", "16/03/2023",
    "2023-03-16T21:08", "en", "en-GB", "e", "/old/path", "old/path", "/with space", "a" * 64,
    "A" * 64, "published", "draft", "html", "markdown", "docx", [], [""], [" "], ["a", "a"],
    ["a", "b"], [1], [None], ["/a", "/a"], ["/a"], {}, {"src": ""}, {"src": "x.png"},
    {"caption": "c"}, {"bogus": 1}, {"date": "2023-03-16", "text": "Fixed"}, {"date": "2023-03-16"},
    [{"date": "2023-03-16", "text": "Fixed"}], [{"date": "2023-03-16", "text": ""}],
    [{"date": "2023-03-16", "text": "Fixed", "by": "me"}], [{"text": "Fixed"}], ["Fixed"],
    {"url": "https://example.invalid", "format": "html"}, {"format": "pdf"}, {"sha256": "0" * 64},
    {"sha256": "z" * 64}, {"guid": 3},
]
FIELDS = ["headline", "date", "modified", "desk", "byline", "tags", "summary", "image", "source",
          "lang", "slug", "aliases", "corrections", "status", "extra"]


def _stories() -> list[dict[str, Any]]:
    """The front matter of every article of the fixture archive and the sample content."""
    stories = []
    for folder in (FIXTURES / "archive", REPO / "content"):
        for path in sorted(folder.rglob("*.md")):
            if "pages" in path.relative_to(folder).parts:
                continue
            meta, _ = parse_article(path.read_text(encoding="utf-8"), str(path))
            stories.append(meta)
    return stories


def _schema_problems(meta: dict[str, Any]) -> list[tuple[str, str]]:
    errors = sorted(_validator().iter_errors(meta), key=lambda e: list(map(str, e.absolute_path)))
    return [_describe(error) for error in errors]


def _damaged(meta: dict[str, Any], chance: random.Random) -> dict[str, Any]:
    """A copy with one to three fields set to odd values, removed, or nested values changed."""
    damaged = copy.deepcopy(meta)
    for _ in range(chance.randint(1, 3)):
        field = chance.choice(FIELDS)
        action = chance.random()
        if action < 0.15:
            damaged.pop(field, None)
        elif action < 0.3 and isinstance(damaged.get(field), list) and damaged[field]:
            damaged[field][chance.randrange(len(damaged[field]))] = chance.choice(ODD_VALUES)
        elif action < 0.4 and isinstance(damaged.get(field), dict):
            damaged[field][chance.choice(["src", "caption", "format", "sha256", "other"])] = chance.choice(ODD_VALUES)
        else:
            damaged[field] = copy.deepcopy(chance.choice(ODD_VALUES))
    return damaged


def test_every_fixture_story_is_accepted_quickly() -> None:
    """The quick check is used: the valid stories it is there for pass it."""
    stories = _stories()
    assert len(stories) > 20
    for meta in stories:
        assert _schema_problems(meta) == [], meta
        assert _accepted()(meta), meta


@pytest.mark.parametrize("seed", range(4))
def test_quick_check_accepts_nothing_the_validator_refuses(seed: int) -> None:
    """Damaged copies: accepted quickly only when the validator finds nothing, and
    validate_front_matter reports exactly the validator's problems either way."""
    chance = random.Random(seed)
    stories = _stories()
    outcomes = {True: 0, False: 0}
    for _ in range(1500):
        meta = _damaged(chance.choice(stories), chance)
        problems = _schema_problems(meta)
        accepted = _accepted()(meta)
        if accepted:
            assert problems == [], (meta, problems)
        outcomes[accepted] += 1
        reported = [(p.field, p.message) for p in validate_front_matter(meta, "story.md", desks=DESKS)]
        assert reported[:len(problems)] == problems, meta
    assert outcomes[True] > 100 and outcomes[False] > 100, outcomes


def test_a_keyword_the_quick_check_does_not_know_turns_it_off() -> None:
    schema = copy.deepcopy(_validator().schema)
    assert _quick_check(schema) is not None
    schema["properties"]["headline"]["format"] = "email"
    assert _quick_check(schema) is None
    schema = copy.deepcopy(_validator().schema)
    schema["additionalProperties"] = {"type": "string"}
    assert _quick_check(schema) is None
