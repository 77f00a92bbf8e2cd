"""The browser engine must answer exactly as Whoosh does: same mode, correction, totals,
facets, top ten in the same order, scores equal to 1e-6 relative.

The fictional archive always runs; the BBC corpus (a few hundred queries) runs when
../shared/corpus/bbc is present.
"""

from __future__ import annotations

import dataclasses
import json
import random
import re
from pathlib import Path

import pytest

from archive_search import export
from archive_search.export import export_index
from archive_search.indexer import open_index, update_index
from search_corpus import BBC_ROOT, bbc_documents, fixture_documents
from archive_search.query import ArchiveSearcher
from search_parity import Case, compare, engine_answers, generate_cases, whoosh_answer

FIXTURE_QUERIES = [
    "larkmere", "council bus lanes", "Elm Street", '"elm street"', "profits", "energy prices",
    "energ*", "desk:sport", "goal desk:sport", "tag:film", "byline:okafor", "date:2022",
    "date:2023-04", "date:[2022-01 to 2023-06]", "council OR library", "larkmere -council",
    "larkmere NOT council", "zelinksi", "Zelenski contract", "bakrey profits",
    "what did the council decide about bus lanes on elm street", "img onerror",
    '"elm street', "the", "-council", "", "larkmere*", "l*", "rovers cup", "library century lending",
    "council library desk:news", "what council decide desk:news -bus", "-on* tax", "one*",
    "rovers zelinski date:[2022-01 to 2023-06]", "bakrey crumb", "zelinksi rovers tag:film",
    "lendign library", "shopkeeprs", "floodign", "councillor's", "councilors rovers", "spelling:council", "record:council", "key:council", "source:ferry", "fingerprint:x",
    # headline words score QUERY_FIELD_BOOSTS times: in phrases, one-word phrases, prefixes
    # expanding to one word or several, and not when the field is named
    '"rovers"', '"county cup"', "zelins*", "lark*", "coun*", "larkmere OR headline:larkmere",
    "headline:council council", "headline:zelinski", '"the rovers" cup',
    # questions few stories answer with all their words are widened to any of the words
    "council bus lanes elm street", "rovers county cup final", "council library lending century",
    "council bus lanes elm street desk:news", "larkmere council bus lanes -tram",
]


def test_fixture_queries_match_whoosh(tmp_path: Path) -> None:
    update_index(tmp_path / "index", fixture_documents())
    ix = open_index(tmp_path / "index")
    export_index(ix, tmp_path / "search")
    cases = [Case(query, "fixture") for query in FIXTURE_QUERIES]
    cases += [Case(query, "fixture", sort="newest") for query in FIXTURE_QUERIES[:8]]
    cases += generate_cases(fixture_documents(), 60)
    problems = compare(ix, tmp_path / "search", cases, tmp_path)
    assert not problems, "\n".join(problems[:20])


@pytest.mark.skipif(not BBC_ROOT.exists(), reason="needs ../shared/corpus/bbc")
def test_parity_holds_with_long_lists_in_score_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With small score blocks most lists are fetched block by block; the answers must not
    change (bounds decide only which blocks to fetch, never a score or an order)."""
    monkeypatch.setattr(export, "BLOCK_POSTINGS", 8)
    monkeypatch.setattr(export, "TOP_POSTINGS", 4)
    documents = bbc_documents()
    update_index(tmp_path / "index", documents)
    ix = open_index(tmp_path / "index")
    export_index(ix, tmp_path / "search")
    blocked = [item for shard in (tmp_path / "search" / "terms").iterdir()
               for entry in json.loads(shard.read_text(encoding="utf-8")).values() for item in entry if len(item) == 6]
    assert len(blocked) > 1000
    cases = generate_cases(documents, 80, seed=11)
    cases += [dataclasses.replace(case, page=2) for case in cases[:20]]
    cases += [dataclasses.replace(case, sort="newest") for case in cases[20:40]]
    problems = compare(ix, tmp_path / "search", cases, tmp_path)
    assert not problems, "\n".join(problems[:20])


@pytest.mark.skipif(not BBC_ROOT.exists(), reason="needs ../shared/corpus/bbc")
def test_two_word_phrases_read_follower_sets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With most words common, a two-word phrase is decided by its first word's follower sets
    (no positions fetched; of the files the sets are cut in, the one of its second word) and
    the answers stay Whoosh's: side by side in a headline or a body, words that never meet, a
    word and itself, a stop word between."""
    monkeypatch.setattr(export, "COMMON_POSTINGS", 3)
    monkeypatch.setattr(export, "FOLLOWER_FILE_CHARS", 1000)  # most shards' sets in several files
    documents = bbc_documents()
    update_index(tmp_path / "index", documents)
    ix = open_index(tmp_path / "index")
    export_index(ix, tmp_path / "search")
    followers = list((tmp_path / "search" / "followers").iterdir())
    assert len(followers) > 2000
    assert len({path.name.rpartition("-")[0] for path in followers}) < len(followers) / 2
    phrases = ['"prime minister"', '"gordon brown"', '"world cup"', '"film awards"', '"mobile phone"',
               '"minister prime"', '"said said"', '"interest rates"', '"state of the union"', '"chancellor gordon"',
               '"tony blair" election', '"oil prices" desk:business', '"new york" OR "los angeles"', '"blair said"']
    rng = random.Random(5)
    for document in rng.sample(documents, 40):
        words = re.findall(r"[A-Za-z]{4,}", document.headline if rng.random() < 0.5 else document.body[:400])
        if len(words) >= 2:
            at = rng.randrange(len(words) - 1)
            phrases.append(f'"{words[at]} {words[at + 1]}"')
    cases = [Case(query, "two-word phrase") for query in phrases]
    problems = compare(ix, tmp_path / "search", cases, tmp_path)
    assert not problems, "\n".join(problems[:20])
    answers = engine_answers(tmp_path / "search", cases[:6], tmp_path, cold=True)
    for case, answer in zip(cases, answers):
        assert not [name for name in answer["fetched"] if name.startswith("positions/")], case.query
        assert len([name for name in answer["fetched"] if name.startswith("followers/")]) == 1, case.query


def test_parity_holds_between_optimizations(tmp_path: Path) -> None:
    """Edited and removed articles stay in Whoosh's index until it optimizes, yet the kept index
    answers (and exports) exactly as a clean index of the same articles does."""
    documents = fixture_documents()
    update_index(tmp_path / "index", documents)
    edited = dataclasses.replace(documents[0], body=documents[0].body + " Council buses again.")
    current = [edited] + documents[2:]
    report = update_index(tmp_path / "index", current, optimize_share=1.0)
    assert not report.optimized and report.removed
    ix = open_index(tmp_path / "index")
    with ix.reader() as reader:
        assert reader.doc_count_all() > reader.doc_count()  # deleted documents still counted
    export_index(ix, tmp_path / "search", report)
    cases = [Case(query, "after edit") for query in FIXTURE_QUERIES] + generate_cases(documents, 40, seed=3)
    problems = compare(ix, tmp_path / "search", cases, tmp_path)
    assert not problems, "\n".join(problems[:20])

    update_index(tmp_path / "clean", current)
    clean = open_index(tmp_path / "clean")
    with ix.searcher() as kept_searcher, clean.searcher() as clean_searcher:
        kept, fresh = ArchiveSearcher(kept_searcher), ArchiveSearcher(clean_searcher)
        for case in cases:
            assert whoosh_answer(kept, case) == whoosh_answer(fresh, case), case.query


@pytest.mark.slow
@pytest.mark.skipif(not BBC_ROOT.exists(), reason="needs ../shared/corpus/bbc")
def test_bbc_queries_match_whoosh(tmp_path: Path) -> None:
    documents = bbc_documents()
    update_index(tmp_path / "index", documents)
    ix = open_index(tmp_path / "index")
    export_index(ix, tmp_path / "search")
    cases = generate_cases(documents, 360)
    # Common words have long lists, ranked from bounds until their blocks arrive: with the
    # headline's query boost, named fields, one-word phrases and prefixes.
    cases += [Case(query, "long lists, boosted") for query in (
        "said OR headline:said", "headline:government government", '"government"', "govern*",
        "people OR headline:people", '"said" "year"', "said OR body:said")]
    problems = compare(ix, tmp_path / "search", cases, tmp_path)
    assert not problems, f"{len(problems)} of {len(cases)} differ:\n" + "\n".join(problems[:25])
