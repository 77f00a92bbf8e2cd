"""Exports the optimized Whoosh index as static files the browser client reads.

Layout under the export folder (output/search/ in a site build):

- `manifest.json`   the only fixed name: counts, field statistics, the term-shard table,
                    document-group names, the month table (year facets), Whoosh's document
                    order (ties), names of the desk, calendar and lexicon files.
- `terms/<hash>.json`      postings of a run of consecutive terms (sorted), all fields.
- `positions/<hash>.json`  the same terms' positions, fetched only for phrase queries.
- `docs/<hash>/<id>.json`  one result record per article, grouped so a group's name changes
                           only when one of its records does.
- `lexicon/<hash>.json`    words and frequencies by first letter and length, for corrections;
- `desks-<hash>.json`, `calendar-<hash>.json`   per-article desk codes (facets) and the first
                           article of each day (date filters).

Articles are numbered by publication date, oldest first, so "newest first" reads the numbers
backwards and a date range is a range of numbers. Everything is sorted and serialized with
fixed options, so the same index always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from whoosh.index import FileIndex
from whoosh.reading import IndexReader
from whoosh.scoring import BM25F
from whoosh.util.numeric import length_to_byte

from .encoding import encode_numbers
from .schema import TEXT_FIELDS

FORMAT_VERSION = 1
#: Target size of a term shard (characters): balances the shard table against per-term fetches.
SHARD_CHARS = 12_000
#: Articles per document group (one folder name in the manifest per group).
DOC_GROUP_SIZE = 512
#: Fields the client filters on, after the scored text fields, in this order.
FILTER_FIELDS: tuple[str, ...] = ("desk", "tag")
#: Sub-folders the export owns; anything in them not written by this export is removed.
OWNED_FOLDERS = ("terms", "positions", "docs", "lexicon")
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
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(path.name + ".tmp")
            temporary.write_bytes(data)
            os.replace(temporary, path)
        return relpath

    def put_named(self, folder: str, text: str) -> str:
        return self.put(f"{folder}/{_digest(text)}.json", text)


def _document_order(reader: IndexReader) -> tuple[list[int], list[dict[str, Any]], list[datetime]]:
    """Return Whoosh document numbers sorted by date (then number), their records and dates."""
    stored = [(docnum, fields["date"], fields["record"]) for docnum, fields in reader.iter_docs()]
    stored.sort(key=lambda item: (item[1], item[0]))
    return ([docnum for docnum, _, _ in stored],
            [json.loads(record) for _, _, record in stored],
            [date for _, date, _ in stored])


def _runs(whoosh_order: list[int]) -> list[list[int]]:
    """Return [first article, first Whoosh number, length] runs mapping our numbers to Whoosh's."""
    runs: list[list[int]] = []
    for position, docnum in enumerate(whoosh_order):
        if runs and runs[-1][1] + runs[-1][2] == docnum and runs[-1][0] + runs[-1][2] == position:
            runs[-1][2] += 1
        else:
            runs.append([position, docnum, 1])
    return runs


def _postings(reader: IndexReader, field: str, scored: bool, ours: list[int],
              lengths: list[int] | None) -> dict[str, tuple[str, str | None]]:
    """Return term -> (encoded postings, encoded positions) of one field, in our numbering."""
    result: dict[str, tuple[str, str | None]] = {}
    boost = reader.schema[field].format.field_boost
    for termbytes, _ in reader.iter_field(field):
        term = termbytes.decode("utf-8") if isinstance(termbytes, bytes) else termbytes
        matcher = reader.postings(field, termbytes)
        if scored:
            items = sorted((ours[docnum], positions) for docnum, positions in matcher.items_as("positions"))
            numbers: list[int] = []
            places: list[int] = []
            previous = 0
            for article, positions in items:
                weight = len(positions) * boost
                if weight != int(weight):
                    raise ExportError(f"{field}: boost {boost} gives a fractional weight; use a whole number")
                numbers += (article - previous, int(weight), lengths[article])
                places.append(len(positions))
                last = 0
                for position in positions:
                    places.append(position - last)
                    last = position
                previous = article
            result[term] = (encode_numbers(numbers), encode_numbers(places))
        else:
            pairs = []
            while matcher.is_active():
                pairs.append((ours[matcher.id()], matcher.weight()))
                matcher.next()
            pairs.sort()
            numbers = []
            previous = 0
            for article, weight in pairs:
                if weight != int(weight):
                    raise ExportError(f"{field}: fractional weight {weight} cannot be exported")
                numbers += (article - previous, int(weight))
                previous = article
            result[term] = (encode_numbers(numbers), None)
    return result


def _shards(entries: dict[str, list[list[Any]]], positions: dict[str, list[list[Any]]],
            out: _Writer) -> list[list[str]]:
    """Split sorted terms into shards near SHARD_CHARS; a big term gets a shard of its own."""
    table: list[list[str]] = []
    current: dict[str, Any] = {}
    current_positions: dict[str, Any] = {}
    size = 0

    def flush() -> None:
        nonlocal current, current_positions, size
        if current:
            first = min(current)
            terms_name = out.put_named("terms", _dumps(current))
            positions_name = out.put_named("positions", _dumps(current_positions))
            table.append([first, Path(terms_name).stem, Path(positions_name).stem])
        current, current_positions, size = {}, {}, 0

    for term in sorted(entries):
        entry_size = len(term) + sum(len(item[1]) for item in entries[term]) + 8
        if current and (size + entry_size > SHARD_CHARS or entry_size > SHARD_CHARS // 2):
            flush()
        current[term] = entries[term]
        if term in positions:
            current_positions[term] = positions[term]
        size += entry_size
        if entry_size > SHARD_CHARS // 2:
            flush()
    flush()
    return table


def _lexicon(words: dict[str, int], out: _Writer) -> str:
    """Write words with their frequencies by (first letter, length); return the directory file."""
    groups: dict[str, dict[str, int]] = defaultdict(dict)
    for word, frequency in words.items():
        groups[f"{word[0]}{len(word)}"][word] = frequency
    directory = {key: Path(out.put_named("lexicon", _dumps(group))).stem for key, group in groups.items()}
    return Path(out.put_named("lexicon", _dumps(directory))).stem


def export_index(ix: FileIndex, target: Path) -> ExportReport:
    """Write the static search index of `ix` into `target` and return what was written.

    The index must be optimized (one segment, no deleted documents): the client's statistics
    are Whoosh's only then. Files from earlier exports that are no longer referenced are removed
    after the new manifest is in place, so a reader never sees a half-written index.
    """
    with ix.reader() as reader:
        if reader.has_deletions() or reader.doc_count_all() != reader.doc_count():
            raise ExportError(f"{ix.storage.folder}: index has deleted documents; optimize it before exporting")
        count = reader.doc_count_all()
        whoosh_order, records, dates = _document_order(reader)
        ours = [0] * count
        for article, docnum in enumerate(whoosh_order):
            ours[docnum] = article
        out = _Writer(target)

        entries: dict[str, list[list[Any]]] = defaultdict(list)
        positions: dict[str, list[list[Any]]] = defaultdict(list)
        words: dict[str, int] = defaultdict(int)
        fields_meta = []
        for index, field in enumerate(TEXT_FIELDS):
            lengths = [length_to_byte(reader.doc_field_length(docnum, field)) for docnum in whoosh_order]
            for term, (postings, places) in _postings(reader, field, True, ours, lengths).items():
                entries[term].append([index, postings])
                positions[term].append([index, places])
                words[term] += reader.doc_frequency(field, term)
            fields_meta.append({"name": field, "length": reader.field_length(field)})
        for index, field in enumerate(FILTER_FIELDS, start=len(TEXT_FIELDS)):
            for term, (postings, _) in _postings(reader, field, False, ours, None).items():
                entries[f"{field}:{term}"].append([index, postings])
            fields_meta.append({"name": field})

        shard_table = _shards(entries, positions, out)
        lexicon = _lexicon(words, out)

        groups = []
        for start in range(0, count, DOC_GROUP_SIZE):
            chunk = records[start:start + DOC_GROUP_SIZE]
            texts = [_dumps(record) for record in chunk]
            name = _digest("\n".join(texts))
            for offset, text in enumerate(texts):
                out.put(f"docs/{name}/{start + offset}.json", text)
            groups.append(name)

        desks = sorted({record["desk"] for record in records})
        desk_code = {desk: code for code, desk in enumerate(desks)}
        desk_text = _dumps(encode_numbers(desk_code[r["desk"]] for r in records))
        desk_file = out.put(f"desks-{_digest(desk_text)}.json", desk_text)
        months: list[list[int]] = []
        days: list[int] = []
        last_day = None
        for article, date in enumerate(dates):
            month = date.year * 100 + date.month
            if not months or months[-1][0] != month:
                months.append([month, article])
            day = date.year * 10000 + date.month * 100 + date.day
            if day != last_day:
                days += [day, article]
                last_day = day
        calendar_text = _dumps(encode_numbers(days))
        calendar_file = out.put(f"calendar-{_digest(calendar_text)}.json", calendar_text)

        weighting = BM25F()
        manifest = {
            "version": FORMAT_VERSION,
            "count": count,
            "bm25": {"B": weighting.B, "K1": weighting.K1},
            "fields": fields_meta,
            "shards": shard_table,
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
    temporary = target / "manifest.json.tmp"
    temporary.write_text(manifest_text, encoding="utf-8")
    os.replace(temporary, manifest_path)
    written = out.bytes + len(manifest_text.encode("utf-8"))
    _remove_stale(target, out.written | {manifest_path})
    return ExportReport(articles=count, files=len(out.written) + 1, bytes=written, manifest=manifest_path)


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
