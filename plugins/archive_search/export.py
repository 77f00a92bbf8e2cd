"""Exports the Whoosh index as static files the browser client reads.

Layout under the export folder (output/search/ in a site build):

- `manifest.json`   the only fixed name: counts, field statistics, the shard-table files,
                    document-group names, the month table (year facets), the tie order
                    (publication order, so one run), names of the desk, calendar and lexicon files.
- `tables/<hash>.json`     the shard table in slices: first term and name of each shard.
- `terms/<hash>.json`      postings of a run of consecutive terms (sorted), all fields, with
                           the document frequency of each among live articles.
- `positions/<hash>.json`  the same terms' positions (same name), fetched only for phrases.
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
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date as calendar_date
from datetime import datetime
from pathlib import Path
from typing import Any

from whoosh.index import FileIndex
from whoosh.reading import IndexReader
from whoosh.scoring import BM25F
from whoosh.util.numeric import length_to_byte

from archive_format import write_atomic

from .documents import stored_source
from .encoding import encode_numbers
from .indexer import term_keys
from .livestats import LiveStatistics
from .schema import TEXT_FIELDS
from .spelling import spelling_groups

FORMAT_VERSION = 1
#: Target size of a term shard (characters): balances the shard table against per-term fetches.
SHARD_CHARS = 4_000
#: Shard-table rows per table file; the manifest lists the table files, so it stays small.
TABLE_ROWS = 64
#: Postings the export reads before letting go of the mapped index pages it read (see
#: release_mapped_pages): about 50 MB of index file.
RELEASE_POSTINGS = 1_000_000
#: Articles per document group (one folder name in the manifest per group).
DOC_GROUP_SIZE = 512
#: Fields the client filters on, after the scored text fields, in this order.
FILTER_FIELDS: tuple[str, ...] = ("desk", "tag")
#: Sub-folders the export owns; anything in them not written by this export is removed.
OWNED_FOLDERS = ("terms", "positions", "tables", "docs", "lexicon")
EPOCH = calendar_date(1970, 1, 1)
_JSON = {"ensure_ascii": False, "sort_keys": True, "separators": (",", ":")}


class ExportError(Exception):
    """The index cannot be exported as it is; the message says why and what to do."""


@dataclass(frozen=True)
class ExportReport:
    """What an export wrote: article count, files, total bytes, and the manifest path."""

    articles: int
    files: int
    bytes: int
    manifest: Path


def _dumps(value: Any) -> str:
    return json.dumps(value, **_JSON)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


class _Writer:
    """Writes content-named files below the export folder and remembers what it wrote."""

    def __init__(self, root: Path) -> None:
        self.root = root
        #: Paths inside the export folder ("terms/x.json") of the files this export consists of.
        self.written: set[str] = set()
        self.bytes = 0
        #: Files of document groups kept whole from the previous export (not in `written`).
        self.kept_files = 0

    def put(self, relpath: str, text: str) -> str:
        path = self.root / relpath
        data = text.encode("utf-8")
        self.written.add(relpath)
        self.bytes += len(data)
        # Content-named files never change once written; an existing one is already right.
        if not (path.exists() and path.stat().st_size == len(data)):
            write_atomic(path, data)
        return relpath

    def assume(self, relpath: str, text: str) -> str:
        """Count a file as written without touching it: its content-named folder has it."""
        self.written.add(relpath)
        self.bytes += len(text.encode("utf-8"))
        return relpath

    def keep(self, relpath: str, size: int) -> None:
        """Count a file of the previous export (of `size` bytes) as part of this one."""
        self.written.add(relpath)
        self.bytes += size

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

    def record(self, reader: IndexReader, article: int) -> dict[str, Any]:
        docnum = self.docnums[article]
        text = self.records.get(docnum)
        return json.loads(text if text is not None else reader.stored_fields(docnum)["record"])


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


def _segments(reader: IndexReader) -> list[list[Any]]:
    """[segment id, documents] of each segment: numbers stay valid while these stay in place."""
    return [[segment.segment().segment_id(), segment.doc_count_all()] for segment, _ in reader.leaf_readers()]


def _order_since(reader: IndexReader, state: dict[str, Any], deleted: list[int]) -> _Articles | None:
    """The live articles in publication order from the previous export's numbering: its
    articles less those deleted since, plus those added since (the only ones read). None when
    Whoosh merged segments since (its numbers moved)."""
    before = state.get("segments")
    now = _segments(reader)
    if not before or now[:len(before)] != before:
        return None
    gone = set(deleted)
    kept = [(datetime.fromisoformat(date), key, docnum, None)
            for docnum, key, date in zip(state["docnums"], state["keys"], state["dates"]) if docnum not in gone]
    desks = {docnum: desk for docnum, desk in zip(state["docnums"], state["desks"]) if docnum not in gone}
    first_new = sum(count for _, count in before)
    added = _read_articles(reader, (docnum for docnum in range(first_new, reader.doc_count_all())
                                    if docnum not in gone))
    return _ordered(kept + added, {}, desks)


def _runs(whoosh_order: list[int]) -> list[list[int]]:
    """Return [first article, first Whoosh number, length] runs mapping our numbers to Whoosh's."""
    runs: list[list[int]] = []
    for position, docnum in enumerate(whoosh_order):
        if runs and runs[-1][1] + runs[-1][2] == docnum and runs[-1][0] + runs[-1][2] == position:
            runs[-1][2] += 1
        else:
            runs.append([position, docnum, 1])
    return runs


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


def _live_values(reader: IndexReader, field: str, term: str) -> list[tuple[int, bytes]]:
    """(document number, encoded posting value) of each live article with `term` in `field`.

    Whoosh's matchers hand out one posting per call through two wrappers (segments,
    deletions); the export reads every posting of the index, so it takes Whoosh's posting
    blocks whole (the block reader of whoosh 2.7's W3LeafMatcher) and drops deleted articles
    itself. A matcher without blocks (a term kept inline) is read posting by posting.
    """
    items: list[tuple[int, bytes]] = []
    for segment, offset in reader.leaf_readers():
        if (field, term) not in segment:
            continue
        matcher = segment.postings(field, term)
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


class _LazyLengths(dict):
    """Length bytes of a field's articles, read from the index as they are asked for."""

    def __init__(self, reader: IndexReader, field: str, whoosh_order: list[int]) -> None:
        super().__init__()
        self.reader, self.field, self.whoosh_order = reader, field, whoosh_order

    def __missing__(self, article: int) -> int:
        value = self[article] = length_to_byte(self.reader.doc_field_length(self.whoosh_order[article], self.field))
        return value


class _ShardBuilder:
    """Encodes the postings and positions of given term keys, in our article numbering."""

    def __init__(self, reader: IndexReader, ours: dict[int, int], whoosh_order: list[int],
                 fields_of: dict[str, list[str]] | None = None) -> None:
        self.reader = reader
        self._postings_read = 0
        #: The text fields each word is in, when known (saves looking it up in each field).
        self.fields_of = fields_of
        self.ours = ours
        self.whoosh_order = whoosh_order
        self._lengths: dict[str, Any] = {}

    def lengths(self, field: str) -> Any:
        """The length byte of each article in `field`, by article number: all of them read at
        once for a full export, only those asked for when a few terms are re-exported."""
        if field not in self._lengths:
            if self.fields_of is None:
                self._lengths[field] = _LazyLengths(self.reader, field, self.whoosh_order)
            else:
                self._lengths[field] = [length_to_byte(self.reader.doc_field_length(docnum, field))
                                        for docnum in self.whoosh_order]
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
            for index, field in enumerate(TEXT_FIELDS):
                if field not in present:
                    continue
                postings, places, frequency = self._text_postings(field, key)
                if not frequency:  # only deleted articles have it
                    continue
                entries.setdefault(key, []).append([index, postings, frequency])
                positions.setdefault(key, []).append([index, places])
        return entries, positions

    def _text_postings(self, field: str, term: str) -> tuple[str, str, int]:
        """Encoded postings and positions of `term` in `field`, and its live document frequency."""
        boost = self.reader.schema[field].format.field_boost
        lengths = self.lengths(field)
        ours = self.ours
        # A Positions posting is the frequency (4 bytes) then a pickle of the position gaps,
        # which is exactly what the export stores: read it without decoding twice.
        items = sorted((ours[docnum], loads(value[4:] + b".")) for docnum, value in _live_values(self.reader, field, term))
        self._read(len(items))
        if not items:
            return "", "", 0
        numbers: list[int] = []
        places: list[int] = []
        previous = 0
        for article, gaps in items:
            weight = len(gaps) * boost
            if weight != int(weight):
                raise ExportError(f"{field}: boost {boost} gives a fractional weight; use a whole number")
            numbers += (article - previous, int(weight), lengths[article])
            places.append(len(gaps))
            places += gaps
            previous = article
        return encode_numbers(numbers), encode_numbers(places), len(items)

    def _read(self, postings: int) -> None:
        """Count postings read; every RELEASE_POSTINGS, let go of the mapped index pages read."""
        self._postings_read += postings
        if self._postings_read > RELEASE_POSTINGS:
            release_mapped_pages(self.reader)
            self._postings_read = 0

    def _filter_postings(self, field: str, term: str) -> str | None:
        if (field, term) not in self.reader:
            return None
        matcher = self.reader.postings(field, term)
        pairs = []
        while matcher.is_active():
            pairs.append((self.ours[matcher.id()], matcher.weight()))
            matcher.next()
        if not pairs:
            return None
        pairs.sort()
        numbers: list[int] = []
        previous = 0
        for article, weight in pairs:
            if weight != int(weight):
                raise ExportError(f"{field}: fractional weight {weight} cannot be exported")
            numbers += (article - previous, int(weight))
            previous = article
        return encode_numbers(numbers)


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

    def __post_init__(self) -> None:
        self.firsts = [row[0] for row in self.rows]
        self.by_bounds = {(row[0], self.rows[i + 1][0] if i + 1 < len(self.rows) else None): row
                          for i, row in enumerate(self.rows)}
        self._loaded: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}

    def entry(self, key: str) -> tuple[Any, Any]:
        """The exported postings and positions of `key` in the previous export."""
        name = self.rows[bisect_right(self.firsts, key) - 1][1]
        if name not in self._loaded:
            self._loaded[name] = tuple(json.loads((self.target / folder / f"{name}.json").read_text(encoding="utf-8"))
                                       for folder in ("terms", "positions"))
        terms, positions = self._loaded[name]
        return terms.get(key), positions.get(key)


_STATE_KEYS = ("target", "manifest", "keys", "docnums", "dates", "desks", "segments", "groups", "files",
               "shards", "shard_bytes", "sizes")


def _export_state(state_path: Path, target: Path) -> dict[str, Any] | None:
    """What the last export kept about itself, if `target` holds that export.

    The manifest names every other file by its content, so the manifest's digest identifies
    the export wherever the folder now is (a CI checkout, a copied site), not its path.
    """
    try:
        state = json.loads(state_path.read_text(encoding="utf-8"))
        manifest_text = (target / "manifest.json").read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None
    if (not isinstance(state, dict) or any(key not in state for key in _STATE_KEYS)
            or state["manifest"] != _digest(manifest_text)):
        return None
    return state


def _previous_export(state: dict[str, Any] | None, target: Path, keys: list[str]) -> _Previous | None:
    """The last export's shards, if every article kept its number."""
    if state is None or keys[:len(state["keys"])] != state["keys"]:
        return None
    rows, sizes = state["shards"], state["sizes"]
    # One listing per folder rather than a look-up per file.
    present = [{entry.name for entry in os.scandir(target / folder)} if (target / folder).is_dir() else set()
               for folder in ("terms", "positions")]
    if not all(f"{row[1]}.json" in names for row in rows for names in present):
        return None
    return _Previous(rows, sizes, target, state["shard_bytes"])


def _update_dictionary(stats: LiveStatistics, previous: _Previous, affected: set[str]) -> dict[str, int]:
    """The previous export's term sizes, recomputed for `affected` keys."""
    sizes = dict(previous.sizes)
    for key in affected:
        sizes[key] = _term_size(key, stats)
        if not sizes[key]:
            del sizes[key]
    return sizes


def _table_files(shard_table: list[list[str]], out: _Writer) -> list[list[str]]:
    """Write the shard table in files of TABLE_ROWS rows; return [first term, name] per file."""
    files = []
    for start in range(0, len(shard_table), TABLE_ROWS):
        rows = shard_table[start:start + TABLE_ROWS]
        files.append([rows[0][0], Path(out.put_named("tables", _dumps(rows))).stem])
    return files


def export_index(ix: FileIndex, target: Path, affected: set[str] | None = None) -> ExportReport:
    """Write the static search index of `ix` into `target` and return what was written.

    With `affected` (the term keys an update touched, from update_index), shards of other
    terms are kept from the previous export when it is intact; the result is the same as a full
    export. Statistics are the live articles' (livestats.py), as the reference searcher
    (query.py) scores with them. Files no longer referenced are
    removed after the new manifest is in place, so a reader never sees a half-written index.
    """
    state_path = Path(ix.storage.folder) / "export-state.json"
    with ix.reader() as reader:
        stats = LiveStatistics(reader, Path(ix.storage.folder))
        count = stats.doc_count
        state = _export_state(state_path, target) if affected is not None else None
        articles = _order_since(reader, state, stats.deleted) if state is not None else None
        # Whoosh numbers name the same articles as in the previous export (none merged away).
        numbers_kept = articles is not None
        if articles is None:
            articles = _document_order(reader)
            release_mapped_pages(reader)
        whoosh_order, dates, keys = articles.docnums, articles.dates, articles.keys
        ours = {docnum: article for article, docnum in enumerate(whoosh_order)}
        out = _Writer(target)
        previous = _previous_export(state, target, keys)
        fields_of = None
        if previous is None:
            sizes, fields_of = _dictionary(reader, stats)
        else:
            sizes = _update_dictionary(stats, previous, affected)
        builder = _ShardBuilder(reader, ours, whoosh_order, fields_of)
        shards = _shard_terms(sizes)
        shard_table: list[list[str]] = []
        shard_bytes: dict[str, list[int]] = {}
        for number, terms in enumerate(shards):
            following = shards[number + 1][0] if number + 1 < len(shards) else None
            if previous is not None:
                old = previous.by_bounds.get((terms[0], following))
                if old and not affected.intersection(terms):
                    out.keep(f"terms/{old[1]}.json", previous.shard_bytes[old[1]][0])
                    out.keep(f"positions/{old[1]}.json", previous.shard_bytes[old[1]][1])
                    shard_table.append(old)
                    shard_bytes[old[1]] = previous.shard_bytes[old[1]]
                    continue
                # Unaffected terms keep their exported entries; only touched ones are re-read.
                entries, positions = builder.build([term for term in terms if term in affected])
                for term in terms:
                    if term not in affected:
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
            shard_table.append([terms[0], name])
            shard_bytes[name] = [len(terms_text.encode("utf-8")), len(positions_text.encode("utf-8"))]
        release_mapped_pages(reader)
        lexicon = _lexicon(stats, out)

        groups = []
        for start in range(0, len(whoosh_order), DOC_GROUP_SIZE):
            members = whoosh_order[start:start + DOC_GROUP_SIZE]
            number = start // DOC_GROUP_SIZE
            if (numbers_kept and number < len(state["groups"])
                    and state["docnums"][start:start + DOC_GROUP_SIZE] == members
                    and (target / "docs" / state["groups"][number][0]).is_dir()):
                # The same articles, none re-indexed (a re-indexed one has a new number): as before.
                name, size = state["groups"][number]
                out.keep_group(len(members), size)
                groups.append([name, size])
                continue
            texts = [_dumps(articles.record(reader, article)) for article in range(start, start + len(members))]
            name = _digest("\n".join(texts))
            # A group folder is named by its content: if it exists, its files are right.
            written = out.put if not (target / "docs" / name).is_dir() else out.assume
            for offset, text in enumerate(texts):
                written(f"docs/{name}/{start + offset}.json", text)
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
            "fields": [{"name": name, "length": stats.field_length(name)} for name in TEXT_FIELDS]
            + [{"name": name} for name in FILTER_FIELDS],
            "shardTables": _table_files(shard_table, out),
            "docGroups": [group[0] for group in groups],
            "docGroupSize": DOC_GROUP_SIZE,
            "desks": desks,
            "deskCodes": desk_file,
            "calendar": calendar_file,
            "months": months,
            # Ties fall in publication order, which is the article numbering itself.
            "whooshOrder": _runs(list(range(len(whoosh_order)))),
            "lexicon": lexicon,
        }
        segments = _segments(reader)
    manifest_text = _dumps(manifest)
    manifest_path = target / "manifest.json"
    write_atomic(manifest_path, manifest_text)
    written = out.bytes + len(manifest_text.encode("utf-8"))
    files = sorted(name for name in out.written if not name.startswith("docs/"))
    if state is not None:
        _remove_replaced(target, state, files, [group[0] for group in groups])
    else:
        _remove_stale(target, {target / name for name in out.written} | {manifest_path})
    new_state = {"target": str(target.resolve()), "manifest": _digest(manifest_text), "keys": keys,
                 "docnums": whoosh_order, "dates": [date.isoformat() for date in dates], "desks": articles.desks,
                 "segments": segments, "groups": groups, "files": files, "shards": shard_table,
                 "shard_bytes": shard_bytes, "sizes": sizes}
    write_atomic(state_path, json.dumps(new_state))
    return ExportReport(articles=len(whoosh_order), files=len(out.written) + out.kept_files + 1, bytes=written,
                        manifest=manifest_path)


def _remove_replaced(target: Path, state: dict[str, Any], files: list[str], groups: list[str]) -> None:
    """Delete the previous export's files and document groups the new manifest no longer
    refers to (the previous export's own list: no need to walk every article's file)."""
    for relpath in sorted(set(state["files"]) - set(files)):
        (target / relpath).unlink(missing_ok=True)
    for name in sorted({group[0] for group in state["groups"]} - set(groups)):
        shutil.rmtree(target / "docs" / name, ignore_errors=True)


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
