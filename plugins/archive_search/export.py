"""Exports the Whoosh index as static files the browser client reads.

Layout under the export folder (output/search/ in a site build):

- `manifest.json`   the only fixed name: counts, field statistics and query boosts, the
                    shard-table files, document-group names, the month table (year facets),
                    Whoosh's document order (ties), names of the desk, calendar and lexicon files.
- `tables/<hash>.json`     the shard table in slices: first term and name of each shard.
- `terms/<hash>.json`      postings of a run of consecutive terms (sorted), all fields, with
                           Whoosh's document frequency of each (deleted documents included).
- `positions/<hash>.json`  the same terms' positions (same name), fetched only for phrases.
- `docs/<hash>/<id>.json`  one result record per article, grouped so a group's name changes
                           only when one of its records does.
- `lexicon/<hash>.json`    the spelling word list (words as written, with the number of articles
                           using each) by first letter and length, for corrections;
- `desks-<hash>.json`, `calendar-<hash>.json`   per-article desk codes (facets) and the first
                           article of each day (date filters).

Articles are numbered by publication date, oldest first, so "newest first" reads the numbers
backwards and a date range is a range of numbers. Everything is sorted and serialized with
fixed options, so the same index always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import math
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

from .encoding import encode_numbers
from .schema import QUERY_FIELD_BOOSTS, TEXT_FIELDS
from .spelling import spelling_groups

FORMAT_VERSION = 1
#: Target size of a term shard (characters): balances the shard table against per-term fetches.
SHARD_CHARS = 4_000
#: Shard-table rows per table file; the manifest lists the table files, so it stays small.
TABLE_ROWS = 64
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
        self.written: set[Path] = set()
        self.bytes = 0

    def put(self, relpath: str, text: str) -> str:
        path = self.root / relpath
        data = text.encode("utf-8")
        self.written.add(path)
        self.bytes += len(data)
        # Content-named files never change once written; an existing one is already right.
        if not (path.exists() and path.stat().st_size == len(data)):
            write_atomic(path, data)
        return relpath

    def assume(self, relpath: str, text: str) -> str:
        """Count a file as written without touching it: its content-named folder has it."""
        self.written.add(self.root / relpath)
        self.bytes += len(text.encode("utf-8"))
        return relpath

    def keep(self, relpath: str) -> None:
        """Count a file of the previous export as part of this one."""
        path = self.root / relpath
        self.written.add(path)
        self.bytes += path.stat().st_size

    def put_named(self, folder: str, text: str) -> str:
        return self.put(f"{folder}/{_digest(text)}.json", text)


def _document_order(reader: IndexReader) -> tuple[list[int], list[dict[str, Any]], list[datetime], list[str]]:
    """Return live Whoosh document numbers sorted by date (then number), with records, dates, keys."""
    stored = []
    for docnum in reader.all_doc_ids():
        fields = reader.stored_fields(docnum)
        stored.append((fields["date"], docnum, fields["record"], fields["key"]))
    stored.sort(key=lambda item: (item[0], item[1]))
    return ([item[1] for item in stored], [json.loads(item[2]) for item in stored],
            [item[0] for item in stored], [item[3] for item in stored])


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


def _dictionary(reader: IndexReader) -> dict[str, int]:
    """Return every exported term key with its estimated size.

    Sizes come from Whoosh's document frequencies, so shard boundaries follow from the index
    alone and an unchanged stretch of the dictionary keeps its shards from build to build.
    """
    sizes: dict[str, int] = defaultdict(int)
    for field in TEXT_FIELDS + FILTER_FIELDS:
        scored = field in TEXT_FIELDS
        for termbytes, info in reader.iter_field(field):
            term = _term_text(termbytes)
            frequency = info.doc_frequency()
            key = term if scored else f"{field}:{term}"
            sizes[key] += len(key) + 4 + frequency * (4 if scored else 2)
    return sizes


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


class _ShardBuilder:
    """Encodes the postings and positions of given term keys, in our article numbering."""

    def __init__(self, reader: IndexReader, ours: dict[int, int], whoosh_order: list[int]) -> None:
        self.reader = reader
        self.ours = ours
        self.whoosh_order = whoosh_order
        self._lengths: dict[str, list[int]] = {}

    def lengths(self, field: str) -> list[int]:
        if field not in self._lengths:
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
            for index, field in enumerate(TEXT_FIELDS):
                if (field, key) not in self.reader:
                    continue
                postings, places = self._text_postings(field, key)
                entries.setdefault(key, []).append([index, postings, self.reader.doc_frequency(field, key)])
                positions.setdefault(key, []).append([index, places])
        return entries, positions

    def _text_postings(self, field: str, term: str) -> tuple[str, str]:
        boost = self.reader.schema[field].format.field_boost
        lengths = self.lengths(field)
        ours = self.ours
        matcher = self.reader.postings(field, term)
        # A Positions posting is the frequency (4 bytes) then a pickle of the position gaps,
        # which is exactly what the export stores: read it without decoding twice.
        items = sorted((ours[docnum], loads(value[4:] + b".")) for docnum, value in matcher.all_items())
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
        return encode_numbers(numbers), encode_numbers(places)

    def _filter_postings(self, field: str, term: str) -> str | None:
        if (field, term) not in self.reader:
            return None
        matcher = self.reader.postings(field, term)
        pairs = []
        while matcher.is_active():
            pairs.append((self.ours[matcher.id()], matcher.weight()))
            matcher.next()
        pairs.sort()
        numbers: list[int] = []
        previous = 0
        for article, weight in pairs:
            if weight != int(weight):
                raise ExportError(f"{field}: fractional weight {weight} cannot be exported")
            numbers += (article - previous, int(weight))
            previous = article
        return encode_numbers(numbers)


def _lexicon(reader: IndexReader, out: _Writer) -> str:
    """Write the spelling word list in its groups; return the name of the directory file."""
    groups = spelling_groups(reader)
    directory = {key: Path(out.put_named("lexicon", _dumps(group))).stem for key, group in groups.items()}
    return Path(out.put_named("lexicon", _dumps(directory))).stem


@dataclass
class _Previous:
    """The last export to the same folder, when its shards can be reused."""

    rows: list[list[str]]
    sizes: dict[str, int]
    target: Path

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


def _previous_export(state_path: Path, target: Path, keys: list[str]) -> _Previous | None:
    """The last export to `target` if it is intact and every article kept its number."""
    try:
        state = json.loads(state_path.read_text(encoding="utf-8"))
        manifest_text = (target / "manifest.json").read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None
    if (state.get("target") != str(target.resolve()) or state.get("manifest") != _digest(manifest_text)
            or keys[:len(state.get("keys", []))] != state.get("keys")):
        return None
    rows, sizes = state.get("shards"), state.get("sizes")
    if rows is None or sizes is None or not all(
            (target / folder / f"{row[1]}.json").exists() for row in rows for folder in ("terms", "positions")):
        return None
    return _Previous(rows, sizes, target)


def _update_dictionary(reader: IndexReader, previous: _Previous, affected: set[str]) -> dict[str, int]:
    """The previous export's term sizes, recomputed for `affected` keys."""
    sizes = dict(previous.sizes)
    for key in affected:
        field_name, _, value = key.partition(":")
        if value and field_name in FILTER_FIELDS:
            frequency = reader.doc_frequency(field_name, value)
            sizes[key] = len(key) + 4 + frequency * 2
            if not frequency:
                del sizes[key]
            continue
        sizes[key] = sum(len(key) + 4 + reader.doc_frequency(field, key) * 4 for field in TEXT_FIELDS
                         if (field, key) in reader)
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
    export. Statistics are Whoosh's as they stand (deleted documents count until optimized),
    so the client scores as Whoosh does on this very index. Files no longer referenced are
    removed after the new manifest is in place, so a reader never sees a half-written index.
    """
    state_path = Path(ix.storage.folder) / "export-state.json"
    with ix.reader() as reader:
        count = reader.doc_count_all()
        whoosh_order, records, dates, keys = _document_order(reader)
        ours = {docnum: article for article, docnum in enumerate(whoosh_order)}
        out = _Writer(target)
        previous = _previous_export(state_path, target, keys) if affected is not None else None
        if previous is None:
            sizes = _dictionary(reader)
        else:
            sizes = _update_dictionary(reader, previous, affected)
        builder = _ShardBuilder(reader, ours, whoosh_order)
        shards = _shard_terms(sizes)
        shard_table: list[list[str]] = []
        for number, terms in enumerate(shards):
            following = shards[number + 1][0] if number + 1 < len(shards) else None
            if previous is not None:
                old = previous.by_bounds.get((terms[0], following))
                if old and not affected.intersection(terms):
                    out.keep(f"terms/{old[1]}.json")
                    out.keep(f"positions/{old[1]}.json")
                    shard_table.append(old)
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
        lexicon = _lexicon(reader, out)

        groups = []
        for start in range(0, len(records), DOC_GROUP_SIZE):
            chunk = records[start:start + DOC_GROUP_SIZE]
            texts = [_dumps(record) for record in chunk]
            name = _digest("\n".join(texts))
            # A group folder is named by its content: if it exists, its files are right.
            written = out.put if not (target / "docs" / name).is_dir() else out.assume
            for offset, text in enumerate(texts):
                written(f"docs/{name}/{start + offset}.json", text)
            groups.append(name)

        desks = sorted({record["desk"] for record in records})
        desk_code = {desk: code for code, desk in enumerate(desks)}
        desk_text = _dumps(encode_numbers(desk_code[r["desk"]] for r in records))
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
            "articles": len(records),
            "bm25": {"B": weighting.B, "K1": weighting.K1},
            "fields": [{"name": name, "length": reader.field_length(name), "boost": QUERY_FIELD_BOOSTS.get(name, 1.0)}
                       for name in TEXT_FIELDS]
            + [{"name": name} for name in FILTER_FIELDS],
            "shardTables": _table_files(shard_table, out),
            "docGroups": groups,
            "docGroupSize": DOC_GROUP_SIZE,
            "desks": desks,
            "deskCodes": desk_file,
            "calendar": calendar_file,
            "months": months,
            "whooshOrder": _runs(whoosh_order),
            "lexicon": lexicon,
        }
    manifest_text = _dumps(manifest)
    manifest_path = target / "manifest.json"
    write_atomic(manifest_path, manifest_text)
    written = out.bytes + len(manifest_text.encode("utf-8"))
    _remove_stale(target, out.written | {manifest_path})
    state = {"target": str(target.resolve()), "manifest": _digest(manifest_text), "keys": keys,
             "shards": shard_table, "sizes": sizes}
    write_atomic(state_path, json.dumps(state))
    return ExportReport(articles=len(records), files=len(out.written) + 1, bytes=written, manifest=manifest_path)


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
