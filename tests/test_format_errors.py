"""Front matter an editor got wrong in ways YAML itself lets pass: refused with the line to fix."""
from __future__ import annotations

import pytest

from archive_format import FrontMatterSyntaxError, load_front_matter, parse_article


@pytest.mark.parametrize(("block", "message", "line"), [
    # A second headline pasted under the first: YAML keeps the last, the first is lost unseen.
    ('headline: "Tram line approved"\nheadline: "Tram line approved at last"\ndate: 2023-03-16\ndesk: news\n',
     '"headline" is given twice (lines 2 and 3); keep one of them', 3),
    ("headline: x\ndate: 2023-03-16\ndesk: news\nimage:\n  caption: Quay\n  caption: East quay\n",
     '"caption" is given twice (lines 6 and 7); keep one of them', 7),
    ("headline: x\ndate: 2023-03-16\ndesk: news\nimage: {src: a.jpg, src: b.jpg}\n",
     '"src" is given twice (line 5); keep one of them', 5),
])
def test_a_field_given_twice_is_refused_with_its_lines(block: str, message: str, line: int) -> None:
    with pytest.raises(FrontMatterSyntaxError) as caught:
        load_front_matter(block)
    assert message in str(caught.value)
    assert caught.value.line == line


def test_a_merge_key_may_still_repeat_what_it_merges() -> None:
    # `<<` copies the anchored fields in; writing one of them again is YAML's way to override it.
    meta, _ = parse_article("---\nimage: &photo {src: a.jpg, credit: Ledger}\n"
                            "source:\n  <<: *photo\n  src: b.jpg\n---\nBody\n")
    assert meta["source"] == {"src": "b.jpg", "credit": "Ledger"}
