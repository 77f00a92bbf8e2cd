"""Front matter read without a YAML parser is what YAML reads, or is left to YAML.

`load_front_matter` reads plain `field: value` and `field: [a, b]` blocks itself. Blocks built
from values YAML reads in other ways (numbers, booleans, nulls, dates it could resolve, quoted,
commented, nested or broken text) are compared with YAML's own reading.
"""
from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from archive_format import load_front_matter, parse_article, render_article
from archive_format.document import _ArchiveLoader, _plain_front_matter

REPO = Path(__file__).parent.parent
FIELDS = ["headline", "date", "desk", "byline", "tags", "summary", "lang", "slug", "status", "modified",
          "yes", "no", "on", "null", "true", "y", "n", "Headline", "a-b", "tags_2", "x"]
SEPARATORS = [": ", ": ", ": ", ":  ", ":", ": \t", " : ", ":\t"]
VALUES = ["Harbour reopens", "City hall", "2019-01-05T07:45:00+02:00", "2019-01-05", "2019-01-05 07:45",
          "12", "1.5", "0x1F", "1_000", "0o17", "0b101", "1e3", "1.0e+3", "190:20:30", "1:30", ".5", "+1",
          "-1", ".inf", "inf", ".NaN", "NaN", "yes", "No", "OFF", "on", "null", "Null", "NULL", "~", "=",
          "<<", "-x", "- item", "? q", "| lit", "> fold", "'quoted'", '"double"', "O'Brien", 'say "hi"',
          "a: b", "a:b", "x:", "a #c", "a#c", "C#", "AT&T", "*star", "&anchor", "!tag", "%pct", "@at",
          "`tick", "e\u0301", "Kyiv \u041a\u0438\u0457\u0432", "\u65e5\u672c", "\u2028", "a\x85b",
          "\ufeffBOM", "no\xa0break", "trailing ", " leading", "a\tb", "emoji \U0001f600", "1",
          "True story", "Null hypothesis", "On the record", "news", "published", "en", "a,b", "{a: b}",
          "'", "''", "'''", "''''", "'a'''", "'a' b", "'a'b'", "'it''s'", "'x\u2028'", "' lead '", "'a\tb'",
          "'a #c'", "'x' #c", "'\x85'", "'a: b'", "'\\n'", "'\"q\"'", "'yes'", "'12'", "'~'", "'a", "a'",
          "'\U0001f600'", "'\x07'", "'a\u00a0b'"]
LISTS = ["[Marta Kovalenko, Oskar Lindqvist]", "[Israel, Fischer, Bank]", "[]", "[a]", "[a,b]",
         "[a, [b]]", "[yes, no]", "[1, 2]", "[a , b]", "[a,  b]", "[ a, b]", "[a, b, ]", "[a: b]",
         "[O'Brien, AT&T]", "[null]", "[a, 'b']", "[a # c]", "[~]", "[a, b", "[a, b]]", "[-a]"]
# Values as the importer writes most of them.
PLAIN = ["Harbour reopens", "City hall", "2019-01-05T07:45:00+02:00", "O'Brien", "AT&T", "a:b",
         "'Japan''s ageing workforce: built to last'", "'''Standoff'' on the bid'", "'$1m payoff'",
         "[Marta Kovalenko, Oskar Lindqvist]", "news", "published", "Kyiv \u041a\u0438\u0457\u0432"]
EXTRA_LINES = ["", "# a comment", "  indented: more", "- item", "---", "...", "key with space: x",
               "image:", "  src: a.png", "\r", "headline: x\r"]


def _block(chance: random.Random) -> str:
    lines = []
    for _ in range(chance.randint(1, 8)):
        if chance.random() < 0.08:
            lines.append(chance.choice(EXTRA_LINES))
            continue
        kind = chance.random()
        value = (chance.choice(PLAIN) if kind < 0.5 else chance.choice(LISTS) if kind < 0.65
                 else chance.choice(VALUES))
        if chance.random() < 0.15:
            value = chance.choice(VALUES) + " " + chance.choice(VALUES)
        field = chance.choice(FIELDS) if chance.random() < 0.2 else chance.choice(FIELDS[:10])
        separator = chance.choice(SEPARATORS) if chance.random() < 0.2 else ": "
        lines.append(field + separator + value)
    return "\n".join(lines) + chance.choice(["\n", "", "\n\n"])


def _same(ours: Any, theirs: Any) -> bool:
    """Equal, of the same types all the way down, with keys in the same order."""
    if type(ours) is not type(theirs):
        return False
    if isinstance(ours, dict):
        return list(ours) == list(theirs) and all(_same(ours[key], theirs[key]) for key in ours)
    if isinstance(ours, list):
        return len(ours) == len(theirs) and all(map(_same, ours, theirs))
    return bool(ours == theirs)


def _stories() -> list[str]:
    """The front matter of the fixture and sample stories as written by hand and as
    render_article (the importer) writes it."""
    blocks = []
    for folder in (REPO / "tests" / "fixtures" / "archive", REPO / "content"):
        for path in sorted(folder.rglob("*.md")):
            text = path.read_text(encoding="utf-8")
            meta, body = parse_article(text, str(path))
            blocks += [text.split("---\n")[1], render_article(meta, body).split("---\n")[1]]
    return blocks


@pytest.mark.parametrize("seed", range(3))
def test_plain_blocks_read_as_yaml_reads_them(seed: int) -> None:
    chance = random.Random(seed)
    read_quickly = 0
    for _ in range(6000):
        block = _block(chance)
        ours = _plain_front_matter(block)
        try:
            theirs = yaml.load(block, Loader=_ArchiveLoader)  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError:
            assert ours is None, block
            continue
        if ours is not None:
            read_quickly += 1
            assert _same(ours, theirs), (block, ours, theirs)
    assert read_quickly > 400


def test_the_archives_own_stories_are_read_quickly_and_as_yaml_reads_them() -> None:
    blocks = _stories()
    quick = [block for block in blocks if _plain_front_matter(block) is not None]
    assert len(quick) > len(blocks) // 4
    for block in blocks:
        theirs = yaml.load(block, Loader=_ArchiveLoader)  # noqa: S506 - a SafeLoader subclass
        assert _same(load_front_matter(block), theirs), block


def test_a_line_read_again_gives_each_story_its_own_values() -> None:
    """Lines met before are taken from memory, yet every story gets lists of its own: a
    byline changed in one story's front matter is not changed in the next story's."""
    block = "headline: Harbour reopens\ndesk: news\nbyline: [Ann Lee, Bo Kim]\ntags: [Port]\n"
    first, again = _plain_front_matter(block), _plain_front_matter(block)
    assert first == again == yaml.load(block, Loader=_ArchiveLoader)  # noqa: S506
    assert first is not None and again is not None
    first["byline"].append("Cy Ng")
    first["tags"].clear()
    assert again["byline"] == ["Ann Lee", "Bo Kim"] and again["tags"] == ["Port"]
    assert type(again["byline"]) is list
    # A field twice is left to YAML, whether its lines were met before or not.
    assert _plain_front_matter(block + "desk: news\n") is None
