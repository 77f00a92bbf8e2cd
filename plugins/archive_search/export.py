"""Exports the Whoosh index as static files the browser client reads.

Layout under the export folder (output/search/ in a site build):

- `manifest.json`   the only fixed name: counts, field statistics and query boosts, the
                    shard-table files, document-group names, the month table (year facets), the
                    tie order (publication order, so one run), names of the desk, calendar and
                    lexicon files.
- `tables/<hash>.json`     the shard table in slices: first term and name of each shard.
- `terms/<hash>.json`      postings of a run of consecutive terms (sorted), all fields, with
                           the document frequency of each among live articles.
- `positions/<hash>.json`  the same terms' positions (same name), fetched only for phrases.
- `followers/<hash>-<k>.json`  for the shard's common words (more than COMMON_POSTINGS
                           postings in a field), each field's following words with the places
                           (in the word's list for that field) of the articles where they
                           follow: a two-word phrase starting with such a word reads this
                           instead of both words' positions. The sets are cut into files
                           k = 0 .. n - 1 by the following word (follower_bucket), each
                           naming every common word of the shard; the shard's table row
                           ends with <hash> and n.
- `scores/<hash>-<n>.json` scoring data (weight, length) of block n (BLOCK_POSTINGS postings)
                           of a long posting list (<hash> names the list's blocks): a term's entry carries
                           every article number (matches, totals and facets), the postings of
                           the word's TOP_POSTINGS best articles with their scoring data, and
                           each block's best (weight, length) of the others; with ["word",
                           range, bounds], the word's best score over all its fields per range
                           of articles outside its top. A ranked query fetches only blocks that
                           can reach its top.
- `docs/<hash>/<id>.json`  one result record per article, grouped so a group's name changes
                           only when one of its records does.
- `lexicon/<hash>.json`    the spelling word list (words as written, with the number of articles
                           using each) by first letter and length, for corrections;
- `desks-<hash>.json`, `calendar-<hash>.json`   per-article desk codes (facets) and the first
                           article of each day (date filters).

Articles are numbered by publication date (then key), oldest first, so "newest first" reads the
numbers backwards and a date range is a range of numbers. Statistics are those of the live
articles (livestats.py): a kept index with edits and removals exports exactly what a clean
index of the same articles does. Everything is sorted and serialized with fixed options, so
the same articles always give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import math
import mmap
import os
import shutil
import zlib
from pickle import loads
from collections import defaultdict
from collections.abc import Container, Iterable, Iterator, Sequence
from itertools import accumulate, chain, compress, count, repeat
from operator import add, mul, sub
from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass
from datetime import date as calendar_date
from datetime import datetime
from pathlib import Path
from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.index import FileIndex
from whoosh.reading import IndexReader, TermNotFound
from whoosh.scoring import BM25F, bm25
from whoosh.util.numeric import byte_to_length

from archive_format import write_atomic

from .documents import compact_json as _dumps
from .documents import stored_source
from .encoding import (BitmapArticles, ListedArticles, article_set, decode_articles, decode_gaps, decode_numbers,
                       encode_articles, encode_gaps, encode_numbers, extend_articles, follower_bucket)
from .fresh_postings import FILTER_FIELDS, EncodedPlaces, ExportError, FreshPostings, filter_postings, text_postings
from .indexer import UpdateReport, term_keys
from .kept import EXPORT_STATE_FILE, load_file, save_file
from .livestats import LiveStatistics, whoosh_idf
from .schema import QUERY_FIELD_BOOSTS, TEXT_FIELDS
from .spelling import spelling_groups

#: 3: score blocks in one folder (scores/<name>-<n>.json, not scores/<name>/<n>.json).
#: 4: a list's blocks named by runs of BLOCK_RUN (an entry's blocks name: one name per run).
#: 5: common words' follower sets (followers/<hash>.json, named third in a shard's table row).
#: 6: follower sets cut by the following word (followers/<hash>-<k>.json, the row's fourth: n).
FORMAT_VERSION = 6
#: Target size of a term shard (characters): balances the shard table against per-term fetches.
SHARD_CHARS = 4_000
#: Shard-table rows per table file; the manifest lists the table files, so it stays small.
TABLE_ROWS = 64
#: Postings the export reads before letting go of the mapped index pages it read (see
#: release_mapped_pages): about 50 MB of index file.
RELEASE_POSTINGS = 1_000_000
#: A scored posting list longer than three blocks keeps only article numbers in its shard; the
#: weights and lengths go to blocks of this many postings, fetched when ranking needs them.
BLOCK_POSTINGS = 128
#: Score blocks per name: a list's blocks go by one name per run of this many, made from the
#: run's blocks, so a correction or a day's stories rename the runs they touch rather than
#: every block of a common word (hard-linking 60,000 blocks per correction at 100,000
#: articles), for twelve characters more in the entry per run after the first.
BLOCK_RUN = 64
#: Articles where a word with a long list scores best (all its fields together): their postings
#: are kept in the shard entries with their weights and lengths (a one-word query needs no block).
#: 512 rather than 128: the best results of two common words together are mostly among each
#: word's best 512, so they need no score block either (50,000 articles: `film awards` fetches
#: 14 files instead of 97, 23.8 KB instead of 35.5), for 1-2 KB more in a common word's shard.
TOP_POSTINGS = 512
#: Articles per range of a word's bounds: the best score of a word over all its fields among
#: the articles of a range (outside its top), which is tighter than its fields' bounds added up.
WORD_RANGE = 512
#: Score blocks, top postings and word bounds are chosen with each document frequency rounded
#: up to this many binary digits (reference_frequency): a list that grows by a day's stories
#: keeps those choices, so its entry is extended rather than rebuilt (_Appender).
FREQUENCY_BITS = 4
#: ... and to a multiple of this (a power of two): a headline's few articles grow in big steps.
FREQUENCY_STEP = 16
#: Articles per document group (one folder name in the manifest per group).
DOC_GROUP_SIZE = 512
#: Sub-folders the export owns; anything in them not written by this export is removed.
OWNED_FOLDERS = ("terms", "positions", "followers", "scores", "tables", "docs", "lexicon")
#: A word with more postings than this in one of its fields is common: its follower sets are
#: exported (tests/bench/phrase_data.py sizes them: 0.33 KB per article at 10,000 articles).
COMMON_POSTINGS = 1000
#: Characters of a shard's follower sets per file: a phrase fetches the file of its second word
#: only. Whole, the sets of a very common first word were larger than its positions (50,000
#: articles: `said` 207 KB gzip against 103, `world` 31.5 against 26.6); cut in files of about
#: this size they are 2.3 KB gzip median, 11 KB at most (12.0 → 13.5 MB gzip in all).
FOLLOWER_FILE_CHARS = 4_000
#: Present in the export folder while a clean export writes its files in place (see _Writer).
UNFINISHED_MARK = ".unfinished-export"
EPOCH = calendar_date(1970, 1, 1)


@dataclass(frozen=True)
class ExportReport:
    """What an export wrote: article count, files, total bytes, and the manifest path."""

    articles: int
    files: int
    bytes: int
    manifest: Path
    #: Words whose entries were extended or patched from the previous export rather than rebuilt.
    extended: int = 0


#: Characters of a content digest (_digest), the name of a file or of a run of score blocks.
NAME_CHARS = 12


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:NAME_CHARS]


def _names(joined: str) -> list[str]:
    """The digests `joined` is made of, in order (a list's run names, or its blocks' digests)."""
    return [joined[at:at + NAME_CHARS] for at in range(0, len(joined), NAME_CHARS)]


def _quoted(encoded: str) -> str:
    """An encode_numbers text as JSON (its alphabet needs no escaping): what _dumps writes."""
    return f'"{encoded}"'


def score_block(name: str, number: int) -> str:
    """The path (in the export folder) of score block `number` of the list whose blocks go by
    `name`: twelve characters per run of BLOCK_RUN blocks, the run's own name
    (index_files.js's scoreBlockPath makes the same path).

    All in one folder: a folder per list made 2,500 folders at 10,000 articles, and making a
    folder cost the system more than the five files in it."""
    run = NAME_CHARS * (number // BLOCK_RUN)
    return f"scores/{name[run:run + NAME_CHARS]}-{number}.json"


class _Writer:
    """Writes content-named files below the export folder and remembers what it wrote.

    `fresh`: the folder holds nothing of an earlier export, so no file is looked for first,
    and each file is written in place rather than beside it and renamed: a clean build writes
    some 30,000 files at 10,000 articles, and the rename was a quarter of the kernel's time
    for each. Nothing reads them before the manifest names them (written last, atomically),
    and while they are written the folder holds UNFINISHED_MARK: an export that finds the
    mark trusts nothing of the stopped one (export_index removes it and starts clean).
    """

    def __init__(self, root: Path, fresh: bool = False) -> None:
        self.root = root
        self.fresh = fresh
        #: Paths inside the export folder ("terms/x.json") of the files this export consists of.
        self.written: set[str] = set()
        self.bytes = 0
        #: Files kept from the previous export without being listed in `written`: document
        #: groups kept whole, and the score blocks of lists kept as they were.
        self.kept_files = 0
        #: Folders made (or found) by this export.
        self._folders: set[str] = set()

    def put(self, relpath: str, text: str) -> str:
        data = text.encode("utf-8")
        self.written.add(relpath)
        self.bytes += len(data)
        # Content-named files never change once written; an existing one is already right.
        if self.fresh or not self._present(relpath, len(data)):
            self._write(relpath, data)
        return relpath

    def _present(self, relpath: str, size: int) -> bool:
        """True when the folder has the file `relpath` with `size` bytes."""
        try:
            return os.stat(f"{self.root}/{relpath}").st_size == size
        except OSError:
            return False

    def _write(self, relpath: str, data: bytes) -> None:
        """Write one file atomically, as archive_format.write_atomic does, in fewer steps.

        An export writes tens of thousands of small files (one per article record, one per
        score block) into folders it owns, and write_atomic's steps for each (making the
        folder, a randomly named temporary file, a file object) cost more than the writing on
        a fast disk. Here each folder is made once, and the temporary file beside the target
        has a fixed hidden name: only one build writes an export at a time, and a file left
        by an interrupted build is overwritten by the next or removed as stale.
        """
        folder, _, name = relpath.rpartition("/")
        directory = f"{self.root}/{folder}" if folder else str(self.root)
        if folder not in self._folders:
            os.makedirs(directory, exist_ok=True)
            self._folders.add(folder)
        final = f"{directory}/{name}"
        temp = final if self.fresh else f"{directory}/.{name}.tmp"
        # Readable as the umask allows: the files are served as they are.
        handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view):]
        except BaseException:
            os.close(handle)
            os.unlink(temp)
            raise
        os.close(handle)
        if temp != final:
            os.replace(temp, final)

    def assume(self, relpath: str, text: str) -> str:
        """Count a file as written without touching it: its content-named folder has it."""
        self.written.add(relpath)
        self.bytes += len(text.encode("utf-8"))
        return relpath

    def keep(self, relpath: str, size: int) -> None:
        """Count a file of the previous export (of `size` bytes) as part of this one."""
        if relpath in self.written:
            return
        self.written.add(relpath)
        self.bytes += size

    def link(self, source: str, relpath: str, size: int) -> bool:
        """Make `relpath` a hard link to `source`, a file of the previous export in the same
        folder holding what `relpath` must hold (`size` bytes): a name, not a new file, which
        is what a file costs the system. False when no link can be made (no hard links here,
        or a file in the way)."""
        folder = relpath.rpartition("/")[0]
        if folder not in self._folders:
            os.makedirs(f"{self.root}/{folder}", exist_ok=True)
            self._folders.add(folder)
        try:
            os.link(f"{self.root}/{source}", f"{self.root}/{relpath}")
        except OSError:
            return False
        self.keep(relpath, size)
        return True

    def put_named(self, folder: str, text: str) -> str:
        return self.put(f"{folder}/{_digest(text)}.json", text)

    def keep_group(self, files: int, size: int) -> None:
        """Count a document group of the previous export, kept whole, as part of this one."""
        self.kept_files += files
        self.bytes += size


@dataclass
class _Articles:
    """The live articles in publication order (date, then key: the order of a clean index,
    whatever order edits left the kept one in): Whoosh numbers, keys, dates, desks."""

    docnums: list[int]
    keys: list[str]
    dates: list[datetime]
    desks: list[str]
    #: Records read so far (their stored JSON: a tenth of the memory of parsed ones), by Whoosh number.
    records: dict[int, str]
    #: True when `records` are in the export's form already (as a clean build's indexer wrote them).
    compact: bool = False
    #: `dates` as the export's state keeps them (ISO 8601), when they were taken from it.
    iso_dates: list[str] | None = None

    def record(self, reader: IndexReader, article: int) -> dict[str, Any]:
        docnum = self.docnums[article]
        text = self.records.get(docnum)
        return json.loads(text if text is not None else reader.stored_fields(docnum)["record"])

    def record_text(self, reader: IndexReader, article: int) -> str:
        """The article's record as the export writes it."""
        if self.compact:
            return self.records[self.docnums[article]]
        return _dumps(self.record(reader, article))


def _read_articles(reader: IndexReader, docnums: Any) -> list[tuple[datetime, str, int, tuple[str, str]]]:
    """(date, key, Whoosh number, (record JSON, desk)) of the given live articles, from their
    stored fields."""
    found = []
    for docnum in docnums:
        fields = reader.stored_fields(docnum)
        found.append((fields["date"], fields["key"], docnum, (fields["record"], json.loads(fields["record"])["desk"])))
    return found


def _ordered(items: list[tuple[datetime, str, int, tuple[str, str] | None]],
             records: dict[int, str], desks: dict[int, str]) -> _Articles:
    items.sort(key=lambda item: (item[0], item[1]))
    for _, _, docnum, record in items:
        if record is not None:
            records[docnum], desks[docnum] = record
    return _Articles([item[2] for item in items], [item[1] for item in items], [item[0] for item in items],
                     [desks[item[2]] for item in items], records)


def _document_order(reader: IndexReader) -> _Articles:
    """Every live article in publication order, read from the index."""
    return _ordered(_read_articles(reader, reader.all_doc_ids()), {}, {})


def _replaced_in_place(state: dict[str, Any], gone: set[int],
                       added: list[tuple[datetime, str, int, tuple[str, str]]]) -> _Articles | None:
    """The articles of the previous export's numbering when the only change is articles
    re-indexed with their key and date (a correction, `added` read by _read_articles): each
    takes its old place with its new Whoosh number. None otherwise (an article added or
    removed, a date changed).

    The general way makes, sorts and takes apart a tuple per article (0.2 s at 100,000)."""
    docnums = list(state["docnums"])
    places = [place for place, docnum in enumerate(docnums) if docnum in gone]
    if len(added) != len(places):
        return None
    keys, iso_dates, desks = state["keys"], list(state["dates"]), list(state["desks"])
    at = {keys[place]: place for place in places}
    records = {}
    for date, key, docnum, (record, desk) in added:
        place = at.pop(key, None)
        if place is None or date.isoformat() != iso_dates[place]:
            return None
        docnums[place], desks[place], records[docnum] = docnum, desk, record
    return _Articles(docnums, keys, list(map(datetime.fromisoformat, iso_dates)), desks, records, iso_dates=iso_dates)


def _segments(reader: IndexReader) -> list[list[Any]]:
    """[segment id, documents] of each segment: numbers stay valid while these stay in place."""
    return [[segment.segment().segment_id(), segment.doc_count_all()] for segment, _ in reader.leaf_readers()]


def _order_since(reader: IndexReader, state: dict[str, Any], deleted: list[int]) -> _Articles | None:
    """The live articles in publication order from the previous export's numbering (None
    without that numbering).

    Whoosh never changes a segment's documents (a deletion only marks one), so an article of a
    segment still in place keeps its place in it. When Whoosh merged small segments into a
    new one (MERGE_SMALL, every few updates), only the articles of segments that are new
    since are read from their stored fields: the merged ones and those added since. Reading
    all of them took 3.5 s at 50,000 articles, three times an ordinary edit's export."""
    before = state.get("segments")
    if not before:
        return None
    now = _segments(reader)
    # Where each earlier segment started then, and starts now if it is still there.
    starts_then = list(accumulate((documents for _, documents in before[:-1]), initial=0))
    earlier = {(segment, documents) for segment, documents in before}
    starts_now, new_ranges, start = {}, [], 0
    for segment, documents in now:
        starts_now[(segment, documents)] = start
        if (segment, documents) not in earlier:
            new_ranges.append(range(start, start + documents))
        start += documents
    moved = [starts_now.get((segment, documents)) for segment, documents in before]
    gone = set(deleted)
    added = _read_articles(reader, (docnum for numbers in new_ranges for docnum in numbers if docnum not in gone))
    numbers_kept = now[:len(before)] == before
    if numbers_kept:
        in_place = _replaced_in_place(state, gone, added)
        if in_place is not None:
            return in_place
    kept, desks = [], {}
    for docnum, key, date, desk in zip(state["docnums"], state["keys"], state["dates"], state["desks"]):
        at = bisect_right(starts_then, docnum) - 1
        if moved[at] is None:  # merged away: read again below with its new number
            continue
        docnum += moved[at] - starts_then[at]
        if docnum not in gone:
            kept.append((datetime.fromisoformat(date), key, docnum, None))
            desks[docnum] = desk
    return _ordered(kept + added, {}, desks)


def _term_text(termbytes: bytes | str) -> str:
    return termbytes.decode("utf-8") if isinstance(termbytes, bytes) else termbytes


def _term_size(key: str, stats: LiveStatistics) -> int:
    """The estimated exported size of term `key` from its live document frequencies (0: gone)."""
    field_name, _, value = key.partition(":")
    if value and field_name in FILTER_FIELDS:
        frequency = stats.doc_frequency(field_name, value)
        return len(key) + 4 + frequency * 2 if frequency else 0
    return sum(len(key) + 4 + frequency * 4 for field in TEXT_FIELDS
               if (frequency := stats.doc_frequency(field, key)))


def _dictionary(reader: IndexReader, stats: LiveStatistics) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Return every exported term key with its estimated size, and the text fields of each word.

    Sizes come from the live articles' document frequencies, so shard boundaries follow from
    the articles alone (a clean index gives the same) and an unchanged stretch of the
    dictionary keeps its shards from build to build.
    """
    sizes: dict[str, int] = defaultdict(int)
    fields_of: dict[str, list[str]] = defaultdict(list)
    for field in TEXT_FIELDS + FILTER_FIELDS:
        scored = field in TEXT_FIELDS
        for termbytes, info in reader.iter_field(field):
            term = _term_text(termbytes)
            frequency = info.doc_frequency()
            key = term if scored else f"{field}:{term}"
            sizes[key] += len(key) + 4 + frequency * (4 if scored else 2)
            if scored:
                fields_of[key].append(field)
    # Whoosh's frequencies still count deleted articles: recount the terms they used.
    deleted_keys: set[str] = set()
    for docnum in stats.deleted:
        deleted_keys |= term_keys(reader.schema, stats.analyzer, stored_source(reader.stored_fields(docnum)))
    for key in deleted_keys:
        sizes[key] = _term_size(key, stats)
        if not sizes[key]:
            del sizes[key]
    return sizes, fields_of


def _common_words(reader: IndexReader, stats: LiveStatistics) -> set[str]:
    """The words with more than COMMON_POSTINGS live postings in one of their text fields."""
    found = set()
    for field in TEXT_FIELDS:
        for termbytes, info in reader.iter_field(field):
            # Whoosh's count includes deleted articles: only then is the live count asked for.
            if info.doc_frequency() > COMMON_POSTINGS:
                term = _term_text(termbytes)
                if stats.doc_frequency(field, term) > COMMON_POSTINGS:
                    found.add(term)
    return found


def _followers(orders: Iterable[tuple[int, int, Sequence[str | None]]],
               common: set[str] | None) -> dict[tuple[str, int], dict[str, list[int]]]:
    """Per word of `common` (None: every word) and text field (its index), each word that
    follows it somewhere with the articles where it does, from `orders`: (article, field
    index, the field's terms in order) with articles ascending (_stored_orders, _written_orders)."""
    followed: dict[tuple[str, int], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    if common is not None and not common:
        return followed  # (a small archive: no article need be read)
    for article, number, order in orders:
        # Each (word, follower) once per article and field; None is no word (a place without one).
        pairs = (set(zip(order, order[1:])) if common is None
                 else {pair for pair in zip(order, order[1:]) if pair[0] in common})
        for word, follower in pairs:
            if word is not None and follower is not None:
                followed[word, number][follower].append(article)
    return followed


def _stored_orders(reader: IndexReader, articles: Iterable[tuple[int, int]], common: set[str] | None,
                   analyzer: Any) -> Iterator[tuple[int, int, tuple[str | None, ...]]]:
    """_followers' `orders` of the `articles` ((article, Whoosh number), ascending), each
    article's stored text analyzed again as the indexer analyzed it (no index structure says
    which word follows which); fields with no word of `common` are left out."""
    for article, docnum in articles:
        source = stored_source(reader.stored_fields(docnum))
        for number, field in enumerate(TEXT_FIELDS):
            analysis = analyzer.field(str(source.get(field) or ""))
            if common is None or not common.isdisjoint(analysis.positions):
                yield article, number, analysis.in_order()


def _written_orders(as_written: FreshPostings) -> Iterator[tuple[int, int, tuple[str | None, ...]]]:
    """_followers' `orders` of a clean build's articles as the indexer noted them
    (FreshPostings.add_words), whose Whoosh numbers are their article numbers."""
    for article, orders in enumerate(as_written.words()):
        for number, order in enumerate(orders):
            yield article, number, order


def _entry_articles(item: list[Any]) -> list[int]:
    """The article numbers of one field's list in a term's entry (short or long)."""
    if len(item) > 3:
        return decode_articles(item[1])
    return list(accumulate(decode_numbers(item[1])[0::3]))


def _is_common(entry: list[Any]) -> bool:
    """True when a word's entry has more than COMMON_POSTINGS postings in one of its fields."""
    return any(item[0] != "word" and item[0] < len(TEXT_FIELDS) and item[2] > COMMON_POSTINGS for item in entry)


def _encoded_field(followers: dict[str, list[int]], articles: list[int]) -> dict[str, str]:
    """One field's follower sets of a word (`articles`: its list in the field): per following
    word, the places of the articles where it follows, as gaps; or "!" and the gaps of those
    where it does not, when they are fewer (`prime` is followed by `minister` in most of its
    articles)."""
    place = {article: at for at, article in enumerate(articles)}
    encoded = {}
    for follower, holding in sorted(followers.items()):
        places = [place[article] for article in holding]
        if 2 * len(places) > len(articles):
            chosen = set(places)
            encoded[follower] = "!" + encode_gaps([at for at in range(len(articles)) if at not in chosen])
        else:
            encoded[follower] = encode_gaps(places)
    return encoded


def _entry_article_set(item: list[Any] | None) -> ListedArticles | BitmapArticles:
    """The article numbers of one field's list in a term's entry (none for None), as
    encoding.article_set gives them: a bitmap's are not listed."""
    if item is None:
        return ListedArticles()
    return article_set(item[1]) if len(item) > 3 else ListedArticles(_entry_articles(item))


def _moved_places(places: list[int], old_at: list[int], new_at: list[int]) -> list[int]:
    """Sorted places in a word's previous list, none of them an edited article's (`old_at`:
    those, sorted), moved to where their articles are in the list now (`new_at`: the edited
    articles' places now, sorted). The other articles keep their order, so each place moves
    by the edited places below it: a step at each edited place, put into the gaps between
    places (one gap per step) rather than into every place."""
    if not places or old_at == new_at:
        return places

    def rank(place: int) -> int:  # (among the articles that were not edited)
        return place - bisect_left(old_at, place)

    steps: dict[int, int] = defaultdict(int)
    for place in old_at:  # places past an edited article's old place move back one
        steps[bisect_right(places, place)] -= 1
    for number, place in enumerate(new_at):  # those of rank place - number and above move on one
        steps[bisect_left(places, place - number, key=rank)] += 1
    gaps = list(map(sub, places, [0, *places]))
    for at, step in steps.items():
        if at < len(gaps):
            gaps[at] += step
    return list(accumulate(gaps))


def _patched_field(encoded: dict[str, str], before: ListedArticles | BitmapArticles,
                   after: ListedArticles | BitmapArticles, edited: set[int],
                   followers: dict[str, list[int]]) -> dict[str, str]:
    """One field's follower sets of a common word in an export that updates the previous one,
    as _encoded_field would write them whole: `encoded` the previous sets, `before` and
    `after` the word's list then and now (_entry_article_set), which differ only by edited
    articles (every other article keeps its number in such an export), `followers` the
    edited articles' followers now (following word → the edited articles where it follows).

    Worked in places, not articles: each set's places lose the edited articles' old ones, the
    others move by the edited places around them (_moved_places), and the edited articles'
    new places are put in; a set keeps its text when none of that changes it. Going back to
    articles and forth cost 2.4-5.7 s of an export adding one story at 100,000 articles, the
    new story's common words having thousands of followers each."""
    size = len(after)
    old_at = sorted(before.rank(article) for article in edited if article in before)
    now_at: dict[int, set[str]] = {after.rank(article): set() for article in edited if article in after}
    for follower, holding in followers.items():
        for article in holding:
            now_at[after.rank(article)].add(follower)
    new_at = sorted(now_at)
    unmoved = old_at == new_at and len(before) == size
    # Stories added after every article of the list (a day's new stories): no place moves, and
    # a set none of them joins keeps its text (its form too, the list having only grown).
    appended = not old_at and (not new_at or new_at[0] >= len(before))
    patched = {}
    # (In any order: the file is written with its keys sorted.)
    for follower in chain(encoded, followers.keys() - encoded.keys()):
        text = encoded.get(follower)
        if appended and text is not None and follower not in followers and not text.startswith("!"):
            patched[follower] = text
            continue
        # The written places: where the word follows, or after "!" where it does not.
        misses = text is not None and text.startswith("!")
        places = ListedArticles(decode_gaps(text[1:] if misses else text) if text else ())
        old_written = [at for at in old_at if at in places]
        new_written = [at for at in new_at if (follower in now_at[at]) != misses]
        if unmoved and text is not None and old_written == new_written:
            patched[follower] = text  # (a correction that leaves this set as it was)
            continue
        for at in reversed(old_written):
            del places[places.rank(at)]
        written = _moved_places(places, old_at, new_at)
        for at in new_written:
            insort(written, at)
        holders = size - len(written) if misses else len(written)
        if not holders:
            continue
        if (2 * holders > size) != misses:  # the other form is now the smaller: as _encoded_field chooses
            chosen = set(written)
            written = [at for at in range(size) if at not in chosen]
            misses = not misses
        patched[follower] = ("!" if misses else "") + encode_gaps(written)
    return patched


def _follower_sets(entries: dict[str, list[Any]], followed: dict[tuple[str, int], dict[str, list[int]]]) -> dict[str, Any]:
    """The followers file of a shard: per common word of `entries`, [field index, {following
    word: places}] for each field where something follows it (_encoded_field)."""
    sets: dict[str, Any] = {}
    for term, entry in entries.items():
        items = [[item[0], _encoded_field(followed[term, item[0]], _entry_articles(item))]
                 for item in entry if item[0] != "word" and followed.get((term, item[0]))]
        if items:
            sets[term] = items
    return sets


def follower_file(name: str, bucket: int) -> str:
    """The path of file `bucket` of the follower sets named `name` (a shard's table row's third)."""
    return f"followers/{name}-{bucket}.json"


def _write_followers(sets: dict[str, Any], out: _Writer, earlier: tuple[str, list[str]] | None = None
                     ) -> tuple[str, list[int]]:
    """Write a shard's follower sets (_follower_sets) in files of about FOLLOWER_FILE_CHARS,
    each following word in file follower_bucket(word, n) and every word named in every file
    (with its fields, empty where none of their followers is there: a word a file names is
    common); return their name and each file's size. The name is the digest of all the sets,
    so the same sets give the same files. `earlier`: the name and files' texts of the sets
    this shard had in the previous export; a file whose text is the same is linked to."""
    whole = _dumps(sets)
    name = _digest(whole)
    buckets = max(1, math.ceil(len(whole) / FOLLOWER_FILE_CHARS))
    parts: list[dict[str, Any]] = [{term: [[index, {}] for index, _ in items] for term, items in sets.items()}
                                   for _ in range(buckets)]
    for term, items in sets.items():
        for at, (_, followers) in enumerate(items):
            for follower, text in followers.items():
                parts[follower_bucket(follower, buckets)][term][at][1][follower] = text
    sizes = []
    for bucket, part in enumerate(parts):
        text = _dumps(part)
        size = len(text.encode("utf-8"))
        # A day's story changes a few of a shard's files; the others are the same text under
        # the new name: a link, not a file written (at 100,000 articles writing them was
        # about 1 s of an export adding one story).
        unchanged = earlier is not None and earlier[0] != name and earlier[1][bucket:bucket + 1] == [text]
        if not (unchanged and out.link(follower_file(earlier[0], bucket), follower_file(name, bucket), size)):
            out.put(follower_file(name, bucket), text)
        sizes.append(size)
    return name, sizes


def _shard_followers(terms: list[str], entries: dict[str, list[Any]], previous: _Previous, changes: UpdateReport,
                     edited: set[int], followed: dict[tuple[str, int], dict[str, list[int]]], reader: IndexReader,
                     whoosh_order: list[int], analyzer: Any) -> dict[str, Any]:
    """The followers file of a rewritten shard in an export that updates the previous one.

    A common word's sets in a field no edited (re-indexed or added) article touches
    (`changes.followed`) are the previous ones as written; in the others, the previous sets
    patched in places with the edited articles' followers now (_patched_field; `followed`:
    those of every word in those articles). A word that had none (it has just become common)
    has its followers found in every article holding it."""
    sets: dict[str, Any] = {}
    for term in terms:
        entry = entries.get(term)
        if entry is None or not _is_common(entry):
            continue
        old_sets = previous.followers(term)
        old_entry = previous.entry(term)[0]
        if old_sets is None or old_entry is None:
            holding = sorted(set().union(*(_entry_articles(item) for item in entry if item[0] != "word")))
            found = _followers(_stored_orders(reader, ((article, whoosh_order[article]) for article in holding), {term},
                                              analyzer), {term})
            sets.update(_follower_sets({term: entry}, found))
            continue
        old_items = dict((index, encoded) for index, encoded in old_sets)
        old_lists = {item[0]: item for item in old_entry if item[0] != "word"}
        items = []
        for item in entry:
            index = item[0]
            if index == "word":
                continue
            if (term, TEXT_FIELDS[index]) not in changes.followed:
                if index in old_items:
                    items.append([index, old_items[index]])
                continue
            old_list = old_lists.get(index)
            before = _entry_article_set(old_list)
            after = before if old_list is not None and old_list[1] == item[1] else _entry_article_set(item)
            patched = _patched_field(old_items.get(index, {}), before, after, edited, followed.get((term, index), {}))
            if patched:
                items.append([index, patched])
        if items:
            sets[term] = items
    return sets


def _shard_terms(sizes: dict[str, int]) -> list[list[str]]:
    """Cut the sorted dictionary into shards of about SHARD_CHARS.

    A shard starts where a term's hash says so (content-defined, so an edit moves no boundary
    outside its own stretch), at a big term (which gets a shard of its own), or when a shard
    grows past four times the target.
    """
    if not sizes:
        return []
    mean = sum(sizes.values()) / len(sizes)
    spacing = 1 << max(0, round(math.log2(max(1.0, SHARD_CHARS / mean))))
    shards: list[list[str]] = []
    current: list[str] = []
    size = 0
    previous_big = False
    for key in sorted(sizes):
        big = sizes[key] > SHARD_CHARS // 2
        if current and (big or previous_big or size > 4 * SHARD_CHARS
                        or zlib.crc32(key.encode("utf-8")) % spacing == 0):
            shards.append(current)
            current, size = [], 0
        current.append(key)
        size += sizes[key]
        previous_big = big
    shards.append(current)
    return shards


def _live_values(reader: IndexReader, field: str, term: str, only: Container[int] | None = None
                 ) -> list[tuple[int, bytes]]:
    """(document number, encoded posting value) of each live article with `term` in `field`
    (in the segments whose places among the reader's are `only`, if given).

    Whoosh's matchers hand out one posting per call through two wrappers (segments,
    deletions); the export reads every posting of the index, so it takes Whoosh's posting
    blocks whole (the block reader of whoosh 2.7's W3LeafMatcher) and drops deleted articles
    itself. A matcher without blocks (a term kept inline) is read posting by posting.
    """
    items: list[tuple[int, bytes]] = []
    for at, (segment, offset) in enumerate(reader.leaf_readers()):
        if only is not None and at not in only:
            continue
        try:  # one look-up of the term, not a membership test and then another
            matcher = segment.postings(field, term)
        except TermNotFound:
            continue
        deleted = set(segment.segment().deleted_docs()) if segment.has_deletions() else set()
        leaf = getattr(matcher, "child", matcher) if deleted else matcher
        if not hasattr(leaf, "_read_ids"):
            items += [(offset + docnum, value) for docnum, value in matcher.all_items()]
            continue
        while leaf.is_active():
            leaf._read_ids()
            leaf._read_values()
            if deleted:
                items += [(offset + docnum, value) for docnum, value in zip(leaf._ids, leaf._values)
                          if docnum not in deleted]
            else:
                items += [(offset + docnum, value) for docnum, value in zip(leaf._ids, leaf._values)]
            leaf._next_block()
    return items


def release_mapped_pages(reader: IndexReader) -> None:
    """Drop the pages of the index file that `reader` has read from this process's memory.

    Whoosh maps each segment file into memory (its CompoundStorage's `_source`), and every page
    read stays resident until the map is closed: reading a whole index of 50,000 articles put
    600 MB of mapped file into the build's peak memory. The pages stay in the system's file
    cache; a later read maps them again.
    """
    if not hasattr(mmap, "MADV_DONTNEED"):
        return
    for segment, _ in reader.leaf_readers():
        storage = getattr(segment, "_storage", None)
        for part in (storage, getattr(storage, "a", None), getattr(storage, "b", None)):
            source = getattr(part, "_source", None)
            if isinstance(source, mmap.mmap):
                source.madvise(mmap.MADV_DONTNEED)


def _length_bytes(reader: IndexReader, field: str) -> bytes:
    """The length byte Whoosh keeps of `field` for each document number of `reader` (0 where
    the field is empty), read from its segments' length columns at once.

    reader.doc_field_length is several Python calls a document, and turns the byte into a
    length the export turns back: a common word rebuilt in a correction at 100,000 articles
    asked it tens of thousands of times (0.3 s of a correction), a clean export 400,000."""
    parts = []
    for segment, _ in reader.leaf_readers():
        count = segment.doc_count_all()
        # The segment's column of length bytes (whoosh.codec.whoosh3: W3PerDocReader, whose
        # doc_field_length reads the same byte; a document past the column's end has 0).
        column = segment._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
        data = column._dbfile.get(column._basepos, min(column._count, count)) if column is not None else b""
        parts.append(bytes(data) + bytes(count - len(data)))
    return b"".join(parts)


def reference_frequency(frequency: int) -> int:
    """`frequency` rounded up to its first FREQUENCY_BITS binary digits and to a multiple of
    FREQUENCY_STEP (scoring.js referenceFrequency): 5 → 16, 1,000 → 1,024, 1,100 → 1,152."""
    shift = max(FREQUENCY_STEP.bit_length() - 1, frequency.bit_length() - FREQUENCY_BITS)
    return -(-frequency >> shift) << shift


def _reference(stats: LiveStatistics) -> dict[str, Any]:
    """The statistics the score blocks are laid out with: the article count rounded up to a
    step of 2 ** (1/16) (4.4 %), each field's average length rounded up to a step of
    2 ** (1/32) (as the exponent in 32nds). Both are at least the live ones, so a score with
    them is at least the live score once the client scales it by the ratio of the idfs; they
    are close enough for that to stay tight, and change rarely (the archive grows by 4.4 %),
    so an edit leaves the blocks of untouched words as a clean export would write them."""
    count = stats.doc_count or 1
    return {"count": math.ceil(2 ** (math.ceil(math.log2(count) * 16) / 16)),
            "lengthSteps": [math.ceil(math.log2(stats.field_length(field) / count or 1) * 32) for field in TEXT_FIELDS],
            "frequencyBits": FREQUENCY_BITS, "frequencyStep": FREQUENCY_STEP}


class _BlockScorer:
    """Whoosh's BM25F score of one posting under the reference statistics (_reference), to
    pick each block's best (weight, length), the word's top articles and its bounds.

    The client recomputes the reference score of a chosen pair itself (whoosh.scoring.bm25,
    same operations in the same order) and scales it to the live statistics.
    """

    def __init__(self, reference: dict[str, Any]) -> None:
        weighting = BM25F()
        self.B, self.K1 = weighting.B, weighting.K1
        self.count = reference["count"]
        self.average = {field: 2 ** (step / 32) for field, step in zip(TEXT_FIELDS, reference["lengthSteps"])}
        self._scores: dict[tuple[str, int], dict[tuple[int, int], float]] = {}

    def scores(self, field: str, frequency: int) -> dict[tuple[int, int], float]:
        """Score by (weight, length byte) of a term with live `frequency` in `field`, filled
        as pairs are asked for (a list has few distinct pairs)."""
        key = (field, reference_frequency(frequency))
        if key not in self._scores:
            self._scores[key] = _PairScores(whoosh_idf(self.count, key[1]), self.average[field], self.B, self.K1)
        return self._scores[key]

    def score(self, field: str, frequency: int, weight: int, length_byte: int) -> float:
        return self.scores(field, frequency)[weight, length_byte]


class _PairScores(dict):
    """Whoosh's bm25 of (weight, length byte) pairs for one idf and average length, computed once each."""

    def __init__(self, idf: float, average: float, B: float, K1: float) -> None:
        super().__init__()
        self.idf, self.average, self.B, self.K1 = idf, average, B, K1

    def __missing__(self, pair: tuple[int, int]) -> float:
        value = self[pair] = bm25(self.idf, pair[0], byte_to_length(pair[1]), self.average, self.B, self.K1)
        return value


class _ShardBuilder:
    """Encodes the postings and positions of given term keys, in our article numbering."""

    def __init__(self, reader: IndexReader, ours: dict[int, int], whoosh_order: list[int], out: _Writer,
                 stats: LiveStatistics, fields_of: dict[str, list[str]] | None = None,
                 fresh: FreshPostings | None = None) -> None:
        self.reader = reader
        self._postings_read = 0
        self.out = out
        self._scorer = _BlockScorer(_reference(stats))
        #: Sizes of the blocks of each score folder written by this export.
        self.score_files: dict[str, list[int]] = {}
        #: The blocks' digests of each score folder written by this export (12 characters each).
        self.score_digests: dict[str, str] = {}
        #: The text fields each word is in, when known (saves looking it up in each field).
        self.fields_of = fields_of
        self.ours = ours
        self.whoosh_order = whoosh_order
        #: True when Whoosh numbers the articles in publication order (a clean index).
        self.in_order = all(docnum == article for article, docnum in enumerate(whoosh_order))
        self._lengths: dict[str, Any] = {}
        self._places = EncodedPlaces()
        #: The postings as the indexer wrote them, when they are the index's (a clean build).
        self.fresh = fresh if self.in_order else None

    def lengths(self, field: str) -> Any:
        """The length byte of each article in `field`, by article number (read once an export)."""
        if field not in self._lengths:
            self._lengths[field] = list(map(_length_bytes(self.reader, field).__getitem__, self.whoosh_order))
        return self._lengths[field]

    def build(self, keys: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
        entries: dict[str, list[Any]] = {}
        positions: dict[str, list[Any]] = {}
        for key in keys:
            field_name, _, value = key.partition(":")
            if value and field_name in FILTER_FIELDS:
                index = len(TEXT_FIELDS) + FILTER_FIELDS.index(field_name)
                encoded = self._filter_postings(field_name, value)
                if encoded is not None:
                    entries[key] = [[index, encoded]]
                continue
            present = self.fields_of.get(key, ()) if self.fields_of is not None else TEXT_FIELDS
            lists = []
            for index, field in enumerate(TEXT_FIELDS):
                if field not in present:
                    continue
                postings, places, frequency = self._text_postings(field, key)
                if not frequency:  # only deleted articles have it
                    continue
                lists.append((index, field, postings, frequency))
                positions.setdefault(key, []).append([index, places])
            totals, scored = self._word_scores(lists)
            top = _top_articles(totals)
            for (index, field, postings, frequency), values in zip(lists, scored):
                entries.setdefault(key, []).append([index, *self._blocked(field, postings, frequency, top, values)])
            if totals:
                entries[key].append(["word", WORD_RANGE, self._word_bounds(totals, top)])
        return entries, positions

    def _word_scores(self, lists: list[tuple[int, str, list[int], int]]) -> tuple[dict[int, float], list[list[float]]]:
        """Each article's score for the word over all its fields (as a query for the word alone
        scores it, headline boost included), and each list's postings' scores in the field
        (no boost), when one of its lists is long enough for blocks; else nothing."""
        if all(len(numbers) <= 3 * BLOCK_POSTINGS for _, _, numbers, _ in lists):
            return {}, [[] for _ in lists]
        totals: dict[int, float] = {}
        scored = []
        for _, field, numbers, frequency in lists:
            boost = QUERY_FIELD_BOOSTS.get(field, 1.0)
            # Each posting's score looked up in C (map over the (weight, length) pairs), then
            # added up per article in field order, as a query adds them.
            values = list(map(self._scorer.scores(field, frequency).__getitem__, zip(numbers[1::3], numbers[2::3])))
            scored.append(values)
            if boost != 1.0:
                values = list(map(mul, repeat(boost), values))
            articles = list(accumulate(numbers[0::3]))
            if not totals:
                totals = dict(zip(articles, values))
                continue
            # totals[article] = totals.get(article, 0.0) + value for each posting, in C: the
            # same additions in the same order, new articles added in list order.
            totals.update(zip(articles, map(add, map(totals.get, articles, repeat(0.0)), values)))
        return totals, scored

    @staticmethod
    def _word_bounds(totals: dict[int, float], top: set[int]) -> str:
        """Per WORD_RANGE articles, the best score of the word outside its top articles, in
        thousandths rounded up with one to spare (the client only compares with it)."""
        # The articles outside the top in order (nearly sorted already: the first field's in
        # order, then the others'), each range's best one max() over its stretch of them:
        # work in proportion to the word's articles, not to the archive. Rounding up is
        # monotonic, so round the best alone.
        rest = sorted(totals.keys() - top)
        score = totals.__getitem__
        bests = []
        low = 0
        for start in range(0, max(totals) + 1, WORD_RANGE):
            high = bisect_left(rest, start + WORD_RANGE, low)
            bests.append(max(map(score, rest[low:high])) if high > low else -math.inf)
            low = high
        return encode_numbers([0 if best == -math.inf else max(0, math.ceil(best * 1000) + 1) for best in bests])

    def _blocked(self, field: str, numbers: list[int], frequency: int, top_articles: set[int],
                 values: list[float]) -> list[Any]:
        """The entry of one field's postings (after the field number): [postings, df] when the
        list is short; else [article numbers (encode_articles), df, each block's best (weight,
        length) among the postings not in the top, the blocks' folder, the top postings (gap in
        list position, weight, length)]. The postings of the word's top articles come with the
        entry, so a one-word query ranks without fetching a block. (`values`: each posting's
        score in the field, as _word_scores found it for a long list.)"""
        if len(numbers) <= 3 * BLOCK_POSTINGS:
            return [encode_numbers(numbers), frequency]
        articles = list(accumulate(numbers[0::3]))
        # Each posting's weight and length in turn: the list without its article gaps (a
        # block's text is a slice of it, with no pair made per posting).
        flat = numbers[:]
        del flat[0::3]
        scores = self._scorer.scores(field, frequency)
        top = list(compress(count(), map(top_articles.__contains__, articles)))
        top_in_block: dict[int, list[int]] = defaultdict(list)
        for at in top:
            top_in_block[at // BLOCK_POSTINGS].append(at % BLOCK_POSTINGS)
        best: list[int] = []
        texts: list[str] = []
        for start in range(0, len(articles), BLOCK_POSTINGS):
            end = start + BLOCK_POSTINGS
            block = flat[2 * start:2 * end]
            tops = top_in_block.get(start // BLOCK_POSTINGS)
            if tops:
                # The block without its top postings, in order (max keeps the first of equals).
                rest = list(zip(block[0::2], block[1::2]))
                for at in reversed(tops):
                    del rest[at]
                best += max(rest, key=scores.__getitem__) if rest else (0, 0)
            else:  # the first posting of the block's best score: what max(block, key=...) picks
                at = values.index(max(values[start:end]), start, end)
                best += flat[2 * at:2 * at + 2]
            texts.append(_quoted(encode_numbers(block)))
        folder = self._write_blocks(texts, [_digest(text) for text in texts])
        top_text = _top_postings((at, (flat[2 * at], flat[2 * at + 1])) for at in top)
        return [encode_articles(articles), frequency, encode_numbers(best), folder, top_text]

    def _write_blocks(self, texts: list[str | None], digests: list[str], previous: str | None = None,
                      previous_sizes: list[int] | None = None) -> str:
        """Write the score blocks of one list and return the name they go by (score_block).
        A text of None is the block of that number of list `previous` (of `previous_sizes`
        bytes), linked unless its run keeps its name.

        Each run's name is made of its blocks' digests, so the entry names a run once, not
        every block, and a list that grows or is patched keeps the names of its unchanged runs.
        """
        runs = [_digest("".join(digests[start:start + BLOCK_RUN])) for start in range(0, len(texts), BLOCK_RUN)]
        folder = "".join(runs)
        previous_runs = _names(previous) if previous is not None else []
        sizes: list[int] = []
        for run, start in enumerate(range(0, len(texts), BLOCK_RUN)):
            numbers = range(start, min(len(texts), start + BLOCK_RUN))
            if run < len(previous_runs) and previous_runs[run] == runs[run]:
                # A run of the previous export's list left as it was: its files are there, as
                # those of a list kept whole are (_Previous.keep_blocks), and are counted alike.
                kept_sizes = previous_sizes[start:start + len(numbers)]
                self.out.kept_files += len(kept_sizes)
                self.out.bytes += sum(kept_sizes)
                sizes += kept_sizes
                continue
            relpaths = [score_block(folder, number) for number in numbers]
            if self.out.fresh:
                # Nothing was there before this export: only this export (two lists with the
                # same blocks) can have written the run's blocks already.
                kept = relpaths[0] in self.out.written
            else:
                # Blocks named by their run's content are right if all are there (an earlier
                # export may have removed some).
                kept = all(os.path.exists(f"{self.out.root}/{relpath}") for relpath in relpaths)
            for number, relpath in zip(numbers, relpaths):
                text = texts[number]
                if text is not None:
                    (self.out.assume if kept else self.out.put)(relpath, text)
                    sizes.append(len(text.encode("utf-8")))
                    continue
                size = previous_sizes[number]
                source = score_block(str(previous), number)
                if kept or not self.out.link(source, relpath, size):
                    if not kept:
                        write_atomic(self.out.root / relpath, (self.out.root / source).read_bytes())
                    self.out.keep(relpath, size)
                sizes.append(size)
        self.score_files[folder] = sizes
        self.score_digests[folder] = "".join(digests)
        return folder

    def _text_postings(self, field: str, term: str) -> tuple[list[int], str, int]:
        """Postings (article gap, weight, length byte) and encoded positions of `term` in
        `field`, and its live document frequency."""
        if self.fresh is not None:
            found = self.fresh.text(field, term)
            return found if found is not None else ([], "", 0)
        boost = self.reader.schema[field].format.field_boost
        ours = self.ours
        # A Positions posting is the frequency (4 bytes) then a pickle of the position gaps,
        # which is exactly what the export stores: read it without decoding twice.
        values = _live_values(self.reader, field, term)
        self._read(len(values))
        if not values:
            return [], "", 0
        if self.in_order:  # Whoosh numbers are ours: no mapping, already sorted
            articles = [docnum for docnum, _ in values]
            encoded = [value for _, value in values]
        else:
            items = sorted((ours[docnum], value) for docnum, value in values)
            articles = [article for article, _ in items]
            encoded = [value for _, value in items]
        numbers, places = text_postings(field, articles, encoded, boost, self.lengths(field), self._places)
        return numbers, places, len(values)

    def _read(self, postings: int) -> None:
        """Count postings read; every RELEASE_POSTINGS, let go of the mapped index pages read."""
        self._postings_read += postings
        if self._postings_read > RELEASE_POSTINGS:
            release_mapped_pages(self.reader)
            self._postings_read = 0

    def _filter_postings(self, field: str, term: str) -> str | None:
        if self.fresh is not None:
            return self.fresh.filter(field, term)
        if (field, term) not in self.reader:
            return None
        matcher = self.reader.postings(field, term)
        pairs = []
        while matcher.is_active():
            pairs.append((self.ours[matcher.id()], matcher.weight()))
            matcher.next()
        if not pairs:
            return None
        return filter_postings(field, sorted(pairs))


def _top_postings(chosen: Iterable[tuple[int, tuple[int, int]]]) -> str:
    """A long list's top postings as its entry writes them: (gap in list position, weight,
    length) of each (list position, (weight, length)), positions ascending."""
    numbers: list[int] = []
    previous = 0
    for at, (weight, length) in chosen:
        numbers += (at - previous, weight, length)
        previous = at
    return encode_numbers(numbers)


def _weight(field: str, places: int, boost: float) -> int:
    """The weight the export writes for `places` occurrences in `field` (of Whoosh boost `boost`)."""
    weight = places * boost
    if weight != int(weight):
        raise ExportError(f"{field}: boost {boost} gives a fractional weight; use a whole number")
    return int(weight)


def _top_articles(totals: dict[int, float]) -> set[int]:
    """The TOP_POSTINGS articles where a word scores best (ties: the lower article number)."""
    if len(totals) <= TOP_POSTINGS:
        return set(totals)
    # The TOP_POSTINGS-th best score, then the articles above it and the lowest-numbered of
    # those at it: what the TOP_POSTINGS smallest (-score, article) pairs are, with a sort of
    # plain floats in C instead of a heap walked in Python.
    cut = sorted(totals.values())[-TOP_POSTINGS]
    chosen = {article for article, score in totals.items() if score > cut}
    if len(chosen) < TOP_POSTINGS:
        chosen.update(sorted(article for article, score in totals.items() if score == cut)[:TOP_POSTINGS - len(chosen)])
    return chosen


class _OldEntry:
    """A word's entry in the previous export, decoded to be updated rather than rebuilt: each
    field's articles, the (weight, length) pairs in hand (all of a short list's, a long list's
    top postings), and how to score articles from such pairs."""

    def __init__(self, scorer: _BlockScorer, old: dict[Any, list[Any]], indexes: list[int],
                 frequency: dict[int, int]) -> None:
        self.indexes = indexes
        self.scores = {i: scorer.scores(TEXT_FIELDS[i], frequency[i]) for i in indexes}
        self.boosts = {i: QUERY_FIELD_BOOSTS.get(TEXT_FIELDS[i], 1.0) for i in indexes}
        self.pairs: dict[int, dict[int, tuple[int, int]]] = {}
        #: Each field's articles: a long list's as encoding.article_set gives them (a bitmap's
        #: not listed), a short list's listed.
        self.articles: dict[int, ListedArticles | BitmapArticles] = {}
        #: Per long list, its top articles' positions in the list.
        self.top_at: dict[int, dict[int, int]] = {}
        for i in indexes:
            item = old.get(i)
            if item is None:
                self.pairs[i], self.articles[i] = {}, ListedArticles()
            elif len(item) == 3:
                numbers = decode_numbers(item[1])
                self.articles[i] = ListedArticles(accumulate(numbers[0::3]))
                self.pairs[i] = dict(zip(self.articles[i], zip(numbers[1::3], numbers[2::3])))
            else:
                self.articles[i] = article_set(item[1])
                numbers = decode_numbers(item[5])
                positions = list(accumulate(numbers[0::3]))
                top = self.articles[i].at_places(positions)
                self.top_at[i] = dict(zip(top, positions))
                self.pairs[i] = dict(zip(top, zip(numbers[1::3], numbers[2::3])))

    def totals_of(self, chosen: Iterable[int], postings: dict[int, dict[int, tuple[int, int]]]) -> dict[int, float]:
        """Each chosen article's score for the word from `postings` (field → article → pair):
        its fields' scores added up in field order, as _word_scores adds them (the same sums,
        bit for bit), a field at a time."""
        found = dict.fromkeys(chosen, 0.0)
        for i in self.indexes:
            boost, score, field_pairs = self.boosts[i], self.scores[i], postings[i]
            for article in found.keys() & field_pairs.keys():
                found[article] += boost * score[field_pairs[article]]
        return found

    def top(self) -> tuple[dict[int, float], set[int]] | None:
        """The word's top articles in the previous export with their scores, or None when the
        entry does not say which they were."""
        articles, top_at = self.articles, self.top_at
        top_long: set[int] = set().union(*top_at.values())
        # A top article's postings in every long list are top postings.
        for i, at in top_at.items():
            if any(article in articles[i] for article in top_long.difference(at)):
                return None
        if len(top_long) > TOP_POSTINGS:
            return None
        totals = self.totals_of(top_long, self.pairs)
        # Articles only in short lists, and the best of them up to the old top's size.
        short_only: set[int] = set().union(*(articles[i] for i in self.indexes if i not in top_at))
        short_only -= top_long
        for i in top_at:
            if short_only:
                short_only = {article for article in short_only if article not in articles[i]}
        short_totals = self.totals_of(short_only, self.pairs)
        ranked = sorted(short_only, key=lambda article: (-short_totals[article], article))
        old_top = top_long | set(ranked[:TOP_POSTINGS - len(top_long)])
        for article in old_top - top_long:
            totals[article] = short_totals[article]
        return totals, old_top


class _Appender:
    """Extends the previous export's entry of a word whose postings only grew by articles newer
    than all it had (a day's new stories), instead of re-reading and re-encoding its whole list.

    The result is the entry a full export writes (tests/test_search_index.py compares them):
    an old article keeps its number, postings and score, because the blocks, top postings and
    word bounds are chosen with reference statistics, and reference frequencies that the
    new postings leave unchanged (else the word is rebuilt: `extend` answers None). So the
    word's top articles are the best of its old top and its new articles; an old top article
    pushed out returns to its block's best and its range's bound; only the blocks holding new
    postings or pushed-out ones are read back, and the others are linked from the old folder.
    """

    def __init__(self, builder: _ShardBuilder, previous: _Previous, first_new: int, new_segments: set[int]) -> None:
        self.builder = builder
        self.previous = previous
        self.first_new = first_new
        #: The places among the reader's segments of those the previous export did not have.
        self.new_segments = new_segments

    def _new_postings(self, field: str, key: str) -> list[tuple[int, int, int, list[int]]]:
        """(article, weight, length byte, positions) of the articles added since the previous export."""
        builder = self.builder
        boost = builder.reader.schema[field].format.field_boost
        ours, first_new = builder.ours, self.first_new
        items = sorted((ours[docnum], loads(value[4:] + b"."))
                       for docnum, value in _live_values(builder.reader, field, key, self.new_segments))
        lengths = builder.lengths(field)
        postings = []
        for article, gaps in items:
            if article < first_new:  # a re-indexed article whose postings of this word are unchanged
                continue
            postings.append((article, _weight(field, len(gaps), boost), lengths[article], gaps))
        return postings

    def extend(self, key: str, entry: list[Any], places: list[Any] | None) -> tuple[list[Any], list[Any]] | None:
        """The new entry and positions of word `key` from its previous ones, or None when the
        word must be rebuilt from the index."""
        old = {item[0]: item for item in entry}
        old_places = {item[0]: item[1] for item in places or []}
        new = {index: self._new_postings(field, key) for index, field in enumerate(TEXT_FIELDS)}
        indexes = sorted(set(new) & ({i for i, postings in new.items() if postings} | {i for i in old if i != "word"}))
        if not any(new.values()):
            return None
        frequency = {i: (old[i][2] if i in old else 0) + len(new[i]) for i in indexes}
        long_lists = {i for i in indexes if frequency[i] > BLOCK_POSTINGS}
        for i in indexes:
            was_long = i in old and len(old[i]) == 6
            if was_long != (i in long_lists) or (i not in old and i in long_lists):
                return None
            if long_lists and i in old and reference_frequency(old[i][2]) != reference_frequency(frequency[i]):
                return None
        if bool(long_lists) != ("word" in old):
            return None
        new_places = [[i, old_places.get(i, "") + encode_numbers(
            [n for posting in new[i] for n in (len(posting[3]), *posting[3])])] for i in indexes]
        if not long_lists:
            return [self._short(i, old.get(i), new[i], frequency[i]) for i in indexes], new_places
        extended = self._word(key, old, new, indexes, frequency)
        if extended is None:
            return None
        return extended, new_places

    @staticmethod
    def _short(index: int, item: list[Any] | None, postings: list[tuple[int, int, int, list[int]]],
               frequency: int) -> list[Any]:
        """A short list's entry with the new postings (article gap, weight, length) appended."""
        text = item[1] if item else ""
        last = sum(decode_numbers(text)[0::3])
        numbers: list[int] = []
        for article, weight, length, _ in postings:
            numbers += (article - last, weight, length)
            last = article
        return [index, text + encode_numbers(numbers), frequency]

    def _word(self, key: str, old: dict[Any, list[Any]], new: dict[int, list[Any]], indexes: list[int],
              frequency: dict[int, int]) -> list[Any] | None:
        word = _OldEntry(self.builder._scorer, old, indexes, frequency)
        found = word.top()
        if found is None:
            return None
        totals, old_top = found
        articles, pairs, top_at, totals_of = word.articles, word.pairs, word.top_at, word.totals_of
        new_pairs = {i: {article: (weight, length) for article, weight, length, _ in new[i]} for i in indexes}
        added = sorted({article for i in indexes for article in new_pairs[i]})
        totals.update(totals_of(added, new_pairs))
        top = _top_articles({article: totals[article] for article in old_top | set(added)})
        pushed_out = old_top - top
        item_of: dict[int, list[Any]] = {}
        for i in indexes:
            if i not in top_at:
                item_of[i] = self._short(i, old.get(i), new[i], frequency[i])
                continue
            item = self._long(i, old[i], articles[i], pairs[i], top_at[i], new[i], top, pushed_out, frequency[i])
            if item is None:
                return None
            item_of[i] = item
        bounds = decode_numbers(old["word"][2])
        last = max(articles[i][-1] if articles[i] else 0 for i in indexes)
        last = max([last, *added])
        bounds += [0] * (last // WORD_RANGE + 1 - len(bounds))
        for article in sorted(pushed_out | (set(added) - top)):
            at = article // WORD_RANGE
            bounds[at] = max(bounds[at], math.ceil(totals[article] * 1000) + 1)
        return [item_of[i] for i in indexes] + [["word", WORD_RANGE, encode_numbers(bounds)]]

    def _long(self, index: int, item: list[Any], articles: ListedArticles | BitmapArticles,
              pairs: dict[int, tuple[int, int]],
              top_at: dict[int, int], postings: list[tuple[int, int, int, list[int]]], top: set[int],
              pushed_out: set[int], frequency: int) -> list[Any] | None:
        """A long list's entry with the new postings: blocks holding new postings or articles
        pushed out of the top are read back and rewritten, the others linked."""
        field = TEXT_FIELDS[index]
        scores = self.builder._scorer.scores(field, frequency)
        folder = item[4]
        old_count = len(articles)
        old_blocks = -(-old_count // BLOCK_POSTINGS)
        digest_list = self.previous.block_digests(folder, old_blocks)
        if digest_list is None:
            return None
        # The list's articles are not listed whole (a bitmap's would be, half the archive, for
        # each of a day's common words): only those of the blocks rewritten.
        added = [posting[0] for posting in postings]
        count_ = old_count + len(added)
        new_pairs = [(posting[1], posting[2]) for posting in postings]
        best = decode_numbers(item[3])
        changed = {top_at[article] // BLOCK_POSTINGS for article in pushed_out if article in top_at}
        changed |= set(range(old_count // BLOCK_POSTINGS, -(-count_ // BLOCK_POSTINGS)))
        texts: list[str | None] = [None] * old_blocks
        root = self.builder.out.root
        for block in sorted(changed):
            start = block * BLOCK_POSTINGS
            if block < old_blocks:
                block_pairs = _stored_block(root, folder, block, min(BLOCK_POSTINGS, old_count - start))
                if block_pairs is None:
                    return None
            else:
                block_pairs = []
            grown = start + len(block_pairs) < min(count_, start + BLOCK_POSTINGS)
            block_pairs += new_pairs[start + len(block_pairs) - old_count:start + BLOCK_POSTINGS - old_count]
            in_block = [*articles[start:min(old_count, start + BLOCK_POSTINGS)],
                        *added[max(start, old_count) - old_count:start + BLOCK_POSTINGS - old_count]]
            rest = [pair for article, pair in zip(in_block, block_pairs) if article not in top]
            choice = max(rest, key=scores.__getitem__) if rest else (0, 0)
            if block < len(best) // 2:
                best[2 * block:2 * block + 2] = choice
            else:
                best += choice
            if grown or block >= old_blocks:
                text = _quoted(encode_numbers(list(chain.from_iterable(block_pairs))))
                if block < old_blocks:
                    texts[block], digest_list[block] = text, _digest(text)
                else:
                    texts.append(text)
                    digest_list.append(_digest(text))
        try:
            new_folder = self.builder._write_blocks(texts, digest_list, folder, self.previous.blocks["files"][folder])
        except OSError:  # a block of the previous export is gone: the word is rebuilt
            return None
        chosen = sorted([(top_at[article], pairs[article]) for article in top if article in top_at]
                        + [(old_count + at, pair) for at, (article, pair) in enumerate(zip(added, new_pairs))
                           if article in top])
        return [index, extend_articles(item[1], articles, added), frequency, encode_numbers(best), new_folder,
                _top_postings(chosen)]


class _Patcher:
    """Patches the previous export's entry of a word whose postings changed only for articles
    re-indexed in place (a correction: same key and date, so the same article number), instead
    of re-reading and re-encoding its whole list.

    A sentence added to a story changes its body's length byte, so every word of the story gets
    new postings there: at 50,000 articles rebuilding those words (the archive's commonest
    among them) took 15 s median. The result is the entry a full export writes (tests compare them):
    the lists keep their articles and document frequencies, so the reference scores stay; the
    changed postings are put in their places, the blocks holding them are read back and
    rewritten (the others linked), and the top articles and range bounds are updated from the
    changed articles' scores. Where the entry cannot tell what a full export would choose (an
    article gained or lost the word, a top article fell to where one outside could pass it, a
    range's best may have fallen), `extend` answers None and the word is rebuilt.
    """

    def __init__(self, builder: _ShardBuilder, previous: _Previous, edited: dict[int, int],
                 moved: set[tuple[str, str]]) -> None:
        self.builder = builder
        self.previous = previous
        #: (word, field) whose places moved in a re-indexed article (UpdateReport.moved): other
        #: fields keep their positions text, which is most of a common word's bytes.
        self.moved = moved
        #: Whoosh number → article number of each re-indexed article.
        self.edited = {docnum: article for article, docnum in edited.items()}
        #: Each segment holding re-indexed articles, its offset, and their numbers in it (sorted).
        self.leaves = []
        for segment, offset in builder.reader.leaf_readers():
            inside = sorted(docnum - offset for docnum in self.edited if offset <= docnum < offset + segment.doc_count_all())
            if inside:
                self.leaves.append((segment, offset, inside))

    def _postings(self, field: str, key: str) -> dict[int, tuple[int, int, list[int]]]:
        """article → (weight, length byte, position gaps) of the re-indexed articles with `key` in `field`."""
        builder = self.builder
        boost = builder.reader.schema[field].format.field_boost
        lengths = builder.lengths(field)
        found = {}
        for segment, offset, inside in self.leaves:
            try:
                matcher = segment.postings(field, key)
            except TermNotFound:
                continue
            for docnum in inside:
                if matcher.is_active() and matcher.id() < docnum:
                    matcher.skip_to(docnum)
                if not matcher.is_active() or matcher.id() != docnum:
                    continue
                # A Positions value: the frequency (4 bytes), then the pickled position gaps.
                gaps = loads(matcher.value()[4:] + b".")
                article = self.edited[offset + docnum]
                found[article] = (_weight(field, len(gaps), boost), lengths[article], gaps)
        return found

    def extend(self, key: str, entry: list[Any], places: list[Any] | None) -> tuple[list[Any], list[Any]] | None:
        """The entry and positions of word `key` with the re-indexed articles' postings put in,
        or None when the word must be rebuilt from the index."""
        old = {item[0]: item for item in entry}
        indexes = [item[0] for item in entry if item[0] != "word"]
        new = {i: self._postings(field, key) for i, field in enumerate(TEXT_FIELDS)}
        if any(new[i] for i in new if i not in old):
            return None
        frequency = {i: old[i][2] for i in indexes}
        word = _OldEntry(self.builder._scorer, old, indexes, frequency)
        # The list positions of the re-indexed articles: each list keeps its articles.
        at: dict[int, dict[int, int]] = {}
        for i in indexes:
            articles = word.articles[i]
            at[i] = {article: articles.rank(article) for article in self.edited.values() if article in articles}
            if at[i].keys() != new[i].keys():
                return None
        # The re-indexed articles that have the word.
        edited: set[int] = set().union(*(at[i].keys() for i in indexes))
        new_pairs = {i: {article: posting[:2] for article, posting in new[i].items()} for i in indexes}
        old_places = {item[0]: item[1] for item in places or []}
        new_places = [[i, self._places(old_places.get(i, ""), at[i], new[i])
                       if (key, TEXT_FIELDS[i]) in self.moved else old_places.get(i, "")] for i in indexes]
        if "word" not in old:  # short lists only: every posting is in the entry
            return [self._short(i, word, new_pairs[i]) for i in indexes], new_places
        found = word.top()
        if found is None:
            return None
        totals, old_top = found
        # Each re-indexed article's score before (its pairs from the entry or its blocks) and now.
        old_pairs = {i: {article: word.pairs[i].get(article) for article in at[i]} for i in indexes}
        blocks: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for i in word.top_at:
            for article, position in at[i].items():
                if old_pairs[i][article] is None:
                    block = self._block(old[i], position // BLOCK_POSTINGS, len(word.articles[i]), blocks, i)
                    if block is None:
                        return None
                    old_pairs[i][article] = block[position % BLOCK_POSTINGS]
        before = word.totals_of(edited, old_pairs)
        after = word.totals_of(edited, new_pairs)
        if len(old_top) >= TOP_POSTINGS:
            last_key = max((-totals[article], article) for article in old_top)
            # A top article fallen past the old top's last could be passed by one outside it.
            if any((-after[article], article) > last_key for article in edited & old_top):
                return None
        candidates = {article: totals[article] for article in old_top}
        candidates.update(after)
        top = _top_articles(candidates)
        bounds = decode_numbers(old["word"][2])
        # Ranges whose best may have been a re-indexed article's old score, now lower or in the top.
        fallen = set()
        for article in sorted(edited - old_top):
            was, now = math.ceil(before[article] * 1000) + 1, math.ceil(after[article] * 1000) + 1
            if was >= bounds[article // WORD_RANGE] and (article in top or now < was):
                fallen.add(article // WORD_RANGE)
        for article in sorted((old_top - top) | (edited - top)):
            bounds[article // WORD_RANGE] = max(bounds[article // WORD_RANGE],
                                                math.ceil(candidates[article] * 1000) + 1)
        for number in sorted(fallen):
            bound = self._range_bound(number, word, old, top, new_pairs, blocks)
            if bound is None:
                return None
            bounds[number] = bound
        items = []
        for i in indexes:
            if i not in word.top_at:
                items.append(self._short(i, word, new_pairs[i]))
                continue
            item = self._long(i, old[i], word, at[i], new_pairs[i], top, old_top, blocks)
            if item is None:
                return None
            items.append(item)
        return items + [["word", WORD_RANGE, encode_numbers(bounds)]], new_places

    @staticmethod
    def _short(index: int, word: _OldEntry, new_pairs: dict[int, tuple[int, int]]) -> list[Any]:
        """A short list's entry (every posting: article gap, weight, length) with the
        re-indexed articles' pairs put in."""
        pairs = {**word.pairs[index], **new_pairs}
        numbers: list[int] = []
        last = 0
        for article in word.articles[index]:
            numbers += (article - last, *pairs[article])
            last = article
        return [index, encode_numbers(numbers), len(word.articles[index])]

    def _range_bound(self, number: int, word: _OldEntry, old: dict[Any, list[Any]], top: set[int],
                     new_pairs: dict[int, dict[int, tuple[int, int]]],
                     blocks: dict[tuple[int, int], list[tuple[int, int]]]) -> int | None:
        """Range `number`'s bound as _word_bounds writes it, from every posting of its articles
        (the blocks of its stretch of each long list read back, the re-indexed pairs put in)."""
        low, high = number * WORD_RANGE, (number + 1) * WORD_RANGE
        postings: dict[int, dict[int, tuple[int, int]]] = {}
        for i in word.indexes:
            articles = word.articles[i]
            first, last = articles.rank(low), articles.rank(high)
            in_range = articles[first:last]
            found = postings[i] = {}
            if i not in word.top_at:
                for article in in_range:
                    found[article] = word.pairs[i][article]
            for block_number in (range(first // BLOCK_POSTINGS, (last - 1) // BLOCK_POSTINGS + 1)
                                 if i in word.top_at and last > first else ()):
                block = self._block(old[i], block_number, len(articles), blocks, i)
                if block is None:
                    return None
                start = block_number * BLOCK_POSTINGS
                for position in range(max(first, start), min(last, start + BLOCK_POSTINGS)):
                    found[in_range[position - first]] = block[position - start]
            found.update((article, pair) for article, pair in new_pairs[i].items() if low <= article < high)
        totals = word.totals_of(set().union(*postings.values()) - top, postings)
        return max(0, math.ceil(max(totals.values()) * 1000) + 1) if totals else 0

    def _block(self, item: list[Any], number: int, count: int, blocks: dict[tuple[int, int], list[tuple[int, int]]],
               index: int) -> list[tuple[int, int]] | None:
        """Block `number` of a long list's entry `item` (of `count` postings), read once."""
        if (index, number) not in blocks:
            found = _stored_block(self.builder.out.root, item[4], number,
                                  min(BLOCK_POSTINGS, count - number * BLOCK_POSTINGS))
            if found is None:
                return None
            blocks[(index, number)] = found
        return blocks[(index, number)]

    def _long(self, index: int, item: list[Any], word: _OldEntry, at: dict[int, int],
              new_pairs: dict[int, tuple[int, int]], top: set[int], old_top: set[int],
              blocks: dict[tuple[int, int], list[tuple[int, int]]]) -> list[Any] | None:
        """A long list's entry with the re-indexed articles' pairs: blocks holding them or
        articles that joined or left the top are read back and rewritten, the others linked."""
        articles, pairs, top_at = word.articles[index], word.pairs[index], word.top_at[index]
        scores = word.scores[index]
        folder = item[4]
        count_ = len(articles)
        block_count = -(-count_ // BLOCK_POSTINGS)
        digest_list = self.previous.block_digests(folder, block_count)
        if digest_list is None:
            return None
        moved = {article for article in top ^ old_top if article in articles}
        positions = {**{article: top_at[article] for article in moved if article in top_at}, **at}
        for article in moved - positions.keys():
            positions[article] = articles.rank(article)
        changed = {positions[article] // BLOCK_POSTINGS for article in moved | at.keys()}
        best = decode_numbers(item[3])
        texts: list[str | None] = [None] * block_count
        for number in sorted(changed):
            block = self._block(item, number, count_, blocks, index)
            if block is None:
                return None
            start = number * BLOCK_POSTINGS
            block = list(block)
            for article, position in at.items():
                if position // BLOCK_POSTINGS == number:
                    block[position - start] = new_pairs[article]
            rest = [pair for article, pair in zip(articles[start:start + len(block)], block) if article not in top]
            best[2 * number:2 * number + 2] = max(rest, key=scores.__getitem__) if rest else (0, 0)
            text = _quoted(encode_numbers(list(chain.from_iterable(block))))
            digest = _digest(text)
            if digest != digest_list[number]:
                texts[number], digest_list[number] = text, digest
        try:
            new_folder = self.builder._write_blocks(texts, digest_list, folder, self.previous.blocks["files"][folder])
        except OSError:  # a block of the previous export is gone: the word is rebuilt
            return None
        # The top's articles in this list: the old top's that stayed (top_at holds the old top's
        # articles in it, as top() checked) and those that joined it (in `moved`).
        chosen = sorted((top_at.get(article, positions.get(article)), new_pairs.get(article, pairs.get(article)))
                        for article in (top & top_at.keys()) | (top & moved))
        if any(pair is None for _, pair in chosen):
            return None
        return [index, item[1], item[2], encode_numbers(best), new_folder, _top_postings(chosen)]

    @staticmethod
    def _places(text: str, at: dict[int, int], postings: dict[int, tuple[int, int, list[int]]]) -> str:
        """A field's positions text (each posting's count of places, then their gaps) with the
        re-indexed articles' places put in."""
        if not at:
            return text
        numbers = decode_numbers(text)
        replaced = sorted((position, postings[article][2]) for article, position in at.items())
        out: list[int] = []
        cursor = done = position = 0
        # Walk the postings only up to the last re-indexed one; the rest is copied whole.
        for wanted, gaps in replaced:
            while position < wanted:
                cursor += numbers[cursor] + 1
                position += 1
            out += numbers[done:cursor]
            out += (len(gaps), *gaps)
            cursor += numbers[cursor] + 1
            position += 1
            done = cursor
        out += numbers[done:]
        return encode_numbers(out)


def _stored_block(root: str | Path, folder: str, number: int, postings: int) -> list[tuple[int, int]] | None:
    """The (weight, length) pairs of score block `number` of `folder` as the previous export
    wrote it, or None when it is missing, unreadable or not `postings` long."""
    try:
        with open(f"{root}/{score_block(folder, number)}", encoding="utf-8") as stored:
            numbers = decode_numbers(json.load(stored))
    except (OSError, ValueError, KeyError):
        return None
    pairs = list(zip(numbers[0::2], numbers[1::2]))
    return pairs if len(pairs) == postings else None


def _block_folders(entries: dict[str, list[Any]]) -> list[str]:
    """Folders of the score blocks that the entries of one shard refer to."""
    return [item[4] for entry in entries.values() for item in entry if len(item) == 6]


def _lexicon(stats: LiveStatistics, out: _Writer) -> str:
    """Write the spelling word list in its groups; return the name of the directory file."""
    groups = spelling_groups(stats.spelling())
    directory = {key: Path(out.put_named("lexicon", _dumps(group))).stem for key, group in groups.items()}
    return Path(out.put_named("lexicon", _dumps(directory))).stem


@dataclass
class _Previous:
    """The last export to the same folder, when its shards can be reused."""

    rows: list[list[str]]
    sizes: dict[str, int]
    target: Path
    #: Bytes of each shard's terms and positions files.
    shard_bytes: dict[str, list[int]]
    #: {"shards": shard name -> its score folders, "files": score folder -> bytes of each block}.
    blocks: dict[str, dict[str, list[Any]]]

    def block_digests(self, name: str, blocks: int) -> list[str] | None:
        """The digest of each score block of the list whose blocks go by `name`, if this export
        kept them and there are `blocks` of them."""
        digests = self.blocks["digests"].get(name)
        if digests is None or len(digests) != NAME_CHARS * blocks:
            return None
        return _names(digests)

    def keep_blocks(self, folders: list[str], out: _Writer) -> None:
        """Count the score blocks of the given folders of this export as part of the new one.
        They are counted, not listed (a list kept whole at 100,000 articles is hundreds of
        blocks): the next export finds them in the blocks' state (_remove_replaced)."""
        for folder in folders:
            sizes = self.blocks["files"][folder]
            out.kept_files += len(sizes)
            out.bytes += sum(sizes)

    def __post_init__(self) -> None:
        self.firsts = [row[0] for row in self.rows]
        self.by_bounds = {(row[0], self.rows[i + 1][0] if i + 1 < len(self.rows) else None): row
                          for i, row in enumerate(self.rows)}
        self._loaded: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
        self._followers: dict[str, dict[str, Any]] = {}
        #: The text of each file of the follower sets read so far, by the sets' name.
        self._follower_texts: dict[str, list[str]] = {}

    def _row(self, key: str) -> list[Any]:
        """The shard-table row of the previous export's shard that held (or would hold) `key`."""
        return self.rows[bisect_right(self.firsts, key) - 1]

    def entry(self, key: str) -> tuple[Any, Any]:
        """The exported postings and positions of `key` in the previous export."""
        name = self._row(key)[1]
        if name not in self._loaded:
            self._loaded[name] = tuple(json.loads((self.target / folder / f"{name}.json").read_text(encoding="utf-8"))
                                       for folder in ("terms", "positions"))
        terms, positions = self._loaded[name]
        return terms.get(key), positions.get(key)

    def followers(self, key: str) -> list[Any] | None:
        """The follower sets of `key` in the previous export (None: it had none)."""
        row = self._row(key)
        if len(row) < 3:
            return None
        if row[2] not in self._followers:
            # The files of the sets, put back together (_write_followers cut them).
            sets: dict[str, Any] = {}
            texts = self._follower_texts[row[2]] = [
                (self.target / follower_file(row[2], bucket)).read_text(encoding="utf-8") for bucket in range(row[3])]
            for text in texts:
                part = json.loads(text)
                for term, items in part.items():
                    whole = sets.setdefault(term, [[index, {}] for index, _ in items])
                    for at, (_, followers) in enumerate(items):
                        whole[at][1].update(followers)
            self._followers[row[2]] = sets
        return self._followers[row[2]].get(key)

    def follower_files(self, key: str) -> tuple[str, list[str]] | None:
        """The name and the files' texts of the follower sets of the shard that held `key`, when
        they were read (followers())."""
        row = self._row(key)
        if len(row) < 3 or row[2] not in self._follower_texts:
            return None
        return row[2], self._follower_texts[row[2]]


#: What an export's state must hold to be used: one of an earlier layout lacks a key (its
#: "files" listed every file of the export, shards and score blocks too) and is not used.
_STATE_KEYS = ("target", "manifest", "keys", "docnums", "dates", "desks", "segments", "groups", "other_files",
               "shards", "shard_bytes", "sizes", "blocks", "generation", "version")


def _export_state(state_path: Path, target: Path) -> dict[str, Any] | None:
    """What the last export kept about itself, if `target` holds that export.

    The manifest names every other file by its content, so the manifest's digest identifies
    the export wherever the folder now is (a CI checkout, a copied site), not its path.
    """
    state = load_file(state_path)
    try:
        manifest_text = (target / "manifest.json").read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None
    if (not isinstance(state, dict) or any(key not in state for key in _STATE_KEYS)
            or state["manifest"] != _digest(manifest_text) or state["version"] != FORMAT_VERSION):
        return None
    return state


def _previous_export(state: dict[str, Any] | None, target: Path, keys: list[str],
                     reference: dict[str, Any]) -> _Previous | None:
    """The last export's shards, if every article kept its number and the score blocks were
    laid out with the same reference statistics."""
    if (state is None or keys[:len(state["keys"])] != state["keys"]
            or state["blocks"].get("reference") != reference or "digests" not in state["blocks"]):
        return None
    rows, sizes = state["shards"], state["sizes"]
    # One listing per folder rather than a look-up per file.
    present = [{entry.name for entry in os.scandir(target / folder)} if (target / folder).is_dir() else set()
               for folder in ("terms", "positions")]
    if not all(f"{row[1]}.json" in names for row in rows for names in present):
        return None
    followers = {entry.name for entry in os.scandir(target / "followers")} if (target / "followers").is_dir() else set()
    if not all(follower_file(row[2], bucket).partition("/")[2] in followers
               for row in rows if len(row) > 2 for bucket in range(row[3])):
        return None
    return _Previous(rows, sizes, target, state["shard_bytes"], state["blocks"])


def _update_dictionary(stats: LiveStatistics, previous: _Previous, affected: set[str],
                       extended: dict[str, tuple[list[Any], list[Any]]]) -> dict[str, int]:
    """The previous export's term sizes, recomputed for `affected` keys (from their new
    entries' document frequencies for the `extended` ones, as _term_size counts them)."""
    sizes = dict(previous.sizes)
    for key in affected:
        if key in extended:
            sizes[key] = sum(len(key) + 4 + item[2] * 4 for item in extended[key][0] if item[0] != "word")
            continue
        sizes[key] = _term_size(key, stats)
        if not sizes[key]:
            del sizes[key]
    return sizes


def _extend_words(appender: _Appender | _Patcher, candidates: set[str]) -> dict[str, tuple[list[Any], list[Any]]]:
    """New entries and positions of the `candidates` (words that only gained new articles, for
    an _Appender; words of corrected articles, for a _Patcher) that it can make from the
    previous export's; the others are rebuilt from the index."""
    extended = {}
    for key in sorted(candidates):
        field_name, _, value = key.partition(":")
        if value and field_name in FILTER_FIELDS:
            continue
        entry, places = appender.previous.entry(key)
        if entry is None:
            continue
        result = appender.extend(key, entry, places)
        if result is not None:
            extended[key] = result
    return extended


def _table_files(shard_table: list[list[str]], out: _Writer) -> list[list[str]]:
    """Write the shard table in files of TABLE_ROWS rows; return [first term, name] per file."""
    files = []
    for start in range(0, len(shard_table), TABLE_ROWS):
        rows = shard_table[start:start + TABLE_ROWS]
        files.append([rows[0][0], Path(out.put_named("tables", _dumps(rows))).stem])
    return files


def export_index(ix: FileIndex, target: Path, changes: UpdateReport | None = None) -> ExportReport:
    """Write the static search index of `ix` into `target` and return what was written.

    With `changes` (what update_index reported), shards of terms it did not touch are kept
    from the previous export when that export is intact and was made from the index generation
    the update started from (an update whose export never ran, e.g. an interrupted build,
    leaves a gap that only a full export closes); the result is the same as a full export. Statistics are the live articles' (livestats.py), as the reference searcher
    (query.py) scores with them. Files no longer referenced are
    removed after the new manifest is in place, so a reader never sees a half-written index.
    """
    state_path = Path(ix.storage.folder) / EXPORT_STATE_FILE
    unfinished = target / UNFINISHED_MARK
    if unfinished.exists():  # a clean export was stopped: any of its files may be cut short
        _remove_exported(target)
    # Nothing of an earlier export to clean up afterwards (a clean build's output).
    fresh = not any((target / folder).exists() for folder in OWNED_FOLDERS) and not any(target.glob("*.json"))
    if fresh:
        target.mkdir(parents=True, exist_ok=True)
        unfinished.touch()
    affected = changes.affected if changes is not None else None
    generation = ix.latest_generation()
    with ix.reader() as reader:
        stats = LiveStatistics(reader, Path(ix.storage.folder))
        reference = _reference(stats)
        count = stats.doc_count
        state = _export_state(state_path, target) if changes is not None else None
        if state is not None and state["generation"] != changes.since:
            state = None  # changes made since that export are not all in `affected`
        # A clean build's articles, dictionary and postings come as the indexer wrote them,
        # not read back (fresh_postings.py).
        as_written = changes.fresh if changes is not None else None
        if as_written is not None:
            changes.fresh = None  # read once, here
            if as_written.generation != generation or stats.deleted:
                as_written.cleanup()
                as_written = None
        since = _order_since(reader, state, stats.deleted) if state is not None else None
        articles = since
        segments = _segments(reader)
        if articles is None and as_written is not None:
            articles = _ordered(as_written.articles(), {}, {})
            articles.compact = True
        elif articles is None:
            articles = _document_order(reader)
            release_mapped_pages(reader)
        whoosh_order, dates, keys = articles.docnums, articles.dates, articles.keys
        ours = {docnum: article for article, docnum in enumerate(whoosh_order)}
        out = _Writer(target, fresh)
        previous = _previous_export(state, target, keys, reference)
        if as_written is not None and previous is not None:
            as_written.cleanup()
            as_written = None
        fields_of = None
        if previous is None:
            sizes, fields_of = as_written.dictionary() if as_written is not None else _dictionary(reader, stats)
        builder = _ShardBuilder(reader, ours, whoosh_order, out, stats, fields_of, as_written)
        place = {key: article for article, key in enumerate(keys)} if previous is not None else {}
        if previous is None:
            # Every common word's followers, from every article's terms in order: as the
            # indexer noted them on a clean build (50,000 articles: 18 s, where analyzing the
            # stored text again took 55 s), else from the stored text.
            common = _common_words(reader, stats)
            if as_written is not None and whoosh_order == list(range(len(whoosh_order))):
                followed = _followers(_written_orders(as_written), common)
            else:
                followed = _followers(_stored_orders(reader, enumerate(whoosh_order), common, stats.analyzer), common)
        else:
            # The re-indexed and added articles' followers of every word: the previous sets
            # of a touched common word are patched with them (_shard_followers).
            edited = {place[key] for key in chain(changes.updated, changes.added) if key in place}
            followed = _followers(_stored_orders(reader, ((article, whoosh_order[article]) for article in sorted(edited)),
                                                 None, stats.analyzer), None)
        #: Entries and positions of words extended from the previous export (_Appender).
        extended: dict[str, tuple[list[Any], list[Any]]] = {}
        if previous is not None:
            # The new stories' postings are in the segments Whoosh made since the previous export:
            # those it added and any it merged from small ones (whose older articles the
            # appender passes over). Rebuilding a day's words instead whenever Whoosh had
            # merged took 6-15 s at 100,000 articles.
            earlier = {tuple(segment) for segment in state["segments"]}
            new_segments = {at for at, segment in enumerate(segments) if tuple(segment) not in earlier}
            extended = _extend_words(_Appender(builder, previous, len(state["keys"]), new_segments),
                                     affected - changes.rewritten)
            if changes.updated and len(keys) == len(state["keys"]):
                # Corrections only (every article where it was): their words are patched.
                extended.update(_extend_words(
                    _Patcher(builder, previous, {place[key]: whoosh_order[place[key]] for key in changes.updated},
                             changes.moved),
                    changes.rewritten))
            sizes = _update_dictionary(stats, previous, affected, extended)
        shards = _shard_terms(sizes)
        shard_table: list[list[str]] = []
        shard_bytes: dict[str, list[int]] = {}
        shard_folders: dict[str, list[str]] = {}
        for number, terms in enumerate(shards):
            following = shards[number + 1][0] if number + 1 < len(shards) else None
            if previous is not None:
                old = previous.by_bounds.get((terms[0], following))
                if old and not affected.intersection(terms):
                    out.keep(f"terms/{old[1]}.json", previous.shard_bytes[old[1]][0])
                    out.keep(f"positions/{old[1]}.json", previous.shard_bytes[old[1]][1])
                    if len(old) > 2:
                        for bucket, size in enumerate(previous.shard_bytes[old[1]][2]):
                            out.keep(follower_file(old[2], bucket), size)
                    shard_table.append(old)
                    shard_bytes[old[1]] = previous.shard_bytes[old[1]]
                    shard_folders[old[1]] = previous.blocks["shards"].get(old[1], [])
                    previous.keep_blocks(shard_folders[old[1]], out)
                    continue
                # Unaffected terms keep their exported entries; only touched ones are re-read.
                entries, positions = builder.build([term for term in terms if term in affected and term not in extended])
                for term in terms:
                    if term in extended:
                        entries[term], positions[term] = extended[term]
                    elif term not in affected:
                        entry, places = previous.entry(term)
                        entries[term] = entry
                        if places is not None:
                            positions[term] = places
                entries = dict(sorted(entries.items()))
                positions = dict(sorted(positions.items()))
            else:
                entries, positions = builder.build(terms)
            # One name for both files of a shard keeps the table small.
            terms_text, positions_text = _dumps(entries), _dumps(positions)
            name = _digest(terms_text + "\n" + positions_text)
            out.put(f"terms/{name}.json", terms_text)
            out.put(f"positions/{name}.json", positions_text)
            if previous is None:
                sets = _follower_sets(entries, followed)  # (`followed` holds the common words only)
            else:
                sets = _shard_followers(terms, entries, previous, changes, edited, followed, reader, whoosh_order,
                                        stats.analyzer)
            shard_bytes[name] = [len(terms_text.encode("utf-8")), len(positions_text.encode("utf-8"))]
            if sets:
                followers_name, followers_bytes = _write_followers(
                    sets, out, previous.follower_files(terms[0]) if previous is not None else None)
                shard_table.append([terms[0], name, followers_name, len(followers_bytes)])
                shard_bytes[name].append(followers_bytes)
            else:
                shard_table.append([terms[0], name])
            shard_folders[name] = _block_folders(entries)
            if previous is not None:  # entries kept from the last export name its folders
                previous.keep_blocks([f for f in shard_folders[name] if f not in builder.score_files], out)
        release_mapped_pages(reader)
        if as_written is not None:
            as_written.cleanup()
        lexicon = _lexicon(stats, out)

        # An article keeps its record when it has its key's place of the previous export and
        # was not indexed since (Whoosh's numbers may have moved in a merge).
        indexed = set(changes.added) | set(changes.updated) if since is not None else set()
        same = ([old == key and key not in indexed for old, key in zip(state["keys"], keys)]
                if since is not None else [])
        groups = []
        for start in range(0, len(whoosh_order), DOC_GROUP_SIZE):
            members = whoosh_order[start:start + DOC_GROUP_SIZE]
            number = start // DOC_GROUP_SIZE
            before = same[start:start + DOC_GROUP_SIZE] if since is not None and number < len(state["groups"]) else []
            if (len(before) == len(members) and all(before)
                    and (target / "docs" / state["groups"][number][0]).is_dir()):
                # The same articles, none re-indexed: as before.
                name, size = state["groups"][number]
                out.keep_group(len(members), size)
                groups.append([name, size])
                continue
            texts = [articles.record_text(reader, article) for article in range(start, start + len(members))]
            name = _digest("\n".join(texts))
            # A group folder is named by its content, so files in it are right; but a build
            # stopped while writing it leaves some of them missing.
            kept = all((target / "docs" / name / f"{start + offset}.json").exists() for offset in range(len(texts)))
            # The articles this group had at the same places in the last export, none
            # re-indexed since: their records are files of that group's folder (a day's new
            # stories change the last group's name, not its older records).
            for offset, text in enumerate(texts):
                relpath = f"docs/{name}/{start + offset}.json"
                if kept:
                    out.assume(relpath, text)
                elif not (offset < len(before) and before[offset]
                          and out.link(f"docs/{state['groups'][number][0]}/{start + offset}.json", relpath,
                                       len(text.encode("utf-8")))):
                    out.put(relpath, text)
            groups.append([name, sum(len(text.encode("utf-8")) for text in texts)])

        desks = sorted(set(articles.desks))
        desk_code = {desk: code for code, desk in enumerate(desks)}
        desk_text = _dumps(encode_numbers(desk_code[desk] for desk in articles.desks))
        desk_file = out.put(f"desks-{_digest(desk_text)}.json", desk_text)
        months: list[list[int]] = []
        days: list[int] = []  # (gap in days since 1970-01-01, gap in articles) per day with articles
        last_day = last_article = 0
        for article, date in enumerate(dates):
            month = date.year * 100 + date.month
            if not months or months[-1][0] != month:
                months.append([month, article])
            day = (date.date() - EPOCH).days
            if not days or day != last_day:
                days += [day - last_day, article - last_article]
                last_day, last_article = day, article
        calendar_text = _dumps(encode_numbers(days))
        calendar_file = out.put(f"calendar-{_digest(calendar_text)}.json", calendar_text)

        weighting = BM25F()
        manifest = {
            "version": FORMAT_VERSION,
            "count": count,
            "articles": len(whoosh_order),
            "bm25": {"B": weighting.B, "K1": weighting.K1},
            "fields": [{"name": name, "length": stats.field_length(name), "boost": QUERY_FIELD_BOOSTS.get(name, 1.0)}
                       for name in TEXT_FIELDS]
            + [{"name": name} for name in FILTER_FIELDS],
            "shardTables": _table_files(shard_table, out),
            "docGroups": [group[0] for group in groups],
            "docGroupSize": DOC_GROUP_SIZE,
            "blockPostings": BLOCK_POSTINGS,
            "blockRun": BLOCK_RUN,
            "blockReference": reference,
            "desks": desks,
            "deskCodes": desk_file,
            "calendar": calendar_file,
            "months": months,
            # Ties fall in publication order, which is the article numbering itself: one
            # [first article, first tie rank, length] run.
            "whooshOrder": [[0, 0, len(whoosh_order)]] if whoosh_order else [],
            "lexicon": lexicon,
        }
    manifest_text = _dumps(manifest)
    manifest_path = target / "manifest.json"
    write_atomic(manifest_path, manifest_text)
    written = out.bytes + len(manifest_text.encode("utf-8"))
    # The shards and score blocks are named in the state by the shard table and the blocks'
    # state: listing their files too cost a sort of 190,000 names at 100,000 articles.
    files = sorted(name for name in out.written if not name.startswith(("docs/", "terms/", "positions/", "scores/")))
    blocks = {**_blocks_state(shard_folders, builder, previous), "reference": reference}
    if state is not None:
        _remove_replaced(target, state, files, shard_table, blocks["files"], [group[0] for group in groups])
    elif not fresh:
        _remove_stale(target, {target / name for name in out.written} | {manifest_path})
    new_state = {"target": str(target.resolve()), "manifest": _digest(manifest_text), "keys": keys,
                 "generation": generation, "version": FORMAT_VERSION,
                 "docnums": whoosh_order, "dates": articles.iso_dates or [date.isoformat() for date in dates],
                 "desks": articles.desks,
                 "segments": segments, "groups": groups, "other_files": files, "shards": shard_table,
                 "shard_bytes": shard_bytes, "sizes": dict(sizes),  # (marshal takes no defaultdict)
                 "blocks": blocks}
    save_file(state_path, new_state)
    if fresh:
        unfinished.unlink()
    return ExportReport(articles=len(whoosh_order), files=len(out.written) + out.kept_files + 1, bytes=written,
                        manifest=manifest_path, extended=len(extended))


def _blocks_state(shard_folders: dict[str, list[str]], builder: _ShardBuilder,
                  previous: _Previous | None) -> dict[str, dict[str, Any]]:
    """What the next export needs to keep or extend score blocks: each shard's folders, each
    folder's block sizes and block digests."""
    files, digests = {}, {}
    for folders in shard_folders.values():
        for folder in folders:
            if folder in builder.score_files:
                files[folder], digests[folder] = builder.score_files[folder], builder.score_digests[folder]
            else:
                files[folder], digests[folder] = previous.blocks["files"][folder], previous.blocks["digests"][folder]
    return {"shards": {name: folders for name, folders in shard_folders.items() if folders}, "files": files,
            "digests": digests}


def _remove_replaced(target: Path, state: dict[str, Any], files: list[str], shards: list[list[str]],
                     block_files: dict[str, list[int]], groups: list[str]) -> None:
    """Delete the previous export's files and document groups the new manifest no longer
    refers to, found from the two exports' states (no walk over the export's files).

    `files` are the new export's files other than shards, score blocks and records; `shards`
    its shard table; `block_files` its lists' score folders (score_block) with their sizes."""
    for relpath in sorted(set(state["other_files"]) - set(files)):
        (target / relpath).unlink(missing_ok=True)
    for name in sorted({row[1] for row in state["shards"]} - {row[1] for row in shards}):
        for folder in ("terms", "positions"):
            (target / folder / f"{name}.json").unlink(missing_ok=True)
    # A block's path is its run's name and its number: a run named alike at the same place of
    # a list (the same blocks, by its name's digest) is the same files.
    runs = {(name, run) for folder in block_files for run, name in enumerate(_names(folder))}
    root = str(target)
    for folder, sizes in state["blocks"]["files"].items():
        if folder in block_files:
            continue
        for run, name in enumerate(_names(folder)):
            if (name, run) in runs:
                continue
            first = run * BLOCK_RUN
            # os.unlink on the path's text: a correction at 100,000 articles removes thousands
            # of blocks (a rewritten block renames its run's 64); pathlib's objects cost half as much again.
            for number in range(first, min(len(sizes), first + BLOCK_RUN)):
                try:
                    os.unlink(f"{root}/{score_block(folder, number)}")
                except FileNotFoundError:
                    pass
    for name in sorted({group[0] for group in state["groups"]} - set(groups)):
        shutil.rmtree(target / "docs" / name, ignore_errors=True)


def _remove_exported(target: Path) -> None:
    """Delete everything an export writes in `target` (its folders and index files)."""
    for folder in OWNED_FOLDERS:
        shutil.rmtree(target / folder, ignore_errors=True)
    for path in target.glob("*.json"):
        if path.name == "manifest.json" or path.name.startswith(("desks-", "calendar-")):
            path.unlink()
    (target / UNFINISHED_MARK).unlink(missing_ok=True)


def _remove_stale(target: Path, keep: set[Path]) -> None:
    """Delete files of earlier exports that the new manifest no longer refers to."""
    for folder in OWNED_FOLDERS:
        base = target / folder
        if not base.exists():
            continue
        for path in sorted(base.rglob("*"), reverse=True):
            if path.is_file() and path not in keep:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    for path in target.glob("*.json"):
        if path not in keep and path.name.startswith(("desks-", "calendar-")):
            path.unlink()
