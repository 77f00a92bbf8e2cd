"""What a reader finds first: a story whose headline holds every word of the query comes before
stories that only mention the words in their text, in Whoosh and in the browser alike."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from archive_search.export import export_index
from archive_search.indexer import open_index, update_index
from archive_search.query import ArchiveSearcher
from search_corpus import fixture_documents
from search_parity import Case, engine_answers


def _harbour_archive() -> list:
    """The fictional archive with two ferry stories: one with both words in its headline, and
    one with "ferry" in its headline and "fares" all through its standfirst and text."""
    documents = fixture_documents()
    template = documents[1]
    in_headline = dataclasses.replace(
        template, key="2023/05/02/ferry-fares/", url="2023/05/02/ferry-fares/",
        headline="Ferry fares rise at Dunmore harbour", summary="",
        body="The operator raised its prices on Monday, blaming fuel costs.")
    in_text = dataclasses.replace(
        template, key="2023/05/03/timetable/", url="2023/05/03/timetable/",
        headline="Harbour board publishes the spring ferry timetable",
        summary="Ferry users will pay more as harbour dues and fares go up.",
        body="The harbour board said fares would rise in April. Harbour staff expect fewer "
             "crossings; fares for cars rise most. The harbour master said fares had been "
             "frozen for years.")
    return documents + [in_headline, in_text]


def test_a_headline_with_every_word_comes_first(tmp_path: Path) -> None:
    update_index(tmp_path / "index", _harbour_archive())
    ix = open_index(tmp_path / "index")
    export_index(ix, tmp_path / "search")
    queries = ["ferry fares", "fares ferry", '"ferry fares"', "ferr* fares"]
    with ix.searcher() as searcher:
        archive = ArchiveSearcher(searcher)
        for query in queries:
            hits = archive.search(query).hits
            assert hits[0][2]["url"] == "2023/05/02/ferry-fares/", (query, hits)
        # Words quoted one by one (the page's "as typed" link, the CLI's --exact) rank the same.
        assert archive.as_typed("ferry fares") == '"ferry" "fares"'
        plain, quoted = archive.search("ferry fares").hits, archive.search('"ferry" "fares"').hits
        assert [(score, record["url"]) for score, _, record in quoted] == [(score, record["url"]) for score, _, record in plain]
        # Named fields are searched as asked: the timetable story's standfirst has more fares.
        assert archive.search("summary:fares ferry").hits[0][2]["url"] == "2023/05/03/timetable/"
    answers = engine_answers(tmp_path / "search", [Case(query, "ranking") for query in queries], tmp_path)
    assert [answer["hits"][0]["doc"]["url"] for answer in answers] == ["2023/05/02/ferry-fares/"] * 4


def test_the_other_words_pick_the_respelling(tmp_path: Path) -> None:
    """"penson" is one edit from "person" (three stories) and from "pension" (one): next to
    "strike", the pension story fits both words best, so "pension" is searched."""
    template = fixture_documents()[2]
    stories = [
        ("strike-threat", "Strike threat over pension plans", "Unions said members would strike over the pension changes."),
        ("bowls", "Bowling club names its person of the year", "The person who bowled the most strikes won the prize."),
        ("recycling", "Council asks every person to recycle", "Each person should sort glass from paper."),
        ("award", "Person of the year award goes to a nurse", "The person chosen works nights at the hospital."),
    ]
    documents = fixture_documents() + [
        dataclasses.replace(template, key=f"2023/06/0{number}/{slug}/", url=f"2023/06/0{number}/{slug}/",
                            headline=headline, summary="", body=body)
        for number, (slug, headline, body) in enumerate(stories, start=1)]
    update_index(tmp_path / "index", documents)
    ix = open_index(tmp_path / "index")
    export_index(ix, tmp_path / "search")
    with ix.searcher() as searcher:
        archive = ArchiveSearcher(searcher)
        assert archive.candidates("penson", "penson")[:2] == ["person", "pension"]  # person is more common
        result = archive.search("strike penson")
        assert result.corrected == "strike pension"
        assert result.hits[0][2]["url"] == "2023/06/01/strike-threat/"
    [answer] = engine_answers(tmp_path / "search", [Case("strike penson", "respelling")], tmp_path)
    assert answer["corrected"] == "strike pension"
    assert answer["hits"][0]["doc"]["url"] == "2023/06/01/strike-threat/"
