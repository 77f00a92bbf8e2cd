"""Tags and summaries for stories that arrive without them."""

from __future__ import annotations

from archive_import.tagging import suggest_tags, summarize

STORY = [
    "Harbour officials in Eastbank said on Monday that the Marigold ferry would return, the Ledger reported.",
    "According to the Ledger, Mayor Olena Marsh approved the repairs. Marsh said Eastbank needed the ferry.",
    "Ukrainian engineers from Kyiv checked the engines, and Kyiv sent two more inspectors to Eastbank.",
    "The Marigold will sail every half hour, Marsh said.",
]


def test_names_the_story_returns_to_without_attribution_or_titles() -> None:
    tags = suggest_tags("Marigold Ferry Returns To Eastbank After Long Winter", STORY)
    assert {"Eastbank", "Marigold", "Olena Marsh", "Kyiv"} <= set(tags)
    # "Mayor" is dropped, and "Marsh" alone counts towards the full name
    assert "Ledger" not in tags  # only ever cited ("the Ledger reported", "According to the Ledger")
    assert not {"Long Winter", "Returns", "After"} & set(tags)  # headline capitals are not names


def test_a_single_mention_is_not_a_tag() -> None:
    assert suggest_tags("Quiet day", ["Nothing happened in Northpoint today."]) == []


def test_summary_prefers_the_dek_then_the_opening_sentences() -> None:
    assert summarize(STORY, dek="The ferry is back.") == "The ferry is back."
    summary = summarize(STORY)
    assert summary == STORY[0]
    long_paragraph = " ".join(["The council met for a long time and discussed many things at length."] * 12)
    assert len(summarize([long_paragraph])) <= 300


def test_demonyms_fold_into_their_country() -> None:
    tags = suggest_tags("Talks", ["Ukrainian and Polish ministers met.", "Ukraine and Poland agreed on grain."])
    assert {"Ukraine", "Poland"} <= set(tags)
