"""The kept Whoosh index and its static export: incremental updates, stable bytes, clean-up."""

from __future__ import annotations

import dataclasses
from bisect import bisect_left
from array import array
import heapq
import json
import pickle
from datetime import timedelta
from pathlib import Path
from random import Random

import pytest
from whoosh.analysis import StandardAnalyzer
from whoosh.filedb.filestore import FileStorage
from whoosh.qparser import QueryParser
from whoosh.system import pack_uint
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from archive_search.documents import html_to_text
from archive_search.encoding import article_set, decode_articles, decode_numbers, encode_articles, encode_numbers
from archive_search import export as export_module
from archive_search.export import _top_articles, export_index
from archive_search.fresh_postings import EncodedPlaces, ExportError, text_postings
from archive_search.indexer import FINGERPRINTS_FILE, ArchiveWriter, open_index, update_index
from archive_search.kept import EXPORT_STATE_FILE, FORMER_NAMES, load_file, save_file
from archive_search.livestats import LENGTHS_FILE, LiveStatistics
from archive_search.spelling import SPELLING_FILE
from archive_search.postings import GroupingPool
from archive_search.records import read_records, write_record
from archive_search.query import ArchiveSearcher
from archive_search.schema import TEXT_FIELDS, build_schema
from archive_search.tokens import Analyzer
from search_corpus import BBC_ROOT, bbc_documents, fixture_documents


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_numbers_survive_the_text_encoding() -> None:
    numbers = [0, 1, 31, 32, 33, 1023, 1024, 123_456_789, 7]
    text = encode_numbers(numbers)
    assert decode_numbers(text) == numbers
    assert encode_numbers(iter(numbers)) == text  # numbers handed over one by one
    assert len(encode_numbers([5] * 10)) == 10  # small numbers take one character
    with pytest.raises(ValueError):
        encode_numbers([-1])
    # Mostly one digit, as a common word's gaps are (decoded by another path), with numbers of
    # two and three digits among them, and one of eight.
    mostly_small = [5] * 100 + [40] + [7] * 50 + [2000, 31, 32] + [3] * 30
    assert decode_numbers(encode_numbers(mostly_small)) == mostly_small
    assert decode_numbers(encode_numbers([*mostly_small, 123_456_789, 1])) == [*mostly_small, 123_456_789, 1]


def test_article_sets_survive_gaps_and_bitmaps() -> None:
    sparse = [3, 40, 41, 900]
    dense = [n for n in range(0, 600) if n % 3]
    assert not encode_articles(sparse).startswith("~") and encode_articles(dense).startswith("~")
    assert len(encode_articles(dense)) == 1 + 600 // 6  # six articles to a character
    # A word in 400 stories of the first years and one of 50,000 stories later: a gap of
    # more than 32,767 articles in a list written as gaps.
    far = list(range(0, 2_000, 5)) + [52_000]
    for articles in ([], [0], sparse, dense, [0, 1, 2, 3, 4, 5, 6], far):
        assert decode_articles(encode_articles(articles)) == articles


def test_an_article_set_answers_places_members_and_stretches_as_its_listed_articles_do() -> None:
    """encoding.article_set (a bitmap's articles not listed: places from running counts)
    against the listed articles, on random lists of every density, at every edge."""
    random = Random(11)
    kinds = set()
    for _ in range(1_500):
        span = random.choice([1, 7, 90, 700, 5_000])
        articles = sorted(random.sample(range(span), random.randint(1, span)))
        found = article_set(encode_articles(articles))
        kinds.add(type(found).__name__)
        assert len(found) == len(articles) and list(found) == articles
        for article in [-1, 0, span - 1, span, span + 7, *random.sample(range(span), min(span, 12))]:
            assert found.rank(article) == bisect_left(articles, article), article
            assert (article in found) == (article in articles), article
        places = sorted(random.sample(range(len(articles)), min(len(articles), 20)))
        assert found.at_places(places) == [articles[place] for place in places]
        for first, stop in [(0, len(articles)), (len(articles) - 1, len(articles) + 3),
                            *((random.randrange(len(articles) + 1), random.randrange(len(articles) + 1)) for _ in range(5))]:
            assert found[first:stop] == articles[first:stop], (first, stop)
        assert found[-1] == articles[-1] and found[len(articles) // 2] == articles[len(articles) // 2]
    assert kinds == {"BitmapArticles", "ListedArticles"}


def test_html_blocks_do_not_run_together() -> None:
    html = "<p>Elm Street</p><p>bus <b>lanes</b> &amp; more</p><script>alert(1)</script><ul><li>one</li><li>two</li></ul>"
    assert html_to_text(html) == "Elm Street\nbus lanes & more\none\ntwo"


def test_only_changed_articles_are_reindexed_and_deleted_ones_leave(tmp_path: Path) -> None:
    documents = fixture_documents()
    first = update_index(tmp_path, documents)
    assert len(first.added) == len(documents)
    again = update_index(tmp_path, documents)
    assert not again.changed and again.unchanged == len(documents)

    edited = dataclasses.replace(documents[3], headline="Markets rally as energy prices ease")
    remaining = [edited] + documents[4:]
    report = update_index(tmp_path, remaining)
    assert report.updated == [edited.key]
    assert sorted(report.removed) == sorted(doc.key for doc in documents[:3])
    assert not report.added

    ix = open_index(tmp_path)
    with ix.searcher() as searcher:
        assert searcher.doc_count_all() == len(remaining)  # optimized: no deleted documents
        parser = QueryParser("headline", ix.schema)
        assert [hit["key"] for hit in searcher.search(parser.parse("rally"))] == [edited.key]
        assert not searcher.search(parser.parse("bakery"))  # documents[2] left the index


def test_export_is_byte_identical_and_removes_what_it_no_longer_needs(tmp_path: Path) -> None:
    documents = fixture_documents()
    update_index(tmp_path / "a", documents)
    update_index(tmp_path / "b", list(reversed(documents)))
    export_index(open_index(tmp_path / "a"), tmp_path / "out-a")
    export_index(open_index(tmp_path / "b"), tmp_path / "out-b")
    before = _tree(tmp_path / "out-a")
    assert before == _tree(tmp_path / "out-b")
    assert all(name == "manifest.json" or any(ch.isdigit() for ch in name) for name in before)

    update_index(tmp_path / "a", documents[:-1])
    report = export_index(open_index(tmp_path / "a"), tmp_path / "out-a")
    after = _tree(tmp_path / "out-a")
    assert report.articles == len(documents) - 1
    assert not any(name.endswith(f"/{len(documents) - 1}.json") for name in after if name.startswith("docs/"))
    assert len([name for name in after if name.startswith("desks-")]) == 1
    referenced = "".join(text.decode() for name, text in after.items() if name.startswith("tables/"))
    assert referenced
    for name in after:
        if name.startswith(("terms/", "positions/")):
            assert Path(name).stem in referenced


def _export_as_written_and_read_back(tmp_path: Path, monkeypatch, documents: list) -> None:
    """Export a first build from its articles, dictionary and postings as the indexer wrote
    them (never reading them back: that would fail here), then from the index itself, and
    compare the files and what the export keeps for the next one."""
    report = update_index(tmp_path / "index", documents)
    assert report.fresh is not None
    with monkeypatch.context() as reading:
        def unread(*args, **kwargs):
            raise AssertionError("a first build's export read the index back")
        for reader in ("_live_values", "_document_order", "_dictionary", "_stored_orders"):
            reading.setattr(f"archive_search.export.{reader}", unread)
        export_index(open_index(tmp_path / "index"), tmp_path / "as-written", report)
    assert report.fresh is None, "the export took the postings (and removed them)"
    state = load_file(tmp_path / "index" / EXPORT_STATE_FILE)
    export_index(open_index(tmp_path / "index"), tmp_path / "read-back")
    as_written = _tree(tmp_path / "as-written")
    assert as_written == _tree(tmp_path / "read-back")
    assert any(name.startswith("terms/") for name in as_written)
    assert any(name.startswith("followers/") for name in as_written), "common words' followers noted as written"
    again = load_file(tmp_path / "index" / EXPORT_STATE_FILE)
    assert list(state.pop("sizes").items()) == list(again.pop("sizes").items())
    assert {**state, "target": ""} == {**again, "target": ""}


@pytest.mark.parametrize("score_blocks", [False, True])
def test_a_first_build_exports_its_postings_as_written(tmp_path: Path, monkeypatch, score_blocks: bool) -> None:
    monkeypatch.setattr("archive_search.export.SHARD_CHARS", 300)
    monkeypatch.setattr("archive_search.export.COMMON_POSTINGS", 1)  # follower sets for most words
    if score_blocks:  # most lists in score blocks, with top postings and word bounds
        monkeypatch.setattr("archive_search.export.BLOCK_POSTINGS", 1)
        monkeypatch.setattr("archive_search.export.TOP_POSTINGS", 1)
        monkeypatch.setattr("archive_search.export.WORD_RANGE", 2)
        monkeypatch.setattr("archive_search.export.BLOCK_RUN", 3)
    _export_as_written_and_read_back(tmp_path, monkeypatch, fixture_documents())


@pytest.mark.skipif(not BBC_ROOT.is_dir(), reason=f"{BBC_ROOT} is not present")
def test_a_first_build_of_the_bbc_stories_exports_its_postings_as_written(tmp_path: Path, monkeypatch) -> None:
    """2,225 real stories: long lists in score blocks, spilled posting runs, every field."""
    monkeypatch.setattr("archive_search.indexer.WRITER_LIMIT_MB", 4)  # the pool spills runs to disk
    monkeypatch.setattr("archive_search.export.COMMON_POSTINGS", 20)  # 4,000 words' follower sets
    _export_as_written_and_read_back(tmp_path, monkeypatch, bbc_documents())


def _segment_files(folder: Path) -> dict[str, bytes]:
    """The posting (.pst) and term (.trm) files of the one segment of the index in `folder`."""
    with open_index(folder).reader() as reader:
        (segment, _), = reader.leaf_readers()
        storage, info = segment._storage, segment.segment()
        names = {ext: info.make_filename(ext) for ext in (".pst", ".trm")}
        return {ext: storage.open_file(name).read(storage.file_length(name)) for ext, name in names.items()}


@pytest.mark.parametrize("whoosh_adds", [False, True])
def test_the_index_files_are_those_whoosh_writes_posting_by_posting(tmp_path: Path, monkeypatch,
                                                                    whoosh_adds: bool) -> None:
    """The term writer (postings.TermWriter) writes the very bytes Whoosh's own W3 codec
    writes when handed the same postings one at a time: blocks, block infos, term infos; and
    (`whoosh_adds`) the writer's add_document (analyses taken a field at a time, recurring
    desk and tag values analysed once) pools what Whoosh's own add_document pools."""
    documents = fixture_documents() + (bbc_documents()[:300] if BBC_ROOT.is_dir() else [])
    update_index(tmp_path / "ours", documents)

    class PostingByPosting(ArchiveWriter):
        # Whoosh's SegmentWriter._flush_segment: codec calls for every posting of the pool.
        _flush_segment = SegmentWriter._flush_segment
        if whoosh_adds:
            add_document = SegmentWriter.add_document

    monkeypatch.setattr("archive_search.indexer.ArchiveWriter", PostingByPosting)
    update_index(tmp_path / "whoosh", documents)
    ours, whoosh = _segment_files(tmp_path / "ours"), _segment_files(tmp_path / "whoosh")
    assert len(ours[".pst"]) > 10_000
    assert ours == whoosh


@pytest.mark.parametrize("limit", [1000, 0])
def test_the_pool_gives_each_terms_postings_in_order_however_they_came(tmp_path: Path, limit: int) -> None:
    """The posting pool keeps an analysis's postings apart from postings added one by one (and
    spills both past its limit: `limit` 0 spills after every field); a term's postings come
    out merged in document order, the same as when every posting is added one by one."""
    schema = build_schema()
    analyzer = Analyzer(schema["body"].analyzer)
    texts = [doc.body for doc in fixture_documents()]
    storage = FileStorage(str(tmp_path)).create()
    one_by_one, mixed = GroupingPool(storage, limitmb=1000), GroupingPool(storage, limitmb=limit)
    for docnum, text in enumerate(texts):
        analysis = analyzer.field(text, 2.0)
        for btext, _, weight, value in analysis.postings():
            one_by_one.add(("body", btext, docnum, weight, value))
            if docnum % 3 == 1:  # some documents' postings one by one, in the same field
                mixed.add(("body", btext, docnum, weight, value))
        if docnum % 3 != 1:
            mixed.add_analysis("body", docnum, analysis)
    expected = [(key, (list(ids), list(weights), values)) for key, (ids, weights, values) in one_by_one.iter_groups()]
    found = [(key, (list(ids), list(weights), values)) for key, (ids, weights, values) in mixed.iter_groups()]
    assert found == expected and len(expected) > 100
    assert all(isinstance(weight, float) for _, (_, weights, _) in found for weight in weights)


class TermByTermRuns(GroupingPool):
    """The pool spilling one record per term, its numbers and weights as arrays of bytes, and
    merging the runs a term at a time (how runs were kept before whole lists were)."""

    def _spill(self) -> None:
        name = f"grouped{len(self.runs)}.run"
        with self.tempstore.create_file(name).raw_file() as run:
            for key, postings in self._sorted_groups():
                write_record(run, (key, array("I", postings[0::3]).tobytes(), array("d", postings[1::3]).tobytes(),
                                   postings[2::3]))
        self.runs.append(name)
        self.fields, self.analyzed, self.size = {}, {}, 0

    def iter_groups(self):
        def run_groups(name):
            with self.tempstore.open_file(name).raw_file() as run:
                for key, ids, weights, values in read_records(run):
                    yield key, (array("I", ids), array("d", weights), values)
        memory = ((key, (postings[0::3], postings[1::3], postings[2::3])) for key, postings in self._sorted_groups())
        parts: dict = {}
        for key, (ids, weights, values) in heapq.merge(*map(run_groups, self.runs), memory, key=lambda item: item[0]):
            if parts and key not in parts:
                yield from parts.items()
                parts = {}
            found = parts.setdefault(key, ([], [], []))
            found[0].extend(ids), found[1].extend(weights), found[2].extend(values)
        yield from parts.items()


def test_spilled_runs_give_the_index_files_that_runs_of_a_record_per_term_gave(tmp_path: Path, monkeypatch) -> None:
    """Runs of whole lists, many terms to a record, give Whoosh's writer the same postings
    with the same values shared (a pickled block writes a value met twice once), so the
    index files are those of runs written a term at a time."""
    monkeypatch.setattr("archive_search.indexer.WRITER_LIMIT_MB", 1)
    documents = fixture_documents() + (bbc_documents()[:300] if BBC_ROOT.is_dir() else [])
    spills = []
    spill = GroupingPool._spill
    monkeypatch.setattr(GroupingPool, "_spill", lambda pool: spills.append(1) or spill(pool))
    update_index(tmp_path / "whole", documents)
    assert len(spills) > 2, "the pool spilled runs"
    monkeypatch.setattr("archive_search.indexer.GroupingPool", TermByTermRuns)
    update_index(tmp_path / "per-term", documents)
    whole, per_term = _segment_files(tmp_path / "whole"), _segment_files(tmp_path / "per-term")
    assert len(whole[".pst"]) > 10_000
    assert whole == per_term


def test_an_edit_rewrites_only_its_shards_and_equals_a_full_export(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("archive_search.export.SHARD_CHARS", 300)  # many shards from ten articles
    documents = fixture_documents()
    update_index(tmp_path / "index", documents)
    export_index(open_index(tmp_path / "index"), tmp_path / "out")
    before = _tree(tmp_path / "out")
    edited = dataclasses.replace(documents[4], body=documents[4].body + " Quarantine zebra.")
    report = update_index(tmp_path / "index", documents[:4] + [edited] + documents[5:], optimize_share=0.5)
    assert not report.optimized
    assert {"quarantin", "zebra", "larkmer"} <= report.affected
    ix = open_index(tmp_path / "index")
    export_index(ix, tmp_path / "out", report)
    export_index(ix, tmp_path / "full")  # no previous export there: everything written
    after = _tree(tmp_path / "out")
    assert after == _tree(tmp_path / "full")
    assert after != before
    unchanged = {name for name in after if name.startswith("terms/") and before.get(name) == after[name]}
    assert unchanged, "shards of untouched terms keep their files"
    assert any(name.startswith("terms/") and name not in before for name in after)


def test_misspelled_inflected_words_are_corrected_as_written(tmp_path: Path) -> None:
    """A typo in an inflected word reaches the word as written, then its index term."""
    update_index(tmp_path / "index", fixture_documents())
    ix = open_index(tmp_path / "index")
    with ix.searcher() as searcher:
        archive = ArchiveSearcher(searcher)
        # "lendign" is three edits from the term "lend" but one swap from "lending".
        result = archive.search("lendign")
        assert (result.corrected, result.mode) == ("lending", "all") and result.total
        # One candidate per index term: "flooding" and "flooded" would search the same "flood".
        found = archive.candidates("floodign", "floodign")
        assert found[0] == "flooding" and "flooded" not in found
        assert "council" not in archive.candidates("councils", "council")
        # The spelling list is exported as words as written, in small groups.
        export_index(ix, tmp_path / "search")
    manifest = json.loads((tmp_path / "search" / "manifest.json").read_text(encoding="utf-8"))
    lexicon = tmp_path / "search" / "lexicon"
    directory = json.loads((lexicon / f"{manifest['lexicon']}.json").read_text(encoding="utf-8"))
    group = json.loads((lexicon / f"{directory['l7']}.json").read_text(encoding="utf-8"))
    assert group["lending"] >= 1 and all(word[0] == "l" and len(word) == 7 for word in group)


def test_one_analysis_pass_gives_what_whoosh_indexes() -> None:
    """The indexer's single pass (tokens.py) hands Whoosh the postings its own analyzer makes,
    and the spelling list the words StandardAnalyzer keeps, for every text field."""
    schema = build_schema()
    analyzer = Analyzer(schema["body"].analyzer)
    standard = StandardAnalyzer()
    cases = Path(__file__).parent / "fixtures" / "search" / "analysis_cases.txt"
    texts = [line for line in cases.read_text(encoding="utf-8").splitlines() if line.strip()]
    documents = fixture_documents() + (bbc_documents()[:400] if BBC_ROOT.exists() else [])
    texts += [text for doc in documents for text in (doc.headline, doc.summary, doc.body, "\n".join(doc.byline))]
    texts += ["The the a", "a.b.c x*y the END", "", "  "]
    for text in texts:
        for name in ("headline", "body"):
            whoosh = sorted(schema[name].index(text))
            analysis = analyzer.field(text, schema[name].format.field_boost)
            assert sorted(analysis.postings()) == whoosh, f"{name}: {text[:80]!r}"
            assert analysis.surface == set(analyzer.words(text)[0]), text[:80]  # the spelling list's words
        assert analyzer.words(text)[0] == [token.text for token in standard(text)], text[:80]


def test_the_tokens_of_random_texts_are_whooshs() -> None:
    """The indexer's token expression (possessive, without Whoosh's group) and its lowercasing
    of an ASCII text before cutting it find the tokens Whoosh's analyzer finds, on random texts
    made of what could tell them apart: dots and stars between words, runs of dots, capitals
    whose lowercase is not a word character in the same way (İ), digits, underscores."""
    schema = build_schema()
    analyzer = Analyzer(schema["body"].analyzer)
    pieces = ["Tax", "tAX", "a", "I", "the", ".", "..", "*", "_", "9", "3.5", "U.S.", " ", " ", "\n", "-", "'",
              "İstanbul", "STRASSE", "ß", "ΣΑΣ", "e\u0301", "x*y", "co.uk", "Ünal"]
    rng = Random(9)
    texts = ["".join(rng.choice(pieces[:17] if ascii_only else pieces) for _ in range(rng.randint(1, 30)))
             for ascii_only in (True, False) for _ in range(1500)]
    assert sum(text.isascii() for text in texts) > 500 and sum(not text.isascii() for text in texts) > 500
    for text in texts:
        whoosh = sorted(schema["body"].index(text))
        analysis = analyzer.field(text)
        assert sorted(analysis.postings()) == whoosh, repr(text)
        assert analysis.surface == set(analyzer.words(text)[0]), repr(text)


@pytest.mark.parametrize("score_blocks", [False, True])
def test_incremental_exports_equal_clean_ones_through_a_newsroom_week(tmp_path: Path, monkeypatch,
                                                                      score_blocks: bool) -> None:
    """New stories, an old one restored, corrections, a story taken down, an optimization:
    after each, exporting the kept index with what the update touched gives the very files a
    clean index of the same articles gives."""
    monkeypatch.setattr("archive_search.export.SHARD_CHARS", 300)  # many shards
    monkeypatch.setattr("archive_search.export.DOC_GROUP_SIZE", 3)  # many document groups
    monkeypatch.setattr("archive_search.export.COMMON_POSTINGS", 1)  # follower sets for most words
    monkeypatch.setattr("archive_search.export.FOLLOWER_FILE_CHARS", 150)  # in several files a shard
    if score_blocks:  # most lists in score blocks, kept or rewritten with their shards
        monkeypatch.setattr("archive_search.export.BLOCK_POSTINGS", 1)
        monkeypatch.setattr("archive_search.export.TOP_POSTINGS", 1)
        monkeypatch.setattr("archive_search.export.WORD_RANGE", 2)
        monkeypatch.setattr("archive_search.export.BLOCK_RUN", 3)
    documents = fixture_documents()
    corrected = dataclasses.replace(documents[2], body=documents[2].body + " Bakers thanked the town.")
    retitled = dataclasses.replace(documents[6], headline="Silent film festival sells out")
    week = [
        ("first build", documents[:4] + documents[5:7]),
        ("a new story", documents[:4] + documents[5:8]),
        ("an old story restored", documents[:8]),
        ("a correction", documents[:2] + [corrected] + documents[3:8]),
        ("a new headline and a story taken down", documents[:2] + [corrected, documents[3], documents[5], retitled, documents[7]]),
        ("two new stories", documents[:2] + [corrected, documents[3], documents[5], retitled] + documents[7:]),
    ]
    for day, (what, current) in enumerate(week):
        report = update_index(tmp_path / "kept", current, optimize=day == len(week) - 1, optimize_share=1.0)
        export_index(open_index(tmp_path / "kept"), tmp_path / "out", report)
        update_index(tmp_path / f"clean{day}", current)
        export_index(open_index(tmp_path / f"clean{day}"), tmp_path / f"clean-out{day}")
        assert _tree(tmp_path / "out") == _tree(tmp_path / f"clean-out{day}"), what
    followers = [path.name for path in (tmp_path / "out" / "followers").iterdir()]
    assert any(name.endswith("-2.json") for name in followers), "sets cut in several files"


def test_an_export_after_whoosh_merged_small_segments_reads_only_their_articles(tmp_path: Path, monkeypatch) -> None:
    """Every edit adds a segment to the kept index, and every few edits Whoosh merges the small
    ones into a new segment, which moves its numbers of their articles. The export then reads
    the stored fields of those articles only, keeps the records of untouched document groups,
    and still writes the very files a clean index of the same articles gives."""
    monkeypatch.setattr("archive_search.export.DOC_GROUP_SIZE", 4)
    documents = [dataclasses.replace(document, key=f"{year}/{document.key}", url=f"{year}/{document.url}",
                                     date=document.date.replace(year=document.date.year + year))
                 for year in range(30) for document in fixture_documents()]
    # 300 articles, so that Whoosh merges the small segments of the edits and leaves the first.
    update_index(tmp_path / "kept", documents)
    export_index(open_index(tmp_path / "kept"), tmp_path / "out")
    read: list[int] = []
    records: list[int] = []
    read_articles, record_text = export_module._read_articles, export_module._Articles.record_text
    monkeypatch.setattr(export_module, "_read_articles",
                        lambda reader, docnums: read_articles(reader, [read.append(docnum) or docnum for docnum in docnums]))
    monkeypatch.setattr(export_module._Articles, "record_text",
                        lambda self, reader, article: records.append(article) or record_text(self, reader, article))
    merges = 0
    for edit in range(7):
        at = edit * 41 % len(documents)
        documents[at] = dataclasses.replace(documents[at], body=documents[at].body + f" Correction {edit}.")
        with open_index(tmp_path / "kept").reader() as reader:
            segments = len(reader.leaf_readers())
        report = update_index(tmp_path / "kept", documents, optimize_share=1.0)
        with open_index(tmp_path / "kept").reader() as reader:
            merges += len(reader.leaf_readers()) <= segments
        read.clear()
        records.clear()
        export_index(open_index(tmp_path / "kept"), tmp_path / "out", report)
        assert 1 <= len(read) < 10, f"edit {edit}: stored fields of {len(read)} articles read"
        assert len(records) == 4, f"edit {edit}: records of {len(records)} articles made"
        update_index(tmp_path / f"clean{edit}", documents)
        export_index(open_index(tmp_path / f"clean{edit}"), tmp_path / f"clean-out{edit}")
        assert _tree(tmp_path / "out") == _tree(tmp_path / f"clean-out{edit}"), f"edit {edit}"
    assert merges >= 1, "Whoosh merged segments during the edits"


def _block_names(export_folder: Path) -> dict[tuple[str, int], str]:
    """(word, field number) → the name its score blocks go by, for every long list of an export."""
    manifest = json.loads((export_folder / "manifest.json").read_text(encoding="utf-8"))
    names = {}
    for _, table in manifest["shardTables"]:
        for row in json.loads((export_folder / "tables" / f"{table}.json").read_text(encoding="utf-8")):
            entries = json.loads((export_folder / "terms" / f"{row[1]}.json").read_text(encoding="utf-8"))
            names.update({(word, item[0]): item[4] for word, entry in entries.items() for item in entry if len(item) == 6})
    return names


def _five_runs_in_small_blocks(monkeypatch, top: int) -> list:
    """Fifty stories, in publication order, exported with lists of two postings per score block,
    `top` top postings and ranges of four articles, so that most words have long lists."""
    monkeypatch.setattr("archive_search.export.SHARD_CHARS", 300)
    monkeypatch.setattr("archive_search.export.BLOCK_POSTINGS", 2)
    monkeypatch.setattr("archive_search.export.TOP_POSTINGS", top)
    monkeypatch.setattr("archive_search.export.WORD_RANGE", 4)
    monkeypatch.setattr("archive_search.export.BLOCK_RUN", 2)  # a long list's blocks in several runs
    monkeypatch.setattr("archive_search.export.COMMON_POSTINGS", 2)  # most words have follower sets
    monkeypatch.setattr("archive_search.export.FOLLOWER_FILE_CHARS", 150)  # in several files a shard
    # The reference statistics stay put while an archive of thousands gains a day's stories or
    # a correction; in fifty articles they move with every story, so here they are held at
    # those of the last day (at least the live ones, as the export requires).
    reference = {"count": 64, "lengthSteps": [82, 40, 140, 40], "frequencyBits": 4, "frequencyStep": 16}
    monkeypatch.setattr("archive_search.export._reference", lambda stats: reference)
    # Five fictional runs of the fixture's stories, three years apart, each run repeating its
    # headlines in the text once more: newer stories push older ones out of their words' tops.
    documents = [dataclasses.replace(document, key=f"{year}/{document.key}", url=f"{year}/{document.url}",
                                     date=document.date.replace(year=document.date.year + 3 * year),
                                     body=document.body + f" {document.headline}." * year)
                 for year in range(5) for document in fixture_documents()]
    documents.sort(key=lambda document: document.date)
    return documents


@pytest.mark.parametrize("top", [1, 3])
def test_a_days_new_stories_extend_the_words_entries_as_a_clean_export_writes_them(
        tmp_path: Path, monkeypatch, top: int) -> None:
    """Stories newer than all others extend the previous export's entries (new postings
    appended, top postings, block bests and word bounds updated, blocks linked) rather than
    re-reading whole lists, also on a day Whoosh merged its small segments (which renumbers
    their articles in its index); the files are those of a clean export, day after day."""
    documents = _five_runs_in_small_blocks(monkeypatch, top)
    extended = extended_after_merges = segments = 0
    for day, count in enumerate((40, 41, 42, 43, 44, 45, 47, 50)):
        current = documents[:count]
        report = update_index(tmp_path / "kept", current)
        with open_index(tmp_path / "kept").reader() as reader:
            merged, segments = len(reader.leaf_readers()) <= segments, len(reader.leaf_readers())
        exported = export_index(open_index(tmp_path / "kept"), tmp_path / "out", report)
        extended += exported.extended
        extended_after_merges += exported.extended if merged else 0
        update_index(tmp_path / f"clean{day}", current)
        export_index(open_index(tmp_path / f"clean{day}"), tmp_path / f"clean-out{day}")
        assert _tree(tmp_path / "out") == _tree(tmp_path / f"clean-out{day}"), f"{count} stories"
    assert extended > 20, "words were extended, not rebuilt"
    assert extended_after_merges > 5, "words extended after Whoosh merged segments"


@pytest.mark.parametrize("top", [1, 3, 8])
def test_corrections_patch_their_words_entries_as_a_clean_export_writes_them(
        tmp_path: Path, monkeypatch, top: int) -> None:
    """Corrections to stories already exported (a sentence added, a headline reworded, a body
    cut, a word repeated until its story leads the word, two stories at once) patch the
    entries of their words in place rather than re-reading whole lists; the files are those of
    a clean export, correction after correction."""
    documents = _five_runs_in_small_blocks(monkeypatch, top)

    def corrected(number: int, **fields: str) -> None:
        documents[number] = dataclasses.replace(documents[number], **fields)

    corrections = [
        ("a sentence added", lambda: corrected(7, body=documents[7].body + " An earlier version gave the wrong date.")),
        ("two stories at once", lambda: (corrected(3, body=documents[3].body + " The council met on Tuesday."),
                                         corrected(30, body=documents[30].body + " Figures were revised."))),
        ("a headline reworded", lambda: corrected(12, headline=documents[12].headline + " revisited")),
        ("a body cut", lambda: corrected(20, body=documents[20].body[:len(documents[20].body) // 2])),
        ("a word repeated", lambda: corrected(41, body=documents[41].body + " council" * 12)),
        ("the same story again", lambda: corrected(41, body=documents[41].body + " Council staff agreed.")),
        # One word for another: the word before it has a new follower and the same postings.
        ("a word replaced", lambda: corrected(9, body=" ".join(
            "harbour" if at == 3 else word for at, word in enumerate(documents[9].body.split(" "))))),
    ]
    update_index(tmp_path / "kept", documents)
    export_index(open_index(tmp_path / "kept"), tmp_path / "out")
    patched = renamed = runs = 0
    for day, (what, correct) in enumerate(corrections):
        correct()
        names = _block_names(tmp_path / "out")
        report = update_index(tmp_path / "kept", documents)
        patched += export_index(open_index(tmp_path / "kept"), tmp_path / "out", report).extended
        update_index(tmp_path / f"clean{day}", documents)
        export_index(open_index(tmp_path / f"clean{day}"), tmp_path / f"clean-out{day}")
        assert _tree(tmp_path / "out") == _tree(tmp_path / f"clean-out{day}"), what
        # A changed list renames the runs of blocks that changed (those holding a corrected
        # story, or all after a story that gained the word), not every one of its blocks.
        for key, name in _block_names(tmp_path / "out").items():
            if key in names and names[key] != name and len(name) == len(names[key]):
                runs += len(name) // 12
                renamed += sum(name[at:at + 12] != names[key][at:at + 12] for at in range(0, len(name), 12))
    assert patched > 50, "words were patched, not rebuilt"
    assert 0 < renamed < runs / 2, (renamed, runs)


def test_a_word_whose_best_story_has_it_only_in_a_short_list_is_extended_as_a_clean_export(
        tmp_path: Path, monkeypatch) -> None:
    """A word in many bodies (a long list) and in one headline whose story's body lacks it:
    that story is among the word's top articles only through the headline's short list, so
    extending the word must find it there, not only among the long list's top postings."""
    monkeypatch.setattr("archive_search.export.BLOCK_POSTINGS", 2)
    monkeypatch.setattr("archive_search.export.TOP_POSTINGS", 3)
    reference = {"count": 64, "lengthSteps": [82, 40, 140, 40], "frequencyBits": 4, "frequencyStep": 16}
    monkeypatch.setattr("archive_search.export._reference", lambda stats: reference)
    base = fixture_documents()[0]
    documents = [dataclasses.replace(base, key=f"k{number:02d}/", url=f"k{number:02d}/", headline=f"Quay report {number}",
                                     date=base.date + timedelta(days=number),
                                     body="The ferry crossed. " + "Ferry tickets rose. " * (number % 3))
                 for number in range(9)]
    documents[4] = dataclasses.replace(documents[4], headline="Ferry strike", body="Crews walked out.")
    for step, count in enumerate((8, 9)):
        current = documents[:count]
        report = update_index(tmp_path / "kept", current)
        exported = export_index(open_index(tmp_path / "kept"), tmp_path / "out", report)
        update_index(tmp_path / f"clean{step}", current)
        export_index(open_index(tmp_path / f"clean{step}"), tmp_path / f"clean-out{step}")
        assert _tree(tmp_path / "out") == _tree(tmp_path / f"clean-out{step}"), f"{count} stories"
    assert exported.extended, "the word was extended, not rebuilt"


def test_an_update_whose_export_never_ran_is_still_exported(tmp_path: Path) -> None:
    """A build interrupted between indexing and exporting: the next build finds nothing new in
    the index, yet its export must carry that earlier change, as a clean build's does."""
    documents = fixture_documents()
    update_index(tmp_path / "kept", documents)
    export_index(open_index(tmp_path / "kept"), tmp_path / "out")
    # One word respelled: every count and length stays, only that word's postings move.
    word = next(w for w in documents[1].body.split() if w.isalpha() and len(w) > 5)
    edited = dataclasses.replace(documents[1], body=documents[1].body.replace(word, "Quokkas", 1))
    current = [documents[0], edited, *documents[2:]]
    update_index(tmp_path / "kept", current)  # indexed, but the build stopped here
    report = update_index(tmp_path / "kept", current)
    assert not report.changed and not report.affected
    export_index(open_index(tmp_path / "kept"), tmp_path / "out", report)
    update_index(tmp_path / "clean", current)
    export_index(open_index(tmp_path / "clean"), tmp_path / "clean-out")
    assert _tree(tmp_path / "out") == _tree(tmp_path / "clean-out")


def test_an_export_of_another_format_is_replaced_not_extended(tmp_path: Path, monkeypatch) -> None:
    """An export kept from a version of the format whose files lie elsewhere (score blocks in a
    folder per list, before they shared one folder) is not extended by an edit: its shards
    would name blocks where the client no longer looks. The next export is a clean one's, and
    the old files are gone."""
    monkeypatch.setattr("archive_search.export.BLOCK_POSTINGS", 1)  # score blocks for most lists
    monkeypatch.setattr("archive_search.export.TOP_POSTINGS", 1)
    documents = fixture_documents()
    update_index(tmp_path / "kept", documents[:-1])
    export_index(open_index(tmp_path / "kept"), tmp_path / "out")
    state_path = tmp_path / "kept" / EXPORT_STATE_FILE
    state = load_file(state_path)
    state["version"] = export_module.FORMAT_VERSION - 1
    save_file(state_path, state)
    blocks = sorted((tmp_path / "out" / "scores").iterdir())
    assert blocks, "the fixture has score blocks"
    (tmp_path / "out" / "scores" / "oldlist").mkdir()
    (blocks[0]).rename(tmp_path / "out" / "scores" / "oldlist" / "0.json")  # as the old layout had it
    report = update_index(tmp_path / "kept", documents)
    export_index(open_index(tmp_path / "kept"), tmp_path / "out", report)
    update_index(tmp_path / "clean", documents)
    export_index(open_index(tmp_path / "clean"), tmp_path / "clean-out")
    assert _tree(tmp_path / "out") == _tree(tmp_path / "clean-out")
    assert not (tmp_path / "out" / "scores" / "oldlist").exists()


def test_a_document_group_left_half_written_is_completed(tmp_path: Path) -> None:
    """A build stopped while writing a group of result records leaves its folder with some
    records missing; the next export writes them rather than trusting the folder's name."""
    documents = fixture_documents()
    update_index(tmp_path / "index", documents)
    export_index(open_index(tmp_path / "index"), tmp_path / "out")
    expected = _tree(tmp_path / "out")
    records = sorted((tmp_path / "out" / "docs").rglob("*.json"))
    for record in records[len(records) // 2:]:
        record.unlink()
    export_index(open_index(tmp_path / "index"), tmp_path / "out")
    assert _tree(tmp_path / "out") == expected


def test_a_story_refiled_under_another_desk_is_exported_as_a_clean_export_does(tmp_path: Path, monkeypatch) -> None:
    """A correction may move a story to another desk with its key and date: the export puts the
    re-indexed story in its old place (export._replaced_in_place) with its new desk, for the
    desk counts and its record."""
    documents = fixture_documents()
    update_index(tmp_path / "kept", documents)
    export_index(open_index(tmp_path / "kept"), tmp_path / "out")
    story = documents[4]
    refiled = dataclasses.replace(story, desk=next(desk for desk in ("culture", "sport") if desk != story.desk))
    current = documents[:4] + [refiled] + documents[5:]
    report = update_index(tmp_path / "kept", current, optimize_share=1.0)  # numbers kept: no purge
    assert report.updated == [story.key] and not report.optimized
    in_place = []
    original = export_module._replaced_in_place
    monkeypatch.setattr(export_module, "_replaced_in_place",
                        lambda *args: in_place.append(original(*args)) or in_place[-1])
    export_index(open_index(tmp_path / "kept"), tmp_path / "out", report)
    assert in_place and in_place[0] is not None, "the story was put back in its place"
    update_index(tmp_path / "clean", current)
    export_index(open_index(tmp_path / "clean"), tmp_path / "clean-out")
    assert _tree(tmp_path / "out") == _tree(tmp_path / "clean-out")


def test_the_length_bytes_read_at_once_are_whooshs_of_every_document(tmp_path: Path) -> None:
    """export._length_bytes reads Whoosh's length columns directly: against the reader's own
    doc_field_length for every document and text field of an index of three segments, one of
    them with a document deleted by a correction, and an empty field."""
    documents = fixture_documents()
    update_index(tmp_path / "index", documents[:-2])
    update_index(tmp_path / "index", documents[:-1])
    corrected = dataclasses.replace(documents[0], body=documents[0].body + " The ferry resumed at noon.", summary="")
    update_index(tmp_path / "index", [corrected] + documents[1:], optimize_share=1.0)  # the deletion stays
    with open_index(tmp_path / "index").reader() as reader:
        assert len(reader.leaf_readers()) == 3 and reader.doc_count_all() > reader.doc_count()
        for field in TEXT_FIELDS:
            expected = bytes(length_to_byte(reader.doc_field_length(docnum, field) or 0)
                             for docnum in range(reader.doc_count_all()))
            assert export_module._length_bytes(reader, field) == expected, field
        assert 0 in export_module._length_bytes(reader, "summary")


def test_live_document_frequencies_leave_out_deleted_articles_as_counting_live_postings_does(tmp_path: Path) -> None:
    """LiveStatistics.doc_frequency takes the deleted articles holding a term off Whoosh's
    count: against counting the live postings one by one, for every term of every text field
    of an index of three segments, with corrections and a removal deleted but not purged."""
    documents = fixture_documents()
    update_index(tmp_path / "index", documents[:-2])
    update_index(tmp_path / "index", documents[:-1])
    changed = [dataclasses.replace(document, body=document.body + " The ferry resumed at noon.")
               if number % 3 == 0 else document for number, document in enumerate(documents[1:])]
    update_index(tmp_path / "index", changed, optimize_share=1.0)  # the deletions stay
    with open_index(tmp_path / "index").reader() as reader:
        stats = LiveStatistics(reader)
        assert len(reader.leaf_readers()) == 3 and len(stats.deleted) > 3
        checked = 0
        for field in TEXT_FIELDS:
            for term in reader.lexicon(field):
                live = sum(1 for _ in reader.postings(field, term).all_ids())
                assert stats.doc_frequency(field, term) == live, (field, term)
                checked += live != reader.doc_frequency(field, term)
        assert checked > 20, "the deleted articles held terms"


def test_files_kept_as_json_by_an_earlier_version_are_not_read_and_are_removed(tmp_path: Path) -> None:
    """A cache folder from before the kept files were written with marshal holds them as JSON
    under their old names: an update does not read them (the index itself says what they
    held), the export it makes is a clean one's, and the old files leave the folder."""
    documents = fixture_documents()
    update_index(tmp_path / "kept", documents[:-1])
    export_index(open_index(tmp_path / "kept"), tmp_path / "out")
    for name in FORMER_NAMES:
        # Plausible values of the old layout, but wrong: were they read, the export would differ.
        (tmp_path / "kept" / name).write_text(json.dumps({"generation": 1, "value": {"harbour": 99}}), encoding="utf-8")
    for name in (FINGERPRINTS_FILE, SPELLING_FILE, LENGTHS_FILE, EXPORT_STATE_FILE):
        (tmp_path / "kept" / name).unlink()
    report = update_index(tmp_path / "kept", documents)
    assert report.added == [documents[-1].key] and report.unchanged == len(documents) - 1
    export_index(open_index(tmp_path / "kept"), tmp_path / "out", report)
    update_index(tmp_path / "clean", documents)
    export_index(open_index(tmp_path / "clean"), tmp_path / "clean-out")
    assert _tree(tmp_path / "out") == _tree(tmp_path / "clean-out")
    assert not [name for name in FORMER_NAMES if (tmp_path / "kept" / name).exists()]


@pytest.mark.parametrize("damage", ["cut short", "another generation", "deleted"])
def test_files_kept_beside_the_index_are_not_trusted_when_damaged(tmp_path: Path, damage: str) -> None:
    """Fingerprints, spelling counts and field lengths kept beside the index describe one index
    generation; a damaged or stale one is rebuilt from the index, never used."""
    documents = fixture_documents()
    update_index(tmp_path / "kept", documents)
    export_index(open_index(tmp_path / "kept"), tmp_path / "out")
    for name in (FINGERPRINTS_FILE, SPELLING_FILE, LENGTHS_FILE, EXPORT_STATE_FILE):
        path = tmp_path / "kept" / name
        if damage == "cut short":
            path.write_bytes(path.read_bytes()[:40])
        elif name == EXPORT_STATE_FILE:
            state = load_file(path)
            state["manifest"] = "0" * 12  # the state of another export
            save_file(path, state)
        elif damage == "another generation":
            kept = load_file(path)
            value = kept["value"]
            # Plausible but wrong: every count doubled, every fingerprint changed.
            kept["value"] = {key: (v * 2 if isinstance(v, int) else v[::-1]) for key, v in value.items()}
            kept["generation"] += 7
            save_file(path, kept)
        else:
            path.unlink()
    edited = dataclasses.replace(documents[1], body=documents[1].body + " Ferries resumed at noon.")
    current = [documents[0], edited] + documents[3:]
    report = update_index(tmp_path / "kept", current)
    assert report.updated == [edited.key] and report.unchanged == len(current) - 1
    export_index(open_index(tmp_path / "kept"), tmp_path / "out", report)
    update_index(tmp_path / "clean", current)
    export_index(open_index(tmp_path / "clean"), tmp_path / "clean-out")
    assert _tree(tmp_path / "out") == _tree(tmp_path / "clean-out")


def test_a_words_top_articles_are_the_best_scores_lowest_numbers_first_on_ties(monkeypatch) -> None:
    """export._top_articles against the plain rule it stands for: the TOP_POSTINGS smallest
    (-score, article) pairs, on random scores with and without many ties."""
    random = Random(7)
    for top in (1, 3, 16):
        monkeypatch.setattr("archive_search.export.TOP_POSTINGS", top)
        for _ in range(300):
            size = random.randrange(0, 60)
            rounding = random.choice([0, 1, 3])  # 0: nearly all scores tie
            totals = {article: round(random.random() * 4, rounding)
                      for article in random.sample(range(200), size)}
            expected = {article for _, article in heapq.nsmallest(top, ((-score, article)
                                                                         for article, score in totals.items()))}
            assert _top_articles(totals) == expected, (top, totals)


def test_a_terms_exported_postings_are_its_positions_and_weights_spelled_out() -> None:
    """fresh_postings.text_postings (cached per Whoosh value, joined texts) against the
    export's format spelled out: (article gap, weight, length byte) per article and
    (count, position gaps...) per article, on random lists with repeated and long values."""
    random = Random(5)
    places = EncodedPlaces()
    lengths = [random.randrange(0, 256) for _ in range(400)]
    for boost in (1.0, 5.0, 2.0):
        for _ in range(400):
            articles = sorted(random.sample(range(400), random.randrange(1, 30)))
            lists = [sorted(random.sample(range(900), random.choice([1, 1, 2, 3, 40]))) for _ in articles]
            gap_lists = [[b - a for a, b in zip([0, *places_], places_)] for places_ in lists]
            values = [pack_uint(len(gaps)) + pickle.dumps(gaps, 2) for gaps in gap_lists]
            expected_numbers = []
            for previous, article, gaps in zip([0, *articles], articles, gap_lists):
                expected_numbers += [article - previous, int(len(gaps) * boost), lengths[article]]
            expected_places = encode_numbers([number for gaps in gap_lists for number in (len(gaps), *gaps)])
            assert text_postings("body", articles, values, boost, lengths, places) == (expected_numbers, expected_places)
    assert places, "short values are remembered"
    with pytest.raises(ExportError):
        text_postings("body", [3, 9], [pack_uint(1) + pickle.dumps([4], 2)] * 2, 1.5, lengths, places)


def test_a_clean_export_stopped_midway_is_not_trusted_by_the_next(tmp_path: Path, monkeypatch) -> None:
    """A clean export writes its files in place; one stopped midway leaves files cut short
    (as a killed build can) and its mark, and the next export writes what a clean one does."""
    monkeypatch.setattr("archive_search.export.SHARD_CHARS", 300)
    monkeypatch.setattr("archive_search.export.DOC_GROUP_SIZE", 3)
    monkeypatch.setattr("archive_search.export.BLOCK_POSTINGS", 1)
    documents = fixture_documents()
    update_index(tmp_path / "index", documents)
    export_index(open_index(tmp_path / "index"), tmp_path / "clean")
    expected = _tree(tmp_path / "clean")
    assert not any(Path(name).name.startswith(".") for name in expected)

    written = []
    original = export_module._Writer._write

    def stopping(self, relpath, data):
        if sum(name.startswith("docs/") for name in written) == 4:  # into the second group
            raise KeyboardInterrupt
        written.append(relpath)
        original(self, relpath, data)

    with monkeypatch.context() as stopped:
        stopped.setattr(export_module._Writer, "_write", stopping)
        with pytest.raises(KeyboardInterrupt):
            export_index(open_index(tmp_path / "index"), tmp_path / "out")
    assert (tmp_path / "out" / export_module.UNFINISHED_MARK).exists()
    for relpath in written:  # every file it wrote cut short, its name kept
        path = tmp_path / "out" / relpath
        path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    assert any(name.startswith("docs/") for name in written) and any(name.startswith("scores/") for name in written)
    export_index(open_index(tmp_path / "index"), tmp_path / "out")
    assert _tree(tmp_path / "out") == expected
